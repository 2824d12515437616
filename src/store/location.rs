//! Where the state lives, as `BRIEFBOT_STATE` gives it: a `postgres://` or
//! `postgresql://` URL for a shared PostgreSQL database, anything else a
//! SQLite file.

use std::fmt;
use std::path::PathBuf;

/// Where the state lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (created with its directories if missing).
    File(PathBuf),
    /// A PostgreSQL connection URL. Its password is never printed: `Debug`
    /// and `Display` show `redacted`.
    Postgres(String),
}

impl Location {
    /// Reads `BRIEFBOT_STATE`'s value.
    pub fn parse(value: &str) -> Location {
        let lower = value.get(..13).unwrap_or(value).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Location::Postgres(value.to_string())
        } else {
            Location::File(PathBuf::from(value))
        }
    }

    /// The SQLite file, if the state is one.
    pub fn file(&self) -> Option<&std::path::Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }

    /// What errors and logs show: the file, or the URL with its password
    /// (and any `password=` query parameter) masked.
    pub fn redacted(&self) -> String {
        match self {
            Location::File(path) => path.display().to_string(),
            Location::Postgres(url) => redact_url(url),
        }
    }
}

/// `url` with the password masked as `***`; an unparsable URL is shown as
/// its scheme only, since any part of it may be the secret.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        let scheme = url.split("://").next().unwrap_or("postgres");
        return format!("{scheme}://(unreadable URL)");
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if k.eq_ignore_ascii_case("password") {
                "***".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    if !pairs.is_empty() {
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => f.debug_tuple("File").field(path).finish(),
            Location::Postgres(_) => f.debug_tuple("Postgres").field(&self.redacted()).finish(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_anything_else_a_file() {
        for url in [
            "postgres://bot@db/briefbot",
            "postgresql://bot@db/briefbot",
            "POSTGRES://bot@db/briefbot",
        ] {
            assert!(
                matches!(Location::parse(url), Location::Postgres(_)),
                "{url}"
            );
        }
        for path in [
            "state/briefbot.db",
            "/var/lib/briefbot.sqlite",
            "postgres.db",
        ] {
            assert_eq!(Location::parse(path), Location::File(PathBuf::from(path)));
        }
    }

    #[test]
    fn the_password_is_never_shown() {
        let location = Location::parse("postgres://bot:s3cret@db:5432/briefbot?sslmode=disable");
        let shown = format!("{location} {location:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("postgres://bot:***@db:5432/briefbot"),
            "{shown}"
        );
        let query = Location::parse("postgresql://db/briefbot?user=bot&password=s3cret");
        assert!(!query.redacted().contains("s3cret"), "{}", query.redacted());
        let broken = Location::parse("postgres://bot:s3cret@[db/briefbot");
        assert!(
            !broken.redacted().contains("s3cret"),
            "{}",
            broken.redacted()
        );
    }
}
