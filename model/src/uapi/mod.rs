//! Userspace ABI constants, one module per kernel uapi header they come from.

pub mod netlink;
pub mod socket;
