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
fn an_ogg_comment_header_over_two_pages_is_blanked_on_both() {
    // As a long one (with a picture, say) is: the packet continues on the next page.
    let split = tags_over_two_pages(&fixture("speech.opus"));
    assert_eq!(
        ogg_pages(&split).len(),
        ogg_pages(&fixture("speech.opus")).len() + 1
    );
    check_recording(
        "speech.opus with its comments over two pages",
        &split,
        MediaType::Ogg,
        3383,
        &[b"Sok_Dara", b"11.5564", b"opus-tools"],
    );
}

#[test]
fn webm_chapters_and_attachments_after_the_clusters_are_voided() {
    let mut bytes = fixture("speech-stream.webm");
    unknown_cluster_sizes(&mut bytes);
    let chapters_at = bytes.len();
    // Chapters > EditionEntry > ChapterAtom > ChapterDisplay > ChapString.
    let chapter = ebml(&[0x85], b"Sok Dara at the market");
    let chapter = ebml(&[0x80], &chapter);
    let chapter = ebml(&[0xB6], &chapter);
    let chapter = ebml(&[0x45, 0xB9], &chapter);
    bytes.extend(ebml(&[0x10, 0x43, 0xA7, 0x70], &chapter));
    let attachments_at = bytes.len();
    // Attachments > AttachedFile > FileName, FileData.
    let mut file = ebml(&[0x46, 0x6E], b"home-location.txt");
    file.extend(ebml(&[0x46, 0x5C], b"11.5601,104.9120"));
    bytes.extend(ebml(&[0x19, 0x41, 0xA4, 0x69], &ebml(&[0x61, 0xA7], &file)));
    check_recording(
        "speech-stream.webm with chapters and attachments",
        &bytes,
        MediaType::Webm,
        3381,
        &[b"Sok Dara", b"home-location", b"11.5601", b"Lavf"],
    );
    let prepared = prepare_voice(&bytes).unwrap().bytes;
    assert_eq!(prepared[chapters_at], 0xEC, "Chapters not a Void");
    assert_eq!(prepared[attachments_at], 0xEC, "Attachments not a Void");
}

#[test]
fn mp4_uuid_and_location_boxes_become_free() {
    // The movie box is the last of this file, so boxes appended to it move nothing else.
    let mut bytes = fixture("speech.m4a");
    let moov = find(&bytes, b"moov").unwrap() - 4;
    assert_eq!(
        moov + u32::from_be_bytes(bytes[moov..moov + 4].try_into().unwrap()) as usize,
        bytes.len()
    );
    bytes.extend(mp4_box(b"\xA9xyz", b"\0\x12\x15\xC7+11.5564+104.9282/"));
    let mut uuid = [0x42u8; 16].to_vec();
    uuid.extend_from_slice(b"XMP secret: Sok Dara");
    bytes.extend(mp4_box(b"uuid", &uuid));
    let moov_size = (bytes.len() - moov) as u32;
    bytes[moov..moov + 4].copy_from_slice(&moov_size.to_be_bytes());
    // And XMP at the top level, in the box Adobe's tools write.
    let mut xmp = [
        0xBEu8, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF,
        0xAC,
    ]
    .to_vec();
    xmp.extend_from_slice(b"<x:xmpmeta xmlns:x='adobe:ns:meta/' photoshop:City='Phnom Penh'/>");
    bytes.extend(mp4_box(b"uuid", &xmp));
    check_recording(
        "speech.m4a with uuid and location boxes",
        &bytes,
        MediaType::Mp4,
        3430,
        &[
            b"+11.5564+104.9282/",
            b"XMP secret",
            b"Phnom Penh",
            b"uuid",
            b"\xA9xyz",
        ],
    );
}

/// An EBML element with a one-byte size.
fn ebml(id: &[u8], content: &[u8]) -> Vec<u8> {
    assert!(content.len() < 127);
    let mut out = id.to_vec();
    out.push(0x80 | content.len() as u8);
    out.extend_from_slice(content);
    out
}

/// An MP4 box.
fn mp4_box(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
    let mut out = ((content.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(content);
    out
}

/// The Ogg file with its comment header's page split in two after its first segment, the
/// second page marked as continuing the packet, the pages after it renumbered.
fn tags_over_two_pages(bytes: &[u8]) -> Vec<u8> {
    let pages = ogg_pages(bytes);
    let (tags, audio) = (pages[1], pages[2]);
    let segments = usize::from(bytes[tags + 26]);
    let table = &bytes[tags + 27..tags + 27 + segments];
    let body = &bytes[tags + 27 + segments..audio];
    assert!(segments >= 2 && table[0] == 255);
    let page = |flags: u8, sequence: u32, table: &[u8], body: &[u8]| {
        let mut page = bytes[tags..tags + 27].to_vec();
        page[5] = flags;
        page[18..22].copy_from_slice(&sequence.to_le_bytes());
        page[26] = table.len() as u8;
        page.extend_from_slice(table);
        page.extend_from_slice(body);
        sealed(page)
    };
    let mut out = bytes[..tags].to_vec();
    out.extend(page(0, 1, &table[..1], &body[..255]));
    out.extend(page(1, 2, &table[1..], &body[255..]));
    for (index, &start) in pages.iter().enumerate().skip(2) {
        let end = pages.get(index + 1).copied().unwrap_or(bytes.len());
        let mut page = bytes[start..end].to_vec();
        let sequence = u32::from_le_bytes(page[18..22].try_into().unwrap()) + 1;
        page[18..22].copy_from_slice(&sequence.to_le_bytes());
        out.extend(sealed(page));
    }
    out
}

/// The Ogg page with its checksum made right.
fn sealed(mut page: Vec<u8>) -> Vec<u8> {
    page[22..26].fill(0);
    let sum = ogg_crc(&page);
    page[22..26].copy_from_slice(&sum.to_le_bytes());
    page
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
    for name in ["video.webm", "video.mp4", "video.ogg", "speech-vorbis.ogg"] {
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
