//! Nexthop objects (`net/ipv4/nexthop.c`): each namespace's nexthops by id (single ones: a
//! blackhole, a device, a gateway through a device, an FDB gateway; groups of them with
//! weights, hash-threshold or resilient (`res.rs`: buckets and RTM_GETNEXTHOPBUCKET)),
//! RTM_NEWNEXTHOP (create, NLM_F_REPLACE), RTM_DELNEXTHOP, RTM_GETNEXTHOP (get and dump with
//! its filters), the RTNLGRP_NEXTHOP notifications, and what device events do to them
//! (`nexthop_flush_dev`: silent, as the kernel passes no `nl_info` there).
//!
//! Not modeled, answering `unimplemented`: encapsulation (NHA_ENCAP), IPv6 RTNH_F_ONLINK
//! nexthops, an IPv6 gateway through the loopback where that is a reject route, a resilient
//! group left unbalanced (buckets busy with traffic, which the model does not carry). Routes
//! using a nexthop (RTA_NH_ID) are the FIB's; no route refers to one in the model, so
//! removing a nexthop flushes nothing there. The groups' packet counters are always 0 (the
//! model forwards nothing) and no driver reports hardware statistics.

mod res;

use std::collections::BTreeMap;

use crate::af_netlink::dump::nl_dump_check_consistent;
use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::dev::{register_netdevice_notifier, NetdevEvent, NotifierBlock};
use crate::errno::{unimplemented, Errno, SysError, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nlmsg_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::profile::Feature;
use crate::rtnetlink::notify::{rtnl_notify, Report};
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::netlink::{
    nla_align, nlmsg_align, NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_MULTI, NLM_F_REPLACE,
};
use crate::uapi::rtnetlink::{
    RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_GETNEXTHOPBUCKET, RTM_NEWNEXTHOP, RTNLGRP_NEXTHOP,
};
use nltwin_wire::nhmsg;
use nltwin_wire::uapi::nexthop::*;
use nltwin_wire::uapi::route::{RTNH_F_LINKDOWN, RTNH_F_ONLINK, RT_SCOPE_LINK};

const AF_UNSPEC: u8 = 0;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
/// `net->loopback_dev->ifindex`.
const LOOPBACK_IFINDEX: u32 = 1;
/// `NEXTHOP_VALID_USER_FLAGS`.
const NEXTHOP_VALID_USER_FLAGS: u32 = RTNH_F_ONLINK;
/// `RTN_UNICAST`, `RTN_LOCAL`.
const RTN_UNICAST: u8 = 1;
const RTN_LOCAL: u8 = 2;

/// A single nexthop's information (`struct nh_info`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NhInfo {
    /// `family`.
    pub family: u8,
    /// `reject_nh`: a blackhole.
    pub reject: bool,
    /// `fdb_nh`.
    pub fdb: bool,
    /// `fib_nhc.nhc_dev`'s index (none for an FDB nexthop).
    pub dev: Option<u32>,
    /// `fib_nhc.nhc_scope`.
    pub scope: u8,
    /// The gateway (4 or 16 bytes), if any.
    pub gw: Option<Vec<u8>>,
    /// `dst_port` (network order as given), 0 for none.
    pub dst_port: u16,
    /// When the information joined its device's hash chain (`nexthop_devhash_add` puts it at
    /// the head): the chain is walked newest first.
    pub(crate) devhash_gen: u64,
}

/// A hash-threshold group (`struct nh_group`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NhGroup {
    /// `nh_entries`: member ids and their weights (1..=65535: `nexthop_grp_weight` refuses
    /// the entry that stands for 65536).
    pub entries: Vec<(u32, u32)>,
    /// `fdb_nh`.
    pub fdb: bool,
    /// `hw_stats`.
    pub hw_stats: bool,
    /// `res_table` of a resilient group (`resilient`); none for a hash-threshold one.
    pub res: Option<res::NhResTable>,
}

/// What a nexthop is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NhKind {
    /// `nh_info`.
    Single(NhInfo),
    /// `nh_grp`.
    Group(NhGroup),
}

/// One nexthop (`struct nexthop`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nexthop {
    /// `id`.
    pub id: u32,
    /// `protocol`.
    pub protocol: u8,
    /// `nh_flags`.
    pub nh_flags: u32,
    /// `grp_list`: the groups this nexthop is a member of, the head of the list first.
    pub grp_list: Vec<u32>,
    /// Single or group.
    pub kind: NhKind,
}

impl Nexthop {
    fn info(&self) -> Option<&NhInfo> {
        match &self.kind {
            NhKind::Single(i) => Some(i),
            NhKind::Group(_) => None,
        }
    }

    fn group(&self) -> Option<&NhGroup> {
        match &self.kind {
            NhKind::Group(g) => Some(g),
            NhKind::Single(_) => None,
        }
    }
}

/// A namespace's nexthops (`struct netns_nexthop`).
#[derive(Clone, Debug, Default)]
pub struct NetNexthop {
    /// `rb_root`: by id.
    pub(crate) nexthops: BTreeMap<u32, Nexthop>,
    /// `last_id_allocated`.
    pub(crate) last_id_allocated: u32,
    /// `seq`: the generation dumps check.
    pub(crate) seq: u32,
    /// The last [`NhInfo::devhash_gen`] given.
    pub(crate) devhash_gen: u64,
}

fn nhs(k: &Kernel, net: NetId) -> &NetNexthop {
    &k.net(net).nexthop
}

fn nhs_mut(k: &mut Kernel, net: NetId) -> &mut NetNexthop {
    &mut k.net_mut(net).nexthop
}

/// `nexthop_find_by_id`: the namespace's nexthop `id`, for the route code (RTA_NH_ID).
pub fn nexthop_find_by_id(k: &Kernel, net: NetId, id: u32) -> Option<&Nexthop> {
    nhs(k, net).nexthops.get(&id)
}

/// `nh_base_seq_inc`: a new generation, never 0.
fn nh_base_seq_inc(k: &mut Kernel, net: NetId) {
    let n = nhs_mut(k, net);
    n.seq = n.seq.wrapping_add(1);
    if n.seq == 0 {
        n.seq = 1;
    }
}

/// `nh_find_unused_id`: the next id after the last one allocated that is free, wrapping; 0
/// when none is.
fn nh_find_unused_id(k: &mut Kernel, net: NetId) -> u32 {
    let n = nhs_mut(k, net);
    let start = n.last_id_allocated;
    loop {
        n.last_id_allocated = n.last_id_allocated.wrapping_add(1);
        if n.last_id_allocated == start {
            return 0;
        }
        if !n.nexthops.contains_key(&n.last_id_allocated) {
            return n.last_id_allocated;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

/// `NHA_OP_FLAGS_DUMP_ALL`.
const NHA_OP_FLAGS_DUMP_ALL: u64 = (NHA_OP_FLAG_DUMP_STATS | NHA_OP_FLAG_DUMP_HW_STATS) as u64;

/// `rtm_nh_policy_new`, as long as the release's.
fn rtm_nh_policy_new(k: &Kernel) -> Vec<NlaPolicy> {
    let stats = k.has(Feature::NexthopGroupStats);
    let max = if k.has(Feature::NexthopDstPort) {
        NHA_DST_PORT
    } else if stats {
        NHA_HW_STATS_ENABLE
    } else {
        NHA_RES_GROUP
    };
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(max) + 1];
    p[usize::from(NHA_ID)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_GROUP)] = NlaPolicy::of(NlaType::Binary);
    p[usize::from(NHA_GROUP_TYPE)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(NHA_BLACKHOLE)] = NlaPolicy::of(NlaType::Flag);
    p[usize::from(NHA_OIF)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_GATEWAY)] = NlaPolicy::of(NlaType::Binary);
    p[usize::from(NHA_ENCAP_TYPE)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(NHA_ENCAP)] = NlaPolicy::of(NlaType::Nested);
    p[usize::from(NHA_FDB)] = NlaPolicy::of(NlaType::Flag);
    p[usize::from(NHA_RES_GROUP)] = NlaPolicy::of(NlaType::Nested);
    if stats {
        p[usize::from(NHA_HW_STATS_ENABLE)] = NlaPolicy::max(NlaType::U32, 1);
    }
    if k.has(Feature::NexthopDstPort) {
        // NLA_POLICY_MIN(NLA_BE16, 1): the model's parser checks the two bytes' length.
        p[usize::from(NHA_DST_PORT)] = NlaPolicy::min(NlaType::U16, 1);
    }
    p
}

