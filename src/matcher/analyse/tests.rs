use super::*;

fn words(s: &str) -> Vec<String> {
    crate::text::fold(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn greetings_and_fillers_in_front_are_discourse() {
    let cases = [
        ("hi, who hacked albania", 1),
        ("hello sorry if this is dumb but what is the mek", 7),
        ("good evening! quick one: which firm did albania hire", 4),
        ("who hacked albania", 0),
        ("hi", 1),
        ("ok so thanks, why did albania cut ties", 3),
        // An apology for the question, closed by "but".
        ("sorry if dumb but what is akshi", 4),
        ("prob a silly q but when was the attack", 5),
        ("if the attack was basic but effective who did it", 0),
    ];
    for (q, lead) in cases {
        assert_eq!(analyse(Lang::En, &words(q)).lead, lead, "{q}");
    }
    let apology = "më fal nëse është pyetje e thjeshtë, por kush e bëri sulmin";
    assert_eq!(analyse(Lang::Sq, &words(apology)).lead, 8);
    let thanks = analyse(Lang::En, &words("thanks!"));
    assert!(thanks.only_discourse(1));
    // A form of address is politeness too, in either language.
    assert!(analyse(Lang::En, &words("thanks a lot mate")).only_discourse(4));
    assert!(analyse(Lang::Sq, &words("ok flm, rrofsh vlla")).only_discourse(4));
    assert!(analyse(Lang::En, &words("ok cool thanks")).only_discourse(3));
    let addressed = analyse(Lang::En, &words("when was the attack mate"));
    assert_eq!((addressed.tail, addressed.only_discourse(5)), (1, false));
    let polite = analyse(Lang::En, &words("when was the attack please"));
    assert_eq!((polite.tail, polite.only_discourse(5)), (1, false));
    // The story itself may close a question, with politeness after it.
    let story = analyse(Lang::En, &words("whats the gas angle in all this thx"));
    assert_eq!(story.tail, 4);
    let sq = analyse(
        Lang::Sq,
        &words("cfare roli ka gazi ne gjithe kete histori"),
    );
    assert_eq!(sq.tail, 4);
    // Not when the phrase is the whole message.
    assert_eq!(analyse(Lang::En, &words("in all this")).tail, 0);
}

#[test]
fn the_question_word_gives_the_kind() {
    use QuestionKind::*;
    let cases = [
        ("who hacked albania", Who),
        ("hi when did it happen", When),
        ("what date was the break", When),
        ("since when has chimneysweep been around", When),
        ("where is the camp", Where),
        ("why did albania cut ties", Why),
        ("how come they left", Why),
        ("how did they get in", How),
        ("how many groups were involved", HowMany),
        ("how long were they inside", HowMany),
        ("did iran admit it", YesNo),
        ("is the mek still in albania", YesNo),
        ("what is the mek", What),
        ("albania's top diplomat - who is that", Who),
        ("jcpoa", What),
    ];
    for (q, kind) in cases {
        assert_eq!(analyse(Lang::En, &words(q)).kind, kind, "{q}");
    }
}

#[test]
fn predictions_are_opinions_but_what_the_sources_say_is_not() {
    let attrs = |q: &str| analyse(Lang::En, &words(q)).attributes;
    assert_eq!(attrs("will iran attack albania again"), [English::OPINION]);
    assert_eq!(
        attrs("will the two countries ever restore ties"),
        [English::OPINION]
    );
    assert!(attrs("will the sanctions hurt iran").is_empty());
    let sq = analyse(Lang::Sq, &words("a do ta sulmoje irani perseri shqiperine"));
    assert_eq!(sq.attributes, [English::OPINION]);
    let sq = analyse(Lang::Sq, &words("kur do te jete sulmi i radhes"));
    assert!(sq.attributes.contains(&English::OPINION.to_string()));
    // An inflected verb of the future ("rivendosë"), and views asked for.
    let sq = |q: &str| analyse(Lang::Sq, &words(q)).attributes;
    assert_eq!(
        sq("a do i rivendose shqiperia marredheniet"),
        [English::OPINION]
    );
    assert_eq!(sq("sipas teje kush fitoi"), [English::OPINION]);
    assert_eq!(
        sq("a beri mire shqiperia qe i preu lidhjet"),
        [English::OPINION]
    );
    assert_eq!(sq("si ta mbroj kompjuterin"), [English::ADVICE]);
    assert!(sq("si hyne hakerat ne rrjet").is_empty());
    assert_eq!(attrs("is the mek a cult be honest"), [English::OPINION]);
    assert_eq!(
        attrs("should albania have taken in the mek"),
        [English::OPINION]
    );
    // The present, which dated sources never give; not "bye for now".
    assert_eq!(attrs("what is josep borrell doing now"), ["now"]);
    assert!(attrs("ok bye for now").is_empty());
    assert!(attrs("honestly who did it").is_empty());
}

#[test]
fn counts_and_years_are_found() {
    let a = analyse(
        Lang::En,
        &words("how many members did the mek have in 1979"),
    );
    assert_eq!(a.attributes, [English::QUANTITY]);
    assert_eq!(a.counted, ["members"]);
    assert_eq!(a.years, ["1979"]);
    // What is counted: the phrase after "how many", but not people in
    // general, whom answers count by many names.
    let police = analyse(Lang::En, &words("how many police hurt in the raid"));
    assert_eq!(police.attributes, [English::QUANTITY]);
    assert_eq!(police.counted, ["police", "hurt"]);
    let people = analyse(
        Lang::En,
        &words("how many people did berisha offer to take"),
    );
    assert_eq!(people.attributes, [English::QUANTITY]);
    assert!(people.counted.is_empty());
    // Albanian: the phrase after every "sa" that counts, not "sa kohë",
    // an adjective or a verb after it.
    let counted = |q: &str| analyse(Lang::Sq, &words(q)).counted;
    assert_eq!(
        counted("sa diplomate iraniane punonin"),
        ["diplomate", "iraniane", "punonin"]
    );
    assert_eq!(
        counted("sa diplomate u larguan, sa ore"),
        ["diplomate", "ore"]
    );
    assert!(counted("sa zgjati operacioni").is_empty());
    assert!(counted("sa i rende ishte sulmi").is_empty());
    assert!(counted("sa vete ofroi berisha").is_empty());
    assert_eq!(
        analyse(Lang::En, &words("how much ransom did they ask")).attributes,
        [English::QUANTITY]
    );
    // A duration or a distance is not a count.
    assert!(
        analyse(Lang::En, &words("how long were they inside"))
            .attributes
            .is_empty()
    );
    assert!(
        analyse(Lang::En, &words("what happened on 15 july"))
            .years
            .is_empty()
    );
}

#[test]
fn an_office_holder_is_asked_for_only_by_who_is_or_a_name() {
    let office = |lang, q: &str| analyse(lang, &words(q)).office;
    let asked = |word: &str, modifier: Option<&str>| {
        Some(Office {
            word: word.to_string(),
            modifier: modifier.map(str::to_string),
        })
    };
    assert_eq!(
        office(Lang::En, "who was iran foreign minister in 2022"),
        asked("minister", Some("foreign"))
    );
    assert_eq!(
        office(Lang::En, "what is the name of iran president"),
        asked("president", None)
    );
    assert_eq!(
        office(Lang::Sq, "kush eshte ministri i jashtem i iranit"),
        asked("ministri", Some("jashtem"))
    );
    // What an office holder did is not who holds it.
    assert_eq!(
        office(Lang::En, "who did estonia foreign minister blame"),
        None
    );
    assert_eq!(office(Lang::En, "what did the president say"), None);
}

#[test]
fn still_holding_an_office_asks_about_today() {
    let en = |q: &str| analyse(Lang::En, &words(q)).attributes;
    assert!(en("is xhacka still the foreign minister").contains(&"now".to_string()));
    assert!(en("is the mek still in albania").is_empty());
    let sq = |q: &str| analyse(Lang::Sq, &words(q)).attributes;
    assert!(sq("a eshte rama ende kryeministri").contains(&"now".to_string()));
}

#[test]
fn since_when_asks_no_date_when_does() {
    let en = |q: &str| analyse(Lang::En, &words(q)).attributes;
    let sq = |q: &str| analyse(Lang::Sq, &words(q)).attributes;
    assert_eq!(
        en("when did albania join nato"),
        [English::MEMBERSHIP, English::DATE]
    );
    assert_eq!(
        sq("ne cilin vit u be shqiperia anetare e nato-s"),
        [English::MEMBERSHIP, English::DATE]
    );
    // Joining a condemnation, or a statement, is no membership.
    assert!(en("did the uk join the us in blaming iran").is_empty());
    assert!(en("did norway join the eu statement").is_empty());
    assert!(en("since when is albania a us ally").is_empty());
    assert_eq!(
        sq("kur u anetaresua shqiperia ne nato"),
        [English::MEMBERSHIP, English::DATE]
    );
    assert!(sq("qe kur eshte shqiperia aleate e shba").is_empty());
    // A decade is no date, in either language.
    assert!(!Lang::states_date("që nga vitet 1990"));
    assert!(!Lang::states_date("since the 1990s"));
    assert!(Lang::states_date("në vitin 1990"));
}

#[test]
fn paying_is_a_price_only_in_a_how_much_question() {
    let attributes = |q: &str| analyse(Lang::En, &words(q)).attributes;
    assert!(attributes("how much did albania pay mandiant").contains(&"pay".to_string()));
    assert!(attributes("did iran pay the hackers").is_empty());
    let sq = |q: &str| analyse(Lang::Sq, &words(q)).attributes;
    assert!(sq("sa e pagoi shqiperia microsoftin").contains(&"pagoi".to_string()));
    assert!(sq("rama tha qe irani i pagoi grupet").is_empty());
    // Residents are a population only when a place "has" them.
    assert!(sq("sa banore ka shqiperia").contains(&"banore".to_string()));
    let residents = sq("sa banore te kampit perfunduan ne spital");
    assert!(
        !residents.iter().any(|w| w.starts_with("banor")),
        "{residents:?}"
    );
    assert_eq!(
        attributes("where did jake sullivan go to college"),
        ["college"]
    );
    assert!(attributes("what price is albania paying").is_empty());
    assert!(
        analyse(Lang::Sq, &words("pse po paguan shqiperia cmimin"))
            .attributes
            .is_empty()
    );
    assert_eq!(
        attributes("when was olta xhacka appointed"),
        ["appointed", English::DATE]
    );
}

#[test]
fn attributes_are_found() {
    assert_eq!(
        analyse(Lang::En, &words("how old is edi rama")).attributes,
        ["old"]
    );
    assert_eq!(
        analyse(Lang::En, &words("where was olta xhacka born")).attributes,
        ["born"]
    );
    assert!(
        analyse(Lang::En, &words("how did they get in"))
            .attributes
            .is_empty()
    );
    assert_eq!(
        analyse(Lang::En, &words("who is irans president now")).attributes,
        ["now", "president"]
    );
    assert_eq!(
        analyse(Lang::En, &words("who is the head of the uk ncsc")).attributes,
        ["head"]
    );
    // Albanian's "kreu": the head in "kush është kreu i AKSHI-t", the
    // verb (carried out) in "kush e kreu sulmin".
    assert_eq!(
        analyse(Lang::Sq, &words("kush është kreu i akshi")).attributes,
        ["kreu"]
    );
    for q in ["kush e kreu sulmin", "kush kreu sulmin kibernetik"] {
        assert!(analyse(Lang::Sq, &words(q)).attributes.is_empty(), "{q}");
    }
    // An office outside a "who" question is a plain word.
    assert!(
        analyse(Lang::En, &words("what did the president say"))
            .attributes
            .is_empty()
    );
    assert!(
        analyse(Lang::En, &words("is the mek still in albania now"))
            .attributes
            .is_empty()
    );
    assert_eq!(
        analyse(Lang::En, &words("gas price in europe right now")).attributes,
        ["price", "now"]
    );
}

#[test]
fn acronym_questions_are_seen() {
    for q in [
        "what does MEK stand for",
        "full name of jcpoa",
        "ofac is short for?",
    ] {
        assert!(analyse(Lang::En, &words(q)).expansion, "{q}");
    }
    assert!(!analyse(Lang::En, &words("what is the mek")).expansion);
}

#[test]
fn two_questions_in_one_are_split() {
    let split = |q: &str| split_question(Lang::En, q).map(|(a, b)| format!("{a} | {b}"));
    // A remark after the question mark is not a second question.
    assert_eq!(
        split("when was the attack and when did ties end? both dates pls").as_deref(),
        Some("when was the attack | when did ties end")
    );
    assert_eq!(split("who hacked albania? tell me pls"), None);
    assert_eq!(
        split("what is the mek and who leads it").as_deref(),
        Some("what is the mek | who leads it")
    );
    assert_eq!(
        split("when was the attack? who did it?").as_deref(),
        Some("when was the attack | who did it")
    );
    assert_eq!(
        split("who is esmail khatib and why was he sanctioned").as_deref(),
        Some("who is esmail khatib | why was he sanctioned")
    );
    assert_eq!(split("how did the us and the uk react"), None);
    assert_eq!(split("what did mandiant and microsoft find"), None);
    assert_eq!(split("who hacked albania?"), None);
    // A subject before a comma is not a question of its own.
    assert_eq!(
        split("the exiled iranian group in albania, how many members"),
        None
    );
    assert_eq!(
        split("when was the attack, who did it").as_deref(),
        Some("when was the attack | who did it")
    );
}

#[test]
fn kinds_round_trip_through_their_names() {
    for kind in [
        QuestionKind::HowMany,
        QuestionKind::YesNo,
        QuestionKind::Who,
    ] {
        assert_eq!(QuestionKind::from_name(kind.name()), Some(kind));
    }
    assert_eq!(QuestionKind::from_name("whom"), None);
}
