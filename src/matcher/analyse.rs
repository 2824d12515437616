//! Stage 2, analyse: what the question is, beside its words — the
//! greetings and fillers around it, the kind of answer it asks for, and the
//! attributes (an age, a population, a price) it asks about.

use super::lang::{Albanian, English, Lang};

/// What the later stages know of the question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// How many leading words are greetings, politeness or fillers ("hi",
    /// "hello sorry if this is dumb but", "good evening quick one").
    pub lead: usize,
    /// How many trailing words are politeness ("please", "thanks").
    pub tail: usize,
    /// The kind of answer asked for, from the question words.
    pub kind: QuestionKind,
    /// Attribute words asked about ("old", "born", "population"), folded,
    /// and `English::QUANTITY` for "how many" and "how much".
    pub attributes: Vec<String>,
    /// What a "how many" question counts (`counted_nouns`); once matched,
    /// their count markers (`Index::count_marker`). A candidate whose
    /// figures count none of them does not answer it.
    pub counted: Vec<String>,
    /// The years the question names ("in 1979"): a candidate that never
    /// mentions one speaks of another time.
    pub years: Vec<String>,
    /// The months it names, as `Lang::month_markers` gives them ("in september"):
    /// likewise.
    pub months: Vec<String>,
    /// The question asks what an acronym stands for ("what does MEK stand
    /// for", "full name of JCPOA").
    pub expansion: bool,
    /// The office whose holder the question asks for ("who is Iran's
    /// foreign minister", "name of Estonia's president").
    pub office: Option<Office>,
}

/// An office asked about: its word and the word that narrows it
/// ("foreign" minister, ministri i "jashtem").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    pub word: String,
    pub modifier: Option<String>,
}

impl Analysis {
    /// True when nothing but greetings and politeness is left: small talk.
    pub fn only_discourse(&self, words: usize) -> bool {
        self.lead + self.tail >= words
    }
}

/// The kind of answer a question asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuestionKind {
    Who,
    When,
    Where,
    Why,
    How,
    /// How many, how much, how long: a number or an amount.
    HowMany,
    /// Is, did, was … : answered by the explanation of the matter.
    YesNo,
    /// What is, which, tell me about, or no question word: any answer.
    #[default]
    What,
}

