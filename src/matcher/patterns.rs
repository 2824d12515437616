//! Intent patterns as the matcher runs them: ASCII classes, compiled on
//! their own without the lazy DFA, pruned by the literals they need.

use rustc_hash::FxHashMap as HashMap;

use std::cell::RefCell;

use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::PikeVM;
use regex_automata::nfa::thompson::{self, BuildError, WhichCaptures};
use regex_automata::{Anchored, Input};
use regex_syntax::hir::{Hir, HirKind};

mod starts;

use starts::Starts;

/// The most memory one compiled pattern may take (validation refuses
/// larger ones first, at a tighter limit).
const PATTERN_SIZE_LIMIT: usize = 4 << 20;
/// The shortest literal worth pruning patterns by: a pattern whose required
/// literals are shorter runs on every question.
const MIN_PREFILTER_LITERAL: usize = 2;
/// The shortest literal a pattern is pruned by when it has a choice: two
/// letters ("us", "do") occur inside many words, so they prune a pattern
/// only when it has nothing longer.
const GOOD_PREFILTER_LITERAL: usize = 3;

/// Rewrites the Perl classes and word boundary (`\b \w \d \s`, not their
/// negations) as their ASCII forms. Questions are folded to lower-case words
/// separated by single spaces, so both forms mean the same for English
/// patterns, but the Unicode ones make the set dozens of megabytes and force
/// the regex engine off its lazy DFA onto the slow PikeVM (most of the time
/// of an answer before this change).
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of `[...]` classes: inside one, `\w` `\d` `\s` become their
    // ASCII ranges (a group such as `(?-u:\w)` is not allowed there).
    let mut class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {}
            '[' => {
                class += 1;
                out.push('[');
                // `[]…]` and `[^]…]`: a `]` first in a class is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
                continue;
            }
            ']' if class > 0 => {
                class -= 1;
                out.push(']');
                continue;
            }
            _ => {
                out.push(c);
                continue;
            }
        }
        match chars.next() {
            Some('w') if class > 0 => out.push_str("0-9A-Za-z_"),
            Some('d') if class > 0 => out.push_str("0-9"),
            Some('s') if class > 0 => out.push_str(r"\t\n\x0B\x0C\r "),
            Some(c @ ('b' | 'w' | 'd' | 's')) if class == 0 => {
                out.push_str(r"(?-u:\");
                out.push(c);
                out.push(')');
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
/// One intent pattern, compiled as the matcher runs it: a bounded
/// backtracker over the pattern's NFA, with no capture groups, no prefilter
/// of its own (the index prunes patterns by their literals with one
/// automaton; the pattern keeps only the 32-byte set of where its matches
/// can start), no reverse NFA and no DFA.
///
/// A pattern runs only on short questions that hold its literals, where the
/// backtracker answers in a few hundred nanoseconds with no warm-up. The
/// alternatives cost memory per pattern at every size of knowledge: a lazy
/// DFA is a cache per pattern and a cold start on each new question shape,
/// and `meta::Regex` keeps a second NFA, a pool of caches and its own
/// analysis per pattern, twice the memory of the NFA alone at 22,000
/// patterns. The search cache is one per thread, shared by all patterns.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    backtracker: BoundedBacktracker,
    /// Where a match can start, when that is narrower than anywhere (see
    /// `starts`): the pattern is then tried, anchored, only there.
    starts: Option<Starts>,
    /// `literal_options` of the pattern, found on the tree it was compiled
    /// from (parsing is a sixth of loading large knowledge).
    literals: Vec<Vec<String>>,
}

thread_local! {
    static BACKTRACK_CACHE: RefCell<Option<backtrack::Cache>> = const { RefCell::new(None) };
}

impl Pattern {
    /// Whether the pattern matches anywhere in `haystack`.
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        let found = BACKTRACK_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let cache = cache.get_or_insert_with(|| self.backtracker.create_cache());
            cache.reset(&self.backtracker);
            let Some(starts) = &self.starts else {
                return self.backtracker.try_is_match(cache, haystack);
            };
            let bytes = haystack.as_bytes();
            for at in (0..bytes.len()).filter(|&at| starts.can_start(bytes, at)) {
                let input = Input::new(haystack)
                    .span(at..bytes.len())
                    .anchored(Anchored::Yes)
                    .earliest(true);
                if self.backtracker.try_is_match(cache, input)? {
                    return Ok(true);
                }
            }
            Ok(false)
        });
        // Too long for the backtracker's bounded memory (a large pattern on
        // a long question): the PikeVM has no bound, and shares the NFA.
        found.unwrap_or_else(|_| {
            let vm = PikeVM::new_from_nfa(self.backtracker.get_nfa().clone())
                .expect("a PikeVM builds from any NFA a backtracker built from");
            vm.is_match(&mut vm.create_cache(), haystack)
        })
    }

    /// Sets of literals such that every match contains one of each set (see
    /// `literal_options_of`), taken out: the index needs them once, to
    /// build its prefilter.
    pub(super) fn take_literals(&mut self) -> Vec<Vec<String>> {
        std::mem::take(&mut self.literals)
    }
}

