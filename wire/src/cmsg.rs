//! Control messages (`struct cmsghdr`, `include/linux/socket.h`, x86-64 layout) as a receive
//! writes them into `msg_control`: not netlink, but the bytes `recvmsg` hands a program beside
//! a netlink datagram (`SCM_CREDENTIALS`, `NETLINK_PKTINFO`).
//!
//! The layout: `cmsg_len` (a `size_t`, 8 bytes), `cmsg_level` and `cmsg_type` (ints), then
//! the data; each message starts at a multiple of `CMSG_ALIGN` (8).

/// `sizeof(struct cmsghdr)`.
pub const CMSGHDR_LEN: usize = 16;

/// `CMSG_ALIGN`: rounded up to the alignment of `size_t`.
pub const fn cmsg_align(len: usize) -> usize {
    (len + 7) & !7
}

/// `CMSG_LEN`: a header and `len` bytes of data.
pub const fn cmsg_len(len: usize) -> usize {
    CMSGHDR_LEN + len
}

/// `CMSG_SPACE`: what a message of `len` bytes of data takes, padding included.
pub const fn cmsg_space(len: usize) -> usize {
    CMSGHDR_LEN + cmsg_align(len)
}

/// A receive's control buffer: the bytes written so far and the room left
/// (`msg_control` / `msg_controllen` as `put_cmsg` moves them on), and whether anything did
/// not fit (`MSG_CTRUNC`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Control {
    /// The bytes written, as the program's buffer receives them.
    pub bytes: Vec<u8>,
    /// The room left (`msg_controllen`).
    pub room: usize,
    /// Whether the caller gave a buffer at all (`msg_control` not NULL).
    pub given: bool,
    /// A message did not fit, whole or in part.
    pub truncated: bool,
}

impl Control {
    /// A control buffer of `len` bytes; `None` when the caller gave none.
    pub fn new(len: Option<usize>) -> Control {
        Control {
            bytes: Vec::new(),
            room: len.unwrap_or(0),
            given: len.is_some(),
            truncated: false,
        }
    }

    /// `put_cmsg`: one message, cut to the room left (and then `truncated`); no room for even
    /// a header is `truncated` with nothing written.
    pub fn put_cmsg(&mut self, level: i32, ty: i32, data: &[u8]) {
        if !self.given || self.room < CMSGHDR_LEN {
            self.truncated = true;
            return;
        }
        let mut cmlen = cmsg_len(data.len());
        if self.room < cmlen {
            self.truncated = true;
            cmlen = self.room;
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(&(cmlen as u64).to_ne_bytes());
        self.bytes.extend_from_slice(&level.to_ne_bytes());
        self.bytes.extend_from_slice(&ty.to_ne_bytes());
        self.bytes.extend_from_slice(&data[..cmlen - CMSGHDR_LEN]);
        // The next message starts after the padding, within the room.
        let step = cmsg_space(data.len()).min(self.room);
        self.bytes.resize(start + step, 0);
        self.room -= step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ucred_takes_cmsg_space_and_its_header_says_cmsg_len() {
        let mut c = Control::new(Some(cmsg_space(12)));
        c.put_cmsg(1, 2, &[7; 12]);
        assert_eq!(c.bytes.len(), 32);
        assert_eq!(&c.bytes[..8], &28u64.to_ne_bytes());
        assert_eq!(&c.bytes[8..12], &1i32.to_ne_bytes());
        assert_eq!(&c.bytes[12..16], &2i32.to_ne_bytes());
        assert_eq!(&c.bytes[16..28], &[7; 12]);
        assert!(!c.truncated);
        assert_eq!(c.room, 0);
    }

    #[test]
    fn too_little_room_truncates() {
        let mut none = Control::new(None);
        none.put_cmsg(1, 2, &[7; 12]);
        assert!(none.truncated && none.bytes.is_empty());
        let mut small = Control::new(Some(20));
        small.put_cmsg(1, 2, &[7; 12]);
        assert!(small.truncated);
        assert_eq!(&small.bytes[..8], &20u64.to_ne_bytes());
        assert_eq!(small.bytes.len(), 20);
        let mut tiny = Control::new(Some(8));
        tiny.put_cmsg(1, 2, &[7; 12]);
        assert!(tiny.truncated && tiny.bytes.is_empty());
    }
}
