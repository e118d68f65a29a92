//! The namespace's IPv6 routing tables (`net/ipv6/ip6_fib.c`) and the netlink side of their
//! routes (`net/ipv6/route.c`): `struct fib6_table` and `struct fib6_info`, inserting
//! (`fib6_add`, `fib6_add_rt2`) and removing (`fib6_del`) routes, the cleaning walks that
//! follow devices (`rt6_sync_down_dev`, `rt6_sync_up`), the route message (`rt6_fill_node`),
//! the RTNLGRP_IPV6_ROUTE notifications (`inet6_rt_notify`) and the PF_INET6 RTM_GETROUTE
//! dump (`inet6_dump_fib`, `fib6_dump_table`, `rt6_dump_route`).
//!
//! The kernel keeps each table's routes in a radix tree walked in post-order (a node's left
//! subtree, its right subtree, then its own routes); the model keeps each table's routes in
//! that walk's order directly: a prefix after every longer prefix inside it, disjoint
//! prefixes by address, the routes of one prefix by metric, in insertion order within one
//! metric. A route's siblings (`fib6_siblings`: the other next hops of a multipath route) are
//! not linked: they are the node's other routes of its metric that qualify for ECMP, which is
//! what `fib6_add_rt2node` keeps them to, in the order they were added (the order of the
//! kernel's sibling list). Source-specific routes (subtrees), route exceptions (cached
//! clones) and nexthop objects are not modeled.
//!
//! Which RTNLGRP_IPV6_ROUTE messages carry a multipath route whole (RTA_MULTIPATH):
//! `inet6_rt_notify` fills the route it is given with the siblings it has at that moment, so a
//! route joining others is announced with them (itself first), a route deleted (`fib6_del`
//! unlinks it first) alone; `ip6_route_multipath_add` silences each insertion (`skip_notify`)
//! and sends one message for them all; `__ip6_del_rt_siblings` builds one RTM_DELROUTE with all
//! before deleting them silently. `skip_notify_kernel` only silences the in-kernel FIB
//! notifier chain (offloading drivers), which has no netlink side; `fib6_rt_update` (an
//! NLM_F_REPLACE announcement) is called only for nexthop objects. Link events change next
//! hops' flags silently. The releases at hand (6.1, 6.12, 7.3) announce alike; 7.3 adds
//! RTA_DEL_REASON to deletions that have a reason (none of those here). The requests that add and remove routes are in
//! [`crate::ip6_route`].

use crate::af_netlink::{NetlinkCallback, NetlinkExtAck};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_parse, Validate};
use crate::rtnetlink::notify::Report;
use crate::skbuff::SkBuff;
use crate::uapi::fib_rules::RT_TABLE_COMPAT;
use crate::uapi::netlink::{
    NLMSG_HDRLEN, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI,
    NLM_F_REPLACE,
};
use crate::uapi::rtnetlink::*;
use crate::uapi::socket::AF_INET6;

/// `RT6_TABLE_MAIN`, where prefix routes go (`RT6_TABLE_PREFIX`).
pub const RT6_TABLE_MAIN: u32 = 254;
/// `RT6_TABLE_LOCAL`, where local and multicast routes go.
pub const RT6_TABLE_LOCAL: u32 = 255;
/// `FIB6_TABLE_HASHSZ` with multiple tables.
const FIB6_TABLE_HASHSZ: u32 = 256;

/// `RTF_*` route flags (`fib6_flags`) the model's routes carry.
pub const RTF_UP: u32 = 0x0001;
/// `RTF_NONEXTHOP`.
pub const RTF_NONEXTHOP: u32 = 0x0020_0000;
/// `RTF_LOCAL`.
pub const RTF_LOCAL: u32 = 0x8000_0000;
/// `RTF_ANYCAST`.
pub const RTF_ANYCAST: u32 = 0x0010_0000;
/// `RTF_PREFIX_RT`.
pub const RTF_PREFIX_RT: u32 = 0x0008_0000;
/// `RTF_CACHE`.
pub const RTF_CACHE: u32 = 0x0100_0000;
/// `RTF_GATEWAY`.
pub const RTF_GATEWAY: u32 = 0x0002;
/// `RTF_REJECT`.
pub const RTF_REJECT: u32 = 0x0200;
/// `RTF_ADDRCONF`.
pub const RTF_ADDRCONF: u32 = 0x0004_0000;

/// `IP6_RT_PRIO_ADDRCONF`: the metric of the routes addrconf makes.
pub const IP6_RT_PRIO_ADDRCONF: u32 = 256;

/// A route's one nexthop (`struct fib6_nh`, `nh_common`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fib6Nh {
    /// `fib_nh_dev`'s ifindex.
    pub dev: u32,
    /// `fib_nh_gw6` when `fib_nh_gw_family` is AF_INET6.
    pub gw: Option<[u8; 16]>,
    /// `fib_nh_flags` (`RTNH_F_*`).
    pub flags: u32,
    /// `fib_nh_weight`: 1 but for the next hops of a multipath request (`rtnh_hops` + 1).
    pub weight: u32,
    /// `fib_nh_upper_bound`: where this sibling's share of the multipath hash space ends
    /// (`rt6_multipath_rebalance`), -1 when dead; 0 for a route that was never a sibling.
    pub upper_bound: i32,
}

impl Fib6Nh {
    /// A next hop of weight 1 (`fib6_nh_init`).
    pub fn new(dev: u32, gw: Option<[u8; 16]>, flags: u32) -> Fib6Nh {
        Fib6Nh {
            dev,
            gw,
            flags,
            weight: 1,
            upper_bound: 0,
        }
    }
}

/// A route (`struct fib6_info`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fib6Info {
    /// Which route it is (the kernel's pointer): unique in the namespace, growing.
    pub id: u64,
    /// `fib6_table`'s id.
    pub table: u32,
    /// `fib6_dst.addr`.
    pub dst: [u8; 16],
    /// `fib6_dst.plen`.
    pub dst_len: u8,
    /// `fib6_metric`.
    pub metric: u32,
    /// `fib6_protocol`.
    pub protocol: u8,
    /// `fib6_type`.
    pub ty: u8,
    /// `fib6_flags` (`RTF_*`).
    pub flags: u32,
    /// `fib6_nh`.
    pub nh: Fib6Nh,
    /// `fib6_prefsrc` (its length 128 when set).
    pub prefsrc: Option<[u8; 16]>,
    /// `fib6_metrics`: the route's metrics (all zero: `dst_default_metrics`).
    pub metrics: crate::metrics::Metrics,
}

/// A table (`struct fib6_table`): its routes in the order the kernel's tree walk visits them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fib6Table {
    /// `tb6_id`.
    pub id: u32,
    /// The routes, in walk order.
    pub routes: Vec<Fib6Info>,
}

/// A namespace's IPv6 routes (`net->ipv6.fib_table_hash`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fib6Net {
    /// The tables in the order a dump visits them: by hash bucket (`id` modulo
    /// FIB6_TABLE_HASHSZ), the newest first within a bucket.
    pub tables: Vec<Fib6Table>,
    /// The last route id given out.
    pub ids: u64,
}

impl Default for Fib6Net {
    /// `fib6_net_init` with multiple tables (`fib6_tables_init`): main and local, empty but
    /// for their roots' null entry (which no dump shows).
    fn default() -> Self {
        Fib6Net {
            tables: vec![
                Fib6Table {
                    id: RT6_TABLE_MAIN,
                    routes: Vec::new(),
                },
                Fib6Table {
                    id: RT6_TABLE_LOCAL,
                    routes: Vec::new(),
                },
            ],
            ids: 0,
        }
    }
}

