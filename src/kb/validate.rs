//! Raw files to a validated `Kb`. Every problem is collected — bad TOML,
//! unknown or missing fields, duplicate ids, bad regexes, unknown references,
//! template errors, examples that resolve to another intent — each located at
//! its file, line and column. Either everything is valid and a `Kb` comes out,
//! or nothing does: the knowledge never half-loads.
//!
//! The checks live by what they check: `data` (sources, actors, topics,
//! events), `intents` (lexicon, bot, intents, examples) and `patterns`
//! (regex syntax and size, compiled on every core).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;

use super::localise::Localise;
use super::template::Templates;
use super::{
    Actor, Bot, Builtin, EntityKind, Event, Intent, KbError, KeywordGroup, Problem, SourceFile,
    SourceFiles,
};
use super::{Kb, Source, Topic, raw};
use crate::dates::Date;
use crate::matcher::Lang;
use crate::matcher::{self, Decision, Index, QuestionKind, Target};
use crate::text;

/// Ids the built-in intents answer to; `timeline` may also be declared in a
/// file (with `builtin = "timeline"`) to give it patterns and examples.
const RESERVED_IDS: &[&str] = &["lookup", "on-date"];
/// The longest rendered answer `check` accepts, in characters.
pub const MAX_ANSWER_CHARS: usize = 1000;
/// The most compiled memory one pattern may take, in the form the matcher
/// runs (ASCII `\b \w \d \s`): bounds pathological repetitions such as
/// `(a{100}){100}` or `\w{5000}` at load time, and so the time a question
/// takes. The largest shipped pattern needs about 90 KiB.
pub const PATTERN_SIZE_LIMIT: usize = 256 << 10;
/// The longest pattern `check` accepts, in characters: a longer one is an
/// enormous alternation no one can review (the longest shipped is 170).
pub const MAX_PATTERN_CHARS: usize = 500;
/// The longest source URL `check` accepts, in characters (a longer one
/// would not be made a link on Telegram; see `telegram::format`).
pub const MAX_URL_CHARS: usize = 1000;
/// The fewest examples an intent must give.
const MIN_EXAMPLES: usize = 3;

/// Validates the files and builds the knowledge base: in English, and in
/// Albanian too when the `[bot]` table has its `[bot.sq]` (then every item
/// must have its Albanian text).
pub fn validate(files: SourceFiles) -> Result<Kb, KbError> {
    let mut v = Validator::new(Lang::En, &files);
    let kb = v.build(&files);
    let mut problems = v.problems;
    let kb = match kb {
        Some(mut kb) if v.albanian => {
            let mut sq = Validator::new(Lang::Sq, &files);
            let albanian = sq.build(&files);
            problems.extend(sq.problems);
            kb.sq = albanian.map(Box::new);
            Some(kb)
        }
        kb => kb,
    };
    match kb {
        Some(kb) if problems.is_empty() => Ok(kb),
        _ => {
            problems.sort();
            problems.dedup();
            Err(KbError::Invalid(problems))
        }
    }
}

struct Validator {
    /// The language the knowledge is built in.
    lang: Lang,
    /// Whether the bot has Albanian texts (`[bot.sq]`): then the knowledge
    /// is built in Albanian too.
    albanian: bool,
    problems: Vec<Problem>,
    /// Each valid pattern, compiled once here as the matcher runs it (its
    /// ASCII form), for the index to reuse: compiling them twice was most
    /// of the load time of large knowledge.
    compiled: HashMap<String, matcher::Pattern>,
    /// Each pattern as written, parsed and compiled ahead of its checks on
    /// every core (see `Precompiled`).
    precompiled: HashMap<String, Precompiled>,
}

/// A file's text, for turning byte spans into lines and columns.
#[derive(Clone, Copy)]
struct At<'a> {
    path: &'a Path,
    text: &'a str,
}

