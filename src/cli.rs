//! The command line (its contract is in PRODUCT.md): parses arguments with
//! clap, loads the knowledge once and runs the same `answer` pipeline that
//! Telegram uses. Exit codes: 0 ok, 1 knowledge errors, 2 usage.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde_json::json;

use crate::answer::{self, ChatState, Outcome};
use crate::config::Config;
use crate::eval;
use crate::kb::{self, Kb, KbError};
use crate::matcher::Lang;
use crate::matcher::{self, Decision};
use crate::store;

#[derive(Debug, Parser)]
#[command(
    name = "briefbot",
    version,
    about = "Answers questions on one news story from curated knowledge"
)]
struct Cli {
    /// The intents directory.
    #[arg(long, global = true, value_name = "DIR")]
    intents: Option<PathBuf>,
    /// The data directory.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Answer in this language (en or sq) whatever the question's.
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Talk to the bot in the terminal (also reads piped stdin).
    Chat,
    /// Answer one question, or with --jsonl one question a line from stdin.
    Ask {
        question: Option<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Read questions from stdin, one a line; write one JSON object a line.
        #[arg(long, conflicts_with_all = ["json", "question"])]
        jsonl: bool,
    },
    /// Show how a question is matched: normalisation, patterns, scores, decision.
    Explain { question: String },
    /// Validate intents/ and data/; print every problem as path:line:col: message.
    Check,
    /// Score a question set (JSONL, as in shared/eval/).
    Eval {
        file: PathBuf,
        /// List the failures.
        #[arg(long)]
        show_fail: bool,
    },
    /// Print the current briefing as plain text; --send delivers it.
    Brief {
        /// Deliver it to every subscriber on Telegram (through the state
        /// file), as the scheduler does.
        #[arg(long)]
        send: bool,
        /// With --send: also to chats that already had this briefing.
        #[arg(long, requires = "send")]
        force: bool,
    },
    /// List the chats subscribed to briefings (from the state file).
    Subscribers,
    /// List the questions the bot declined, grouped by similarity, most
    /// frequent first: what to add to the knowledge next.
    Unanswered {
        /// Only the last DAYS days.
        #[arg(long, value_name = "DAYS")]
        days: Option<u32>,
    },
    /// Run the Telegram bot.
    Serve,
}

/// Runs the command line and returns the process's exit code.
pub fn run(config: Config) -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let intents = cli
        .intents
        .clone()
        .unwrap_or_else(|| config.intents_dir.clone());
    let data = cli.data.clone().unwrap_or_else(|| config.data_dir.clone());
    let command = cli.command.unwrap_or_else(|| {
        if config.token.is_some() {
            Cmd::Serve
        } else {
            eprintln!(
                "No TELOXIDE_TOKEN configured: chatting locally. To connect Telegram, put a BotFather token in .env (see .env.example)."
            );
            Cmd::Chat
        }
    });
    match &command {
        Cmd::Subscribers => return report(subscribers(&config)),
        Cmd::Unanswered { days } => return report(unanswered(&config, *days)),
        _ => {}
    }
    let kb = match kb::load(&intents, &data) {
        Ok(kb) => kb,
        Err(e) => return knowledge_error(&e, matches!(command, Cmd::Check)),
    };
    let result = match command {
        Cmd::Check => {
            println!("ok: {}", kb.summary());
            // The process ends here: freeing large knowledge piece by piece
            // is a tenth of `check`'s time, for nothing.
            std::mem::forget(kb);
            return ExitCode::SUCCESS;
        }
        Cmd::Chat => chat(&kb, cli.lang),
        Cmd::Ask {
            question: Some(q),
            json,
            jsonl: false,
        } => ask(&kb, &q, json, cli.lang),
        Cmd::Ask { jsonl: true, .. } => ask_jsonl(&kb, cli.lang),
        Cmd::Ask { question: None, .. } => {
            eprintln!("error: give a QUESTION, or --jsonl to read questions from stdin");
            return ExitCode::from(2);
        }
        Cmd::Explain { question } => emit(&explain(&kb, &question, cli.lang)),
        Cmd::Eval { file, show_fail } => run_eval(&kb, &file, show_fail),
        Cmd::Brief { send: false, .. } => emit(&format!("{}\n", brief(&kb))),
        Cmd::Brief { send: true, force } => send_briefings(&config, kb, force),
        Cmd::Serve => serve(&config, kb),
        Cmd::Subscribers | Cmd::Unanswered { .. } => unreachable!("handled before loading"),
    };
    report(result)
}

