//! `struct rtmsg`: the family header of RTM_*ROUTE messages (and of fib rules, whose
//! `fib_rule_hdr` has the same size).

use crate::error::{Error, Result};
use crate::ne;

mod field {
    use crate::Field;
    pub const FLAGS: Field = 8..12;
}

/// `sizeof(struct rtmsg)`.
pub const LEN: usize = 12;

/// A parsed `rtmsg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `rtm_family`.
    pub family: u8,
    /// `rtm_dst_len`.
    pub dst_len: u8,
    /// `rtm_src_len`.
    pub src_len: u8,
    /// `rtm_tos`.
    pub tos: u8,
    /// `rtm_table`.
    pub table: u8,
    /// `rtm_protocol`.
    pub protocol: u8,
    /// `rtm_scope`.
    pub scope: u8,
    /// `rtm_type`.
    pub route_type: u8,
    /// `rtm_flags`.
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
            protocol: b[5],
            scope: b[6],
            route_type: b[7],
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
            self.protocol,
            self.scope,
            self.route_type,
        ]);
        ne::put_u32(&mut b[field::FLAGS], self.flags);
        b
    }
}
