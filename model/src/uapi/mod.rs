//! Userspace ABI constants, one module per kernel uapi header they come from.

pub mod genetlink;
pub mod if_link;
pub mod netlink;
pub mod socket;
