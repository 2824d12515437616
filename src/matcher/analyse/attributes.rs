//! The attributes a question asks about ("how old", "born", "population",
//! an office's holder, a figure, a date), which a candidate that never
//! speaks of them cannot answer.

use super::{English, Lang, QuestionKind, counts::idiom_words};

/// The attribute words of a question ("how old", "born", "population").
pub(super) fn attributes(lang: Lang, words: &[String], kind: QuestionKind) -> Vec<String> {
    let mut out: Vec<String> = words
        .iter()
        .filter(|w| lang.attributes().contains(&w.as_str()))
        .cloned()
        .collect();
    // "how old": "old" is an attribute only after "how".
    if words.windows(2).any(|p| p[0] == "how" && p[1] == "old") {
        out.push("old".to_string());
    }
    // "How much did Albania pay Mandiant": a price, where "did Iran pay
    // the hackers" asks about funding, which the sources do give.
    if kind == QuestionKind::HowMany
        && let Some(w) = words
            .iter()
            .find(|w| matches!(w.as_str(), "pay" | "paid" | "pays"))
    {
        out.push(w.clone());
    }
    // The same in Albanian: "sa i pagoi Shqipëria Mandiant-it", not "Rama
    // tha që Irani i pagoi grupet". And "banorë" are a place's population
    // only as "sa banorë ka …"; "sa banorë përfunduan në spital" counts
    // a camp's residents, which the sources give.
    let albanian_pay = |w: &str| w.starts_with("pagu") || w == "pagoi";
    let has_verb = words
        .iter()
        .any(|w| matches!(w.as_str(), "ka" | "kane" | "jetojne" | "numeron"));
    let how_much = kind == QuestionKind::HowMany || words.iter().any(|w| w == "sa");
    out.retain(|w| (how_much || !albanian_pay(w)) && (has_verb || !w.starts_with("banor")));
    let idiom = idiom_words(words);
    out.retain(|w| !idiom.contains(&w.as_str()));
    if words.windows(2).any(|p| p[0] == "right" && p[1] == "now") {
        out.push("now".to_string());
    }
    if words.windows(2).any(|p| p[0] == "these" && p[1] == "days") {
        out.push("now".to_string());
    }
    // "Where did Adrienne Watson study": an education; not "the study
    // found", which a report may be.
    if matches!(kind, QuestionKind::Where | QuestionKind::When)
        && words.iter().any(|w| w == "study")
    {
        out.push("study".to_string());
    }
    // "Who is it owned by": an owner; not "the network got owned" (hacked).
    if words.windows(2).any(|p| p[0] == "owned" && p[1] == "by") {
        out.push("owner".to_string());
    }
    // "The real names of the hackers", "emrat e vërtetë": identities.
    if words.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            ("real", "name" | "names") | ("emrat" | "emri", "e" | "i")
        )
    }) && words
        .iter()
        .any(|w| matches!(w.as_str(), "real" | "vertete" | "vertet"))
    {
        out.push("real names".to_string());
    }
    // "Where did X grow up": an upbringing.
    if words
        .windows(2)
        .any(|p| matches!(p[0].as_str(), "grow" | "grew" | "grown") && p[1] == "up")
    {
        out.push("hometown".to_string());
    }
    super::stance::stance(words, &mut out);
    // "Who is … now", "what is X doing now": the present, which dated
    // sources never give. Any question that ends on it; a "who" question
    // anywhere ("who is the current …").
    let today = ["now", "today", "current", "currently", "nowadays"];
    // Not "bye for now", nor "is the MEK still in Albania now" (the
    // sources' latest answers it).
    let for_now = words.len() >= 2 && words[words.len() - 2] == "for";
    let ends_today = !for_now
        && kind != QuestionKind::YesNo
        && words
            .last()
            .is_some_and(|w| today.contains(&w.as_str()) && w != "current");
    if (kind == QuestionKind::Who || ends_today)
        && let Some(w) = words.iter().find(|w| today.contains(&w.as_str()))
        && !out.contains(w)
    {
        out.push(w.clone());
    }
    // "Is Xhaçka still the foreign minister", "a është ende ministre":
    // whether someone holds an office today. Not "is the MEK still in
    // Albania", which the sources' latest answers.
    let still = words
        .iter()
        .any(|w| matches!(w.as_str(), "still" | "ende" | "akoma"));
    let office_word = |w: &String| {
        lang.offices().contains(&w.as_str()) || matches!(w.as_str(), "minister" | "ministre" | "pm")
    };
    if still && words.iter().any(office_word) && !out.iter().any(|w| w == "now") {
        out.push("now".to_string());
    }
    // "When did Albania join NATO", "kur u bë Shqipëria anëtare e NATO-s":
    // a membership, which the story's sources take as given. Only of an
    // alliance or a union, not "did the UK join the condemnation"; and as
    // a verb, not "Albania's NATO membership", which they speak of.
    let union = |w: &String| {
        matches!(
            w.as_str(),
            "nato" | "eu" | "un" | "otan" | "oku" | "alliance" | "aleance" | "bashkimi"
        )
    };
    // "Join the EU", not "join the EU statement": the union ends the
    // phrase.
    let joins_union = |i: usize| {
        (i + 1..(i + 3).min(words.len())).any(|j| {
            union(&words[j])
                && words.get(j + 1).is_none_or(|n| {
                    matches!(
                        n.as_str(),
                        "in" | "and" | "when" | "as" | "before" | "after"
                    ) || English::is_year(n)
                })
        })
    };
    let joins = words.iter().enumerate().any(|(i, w)| {
        (matches!(w.as_str(), "join" | "joined" | "joins" | "joining") && joins_union(i))
            || w.starts_with("anetaresu")
            || w.starts_with("anetaresoh")
    }) || words.windows(3).any(|w| {
        matches!(
            (w[0].as_str(), w[1].as_str(), w[2].as_str()),
            ("became" | "become", "a" | "an", "member") | ("member", "since", _)
        )
    }) || (0..words.len()).any(|i| {
        // "u bë (Shqipëria) anëtare": the subject may stand between.
        words[i] == "u"
            && words
                .get(i + 1)
                .is_some_and(|w| matches!(w.as_str(), "be" | "bere" | "bo" | "bone"))
            && words[i + 2..(i + 5).min(words.len())]
                .iter()
                .any(|w| matches!(w.as_str(), "anetare" | "anetar" | "pjese"))
    }) || words
        .windows(2)
        .any(|w| matches!((w[0].as_str(), w[1].as_str()), ("hyri" | "hyn", "ne")));
    // (Not Albanian's "BE", the EU, which is also "bë", did.)
    if joins && words.iter().any(union) {
        out.push(English::MEMBERSHIP.to_string());
    }
    // "Who is the head of …": the holder of an office. Not Albanian's verb
    // "kreu" (carried out: "kush e kreu sulmin"), which the office's noun
    // "kreu i …" (the head of) spells alike.
    let verb_kreu = |i: usize| {
        words[i] == "kreu"
            && (i
                .checked_sub(1)
                .is_some_and(|p| matches!(words[p].as_str(), "e" | "i" | "u" | "ta"))
                || words
                    .get(i + 1)
                    .is_some_and(|n| !matches!(n.as_str(), "i" | "e" | "te" | "se")))
    };
    if kind == QuestionKind::Who
        && let Some(office) = words
            .iter()
            .enumerate()
            .find(|&(i, w)| lang.offices().contains(&w.as_str()) && !verb_kreu(i))
            .map(|(_, w)| w)
        && !out.contains(office)
    {
        out.push(office.clone());
    }
    // "How many", "how much": a figure. Not "how long" or "how far",
    // which a date or a place answers as well as a number.
    let counted = ["many", "much"];
    let albanian_count = |p: &[String]| {
        // "sa", but not "sa kohë", "sa zgjati" (how long), "sa larg" (how
        // far) or "sa i/e sigurt" (how sure: "sa" and an adjective).
        p[0] == "sa"
            && !matches!(
                p[1].as_str(),
                "kohe"
                    | "zgjati"
                    | "zgjat"
                    | "zgjasin"
                    | "zgjaten"
                    | "vazhdoi"
                    | "vazhduan"
                    | "larg"
                    | "gjate"
                    | "shpejt"
                    | "i"
                    | "e"
                    | "te"
                    | "me"
            )
    };
    let asks_count = match lang {
        Lang::En => words
            .windows(2)
            .any(|p| p[0] == "how" && counted.contains(&p[1].as_str())),
        Lang::Sq => words.windows(2).any(albanian_count) || words.last().is_some_and(|w| w == "sa"),
    };
    if asks_count {
        out.push(English::QUANTITY.to_string());
    }
    // "Since when" is answered by a decade too ("since the 1990s", "që nga
    // vitet 1990"), which is no date: "when did Albania join NATO" is not.
    let since_when = words.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            ("since" | "qe" | "prej", "when" | "kur")
        )
    });
    if kind == QuestionKind::When && !since_when {
        out.push(English::DATE.to_string());
    }
    out
}
