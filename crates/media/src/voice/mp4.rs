//! AAC in MP4 (ISO base media file format, as Safari's recorder writes it, whole or in fragments):
//! the boxes walked, every track checked to be AAC audio, and every box that can carry words about
//! the recording or its maker turned into a zero-filled `free` box of the same size.
//!
//! Guarantees: every box's size is checked against its parent and the input before use; the file
//! must start with `ftyp`, hold one `moov` before any fragment, and have only sound tracks whose
//! one sample description is `mp4a` with an AAC object type; `udta`, `meta`, `uuid`, `©xyz` and any
//! other box this parser does not know, at the top level or inside `moov` or a `trak`, become
//! `free`, the creation and modification dates of the movie, its tracks and their media become
//! zero, and so do the handlers' names, so no other byte moves and every chunk offset stays true.
//! The length is the largest of the movie's, each track's and the fragments' own.

use std::time::Duration;

use super::read::{be_u16, be_u32, be_u64, bytes, u8_at};
use super::ticks;
use crate::MediaError;

/// Top-level boxes kept as they are (`moov` and `moof` are walked).
const TOP_KEPT: &[&[u8; 4]] = &[
    b"ftyp", b"styp", b"mdat", b"free", b"skip", b"wide", b"mfra", b"sidx",
];
/// Inside `moov`, kept besides `mvhd`, `trak` and `mvex`.
const MOOV_KEPT: &[&[u8; 4]] = &[b"iods", b"free", b"skip"];
/// Inside `trak`, kept besides `tkhd` and `mdia`.
const TRAK_KEPT: &[&[u8; 4]] = &[b"edts", b"tref", b"free", b"skip"];
/// MPEG-4 audio and the three MPEG-2 AAC profiles, as an `esds` names them.
const AAC_OBJECT_TYPES: &[u8] = &[0x40, 0x66, 0x67, 0x68];
/// More tracks than a voice note could have: refused rather than walked.
const MAX_TRACKS: usize = 8;

struct Mp4Box {
    start: usize,
    kind: [u8; 4],
    data_start: usize,
    end: usize,
}

impl Mp4Box {
    /// The box at `at`, which must end by `limit`; a size of zero (to the end) only when
    /// `to_end` allows it.
    fn read(data: &[u8], at: usize, limit: usize, to_end: bool) -> Result<Mp4Box, MediaError> {
        let damaged = MediaError::Unreadable;
        let size = be_u32(data, at).ok_or(damaged)?;
        let kind: [u8; 4] = bytes(data, at + 4, 4)
            .ok_or(damaged)?
            .try_into()
            .map_err(|_| damaged)?;
        let (header, size) = match size {
            0 if to_end => (8, (limit - at) as u64),
            1 => (16, be_u64(data, at + 8).ok_or(damaged)?),
            size => (8, u64::from(size)),
        };
        let size = usize::try_from(size).map_err(|_| damaged)?;
        if size < header || at.checked_add(size).is_none_or(|end| end > limit) {
            return Err(damaged);
        }
        Ok(Mp4Box {
            start: at,
            kind,
            data_start: at + header,
            end: at + size,
        })
    }

    /// Turns the box into a `free` box of the same size, its content zeros.
    fn free(&self, data: &mut [u8]) {
        data[self.start + 4..self.start + 8].copy_from_slice(b"free");
        data[self.data_start..self.end].fill(0);
    }

    /// The boxes inside this one, from `skip` bytes into its content.
    fn children(&self, skip: usize) -> Children {
        Children {
            at: self.data_start + skip,
            end: self.end,
        }
    }
}

/// Walks sibling boxes; each call to `next` reads one.
struct Children {
    at: usize,
    end: usize,
}

impl Children {
    fn next(&mut self, data: &[u8]) -> Option<Result<Mp4Box, MediaError>> {
        if self.at >= self.end {
            return None;
        }
        let found = Mp4Box::read(data, self.at, self.end, false);
        if let Ok(found) = &found {
            self.at = found.end;
        } else {
            self.at = self.end;
        }
        Some(found)
    }
}

#[derive(Default)]
struct Track {
    id: u32,
    timescale: u64,
    duration: u64,
    /// From the movie's `trex`: the sample duration fragments default to.
    default_sample_duration: u64,
    /// Where this track's fragments reach, in its timescale.
    fragments_end: u64,
    fragments_total: u64,
}

