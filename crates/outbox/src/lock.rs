//! The app lock's PIN: 4 to 6 digits the citizen chooses, kept in the outbox's settings only as
//! a slow hash, with growing waits after wrong tries.
//!
//! Guarantees:
//! - the PIN itself is never stored, only its argon2id hash (PHC string, a random 16-byte salt,
//!   [`PIN_MEMORY_KIB`] KiB and [`PIN_PASSES`] passes: light enough for a cheap phone);
//! - a try is counted, and the wait it may lead to is stored, before the PIN is checked, so
//!   killing the app during a check gains nothing; the count and the wait survive a restart;
//! - during a wait no PIN is checked at all; the wait is never longer than [`pin_delay`] of the
//!   count (a phone clock set back does not lock the citizen out for longer);
//! - wrong tries never delete anything: the worst is a wait of an hour between tries.
//!
//! Khmer digits (០–៩) count as the same digits as 0–9.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::{Outbox, OutboxError};

/// How many digits a PIN has.
pub const PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=6;
/// argon2id working memory for the PIN's hash, in KiB.
pub const PIN_MEMORY_KIB: u32 = 12 * 1024;
/// argon2id passes over that memory.
pub const PIN_PASSES: u32 = 2;

const HASH_KEY: &str = "pin_hash";
const FAILURES_KEY: &str = "pin_failures";
const WAIT_UNTIL_KEY: &str = "pin_wait_until";

/// What a try of the PIN found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinCheck {
    /// Right: the wrong tries before it are forgotten.
    Right,
    /// Wrong, and counted: the next try may come in `wait_ms` (0: at once).
    Wrong { failures: u32, wait_ms: i64 },
    /// Not checked: the wait after the wrong tries before is not over (`wait_ms` left).
    Wait { wait_ms: i64 },
    /// No PIN is set.
    NoPin,
}

/// The wait (ms) after `failures` wrong tries in a row: the first three cost nothing, then 30
/// seconds, 1, 5 and 15 minutes, and an hour from the eighth on.
pub fn pin_delay(failures: u32) -> i64 {
    const SECOND: i64 = 1000;
    const MINUTE: i64 = 60 * SECOND;
    match failures {
        0..=3 => 0,
        4 => 30 * SECOND,
        5 => MINUTE,
        6 => 5 * MINUTE,
        7 => 15 * MINUTE,
        _ => 60 * MINUTE,
    }
}

/// The PIN as ASCII digits, if it is 4 to 6 digits (Latin or Khmer).
pub fn normalize_pin(pin: &str) -> Option<String> {
    let digits: Option<String> = pin
        .trim()
        .chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            '០'..='៩' => char::from_digit(c as u32 - '០' as u32, 10),
            _ => None,
        })
        .collect();
    digits.filter(|d| PIN_DIGITS.contains(&d.len()))
}

fn hasher() -> Argon2<'static> {
    let params =
        Params::new(PIN_MEMORY_KIB, PIN_PASSES, 1, None).expect("the PIN's argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `pin` with a fresh random salt.
fn hash_pin(pin: &str) -> String {
    let salt: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    hasher()
        .hash_password(pin.as_bytes(), &salt)
        .expect("argon2 hashes any PIN")
        .to_string()
}

/// Whether `pin` matches the stored PHC string (constant-time comparison inside argon2).
fn verify_pin(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|hash| hasher().verify_password(pin.as_bytes(), &hash).is_ok())
}

fn read(conn: &Connection, key: &str) -> Result<Option<String>, OutboxError> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn write(conn: &Connection, key: &str, value: &str) -> Result<(), OutboxError> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Wrong tries in a row so far, and the time (Unix ms) before which no try is checked.
fn failures_and_wait(conn: &Connection) -> Result<(u32, i64), OutboxError> {
    let failures = read(conn, FAILURES_KEY)?.and_then(|v| v.parse().ok());
    let until = read(conn, WAIT_UNTIL_KEY)?.and_then(|v| v.parse().ok());
    Ok((failures.unwrap_or(0), until.unwrap_or(0)))
}

/// The wait left at `now_ms`, never longer than the count's own delay.
fn wait_left(failures: u32, until: i64, now_ms: i64) -> i64 {
    (until - now_ms).clamp(0, pin_delay(failures))
}

impl Outbox {
    /// Whether an app lock PIN is set.
    pub fn has_pin(&self) -> Result<bool, OutboxError> {
        Ok(read(&self.conn(), HASH_KEY)?.is_some())
    }

