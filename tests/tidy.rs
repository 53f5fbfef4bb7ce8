//! Checks over the whole source tree: every Rust module starts with a `//!` comment saying what
//! it is, ARCHITECTURE.md names every crate of the workspace, the console's pages never escape
//! by hand, the store never downcasts a result, the app's screens drop no result, and the
//! server's front doors never import one another.

use std::path::{Path, PathBuf};

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() && !name.starts_with('.') && name != "target" && name != "node_modules" {
            rust_files(&path, found);
        } else if name.ends_with(".rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let mut files = Vec::new();
    for folder in ["src", "crates", "server", "tests"] {
        rust_files(&root.join(folder), &mut files);
    }
    assert!(files.len() > 20, "found only {} files", files.len());
    let undocumented: Vec<String> = files
        .iter()
        .filter(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            let first = text
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("");
            !first.starts_with("//!")
        })
        .map(|file| file.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "files without a leading //! comment: {undocumented:#?}"
    );
}

#[test]
fn architecture_names_every_crate() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members: Vec<&str> = manifest
        .lines()
        .skip_while(|line| !line.starts_with("members"))
        .skip(1)
        .take_while(|line| !line.starts_with(']'))
        .map(|line| line.trim().trim_matches(|c| c == '"' || c == ','))
        .filter(|member| *member != ".")
        .collect();
    assert!(members.len() >= 6, "{members:?}");
    for member in members {
        let package = std::fs::read_to_string(root.join(member).join("Cargo.toml")).unwrap();
        let name = package
            .lines()
            .find_map(|line| line.strip_prefix("name = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap();
        assert!(
            architecture.contains(name),
            "ARCHITECTURE.md does not mention {name} ({member})"
        );
    }
}

/// The lines of the Rust files under `folders` (relative to the workspace) that contain
/// `needle`, as `file:line: text`.
fn lines_containing(folders: &[&str], needle: &str) -> Vec<String> {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let mut files = Vec::new();
    for folder in folders {
        let path = root.join(folder);
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else {
            files.push(path);
        }
    }
    assert!(!files.is_empty(), "{folders:?} found");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if line.contains(needle) {
                let name = file.strip_prefix(&root).unwrap().display().to_string();
                found.push(format!("{name}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    found
}

/// The console's pages are templates that escape what they show; none escapes by hand.
#[test]
fn console_pages_do_not_escape_by_hand() {
    let found = lines_containing(&["server/src/console"], "esc(");
    assert!(found.is_empty(), "hand escaping: {found:#?}");
}

/// The store's writer threads answer each job through its own typed channel.
#[test]
fn the_store_downcasts_nothing() {
    let mut found = lines_containing(&["server/src/store"], "dyn Any");
    found.extend(lines_containing(&["server/src/store"], "downcast"));
    assert!(found.is_empty(), "untyped results: {found:#?}");
}

/// In the app's screens and state, every result is shown or handled: a storage error is told
/// to the citizen, never dropped with `let _ =`.
#[test]
fn the_app_drops_no_result() {
    let found = lines_containing(
        &["src/views", "src/components", "src/state.rs", "src/app.rs"],
        "let _ =",
    );
    assert!(found.is_empty(), "dropped results: {found:#?}");
}

/// The server's front doors (citizen API, Open311, console, open data, public pages) never
/// import one another: what they share lies below them, and `lib.rs` composes their routers.
#[test]
fn front_doors_do_not_import_one_another() {
    let doors = [
        ("api", "server/src/api"),
        ("open311", "server/src/open311"),
        ("console", "server/src/console"),
        ("open_data", "server/src/open_data.rs"),
        ("public", "server/src/public"),
    ];
    let mut found = Vec::new();
    for (door, folder) in doors {
        for (other, _) in doors.iter().filter(|(other, _)| *other != door) {
            found.extend(lines_containing(&[folder], &format!("crate::{other}")));
        }
    }
    assert!(found.is_empty(), "a front door imports another: {found:#?}");
}
