//! The bot's own words, in each language: labels, prompts, declines and
//! the help. The knowledge's words live in `intents/` and `data/`; only
//! what the engine writes itself is here. Pure data and formatting.

use crate::matcher::Lang;

/// The fixed texts of one language.
pub struct Texts {
    /// The language these texts are in.
    lang: Lang,
    pub source: &'static str,
    pub sources: &'static str,
    pub more: &'static str,
    pub note: &'static str,
    pub timeline: &'static str,
    pub did_you_mean_one: &'static str,
    pub did_you_mean_many: &'static str,
    pub ask_or_try: &'static str,
    pub ask_or_command: &'static str,
    pub goodbye: &'static str,
    pub telegram_only: &'static str,
    pub lang_set: &'static str,
    pub admins_only: &'static str,
    pub flood: &'static str,
    pub bot_admins_only: &'static str,
    /// A setting or subscription could not be saved (the state is down).
    pub not_saved: &'static str,
    pub briefings_report: &'static str,
    pub reloaded: &'static str,
    pub reload_failed: &'static str,
    pub unsubscribed: &'static str,
    pub not_subscribed: &'static str,
    pub briefing: &'static str,
    pub nothing_new: &'static str,
    pub ask_more: &'static str,
    pub main_events: &'static str,
    pub new_since: &'static str,
    pub updated: &'static str,
    /// Each command of the help and menu, with what it does.
    pub commands: &'static [(&'static str, &'static str)],
}

/// The commands of `/help` and of Telegram's menu, with what each does.
pub const HELP_EN: &[(&str, &str)] = &[
    ("/help", "what I know and how to ask"),
    (
        "/timeline",
        "the main events in order (/timeline all: every event)",
    ),
    (
        "/event DATE|ID",
        "what happened on a date, e.g. /event 2022-09-10 or /event 10 September",
    ),
    (
        "/who NAME",
        "a person, organisation or topic, e.g. /who Xhacka",
    ),
    ("/sources", "every source the answers cite"),
    (
        "/brief",
        "a briefing: the story in short and its main events",
    ),
    (
        "/subscribe",
        "daily briefings in this chat, on Telegram (in groups: admins only)",
    ),
    ("/unsubscribe", "stop the briefings in this chat"),
    (
        "/lang en|sq",
        "the language of this chat's replies and briefings",
    ),
    ("/ask QUESTION", "ask a question (the same as typing it)"),
    ("/about", "what this bot is"),
    ("/quit", "leave (terminal only)"),
];

/// `HELP_EN` in Albanian: the same commands, in the same order.
pub const HELP_SQ: &[(&str, &str)] = &[
    ("/help", "çfarë di dhe si të pyesni"),
    (
        "/timeline",
        "ngjarjet kryesore me radhë (/timeline all: të gjitha ngjarjet)",
    ),
    (
        "/event DATA|ID",
        "çfarë ndodhi në një datë, p.sh. /event 2022-09-10 ose /event 10 shtator",
    ),
    (
        "/who EMRI",
        "një person, organizatë ose temë, p.sh. /who Xhaçka",
    ),
    ("/sources", "të gjitha burimet që citojnë përgjigjet"),
    (
        "/brief",
        "një përmbledhje: historia shkurt dhe ngjarjet kryesore",
    ),
    (
        "/subscribe",
        "përmbledhje ditore në këtë bisedë, në Telegram (në grupe: vetëm administratorët)",
    ),
    ("/unsubscribe", "ndalon përmbledhjet në këtë bisedë"),
    (
        "/lang en|sq",
        "gjuha e përgjigjeve dhe e përmbledhjeve në këtë bisedë",
    ),
    ("/ask PYETJA", "bëni një pyetje (njësoj si ta shkruani)"),
    ("/about", "çfarë është ky bot"),
    ("/quit", "dilni (vetëm në terminal)"),
];