    /// Sets (or replaces) the PIN: 4 to 6 digits, stored only as its hash; the count of wrong
    /// tries starts again. [`OutboxError::InvalidPin`] for anything else, and nothing changes.
    /// The caller asks for the current PIN first when one is set ([`Outbox::check_pin`]).
    pub fn set_pin(&self, pin: &str) -> Result<(), OutboxError> {
        let pin = normalize_pin(pin).ok_or(OutboxError::InvalidPin)?;
        // Hashed outside the lock: the sync engine need not wait for it.
        let hash = hash_pin(&pin);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        write(&tx, HASH_KEY, &hash)?;
        write(&tx, FAILURES_KEY, "0")?;
        write(&tx, WAIT_UNTIL_KEY, "0")?;
        tx.commit()?;
        Ok(())
    }

    /// The wait (ms) left at `now_ms` before the PIN may be tried again (0: it may be now).
    pub fn pin_wait(&self, now_ms: i64) -> Result<i64, OutboxError> {
        let (failures, until) = failures_and_wait(&self.conn())?;
        Ok(wait_left(failures, until, now_ms))
    }

    /// Tries `pin` at `now_ms`. The try is counted (with the wait it leads to) before the PIN
    /// is checked; a right PIN then forgets the count. During a wait nothing is checked.
    pub fn check_pin(&self, pin: &str, now_ms: i64) -> Result<PinCheck, OutboxError> {
        let (stored, failures) = {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(stored) = read(&tx, HASH_KEY)? else {
                return Ok(PinCheck::NoPin);
            };
            let (failures, until) = failures_and_wait(&tx)?;
            let left = wait_left(failures, until, now_ms);
            if left > 0 {
                return Ok(PinCheck::Wait { wait_ms: left });
            }
            let failures = failures.saturating_add(1);
            write(&tx, FAILURES_KEY, &failures.to_string())?;
            write(
                &tx,
                WAIT_UNTIL_KEY,
                &(now_ms + pin_delay(failures)).to_string(),
            )?;
            tx.commit()?;
            (stored, failures)
        };
        let right = normalize_pin(pin).is_some_and(|pin| verify_pin(&pin, &stored));
        if !right {
            return Ok(PinCheck::Wrong {
                failures,
                wait_ms: pin_delay(failures),
            });
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        write(&tx, FAILURES_KEY, "0")?;
        write(&tx, WAIT_UNTIL_KEY, "0")?;
        tx.commit()?;
        Ok(PinCheck::Right)
    }

    /// Removes the PIN if `current` is right (a try like [`Outbox::check_pin`]'s, counted and
    /// subject to the same waits); what the try found.
    pub fn clear_pin(&self, current: &str, now_ms: i64) -> Result<PinCheck, OutboxError> {
        let found = self.check_pin(current, now_ms)?;
        if found == PinCheck::Right {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "DELETE FROM settings WHERE key IN (?1, ?2, ?3)",
                params![HASH_KEY, FAILURES_KEY, WAIT_UNTIL_KEY],
            )?;
            tx.commit()?;
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox(folder: &tempfile::TempDir) -> Outbox {
        Outbox::open(&folder.path().join("outbox.db")).unwrap()
    }

    /// Every byte of the database's files (the main file, its log, its shared memory).
    fn file_bytes(folder: &tempfile::TempDir) -> Vec<u8> {
        let mut bytes = Vec::new();
        for name in ["outbox.db", "outbox.db-wal", "outbox.db-shm"] {
            bytes.extend(std::fs::read(folder.path().join(name)).unwrap_or_default());
        }
        bytes
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    }

    #[test]
    fn only_four_to_six_digits_make_a_pin() {
        let check = |pin: &str, expect: Option<&str>| {
            assert_eq!(normalize_pin(pin).as_deref(), expect, "{pin:?}");
        };
        check("1234", Some("1234"));
        check(" 482913 ", Some("482913"));
        check("១២៣៤", Some("1234"));
        check("០៩៨៧៦", Some("09876"));
        check("123", None);
        check("1234567", None);
        check("12a4", None);
        check("", None);
        let folder = tempfile::tempdir().unwrap();
        let outbox = outbox(&folder);
        assert!(matches!(outbox.set_pin("12"), Err(OutboxError::InvalidPin)));
        assert!(!outbox.has_pin().unwrap());
    }

    #[test]
    fn the_pin_is_stored_only_as_a_salted_slow_hash() {
        let folder = tempfile::tempdir().unwrap();
        let outbox = outbox(&folder);
        assert_eq!(outbox.check_pin("4829", 0).unwrap(), PinCheck::NoPin);
        let started = std::time::Instant::now();
        outbox.set_pin("482913").unwrap();
        let took = started.elapsed();
        eprintln!(
            "hashing a PIN took {took:?} (argon2id, {PIN_MEMORY_KIB} KiB, {PIN_PASSES} passes)"
        );
        assert!(outbox.has_pin().unwrap());
        let stored = outbox.setting(HASH_KEY).unwrap().unwrap();
        assert!(
            stored.starts_with(&format!(
                "$argon2id$v=19$m={PIN_MEMORY_KIB},t={PIN_PASSES},p=1$"
            )),
            "{stored}"
        );
        assert!(!stored.contains("482913"));
        drop(outbox);
        assert!(
            !contains(&file_bytes(&folder), "482913"),
            "the PIN is in the file"
        );
        // The same PIN again has another salt, so another hash.
        let outbox = self::outbox(&folder);
        outbox.set_pin("482913").unwrap();
        assert_ne!(outbox.setting(HASH_KEY).unwrap().unwrap(), stored);
        assert_eq!(outbox.check_pin("482913", 0).unwrap(), PinCheck::Right);
        assert_eq!(outbox.check_pin("៤៨២៩១៣", 0).unwrap(), PinCheck::Right);
    }

    #[test]
    fn a_wrong_pin_is_refused_and_the_waits_grow_and_outlive_a_restart() {
        let folder = tempfile::tempdir().unwrap();
        let outbox = outbox(&folder);
        outbox.set_pin("2580").unwrap();
        let mut now = 1_000_000;
        let mut waits = Vec::new();
        for failures in 1..=5u32 {
            let found = outbox.check_pin("0000", now).unwrap();
            let wait_ms = pin_delay(failures);
            assert_eq!(found, PinCheck::Wrong { failures, wait_ms });
            waits.push(wait_ms);
            if wait_ms > 0 {
                // During the wait not even the right PIN is checked.
                assert_eq!(
                    outbox.check_pin("2580", now + 1).unwrap(),
                    PinCheck::Wait {
                        wait_ms: wait_ms - 1
                    }
                );
            }
            now += wait_ms;
        }
        assert_eq!(waits, [0, 0, 0, 30_000, 60_000]);

        // Restarting the app changes nothing: the sixth wrong try waits five minutes.
        drop(outbox);
        let outbox = self::outbox(&folder);
        let found = outbox.check_pin("1111", now).unwrap();
        assert_eq!(
            found,
            PinCheck::Wrong {
                failures: 6,
                wait_ms: 5 * 60_000
            }
        );
        drop(outbox);
        let outbox = self::outbox(&folder);
        assert_eq!(outbox.pin_wait(now + 60_000).unwrap(), 4 * 60_000);
        // A clock set back an hour does not make the wait longer than five minutes.
        assert_eq!(outbox.pin_wait(now - 3_600_000).unwrap(), 5 * 60_000);
        assert_eq!(
            outbox.check_pin("2580", now + 60_000).unwrap(),
            PinCheck::Wait {
                wait_ms: 4 * 60_000
            }
        );
        // After the wait the right PIN opens, and the count starts again.
        now += 5 * 60_000;
        assert_eq!(outbox.check_pin("2580", now).unwrap(), PinCheck::Right);
        assert_eq!(outbox.pin_wait(now).unwrap(), 0);
        assert_eq!(
            outbox.check_pin("9999", now).unwrap(),
            PinCheck::Wrong {
                failures: 1,
                wait_ms: 0
            }
        );
        // The longest wait is an hour, and nothing is ever deleted.
        assert_eq!(pin_delay(8), 3_600_000);
        assert_eq!(pin_delay(1_000), 3_600_000);
        assert!(outbox.has_pin().unwrap());
    }

    #[test]
    fn the_pin_is_removed_only_with_the_current_one() {
        let folder = tempfile::tempdir().unwrap();
        let outbox = outbox(&folder);
        outbox.set_pin("7531").unwrap();
        assert_eq!(
            outbox.clear_pin("1357", 0).unwrap(),
            PinCheck::Wrong {
                failures: 1,
                wait_ms: 0
            }
        );
        assert!(outbox.has_pin().unwrap());
        assert_eq!(outbox.clear_pin("7531", 0).unwrap(), PinCheck::Right);
        assert!(!outbox.has_pin().unwrap());
        assert_eq!(outbox.check_pin("7531", 0).unwrap(), PinCheck::NoPin);
        for key in [HASH_KEY, FAILURES_KEY, WAIT_UNTIL_KEY] {
            assert_eq!(outbox.setting(key).unwrap(), None, "{key}");
        }
        // A new PIN can be set again, and an old count does not come back with it.
        outbox.set_pin("864200").unwrap();
        assert_eq!(outbox.check_pin("864200", 0).unwrap(), PinCheck::Right);
    }
}