impl At<'_> {
    fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Validator {
    fn at(&mut self, at: At<'_>, span: Range<usize>, message: impl Into<String>) {
        let (line, col) = at.locate(span.start);
        self.problems.push(Problem {
            path: at.path.to_path_buf(),
            line,
            col,
            message: message.into(),
        });
    }

    fn new(lang: Lang, files: &SourceFiles) -> Validator {
        Validator {
            lang,
            albanian: false,
            // Reading problems are the English pass's to report.
            problems: match lang {
                Lang::En => files.problems.clone(),
                Lang::Sq => Vec::new(),
            },
            compiled: HashMap::default(),
            precompiled: HashMap::default(),
        }
    }

    /// A file's raw items, in the language being built.
    fn parse<T: DeserializeOwned + Localise>(&mut self, file: &SourceFile) -> Option<T> {
        let parsed = toml::from_str::<T>(&file.text);
        self.accept(file, parsed)
    }

    /// `parse` of every file, the parsing on every core (the intent files
    /// of large knowledge are a tenth of loading it).
    fn parse_all<'f, T: DeserializeOwned + Localise + Send>(
        &mut self,
        files: &'f [SourceFile],
    ) -> Vec<(&'f SourceFile, T)> {
        let parsed = crate::par::map_large(files, |f| toml::from_str::<T>(&f.text));
        files
            .iter()
            .zip(parsed)
            .filter_map(|(f, parsed)| self.accept(f, parsed).map(|v| (f, v)))
            .collect()
    }

    /// A parsed file localised, or its problems reported.
    fn accept<T: Localise>(
        &mut self,
        file: &SourceFile,
        parsed: Result<T, toml::de::Error>,
    ) -> Option<T> {
        match parsed {
            Ok(v) => {
                if self.lang == Lang::En {
                    return Some(v);
                }
                let mut found = Vec::new();
                let v = v.localise(self.lang, &mut found);
                let at = At {
                    path: &file.path,
                    text: &file.text,
                };
                for (span, message) in found {
                    self.at(at, span, message);
                }
                Some(v)
            }
            // The English pass reports a file that does not parse.
            Err(_) if self.lang != Lang::En => None,
            Err(e) => {
                let at = At {
                    path: &file.path,
                    text: &file.text,
                };
                let message = e.message().trim().replace('\n', " ");
                self.at(at, e.span().unwrap_or(0..0), message);
                None
            }
        }
    }

    fn id(
        &mut self,
        at: At<'_>,
        id: &Spanned<String>,
        kind: &str,
        seen: &mut HashSet<String>,
    ) -> String {
        let value = id.get_ref();
        let valid = value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
        if !valid {
            self.at(
                at,
                id.span(),
                format!("{kind} id `{value}` must be lower case letters, digits, `-`, `_` or `.`"),
            );
        }
        if !seen.insert(value.clone()) {
            self.at(at, id.span(), format!("duplicate {kind} id `{value}`"));
        }
        value.clone()
    }

    fn text(&mut self, at: At<'_>, field: &Spanned<String>, what: &str) -> String {
        let value = field.get_ref().trim();
        if value.is_empty() {
            self.at(at, field.span(), format!("{what} is empty"));
        }
        value.to_string()
    }

    /// `text` of each of a list of texts.
    fn texts(&mut self, at: At<'_>, items: &[Spanned<String>], what: &str) -> Vec<String> {
        items.iter().map(|x| self.text(at, x, what)).collect()
    }

    fn date(&mut self, at: At<'_>, field: &Spanned<String>) -> Option<Date> {
        let date = Date::parse_iso(field.get_ref().trim());
        if date.is_none() {
            self.at(
                at,
                field.span(),
                format!(
                    "`{}` is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)",
                    field.get_ref()
                ),
            );
        }
        date
    }

    fn refs(
        &mut self,
        at: At<'_>,
        refs: &[Spanned<String>],
        known: &HashSet<String>,
        kind: &str,
    ) -> Vec<String> {
        for r in refs {
            if !known.contains(r.get_ref()) {
                self.at(at, r.span(), format!("unknown {kind} `{}`", r.get_ref()));
            }
        }
        refs.iter().map(|r| r.get_ref().clone()).collect()
    }

    fn build(&mut self, files: &SourceFiles) -> Option<Kb> {
        let sources = self.sources(files.sources.as_ref());
        let source_ids: HashSet<String> = sources.iter().map(|s| s.id.clone()).collect();
        let actors = self.actors(&files.actors, &source_ids);
        let actor_ids: HashSet<String> = actors.iter().map(|a| a.id.clone()).collect();
        let topics = self.topics(&files.topics, &source_ids);
        let mut events = self.events(&files.events, &source_ids, &actor_ids);
        events.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));

        let templates = Templates::new(self.lang, &events, &actors, &topics, &sources);
        let parsed: Vec<(&SourceFile, raw::IntentFile)> = self.parse_all(&files.intents);
        let written: Vec<&str> = parsed
            .iter()
            .flat_map(|(_, raw)| &raw.intent)
            .flat_map(|intent| &intent.get_ref().patterns)
            .map(|p| p.get_ref().as_str())
            .filter(|p| p.chars().count() <= MAX_PATTERN_CHARS)
            .collect();
        let precompiled = crate::par::map(&written, |src| Precompiled::new(src));
        self.precompiled = written
            .into_iter()
            .map(str::to_string)
            .zip(precompiled)
            .collect();
        let lexicon = self.lexicon(&parsed);
        let bot = self.bot(&parsed, files, &source_ids);
        let (mut intents, located) = self.intents(&parsed, &templates, &source_ids, &lexicon);
        let order = sort_intents(&mut intents);

        let compiled = std::mem::take(&mut self.compiled);
        let built = Index::build(
            self.lang, &intents, &lexicon, &actors, &topics, &events, compiled,
        );
        let index = match built {
            Ok(index) => index,
            Err(e) => {
                self.set_too_large(&parsed, &e);
                return None;
            }
        };
        let intent_ix = intents
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.clone(), i))
            .collect();
        let source_ix = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let kb = Kb {
            lang: self.lang,
            sq: None,
            bot: bot?,
            sources,
            events,
            actors,
            topics,
            intents,
            lexicon,
            index,
            source_ix,
            intent_ix,
        };

        // Checks that need the whole knowledge base: references and examples.
        // Not the examples of an answer that could not be rendered (its
        // template or the data it reads is broken, and reported): the
        // matcher would not see that answer, and the examples would be
        // reported as ambiguous on top of the real problem.
        let located: Vec<&Located> = order.iter().map(|&i| &located[i]).collect();
        let jobs: Vec<(&Intent, &Located, &Spanned<String>)> = kb
            .intents
            .iter()
            .zip(&located)
            .filter(|(intent, _)| !intent.answer.is_empty() || intent.builtin.is_some())
            .flat_map(|(intent, loc)| loc.examples.iter().map(move |e| (intent, *loc, e)))
            .collect();
        for ((intent, loc, example), why) in jobs.iter().zip(check_examples(&kb, &jobs)) {
            if let Some(why) = why {
                let at = At {
                    path: &loc.file.path,
                    text: &loc.file.text,
                };
                self.at(
                    at,
                    example.span(),
                    format!(
                        "example \"{}\" of intent `{}` {why}",
                        example.get_ref(),
                        intent.id
                    ),
                );
            }
        }
        for loc in &located {
            let at = At {
                path: &loc.file.path,
                text: &loc.file.text,
            };
            for r in &loc.related {
                if Target::from_key(&kb, r.get_ref()).is_none() {
                    self.at(
                        at,
                        r.span(),
                        format!("unknown related intent `{}`", r.get_ref()),
                    );
                }
            }
        }
        self.suggestions(&kb, &parsed);
        Some(kb)
    }

    /// Every pattern fits its own limit but the matcher's set of all of
    /// them does not: point at the first pattern of the file with the most.
    fn set_too_large(
        &mut self,
        files: &[(&SourceFile, raw::IntentFile)],
        e: &dyn std::fmt::Display,
    ) {
        let total: usize = files
            .iter()
            .flat_map(|(_, raw)| &raw.intent)
            .map(|i| i.get_ref().patterns.len())
            .sum();
        let most = files
            .iter()
            .map(|(file, raw)| {
                let patterns: Vec<&Spanned<String>> = raw
                    .intent
                    .iter()
                    .flat_map(|i| &i.get_ref().patterns)
                    .collect();
                (patterns.len(), *file, patterns.first().map(|p| p.span()))
            })
            .max_by_key(|(n, _, _)| *n);
        let detail = last_line(e);
        match most {
            Some((n, file, Some(span))) => {
                let at = At {
                    path: &file.path,
                    text: &file.text,
                };
                self.at(
                    at,
                    span,
                    format!("the {total} patterns together are too large to compile ({detail}); this file has {n} of them: simplify or remove some"),
                );
            }
            _ => self.problems.push(Problem {
                path: Path::new("intents").to_path_buf(),
                line: 0,
                col: 0,
                message: format!("the patterns together are too large to compile: {detail}"),
            }),
        }
    }
}

mod data;
mod intents;
mod patterns;

use intents::{Located, check_examples, sort_intents};
use patterns::{Precompiled, last_line};
