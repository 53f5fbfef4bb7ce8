//! Identifiers a citizen's device makes: the tracking code shown to the citizen (derived from the
//! submission's UUID) and the per-submission secret that later proves this device asked.
//!
//! Guarantees: a tracking code is a pure function of the UUID, uses only characters that cannot be
//! confused when read aloud or copied by hand (no 0/O, no 1/I), and stays in Latin characters.

use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use uuid::Uuid;

/// 32 symbols, 5 bits each: digits 2–9 and letters without I and O.
const TRACKING_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A short code such as `OV-7K3M-Q9TX` that a citizen can read to an official.
///
/// It carries 40 bits of the submission's random UUID: a handle for people, not a key.
/// The UUID stays the identity of a submission everywhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackingCode(String);

impl TrackingCode {
    pub fn from_id(id: &Uuid) -> TrackingCode {
        let bytes = id.as_bytes();
        let bits = bytes[..5]
            .iter()
            .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
        let symbols: String = (0..8)
            .map(|i| {
                let index = (bits >> (35 - 5 * i)) & 0x1f;
                TRACKING_ALPHABET[index as usize] as char
            })
            .collect();
        TrackingCode(format!("OV-{}-{}", &symbols[..4], &symbols[4..]))
    }

    /// Reads a code as a person may type it: any case, with or without `OV` and dashes or spaces.
    pub fn parse(typed: &str) -> Option<TrackingCode> {
        let mut symbols: String = typed
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{200b}'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if symbols.len() == 10 && symbols.starts_with("OV") {
            symbols.drain(..2);
        }
        if symbols.len() != 8 || !symbols.bytes().all(|b| TRACKING_ALPHABET.contains(&b)) {
            return None;
        }
        Some(TrackingCode(format!(
            "OV-{}-{}",
            &symbols[..4],
            &symbols[4..]
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
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
        assert_eq!(TrackingCode::from_id(&id).as_str(), "OV-ZZZZ-ZZZZ");
        let id = Uuid::from_bytes([0; 16]);
        assert_eq!(TrackingCode::from_id(&id).as_str(), "OV-2222-2222");
        let id = Uuid::from_bytes([
            0x08, 0x86, 0x42, 0x98, 0xe4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        // 00001 00010 00011 00100 00101 00110 00111 00100
        assert_eq!(TrackingCode::from_id(&id).as_str(), "OV-3456-7896");
        for _ in 0..1000 {
            let code = TrackingCode::from_id(&Uuid::new_v4());
            assert_eq!(code.as_str().len(), 12);
            assert!(!code.as_str()[3..].contains(['0', '1', 'O', 'I']));
            assert_eq!(TrackingCode::parse(code.as_str()), Some(code.clone()));
        }
    }

    #[test]
    fn tracking_code_parses_what_people_type() {
        let expect = Some(TrackingCode("OV-7K3M-Q9TX".into()));
        for typed in [
            "OV-7K3M-Q9TX",
            "ov-7k3m-q9tx",
            "7K3MQ9TX",
            "7k3m q9tx",
            " OV 7K3M-Q9TX ",
        ] {
            assert_eq!(TrackingCode::parse(typed), expect, "{typed}");
        }
        for typed in [
            "",
            "OV-7K3M-Q9T",
            "OV-7K3M-Q9TO",
            "OV-7K3M-Q9T1",
            "XX-7K3M-Q9TX",
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
