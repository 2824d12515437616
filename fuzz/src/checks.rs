//! What the fuzz targets assert, one function per target, each taking the
//! fuzzer's raw bytes. Compiled twice: by the fuzz crate (`fuzz/`) and by the
//! main crate's integration tests (`tests/it/properties.rs` includes this file
//! with `#[path]`), which replay every kept crasher in `tests/data/fuzz/`
//! through the same function. Depends on `briefbot` and `std` only.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use briefbot::answer::{ChatState, answer as answer_message};
use briefbot::kb::{self, Kb, KbError, SourceFile, SourceFiles};
use briefbot::render::{Citation, Reply};
use briefbot::telegram::format::{self, MAX_MESSAGE_CHARS};
use briefbot::text;

/// The repository root: this file is compiled from `fuzz/` and from the root.
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if here.join("intents").is_dir() {
        here
    } else {
        here.join("..")
    }
}

/// The shipped knowledge, loaded once.
pub fn shipped() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| {
        let root = root();
        kb::load(&root.join("intents"), &root.join("data")).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The shipped knowledge files, read once.
fn shipped_files() -> &'static SourceFiles {
    static FILES: OnceLock<SourceFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = root();
        kb::read_files(&root.join("intents"), &root.join("data"))
    })
}

// ---------------------------------------------------------------- answer

/// Any message gets a non-empty reply, the same one twice, and that reply
/// formats to valid Telegram HTML within the limit.
pub fn answer(data: &[u8]) {
    let message = String::from_utf8_lossy(data);
    let kb = shipped();
    let state = ChatState::default();
    let first = answer_message(kb, &state, &message);
    assert!(
        !first.reply.to_plain().trim().is_empty(),
        "empty reply to {message:?}"
    );
    let again = answer_message(kb, &state, &message);
    // The score may differ in its last bits between two calls: the matcher
    // sums floats in hash-set order (see docs/fuzzing.md, "Findings"); the
    // decision and the reply must not.
    assert!(
        (first.score - again.score).abs() <= 1e-5,
        "scores {} and {} for {message:?}",
        first.score,
        again.score
    );
    let same = |o: &briefbot::answer::Outcome| {
        (
            o.reply.clone(),
            o.matched,
            o.intent.clone(),
            o.choices,
            o.quit,
        )
    };
    assert_eq!(
        same(&first),
        same(&again),
        "two different replies to {message:?}"
    );
    // A follow-up number picks an offered question without panicking.
    let next = answer_message(kb, &first.state(), "1");
    assert!(!next.reply.to_plain().trim().is_empty());
    reply_formats(&first.reply);
}

// ------------------------------------------------------------------ fold

/// `text::fold` is idempotent and its output is what it documents: lower
/// case, no diacritics, letters and digits in words separated by one space.
pub fn fold(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let once = text::fold(&input);
    assert_eq!(
        text::fold(&once),
        once,
        "fold is not idempotent on {input:?}"
    );
    assert!(
        !once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "),
        "spaces not collapsed in {once:?}"
    );
    for c in once.chars() {
        assert!(
            c == ' ' || c.is_alphanumeric(),
            "{c:?} in the fold of {input:?}"
        );
        assert!(
            !c.is_uppercase(),
            "upper-case {c:?} in the fold of {input:?}"
        );
        assert!(
            !is_combining(c),
            "combining mark {c:?} in the fold of {input:?}"
        );
    }
    // Only the first MAX_QUESTION_CHARS characters are read.
    let capped: String = input.chars().take(text::MAX_QUESTION_CHARS).collect();
    assert_eq!(text::fold(&capped), once);
}

/// The main blocks of combining diacritical marks (what "diacritics removed"
/// promises; fold drops every combining mark, these are the common ones).
fn is_combining(c: char) -> bool {
    matches!(
        c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
    )
}

// ------------------------------------------------------- telegram_format

