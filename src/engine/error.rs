//! Errors of the request engine, with the kernel's extended ack decoded.

use std::fmt;

use nltwin_wire::nlmsgerr;
use nltwin_wire::uapi::netlink::{
    NLMSGERR_ATTR_COOKIE, NLMSGERR_ATTR_MISS_NEST, NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG,
    NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY, NLM_F_ACK_TLVS,
};

use crate::transport::{Errno, TransportError};
use crate::view::{Attrs, MsgView};

/// The extended ack the kernel attached to an error, an ack or a NLMSG_DONE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtAck {
    /// `NLMSGERR_ATTR_MSG`: the human-readable message.
    pub msg: Option<String>,
    /// `NLMSGERR_ATTR_OFFS`: offset of the offending attribute from the start of the request.
    pub offset: Option<u32>,
    /// `NLMSGERR_ATTR_POLICY`: the offending attribute's policy, as raw nested attributes
    /// (`NL_POLICY_TYPE_ATTR_*`; no crate decodes them, so they stay raw).
    pub policy: Option<Vec<u8>>,
    /// `NLMSGERR_ATTR_MISS_TYPE`: a required attribute that was missing.
    pub miss_type: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_NEST`: offset of the nest it was missing from.
    pub miss_nest: Option<u32>,
    /// `NLMSGERR_ATTR_COOKIE`.
    pub cookie: Option<Vec<u8>>,
}

impl ExtAck {
    /// Decode the TLVs of an extended ack.
    pub fn parse(tlvs: &[u8]) -> ExtAck {
        ExtAck::from_attrs(Attrs::new(tlvs))
    }

    /// Decode an extended ack from its attributes (e.g. `nlmsgerr::Packet::ext_ack`).
    pub fn from_attrs(attrs: Attrs<'_>) -> ExtAck {
        let mut e = ExtAck::default();
        for a in attrs {
            match a.kind() {
                NLMSGERR_ATTR_MSG => e.msg = a.str().map(str::to_owned),
                NLMSGERR_ATTR_OFFS => e.offset = a.u32(),
                NLMSGERR_ATTR_POLICY => e.policy = Some(a.payload().to_vec()),
                NLMSGERR_ATTR_MISS_TYPE => e.miss_type = a.u32(),
                NLMSGERR_ATTR_MISS_NEST => e.miss_nest = a.u32(),
                NLMSGERR_ATTR_COOKIE => e.cookie = Some(a.payload().to_vec()),
                _ => {}
            }
        }
        e
    }

    /// Whether the kernel sent nothing.
    pub fn is_empty(&self) -> bool {
        *self == ExtAck::default()
    }

    /// Decode the error code and extended ack of a NLMSG_ERROR message.
    pub fn from_error_msg(m: &MsgView<'_>) -> Option<(i32, ExtAck)> {
        let p = m.payload();
        let code = nlmsgerr::error_code(p)?;
        let mut e = ExtAck::default();
        if m.flags() & NLM_F_ACK_TLVS != 0 {
            // After the echoed request: its header always, its payload only when not capped.
            let err = nlmsgerr::Packet::new_checked(p).ok()?;
            e = ExtAck::from_attrs(err.ext_ack(m.flags()));
        }
        Some((code, e))
    }
}

/// What can go wrong with a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// The socket contract failed (an errno from a system call, or the model's unimplemented).
    Transport(TransportError),
    /// The kernel answered the request with an error (NLMSG_ERROR, or the errno carried in a
    /// dump's NLMSG_DONE when `in_done`).
    Kernel {
        /// The errno.
        errno: Errno,
        /// Its extended ack.
        ext_ack: ExtAck,
        /// Whether it came in NLMSG_DONE (a dump that failed after it started).
        in_done: bool,
    },
    /// Every attempt of a dump was interrupted by a change (NLM_F_DUMP_INTR).
    DumpInterrupted {
        /// How many times the dump ran.
        attempts: u32,
    },
    /// The socket's receive queue overflowed: the kernel dropped messages (ENOBUFS).
    Overrun,
    /// A datagram was larger than the receive buffer although it was sized by a peek.
    Truncated {
        /// The datagram's length.
        len: usize,
    },
    /// A reply that is not netlink as the kernel writes it.
    Malformed(String),
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Errno(Errno::ENOBUFS) => Error::Overrun,
            e => Error::Transport(e),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "socket: {e}"),
            Error::Kernel {
                errno,
                ext_ack,
                in_done,
            } => {
                write!(f, "kernel: {errno}")?;
                if *in_done {
                    f.write_str(" (in NLMSG_DONE)")?;
                }
                if let Some(m) = &ext_ack.msg {
                    write!(f, ": {m}")?;
                }
                if let Some(o) = ext_ack.offset {
                    write!(f, " (attribute at offset {o})")?;
                }
                Ok(())
            }
            Error::DumpInterrupted { attempts } => {
                write!(
                    f,
                    "dump interrupted by concurrent changes {attempts} times in a row"
                )
            }
            Error::Overrun => {
                f.write_str("receive queue overrun (ENOBUFS): the kernel dropped replies")
            }
            Error::Truncated { len } => write!(f, "datagram of {len} bytes truncated"),
            Error::Malformed(w) => write!(f, "malformed reply: {w}"),
        }
    }
}

impl std::error::Error for Error {}
