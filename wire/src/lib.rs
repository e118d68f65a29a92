//! # nltwin-wire: netlink on the wire
//!
//! The bottom layer of nltwin: every other crate (the model, the client, the harness) reads
//! and writes netlink bytes through it, and nowhere else.
//!
//! - Checked zero-copy views in the smoltcp shape: [`nlmsg::Packet`] (the message header),
//!   [`nla::Packet`] (an attribute), the family headers ([`ifinfomsg`], [`genlmsghdr`],
//!   [`ifaddrmsg`], [`rtmsg`], [`ndmsg`], [`rtgenmsg`], [`fib_rule_hdr`], [`nlmsgerr`]), each with
//!   `new_checked`, field accessors and a `Repr` with `parse` / `emit` / `buffer_len`; and the
//!   walkers over a datagram's messages ([`nlmsg::Messages`]) and a payload's attributes
//!   ([`nla::Attrs`]), which never panic on malformed input.
//! - One message builder, [`builder::NlBuf`], with the kernel's `nlmsg_put` / `nla_put` /
//!   `nla_nest_start` shape and its `EMSGSIZE` when the room runs out (the model's socket
//!   buffers are built on it), and [`builder::MessageBuilder`] on top for requests.
//! - The uapi constants ([`uapi`]), one module per kernel header, as plain constants and as
//!   typed values with an `Unknown` case, with their kernel names.
//! - The message catalogue (`catalogue`): for each message type its family header and
//!   attribute space, each space's names and nesting, and which fields vary between runs and
//!   why.
//!
//! All multi-byte fields are native-endian, as netlink is.
#![deny(missing_docs)]

pub mod br_port_msg;
pub mod br_vlan_msg;
pub mod bridge_vlan_info;
pub mod builder;
pub mod catalogue;
pub mod cmsg;
pub mod error;
pub mod fib_rule_hdr;
pub mod genlmsghdr;
pub mod ifaddrmsg;
pub mod ifinfomsg;
pub mod ifla_bridge_id;
pub mod link_stats;
pub mod ndmsg;
pub mod nhmsg;
pub mod nla;
pub mod nlmsg;
pub mod nlmsgerr;
pub mod rtgenmsg;
pub mod rtmsg;
pub mod scalar;
pub mod shim;
pub mod sockaddr_nl;
pub mod uapi;

pub use builder::{MessageBuilder, NlBuf};
pub use error::{Error, Result};
pub use uapi::errno::Errno;

/// A byte range within a buffer (smoltcp's `Field`).
pub type Field = std::ops::Range<usize>;

/// Native-endian field access, for the views of this crate.
pub(crate) mod ne {
    use byteorder::{ByteOrder, NativeEndian};

    #[inline]
    pub fn u16(b: &[u8]) -> u16 {
        NativeEndian::read_u16(b)
    }
    #[inline]
    pub fn u32(b: &[u8]) -> u32 {
        NativeEndian::read_u32(b)
    }
    #[inline]
    pub fn i32(b: &[u8]) -> i32 {
        NativeEndian::read_i32(b)
    }
    #[inline]
    pub fn u64(b: &[u8]) -> u64 {
        NativeEndian::read_u64(b)
    }
    #[inline]
    pub fn i64(b: &[u8]) -> i64 {
        NativeEndian::read_i64(b)
    }
    #[inline]
    pub fn put_u16(b: &mut [u8], v: u16) {
        NativeEndian::write_u16(b, v)
    }
    #[inline]
    pub fn put_u32(b: &mut [u8], v: u32) {
        NativeEndian::write_u32(b, v)
    }
    #[inline]
    pub fn put_i32(b: &mut [u8], v: i32) {
        NativeEndian::write_i32(b, v)
    }
}