#[derive(Default)]
struct Movie {
    timescale: u64,
    duration: u64,
    tracks: Vec<Track>,
    seen: bool,
}

/// Blanks the metadata of the MP4 file in `data` in place; answers its duration.
pub(super) fn strip(data: &mut [u8]) -> Result<Duration, MediaError> {
    let damaged = MediaError::Unreadable;
    let mut movie = Movie::default();
    let mut at = 0;
    while at < data.len() {
        let item = Mp4Box::read(data, at, data.len(), true)?;
        if at == 0 && &item.kind != b"ftyp" {
            return Err(damaged);
        }
        match &item.kind {
            b"moov" => {
                if movie.seen {
                    return Err(damaged);
                }
                moov(data, &item, &mut movie)?;
                movie.seen = true;
            }
            b"moof" => {
                if !movie.seen {
                    return Err(damaged);
                }
                moof(data, &item, &mut movie)?;
            }
            kind if TOP_KEPT.contains(&kind) => {}
            _ => item.free(data),
        }
        at = item.end;
    }
    if !movie.seen || movie.tracks.is_empty() {
        return Err(MediaError::NotMedia);
    }
    let mut longest = ticks(known(movie.duration), movie.timescale).ok_or(damaged)?;
    for track in &movie.tracks {
        let own = known(track.duration)
            .max(track.fragments_end)
            .max(track.fragments_total);
        longest = longest.max(ticks(own, track.timescale).ok_or(damaged)?);
    }
    Ok(longest)
}

/// A duration field, with all ones ("unknown") read as zero.
fn known(duration: u64) -> u64 {
    if duration == u64::from(u32::MAX) || duration == u64::MAX {
        0
    } else {
        duration
    }
}

/// Reads a movie or media header (`mvhd`, `mdhd`: the same layout up to the duration),
/// zeroes its creation and modification dates; answers its timescale and duration.
fn header_times(data: &mut [u8], item: &Mp4Box) -> Result<(u64, u64), MediaError> {
    let damaged = MediaError::Unreadable;
    let at = item.data_start;
    let (dates, width) = match u8_at(data, at).ok_or(damaged)? {
        0 => (8, 4),
        1 => (16, 8),
        _ => return Err(damaged),
    };
    let scale_at = at + 4 + dates;
    let timescale = u64::from(be_u32(data, scale_at).ok_or(damaged)?);
    let duration = if width == 4 {
        u64::from(be_u32(data, scale_at + 4).ok_or(damaged)?)
    } else {
        be_u64(data, scale_at + 4).ok_or(damaged)?
    };
    if scale_at + 4 + width > item.end {
        return Err(damaged);
    }
    data[at + 4..scale_at].fill(0);
    Ok((timescale, duration))
}

fn moov(data: &mut [u8], item: &Mp4Box, movie: &mut Movie) -> Result<(), MediaError> {
    let damaged = MediaError::Unreadable;
    let mut trex = Vec::new();
    let mut children = item.children(0);
    while let Some(child) = children.next(data) {
        let child = child?;
        match &child.kind {
            b"mvhd" => (movie.timescale, movie.duration) = header_times(data, &child)?,
            b"trak" => {
                if movie.tracks.len() == MAX_TRACKS {
                    return Err(damaged);
                }
                movie.tracks.push(trak(data, &child)?);
            }
            b"mvex" => {
                let mut parts = child.children(0);
                while let Some(part) = parts.next(data) {
                    let part = part?;
                    if &part.kind == b"trex" {
                        let id = be_u32(data, part.data_start + 4).ok_or(damaged)?;
                        let duration = be_u32(data, part.data_start + 12).ok_or(damaged)?;
                        if part.data_start + 16 > part.end || trex.len() == MAX_TRACKS {
                            return Err(damaged);
                        }
                        trex.push((id, u64::from(duration)));
                    }
                }
            }
            kind if MOOV_KEPT.contains(&kind) => {}
            _ => child.free(data),
        }
    }
    if movie.timescale == 0 {
        return Err(damaged);
    }
    for (id, duration) in trex {
        if let Some(track) = movie.tracks.iter_mut().find(|track| track.id == id) {
            track.default_sample_duration = duration;
        }
    }
    Ok(())
}

