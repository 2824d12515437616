//! Where a pattern's matches can start. On its own the backtracker tries a
//! match at every byte of the question, and at each it explores every
//! branch of the pattern's first alternation: most of its time on a
//! question that the pattern does not match. Most patterns begin with a
//! word boundary and one of a few words, so a match can start only at a
//! word start whose first letter is one of those words' first letters:
//! two or three places in a question instead of forty.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Where matches of one pattern can start: a set of first bytes, and
/// whether a match starts at a word's first byte only.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Starts {
    /// The bytes a match can begin with, a 256-bit set.
    first: [u64; 4],
    /// Every match begins at a word boundary and with a word byte: at the
    /// haystack's start, or after a byte that is not a word byte.
    word_start: bool,
}

impl Starts {
    /// Where matches of `hir` can start, or `None` when a match can be
    /// empty (it could start anywhere, at the end too).
    pub(super) fn of(hir: &Hir) -> Option<Starts> {
        let mut first = [0u64; 4];
        if first_bytes(hir, &mut first) {
            return None;
        }
        let word_bytes_only = (0..=255u8).all(|b| !has(&first, b) || is_word_byte(b));
        Some(Starts {
            first,
            word_start: begins_at_boundary(hir) && word_bytes_only,
        })
    }

    /// Whether a match can start at byte `at` of `haystack` (`at` below its
    /// length).
    pub(super) fn can_start(&self, haystack: &[u8], at: usize) -> bool {
        has(&self.first, haystack[at])
            && (!self.word_start || at == 0 || !is_word_byte(haystack[at - 1]))
    }
}

fn has(set: &[u64; 4], b: u8) -> bool {
    set[usize::from(b >> 6)] >> (b & 63) & 1 == 1
}

fn add(set: &mut [u64; 4], b: u8) {
    set[usize::from(b >> 6)] |= 1 << (b & 63);
}

/// A byte of `(?-u:\w)`.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Adds to `first` the bytes a match of `hir` can begin with, and returns
/// whether `hir` can match the empty string (then what follows it can
/// begin the match too).
fn first_bytes(hir: &Hir, first: &mut [u64; 4]) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match lit.0.first() {
            Some(&b) => {
                add(first, b);
                false
            }
            None => true,
        },
        HirKind::Class(Class::Bytes(class)) => {
            for r in class.ranges() {
                (r.start()..=r.end()).for_each(|b| add(first, b));
            }
            false
        }
        // UTF-8 keeps the order of code points in its leading bytes: a
        // range's first bytes are those from its start's to its end's.
        HirKind::Class(Class::Unicode(class)) => {
            let lead = |c: char| c.encode_utf8(&mut [0; 4]).as_bytes()[0];
            for r in class.ranges() {
                (lead(r.start())..=lead(r.end())).for_each(|b| add(first, b));
            }
            false
        }
        HirKind::Repetition(rep) => first_bytes(&rep.sub, first) || rep.min == 0,
        HirKind::Capture(cap) => first_bytes(&cap.sub, first),
        HirKind::Concat(parts) => parts.iter().all(|p| first_bytes(p, first)),
        // Every branch adds its bytes (no short cut).
        HirKind::Alternation(alts) => {
            let mut empty = false;
            for alt in alts {
                empty |= first_bytes(alt, first);
            }
            empty
        }
    }
}

/// Whether every match of `hir` begins with an ASCII word boundary.
fn begins_at_boundary(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => matches!(look, Look::WordAscii | Look::WordStartAscii),
        HirKind::Capture(cap) => begins_at_boundary(&cap.sub),
        HirKind::Concat(parts) => parts.first().is_some_and(begins_at_boundary),
        HirKind::Alternation(alts) => alts.iter().all(begins_at_boundary),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(pattern: &str) -> Option<Starts> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(&crate::matcher::patterns::ascii_boundaries(pattern))
            .unwrap();
        Starts::of(&hir)
    }

    fn places(pattern: &str, haystack: &str) -> Vec<usize> {
        let s = starts(pattern).unwrap();
        (0..haystack.len())
            .filter(|&at| s.can_start(haystack.as_bytes(), at))
            .collect()
    }

    #[test]
    fn a_match_starts_at_a_word_with_one_of_its_first_letters() {
        let p = r"\b(shqiperi\w*|iran\w*) (iran\w*|shqiperi\w*)|\b(kriz\w*)\b";
        assert_eq!(places(p, "kriza iran shqiperi"), vec![0, 6, 11]);
        // No boundary before: every byte with a first letter.
        assert_eq!(places(r"(ab|cd)", "xabcd"), vec![1, 3]);
        // A gap that can be empty lets what follows begin the match.
        assert_eq!(places(r"\b(the )?velmor", "see the velmor"), vec![4, 8]);
    }

    #[test]
    fn a_pattern_that_can_match_empty_starts_anywhere() {
        assert_eq!(starts(r"\b(a)?"), None);
        assert_eq!(starts(r"x*|y"), None);
        assert!(starts(r"x+").is_some());
    }

    #[test]
    fn a_boundary_then_a_non_word_byte_is_not_a_word_start() {
        // `\b ` matches after a word: the space may follow a letter.
        assert_eq!(places(r"\b ", "a b"), vec![1]);
    }
}
