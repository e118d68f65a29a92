//! Typed requests over the [`crate::engine::Connection`]: links (RTM_GETLINK, returning
//! `netlink-packet-route` types) and generic netlink families (nlctrl, returning
//! `netlink-packet-generic` types), each with its raw bytes kept where a crate cannot round-trip.

pub mod family;
pub mod link;
pub mod link_change;
