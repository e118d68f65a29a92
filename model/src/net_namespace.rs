//! Network namespaces (`struct net`, `net/core/net_namespace.c`).
//!
//! A namespace owns one kernel socket per protocol that registered a per-namespace kernel socket
//! (`netlink_kernel_create` from each subsystem's pernet init), and the state of the subsystems
//! that live per namespace.

use crate::cred::UserNsId;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId, SockId, TaskId};
use crate::skbuff::SkBuff;
use crate::uapi::net_namespace::NETNSA_NSID;
use crate::uapi::netlink::MAX_LINKS;
use crate::uapi::rtnetlink::{RTM_NEWNSID, RTNLGRP_NSID};
use crate::uapi::socket::AF_UNSPEC;

/// `sizeof(struct rtgenmsg)`.
const RTGENMSG_LEN: usize = 1;

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
    /// The namespace's nexthop objects (`net->nexthop`).
    pub(crate) nexthop: crate::nexthop::NetNexthop,
    /// The ids this namespace gave other namespaces (`netns_ids`), in allocation order.
    pub(crate) netns_ids: Vec<(i32, NetId)>,
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
            nexthop: Default::default(),
            netns_ids: Vec::new(),
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

/// `__peernet2id`: the id `net` gave `peer`, if any.
pub fn peernet2id(k: &Kernel, net: NetId, peer: NetId) -> Option<i32> {
    k.net(net)
        .netns_ids
        .iter()
        .find(|&&(_, p)| p == peer)
        .map(|&(id, _)| id)
}

/// `peernet2id_alloc`: the id `net` gives `peer`, allocated the first time (`alloc_netid`:
/// the lowest free id from 0, as `idr_alloc` takes it) and announced in `net` to
/// RTNLGRP_NSID (`rtnl_net_notifyid`).
pub fn peernet2id_alloc(k: &mut Kernel, net: NetId, peer: NetId) -> SysResult<i32> {
    if let Some(id) = peernet2id(k, net, peer) {
        return Ok(id);
    }
    let ids = &mut k.net_mut(net).netns_ids;
    let id = (0..)
        .find(|i| ids.iter().all(|&(used, _)| used != *i))
        .expect("a free id");
    ids.push((id, peer));
    rtnl_net_notifyid(k, net, RTM_NEWNSID, id)?;
    Ok(id)
}

/// `get_net_ns_by_id`: the namespace `net` knows by `id`.
pub fn get_net_ns_by_id(k: &Kernel, net: NetId, id: i32) -> Option<NetId> {
    if id < 0 {
        return None;
    }
    k.net(net)
        .netns_ids
        .iter()
        .find(|&&(i, _)| i == id)
        .map(|&(_, p)| p)
}

/// `rtnl_net_fill`: a namespace id message: an `rtgenmsg` (AF_UNSPEC) and NETNSA_NSID.
fn rtnl_net_fill(skb: &mut SkBuff, cmd: u16, nsid: i32) -> Result<(), Errno> {
    let at = skb.nlmsg_put(0, 0, cmd, RTGENMSG_LEN, 0)?;
    skb.nlmsg_data_mut(at)[0] = AF_UNSPEC;
    skb.nla_put_s32(NETNSA_NSID, nsid)?;
    skb.nlmsg_end(at);
    Ok(())
}

/// `rtnl_net_notifyid`: announce an id of `net`'s to its RTNLGRP_NSID listeners.
fn rtnl_net_notifyid(k: &mut Kernel, net: NetId, cmd: u16, id: i32) -> SysResult<()> {
    let mut skb = SkBuff::alloc_skb(64);
    rtnl_net_fill(&mut skb, cmd, id)?;
    crate::rtnetlink::notify::rtnl_notify(k, net, skb, RTNLGRP_NSID, None)
}

/// `get_net_ns_by_fd`: the namespace behind the file `fd` of `task` (a namespace's nsfs file,
/// `/proc/<pid>/ns/net` or a bind mount of it): EBADF when no such file is open, EINVAL when
/// it is another kind of file.
pub fn get_net_ns_by_fd(k: &Kernel, task: TaskId, fd: u32) -> Result<NetId, Errno> {
    let t = k.task(task);
    let fd = i32::try_from(fd).map_err(|_| Errno::EBADF)?;
    match t.ns_files.get(&fd) {
        Some(OpenFile::Net(net)) => Ok(*net),
        Some(OpenFile::Other) => Err(Errno::EINVAL),
        // Under `nltwin run` the table above is the process's whole one (its sockets too).
        None if !k.foreign_pids && t.files.contains_key(&fd) => Err(Errno::EINVAL),
        None => Err(Errno::EBADF),
    }
}

/// `get_net_ns_by_pid`: the namespace of the process `pid` (ESRCH when there is none). Under
/// `nltwin run` processes exist that the model never served: their namespaces are unknown to
/// it (`unimplemented`).
pub fn get_net_ns_by_pid(k: &Kernel, pid: u32) -> SysResult<NetId> {
    if let Some(t) = k.tasks.iter().find(|t| t.tgid == pid) {
        return Ok(t.net);
    }
    if k.foreign_pids {
        return Err(crate::errno::unimplemented(
            "IFLA_NET_NS_PID naming a process the model does not serve",
        ));
    }
    Err(Errno::ESRCH.into())
}

/// A file a task holds open besides its netlink sockets, as far as the model needs to know
/// (`IFLA_NET_NS_FD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenFile {
    /// A network namespace's nsfs file.
    Net(NetId),
    /// Any other file.
    Other,
}
