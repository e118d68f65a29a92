//! `struct bridge_vlan_info`: one VLAN of a bridge or port as IFLA_BRIDGE_VLAN_INFO and
//! BRIDGE_VLANDB_ENTRY_INFO carry it (flags, then the VLAN id, both native-endian).

pub use crate::uapi::if_bridge::BRIDGE_VLAN_INFO_LEN as LEN;

/// A parsed `bridge_vlan_info`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `flags` (`BRIDGE_VLAN_INFO_*`).
    pub flags: u16,
    /// `vid`.
    pub vid: u16,
}

impl Repr {
    /// The structure at the start of `bytes`.
    pub fn parse_bytes(bytes: &[u8]) -> crate::Result<Repr> {
        let b: &[u8; LEN] = bytes
            .get(..LEN)
            .and_then(|b| b.try_into().ok())
            .ok_or(crate::Error::Truncated)?;
        Ok(Repr {
            flags: u16::from_ne_bytes([b[0], b[1]]),
            vid: u16::from_ne_bytes([b[2], b[3]]),
        })
    }

    /// Its bytes.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let (f, v) = (self.flags.to_ne_bytes(), self.vid.to_ne_bytes());
        [f[0], f[1], v[0], v[1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_short_input() {
        let r = Repr { flags: 6, vid: 1 };
        assert_eq!(Repr::parse_bytes(&r.to_bytes()), Ok(r));
        assert!(Repr::parse_bytes(&[0; 3]).is_err());
    }
}
