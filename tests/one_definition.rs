//! Each coded value (case statuses, kinds of feedback, event actions, reply kinds, privacy
//! modes) is spelled once, in `ourvoice-protocol`: no other source of the app, the server or
//! the other crates writes one as a string literal (`"received"`) or an SQL literal
//! (`'received'`), tests a status by its prefix, or builds a Fluent key for one by hand. The
//! frozen migration scripts, which must stay as they ran, are the only exception.

use ourvoice_protocol::{
    AgeBand, CaseStatus, CitizenActionKind, Code, Disability, EventAction, Gender, Kind,
    PrivacyMode, ReplyKind,
};
use std::path::{Path, PathBuf};

/// Where the definitions live, and the migration scripts that must stay as they ran.
const EXEMPT: &[&str] = &[
    "crates/protocol/src/",
    "server/src/store/sql.rs",
    "crates/outbox/src/db.rs",
];

/// Codes that are also plain words used for other things (see [`codes`]).
const GENERIC_WORDS: &[&str] = &["state", "yes", "no", "other", "male"];

/// Lines where a code's word is a field's name, each with the file it is in.
const FIELD_NAMES: &[(&str, &str)] = &[
    (
        "server/src/openapi.rs",
        r#""RatingRequest": { "type": "object", "required": ["id", "secret", "rating"]"#,
    ),
    (
        "server/src/openapi.rs",
        r#""AttachmentStatus": { "type": "object", "required": ["id", "received", "bytes", "state"]"#,
    ),
];

/// The folders searched.
const SOURCES: &[&str] = &[
    "src",
    "server/src",
    "crates/outbox/src",
    "crates/sync/src",
    "crates/cli/src",
    "crates/directory/src",
];

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Vec::new();
    codes.extend(CaseStatus::ALL.iter().map(|c| c.as_str()));
    codes.extend(Kind::ALL.iter().map(|c| c.as_str()));
    codes.extend(EventAction::ALL.iter().map(|c| c.as_str()));
    codes.extend(ReplyKind::ALL.iter().map(|c| c.as_str()));
    codes.extend(PrivacyMode::ALL.iter().map(|c| c.as_str()));
    codes.extend(CitizenActionKind::ALL.iter().map(|c| c.as_str()));
    codes.extend(Gender::ALL.iter().map(|c| c.as_str()));
    codes.extend(AgeBand::ALL.iter().map(|c| c.as_str()));
    codes.extend(Disability::ALL.iter().map(|c| c.as_str()));
    codes.sort_unstable();
    codes.dedup();
    // Words too plain to search for: a JSON or form field named `state` (the CLI's output, the
    // inbox's filter) and yes/no/other/male are not codes of these sets in any source.
    codes.retain(|code| !GENERIC_WORDS.contains(code));
    codes
}

/// What a source must not contain: each code as a literal, the prefix tests of statuses, and
/// Fluent keys of coded sets built by hand.
fn forbidden() -> Vec<String> {
    let mut patterns = Vec::new();
    for code in codes() {
        patterns.push(format!("\"{code}\""));
        patterns.push(format!("'{code}'"));
    }
    patterns.push("starts_with(\"closed".into());
    patterns.push("'closed%'".into());
    for prefix in [
        CaseStatus::FLUENT_PREFIX,
        Kind::FLUENT_PREFIX,
        EventAction::FLUENT_PREFIX,
        ReplyKind::FLUENT_PREFIX,
        Gender::FLUENT_PREFIX,
        AgeBand::FLUENT_PREFIX,
        Disability::FLUENT_PREFIX,
    ] {
        patterns.push(format!("format!(\"{prefix}-{{"));
    }
    patterns
}

/// Whether `line` spells `pattern` other than as a name: a JSON or struct key (`"rating":`)
/// or a column read by name (`row.opt_int("rating")`) names a field, not a coded value.
fn spelled_in(line: &str, pattern: &str) -> bool {
    line.match_indices(pattern).any(|(at, _)| {
        let before = &line[..at];
        let after = &line[at + pattern.len()..];
        let key = pattern.starts_with('"') && after.trim_start().starts_with(':');
        let column = before.rfind("row.").is_some_and(|dot| {
            let call = &before[dot + 4..];
            call.ends_with('(')
                && call[..call.len() - 1]
                    .chars()
                    .all(|c| c == '_' || c.is_ascii_alphabetic())
        });
        !key && !column
    })
}

#[test]
fn coded_values_are_spelled_only_where_they_are_defined() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for folder in SOURCES {
        rust_files(&root.join(folder), &mut files);
    }
    assert!(files.len() > 50, "the sources were found: {}", files.len());
    let patterns = forbidden();
    let mut found = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if EXEMPT.iter().any(|exempt| relative.starts_with(exempt)) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if FIELD_NAMES
                .iter()
                .any(|(name, field)| relative == *name && line.contains(field))
            {
                continue;
            }
            for pattern in &patterns {
                if spelled_in(line, pattern) {
                    found.push(format!(
                        "{relative}:{}: {pattern}: {}",
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "coded values written outside ourvoice-protocol (use its types):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_search_finds_what_it_looks_for() {
    let patterns = forbidden();
    for line in [
        "WHERE status IN ('received', 'in_progress')",
        "if kind == \"complaint\" {",
        "status.starts_with(\"closed\")",
        "tr.t(&format!(\"state-{}\", status))",
        "action = 'escalate'",
    ] {
        assert!(
            patterns.iter().any(|p| spelled_in(line, p)),
            "not caught: {line}"
        );
    }
    for line in [
        "WHERE status IN {OPEN}",
        "tr.t(&status.fluent_key())",
        "let received_at = now;",
        "\"rating\": { \"type\": \"integer\" },",
        "rating: row.opt_int(\"rating\")?,",
    ] {
        assert!(
            !patterns.iter().any(|p| spelled_in(line, p)),
            "caught wrongly: {line}"
        );
    }
}
