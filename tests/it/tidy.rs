//! Invariants of the code's shape, checked like any behaviour.

use std::path::Path;

/// The core is pure: no Telegram, no database, no async, no file system, no clock.
#[test]
fn the_core_does_no_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let core = [
        "matcher.rs",
        "render.rs",
        "answer.rs",
        "command.rs",
        "text.rs",
        "dates.rs",
        "kb/model.rs",
        "kb/validate.rs",
        "briefing.rs",
        "schedule.rs",
        "unanswered.rs",
    ];
    for file in core {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        for banned in [
            "teloxide",
            "rusqlite",
            "tokio",
            "std::fs",
            "SystemTime",
            "Instant::now",
            "std::env",
            "Timestamp::now",
        ] {
            assert!(!text.contains(banned), "{file} mentions {banned}");
        }
    }
}

/// Only `kb::raw` knows the file format's serde types.
#[test]
fn the_file_format_lives_in_raw() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in ["matcher.rs", "render.rs", "answer.rs", "command.rs"] {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        assert!(!text.contains("Deserialize"), "{file} deserializes");
        assert!(!text.contains("raw::"), "{file} reads raw types");
    }
}

/// Only the store (`store.rs` and `store/`) speaks SQL.
#[test]
fn only_the_store_holds_sql() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let in_store = path == src.join("store.rs") || path.starts_with(src.join("store"));
            if in_store {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                for banned in ["rusqlite", "SELECT ", "INSERT ", "UPDATE "] {
                    assert!(
                        !text.contains(banned),
                        "{} holds SQL ({banned})",
                        path.display()
                    );
                }
            }
        }
    }
}
