//! `struct nlattr`: one attribute, and the attributes of a payload.

use crate::error::{Error, Result};
use crate::ne;
use crate::uapi::netlink::{nla_align, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK};

/// The header's fields.
mod field {
    use crate::Field;
    pub const LENGTH: Field = 0..2;
    pub const TYPE: Field = 2..4;
}

/// `sizeof(struct nlattr)`.
pub const HEADER_LEN: usize = crate::uapi::netlink::NLA_HDRLEN;

/// An attribute: its header and payload, up to `nla_len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap a buffer without checking it.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wrap a buffer that holds a header and the `nla_len` it claims (`nla_ok`).
    pub fn new_checked(buffer: T) -> Result<Packet<T>> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// The checks of [`Packet::new_checked`].
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        if b.len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let len = self.length() as usize;
        if len < HEADER_LEN || len > b.len() {
            return Err(Error::Malformed);
        }
        Ok(())
    }

    /// `nla_len`: header and payload, without padding.
    pub fn length(&self) -> u16 {
        ne::u16(&self.buffer.as_ref()[field::LENGTH])
    }

    /// `nla_type` with its flag bits.
    pub fn raw_type(&self) -> u16 {
        ne::u16(&self.buffer.as_ref()[field::TYPE])
    }

    /// The type without `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER` (`nla_type`).
    pub fn kind(&self) -> u16 {
        self.raw_type() & NLA_TYPE_MASK
    }

    /// Whether `NLA_F_NESTED` is set.
    pub fn is_nested(&self) -> bool {
        self.raw_type() & NLA_F_NESTED != 0
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The payload (`nla_data`, `nla_len - 4` bytes).
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[HEADER_LEN..self.length() as usize]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Set `nla_len`.
    pub fn set_length(&mut self, v: u16) {
        ne::put_u16(&mut self.buffer.as_mut()[field::LENGTH], v)
    }

    /// Set `nla_type`, flags included.
    pub fn set_raw_type(&mut self, v: u16) {
        ne::put_u16(&mut self.buffer.as_mut()[field::TYPE], v)
    }
}

/// One attribute met by [`Attrs`]: its raw type, payload and where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    raw_type: u16,
    payload: &'a [u8],
    offset: usize,
}

impl<'a> Attr<'a> {
    /// The type without the NESTED and NET_BYTEORDER flags.
    pub fn kind(&self) -> u16 {
        self.raw_type & NLA_TYPE_MASK
    }

    /// The raw `nla_type`, flags included.
    pub fn raw_type(&self) -> u16 {
        self.raw_type
    }

    /// Whether `NLA_F_NESTED` is set.
    pub fn is_nested_flag(&self) -> bool {
        self.raw_type & NLA_F_NESTED != 0
    }

    /// Whether `NLA_F_NET_BYTEORDER` is set.
    pub fn is_net_byteorder(&self) -> bool {
        self.raw_type & NLA_F_NET_BYTEORDER != 0
    }

    /// Where the attribute's header starts, counted from the walk's base (see
    /// [`Attrs::with_base`]).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// `nla_len`: header and payload.
    pub fn len(&self) -> usize {
        HEADER_LEN + self.payload.len()
    }

    /// Whether the payload is empty.
    pub fn is_empty(&self) -> bool {
        self.payload.is_empty()
    }

    /// Where the payload lies, counted from the walk's base.
    pub fn payload_range(&self) -> std::ops::Range<usize> {
        self.offset + HEADER_LEN..self.offset + HEADER_LEN + self.payload.len()
    }

    /// The payload.
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The payload as nested attributes (their offsets continue this walk's).
    pub fn nested(&self) -> Attrs<'a> {
        Attrs::with_base(self.payload, self.offset + HEADER_LEN)
    }

    /// The payload as a u8, if it has at least one byte.
    pub fn u8(&self) -> Option<u8> {
        self.payload.first().copied()
    }

    /// The payload as a native-endian u16.
    pub fn u16(&self) -> Option<u16> {
        self.payload.get(..2).map(ne::u16)
    }

    /// The payload as a native-endian u32.
    pub fn u32(&self) -> Option<u32> {
        self.payload.get(..4).map(ne::u32)
    }

    /// The payload as a native-endian i32.
    pub fn i32(&self) -> Option<i32> {
        self.payload.get(..4).map(ne::i32)
    }

    /// The payload as a native-endian u64.
    pub fn u64(&self) -> Option<u64> {
        self.payload.get(..8).map(ne::u64)
    }

    /// The payload as a native-endian i64.
    pub fn i64(&self) -> Option<i64> {
        self.payload.get(..8).map(ne::i64)
    }

    /// The payload up to its first NUL (or its end), as bytes.
    pub fn cstr(&self) -> &'a [u8] {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.payload.len());
        &self.payload[..end]
    }

    /// The payload as a string up to its first NUL (or its end); `None` if not UTF-8.
    pub fn str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.cstr()).ok()
    }
}

/// The attributes of a payload, in order, as the kernel walks them (`nla_for_each_attr`):
/// the walk ends at a header that does not fit or a length below the header's or past the
/// end, and [`Attrs::malformed`] then says bytes were left.
#[derive(Clone, Debug)]
pub struct Attrs<'a> {
    rest: &'a [u8],
    at: usize,
    /// Bytes left where the walk stopped (`rest` is then empty, so `next` ends at once).
    left: usize,
}

