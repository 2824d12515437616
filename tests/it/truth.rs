//! The bot writes in its own words: no rendered answer, summary, timeline,
//! source list or briefing shares a run of `MAX_SHARED` or more words with
//! the source article (a short, attributed quote stays under it).

use std::collections::HashSet;
use std::path::Path;

use briefbot::answer::{ChatState, answer};
use briefbot::kb::Kb;

/// The longest run of words a text may share with the article.
const MAX_SHARED: usize = 11;

/// The source article, beside the project in `../shared/sources/`.
const ARTICLE: &str = "../shared/sources/article-albania-iran-2022.txt";

/// Lower-case words of letters and digits, diacritics dropped, so that
/// punctuation and typography never hide a copied run. (Not `text::fold`:
/// it keeps only a question's length of text.)
fn words(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let plain: String = text
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    plain.split_whitespace().map(str::to_string).collect()
}

/// Every text the bot can show.
fn shown(kb: &Kb) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in &kb.intents {
        out.push((format!("intent {}", i.id), i.answer.clone()));
        out.push((format!("intent {} title", i.id), i.title.clone()));
    }
    for a in &kb.actors {
        let text = format!("{} {}", a.role.clone().unwrap_or_default(), a.summary);
        out.push((format!("actor {}", a.id), text));
    }
    for t in &kb.topics {
        out.push((format!("topic {}", t.id), t.summary.clone()));
    }
    for e in &kb.events {
        let text = format!(
            "{} {} {}",
            e.title,
            e.summary,
            e.note.clone().unwrap_or_default()
        );
        out.push((format!("event {}", e.id), text));
    }
    for command in [
        "/timeline",
        "/timeline all",
        "/sources",
        "/help",
        "/start",
        "/about",
    ] {
        let reply = answer(kb, &ChatState::default(), command).reply;
        out.push((command.to_string(), reply.to_plain()));
    }
    let briefing = briefbot::briefing::compose(kb, None).reply.to_plain();
    out.push(("briefing".to_string(), briefing));
    out
}

#[test]
fn nothing_shown_copies_the_article() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(ARTICLE);
    let Ok(article) = std::fs::read_to_string(&path) else {
        // CI always has ../shared beside the project; a bare checkout may not.
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing",
            path.display()
        );
        eprintln!("skipped: {} is not there", path.display());
        return;
    };
    let article = words(&article);
    let runs: HashSet<&[String]> = article.windows(MAX_SHARED + 1).collect();
    let kb = crate::support::shipped();
    let mut copied = Vec::new();
    for (what, text) in shown(kb) {
        let w = words(&text);
        if let Some(run) = w.windows(MAX_SHARED + 1).find(|run| runs.contains(run)) {
            copied.push(format!("{what}: \"{}\"", run.join(" ")));
        }
    }
    copied.sort();
    copied.dedup();
    assert!(
        copied.is_empty(),
        "{} texts share {} or more words running with the article:\n{}",
        copied.len(),
        MAX_SHARED + 1,
        copied.join("\n")
    );
}
