//! Which messages the bot answers, decided on plain data so it can be tested
//! without Telegram: in a private chat everything; in a group only commands,
//! mentions of the bot and replies to it (never the chatter), or less as
//! `GroupMode` says; in a channel nothing.

use crate::config::GroupMode;

/// The kind of chat a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    Private,
    Group,
    Channel,
}

impl ChatKind {
    /// `private`, `group` or `channel`, as logs and the store write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::Private => "private",
            ChatKind::Group => "group",
            ChatKind::Channel => "channel",
        }
    }
}

/// What the bot needs to know about a message to route it.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub chat: ChatKind,
    pub text: &'a str,
    /// Whether the message replies to one of the bot's own messages.
    pub reply_to_bot: bool,
}

/// The text to answer, with the bot's `@username` taken out, or `None` to
/// stay silent. `username` is the bot's, without the `@`.
pub fn addressed(msg: &Incoming<'_>, username: &str, mode: GroupMode) -> Option<String> {
    let text = msg.text.trim();
    match msg.chat {
        ChatKind::Channel => None,
        ChatKind::Private => Some(text.to_string()),
        ChatKind::Group if mode == GroupMode::Off => None,
        ChatKind::Group => {
            let mention = format!("@{}", username.to_lowercase());
            if let Some(rest) = text.strip_prefix('/') {
                let head = rest.split_whitespace().next().unwrap_or_default();
                // `/cmd@otherbot` is for another bot.
                return match head.split_once('@') {
                    Some((_, to)) if !to.eq_ignore_ascii_case(username) => None,
                    _ => Some(text.to_string()),
                };
            }
            if mode == GroupMode::Commands {
                return None;
            }
            let lower = text.to_lowercase();
            if let Some(at) = lower.find(&mention) {
                let mut question = text.to_string();
                question.replace_range(at..at + mention.len(), " ");
                return Some(question.trim().to_string());
            }
            msg.reply_to_bot.then(|| text.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(text: &str, reply_to_bot: bool) -> Option<String> {
        in_group(text, reply_to_bot, GroupMode::Addressed)
    }

    fn in_group(text: &str, reply_to_bot: bool, mode: GroupMode) -> Option<String> {
        addressed(
            &Incoming {
                chat: ChatKind::Group,
                text,
                reply_to_bot,
            },
            "BriefBot",
            mode,
        )
    }

    #[test]
    fn group_mode_narrows_what_groups_hear() {
        use GroupMode::{Commands, Off};
        assert_eq!(in_group("/help", false, Commands).as_deref(), Some("/help"));
        assert_eq!(
            in_group("@briefbot who hacked albania", false, Commands),
            None
        );
        assert_eq!(in_group("and the MEK?", true, Commands), None);
        assert_eq!(in_group("/help", false, Off), None);
        assert_eq!(in_group("@briefbot hi", true, Off), None);
    }

    #[test]
    fn groups_hear_only_what_is_addressed_to_the_bot() {
        assert_eq!(group("lunch anyone?", false), None);
        assert_eq!(group("who hacked albania", false), None);
        assert_eq!(
            group("@briefbot who hacked albania?", false).as_deref(),
            Some("who hacked albania?")
        );
        assert_eq!(group("/timeline", false).as_deref(), Some("/timeline"));
        assert_eq!(
            group("/timeline@BriefBot", false).as_deref(),
            Some("/timeline@BriefBot")
        );
        assert_eq!(group("/timeline@otherbot", false), None);
        assert_eq!(group("and the MEK?", true).as_deref(), Some("and the MEK?"));
    }

    #[test]
    fn private_chats_hear_everything_and_channels_nothing() {
        let private = Incoming {
            chat: ChatKind::Private,
            text: " hi ",
            reply_to_bot: false,
        };
        for mode in [GroupMode::Addressed, GroupMode::Commands, GroupMode::Off] {
            assert_eq!(addressed(&private, "b", mode).as_deref(), Some("hi"));
        }
        let channel = Incoming {
            chat: ChatKind::Channel,
            text: "@b hi",
            reply_to_bot: false,
        };
        assert_eq!(addressed(&channel, "b", GroupMode::Addressed), None);
    }
}
