//! Broken knowledge files: every problem reported, located, and nothing loaded.

use expect_test::expect;

use crate::support::{INTENTS, TestKb};

#[test]
fn the_fixture_is_valid() {
    expect!["no problems"].assert_eq(&TestKb::new().problems());
}

#[test]
fn bad_toml_is_located() {
    let problems = TestKb::new()
        .intents("intents/bad.toml", "[[intent]]\nid = \"x\"\ntitle = \n")
        .problems();
    expect!["intents/bad.toml:3:9: string values must be quoted, expected literal string"]
        .assert_eq(&problems);
}

#[test]
fn unknown_and_missing_fields() {
    let unknown = TestKb::new()
        .actor(
            "data/actors/iran.toml",
            &crate::support::ACTOR.replace("kind =", "knd ="),
        )
        .problems();
    expect!["data/actors/iran.toml:5:1: unknown field `knd`, expected one of `id`, `name`, `aliases`, `kind`, `role`, `stands_for`, `descriptions`, `summary`, `sources`, `sq`"].assert_eq(unknown.lines().next().unwrap_or_default());
    let extra = TestKb::new()
        .event(
            "data/events/july-attack.toml",
            &format!("{}\ncolour = \"red\"\n", crate::support::EVENT),
        )
        .problems();
    assert!(
        extra.starts_with("data/events/july-attack.toml:10:1: unknown field `colour`"),
        "{extra}"
    );
}

