//! The console's second factor: time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits,
//! 30-second steps, one step of clock drift either way), recovery codes, and the QR code that
//! carries a new secret to an authenticator app, drawn as inline SVG on the server.
//!
//! Guarantees: a code is accepted only for a step later than the last one used (the caller
//! stores the step it gets back); recovery codes are 40 random bits each, compared by their
//! SHA-256 only; nothing here logs a secret or a code.

use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per time step.
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

/// A new random secret (160 bits, as RFC 4226 recommends), in base32 without padding.
pub fn new_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    BASE32_NOPAD.encode(&bytes)
}

/// The HOTP value (RFC 4226) of `key` at `counter` with `digits` digits.
pub fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The time step `at` falls in.
pub fn step_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// The step whose code `code` is, among the steps around `now` (one either way) and later than
/// `last_used`; `None` when the code is wrong, malformed or already used.
pub fn check(secret: &str, code: &str, now: DateTime<Utc>, last_used: Option<i64>) -> Option<i64> {
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let current = step_of(now);
    (current - 1..=current + 1)
        .filter(|step| *step >= 0 && last_used.is_none_or(|last| *step > last))
        .find(|step| hotp(&key, *step as u64, DIGITS) == wanted)
}

/// The code of a base32 `secret` at time step `step` (for tests and tools).
pub fn code_for_step(secret: &str, step: i64) -> Option<String> {
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    Some(format!(
        "{:06}",
        hotp(&key, u64::try_from(step).ok()?, DIGITS)
    ))
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, username: &str, secret: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer).replace('+', "%20"),
        enc(username),
        enc(issuer).replace('+', "%20"),
    )
}

/// `text` as a QR code in inline SVG (dark modules as one path, a quiet zone of 4 modules).
pub fn qr_svg(text: &str, label: &str) -> maud::Markup {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return maud::html! {};
    };
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % width + 4, i / width + 4));
        }
    }
    let size = width + 8;
    maud::html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (size) " " (size) } width="220" height="220"
            role="img" aria-label=(super::html::Shown(label)) shape-rendering="crispEdges" {
            rect width=(size) height=(size) fill="#fff" {}
            path d=(path) fill="#000" {}
        }
    }
}

/// New recovery codes, as shown to the official (`xxxx-xxxx`, base32 letters and digits).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let bytes: [u8; 5] = rand::random();
            let text = BASE32_NOPAD.encode(&bytes).to_lowercase();
            format!("{}-{}", &text[..4], &text[4..])
        })
        .collect()
}

/// The digest a recovery code is stored and looked up by (case, spaces and dashes ignored; the
/// digits 0 and 1, which base32 lacks, read as the letters o and l).
pub fn recovery_digest(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_lowercase() {
            '0' => 'o',
            '1' => 'l',
            c => c,
        })
        .collect();
    super::digest(&normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    /// RFC 6238 appendix B, SHA-1 column (8 digits, the 20-byte ASCII key "1234567890…").
    #[test]
    fn rfc_6238_test_vectors() {
        let key = b"12345678901234567890";
        for (time, expect) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(key, step_of(at(time)) as u64, 8), expect, "{time}");
        }
    }

    #[test]
    fn codes_in_the_window_once() {
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        let now = at(1111111111);
        let code = |step: i64| format!("{:06}", hotp(b"12345678901234567890", step as u64, 6));
        let current = step_of(now);
        for (code, last, expect) in [
            (code(current), None, Some(current)),
            (code(current - 1), None, Some(current - 1)),
            (code(current + 1), None, Some(current + 1)),
            (code(current - 2), None, None),
            (code(current + 2), None, None),
            (code(current), Some(current), None),
            (code(current), Some(current - 1), Some(current)),
            ("12345".into(), None, None),
            ("abcdef".into(), None, None),
            ("".into(), None, None),
        ] {
            assert_eq!(check(&secret, &code, now, last), expect, "{code} {last:?}");
        }
        assert_eq!(check("not base32!", "000000", now, None), None);
    }

    #[test]
    fn recovery_codes_and_qr() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes
            .iter()
            .all(|c| c.len() == 9 && c.as_bytes()[4] == b'-'));
        assert_eq!(
            recovery_digest(&codes[0]),
            recovery_digest(&codes[0].to_uppercase().replace('-', " "))
        );
        assert_eq!(recovery_digest("l0ol-abcd"), recovery_digest("1OOL ABCD"));
        assert_eq!(
            BASE32_NOPAD.decode(new_secret().as_bytes()).unwrap().len(),
            20
        );
        let svg = qr_svg(&otpauth_uri("Our Voice", "sokha", "ABC"), "QR").into_string();
        assert!(
            svg.starts_with("<svg") && svg.contains("<path d=\"M"),
            "{svg}"
        );
        assert!(otpauth_uri("Our Voice", "sokha", "ABC")
            .starts_with("otpauth://totp/Our%20Voice:sokha?secret=ABC&issuer=Our%20Voice"));
    }
}
