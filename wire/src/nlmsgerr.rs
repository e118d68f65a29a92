//! `struct nlmsgerr`: the payload of NLMSG_ERROR (an error code, the request's header or the
//! whole request, then the extended ack), and the error code of a dump's NLMSG_DONE.

use crate::error::{Error, Result};
use crate::ne;
use crate::nla::Attrs;
use crate::nlmsg;
use crate::uapi::netlink::{nlmsg_align, NLM_F_ACK_TLVS, NLM_F_CAPPED};

mod field {
    use crate::Field;
    pub const ERROR: Field = 0..4;
    pub const MSG: Field = 4..20;
}

/// `sizeof(struct nlmsgerr)`: the code and the quoted header.
pub const LEN: usize = 20;

/// A view of an NLMSG_ERROR payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap a buffer without checking it.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wrap a payload holding at least the code and the quoted header.
    pub fn new_checked(buffer: T) -> Result<Packet<T>> {
        if buffer.as_ref().len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(Packet { buffer })
    }

    /// `error`: 0 for an ack, else a negative errno.
    pub fn error(&self) -> i32 {
        ne::i32(&self.buffer.as_ref()[field::ERROR])
    }

    /// The quoted request's header.
    pub fn quoted(&self) -> nlmsg::Repr {
        nlmsg::Repr::parse_bytes(&self.buffer.as_ref()[field::MSG]).expect("16 bytes")
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The extended ack TLVs, given the NLMSG_ERROR message's flags: after the quoted header
    /// alone when `NLM_F_CAPPED`, else after the whole quoted request; none without
    /// `NLM_F_ACK_TLVS`.
    pub fn ext_ack(&self, msg_flags: u16) -> Attrs<'a> {
        let b = self.buffer.as_ref();
        if msg_flags & NLM_F_ACK_TLVS == 0 {
            return Attrs::new(&[]);
        }
        let quoted = if msg_flags & NLM_F_CAPPED != 0 {
            nlmsg::HEADER_LEN
        } else {
            nlmsg_align(self.quoted().length as usize).max(nlmsg::HEADER_LEN)
        };
        let at = field::ERROR.end + quoted;
        Attrs::with_base(b.get(at..).unwrap_or(&[]), at)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Set `error`.
    pub fn set_error(&mut self, v: i32) {
        ne::put_i32(&mut self.buffer.as_mut()[field::ERROR], v)
    }

    /// Quote a request's header (its first 16 bytes).
    pub fn set_quoted(&mut self, request: &[u8]) {
        self.buffer.as_mut()[field::MSG].copy_from_slice(&request[..nlmsg::HEADER_LEN])
    }
}

/// The error code at the start of an NLMSG_ERROR or NLMSG_DONE payload.
pub fn error_code(payload: &[u8]) -> Option<i32> {
    payload.get(field::ERROR).map(ne::i32)
}

/// The 4 bytes of an error code: what an NLMSG_ERROR payload starts with (0 for an ack, else a
/// negative errno) and what a dump's NLMSG_DONE carries.
pub fn error_code_bytes(error: i32) -> [u8; 4] {
    let mut b = [0; 4];
    ne::put_i32(&mut b, error);
    b
}