const EN: Texts = Texts {
    lang: Lang::En,
    source: "Source",
    sources: "Sources",
    more: "More:",
    note: "Note:",
    timeline: "Timeline",
    did_you_mean_one: "I'm not sure I have that. Did you mean this?",
    did_you_mean_many: "I'm not sure which you mean. Did you mean one of these?",
    ask_or_try: "Ask me a question, or try one of these:",
    ask_or_command: "Ask in your own words, or use a command:",
    goodbye: "Goodbye.",
    admins_only: "Only this group's administrators can change its briefings and settings.",
    bot_admins_only: "That command is for the bot's administrators.",
    not_saved: "I could not save that just now. Please send the command again in a minute.",
    briefings_report: "Briefings:",
    reloaded: "Reloaded:",
    reload_failed: "The reload failed, so I am still answering from the knowledge I had.",
    flood: "You are sending messages faster than I can answer, so I will skip some for a minute. Ask again then.",
    unsubscribed: "Unsubscribed: no more briefings here. /subscribe to start again.",
    not_subscribed: "This chat is not subscribed. /subscribe to get briefings.",
    lang_set: "From now on I answer in English in this chat (a question in Albanian still gets Albanian).",
    telegram_only: "Briefing subscriptions and admin commands work in Telegram chats.",
    briefing: "Briefing",
    nothing_new: "Nothing new since your last briefing.",
    ask_more: "Ask me anything about it, or /timeline for the whole story.",
    main_events: "The main events so far:",
    new_since: "New since your last briefing:",
    updated: " (updated)",
    commands: HELP_EN,
};

const SQ: Texts = Texts {
    lang: Lang::Sq,
    source: "Burimi",
    sources: "Burimet",
    more: "Më shumë:",
    note: "Shënim:",
    timeline: "Kronologjia",
    did_you_mean_one: "Nuk jam i sigurt se e kam këtë. Mos e keni fjalën për këtë?",
    did_you_mean_many: "Nuk jam i sigurt çfarë kërkoni. Mos e keni fjalën për njërën prej këtyre?",
    ask_or_try: "Më bëni një pyetje, ose provoni një nga këto:",
    ask_or_command: "Pyetni me fjalët tuaja, ose përdorni një komandë:",
    goodbye: "Mirupafshim.",
    admins_only: "Vetëm administratorët e këtij grupi mund t'i ndryshojnë përmbledhjet dhe cilësimet e tij.",
    bot_admins_only: "Kjo komandë është për administratorët e botit.",
    not_saved: "Nuk munda ta ruaj këtë tani. Ju lutem dërgojeni komandën përsëri pas një minute.",
    briefings_report: "Përmbledhjet:",
    reloaded: "U ringarkua:",
    reload_failed: "Ringarkimi dështoi, prandaj po vazhdoj të përgjigjem me njohuritë që kisha.",
    flood: "Po dërgoni mesazhe më shpejt sesa mund t'u përgjigjem, prandaj do të kapërcej disa për një minutë. Pyesni sërish pas kësaj.",
    unsubscribed: "Abonimi u anulua: nuk do të ketë më përmbledhje këtu. /subscribe për t'i rifilluar.",
    not_subscribed: "Kjo bisedë nuk është e abonuar. /subscribe për të marrë përmbledhje.",
    lang_set: "Tani e tutje do t'ju përgjigjem në shqip në këtë bisedë (një pyetje në anglisht merr përsëri përgjigje në anglisht).",
    telegram_only: "Abonimet për përmbledhjet dhe komandat e administratorëve funksionojnë në bisedat e Telegram-it.",
    briefing: "Përmbledhje",
    nothing_new: "Asgjë e re që nga përmbledhja juaj e fundit.",
    ask_more: "Më pyetni çfarëdo për këtë, ose shkruani /timeline për të gjithë historinë.",
    main_events: "Ngjarjet kryesore deri tani:",
    new_since: "Të reja që nga përmbledhja juaj e fundit:",
    updated: " (përditësuar)",
    commands: HELP_SQ,
};

/// The fixed texts of `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Sq => &SQ,
    }
}

impl Texts {
    fn lang(&self) -> Lang {
        self.lang
    }

    pub fn who_is(&self, name: &str) -> String {
        match self.lang() {
            Lang::En => format!("Who is {name}?"),
            Lang::Sq => format!("Kush është {name}?"),
        }
    }

    pub fn what_is(&self, name: &str) -> String {
        match self.lang() {
            Lang::En => format!("What is {name}?"),
            Lang::Sq => format!("Çfarë është {name}?"),
        }
    }

