//! The knowledge in another language: each raw item with its Albanian
//! (`sq`) table put in place of its English wording, so that validation
//! builds the Albanian knowledge base exactly as it builds the English one.
//! Facts are not translated: ids, dates, sources, references, kinds and
//! priorities stay the English item's. What is missing, and an Albanian
//! text whose facts differ from the English (another template expression,
//! a number written by hand in one and not the other), is a problem at the
//! item's place in its file.

use std::collections::BTreeSet;
use std::ops::Range;

use toml::Spanned;

use super::raw;
use crate::matcher::Lang;

/// A problem found while localising: where, and what.
pub(super) type Found = Vec<(Range<usize>, String)>;

/// A raw item that can be read in another language.
pub(super) trait Localise: Sized {
    /// The item in `lang`, which is not English: its `sq` table put in
    /// place, with every problem pushed to `found`. (English is the items
    /// as written: validation does not call this for English.)
    fn localise(self, lang: Lang, found: &mut Found) -> Self;
}

/// `[sq]` is missing or incomplete: the message names the item.
fn missing(found: &mut Found, span: Range<usize>, what: impl std::fmt::Display) {
    found.push((span, format!("missing Albanian (sq) {what}")));
}

/// The template expressions of a text: `{{ … }}` without their spaces.
fn expressions(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.insert(
            after[..end]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
        );
        rest = &after[end + 2..];
    }
    out
}

/// The numbers written by hand in a text (outside template expressions),
/// with thousands written any way ("3,000", "3 000", "3.000" and "3000"
/// are all 3000).
fn numbers(text: &str) -> BTreeSet<String> {
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        plain.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => rest = &rest[start + end + 2..],
            None => rest = "",
        }
    }
    plain.push_str(rest);
    let chars: Vec<char> = plain.chars().collect();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut number = String::new();
        loop {
            while i < chars.len() && chars[i].is_ascii_digit() {
                number.push(chars[i]);
                i += 1;
            }
            // A thousands separator: one of , . or a space, after a group
            // of at most three digits (or a whole group), before exactly
            // three digits.
            let group = number.len() <= 3 || number.len() % 3 == 0;
            let separator =
                i < chars.len() && matches!(chars[i], ',' | '.' | ' ' | '\u{a0}' | '\u{202f}');
            let three = i + 3 < chars.len() + 1
                && chars[i + 1..]
                    .iter()
                    .take(3)
                    .filter(|c| c.is_ascii_digit())
                    .count()
                    == 3
                && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
            if group && separator && three {
                i += 1;
                continue;
            }
            break;
        }
        out.insert(number);
    }
    out
}

/// The Albanian text must state the English one's facts: the same template
/// expressions and the same numbers.
fn same_facts(found: &mut Found, what: &str, en: &str, sq: &Spanned<String>) {
    let (e, s) = (expressions(en), expressions(sq.get_ref()));
    if e != s {
        let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
            a.difference(b)
                .map(|x| format!("{{{{{x}}}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        found.push((
            sq.span(),
            format!(
                "the Albanian {what} must use the English one's template expressions (only in English: {}; only in Albanian: {})",
                or_none(only(&e, &s)),
                or_none(only(&s, &e))
            ),
        ));
    }
    let (e, s) = (numbers(en), numbers(sq.get_ref()));
    if e != s {
        let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
            a.difference(b).cloned().collect::<Vec<_>>().join(", ")
        };
        found.push((
            sq.span(),
            format!(
                "the Albanian {what} must give the English one's numbers (only in English: {}; only in Albanian: {})",
                or_none(only(&e, &s)),
                or_none(only(&s, &e))
            ),
        ));
    }
}

fn or_none(s: String) -> String {
    if s.is_empty() { "none".to_string() } else { s }
}

