//! Any message a user can send gets a reply or a polite decline, never a
//! panic; the normaliser, the Telegram formatter and the knowledge loader
//! keep their promises for any input. The invariants are those the fuzz
//! targets assert (`fuzz/src/checks.rs`, compiled here too), and every input a
//! fuzzer ever crashed on is kept in `tests/data/fuzz/TARGET/` and replayed.

use briefbot::answer::{ChatState, answer};
use briefbot::render::{Citation, Reply};
use briefbot::text::fold;
use proptest::prelude::*;

use crate::support::{INTENTS, TestKb};

#[path = "../../fuzz/src/checks.rs"]
mod checks;

fn replies(message: &str) {
    let kb = crate::support::shipped();
    let outcome = answer(kb, &ChatState::default(), message);
    assert!(
        !outcome.reply.to_plain().trim().is_empty(),
        "empty reply to {message:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_string_gets_a_reply(s in any::<String>()) {
        replies(&s);
    }

    #[test]
    fn any_words_get_a_reply(words in prop::collection::vec("[a-zA-Z0-9çëÇË'/?!-]{0,12}", 0..12)) {
        replies(&words.join(" "));
    }

    /// Idempotent, collapsed spaces, and only lower-case letters and digits
    /// without diacritics (`checks::fold`).
    #[test]
    fn folding_is_idempotent(s in any::<String>()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        checks::fold(s.as_bytes());
    }

    /// Text with the marks folding must remove: accents, capitals, ligatures,
    /// apostrophes and punctuation.
    #[test]
    fn folding_removes_case_and_diacritics(s in "[a-zA-ZÀ-ÿĀ-žǄ-ǌﬀ-ﬆ\u{300}-\u{36f}'’`.,!? -]{0,60}") {
        checks::fold(s.as_bytes());
    }

    /// The same message always gets the same reply, which formats to valid
    /// Telegram HTML (`checks::answer`).
    #[test]
    fn answers_are_deterministic(s in "(who|when|why|what|albania|iran|attack|mek|sanctions|[a-z]{1,8}|[0-9]{1,4}|[?!.,' ]){0,12}") {
        checks::answer(s.as_bytes());
    }
}

#[test]
fn awkward_messages() {
    replies("");
    replies(&"\u{1F4A5}".repeat(4096));
    replies("מי תקף את אלבניה? من هاجم ألبانيا؟");
    replies("\u{0}\u{1}\u{7}\u{1b}[31m\r\n\t\u{202e}");
    replies(&"albania iran attack ".repeat(60_000));
    replies("/");
    replies("/event");
    replies("/event 2022-02-31");
    replies("/who");
    replies("/start nonsense-payload");
    replies("0");
    replies("99999999999999999999999");
    replies("a\u{301}\u{301}\u{301}\u{301}");
}

/// Text that exercises the formatter: markup characters, entities, accents,
/// astral characters, blank lines, and lines long enough to be cut.
fn texty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zé<>&\"' \n]{0,80}",
            "[a-z&;<>/ ]{0,20}",
            Just("\n\n".to_string()),
            (1usize..3000).prop_map(|n| "x".repeat(n)),
            (1usize..1500).prop_map(|n| "&<".repeat(n)),
            (1usize..1200).prop_map(|n| "\u{1F4A5} ".repeat(n)),
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

