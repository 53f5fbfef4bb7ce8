//! Photos and voice notes: what a submission declares it will carry, and the resumable upload
//! of each one after the submission is accepted.
//!
//! A submission lists its attachments ([`AttachmentDeclaration`]: an id the phone chose, the
//! kind, the media type, the exact size and SHA-256 of the bytes the phone will send). Once the
//! server accepted the submission, the phone uploads each attachment in pieces:
//!
//! - `PUT {API_PREFIX}/submissions/{case}/attachments/{attachment}` with
//!   `Authorization: Secret <the submission's secret>`, [`UPLOAD_OFFSET_HEADER`] naming where the
//!   piece starts, `Content-Type: application/octet-stream` and at most
//!   [`MAX_UPLOAD_PIECE_BYTES`] bytes. The server keeps every byte that reached it, even from a
//!   request cut short, and answers an [`AttachmentStatus`]; a piece that does not start where
//!   the server's copy ends is answered 409 with the status, so the phone continues from there.
//! - `GET` of the same path (same `Authorization`) answers the status: how much the server holds.
//!
//! Guarantees: the secret travels in the `Authorization` header, never in a URL; an unknown
//! case, a wrong secret and an attachment the submission did not declare all get the same 404.
//! An attachment counts as received only when the server holds exactly the declared size and
//! SHA-256 and the content is what its type says; otherwise it is refused for good, with an
//! [`AttachmentRefusal`], and nothing else of the case changes.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::codes::Code;

/// The most photos one submission may carry.
pub const MAX_PHOTOS: usize = 3;
/// The most voice notes one submission may carry.
pub const MAX_VOICE_NOTES: usize = 1;
/// The longest voice note, in seconds.
pub const MAX_VOICE_SECONDS: u32 = 120;
/// The longest edge of a photo as the phone sends it, in pixels.
pub const MAX_PHOTO_EDGE: u32 = 1600;
/// The largest photo as sent (a 1600-pixel JPEG is far smaller).
pub const MAX_PHOTO_BYTES: u64 = 3 * 1024 * 1024;
/// The largest voice note as sent (two minutes of speech at 128 kbit/s).
pub const MAX_VOICE_BYTES: u64 = 2 * 1024 * 1024;
/// The largest piece of an upload in one request.
pub const MAX_UPLOAD_PIECE_BYTES: usize = 256 * 1024;
/// The piece a phone sends at a time: small enough for a slow connection to finish one
/// within the server's request timeout, large enough to keep requests few.
pub const UPLOAD_PIECE_BYTES: usize = 64 * 1024;
/// The header that says where a piece starts (bytes from the start of the attachment).
pub const UPLOAD_OFFSET_HEADER: &str = "upload-offset";
/// The scheme of the `Authorization` header that carries the submission's secret.
pub const SECRET_AUTH_SCHEME: &str = "Secret";

/// The path of one attachment's upload (no host, with [`crate::API_PREFIX`]).
pub fn attachment_path(case: &Uuid, attachment: &Uuid) -> String {
    format!(
        "{}/submissions/{case}/attachments/{attachment}",
        crate::API_PREFIX
    )
}

/// What an attachment is to the citizen and the office.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Photo,
    Voice,
}

impl Code for AttachmentKind {
    const ALL: &'static [AttachmentKind] = &[AttachmentKind::Photo, AttachmentKind::Voice];
    const FLUENT_PREFIX: &'static str = "attachment";

    fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Photo => "photo",
            AttachmentKind::Voice => "voice",
        }
    }
}

/// The content types an attachment may have; anything else is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaType {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/webp")]
    Webp,
    /// Opus in Ogg.
    #[serde(rename = "audio/ogg")]
    Ogg,
    /// Opus in WebM (what Chromium's recorder makes).
    #[serde(rename = "audio/webm")]
    Webm,
    /// AAC in MP4 (what Safari's recorder makes).
    #[serde(rename = "audio/mp4")]
    Mp4,
}

impl Code for MediaType {
    const ALL: &'static [MediaType] = &[
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Webp,
        MediaType::Ogg,
        MediaType::Webm,
        MediaType::Mp4,
    ];
    const FLUENT_PREFIX: &'static str = "media-type";

    fn as_str(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
            MediaType::Ogg => "audio/ogg",
            MediaType::Webm => "audio/webm",
            MediaType::Mp4 => "audio/mp4",
        }
    }
}

impl MediaType {
    /// Whether content of this type is a photo or a voice note.
    pub fn kind(self) -> AttachmentKind {
        match self {
            MediaType::Jpeg | MediaType::Png | MediaType::Webp => AttachmentKind::Photo,
            MediaType::Ogg | MediaType::Webm | MediaType::Mp4 => AttachmentKind::Voice,
        }
    }
}

