//! Checks over the whole source tree: every Rust module starts with a `//!` comment saying what
//! it is, and ARCHITECTURE.md names every crate of the workspace.

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
