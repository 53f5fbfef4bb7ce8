//! Voice notes: Opus in Ogg or WebM, or AAC in MP4, as the phone's recorder makes them.
//!
//! Guarantees: only those containers pass, at most [`MAX_VOICE_BYTES`].

use ourvoice_protocol::{AttachmentKind, MAX_VOICE_BYTES};

use crate::{sniff, MediaError, Prepared};

/// A voice note as the phone sends it.
pub fn prepare_voice(bytes: &[u8]) -> Result<Prepared, MediaError> {
    let media_type = sniff(bytes)
        .filter(|media_type| media_type.kind() == AttachmentKind::Voice)
        .ok_or(MediaError::NotMedia)?;
    if bytes.len() as u64 > MAX_VOICE_BYTES {
        return Err(MediaError::TooLarge);
    }
    Ok(Prepared::new(bytes.to_vec(), media_type))
}
