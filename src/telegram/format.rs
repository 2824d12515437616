//! A `Reply` as Telegram HTML, and messages split to Telegram's limit.
//! Pure. Every piece of text is escaped; the only markup is our own, and it
//! never spans a line, so splitting on line boundaries never cuts a tag.

use crate::render::Reply;

/// Telegram's limit on one message, in characters (after entity parsing).
pub const MAX_MESSAGE_CHARS: usize = 4096;

/// Escapes the three characters Telegram's HTML parse mode requires.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// The reply as Telegram HTML: a bold title, the body, the sources in
/// italics with links. Related questions become buttons, not text.
pub fn html(reply: &Reply) -> String {
    let mut out = String::new();
    if let Some(title) = &reply.title {
        out.push_str(&format!("<b>{}</b>\n", escape(title)));
    }
    out.push_str(&escape(&reply.body));
    let sources = reply.sources_line(|c| match &c.url {
        Some(url) => format!(
            "<a href=\"{}\">{}</a>",
            escape(url).replace('"', "&quot;"),
            escape(&c.text)
        ),
        None => escape(&c.text),
    });
    if let Some(line) = sources {
        out.push_str(&format!("\n<i>{line}</i>"));
    }
    out
}

/// Splits a message into pieces of at most `max` characters: on paragraph
/// boundaries where possible, then on line boundaries; only a line longer
/// than `max` by itself is cut between characters (our markup never spans
/// such a line). The separators at the cuts are dropped; no other text is
/// lost or reordered.
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
        for line in paragraph.split('\n') {
            if line.chars().count() <= max {
                packer.add(line, "\n", &mut pieces);
                continue;
            }
            packer.flush(&mut pieces);
            let chars: Vec<char> = line.chars().collect();
            pieces.extend(chars.chunks(max).map(|c| c.iter().collect::<String>()));
        }
    }
    packer.flush(&mut pieces);
    if pieces.is_empty() {
        pieces.push(String::new());
    }
    pieces
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
