//! What the native test crates share: the provider documents (`tests/data/seeds/`, the team's
//! `shared/seeds` as the package was built against them; tests/documents.rs checks the two are
//! the same wherever the shared copy is on the machine) and the examples they give.
#![allow(dead_code)] // each test crate uses its part

use std::path::PathBuf;

/// The documents in this repository.
pub fn seeds_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds"))
}

/// The lines of seed document `file` ("003").
pub fn seed_lines(file: &str) -> Vec<String> {
    let dir = seeds_dir();
    let name = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with(&format!("{file}_")))
        .unwrap_or_else(|| panic!("no document {file}_* in {}", dir.display()));
    let text = std::fs::read_to_string(dir.join(&name)).unwrap();
    text.split('\n').map(String::from).collect()
}

/// Didit's example request, read from its document (003, the body of the curl example).
pub fn didit_example() -> serde_json::Value {
    let text = seed_lines("003").join("\n");
    let start = text.find("-d '").expect("003 has its curl example") + "-d '".len();
    let end = start + text[start..].find("}'").expect("the example's body ends") + 1;
    serde_json::from_str(&text[start..end]).expect("003's example is JSON")
}