impl Fib6Net {
    /// `fib6_get_table`.
    pub fn table(&self, id: u32) -> Option<&Fib6Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// Where the route `id` is, as (table position, route position).
    fn find(&self, id: u64) -> Option<(usize, usize)> {
        self.tables
            .iter()
            .enumerate()
            .find_map(|(t, tb)| tb.routes.iter().position(|r| r.id == id).map(|at| (t, at)))
    }

    /// The tables' positions in the order the kernel visits them (`fib6_clean_all`, dumps):
    /// by hash bucket, the newest first within one.
    pub fn hash_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.tables.len()).collect();
        order.sort_by_key(|&t| self.tables[t].id % FIB6_TABLE_HASHSZ);
        order
    }

    /// Is the route `id` in a table (`rcu_access_pointer(rt->fib6_node)`)?
    pub fn linked(&self, id: u64) -> bool {
        self.find(id).is_some()
    }
}

/// The bit `i` (from the most significant) of an address.
fn bit(a: &[u8; 16], i: u32) -> u8 {
    (a[(i / 8) as usize] >> (7 - i % 8)) & 1
}

/// Which of two prefixes the post-order walk of the radix tree visits first: at the first
/// bit where they differ within both, the 0 branch (left) first; a prefix inside another
/// comes first; `Equal` for the same prefix (the same node).
fn walk_order(a: &Fib6Info, b: &Fib6Info) -> std::cmp::Ordering {
    let common = u32::from(a.dst_len.min(b.dst_len));
    for i in 0..common {
        let (x, y) = (bit(&a.dst, i), bit(&b.dst, i));
        if x != y {
            return x.cmp(&y);
        }
    }
    b.dst_len.cmp(&a.dst_len)
}

/// `ipv6_addr_prefix`: `a` with the bits past `plen` cleared.
pub fn ipv6_addr_prefix(a: &[u8; 16], plen: u8) -> [u8; 16] {
    let mut p = [0u8; 16];
    for i in 0..u32::from(plen.min(128)) {
        p[(i / 8) as usize] |= bit(a, i) << (7 - i % 8);
    }
    p
}

/// `struct fib6_config` as far as the model's route makers fill it.
#[derive(Clone, Debug, Default)]
pub struct Fib6Config {
    /// `fc_table`.
    pub table: u32,
    /// `fc_metric`.
    pub metric: u32,
    /// `fc_ifindex`.
    pub ifindex: u32,
    /// `fc_dst`.
    pub dst: [u8; 16],
    /// `fc_dst_len`.
    pub dst_len: u8,
    /// `fc_flags`.
    pub flags: u32,
    /// `fc_protocol`.
    pub protocol: u8,
    /// `fc_type`.
    pub ty: u8,
    /// `fc_ignore_dev_down`.
    pub ignore_dev_down: bool,
    /// `fc_gateway` when `fc_flags` has RTF_GATEWAY.
    pub gateway: Option<[u8; 16]>,
    /// `fc_prefsrc` when not the unspecified address.
    pub prefsrc: Option<[u8; 16]>,
    /// `fc_mx`: the request and where its RTA_METRICS payload lies in it (converted when the
    /// route is made, `ip_fib_metrics_init`).
    pub mx: Option<(Vec<u8>, std::ops::Range<usize>)>,
}

/// `rt6_qualify_for_ecmp`: a route with a gateway that router advertisements did not make
/// may have siblings (multipath) of its prefix and metric.
pub fn rt6_qualify_for_ecmp(rt: &Fib6Info) -> bool {
    rt.flags & RTF_ADDRCONF == 0 && rt.nh.gw.is_some()
}

/// `rt6_duplicate_nexthop` (no encapsulation): the same device and gateway.
pub(crate) fn rt6_duplicate_nexthop(a: &Fib6Info, b: &Fib6Info) -> bool {
    a.nh.dev == b.nh.dev && a.nh.gw.unwrap_or([0; 16]) == b.nh.gw.unwrap_or([0; 16])
}

/// Whether the table's radix tree has a node for `dst/plen` (`fib6_add_1` finds it rather than
/// making one): the root, a node holding routes of that prefix, or an intermediate node where
/// routes inside the prefix branch both ways at bit `plen` (the tree the kernel keeps after
/// `fib6_repair_tree` has exactly those).
fn fib6_node_exists(tb: &Fib6Table, dst: &[u8; 16], plen: u8) -> bool {
    if plen == 0 {
        return true;
    }
    let inside = |r: &&Fib6Info| {
        r.dst_len > plen && ipv6_addr_prefix(&r.dst, plen) == ipv6_addr_prefix(dst, plen)
    };
    let branch = |b: u8| {
        tb.routes
            .iter()
            .filter(inside)
            .any(|r| bit(&r.dst, u32::from(plen)) == b)
    };
    tb.routes
        .iter()
        .any(|r| r.dst_len == plen && r.dst == ipv6_addr_prefix(dst, plen))
        || (branch(0) && branch(1))
}

/// The positions of the routes of the node of `tb.routes[at]` (its prefix): they are
/// contiguous in walk order.
fn node_range(tb: &Fib6Table, at: usize) -> std::ops::Range<usize> {
    let rt = &tb.routes[at];
    let same = |r: &Fib6Info| walk_order(r, rt) == std::cmp::Ordering::Equal;
    let start = tb.routes[..at]
        .iter()
        .rposition(|r| !same(r))
        .map_or(0, |p| p + 1);
    let end = at
        + tb.routes[at..]
            .iter()
            .position(|r| !same(r))
            .unwrap_or(tb.routes.len() - at);
    start..end
}

/// The positions of the ECMP group `tb.routes[at]` belongs to (itself included), in the order
/// of the kernel's sibling list from the first sibling; empty when the route qualifies for no
/// siblings. A group of one is a route without siblings (`fib6_nsiblings` 0).
fn rt6_group(tb: &Fib6Table, at: usize) -> Vec<usize> {
    let rt = &tb.routes[at];
    if !rt6_qualify_for_ecmp(rt) {
        return Vec::new();
    }
    node_range(tb, at)
        .filter(|&p| tb.routes[p].metric == rt.metric && rt6_qualify_for_ecmp(&tb.routes[p]))
        .collect()
}

/// The siblings of `tb.routes[at]` (`fib6_siblings`), as `list_for_each_entry` from it meets
/// them: those added after it, then those before it.
pub fn rt6_siblings(tb: &Fib6Table, at: usize) -> Vec<&Fib6Info> {
    let group = rt6_group(tb, at);
    let me = group.iter().position(|&p| p == at).unwrap_or(0);
    group[me..]
        .iter()
        .chain(&group[..me])
        .skip(1)
        .map(|&p| &tb.routes[p])
        .collect()
}

/// The next hops of the siblings of the route `id` while it is in a table (none otherwise:
/// `fib6_del_route` unlinks a route from its siblings before announcing it).
pub fn fib6_sibling_nhs(fib: &Fib6Net, id: u64) -> Vec<Fib6Nh> {
    fib.find(id).map_or_else(Vec::new, |(t, at)| {
        rt6_siblings(&fib.tables[t], at)
            .into_iter()
            .map(|r| r.nh.clone())
            .collect()
    })
}

/// `rt6_is_dead`: a dead next hop, or one with its link down on a device that ignores such
/// routes.
fn rt6_is_dead(k: &Kernel, net: NetId, nh: &Fib6Nh) -> bool {
    nh.flags & RTNH_F_DEAD != 0
        || (nh.flags & RTNH_F_LINKDOWN != 0 && ip6_ignore_linkdown(k, net, nh.dev))
}

/// `ip6_ignore_linkdown`: the device's `ignore_routes_with_linkdown`.
fn ip6_ignore_linkdown(k: &Kernel, net: NetId, ifindex: u32) -> bool {
    k.dev(net, ifindex)
        .and_then(|d| d.ip6_ptr.as_ref())
        .is_some_and(|i| i.devconf[crate::uapi::ipv6::DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN] != 0)
}

