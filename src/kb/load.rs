//! The only part of the knowledge base that touches the file system: it reads
//! every `.toml` file of `intents/` and `data/` into memory, in path order.
//! Validation then works on the texts alone, so tests need no directories.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Kb, KbError, Problem, validate};

/// A knowledge file's path (as shown in messages) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// All the knowledge files, grouped by what they hold.
#[derive(Debug, Clone, Default)]
pub struct SourceFiles {
    pub intents: Vec<SourceFile>,
    /// `data/sources.toml`.
    pub sources: Option<SourceFile>,
    pub events: Vec<SourceFile>,
    pub actors: Vec<SourceFile>,
    pub topics: Vec<SourceFile>,
    /// Problems met while reading (a missing directory, an unreadable file).
    pub problems: Vec<Problem>,
}

/// Reads and validates the knowledge in `intents` and `data`.
pub fn load(intents: &Path, data: &Path) -> Result<Kb, KbError> {
    validate(read_files(intents, data))
}

/// Reads the knowledge files without interpreting them.
pub fn read_files(intents: &Path, data: &Path) -> SourceFiles {
    let mut files = SourceFiles::default();
    files.intents = read_dir(intents, &mut files.problems, true);
    let sources = data.join("sources.toml");
    match fs::read_to_string(&sources) {
        Ok(text) => {
            files.sources = Some(SourceFile {
                path: sources,
                text,
            })
        }
        Err(e) => files.problems.push(problem(
            &sources,
            format!("cannot read the sources file: {e}"),
        )),
    }
    files.events = read_dir(&data.join("events"), &mut files.problems, true);
    files.actors = read_dir(&data.join("actors"), &mut files.problems, false);
    files.topics = read_dir(&data.join("topics"), &mut files.problems, false);
    files
}

fn read_dir(dir: &Path, problems: &mut Vec<Problem>, required: bool) -> Vec<SourceFile> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(_) if !required && !dir.exists() => return Vec::new(),
        Err(e) => {
            problems.push(problem(dir, format!("cannot read the directory: {e}")));
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    // Large knowledge is thousands of small files: read on every core.
    let texts = crate::par::map(&paths, |path| fs::read_to_string(path));
    paths
        .into_iter()
        .zip(texts)
        .filter_map(|(path, text)| match text {
            Ok(text) => Some(SourceFile { path, text }),
            Err(e) => {
                problems.push(problem(&path, format!("cannot read the file: {e}")));
                None
            }
        })
        .collect()
}

fn problem(path: &Path, message: String) -> Problem {
    Problem {
        path: path.to_path_buf(),
        line: 0,
        col: 0,
        message,
    }
}