    /// "What happened on 10 September?", or "in July 2022" for a month
    /// or a year.
    pub fn what_happened_on(&self, date: &str, day: bool) -> String {
        match (self.lang(), day) {
            (Lang::En, true) => format!("What happened on {date}?"),
            (Lang::En, false) => format!("What happened in {date}?"),
            (Lang::Sq, true) => format!("Çfarë ndodhi më {date}?"),
            (Lang::Sq, false) => format!("Çfarë ndodhi në {date}?"),
        }
    }

    pub fn stands_for_title(&self, short: &str) -> String {
        match self.lang() {
            Lang::En => format!("What {short} stands for"),
            Lang::Sq => format!("Çfarë do të thotë {short}"),
        }
    }

    pub fn stands_for_body(&self, short: &str, long: &str) -> String {
        match self.lang() {
            Lang::En => format!("{short} stands for {long}."),
            Lang::Sq => format!("{short} do të thotë {long}."),
        }
    }

    pub fn what_does_stand_for(&self, short: &str) -> String {
        match self.lang() {
            Lang::En => format!("What does {short} stand for?"),
            Lang::Sq => format!("Çfarë do të thotë {short}?"),
        }
    }

    /// "(45 events in all: …)" under a short timeline.
    pub fn events_in_all(&self, n: usize) -> String {
        match self.lang() {
            Lang::En => {
                format!("({n} events in all: ask about a date, or /timeline all for every one.)")
            }
            Lang::Sq => format!(
                "({n} ngjarje gjithsej: pyetni për një datë, ose /timeline all për të gjitha.)"
            ),
        }
    }

    pub fn no_events_on(&self, date: &str) -> String {
        match self.lang() {
            Lang::En => format!("I have no events on {date} in my notes. Try /timeline."),
            Lang::Sq => format!("Nuk kam ngjarje më {date} në shënimet e mia. Provoni /timeline."),
        }
    }

    /// The title of a list of events on a day ("On 10 September") or in a
    /// month or year ("In July 2022").
    pub fn on_date(&self, date: &str, day: bool) -> String {
        match (self.lang(), day) {
            (Lang::En, true) => format!("On {date}"),
            (Lang::En, false) => format!("In {date}"),
            (Lang::Sq, true) => format!("Më {date}"),
            (Lang::Sq, false) => format!("Në {date}"),
        }
    }

    pub fn hello(&self, name: &str) -> String {
        match self.lang() {
            Lang::En => format!("Hello, I'm {name}."),
            Lang::Sq => format!("Përshëndetje, jam {name}."),
        }
    }

    pub fn usage(&self, text: &str) -> String {
        match self.lang() {
            Lang::En => format!("Usage: {text}"),
            Lang::Sq => format!("Përdorimi: {text}"),
        }
    }

    /// When briefings come: "daily at 08:00 Europe/Tirane", or when an
    /// administrator sends them.
    pub fn when_briefed(&self, schedule: Option<&str>) -> String {
        match (self.lang(), schedule) {
            (Lang::En, Some(at)) => format!("daily at {at}"),
            (Lang::En, None) => "whenever an administrator sends them".to_string(),
            (Lang::Sq, Some(at)) => format!("çdo ditë në {at}"),
            (Lang::Sq, None) => "sa herë që i dërgon një administrator".to_string(),
        }
    }

    pub fn subscribed(&self, when: &str) -> String {
        match self.lang() {
            Lang::En => format!(
                "Subscribed: this chat will get briefings on the story, {when}. /unsubscribe stops them; /brief shows the current one."
            ),
            Lang::Sq => format!(
                "U abonuat: kjo bisedë do të marrë përmbledhje për historinë, {when}. /unsubscribe i ndalon; /brief tregon përmbledhjen e tanishme."
            ),
        }
    }

    pub fn already_subscribed(&self, when: &str) -> String {
        match self.lang() {
            Lang::En => format!("This chat is already subscribed (briefings {when})."),
            Lang::Sq => format!("Kjo bisedë është tashmë e abonuar (përmbledhje {when})."),
        }
    }

    /// "…and 4 more: /timeline all" under a briefing's new events.
    pub fn and_more(&self, n: usize) -> String {
        match self.lang() {
            Lang::En => format!("…and {n} more: /timeline all"),
            Lang::Sq => format!("…dhe {n} të tjera: /timeline all"),
        }
    }

    pub fn sources_title(&self, n: usize) -> String {
        format!("{} ({n})", self.sources)
    }

