//! `struct br_vlan_msg`: the family header of RTM_NEWVLAN / RTM_DELVLAN / RTM_GETVLAN (family,
//! two reserved fields, the ifindex).

pub use crate::uapi::if_bridge::BR_VLAN_MSG_LEN as LEN;

/// A parsed `br_vlan_msg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `family` (AF_BRIDGE).
    pub family: u8,
    /// `ifindex`.
    pub ifindex: u32,
}

impl Repr {
    /// The header at the start of `bytes` (the reserved fields are not kept).
    pub fn parse_bytes(bytes: &[u8]) -> crate::Result<Repr> {
        let b = bytes.get(..LEN).ok_or(crate::Error::Truncated)?;
        Ok(Repr {
            family: b[0],
            ifindex: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
        })
    }

    /// Its bytes (reserved fields zero).
    pub fn to_bytes(&self) -> [u8; LEN] {
        let i = self.ifindex.to_ne_bytes();
        [self.family, 0, 0, 0, i[0], i[1], i[2], i[3]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_short_input() {
        let r = Repr {
            family: 7,
            ifindex: 4,
        };
        assert_eq!(Repr::parse_bytes(&r.to_bytes()), Ok(r));
        assert!(Repr::parse_bytes(&[0; 7]).is_err());
    }
}
