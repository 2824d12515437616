//! Fixture knowledge bases built in memory, fluently.

use std::path::PathBuf;

use briefbot::kb::{self, Kb, KbError, SourceFile, SourceFiles};

/// A small, valid knowledge base that tests extend or break.
pub struct TestKb {
    files: SourceFiles,
}

pub const BOT: &str = r#"
[bot]
name = "testbot"
about = "I know about the test story."
decline = "I don't have that in my notes."
suggestions = ["attack.when"]
"#;

pub const LEXICON: &str = r#"
[lexicon]
attack = ["hack", "hacked", "breach", "cyberattack", "cyber attack"]
"#;

pub const SOURCES: &str = r#"
[[source]]
id = "article"
title = "A test article"
publisher = "news analysis"
date = "2022"
"#;

pub const EVENT: &str = r#"
id = "july-attack"
date = "2022-07-15"
title = "Cyberattack on the government"
summary = "Hackers hit government systems."
actors = ["iran"]
sources = ["article"]
key = true
"#;

pub const ACTOR: &str = r#"
id = "iran"
name = "Iran"
aliases = ["Tehran", "Teheran"]
kind = "country"
summary = "Accused of the attack."
sources = ["article"]
"#;

pub const INTENTS: &str = r#"
[[intent]]
id = "attack.when"
title = "When the attack happened"
keywords = [
  { any = ["when", "date", "day"], required = true },
  { any = ["attack"], required = true },
]
examples = ["when was the attack", "what day did the hack happen", "date of the cyberattack"]
answer = "On {{ event('july-attack').date | date }}."
related = ["attack.who", "timeline"]
sources = ["article"]

[[intent]]
id = "attack.who"
title = "Who was behind the attack"
patterns = ['\bwho\b.*\battack']
keywords = [
  { any = ["who", "behind", "responsible", "culprit"], required = true },
  { any = ["attack"], required = true },
]
examples = ["who was behind the attack", "who hacked them", "who is responsible for the breach"]
answer = "{{ actor('iran').name }} was accused."
related = ["attack.when"]
sources = ["article"]

[[intent]]
id = "timeline"
builtin = "timeline"
patterns = ['\btimeline\b']
examples = ["timeline", "show me the timeline", "chronology of events"]

[[intent]]
id = "hello"
small_talk = true
examples = ["hello", "hi", "hey there"]
answer = "Hello! Ask me about the attack."
"#;

impl TestKb {
    pub fn new() -> TestKb {
        TestKb {
            files: SourceFiles::default(),
        }
        .intents("intents/bot.toml", BOT)
        .intents("intents/lexicon.toml", LEXICON)
        .intents("intents/attack.toml", INTENTS)
        .sources(SOURCES)
        .event("data/events/july-attack.toml", EVENT)
        .actor("data/actors/iran.toml", ACTOR)
    }

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(path),
            text: text.to_string(),
        }
    }

    /// Adds an intents file, or replaces the one at `path`.
    pub fn intents(mut self, path: &str, text: &str) -> TestKb {
        put(&mut self.files.intents, path, text);
        self
    }

    pub fn sources(mut self, text: &str) -> TestKb {
        self.files.sources = Some(Self::file("data/sources.toml", text));
        self
    }

    pub fn event(mut self, path: &str, text: &str) -> TestKb {
        put(&mut self.files.events, path, text);
        self
    }

    pub fn actor(mut self, path: &str, text: &str) -> TestKb {
        put(&mut self.files.actors, path, text);
        self
    }

    pub fn topic(mut self, path: &str, text: &str) -> TestKb {
        put(&mut self.files.topics, path, text);
        self
    }

    pub fn build(self) -> Result<Kb, KbError> {
        kb::validate(self.files)
    }

    /// The problems, one `path:line:col: message` a line.
    pub fn problems(self) -> String {
        match self.build() {
            Ok(_) => "no problems".to_string(),
            Err(e) => e
                .problems()
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// The shipped knowledge, loaded once per test binary.
pub fn shipped() -> &'static Kb {
    static KB: std::sync::OnceLock<Kb> = std::sync::OnceLock::new();
    KB.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        kb::load(&root.join("intents"), &root.join("data")).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Adds a file to a group, replacing any at the same path.
fn put(files: &mut Vec<SourceFile>, path: &str, text: &str) {
    files.retain(|f| f.path.as_path() != std::path::Path::new(path));
    files.push(TestKb::file(path, text));
}