impl QuestionKind {
    /// The kind's name in intent files (`kinds = ["when"]`).
    pub fn name(self) -> &'static str {
        match self {
            QuestionKind::Who => "who",
            QuestionKind::When => "when",
            QuestionKind::Where => "where",
            QuestionKind::Why => "why",
            QuestionKind::How => "how",
            QuestionKind::HowMany => "how many",
            QuestionKind::YesNo => "yes/no",
            QuestionKind::What => "what",
        }
    }

    /// The kind an intent file names.
    pub fn from_name(name: &str) -> Option<QuestionKind> {
        [
            QuestionKind::Who,
            QuestionKind::When,
            QuestionKind::Where,
            QuestionKind::Why,
            QuestionKind::How,
            QuestionKind::HowMany,
            QuestionKind::YesNo,
            QuestionKind::What,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// Whether a question of this kind is one whose answer must be of the
    /// same kind: "what" and yes/no questions take any answer about their
    /// subject.
    pub fn is_specific(self) -> bool {
        !matches!(self, QuestionKind::What | QuestionKind::YesNo)
    }
}

/// A question made of two ("what is the MEK and who leads it", "when was
/// it? who did it?"): the two parts, each of two words or more. The split
/// is at a question mark inside the text, or at "and", "also" or a comma
/// followed by a question word.
pub fn split_question(lang: Lang, question: &str) -> Option<(String, String)> {
    let text = question.trim().trim_end_matches(['?', '!', '.', ' ']);
    let parts = |at: usize, skip: usize| {
        let (a, b) = (text[..at].trim(), text[at + skip..].trim());
        let long = |s: &str| s.split_whitespace().count() >= 2;
        // "hey bot, did …": a greeting in front is not a question.
        let words: Vec<String> = crate::text::fold(a)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let greeting = lead_len(lang, &words) >= words.len();
        (long(a) && long(b) && !greeting).then(|| (a.to_string(), b.to_string()))
    };
    if let Some(at) = text.find('?') {
        // A remark after the question mark ("both dates", "pls"): the
        // question, maybe two in one, is before it.
        let rest = crate::text::fold(&text[at + 1..]);
        let asks = rest
            .split(' ')
            .any(|w| lang.split_words().contains(&w) || lang.is_question_word(w));
        if asks {
            return parts(at, 1);
        }
        return split_question(lang, &text[..at]);
    }
    let lower = text.to_lowercase();
    let joints: &[&str] = match lang {
        Lang::En => &[" and ", ", and ", " also ", ", "],
        Lang::Sq => &[" dhe ", ", dhe ", " edhe ", ", "],
    };
    for joint in joints {
        let mut from = 0;
        while let Some(found) = lower[from..].find(joint) {
            let at = from + found;
            let next = lower[at + joint.len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            // "the exiled group in albania, how many members": a phrase
            // before a comma that asks nothing is the subject of what
            // follows, not a question of its own.
            let asks = || {
                crate::text::fold(&text[..at]).split(' ').any(|w| {
                    lang.split_words().contains(&w)
                        || lang.is_question_word(w)
                        || lang.auxiliaries().contains(&w)
                })
            };
            if lang.split_words().contains(&next) && (*joint != ", " || asks()) {
                return parts(at, joint.len());
            }
            from = at + joint.len();
        }
    }
    None
}

/// Analyses the folded words of a question.
pub fn analyse(lang: Lang, words: &[String]) -> Analysis {
    let lead = lead_len(lang, words);
    let tail = if lead >= words.len() {
        0
    } else {
        tail_len(lang, &words[lead..])
    };
    let body = &words[lead..words.len() - tail];
    let kind = kind_of(lang, body);
    Analysis {
        lead,
        tail,
        kind,
        attributes: attributes(lang, body, kind),
        counted: counted_nouns(lang, body),
        years: body
            .iter()
            .filter(|w| English::is_year(w))
            .cloned()
            .collect(),
        months: Lang::month_markers(&body.join(" ")),
        expansion: lang.expansion().iter().any(|p| {
            body.windows(p.len())
                .any(|w| w.iter().zip(*p).all(|(a, b)| a == b))
        }),
        office: office_asked(lang, body, kind),
    }
}

/// The office whose holder a question asks for: an office word in "who
/// is / was …" (not "who did Estonia's foreign minister blame"), or with
/// "name" ("what is the name of Iran's president", "albania fm name?").
fn office_asked(lang: Lang, body: &[String], kind: QuestionKind) -> Option<Office> {
    let at = body
        .iter()
        .position(|w| lang.offices().contains(&w.as_str()))?;
    let named = ["name", "names", "emri", "emrin", "quhet", "quhej"];
    let copulas = [
        "is", "was", "s", "are", "were", "became", "eshte", "ishte", "jane", "ishin", "u", "behet",
    ];
    let who_is = kind == QuestionKind::Who
        && body
            .iter()
            .position(|w| matches!(w.as_str(), "who" | "whos" | "kush"))
            .and_then(|q| body.get(q + 1))
            .is_some_and(|w| w == "whos" || copulas.contains(&w.as_str()))
        || body.first().is_some_and(|w| w == "whos");
    if !who_is && !body.iter().any(|w| named.contains(&w.as_str())) {
        return None;
    }
    let modifier = match lang {
        Lang::En => at
            .checked_sub(1)
            .map(|i| &body[i])
            .filter(|w| English::OFFICE_MODIFIERS.contains(&w.as_str())),
        Lang::Sq => body
            .get(at + 1)
            .filter(|w| matches!(w.as_str(), "i" | "e"))
            .and_then(|_| body.get(at + 2))
            .filter(|w| Albanian::OFFICE_MODIFIERS.contains(&w.as_str())),
    };
    Some(Office {
        word: body[at].clone(),
        modifier: modifier.cloned(),
    })
}

/// The length of the leading run of discourse phrases, longest phrase
/// first at each step, and of apologies for the question closed by "but".
fn lead_len(lang: Lang, words: &[String]) -> usize {
    let mut at = 0;
    'outer: while at < words.len() {
        for phrase in lang.discourse() {
            let n = phrase.len();
            if words.len() >= at + n && words[at..at + n].iter().zip(*phrase).all(|(w, p)| w == p) {
                at += n;
                continue 'outer;
            }
        }
        if let Some(n) = apology_len(lang, &words[at..]) {
            at += n;
            continue;
        }
        break;
    }
    at
}

/// The length of an apology for the question that opens `words` and ends
/// in "but" ("if dumb but", "prob a silly q but"), "but" included, if
/// there is one: a few words, all of an apology's, one of them making it
/// one, and a question after it.
fn apology_len(lang: Lang, words: &[String]) -> Option<usize> {
    const LONGEST: usize = 8;
    let (allowed, markers, end) = lang.apology();
    let close = words.iter().take(LONGEST + 1).position(|w| w == end)?;
    let clause = &words[..close];
    let is_apology = close > 0
        && close + 1 < words.len()
        && clause.iter().all(|w| allowed.contains(&w.as_str()))
        && clause.iter().any(|w| markers.contains(&w.as_str()));
    is_apology.then_some(close + 1)
}

/// The length of the trailing run of politeness words.
fn tail_len(lang: Lang, words: &[String]) -> usize {
    let mut end = words.len();
    loop {
        let before = &words[..end];
        let phrase = lang
            .trailing_phrases()
            .iter()
            .find(|p| {
                p.len() < before.len() && before[before.len() - p.len()..].iter().eq(p.iter())
            })
            .map(|p| p.len());
        match phrase {
            Some(len) => end -= len,
            None if end > 0 && lang.trailing().contains(&words[end - 1].as_str()) => end -= 1,
            None => return words.len() - end,
        }
    }
}

/// The kind of the question: its first question word decides; a question
/// that opens with an auxiliary ("did", "is") is a yes/no question.
fn kind_of(lang: Lang, words: &[String]) -> QuestionKind {
    if lang == Lang::Sq {
        return kind_of_albanian(words);
    }
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    if English::AUXILIARIES.contains(&w(0)) {
        return QuestionKind::YesNo;
    }
    for i in 0..words.len() {
        let next = w(i + 1);
        let kind = match w(i) {
            "who" | "whom" | "whose" | "whos" => QuestionKind::Who,
            "when" => QuestionKind::When,
            "where" | "wheres" => QuestionKind::Where,
            "why" => QuestionKind::Why,
            "how" if matches!(next, "many" | "much" | "long" | "big" | "large") => {
                QuestionKind::HowMany
            }
            "how" if next == "come" => QuestionKind::Why,
            "how" => QuestionKind::How,
            "what" | "which" | "whats" if English::TIME_NOUNS.contains(&next) => QuestionKind::When,
            "since" if next == "when" => QuestionKind::When,
            "what" | "which" | "whats" => QuestionKind::What,
            _ => continue,
        };
        return kind;
    }
    QuestionKind::What
}

/// The kind of an Albanian question: "kush" who, "kur" when, "ku" where,
/// "pse"/"përse" why, "si" how, "sa" how many (but "sa kohë" how long is
/// a figure too), "çfarë"/"cili" what (a time with "çfarë date", "cilin
/// vit"), and the particle "a" or a verb in front a yes/no question.
fn kind_of_albanian(words: &[String]) -> QuestionKind {
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    if Lang::Sq.auxiliaries().contains(&w(0)) {
        return QuestionKind::YesNo;
    }
    for i in 0..words.len() {
        let next = w(i + 1);
        let kind = match w(i) {
            "kush" | "ke" | "kujt" => QuestionKind::Who,
            "kur" => QuestionKind::When,
            "ku" => QuestionKind::Where,
            "pse" | "perse" => QuestionKind::Why,
            "si" if next == "u" || next == "e" || next == "ia" || next == "i" || next.len() > 2 => {
                QuestionKind::How
            }
            "sa" if matches!(next, "i" | "e" | "te" | "me") => QuestionKind::How,
            "sa" => QuestionKind::HowMany,
            "cfare" | "cka" | "cili" | "cila" | "cilin" | "cilen" | "cilet" | "cilat"
                if Lang::Sq.time_nouns().contains(&next) =>
            {
                QuestionKind::When
            }
            "cfare" | "cka" | "cili" | "cila" | "cilin" | "cilen" | "cilet" | "cilat" | "ciles" => {
                QuestionKind::What
            }
            _ => continue,
        };
        return kind;
    }
    QuestionKind::What
}

/// The words of a text that are part of the idiom "paying the price" (and
/// "po paguan çmimin"): they speak of no payment and no price, so neither
/// a question nor an answer using the idiom is about a figure.
pub(super) fn idiom_words(words: &[String]) -> Vec<&str> {
    let pay = |w: &str| {
        matches!(
            w,
            "pay"
                | "paid"
                | "pays"
                | "paying"
                | "pagua"
                | "paguan"
                | "paguar"
                | "pagoi"
                | "paguaj"
                | "paguhet"
                | "paguhen"
        )
    };
    let price = |w: &str| matches!(w, "price" | "prices" | "cmimi" | "cmimin" | "cmim");
    if !(words.iter().any(|w| pay(w)) && words.iter().any(|w| price(w))) {
        return Vec::new();
    }
    words
        .iter()
        .map(String::as_str)
        .filter(|w| pay(w) || price(w))
        .collect()
}

/// What a "how many" question counts: the words of the phrase after "how
/// many" ("how many Iranian diplomats", "how many police hurt"), any of
/// which an answer's figure may count. None for people in general ("how
/// many people"), whom answers count by many names. In Albanian, the
/// phrase after "sa" when it is a count ("sa diplomatë"): not "sa kohë"
/// (how long), "sa larg" (how far), "sa i rëndë" (an adjective), nor a
/// verb ("sa zgjati", "sa kushtoi", "sa ka").
fn counted_nouns(lang: Lang, words: &[String]) -> Vec<String> {
    const ANYONE: &[&str] = &["people", "ppl", "persons", "person", "individuals", "times"];
    const ANYONE_SQ: &[&str] = &[
        "njerez",
        "njerezit",
        "njerezve",
        "njeri",
        "persona",
        "personave",
        "veta",
        "vete",
        "individe",
        "here",
        "heresh",
    ];
    const NOT_COUNTS_SQ: &[&str] = &[
        "kohe",
        "larg",
        "gjate",
        "shpejt",
        "shume",
        "pak",
        "zgjati",
        "zgjat",
        "zgjasin",
        "kushton",
        "kushtoi",
        "kushtuan",
        "ka",
        "kane",
        "kishte",
        "kishin",
        "ishte",
        "ishin",
        "eshte",
        "jane",
        "u",
        "do",
        "mund",
        "duhet",
        "besohet",
        "thuhet",
        "dihet",
        "serioz",
        "seriozisht",
        "madh",
        "vlen",
        "perqind",
    ];
    // Where each counted phrase starts: after every "how many" or "sa"
    // ("sa diplomatë, sa orë": either may be what the answer counts).
    let (starts, anyone): (Vec<usize>, _) = match lang {
        Lang::En => (
            words
                .windows(2)
                .enumerate()
                .filter(|(_, p)| p[0] == "how" && p[1] == "many")
                .map(|(at, _)| at + 2)
                .collect(),
            ANYONE,
        ),
        Lang::Sq => (
            words
                .iter()
                .enumerate()
                .filter(|(at, w)| {
                    *w == "sa"
                        && words
                            .get(at + 1)
                            .is_some_and(|n| !NOT_COUNTS_SQ.contains(&n.as_str()))
                })
                .map(|(at, _)| at + 1)
                .collect(),
            ANYONE_SQ,
        ),
    };
    let mut counted = Vec::new();
    for at in starts {
        let phrase: Vec<String> = words[at..]
            .iter()
            .take_while(|w| !lang.is_stopword(w) && !lang.is_question_word(w))
            .take(3)
            .cloned()
            .collect();
        // A count of people in general: any figure may be it.
        if phrase.iter().any(|w| anyone.contains(&w.as_str())) {
            return Vec::new();
        }
        counted.extend(phrase);
    }
    counted
}

/// The attribute words of a question ("how old", "born", "population").
fn attributes(lang: Lang, words: &[String], kind: QuestionKind) -> Vec<String> {
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
            )
        });
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

#[cfg(test)]
mod tests {
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
}
