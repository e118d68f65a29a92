//! `struct rtgenmsg`: the one-byte family header of generic rtnetlink requests (dumps of
//! every family).

/// `sizeof(struct rtgenmsg)`.
pub const LEN: usize = 1;

/// A parsed `rtgenmsg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    /// `rtgen_family`.
    pub family: u8,
}

impl Repr {
    /// The header at the start of `bytes`.
    pub fn parse_bytes(bytes: &[u8]) -> crate::Result<Repr> {
        let family = *bytes.first().ok_or(crate::Error::Truncated)?;
        Ok(Repr { family })
    }

    /// Its size.
    pub const fn buffer_len(&self) -> usize {
        LEN
    }

    /// Its byte.
    pub fn to_bytes(&self) -> [u8; LEN] {
        [self.family]
    }
}
