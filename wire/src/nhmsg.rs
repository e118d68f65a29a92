//! `struct nhmsg`: the family header of RTM_*NEXTHOP and RTM_*NEXTHOPBUCKET messages.

use crate::error::{Error, Result};
use crate::ne;

mod field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const SCOPE: usize = 1;
    pub const PROTOCOL: usize = 2;
    pub const RESVD: usize = 3;
    pub const FLAGS: Field = 4..8;
}

/// `sizeof(struct nhmsg)`.
pub const LEN: usize = 8;

/// A parsed `nhmsg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `nh_family`.
    pub family: u8,
    /// `nh_scope` (set by the kernel only).
    pub scope: u8,
    /// `nh_protocol`: who installed the nexthop.
    pub protocol: u8,
    /// `resvd`.
    pub resvd: u8,
    /// `nh_flags` (`RTNH_F_*`).
    pub flags: u32,
}

impl Repr {
    /// The header at the start of `b`.
    pub fn parse_bytes(b: &[u8]) -> Result<Repr> {
        if b.len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            family: b[field::FAMILY],
            scope: b[field::SCOPE],
            protocol: b[field::PROTOCOL],
            resvd: b[field::RESVD],
            flags: ne::u32(&b[field::FLAGS]),
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
        b[field::SCOPE] = self.scope;
        b[field::PROTOCOL] = self.protocol;
        b[field::RESVD] = self.resvd;
        ne::put_u32(&mut b[field::FLAGS], self.flags);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let r = Repr {
            family: 10,
            scope: 253,
            protocol: 3,
            resvd: 0,
            flags: 4,
        };
        assert_eq!(Repr::parse_bytes(&r.to_bytes()).unwrap(), r);
        assert_eq!(Repr::parse_bytes(&[0; 7]), Err(Error::Truncated));
    }
}
