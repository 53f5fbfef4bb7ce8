//! Opus in WebM (Matroska's EBML): the elements walked, the tracks checked to be Opus audio only,
//! and every element that can carry words about the recording or its maker overwritten in place by
//! a Void element of the same total size.
//!
//! Guarantees: sizes are checked against the enclosing element and the input before use; only the
//! Segment and its Clusters may have an unknown size (as Chromium's recorder writes them), and an
//! unknown-size Cluster ends at the first element that cannot be inside a Cluster; Tags,
//! Attachments, Chapters, any element this parser does not know at the Segment's or a Cluster's
//! level or in the EBML header, the Info's Title, MuxingApp, WritingApp, DateUTC and file names,
//! and a track's Name and CodecName are voided, so no other byte moves and SeekHead and Cues stay
//! true. The length is the larger of Info's Duration and the last block's time.

use std::time::Duration;

use super::read::{bytes, u8_at};
use crate::MediaError;

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const WEBM_DOC_TYPE: &[u8] = b"webm";
/// The EBML header's children: versions, limits, the document type (and Void, CRC-32).
const HEADER_KEPT: &[u32] = &[
    0x4286, 0x42F7, 0x42F2, 0x42F3, DOC_TYPE, 0x4287, 0x4285, VOID, CRC32,
];
const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const CLUSTER: u32 = 0x1F43_B675;
const CUES: u32 = 0x1C53_BB6B;
const VOID: u32 = 0xEC;
const CRC32: u32 = 0xBF;
const TIMECODE_SCALE: u32 = 0x2AD7B1;
const DURATION: u32 = 0x4489;
const SEGMENT_UID: u32 = 0x73A4;
/// Info's children that say nothing about the recording's place, people or maker.
const INFO_KEPT: &[u32] = &[TIMECODE_SCALE, DURATION, SEGMENT_UID, VOID, CRC32];
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const TRACK_NAME: u32 = 0x536E;
const CODEC_NAME: u32 = 0x25_8688;
const TRACK_TYPE_AUDIO: u64 = 2;
const OPUS_CODEC: &[u8] = b"A_OPUS";
const CLUSTER_TIMECODE: u32 = 0xE7;
const SIMPLE_BLOCK: u32 = 0xA3;
const BLOCK_GROUP: u32 = 0xA0;
const BLOCK: u32 = 0xA1;
const BLOCK_DURATION: u32 = 0x9B;
/// What may be inside a Cluster; anything else ends a Cluster of unknown size.
const CLUSTER_CHILDREN: &[u32] = &[
    CLUSTER_TIMECODE,
    SIMPLE_BLOCK,
    BLOCK_GROUP,
    0xA7,   // Position
    0xAB,   // PrevSize
    0x5854, // SilentTracks
    0xAF,   // EncryptedBlock
    VOID,
    CRC32,
];
/// The Segment's children kept as they are (Info, Tracks and Clusters are walked).
const SEGMENT_KEPT: &[u32] = &[SEEK_HEAD, CUES, VOID, CRC32];
const DEFAULT_TIMECODE_SCALE: u64 = 1_000_000;

/// One element: where it starts, its ID, where its content starts and ends.
struct Element {
    start: usize,
    id: u32,
    data_start: usize,
    /// `None` for an unknown size.
    size: Option<usize>,
}

impl Element {
    /// The element at `at`, which must end by `limit` if its size is known.
    fn read(data: &[u8], at: usize, limit: usize) -> Result<Element, MediaError> {
        let damaged = MediaError::Unreadable;
        let first = u8_at(data, at).ok_or(damaged)?;
        let id_len = first.leading_zeros() as usize + 1;
        if id_len > 4 {
            return Err(damaged);
        }
        let id = bytes(data, at, id_len)
            .ok_or(damaged)?
            .iter()
            .fold(0u32, |id, &byte| (id << 8) | u32::from(byte));
        let (size, size_len) = vint(data, at + id_len)?;
        let data_start = at + id_len + size_len;
        let size = match size {
            None => None,
            Some(size) => {
                let size = usize::try_from(size).map_err(|_| damaged)?;
                if data_start.checked_add(size).is_none_or(|end| end > limit) {
                    return Err(damaged);
                }
                Some(size)
            }
        };
        Ok(Element {
            start: at,
            id,
            data_start,
            size,
        })
    }

    /// The end of an element of known size.
    fn end(&self) -> Result<usize, MediaError> {
        self.size
            .map(|size| self.data_start + size)
            .ok_or(MediaError::Unreadable)
    }

    fn content<'a>(&self, data: &'a [u8]) -> Result<&'a [u8], MediaError> {
        data.get(self.data_start..self.end()?)
            .ok_or(MediaError::Unreadable)
    }
}

