//! Configuration from the environment (and `.env`, which only `main` loads).
//! `Config::from_vars` is pure: tests pass a closure instead of touching the
//! process environment. A malformed setting is an error that names its
//! variable and never repeats the token.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::schedule::{DEFAULT_TIME_ZONE, Schedule};
use crate::store::Location;

/// What the operator configures. Every variable is listed in `.env.example`.
#[derive(Clone)]
pub struct Config {
    /// The bot token from BotFather (`TELOXIDE_TOKEN`); `None` runs locally.
    pub token: Option<String>,
    /// Another Bot API server (`TELOXIDE_API_URL`), e.g. a local one.
    pub api_url: Option<Url>,
    pub intents_dir: PathBuf,
    pub data_dir: PathBuf,
    /// Respect Telegram's rate limits (`BRIEFBOT_THROTTLE`, on unless `off`).
    /// Off only against a test server or a local Bot API without limits.
    pub throttle: bool,
    /// Telegram user ids allowed to run admin commands (`BRIEFBOT_ADMINS`).
    pub admins: Vec<u64>,
    /// What the bot answers in groups (`BRIEFBOT_GROUP_MODE`).
    pub group_mode: GroupMode,
    /// Webhook mode when both `BRIEFBOT_WEBHOOK_URL` and
    /// `BRIEFBOT_WEBHOOK_LISTEN` are set; long polling otherwise.
    pub webhook: Option<Webhook>,
    /// Where the state lives (`BRIEFBOT_STATE`): a SQLite file (default
    /// `state/briefbot.db`) or a `postgres://` URL.
    pub state: Location,
    /// Daily briefings (`BRIEFBOT_BRIEF_AT`, `BRIEFBOT_TIMEZONE`); none when
    /// `BRIEFBOT_BRIEF_AT` is unset.
    pub schedule: Option<Schedule>,
    /// What a briefing with nothing new does (`BRIEFBOT_BRIEF_EMPTY`).
    pub empty_briefings: EmptyBriefings,
    /// Channels that get briefings (`BRIEFBOT_CHANNELS`): `@username` or
    /// numeric ids such as `-1001234567890`.
    pub channels: Vec<String>,
    /// How long a sender owns a claimed briefing delivery
    /// (`BRIEFBOT_DELIVERY_LEASE`, seconds, default 300): a sender killed
    /// mid-send leaves the chat to the others after that.
    pub delivery_lease: Duration,
    /// Where `serve` answers `/healthz` and `/metrics`
    /// (`BRIEFBOT_METRICS_LISTEN`); no listener when unset.
    pub metrics_listen: Option<SocketAddr>,
}

/// What a scheduled briefing with nothing new for a chat does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmptyBriefings {
    /// Send nothing (default).
    #[default]
    Skip,
    /// Say briefly that nothing is new.
    Say,
}

/// What the bot answers in groups and supergroups. Private chats always get
/// an answer; channel posts never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupMode {
    /// Commands, messages that mention the bot and replies to it (default).
    #[default]
    Addressed,
    /// Commands only.
    Commands,
    /// Nothing: the bot stays silent in groups.
    Off,
}

/// Where Telegram posts updates in webhook mode.
#[derive(Clone)]
pub struct Webhook {
    /// The public HTTPS address Telegram posts to (`BRIEFBOT_WEBHOOK_URL`);
    /// its path is the path the bot serves.
    pub url: Url,
    /// The local address to listen on (`BRIEFBOT_WEBHOOK_LISTEN`), behind a
    /// TLS-terminating proxy.
    pub listen: SocketAddr,
    /// The secret Telegram sends back in a header
    /// (`BRIEFBOT_WEBHOOK_SECRET`); a random one when unset.
    pub secret: Option<String>,
}

/// A setting that cannot be used, named by its variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn invalid(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

