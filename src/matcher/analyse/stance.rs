//! Questions a news story cannot answer by their nature: advice for the
//! reader ("how do I …"), opinions, judgements and predictions.

use super::English;

/// The stance a question asks for that the sources cannot give: advice
/// (`English::ADVICE`) or an opinion (`English::OPINION`), each at most once.
pub(super) fn stance(words: &[String], out: &mut Vec<String>) {
    // "How do I get a permit": advice for the reader, which a news story
    // does not give (questions about the bot itself are small talk).
    let advice = [
        ["how", "do", "i"],
        ["how", "can", "i"],
        ["where", "can", "i"],
    ];
    let about_bot = [
        "you",
        "bot",
        "this",
        "ask",
        "use",
        "commands",
        "subscribe",
        "ty",
        "botin",
        "perdor",
        "abonohem",
    ];
    let should_i = words
        .windows(2)
        .any(|p| p[0] == "should" && matches!(p[1].as_str(), "i" | "we"));
    // "Si ta mbroj kompjuterin": "how do I", in Albanian's subjunctive.
    let si_ta = words
        .windows(2)
        .any(|p| p[0] == "si" && matches!(p[1].as_str(), "ta" | "te"));
    if (should_i || si_ta || words.windows(3).any(|w| advice.iter().any(|a| w == a)))
        && !words.iter().any(|w| about_bot.contains(&w.as_str()))
    {
        out.push(English::ADVICE.to_string());
    }
    // "Your prediction", "what do you think": an opinion, which a curated
    // bot does not give.
    let opinion_words = [
        "prediction",
        "predict",
        "opinion",
        "forecast",
        "guess",
        "speculate",
        "mendimi",
        "mendimin",
        "mendoni",
        "parashikim",
        "parashikimi",
        "parashikon",
    ];
    let asks_view = words.windows(3).any(|w| {
        w[0] == "do" && w[1] == "you" && matches!(w[2].as_str(), "think" | "reckon" | "believe")
    }) || words.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            ("be", "honest")
                | ("your", "view" | "take" | "thoughts" | "opinion")
                | ("sipas", "teje" | "jush")
                | ("mendon", "ti")
        )
    });
    // "Will Iran attack again", "a do të rikthehet": the future, which the
    // sources cannot know ("will the sanctions hurt" asks what they say).
    let future_words = [
        "again",
        "ever",
        "next",
        "future",
        "soon",
        "someday",
        "restore",
        "resume",
        "revive",
        "perseri",
        "prape",
        "prap",
        "ndonjehere",
        "ardhmen",
        "shpejti",
        "tjeter",
        "rikthehet",
        "kthehet",
        "rivendos",
    ];
    // "Is the deal going to be revived", "gonna": the future too.
    let future = matches!(words.first().map(String::as_str), Some("will" | "would"))
        || words.iter().any(|w| w == "gonna")
        || words
            .windows(2)
            .any(|p| (p[0] == "a" && p[1] == "do") || (p[0] == "going" && p[1] == "to"));
    // Long words as stems ("rivendosë", "restored"), short ones whole.
    let predicts = future
        && words.iter().any(|w| {
            future_words
                .iter()
                .any(|f| w == f || (f.len() >= 6 && w.starts_with(f)))
        });
    // "Should Albania have taken in the MEK": a judgement ("should I" is
    // advice, above).
    let judges = words.first().is_some_and(|w| w == "should")
        && !words
            .get(1)
            .is_some_and(|w| matches!(w.as_str(), "i" | "we"))
        // "A bëri mirë Shqipëria": the same in Albanian ("duhej të" is
        // also "had to", a fact).
        || words.windows(2).any(|p| {
            matches!(
                (p[0].as_str(), p[1].as_str()),
                ("beri" | "ben" | "bene", "mire")
                    | ("right" | "wrong", "thing")
                    | ("good" | "bad", "idea")
            )
        })
        // "Was Rama right to cut ties", "was it a mistake", "is it
        // justified".
        || (matches!(words.first().map(String::as_str), Some("was" | "were" | "is" | "are"))
            && (words.windows(2).any(|p| {
                matches!(p[0].as_str(), "right" | "wrong") && p[1] == "to"
            }) || words
                .iter()
                .any(|w| matches!(w.as_str(), "mistake" | "justified" | "overreaction"))));
    // "When will …", "kur do (të) arrihet": a date yet to come; not "kur
    // do mbahej", a past plan (the verb in the imperfect).
    // ("jetë", "be", is the subjunctive.)
    let imperfect =
        |w: &str| w != "jete" && ["ej", "shin", "te", "nin"].iter().any(|e| w.ends_with(e));
    // "Sulmi i radhës", the next attack.
    let next = |w: &String| {
        matches!(
            w.as_str(),
            "next" | "upcoming" | "ardhshem" | "ardhshme" | "radhes"
        )
    };
    let future_when = words.windows(2).any(|p| p[0] == "when" && p[1] == "will")
        || (words.iter().any(|w| w == "when" || w == "kur") && words.iter().any(next))
        || (0..words.len()).any(|i| {
            let at = |k: usize| words.get(i + k).map(String::as_str);
            let verb = if at(2) == Some("te") { at(3) } else { at(2) };
            at(0) == Some("kur") && at(1) == Some("do") && verb.is_none_or(|v| !imperfect(v))
        });
    if asks_view
        || predicts
        || future_when
        || judges
        || words.iter().any(|w| opinion_words.contains(&w.as_str()))
    {
        out.push(English::OPINION.to_string());
    }
}