/// A variable-length size at `at`: its value (`None` when all its bits say "unknown") and
/// its length in bytes.
fn vint(data: &[u8], at: usize) -> Result<(Option<u64>, usize), MediaError> {
    let first = u8_at(data, at).ok_or(MediaError::Unreadable)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return Err(MediaError::Unreadable);
    }
    let raw = bytes(data, at, len)
        .ok_or(MediaError::Unreadable)?
        .iter()
        .fold(0u64, |value, &byte| (value << 8) | u64::from(byte));
    let value_bits = 7 * len as u32;
    let value = raw & ((1u64 << value_bits) - 1);
    let unknown = value == (1u64 << value_bits) - 1;
    Ok(((!unknown).then_some(value), len))
}

fn uint(content: &[u8]) -> Result<u64, MediaError> {
    if content.len() > 8 {
        return Err(MediaError::Unreadable);
    }
    Ok(content
        .iter()
        .fold(0u64, |value, &byte| (value << 8) | u64::from(byte)))
}

/// Overwrites `data[start..end]` with one Void element of exactly that size.
fn void(data: &mut [u8], start: usize, end: usize) -> Result<(), MediaError> {
    let total = end - start;
    for len in 1..=8usize {
        let Some(payload) = total.checked_sub(1 + len) else {
            break;
        };
        let payload = payload as u64;
        if payload < (1u64 << (7 * len)) - 1 {
            data[start] = VOID as u8;
            let marked = payload | (1u64 << (7 * len));
            data[start + 1..start + 1 + len].copy_from_slice(&marked.to_be_bytes()[8 - len..]);
            data[start + 1 + len..end].fill(0);
            return Ok(());
        }
    }
    Err(MediaError::Unreadable)
}

/// What the walk learnt.
#[derive(Default)]
struct Timing {
    scale: Option<u64>,
    declared: Option<f64>,
    /// The latest time a block reaches, in ticks of the scale.
    last_block: i128,
    audio_tracks: usize,
}

/// Blanks the metadata of the WebM file in `data` in place; answers its duration.
pub(super) fn strip(data: &mut [u8]) -> Result<Duration, MediaError> {
    let damaged = MediaError::Unreadable;
    let header = Element::read(data, 0, data.len())?;
    if header.id != EBML {
        return Err(damaged);
    }
    let mut webm = None;
    let mut at = header.data_start;
    while at < header.end()? {
        let child = Element::read(data, at, header.end()?)?;
        let child_end = child.end()?;
        match child.id {
            DOC_TYPE => {
                let doc_type = child.content(data)?;
                webm = Some(doc_type.split(|&b| b == 0).next() == Some(WEBM_DOC_TYPE));
            }
            id if HEADER_KEPT.contains(&id) => {}
            _ => void(data, child.start, child_end)?,
        }
        at = child_end;
    }
    if !webm.ok_or(damaged)? {
        return Err(MediaError::NotMedia);
    }
    let segment = Element::read(data, header.end()?, data.len())?;
    if segment.id != SEGMENT {
        return Err(damaged);
    }
    let segment_end = segment
        .size
        .map_or(data.len(), |size| segment.data_start + size);
    if segment_end != data.len() {
        // Nothing may follow the one Segment.
        return Err(damaged);
    }
    let mut timing = Timing::default();
    let mut at = segment.data_start;
    while at < segment_end {
        let child = Element::read(data, at, segment_end)?;
        at = match child.id {
            CLUSTER => cluster(data, &child, segment_end, &mut timing)?,
            INFO => {
                info(data, &child, &mut timing)?;
                child.end()?
            }
            TRACKS => {
                tracks(data, &child, &mut timing)?;
                child.end()?
            }
            id if SEGMENT_KEPT.contains(&id) => child.end()?,
            _ => {
                // Tags, Attachments, Chapters and anything unknown.
                let end = child.end()?;
                void(data, child.start, end)?;
                end
            }
        };
    }
    if timing.audio_tracks == 0 {
        return Err(MediaError::NotMedia);
    }
    let scale = timing.scale.unwrap_or(DEFAULT_TIMECODE_SCALE);
    let blocks_nanos =
        u128::try_from(timing.last_block.max(0)).map_err(|_| damaged)? * u128::from(scale);
    let declared_nanos = timing.declared.unwrap_or(0.0) * scale as f64;
    let nanos = blocks_nanos.max(declared_nanos as u128);
    let seconds = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
    Ok(Duration::new(seconds, (nanos % 1_000_000_000) as u32))
}

fn info(data: &mut [u8], element: &Element, timing: &mut Timing) -> Result<(), MediaError> {
    let end = element.end()?;
    let mut at = element.data_start;
    while at < end {
        let child = Element::read(data, at, end)?;
        let child_end = child.end()?;
        match child.id {
            TIMECODE_SCALE => {
                let scale = uint(child.content(data)?)?;
                if scale == 0 {
                    return Err(MediaError::Unreadable);
                }
                timing.scale = Some(scale);
            }
            DURATION => {
                let content = child.content(data)?;
                let duration = match content.len() {
                    4 => f64::from(f32::from_be_bytes(
                        content.try_into().map_err(|_| MediaError::Unreadable)?,
                    )),
                    8 => {
                        f64::from_be_bytes(content.try_into().map_err(|_| MediaError::Unreadable)?)
                    }
                    _ => return Err(MediaError::Unreadable),
                };
                if !duration.is_finite() || duration < 0.0 {
                    return Err(MediaError::Unreadable);
                }
                timing.declared = Some(duration);
            }
            id if INFO_KEPT.contains(&id) => {}
            _ => void(data, child.start, child_end)?,
        }
        at = child_end;
    }
    Ok(())
}