/// Never prints the token or the webhook secret.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .field("api_url", &self.api_url.as_ref().map(Url::as_str))
            .field("intents_dir", &self.intents_dir)
            .field("data_dir", &self.data_dir)
            .field("throttle", &self.throttle)
            .field("admins", &self.admins)
            .field("group_mode", &self.group_mode)
            .field("webhook", &self.webhook)
            .field("state", &self.state)
            .field("schedule", &self.schedule.as_ref().map(Schedule::describe))
            .field("empty_briefings", &self.empty_briefings)
            .field("channels", &self.channels)
            .field("delivery_lease", &self.delivery_lease)
            .field("metrics_listen", &self.metrics_listen)
            .finish()
    }
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url.as_str())
            .field("listen", &self.listen)
            .field("secret", &self.secret.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl Config {
    /// Reads the configuration through `var` (e.g. `|k| std::env::var(k).ok()`).
    /// Empty values count as unset.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let token = get("TELOXIDE_TOKEN");
        if let Some(t) = &token
            && !looks_like_token(t)
        {
            return Err(invalid(
                "TELOXIDE_TOKEN",
                "does not look like a BotFather token (digits, a colon, then the secret)",
            ));
        }
        let api_url = get("TELOXIDE_API_URL")
            .map(|v| http_url("TELOXIDE_API_URL", &v))
            .transpose()?;
        let throttle = match get("BRIEFBOT_THROTTLE").as_deref() {
            None => true,
            Some(v) if v.eq_ignore_ascii_case("on") => true,
            Some(v) if v.eq_ignore_ascii_case("off") => false,
            Some(v) => {
                return Err(invalid(
                    "BRIEFBOT_THROTTLE",
                    format!("`{v}` is neither `on` nor `off`"),
                ));
            }
        };
        let admins = get("BRIEFBOT_ADMINS")
            .map(|v| admin_ids(&v))
            .transpose()?
            .unwrap_or_default();
        let group_mode = match get("BRIEFBOT_GROUP_MODE")
            .map(|v| v.to_lowercase())
            .as_deref()
        {
            None | Some("addressed") => GroupMode::Addressed,
            Some("commands") => GroupMode::Commands,
            Some("off") => GroupMode::Off,
            Some(v) => {
                return Err(invalid(
                    "BRIEFBOT_GROUP_MODE",
                    format!("`{v}` is not one of `addressed`, `commands`, `off`"),
                ));
            }
        };
        let webhook = webhook(&get)?;
        let state = get("BRIEFBOT_STATE").map_or_else(
            || Location::File(PathBuf::from("state/briefbot.db")),
            |v| Location::parse(&v),
        );
        // Replicas share one webhook: each registers it at start-up, so a
        // secret of its own (random) would lock the others out.
        if matches!(state, Location::Postgres(_))
            && webhook.as_ref().is_some_and(|w| w.secret.is_none())
        {
            return Err(invalid(
                "BRIEFBOT_WEBHOOK_SECRET",
                "is required in webhook mode when BRIEFBOT_STATE is a PostgreSQL URL: every replica registers the webhook, so they must share one secret",
            ));
        }
        let tz = get("BRIEFBOT_TIMEZONE");
        let tz = tz.as_deref().unwrap_or(DEFAULT_TIME_ZONE);
        // The zone is checked even without a schedule: a typo should not
        // wait until someone turns briefings on.
        Schedule::new("00:00", tz).map_err(|e| invalid("BRIEFBOT_TIMEZONE", e))?;
        let schedule = get("BRIEFBOT_BRIEF_AT")
            .map(|at| Schedule::new(&at, tz).map_err(|e| invalid("BRIEFBOT_BRIEF_AT", e)))
            .transpose()?;
        let empty_briefings = match get("BRIEFBOT_BRIEF_EMPTY")
            .map(|v| v.to_lowercase())
            .as_deref()
        {
            None | Some("skip") => EmptyBriefings::Skip,
            Some("say") => EmptyBriefings::Say,
            Some(v) => {
                return Err(invalid(
                    "BRIEFBOT_BRIEF_EMPTY",
                    format!("`{v}` is neither `skip` nor `say`"),
                ));
            }
        };
        let channels = get("BRIEFBOT_CHANNELS")
            .map(|v| channels(&v))
            .transpose()?
            .unwrap_or_default();
        let delivery_lease = match get("BRIEFBOT_DELIVERY_LEASE") {
            None => Duration::from_secs(crate::deliver::DEFAULT_LEASE_SECONDS as u64),
            Some(v) => match v.parse::<u64>() {
                Ok(secs @ 1..=86_400) => Duration::from_secs(secs),
                _ => {
                    return Err(invalid(
                        "BRIEFBOT_DELIVERY_LEASE",
                        format!("`{v}` is not a number of seconds from 1 to 86400"),
                    ));
                }
            },
        };
        let metrics_listen = get("BRIEFBOT_METRICS_LISTEN")
            .map(|v| {
                v.parse::<SocketAddr>().map_err(|_| {
                    invalid(
                        "BRIEFBOT_METRICS_LISTEN",
                        format!("`{v}` is not an address and port such as 127.0.0.1:9898"),
                    )
                })
            })
            .transpose()?;
        Ok(Config {
            token,
            api_url,
            intents_dir: get("BRIEFBOT_INTENTS").map_or_else(|| "intents".into(), PathBuf::from),
            data_dir: get("BRIEFBOT_DATA").map_or_else(|| "data".into(), PathBuf::from),
            throttle,
            admins,
            group_mode,
            webhook,
            state,
            schedule,
            empty_briefings,
            channels,
            delivery_lease,
            metrics_listen,
        })
    }

    /// Whether the Telegram user may run admin commands.
    pub fn is_admin(&self, user_id: u64) -> bool {
        self.admins.contains(&user_id)
    }
}

