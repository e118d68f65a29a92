//! Zero-copy views over received netlink bytes, smoltcp-style: a datagram is walked as borrowed
//! [`MsgView`]s and a payload as borrowed [`AttrView`]s, without allocating. Convert to the typed
//! forms of the `netlink-packet-*` crates only where needed.
//!
//! The iterators never panic: a length that runs past the buffer ends the walk and is reported
//! by [`Messages::malformed`] / [`Attrs::malformed`].

use nltwin_model::uapi::netlink::{
    nla_align, nlmsg_align, NLA_F_NESTED, NLA_TYPE_MASK, NLMSG_HDRLEN,
};

/// One netlink message inside a received datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsgView<'a> {
    bytes: &'a [u8],
}

impl<'a> MsgView<'a> {
    /// The message as a view, if `bytes` starts with a complete header whose length fits.
    pub fn new_checked(bytes: &'a [u8]) -> Option<Self> {
        if bytes.len() < NLMSG_HDRLEN {
            return None;
        }
        let len = u32::from_ne_bytes(bytes[0..4].try_into().ok()?) as usize;
        if len < NLMSG_HDRLEN || len > bytes.len() {
            return None;
        }
        Some(MsgView {
            bytes: &bytes[..len],
        })
    }

    /// The whole message, header included (`nlmsg_len` bytes).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// `nlmsg_len`.
    pub fn len(&self) -> u32 {
        self.bytes.len() as u32
    }

    /// Whether the message has no payload.
    pub fn is_empty(&self) -> bool {
        self.bytes.len() == NLMSG_HDRLEN
    }

    /// `nlmsg_type`.
    pub fn ty(&self) -> u16 {
        u16::from_ne_bytes([self.bytes[4], self.bytes[5]])
    }

    /// `nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        u16::from_ne_bytes([self.bytes[6], self.bytes[7]])
    }

    /// `nlmsg_seq`.
    pub fn seq(&self) -> u32 {
        u32::from_ne_bytes([self.bytes[8], self.bytes[9], self.bytes[10], self.bytes[11]])
    }

    /// `nlmsg_pid`.
    pub fn pid(&self) -> u32 {
        u32::from_ne_bytes([
            self.bytes[12],
            self.bytes[13],
            self.bytes[14],
            self.bytes[15],
        ])
    }

    /// The payload after the header.
    pub fn payload(&self) -> &'a [u8] {
        &self.bytes[NLMSG_HDRLEN..]
    }

    /// The attributes after a fixed family header of `hdrlen` bytes (aligned), e.g. 16 for
    /// `ifinfomsg`, 4 for `genlmsghdr`.
    pub fn attrs(&self, hdrlen: usize) -> Attrs<'a> {
        let p = self.payload();
        Attrs::new(p.get(nlmsg_align(hdrlen)..).unwrap_or(&[]))
    }
}

/// The messages of one datagram, in order.
#[derive(Clone, Debug)]
pub struct Messages<'a> {
    rest: &'a [u8],
    malformed: bool,
}

impl<'a> Messages<'a> {
    /// Walk the messages in `datagram`.
    pub fn new(datagram: &'a [u8]) -> Self {
        Messages {
            rest: datagram,
            malformed: false,
        }
    }

    /// Whether the walk stopped at bytes that are not a whole message.
    pub fn malformed(&self) -> bool {
        self.malformed
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = MsgView<'a>;

    fn next(&mut self) -> Option<MsgView<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let Some(m) = MsgView::new_checked(self.rest) else {
            self.malformed = true;
            self.rest = &[];
            return None;
        };
        let step = nlmsg_align(m.bytes.len()).min(self.rest.len());
        self.rest = &self.rest[step..];
        Some(m)
    }
}

/// One attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrView<'a> {
    kind: u16,
    payload: &'a [u8],
}

impl<'a> AttrView<'a> {
    /// The attribute type without the NESTED and NET_BYTEORDER flags.
    pub fn kind(&self) -> u16 {
        self.kind & NLA_TYPE_MASK
    }

    /// The raw `nla_type`, flags included.
    pub fn raw_kind(&self) -> u16 {
        self.kind
    }

    /// Whether `NLA_F_NESTED` is set.
    pub fn is_nested_flag(&self) -> bool {
        self.kind & NLA_F_NESTED != 0
    }

