//! `struct ifinfomsg`: the family header of RTM_*LINK and RTM_*LINKPROP messages.

use crate::error::{Error, Result};
use crate::ne;

mod field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const PAD: usize = 1;
    pub const TYPE: Field = 2..4;
    pub const INDEX: Field = 4..8;
    pub const FLAGS: Field = 8..12;
    pub const CHANGE: Field = 12..16;
}

/// `sizeof(struct ifinfomsg)`.
pub const LEN: usize = 16;

/// A view of an `ifinfomsg`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap a buffer without checking it.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wrap a buffer of at least 16 bytes.
    pub fn new_checked(buffer: T) -> Result<Packet<T>> {
        if buffer.as_ref().len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Packet { buffer })
    }

    /// `ifi_family`.
    pub fn family(&self) -> u8 {
        self.buffer.as_ref()[field::FAMILY]
    }

    /// `__ifi_pad` (strict requests must leave it zero).
    pub fn pad(&self) -> u8 {
        self.buffer.as_ref()[field::PAD]
    }

    /// `ifi_type` (ARPHRD_*).
    pub fn link_type(&self) -> u16 {
        ne::u16(&self.buffer.as_ref()[field::TYPE])
    }

    /// `ifi_index`.
    pub fn index(&self) -> i32 {
        ne::i32(&self.buffer.as_ref()[field::INDEX])
    }

    /// `ifi_flags`.
    pub fn flags(&self) -> u32 {
        ne::u32(&self.buffer.as_ref()[field::FLAGS])
    }

    /// `ifi_change`.
    pub fn change(&self) -> u32 {
        ne::u32(&self.buffer.as_ref()[field::CHANGE])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Set `ifi_family`.
    pub fn set_family(&mut self, v: u8) {
        self.buffer.as_mut()[field::FAMILY] = v
    }

    /// Set `ifi_type`.
    pub fn set_link_type(&mut self, v: u16) {
        ne::put_u16(&mut self.buffer.as_mut()[field::TYPE], v)
    }

    /// Set `ifi_index`.
    pub fn set_index(&mut self, v: i32) {
        ne::put_i32(&mut self.buffer.as_mut()[field::INDEX], v)
    }

    /// Set `ifi_flags`.
    pub fn set_flags(&mut self, v: u32) {
        ne::put_u32(&mut self.buffer.as_mut()[field::FLAGS], v)
    }

    /// Set `ifi_change`.
    pub fn set_change(&mut self, v: u32) {
        ne::put_u32(&mut self.buffer.as_mut()[field::CHANGE], v)
    }
}

/// A parsed `ifinfomsg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `ifi_family`.
    pub family: u8,
    /// `ifi_type`.
    pub link_type: u16,
    /// `ifi_index`.
    pub index: i32,
    /// `ifi_flags`.
    pub flags: u32,
    /// `ifi_change`.
    pub change: u32,
}

impl Repr {
    /// The header in `packet`.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Repr> {
        if packet.buffer.as_ref().len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            family: packet.family(),
            link_type: packet.link_type(),
            index: packet.index(),
            flags: packet.flags(),
            change: packet.change(),
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

    /// Write it into `packet` (the pad byte zeroed).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_family(self.family);
        packet.buffer.as_mut()[field::PAD] = 0;
        packet.set_link_type(self.link_type);
        packet.set_index(self.index);
        packet.set_flags(self.flags);
        packet.set_change(self.change);
    }

    /// Its 16 bytes.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let mut b = [0; LEN];
        self.emit(&mut Packet::new_unchecked(&mut b[..]));
        b
    }
}
