//! `struct ifaddrmsg`: the family header of RTM_*ADDR messages.

use crate::error::{Error, Result};
use crate::ne;

mod field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const PREFIXLEN: usize = 1;
    pub const FLAGS: usize = 2;
    pub const SCOPE: usize = 3;
    pub const INDEX: Field = 4..8;
}

/// `sizeof(struct ifaddrmsg)`.
pub const LEN: usize = 8;

/// A parsed `ifaddrmsg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `ifa_family`.
    pub family: u8,
    /// `ifa_prefixlen`.
    pub prefixlen: u8,
    /// `ifa_flags` (the low 8 bits; IFA_FLAGS holds all).
    pub flags: u8,
    /// `ifa_scope`.
    pub scope: u8,
    /// `ifa_index`.
    pub index: u32,
}

impl Repr {
    /// The header at the start of `bytes`.
    pub fn parse_bytes(b: &[u8]) -> Result<Repr> {
        if b.len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            family: b[field::FAMILY],
            prefixlen: b[field::PREFIXLEN],
            flags: b[field::FLAGS],
            scope: b[field::SCOPE],
            index: ne::u32(&b[field::INDEX]),
        })
    }

    /// Its size.
    pub const fn buffer_len(&self) -> usize {
        LEN
    }

    /// Its bytes.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let mut b = [
            self.family,
            self.prefixlen,
            self.flags,
            self.scope,
            0,
            0,
            0,
            0,
        ];
        ne::put_u32(&mut b[field::INDEX], self.index);
        b
    }
}
