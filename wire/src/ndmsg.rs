//! `struct ndmsg`: the family header of RTM_*NEIGH messages.

use crate::error::{Error, Result};
use crate::ne;

mod field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const IFINDEX: Field = 4..8;
    pub const STATE: Field = 8..10;
    pub const FLAGS: usize = 10;
    pub const TYPE: usize = 11;
}

/// `sizeof(struct ndmsg)`.
pub const LEN: usize = 12;

/// A parsed `ndmsg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `ndm_family`.
    pub family: u8,
    /// `ndm_ifindex`.
    pub ifindex: i32,
    /// `ndm_state` (NUD_*).
    pub state: u16,
    /// `ndm_flags` (NTF_*).
    pub flags: u8,
    /// `ndm_type`.
    pub ndm_type: u8,
}

impl Repr {
    /// The header at the start of `bytes`.
    pub fn parse_bytes(b: &[u8]) -> Result<Repr> {
        if b.len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            family: b[field::FAMILY],
            ifindex: ne::i32(&b[field::IFINDEX]),
            state: ne::u16(&b[field::STATE]),
            flags: b[field::FLAGS],
            ndm_type: b[field::TYPE],
        })
    }

    /// Its size.
    pub const fn buffer_len(&self) -> usize {
        LEN
    }

    /// Its bytes.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let mut b = [0; LEN];
        b[field::FAMILY] = self.family;
        ne::put_i32(&mut b[field::IFINDEX], self.ifindex);
        ne::put_u16(&mut b[field::STATE], self.state);
        b[field::FLAGS] = self.flags;
        b[field::TYPE] = self.ndm_type;
        b
    }
}
