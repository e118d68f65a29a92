//! `struct sockaddr_nl`: a netlink socket address.

use crate::ne;
use crate::uapi::netlink::AF_NETLINK;

mod field {
    use crate::Field;
    pub const FAMILY: Field = 0..2;
    pub const PID: Field = 4..8;
    pub const GROUPS: Field = 8..12;
}

/// A netlink socket address (`struct sockaddr_nl` without its padding).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SockaddrNl {
    /// `nl_family`: `AF_NETLINK` for a valid address.
    pub family: u16,
    /// `nl_pid`: the port id.
    pub pid: u32,
    /// `nl_groups`: multicast group mask (groups 1 to 32).
    pub groups: u32,
}

impl SockaddrNl {
    /// Size of `struct sockaddr_nl`.
    pub const LEN: usize = 12;

    /// An `AF_NETLINK` address.
    pub fn new(pid: u32, groups: u32) -> Self {
        SockaddrNl {
            family: AF_NETLINK,
            pid,
            groups,
        }
    }

    /// The address in the first 12 bytes of `b`, if it has them.
    pub fn parse(b: &[u8]) -> Option<SockaddrNl> {
        let b = b.get(..Self::LEN)?;
        Some(SockaddrNl {
            family: ne::u16(&b[field::FAMILY]),
            pid: ne::u32(&b[field::PID]),
            groups: ne::u32(&b[field::GROUPS]),
        })
    }

    /// The 12 bytes of `struct sockaddr_nl` in host order.
    pub fn to_bytes(&self) -> [u8; 12] {
        let mut b = [0u8; 12];
        ne::put_u16(&mut b[field::FAMILY], self.family);
        ne::put_u32(&mut b[field::PID], self.pid);
        ne::put_u32(&mut b[field::GROUPS], self.groups);
        b
    }
}