impl AttachmentKind {
    /// The largest attachment of this kind as sent.
    pub fn max_bytes(self) -> u64 {
        match self {
            AttachmentKind::Photo => MAX_PHOTO_BYTES,
            AttachmentKind::Voice => MAX_VOICE_BYTES,
        }
    }
}

/// One attachment a submission will carry, declared with the submission and uploaded after it
/// is accepted. Part of the submission's canonical body, so a different attachment under the
/// same submission id is a conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentDeclaration {
    /// Chosen by the phone (UUID v4); the key of the upload.
    pub id: Uuid,
    pub kind: AttachmentKind,
    pub media_type: MediaType,
    /// The exact size of what will be sent.
    pub bytes: u64,
    /// SHA-256 of what will be sent, 64 lowercase hex digits.
    pub sha256: String,
}

impl AttachmentDeclaration {
    /// Whether `sha256` is 64 lowercase hex digits.
    pub fn sha256_well_formed(&self) -> bool {
        self.sha256.len() == 64
            && self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

/// Where one attachment's upload stands on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentState {
    /// Bytes are still wanted: send from `received` on.
    Uploading,
    /// Complete and checked: the office can see it.
    Received,
    /// Refused for good (see the refusal); sending again cannot help.
    Refused,
}

impl Code for AttachmentState {
    const ALL: &'static [AttachmentState] = &[
        AttachmentState::Uploading,
        AttachmentState::Received,
        AttachmentState::Refused,
    ];
    const FLUENT_PREFIX: &'static str = "attachment-state";

    fn as_str(self) -> &'static str {
        match self {
            AttachmentState::Uploading => "uploading",
            AttachmentState::Received => "received",
            AttachmentState::Refused => "refused",
        }
    }
}

/// Why the server refused an attachment for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentRefusal {
    /// The bytes received are not the declared size or SHA-256.
    Mismatch,
    /// The content is not a photo or voice note of an allowed type, or not the declared one.
    NotMedia,
    /// Too many pixels, too long, or unreadable inside.
    TooLarge,
}

impl Code for AttachmentRefusal {
    const ALL: &'static [AttachmentRefusal] = &[
        AttachmentRefusal::Mismatch,
        AttachmentRefusal::NotMedia,
        AttachmentRefusal::TooLarge,
    ];
    const FLUENT_PREFIX: &'static str = "attachment-refusal";

    fn as_str(self) -> &'static str {
        match self {
            AttachmentRefusal::Mismatch => "mismatch",
            AttachmentRefusal::NotMedia => "not_media",
            AttachmentRefusal::TooLarge => "too_large",
        }
    }
}

/// The answer to every upload request, and to the status request: how many bytes the server
/// holds of the attachment, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentStatus {
    pub id: Uuid,
    /// Bytes the server holds, from the start; the next piece starts here.
    pub received: u64,
    /// The declared size.
    pub bytes: u64,
    pub state: AttachmentState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<AttachmentRefusal>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_media_type_names_its_kind_and_serialises_as_its_code() {
        for media_type in MediaType::ALL {
            let json = serde_json::to_value(media_type).unwrap();
            assert_eq!(json, serde_json::json!(media_type.as_str()));
            assert_eq!(MediaType::parse(media_type.as_str()), Some(*media_type));
            let top = media_type.as_str().split('/').next().unwrap();
            let expected = if top == "image" {
                AttachmentKind::Photo
            } else {
                AttachmentKind::Voice
            };
            assert_eq!(media_type.kind(), expected, "{media_type:?}");
        }
        for code in AttachmentRefusal::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        for code in AttachmentState::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn the_path_has_both_ids_and_the_prefix() {
        let (case, attachment) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(
            attachment_path(&case, &attachment),
            format!("/api/v1/submissions/{case}/attachments/{attachment}")
        );
    }

    #[test]
    fn sha256_must_be_lowercase_hex_of_64_digits() {
        let mut declaration = AttachmentDeclaration {
            id: Uuid::new_v4(),
            kind: AttachmentKind::Photo,
            media_type: MediaType::Jpeg,
            bytes: 10,
            sha256: "a".repeat(64),
        };
        assert!(declaration.sha256_well_formed());
        declaration.sha256 = "A".repeat(64);
        assert!(!declaration.sha256_well_formed());
        declaration.sha256 = "a".repeat(63);
        assert!(!declaration.sha256_well_formed());
    }
}