fn trak(data: &mut [u8], item: &Mp4Box) -> Result<Track, MediaError> {
    let damaged = MediaError::Unreadable;
    let mut track = Track::default();
    let mut has_media = false;
    let mut children = item.children(0);
    while let Some(child) = children.next(data) {
        let child = child?;
        match &child.kind {
            b"tkhd" => {
                let at = child.data_start;
                let (dates, id_at) = match u8_at(data, at).ok_or(damaged)? {
                    0 => (8, at + 12),
                    1 => (16, at + 20),
                    _ => return Err(damaged),
                };
                track.id = be_u32(data, id_at).ok_or(damaged)?;
                if id_at + 4 > child.end {
                    return Err(damaged);
                }
                data[at + 4..at + 4 + dates].fill(0);
            }
            b"mdia" => {
                (track.timescale, track.duration) = mdia(data, &child)?;
                has_media = true;
            }
            kind if TRAK_KEPT.contains(&kind) => {}
            _ => child.free(data),
        }
    }
    if !has_media || track.timescale == 0 {
        return Err(damaged);
    }
    Ok(track)
}

/// Checks the media is AAC sound; answers its timescale and duration.
fn mdia(data: &mut [u8], item: &Mp4Box) -> Result<(u64, u64), MediaError> {
    let damaged = MediaError::Unreadable;
    let mut times = None;
    let mut sound = false;
    let mut aac = false;
    let mut children = item.children(0);
    while let Some(child) = children.next(data) {
        let child = child?;
        match &child.kind {
            b"mdhd" => times = Some(header_times(data, &child)?),
            b"hdlr" => {
                let handler = bytes(data, child.data_start + 8, 4).ok_or(damaged)?;
                sound = handler == b"soun";
                // Version, flags, pre-defined, type, reserved; then a name, which becomes empty.
                let name_at = child.data_start + 24;
                if name_at > child.end {
                    return Err(damaged);
                }
                data[name_at..child.end].fill(0);
            }
            b"minf" => aac = minf_is_aac(data, &child)?,
            _ => {}
        }
    }
    if !sound || !aac {
        return Err(MediaError::NotMedia);
    }
    times.ok_or(damaged)
}

/// Whether `minf/stbl/stsd` describes exactly one AAC sample entry.
fn minf_is_aac(data: &[u8], minf: &Mp4Box) -> Result<bool, MediaError> {
    let damaged = MediaError::Unreadable;
    let mut children = minf.children(0);
    while let Some(stbl) = children.next(data) {
        let stbl = stbl?;
        if &stbl.kind != b"stbl" {
            continue;
        }
        let mut tables = stbl.children(0);
        while let Some(stsd) = tables.next(data) {
            let stsd = stsd?;
            if &stsd.kind != b"stsd" {
                continue;
            }
            let count = be_u32(data, stsd.data_start + 4).ok_or(damaged)?;
            if count != 1 {
                return Ok(false);
            }
            let mut entries = stsd.children(8);
            let entry = entries.next(data).ok_or(damaged)??;
            if &entry.kind != b"mp4a" {
                return Ok(false);
            }
            // The sound description's own fields, by its version (QuickTime's 1 and 2 are longer).
            let fields = match be_u16(data, entry.data_start + 8).ok_or(damaged)? {
                0 => 28,
                1 => 44,
                2 => 64,
                _ => return Err(damaged),
            };
            let mut boxes = entry.children(fields);
            while let Some(inner) = boxes.next(data) {
                let inner = inner?;
                if &inner.kind == b"esds" {
                    let object_type = esds_object_type(data, &inner)?;
                    return Ok(AAC_OBJECT_TYPES.contains(&object_type));
                }
                if &inner.kind == b"wave" {
                    // QuickTime's sound description keeps its `esds` one box deeper.
                    let mut wrapped = inner.children(0);
                    while let Some(esds) = wrapped.next(data) {
                        let esds = esds?;
                        if &esds.kind == b"esds" {
                            let object_type = esds_object_type(data, &esds)?;
                            return Ok(AAC_OBJECT_TYPES.contains(&object_type));
                        }
                    }
                }
            }
            return Ok(false);
        }
    }
    Ok(false)
}