/// `rtm_nh_policy_get`.
fn rtm_nh_policy_get(k: &Kernel) -> Vec<NlaPolicy> {
    if !k.has(Feature::NexthopGroupStats) {
        let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NHA_ID) + 1];
        p[usize::from(NHA_ID)] = NlaPolicy::of(NlaType::U32);
        return p;
    }
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NHA_OP_FLAGS) + 1];
    p[usize::from(NHA_ID)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_OP_FLAGS)] = NlaPolicy::mask(NlaType::U32, NHA_OP_FLAGS_DUMP_ALL);
    p
}

/// `rtm_nh_policy_del`.
fn rtm_nh_policy_del() -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NHA_ID) + 1];
    p[usize::from(NHA_ID)] = NlaPolicy::of(NlaType::U32);
    p
}

/// `rtm_nh_policy_dump`.
fn rtm_nh_policy_dump(k: &Kernel) -> Vec<NlaPolicy> {
    let stats = k.has(Feature::NexthopGroupStats);
    let max = if stats { NHA_OP_FLAGS } else { NHA_FDB };
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(max) + 1];
    p[usize::from(NHA_OIF)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_GROUPS)] = NlaPolicy::of(NlaType::Flag);
    p[usize::from(NHA_MASTER)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_FDB)] = NlaPolicy::of(NlaType::Flag);
    if stats {
        p[usize::from(NHA_OP_FLAGS)] = NlaPolicy::mask(NlaType::U32, NHA_OP_FLAGS_DUMP_ALL);
    }
    p
}

fn attr<'a>(msg: &'a [u8], tb: &Tb, ty: u16) -> Option<&'a [u8]> {
    tb.get(usize::from(ty))?.as_ref().map(|r| &msg[r.clone()])
}

fn get_u32(b: &[u8]) -> u32 {
    nltwin_wire::scalar::get_u32(b).unwrap_or(0)
}

fn get_u16(b: &[u8]) -> u16 {
    b.get(..2).map_or(0, |b| u16::from_ne_bytes([b[0], b[1]]))
}

fn einval(extack: &mut NetlinkExtAck, msg: &str) -> SysError {
    extack.msg = Some(msg.into());
    Errno::EINVAL.into()
}

fn err_with(extack: &mut NetlinkExtAck, msg: &str, e: Errno) -> SysError {
    extack.msg = Some(msg.into());
    e.into()
}

// ---------------------------------------------------------------------------------------------
// Filling and notifying
// ---------------------------------------------------------------------------------------------

/// `nla_put_nh_group_stats`: NHA_HW_STATS_ENABLE, NHA_HW_STATS_USED when asked (no driver
/// reports: false), NHA_GROUP_STATS with each member's counters (nothing forwarded: 0).
fn nla_put_nh_group_stats(skb: &mut SkBuff, g: &NhGroup, op_flags: u32) -> Result<(), Errno> {
    skb.nla_put_u32(NHA_HW_STATS_ENABLE, u32::from(g.hw_stats))?;
    if op_flags & NHA_OP_FLAG_DUMP_HW_STATS != 0 && g.hw_stats {
        skb.nla_put_u32(NHA_HW_STATS_USED, 0)?;
    }
    let nest = skb.nla_nest_start(NHA_GROUP_STATS)?;
    for &(id, _) in &g.entries {
        let e = skb.nla_nest_start(NHA_GROUP_STATS_ENTRY)?;
        skb.nla_put_u32(NHA_GROUP_STATS_ENTRY_ID, id)?;
        // nla_put_uint: a value that fits in 32 bits takes 4 bytes.
        skb.nla_put_u32(NHA_GROUP_STATS_ENTRY_PACKETS, 0)?;
        if op_flags & NHA_OP_FLAG_DUMP_HW_STATS != 0 {
            skb.nla_put_u32(NHA_GROUP_STATS_ENTRY_PACKETS_HW, 0)?;
        }
        skb.nla_nest_end(e);
    }
    skb.nla_nest_end(nest);
    Ok(())
}

/// `nla_put_nh_group`: NHA_GROUP_TYPE, the entries (weight - 1 split in two bytes, reserved
/// bytes 0), the statistics when asked.
fn nla_put_nh_group(k: &Kernel, skb: &mut SkBuff, g: &NhGroup, op_flags: u32) -> Result<(), Errno> {
    let ty = if g.res.is_some() {
        NEXTHOP_GRP_TYPE_RES
    } else {
        NEXTHOP_GRP_TYPE_MPATH
    };
    skb.nla_put_u16(NHA_GROUP_TYPE, ty)?;
    let mut bytes = Vec::with_capacity(g.entries.len() * NEXTHOP_GRP_LEN);
    for &(id, weight) in &g.entries {
        let w = (weight - 1) as u16;
        let e = NexthopGrp {
            id,
            weight: w as u8,
            weight_high: (w >> 8) as u8,
            resvd2: 0,
        };
        bytes.extend_from_slice(&e.to_bytes());
    }
    skb.nla_put(NHA_GROUP, &bytes)?;
    if let Some(t) = &g.res {
        res::nla_put_nh_group_res(skb, t, k.timers.hz(), k.jiffies())?;
    }
    if k.has(Feature::NexthopGroupStats) && op_flags & NHA_OP_FLAG_DUMP_STATS != 0 {
        // Before the fix, the group's own fill wrote NHA_HW_STATS_ENABLE ahead of the
        // statistics, which write it again.
        if !k.has(Feature::NexthopHwStatsEnableOnce) {
            skb.nla_put_u32(NHA_HW_STATS_ENABLE, u32::from(g.hw_stats))?;
        }
        nla_put_nh_group_stats(skb, g, op_flags)?;
    }
    Ok(())
}