/// Why a pattern did not compile.
#[derive(Debug)]
pub(crate) enum PatternError {
    Syntax(Box<regex_syntax::Error>),
    Build(Box<BuildError>),
}

impl PatternError {
    /// The limit the compiled pattern went over, if that was the problem.
    pub(crate) fn size_limit(&self) -> Option<usize> {
        match self {
            PatternError::Syntax(_) => None,
            PatternError::Build(e) => e.size_limit(),
        }
    }
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatternError::Syntax(e) => e.fmt(f),
            PatternError::Build(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for PatternError {}

/// Compiles one pattern (already in its ASCII form) as the matcher runs it.
pub(crate) fn compile_pattern(ascii: &str) -> Result<Pattern, PatternError> {
    compile_pattern_within(ascii, PATTERN_SIZE_LIMIT)
}

/// `compile_pattern` with the NFA limited to `limit` bytes (validation
/// refuses larger patterns at a tighter limit than the matcher's).
///
/// Compiled byte-wise where the pattern allows (no Unicode class in it):
/// questions are folded to ASCII letters, and a `.` or `[^…]` over bytes
/// is a single state where over UTF-8 it is a dozen, so a pattern with
/// `.{0,40}` gaps takes a tenth of the memory and time to build. A `.`
/// also matches a line break: questions are folded to one line, so the
/// meaning is the same, and a `.` is then one byte range instead of two.
pub(crate) fn compile_pattern_within(ascii: &str, limit: usize) -> Result<Pattern, PatternError> {
    let nfa = thompson::Config::new()
        .which_captures(WhichCaptures::None)
        .nfa_size_limit(Some(limit));
    let parse = |unicode: bool| {
        regex_syntax::ParserBuilder::new()
            .unicode(unicode)
            .utf8(unicode)
            .dot_matches_new_line(true)
            .build()
            .parse(ascii)
            .map_err(|e| PatternError::Syntax(Box::new(e)))
    };
    // A Unicode class (`\pL`) needs the UTF-8 form.
    let hir = parse(false).or_else(|_| parse(true))?;
    let build = |e| PatternError::Build(Box::new(e));
    let compiled = thompson::Compiler::new()
        .configure(nfa)
        .build_from_hir(&hir)
        .map_err(build)?;
    // An anchored pattern is tried at the start only already.
    let starts = (!compiled.is_always_start_anchored())
        .then(|| Starts::of(&hir))
        .flatten();
    let backtracker = BoundedBacktracker::new_from_nfa(compiled).map_err(build)?;
    Ok(Pattern {
        backtracker,
        starts,
        literals: literal_options_of(&hir),
    })
}

/// Sets of literals such that every match of the pattern `hir` contains at
/// least one literal of each set: any one set can prune the pattern. Empty when there
/// is nothing to prune by (then the pattern runs on every question).
/// Conservative: a set is only ever returned when the pattern's syntax tree
/// implies it. Sets with a literal shorter than `MIN_PREFILTER_LITERAL` are
/// left out.
fn literal_options_of(hir: &Hir) -> Vec<Vec<String>> {
    options(hir)
        .into_iter()
        .filter(|set| set.iter().all(|l| l.len() >= MIN_PREFILTER_LITERAL))
        .filter_map(|set| {
            set.into_iter()
                .map(|l| String::from_utf8(l).ok())
                .collect::<Option<Vec<String>>>()
        })
        .collect()
}

/// The literal set of `literal_options` that the fewest patterns share,
/// given how many patterns use each literal, among those of literals of
/// `GOOD_PREFILTER_LITERAL` or more when there are any.
pub(super) fn rarest(options: &[Vec<String>], uses: &HashMap<String, u32>) -> Option<Vec<String>> {
    options
        .iter()
        .min_by_key(|set| {
            let shared: u32 = set.iter().map(|l| uses.get(l).copied().unwrap_or(0)).sum();
            let shortest = set.iter().map(String::len).min().unwrap_or(0);
            (
                shortest < GOOD_PREFILTER_LITERAL,
                shared,
                set.len(),
                std::cmp::Reverse(shortest),
            )
        })
        .cloned()
}

/// For the tests: the literals the pattern would be pruned by on its own.
#[cfg(test)]
fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let mut compiled = compile_pattern(pattern).expect("test patterns compile");
    rarest(&compiled.take_literals(), &HashMap::default())
}

fn options(hir: &Hir) -> Vec<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => vec![vec![lit.0.to_vec()]],
        HirKind::Capture(cap) => options(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => options(&rep.sub),
        // Any part's requirement is the whole's.
        HirKind::Concat(parts) => parts.iter().flat_map(options).collect(),
        // Every branch must give one; each gives its longest.
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                let best = options(alt).into_iter().max_by_key(|set| {
                    let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
                    (shortest, std::cmp::Reverse(set.len()))
                });
                match best {
                    Some(set) => all.extend(set),
                    None => return Vec::new(),
                }
            }
            all.sort();
            all.dedup();
            vec![all]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_classes_inside_and_outside_brackets() {
        let cases = [
            (r"\bwho\b", r"(?-u:\b)who(?-u:\b)"),
            (r"[^\s]+", "[^\\t\\n\\x0B\\x0C\\r ]+"),
            (r"[\w-]+", "[0-9A-Za-z_-]+"),
            (r"[]\d]", "[]0-9]"),
            (r"\[\w\]", r"\[(?-u:\w)\]"),
        ];
        for (pattern, ascii) in cases {
            assert_eq!(ascii_boundaries(pattern), ascii, "{pattern}");
        }
        let non_space = regex::Regex::new(&ascii_boundaries(r"^[^\s]+$")).unwrap();
        assert!(non_space.is_match("hello") && !non_space.is_match("he llo"));
        let word = regex::Regex::new(&ascii_boundaries(r"^[\w-]+$")).unwrap();
        assert!(word.is_match("al-qaeda_2") && !word.is_match("a:b"));
    }

