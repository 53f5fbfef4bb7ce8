//! Hostile input: random bytes, truncations and mutations of every format the crate takes
//! (from a fixed seed, so a failure can be replayed) never make it panic, and whatever it
//! accepts keeps its promises (same length for voice, nothing more to strip, within limits).

use image::{ImageEncoder, Rgb, RgbImage};
use ourvoice_media::{
    check_arrival, prepare_photo, prepare_voice, sniff, voice_duration, MediaError,
    MAX_VOICE_DURATION,
};
use ourvoice_protocol::{AttachmentKind, Code, MediaType};

/// SplitMix64: small, fixed, good enough to spread mutations.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next() % bound as u64) as usize
        }
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

const VOICE_FIXTURES: &[&str] = &[
    "speech.opus",
    "speech.webm",
    "speech-stream.webm",
    "speech.m4a",
    "speech-frag.m4a",
    "long.m4a",
    "video.webm",
    "video.mp4",
    "video.ogg",
    "speech-vorbis.ogg",
];

/// `bytes` with every whole Ogg page's checksum made right again.
fn resealed(mut bytes: Vec<u8>) -> Vec<u8> {
    let mut at = 0;
    while at + 27 <= bytes.len() && &bytes[at..at + 4] == b"OggS" {
        let segments = usize::from(bytes[at + 26]);
        let Some(table) = bytes.get(at + 27..at + 27 + segments) else {
            break;
        };
        let end = at + 27 + segments + table.iter().map(|&l| usize::from(l)).sum::<usize>();
        if end > bytes.len() {
            break;
        }
        bytes[at + 22..at + 26].fill(0);
        let mut sum = 0u32;
        for &byte in &bytes[at..end] {
            sum ^= u32::from(byte) << 24;
            for _ in 0..8 {
                sum = if sum & 0x8000_0000 != 0 {
                    (sum << 1) ^ 0x04C1_1DB7
                } else {
                    sum << 1
                };
            }
        }
        bytes[at + 22..at + 26].copy_from_slice(&sum.to_le_bytes());
        at = end;
    }
    bytes
}

/// `bytes` changed in one of a few ways a broken or hostile file differs from a good one.
fn mutate(bytes: &[u8], random: &mut Random) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let rounds = 1 + random.below(4);
    for _ in 0..rounds {
        let at = random.below(out.len());
        match random.below(7) {
            0 => {
                if let Some(byte) = out.get_mut(at) {
                    *byte ^= 1 << random.below(8);
                }
            }
            1 => {
                let value = [0x00, 0xFF, 0x7F, 0x80, 0x01][random.below(5)];
                let len = 1 + random.below(8);
                for byte in out.iter_mut().skip(at).take(len) {
                    *byte = value;
                }
            }
            2 => out.truncate(at),
            3 => {
                let len = random.below(64);
                let inserted: Vec<u8> = (0..len).map(|_| random.byte()).collect();
                out.splice(at..at, inserted);
            }
            4 => {
                let end = (at + random.below(256)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = random.below(out.len());
                out.splice(to..to, copy);
            }
            5 => {
                let end = (at + random.below(256)).min(out.len());
                out.drain(at..end);
            }
            _ => {
                if let Some(byte) = out.get_mut(at) {
                    *byte = random.byte();
                }
            }
        }
    }
    out
}

/// Runs everything on `bytes`; checks what is accepted.
fn survive(bytes: &[u8], photos_too: bool) {
    if let Ok(prepared) = prepare_voice(bytes) {
        assert_eq!(
            prepared.bytes.len(),
            bytes.len(),
            "a voice note's bytes moved"
        );
        assert_eq!(prepare_voice(&prepared.bytes), Ok(prepared.clone()));
        let duration = voice_duration(bytes).unwrap();
        assert!(duration <= MAX_VOICE_DURATION);
        assert_eq!(voice_duration(&prepared.bytes), Ok(duration));
    }
    for &declared in MediaType::ALL {
        if declared.kind() == AttachmentKind::Photo && !photos_too {
            continue;
        }
        if let Ok(kept) = check_arrival(declared, bytes) {
            assert_eq!(kept.media_type.kind(), declared.kind());
            assert_eq!(sniff(&kept.bytes), Some(kept.media_type));
        }
    }
    if photos_too {
        if let Ok(prepared) = prepare_photo(bytes) {
            assert_eq!(sniff(&prepared.bytes), Some(MediaType::Jpeg));
        }
    }
}

