//! `struct nlmsghdr`: the netlink message header, and the messages of a datagram.

use crate::error::{Error, Result};
use crate::ne;
use crate::nla::Attrs;
use crate::uapi::netlink::{nlmsg_align, NLMSG_HDRLEN};

/// The header's fields.
mod field {
    use crate::Field;
    pub const LENGTH: Field = 0..4;
    pub const TYPE: Field = 4..6;
    pub const FLAGS: Field = 6..8;
    pub const SEQ: Field = 8..12;
    pub const PID: Field = 12..16;
}

/// `sizeof(struct nlmsghdr)`.
pub const HEADER_LEN: usize = NLMSG_HDRLEN;

/// A netlink message: its header and what follows, up to `nlmsg_len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap a buffer without checking it (accessors may then panic).
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wrap a buffer that holds a whole header and as many bytes as `nlmsg_len` claims.
    pub fn new_checked(buffer: T) -> Result<Packet<T>> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// The checks of [`Packet::new_checked`]: a header, and a length from the header's size
    /// up to the buffer's.
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

    /// The buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// `nlmsg_len`.
    pub fn length(&self) -> u32 {
        ne::u32(&self.buffer.as_ref()[field::LENGTH])
    }

    /// `nlmsg_type`.
    pub fn msg_type(&self) -> u16 {
        ne::u16(&self.buffer.as_ref()[field::TYPE])
    }

    /// `nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        ne::u16(&self.buffer.as_ref()[field::FLAGS])
    }

    /// `nlmsg_seq`.
    pub fn seq(&self) -> u32 {
        ne::u32(&self.buffer.as_ref()[field::SEQ])
    }

    /// `nlmsg_pid`.
    pub fn pid(&self) -> u32 {
        ne::u32(&self.buffer.as_ref()[field::PID])
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The whole message, header included (`nlmsg_len` bytes).
    pub fn bytes(&self) -> &'a [u8] {
        let b = self.buffer.as_ref();
        &b[..self.length() as usize]
    }

    /// The payload after the header, up to `nlmsg_len`.
    pub fn payload(&self) -> &'a [u8] {
        let b = self.buffer.as_ref();
        &b[HEADER_LEN..self.length() as usize]
    }

    /// The attributes after a family header of `hdrlen` bytes (aligned): 16 after an
    /// `ifinfomsg`, 4 after a `genlmsghdr`.
    pub fn attrs(&self, hdrlen: usize) -> Attrs<'a> {
        let p = self.payload();
        Attrs::new(p.get(nlmsg_align(hdrlen)..).unwrap_or(&[]))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Set `nlmsg_len`.
    pub fn set_length(&mut self, v: u32) {
        ne::put_u32(&mut self.buffer.as_mut()[field::LENGTH], v)
    }

    /// Set `nlmsg_type`.
    pub fn set_msg_type(&mut self, v: u16) {
        ne::put_u16(&mut self.buffer.as_mut()[field::TYPE], v)
    }

    /// Set `nlmsg_flags`.
    pub fn set_flags(&mut self, v: u16) {
        ne::put_u16(&mut self.buffer.as_mut()[field::FLAGS], v)
    }

    /// Set `nlmsg_seq`.
    pub fn set_seq(&mut self, v: u32) {
        ne::put_u32(&mut self.buffer.as_mut()[field::SEQ], v)
    }

    /// Set `nlmsg_pid`.
    pub fn set_pid(&mut self, v: u32) {
        ne::put_u32(&mut self.buffer.as_mut()[field::PID], v)
    }
}

/// A parsed header (`struct nlmsghdr`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `nlmsg_len`: the message's length, header included.
    pub length: u32,
    /// `nlmsg_type`.
    pub msg_type: u16,
    /// `nlmsg_flags`.
    pub flags: u16,
    /// `nlmsg_seq`.
    pub seq: u32,
    /// `nlmsg_pid`.
    pub pid: u32,
}

impl Repr {
    /// The header of `packet`.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Repr> {
        if packet.buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            length: packet.length(),
            msg_type: packet.msg_type(),
            flags: packet.flags(),
            seq: packet.seq(),
            pid: packet.pid(),
        })
    }

    /// The header of the first 16 bytes of `bytes`, whatever its length says.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    /// The header's size.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Write the header into `packet`.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_length(self.length);
        packet.set_msg_type(self.msg_type);
        packet.set_flags(self.flags);
        packet.set_seq(self.seq);
        packet.set_pid(self.pid);
    }

    /// The header's 16 bytes.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0; HEADER_LEN];
        self.emit(&mut Packet::new_unchecked(&mut b[..]));
        b
    }
}

