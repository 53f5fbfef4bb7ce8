//! The Open311 API keys this server found valid in the last second, shared by the door that
//! checks them (Open311) and the one that revokes them (the console).
//!
//! Guarantees: only keys the database said are valid are kept, at most [`ValidKeys::MOST`] and
//! each for [`ValidKeys::FOR`]; a key revoked on this server is refused here at once, and on
//! every other server of a fleet within [`ValidKeys::FOR`]; unknown keys (an attacker's) always
//! go to the database and take no memory here.

use std::collections::HashMap;

/// The API keys found valid in the last [`ValidKeys::FOR`]: a client sending many requests
/// costs one database read a second, not one per request.
#[derive(Debug, Default)]
pub struct ValidKeys {
    checked: std::sync::Mutex<HashMap<String, std::time::Instant>>,
}

impl ValidKeys {
    pub const FOR: std::time::Duration = std::time::Duration::from_secs(1);
    pub const MOST: usize = 1000;

    pub fn recently_valid(&self, digest: &str) -> bool {
        let checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
        checked
            .get(digest)
            .is_some_and(|at| at.elapsed() < ValidKeys::FOR)
    }

    /// Forgets every key: a key was revoked on this server, which then refuses it at once.
    pub fn forget_all(&self) {
        self.checked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    pub fn found_valid(&self, digest: String) {
        let mut checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
        if checked.len() >= ValidKeys::MOST {
            checked.retain(|_, at| at.elapsed() < ValidKeys::FOR);
        }
        if checked.len() < ValidKeys::MOST {
            checked.insert(digest, std::time::Instant::now());
        }
    }
}