#[test]
fn every_truncation_of_every_voice_note_is_refused_or_still_whole() {
    for name in VOICE_FIXTURES {
        let bytes = fixture(name);
        for len in 0..bytes.len() {
            match prepare_voice(&bytes[..len]) {
                // Cut on a page boundary, an Ogg file is still a (shorter) Ogg file; a WebM
                // of unknown size may be cut between clusters.
                Ok(prepared) => assert_eq!(prepared.bytes.len(), len),
                Err(error) => assert!([
                    MediaError::NotMedia,
                    MediaError::Unreadable,
                    MediaError::TooLarge
                ]
                .contains(&error)),
            }
        }
    }
}

#[test]
fn mutated_voice_notes_never_panic() {
    let mut random = Random(0x5EED_0001);
    for name in VOICE_FIXTURES {
        let bytes = fixture(name);
        for _ in 0..1500 {
            let mutated = mutate(&bytes, &mut random);
            survive(&mutated, false);
            if mutated.starts_with(b"OggS") {
                // Past the checksums, to reach what the pages hold.
                survive(&resealed(mutated), false);
            }
        }
    }
}

#[test]
fn random_bytes_behind_each_signature_never_panic() {
    let mut random = Random(0x5EED_0002);
    let signatures: &[&[u8]] = &[
        b"\xFF\xD8\xFF",
        b"\x89PNG\r\n\x1a\n",
        b"RIFF\0\0\0\0WEBPVP8 ",
        b"OggS\0\x02",
        b"\x1A\x45\xDF\xA3",
        b"\0\0\0\x18ftypM4A ",
        b"",
    ];
    for signature in signatures {
        for _ in 0..300 {
            let mut bytes = signature.to_vec();
            let len = random.below(600);
            bytes.extend((0..len).map(|_| random.byte()));
            survive(&bytes, true);
        }
    }
}