/// `rt6_multipath_rebalance` of the group of the route `id` (nothing for a route without
/// siblings): from the first sibling on, each live next hop's upper bound is its running
/// share of the live weights scaled to 2^31, minus one (`rt6_upper_bound_set`); a dead one's
/// is -1.
fn rt6_multipath_rebalance(k: &mut Kernel, net: NetId, id: u64) {
    let fib = &k.net(net).ipv6.fib6;
    let Some((t, at)) = fib.find(id) else { return };
    let tb = &fib.tables[t];
    let group = rt6_group(tb, at);
    if group.len() < 2 {
        return;
    }
    let shares: Vec<(u32, bool)> = group
        .iter()
        .map(|&p| {
            let nh = &tb.routes[p].nh;
            (nh.weight, rt6_is_dead(k, net, nh))
        })
        .collect();
    let bounds = rt6_upper_bounds(&shares);
    let tb = &mut k.net_mut(net).ipv6.fib6.tables[t];
    for (&p, b) in group.iter().zip(bounds) {
        tb.routes[p].nh.upper_bound = b;
    }
}

/// `rt6_multipath_total_weight` and `rt6_upper_bound_set` over a group's (weight, dead) pairs
/// in sibling order: each live next hop's bound is its running share of the live weights
/// scaled to 2^31 (`DIV_ROUND_CLOSEST_ULL`), minus one; a dead one's is -1.
fn rt6_upper_bounds(shares: &[(u32, bool)]) -> Vec<i32> {
    let total: u64 = shares
        .iter()
        .filter(|(_, dead)| !dead)
        .map(|&(w, _)| u64::from(w))
        .sum();
    let mut weight = 0u64;
    shares
        .iter()
        .map(|&(w, dead)| {
            if dead {
                return -1;
            }
            weight += u64::from(w);
            // Computed unsigned, then narrowed: the last live one gets 2^31 - 1.
            ((((weight << 31) + total / 2) / total) - 1) as i32
        })
        .collect()
}

/// `fib6_add` (`fib6_add_1`, `fib6_add_rt2node`) as the kernel's own route makers and
/// single-route requests call it (notifying): see [`fib6_add_rt2node`].
pub fn fib6_add(
    k: &mut Kernel,
    net: NetId,
    rt: Fib6Info,
    info: Option<Report<'_>>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    fib6_add_rt2node(k, net, rt, info, false, extack)
}

/// `fib6_add_rt2node`: the route into its table's node. Without a request (a route the kernel
/// makes) it is added, a duplicate next hop is EEXIST. With a request: NLM_F_REPLACE without
/// NLM_F_CREATE where no node exists is ENOENT ("Can not replace route - no match found");
/// among the node's routes of the same metric NLM_F_EXCL is EEXIST; REPLACE takes the first
/// of them that is as multipath-able as the new one (else the first), ENOENT when none (unless
/// NLM_F_CREATE: then it is added), and a replaced route that had siblings takes them all
/// with it, silently; otherwise a duplicate next hop is EEXIST, a route that qualifies for
/// ECMP joins the node's routes of its metric that do too as their last sibling (the group
/// is rebalanced), and the route goes after the routes of a metric no larger. Unless
/// `skip_notify` (a multipath request announces its routes itself): announced RTM_NEWROUTE
/// with NLM_F_CREATE (and NLM_F_EXCL when no other route of the node had its metric,
/// NLM_F_APPEND when asked), carrying the new route's siblings after it, or NLM_F_REPLACE for
/// a replacement (the replaced route goes silently).
pub fn fib6_add_rt2node(
    k: &mut Kernel,
    net: NetId,
    rt: Fib6Info,
    info: Option<Report<'_>>,
    skip_notify: bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let nl = info.map_or(0, |r| r.nlh.flags());
    let replace = nl & NLM_F_REPLACE != 0;
    let add = info.is_none() || nl & NLM_F_CREATE != 0;
    let fib = &mut k.net_mut(net).ipv6.fib6;
    let Some(t) = fib.tables.iter().position(|t| t.id == rt.table) else {
        return Err(Errno::ENOENT.into());
    };
    let tb = &mut fib.tables[t];
    if !add && replace && !fib6_node_exists(tb, &rt.dst, rt.dst_len) {
        extack.msg = Some("Can not replace route - no match found".into());
        return Err(Errno::ENOENT.into());
    }
    // The node's routes are contiguous in walk order; `ins` is where the new one goes.
    let start = tb
        .routes
        .iter()
        .position(|r| walk_order(r, &rt) != std::cmp::Ordering::Less)
        .unwrap_or(tb.routes.len());
    let end = start
        + tb.routes[start..]
            .iter()
            .take_while(|r| walk_order(r, &rt) == std::cmp::Ordering::Equal)
            .count();
    let mut nlflags = NLM_F_EXCL;
    if nl & NLM_F_APPEND != 0 {
        nlflags |= NLM_F_APPEND;
    }
    let can_ecmp = rt6_qualify_for_ecmp(&rt);
    let mut ins = start;
    let mut found = false;
    let mut fallback = None;
    for (i, iter) in tb.routes[start..end].iter().enumerate() {
        let i = start + i;
        if iter.metric == rt.metric {
            if nl & NLM_F_EXCL != 0 {
                return Err(Errno::EEXIST.into());
            }
            nlflags &= !NLM_F_EXCL;
            if replace {
                if can_ecmp == rt6_qualify_for_ecmp(iter) {
                    ins = i;
                    found = true;
                    break;
                }
                fallback.get_or_insert(i);
                ins = i + 1;
                continue;
            }
            // Routes with RTF_EXPIRES (which could be refreshed here) are not modeled.
            if rt6_duplicate_nexthop(iter, &rt) {
                return Err(Errno::EEXIST.into());
            }
        }
        if iter.metric > rt.metric {
            ins = i;
            break;
        }
        ins = i + 1;
    }
    if let (Some(f), false) = (fallback, found) {
        ins = f;
        found = true;
    }
    let id = rt.id;
    if replace && found {
        // The old route's siblings (the node's other ECMP routes of its metric) go with it;
        // the new route has none: it was not counted into any.
        let had_siblings = rt6_group(tb, ins).len() > 1;
        tb.routes[ins] = rt;
        if had_siblings {
            let mut p = ins + 1;
            while p < tb.routes.len()
                && walk_order(&tb.routes[p], &tb.routes[ins]) == std::cmp::Ordering::Equal
                && tb.routes[p].metric <= tb.routes[ins].metric
            {
                if rt6_qualify_for_ecmp(&tb.routes[p]) {
                    tb.routes.remove(p);
                } else {
                    p += 1;
                }
            }
        }
        if skip_notify {
            return Ok(());
        }
        let rt = tb.routes[ins].clone();
        return inet6_rt_notify(k, net, RTM_NEWROUTE, &rt, NLM_F_REPLACE, info);
    }
    if replace && !add {
        return Err(Errno::ENOENT.into());
    }
    let joins = can_ecmp
        && tb.routes[start..end]
            .iter()
            .any(|r| r.metric == rt.metric && rt6_qualify_for_ecmp(r));
    tb.routes.insert(ins, rt);
    if joins {
        rt6_multipath_rebalance(k, net, id);
    }
    if skip_notify {
        return Ok(());
    }
    let rt = k.net(net).ipv6.fib6.tables[t].routes[ins].clone();
    inet6_rt_notify(k, net, RTM_NEWROUTE, &rt, nlflags | NLM_F_CREATE, info)
}

