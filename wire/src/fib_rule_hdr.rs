//! `struct fib_rule_hdr`: the family header of routing rule messages (RTM_NEWRULE,
//! RTM_DELRULE, RTM_GETRULE).

use crate::error::{Error, Result};
use crate::ne;

mod field {
    use crate::Field;
    pub const FLAGS: Field = 8..12;
}

/// `sizeof(struct fib_rule_hdr)`.
pub const LEN: usize = 12;

/// A parsed `fib_rule_hdr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `family`: AF_INET, AF_INET6, RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR.
    pub family: u8,
    /// `dst_len`.
    pub dst_len: u8,
    /// `src_len`.
    pub src_len: u8,
    /// `tos`.
    pub tos: u8,
    /// `table` (RT_TABLE_COMPAT for ids of 256 and more: FRA_TABLE has the id).
    pub table: u8,
    /// `res1`.
    pub res1: u8,
    /// `res2`.
    pub res2: u8,
    /// `action` (`FR_ACT_*`).
    pub action: u8,
    /// `flags` (`FIB_RULE_*`).
    pub flags: u32,
}

impl Repr {
    /// The header at the start of `bytes`.
    pub fn parse_bytes(b: &[u8]) -> Result<Repr> {
        if b.len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            family: b[0],
            dst_len: b[1],
            src_len: b[2],
            tos: b[3],
            table: b[4],
            res1: b[5],
            res2: b[6],
            action: b[7],
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
        b[..8].copy_from_slice(&[
            self.family,
            self.dst_len,
            self.src_len,
            self.tos,
            self.table,
            self.res1,
            self.res2,
            self.action,
        ]);
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
            family: 2,
            src_len: 24,
            table: 100,
            action: 1,
            flags: 0x10,
            ..Default::default()
        };
        assert_eq!(Repr::parse_bytes(&r.to_bytes()), Ok(r));
        assert_eq!(Repr::parse_bytes(&[0; 11]), Err(Error::Truncated));
    }
}
