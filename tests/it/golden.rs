//! Golden replies: `tests/data/golden/NAME.txt` holds a question, a blank
//! line, and the exact plain-text reply on the shipped knowledge. A change to
//! a reply shows up as a readable diff; `UPDATE_EXPECT=1 cargo test golden`
//! rewrites the files after a deliberate change.

use std::path::PathBuf;

use briefbot::answer::{ChatState, answer};

const QUESTIONS: &[(&str, &str)] = &[
    (
        "why-break",
        "Why did Albania sever diplomatic relations with Iran?",
    ),
    ("when-break", "When did Albania cut ties with Iran?"),
    ("who-hacked", "who hacked albania"),
    ("when-attack", "When was Albania hit by the cyberattack?"),
    ("successful", "Was the attack successful?"),
    ("goals", "What were the goals of the cyberattack?"),
    ("investigated", "Who investigated the breach?"),
    (
        "network-share",
        "How much of the network did the hackers compromise?",
    ),
    ("since-when", "How long were the hackers in the system?"),
    ("support", "Who supported Albania after the attack?"),
    ("sept-10", "What happened on 10 September?"),
    ("estonia", "Why is Albania compared to Estonia?"),
    ("iran-denies", "Does Iran deny the cyberattack?"),
    ("mek", "Tell me about the MEK"),
    ("mek-size", "How big is the MEK in Albania?"),
    ("mek-founded", "When and why was the MEK created?"),
    ("romania", "Did Romania want to host the MEK?"),
    ("jcpoa", "JCPOA"),
    ("trump-deal", "Did Trump leave the nuclear deal?"),
    ("soleimani", "What happened to Qasem Soleimani?"),
    ("sanctioned", "Who did the US sanction?"),
    ("symbolic", "Will the sanctions hurt Iran?"),
    ("gas", "Why does Europe need Iranian gas?"),
    ("xhacka", "who is xhacka"),
    ("khatib", "Khatib?"),
    ("date-iso", "2022-09-07"),
    ("year-2022", "Show me the events of 2022"),
    ("timeline", "/timeline"),
    ("hello", "hi"),
    ("help", "help"),
    ("oos-population", "What is the population of Albania?"),
    ("oos-russia", "Who is the president of Russia?"),
    ("count-not-given", "how many uighurs did albania take in"),
    (
        "year-not-given",
        "how many members did the mek have in 1979",
    ),
    (
        "detail-in-summary",
        "under which executive order were mois and khatib designated?",
    ),
    ("typo", "who hackd albnia"),
    ("sq-who-hacked", "kush e sulmoi shqipërinë?"),
    (
        "sq-why-break",
        "pse i preu shqiperia marredheniet me iranin",
    ),
    ("sq-sept-10", "çfarë ndodhi më 10 shtator"),
    ("sq-mek", "çfarë është mek?"),
    ("sq-oos-age", "sa vjeç është edi rama"),
    ("sq-hello", "përshëndetje"),
];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden")
}

#[test]
fn golden_replies() {
    let kb = crate::support::shipped();
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut diffs = Vec::new();
    for (name, question) in QUESTIONS {
        let reply = answer(kb, &ChatState::default(), question).reply.to_plain();
        let actual = format!("{question}\n\n{reply}\n");
        let path = golden_dir().join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != actual {
            diffs.push(format!(
                "--- {}\n+++ actual\n{}",
                path.display(),
                diff(&expected, &actual)
            ));
        }
    }
    assert!(
        diffs.is_empty(),
        "golden replies changed (UPDATE_EXPECT=1 to accept):\n{}",
        diffs.join("\n")
    );
}

fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => out.push_str(&format!(" {x}\n")),
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!("-{x}\n"));
                }
                if let Some(y) = y {
                    out.push_str(&format!("+{y}\n"));
                }
            }
        }
    }
    out
}