/// A `Reply` from bytes: fields separated by U+0001 — title (absent when it
/// starts with U+0002), body, then citation text and URL pairs (an empty URL
/// is none). The first byte also picks a small limit for the plain splitter.
pub fn reply_from(data: &[u8]) -> (Reply, usize) {
    let max = 1 + usize::from(data.first().copied().unwrap_or(0)) * 3;
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default()).into_owned();
    let mut fields = text.split('\u{1}');
    let title = fields
        .next()
        .filter(|t| !t.starts_with('\u{2}'))
        .map(str::to_string);
    let body = fields.next().unwrap_or_default().to_string();
    let mut sources = Vec::new();
    while let Some(text) = fields.next() {
        let url = fields.next().filter(|u| !u.is_empty()).map(str::to_string);
        sources.push(Citation {
            text: text.to_string(),
            url,
        });
    }
    let reply = Reply {
        lang: Default::default(),
        title,
        body,
        sources,
        related: Vec::new(),
    };
    (reply, max)
}

/// The reply's HTML is valid, shows exactly the reply's text, and splits to
/// valid pieces within the limit that lose and reorder nothing; the plain
/// text splits the same way at a small limit.
pub fn telegram_format(data: &[u8]) {
    let (reply, max) = reply_from(data);
    reply_formats(&reply);
    let plain = reply.to_plain();
    let pieces = format::split(&plain, max);
    check_pieces(&plain, &pieces, max, false);
}

/// The invariants of `format::html` and `format::split` for one reply.
pub fn reply_formats(reply: &Reply) {
    let html = format::html(reply);
    let shown = html_text(&html).unwrap_or_else(|e| panic!("invalid HTML {html:?}: {e}"));
    assert_eq!(shown, visible_text(reply), "the HTML shows other text");
    // Markup never spans a line, so cutting at a line boundary is safe.
    for line in html.split('\n') {
        html_text(line).unwrap_or_else(|e| panic!("markup spans a line in {html:?}: {e}"));
    }
    let pieces = format::split(&html, MAX_MESSAGE_CHARS);
    check_pieces(&html, &pieces, MAX_MESSAGE_CHARS, true);
}

/// What a reader sees of a reply's HTML: the title, body and sources line,
/// without the URLs.
pub fn visible_text(reply: &Reply) -> String {
    let mut out = String::new();
    if let Some(title) = &reply.title {
        out.push_str(title);
        out.push('\n');
    }
    out.push_str(&reply.body);
    if let Some(line) = reply.sources_line(|c| c.text.clone()) {
        out.push('\n');
        out.push_str(&line);
    }
    out
}

/// The split invariants. "Nothing lost or reordered" means, precisely: the
/// pieces are verbatim substrings of `text`, in order, and what lies between
/// two pieces (and before the first, after the last) is whitespace only —
/// the paragraph and line separators at the cuts, or blank paragraphs. So
/// every non-whitespace character is in exactly one piece, in its place, and
/// nothing is added. Every piece fits `max` characters and has something to
/// show (Telegram refuses an empty message); with `html`, every piece is
/// valid Telegram HTML on its own.
pub fn check_pieces(text: &str, pieces: &[String], max: usize, html: bool) {
    assert!(!pieces.is_empty(), "no pieces for {text:?}");
    if text.trim().is_empty() {
        assert!(
            pieces.iter().all(|p| p.trim().is_empty()),
            "{pieces:?} from blank {text:?}"
        );
        return;
    }
    let mut rest = text;
    for piece in pieces {
        assert!(
            piece.chars().count() <= max,
            "a piece of {} characters (limit {max})",
            piece.chars().count()
        );
        assert!(!piece.trim().is_empty(), "a blank piece in {pieces:?}");
        loop {
            if rest.starts_with(piece.as_str()) {
                rest = &rest[piece.len()..];
                break;
            }
            let mut chars = rest.chars();
            match chars.next() {
                Some(c) if c.is_whitespace() => rest = chars.as_str(),
                _ => panic!(
                    "piece {piece:?} is not the next text of {text:?} (at {rest:?}); pieces {pieces:?}"
                ),
            }
        }
        if html {
            let shown = html_text(piece).unwrap_or_else(|e| panic!("invalid piece {piece:?}: {e}"));
            assert!(!shown.trim().is_empty(), "piece {piece:?} shows nothing");
        }
    }
    assert!(
        rest.trim().is_empty(),
        "text left after the last piece: {rest:?}"
    );
}

