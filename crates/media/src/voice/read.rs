//! Bounds-checked reads of big- and little-endian integers from a byte slice: every read
//! answers `None` past the end instead of panicking.

pub(super) fn bytes(data: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    data.get(at..at.checked_add(len)?)
}

pub(super) fn u8_at(data: &[u8], at: usize) -> Option<u8> {
    data.get(at).copied()
}

pub(super) fn be_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes(data, at, 2)?.try_into().ok()?))
}

pub(super) fn be_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes(data, at, 4)?.try_into().ok()?))
}

pub(super) fn be_u64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes(data, at, 8)?.try_into().ok()?))
}

pub(super) fn le_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes(data, at, 2)?.try_into().ok()?))
}

pub(super) fn le_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes(data, at, 4)?.try_into().ok()?))
}

pub(super) fn le_u64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes(data, at, 8)?.try_into().ok()?))
}
