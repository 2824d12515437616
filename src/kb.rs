//! The knowledge base: loading `intents/` and `data/`, validating them, and
//! the validated model the rest of the program reads.
//!
//! # Layout
//! - `raw`: serde types, the file format and nothing else;
//! - `validate`: raw files to a `Kb`, collecting every problem;
//! - `model`: the validated types;
//! - `load`: the only place that reads the file system.

mod load;
mod localise;
mod model;
pub mod raw;
mod template;
mod validate;

use std::fmt;
use std::path::PathBuf;

pub use load::{SourceFile, SourceFiles, load, read_files};
pub use model::*;
pub use validate::validate;

/// One thing wrong in a knowledge file, located for the curator.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based; 0 when the problem concerns a whole file or directory.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub message: String,
}

/// `path:line:col: message`, the form editors and CI logs understand.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line.max(1),
            self.col.max(1),
            self.message
        )
    }
}

/// Why the knowledge could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    /// One or more files are broken; nothing was loaded.
    #[error("{} problem{} in the knowledge files:\n{}", .0.len(), if .0.len() == 1 { "" } else { "s" }, list(.0))]
    Invalid(Vec<Problem>),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

impl KbError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            KbError::Invalid(p) => p,
        }
    }
}