impl Localise for raw::IntentFile {
    fn localise(mut self, lang: Lang, found: &mut Found) -> Self {
        self.intent = self
            .intent
            .into_iter()
            .map(|i| {
                let span = i.span();
                Spanned::new(span, i.into_inner().localise(lang, found))
            })
            .collect();
        if let Some(lexicon) = &self.lexicon
            && self.lexicon_sq.is_none()
        {
            missing(found, lexicon.span(), "lexicon: add a [lexicon_sq] table");
        }
        self.lexicon = self.lexicon_sq.take();
        if let Some(bot) = self.bot.take() {
            let span = bot.span();
            self.bot = Some(Spanned::new(span, bot.into_inner().localise(lang, found)));
        }
        self
    }
}

impl Localise for raw::Intent {
    fn localise(mut self, _lang: Lang, found: &mut Found) -> Self {
        let id = self.id.get_ref().clone();
        let Some(sq) = self.sq.take() else {
            missing(
                found,
                self.id.span(),
                format_args!("text for intent `{id}`: add an [intent.sq] table"),
            );
            return self;
        };
        let span = sq.span();
        let sq = sq.into_inner();
        let mut field = |en: &Option<Spanned<String>>, sq: Option<Spanned<String>>, name: &str| {
            match (en, sq) {
                (Some(_), None) => {
                    missing(found, span.clone(), format_args!("{name} of intent `{id}`"));
                    en.clone()
                }
                (_, sq) => sq,
            }
        };
        let title = field(&self.title, sq.title, "title");
        let button = field(&self.button, sq.button, "button");
        let answer = field(&self.answer, sq.answer, "answer");
        if let (Some(en), Some(sq)) = (&self.answer, &answer)
            && sq.span() != en.span()
        {
            same_facts(found, &format!("answer of intent `{id}`"), en.get_ref(), sq);
        }
        if sq.examples.is_empty() {
            missing(
                found,
                span.clone(),
                format_args!("examples of intent `{id}`"),
            );
        }
        if !self.keywords.is_empty() && sq.keywords.is_empty() {
            missing(
                found,
                span.clone(),
                format_args!("keywords of intent `{id}`"),
            );
        }
        self.title = title;
        self.button = button;
        self.answer = answer;
        self.examples = sq.examples;
        self.keywords = sq.keywords;
        self.patterns = sq.patterns;
        self
    }
}

impl Localise for raw::Bot {
    fn localise(mut self, _lang: Lang, found: &mut Found) -> Self {
        let Some(sq) = self.sq.take() else {
            missing(found, self.name.span(), "bot texts: add a [bot.sq] table");
            return self;
        };
        let span = sq.span();
        let sq = sq.into_inner();
        self.about = sq.about;
        self.decline = sq.decline;
        match (&self.headline, sq.headline) {
            (Some(_), None) => missing(found, span, "headline"),
            (_, headline) => self.headline = headline,
        }
        self
    }
}

impl Localise for raw::Event {
    fn localise(mut self, _lang: Lang, found: &mut Found) -> Self {
        let id = self.id.get_ref().clone();
        let Some(sq) = self.sq.take() else {
            missing(
                found,
                self.id.span(),
                format_args!("text for event `{id}`: add an [sq] table"),
            );
            return self;
        };
        let span = sq.span();
        let sq = sq.into_inner();
        same_facts(
            found,
            &format!("summary of event `{id}`"),
            self.summary.get_ref(),
            &sq.summary,
        );
        self.title = sq.title;
        self.summary = sq.summary;
        match (&self.note, sq.note) {
            (Some(_), None) => missing(found, span, format_args!("note of event `{id}`")),
            (_, note) => self.note = note,
        }
        // English tags still name what it is about ("mek", "tims").
        self.tags.extend(sq.tags);
        self
    }
}

/// The fields an actor and a topic share, to be put in Albanian.
struct Named<'a> {
    kind: &'a str,
    id: &'a Spanned<String>,
    name: &'a mut Spanned<String>,
    aliases: &'a mut Vec<Spanned<String>>,
    descriptions: &'a mut Vec<Spanned<String>>,
    summary: &'a mut Spanned<String>,
}

