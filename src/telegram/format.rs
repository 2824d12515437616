//! A `Reply` as Telegram HTML, and messages split to Telegram's limit.
//! Pure. Every piece of text is escaped; the only markup is our own (`<b>`,
//! `<i>`, `<a href>`), and it never spans a line and never runs longer than
//! about 2,000 characters without closing, so splitting on a line boundary, or
//! between two elements of an overlong line, never cuts a tag.

use crate::render::Reply;

/// Telegram's limit on one message, in characters (after entity parsing).
pub const MAX_MESSAGE_CHARS: usize = 4096;
/// An element (`<b>…</b>` and the like) is closed and opened again once it
/// holds this many characters of escaped text, so that an overlong line can
/// be split between elements.
const MAX_ELEMENT_CHARS: usize = 1024;
/// A source URL longer than this once escaped is not made a link (the
/// citation still shows): no real URL is this long, and the tag must fit a
/// message with room to spare.
pub const MAX_LINK_CHARS: usize = 1024;

/// Escapes the three characters Telegram's HTML parse mode requires.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) -> usize {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        c => {
            out.push(c);
            return 1;
        }
    }
    if c == '&' { 5 } else { 4 }
}

/// The reply as Telegram HTML: a bold title, the body, the sources in
/// italics with links. Related questions become buttons, not text.
pub fn html(reply: &Reply) -> String {
    let mut w = Writer::default();
    let bold = Style {
        bold: true,
        ..Style::default()
    };
    let italic = Style {
        italic: true,
        ..Style::default()
    };
    if let Some(title) = &reply.title {
        w.run(bold, title);
        w.run(Style::default(), "\n");
    }
    w.run(Style::default(), &reply.body);
    if !reply.sources.is_empty() {
        w.run(Style::default(), "\n");
        let texts = crate::i18n::texts(reply.lang);
        let label = if reply.sources.len() == 1 {
            texts.source
        } else {
            texts.sources
        };
        w.run(italic, &format!("{label}: "));
        for (i, c) in reply.sources.iter().enumerate() {
            if i > 0 {
                w.run(italic, "; ");
            }
            let href = c.url.as_deref().and_then(href);
            w.run(
                Style {
                    link: href.as_deref(),
                    ..italic
                },
                &c.text,
            );
        }
        w.run(italic, ".");
    }
    w.finish()
}

/// A URL as an `href` value, or `None` when it cannot be one: blank, with
/// spaces or control characters, or too long.
fn href(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let value = escape(url).replace('"', "&quot;");
    (value.chars().count() <= MAX_LINK_CHARS).then_some(value)
}

/// How a run of text is marked up. Tags nest in this order: `<b>`, `<i>`,
/// `<a>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Style<'a> {
    bold: bool,
    italic: bool,
    /// The escaped `href`.
    link: Option<&'a str>,
}

/// Writes runs of styled text as HTML. Tags open only at a character that
/// shows (never around whitespace alone), close before every newline, and
/// close and reopen once an element holds `MAX_ELEMENT_CHARS` characters.
#[derive(Default)]
struct Writer {
    out: String,
    /// The tags open: bold, italic, and the link's escaped href.
    bold: bool,
    italic: bool,
    link: Option<String>,
    /// Characters written since the outermost open tag.
    element: usize,
}

