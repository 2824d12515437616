//! The store's vocabulary, shared by both backends: what it keeps and what
//! can go wrong.

use std::path::PathBuf;

/// What can go wrong with the store. Errors at `open` name the file or the
/// server (never its password).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The parent directory of the database could not be created.
    #[error("{}: cannot create the database's directory: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file could not be opened or set up as a SQLite database.
    #[error("{}: cannot open the database: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// A migration failed; the database stays at `version - 1`.
    #[error("{}: migration to schema version {version} failed: {source}", path.display())]
    Migrate {
        path: PathBuf,
        version: u32,
        source: rusqlite::Error,
    },
    /// The database was written by a newer briefbot.
    #[error(
        "{}: the database has schema version {found}, newer than the {known} this briefbot knows; \
         run a newer briefbot or point it at another file",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    /// `deactivate`, `delivered`, `failed` or `gone` for a chat that never subscribed.
    #[error("chat {chat_id} has no subscription")]
    UnknownChat { chat_id: i64 },
    /// Any other SQLite error, after a successful open.
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// PostgreSQL could not be reached or set up at `open`: `server` is the
    /// URL with its password masked.
    #[error("{server}: cannot use the PostgreSQL database: {message}")]
    Connect { server: String, message: String },
    /// The PostgreSQL database was written by a newer briefbot.
    #[error(
        "{server}: the database has schema version {found}, newer than the {known} this briefbot knows; \
         run a newer briefbot or point it at another database"
    )]
    TooNewServer {
        server: String,
        found: u32,
        known: u32,
    },
    /// Any other PostgreSQL error, after a successful open (the server is
    /// down, a statement failed …).
    #[error("database: {0}")]
    Postgres(String),
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> StoreError {
        StoreError::Postgres(postgres_message(&e))
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> StoreError {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => StoreError::Postgres(other.to_string()),
        }
    }
}

/// A PostgreSQL error with the server's own message: `tokio_postgres`
/// prints only "db error" for those.
pub(crate) fn postgres_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One chat's subscription, active or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub chat_id: i64,
    /// "private" | "group" | "channel": free text to the store.
    pub kind: String,
    pub title: String,
    /// When it (re)subscribed.
    pub since: i64,
    pub active: bool,
    /// Why it is inactive (e.g. "403: bot was blocked by the user"); `None`
    /// when active or unsubscribed by the chat itself.
    pub note: Option<String>,
    pub last_briefing_at: Option<i64>,
    pub last_edition: Option<String>,
}

/// A delivery still to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub edition: String,
    pub chat_id: i64,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// One question asked of the bot. No user ids or names, ever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub at: i64,
    pub chat_kind: String,
    pub intent: Option<String>,
    pub matched: bool,
    /// Kept only for declined questions (`matched == false`): `record_question`
    /// drops it for matched ones.
    pub text: Option<String>,
}

/// Question counts over a time window, for `/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Matched questions.
    pub answered: u64,
    /// Questions not matched.
    pub declined: u64,
    /// The 5 most frequent intents of matched questions: count descending,
    /// then intent id ascending.
    pub top_intents: Vec<(String, u64)>,
    /// Declined questions whose text was kept.
    pub unanswered: u64,
}
