//! Voice notes: Opus in Ogg or WebM, or AAC in MP4, as the phone's recorder makes them, checked
//! and stripped of their metadata.
//!
//! Guarantees: only those containers and codecs pass (a file with a video track, or with audio
//! in another codec, is [`MediaError::NotMedia`]); at most [`MAX_VOICE_BYTES`] and
//! [`MAX_VOICE_SECONDS`] (with one second of slack), the length read from the container's own
//! timing, the largest of what it declares and what its last audio data says; every metadata
//! block (Ogg's comment header, WebM's tags, attachments, chapters and writing application,
//! MP4's user data, `meta` and `uuid` boxes and creation dates) is blanked in place, so no
//! other byte moves and every offset the container holds stays true. The parsers are bounds
//! checked at every read, never panic, never recurse deeper than the container's fixed
//! structure, and allocate nothing but the output copy.

mod mp4;
mod ogg;
mod read;
mod webm;

use ourvoice_protocol::{MediaType, MAX_VOICE_BYTES, MAX_VOICE_SECONDS};
use std::time::Duration;

use crate::{sniff, MediaError, Prepared};

/// A voice note as the phone sends it: checked, its metadata blanked.
pub fn prepare_voice(bytes: &[u8]) -> Result<Prepared, MediaError> {
    let (media_type, stripped, _) = strip(bytes)?;
    Ok(Prepared::new(stripped, media_type))
}

/// How long a voice note lasts, read from its container (and checked as [`prepare_voice`]
/// checks it).
pub fn voice_duration(bytes: &[u8]) -> Result<Duration, MediaError> {
    strip(bytes).map(|(_, _, duration)| duration)
}

/// The longest a voice note may last as the container says it: the protocol's limit and a
/// second of slack for encoder padding.
pub const MAX_VOICE_DURATION: Duration = Duration::from_secs(MAX_VOICE_SECONDS as u64 + 1);

/// The voice note's type, its bytes with metadata blanked, and its duration.
fn strip(bytes: &[u8]) -> Result<(MediaType, Vec<u8>, Duration), MediaError> {
    let media_type = sniff(bytes).ok_or(MediaError::NotMedia)?;
    if bytes.len() as u64 > MAX_VOICE_BYTES {
        return Err(MediaError::TooLarge);
    }
    let mut out = bytes.to_vec();
    let duration = match media_type {
        MediaType::Ogg => ogg::strip(&mut out)?,
        MediaType::Webm => webm::strip(&mut out)?,
        MediaType::Mp4 => mp4::strip(&mut out)?,
        MediaType::Jpeg | MediaType::Png | MediaType::Webp => return Err(MediaError::NotMedia),
    };
    if duration > MAX_VOICE_DURATION {
        return Err(MediaError::TooLarge);
    }
    Ok((media_type, out, duration))
}

/// A duration of `units` ticks of `per_second` each, or `None` for a zero rate.
fn ticks(units: u64, per_second: u64) -> Option<Duration> {
    if per_second == 0 {
        return None;
    }
    let seconds = units / per_second;
    let rest = units % per_second;
    let nanos = (u128::from(rest) * 1_000_000_000 / u128::from(per_second)) as u32;
    Some(Duration::new(seconds, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_exact_and_a_zero_rate_is_no_duration() {
        for (units, rate, expected) in [
            (48_000, 48_000, Some(Duration::from_secs(1))),
            (72_000, 48_000, Some(Duration::from_millis(1500))),
            (1, 3, Some(Duration::from_nanos(333_333_333))),
            (u64::MAX, 1, Some(Duration::from_secs(u64::MAX))),
            (5, 0, None),
        ] {
            assert_eq!(ticks(units, rate), expected, "{units}/{rate}");
        }
    }

    #[test]
    fn photos_are_not_voice_notes() {
        for bytes in [
            &b"\xFF\xD8\xFF\xE0"[..],
            b"\x89PNG\r\n\x1a\n",
            b"",
            b"ID3\x04",
        ] {
            assert_eq!(prepare_voice(bytes), Err(MediaError::NotMedia));
        }
    }
}
