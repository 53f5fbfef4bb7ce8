//! Why a directory could not be loaded. Every variant names the offending code so a data
//! fix can start from the message alone.

use crate::model::{UnitLevel, UnitType};

/// A reason `Directory::from_json` refused its input.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("directory JSON is not in the expected shape: {0}")]
    Json(#[from] serde_json::Error),

    #[error("{level:?} code {code:?} is malformed: expected {expected_digits} ASCII digits")]
    MalformedCode {
        level: UnitLevel,
        code: String,
        expected_digits: usize,
    },

    #[error("unit {code} names parent {parent:?}, but its code does not start with it")]
    ParentMismatch { code: String, parent: String },

    #[error("unit {code} names parent {parent}, which is not in the directory")]
    MissingParent { code: String, parent: String },

    #[error("code {code} appears more than once")]
    DuplicateCode { code: String },

    #[error("unit {code} has type {unit_type:?}, which is not a {level:?}-level type")]
    WrongType {
        code: String,
        unit_type: UnitType,
        level: UnitLevel,
    },

    #[error("unit {code} has an empty {field}")]
    EmptyName { code: String, field: &'static str },
}