fn small_photos() -> Vec<Vec<u8>> {
    let picture = RgbImage::from_fn(24, 16, |x, y| Rgb([(x * 10) as u8, (y * 15) as u8, 90]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .write_image(picture.as_raw(), 24, 16, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(picture.as_raw(), 24, 16, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .write_image(picture.as_raw(), 24, 16, image::ExtendedColorType::Rgb8)
        .unwrap();
    vec![jpeg, png, webp]
}

#[test]
fn mutated_and_truncated_photos_never_panic() {
    let mut random = Random(0x5EED_0003);
    for photo in small_photos() {
        assert!(prepare_photo(&photo).is_ok());
        for len in (0..photo.len()).step_by(7) {
            survive(&photo[..len], true);
        }
        for _ in 0..300 {
            survive(&mutate(&photo, &mut random), true);
        }
    }
}

/// Where each EBML element's size field is in `bytes` (offset, length), descending into the
/// elements that hold others; lenient, for building broken files.
fn ebml_sizes(bytes: &[u8]) -> Vec<(usize, usize)> {
    const MASTERS: &[u32] = &[
        0x1A45_DFA3,
        0x1853_8067,
        0x1549_A966,
        0x1654_AE6B,
        0x1F43_B675,
        0x1254_C367,
        0x114D_9B74,
        0x1C53_BB6B,
        0xAE,
        0xA0,
        0xE1,
        0x7373,
        0x4DBB,
        0xBB,
    ];
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let id_len = bytes[at].leading_zeros() as usize + 1;
        let Some(size_at) = (id_len <= 4).then_some(at + id_len) else {
            break;
        };
        let Some(&first) = bytes.get(size_at) else {
            break;
        };
        let size_len = first.leading_zeros() as usize + 1;
        let Some(field) = bytes
            .get(size_at..size_at + size_len)
            .filter(|_| size_len <= 8)
        else {
            break;
        };
        let id = bytes[at..size_at]
            .iter()
            .fold(0u32, |id, &b| (id << 8) | u32::from(b));
        let mut size = u64::from(first) & ((1 << (8 - size_len)) - 1);
        for &byte in &field[1..] {
            size = (size << 8) | u64::from(byte);
        }
        found.push((size_at, size_len));
        let content = size_at + size_len;
        let unknown = size == (1u64 << (7 * size_len)) - 1;
        at = if MASTERS.contains(&id) || unknown {
            content
        } else {
            content.saturating_add(size as usize)
        };
    }
    found
}

/// Where each MP4 box's 32-bit size is in `bytes`, descending into the boxes that hold others.
fn mp4_sizes(bytes: &[u8], start: usize, end: usize, found: &mut Vec<usize>) {
    const CONTAINERS: &[(&[u8; 4], usize)] = &[
        (b"moov", 0),
        (b"trak", 0),
        (b"mdia", 0),
        (b"minf", 0),
        (b"stbl", 0),
        (b"mvex", 0),
        (b"moof", 0),
        (b"traf", 0),
        (b"udta", 0),
        (b"edts", 0),
        (b"dinf", 0),
        (b"meta", 4),
        (b"stsd", 8),
        (b"mp4a", 28),
    ];
    let mut at = start;
    while at + 8 <= end {
        let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if size < 8 || at + size > end {
            break;
        }
        found.push(at);
        if let Some((_, skip)) = CONTAINERS
            .iter()
            .find(|(kind, _)| **kind == bytes[at + 4..at + 8])
        {
            mp4_sizes(bytes, at + 8 + skip, at + size, found);
        }
        at += size;
    }
}

#[test]
fn every_element_and_box_given_a_wrong_size_never_panics() {
    for name in ["speech.webm", "speech-stream.webm", "video.webm"] {
        let bytes = fixture(name);
        let sizes = ebml_sizes(&bytes);
        assert!(sizes.len() > 20, "{name}: {}", sizes.len());
        for (at, len) in sizes {
            for size in [0u64, 1, 2, 3, 4, 5, 8, 100, (1 << (7 * len)) - 2] {
                let marked = size | (1u64 << (7 * len));
                let mut broken = bytes.clone();
                broken[at..at + len].copy_from_slice(&marked.to_be_bytes()[8 - len..]);
                survive(&broken, false);
            }
        }
    }
    for name in ["speech.m4a", "speech-frag.m4a", "video.mp4"] {
        let bytes = fixture(name);
        let mut sizes = Vec::new();
        mp4_sizes(&bytes, 0, bytes.len(), &mut sizes);
        assert!(sizes.len() > 20, "{name}: {}", sizes.len());
        for at in sizes {
            let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
            for wrong in [
                0,
                1,
                7,
                8,
                9,
                10,
                12,
                16,
                20,
                24,
                32,
                size - 1,
                size + 1,
                u32::MAX,
            ] {
                let mut broken = bytes.clone();
                broken[at..at + 4].copy_from_slice(&wrong.to_be_bytes());
                survive(&broken, false);
            }
        }
    }
}

#[test]
fn crafted_structures_are_refused_without_panic() {
    let ogg = fixture("speech.opus");
    let webm = fixture("speech-stream.webm");
    let mp4 = fixture("speech.m4a");
    let patched = |bytes: &[u8], at: usize, with: &[u8]| {
        let mut out = bytes.to_vec();
        out[at..at + with.len()].copy_from_slice(with);
        out
    };
    for (what, bytes, expected) in [
        // An Ogg page claiming 255 segments of 255 bytes beyond the end (its checksum fails).
        (
            "ogg page too long",
            patched(&ogg, 26, &[0xFF]),
            MediaError::Unreadable,
        ),
        // An EBML header of the largest size a size field can say.
        (
            "ebml header of 2^56 bytes",
            patched(&webm, 4, &[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]),
            MediaError::Unreadable,
        ),
        // An MP4 box of 64-bit size near the top of the range.
        (
            "mp4 ftyp of 2^64-1 bytes",
            {
                let mut out = patched(&mp4, 0, &[0, 0, 0, 1]);
                out.splice(8..8, u64::MAX.to_be_bytes());
                out
            },
            MediaError::Unreadable,
        ),
    ] {
        assert_eq!(prepare_voice(&bytes), Err(expected), "{what}");
        assert_eq!(voice_duration(&bytes), Err(expected), "{what}");
    }
    // Without its `ftyp`, an MP4 is not taken for one.
    assert_eq!(
        prepare_voice(&patched(&mp4, 4, b"free")),
        Err(MediaError::NotMedia)
    );
}
