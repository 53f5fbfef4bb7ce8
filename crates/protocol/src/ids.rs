//! Identifiers a citizen's device makes: the tracking code shown to the citizen (derived from the
//! submission's UUID) and the per-submission secret that later proves this device asked.
//!
//! Guarantees: a tracking code is a pure function of the UUID, uses only characters that cannot be
//! confused when read aloud or copied by hand (no 0/O, no 1/I), and stays in Latin characters.
//! Codes made before they grew to twelve symbols (eight, `OV-7K3M-Q9TX`) are the first eight
//! symbols of today's code for the same UUID, so an old code still finds its case
//! ([`TrackingCode::finds`]).

use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use uuid::Uuid;

/// 32 symbols, 5 bits each: digits 2–9 and letters without I and O.
const TRACKING_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Symbols in a code made today (60 bits) and in one made before (40 bits).
const SYMBOLS: usize = 12;
const OLD_SYMBOLS: usize = 8;

/// A code such as `OV-7K3M-Q9TX-A4DE` that a citizen can read to an official, in groups of four.
///
/// It carries 60 random bits of the submission's UUID (bits 0–47 and 52–63: the bits in
/// between are the UUID's version). With 40 bits, as codes had before, two of 1.2 million
/// cases share a code with even odds; with 60 bits that takes 1.2 billion, and among ten
/// million cases the chance that any two share one is about 1 in 23,000. Even then the
/// reference stays unambiguous: the console lists every case a code finds, with its office,
/// place and day. A handle for people, not a key: the UUID stays the identity of a submission
/// everywhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackingCode(String);

impl TrackingCode {
    pub fn from_id(id: &Uuid) -> TrackingCode {
        let b = id.as_bytes();
        // Bytes 0–5, the low half of byte 6 (its high half is the version), byte 7.
        let bits = b[..6]
            .iter()
            .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
        let bits = (bits << 12) | (u64::from(b[6] & 0x0f) << 8) | u64::from(b[7]);
        let symbols: String = (0..SYMBOLS)
            .map(|i| {
                let index = (bits >> (5 * (SYMBOLS - 1 - i))) & 0x1f;
                TRACKING_ALPHABET[index as usize] as char
            })
            .collect();
        TrackingCode::grouped(&symbols)
    }

    /// `OV-` and the symbols in groups of four.
    fn grouped(symbols: &str) -> TrackingCode {
        let groups: Vec<&str> = symbols
            .as_bytes()
            .chunks(4)
            .map(|group| std::str::from_utf8(group).unwrap_or_default())
            .collect();
        TrackingCode(format!("OV-{}", groups.join("-")))
    }

    /// Reads a code as a person may type it: any case, with or without `OV` and dashes or
    /// spaces; twelve symbols, or eight for a code made before codes grew.
    pub fn parse(typed: &str) -> Option<TrackingCode> {
        let mut symbols: String = typed
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{200b}' | '·'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if matches!(symbols.len(), 10 | 14) && symbols.starts_with("OV") {
            symbols.drain(..2);
        }
        if !matches!(symbols.len(), SYMBOLS | OLD_SYMBOLS)
            || !symbols.bytes().all(|b| TRACKING_ALPHABET.contains(&b))
        {
            return None;
        }
        Some(TrackingCode::grouped(&symbols))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The symbols without `OV` and dashes.
    pub fn symbols(&self) -> String {
        self.0[3..].replace('-', "")
    }

    /// The groups of four, as said aloud one group after the other: `["7K3M", "Q9TX", "A4DE"]`.
    pub fn groups(&self) -> Vec<&str> {
        self.0[3..].split('-').collect()
    }

    /// Whether a case with this code is found by `typed`: the same code, or the eight-symbol
    /// code of the same UUID that an older app showed.
    pub fn finds(&self, typed: &TrackingCode) -> bool {
        self.0.starts_with(typed.as_str())
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A per-submission secret (256 random bits, hex). Only the device that made the submission
/// has it; the server stores only [`Secret::digest`]. It never appears in a URL or a log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn generate() -> Secret {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Secret(hex::encode(bytes))
    }

