//! Tokens and digests shared by the front doors: session and enrolment tokens, the digests the
//! database keeps instead of them (and of Open311 API keys), and a comparison that does not
//! stop at the first difference.
//!
//! Guarantees: the database never holds a token or key itself, only its SHA-256; a token is
//! 256 random bits.

use sha2::{Digest, Sha256};

/// SHA-256 (hex) of a token, an Open311 API key or a request body: what the database keeps.
/// The same digest as a per-submission secret's ([`ourvoice_protocol::Secret::digest`]).
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random token (256 bits, hex).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// Compares secrets without stopping at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_and_comparisons() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            ourvoice_protocol::Secret::from_string("abc".into()).digest(),
            digest("abc")
        );
        let token = random_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, random_token());
        assert!(same(&token, &token.clone()));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