/// Parses Telegram HTML as `format::html` may write it — the tags `<b>`,
/// `<i>` and `<a href="…">`, balanced and properly nested, no link inside a
/// link, and only the entities `&lt; &gt; &amp; &quot;` — and returns the
/// text it shows. Anything else is an error Telegram would answer with
/// "can't parse entities".
pub fn html_text(html: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest.find('>').ok_or("unclosed tag")?;
                let tag = &rest[1..end];
                if tag.contains('<') {
                    return Err(format!("`<` inside tag {tag:?}"));
                }
                rest = &rest[end + 1..];
                if let Some(name) = tag.strip_prefix('/') {
                    match open.pop() {
                        Some(top) if top == name => {}
                        top => return Err(format!("</{name}> closes {top:?}")),
                    }
                    continue;
                }
                let name = match tag {
                    "b" | "i" => tag,
                    _ => {
                        let href = tag
                            .strip_prefix("a href=\"")
                            .and_then(|t| t.strip_suffix('"'))
                            .ok_or_else(|| format!("tag <{tag}> not allowed"))?;
                        if href.contains('"') {
                            return Err(format!("quote inside href {href:?}"));
                        }
                        unescape(href)?;
                        if open.contains(&"a") {
                            return Err("a link inside a link".to_string());
                        }
                        "a"
                    }
                };
                open.push(name);
            }
            '>' => return Err("a bare `>`".to_string()),
            '&' => {
                let end = rest.find(';').ok_or("unterminated entity")?;
                out.push_str(&unescape(&rest[..=end])?);
                rest = &rest[end + 1..];
            }
            c => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if let Some(top) = open.last() {
        return Err(format!("<{top}> never closed"));
    }
    Ok(out)
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (entity, c) = [
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&amp;", '&'),
            ("&quot;", '"'),
        ]
        .into_iter()
        .find(|(e, _)| rest.starts_with(e))
        .ok_or_else(|| {
            format!(
                "unknown entity at {:?}",
                rest.chars().take(8).collect::<String>()
            )
        })?;
        out.push(c);
        rest = &rest[entity.len()..];
    }
    if rest.contains(['<', '>']) {
        return Err(format!("unescaped `<` or `>` in {s:?}"));
    }
    out.push_str(rest);
    Ok(out)
}

// ---------------------------------------------------------- load_intents

/// Where `load_intents` puts the fuzzed file, by its first byte.
const ROLES: [&str; 5] = [
    "intents/fuzz.toml",
    "data/events/fuzz.toml",
    "data/actors/fuzz.toml",
    "data/topics/fuzz.toml",
    "data/sources.toml",
];

/// Arbitrary bytes as one knowledge file (the first byte picks an intents
/// file, an event, an actor, a topic or the sources file) beside the shipped
/// knowledge: validation never panics, and either loads or reports problems
/// that each name a file and, in the fuzzed file, a line and column inside it.
pub fn load_intents(data: &[u8]) {
    let role = usize::from(data.first().copied().unwrap_or(0)) % ROLES.len();
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default()).into_owned();
    let mut files = shipped_files().clone();
    // Beside the bot and lexicon files only: with the shipped intents every
    // run would check their 250 examples (a second or more each).
    files
        .intents
        .retain(|f| f.path.ends_with("bot.toml") || f.path.ends_with("lexicon.toml"));
    let path = PathBuf::from(ROLES[role]);
    let file = SourceFile {
        path: path.clone(),
        text: text.clone(),
    };
    match role {
        0 => files.intents.push(file),
        1 => files.events.push(file),
        2 => files.actors.push(file),
        3 => files.topics.push(file),
        _ => files.sources = Some(file),
    }
    check_located(kb::validate(files), &path, &text);
}