    #[test]
    fn long_questions_on_large_patterns_fall_back_to_the_pikevm() {
        let re = compile_pattern(&ascii_boundaries(r"\bvelmor\b.{0,3000}\btrasken\b")).unwrap();
        let gap = "word ".repeat(500);
        let long = format!("velmor {gap}trasken");
        // Too long for the backtracker's memory bound on this NFA.
        assert!(re.backtracker.max_haystack_len() < long.len());
        assert!(re.is_match(&long));
        assert!(!re.is_match(&format!("velmor {gap}")));
        // And the backtracker still answers short ones after it.
        assert!(re.is_match("velmor and trasken"));
        assert!(!re.is_match("trasken and velmor"));
    }

    #[test]
    fn a_dot_matches_what_it_did_over_folded_questions() {
        let re = compile_pattern(&ascii_boundaries(r"^who\b.{0,40}\bvelmor$")).unwrap();
        assert!(re.is_match("who is velmor"));
        assert!(
            !re.is_match("who is the man behind the attack on the government they call velmor")
        );
        assert!(!re.is_match("ask who velmor"));
        // Unicode classes compile in the UTF-8 form.
        let letters = compile_pattern(r"^\pL+$").unwrap();
        assert!(letters.is_match("manëz") && !letters.is_match("3000"));
    }

    fn lits(p: &str) -> Option<Vec<String>> {
        required_literals(&ascii_boundaries(p))
    }

    #[test]
    fn required_literals_are_implied_by_the_pattern() {
        let v = |l: &[&str]| Some(l.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(lits(r"^who\b.{0,40}\bvelmor\b"), v(&["velmor"]));
        assert_eq!(lits(r"\bhow many groups\b"), v(&["how many groups"]));
        assert_eq!(lits(r"^attack$"), v(&["attack"]));
        assert_eq!(
            lits(r"\b(behind|responsible for|culprit\w*) (the )?velmor trasken\b"),
            v(&["velmor trasken"])
        );
        assert_eq!(lits(r"\b(sanction|penalt)\w*"), v(&["penalt", "sanction"]));
        // Two letters prune only a pattern with nothing longer.
        assert_eq!(lits(r"\b(is|it)\b"), v(&["is", "it"]));
        assert_eq!(
            lits(r"\b(us|eu)\b.{0,30}\b(react|said)"),
            v(&["react", "said"])
        );
        assert_eq!(lits(r"\b(us|eu)\b.{0,30}\b(do|said)"), v(&["eu", "us"]));
        // Nothing to prune by: runs on every question.
        assert_eq!(lits(r"\b(i|a)\b"), None);
        assert_eq!(lits(r"\w+ (a|b)?"), None);
        assert_eq!(lits(r"(?i)attack"), None);
    }

    #[test]
    fn trying_only_where_a_match_can_start_finds_what_a_full_search_finds() {
        let patterns = [
            r"\b(shqiperi\w*|iran\w*) (iran\w*|shqiperi\w*) (ceshtj\w*|kriz\w*)|\b(kriz\w*)\b.{0,10}\biran\w*",
            r"\bwho\b.{0,20}\b(support|help\w*)\b",
            r"\b(the )?velmor",
            r"(ab|cd)e",
            r"\b ",
            r"^(hi|hello)\b",
            r"\b\pL+t\b",
            r"x?\d+",
        ];
        let haystacks = [
            "",
            "a",
            "kriza iran shqiperi",
            "pse kriza me iranin",
            "shqiperia irani ceshtja",
            "who do they support",
            "whom help",
            "see the velmor",
            "thevelmor",
            "xabe cde",
            "a b",
            "hi there",
            "oh hi",
            "manëz test",
            "x 3000",
        ];
        for p in patterns {
            let ascii = ascii_boundaries(p);
            let ours = compile_pattern(&ascii).unwrap();
            let reference = regex::Regex::new(&ascii).unwrap();
            for h in haystacks {
                assert_eq!(ours.is_match(h), reference.is_match(h), "{p} on {h:?}");
            }
        }
    }
}