    /// "As for …: my sources don't say", under the answer to the other half
    /// of two questions in one.
    pub fn part_unanswered(&self, part: &str) -> String {
        match self.lang() {
            Lang::En => format!("As for \"{part}\": my sources don't say."),
            Lang::Sq => format!("Sa i përket \"{part}\": burimet e mia nuk e thonë."),
        }
    }

    pub fn nobody_called(&self, name: &str) -> String {
        match self.lang() {
            Lang::En => format!("I have nobody and nothing called \"{name}\" in my notes."),
            Lang::Sq => format!("Nuk kam askënd dhe asgjë me emrin \"{name}\" në shënimet e mia."),
        }
    }

    /// The decline that points at a name: what is missing (an attribute
    /// key, see `Lang::attribute_key`), and what is known.
    pub fn decline_about(&self, name: &str, missing: Option<&str>) -> String {
        match self.lang() {
            Lang::En => match missing {
                Some("office holder") => format!(
                    "My sources don't say who holds that office. I can tell you what they say about {name} in this story."
                ),
                Some("figure") => format!(
                    "My sources don't give that figure. I can tell you what they say about {name} in this story."
                ),
                Some(what) => format!(
                    "I don't know the {what} of {name}: my sources don't say. I can tell you what they say about {name} in this story."
                ),
                None => format!(
                    "I don't have that in my notes on the Albania-Iran affair. I can tell you what my sources say about {name} in this story."
                ),
            },
            Lang::Sq => {
                let known = format!("Mund t'ju tregoj çfarë thonë ato për {name} në këtë histori.");
                match missing {
                    Some("office holder") => {
                        format!("Burimet e mia nuk thonë kush e mban atë post. {known}")
                    }
                    Some("figure") => format!("Burimet e mia nuk e japin atë shifër. {known}"),
                    Some(what) => format!(
                        "Nuk e di {} për {name}: burimet e mia nuk e japin. {known}",
                        attribute_sq(what)
                    ),
                    None => format!(
                        "Nuk e kam këtë në shënimet e mia për çështjen Shqipëri-Iran. {known}"
                    ),
                }
            }
        }
    }
}

/// An attribute key (`Lang::attribute_key`) in Albanian.
fn attribute_sq(key: &str) -> &'static str {
    match key {
        "age" => "moshën",
        "birthplace or birthday" => "vendlindjen apo ditëlindjen",
        "birthplace or upbringing" => "vendlindjen apo ku u rrit",
        "income or wealth" => "të ardhurat apo pasurinë",
        "family" => "familjen",
        "height or weight" => "gjatësinë apo peshën",
        "population" => "popullsinë",
        "capital" => "kryeqytetin",
        "currency" => "monedhën",
        "religion" => "fenë",
        "education" => "arsimimin",
        "death" => "vdekjen",
        "prices or costs" => "çmimet apo kostot",
        "weather" => "motin",
        "date" => "datën",
        "appointment" => "emërimin",
        "successor" => "pasardhësin",
        "situation today" => "gjendjen e sotme",
        "translation" => "përkthimin",
        "address" => "adresën",
        "languages" => "gjuhët",
        "advice" => "këshillën",
        "opinion" => "mendimin",
        "membership history" => "historinë e anëtarësimit",
        "owners" => "pronarët",
        "identities" => "identitetin e vërtetë",
        "political party" => "partinë politike",
        _ => "hollësitë",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_command() {
        let en: Vec<&str> = texts(Lang::En).commands.iter().map(|(c, _)| *c).collect();
        let sq: Vec<&str> = texts(Lang::Sq).commands.iter().map(|(c, _)| *c).collect();
        assert_eq!(en.len(), sq.len());
        for (e, s) in en.iter().zip(&sq) {
            assert_eq!(e.split(' ').next(), s.split(' ').next());
        }
    }

    #[test]
    fn the_declines_speak_the_language() {
        let sq = texts(Lang::Sq).decline_about("Edi Rama", Some("age"));
        assert!(sq.contains("moshën") && sq.contains("Edi Rama"), "{sq}");
        let en = texts(Lang::En).decline_about("Edi Rama", Some("age"));
        assert!(en.starts_with("I don't know the age of Edi Rama"), "{en}");
    }
}
