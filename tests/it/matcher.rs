//! Matcher behaviour on a small fixture knowledge base, through one helper.

use briefbot::answer::{ChatState, answer};
use briefbot::matcher::{Decision, best_match};
use expect_test::{Expect, expect};

use crate::support::TestKb;

#[track_caller]
fn check(question: &str, expected: Expect) {
    let kb = TestKb::new().build().unwrap_or_else(|e| panic!("{e}"));
    let m = best_match(&kb, question);
    let actual = match &m.decision {
        Decision::Answer(t) => format!("answer {}", t.key(&kb)),
        Decision::Choices(ts) => format!(
            "choices {}",
            ts.iter().map(|t| t.key(&kb)).collect::<Vec<_>>().join(", ")
        ),
        Decision::Decline => "decline".to_string(),
    };
    expected.assert_eq(&actual);
}

#[test]
fn plain_questions() {
    check("When was the attack?", expect!["answer attack.when"]);
    check("who was behind the hack", expect!["answer attack.who"]);
    check("hello", expect!["answer hello"]);
}

#[test]
fn lexicon_typos_and_word_order() {
    check("cyber attack: what date?", expect!["answer attack.when"]);
    check(
        "who is responsibel for the breach",
        expect!["answer attack.who"],
    );
    check("WHEN WAS THE CYBERATACK", expect!["answer attack.when"]);
}

#[test]
fn held_letters_and_trailing_asides() {
    check("hellooo", expect!["answer hello"]);
    check("whennn was the attackkk", expect!["answer attack.when"]);
    // "btw" closing the question is an aside, as it is in front.
    let (matched, text) = reply("who is esmail khatib btw");
    assert!(matched && text.contains("Khatib"), "{text}");
}

#[test]
fn entities_by_name_and_alias() {
    check("Tehran?", expect!["answer lookup:iran"]);
    check("who is teheran", expect!["answer lookup:iran"]);
    // "US" names the United States, not the NSC, whose alias "White House"
    // the lexicon also makes "us".
    let (matched, text) = reply("us");
    assert!(matched && text.starts_with("United States"), "{text}");
}

#[test]
fn dates_in_common_forms() {
    check("what happened on 15 July", expect!["answer on-date:07-15"]);
    check("July 15th 2022", expect!["answer on-date:2022-07-15"]);
    check("2022-07-15", expect!["answer on-date:2022-07-15"]);
    check("events in july 2022", expect!["answer on-date:2022-07"]);
}

#[test]
fn builtin_timeline() {
    check("show me the timeline", expect!["answer timeline"]);
}

#[test]
fn out_of_scope_is_declined_even_with_a_known_word() {
    check("what is the population of iran", expect!["decline"]);
    check("write me a poem", expect!["decline"]);
    check("", expect!["decline"]);
    check("zzzz", expect!["decline"]);
}

#[test]
fn numbers_pick_the_offered_follow_ups() {
    let kb = TestKb::new().build().unwrap();
    let first = answer(&kb, &ChatState::default(), "when was the attack");
    assert_eq!(first.reply.related[0].key, "attack.who");
    let second = answer(&kb, &first.state(), "1");
    assert_eq!(second.intent.as_deref(), Some("attack.who"));
    // Without an offer, a number is just a question.
    assert!(!answer(&kb, &ChatState::default(), "1").matched);
}

#[test]
fn same_question_same_reply() {
    let kb = TestKb::new().build().unwrap();
    let a = answer(&kb, &ChatState::default(), "who hacked them?");
    let b = answer(&kb, &ChatState::default(), "who hacked them?");
    assert_eq!(a, b);
}

