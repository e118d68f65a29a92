//! Network namespaces (`struct net`, `net/core/net_namespace.c`).
//!
//! A namespace owns one kernel socket per protocol that registered a per-namespace kernel socket
//! (`netlink_kernel_create` from each subsystem's pernet init), and the state of the subsystems
//! that live per namespace.

use crate::af_netlink::caps::{netlink_ns_capable, netlink_strict_get_check, skb_net};
use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::cred::UserNsId;
use crate::cred::CAP_NET_ADMIN;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId, SockId, TaskId};
use crate::nlattr::{nlmsg_parse, nlmsg_total_size, NlaPolicy, NlaType, Tb, Validate};
use crate::profile::Feature;
use crate::rtnetlink::notify::Report;
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::net_namespace::*;
use crate::uapi::netlink::{MAX_LINKS, NETLINK_ROUTE, NLA_HDRLEN, NLM_F_MULTI};
use crate::uapi::rtnetlink::{RTM_GETNSID, RTM_NEWNSID, RTNLGRP_NSID};
use crate::uapi::socket::{AF_UNSPEC, PF_UNSPEC};

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
    rtnl_net_notifyid(k, net, RTM_NEWNSID, id, None)?;
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

/// `struct net_fill_args`: what one namespace id message says.
struct NetFillArgs {
    portid: u32,
    seq: u32,
    flags: u16,
    cmd: u16,
    nsid: i32,
    /// NETNSA_CURRENT_NSID, when the request named a target namespace (`add_ref`).
    ref_nsid: Option<i32>,
}

impl NetFillArgs {
    fn new(portid: u32, seq: u32, flags: u16, cmd: u16, nsid: i32) -> Self {
        NetFillArgs {
            portid,
            seq,
            flags,
            cmd,
            nsid,
            ref_nsid: None,
        }
    }
}

/// `rtnl_net_get_size`: an `rtgenmsg`, NETNSA_NSID and NETNSA_CURRENT_NSID.
fn rtnl_net_get_size() -> usize {
    crate::uapi::netlink::nlmsg_align(RTGENMSG_LEN) + 2 * crate::nlattr::nla_total_size(4)
}

/// `rtnl_net_fill`: a namespace id message: an `rtgenmsg` (AF_UNSPEC), NETNSA_NSID and, for a
/// request that named a target namespace, NETNSA_CURRENT_NSID; nothing of it stays on EMSGSIZE.
fn rtnl_net_fill(skb: &mut SkBuff, a: &NetFillArgs) -> Result<(), Errno> {
    let at = skb.nlmsg_put(a.portid, a.seq, a.cmd, RTGENMSG_LEN, a.flags)?;
    skb.nlmsg_data_mut(at)[0] = AF_UNSPEC;
    let attrs = skb
        .nla_put_s32(NETNSA_NSID, a.nsid)
        .and_then(|()| match a.ref_nsid {
            Some(r) => skb.nla_put_s32(NETNSA_CURRENT_NSID, r),
            None => Ok(()),
        });
    if let Err(e) = attrs {
        skb.trim(at);
        return Err(e);
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// `net_ns_init`'s rtnetlink part: RTM_NEWNSID and RTM_GETNSID (get and dump); RTM_DELNSID has
/// no handler.
pub fn net_ns_init(k: &mut Kernel) {
    rtnl_register(k, PF_UNSPEC, RTM_NEWNSID, Some(rtnl_net_newid), None, 0);
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_GETNSID,
        Some(rtnl_net_getid),
        Some(rtnl_net_dumpid),
        0,
    );
}

/// `rtnl_net_policy` (up to NETNSA_MAX, NETNSA_CURRENT_NSID): the ids signed, the pid and descriptor unsigned, 32 bits each.
fn rtnl_net_policy() -> [NlaPolicy; NETNSA_CURRENT_NSID as usize + 1] {
    let mut p = [NlaPolicy::of(NlaType::Unspec); NETNSA_CURRENT_NSID as usize + 1];
    p[usize::from(NETNSA_NSID)] = NlaPolicy::of(NlaType::S32);
    p[usize::from(NETNSA_PID)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NETNSA_FD)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NETNSA_TARGET_NSID)] = NlaPolicy::of(NlaType::S32);
    p
}

/// An attribute's 4 bytes (the policy made it that long).
fn attr4(msg: &[u8], tb: &Tb, ty: u16) -> Option<[u8; 4]> {
    let r = tb[usize::from(ty)].as_ref()?;
    msg.get(r.start..r.start + 4)?.try_into().ok()
}