/// The messages of one datagram, in order, each trimmed to its `nlmsg_len`. The walk stops at
/// bytes that are not a whole message: [`Messages::malformed`] then says so.
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
    type Item = Packet<&'a [u8]>;

    #[inline]
    fn next(&mut self) -> Option<Packet<&'a [u8]>> {
        if self.rest.is_empty() {
            return None;
        }
        let Ok(m) = Packet::new_checked(self.rest) else {
            self.malformed = true;
            self.rest = &[];
            return None;
        };
        let len = m.length() as usize;
        let msg = Packet::new_unchecked(&self.rest[..len]);
        let step = nlmsg_align(len).min(self.rest.len());
        self.rest = &self.rest[step..];
        Some(msg)
    }
}

/// One message of a datagram read leniently: its header as it claims, and the bytes of it that
/// the datagram holds (fewer than `nlmsg_len` when a short receive buffer cut it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partial<'a> {
    /// The header as written.
    pub header: Repr,
    /// The message's bytes present, header included.
    pub bytes: &'a [u8],
    /// Its offset in the datagram.
    pub offset: usize,
}

impl Partial<'_> {
    /// Whether the datagram holds fewer bytes than the header claims.
    pub fn is_truncated(&self) -> bool {
        self.bytes.len() < self.header.length as usize
    }

    /// The payload bytes present after the header.
    pub fn payload(&self) -> &[u8] {
        &self.bytes[HEADER_LEN..]
    }
}

/// The messages of a datagram as a reader sees them after `recv` (the harness, explaining
/// differences): every message with a plausible header, the last one possibly cut short;
/// what cannot start a message is left in [`Lenient::rest`].
#[derive(Clone, Debug)]
pub struct Lenient<'a> {
    datagram: &'a [u8],
    at: usize,
    done: bool,
}

impl<'a> Lenient<'a> {
    /// Walk `datagram`.
    pub fn new(datagram: &'a [u8]) -> Self {
        Lenient {
            datagram,
            at: 0,
            done: false,
        }
    }

    /// What is left once the walk has ended: bytes after the last message that do not start
    /// one (empty when the messages covered the datagram).
    pub fn rest(&self) -> &'a [u8] {
        self.datagram.get(self.at..).unwrap_or(&[])
    }
}

impl<'a> Iterator for Lenient<'a> {
    type Item = Partial<'a>;

    fn next(&mut self) -> Option<Partial<'a>> {
        if self.done {
            return None;
        }
        let b = self.datagram.get(self.at..).unwrap_or(&[]);
        let Ok(header) = Repr::parse_bytes(b) else {
            self.done = true;
            return None;
        };
        let len = header.length as usize;
        if len < HEADER_LEN {
            self.done = true;
            return None;
        }
        let offset = self.at;
        let bytes = &b[..len.min(b.len())];
        self.at = self.at.saturating_add(nlmsg_align(len));
        Some(Partial {
            header,
            bytes,
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::MessageBuilder;

    #[test]
    fn header_fields_round_trip() {
        let r = Repr {
            length: 20,
            msg_type: 18,
            flags: 0x301,
            seq: 7,
            pid: 9,
        };
        let mut b = r.to_bytes().to_vec();
        b.extend_from_slice(&[1, 2, 3, 4]);
        let p = Packet::new_checked(&b[..]).unwrap();
        assert_eq!(Repr::parse(&p).unwrap(), r);
        assert_eq!(p.payload(), &[1, 2, 3, 4]);
    }

    #[test]
    fn walks_messages_and_stops_at_malformed_bytes() {
        let mut d = MessageBuilder::new(16, 2, 7, 9).u32(4, 1500).build();
        d.extend(
            MessageBuilder::new(3, 2, 7, 9)
                .payload(&0i32.to_ne_bytes())
                .build(),
        );
        let ms: Vec<_> = Messages::new(&d).collect();
        assert_eq!(ms.len(), 2);
        assert_eq!((ms[0].msg_type(), ms[0].seq(), ms[0].pid()), (16, 7, 9));
        assert_eq!(ms[0].attrs(0).find(4).and_then(|a| a.u32()), Some(1500));
        for cut in 1..ms[0].length() as usize {
            let mut it = Messages::new(&d[..cut]);
            assert!(it.next().is_none());
            assert!(it.malformed());
        }
    }

    #[test]
    fn lenient_walk_keeps_a_cut_message_and_reports_the_rest() {
        let mut d = MessageBuilder::new(16, 2, 1, 0).u32(4, 1500).build();
        let full = d.len();
        d.extend(MessageBuilder::new(3, 2, 1, 0).payload(&[0; 4]).build());
        let cut: Vec<_> = Lenient::new(&d[..full + 18]).collect();
        assert_eq!(cut.len(), 2);
        assert!(cut[1].is_truncated());
        assert_eq!(cut[1].bytes.len(), 18);
        let mut junk = d.clone();
        junk.extend_from_slice(&[1, 0, 0]);
        let mut w = Lenient::new(&junk);
        assert_eq!(w.by_ref().count(), 2);
        assert_eq!(w.rest(), &[1, 0, 0]);
    }
}
