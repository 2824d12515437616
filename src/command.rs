//! Slash commands, shared by the terminal and Telegram: parsing
//! (`/event@briefbot 2022-09-10` → `Command::Event`) is separate from running.
//! Pure, like the rest of the core.

use crate::answer::{self, Outcome};
use crate::dates;
use crate::kb::Kb;
use crate::matcher::{Lang, Target, best_match};
use crate::render::{self, Citation, Reply};

/// The commands, with the text `/help` shows.
pub const HELP: &[(&str, &str)] = crate::i18n::HELP_EN;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Start(Option<String>),
    Help,
    Timeline {
        all: bool,
    },
    Event(String),
    Who(String),
    Sources,
    Ask(String),
    About,
    Brief,
    Subscribe,
    Unsubscribe,
    /// `/lang en|sq`: the language of this chat's replies.
    Lang(String),
    /// For the bot's administrators, on Telegram: `/brief_now`, `/reload`,
    /// `/stats [PERIOD]`.
    Admin(AdminCommand),
    Quit,
    Unknown(String),
}

/// Commands only the bot's administrators (`BRIEFBOT_ADMINS`) may run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminCommand {
    /// Deliver the current briefing to every subscriber now.
    BriefNow,
    /// Reload `intents/` and `data/`.
    Reload,
    /// Questions answered and declined over a period (`7d`, `24h`, `all`).
    Stats(String),
}

/// The admin commands, for `/help` when an admin asks.
pub const ADMIN_HELP: &[(&str, &str)] = &[
    ("/brief_now", "deliver the briefing to every subscriber now"),
    (
        "/reload",
        "reload intents/ and data/ (errors keep the old knowledge)",
    ),
    (
        "/stats [7d|24h|30d|all]",
        "questions answered and declined, top intents",
    ),
];

/// Parses a message that starts with `/`; `None` for anything else.
pub fn parse(message: &str) -> Option<Command> {
    let rest = message.strip_prefix('/')?;
    let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = head.split('@').next().unwrap_or_default().to_lowercase();
    let args = args.trim().to_string();
    let arg = || Some(args.clone()).filter(|a| !a.is_empty());
    Some(match name.as_str() {
        "start" => Command::Start(arg()),
        "help" => Command::Help,
        "timeline" => Command::Timeline {
            all: args.eq_ignore_ascii_case("all"),
        },
        "event" => Command::Event(args),
        "who" | "what" => Command::Who(args),
        "sources" => Command::Sources,
        "ask" => Command::Ask(args),
        "about" => Command::About,
        "brief" | "briefing" => Command::Brief,
        "subscribe" => Command::Subscribe,
        "lang" | "language" | "gjuha" => Command::Lang(args),
        "unsubscribe" => Command::Unsubscribe,
        "brief_now" => Command::Admin(AdminCommand::BriefNow),
        "reload" => Command::Admin(AdminCommand::Reload),
        "stats" => Command::Admin(AdminCommand::Stats(args)),
        "quit" | "exit" => Command::Quit,
        _ => Command::Unknown(head.to_string()),
    })
}

/// Runs a command.
pub fn run(kb: &Kb, cmd: Command) -> Outcome {
    let key = |k: &str| Some(k.to_string());
    match cmd {
        Command::Start(Some(payload)) => {
            answer::answer_key(kb, &payload).unwrap_or_else(|| welcome(kb))
        }
        Command::Start(None) => welcome(kb),
        Command::Help => plain(help(kb), key("help")),
        Command::About => plain(Reply::text(kb.bot.about.clone()), key("about")),
        Command::Timeline { all } => plain(render::timeline(kb, all), key("timeline")),
        Command::Sources => plain(sources(kb), key("sources")),
        Command::Ask(q) if q.is_empty() => {
            usage(kb, "/ask QUESTION, e.g. /ask who hacked Albania?")
        }
        Command::Ask(q) => answer::answer_question(kb, &q),
        Command::Event(arg) => event(kb, &arg),
        Command::Who(name) => who(kb, &name),
        Command::Brief => plain(crate::briefing::compose(kb, None).reply, key("brief")),
        Command::Lang(code) => match Lang::from_code(&code).filter(|l| kb.langs().contains(l)) {
            Some(lang) => plain(
                Reply::text_in(lang, crate::i18n::texts(lang).lang_set),
                key("lang"),
            ),
            None => {
                let codes: Vec<&str> = kb.langs().iter().map(|l| l.code()).collect();
                usage(kb, &format!("/lang {}", codes.join("|")))
            }
        },
        Command::Subscribe | Command::Unsubscribe | Command::Admin(_) => plain(
            Reply::text_in(kb.lang, crate::i18n::texts(kb.lang).telegram_only),
            None,
        ),
        Command::Quit => Outcome {
            quit: true,
            ..plain(
                Reply::text_in(kb.lang, crate::i18n::texts(kb.lang).goodbye),
                key("quit"),
            )
        },
        Command::Unknown(name) => {
            let mut outcome = plain(help(kb), None);
            outcome.reply.body = format!(
                "I don't know the command /{name}.\n\n{}",
                outcome.reply.body
            );
            outcome.matched = false;
            outcome
        }
    }
}

