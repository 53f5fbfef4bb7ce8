//! Opus in Ogg (RFC 3533, RFC 7845): the pages walked, the stream checked to be a single Opus
//! stream, the comment header blanked in place and its pages' checksums written anew.
//!
//! Guarantees: every page's bounds and checksum are checked before it is used; the file must
//! be nothing but pages of one logical stream whose first packet is `OpusHead`; the `OpusTags`
//! packet keeps its length and every page its size (vendor string and comments become zero
//! bytes, which RFC 7845 reads as an empty list followed by padding), so nothing else moves.

use std::time::Duration;

use super::read::{bytes, le_u16, le_u32, le_u64, u8_at};
use super::ticks;
use crate::MediaError;

const CAPTURE: &[u8; 4] = b"OggS";
const HEAD_MAGIC: &[u8; 8] = b"OpusHead";
const TAGS_MAGIC: &[u8; 8] = b"OpusTags";
/// The smallest comment header: magic, an empty vendor string, no comments.
const TAGS_MIN_LEN: usize = 16;
/// Opus granule positions count 48 kHz samples whatever the input rate.
const OPUS_RATE: u64 = 48_000;
/// A page's fixed header, up to its segment count.
const PAGE_HEADER: usize = 27;
const CRC_AT: usize = 22;
const FLAG_CONTINUED: u8 = 0x01;
const FLAG_FIRST: u8 = 0x02;
const FLAG_LAST: u8 = 0x04;
/// The granule position of a page on which no packet ends.
const NO_GRANULE: u64 = u64::MAX;

/// One page's place in the file.
struct Page {
    start: usize,
    flags: u8,
    granule: u64,
    serial: u32,
    segments: usize,
    data_start: usize,
    end: usize,
}

impl Page {
    /// The page at `start`, its bounds and checksum checked.
    fn read(data: &[u8], start: usize) -> Result<Page, MediaError> {
        let damaged = MediaError::Unreadable;
        if bytes(data, start, 4) != Some(CAPTURE) || u8_at(data, start + 4) != Some(0) {
            return Err(damaged);
        }
        let flags = u8_at(data, start + 5).ok_or(damaged)?;
        let granule = le_u64(data, start + 6).ok_or(damaged)?;
        let serial = le_u32(data, start + 14).ok_or(damaged)?;
        let stored_crc = le_u32(data, start + CRC_AT).ok_or(damaged)?;
        let segments = usize::from(u8_at(data, start + 26).ok_or(damaged)?);
        let table = bytes(data, start + PAGE_HEADER, segments).ok_or(damaged)?;
        let body: usize = table.iter().map(|&lacing| usize::from(lacing)).sum();
        let data_start = start + PAGE_HEADER + segments;
        let end = data_start + body;
        let page = bytes(data, start, end - start).ok_or(damaged)?;
        if crc(page) != stored_crc {
            return Err(damaged);
        }
        Ok(Page {
            start,
            flags,
            granule,
            serial,
            segments,
            data_start,
            end,
        })
    }

    fn lacing(&self, data: &[u8], index: usize) -> usize {
        usize::from(data[self.start + PAGE_HEADER + index])
    }

    /// Writes the page's checksum anew after its content changed.
    fn seal(&self, data: &mut [u8]) {
        let sum = crc(&data[self.start..self.end]);
        data[self.start + CRC_AT..self.start + CRC_AT + 4].copy_from_slice(&sum.to_le_bytes());
    }
}

#[derive(PartialEq)]
enum Stage {
    Head,
    Tags,
    Audio,
}

/// Blanks the comment header of the Ogg Opus file in `data` in place; answers its duration.
pub(super) fn strip(data: &mut [u8]) -> Result<Duration, MediaError> {
    let damaged = MediaError::Unreadable;
    let mut at = 0;
    let mut stage = Stage::Head;
    let mut serial = 0;
    let mut pre_skip = 0;
    let mut tags_len = 0;
    let mut last_granule = None;
    let mut ended = false;
    while at < data.len() {
        let page = Page::read(data, at)?;
        if stage == Stage::Head {
            serial = page.serial;
        } else if page.serial != serial || page.flags & FLAG_FIRST != 0 {
            // A second logical stream: video, another codec, or a chained recording.
            return Err(MediaError::NotMedia);
        }
        if ended {
            return Err(damaged);
        }
        match stage {
            Stage::Head => {
                if bytes(data, page.data_start, HEAD_MAGIC.len()) != Some(HEAD_MAGIC) {
                    return Err(MediaError::NotMedia);
                }
                let one_packet = page.segments > 0
                    && (0..page.segments)
                        .all(|i| (page.lacing(data, i) == 255) == (i + 1 < page.segments));
                let version = u8_at(data, page.data_start + 8).ok_or(damaged)?;
                if page.flags & (FLAG_FIRST | FLAG_CONTINUED) != FLAG_FIRST
                    || !one_packet
                    || page.end - page.data_start < 19
                    || version >> 4 != 0
                {
                    return Err(damaged);
                }
                pre_skip = u64::from(le_u16(data, page.data_start + 10).ok_or(damaged)?);
                stage = Stage::Tags;
            }
            Stage::Tags => {
                if (page.flags & FLAG_CONTINUED != 0) != (tags_len > 0) {
                    return Err(damaged);
                }
                let mut offset = page.data_start;
                for index in 0..page.segments {
                    if stage == Stage::Audio {
                        // The comment header must end its page.
                        return Err(damaged);
                    }
                    let lacing = page.lacing(data, index);
                    for byte in &mut data[offset..offset + lacing] {
                        if let Some(&magic) = TAGS_MAGIC.get(tags_len) {
                            if *byte != magic {
                                return Err(damaged);
                            }
                        } else {
                            *byte = 0;
                        }
                        tags_len += 1;
                    }
                    offset += lacing;
                    if lacing < 255 {
                        if tags_len < TAGS_MIN_LEN {
                            return Err(damaged);
                        }
                        stage = Stage::Audio;
                    }
                }
                page.seal(data);
            }
            Stage::Audio => {
                if page.granule != NO_GRANULE {
                    if page.granule > i64::MAX as u64 {
                        return Err(damaged);
                    }
                    last_granule = Some(page.granule);
                }
            }
        }
        ended = page.flags & FLAG_LAST != 0;
        at = page.end;
    }
    let granule = last_granule.ok_or(damaged)?;
    ticks(granule.saturating_sub(pre_skip), OPUS_RATE).ok_or(damaged)
}

/// The Ogg checksum (CRC-32, polynomial 0x04C11DB7, not reflected, starting at zero) of a
/// page, its own checksum field counted as zeros.
fn crc(page: &[u8]) -> u32 {
    page.iter().enumerate().fold(0u32, |sum, (index, &byte)| {
        let byte = if (CRC_AT..CRC_AT + 4).contains(&index) {
            0
        } else {
            byte
        };
        (sum << 8) ^ CRC_TABLE[usize::from((sum >> 24) as u8 ^ byte)]
    })
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut index = 0;
    while index < 256 {
        let mut value = (index as u32) << 24;
        let mut bit = 0;
        while bit < 8 {
            value = if value & 0x8000_0000 != 0 {
                (value << 1) ^ 0x04C1_1DB7
            } else {
                value << 1
            };
            bit += 1;
        }
        table[index] = value;
        index += 1;
    }
    table
};