impl Writer {
    fn run(&mut self, style: Style<'_>, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.close_to(Style::default());
                self.out.push('\n');
                continue;
            }
            if self.element >= MAX_ELEMENT_CHARS {
                self.close_to(Style::default());
            }
            self.close_to(style);
            if !c.is_whitespace() {
                self.open_to(style);
            }
            let written = push_escaped(&mut self.out, c);
            if self.bold || self.italic || self.link.is_some() {
                self.element += written;
            }
        }
    }

    /// Closes the open tags that `style` does not share, innermost first.
    fn close_to(&mut self, style: Style<'_>) {
        let keep_bold = self.bold && style.bold;
        let keep_italic = keep_bold == self.bold && self.italic && style.italic;
        let keep_link = keep_italic == self.italic
            && keep_bold == self.bold
            && self.link.is_some()
            && self.link.as_deref() == style.link;
        if self.link.is_some() && !keep_link {
            self.out.push_str("</a>");
            self.link = None;
        }
        if self.italic && !keep_italic {
            self.out.push_str("</i>");
            self.italic = false;
        }
        if self.bold && !keep_bold {
            self.out.push_str("</b>");
            self.bold = false;
        }
        if !(self.bold || self.italic || self.link.is_some()) {
            self.element = 0;
        }
    }

    /// Opens the tags of `style` not yet open (after `close_to(style)`).
    fn open_to(&mut self, style: Style<'_>) {
        if style.bold && !self.bold {
            self.out.push_str("<b>");
            self.bold = true;
        }
        if style.italic && !self.italic {
            self.out.push_str("<i>");
            self.italic = true;
        }
        if let Some(href) = style.link
            && self.link.is_none()
        {
            self.out.push_str(&format!("<a href=\"{href}\">"));
            self.link = Some(href.to_string());
        }
    }

    fn finish(mut self) -> String {
        self.close_to(Style::default());
        self.out
    }
}

/// Splits a message into pieces of at most `max` characters: on paragraph
/// boundaries where possible, then on line boundaries; only a line longer
/// than `max` by itself is cut inside, between two elements of our markup
/// and never inside a tag or an entity (at a space when one is near). The
/// separators at the cuts, and blank pieces, are dropped; every piece is a
/// verbatim part of `text`, in order, and nothing else is lost. Works on
/// plain text as well: a cut moves only to keep `<…>` and `&…;` whole.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut pieces = Vec::new();
    let mut packer = Packer {
        max,
        current: String::new(),
        len: 0,
    };
    for paragraph in text.split("\n\n") {
        if paragraph.chars().count() <= max {
            packer.add(paragraph, "\n\n", &mut pieces);
            continue;
        }
        for (i, line) in paragraph.split('\n').enumerate() {
            // The first line of a paragraph follows a paragraph break.
            let separator = if i == 0 { "\n\n" } else { "\n" };
            if line.chars().count() <= max {
                packer.add(line, separator, &mut pieces);
                continue;
            }
            packer.flush(&mut pieces);
            pieces.extend(
                cut(line, max)
                    .into_iter()
                    .filter(|p| !p.trim().is_empty())
                    .map(str::to_string),
            );
        }
    }
    packer.flush(&mut pieces);
    if pieces.is_empty() {
        pieces.push(String::new());
    }
    pieces
}

/// Cuts a line into parts of at most `max` characters. Each cut is at the
/// last place within the limit that is outside every tag, entity and element
/// (preferring one after a space in the second half); failing that, outside
/// a tag or entity; failing that (a `max` smaller than a tag), at `max`.
fn cut(line: &str, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = line;
    // The byte offset after `max` characters, while there are more.
    while let Some((limit, _)) = rest.char_indices().nth(max) {
        let mut depth = 0usize;
        // Byte offsets where a cut may go, by kind: after a space outside
        // every element, outside every element, outside a tag or entity.
        let (mut spaced, mut outside, mut free) = (None, None, None);
        let mut chars = rest.char_indices();
        let mut count = 0;
        while let Some((i, c)) = chars.next() {
            let mut end = i + c.len_utf8();
            count += 1;
            // Keep `<tag>` and `&entity;` whole.
            if let Some(len) = markup_len(&rest[i..], c) {
                end = i + len;
                if c == '<' {
                    if rest[i..].starts_with("</") {
                        depth = depth.saturating_sub(1);
                    } else {
                        depth += 1;
                    }
                }
                for _ in rest[i..end].chars().skip(1) {
                    chars.next();
                    count += 1;
                }
            }
            if end > limit {
                break;
            }
            free = Some(end);
            if depth == 0 {
                outside = Some(end);
                if c.is_whitespace() && count * 2 >= max {
                    spaced = Some(end);
                }
            }
        }
        let at = spaced.or(outside).or(free).unwrap_or(limit);
        parts.push(&rest[..at]);
        rest = &rest[at..];
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts
}

/// The length in bytes of a tag (`<` then a letter or `/`, up to `>`) or an
/// entity (`&`, up to 10 letters, digits or `#`, then `;`) at the start of
/// `s`, if there is one.
fn markup_len(s: &str, open: char) -> Option<usize> {
    let body = s.get(1..)?;
    match open {
        '<' => {
            let first = body.chars().next()?;
            if !(first.is_ascii_alphabetic() || first == '/') {
                return None;
            }
            let end = body.find(['>', '<', '\n'])?;
            (body.as_bytes()[end] == b'>').then_some(end + 2)
        }
        '&' => {
            let end = body.find(';')?;
            let name = &body[..end];
            (!name.is_empty()
                && name.len() <= 10
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '#'))
            .then_some(end + 2)
        }
        _ => None,
    }
}

