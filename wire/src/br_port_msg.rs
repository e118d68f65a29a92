//! The multicast database's structures (`include/uapi/linux/if_bridge.h`): `struct
//! br_port_msg`, the family header of RTM_NEWMDB, RTM_DELMDB and RTM_GETMDB, and `struct
//! br_mdb_entry`, the entry those requests carry in MDBA_SET_ENTRY / MDBA_GET_ENTRY and the
//! replies in MDBA_MDB_ENTRY_INFO.

use crate::uapi::if_bridge::{BR_MDB_ENTRY_LEN, BR_PORT_MSG_LEN};
use crate::{ne, Error, Result};

/// `sizeof(struct br_port_msg)`: `family`, three pad bytes, `ifindex`.
pub const LEN: usize = BR_PORT_MSG_LEN;

/// A parsed `br_port_msg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `family` (AF_BRIDGE in requests and notifications, 0 in the dump's messages).
    pub family: u8,
    /// `ifindex`: the bridge.
    pub ifindex: u32,
}

impl Repr {
    /// The header at the start of `bytes` (EINVAL-worthy when shorter: `Truncated`).
    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr> {
        if bytes.len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            family: bytes[0],
            ifindex: ne::u32(&bytes[4..8]),
        })
    }

    /// Its bytes, the padding zero.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let mut b = [0u8; LEN];
        b[0] = self.family;
        b[4..8].copy_from_slice(&self.ifindex.to_ne_bytes());
        b
    }
}

/// A parsed `struct br_mdb_entry` (its fields in host order; `proto` is big-endian on the
/// wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MdbEntry {
    /// `ifindex`: a port, or the bridge itself for a host entry.
    pub ifindex: u32,
    /// `state`: MDB_TEMPORARY or MDB_PERMANENT.
    pub state: u8,
    /// `flags` (`MDB_FLAGS_*`).
    pub flags: u8,
    /// `vid`.
    pub vid: u16,
    /// `addr.u`: the group (IPv4 in its first four bytes, a MAC address in its first six).
    pub addr: [u8; 16],
    /// `addr.proto`: ETH_P_IP, ETH_P_IPV6, or 0 for a link-layer group.
    pub proto: u16,
    /// The two bytes that pad `addr` to 20 (a bulk delete wants all of `addr` zero).
    pub addr_pad: [u8; 2],
}

impl MdbEntry {
    /// The entry in exactly [`BR_MDB_ENTRY_LEN`] bytes (the kernel checks the length itself,
    /// `Malformed` here).
    pub fn parse_bytes(b: &[u8]) -> Result<MdbEntry> {
        if b.len() != BR_MDB_ENTRY_LEN {
            return Err(Error::Malformed);
        }
        let mut addr = [0u8; 16];
        addr.copy_from_slice(&b[8..24]);
        Ok(MdbEntry {
            ifindex: ne::u32(&b[0..4]),
            state: b[4],
            flags: b[5],
            vid: ne::u16(&b[6..8]),
            addr,
            proto: u16::from_be_bytes([b[24], b[25]]),
            addr_pad: [b[26], b[27]],
        })
    }

    /// Its bytes.
    pub fn to_bytes(&self) -> [u8; BR_MDB_ENTRY_LEN] {
        let mut b = [0u8; BR_MDB_ENTRY_LEN];
        b[0..4].copy_from_slice(&self.ifindex.to_ne_bytes());
        b[4] = self.state;
        b[5] = self.flags;
        b[6..8].copy_from_slice(&self.vid.to_ne_bytes());
        b[8..24].copy_from_slice(&self.addr);
        b[24..26].copy_from_slice(&self.proto.to_be_bytes());
        b[26..28].copy_from_slice(&self.addr_pad);
        b
    }

    /// The IPv4 group (`addr.u.ip4`).
    pub fn ip4(&self) -> [u8; 4] {
        [self.addr[0], self.addr[1], self.addr[2], self.addr[3]]
    }

    /// Whether all of `addr` (group, protocol and padding) is zero.
    pub fn addr_is_zero(&self) -> bool {
        self.addr == [0; 16] && self.proto == 0 && self.addr_pad == [0; 2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_round_trips_with_proto_big_endian() {
        // Port 3, permanent, VLAN 10, 239.1.1.1 over IPv4 (0x0800 on the wire as 08 00).
        let mut b = [0u8; BR_MDB_ENTRY_LEN];
        b[0..4].copy_from_slice(&3u32.to_ne_bytes());
        b[4] = 1;
        b[6..8].copy_from_slice(&10u16.to_ne_bytes());
        b[8..12].copy_from_slice(&[239, 1, 1, 1]);
        b[24..26].copy_from_slice(&[0x08, 0x00]);
        let e = MdbEntry::parse_bytes(&b).unwrap();
        assert_eq!((e.ifindex, e.state, e.vid, e.proto), (3, 1, 10, 0x0800));
        assert_eq!(e.ip4(), [239, 1, 1, 1]);
        assert!(!e.addr_is_zero());
        assert_eq!(e.to_bytes(), b);
        assert_eq!(MdbEntry::parse_bytes(&b[..27]), Err(Error::Malformed));
    }

    #[test]
    fn port_msg_keeps_its_padding_zero() {
        let r = Repr {
            family: 7,
            ifindex: 4,
        };
        let b = r.to_bytes();
        assert_eq!(&b[1..4], &[0, 0, 0]);
        assert_eq!(Repr::parse_bytes(&b), Ok(r));
        assert_eq!(Repr::parse_bytes(&b[..7]), Err(Error::Truncated));
    }
}
