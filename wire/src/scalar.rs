//! Native-endian scalars outside netlink messages: the `int` of a socket option, the words
//! of a membership bitmap. Messages have their views ([`crate::nlmsg`], [`crate::nla`]).

use crate::ne;

/// The u16 at the start of `b`, if it has 2 bytes.
pub fn get_u16(b: &[u8]) -> Option<u16> {
    b.get(..2).map(ne::u16)
}

/// The u32 at the start of `b`, if it has 4 bytes.
pub fn get_u32(b: &[u8]) -> Option<u32> {
    b.get(..4).map(ne::u32)
}

/// The u64 at the start of `b`, if it has 8 bytes.
pub fn get_u64(b: &[u8]) -> Option<u64> {
    Some(u64::from_ne_bytes(b.get(..8)?.try_into().ok()?))
}

/// A big-endian (network order) u16 at the start of `b` (`nla_get_be16`), if it has 2 bytes.
pub fn get_be16(b: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(..2)?.try_into().ok()?))
}

/// The i32 at the start of `b`, if it has 4 bytes.
pub fn get_i32(b: &[u8]) -> Option<i32> {
    b.get(..4).map(ne::i32)
}

/// The u32 `v` as its 4 native-endian bytes.
pub fn u32_bytes(v: u32) -> [u8; 4] {
    v.to_ne_bytes()
}

/// The i32 `v` as its 4 native-endian bytes.
pub fn i32_bytes(v: i32) -> [u8; 4] {
    v.to_ne_bytes()
}

/// Write `v` into the first 4 bytes of `b`.
pub fn put_u32(b: &mut [u8], v: u32) {
    ne::put_u32(&mut b[..4], v)
}

/// Write `v` into the first 4 bytes of `b`.
pub fn put_i32(b: &mut [u8], v: i32) {
    ne::put_i32(&mut b[..4], v)
}
