//! Voice notes as recorders make them (the real files under `tests/fixtures/`, see its README):
//! their length is read right, their tags are gone after preparing while every other byte stays
//! in place, and what is too long, has a video track or another codec is refused.

use ourvoice_media::{check_arrival, prepare_voice, voice_duration, MediaError};
use ourvoice_protocol::{MediaType, MAX_VOICE_SECONDS};
use std::time::Duration;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Each recording, its type, its length in milliseconds (as ffprobe reads it; for MP4 the
/// track's own length, which counts the encoder's priming samples that an edit list hides) and
/// the words its tags carry.
const RECORDINGS: &[(&str, MediaType, u64, &[&[u8]])] = &[
    (
        "speech.opus",
        MediaType::Ogg,
        3383,
        &[b"Sok_Dara", b"11.5564", b"opus-tools", b"libopus"],
    ),
    (
        "speech.webm",
        MediaType::Webm,
        3391,
        &[b"Sok_Dara", b"11.5564", b"Lavf"],
    ),
    (
        "speech-stream.webm",
        MediaType::Webm,
        3381,
        &[b"Sok_Dara", b"11.5564", b"Lavf"],
    ),
    (
        "speech.m4a",
        MediaType::Mp4,
        3430,
        &[b"Sok_Dara", b"Lavf", b"SoundHandler"],
    ),
    (
        "speech-frag.m4a",
        MediaType::Mp4,
        3430,
        // The place in a `loci` box: fixed-point latitude, the body's name.
        &[
            b"Sok_Dara",
            b"Lavf",
            &[0x00, 0x0B, 0x8E, 0x70],
            b"earth",
            b"SoundHandler",
        ],
    ),
];

fn check_recording(name: &str, bytes: &[u8], media_type: MediaType, millis: u64, tags: &[&[u8]]) {
    let expected = Duration::from_millis(millis);
    let close = |found: Duration| found.abs_diff(expected) <= Duration::from_millis(2);
    let duration = voice_duration(bytes).unwrap_or_else(|error| panic!("{name}: {error:?}"));
    assert!(close(duration), "{name}: {duration:?}, not {expected:?}");
    for tag in tags {
        assert!(contains(bytes, tag), "{name} lacks {tag:?} to begin with");
    }

    let prepared = prepare_voice(bytes).unwrap();
    assert_eq!(prepared.media_type, media_type, "{name}");
    assert_eq!(prepared.sha256, ourvoice_media::sha256_hex(&prepared.bytes));
    assert_eq!(prepared.bytes.len(), bytes.len(), "{name}: bytes moved");
    for tag in tags {
        assert!(
            !contains(&prepared.bytes, tag),
            "{name} still holds {tag:?}"
        );
    }
    let again = voice_duration(&prepared.bytes).unwrap();
    assert!(close(again), "{name} stripped: {again:?}");
    assert_eq!(
        prepare_voice(&prepared.bytes).unwrap(),
        prepared,
        "{name}: preparing twice changes it"
    );
    assert_eq!(check_arrival(media_type, bytes), Ok(prepared), "{name}");
}

#[test]
fn recordings_keep_their_length_and_lose_their_tags() {
    for &(name, media_type, millis, tags) in RECORDINGS {
        check_recording(name, &fixture(name), media_type, millis, tags);
    }
}

#[test]
fn a_webm_with_clusters_of_unknown_size_as_chromium_writes_them() {
    let mut bytes = fixture("speech-stream.webm");
    let clusters = unknown_cluster_sizes(&mut bytes);
    assert!(clusters > 0, "no cluster found");
    check_recording(
        "speech-stream.webm with unknown cluster sizes",
        &bytes,
        MediaType::Webm,
        3381,
        &[b"Sok_Dara", b"11.5564", b"Lavf"],
    );
}

#[test]
fn what_does_not_move_is_the_audio() {
    // Only the comment header's page of the Ogg file changes: every page after it is the same.
    let bytes = fixture("speech.opus");
    let prepared = prepare_voice(&bytes).unwrap().bytes;
    let audio_starts = ogg_pages(&bytes)[2];
    assert_eq!(prepared[audio_starts..], bytes[audio_starts..]);
    assert_eq!(
        prepared[..ogg_pages(&bytes)[1]],
        bytes[..ogg_pages(&bytes)[1]]
    );
}

#[test]
fn too_long_is_refused() {
    assert_eq!(
        prepare_voice(&fixture("long.m4a")),
        Err(MediaError::TooLarge)
    );

    // Ogg: the last page's granule position says how long, after the pre-skip.
    let ogg = fixture("speech.opus");
    let limit = u64::from(MAX_VOICE_SECONDS);
    for (seconds_in_48k, expected) in [
        (limit * 48_000, Ok(Duration::from_secs(limit))),
        ((limit + 1) * 48_000, Ok(Duration::from_secs(limit + 1))),
        ((limit + 1) * 48_000 + 1, Err(MediaError::TooLarge)),
        (180 * 48_000, Err(MediaError::TooLarge)),
    ] {
        let longer = with_last_granule(&ogg, seconds_in_48k);
        assert_eq!(voice_duration(&longer), expected, "{seconds_in_48k}");
        if expected.is_err() {
            assert_eq!(
                check_arrival(MediaType::Ogg, &longer),
                Err(MediaError::TooLarge)
            );
        }
    }

    // WebM: a Duration that says three minutes is believed, even with less audio behind it.
    let webm = fixture("speech.webm");
    let at = find(&webm, &[0x44, 0x89]).expect("Duration element");
    let mut longer = webm.clone();
    match webm[at + 2] {
        0x88 => longer[at + 3..at + 11].copy_from_slice(&180_000f64.to_be_bytes()),
        0x84 => longer[at + 3..at + 7].copy_from_slice(&180_000f32.to_be_bytes()),
        other => panic!("Duration of size byte {other:#x}"),
    }
    assert_eq!(prepare_voice(&longer), Err(MediaError::TooLarge));
}

#[test]
fn video_and_other_codecs_are_refused() {
    for name in ["video.webm", "video.mp4", "speech-vorbis.ogg"] {
        let bytes = fixture(name);
        assert_eq!(prepare_voice(&bytes), Err(MediaError::NotMedia), "{name}");
        assert_eq!(voice_duration(&bytes), Err(MediaError::NotMedia), "{name}");
    }
}

#[test]
fn an_arrival_must_be_what_it_was_declared() {
    let webm = fixture("speech.webm");
    assert_eq!(
        check_arrival(MediaType::Ogg, &webm),
        Err(MediaError::NotMedia)
    );
    assert_eq!(
        check_arrival(MediaType::Jpeg, &webm),
        Err(MediaError::NotMedia)
    );
    assert_eq!(
        check_arrival(MediaType::Webm, &webm).map(|prepared| prepared.media_type),
        Ok(MediaType::Webm)
    );
}

/// The offsets of the Ogg pages in `bytes`.
fn ogg_pages(bytes: &[u8]) -> Vec<usize> {
    let mut pages = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        assert_eq!(&bytes[at..at + 4], b"OggS");
        pages.push(at);
        let segments = usize::from(bytes[at + 26]);
        let body: usize = bytes[at + 27..at + 27 + segments]
            .iter()
            .map(|&lacing| usize::from(lacing))
            .sum();
        at += 27 + segments + body;
    }
    pages
}