    /// The payload.
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The payload as nested attributes.
    pub fn nested(&self) -> Attrs<'a> {
        Attrs::new(self.payload)
    }

    /// The payload as a u8, if it has at least one byte.
    pub fn u8(&self) -> Option<u8> {
        self.payload.first().copied()
    }

    /// The payload as a native-endian u16.
    pub fn u16(&self) -> Option<u16> {
        Some(u16::from_ne_bytes(self.payload.get(..2)?.try_into().ok()?))
    }

    /// The payload as a native-endian u32.
    pub fn u32(&self) -> Option<u32> {
        Some(u32::from_ne_bytes(self.payload.get(..4)?.try_into().ok()?))
    }

    /// The payload as a native-endian u64.
    pub fn u64(&self) -> Option<u64> {
        Some(u64::from_ne_bytes(self.payload.get(..8)?.try_into().ok()?))
    }

    /// The payload as a string up to its first NUL (or its end); `None` if not UTF-8.
    pub fn str(&self) -> Option<&'a str> {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.payload.len());
        std::str::from_utf8(&self.payload[..end]).ok()
    }
}

/// The attributes of a payload, in order.
#[derive(Clone, Debug)]
pub struct Attrs<'a> {
    rest: &'a [u8],
    malformed: bool,
}

impl<'a> Attrs<'a> {
    /// Walk the attributes in `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Attrs {
            rest: bytes,
            malformed: false,
        }
    }

    /// Whether the walk stopped at bytes that are not a whole attribute.
    pub fn malformed(&self) -> bool {
        self.malformed
    }

    /// The first attribute of type `kind` (flags ignored).
    pub fn find(mut self, kind: u16) -> Option<AttrView<'a>> {
        Iterator::find(&mut self, |a: &AttrView<'a>| a.kind() == kind)
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = AttrView<'a>;

    fn next(&mut self) -> Option<AttrView<'a>> {
        let rest = self.rest;
        let Some(hdr) = rest.first_chunk::<4>() else {
            self.malformed |= !rest.is_empty();
            self.rest = &[];
            return None;
        };
        let len = u16::from_ne_bytes([hdr[0], hdr[1]]) as usize;
        let kind = u16::from_ne_bytes([hdr[2], hdr[3]]);
        // `get` refuses both a length below the header and one past the end.
        let Some(payload) = rest.get(4..len) else {
            self.malformed = true;
            self.rest = &[];
            return None;
        };
        self.rest = rest.get(nla_align(len)..).unwrap_or(&[]);
        Some(AttrView { kind, payload })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(ty: u16, flags: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((16 + payload.len()) as u32).to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(&flags.to_ne_bytes());
        v.extend_from_slice(&7u32.to_ne_bytes());
        v.extend_from_slice(&9u32.to_ne_bytes());
        v.extend_from_slice(payload);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    #[test]
    fn walks_messages_and_attributes() {
        // two messages; the first carries attributes 3 "lo" and a nest 26 holding u32 4 = 1500
        let mut p = vec![6, 0, 3, 0, b'l', b'o', 0, 0];
        p.extend_from_slice(&[12, 0, 26, 0x80, 8, 0, 4, 0]);
        p.extend_from_slice(&1500u32.to_ne_bytes());
        let mut d = msg(16, 2, &p);
        d.extend(msg(3, 2, &0i32.to_ne_bytes()));
        let ms: Vec<_> = Messages::new(&d).collect();
        assert_eq!(ms.len(), 2);
        assert_eq!(
            (ms[0].ty(), ms[0].flags(), ms[0].seq(), ms[0].pid()),
            (16, 2, 7, 9)
        );
        let attrs: Vec<_> = ms[0].attrs(0).collect();
        assert_eq!(attrs[0].str(), Some("lo"));
        assert!(attrs[1].is_nested_flag());
        assert_eq!(attrs[1].kind(), 26);
        assert_eq!(attrs[1].nested().find(4).and_then(|a| a.u32()), Some(1500));
        assert_eq!(ms[1].ty(), 3);
    }

    #[test]
    fn truncated_input_ends_the_walk_without_panic() {
        let d = msg(16, 0, &[8, 0, 1, 0, 1, 2, 3, 4]);
        for cut in 0..d.len() {
            let mut it = Messages::new(&d[..cut]);
            assert!(it.next().is_none());
            assert_eq!(it.malformed(), cut > 0);
        }
        let bad_attr = [200u8, 0, 1, 0, 0, 0];
        let mut a = Attrs::new(&bad_attr);
        assert!(a.next().is_none());
        assert!(a.malformed());
    }
}