/// The Albanian of an actor or a topic, shared by both; the rest of its
/// `[sq]` table for the caller.
fn named(
    found: &mut Found,
    n: Named<'_>,
    sq: Option<Spanned<raw::NamedSq>>,
) -> Option<raw::NamedSq> {
    let Some(sq) = sq else {
        missing(
            found,
            n.id.span(),
            format_args!(
                "text for {} `{}`: add an [sq] table",
                n.kind,
                n.id.get_ref()
            ),
        );
        return None;
    };
    let mut sq = sq.into_inner();
    let what = format!("summary of {} `{}`", n.kind, n.id.get_ref());
    same_facts(found, &what, n.summary.get_ref(), &sq.summary);
    // Albanian readers type the English names too ("Tehran", "MEK").
    let english = std::mem::take(n.aliases);
    if let Some(albanian) = sq.name.take() {
        n.aliases.push(std::mem::replace(n.name, albanian));
    }
    n.aliases.extend(english);
    n.aliases.append(&mut sq.aliases);
    *n.descriptions = std::mem::take(&mut sq.descriptions);
    *n.summary = sq.summary.clone();
    Some(sq)
}

impl Localise for raw::Actor {
    fn localise(mut self, _lang: Lang, found: &mut Found) -> Self {
        let sq = self.sq.take();
        let id = self.id.clone();
        let fields = Named {
            kind: "actor",
            id: &id,
            name: &mut self.name,
            aliases: &mut self.aliases,
            descriptions: &mut self.descriptions,
            summary: &mut self.summary,
        };
        if let Some(sq) = named(found, fields, sq) {
            match (&self.role, sq.role) {
                (Some(role), None) => missing(
                    found,
                    role.span(),
                    format_args!("role of actor `{}`", id.get_ref()),
                ),
                (_, role) => self.role = role,
            }
        }
        self
    }
}

impl Localise for raw::Topic {
    fn localise(mut self, _lang: Lang, found: &mut Found) -> Self {
        let sq = self.sq.take();
        let id = self.id.clone();
        let fields = Named {
            kind: "topic",
            id: &id,
            name: &mut self.name,
            aliases: &mut self.aliases,
            descriptions: &mut self.descriptions,
            summary: &mut self.summary,
        };
        named(found, fields, sq);
        self
    }
}

impl Localise for raw::SourceFile {
    fn localise(self, _lang: Lang, _found: &mut Found) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_template_expressions_and_numbers() {
        let en = r#"On {{ event("x").date | date }} about 3,000 left, {{actor("y").name}} said."#;
        assert_eq!(
            expressions(en),
            BTreeSet::from([
                "actor(\"y\").name".to_string(),
                "event(\"x\").date|date".to_string()
            ])
        );
        assert_eq!(numbers(en), BTreeSet::from(["3000".to_string()]));
        for same in ["3000", "3 000", "3.000", "3,000"] {
            assert_eq!(
                numbers(same),
                BTreeSet::from(["3000".to_string()]),
                "{same}"
            );
        }
        assert_eq!(
            numbers("in 2022, 150 computers; DEV-0842 and 13694"),
            BTreeSet::from(["2022", "150", "0842", "13694"].map(String::from))
        );
        let mut found = Found::new();
        let sq = Spanned::new(
            0..1,
            r#"Më {{ event("x").date|date }} u larguan rreth 3 000, tha {{ actor("y").name }}."#
                .to_string(),
        );
        same_facts(&mut found, "answer", en, &sq);
        assert!(found.is_empty(), "{found:?}");
        let wrong = Spanned::new(0..1, "Më 7 shtator u larguan 3000.".to_string());
        same_facts(&mut found, "answer", en, &wrong);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0]
                .1
                .contains("only in English: {{actor(\"y\").name}}"),
            "{}",
            found[0].1
        );
        assert!(found[1].1.contains("only in Albanian: 7"), "{}", found[1].1);
    }
}