#[test]
fn every_problem_in_one_run() {
    let broken = INTENTS
        .replace(
            r"patterns = ['\bwho\b.*\battack']",
            r"patterns = ['\bwho(', 'Who']",
        )
        .replace(
            "related = [\"attack.who\", \"timeline\"]",
            "related = [\"attack.why\", \"timeline\"]",
        )
        .replace("{{ actor('iran').name }}", "{{ actor('iraq').name }}")
        .replace(
            "sources = [\"article\"]\n\n[[intent]]\nid = \"timeline\"",
            "sources = [\"articel\"]\n\n[[intent]]\nid = \"timeline\"",
        );
    let problems = TestKb::new()
        .intents("intents/attack.toml", &broken)
        .intents("intents/more.toml", "[[intent]]\nid = \"hello\"\nsmall_talk = true\nexamples = [\"a\", \"b\", \"c\"]\nanswer = \"Hi\"\n")
        .problems();
    expect![[r#"
        intents/attack.toml:11:12: unknown related intent `attack.why`
        intents/attack.toml:17:13: invalid pattern `\bwho(` of intent `attack.who`: error: unclosed group
        intents/attack.toml:17:23: pattern `Who` of intent `attack.who` has upper-case letters; questions are matched in lower case
        intents/attack.toml:23:10: template: no actor with id `iraq`
        intents/attack.toml:25:12: unknown source `articel`
        intents/more.toml:2:6: duplicate intent id `hello`
        intents/more.toml:4:13: example "a" of intent `hello` is declined (best score 0.00)"#]]
    .assert_eq(&problems);
}

#[test]
fn unknown_references_in_data() {
    let event = crate::support::EVENT
        .replace("actors = [\"iran\"]", "actors = [\"iraq\"]")
        .replace("2022-07-15", "2022-13-01");
    let problems = TestKb::new()
        .event("data/events/july-attack.toml", &event)
        .problems();
    expect![[r#"
        data/events/july-attack.toml:3:8: `2022-13-01` is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)
        data/events/july-attack.toml:6:11: unknown actor `iraq`"#]]
    .assert_eq(&problems);
}

#[test]
fn template_errors_point_at_their_line() {
    let broken = INTENTS.replace(
        "answer = \"On {{ event('july-attack').date | date }}.\"",
        "answer = \"\"\"\nFirst line.\nOn {{ event('july-attack').when }}.\n\"\"\"",
    );
    let problems = TestKb::new()
        .intents("intents/attack.toml", &broken)
        .problems();
    assert!(
        problems.starts_with("intents/attack.toml:12:1: template: "),
        "{problems}"
    );
}

#[test]
fn examples_must_resolve_to_their_own_intent() {
    let broken = INTENTS.replace("\"date of the cyberattack\"", "\"who hacked them all\"");
    let problems = TestKb::new()
        .intents("intents/attack.toml", &broken)
        .problems();
    expect![[r#"intents/attack.toml:9:68: example "who hacked them all" of intent `attack.when` resolves to `attack.who` (score 0.70)"#]]
        .assert_eq(&problems);
}

#[test]
fn duplicate_ids_and_lexicon_clashes() {
    let problems = TestKb::new()
        .actor("data/actors/iran2.toml", crate::support::ACTOR)
        .intents("intents/lex2.toml", "[lexicon]\nbreak = [\"hack\"]\n")
        .problems();
    expect![[r#"
        data/actors/iran2.toml:2:6: duplicate actor id `iran`
        intents/lex2.toml:2:10: lexicon variant `hack` is already under `attack`"#]]
    .assert_eq(&problems);
}

#[test]
fn pathological_patterns_are_refused() {
    let broken = INTENTS.replace(
        r"patterns = ['\bwho\b.*\battack']",
        r"patterns = ['(\w{100}){100}', '.*']",
    );
    let problems = TestKb::new()
        .intents("intents/attack.toml", &broken)
        .problems();
    expect![[r#"
        intents/attack.toml:17:13: pattern `(\w{100}){100}` of intent `attack.who` is too large once compiled (limit 256 KiB): simplify the repetition (such as `{1000}`) or split the alternation
        intents/attack.toml:17:31: pattern `.*` of intent `attack.who` matches every question"#]]
    .assert_eq(&problems);
}

/// Huge repetitions and enormous alternations are refused at `check`, each
/// at its file, line and column, in bounded time; a modest one is fine.
#[test]
fn huge_repetitions_and_alternations_are_refused() {
    let alternation = (0..120)
        .map(|i| format!("word{i}"))
        .collect::<Vec<_>>()
        .join("|");
    let patterns = format!(
        "patterns = ['(a{{1000}}){{1000}}', '\\w{{5000}}', '\\bwho\\b.{{0,1000}}\\battack', '(x|y){{1000}}', '{alternation}', '\\bwho\\w{{0,50}}\\b']"
    );
    let broken = INTENTS.replace(r"patterns = ['\bwho\b.*\battack']", &patterns);
    let problems = TestKb::new()
        .intents("intents/attack.toml", &broken)
        .problems();
    expect![[r#"
        intents/attack.toml:17:13: pattern `(a{1000}){1000}` of intent `attack.who` is too large once compiled (limit 256 KiB): simplify the repetition (such as `{1000}`) or split the alternation
        intents/attack.toml:17:32: pattern `\w{5000}` of intent `attack.who` is too large once compiled (limit 256 KiB): simplify the repetition (such as `{1000}`) or split the alternation
        intents/attack.toml:17:87: pattern `word0|word1|word2|word3|word4|word5|word…` of intent `attack.who` is 849 characters long (limit 500); split it into several shorter patterns"#]]
    .assert_eq(&problems);
}

#[test]
fn invalid_patterns_keep_their_syntax_message() {
    let nested = format!("{}a{}", "(".repeat(300), ")".repeat(300));
    let broken = INTENTS.replace(
        r"patterns = ['\bwho\b.*\battack']",
        &format!(r"patterns = ['a{{2,1}}', '(?<x>a)(?<x>b)', 'a\', '{nested}']"),
    );
    let problems = TestKb::new()
        .intents("intents/attack.toml", &broken)
        .problems();
    expect![[r#"
        intents/attack.toml:17:13: invalid pattern `a{2,1}` of intent `attack.who`: error: invalid repetition count range, the start must be <= the end
        intents/attack.toml:17:23: invalid pattern `(?<x>a)(?<x>b)` of intent `attack.who`: error: duplicate capture group name
        intents/attack.toml:17:41: invalid pattern `a\` of intent `attack.who`: error: incomplete escape sequence, reached end of pattern prematurely
        intents/attack.toml:17:47: pattern `((((((((((((((((((((((((((((((((((((((((…` of intent `attack.who` is 601 characters long (limit 500); split it into several shorter patterns"#]].assert_eq(&problems);
}

#[test]
fn missing_bot_and_few_examples() {
    let problems = TestKb::new()
        .intents("intents/bot.toml", "")
        .intents("intents/x.toml", "[[intent]]\nid = \"x\"\ntitle = \"X\"\nexamples = [\"x\"]\nanswer = \"X.\"\nsources = [\"article\"]\n")
        .problems();
    assert!(
        problems.contains("intents:1:1: no [bot] table in any intents file"),
        "{problems}"
    );
    assert!(
        problems.contains("intents/x.toml:2:6: intent `x` has 1 examples; give at least 3"),
        "{problems}"
    );
}

#[test]
fn suggestions_must_name_known_targets() {
    let bot = crate::support::BOT.replace(
        "suggestions = [\"attack.when\"]",
        "suggestions = [\"attack.when\", \"nope\"]",
    );
    let problems = TestKb::new().intents("intents/bot.toml", &bot).problems();
    expect!["intents/bot.toml:6:31: unknown suggested intent `nope`"].assert_eq(&problems);
}

/// Deeply nested TOML and templates are refused with a message, not a stack
/// overflow.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for depth in [100, 10_000, 100_000] {
        let arrays = format!("[[intent]]\nid = \"x\"\nexamples = {}", "[".repeat(depth));
        let tables = format!("a = {}", "{ b = ".repeat(depth));
        let template = format!(
            "[[intent]]\nid = \"x\"\ntitle = \"X\"\nexamples = [\"a\", \"b\", \"c\"]\nsources = [\"article\"]\nanswer = \"{{{{ {}1 }}}}\"\n",
            "(".repeat(depth)
        );
        for (text, message) in [
            (arrays, "cannot recurse further; max recursion depth met"),
            (tables, "cannot recurse further; max recursion depth met"),
            (
                template,
                "template: template exceeds maximum recursion limits",
            ),
        ] {
            let problems = TestKb::new().intents("intents/deep.toml", &text).problems();
            assert!(
                problems.starts_with("intents/deep.toml:"),
                "{depth}: {problems}"
            );
            assert!(problems.contains(message), "{depth}: {problems}");
        }
    }
}

#[test]
fn source_urls_must_be_web_addresses() {
    let sources = format!(
        "{}url = \"javascript:alert(1)\"\n\n[[source]]\nid = \"b\"\ntitle = \"B\"\npublisher = \"P\"\nurl = \"not a url\"\n\n[[source]]\nid = \"c\"\ntitle = \"C\"\npublisher = \"P\"\nurl = \"https://e.x/{}\"\n\n[[source]]\nid = \"d\"\ntitle = \"D\"\npublisher = \"P\"\nurl = \"https://e.x/?a=1&b=2\"\n",
        crate::support::SOURCES,
        "a".repeat(1000)
    );
    let problems = TestKb::new().sources(&sources).problems();
    expect![[r#"
        data/sources.toml:7:7: url `javascript:alert(1)` is not a web address (http or https, not `javascript`, no spaces)
        data/sources.toml:13:7: url `not a url` is not a web address: relative URL without a base
        data/sources.toml:19:7: url is 1012 characters long (limit 1000)"#]].assert_eq(&problems);
}

/// Many large patterns: each is checked on its own limit.
#[test]
fn many_heavy_patterns_are_each_bounded_and_load_together() {
    // Each pattern is compiled and size-checked on its own (there is no one
    // combined automaton to outgrow), so four hundred heavy ones load.
    let heavy: Vec<String> = (0..400)
        .map(|i| format!("'\\bwho{i}\\b.{{0,200}}\\battack'"))
        .collect();
    let many = INTENTS.replace(
        r"patterns = ['\bwho\b.*\battack']",
        &format!("patterns = [{}]", heavy.join(", ")),
    );
    let problems = TestKb::new()
        .intents("intents/attack.toml", &many)
        .problems();
    expect!["no problems"].assert_eq(&problems);
}

/// The fixture with `[bot.sq]`: from then on every item needs its Albanian.
fn albanian_bot() -> String {
    format!(
        "{}\n[bot.sq]\nabout = \"Di për historinë e provës.\"\ndecline = \"Nuk e kam këtë në shënimet e mia.\"\n",
        crate::support::BOT
    )
}

#[test]
fn missing_albanian_is_reported_where_it_belongs() {
    let problems = TestKb::new()
        .intents("intents/bot.toml", &albanian_bot())
        .problems();
    // Every intent, the event, the actor and the lexicon, each at its place.
    for wanted in [
        "intents/attack.toml:3:6: missing Albanian (sq) text for intent `attack.when`",
        "intents/attack.toml:15:6: missing Albanian (sq) text for intent `attack.who`",
        "data/events/july-attack.toml:2:6: missing Albanian (sq) text for event `july-attack`",
        "data/actors/iran.toml:2:6: missing Albanian (sq) text for actor `iran`",
        "missing Albanian (sq) lexicon",
    ] {
        assert!(problems.contains(wanted), "{wanted}\nin:\n{problems}");
    }
}

#[test]
fn albanian_must_state_the_english_facts() {
    let intents = INTENTS.replace(
        "related = [\"attack.when\"]\nsources = [\"article\"]",
        "related = [\"attack.when\"]\nsources = [\"article\"]\n\n[intent.sq]\ntitle = \"Kush qëndronte pas sulmit\"\nkeywords = [{ any = [\"kush\"], required = true }, { any = [\"sulm\"], required = true }]\nexamples = [\"kush qendronte pas sulmit\", \"kush e beri sulmin\", \"kush eshte pergjegjes per sulmin\"]\nanswer = \"Më 7 shtator u akuzua Irani.\"",
    );
    let problems = TestKb::new()
        .intents("intents/bot.toml", &albanian_bot())
        .intents("intents/attack.toml", &intents)
        .problems();
    assert!(
        problems.contains("the Albanian answer of intent `attack.who` must use the English one's template expressions (only in English: {{actor('iran').name}}; only in Albanian: none)"),
        "{problems}"
    );
    assert!(
        problems.contains("the Albanian answer of intent `attack.who` must give the English one's numbers (only in English: none; only in Albanian: 7)"),
        "{problems}"
    );
}