fn plain(reply: Reply, intent: Option<String>) -> Outcome {
    Outcome {
        reply,
        matched: intent.is_some(),
        intent,
        score: 1.0,
        choices: false,
        quit: false,
        subject: None,
    }
}

fn usage(kb: &Kb, text: &str) -> Outcome {
    Outcome {
        matched: false,
        intent: None,
        ..plain(
            Reply::text_in(kb.lang, crate::i18n::texts(kb.lang).usage(text)),
            None,
        )
    }
}

fn welcome(kb: &Kb) -> Outcome {
    let reply = Reply {
        lang: kb.lang,
        title: Some(crate::i18n::texts(kb.lang).hello(&kb.bot.name)),
        body: format!(
            "{}\n{}",
            kb.bot.about,
            crate::i18n::texts(kb.lang).ask_or_try
        ),
        sources: Vec::new(),
        related: render::buttons(kb, &kb.bot.suggestions),
    };
    plain(reply, Some("start".to_string()))
}

fn help(kb: &Kb) -> Reply {
    let texts = crate::i18n::texts(kb.lang);
    let mut body = format!("{}\n\n{}", kb.bot.about, texts.ask_or_command);
    for (cmd, what) in texts.commands {
        body.push_str(&format!("\n{cmd} — {what}"));
    }
    Reply {
        lang: kb.lang,
        title: None,
        body,
        sources: Vec::new(),
        related: render::buttons(kb, &kb.bot.suggestions),
    }
}

fn sources(kb: &Kb) -> Reply {
    let cites: Vec<Citation> = render::citations(
        kb,
        &kb.sources.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
    );
    let lines: Vec<String> = kb
        .sources
        .iter()
        .zip(cites)
        .map(|(s, c)| match &s.url {
            Some(url) => format!("• {} — {url}", c.text),
            None => format!("• {}", c.text),
        })
        .collect();
    Reply {
        lang: kb.lang,
        title: Some(crate::i18n::texts(kb.lang).sources_title(lines.len())),
        body: lines.join("\n"),
        sources: vec![],
        related: vec![],
    }
}

fn event(kb: &Kb, arg: &str) -> Outcome {
    if arg.is_empty() {
        return usage(kb, "/event DATE|ID, e.g. /event 2022-09-07");
    }
    if let Some(outcome) = answer::answer_key(kb, &format!("event:{}", arg.trim())) {
        return outcome;
    }
    let folded = crate::text::fold(arg);
    let words: Vec<&str> = folded.split(' ').collect();
    match dates::find_date(&words) {
        Some((q, _)) => answer::answer_key(kb, &Target::Date(q).key(kb))
            .unwrap_or_else(|| answer::decline(kb, 0.0)),
        None => usage(
            kb,
            "/event DATE|ID — a date such as 2022-09-10 or 10 September, or an event id",
        ),
    }
}

fn who(kb: &Kb, name: &str) -> Outcome {
    if name.is_empty() {
        return usage(kb, "/who NAME, e.g. /who Edi Rama");
    }
    let m = best_match(kb, name);
    let found = m
        .candidates
        .iter()
        .find(|c| matches!(c.target, Target::Actor(_) | Target::Topic(_)));
    match found {
        Some(c) => {
            answer::answer_key(kb, &c.target.key(kb)).unwrap_or_else(|| answer::decline(kb, 0.0))
        }
        None => {
            let mut outcome = answer::decline(kb, 0.0);
            outcome.reply.body = format!(
                "{} {}",
                crate::i18n::texts(kb.lang).nobody_called(name),
                kb.bot.decline
            );
            outcome
        }
    }
}
