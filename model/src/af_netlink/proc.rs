//! `/proc/net/netlink` (`netlink_seq_show`): the bound sockets of a namespace.

use crate::kernel::{Kernel, NetId};

/// One row of `/proc/net/netlink`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcNetlinkRow {
    /// `Eth`: the protocol.
    pub protocol: usize,
    /// `Pid`: the portid.
    pub portid: u32,
    /// `Groups`: the first 32 group bits.
    pub groups: u32,
    /// `Rmem`: the truesize of the receive queue.
    pub rmem: usize,
    /// `Dump`: whether a dump is running.
    pub dump: bool,
    /// `Drops`.
    pub drops: u32,
}

impl Kernel {
    /// What `/proc/net/netlink` shows to a reader in `net`: its bound sockets, kernel ones
    /// included, by protocol then portid (the kernel orders within a protocol by hash).
    pub fn proc_net_netlink(&self, net: NetId) -> Vec<ProcNetlinkRow> {
        let mut rows: Vec<ProcNetlinkRow> = self
            .netlink
            .socks
            .iter()
            .flatten()
            .filter(|s| s.net == net && s.bound)
            .map(|s| ProcNetlinkRow {
                protocol: s.protocol,
                portid: s.portid,
                groups: s.groups_low32(),
                rmem: s.rmem_alloc,
                dump: s.cb.is_some(),
                drops: s.drops,
            })
            .collect();
        rows.sort_by_key(|r| (r.protocol, r.portid));
        rows
    }
}
