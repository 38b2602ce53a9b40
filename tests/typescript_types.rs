//! The TypeScript declarations list exactly the codes and vocabularies the core produces.
#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::provider::{Provider, Reason, STATUSES};
use idv_handoff::Error;

const TYPES: &str = include_str!("../pkg-template/index.d.ts");

/// The string literals of `export type NAME = "a" | "b" ...;`.
fn union(name: &str) -> Vec<String> {
    let start = TYPES
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("no type {name}"));
    let body = &TYPES[start..];
    let body = &body[..body.find(';').unwrap()];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

#[test]
fn error_codes_match_the_core() {
    let core = sorted(Error::ALL.iter().map(|e| e.code().to_owned()).collect());
    assert_eq!(sorted(union("IdvErrorCode")), core);
}

#[test]
fn statuses_match_the_core() {
    let core = sorted(
        STATUSES
            .iter()
            .map(|(_, _, s)| s.as_str().to_owned())
            .collect(),
    );
    assert_eq!(sorted(union("CallbackStatus")), core);
}

#[test]
fn reasons_match_the_core() {
    let core = sorted(Reason::ALL.iter().map(|r| r.as_str().to_owned()).collect());
    assert_eq!(sorted(union("CallbackReason")), core);
}

#[test]
fn providers_match_the_core() {
    let core = sorted(
        Provider::ALL
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
    );
    assert_eq!(sorted(union("Provider")), core);
}

#[test]
fn didit_languages_match_the_core() {
    let core = sorted(
        idv_handoff::provider::didit_languages()
            .map(|l| l.to_string())
            .collect(),
    );
    assert_eq!(core.len(), 54);
    assert_eq!(sorted(union("DiditLanguage")), core);
}