/// NL_SET_BAD_ATTR of `ty` and NL_SET_ERR_MSG of `msg`.
fn bad_attr(extack: &mut NetlinkExtAck, tb: &Tb, ty: u16, msg: &str) {
    if let Some(r) = &tb[usize::from(ty)] {
        extack.bad_attr = Some(r.start - NLA_HDRLEN);
    }
    extack.msg = Some(msg.into());
}

/// The peer a request names, by NETNSA_PID, else NETNSA_FD, else (`nsid_too`) NETNSA_NSID as
/// `net` knows it: the namespace and the attribute that named it; "Peer netns reference is
/// missing" without any.
fn peer_of_request(
    k: &Kernel,
    skb: &SkBuff,
    net: NetId,
    msg: &[u8],
    tb: &Tb,
    nsid_too: bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<NetId> {
    let (peer, nla) = if let Some(b) = attr4(msg, tb, NETNSA_PID) {
        (get_net_ns_by_pid(k, u32::from_ne_bytes(b)), NETNSA_PID)
    } else if let Some(b) = attr4(msg, tb, NETNSA_FD) {
        let Some(task) = skb.cb.sender else {
            return Err(Errno::EBADF.into());
        };
        let r = get_net_ns_by_fd(k, task, u32::from_ne_bytes(b)).map_err(Into::into);
        (r, NETNSA_FD)
    } else if let Some(b) = attr4(msg, tb, NETNSA_NSID).filter(|_| nsid_too) {
        let r = get_net_ns_by_id(k, net, i32::from_ne_bytes(b)).ok_or(Errno::ENOENT.into());
        (r, NETNSA_NSID)
    } else {
        extack.msg = Some("Peer netns reference is missing".into());
        return Err(Errno::EINVAL.into());
    };
    peer.inspect_err(|e| {
        // An unmodeled lookup says so; an errno names the attribute.
        if matches!(e, crate::errno::SysError::Errno(_)) {
            bad_attr(extack, tb, nla, "Peer netns reference is invalid");
        }
    })
}

/// `rtnl_net_newid`: give the namespace the request names the id NETNSA_NSID asks (a negative
/// one: the lowest free), announced to RTNLGRP_NSID with the requester's port; EEXIST when the
/// peer has an id already or the id is taken.
fn rtnl_net_newid(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let tb = nlmsg_parse(
        msg,
        RTGENMSG_LEN,
        &rtnl_net_policy(),
        Validate::Liberal,
        extack,
    )?;
    let Some(nsid) = attr4(msg, &tb, NETNSA_NSID).map(i32::from_ne_bytes) else {
        extack.msg = Some("nsid is missing".into());
        return Err(Errno::EINVAL.into());
    };
    let peer = peer_of_request(k, skb, net, msg, &tb, false, extack)?;
    let nla = if tb[usize::from(NETNSA_PID)].is_some() {
        NETNSA_PID
    } else {
        NETNSA_FD
    };
    if peernet2id(k, net, peer).is_some() {
        bad_attr(extack, &tb, nla, "Peer netns already has a nsid assigned");
        return Err(Errno::EEXIST.into());
    }
    let Some(id) = alloc_netid(k, net, peer, nsid) else {
        bad_attr(
            extack,
            &tb,
            NETNSA_NSID,
            "The specified nsid is already used",
        );
        return Err(Errno::EEXIST.into());
    };
    let report = Report {
        portid: skb.cb.portid,
        nlh,
    };
    rtnl_net_notifyid(k, net, RTM_NEWNSID, id, Some(report))
}

/// `alloc_netid`: `reqid` if it is free, or (negative) the lowest free id from 0; none when the
/// id asked is taken (`idr_alloc`'s ENOSPC).
fn alloc_netid(k: &mut Kernel, net: NetId, peer: NetId, reqid: i32) -> Option<i32> {
    let ids = &mut k.net_mut(net).netns_ids;
    let free = |i: i32| ids.iter().all(|&(used, _)| used != i);
    let id = if reqid >= 0 {
        free(reqid).then_some(reqid)?
    } else {
        (0..).find(|&i| free(i)).expect("a free id")
    };
    ids.push((id, peer));
    Some(id)
}

/// `rtnl_get_net_ns_capable`: the namespace `id` names in `net`, if its owner grants the
/// requester CAP_NET_ADMIN (EINVAL for an unknown id, EACCES without the capability).
fn rtnl_get_net_ns_capable(
    k: &Kernel,
    net: NetId,
    id: i32,
    capable: impl Fn(UserNsId) -> bool,
) -> Result<NetId, Errno> {
    let target = get_net_ns_by_id(k, net, id).ok_or(Errno::EINVAL)?;
    if !capable(k.net(target).user_ns) {
        return Err(Errno::EACCES);
    }
    Ok(target)
}

/// `rtnl_net_valid_getid_req`: liberal without strict checking; with it, deprecated-strict and
/// only the peer's and target's attributes.
fn rtnl_net_valid_getid_req(
    k: &Kernel,
    skb: &SkBuff,
    msg: &[u8],
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    if !netlink_strict_get_check(k, skb) {
        return nlmsg_parse(
            msg,
            RTGENMSG_LEN,
            &rtnl_net_policy(),
            Validate::Liberal,
            extack,
        );
    }
    let tb = nlmsg_parse(
        msg,
        RTGENMSG_LEN,
        &rtnl_net_policy(),
        Validate::DeprecatedStrict,
        extack,
    )?;
    for (i, a) in tb.iter().enumerate() {
        let allowed = [NETNSA_PID, NETNSA_FD, NETNSA_NSID, NETNSA_TARGET_NSID];
        if a.is_some() && !allowed.contains(&(i as u16)) {
            extack.msg = Some("Unsupported attribute in peer netns getid request".into());
            return Err(Errno::EINVAL);
        }
    }
    Ok(tb)
}

/// `rtnl_net_getid`: the id the namespace (or NETNSA_TARGET_NSID's) gives the peer the request
/// names (-1: none; nothing is allocated), with NETNSA_CURRENT_NSID, the requester's own id of
/// it, when a target was named.
fn rtnl_net_getid(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let tb = rtnl_net_valid_getid_req(k, skb, msg, extack)?;
    let peer = peer_of_request(k, skb, net, msg, &tb, true, extack)?;
    let id_of = |k: &Kernel, n: NetId| peernet2id(k, n, peer).unwrap_or(NETNSA_NSID_NOT_ASSIGNED);
    let mut target = net;
    let mut ref_nsid = None;
    if let Some(b) = attr4(msg, &tb, NETNSA_TARGET_NSID) {
        let capable = |ns| netlink_ns_capable(k, skb, ns, CAP_NET_ADMIN);
        target =
            rtnl_get_net_ns_capable(k, net, i32::from_ne_bytes(b), capable).inspect_err(|_| {
                bad_attr(
                    extack,
                    &tb,
                    NETNSA_TARGET_NSID,
                    "Target netns reference is invalid",
                )
            })?;
        ref_nsid = Some(id_of(k, net));
    }
    let mut reply = SkBuff::alloc_skb(nlmsg_total_size(rtnl_net_get_size()));
    let mut args = NetFillArgs::new(skb.cb.portid, nlh.seq(), 0, RTM_NEWNSID, id_of(k, target));
    args.ref_nsid = ref_nsid;
    rtnl_net_fill(&mut reply, &args)?;
    let ksk = k.net(net).kernel_sock[NETLINK_ROUTE as usize].expect("rtnl socket");
    nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

/// `rtnl_net_dumpid` (with `rtnl_valid_dump_net_req` under strict checking: only
/// NETNSA_TARGET_NSID, "Invalid target network namespace id" for one the requester may not
/// use): every id the namespace (or the target) gave, in id order, resumed at `args[0]`, each
/// with NETNSA_CURRENT_NSID when a target was named; the chunk's length before
/// `RtnlNetDumpidRcu` (NLMSG_DONE alone), its error after.
fn rtnl_net_dumpid(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    let mut tgt_net = cb.net;
    let mut ref_net = None;
    if cb.strict_check {
        let msg = cb.nlh.clone();
        let tb = match nlmsg_parse(
            &msg,
            RTGENMSG_LEN,
            &rtnl_net_policy(),
            Validate::DeprecatedStrict,
            &mut cb.extack,
        ) {
            Ok(tb) => tb,
            Err(e) => return Ok(e.as_neg()),
        };
        for (i, a) in tb.iter().enumerate() {
            if a.is_none() {
                continue;
            }
            let ty = i as u16;
            if ty != NETNSA_TARGET_NSID {
                bad_attr(
                    &mut cb.extack,
                    &tb,
                    ty,
                    "Unsupported attribute in dump request",
                );
                return Ok(Errno::EINVAL.as_neg());
            }
            let id = i32::from_ne_bytes(attr4(&msg, &tb, ty).expect("4 bytes by the policy"));
            // sk_ns_capable: the socket's opener holds the capability.
            let opener = k.sk(cb.sk).file_cred.clone();
            let capable = |ns| {
                opener
                    .as_ref()
                    .is_some_and(|c| crate::cred::cap_capable(&k.user_nss, c, ns, CAP_NET_ADMIN))
            };
            match rtnl_get_net_ns_capable(k, cb.net, id, capable) {
                Ok(t) => {
                    ref_net = Some(cb.net);
                    tgt_net = t;
                }
                Err(e) => {
                    bad_attr(
                        &mut cb.extack,
                        &tb,
                        ty,
                        "Invalid target network namespace id",
                    );
                    return Ok(e.as_neg());
                }
            }
        }
    }
    let mut ids = k.net(tgt_net).netns_ids.clone();
    ids.sort_by_key(|&(id, _)| id);
    let s_idx = cb.args[0] as usize;
    let seq = cb.request().seq();
    let mut idx = s_idx;
    let mut err = 0;
    for &(id, peer) in ids.iter().skip(s_idx) {
        let mut args = NetFillArgs::new(cb.portid, seq, NLM_F_MULTI, RTM_NEWNSID, id);
        args.ref_nsid = ref_net.map(|r| peernet2id(k, r, peer).unwrap_or(NETNSA_NSID_NOT_ASSIGNED));
        if let Err(e) = rtnl_net_fill(skb, &args) {
            err = e.as_neg();
            break;
        }
        idx += 1;
    }
    cb.args[0] = idx as i64;
    if !k.has(Feature::RtnlNetDumpidRcu) {
        return Ok(if err < 0 { err } else { skb.len() as i32 });
    }
    Ok(err)
}

/// `rtnl_net_notifyid`: announce an id of `net`'s to its RTNLGRP_NSID listeners (with the
/// requester's port and sequence number when a request gave it).
fn rtnl_net_notifyid(
    k: &mut Kernel,
    net: NetId,
    cmd: u16,
    id: i32,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let mut skb = SkBuff::alloc_skb(nlmsg_total_size(rtnl_net_get_size()));
    let (portid, seq) = report.map_or((0, 0), |r| (r.portid, r.nlh.seq()));
    rtnl_net_fill(&mut skb, &NetFillArgs::new(portid, seq, 0, cmd, id))?;
    crate::rtnetlink::notify::rtnl_notify(k, net, skb, RTNLGRP_NSID, report)
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
        // Under `nltwin run` the table above is the process's whole one (its sockets too);
        // otherwise the task is a process with its standard input, output and error open, as
        // its sockets' descriptors from 3 say (`sys_socket`).
        None if !k.foreign_pids && (t.files.contains_key(&fd) || (0..3).contains(&fd)) => {
            Err(Errno::EINVAL)
        }
        None => Err(Errno::EBADF),
    }
}

/// `get_net_ns_by_pid`: the namespace of the process `pid`, one of the model's tasks; ESRCH
/// for a pid no process can have; any other pid may name one of the host's processes (pid 1,
/// kernel threads, under `nltwin run` the command's processes the model never served), whose
/// namespaces the model does not know (`unimplemented`).
pub fn get_net_ns_by_pid(k: &Kernel, pid: u32) -> SysResult<NetId> {
    if let Some(t) = k.tasks.iter().find(|t| t.tgid == pid) {
        return Ok(t.net);
    }
    // No process has pid 0 or one past PID_MAX_LIMIT; any other may be one of the host's
    // (init, kernel threads, under `nltwin run` the command's own), which the model does
    // not know.
    if pid == 0 || pid > PID_MAX_LIMIT {
        return Err(Errno::ESRCH.into());
    }
    Err(crate::errno::unimplemented(
        "a pid naming a process the model does not serve (the host's processes are not modeled)",
    ))
}

/// `PID_MAX_LIMIT` on 64-bit builds: no pid is larger.
const PID_MAX_LIMIT: u32 = 4 * 1024 * 1024;

/// A file a task holds open besides its netlink sockets, as far as the model needs to know
/// (`IFLA_NET_NS_FD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenFile {
    /// A network namespace's nsfs file.
    Net(NetId),
    /// Any other file.
    Other,
}
