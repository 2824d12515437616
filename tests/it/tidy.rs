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
