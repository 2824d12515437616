//! Text normalisation shared by the loader and the matcher, so that a
//! curator's example and a user's question are folded the same way.
//! Pure functions over strings; no knowledge of intents here.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest question the matcher reads, in characters. Telegram caps a
/// message at 4,096; the command line may send more, and the rest is ignored
/// so that a megabyte of text costs no more than a long question.
pub const MAX_QUESTION_CHARS: usize = 4096;

/// Folds text for matching: NFKC, lower case, diacritics removed, apostrophes
/// and a possessive `'s` dropped, any other non-alphanumeric character turned
/// into a space, runs of spaces collapsed.
pub fn fold(text: &str) -> String {
    let capacity = text.len().min(MAX_QUESTION_CHARS);
    // NFKC and NFD leave ASCII as it is: most text skips the Unicode
    // tables (they were a tenth of loading large knowledge).
    if text.is_ascii() {
        let chars = text
            .chars()
            .take(MAX_QUESTION_CHARS)
            .map(|c| c.to_ascii_lowercase());
        return fold_chars(chars, capacity);
    }
    fold_unicode(text)
}

/// `fold` through the Unicode tables, whatever the text.
fn fold_unicode(text: &str) -> String {
    let capacity = text.len().min(MAX_QUESTION_CHARS);
    let chars = text
        .chars()
        .take(MAX_QUESTION_CHARS)
        .nfkc()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|c| !is_combining_mark(*c));
    fold_chars(chars, capacity)
}

fn fold_chars(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut pending_space = false;
    let mut chars = chars.peekable();
    while let Some(c) = chars.next() {
        if is_apostrophe(c) {
            // "albania's" -> "albania", "don't" -> "dont".
            if chars.peek() == Some(&'s') {
                chars.next();
                if chars.peek().is_some_and(|c| c.is_alphanumeric()) {
                    push(&mut out, &mut pending_space, 's');
                }
            }
            continue;
        }
        // A few symbols are alphabetic and upper case with no lower case
        // (`🅙`, U+1F159): they separate words like any other symbol.
        // "10%": a word of its own.
        if c == '%' {
            if !out.is_empty() {
                pending_space = true;
            }
            for p in "percent".chars() {
                push(&mut out, &mut pending_space, p);
            }
            pending_space = true;
        } else if c.is_alphanumeric() && !c.is_uppercase() {
            push(&mut out, &mut pending_space, c);
        } else {
            pending_space = !out.is_empty();
        }
    }
    out
}

fn push(out: &mut String, pending_space: &mut bool, c: char) {
    if *pending_space {
        out.push(' ');
        *pending_space = false;
    }
    out.push(c);
}

/// An apostrophe as people type it (straight, curly, backtick, modifier).
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{02bc}')
}

/// Optimal string alignment distance (Levenshtein plus adjacent
/// transpositions), giving up early once it exceeds `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= max)
}

/// Words that carry no meaning for matching. Question words are not here:
/// "when" and "who" tell intents apart.
pub fn is_stopword(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "being"
            | "am"
            | "do"
            | "does"
            | "did"
            | "done"
            | "of"
            | "in"
            | "on"
            | "at"
            | "to"
            | "for"
            | "with"
            | "by"
            | "from"
            | "about"
            | "and"
            | "or"
            | "but"
            | "that"
            | "this"
            | "these"
            | "those"
            | "it"
            | "its"
            | "i"
            | "me"
            | "my"
            | "you"
            | "your"
            | "we"
            | "our"
            | "they"
            | "them"
            | "their"
            | "he"
            | "she"
            | "his"
            | "her"
            | "him"
            | "can"
            | "could"
            | "would"
            | "should"
            | "will"
            | "shall"
            | "has"
            | "have"
            | "had"
            | "there"
            | "here"
            | "tell"
            | "please"
            | "so"
            | "as"
            | "any"
            | "some"
            | "s"
            | "t"
            | "into"
            | "than"
            | "then"
            | "just"
            | "know"
            | "get"
            | "got"
            | "happen"
            | "happened"
            | "whats"
            | "whos"
            | "more"
            | "much"
            | "many"
            | "really"
            | "actually"
            | "exactly"
            | "also"
            | "again"
            | "give"
            | "explain"
            | "describe"
            | "say"
            | "said"
            | "let"
            | "want"
            | "like"
            | "one"
            | "ever"
            | "very"
            | "such"
            | "if"
            | "not"
            | "no"
            | "yes"
            | "now"
            | "up"
    )
}

/// Question words: kept for scoring, but never counted as unexplained.
pub fn is_question_word(word: &str) -> bool {
    matches!(
        word,
        "who" | "what" | "when" | "where" | "why" | "how" | "which" | "whom" | "whose"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_shortcut_folds_as_the_unicode_path() {
        // Every ASCII character, alone, doubled, and around an apostrophe.
        for b in 0u8..128 {
            let c = b as char;
            for text in [
                format!("{c}"),
                format!("A{c}b{c}{c}"),
                format!("it'{c}s {c}'s X's"),
            ] {
                assert_eq!(fold(&text), fold_unicode(&text), "{text:?}");
            }
        }
        let long = "Who's BEHIND it? ".repeat(MAX_QUESTION_CHARS);
        assert_eq!(fold(&long), fold_unicode(&long));
    }

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(fold("Who is Olta Xhaçka?"), "who is olta xhacka");
        assert_eq!(fold("  What's   ALBANIA's role?! "), "what albania role");
        assert_eq!(fold("cyber-attack, 10%"), "cyber attack 10 percent");
        assert_eq!(fold("10 %of"), "10 percent of");
        assert_eq!(fold("Manëz"), "manez");
        assert_eq!(fold("don't"), "dont");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("🙂🙂"), "");
        assert_eq!(fold("a\u{0}b\tc"), "a b c");
        assert_eq!(fold("2022-09-10"), "2022 09 10");
        // Found by tests/it/properties.rs: no lower case exists for it.
        assert_eq!(fold("a\u{1F159}b"), "a b");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("tyes", "ties", 1), Some(1));
        assert_eq!(edit_distance("teis", "ties", 1), Some(1));
        assert_eq!(edit_distance("albnia", "albania", 1), Some(1));
        assert_eq!(edit_distance("cyberatack", "cyberattack", 1), Some(1));
        assert_eq!(edit_distance("iran", "iraq", 1), Some(1));
        assert_eq!(edit_distance("mek", "population", 2), None);
    }
}