fn tracks(data: &mut [u8], element: &Element, timing: &mut Timing) -> Result<(), MediaError> {
    let end = element.end()?;
    let mut at = element.data_start;
    while at < end {
        let entry = Element::read(data, at, end)?;
        let entry_end = entry.end()?;
        if entry.id == TRACK_ENTRY {
            let mut kind = None;
            let mut opus = false;
            let mut inner = entry.data_start;
            while inner < entry_end {
                let child = Element::read(data, inner, entry_end)?;
                let child_end = child.end()?;
                match child.id {
                    TRACK_TYPE => kind = Some(uint(child.content(data)?)?),
                    CODEC_ID => {
                        let codec = child.content(data)?;
                        opus = codec.split(|&b| b == 0).next() == Some(OPUS_CODEC);
                    }
                    TRACK_NAME | CODEC_NAME => void(data, child.start, child_end)?,
                    _ => {}
                }
                inner = child_end;
            }
            if kind != Some(TRACK_TYPE_AUDIO) || !opus {
                return Err(MediaError::NotMedia);
            }
            timing.audio_tracks += 1;
        }
        at = entry_end;
    }
    Ok(())
}

/// Walks a Cluster (of known or unknown size); answers where it ends.
fn cluster(
    data: &mut [u8],
    element: &Element,
    segment_end: usize,
    timing: &mut Timing,
) -> Result<usize, MediaError> {
    let known = element.size.is_some();
    let limit = if known { element.end()? } else { segment_end };
    let mut timecode: Option<u64> = None;
    let mut at = element.data_start;
    while at < limit {
        let child = Element::read(data, at, limit)?;
        if !known && !CLUSTER_CHILDREN.contains(&child.id) {
            return Ok(at);
        }
        let child_end = child.end()?;
        match child.id {
            CLUSTER_TIMECODE => timecode = Some(uint(child.content(data)?)?),
            SIMPLE_BLOCK => {
                let time = block_time(child.content(data)?, timecode)?;
                timing.last_block = timing.last_block.max(time);
            }
            BLOCK_GROUP => {
                let mut block = None;
                let mut duration = 0u64;
                let mut inner = child.data_start;
                while inner < child_end {
                    let part = Element::read(data, inner, child_end)?;
                    match part.id {
                        BLOCK => block = Some(block_time(part.content(data)?, timecode)?),
                        BLOCK_DURATION => duration = uint(part.content(data)?)?,
                        _ => {}
                    }
                    inner = part.end()?;
                }
                if let Some(time) = block {
                    timing.last_block = timing.last_block.max(time + i128::from(duration));
                }
            }
            id if CLUSTER_CHILDREN.contains(&id) => {}
            _ => void(data, child.start, child_end)?,
        }
        at = child_end;
    }
    Ok(limit)
}

/// The time of a block (its cluster's timecode plus its own offset), in scale ticks.
fn block_time(content: &[u8], timecode: Option<u64>) -> Result<i128, MediaError> {
    let timecode = timecode.ok_or(MediaError::Unreadable)?;
    let (_, track_len) = vint(content, 0)?;
    let offset = bytes(content, track_len, 2).ok_or(MediaError::Unreadable)?;
    let offset = i16::from_be_bytes([offset[0], offset[1]]);
    Ok(i128::from(timecode) + i128::from(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_void_fills_exactly_the_room_it_is_given() {
        let sizes = (2..=300).chain([16_383, 16_384, 16_385, 2_097_151, 2_097_152, 2_097_153]);
        for total in sizes {
            let mut data = vec![0xAAu8; total + 3];
            void(&mut data, 0, total).unwrap();
            let element = Element::read(&data, 0, total).unwrap();
            assert_eq!(element.id, VOID, "{total}");
            assert_eq!(element.end().unwrap(), total, "{total}");
            assert!(data[element.data_start..total].iter().all(|&b| b == 0));
            assert_eq!(data[total..], [0xAA; 3], "{total}: wrote past its room");
        }
    }

    #[test]
    fn sizes_of_every_length_and_unknown_ones() {
        for (bytes, expected) in [
            (&[0x81][..], (Some(1), 1)),
            (&[0xFF], (None, 1)),
            (&[0x40, 0x02], (Some(2), 2)),
            (&[0x7F, 0xFF], (None, 2)),
            (&[0x01, 0, 0, 0, 0, 0, 0, 0x05], (Some(5), 8)),
            (&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], (None, 8)),
        ] {
            assert_eq!(vint(bytes, 0), Ok(expected), "{bytes:x?}");
        }
        for bytes in [&[0x00][..], &[0x40], &[0x01, 0, 0]] {
            assert_eq!(vint(bytes, 0), Err(MediaError::Unreadable), "{bytes:x?}");
        }
    }
}