fn reply() -> impl Strategy<Value = Reply> {
    (
        prop::option::of(texty()),
        texty(),
        prop::collection::vec(
            (
                texty(),
                prop::option::of(prop_oneof![
                    "https://[a-z./?=&\"<>]{0,40}",
                    ".{0,20}",
                    (1usize..3000).prop_map(|n| format!("https://e.x/{}", "&".repeat(n)))
                ]),
            ),
            0..3,
        ),
    )
        .prop_map(|(title, body, sources)| Reply {
            lang: Default::default(),
            title,
            body,
            sources: sources
                .into_iter()
                .map(|(text, url)| Citation { text, url })
                .collect(),
            related: vec![],
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Every piece fits; the pieces are verbatim parts of the text, in order,
    /// with only whitespace between them (`checks::check_pieces`).
    #[test]
    fn split_keeps_text_within_the_limit(
        paragraphs in prop::collection::vec("[a-zé<>& \n]{0,300}", 0..30),
        max in 1usize..600,
    ) {
        let text = paragraphs.join("\n\n");
        let pieces = briefbot::telegram::format::split(&text, max);
        checks::check_pieces(&text, &pieces, max, false);
    }

    /// Any text, any limit: the same, on text with entities, tags and long
    /// lines.
    #[test]
    fn split_any_text(text in texty(), max in 1usize..5000) {
        let pieces = briefbot::telegram::format::split(&text, max);
        checks::check_pieces(&text, &pieces, max, false);
    }

    /// Any reply: its HTML is valid Telegram HTML showing exactly the reply's
    /// text, its markup never spans a line, and it splits into valid pieces of
    /// at most 4,096 characters that lose and reorder nothing.
    #[test]
    fn any_reply_formats_to_valid_pieces(reply in reply()) {
        checks::reply_formats(&reply);
    }

    /// Fuzz-style replies from raw bytes, as the `telegram_format` target reads them.
    #[test]
    fn any_bytes_format(data in prop::collection::vec(any::<u8>(), 0..600)) {
        checks::telegram_format(&data);
    }
}

#[test]
fn html_markup_is_closed_at_newlines_and_long_runs() {
    use briefbot::telegram::format::{MAX_MESSAGE_CHARS, html, split};
    let reply = Reply {
        lang: Default::default(),
        title: Some("Two\nlines & <more>".to_string()),
        body: "Body.".to_string(),
        sources: vec![Citation {
            text: "news \"A\"".to_string(),
            url: Some("https://e.x/?a=1&b=2".to_string()),
        }],
        related: vec![],
    };
    assert_eq!(
        html(&reply),
        "<b>Two</b>\n<b>lines &amp; &lt;more&gt;</b>\nBody.\n<i>Source: <a href=\"https://e.x/?a=1&amp;b=2\">news \"A\"</a>.</i>"
    );
    // A 9,000-character title is bold in elements of about 1,024 characters,
    // so the cuts fall between them.
    let long = Reply {
        title: Some("&".repeat(9000)),
        ..reply
    };
    let pieces = split(&html(&long), MAX_MESSAGE_CHARS);
    let sizes: Vec<usize> = pieces.iter().map(|p| p.chars().count()).collect();
    assert_eq!(sizes.len(), 16, "{sizes:?}");
    assert!(sizes[..14].iter().all(|&n| n > 3000), "{sizes:?}");
    checks::reply_formats(&long);
}

// ------------------------------------------------------------- the loader

/// A TOML-ish line: real keys with values of every shape, tables, and junk.
fn toml_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("id"),
        Just("title"),
        Just("patterns"),
        Just("keywords"),
        Just("examples"),
        Just("answer"),
        Just("related"),
        Just("sources"),
        Just("priority"),
        Just("small_talk"),
        Just("builtin"),
        Just("name"),
        Just("date"),
        Just("summary"),
        Just("actors"),
        Just("kind"),
        Just("aliases"),
        Just("any"),
        Just("weight"),
        Just("required"),
        Just("x"),
    ];
    let value = prop_oneof![
        "\"[a-z .{}()|\\\\]{0,20}\"",
        "'[^'\n]{0,20}'",
        "\"\"\"\n[^\"]{0,40}\n\"\"\"",
        "-?[0-9]{1,12}(\\.[0-9]+)?",
        Just("true".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        "\\[\"[a-z.\\\\(]{0,10}\", *\\]",
        "\\{ any = \\[\"[a-z]{0,6}\"\\], weight = -?[0-9.]{1,4} \\}",
        "\\[{1,40}",
        "\\{{1,40}",
        "\"\\{\\{ [a-z(\"').|]{0,20} \\}\\}\"",
        "\"\\{% [a-z ]{0,20} %\\}\"",
        "2022-[0-9]{2}-[0-9]{2}",
    ];
    prop_oneof![
        3 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => Just("[[intent]]".to_string()),
        1 => Just("[lexicon]".to_string()),
        1 => Just("[bot]".to_string()),
        1 => ".{0,30}",
    ]
}

fn toml_text() -> impl Strategy<Value = String> {
    prop::collection::vec(toml_line(), 0..25).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary text as an intents file beside the fixture: validation never
    /// panics, and every problem in that file has a line and column inside it.
    #[test]
    fn any_text_as_an_intents_file(text in prop_oneof![any::<String>(), toml_text()]) {
        let result = TestKb::new().intents("intents/fuzz.toml", &text).build();
        checks::check_located(result, std::path::Path::new("intents/fuzz.toml"), &text);
    }

    /// The fixture's intents file cut short or with junk spliced in.
    #[test]
    fn broken_intents_file(cut in 0usize..2000, junk in prop_oneof![toml_line(), ".{0,10}"]) {
        let mut at = cut.min(INTENTS.len());
        while !INTENTS.is_char_boundary(at) {
            at -= 1;
        }
        let text = format!("{}{junk}{}", &INTENTS[..at], &INTENTS[at..]);
        let result = TestKb::new().intents("intents/attack.toml", &text).build();
        checks::check_located(result, std::path::Path::new("intents/attack.toml"), &text);
    }

    /// Arbitrary text as each kind of data file beside the fixture.
    #[test]
    fn any_text_as_a_data_file(text in prop_oneof![any::<String>(), toml_text()], kind in 0usize..4) {
        let (kb, path) = match kind {
            0 => (TestKb::new().event("data/events/fuzz.toml", &text), "data/events/fuzz.toml"),
            1 => (TestKb::new().actor("data/actors/fuzz.toml", &text), "data/actors/fuzz.toml"),
            2 => (TestKb::new().topic("data/topics/fuzz.toml", &text), "data/topics/fuzz.toml"),
            _ => (TestKb::new().sources(&text), "data/sources.toml"),
        };
        checks::check_located(kb.build(), std::path::Path::new(path), &text);
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Beside the shipped knowledge, as the `load_intents` target does it
    /// (few cases: each validates all of `data/`).
    #[test]
    fn any_bytes_beside_the_shipped_data(role in any::<u8>(), text in toml_text()) {
        let mut data = vec![role];
        data.extend_from_slice(text.as_bytes());
        checks::load_intents(&data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Arbitrary regexes in `patterns`: refused with a located message or
    /// accepted, in bounded time, and accepted ones answer long questions in
    /// bounded time (`checks::regex_pattern`).
    #[test]
    fn any_pattern_is_checked_in_bounded_time(
        pattern in prop_oneof![
            "[a-z\\\\(){}|*+?.\\[\\]^$0-9,:wbsdpP-]{0,40}",
            (r"\\w|[a-z]|\\(a\\|b\\)|\\.", 0u32..3000, 0u32..3000).prop_map(|(a, n, m)| format!("({a}{{{n}}}){{{m}}}")),
            (1usize..200).prop_map(|n| (0..n).map(|i| format!("w{i}")).collect::<Vec<_>>().join("|")),
        ]
    ) {
        checks::regex_pattern(pattern.as_bytes());
    }
}

/// Every input a fuzzer found a failure with, replayed through the same
/// check (`tests/data/fuzz/TARGET/NAME`; see docs/fuzzing.md).
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut replayed = 0;
    for target in std::fs::read_dir(&dir).expect("tests/data/fuzz") {
        let target = target.expect("entry").path();
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let check: fn(&[u8]) = match name.as_str() {
            "answer" => checks::answer,
            "fold" => checks::fold,
            "telegram_format" => checks::telegram_format,
            "load_intents" => checks::load_intents,
            "regex_pattern" => checks::regex_pattern,
            other => panic!("tests/data/fuzz/{other}: no such fuzz target"),
        };
        let mut inputs: Vec<_> = std::fs::read_dir(&target)
            .expect("target dir")
            .map(|e| e.expect("entry").path())
            .collect();
        inputs.sort();
        for input in inputs {
            let data = std::fs::read(&input).expect("input");
            if let Err(e) = std::panic::catch_unwind(|| check(&data)) {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("{} fails again: {msg}", input.display());
            }
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no fuzz regressions found in {}",
        dir.display()
    );
}
