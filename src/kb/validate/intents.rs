//! Validation of the intent files: the lexicon, the bot, the intents and
//! their keywords, kinds and answers, and the examples asked through the
//! matcher.

use super::*;

impl Validator {
    pub(super) fn lexicon(
        &mut self,
        files: &[(&SourceFile, raw::IntentFile)],
    ) -> Vec<(Vec<String>, String)> {
        let mut seen: HashMap<Vec<String>, String> = HashMap::default();
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

    pub(super) fn bot(
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
    pub(super) fn suggestions(&mut self, kb: &Kb, files: &[(&SourceFile, raw::IntentFile)]) {
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

    pub(super) fn intents<'f>(
        &mut self,
        files: &[(&'f SourceFile, raw::IntentFile)],
        templates: &Templates,
        sources: &HashSet<String>,
        lexicon: &[(Vec<String>, String)],
    ) -> (Vec<Intent>, Vec<Located<'f>>) {
        let mut seen = HashSet::default();
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
                let gives_date = r
                    .answer
                    .as_ref()
                    .is_some_and(|a| a.get_ref().contains(".date"))
                    || Lang::states_date(&answer);
                intents.push(Intent {
                    gives_date,
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
    pub(super) fn kinds(&mut self, at: At<'_>, kinds: &[Spanned<String>]) -> Vec<QuestionKind> {
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

    pub(super) fn keywords(
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

    pub(super) fn answer(
        &mut self,
        at: At<'_>,
        answer: &Spanned<String>,
        templates: &Templates,
    ) -> String {
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
pub(super) fn check_examples(
    kb: &Kb,
    jobs: &[(&Intent, &Located<'_>, &Spanned<String>)],
) -> Vec<Option<String>> {
    crate::par::map(jobs, |(intent, _, example)| {
        example_problem(kb, intent, example.get_ref())
    })
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
pub(super) struct Located<'f> {
    pub(super) file: &'f SourceFile,
    pub(super) related: Vec<Spanned<String>>,
    pub(super) examples: Vec<Spanned<String>>,
}

/// Sorts intents by id; returns, for each new position, the old one.
pub(super) fn sort_intents(intents: &mut Vec<Intent>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..intents.len()).collect();
    order.sort_by(|&a, &b| intents[a].id.cmp(&intents[b].id).then(a.cmp(&b)));
    let mut old: Vec<Option<Intent>> = std::mem::take(intents).into_iter().map(Some).collect();
    *intents = order
        .iter()
        .map(|&i| old[i].take().expect("each index once"))
        .collect();
    order
}