/// Writes a command's output to stdout.
fn emit(text: &str) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("writing stdout")?;
    Ok(ExitCode::SUCCESS)
}

fn report(result: Result<ExitCode>) -> ExitCode {
    result.unwrap_or_else(|e| {
        // A reader that stopped early (`briefbot ask … | head -1`) is no
        // error of ours.
        let closed = e.chain().any(|c| {
            c.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
        });
        if closed {
            return ExitCode::SUCCESS;
        }
        eprintln!("error: {e:#}");
        ExitCode::from(2)
    })
}

fn send_briefings(config: &Config, kb: Kb, force: bool) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let stop = crate::shutdown::on_signals();
        crate::telegram::send_now(config, std::sync::Arc::new(kb), force, stop).await
    })?;
    // A send given up on at a stop must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    println!("briefings: {report}");
    Ok(if report.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `future` (store calls) on a runtime of its own: the offline
/// commands have none.
fn blocking<T>(future: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(future)
}

/// `briefbot subscribers`: one line a chat.
fn subscribers(config: &Config) -> Result<ExitCode> {
    let subs = blocking(async { Ok(store::open_configured(config).await?.subscribers().await?) })?;
    if subs.is_empty() {
        println!("no subscribers yet");
        return Ok(ExitCode::SUCCESS);
    }
    println!("chat id	kind	title	since	last briefing	status");
    for s in subs {
        let status = match (&s.active, &s.note) {
            (true, _) => "active".to_string(),
            (false, Some(note)) => format!("inactive: {note}"),
            (false, None) => "unsubscribed".to_string(),
        };
        println!(
            "{}	{}	{}	{}	{}	{status}",
            s.chat_id,
            s.kind,
            s.title,
            time(s.since),
            s.last_briefing_at.map_or_else(|| "never".to_string(), time),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `briefbot unanswered`: declined questions by similarity.
fn unanswered(config: &Config, days: Option<u32>) -> Result<ExitCode> {
    let since = days.map_or(0, |d| {
        jiff::Timestamp::now().as_second() - i64::from(d) * 86_400
    });
    let asked: Vec<(String, i64)> = blocking(async {
        Ok(store::open_configured(config)
            .await?
            .unanswered(since)
            .await?)
    })?
    .into_iter()
    .map(|(text, at, _)| (text, at))
    .collect();
    let groups = crate::unanswered::group(&asked);
    if groups.is_empty() {
        println!("no unanswered questions recorded");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} unanswered questions in {} groups, most frequent first:",
        asked.len(),
        groups.len()
    );
    for g in groups {
        println!("{:>5}  {}  (last {})", g.count, g.example, time(g.last));
        for v in g.variants.iter().take(5) {
            println!("       ~ {v}");
        }
        if g.variants.len() > 5 {
            println!("       ~ and {} more wordings", g.variants.len() - 5);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Unix seconds as `2026-11-27 09:30 UTC`.
fn time(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

fn serve(config: &Config, kb: Kb) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let served = runtime.block_on(crate::telegram::run(config, std::sync::Arc::new(kb)));
    // Tasks still running after the stop (a handler past its grace) are
    // dropped, not waited for.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served?;
    Ok(ExitCode::SUCCESS)
}

fn knowledge_error(e: &KbError, check: bool) -> ExitCode {
    for p in e.problems() {
        if check {
            println!("{p}");
        } else {
            eprintln!("{p}");
        }
    }
    let n = e.problems().len();
    eprintln!(
        "{n} problem{} in the knowledge files; nothing was loaded",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

fn parse_lang(code: &str) -> Result<Lang, String> {
    match code {
        "en" => Ok(Lang::En),
        "sq" => Ok(Lang::Sq),
        other => Err(format!("`{other}` is not a language of the bot: en or sq")),
    }
}

fn to_json(question: &str, outcome: &Outcome) -> serde_json::Value {
    let mut v = json!({
        "question": question,
        "matched": outcome.matched,
        "intent": outcome.intent,
        "score": (outcome.score * 1000.0).round() / 1000.0,
        "reply": outcome.reply.to_plain(),
        "lang": outcome.reply.lang.code(),
    });
    if outcome.choices {
        let labels: Vec<&str> = outcome
            .reply
            .related
            .iter()
            .map(|b| b.label.as_str())
            .collect();
        v["suggestions"] = json!(labels);
    }
    v
}

fn ask(kb: &Kb, question: &str, json: bool, lang: Option<Lang>) -> Result<ExitCode> {
    let outcome = answer::answer_in(kb, &ChatState::default(), question, lang);
    if json {
        emit(&format!("{}\n", to_json(question, &outcome)))
    } else {
        emit(&format!("{}\n", outcome.reply.to_plain()))
    }
}

fn ask_jsonl(kb: &Kb, lang: Option<Lang>) -> Result<ExitCode> {
    let stdin = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    // As in `chat`, a line that could be either language ("MEK?") is
    // answered in the language of the reply before it, and one that refers
    // back ("when did they move") to the subject before it; the buttons do
    // not carry over (a number is no follow-up here).
    let mut last = ChatState::default();
    for line in stdin.split(b'\n') {
        let line = line.context("reading stdin")?;
        // Invalid UTF-8 is answered too, with the bad bytes replaced.
        let question = String::from_utf8_lossy(&line);
        let question = question.trim_end_matches('\r');
        let outcome = answer::answer_in(kb, &last, question, lang);
        last = outcome.carried();
        writeln!(out, "{}", to_json(question, &outcome)).context("writing stdout")?;
    }
    out.flush().context("writing stdout")?;
    Ok(ExitCode::SUCCESS)
}

fn chat(kb: &Kb, lang: Option<Lang>) -> Result<ExitCode> {
    let mut state = ChatState::default();
    let mut respond = |line: &str, out: &mut dyn Write| -> Result<bool> {
        let outcome = answer::answer_in(kb, &state, line, lang);
        writeln!(out, "{}\n", outcome.reply.to_plain())?;
        state = outcome.state();
        Ok(outcome.quit)
    };
    if !io::stdin().is_terminal() {
        let mut out = io::stdout().lock();
        for line in io::stdin().lock().lines() {
            let line = line.context("reading stdin")?;
            if line.trim().is_empty() {
                continue;
            }
            if respond(&line, &mut out)? {
                break;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} — ask me about the story. /help lists the commands, /quit leaves.
",
        kb.bot.name
    );
    let mut editor = rustyline::DefaultEditor::new().context("starting the line editor")?;
    let history = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".briefbot_history"));
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    loop {
        match editor.readline("> ") {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                if respond(&line, &mut io::stdout())? {
                    break;
                }
            }
            Err(
                rustyline::error::ReadlineError::Interrupted | rustyline::error::ReadlineError::Eof,
            ) => break,
            Err(e) => return Err(e).context("reading a line"),
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    Ok(ExitCode::SUCCESS)
}

/// Why a question gets the answer it gets, step by step.
pub fn explain(kb: &Kb, question: &str, lang: Option<Lang>) -> String {
    let lang = lang
        .or_else(|| matcher::detect_lang(kb, question))
        .unwrap_or_default();
    let kb = kb.in_lang(lang);
    let m = matcher::best_match(kb, question);
    let p = &m.prepared;
    let mut out = String::new();
    out.push_str(&format!(
        "question:   {question}\nnormalised: {}\n",
        p.folded
    ));
    if !p.corrections.is_empty() {
        let fixes: Vec<String> = p
            .corrections
            .iter()
            .map(|(a, b)| format!("{a} -> {b}"))
            .collect();
        out.push_str(&format!("corrected:  {}\n", fixes.join(", ")));
    }
    out.push_str(&format!(
        "lexicon:    {}\nstems:      {}\n",
        p.rewritten,
        p.stems.join(" ")
    ));
    let a = &m.analysis;
    let mut analysis = vec![format!("kind {}", a.kind.name())];
    if a.lead + a.tail > 0 {
        analysis.push(format!("discourse {} lead, {} tail words", a.lead, a.tail));
    }
    if !a.attributes.is_empty() {
        analysis.push(format!("attributes {}", a.attributes.join(", ")));
    }
    if !a.counted.is_empty() {
        analysis.push(format!("counts {}", a.counted.join(" or ")));
    }
    if !a.years.is_empty() {
        analysis.push(format!("years {}", a.years.join(", ")));
    }
    if a.expansion {
        analysis.push("asks what an acronym stands for".to_string());
    }
    if let Some(focus) = &m.focus {
        analysis.push(format!("focus {}", focus.key(kb)));
    }
    if m.unknown_names < 1.0 {
        analysis.push(format!("unknown names x{:.2}", m.unknown_names));
    }
    out.push_str(&format!("analysis:   {}\n", analysis.join("; ")));
    out.push_str("candidates:\n");
    for c in m.candidates.iter().take(5) {
        let key = c.target.key(kb);
        out.push_str(&format!(
            "  {:.3}  {key}  (keywords {:.2}, examples {:.2}, pattern {}, coverage {:.2})\n",
            c.score, c.parts.keywords, c.parts.examples, c.parts.pattern, c.parts.coverage
        ));
        if let matcher::Target::Intent(i) = c.target {
            for &f in &c.fired {
                out.push_str(&format!(
                    "         pattern fired: {}\n",
                    kb.intents[i].patterns[f]
                ));
            }
        }
    }
    if m.candidates.is_empty() {
        out.push_str("  (none)\n");
    }
    let decision = match &m.decision {
        Decision::Answer(t) => format!("answer {}", t.key(kb)),
        Decision::Choices(ts) => {
            format!(
                "did you mean: {}",
                ts.iter().map(|t| t.key(kb)).collect::<Vec<_>>().join(", ")
            )
        }
        Decision::Decline => "decline".to_string(),
    };
    out.push_str(&format!(
        "decision:   {decision} (answer >= {}, margin {} below {}, choices >= {}; leaders alike {:.2})\n",
        matcher::ANSWER_THRESHOLD,
        matcher::MARGIN,
        matcher::CONFIDENT,
        matcher::CHOICE_THRESHOLD,
        m.alike
    ));
    out
}

fn run_eval(kb: &Kb, file: &PathBuf, show_fail: bool) -> Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let items = eval::parse(&text)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("in {}", file.display()))?;
    let report = eval::run(kb, &items);
    if show_fail {
        for (item, reply, intent) in &report.failures {
            println!("FAIL {}", item.q);
            println!(
                "   -> {} {}",
                intent.as_deref().unwrap_or("-"),
                reply.replace('\n', " | ")
            );
        }
    }
    println!("{}", report.summary());
    Ok(ExitCode::SUCCESS)
}

/// The current briefing: what the story is and its latest key events.
pub fn brief(kb: &Kb) -> String {
    crate::briefing::compose(kb, None).reply.to_plain()
}