/// The object type an `esds` box's decoder configuration names.
fn esds_object_type(data: &[u8], esds: &Mp4Box) -> Result<u8, MediaError> {
    let damaged = MediaError::Unreadable;
    let content = data.get(esds.data_start..esds.end).ok_or(damaged)?;
    // Version and flags, then the ES descriptor.
    let mut at = 4;
    if u8_at(content, at) != Some(0x03) {
        return Err(damaged);
    }
    at = descriptor_body(content, at + 1)?;
    let flags = u8_at(content, at + 2).ok_or(damaged)?;
    at += 3;
    if flags & 0x80 != 0 {
        at += 2;
    }
    if flags & 0x40 != 0 {
        at += 1 + usize::from(u8_at(content, at).ok_or(damaged)?);
    }
    if flags & 0x20 != 0 {
        at += 2;
    }
    if u8_at(content, at) != Some(0x04) {
        return Err(damaged);
    }
    at = descriptor_body(content, at + 1)?;
    u8_at(content, at).ok_or(damaged)
}

/// Skips a descriptor's length (up to four bytes of seven bits); answers where its body starts.
fn descriptor_body(content: &[u8], mut at: usize) -> Result<usize, MediaError> {
    for _ in 0..4 {
        let byte = u8_at(content, at).ok_or(MediaError::Unreadable)?;
        at += 1;
        if byte & 0x80 == 0 {
            return Ok(at);
        }
    }
    Err(MediaError::Unreadable)
}

fn moof(data: &mut [u8], item: &Mp4Box, movie: &mut Movie) -> Result<(), MediaError> {
    let mut children = item.children(0);
    while let Some(child) = children.next(data) {
        let child = child?;
        if &child.kind == b"traf" {
            traf(data, &child, movie)?;
        }
    }
    Ok(())
}

/// Adds one track fragment's samples to its track's length.
fn traf(data: &[u8], item: &Mp4Box, movie: &mut Movie) -> Result<(), MediaError> {
    let damaged = MediaError::Unreadable;
    let mut track_index = None;
    let mut default_duration = 0;
    let mut start = None;
    let mut total = 0u64;
    let mut children = item.children(0);
    while let Some(child) = children.next(data) {
        let child = child?;
        let at = child.data_start;
        // The version and flags of the full boxes read below.
        let flags = be_u32(data, at).map(|word| word & 0x00FF_FFFF);
        match &child.kind {
            b"tfhd" => {
                let flags = flags.ok_or(damaged)?;
                let id = be_u32(data, at + 4).ok_or(damaged)?;
                let index = movie
                    .tracks
                    .iter()
                    .position(|track| track.id == id)
                    .ok_or(damaged)?;
                default_duration = movie.tracks[index].default_sample_duration;
                let mut field = at + 8;
                if flags & 0x01 != 0 {
                    field += 8;
                }
                if flags & 0x02 != 0 {
                    field += 4;
                }
                if flags & 0x08 != 0 {
                    default_duration = u64::from(be_u32(data, field).ok_or(damaged)?);
                }
                track_index = Some(index);
            }
            b"tfdt" => {
                start = Some(match u8_at(data, at).ok_or(damaged)? {
                    0 => u64::from(be_u32(data, at + 4).ok_or(damaged)?),
                    1 => be_u64(data, at + 4).ok_or(damaged)?,
                    _ => return Err(damaged),
                });
            }
            b"trun" => {
                track_index.ok_or(damaged)?;
                let flags = flags.ok_or(damaged)?;
                let count = u64::from(be_u32(data, at + 4).ok_or(damaged)?);
                let mut field = at + 8;
                if flags & 0x01 != 0 {
                    field += 4;
                }
                if flags & 0x04 != 0 {
                    field += 4;
                }
                let per_sample = [0x100, 0x200, 0x400, 0x800]
                    .iter()
                    .filter(|&&bit| flags & bit != 0)
                    .count()
                    * 4;
                let room = child.end.checked_sub(field).ok_or(damaged)? as u64;
                if count
                    .checked_mul(per_sample as u64)
                    .is_none_or(|need| need > room)
                {
                    return Err(damaged);
                }
                if flags & 0x100 != 0 {
                    for sample in 0..count as usize {
                        let duration = be_u32(data, field + sample * per_sample).ok_or(damaged)?;
                        total = total.saturating_add(u64::from(duration));
                    }
                } else {
                    total = total.saturating_add(count.saturating_mul(default_duration));
                }
            }
            _ => {}
        }
    }
    if let Some(index) = track_index {
        let track = &mut movie.tracks[index];
        track.fragments_total = track.fragments_total.saturating_add(total);
        if let Some(start) = start {
            track.fragments_end = track.fragments_end.max(start.saturating_add(total));
        }
    }
    Ok(())
}
