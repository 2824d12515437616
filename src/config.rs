//! Configuration from the environment (and `.env`, which only `main` loads).
//! `Config::from_vars` is pure: tests pass a closure instead of touching the
//! process environment.

use std::path::PathBuf;

/// What the operator configures.
#[derive(Clone)]
pub struct Config {
    /// The bot token from BotFather (`TELOXIDE_TOKEN`); `None` runs locally.
    pub token: Option<String>,
    /// Another Bot API server (`TELOXIDE_API_URL`), e.g. a local one.
    pub api_url: Option<String>,
    pub intents_dir: PathBuf,
    pub data_dir: PathBuf,
    /// Respect Telegram's rate limits (`BRIEFBOT_THROTTLE`, on unless `off`).
    /// Off only against a test server or a local Bot API without limits.
    pub throttle: bool,
}

/// Never prints the token.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .field("api_url", &self.api_url)
            .field("intents_dir", &self.intents_dir)
            .field("data_dir", &self.data_dir)
            .field("throttle", &self.throttle)
            .finish()
    }
}

impl Config {
    /// Reads the configuration through `var` (e.g. `|k| std::env::var(k).ok()`).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Config {
        let nonempty = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Config {
            token: nonempty("TELOXIDE_TOKEN"),
            api_url: nonempty("TELOXIDE_API_URL"),
            intents_dir: nonempty("BRIEFBOT_INTENTS")
                .map_or_else(|| PathBuf::from("intents"), PathBuf::from),
            data_dir: nonempty("BRIEFBOT_DATA")
                .map_or_else(|| PathBuf::from("data"), PathBuf::from),
            throttle: nonempty("BRIEFBOT_THROTTLE").is_none_or(|v| !v.eq_ignore_ascii_case("off")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vars_and_hides_the_token() {
        let config = Config::from_vars(|k| match k {
            "TELOXIDE_TOKEN" => Some("123:secret".to_string()),
            "BRIEFBOT_DATA" => Some("/tmp/d".to_string()),
            _ => None,
        });
        assert_eq!(config.token.as_deref(), Some("123:secret"));
        assert_eq!(config.data_dir, PathBuf::from("/tmp/d"));
        assert_eq!(config.intents_dir, PathBuf::from("intents"));
        assert!(!format!("{config:?}").contains("secret"));
        assert_eq!(Config::from_vars(|_| Some("  ".to_string())).token, None);
    }
}