#[test]
fn answers_render_data_through_templates() {
    let kb = TestKb::new().build().unwrap();
    let out = answer(&kb, &ChatState::default(), "when was the attack")
        .reply
        .to_plain();
    expect![[r#"
        When the attack happened
        On 15 July 2022.
        Source: news analysis "A test article" (2022).

        More:
          1. who was behind the attack
          2. timeline"#]]
    .assert_eq(&out);
}

#[test]
fn changing_an_event_date_changes_the_answer() {
    let moved = crate::support::EVENT.replace("2022-07-15", "2022-07-17");
    let kb = TestKb::new()
        .event("data/events/july-attack.toml", &moved)
        .build()
        .unwrap();
    let out = answer(&kb, &ChatState::default(), "when was the attack")
        .reply
        .to_plain();
    assert!(out.contains("On 17 July 2022."), "{out}");
}

#[test]
fn commands_share_the_pipeline() {
    let kb = TestKb::new().build().unwrap();
    let state = ChatState::default();
    assert!(
        answer(&kb, &state, "/timeline")
            .reply
            .body
            .contains("15 July 2022 — Cyberattack on the government")
    );
    assert_eq!(
        answer(&kb, &state, "/who tehran").intent.as_deref(),
        Some("lookup:iran")
    );
    assert_eq!(
        answer(&kb, &state, "/event 2022-07-15").intent.as_deref(),
        Some("on-date:2022-07-15")
    );
    assert_eq!(
        answer(&kb, &state, "/event july-attack").intent.as_deref(),
        Some("event:july-attack")
    );
    assert_eq!(
        answer(&kb, &state, "/ask@testbot when was the attack")
            .intent
            .as_deref(),
        Some("attack.when")
    );
    assert!(
        answer(&kb, &state, "/help")
            .reply
            .body
            .contains("/timeline")
    );
    assert!(!answer(&kb, &state, "/nonsense").matched);
    assert!(answer(&kb, &state, "/quit").quit);
}

#[test]
fn topics_are_looked_up_by_alias() {
    let topic = "id = \"jcpoa\"\nname = \"JCPOA\"\naliases = [\"Iran nuclear deal\"]\nsummary = \"The 2015 deal.\"\nsources = [\"article\"]\n";
    let kb = TestKb::new()
        .topic("data/topics/jcpoa.toml", topic)
        .build()
        .unwrap();
    let outcome = answer(&kb, &ChatState::default(), "what is the iran nuclear deal?");
    assert_eq!(outcome.intent.as_deref(), Some("lookup:jcpoa"));
    assert!(
        outcome
            .reply
            .to_plain()
            .starts_with("JCPOA\nThe 2015 deal.\nSource: ")
    );
}

/// Whether the shipped knowledge answers `q`, and the reply as plain text.
fn reply(q: &str) -> (bool, String) {
    let outcome = answer(crate::support::shipped(), &ChatState::default(), q);
    (outcome.matched, outcome.reply.to_plain())
}

/// Whether the shipped knowledge answers `q` asked in Albanian, and the
/// reply as plain text.
fn reply_sq(q: &str) -> (bool, String) {
    let sq = crate::support::shipped().in_lang(briefbot::matcher::Lang::Sq);
    let outcome = answer(sq, &ChatState::default(), q);
    (outcome.matched, outcome.reply.to_plain())
}

/// That the shipped knowledge declines each of `questions`.
fn assert_declined(questions: &[&str]) {
    for q in questions {
        let (matched, text) = reply(q);
        assert!(!matched, "{q}: {text}");
    }
}

/// "Who is X's <office>" is answered only by a person whose role names
/// that office of that country; otherwise the honest decline.
#[test]
fn office_holders_come_only_from_roles_that_name_them() {
    for q in [
        "who was iran's foreign minister in 2022",
        "what's the name of iran's president",
        "who is the us ambassador to albania",
        // A deputy assistant secretary general is not the secretary general.
        "who is nato's secretary general",
    ] {
        let (matched, text) = reply(q);
        assert!(
            !matched && text.contains("who holds that office"),
            "{q}: {text}"
        );
    }
    let (matched, text) = reply("who is albania's prime minister");
    assert!(matched && text.contains("Edi Rama"), "{text}");
    let (matched, text) = reply("who is iran's intelligence minister");
    assert!(matched && text.contains("Khatib"), "{text}");
    // The one holder answers, even where an intent knows the words better;
    // not when more is asked of the holder (today's holder).
    let (matched, text) = reply("albania fm name?");
    assert!(matched && text.contains("Xhaçka"), "{text}");
    let (matched, _) = reply("who is albania's foreign minister right now?");
    assert!(!matched);
    // A name in a clause about the holder does not own the office.
    let (matched, text) = reply("who was the nsc spokesperson who said iran did it");
    assert!(matched && text.contains("Watson"), "{text}");
    let (matched, text) = reply_sq("kush eshte kryeministri i estonise");
    assert!(!matched, "{text}");
}

/// A thing's age is when it was founded or first seen, where the sources
/// say it; a person's or a country's age they never give.
#[test]
fn how_old_a_thing_is_is_its_founding() {
    let (matched, text) = reply("how old is the mek");
    assert!(matched && text.contains("1965"), "{text}");
    let (matched, text) = reply("how old is the chimneysweep malware");
    assert!(matched && text.contains("2012"), "{text}");
    assert_declined(&[
        "how old is edi rama",
        "how old is nato",
        "how old is albania",
    ]);
}

#[test]
fn a_name_answers_from_its_own_text_only_what_that_text_knows() {
    // The name's summary says what it is tied to.
    let (matched, text) = reply("what is europium linked to");
    assert!(matched && text.contains("MOIS"), "{text}");
    // Its summary knows nothing of a founding date or a budget: the
    // question is declined, pointing at the name, not answered from it.
    assert_declined(&["when was europium founded", "what is europium's budget"]);
}

#[test]
fn a_detail_only_an_answer_states_is_found_in_that_answer() {
    // No example asks about Berisha's first offer; the relocation answer
    // and an event's summary both state it, and the answer is preferred.
    let (matched, text) = reply("how many did berisha first offer to take");
    assert!(matched && text.contains("210"), "{text}");
    // An answer that uses "paying the price" says nothing of a payment:
    // a question about a payment is not answered from it.
    let (matched, text) = reply("how much does the mek pay its members");
    assert!(!matched, "{text}");
}

#[test]
fn when_a_name_did_something_its_dated_event_answers() {
    // No intent dates Albania's agreement; the event of Albania that
    // knows the rest of the question does.
    let (matched, text) = reply("what year did albania agree to take the mek");
    assert!(matched && text.contains("2013"), "{text}");
    // Not when the rest is the name's own office, or something none of
    // its events knows: the sources give no such date.
    assert_declined(&[
        "when did rama become prime minister",
        "when did microsoft buy mandiant",
    ]);
    // A date yet to come is not answered with a past one.
    let (matched, text) = reply_sq("kur do arrihet nje marreveshje e re berthamore me iranin");
    assert!(!matched, "{text}");
}

#[test]
fn a_count_is_answered_only_by_a_figure_of_what_is_counted() {
    // The answers these reach give figures, of hours and of members, but
    // none of embassies or diplomats.
    assert_declined(&[
        "how many embassies does albania have",
        "how many iranian diplomats were posted in albania",
    ]);
    // "15 officers": the lexicon makes officers police.
    let (matched, text) = reply("how many police hurt in the raid");
    assert!(matched && text.contains("15 officers"), "{text}");
    let (matched, text) = reply("how many mek members live in albania");
    assert!(matched && text.contains("3,000"), "{text}");
}

#[test]
fn two_words_the_knowledge_never_uses_are_a_thing_the_story_lacks() {
    // "Colonial Pipeline" is two ordinary words, neither in the knowledge:
    // not answered with the malware used against Albania.
    let (matched, text) = reply("tell me about the colonial pipeline ransomware attack");
    assert!(!matched, "{text}");
    // One unknown word is only the question's own wording.
    let (matched, text) = reply("which ransomware was deployed against albania");
    assert!(matched && text.contains("ROADSWEEP"), "{text}");
}

#[test]
fn a_description_names_its_holder_and_asks_nothing_of_it() {
    // "Leader" is a word of Rama's description, not an office asked of
    // Albania that no role names.
    let (matched, text) = reply("who is albania's leader");
    assert!(matched && text.contains("Edi Rama"), "{text}");
}

#[test]
fn a_things_own_date_answers_since_when_it_has_existed() {
    let (matched, text) = reply("since when has chimneysweep been around");
    assert!(matched && text.contains("2012"), "{text}");
    // The next one is a date yet to come.
    let (matched, text) = reply("when is the next free iran summit");
    assert!(!matched, "{text}");
}

/// A side name of the story (Russia, Saudi Arabia) that the best answer
/// never speaks of: that answer is about something else, so the question
/// is declined, pointing at the name. The story's setting (Albania, Iran,
/// the US) does not count, nor does a name the answer gives.
#[test]
fn an_answer_that_never_names_the_side_name_asked_about_is_declined() {
    for (q, name) in [
        (
            "what did russia say when albania cut ties with iran",
            "Russia",
        ),
        (
            "what was saudi arabia's reaction to the albania hack",
            "Saudi",
        ),
    ] {
        let (matched, text) = reply(q);
        assert!(!matched && text.contains(name), "{q}: {text}");
    }
    let (matched, text) = reply_sq("cfare tha rusia kur shqiperia preu lidhjet me iranin");
    assert!(!matched && text.contains("Rusi"), "{text}");
    for (q, says) in [
        ("did the us government officially blame iran", "concluded"),
        (
            "which us allies did trump want iran to stop targeting",
            "Israel",
        ),
        ("when did albania cut ties with iran", "7 September 2022"),
    ] {
        let (matched, text) = reply(q);
        assert!(matched && text.contains(says), "{q}: {text}");
    }
}

/// "What … in <month> <year>" (or on a day): the events of that date
/// answer when their text knows the rest of the question; not for a bare
/// month, nor for "why".
#[test]
fn a_month_answers_what_its_events_speak_of() {
    let (matched, text) = reply("which companies got hit december 2023");
    assert!(matched && text.contains("Air Albania"), "{text}");
    let (matched, text) = reply_sq("cfare sulmuan hakerat ne dhjetor 2023");
    assert!(matched && text.contains("Eagle Mobile"), "{text}");
    // A day without its year, too.
    let (matched, text) = reply_sq("kryeministri cfare tha me 7 shtator");
    assert!(matched && text.contains("ndërpret"), "{text}");
    let (_, text) = reply("why was there a new wave of attacks in september");
    assert!(!text.starts_with("In September"), "{text}");
}

/// A country the knowledge never mentions makes the question one the
/// sources do not answer, in English (where "turkey" and "china" are also
/// common words) and in Albanian, in any of its forms; a country the
/// knowledge does mention is no unknown name, however inflected.
#[test]
fn a_country_the_knowledge_never_names_is_declined() {
    assert_declined(&[
        "what did turkey say about the albania hack",
        "did china condemn the attack on albania",
    ]);
    for q in [
        "si reagoi kina per prishjen e marredhenieve shqiperi-iran",
        "kosova a i preu marredheniet me iranin?",
        "a ka sulmu irani ndonjehere gjermanine",
        // A name of two words or more, in any inflection.
        "cfare ndodhi me sulmin kibernetik ne mal te zi",
        "sulmi kibernetik ne malin e zi ne 2022 kush e beri",
        // A name no Albanian word could be.
        "kush e beri sulmin solarwinds",
    ] {
        let (matched, text) = reply_sq(q);
        assert!(!matched, "{q}: {text}");
    }
    // An English word with an Albanian ending is no such name.
    let (matched, text) = reply_sq("cili grup e vendosi ransomware-in dhe wiperin");
    assert!(matched && text.contains("0842"), "{text}");
    let (matched, text) = reply_sq("pse krahasohet shqiperia me estonine");
    assert!(matched && text.contains("2007"), "{text}");
}

/// A month the question names turns it from an answer that names only
/// other months ("what got hit in september" is not the July attack), but
/// not from one that names none ("did the july attack succeed").
#[test]
fn a_month_the_answer_never_names_points_elsewhere() {
    let (matched, text) = reply("what system got hit in september");
    assert!(matched && text.contains("TIMS"), "{text}");
    let (matched, text) = reply_sq("cili sistem u godit ne shtator");
    assert!(matched && text.contains("TIMS"), "{text}");
    let (matched, text) = reply("did the july attack succeed");
    assert!(matched && text.contains("unsuccessful"), "{text}");
}

/// An Albanian description matches by its inflection, not by what the
/// stemmer joins: "grupi iranian" (an Iranian group) is not "grupimet
/// iraniane" (Microsoft's clusters).
#[test]
fn albanian_descriptions_match_by_inflection() {
    let (matched, text) = reply_sq("kush eshte grupi iranian ne mergim");
    assert!(matched && text.starts_with("MEK"), "{text}");
    let (matched, text) = reply_sq("cilat jane grupimet iraniane");
    assert!(matched && text.contains("DEV-0861"), "{text}");
}

/// A figure asked alone is looked up in the texts that state it: the one
/// answer that does, or choices among several; a lone small number is
/// too little to look up.
#[test]
fn a_figure_alone_finds_the_texts_that_state_it() {
    let (matched, text) = reply("13694?");
    assert!(matched && text.contains("Executive Order 13694"), "{text}");
    let (matched, text) = reply("3,000?");
    assert!(!matched && text.contains("Did you mean"), "{text}");
    let (matched, text) = reply("2");
    assert!(!matched && !text.contains("Did you mean"), "{text}");
}

/// Two answers tied on one matter are no real choice: the leader answers
/// and the other is offered beside it. Two on different matters stay a
/// choice.
#[test]
fn a_tie_on_one_matter_is_answered_and_a_tie_on_two_is_offered() {
    let kb = crate::support::shipped();
    let outcome = answer(
        kb,
        &ChatState::default(),
        "what was the september wave according to the advisory",
    );
    let text = outcome.reply.to_plain();
    assert!(outcome.matched && text.contains("retaliation"), "{text}");
    let other = ["attack.second", "investigation.cisa"]
        .into_iter()
        .find(|k| Some(*k) != outcome.intent.as_deref())
        .unwrap();
    assert_eq!(
        outcome.reply.related.first().map(|b| b.key.as_str()),
        Some(other),
        "the other is offered first beside it"
    );
    let outcome = answer(
        kb,
        &ChatState::default(),
        "how long did the hunt forward mission last",
    );
    assert!(outcome.choices, "{}", outcome.reply.to_plain());
}

#[test]
fn owners_identities_and_schooling_are_details_the_sources_lack() {
    let (matched, text) = reply("who owns jones group international");
    assert!(!matched && text.contains("owners of Jones Group"), "{text}");
    let (matched, text) = reply("what are the real names of the homeland justice hackers");
    assert!(!matched && text.contains("identities"), "{text}");
    assert_declined(&["where did adrienne watson study"]);
    // Slang for a break-in is not ownership.
    let (matched, text) = reply("how much of the gov network got owned");
    assert!(matched, "{text}");
}

#[test]
fn an_event_answers_for_the_actors_it_involves() {
    // The attacks on Estonia involve Russia, and their summary only
    // compares Albania: they do not say what Russia said of Albania.
    let (_, text) = reply("what did russia say about the albania cyber attack");
    assert!(!text.contains("Bronze Soldier"), "{text}");
    // A yes/no question may be answered by an event that blames no one.
    let (matched, text) = reply("was iran behind the tims database copy in august 2023?");
    assert!(matched && text.contains("2023"), "{text}");
}

#[test]
fn an_acronym_the_knowledge_never_uses_is_an_unknown_name() {
    assert_declined(&["how much gas does iran produce per year in bcm"]);
    let (matched, text) = reply_sq("kush e hakoi sistemin e kqz ne shqiperi");
    assert!(!matched, "{text}");
    // Acronyms the knowledge uses still answer.
    let (matched, text) = reply("what does mek stand for");
    assert!(matched, "{text}");
}

#[test]
fn a_name_whose_own_text_knows_the_whole_question_answers_it() {
    // The answer listing the malware does not say where ZeroCleare was
    // used before; its own text does.
    let (matched, text) = reply("was zeroclear used before albania?");
    assert!(matched && text.contains("Middle East"), "{text}");
    let (matched, text) = reply_sq("ku ishte perdorur me pare wiper-i zeroclear");
    assert!(matched && text.contains("Lindjen e Mesme"), "{text}");
    // Not a country's long text, nor a count it may state of something
    // else.
    let (matched, text) = reply_sq("tung, sa anetare ka nato");
    assert!(!matched, "{text}");
}

#[test]
fn albanian_beginnings_are_one_word_in_the_lexicon() {
    // "filluan" asks what the event's title calls "nisin".
    let (matched, text) = reply_sq("kur filluan sulmet kibernetike ne estoni");
    assert!(matched && text.contains("2007"), "{text}");
}

#[test]
fn an_event_does_not_answer_how_or_why() {
    // The day the attackers got in has "reacted" in its summary; Iran's
    // reaction is its denial.
    let (matched, text) = reply_sq("si reagoi teherani??");
    assert!(matched && text.contains("mohon"), "{text}");
}

#[test]
fn a_name_offered_alone_answers_when_the_question_asks_nothing_else_of_it() {
    // Berisha's own text gives his first offer; before, a lone "did you
    // mean".
    let (matched, text) = reply("what did berisha offer originally");
    assert!(matched && text.contains("210"), "{text}");
    let (matched, text) = reply("what got hit in december 2023");
    assert!(matched && text.contains("Parliament"), "{text}");
    // A detail its text does not give, another name it never speaks of,
    // an office in a year it never names: still no answer.
    assert_declined(&[
        "was rama right to cut ties",
        "what did the albanian pm study at uni",
    ]);
    let (matched, text) = reply_sq("kush eshte bashkeshortja e kryeministrit rama");
    assert!(!matched, "{text}");
    let (matched, text) = reply_sq("kush ishte ministri i jashtem i shqiperise ne 2018");
    assert!(!matched, "{text}");
}

#[test]
fn a_date_asked_for_by_its_noun_is_a_when_question() {
    // Two events know "founding" and the MEK; the one whose title says it
    // answers.
    let (matched, text) = reply("exact founding date of the mek?");
    assert!(matched && text.contains("1965"), "{text}");
}

#[test]
fn the_one_holder_of_an_office_answers_who_holds_it() {
    let (matched, text) = reply("whos the pm");
    assert!(matched && text.contains("Edi Rama"), "{text}");
    let (matched, text) = reply_sq("kush eshte kryeministri");
    assert!(matched && text.contains("Edi Rama"), "{text}");
    // Not another country's, which the story does not know.
    assert_declined(&["who is the greek foreign minister"]);
}

#[test]
fn another_countrys_adjective_is_not_corrected_into_a_known_one() {
    // "italiane" is two edits from "iraniane"; "Koresë" is Korea's.
    for q in [
        "ku ndodhet ambasada italiane ne tirane",
        "cfare sanksionesh ka shba ndaj korese se veriut",
    ] {
        let (matched, text) = reply_sq(q);
        assert!(!matched, "{q}: {text}");
    }
    // A form of a country the story knows still is.
    let (matched, text) = reply_sq("pse e krahasojn shqiperin me estonin");
    assert!(matched, "{text}");
}
