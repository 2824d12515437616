//! Raw files to a validated `Kb`. Every problem is collected — bad TOML,
//! unknown or missing fields, duplicate ids, bad regexes, unknown references,
//! template errors, examples that resolve to another intent — each located at
//! its file, line and column. Either everything is valid and a `Kb` comes out,
//! or nothing does: the knowledge never half-loads.

use std::collections::{BTreeMap, HashMap, HashSet};
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

/// A pattern's parse as written, and its ASCII form compiled as the
/// matcher runs it: the slow parts of checking a pattern, done for all
/// patterns at once on every core before the checks report in file order.
struct Precompiled {
    syntax: Result<(), regex_syntax::Error>,
    ascii: String,
    compiled: Result<matcher::Pattern, matcher::PatternError>,
}

impl Precompiled {
    fn new(src: &str) -> Precompiled {
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
            compiled: HashMap::new(),
            precompiled: HashMap::new(),
        }
    }

    /// A file's raw items, in the language being built.
    fn parse<T: DeserializeOwned + Localise>(&mut self, file: &SourceFile) -> Option<T> {
        match toml::from_str::<T>(&file.text) {
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
        let parsed: Vec<(&SourceFile, raw::IntentFile)> = files
            .intents
            .iter()
            .filter_map(|f| self.parse(f).map(|raw| (f, raw)))
            .collect();
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
        let located: Vec<&Located> = order.iter().map(|&i| &located[i]).collect();
        let jobs: Vec<(&Intent, &Located, &Spanned<String>)> = kb
            .intents
            .iter()
            .zip(&located)
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

    fn sources(&mut self, file: Option<&SourceFile>) -> Vec<Source> {
        let Some(file) = file else { return Vec::new() };
        let Some(raw) = self.parse::<raw::SourceFile>(file) else {
            return Vec::new();
        };
        let at = At {
            path: &file.path,
            text: &file.text,
        };
        let mut seen = HashSet::new();
        raw.source
            .iter()
            .map(|s| {
                let s = s.get_ref();
                Source {
                    id: self.id(at, &s.id, "source", &mut seen),
                    title: self.text(at, &s.title, "title"),
                    publisher: self.text(at, &s.publisher, "publisher"),
                    date: s.date.as_ref().and_then(|d| self.date(at, d)),
                    url: s.url.as_ref().and_then(|u| self.url(at, u)),
                }
            })
            .collect()
    }

    /// A source's URL: absolute `http` or `https`, short enough to be a
    /// Telegram link. A blank one is no URL.
    fn url(&mut self, at: At<'_>, field: &Spanned<String>) -> Option<String> {
        let value = field.get_ref().trim();
        if value.is_empty() {
            return None;
        }
        let chars = value.chars().count();
        let problem = match url::Url::parse(value) {
            _ if chars > MAX_URL_CHARS => {
                format!("url is {chars} characters long (limit {MAX_URL_CHARS})")
            }
            Ok(u)
                if matches!(u.scheme(), "http" | "https")
                    && !value.contains(char::is_whitespace) =>
            {
                return Some(value.to_string());
            }
            Ok(u) => format!(
                "url `{value}` is not a web address (http or https, not `{}`, no spaces)",
                u.scheme()
            ),
            Err(e) => format!("url `{value}` is not a web address: {e}"),
        };
        self.at(at, field.span(), problem);
        None
    }

    fn cited(
        &mut self,
        at: At<'_>,
        sources: &Spanned<Vec<Spanned<String>>>,
        known: &HashSet<String>,
    ) -> Vec<String> {
        if sources.get_ref().is_empty() {
            self.at(
                at,
                sources.span(),
                "`sources` is empty: every fact names its source",
            );
        }
        self.refs(at, sources.get_ref(), known, "source")
    }

    fn actors(&mut self, files: &[SourceFile], sources: &HashSet<String>) -> Vec<Actor> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for file in files {
            let Some(a) = self.parse::<raw::Actor>(file) else {
                continue;
            };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            let kind = EntityKind::parse(a.kind.get_ref()).unwrap_or_else(|| {
                self.at(
                    at,
                    a.kind.span(),
                    format!(
                        "unknown kind `{}` (person, organisation, country or company)",
                        a.kind.get_ref()
                    ),
                );
                EntityKind::Organisation
            });
            out.push(Actor {
                id: self.id(at, &a.id, "actor", &mut seen),
                name: self.text(at, &a.name, "name"),
                aliases: self.texts(at, &a.aliases, "alias"),
                kind,
                role: a.role.as_ref().map(|r| self.text(at, r, "role")),
                stands_for: a
                    .stands_for
                    .as_ref()
                    .map(|x| self.text(at, x, "stands_for")),
                descriptions: self.texts(at, &a.descriptions, "description"),
                summary: self.text(at, &a.summary, "summary"),
                sources: self.cited(at, &a.sources, sources),
            });
        }
        out
    }

    fn topics(&mut self, files: &[SourceFile], sources: &HashSet<String>) -> Vec<Topic> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for file in files {
            let Some(t) = self.parse::<raw::Topic>(file) else {
                continue;
            };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            out.push(Topic {
                id: self.id(at, &t.id, "topic", &mut seen),
                name: self.text(at, &t.name, "name"),
                aliases: self.texts(at, &t.aliases, "alias"),
                stands_for: t
                    .stands_for
                    .as_ref()
                    .map(|x| self.text(at, x, "stands_for")),
                descriptions: self.texts(at, &t.descriptions, "description"),
                summary: self.text(at, &t.summary, "summary"),
                sources: self.cited(at, &t.sources, sources),
            });
        }
        out
    }

    fn events(
        &mut self,
        files: &[SourceFile],
        sources: &HashSet<String>,
        actors: &HashSet<String>,
    ) -> Vec<Event> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for file in files {
            let Some(e) = self.parse::<raw::Event>(file) else {
                continue;
            };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            let id = self.id(at, &e.id, "event", &mut seen);
            let date = self.date(at, &e.date);
            let added = e.added.as_ref().and_then(|d| self.date(at, d));
            let updated = e.updated.as_ref().and_then(|d| self.date(at, d));
            let event = Event {
                id,
                date: date.unwrap_or(Date {
                    year: 0,
                    month: None,
                    day: None,
                }),
                title: self.text(at, &e.title, "title"),
                summary: self.text(at, &e.summary, "summary"),
                actors: self.refs(at, &e.actors, actors, "actor"),
                tags: e
                    .tags
                    .iter()
                    .map(|t| t.get_ref().trim().to_string())
                    .collect(),
                sources: self.cited(at, &e.sources, sources),
                note: e.note.as_ref().map(|n| self.text(at, n, "note")),
                added,
                updated,
                key: e.key,
            };
            out.push(event);
        }
        out
    }

    fn lexicon(&mut self, files: &[(&SourceFile, raw::IntentFile)]) -> Vec<(Vec<String>, String)> {
        let mut seen: HashMap<Vec<String>, String> = HashMap::new();
        let mut out = Vec::new();
        for (file, raw) in files {
            let Some(lexicon) = &raw.lexicon else {
                continue;
            };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            let canonical: BTreeMap<&String, &Spanned<Vec<Spanned<String>>>> =
                lexicon.get_ref().iter().collect();
            for (term, variants) in canonical {
                let term_folded = text::fold(term);
                if term_folded.is_empty() {
                    self.at(
                        at,
                        variants.span(),
                        format!("lexicon term `{term}` has no letters"),
                    );
                    continue;
                }
                for variant in variants.get_ref() {
                    let words: Vec<String> = text::fold(variant.get_ref())
                        .split(' ')
                        .map(str::to_string)
                        .collect();
                    if words.iter().all(String::is_empty) {
                        self.at(at, variant.span(), "lexicon variant has no letters");
                        continue;
                    }
                    if let Some(other) = seen.get(&words) {
                        if *other != term_folded {
                            self.at(
                                at,
                                variant.span(),
                                format!(
                                    "lexicon variant `{}` is already under `{other}`",
                                    variant.get_ref()
                                ),
                            );
                        }
                        continue;
                    }
                    seen.insert(words.clone(), term_folded.clone());
                    out.push((words, term_folded.clone()));
                }
            }
        }
        out
    }

    fn bot(
        &mut self,
        files: &[(&SourceFile, raw::IntentFile)],
        all: &SourceFiles,
        sources: &HashSet<String>,
    ) -> Option<Bot> {
        let mut found: Option<Bot> = None;
        for (file, raw) in files {
            let Some(bot) = &raw.bot else { continue };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            self.albanian |= bot.get_ref().sq.is_some();
            if found.is_some() {
                self.at(
                    at,
                    bot.span(),
                    "a second [bot] table: there must be exactly one",
                );
                continue;
            }
            let b = bot.get_ref();
            let headline = match (&b.headline, &b.headline_sources) {
                (Some(text), Some(cited)) => Some((
                    self.text(at, text, "headline"),
                    self.cited(at, cited, sources),
                )),
                (Some(text), None) => {
                    self.at(
                        at,
                        text.span(),
                        "a headline needs headline_sources: the ids of its sources",
                    );
                    None
                }
                (None, Some(cited)) => {
                    self.at(at, cited.span(), "headline_sources without a headline");
                    None
                }
                (None, None) => None,
            };
            found = Some(Bot {
                headline,
                name: self.text(at, &b.name, "bot name"),
                about: self.text(at, &b.about, "bot about"),
                decline: self.text(at, &b.decline, "decline"),
                suggestions: b.suggestions.iter().map(|s| s.get_ref().clone()).collect(),
            });
        }
        if found.is_none() {
            let path = all
                .intents
                .first()
                .and_then(|f| f.path.parent())
                .map_or_else(|| Path::new("intents").to_path_buf(), Path::to_path_buf);
            self.problems.push(Problem {
                path,
                line: 0,
                col: 0,
                message: "no [bot] table in any intents file (name, about, decline)".to_string(),
            });
        }
        found
    }

    /// The `[bot]` suggestions must name known targets.
    fn suggestions(&mut self, kb: &Kb, files: &[(&SourceFile, raw::IntentFile)]) {
        for (file, raw) in files {
            let Some(bot) = &raw.bot else { continue };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            for s in &bot.get_ref().suggestions {
                if Target::from_key(kb, s.get_ref()).is_none() {
                    self.at(
                        at,
                        s.span(),
                        format!("unknown suggested intent `{}`", s.get_ref()),
                    );
                }
            }
        }
    }

    fn intents<'f>(
        &mut self,
        files: &[(&'f SourceFile, raw::IntentFile)],
        templates: &Templates,
        sources: &HashSet<String>,
        lexicon: &[(Vec<String>, String)],
    ) -> (Vec<Intent>, Vec<Located<'f>>) {
        let mut seen = HashSet::new();
        // Keyword terms go through the lexicon, as questions do; built once.
        let lexicon_index = Index::lexicon_only(self.lang, lexicon);
        let mut intents = Vec::new();
        let mut located = Vec::new();
        for (file, raw) in files {
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            for spanned in &raw.intent {
                let r = spanned.get_ref();
                let id = self.id(at, &r.id, "intent", &mut seen);
                if RESERVED_IDS.contains(&id.as_str()) {
                    self.at(
                        at,
                        r.id.span(),
                        format!("intent id `{id}` is reserved for a built-in intent"),
                    );
                }
                let builtin = r.builtin.as_ref().and_then(|b| match b.get_ref().as_str() {
                    "timeline" => Some(Builtin::Timeline),
                    other => {
                        self.at(
                            at,
                            b.span(),
                            format!("unknown builtin `{other}` (the only one is `timeline`)"),
                        );
                        None
                    }
                });
                let patterns = self.patterns(at, &id, &r.patterns);
                let keywords = self.keywords(at, &r.keywords, &lexicon_index);
                if r.examples.len() < MIN_EXAMPLES {
                    self.at(
                        at,
                        r.id.span(),
                        format!(
                            "intent `{id}` has {} examples; give at least {MIN_EXAMPLES}",
                            r.examples.len()
                        ),
                    );
                }
                let answer = match (&r.answer, builtin) {
                    (Some(answer), _) => self.answer(at, answer, templates),
                    (None, Some(_)) => String::new(),
                    (None, None) => {
                        self.at(at, r.id.span(), format!("intent `{id}` has no `answer`"));
                        String::new()
                    }
                };
                let title = r.title.as_ref().map(|t| self.text(at, t, "title"));
                let button = r.button.as_ref().map(|b| self.text(at, b, "button"));
                if !r.small_talk && title.is_none() && builtin.is_none() {
                    self.at(at, r.id.span(), format!("intent `{id}` has no `title`"));
                }
                if r.sources.is_empty() && !r.small_talk && builtin.is_none() {
                    self.at(at, r.id.span(), format!("intent `{id}` names no `sources`"));
                }
                intents.push(Intent {
                    title: title.unwrap_or_default(),
                    button: button
                        .or_else(|| r.examples.first().map(|e| e.get_ref().clone()))
                        .unwrap_or_else(|| id.clone()),
                    id,
                    patterns,
                    keywords,
                    examples: r.examples.iter().map(|e| e.get_ref().clone()).collect(),
                    answer,
                    related: r.related.iter().map(|x| x.get_ref().clone()).collect(),
                    sources: self.refs(at, &r.sources, sources, "source"),
                    priority: r.priority,
                    small_talk: r.small_talk,
                    kinds: self.kinds(at, &r.kinds),
                    builtin,
                });
                located.push(Located {
                    file,
                    related: r.related.clone(),
                    examples: r.examples.clone(),
                });
            }
        }
        (intents, located)
    }

    /// The kinds an intent declares; an unknown name is a problem.
    fn kinds(&mut self, at: At<'_>, kinds: &[Spanned<String>]) -> Vec<QuestionKind> {
        let mut out = Vec::new();
        for k in kinds {
            match QuestionKind::from_name(k.get_ref()) {
                Some(kind) => out.push(kind),
                None => self.at(
                    at,
                    k.span(),
                    format!(
                        "unknown question kind `{}` (known: who, when, where, why, how, how many, yes/no, what)",
                        k.get_ref()
                    ),
                ),
            }
        }
        out
    }

    fn patterns(&mut self, at: At<'_>, id: &str, patterns: &[Spanned<String>]) -> Vec<String> {
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

    fn keywords(
        &mut self,
        at: At<'_>,
        groups: &[Spanned<raw::KeywordGroup>],
        index: &Index,
    ) -> Vec<KeywordGroup> {
        groups
            .iter()
            .map(|g| {
                let raw = g.get_ref();
                if !(raw.weight.is_finite() && raw.weight > 0.0) {
                    self.at(at, g.span(), "keyword weight must be a positive number");
                }
                if raw.any.is_empty() {
                    self.at(at, g.span(), "keyword group has no words (`any = [...]`)");
                }
                let any = raw
                    .any
                    .iter()
                    .filter_map(|w| {
                        let stems = index.prepare(w.get_ref(), false).stems;
                        if stems.is_empty() {
                            self.at(at, w.span(), "keyword has no letters");
                            return None;
                        }
                        Some(stems)
                    })
                    .collect();
                KeywordGroup {
                    any,
                    weight: raw.weight,
                    required: raw.required,
                }
            })
            .collect()
    }

    fn answer(&mut self, at: At<'_>, answer: &Spanned<String>, templates: &Templates) -> String {
        match templates.render(answer.get_ref()) {
            Ok(text) if text.is_empty() => {
                self.at(at, answer.span(), "answer is empty");
                text
            }
            Ok(text) => {
                let chars = text.chars().count();
                if chars > MAX_ANSWER_CHARS {
                    self.at(
                        at,
                        answer.span(),
                        format!(
                            "answer renders to {chars} characters; keep it under {MAX_ANSWER_CHARS}"
                        ),
                    );
                }
                text
            }
            Err(e) => {
                let (line, col) = at.locate(answer.span().start);
                // A multi-line string starts on the line after its opening quotes.
                let raw = &at.text[answer.span()];
                let first = usize::from(raw.starts_with("\"\"\"\n") || raw.starts_with("'''\n"));
                let line = line + first + e.line - 1;
                let col = if first + e.line - 1 == 0 { col } else { 1 };
                self.problems.push(Problem {
                    path: at.path.to_path_buf(),
                    line,
                    col,
                    message: e.message,
                });
                String::new()
            }
        }
    }
}

/// Each example must be answered with its own intent: for each (intent,
/// example), why it is not, or `None`. The examples are independent, so they
/// are asked on every core (the answers do not depend on the split).
fn check_examples(
    kb: &Kb,
    jobs: &[(&Intent, &Located<'_>, &Spanned<String>)],
) -> Vec<Option<String>> {
    crate::par::map(jobs, |(intent, _, example)| {
        example_problem(kb, intent, example.get_ref())
    })
}

/// The last line of an error's message: regex and regex-automata put the
/// pattern and a caret above it, which the located message already gives.
fn last_line(e: &dyn std::fmt::Display) -> String {
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

fn example_problem(kb: &Kb, intent: &Intent, example: &str) -> Option<String> {
    let m = matcher::best_match(kb, example);
    Some(match &m.decision {
        Decision::Answer(Target::Intent(i)) if kb.intents[*i].id == intent.id => return None,
        Decision::Answer(other) => {
            format!("resolves to `{}` (score {:.2})", other.key(kb), m.score())
        }
        Decision::Choices(choices) => format!(
            "is ambiguous: \"did you mean\" {}",
            choices
                .iter()
                .map(|c| format!("`{}`", c.key(kb)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Decision::Decline => format!("is declined (best score {:.2})", m.score()),
    })
}

/// Where an intent's cross-checked fields are, for messages after sorting.
struct Located<'f> {
    file: &'f SourceFile,
    related: Vec<Spanned<String>>,
    examples: Vec<Spanned<String>>,
}

/// Sorts intents by id; returns, for each new position, the old one.
fn sort_intents(intents: &mut Vec<Intent>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..intents.len()).collect();
    order.sort_by(|&a, &b| intents[a].id.cmp(&intents[b].id).then(a.cmp(&b)));
    let mut old: Vec<Option<Intent>> = std::mem::take(intents).into_iter().map(Some).collect();
    *intents = order
        .iter()
        .map(|&i| old[i].take().expect("each index once"))
        .collect();
    order
}