/// The Ogg file with its last page's granule position set to the pre-skip plus `samples`,
/// and that page's checksum made right.
fn with_last_granule(bytes: &[u8], samples: u64) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let pages = ogg_pages(bytes);
    let pre_skip = u64::from(u16::from_le_bytes([
        bytes[pages[0] + 38],
        bytes[pages[0] + 39],
    ]));
    let last = *pages.last().unwrap();
    out[last + 6..last + 14].copy_from_slice(&(pre_skip + samples).to_le_bytes());
    out[last + 22..last + 26].fill(0);
    let sum = ogg_crc(&out[last..]);
    out[last + 22..last + 26].copy_from_slice(&sum.to_le_bytes());
    out
}

/// The Ogg page checksum, written here again so that the test does not trust the crate's.
fn ogg_crc(page: &[u8]) -> u32 {
    let mut sum = 0u32;
    for &byte in page {
        sum ^= u32::from(byte) << 24;
        for _ in 0..8 {
            sum = if sum & 0x8000_0000 != 0 {
                (sum << 1) ^ 0x04C1_1DB7
            } else {
                sum << 1
            };
        }
    }
    sum
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Rewrites the size of every Cluster of a WebM whose Segment has an unknown size as
/// "unknown" (all ones, same length); answers how many.
fn unknown_cluster_sizes(bytes: &mut [u8]) -> usize {
    fn vint(bytes: &[u8], at: usize) -> (u64, usize) {
        let len = bytes[at].leading_zeros() as usize + 1;
        let mut value = u64::from(bytes[at]) & ((1 << (8 - len)) - 1);
        for &byte in &bytes[at + 1..at + len] {
            value = (value << 8) | u64::from(byte);
        }
        (value, len)
    }
    let segment = find(bytes, &[0x18, 0x53, 0x80, 0x67]).expect("Segment");
    let (_, size_len) = vint(bytes, segment + 4);
    let mut at = segment + 4 + size_len;
    let mut clusters = 0;
    while at < bytes.len() {
        let id_len = bytes[at].leading_zeros() as usize + 1;
        let id = bytes[at..at + id_len].to_vec();
        let (size, size_len) = vint(bytes, at + id_len);
        if id == [0x1F, 0x43, 0xB6, 0x75] {
            let field = &mut bytes[at + id_len..at + id_len + size_len];
            field.fill(0xFF);
            field[0] = 0xFF >> (size_len - 1);
            clusters += 1;
        }
        at += id_len + size_len + size as usize;
    }
    clusters
}