    pub fn from_string(secret: String) -> Secret {
        Secret(secret)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The SHA-256 digest (hex) the server keeps instead of the secret.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    /// Whether this is a secret a device could have made: 32–128 characters of `[0-9A-Za-z_-]`.
    pub fn is_well_formed(&self) -> bool {
        (32..=128).contains(&self.0.len())
            && self
                .0
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_code_is_derived_from_the_id_and_readable() {
        let id = Uuid::from_bytes([0xff; 16]);
        assert_eq!(TrackingCode::from_id(&id).as_str(), "OV-ZZZZ-ZZZZ-ZZZZ");
        let id = Uuid::from_bytes([0; 16]);
        assert_eq!(TrackingCode::from_id(&id).as_str(), "OV-2222-2222-2222");
        let id = Uuid::from_bytes([
            0x08, 0x86, 0x42, 0x98, 0xe4, 0x00, 0x40, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        // Bytes 0–4: 00001 00010 00011 00100 00101 00110 00111 00100; byte 5, the low half of
        // byte 6 and byte 7: 00000 00000 00000 00001.
        assert_eq!(TrackingCode::from_id(&id).as_str(), "OV-3456-7896-2223");
        // The version nibble is not part of the code: v4 and v7 ids alike use every symbol.
        let mut bytes = [0x55; 16];
        bytes[6] = 0x45;
        let v4 = TrackingCode::from_id(&Uuid::from_bytes(bytes));
        bytes[6] = 0x75;
        assert_eq!(TrackingCode::from_id(&Uuid::from_bytes(bytes)), v4);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let code = TrackingCode::from_id(&Uuid::new_v4());
            assert_eq!(code.as_str().len(), 17);
            assert_eq!(code.groups().len(), 3);
            assert_eq!(code.symbols().len(), 12);
            assert!(!code.as_str()[3..].contains(['0', '1', 'O', 'I']));
            assert_eq!(TrackingCode::parse(code.as_str()), Some(code.clone()));
            seen.extend(code.symbols().chars());
        }
        // All 32 symbols appear (a stuck bit would leave some out).
        assert_eq!(seen.len(), 32);
    }

    #[test]
    fn an_old_eight_symbol_code_still_finds_its_case() {
        let id = Uuid::new_v4();
        let bytes = id.as_bytes();
        // The code an older app derived: the first 40 bits.
        let bits = bytes[..5]
            .iter()
            .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
        let old: String = (0..8)
            .map(|i| TRACKING_ALPHABET[((bits >> (35 - 5 * i)) & 0x1f) as usize] as char)
            .collect();
        let old = TrackingCode::parse(&old).expect("an old code parses");
        assert_eq!(old.as_str().len(), 12);
        let new = TrackingCode::from_id(&id);
        assert!(new.finds(&old));
        assert!(new.finds(&new));
        assert!(!old.finds(&new));
        let other = TrackingCode::from_id(&Uuid::new_v4());
        assert!(!new.finds(&other));
    }

    #[test]
    fn tracking_code_parses_what_people_type() {
        let expect = Some(TrackingCode("OV-7K3M-Q9TX-A4DE".into()));
        for typed in [
            "OV-7K3M-Q9TX-A4DE",
            "ov-7k3m-q9tx-a4de",
            "7K3MQ9TXA4DE",
            "7k3m q9tx a4de",
            " OV 7K3M-Q9TX A4DE ",
            "7K3M · Q9TX · A4DE",
        ] {
            assert_eq!(TrackingCode::parse(typed), expect, "{typed}");
        }
        let old = Some(TrackingCode("OV-7K3M-Q9TX".into()));
        for typed in ["OV-7K3M-Q9TX", "7k3mq9tx", "ov 7k3m q9tx"] {
            assert_eq!(TrackingCode::parse(typed), old, "{typed}");
        }
        for typed in [
            "",
            "OV-7K3M-Q9T",
            "OV-7K3M-Q9TO",
            "OV-7K3M-Q9T1",
            "XX-7K3M-Q9TX",
            "OV-7K3M-Q9TX-A4D",
            "OV-7K3M-Q9TX-A4DE-2",
            "OV-7K3M-Q9TX-A4D0",
        ] {
            assert_eq!(TrackingCode::parse(typed), None, "{typed}");
        }
    }

    #[test]
    fn secrets_are_random_hidden_and_hashed() {
        let (a, b) = (Secret::generate(), Secret::generate());
        assert_ne!(a, b);
        assert!(a.is_well_formed());
        assert_eq!(format!("{a:?}"), "Secret(…)");
        assert_eq!(a.digest().len(), 64);
        assert_ne!(a.digest(), a.expose());
        assert!(!Secret::from_string("short".into()).is_well_formed());
        assert!(!Secret::from_string("x".repeat(31) + "/").is_well_formed());
    }
}
