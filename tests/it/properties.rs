//! Any message a user can send gets a reply or a polite decline, never a panic.

use briefbot::answer::{ChatState, answer};
use briefbot::text::fold;
use proptest::prelude::*;

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

    #[test]
    fn folding_is_idempotent(s in any::<String>()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
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

fn non_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every piece fits, and no text is lost or reordered (only the
    /// separators at the cuts go).
    #[test]
    fn split_keeps_text_within_the_limit(
        paragraphs in prop::collection::vec("[a-zé<>& \n]{0,300}", 0..30),
        max in 1usize..600,
    ) {
        let text = paragraphs.join("\n\n");
        let pieces = briefbot::telegram::format::split(&text, max);
        prop_assert!(pieces.iter().all(|p| p.chars().count() <= max));
        prop_assert_eq!(non_space(&pieces.concat()), non_space(&text));
    }

    /// Telegram HTML of any reply has only our own tags.
    #[test]
    fn html_escapes_user_text(title in ".*", body in ".*") {
        let reply = briefbot::render::Reply { title: Some(title), body, sources: vec![], related: vec![] };
        let html = briefbot::telegram::format::html(&reply);
        let stripped = html.replacen("<b>", "", 1).replacen("</b>", "", 1);
        prop_assert!(!stripped.contains('<') && !stripped.contains('>'));
    }
}