/// Packs parts into the current piece while they fit.
struct Packer {
    max: usize,
    current: String,
    /// `current`'s length in characters.
    len: usize,
}

impl Packer {
    fn add(&mut self, part: &str, separator: &str, pieces: &mut Vec<String>) {
        let len = part.chars().count();
        if self.len > 0 && self.len + separator.len() + len > self.max {
            self.flush(pieces);
        }
        if self.len > 0 {
            self.current.push_str(separator);
            self.len += separator.len();
        }
        self.current.push_str(part);
        self.len += len;
    }

    fn flush(&mut self, pieces: &mut Vec<String>) {
        if !self.current.trim().is_empty() {
            pieces.push(std::mem::take(&mut self.current));
        }
        self.current.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Citation, Reply};

    #[test]
    fn html_escapes_every_piece_of_text() {
        let reply = Reply {
            lang: crate::matcher::Lang::En,
            title: Some("A <b> & B".to_string()),
            body: "x < y && z > w".to_string(),
            sources: vec![Citation {
                text: "T&C \"q\"".to_string(),
                url: Some("https://e.x/?a=1&b=\"2\"".to_string()),
            }],
            related: vec![],
        };
        assert_eq!(
            html(&reply),
            "<b>A &lt;b&gt; &amp; B</b>\nx &lt; y &amp;&amp; z &gt; w\n<i>Source: <a href=\"https://e.x/?a=1&amp;b=&quot;2&quot;\">T&amp;C \"q\"</a>.</i>"
        );
    }

    #[test]
    fn splits_on_paragraphs_first() {
        let text = format!(
            "{}\n\n{}\n\n{}",
            "a".repeat(3000),
            "b".repeat(2000),
            "c".repeat(10)
        );
        let pieces = split(&text, MAX_MESSAGE_CHARS);
        assert_eq!(
            pieces,
            vec![
                "a".repeat(3000),
                format!("{}\n\n{}", "b".repeat(2000), "c".repeat(10))
            ]
        );
    }

    #[test]
    fn a_5000_character_answer_becomes_two_messages() {
        let lines: Vec<String> = (0..100)
            .map(|i| format!("{i:03} {}", "x".repeat(45)))
            .collect();
        let text = lines.join("\n");
        assert_eq!(text.chars().count(), 4999);
        let pieces = split(&text, MAX_MESSAGE_CHARS);
        assert_eq!(pieces.len(), 2);
        assert!(
            pieces
                .iter()
                .all(|p| p.chars().count() <= MAX_MESSAGE_CHARS)
        );
        assert_eq!(pieces.join("\n"), text);
    }

    #[test]
    fn an_overlong_line_is_cut_between_characters() {
        let text = "é".repeat(9000);
        let pieces = split(&text, MAX_MESSAGE_CHARS);
        assert_eq!(
            pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            [4096, 4096, 808]
        );
        assert_eq!(pieces.concat(), text);
    }
}
