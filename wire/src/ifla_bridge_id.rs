//! `struct ifla_bridge_id` (IFLA_BR_BRIDGE_ID, IFLA_BR_ROOT_ID, IFLA_BRPORT_BRIDGE_ID,
//! IFLA_BRPORT_ROOT_ID: a priority in two bytes, then a MAC address) and `struct
//! br_boolopt_multi` (IFLA_BR_MULTI_BOOLOPT: the options' values, then which are known).

/// `sizeof(struct ifla_bridge_id)`.
pub const LEN: usize = 8;

/// A parsed `ifla_bridge_id`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Repr {
    /// `prio`, the two bytes as sent (network order).
    pub prio: [u8; 2],
    /// `addr`.
    pub addr: [u8; 6],
}

impl Repr {
    /// The structure at the start of `bytes`.
    pub fn parse_bytes(bytes: &[u8]) -> crate::Result<Repr> {
        let b: &[u8; LEN] = bytes
            .get(..LEN)
            .and_then(|b| b.try_into().ok())
            .ok_or(crate::Error::Truncated)?;
        Ok(Repr {
            prio: [b[0], b[1]],
            addr: [b[2], b[3], b[4], b[5], b[6], b[7]],
        })
    }
}

/// `sizeof(struct br_boolopt_multi)`.
pub const BOOLOPT_MULTI_LEN: usize = 8;

/// A parsed `br_boolopt_multi`: bit `BR_BOOLOPT_*` of each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BooloptMulti {
    /// `optval`.
    pub optval: u32,
    /// `optmask`.
    pub optmask: u32,
}

impl BooloptMulti {
    /// The structure at the start of `bytes`.
    pub fn parse_bytes(bytes: &[u8]) -> crate::Result<BooloptMulti> {
        match (bytes.get(..4), bytes.get(4..8)) {
            (Some(v), Some(m)) => Ok(BooloptMulti {
                optval: crate::ne::u32(v),
                optmask: crate::ne::u32(m),
            }),
            _ => Err(crate::Error::Truncated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_short_input() {
        let id = Repr::parse_bytes(&[0x80, 0, 0xae, 0x0a, 0x11, 0xa4, 0x24, 0x6c]).unwrap();
        assert_eq!((id.prio, id.addr[1]), ([0x80, 0], 0x0a));
        assert!(Repr::parse_bytes(&[0; 7]).is_err());
        let mut b = 1u32.to_ne_bytes().to_vec();
        b.extend_from_slice(&7u32.to_ne_bytes());
        assert_eq!(
            BooloptMulti::parse_bytes(&b),
            Ok(BooloptMulti {
                optval: 1,
                optmask: 7
            })
        );
        assert!(BooloptMulti::parse_bytes(&b[..7]).is_err());
    }
}