impl<'a> Attrs<'a> {
    /// Walk the attributes in `bytes`; offsets count from its start.
    pub fn new(bytes: &'a [u8]) -> Self {
        Attrs::with_base(bytes, 0)
    }

    /// Walk the attributes in `bytes`, which start at offset `base` of a larger buffer (a
    /// request message, whose offsets the extended ack reports).
    pub fn with_base(bytes: &'a [u8], base: usize) -> Self {
        Attrs {
            rest: bytes,
            at: base,
            left: 0,
        }
    }

    /// Whether the walk has ended with bytes left that are not a whole attribute.
    pub fn malformed(&self) -> bool {
        self.left != 0
    }

    /// Bytes not walked (after the walk: what is left over).
    pub fn remaining(&self) -> usize {
        self.rest.len() + self.left
    }

    /// The first attribute of type `kind` (flags ignored).
    pub fn find(mut self, kind: u16) -> Option<Attr<'a>> {
        Iterator::find(&mut self, |a: &Attr<'a>| a.kind() == kind)
    }

    /// The last attribute of type `kind`: what the kernel's parse keeps (`tb[type]`).
    pub fn last(self, kind: u16) -> Option<Attr<'a>> {
        self.filter(|a| a.kind() == kind).last()
    }
}

/// The empty rest of a walk whose last attribute lacks its padding. Out of line and cold, so
/// the walk's step is a predicted branch rather than a conditional move: a walk is a chain of
/// dependent loads (each length read gives the next attribute's place), and the next address
/// then waits on the load and three additions, not on the comparison too (walking a 4001-link
/// dump held in memory: 8% faster at the top level, 3.5% with every nest).
#[cold]
#[inline(never)]
fn end_of_walk<'a>() -> &'a [u8] {
    &[]
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Attr<'a>;

    #[inline]
    fn next(&mut self) -> Option<Attr<'a>> {
        let rest = self.rest;
        let Some(hdr) = rest.first_chunk::<4>() else {
            if !rest.is_empty() {
                self.left = rest.len();
                self.rest = &[];
            }
            return None;
        };
        let len = ne::u16(&hdr[field::LENGTH]) as usize;
        let raw_type = ne::u16(&hdr[field::TYPE]);
        // `get` refuses both a length below the header and one past the end.
        let Some(payload) = rest.get(HEADER_LEN..len) else {
            self.left = rest.len();
            self.rest = &[];
            return None;
        };
        let offset = self.at;
        let step = nla_align(len);
        self.rest = match rest.get(step..) {
            Some(next) => next,
            // Past the end only when the last attribute's padding is missing: the walk ends.
            None => end_of_walk(),
        };
        self.at += step;
        Some(Attr {
            raw_type,
            payload,
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::NlBuf;

    #[test]
    fn walks_nests_with_offsets_and_reports_leftovers() {
        let mut b = NlBuf::unlimited();
        b.nla_put(3, b"lo\0").unwrap();
        let nest = b.nla_nest_start(26).unwrap();
        b.nla_put_u32(4, 1500).unwrap();
        b.nla_nest_end(nest);
        let bytes = b.into_vec();
        let attrs: Vec<_> = Attrs::with_base(&bytes, 100).collect();
        assert_eq!(attrs[0].str(), Some("lo"));
        assert_eq!(attrs[1].offset(), 108);
        assert!(attrs[1].is_nested_flag());
        let inner = attrs[1].nested().find(4).unwrap();
        assert_eq!((inner.u32(), inner.offset()), (Some(1500), 112));
        let mut cut = Attrs::new(&bytes[..bytes.len() - 2]);
        assert_eq!(cut.by_ref().count(), 1);
        assert!(cut.malformed());
        assert_eq!(cut.remaining(), 10);
        let mut bad = Attrs::new(&[200u8, 0, 1, 0, 0, 0]);
        assert!(bad.next().is_none());
        assert!(bad.malformed());
        // Asking again changes nothing.
        assert!(bad.next().is_none());
        assert!(bad.malformed());
        assert_eq!(bad.remaining(), 6);
        let mut stray = Attrs::new(&bytes[..11]);
        assert_eq!(stray.by_ref().count(), 1);
        assert!(stray.next().is_none());
        assert!(stray.malformed());
        assert_eq!(stray.remaining(), 3);
        // A last attribute without its padding ends the walk cleanly.
        let mut unpadded = Attrs::new(b"\x07\x00\x03\x00lo\x00");
        assert_eq!(unpadded.by_ref().count(), 1);
        assert!(unpadded.next().is_none());
        assert!(!unpadded.malformed());
    }

    #[test]
    fn packet_view_reads_and_writes_the_header() {
        let mut bytes = [8u8, 0, 4, 0x80, 1, 2, 3, 4];
        let mut p = Packet::new_checked(&mut bytes[..]).unwrap();
        assert_eq!((p.length(), p.kind(), p.is_nested()), (8, 4, true));
        p.set_raw_type(5);
        assert_eq!(
            Packet::new_checked(&bytes[..]).unwrap().payload(),
            &[1, 2, 3, 4]
        );
        assert_eq!(bytes[2], 5);
        assert_eq!(
            Packet::new_checked(&[9u8, 0, 1, 0][..]),
            Err(Error::Malformed)
        );
    }
}