/// `nh_fill_node`: the nexthop's message: NHA_ID, then for a group NHA_FDB, the group and
/// (where the release has it) NHA_OP_FLAGS; for a blackhole NHA_BLACKHOLE alone; otherwise
/// NHA_FDB or NHA_OIF, the scope in the header, NHA_GATEWAY.
#[allow(clippy::too_many_arguments)]
fn nh_fill_node(
    k: &Kernel,
    skb: &mut SkBuff,
    nh: &Nexthop,
    event: u16,
    portid: u32,
    seq: u32,
    nlflags: u16,
    op_flags: u32,
) -> Result<usize, Errno> {
    let mark = skb.len();
    let at = skb.nlmsg_put(portid, seq, event, nhmsg::LEN, nlflags)?;
    let mut hdr = nhmsg::Repr {
        family: AF_UNSPEC,
        scope: 0,
        protocol: nh.protocol,
        resvd: 0,
        flags: nh.nh_flags,
    };
    let r = (|| -> Result<(), Errno> {
        skb.nla_put_u32(NHA_ID, nh.id)?;
        match &nh.kind {
            NhKind::Group(g) => {
                if g.fdb {
                    skb.nla_put_flag(NHA_FDB)?;
                }
                nla_put_nh_group(k, skb, g, op_flags)?;
                if k.has(Feature::NexthopDumpClearsResvd) {
                    skb.nla_put_u32(NHA_OP_FLAGS, NHA_OP_FLAG_RESP_GRP_RESVD_0)?;
                }
            }
            NhKind::Single(i) => {
                hdr.family = i.family;
                if i.reject {
                    skb.nla_put_flag(NHA_BLACKHOLE)?;
                    return Ok(());
                }
                if i.fdb {
                    skb.nla_put_flag(NHA_FDB)?;
                    if i.dst_port != 0 {
                        skb.nla_put(NHA_DST_PORT, &i.dst_port.to_ne_bytes())?;
                    }
                } else if let Some(d) = i.dev {
                    skb.nla_put_u32(NHA_OIF, d)?;
                }
                hdr.scope = i.scope;
                if let Some(gw) = &i.gw {
                    skb.nla_put(NHA_GATEWAY, gw)?;
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = r {
        skb.trim(mark);
        return Err(e);
    }
    skb.nlmsg_data_mut(at)[..nhmsg::LEN].copy_from_slice(&hdr.to_bytes());
    skb.nlmsg_end(at);
    Ok(at)
}

fn nla_total_size(len: usize) -> usize {
    nla_align(4 + len)
}

/// `nh_nlmsg_size`: the room a nexthop's message is allocated with.
fn nh_nlmsg_size(k: &Kernel, nh: &Nexthop, op_flags: u32) -> usize {
    let mut sz = nlmsg_align(nhmsg::LEN) + nla_total_size(4);
    match &nh.kind {
        NhKind::Group(g) => {
            let n = g.entries.len();
            sz += nla_total_size(NEXTHOP_GRP_LEN * n) + nla_total_size(2) + nla_total_size(0);
            if g.res.is_some() {
                sz += res::nh_nlmsg_size_grp_res();
            }
            if op_flags & NHA_OP_FLAG_DUMP_STATS != 0 {
                sz += nla_total_size(0) + nla_total_size(4);
                sz += n * (nla_total_size(0) + nla_total_size(4) + nla_total_size(8));
                if op_flags & NHA_OP_FLAG_DUMP_HW_STATS != 0 {
                    sz += n * nla_total_size(8) + nla_total_size(4);
                }
            }
            if k.has(Feature::NexthopDumpClearsResvd) {
                sz += nla_total_size(4);
            }
        }
        NhKind::Single(i) => {
            sz += nla_total_size(4);
            if let Some(gw) = &i.gw {
                sz += nla_total_size(gw.len());
            }
            if i.dst_port != 0 {
                sz += nla_total_size(2);
            }
        }
    }
    sz
}

/// `nexthop_notify`: the nexthop's message of `event` to RTNLGRP_NEXTHOP, with the request's
/// portid, sequence number and flags.
fn nexthop_notify(
    k: &mut Kernel,
    net: NetId,
    event: u16,
    nh: &Nexthop,
    info: &NlInfo<'_>,
) -> SysResult<()> {
    let (nlflags, seq) = info.nlh.map_or((0, 0), |h| (h.flags(), h.seq()));
    let mut skb = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + nh_nlmsg_size(k, nh, 0)));
    nh_fill_node(k, &mut skb, nh, event, info.portid, seq, nlflags, 0)?;
    let report = info.nlh.map(|nlh| Report {
        portid: info.portid,
        nlh,
    });
    rtnl_notify(k, net, skb, RTNLGRP_NEXTHOP, report)
}

/// `struct nl_info`: who asked (None: a device event, which notifies nobody).
#[derive(Clone, Copy)]
struct NlInfo<'a> {
    nlh: Option<Nlmsghdr<'a>>,
    portid: u32,
}

// ---------------------------------------------------------------------------------------------
// Removal
// ---------------------------------------------------------------------------------------------

/// `remove_nh_grp_entry`: the member `nh_id` leaves the group `parent`; a group left empty
/// goes itself (`remove_nexthop`), another is announced with its remaining members (and the
/// remaining members' entries move to the head of their lists, as the kernel re-adds them).
fn remove_nh_grp_entry(
    k: &mut Kernel,
    net: NetId,
    parent: u32,
    nh_id: u32,
    info: Option<NlInfo<'_>>,
) -> SysResult<()> {
    let Some(g) = nhs(k, net).nexthops.get(&parent).and_then(|p| p.group()) else {
        return Ok(());
    };
    if g.entries.len() == 1 {
        return remove_nexthop(k, net, parent, info);
    }
    let remaining: Vec<(u32, u32)> = g
        .entries
        .iter()
        .copied()
        .filter(|&(id, _)| id != nh_id)
        .collect();
    let n = nhs_mut(k, net);
    for &(id, _) in &remaining {
        if let Some(m) = n.nexthops.get_mut(&id) {
            m.grp_list.retain(|&p| p != parent);
            m.grp_list.insert(0, parent);
        }
    }
    let now = k.jiffies();
    let n = nhs_mut(k, net);
    if let Some(NhKind::Group(g)) = n.nexthops.get_mut(&parent).map(|p| &mut p.kind) {
        // A resilient group's remaining members take over the leaving one's buckets
        // (`replace_nexthop_grp_res` on its own table).
        if let Some(t) = &mut g.res {
            res::replace_nexthop_grp_res(t, &remaining, now)?;
        }
        g.entries = remaining;
    }
    if let Some(info) = info {
        let p = nhs(k, net).nexthops[&parent].clone();
        nexthop_notify(k, net, RTM_NEWNEXTHOP, &p, &info)?;
    }
    Ok(())
}

/// `remove_nexthop_from_groups`: the nexthop leaves every group it is in, in its list's order.
fn remove_nexthop_from_groups(
    k: &mut Kernel,
    net: NetId,
    nh: &Nexthop,
    info: Option<NlInfo<'_>>,
) -> SysResult<()> {
    for &parent in &nh.grp_list {
        remove_nh_grp_entry(k, net, parent, nh.id, info)?;
    }
    Ok(())
}

/// `__remove_nexthop`: a group lets go of its members; a single nexthop leaves its groups.
fn __remove_nexthop(
    k: &mut Kernel,
    net: NetId,
    nh: &Nexthop,
    info: Option<NlInfo<'_>>,
) -> SysResult<()> {
    match &nh.kind {
        NhKind::Group(g) => {
            let n = nhs_mut(k, net);
            for &(id, _) in &g.entries {
                if let Some(m) = n.nexthops.get_mut(&id) {
                    m.grp_list.retain(|&p| p != nh.id);
                }
            }
            Ok(())
        }
        NhKind::Single(_) => remove_nexthop_from_groups(k, net, nh, info),
    }
}

/// `remove_nexthop`: out of the tree, announced RTM_DELNEXTHOP (when a request asked), then
/// out of its groups; a new generation for dumps.
fn remove_nexthop(k: &mut Kernel, net: NetId, id: u32, info: Option<NlInfo<'_>>) -> SysResult<()> {
    let Some(nh) = nhs_mut(k, net).nexthops.remove(&id) else {
        return Ok(());
    };
    if let Some(info) = &info {
        nexthop_notify(k, net, RTM_DELNEXTHOP, &nh, info)?;
    }
    __remove_nexthop(k, net, &nh, info)?;
    nh_base_seq_inc(k, net);
    Ok(())
}

/// `nexthop_flush_dev`: the device's nexthops go, silently, in the order of its hash chain
/// (the latest created or replaced first, which decides where their groups' other members
/// find those groups in their lists); blackholes stay on NETDEV_DOWN and NETDEV_CHANGE (only
/// the loopback's unregistering takes them).
fn nexthop_flush_dev(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    down_or_change: bool,
) -> SysResult<()> {
    let mut chain: Vec<(u64, u32)> = nhs(k, net)
        .nexthops
        .values()
        .filter_map(|nh| {
            let i = nh.info()?;
            (i.dev == Some(ifindex) && !(i.reject && down_or_change))
                .then_some((i.devhash_gen, nh.id))
        })
        .collect();
    chain.sort_unstable_by(|a, b| b.cmp(a));
    for (_, id) in chain {
        remove_nexthop(k, net, id, None)?;
    }
    Ok(())
}

/// `nh_netdev_event`: NETDEV_DOWN flushes the device's nexthops, as does NETDEV_CHANGE when it
/// is neither running nor lower-up. NETDEV_UNREGISTER would flush the rest, which are only
/// blackholes on the loopback (every other nexthop's device is up: a nexthop needs it up and
/// its going down flushed them), so nothing the model unregisters holds one. NETDEV_CHANGEMTU
/// touches the routes' cached MTUs only.
fn nh_netdev_event(k: &mut Kernel, net: NetId, ifindex: u32, event: NetdevEvent) -> SysResult<()> {
    use crate::uapi::if_::{IFF_LOWER_UP, IFF_RUNNING};
    match event {
        NetdevEvent::Down => nexthop_flush_dev(k, net, ifindex, true),
        NetdevEvent::Change { .. } => {
            let flags = k.dev(net, ifindex).map_or(0, |d| d.dev_get_flags());
            if flags & (IFF_RUNNING | IFF_LOWER_UP) == 0 {
                nexthop_flush_dev(k, net, ifindex, true)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// RTM_NEWNEXTHOP
// ---------------------------------------------------------------------------------------------

/// `struct nh_config`.
#[derive(Clone, Debug, Default)]
struct NhConfig {
    id: u32,
    family: u8,
    protocol: u8,
    flags: u32,
    blackhole: bool,
    fdb: bool,
    ifindex: u32,
    dev: Option<u32>,
    gw: Option<Vec<u8>>,
    grp: Option<Vec<NexthopGrp>>,
    hw_stats: bool,
    dst_port: u16,
    nlflags: u16,
    grp_type: u16,
    res: res::ResConfig,
}

/// `valid_group_nh`: a member must not be a group, nor a blackhole in a group of several.
fn valid_group_nh(nh: &Nexthop, npaths: usize, extack: &mut NetlinkExtAck) -> Option<bool> {
    match &nh.kind {
        NhKind::Group(g) => {
            extack.msg = Some(if g.res.is_some() {
                "Resilient group can not be a nexthop within a group".into()
            } else {
                "Hash-threshold group can not be a nexthop within a group".into()
            });
            None
        }
        NhKind::Single(i) => {
            if i.reject && npaths > 1 {
                extack.msg = Some(
                    "Blackhole nexthop can not be used in a group with more than 1 path".into(),
                );
                return None;
            }
            Some(i.fdb)
        }
    }
}

/// `nh_check_attr_group`'s checks of the entries themselves: a whole number of entries,
/// reserved bytes 0, weights up to 65536, no id twice.
fn nh_check_attr_group_entries(
    grp: &[u8],
    extack: &mut NetlinkExtAck,
) -> SysResult<Vec<NexthopGrp>> {
    if grp.is_empty() || grp.len() % NEXTHOP_GRP_LEN != 0 {
        return Err(einval(extack, "Invalid length for nexthop group attribute"));
    }
    let entries: Vec<NexthopGrp> = grp
        .chunks(NEXTHOP_GRP_LEN)
        .filter_map(NexthopGrp::parse)
        .collect();
    for (i, e) in entries.iter().enumerate() {
        if e.resvd2 != 0 {
            return Err(einval(extack, "Reserved field in nexthop_grp must be 0"));
        }
        if e.weight() == 0 {
            return Err(einval(extack, "Invalid value for weight"));
        }
        if entries[i + 1..].iter().any(|o| o.id == e.id) {
            return Err(einval(
                extack,
                "Nexthop id can not be used twice in a group",
            ));
        }
    }
    Ok(entries)
}

/// `nh_check_attr_group`'s (from [`Feature::NexthopConfigRtnl`] `nh_check_attr_group_rtnl`'s)
/// checks of the members: each must exist and fit (`valid_group_nh`), an FDB group holds FDB
/// nexthops of one family, another none.
fn nh_check_attr_group_members(
    k: &Kernel,
    net: NetId,
    entries: &[NexthopGrp],
    fdb: bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let mut family = AF_UNSPEC;
    for e in entries {
        let Some(nh) = nexthop_find_by_id(k, net, e.id) else {
            return Err(einval(extack, "Invalid nexthop id"));
        };
        let Some(is_fdb) = valid_group_nh(nh, entries.len(), extack) else {
            return Err(Errno::EINVAL.into());
        };
        if fdb {
            let i = nh.info().expect("a member is single");
            if !i.fdb {
                return Err(einval(
                    extack,
                    "FDB nexthop group can only have fdb nexthops",
                ));
            }
            if family == AF_UNSPEC {
                family = i.family;
            } else if family != i.family {
                return Err(einval(
                    extack,
                    "FDB nexthop group cannot have mixed family nexthops",
                ));
            }
        }
        if !fdb && is_fdb {
            return Err(einval(
                extack,
                "Non FDB nexthop group cannot have fdb nexthops",
            ));
        }
    }
    Ok(())
}

/// `nh_check_attr_group`'s last check: a group takes no attribute past NHA_GROUP_TYPE but
/// NHA_FDB and NHA_HW_STATS_ENABLE (and NHA_RES_GROUP for a resilient one).
fn nh_check_attr_group_others(tb: &Tb, grp_type: u16, extack: &mut NetlinkExtAck) -> SysResult<()> {
    for (i, a) in tb.iter().enumerate().skip(usize::from(NHA_GROUP_TYPE) + 1) {
        if a.is_none() {
            continue;
        }
        let ok = match i as u16 {
            NHA_HW_STATS_ENABLE | NHA_FDB => true,
            NHA_RES_GROUP => grp_type == NEXTHOP_GRP_TYPE_RES,
            _ => false,
        };
        if !ok {
            return Err(einval(
                extack,
                "No other attributes can be set in nexthop groups",
            ));
        }
    }
    Ok(())
}

/// The device checks of NHA_OIF: it must exist, be up and have its carrier.
fn nh_config_dev(
    k: &Kernel,
    net: NetId,
    cfg: &mut NhConfig,
    oif: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    cfg.ifindex = oif;
    cfg.dev = if oif != 0 {
        k.dev(net, oif).map(|d| d.ifindex)
    } else {
        None
    };
    let Some(dev) = cfg.dev.and_then(|i| k.dev(net, i)) else {
        return Err(einval(extack, "Invalid device index"));
    };
    if !dev.is_up() {
        return Err(err_with(
            extack,
            "Nexthop device is not up",
            Errno::ENETDOWN,
        ));
    }
    if !dev.carrier {
        return Err(err_with(
            extack,
            "Carrier for nexthop device is down",
            Errno::ENETDOWN,
        ));
    }
    Ok(())
}

/// `rtm_to_nh_config`: the request's header and attributes checked into a configuration; the
/// checks that need the namespace's state (the group's members, the device) are here before
/// [`Feature::NexthopConfigRtnl`], in `rtm_to_nh_config_rtnl` after.
fn rtm_to_nh_config(
    k: &Kernel,
    net: NetId,
    msg: &[u8],
    tb: &Tb,
    nlflags: u16,
    extack: &mut NetlinkExtAck,
) -> SysResult<NhConfig> {
    let late = k.has(Feature::NexthopConfigRtnl);
    let nhm = nhmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    if nhm.resvd != 0 || nhm.scope != 0 {
        return Err(einval(extack, "Invalid values in ancillary header"));
    }
    if nhm.flags & !NEXTHOP_VALID_USER_FLAGS != 0 {
        return Err(einval(extack, "Invalid nexthop flags in ancillary header"));
    }
    let has = |t: u16| attr(msg, tb, t).is_some();
    match nhm.family {
        AF_INET | AF_INET6 => {}
        AF_UNSPEC if has(NHA_GROUP) => {}
        _ => return Err(einval(extack, "Invalid address family")),
    }
    let mut cfg = NhConfig {
        family: nhm.family,
        protocol: nhm.protocol,
        flags: nhm.flags,
        nlflags,
        ..Default::default()
    };
    if let Some(id) = attr(msg, tb, NHA_ID) {
        cfg.id = get_u32(id);
    }
    if has(NHA_FDB) {
        if has(NHA_OIF) || has(NHA_BLACKHOLE) || has(NHA_ENCAP) || has(NHA_ENCAP_TYPE) {
            return Err(einval(
                extack,
                "Fdb attribute can not be used with encap, oif or blackhole",
            ));
        }
        if nhm.flags != 0 {
            return Err(einval(
                extack,
                "Unsupported nexthop flags in ancillary header",
            ));
        }
        cfg.fdb = true;
    }
    if k.has(Feature::NexthopDstPort) {
        if let Some(p) = attr(msg, tb, NHA_DST_PORT) {
            if !has(NHA_FDB) || !has(NHA_GATEWAY) {
                return Err(einval(
                    extack,
                    "Destination port can only be set on fdb nexthops that have a gateway",
                ));
            }
            cfg.dst_port = get_u16(p);
        }
    }
    if let Some(grp) = attr(msg, tb, NHA_GROUP) {
        if nhm.family != AF_UNSPEC {
            return Err(einval(extack, "Invalid family for group"));
        }
        let grp_type = attr(msg, tb, NHA_GROUP_TYPE).map_or(NEXTHOP_GRP_TYPE_MPATH, get_u16);
        if grp_type > NEXTHOP_GRP_TYPE_MAX {
            return Err(einval(extack, "Invalid group type"));
        }
        let entries = nh_check_attr_group_entries(grp, extack)?;
        if !late {
            nh_check_attr_group_members(k, net, &entries, cfg.fdb, extack)?;
        }
        nh_check_attr_group_others(tb, grp_type, extack)?;
        cfg.grp_type = grp_type;
        if grp_type == NEXTHOP_GRP_TYPE_RES {
            cfg.res = res::rtm_to_nh_config_grp_res(k, msg, tb, extack)?;
        }
        if let Some(h) = attr(msg, tb, NHA_HW_STATS_ENABLE) {
            cfg.hw_stats = get_u32(h) != 0;
        }
        cfg.grp = Some(entries);
        return Ok(cfg);
    }
    if has(NHA_BLACKHOLE) {
        if has(NHA_GATEWAY) || has(NHA_OIF) || has(NHA_ENCAP) || has(NHA_ENCAP_TYPE) || has(NHA_FDB)
        {
            return Err(einval(
                extack,
                "Blackhole attribute can not be used with gateway, oif, encap or fdb",
            ));
        }
        cfg.blackhole = true;
        return Ok(cfg);
    }
    if !cfg.fdb && !has(NHA_OIF) {
        return Err(einval(
            extack,
            "Device attribute required for non-blackhole and non-fdb nexthops",
        ));
    }
    if !late && !cfg.fdb {
        if let Some(oif) = attr(msg, tb, NHA_OIF) {
            nh_config_dev(k, net, &mut cfg, get_u32(oif), extack)?;
        }
    }
    if let Some(gw) = attr(msg, tb, NHA_GATEWAY) {
        let want = match cfg.family {
            AF_INET => 4,
            AF_INET6 => 16,
            _ => return Err(einval(extack, "Unknown address family for gateway")),
        };
        if gw.len() != want {
            return Err(einval(extack, "Invalid gateway"));
        }
        cfg.gw = Some(gw.to_vec());
    } else if cfg.flags & RTNH_F_ONLINK != 0 {
        return Err(einval(
            extack,
            "ONLINK flag can not be set for nexthop without a gateway",
        ));
    }
    if has(NHA_ENCAP) {
        if !has(NHA_ENCAP_TYPE) {
            return Err(einval(extack, "LWT encapsulation type is missing"));
        }
        return Err(unimplemented("nexthop encapsulation (NHA_ENCAP: lwtunnel)"));
    } else if has(NHA_ENCAP_TYPE) {
        return Err(einval(extack, "LWT encapsulation attribute is missing"));
    }
    if has(NHA_HW_STATS_ENABLE) {
        return Err(einval(
            extack,
            "Cannot enable nexthop hardware statistics for non-group nexthops",
        ));
    }
    Ok(cfg)
}

/// `rtm_to_nh_config_rtnl` (from [`Feature::NexthopConfigRtnl`]): the group's members or the
/// device, checked once the request itself passed.
fn rtm_to_nh_config_rtnl(
    k: &Kernel,
    net: NetId,
    msg: &[u8],
    tb: &Tb,
    cfg: &mut NhConfig,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if let Some(entries) = &cfg.grp {
        return nh_check_attr_group_members(k, net, entries, cfg.fdb, extack);
    }
    if let Some(oif) = attr(msg, tb, NHA_OIF) {
        nh_config_dev(k, net, cfg, get_u32(oif), extack)?;
    }
    Ok(())
}

/// `fib_check_nh` for a nexthop (table main, scope 0; the FIB's own is private to
/// `crate::fib`): with RTNH_F_ONLINK the gateway must be a unicast address on the device;
/// otherwise a route must reach it (`fib_lookup`, link state ignored) as a unicast or local
/// route, whose scope the nexthop takes; without a gateway the device needs IPv4 and to be up.
fn nh_fib_check_nh(
    k: &Kernel,
    net: NetId,
    info: &mut NhInfo,
    flags: &mut u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let oif = info.dev.unwrap_or(0);
    if let Some(gw) = &info.gw {
        let gw4 = u32::from_be_bytes([gw[0], gw[1], gw[2], gw[3]]);
        if *flags & RTNH_F_ONLINK != 0 {
            let Some(dev) = k.dev(net, oif) else {
                return Err(err_with(
                    extack,
                    "Nexthop device required for onlink",
                    Errno::ENODEV,
                ));
            };
            if !dev.is_up() {
                return Err(err_with(
                    extack,
                    "Nexthop device is not up",
                    Errno::ENETDOWN,
                ));
            }
            if crate::fib::inet_addr_type_dev_table(k, net, oif, gw4) != RTN_UNICAST {
                return Err(einval(extack, "Nexthop has invalid gateway"));
            }
            if !dev.carrier {
                *flags |= RTNH_F_LINKDOWN;
            }
            info.scope = RT_SCOPE_LINK;
            return Ok(());
        }
        let fl = crate::fib::trie::Flow {
            daddr: gw4,
            scope: RT_SCOPE_LINK,
            oif,
        };
        let res = match crate::fib::fib_lookup(k, net, &fl) {
            Ok(r) => r,
            Err(SysError::Errno(e)) => {
                return Err(err_with(extack, "Nexthop has invalid gateway", e));
            }
            Err(e) => return Err(e),
        };
        if res.ty != RTN_UNICAST && res.ty != RTN_LOCAL {
            return Err(einval(extack, "Nexthop has invalid gateway"));
        }
        info.scope = res.scope;
        info.dev = Some(res.oif);
        let Some(dev) = k.dev(net, res.oif) else {
            return Err(einval(extack, "No egress device for nexthop gateway"));
        };
        if !dev.carrier {
            *flags |= RTNH_F_LINKDOWN;
        }
        if !dev.is_up() {
            return Err(Errno::ENETDOWN.into());
        }
        return Ok(());
    }
    // fib_check_nh_nongw, the FIB's own: the flags first, then the device.
    let mut nh = crate::fib::semantics::FibNh::new(oif, 0, *flags);
    crate::fib::fib_check_nh_nongw(k, net, &mut nh, extack)?;
    info.scope = nh.scope;
    *flags = nh.flags;
    Ok(())
}

/// `nh_create_ipv6` through `fib6_nh_init`: with a gateway, `crate::ip6_route`'s route
/// creation validates it (its checks are `fib6_nh_init`'s for a device that is not the
/// loopback); without one, the device needs IPv6 enabled and to be up.
fn nh_create_ipv6(
    k: &mut Kernel,
    net: NetId,
    info: &mut NhInfo,
    flags: &mut u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if info.fdb {
        return Ok(());
    }
    if *flags & RTNH_F_ONLINK != 0 {
        return Err(unimplemented(
            "IPv6 RTNH_F_ONLINK nexthops (fib6_nh_init's onlink path)",
        ));
    }
    let oif = info.dev.unwrap_or(0);
    if let Some(gw) = &info.gw {
        let lo = k
            .dev(net, oif)
            .is_some_and(|d| d.flags & crate::uapi::if_::IFF_LOOPBACK != 0);
        if lo && !k.has(Feature::Fib6LoopbackRouteNotReject) {
            return Err(unimplemented(
                "an IPv6 nexthop gateway through the loopback (fib6_nh_init without the \
                 route's reject check)",
            ));
        }
        let mut g = [0u8; 16];
        g.copy_from_slice(gw);
        let cfg = crate::ip6_fib::Fib6Config {
            table: 0,
            metric: 0,
            ifindex: oif,
            dst: [0; 16],
            dst_len: 0,
            flags: crate::ip6_fib::RTF_GATEWAY,
            protocol: 0,
            ty: 0,
            ignore_dev_down: false,
            gateway: Some(g),
            prefsrc: None,
            mx: None,
        };
        let rt = crate::ip6_route::ip6_route_info_create(k, net, &cfg, extack)?;
        *flags |= rt.nh.flags & RTNH_F_LINKDOWN;
        info.dev = Some(rt.nh.dev);
        return Ok(());
    }
    let Some(dev) = k.dev(net, oif) else {
        return Err(Errno::ENODEV.into());
    };
    // Before the release that checks a loopback next hop's device like any other,
    // fib6_nh_init took one (a blackhole's) for a reject route and skipped the checks.
    if dev.flags & crate::uapi::if_::IFF_LOOPBACK != 0
        && !k.has(Feature::Fib6LoopbackRouteNotReject)
    {
        return Ok(());
    }
    let Some(idev) = dev.ip6_ptr.as_ref() else {
        return Err(Errno::ENODEV.into());
    };
    if idev.devconf[crate::uapi::ipv6::DEVCONF_DISABLE_IPV6] != 0 {
        return Err(err_with(
            extack,
            "IPv6 is disabled on nexthop device",
            Errno::EACCES,
        ));
    }
    if !dev.is_up() {
        return Err(err_with(
            extack,
            "Nexthop device is not up",
            Errno::ENETDOWN,
        ));
    }
    if !dev.carrier {
        *flags |= RTNH_F_LINKDOWN;
    }
    Ok(())
}

/// `nexthop_create`: a single nexthop (a blackhole goes through the loopback), validated by
/// its family's next-hop code.
fn nexthop_create(
    k: &mut Kernel,
    net: NetId,
    cfg: &NhConfig,
    extack: &mut NetlinkExtAck,
) -> SysResult<Nexthop> {
    let mut info = NhInfo {
        family: cfg.family,
        reject: cfg.blackhole,
        fdb: cfg.fdb,
        dev: if cfg.blackhole {
            Some(LOOPBACK_IFINDEX)
        } else {
            cfg.dev
        },
        scope: RT_SCOPE_LINK,
        gw: cfg.gw.clone(),
        dst_port: cfg.dst_port,
        devhash_gen: 0,
    };
    let mut flags = cfg.flags;
    match cfg.family {
        AF_INET if !cfg.fdb => nh_fib_check_nh(k, net, &mut info, &mut flags, extack)?,
        AF_INET6 => nh_create_ipv6(k, net, &mut info, &mut flags, extack)?,
        _ => {}
    }
    // nexthop_devhash_add (an FDB nexthop has no device and stays out of the hash).
    if !info.fdb {
        let n = nhs_mut(k, net);
        n.devhash_gen += 1;
        info.devhash_gen = n.devhash_gen;
    }
    Ok(Nexthop {
        id: cfg.id,
        protocol: cfg.protocol,
        nh_flags: flags,
        grp_list: Vec::new(),
        kind: NhKind::Single(info),
    })
}

/// `nexthop_create_group`: a hash-threshold group of the configured members and weights.
fn nexthop_create_group(cfg: &NhConfig, entries: &[NexthopGrp]) -> Nexthop {
    Nexthop {
        id: cfg.id,
        protocol: cfg.protocol,
        nh_flags: 0,
        grp_list: Vec::new(),
        kind: NhKind::Group(NhGroup {
            entries: entries
                .iter()
                .map(|e| (e.id, u32::from(e.weight())))
                .collect(),
            fdb: cfg.fdb,
            hw_stats: cfg.hw_stats,
            res: (cfg.grp_type == NEXTHOP_GRP_TYPE_RES).then(|| {
                res::NhResTable::alloc(
                    cfg.res.num_buckets,
                    cfg.res.idle_timer,
                    cfg.res.unbalanced_timer,
                )
            }),
        }),
    }
}

/// `nexthop_num_path`.
fn nexthop_num_path(nh: &Nexthop) -> usize {
    nh.group().map_or(1, |g| g.entries.len())
}

/// `replace_nexthop`: the nexthop `old` takes `new`'s definition (a group a group's, a single
/// one a single one's), keeping its id and its groups.
fn replace_nexthop(
    k: &mut Kernel,
    net: NetId,
    old: &Nexthop,
    mut new: Nexthop,
    cfg: &NhConfig,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if let Some(i) = new.info() {
        if i.reject {
            for p in &old.grp_list {
                if nhs(k, net)
                    .nexthops
                    .get(p)
                    .is_some_and(|p| nexthop_num_path(p) > 1)
                {
                    return Err(einval(
                        extack,
                        "Blackhole nexthop can not be a member of a group with more than one path",
                    ));
                }
            }
        }
    }
    match (&old.kind, &new.kind) {
        (NhKind::Group(_), NhKind::Single(_)) => {
            return Err(einval(
                extack,
                "Can not replace a nexthop group with a nexthop.",
            ))
        }
        (NhKind::Single(_), NhKind::Group(_)) => {
            return Err(einval(
                extack,
                "Can not replace a nexthop with a nexthop group.",
            ))
        }
        (NhKind::Single(o), NhKind::Single(n)) => {
            if !old.grp_list.is_empty() && o.fdb != n.fdb {
                return Err(einval(
                    extack,
                    "Cannot change nexthop FDB status while in a group",
                ));
            }
        }
        (NhKind::Group(og), NhKind::Group(ng)) => {
            if og.res.is_some() != ng.res.is_some() {
                return Err(einval(
                    extack,
                    "Can not replace a nexthop group with one of a different type.",
                ));
            }
            if let Some(ot) = &og.res {
                // replace_nexthop_grp: the group keeps its own table, its timers changed where
                // the request gives them, its buckets following the new members.
                if cfg.res.has_num_buckets && cfg.res.num_buckets != ot.num_nh_buckets {
                    return Err(einval(
                        extack,
                        "Can not change number of buckets of a resilient nexthop group.",
                    ));
                }
                let mut t = ot.clone();
                if cfg.res.has_idle_timer {
                    t.idle_timer = cfg.res.idle_timer;
                }
                if cfg.res.has_unbalanced_timer {
                    t.unbalanced_timer = cfg.res.unbalanced_timer;
                }
                res::replace_nexthop_grp_res(&mut t, &ng.entries, k.jiffies())?;
                if let NhKind::Group(ng) = &mut new.kind {
                    ng.res = Some(t);
                }
            }
            let NhKind::Group(ng) = &new.kind else {
                unreachable!("matched as a group")
            };
            // The old group's members let go of it; the new one's take it at their heads.
            let ids: Vec<u32> = og.entries.iter().map(|e| e.0).collect();
            let new_ids: Vec<u32> = ng.entries.iter().map(|e| e.0).collect();
            let n = nhs_mut(k, net);
            for id in ids {
                if let Some(m) = n.nexthops.get_mut(&id) {
                    m.grp_list.retain(|&p| p != old.id);
                }
            }
            for id in new_ids {
                if let Some(m) = n.nexthops.get_mut(&id) {
                    m.grp_list.insert(0, old.id);
                }
            }
        }
    }
    // A replaced single nexthop takes the new protocol and flags with its information
    // (`replace_nexthop_single`); a replaced group only its members (`replace_nexthop_grp`).
    if old.group().is_some() {
        new.protocol = old.protocol;
        new.nh_flags = old.nh_flags;
    }
    new.id = old.id;
    new.grp_list = old.grp_list.clone();
    nhs_mut(k, net).nexthops.insert(old.id, new);
    Ok(())
}

/// `insert_nexthop`: a new id goes in; an existing one is replaced with NLM_F_REPLACE, else
/// EEXIST; REPLACE without CREATE needs the id to exist. Announced RTM_NEWNEXTHOP.
fn insert_nexthop(
    k: &mut Kernel,
    net: NetId,
    new: Nexthop,
    cfg: &NhConfig,
    info: &NlInfo<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let replace = cfg.nlflags & NLM_F_REPLACE != 0;
    let create = cfg.nlflags & NLM_F_CREATE != 0;
    let id = new.id;
    let mut new = new;
    if let Some(old) = nhs(k, net).nexthops.get(&id).cloned() {
        if !replace {
            return Err(Errno::EEXIST.into());
        }
        replace_nexthop(k, net, &old, new, cfg, extack)?;
    } else {
        if replace && !create {
            return Err(err_with(
                extack,
                "Replace specified without create and no entry exists",
                Errno::ENOENT,
            ));
        }
        let now = k.jiffies();
        if let NhKind::Group(g) = &mut new.kind {
            if let Some(t) = &mut g.res {
                // Not passing the number of buckets is fine for a replacement only.
                if !cfg.res.has_num_buckets {
                    return Err(einval(
                        extack,
                        "Number of buckets not specified for nexthop group insertion",
                    ));
                }
                res::nh_res_table_insert(t, &g.entries, now)?;
            }
        }
        if let Some(g) = new.group() {
            let n = nhs_mut(k, net);
            for &(m, _) in &g.entries {
                if let Some(m) = n.nexthops.get_mut(&m) {
                    m.grp_list.insert(0, id);
                }
            }
        }
        nhs_mut(k, net).nexthops.insert(id, new);
    }
    nh_base_seq_inc(k, net);
    let nh = nhs(k, net).nexthops[&id].clone();
    nexthop_notify(k, net, RTM_NEWNEXTHOP, &nh, info)
}

/// `nexthop_add`: an id allocated when none is given ("No unused id" when all are taken),
/// the nexthop made and inserted.
fn nexthop_add(
    k: &mut Kernel,
    net: NetId,
    cfg: &mut NhConfig,
    info: &NlInfo<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if !k.has(Feature::NexthopConfigRtnl) && cfg.nlflags & NLM_F_REPLACE != 0 && cfg.id == 0 {
        return Err(einval(extack, "Replace requires nexthop id"));
    }
    if cfg.id == 0 {
        cfg.id = nh_find_unused_id(k, net);
        if cfg.id == 0 {
            return Err(einval(extack, "No unused id"));
        }
    }
    let nh = match &cfg.grp {
        Some(entries) => nexthop_create_group(cfg, entries),
        None => nexthop_create(k, net, cfg, extack)?,
    };
    insert_nexthop(k, net, nh, cfg, info, extack)
}

/// `rtm_new_nexthop`: RTM_NEWNEXTHOP.
pub fn rtm_new_nexthop(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let tb = nlmsg_parse(
        msg,
        nhmsg::LEN,
        &rtm_nh_policy_new(k),
        Validate::Strict,
        extack,
    )?;
    let mut cfg = rtm_to_nh_config(k, net, msg, &tb, nlh.flags(), extack)?;
    if k.has(Feature::NexthopConfigRtnl) {
        if cfg.nlflags & NLM_F_REPLACE != 0 && cfg.id == 0 {
            return Err(einval(extack, "Replace requires nexthop id"));
        }
        rtm_to_nh_config_rtnl(k, net, msg, &tb, &mut cfg, extack)?;
    }
    let info = NlInfo {
        nlh: Some(nlh),
        portid: skb.cb.portid,
    };
    nexthop_add(k, net, &mut cfg, &info, extack)
}

// ---------------------------------------------------------------------------------------------
// RTM_DELNEXTHOP, RTM_GETNEXTHOP
// ---------------------------------------------------------------------------------------------

/// `nh_valid_get_del_req`: a clean header and a nonzero NHA_ID.
fn nh_valid_get_del_req(msg: &[u8], tb: &Tb, extack: &mut NetlinkExtAck) -> SysResult<(u32, u32)> {
    let nhm = nhmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    if nhm.protocol != 0 || nhm.resvd != 0 || nhm.scope != 0 || nhm.flags != 0 {
        return Err(einval(extack, "Invalid values in header"));
    }
    let Some(id) = attr(msg, tb, NHA_ID) else {
        return Err(einval(extack, "Nexthop id is missing"));
    };
    let id = get_u32(id);
    if id == 0 {
        return Err(einval(extack, "Invalid nexthop id"));
    }
    let op_flags = attr(msg, tb, NHA_OP_FLAGS).map_or(0, get_u32);
    Ok((id, op_flags))
}

/// `rtm_del_nexthop`: RTM_DELNEXTHOP.
pub fn rtm_del_nexthop(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let tb = nlmsg_parse(
        msg,
        nhmsg::LEN,
        &rtm_nh_policy_del(),
        Validate::Strict,
        extack,
    )?;
    let (id, _) = nh_valid_get_del_req(msg, &tb, extack)?;
    if nexthop_find_by_id(k, net, id).is_none() {
        return Err(Errno::ENOENT.into());
    }
    let info = NlInfo {
        nlh: Some(nlh),
        portid: skb.cb.portid,
    };
    remove_nexthop(k, net, id, Some(info))
}

/// `rtm_get_nexthop`: RTM_GETNEXTHOP of one id, in a message of its own.
pub fn rtm_get_nexthop(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let tb = nlmsg_parse(
        msg,
        nhmsg::LEN,
        &rtm_nh_policy_get(k),
        Validate::Strict,
        extack,
    )?;
    let (id, op_flags) = nh_valid_get_del_req(msg, &tb, extack)?;
    let Some(nh) = nexthop_find_by_id(k, net, id).cloned() else {
        return Err(Errno::ENOENT.into());
    };
    let mut reply = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + nh_nlmsg_size(k, &nh, op_flags)));
    nh_fill_node(
        k,
        &mut reply,
        &nh,
        RTM_NEWNEXTHOP,
        skb.cb.portid,
        nlh.seq(),
        0,
        op_flags,
    )?;
    let ksk =
        k.net(net).kernel_sock[crate::uapi::netlink::NETLINK_ROUTE as usize].expect("rtnl socket");
    nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

/// `struct nh_dump_filter`.
#[derive(Clone, Copy, Debug, Default)]
struct NhDumpFilter {
    dev_idx: u32,
    master_idx: u32,
    group_filter: bool,
    op_flags: u32,
}

/// `nh_dump_filtered`: groups only with NHA_GROUPS; with a device, master or family filter,
/// only single nexthops that match.
fn nh_dump_filtered(k: &Kernel, net: NetId, nh: &Nexthop, f: &NhDumpFilter, family: u8) -> bool {
    if f.group_filter && nh.group().is_none() {
        return true;
    }
    if f.dev_idx == 0 && f.master_idx == 0 && family == 0 {
        return false;
    }
    let Some(i) = nh.info() else {
        return true;
    };
    if family != 0 && i.family != family {
        return true;
    }
    if f.dev_idx != 0 && i.dev != Some(f.dev_idx) {
        return true;
    }
    if f.master_idx != 0 {
        let master = i.dev.and_then(|d| k.dev(net, d)).and_then(|d| d.master);
        if master != Some(f.master_idx) {
            return true;
        }
    }
    false
}

/// `nh_valid_dump_req`: the request parsed strictly whatever the socket asked; NHA_OIF and
/// NHA_MASTER must be valid indexes, the header clean.
fn nh_valid_dump_req(
    k: &Kernel,
    msg: &[u8],
    extack: &mut NetlinkExtAck,
) -> Result<NhDumpFilter, Errno> {
    let tb = nlmsg_parse(
        msg,
        nhmsg::LEN,
        &rtm_nh_policy_dump(k),
        Validate::Strict,
        extack,
    )?;
    let mut f = __nh_valid_dump_req(msg, &tb, extack)?;
    f.op_flags = attr(msg, &tb, NHA_OP_FLAGS).map_or(0, get_u32);
    Ok(f)
}

/// `__nh_valid_dump_req`: NHA_OIF and NHA_MASTER must be valid indexes, the header clean.
fn __nh_valid_dump_req(
    msg: &[u8],
    tb: &Tb,
    extack: &mut NetlinkExtAck,
) -> Result<NhDumpFilter, Errno> {
    let mut f = NhDumpFilter::default();
    if let Some(o) = attr(msg, tb, NHA_OIF) {
        let idx = get_u32(o);
        if idx > i32::MAX as u32 {
            extack.msg = Some("Invalid device index".into());
            return Err(Errno::EINVAL);
        }
        f.dev_idx = idx;
    }
    if let Some(m) = attr(msg, tb, NHA_MASTER) {
        let idx = get_u32(m);
        if idx > i32::MAX as u32 {
            extack.msg = Some("Invalid master device index".into());
            return Err(Errno::EINVAL);
        }
        f.master_idx = idx;
    }
    f.group_filter = attr(msg, tb, NHA_GROUPS).is_some();
    let nhm = nhmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    if nhm.protocol != 0 || nhm.resvd != 0 || nhm.scope != 0 || nhm.flags != 0 {
        extack.msg = Some("Invalid values in header for nexthop dump request".into());
        return Err(Errno::EINVAL);
    }
    Ok(f)
}

/// `rtm_dump_nexthop`: the namespace's nexthops in id order from the one the last chunk
/// stopped at (`ctx->idx`, in `args[0]`), filtered; the generation checked for
/// NLM_F_DUMP_INTR.
pub fn rtm_dump_nexthop(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let msg = cb.nlh.clone();
    let mut extack = NetlinkExtAck::default();
    let filter = match nh_valid_dump_req(k, &msg, &mut extack) {
        Ok(f) => f,
        Err(e) => {
            cb.extack = extack;
            return Ok(e.as_neg());
        }
    };
    let family = msg[NLMSG_HDRLEN];
    let net = cb.net;
    let s_idx = cb.args[0] as u32;
    let seq = cb.request().seq();
    let mut err = 0;
    let list: Vec<Nexthop> = nhs(k, net)
        .nexthops
        .range(s_idx..)
        .map(|(_, nh)| nh.clone())
        .collect();
    for nh in &list {
        cb.args[0] = i64::from(nh.id);
        if nh_dump_filtered(k, net, nh, &filter, family) {
            continue;
        }
        match nh_fill_node(
            k,
            skb,
            nh,
            RTM_NEWNEXTHOP,
            cb.portid,
            seq,
            NLM_F_MULTI,
            filter.op_flags,
        ) {
            Ok(_) => {}
            Err(e) => {
                err = e.as_neg();
                break;
            }
        }
    }
    cb.seq = nhs(k, net).seq;
    // nlmsg_hdr(skb): the chunk's first message carries NLM_F_DUMP_INTR.
    if skb.is_empty() {
        cb.prev_seq = cb.seq;
    } else {
        nl_dump_check_consistent(cb, skb, 0);
    }
    Ok(err)
}

/// `nexthop_init`: the per-namespace state comes with the namespace (`nexthop_net_init`), the
/// device notifier, the handlers (PF_UNSPEC for all, PF_INET and PF_INET6 for NEW and the
/// dump).
pub fn nexthop_init(k: &mut Kernel) {
    const PF_UNSPEC: u8 = 0;
    register_netdevice_notifier(
        k,
        NotifierBlock {
            priority: 0,
            notifier_call: nh_netdev_event,
        },
    );
    rtnl_register(k, PF_UNSPEC, RTM_NEWNEXTHOP, Some(rtm_new_nexthop), None, 0);
    rtnl_register(k, PF_UNSPEC, RTM_DELNEXTHOP, Some(rtm_del_nexthop), None, 0);
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_GETNEXTHOP,
        Some(rtm_get_nexthop),
        Some(rtm_dump_nexthop),
        0,
    );
    for pf in [AF_INET, AF_INET6] {
        rtnl_register(k, pf, RTM_NEWNEXTHOP, Some(rtm_new_nexthop), None, 0);
        rtnl_register(k, pf, RTM_GETNEXTHOP, None, Some(rtm_dump_nexthop), 0);
    }
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_GETNEXTHOPBUCKET,
        Some(res::rtm_get_nexthop_bucket),
        Some(res::rtm_dump_nexthop_bucket),
        0,
    );
}
