//! Validation of intent patterns: syntax, size and the compiled form the
//! matcher runs, parsed and compiled for all patterns at once.

use super::*;

/// A pattern's parse as written, and its ASCII form compiled as the
/// matcher runs it: the slow parts of checking a pattern, done for all
/// patterns at once on every core before the checks report in file order.
pub(super) struct Precompiled {
    syntax: Result<(), regex_syntax::Error>,
    ascii: String,
    compiled: Result<matcher::Pattern, matcher::PatternError>,
}

impl Precompiled {
    pub(super) fn new(src: &str) -> Precompiled {
        // Syntax on the pattern as written, parsed only (the Unicode form
        // of `\w{50}` alone would compile to megabytes, though the matcher
        // never runs it).
        let syntax = regex_syntax::Parser::new().parse(src).map(|_| ());
        let ascii = matcher::ascii_boundaries(src);
        let compiled = match &syntax {
            Ok(()) => matcher::compile_pattern_within(&ascii, PATTERN_SIZE_LIMIT),
            // Not compiled: its syntax error is what is reported.
            Err(e) => Err(matcher::PatternError::Syntax(Box::new(e.clone()))),
        };
        Precompiled {
            syntax,
            ascii,
            compiled,
        }
    }
}

impl Validator {
    pub(super) fn patterns(
        &mut self,
        at: At<'_>,
        id: &str,
        patterns: &[Spanned<String>],
    ) -> Vec<String> {
        let mut out = Vec::new();
        for p in patterns {
            let src = p.get_ref();
            let chars = src.chars().count();
            if chars > MAX_PATTERN_CHARS {
                let start: String = src.chars().take(40).collect();
                self.at(
                    at,
                    p.span(),
                    format!(
                        "pattern `{start}…` of intent `{id}` is {chars} characters long (limit {MAX_PATTERN_CHARS}); split it into several shorter patterns"
                    ),
                );
                continue;
            }
            if src.chars().any(char::is_uppercase) {
                self.at(
                    at,
                    p.span(),
                    format!("pattern `{src}` of intent `{id}` has upper-case letters; questions are matched in lower case"),
                );
                continue;
            }
            let pre = match self.precompiled.remove(src) {
                Some(pre) => pre,
                None => Precompiled::new(src),
            };
            // Syntax first, on the pattern as written.
            if let Err(e) = &pre.syntax {
                self.at(at, p.span(), invalid_pattern(src, id, e));
                continue;
            }
            // Then size, on the form the matcher runs, compiled as it runs
            // it (and kept for the index).
            let ascii = pre.ascii;
            match pre.compiled {
                Ok(re) if re.is_match("") => {
                    self.at(at, p.span(), format!("pattern `{src}` of intent `{id}` matches every question"));
                }
                Ok(re) => {
                    self.compiled.insert(ascii, re);
                    out.push(src.clone());
                }
                Err(e) if e.size_limit().is_some() => self.at(
                    at,
                    p.span(),
                    format!(
                        "pattern `{src}` of intent `{id}` is too large once compiled (limit {} KiB): simplify the repetition (such as `{{1000}}`) or split the alternation",
                        PATTERN_SIZE_LIMIT >> 10
                    ),
                ),
                Err(e) => self.at(at, p.span(), format!("pattern `{src}` of intent `{id}` is not a valid regex: {e}")),
            }
        }
        out
    }
}

/// The last line of an error's message: regex and regex-automata put the
/// pattern and a caret above it, which the located message already gives.
pub(super) fn last_line(e: &dyn std::fmt::Display) -> String {
    e.to_string()
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn invalid_pattern(src: &str, id: &str, e: &dyn std::fmt::Display) -> String {
    format!("invalid pattern `{src}` of intent `{id}`: {}", last_line(e))
}