/// A load's problems each name a file; those in `path` have a line and
/// column inside `text`.
pub fn check_located(result: Result<Kb, KbError>, path: &Path, text: &str) {
    let Err(e) = result else { return };
    assert!(!e.problems().is_empty(), "an error without problems");
    let lines = text.split('\n').count();
    for p in e.problems() {
        assert!(!p.path.as_os_str().is_empty(), "no path: {p}");
        assert!(!p.message.trim().is_empty(), "no message: {p:?}");
        let shown = p.to_string();
        assert!(
            shown.starts_with(&format!("{}:", p.path.display())),
            "{shown}"
        );
        if p.path == path {
            assert!(
                (1..=lines).contains(&p.line) && p.col >= 1,
                "problem outside the file's {lines} lines: {p:?}"
            );
            let line = text.split('\n').nth(p.line - 1).unwrap_or_default();
            assert!(
                p.col <= line.chars().count() + 1,
                "column past the end of line {}: {p:?}",
                p.line
            );
        }
    }
}

// --------------------------------------------------------- regex_pattern

/// The longest a check of one pattern may take, with margin for a debug
/// build on a busy machine.
pub const PATTERN_CHECK_BUDGET: Duration = Duration::from_secs(5);

const PATTERN_BOT: &str = r#"
[bot]
name = "fuzzbot"
about = "Fuzzing."
decline = "No."
"#;

const PATTERN_SOURCES: &str = r#"
[[source]]
id = "article"
title = "A test article"
publisher = "news analysis"
"#;

/// An intent around one pattern, as a curator would write it.
pub fn pattern_intents(pattern: &str) -> String {
    format!(
        r#"[[intent]]
id = "attack.who"
title = "Who was behind the attack"
patterns = [{}]
keywords = [{{ any = ["who", "behind"] }}]
examples = ["who was behind the attack", "who is behind it", "who did the attack"]
answer = "Iran was accused."
sources = ["article"]
"#,
        toml_string(pattern)
    )
}

/// A TOML basic string holding `s` exactly.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An arbitrary pattern in an intent: validation never panics, refuses it
/// with a message located at the pattern or accepts it, and takes bounded
/// time; an accepted pattern answers long, awkward questions in bounded time.
pub fn regex_pattern(data: &[u8]) {
    let pattern = String::from_utf8_lossy(data).into_owned();
    let text = pattern_intents(&pattern);
    let path = PathBuf::from("intents/attack.toml");
    let files = SourceFiles {
        intents: vec![
            SourceFile {
                path: "intents/bot.toml".into(),
                text: PATTERN_BOT.to_string(),
            },
            SourceFile {
                path: path.clone(),
                text: text.clone(),
            },
        ],
        sources: Some(SourceFile {
            path: "data/sources.toml".into(),
            text: PATTERN_SOURCES.to_string(),
        }),
        ..SourceFiles::default()
    };
    let start = Instant::now();
    let result = kb::validate(files);
    let took = start.elapsed();
    // Time is a finding only under the fuzzer; tests never assert it.
    assert!(
        !cfg!(fuzzing) || took < PATTERN_CHECK_BUDGET,
        "checking {pattern:?} took {took:?}"
    );
    match result {
        Ok(kb) => {
            let start = Instant::now();
            for question in [
                "a".repeat(5000),
                "who ".repeat(1200),
                "ab ".repeat(1400),
                pattern.clone(),
            ] {
                let _ = answer_message(&kb, &ChatState::default(), &question);
            }
            let took = start.elapsed();
            assert!(
                !cfg!(fuzzing) || took < PATTERN_CHECK_BUDGET,
                "answering with {pattern:?} took {took:?}"
            );
        }
        Err(e) => {
            check_located(Err(e), &path, &text);
        }
    }
}
