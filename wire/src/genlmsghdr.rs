//! `struct genlmsghdr`: the family header of generic netlink messages.

use crate::error::{Error, Result};
use crate::ne;

mod field {
    use crate::Field;
    pub const CMD: usize = 0;
    pub const VERSION: usize = 1;
    pub const RESERVED: Field = 2..4;
}

/// `GENL_HDRLEN`.
pub const LEN: usize = 4;

/// A view of a `genlmsghdr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap a buffer without checking it.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wrap a buffer of at least 4 bytes.
    pub fn new_checked(buffer: T) -> Result<Packet<T>> {
        if buffer.as_ref().len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Packet { buffer })
    }

    /// `cmd`.
    pub fn cmd(&self) -> u8 {
        self.buffer.as_ref()[field::CMD]
    }

    /// `version`.
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[field::VERSION]
    }

    /// `reserved` (refused when not zero from a family's `resv_start_op` on).
    pub fn reserved(&self) -> u16 {
        ne::u16(&self.buffer.as_ref()[field::RESERVED])
    }
}

/// A parsed `genlmsghdr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `cmd`.
    pub cmd: u8,
    /// `version`.
    pub version: u8,
    /// `reserved`.
    pub reserved: u16,
}

impl Repr {
    /// The header in `packet`.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Repr> {
        if packet.buffer.as_ref().len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            cmd: packet.cmd(),
            version: packet.version(),
            reserved: packet.reserved(),
        })
    }

    /// The header at the start of `bytes`.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    /// Its size.
    pub const fn buffer_len(&self) -> usize {
        LEN
    }

    /// Its 4 bytes.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let mut b = [self.cmd, self.version, 0, 0];
        ne::put_u16(&mut b[field::RESERVED], self.reserved);
        b
    }
}