/// `fib6_del` (`fib6_del_route`): the route out of its table and out of its siblings (the
/// group left is rebalanced), then announced RTM_DELROUTE alone (to the request's sender and
/// sequence when a request deleted it) unless `skip_notify`; a route in no table is ENOENT.
pub fn fib6_del_info(
    k: &mut Kernel,
    net: NetId,
    id: u64,
    info: Option<Report<'_>>,
    skip_notify: bool,
) -> SysResult<()> {
    let fib = &mut k.net_mut(net).ipv6.fib6;
    let Some((t, at)) = fib.find(id) else {
        return Err(Errno::ENOENT.into());
    };
    let tb = &fib.tables[t];
    let next_sibling = rt6_siblings(tb, at).first().map(|r| r.id);
    let rt = fib.tables[t].routes.remove(at);
    if let Some(sib) = next_sibling {
        rt6_multipath_rebalance(k, net, sib);
    }
    if skip_notify {
        return Ok(());
    }
    inet6_rt_notify(k, net, RTM_DELROUTE, &rt, 0, info)
}

/// `fib6_del`, announced: see [`fib6_del_info`].
pub fn fib6_del(k: &mut Kernel, net: NetId, id: u64, info: Option<Report<'_>>) -> SysResult<()> {
    fib6_del_info(k, net, id, info, false)
}

/// `fib6_new_table`: the table `id` (0 is main), made when missing (first in its hash
/// bucket, as `fib6_link_table` adds it).
pub fn fib6_new_table(k: &mut Kernel, net: NetId, id: u32) -> u32 {
    let id = if id == 0 { RT6_TABLE_MAIN } else { id };
    let fib = &mut k.net_mut(net).ipv6.fib6;
    if fib.table(id).is_none() {
        fib.tables.insert(
            0,
            Fib6Table {
                id,
                routes: Vec::new(),
            },
        );
    }
    id
}

/// `RT6_LOOKUP_F_IFACE`: the route must go out through the flow's device.
pub const RT6_LOOKUP_F_IFACE: u32 = 0x0000_0001;

/// `IPV6_DECODE_PREF` of a route's `RTF_PREF` bits: low 1, medium 2, high 3 (invalid 0).
fn ipv6_decode_pref(flags: u32) -> i32 {
    match (flags >> 27) & 3 {
        0 => 2,
        1 => 3,
        3 => 1,
        _ => 0,
    }
}

