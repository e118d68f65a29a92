//! Typed requests over the [`crate::engine::Connection`]: links (RTM_GETLINK, with
//! `netlink-packet-route`'s typed form on demand), addresses and routes (RTM_*ADDR,
//! RTM_*ROUTE, likewise) and generic netlink families (nlctrl, with
//! `netlink-packet-generic`'s), each with its raw bytes kept where a crate cannot round-trip.
//! Requests are written with `nltwin-wire`'s builder, replies read with its views.

pub mod addr;
pub mod family;
pub mod family_info;
pub mod link;
pub mod link_change;
pub mod policy;
pub mod route;

/// Why writing a request payload cannot fail: requests are built in `NlBuf::unlimited()`.
const ROOM: &str = "an unlimited buffer has room";
