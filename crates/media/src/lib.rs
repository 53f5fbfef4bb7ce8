//! Photos and voice notes made safe to send and to keep. The phone runs [`prepare_photo`] and
//! [`prepare_voice`] before anything is queued (the citizen reviews exactly what they return);
//! the server runs [`check_arrival`] on every complete upload before it counts as received, and
//! [`thumbnail`] for the console.
//!
//! Guarantees: a photo that comes out was decoded within [`MAX_DECODED_PIXELS`], turned upright
//! by its orientation tag, scaled to at most [`MAX_PHOTO_EDGE`] pixels on its long edge and
//! re-encoded as a baseline JPEG that carries no metadata at all (no EXIF, GPS, XMP, IPTC, maker
//! notes, ICC profile or embedded thumbnail: the encoder writes pixels only). A voice note that
//! comes out is Opus in Ogg or WebM or AAC in MP4 with no other track, at most
//! [`MAX_VOICE_DURATION`] long by its own container's timing, its metadata blanked in place
//! (every other byte where it was, so the container's offsets stay true). Content is judged by
//! its bytes, never by a name or a declared type; no input, however broken, makes this crate
//! panic (`tests/hostile.rs`).

mod photo;
mod voice;

pub use photo::{prepare_photo, thumbnail, MAX_DECODED_PIXELS, THUMBNAIL_EDGE};
pub use voice::{prepare_voice, voice_duration, MAX_VOICE_DURATION};

use ourvoice_protocol::{AttachmentKind, AttachmentRefusal, MediaType};
use sha2::{Digest, Sha256};

pub use ourvoice_protocol::MAX_PHOTO_EDGE;

/// An attachment ready to be queued or kept: its bytes, their type and SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub media_type: MediaType,
    /// SHA-256 of `bytes`, 64 lowercase hex digits.
    pub sha256: String,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("bytes", &self.bytes.len())
            .field("media_type", &self.media_type)
            .field("sha256", &self.sha256)
            .finish()
    }
}

impl Prepared {
    fn new(bytes: Vec<u8>, media_type: MediaType) -> Prepared {
        let sha256 = sha256_hex(&bytes);
        Prepared {
            bytes,
            media_type,
            sha256,
        }
    }

    pub fn kind(&self) -> AttachmentKind {
        self.media_type.kind()
    }
}

/// Why a file cannot be attached (shown to the citizen) or an upload counted (stored on the
/// server as an [`AttachmentRefusal`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// Not a photo or voice note of a type we take (JPEG, PNG, WebP; Opus in Ogg or WebM, AAC
    /// in MP4), or not of the kind expected.
    #[error("not a photo or voice note of a type that can be sent")]
    NotMedia,
    /// Too many pixels, too many bytes, or longer than the longest voice note.
    #[error("too large or too long")]
    TooLarge,
    /// Of a type we take, but broken inside.
    #[error("the file is damaged")]
    Unreadable,
}

impl MediaError {
    /// What the server records when an upload's content is refused.
    pub fn refusal(self) -> AttachmentRefusal {
        match self {
            MediaError::NotMedia => AttachmentRefusal::NotMedia,
            MediaError::TooLarge | MediaError::Unreadable => AttachmentRefusal::TooLarge,
        }
    }
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The type of `bytes` by their first bytes, if it is one we take.
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaType::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(MediaType::Webp)
    } else if bytes.starts_with(b"OggS") {
        Some(MediaType::Ogg)
    } else if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some(MediaType::Webm)
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        Some(MediaType::Mp4)
    } else {
        None
    }
}

/// What the server keeps of a complete upload declared as `declared`: the content must be of
/// the declared kind; a photo is prepared again (so nothing the phone left in survives, and
/// what is kept is a JPEG whatever was declared), a voice note must be of exactly the declared
/// type (it is kept in its container, so it is served as what it is) and is checked and
/// stripped again.
pub fn check_arrival(declared: MediaType, bytes: &[u8]) -> Result<Prepared, MediaError> {
    let sniffed = sniff(bytes).ok_or(MediaError::NotMedia)?;
    if sniffed.kind() != declared.kind()
        || (declared.kind() == AttachmentKind::Voice && sniffed != declared)
    {
        return Err(MediaError::NotMedia);
    }
    match declared.kind() {
        AttachmentKind::Photo => photo::photo_on_arrival(bytes),
        AttachmentKind::Voice => prepare_voice(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_reads_the_first_bytes_only() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(MediaType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(MediaType::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(MediaType::Webp));
        assert_eq!(sniff(b"OggS\0\x02"), Some(MediaType::Ogg));
        assert_eq!(sniff(b"\x1A\x45\xDF\xA3\x9f"), Some(MediaType::Webm));
        assert_eq!(sniff(b"\0\0\0\x20ftypM4A "), Some(MediaType::Mp4));
        assert_eq!(sniff(b"<svg xmlns="), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn an_arrival_of_the_other_kind_is_refused() {
        assert_eq!(
            check_arrival(MediaType::Jpeg, b"OggS\0\x02 rest of a voice note"),
            Err(MediaError::NotMedia)
        );
        assert_eq!(
            check_arrival(MediaType::Ogg, b"<html>not media</html>"),
            Err(MediaError::NotMedia)
        );
    }
}