/// `123456:ABC-def_…`: digits, a colon, then letters, digits, `_` or `-`.
fn looks_like_token(token: &str) -> bool {
    token.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && !secret.is_empty()
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

fn http_url(variable: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value)
        .map_err(|e| invalid(variable, format!("`{value}` is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(
            variable,
            format!("`{value}` is not an http:// or https:// URL"),
        ));
    }
    Ok(url)
}

/// `12345, 67890`: Telegram user ids, separated by commas or spaces.
fn admin_ids(value: &str) -> Result<Vec<u64>, ConfigError> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u64>().ok().filter(|&id| id > 0).ok_or_else(|| {
                invalid(
                    "BRIEFBOT_ADMINS",
                    format!("`{s}` is not a Telegram user id (a positive number, comma-separated)"),
                )
            })
        })
        .collect()
}

/// `@channel, -1001234567890`.
fn channels(value: &str) -> Result<Vec<String>, ConfigError> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            let username = s.strip_prefix('@').is_some_and(|u| {
                u.len() >= 4 && u.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            });
            let id = s
                .strip_prefix('-')
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            if username || id {
                Ok(s.to_string())
            } else {
                Err(invalid(
                    "BRIEFBOT_CHANNELS",
                    format!(
                        "`{s}` is neither a channel @username nor a chat id such as -1001234567890"
                    ),
                ))
            }
        })
        .collect()
}

