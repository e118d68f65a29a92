//! Link drivers (`drivers/net/`, `net/bridge/`): the kinds the model creates, each
//! registering its `rtnl_link_ops` from its init, and the loopback device.

pub mod bridge;
pub mod ifb;
pub mod loopback;
pub mod veth;
