//! Albanian: which language a question is in, and Albanian answers on the
//! shipped knowledge (the Albanian blind set is in `question_sets.rs`).

use briefbot::answer::{ChatState, answer};
use briefbot::matcher::{Lang, detect_lang};

use crate::support::shipped;

fn lang_of(q: &str) -> Option<Lang> {
    detect_lang(shipped(), q)
}

#[test]
fn short_questions_are_told_apart() {
    for q in [
        "kush e sulmoi shqipërinë?",
        "kush e sulmoi shqiperine",
        "pse i preu shqipëria marrëdhëniet me iranin",
        "kur ndodhi sulmi",
        "sa anëtarë të MEK janë në shqipëri",
        "çfarë është jcpoa?",
        "cfare eshte mek",
        "faleminderit",
        "përshëndetje",
        "a ishte irani?",
        // Colloquial (Gheg) and chat spellings.
        "homeland justice kush jan",
        "ça osht AKSHI",
    ] {
        assert_eq!(lang_of(q), Some(Lang::Sq), "{q}");
    }
    for q in [
        "who attacked albania?",
        "why did albania cut ties with iran",
        "when was the attack",
        "what is the jcpoa",
        "thanks",
        "hello",
        "was it iran?",
    ] {
        assert_eq!(lang_of(q), Some(Lang::En), "{q}");
    }
}

#[test]
fn a_name_alone_is_left_to_the_chat() {
    for q in ["MEK?", "JCPOA", "Edi Rama", "2022-09-07", "DEV-0842"] {
        assert_eq!(lang_of(q), None, "{q}");
    }
    // The chat's language decides: its last reply's.
    let kb = shipped();
    let albanian = ChatState {
        lang: Some(Lang::Sq),
        ..ChatState::default()
    };
    assert_eq!(answer(kb, &albanian, "JCPOA").reply.lang, Lang::Sq);
    assert_eq!(
        answer(kb, &ChatState::default(), "JCPOA").reply.lang,
        Lang::En
    );
}

#[test]
fn a_mixed_question_goes_with_most_of_its_words() {
    assert_eq!(lang_of("kush është Microsoft DART team"), Some(Lang::Sq));
    assert_eq!(lang_of("who is Olta Xhaçka"), Some(Lang::En));
}

#[test]
fn albanian_questions_get_albanian_answers() {
    let kb = shipped();
    let state = ChatState::default();
    let out = answer(kb, &state, "kush e sulmoi shqipërinë?");
    assert!(out.matched, "{:?}", out.reply);
    assert_eq!(out.reply.lang, Lang::Sq);
    assert!(out.reply.body.contains("Iran"), "{}", out.reply.body);
    // Its labels are Albanian too.
    let plain = out.reply.to_plain();
    assert!(plain.contains("Burim"), "{plain}");
    assert!(!plain.contains("Sources:"), "{plain}");
}

#[test]
fn albanian_dates_are_read_and_written() {
    let kb = shipped();
    let state = ChatState::default();
    for q in [
        "çfarë ndodhi më 10 shtator",
        "cfare ndodhi me 10 shtator 2022",
        "10 shtator 2022",
    ] {
        let out = answer(kb, &state, q);
        assert!(out.matched, "{q}: {:?}", out.reply);
        assert_eq!(out.reply.lang, Lang::Sq, "{q}");
        let plain = out.reply.to_plain();
        assert!(plain.contains("shtator 2022"), "{q}: {plain}");
    }
    let july = answer(kb, &state, "çfarë ndodhi në korrik 2022")
        .reply
        .to_plain();
    assert!(july.contains("korrik 2022"), "{july}");
}

#[test]
fn albanian_declines_are_albanian() {
    let kb = shipped();
    let state = ChatState::default();
    let out = answer(kb, &state, "sa vjeç është edi rama");
    assert!(!out.matched, "{:?}", out.reply);
    assert_eq!(out.reply.lang, Lang::Sq);
    assert!(out.reply.body.contains("Edi Rama"), "{}", out.reply.body);
    let off = answer(kb, &state, "si do të jetë moti nesër në tiranë");
    assert!(!off.matched);
    assert_eq!(off.reply.lang, Lang::Sq);
    assert!(!off.reply.body.contains("I don't"), "{}", off.reply.body);
}