fn webhook(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Webhook>, ConfigError> {
    let url = get("BRIEFBOT_WEBHOOK_URL");
    let listen = get("BRIEFBOT_WEBHOOK_LISTEN");
    let secret = get("BRIEFBOT_WEBHOOK_SECRET");
    let (url, listen) = match (url, listen) {
        (None, None) => {
            return match secret {
                Some(_) => Err(invalid(
                    "BRIEFBOT_WEBHOOK_SECRET",
                    "is set but webhook mode is not (set BRIEFBOT_WEBHOOK_URL and BRIEFBOT_WEBHOOK_LISTEN)",
                )),
                None => Ok(None),
            };
        }
        (Some(_), None) => {
            return Err(invalid(
                "BRIEFBOT_WEBHOOK_LISTEN",
                "is required with BRIEFBOT_WEBHOOK_URL (the local address to listen on, e.g. 127.0.0.1:8443)",
            ));
        }
        (None, Some(_)) => {
            return Err(invalid(
                "BRIEFBOT_WEBHOOK_URL",
                "is required with BRIEFBOT_WEBHOOK_LISTEN (the public https:// address Telegram posts to)",
            ));
        }
        (Some(url), Some(listen)) => (url, listen),
    };
    let url = http_url("BRIEFBOT_WEBHOOK_URL", &url)?;
    if url.scheme() != "https" {
        return Err(invalid(
            "BRIEFBOT_WEBHOOK_URL",
            "Telegram only posts to https:// addresses",
        ));
    }
    let listen = listen.parse::<SocketAddr>().map_err(|_| {
        invalid(
            "BRIEFBOT_WEBHOOK_LISTEN",
            format!("`{listen}` is not an address and port such as 127.0.0.1:8443"),
        )
    })?;
    if let Some(s) = &secret {
        let ok = (1..=256).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            return Err(invalid(
                "BRIEFBOT_WEBHOOK_SECRET",
                "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -",
            ));
        }
    }
    Ok(Some(Webhook {
        url,
        listen,
        secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_vars(|k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        })
    }

    fn error(vars: &[(&str, &str)]) -> String {
        config(vars).unwrap_err().to_string()
    }

    #[test]
    fn reads_vars_and_hides_secrets() {
        let c = config(&[
            ("TELOXIDE_TOKEN", "123:secret"),
            ("BRIEFBOT_DATA", "/tmp/d"),
            ("BRIEFBOT_ADMINS", "42, 7 9"),
            ("BRIEFBOT_GROUP_MODE", "Commands"),
            ("BRIEFBOT_WEBHOOK_URL", "https://bot.example.org/tg/hook"),
            ("BRIEFBOT_WEBHOOK_LISTEN", "127.0.0.1:8443"),
            ("BRIEFBOT_WEBHOOK_SECRET", "hush-hush"),
        ])
        .unwrap();
        assert_eq!(c.token.as_deref(), Some("123:secret"));
        assert_eq!(c.data_dir, PathBuf::from("/tmp/d"));
        assert_eq!(c.intents_dir, PathBuf::from("intents"));
        assert_eq!(c.admins, vec![42, 7, 9]);
        assert!(c.is_admin(7) && !c.is_admin(8));
        assert_eq!(c.group_mode, GroupMode::Commands);
        let hook = c.webhook.as_ref().unwrap();
        assert_eq!(hook.url.path(), "/tg/hook");
        assert_eq!(hook.listen.port(), 8443);
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("123:") && !shown.contains("hush"),
            "{shown}"
        );
        let blank = config(&[("TELOXIDE_TOKEN", "  ")]).unwrap();
        assert_eq!(blank.token, None);
        assert!(blank.throttle && blank.webhook.is_none());
        assert_eq!(blank.group_mode, GroupMode::Addressed);
        assert_eq!(
            blank.state,
            Location::File(PathBuf::from("state/briefbot.db"))
        );
        assert!(blank.schedule.is_none() && blank.channels.is_empty());
        let briefed = config(&[
            ("BRIEFBOT_BRIEF_AT", "07:30"),
            ("BRIEFBOT_CHANNELS", "@albania_news -1001234567890"),
            ("BRIEFBOT_BRIEF_EMPTY", "say"),
        ])
        .unwrap();
        assert_eq!(
            briefed.schedule.as_ref().map(Schedule::describe).as_deref(),
            Some("07:30 Europe/Tirane")
        );
        assert_eq!(briefed.channels, ["@albania_news", "-1001234567890"]);
        assert_eq!(briefed.empty_briefings, EmptyBriefings::Say);
    }

    #[test]
    fn malformed_settings_name_their_variable_and_never_the_token() {
        let token = ("TELOXIDE_TOKEN", "123:TOP-SECRET");
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("TELOXIDE_TOKEN", "TOP SECRET")],
                "TELOXIDE_TOKEN: does not look like",
            ),
            (
                &[token, ("TELOXIDE_API_URL", "not a url")],
                "TELOXIDE_API_URL: `not a url` is not a URL",
            ),
            (
                &[token, ("TELOXIDE_API_URL", "ftp://x")],
                "TELOXIDE_API_URL: `ftp://x` is not an http",
            ),
            (
                &[token, ("BRIEFBOT_ADMINS", "42,@alice")],
                "BRIEFBOT_ADMINS: `@alice` is not a Telegram user id",
            ),
            (
                &[token, ("BRIEFBOT_GROUP_MODE", "loud")],
                "BRIEFBOT_GROUP_MODE: `loud` is not one of",
            ),
            (
                &[token, ("BRIEFBOT_THROTTLE", "maybe")],
                "BRIEFBOT_THROTTLE: `maybe` is neither",
            ),
            (
                &[token, ("BRIEFBOT_WEBHOOK_URL", "https://x.org/h")],
                "BRIEFBOT_WEBHOOK_LISTEN: is required",
            ),
            (
                &[token, ("BRIEFBOT_WEBHOOK_LISTEN", "0.0.0.0:88")],
                "BRIEFBOT_WEBHOOK_URL: is required",
            ),
            (
                &[
                    token,
                    ("BRIEFBOT_WEBHOOK_URL", "http://x.org/h"),
                    ("BRIEFBOT_WEBHOOK_LISTEN", "0.0.0.0:88"),
                ],
                "BRIEFBOT_WEBHOOK_URL: Telegram only posts to https://",
            ),
            (
                &[
                    token,
                    ("BRIEFBOT_WEBHOOK_URL", "https://x.org/h"),
                    ("BRIEFBOT_WEBHOOK_LISTEN", "port 88"),
                ],
                "BRIEFBOT_WEBHOOK_LISTEN: `port 88` is not an address",
            ),
            (
                &[
                    token,
                    ("BRIEFBOT_WEBHOOK_URL", "https://x.org/h"),
                    ("BRIEFBOT_WEBHOOK_LISTEN", "0.0.0.0:88"),
                    ("BRIEFBOT_WEBHOOK_SECRET", "no spaces"),
                ],
                "BRIEFBOT_WEBHOOK_SECRET: must be",
            ),
            (
                &[token, ("BRIEFBOT_BRIEF_AT", "8am")],
                "BRIEFBOT_BRIEF_AT: `8am` is not a time of day",
            ),
            (
                &[token, ("BRIEFBOT_TIMEZONE", "Mars/Olympus")],
                "BRIEFBOT_TIMEZONE: `Mars/Olympus` is not a time zone",
            ),
            (
                &[token, ("BRIEFBOT_BRIEF_EMPTY", "maybe")],
                "BRIEFBOT_BRIEF_EMPTY: `maybe` is neither",
            ),
            (
                &[token, ("BRIEFBOT_CHANNELS", "@news, mychannel")],
                "BRIEFBOT_CHANNELS: `mychannel` is neither",
            ),
            (
                &[token, ("BRIEFBOT_WEBHOOK_SECRET", "abc")],
                "BRIEFBOT_WEBHOOK_SECRET: is set but",
            ),
        ];
        for (vars, expected) in cases {
            let message = error(vars);
            assert!(message.starts_with(expected), "{vars:?}: {message}");
            assert!(!message.contains("TOP"), "{message}");
        }
    }

    #[test]
    fn replicas_must_share_the_webhook_secret() {
        let hook = [
            ("BRIEFBOT_WEBHOOK_URL", "https://bot.example.org/hook"),
            ("BRIEFBOT_WEBHOOK_LISTEN", "127.0.0.1:8443"),
        ];
        let shared = ("BRIEFBOT_STATE", "postgres://bot:pw@db/briefbot");
        let err = config(&[hook[0], hook[1], shared]).unwrap_err().to_string();
        assert!(err.starts_with("BRIEFBOT_WEBHOOK_SECRET"), "{err}");
        assert!(!err.contains("pw@"), "{err}");
        let c = config(&[hook[0], hook[1], shared, ("BRIEFBOT_WEBHOOK_SECRET", "s")]).unwrap();
        assert!(matches!(c.state, Location::Postgres(_)));
        // A SQLite state, or polling, needs none.
        assert!(config(&hook).is_ok());
        assert!(config(&[shared]).is_ok());
    }
}
