//! Link drivers (`drivers/net/`): the `rtnl_link_ops` of the link types the model creates.

pub mod bridge;
pub mod veth;