#[test]
fn buttons_keep_the_language_of_their_message() {
    let kb = shipped();
    let first = answer(kb, &ChatState::default(), "kush e sulmoi shqipërinë?");
    assert!(!first.reply.related.is_empty());
    let second = answer(kb, &first.state(), "1");
    assert_eq!(second.reply.lang, Lang::Sq, "{:?}", second.reply);
}

#[test]
fn greetings_typed_without_diacritics_are_albanian_small_talk() {
    // "mirdita" and "mirmengjes" are no typos of knowledge words: they are
    // greetings, recognised and answered in Albanian.
    for q in ["mirdita!", "mirmengjes", "ok flm, rrofsh vlla"] {
        let outcome = answer(shipped(), &ChatState::default(), q);
        assert!(outcome.matched, "{q}: {}", outcome.reply.to_plain());
        assert_eq!(outcome.reply.lang, Lang::Sq, "{q}");
    }
}

/// A message of nothing but acknowledgement, laughter, thanks and good
/// wishes is small talk in either language; one with a question after
/// them is the question.
#[test]
fn acknowledgements_and_wishes_are_small_talk() {
    for (q, lang) in [
        ("ok cool", Lang::En),
        ("got it", Lang::En),
        ("haha thanks", Lang::En),
        ("ok mirë", Lang::Sq),
        ("rrofsh vlla, shum t'mira", Lang::Sq),
        ("haha super, rrofsh", Lang::Sq),
    ] {
        let outcome = answer(shipped(), &ChatState::default(), q);
        assert!(
            outcome.matched
                && outcome
                    .intent
                    .as_deref()
                    .is_some_and(|i| i.starts_with("smalltalk.")),
            "{q}: {:?} {}",
            outcome.intent,
            outcome.reply.to_plain()
        );
        assert_eq!(outcome.reply.lang, lang, "{q}");
    }
    let outcome = answer(shipped(), &ChatState::default(), "ok so who hacked albania");
    assert_eq!(outcome.intent.as_deref(), Some("attack.who"));
    // "më i mirë" (the best) is not an acknowledgement.
    let outcome = answer(
        shipped(),
        &ChatState::default(),
        "kush eshte kengetari me i mire shqiptar",
    );
    assert!(!outcome.matched, "{}", outcome.reply.to_plain());
}

#[test]
fn gheg_forms_are_read_as_standard_albanian() {
    let sq = shipped().in_lang(Lang::Sq);
    let intent = |q: &str| answer(sq, &ChatState::default(), q).intent;
    for (q, expected) in [
        // "bani" is "bëri", "shqipni" "Shqipëri", "qysh" "si" …
        ("kush e bani sulmin ne shqipni", "attack.who"),
        ("qysh hyne hakerat ne rrjet", "attack.entry"),
        // … but "qysh kur" is "since when".
        ("qysh kur ishin hakerat ne rrjet", "attack.duration"),
        // "Po du me dit": I want to know; "ka ba" has done.
        (
            "mirdita, po du me dit kush e ka ba sulmin kibernetik",
            "attack.who",
        ),
    ] {
        assert_eq!(intent(q).as_deref(), Some(expected), "{q}");
    }
    // Thanks "for the info", a "bro", praise and "what can you do" in Gheg
    // are small talk, not a question.
    for q in [
        "ok flm per infon",
        "tung bro si je",
        "ok rrofsh shum, ishe i dobishem",
        "cka din me bo ti",
    ] {
        let outcome = answer(sq, &ChatState::default(), q);
        assert!(outcome.matched, "{q}: {}", outcome.reply.to_plain());
        assert!(
            outcome
                .intent
                .as_deref()
                .is_some_and(|i| i.starts_with("smalltalk.")),
            "{q}: {:?}",
            outcome.intent
        );
    }
}
