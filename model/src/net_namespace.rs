//! Network namespaces (`struct net`, `net/core/net_namespace.c`).
//!
//! A namespace owns one kernel socket per protocol that registered a per-namespace kernel socket
//! (`netlink_kernel_create` from each subsystem's pernet init), and the state of the subsystems
//! that live per namespace.

use crate::cred::UserNsId;
use crate::kernel::{Kernel, NetId, SockId};
use crate::uapi::netlink::MAX_LINKS;

/// A network namespace.
#[derive(Debug)]
pub struct Net {
    /// The user namespace that owns this network namespace (`net->user_ns`).
    pub user_ns: UserNsId,
    /// Whether this is `init_net`.
    pub is_init: bool,
    /// The kernel socket of each protocol in this namespace (`net->rtnl`, `net->genl_sock`, ...).
    pub kernel_sock: [Option<SockId>; MAX_LINKS],
    /// The network devices (`dev_base_head`, `dev_by_index`) and `dev_base_seq`.
    pub devices: crate::netdevice::NetDevices,
    /// IPv4's `all` and `default` configurations and address generation (`net->ipv4`).
    pub ipv4: crate::devinet::netconf::NetnsIpv4,
    /// IPv6's (`net->ipv6`).
    pub ipv6: crate::addrconf::netconf::NetnsIpv6,
    /// The routing rules of each family (`rules_ops`).
    pub(crate) rules: crate::fib_rules::NetFibRules,
    /// The IPv4 FIB tables (`net->ipv4.fib_table_hash`).
    pub(crate) fib: crate::fib::NetFib,
    /// The namespace's neighbour entries of each table.
    pub(crate) neigh: crate::neighbour::NeighTables,
}

impl Net {
    /// An empty namespace owned by `user_ns`; pernet init fills it.
    pub fn new(user_ns: UserNsId, is_init: bool) -> Self {
        Net {
            user_ns,
            is_init,
            kernel_sock: [None; MAX_LINKS],
            devices: Default::default(),
            ipv4: Default::default(),
            ipv6: Default::default(),
            rules: Default::default(),
            fib: Default::default(),
            neigh: Default::default(),
        }
    }
}

/// Per-namespace operations (`struct pernet_operations`): what a subsystem sets up in every
/// new namespace (its kernel socket, its devices).
#[derive(Clone, Copy, Debug)]
pub struct PernetOperations {
    /// The subsystem, for readers.
    pub name: &'static str,
    /// `init`.
    pub init: fn(&mut Kernel, NetId),
}

/// `register_pernet_subsys`: run `ops.init` for every namespace made from now on (the model
/// registers at boot, before `init_net` exists).
pub fn register_pernet_subsys(k: &mut Kernel, ops: PernetOperations) {
    k.registry.pernet.push(ops);
}