/// `fib6_table_lookup` without reachability (`RT6_LOOKUP_F_REACHABLE`) nor source routes: the
/// node of the longest prefix holding `daddr`, then its parents' (`fib6_backtrack`); in a
/// node (`rt6_select`, `find_rr_leaf`) the routes of its first metric, else the rest, scored
/// by `rt6_score_route` (2 when the device is the flow's or none is asked, plus the router
/// preference shifted by 2; a device mismatch under RT6_LOOKUP_F_IFACE and a dead next hop
/// disqualify), the first best. `None` is the null entry (unreachable).
pub fn fib6_table_lookup(
    k: &Kernel,
    net: NetId,
    table: u32,
    daddr: &[u8; 16],
    oif: u32,
    strict: u32,
) -> Option<Fib6Info> {
    let tb = k.net(net).ipv6.fib6.table(table)?;
    let mut plens: Vec<u8> = tb
        .routes
        .iter()
        .filter(|r| ipv6_addr_prefix(daddr, r.dst_len) == r.dst)
        .map(|r| r.dst_len)
        .collect();
    plens.sort_unstable_by(|a, b| b.cmp(a));
    plens.dedup();
    let score = |r: &Fib6Info| -> Option<i32> {
        if r.nh.flags & RTNH_F_DEAD != 0 {
            return None;
        }
        let mut m = if oif == 0 || r.nh.dev == oif { 2 } else { 0 };
        if m == 0 && strict & RT6_LOOKUP_F_IFACE != 0 {
            return None;
        }
        m |= ipv6_decode_pref(r.flags) << 2;
        Some(m)
    };
    for plen in plens {
        let node: Vec<&Fib6Info> = tb
            .routes
            .iter()
            .filter(|r| r.dst_len == plen && ipv6_addr_prefix(daddr, plen) == r.dst)
            .collect();
        let first_metric = node[0].metric;
        let best = |routes: &mut dyn Iterator<Item = &&Fib6Info>| {
            let mut best: Option<(&Fib6Info, i32)> = None;
            for r in routes {
                if let Some(m) = score(r) {
                    if best.is_none_or(|(_, b)| m > b) {
                        best = Some((r, m));
                    }
                }
            }
            best.map(|(r, _)| r.clone())
        };
        let found = best(&mut node.iter().filter(|r| r.metric == first_metric))
            .or_else(|| best(&mut node.iter().filter(|r| r.metric != first_metric)));
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Whether the namespace's IPv6 rules are the two default ones (local at 0, main at 32766).
fn fib6_default_rules_only(k: &Kernel, net: NetId) -> bool {
    let rules = &k.net(net).rules;
    let Some(ops) = rules.rules_ops.iter().find(|o| o.tmpl.family == AF_INET6) else {
        return true;
    };
    ops.rules_list.len() == 2
        && ops
            .rules_list
            .iter()
            .zip([(0, RT6_TABLE_LOCAL), (0x7ffe, RT6_TABLE_MAIN)])
            .all(|(r, (pref, table))| r.pref == pref && r.table == table)
}

/// `fib6_lookup` (`net/ipv6/fib6_rules.c`) with the default rules: the local table, then main;
/// `Ok(None)` when neither has a route (the null entry). Through custom rules it is not
/// modeled.
pub fn fib6_lookup(
    k: &Kernel,
    net: NetId,
    daddr: &[u8; 16],
    oif: u32,
    strict: u32,
) -> SysResult<Option<Fib6Info>> {
    if !fib6_default_rules_only(k, net) {
        return Err(crate::errno::unimplemented(
            "an IPv6 route lookup through custom rules (fib6_rules lookup)",
        ));
    }
    Ok([RT6_TABLE_LOCAL, RT6_TABLE_MAIN]
        .iter()
        .find_map(|&t| fib6_table_lookup(k, net, t, daddr, oif, strict)))
}

/// The device events that `rt6_sync_down_dev` handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncDownEvent {
    /// NETDEV_DOWN.
    Down,
    /// NETDEV_UNREGISTER.
    Unregister,
    /// NETDEV_CHANGE: the device lost its carrier.
    Change,
}

/// `rt6_sync_down_dev`: `fib6_clean_all` with `fib6_ifdown`, tables in hash order, routes in
/// walk order. NETDEV_UNREGISTER: every route through the device goes (RTM_DELROUTE each).
/// NETDEV_DOWN: so do the routes without siblings through it; a multipath route using the
/// device goes whole when every next hop is then dead (`rt6_multipath_flush`: each sibling
/// deleted and announced alone), else its next hops through the device are marked
/// RTNH_F_DEAD and RTNH_F_LINKDOWN and the group rebalanced, silently; the walk then goes on
/// after the group's last sibling. NETDEV_CHANGE: the device's routes other than local and
/// anycast ones are marked RTNH_F_LINKDOWN (their groups rebalanced), silently.
pub fn rt6_sync_down_dev(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: SyncDownEvent,
) -> SysResult<()> {
    let order = k.net(net).ipv6.fib6.hash_order();
    for t in order {
        let mut flush: Vec<u64> = Vec::new();
        let mut i = 0;
        loop {
            let tb = &k.net(net).ipv6.fib6.tables[t];
            let Some(rt) = tb.routes.get(i) else { break };
            let id = rt.id;
            match event {
                SyncDownEvent::Change => {
                    if rt.nh.dev == ifindex && rt.flags & (RTF_LOCAL | RTF_ANYCAST) == 0 {
                        k.net_mut(net).ipv6.fib6.tables[t].routes[i].nh.flags |= RTNH_F_LINKDOWN;
                        rt6_multipath_rebalance(k, net, id);
                    }
                    i += 1;
                }
                SyncDownEvent::Unregister => {
                    if rt.nh.dev == ifindex {
                        fib6_del(k, net, id, None)?;
                    } else {
                        i += 1;
                    }
                }
                SyncDownEvent::Down => {
                    if flush.contains(&id) {
                        fib6_del(k, net, id, None)?;
                        continue;
                    }
                    let group = rt6_group(tb, i);
                    if group.len() < 2 {
                        if rt.nh.dev == ifindex {
                            fib6_del(k, net, id, None)?;
                        } else {
                            i += 1;
                        }
                        continue;
                    }
                    let last = *group.last().expect("a group");
                    let uses_dev = group.iter().any(|&p| tb.routes[p].nh.dev == ifindex);
                    if uses_dev {
                        // rt6_multipath_dead_count.
                        let dead = group
                            .iter()
                            .filter(|&&p| {
                                let nh = &tb.routes[p].nh;
                                nh.dev == ifindex || nh.flags & RTNH_F_DEAD != 0
                            })
                            .count();
                        if dead == group.len() {
                            flush = group.iter().map(|&p| tb.routes[p].id).collect();
                            fib6_del(k, net, id, None)?;
                            continue;
                        }
                        // rt6_multipath_nh_flags_set.
                        let routes = &mut k.net_mut(net).ipv6.fib6.tables[t].routes;
                        for &p in &group {
                            if routes[p].nh.dev == ifindex {
                                routes[p].nh.flags |= RTNH_F_DEAD | RTNH_F_LINKDOWN;
                            }
                        }
                        rt6_multipath_rebalance(k, net, id);
                    }
                    // The walk skips the multipath route's other siblings.
                    i = last.max(i) + 1;
                }
            }
        }
    }
    Ok(())
}

/// `rt6_sync_up` (`fib6_ifup` over every route): the device's next hops lose `nh_flags`
/// (RTNH_F_DEAD also takes RTNH_F_LINKDOWN when the device has carrier) and their groups are
/// rebalanced, silently.
pub fn rt6_sync_up(k: &mut Kernel, net: NetId, ifindex: u32, nh_flags: u32) {
    let Some(dev) = k.dev(net, ifindex) else {
        return;
    };
    let mut clear = nh_flags;
    if nh_flags & RTNH_F_DEAD != 0 && dev.carrier {
        clear |= RTNH_F_LINKDOWN;
    }
    let mut touched = Vec::new();
    for tb in &mut k.net_mut(net).ipv6.fib6.tables {
        for r in tb.routes.iter_mut().filter(|r| r.nh.dev == ifindex) {
            r.nh.flags &= !clear;
            touched.push(r.id);
        }
    }
    for id in touched {
        rt6_multipath_rebalance(k, net, id);
    }
}

/// `rt6_nlmsg_size` of a route with one nexthop and no encapsulation: rtmsg, RTA_SRC,
/// RTA_DST, RTA_GATEWAY, RTA_PREFSRC, RTA_TABLE, RTA_IIF, RTA_OIF, RTA_PRIORITY, RTAX_MAX
/// metrics, RTA_CACHEINFO, the congestion control name and RTA_PREF.
pub const RT6_NLMSG_SIZE: usize = 12 + 4 * 20 + 4 * 8 + RTAX_MAX * 8 + 36 + 20 + 8;

/// `rt6_nlmsg_size` of a route with `nsiblings` siblings: each next hop of a multipath route
/// adds an RTA_MULTIPATH header's worth, its rtnexthop and an RTA_GATEWAY
/// (`rt6_nh_nlmsg_size`).
pub fn rt6_nlmsg_size(nsiblings: usize) -> usize {
    let per_nh = 4 + nltwin_wire::uapi::route::rtnexthop::LEN + 20;
    RT6_NLMSG_SIZE
        + if nsiblings == 0 {
            0
        } else {
            (nsiblings + 1) * per_nh
        }
}

/// `rt6_fill_node` for a route of a table (no dst: neither a clone nor a lookup's answer):
/// rtmsg (table id, or RT_TABLE_COMPAT above 255; scope universe; the nexthop's DEAD and
/// LINKDOWN flags in `rtm_flags`), RTA_TABLE, RTA_DST for a prefix of some length,
/// RTA_PRIORITY, the nexthop (`fib_nexthop_info`: RTA_GATEWAY, RTA_OIF), RTA_CACHEINFO (all
/// zeros for a route that does not expire), RTA_PREF. A route with siblings has instead of
/// its next hop's attributes and flags an RTA_MULTIPATH: its own next hop then its siblings'
/// (`fib_add_nexthop` each). Nothing is left of a message that did not fit.
#[allow(clippy::too_many_arguments)]
pub fn rt6_fill_node(
    k: &Kernel,
    skb: &mut SkBuff,
    rt: &Fib6Info,
    siblings: &[Fib6Nh],
    ty: u16,
    portid: u32,
    seq: u32,
    flags: u16,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = fill(k, skb, rt, siblings, ty, portid, seq, flags);
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

/// `fib_nexthop_info`'s flags of a next hop: DEAD, LINKDOWN (with DEAD when the device
/// ignores routes with link down, which no fresh device does), ONLINK.
fn fib_nexthop_flags(nh: &Fib6Nh) -> u32 {
    nh.flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN | RTNH_F_ONLINK)
}

/// `fib_add_nexthop`: an rtnexthop (weight minus one in `rtnh_hops`, the device, the
/// next hop's flags) with its RTA_GATEWAY.
fn fib_add_nexthop(skb: &mut SkBuff, nh: &Fib6Nh) -> Result<(), Errno> {
    let at = skb.put(nltwin_wire::uapi::route::rtnexthop::LEN)?;
    if let Some(gw) = &nh.gw {
        skb.nla_put(RTA_GATEWAY, gw)?;
    }
    let len = (skb.len() - at) as u16;
    let hdr = &mut skb.as_mut_slice()[at..at + 8];
    hdr[0..2].copy_from_slice(&len.to_ne_bytes());
    hdr[2] = fib_nexthop_flags(nh) as u8;
    hdr[3] = nh.weight.wrapping_sub(1) as u8;
    hdr[4..8].copy_from_slice(&(nh.dev as i32).to_ne_bytes());
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn fill(
    k: &Kernel,
    skb: &mut SkBuff,
    rt: &Fib6Info,
    siblings: &[Fib6Nh],
    ty: u16,
    portid: u32,
    seq: u32,
    flags: u16,
) -> Result<(), Errno> {
    let at = skb.nlmsg_put(portid, seq, ty, nltwin_wire::rtmsg::LEN, flags)?;
    skb.nla_put_u32(RTA_TABLE, rt.table)?;
    if rt.dst_len != 0 {
        skb.nla_put(RTA_DST, &rt.dst)?;
    }
    if let Some(src) = &rt.prefsrc {
        skb.nla_put(RTA_PREFSRC, src)?;
    }
    crate::metrics::rtnetlink_put_metrics(k, skb, &rt.metrics)?;
    skb.nla_put_u32(RTA_PRIORITY, rt.metric)?;
    let mut rtm_flags = 0u32;
    if siblings.is_empty() {
        // fib_nexthop_info: the flags into rtm_flags, the gateway, the device.
        rtm_flags |= fib_nexthop_flags(&rt.nh);
        if let Some(gw) = &rt.nh.gw {
            skb.nla_put(RTA_GATEWAY, gw)?;
        }
        skb.nla_put_u32(RTA_OIF, rt.nh.dev)?;
    } else {
        let mp = skb.nla_nest_start_noflag(RTA_MULTIPATH)?;
        for nh in std::iter::once(&rt.nh).chain(siblings) {
            fib_add_nexthop(skb, nh)?;
        }
        skb.nla_nest_end(mp);
    }
    if rt.flags & RTF_CACHE != 0 {
        rtm_flags |= RTM_F_CLONED;
    }
    // rtnl_put_cacheinfo without a dst, expiry or error: zeros.
    skb.nla_put(RTA_CACHEINFO, &[0u8; 32])?;
    // IPV6_EXTRACT_PREF: medium (0) for every modeled route.
    skb.nla_put_u8(RTA_PREF, ((rt.flags >> 27) & 3) as u8)?;
    let h = nltwin_wire::rtmsg::Repr {
        family: AF_INET6,
        dst_len: rt.dst_len,
        src_len: 0,
        tos: 0,
        table: if rt.table < 256 {
            rt.table as u8
        } else {
            RT_TABLE_COMPAT as u8
        },
        protocol: rt.protocol,
        scope: 0,
        route_type: rt.ty,
        flags: rtm_flags,
    };
    skb.nlmsg_data_mut(at)[..nltwin_wire::rtmsg::LEN].copy_from_slice(&h.to_bytes());
    skb.nlmsg_end(at);
    Ok(())
}

/// The per-CPU route a lookup makes from a FIB entry (`struct rt6_info`), as its message
/// shows it.
pub struct RtDst {
    /// The flow's destination (RTA_DST, a /128).
    pub dest: [u8; 16],
    /// The flow's source (RTA_SRC, a /128, even the unspecified address: the build has
    /// IPV6_SUBTREES).
    pub src: [u8; 16],
    /// The source `ip6_route_get_saddr` picked (RTA_PREFSRC), if it found one.
    pub saddr: Option<[u8; 16]>,
    /// `dst.dev`'s ifindex.
    pub dev: u32,
}

/// `rt6_fill_node` of a lookup's answer (a per-CPU route, neither cached nor expiring):
/// rtmsg (/128 both ways, no flags: the next hop's state is not reported), RTA_TABLE, RTA_DST,
/// RTA_SRC, RTA_PREFSRC (the source picked, then the route's own when it has one),
/// RTA_METRICS, RTA_PRIORITY, RTA_OIF (the route's device), RTA_CACHEINFO (the references the per-CPU
/// cache and the reply hold), RTA_PREF.
pub fn rt6_fill_node_dst(
    k: &Kernel,
    skb: &mut SkBuff,
    rt: &Fib6Info,
    d: &RtDst,
    portid: u32,
    seq: u32,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = (|| {
        let at = skb.nlmsg_put(portid, seq, RTM_NEWROUTE, nltwin_wire::rtmsg::LEN, 0)?;
        skb.nla_put_u32(RTA_TABLE, rt.table)?;
        skb.nla_put(RTA_DST, &d.dest)?;
        skb.nla_put(RTA_SRC, &d.src)?;
        if let Some(saddr) = &d.saddr {
            skb.nla_put(RTA_PREFSRC, saddr)?;
        }
        if let Some(p) = &rt.prefsrc {
            skb.nla_put(RTA_PREFSRC, p)?;
        }
        // The route's metrics, which its per-CPU copy shares (`ip_dst_init_metrics`).
        crate::metrics::rtnetlink_put_metrics(k, skb, &rt.metrics)?;
        skb.nla_put_u32(RTA_PRIORITY, rt.metric)?;
        if let Some(gw) = &rt.nh.gw {
            skb.nla_put(RTA_GATEWAY, gw)?;
        }
        skb.nla_put_u32(RTA_OIF, d.dev)?;
        let mut ci = [0u8; 32];
        ci[..4].copy_from_slice(&2u32.to_ne_bytes());
        skb.nla_put(RTA_CACHEINFO, &ci)?;
        skb.nla_put_u8(RTA_PREF, ((rt.flags >> 27) & 3) as u8)?;
        let h = nltwin_wire::rtmsg::Repr {
            family: AF_INET6,
            dst_len: 128,
            src_len: 128,
            tos: 0,
            table: if rt.table < 256 {
                rt.table as u8
            } else {
                RT_TABLE_COMPAT as u8
            },
            protocol: rt.protocol,
            scope: 0,
            route_type: rt.ty,
            flags: 0,
        };
        skb.nlmsg_data_mut(at)[..nltwin_wire::rtmsg::LEN].copy_from_slice(&h.to_bytes());
        skb.nlmsg_end(at);
        Ok(())
    })();
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

/// `inet6_rt_notify` to RTNLGRP_IPV6_ROUTE (a route in its table carries its siblings, one
/// out of it does not): stamped with the request's sender and sequence
/// when a request made the change (portid and sequence 0 for the kernel's own changes), echoed
/// to the sender when it asked; nothing is built when nobody would receive it.
pub fn inet6_rt_notify(
    k: &mut Kernel,
    net: NetId,
    event: u16,
    rt: &Fib6Info,
    nlflags: u16,
    info: Option<Report<'_>>,
) -> SysResult<()> {
    let echo = info.is_some_and(|r| r.nlh.flags() & crate::uapi::netlink::NLM_F_ECHO != 0);
    if !echo && !crate::rtnetlink::notify::rtnl_has_listeners(k, net, RTNLGRP_IPV6_ROUTE) {
        return Ok(());
    }
    let (portid, seq) = info.map_or((0, 0), |r| (r.portid, r.nlh.seq()));
    let siblings = fib6_sibling_nhs(&k.net(net).ipv6.fib6, rt.id);
    let mut skb = SkBuff::alloc_skb(NLMSG_HDRLEN + rt6_nlmsg_size(siblings.len()));
    rt6_fill_node(k, &mut skb, rt, &siblings, event, portid, seq, nlflags)?;
    crate::rtnetlink::notify::rtnl_notify(k, net, skb, RTNLGRP_IPV6_ROUTE, info)
}

/// What a route dump asks for (`struct fib_dump_filter`).
#[derive(Clone, Copy, Debug, Default)]
struct FibDumpFilter {
    table_id: u32,
    filter_set: bool,
    dump_routes: bool,
    dump_exceptions: bool,
    flags: u32,
    protocol: u8,
    rt_type: u8,
    dev: u32,
}

/// `ip_valid_fib_dump_req`: a whole rtmsg with no lengths, tos or scope, flags no more than
/// RTM_F_CLONED and RTM_F_PREFIX, attributes parsed strictly and only RTA_TABLE and RTA_OIF
/// (an existing device); the header's protocol, type and table filter.
fn ip_valid_fib_dump_req(
    k: &Kernel,
    cb: &mut NetlinkCallback,
    filter: &mut FibDumpFilter,
) -> Result<(), Errno> {
    let nlh = cb.nlh.clone();
    let fail = |cb: &mut NetlinkCallback, msg: &str| {
        cb.extack.msg = Some(msg.into());
        Err(Errno::EINVAL)
    };
    let Some(h) = nlh
        .get(NLMSG_HDRLEN..)
        .and_then(|p| nltwin_wire::rtmsg::Repr::parse_bytes(p).ok())
    else {
        return fail(cb, "Invalid header for FIB dump request");
    };
    if h.dst_len != 0 || h.src_len != 0 || h.tos != 0 || h.scope != 0 {
        return fail(cb, "Invalid values in header for FIB dump request");
    }
    if h.flags & !(RTM_F_CLONED | RTM_F_PREFIX) != 0 {
        return fail(cb, "Invalid flags for FIB dump request");
    }
    if h.flags & RTM_F_CLONED != 0 {
        filter.dump_routes = false;
    } else {
        filter.dump_exceptions = false;
    }
    filter.flags = h.flags;
    filter.protocol = h.protocol;
    filter.rt_type = h.route_type;
    filter.table_id = u32::from(h.table);
    let start = NLMSG_HDRLEN + nltwin_wire::rtmsg::LEN;
    let tb = nla_parse(
        &nlh,
        start,
        nlh.len(),
        // IPv6's strict dump check parses with IPv4's policy, the release's RTA_MAX included.
        &crate::fib::rtm_ipv4_policy(k),
        Validate::DeprecatedStrict,
        &mut cb.extack,
    )?;
    for (i, a) in tb.iter().enumerate() {
        let Some(r) = a else { continue };
        let v = || u32::from_ne_bytes(nlh[r.start..r.start + 4].try_into().expect("u32"));
        match i as u16 {
            RTA_TABLE => filter.table_id = v(),
            RTA_OIF => {
                let ifindex = v();
                if k.dev(cb.net, ifindex).is_none() {
                    return Err(Errno::ENODEV);
                }
                filter.dev = ifindex;
            }
            _ => return fail(cb, "Unsupported attribute in dump request"),
        }
    }
    if filter.flags != 0
        || filter.protocol != 0
        || filter.rt_type != 0
        || filter.table_id != 0
        || filter.dev != 0
    {
        filter.filter_set = true;
        cb.answer_flags = NLM_F_DUMP_FILTERED;
    }
    Ok(())
}

/// `cb->args` of the dump: the table bucket reached, the table's id, and the routes of that
/// table already dumped (the walker's place: the model resumes at the same route; the kernel
/// restarts a table whose tree changed in between, skipping as many).
const ARG_HASH: usize = 0;
const ARG_ID: usize = 1;
const ARG_DONE_IN_TABLE: usize = 2;
/// Set while a table's walk is suspended (`cb->args[4]`).
const ARG_WALKING: usize = 4;

/// `rt6_dump_route` without exceptions: the null entry and routes the filter excludes are
/// skipped; NLM_F_DUMP_FILTERED when a filter is set or only routes or only exceptions are
/// dumped. `Ok(false)`: the message did not fit.
fn rt6_dump_route(
    k: &Kernel,
    skb: &mut SkBuff,
    cb: &NetlinkCallback,
    rt: &Fib6Info,
    siblings: &[Fib6Nh],
    filter: &FibDumpFilter,
) -> bool {
    if filter.flags & RTM_F_PREFIX != 0 && rt.flags & RTF_PREFIX_RT == 0 {
        return true;
    }
    // fib6_info_uses_dev: the route's next hop or a sibling's.
    let uses_dev = |dev: u32| rt.nh.dev == dev || siblings.iter().any(|nh| nh.dev == dev);
    if filter.filter_set
        && ((filter.rt_type != 0 && rt.ty != filter.rt_type)
            || (filter.dev != 0 && !uses_dev(filter.dev))
            || (filter.protocol != 0 && rt.protocol != filter.protocol))
    {
        return true;
    }
    let mut flags = NLM_F_MULTI;
    if filter.filter_set || !filter.dump_routes || !filter.dump_exceptions {
        flags |= NLM_F_DUMP_FILTERED;
    }
    if !filter.dump_routes {
        return true;
    }
    rt6_fill_node(
        k,
        skb,
        rt,
        siblings,
        RTM_NEWROUTE,
        cb.portid,
        cb.request().seq(),
        flags,
    )
    .is_ok()
}

/// `fib6_dump_table`: the table's routes from where the last part stopped; 1 when the
/// buffer filled (the walk suspended), 0 when the table is done.
fn fib6_dump_table(
    k: &Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    table: u32,
    filter: &FibDumpFilter,
) -> i32 {
    let Some(tb) = k.net(cb.net).ipv6.fib6.table(table) else {
        return 0;
    };
    let from = if cb.args[ARG_WALKING] != 0 {
        cb.args[ARG_DONE_IN_TABLE] as usize
    } else {
        0
    };
    let mut i = from;
    while let Some(rt) = tb.routes.get(i) {
        let group = rt6_group(tb, i);
        let siblings: Vec<Fib6Nh> = rt6_siblings(tb, i)
            .into_iter()
            .map(|r| r.nh.clone())
            .collect();
        if !rt6_dump_route(k, skb, cb, rt, &siblings, filter) {
            cb.args[ARG_WALKING] = 1;
            cb.args[ARG_DONE_IN_TABLE] = i as i64;
            return 1;
        }
        // A multipath route is dumped once, with its siblings: the walk goes on after the
        // last of them (`fib6_dump_node`).
        i = if group.len() > 1 {
            group[group.len() - 1].max(i) + 1
        } else {
            i + 1
        };
    }
    cb.args[ARG_WALKING] = 0;
    cb.args[ARG_DONE_IN_TABLE] = 0;
    0
}

/// `inet6_dump_fib`: with strict checking the request is checked (`ip_valid_fib_dump_req`),
/// else only its RTM_F_PREFIX is taken; a table asked for is dumped alone (one that does
/// not exist is ENOENT for a PF_INET6 request, "FIB table does not exist", and nothing for
/// a dump of every family); otherwise every table, by hash bucket. Where the release walks
/// under RCU it returns 1 while more is to come and 0 at the end (with
/// RTNL_FLAG_DUMP_SPLIT_NLM_DONE); before, the length written, so a last part that wrote
/// nothing ends the dump (NLMSG_DONE alone either way).
pub fn inet6_dump_fib(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let res = dump_fib(k, skb, cb)?;
    if res < 0 || k.has(crate::profile::Feature::Inet6DumpFibSplitNlmDone) {
        return Ok(res);
    }
    Ok(skb.len() as i32)
}

/// The walk of [`inet6_dump_fib`]: 1 when the buffer filled, 0 at the end, or an error.
fn dump_fib(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    let mut filter = FibDumpFilter {
        dump_routes: true,
        dump_exceptions: true,
        ..Default::default()
    };
    if cb.strict_check {
        if let Err(e) = ip_valid_fib_dump_req(k, cb, &mut filter) {
            return Ok(e.as_neg());
        }
    } else if let Some(h) = cb
        .nlh
        .get(NLMSG_HDRLEN..)
        .and_then(|p| nltwin_wire::rtmsg::Repr::parse_bytes(p).ok())
    {
        if h.flags & RTM_F_PREFIX != 0 {
            filter.flags = RTM_F_PREFIX;
        }
    }
    if filter.table_id != 0 {
        if k.net(cb.net).ipv6.fib6.table(filter.table_id).is_none() {
            if cb.request().payload().first().copied() != Some(AF_INET6) {
                return Ok(0);
            }
            cb.extack.msg = Some("ipv6: FIB table does not exist".into());
            return Ok(Errno::ENOENT.as_neg());
        }
        if cb.args[ARG_HASH] == 0 {
            let err = fib6_dump_table(k, skb, cb, filter.table_id, &filter);
            if err == 0 {
                cb.args[ARG_HASH] = 1;
            }
            return Ok(err);
        }
        return Ok(0);
    }
    let mut ids: Vec<u32> = k
        .net(cb.net)
        .ipv6
        .fib6
        .tables
        .iter()
        .map(|t| t.id)
        .collect();
    ids.sort_by_key(|id| id % FIB6_TABLE_HASHSZ);
    let s_h = cb.args[ARG_HASH] as u32;
    let mut s_id = cb.args[ARG_ID] as u32;
    for id in ids {
        let h = id % FIB6_TABLE_HASHSZ;
        if h < s_h || (s_id != 0 && id != s_id) {
            continue;
        }
        s_id = 0;
        cb.args[ARG_ID] = i64::from(id);
        cb.args[ARG_HASH] = i64::from(h);
        let err = fib6_dump_table(k, skb, cb, id, &filter);
        if err != 0 {
            return Ok(err);
        }
    }
    cb.args[ARG_HASH] = i64::from(FIB6_TABLE_HASHSZ);
    Ok(0)
}

/// `fib6_init` and `ip6_route_init`'s rtnetlink part: the PF_INET6 RTM_GETROUTE dump
/// (RTNL_FLAG_DUMP_SPLIT_NLM_DONE where the release has it) and its lookup, RTM_NEWROUTE and
/// RTM_DELROUTE ([`crate::ip6_route`]).
pub fn ip6_route_init(k: &mut Kernel) {
    use crate::rtnetlink::{rtnl_register, RTNL_FLAG_DUMP_SPLIT_NLM_DONE};
    let flags = if k.has(crate::profile::Feature::Inet6DumpFibSplitNlmDone) {
        RTNL_FLAG_DUMP_SPLIT_NLM_DONE
    } else {
        0
    };
    rtnl_register(
        k,
        AF_INET6,
        RTM_GETROUTE,
        Some(crate::ip6_route::inet6_rtm_getroute),
        Some(inet6_dump_fib),
        flags,
    );
    crate::ip6_route::ip6_route_register(k);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(dst: [u8; 16], dst_len: u8, metric: u32, gw: Option<[u8; 16]>) -> Fib6Info {
        Fib6Info {
            id: 0,
            table: RT6_TABLE_MAIN,
            dst,
            dst_len,
            metric,
            protocol: 3,
            ty: 1,
            flags: RTF_UP,
            nh: Fib6Nh::new(3, gw, 0),
            prefsrc: None,
            metrics: Default::default(),
        }
    }

    fn addr(head: &[u8]) -> [u8; 16] {
        let mut a = [0u8; 16];
        a[..head.len()].copy_from_slice(head);
        a
    }

    #[test]
    fn a_node_exists_for_routes_intermediate_branches_and_the_root_only() {
        // 2001:db8:1::/64 and 2001:db8:3::/64 branch at bit 46 under 2001:db8::/46.
        let tb = Fib6Table {
            id: RT6_TABLE_MAIN,
            routes: vec![
                route(addr(&[0x20, 0x01, 0x0d, 0xb8, 0, 1]), 64, 1024, None),
                route(addr(&[0x20, 0x01, 0x0d, 0xb8, 0, 3]), 64, 1024, None),
            ],
        };
        let base = addr(&[0x20, 0x01, 0x0d, 0xb8]);
        assert!(fib6_node_exists(
            &tb,
            &addr(&[0x20, 0x01, 0x0d, 0xb8, 0, 1]),
            64
        ));
        assert!(fib6_node_exists(&tb, &base, 46));
        assert!(!fib6_node_exists(&tb, &base, 45));
        assert!(!fib6_node_exists(
            &tb,
            &addr(&[0x20, 0x01, 0x0d, 0xb8, 0, 2]),
            64
        ));
        assert!(fib6_node_exists(&tb, &[0; 16], 0));
    }

    #[test]
    fn only_gateway_routes_not_from_router_advertisements_may_be_siblings() {
        let gw = Some(addr(&[
            0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ]));
        assert!(rt6_qualify_for_ecmp(&route([0; 16], 0, 1024, gw)));
        assert!(!rt6_qualify_for_ecmp(&route([0; 16], 0, 1024, None)));
        let mut ra = route([0; 16], 0, 1024, gw);
        ra.flags |= RTF_ADDRCONF;
        assert!(!rt6_qualify_for_ecmp(&ra));
        assert!(rt6_duplicate_nexthop(
            &route([0; 16], 0, 1, gw),
            &route([0; 16], 0, 2, gw)
        ));
        assert!(!rt6_duplicate_nexthop(
            &route([0; 16], 0, 1, gw),
            &route([0; 16], 0, 1, None)
        ));
    }

    fn fe80(n: u8) -> Option<[u8; 16]> {
        let mut a = [0u8; 16];
        a[0] = 0xfe;
        a[1] = 0x80;
        a[15] = n;
        Some(a)
    }

    #[test]
    fn siblings_are_the_nodes_ecmp_routes_of_one_metric_listed_from_the_next() {
        let p9 = addr(&[0x20, 0x01, 0x0d, 0xb8, 0, 9]);
        let p8 = addr(&[0x20, 0x01, 0x0d, 0xb8, 0, 8]);
        let mut routes = vec![
            route(p8, 64, 1024, fe80(9)),
            route(p9, 64, 1024, fe80(1)),
            route(p9, 64, 1024, None),
            route(p9, 64, 1024, fe80(2)),
            route(p9, 64, 1024, fe80(3)),
            route(p9, 64, 2048, fe80(4)),
        ];
        for (i, r) in routes.iter_mut().enumerate() {
            r.id = i as u64 + 1;
        }
        routes[4].flags |= RTF_ADDRCONF;
        let tb = Fib6Table {
            id: RT6_TABLE_MAIN,
            routes,
        };
        assert_eq!(node_range(&tb, 3), 1..6);
        assert_eq!(node_range(&tb, 0), 0..1);
        // The device route and the one from a router advertisement are no siblings; the
        // other metric is another group; the list goes round from the route asked about.
        assert_eq!(rt6_group(&tb, 1), vec![1, 3]);
        let ids = |at| {
            rt6_siblings(&tb, at)
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(1), vec![4]);
        assert_eq!(ids(3), vec![2]);
        assert!(ids(2).is_empty() && ids(4).is_empty() && ids(5).is_empty());
        assert!(ids(0).is_empty());
    }

    #[test]
    fn upper_bounds_split_2_to_the_31_by_live_weight() {
        assert_eq!(
            rt6_upper_bounds(&[(1, false), (3, false)]),
            vec![(1 << 29) - 1, i32::MAX]
        );
        assert_eq!(
            rt6_upper_bounds(&[(1, false), (3, true), (1, false)]),
            vec![(1 << 30) - 1, -1, i32::MAX]
        );
        // 2^31 / 3, rounded to the closest.
        assert_eq!(
            rt6_upper_bounds(&[(1, false), (1, false), (1, false)]),
            vec![715827882, 1431655764, i32::MAX]
        );
    }

    #[test]
    fn a_multipath_route_fills_one_rta_multipath_with_each_weight_and_flags() {
        let rt = route(addr(&[0x20, 0x01, 0x0d, 0xb8, 0, 9]), 64, 1024, fe80(1));
        let mut sib = Fib6Nh::new(5, fe80(2), RTNH_F_DEAD | RTNH_F_LINKDOWN);
        sib.weight = 4;
        let mut skb = SkBuff::alloc_skb(NLMSG_HDRLEN + rt6_nlmsg_size(1));
        let (k, _) = Kernel::sandboxed(1);
        rt6_fill_node(&k, &mut skb, &rt, &[sib], RTM_NEWROUTE, 0, 0, 0).expect("fits");
        let msg = skb.data();
        let attrs = nltwin_wire::nla::Attrs::new(&msg[NLMSG_HDRLEN + 12..]);
        assert!(attrs.clone().find(RTA_OIF).is_none());
        assert!(attrs.clone().find(RTA_GATEWAY).is_none());
        let mp = attrs.find(RTA_MULTIPATH).expect("RTA_MULTIPATH");
        let nhs: Vec<_> = nltwin_wire::uapi::route::rtnexthop::walk(mp.payload()).collect();
        assert_eq!(nhs.len(), 2);
        assert_eq!((nhs[0].flags, nhs[0].hops, nhs[0].ifindex), (0, 0, 3));
        assert_eq!((nhs[1].flags, nhs[1].hops, nhs[1].ifindex), (0x11, 3, 5));
        assert_eq!(nhs[1].attrs.len(), 20);
        // The next hops' flags are theirs, not the message's.
        assert_eq!(u32::from_ne_bytes(msg[24..28].try_into().unwrap()), 0);
    }

    #[test]
    fn router_preference_decodes_high_above_medium_above_low() {
        assert_eq!(ipv6_decode_pref(1 << 27), 3);
        assert_eq!(ipv6_decode_pref(0), 2);
        assert_eq!(ipv6_decode_pref(3 << 27), 1);
        assert_eq!(ipv6_decode_pref(2 << 27), 0);
    }
}
