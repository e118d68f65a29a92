//! Route information (`net/ipv4/fib_semantics.c`): `struct fib_info` with its next hops,
//! the route message (`fib_dump_info`), its notification (`rtmsg_fib`) and what device state
//! does to next hops (`fib_sync_down_dev`, `fib_sync_up`).

use super::trie::FibConfig;
use crate::af_netlink::NetlinkExtAck;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::metrics::{rtnetlink_put_metrics, Metrics, TCP_CA_NAME_MAX};
use crate::rtnetlink::notify::{rtnl_notify, Report};
use crate::skbuff::SkBuff;
use crate::uapi::netlink::nla_align;
use crate::uapi::netlink::{nlmsg_align, NLMSG_HDRLEN};
use crate::uapi::route::rtnexthop;
use crate::uapi::route::*;
use crate::uapi::rtnetlink::RTNLGRP_IPV4_ROUTE;
use nltwin_wire::nla::Attrs;
use nltwin_wire::rtmsg;

/// `RTNH_COMPARE_MASK`: next-hop flags that do not tell two routes apart.
pub(crate) const RTNH_COMPARE_MASK: u32 =
    RTNH_F_DEAD | RTNH_F_LINKDOWN | RTNH_F_OFFLOAD | RTNH_F_TRAP;

/// A next hop (`struct fib_nh`): the device, the gateway (0: none) and its flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FibNh {
    /// `fib_nh_oif` (and `fib_nh_dev`'s index).
    pub(crate) oif: u32,
    /// `fib_nh_gw4` (0: a device route).
    pub(crate) gw: u32,
    /// `fib_nh_flags` (`RTNH_F_*`).
    pub(crate) flags: u32,
    /// `fib_nh_scope`.
    pub(crate) scope: u8,
    /// `fib_nh_weight`: `rtnh_hops` plus one (1 for a route with one next hop).
    pub(crate) weight: u32,
    /// `fib_nh_upper_bound`: where this next hop's share of the multipath hash space ends
    /// (`fib_rebalance`; -1 for a dead one).
    pub(crate) upper_bound: i32,
    /// `nh_tclassid`: the realms (RTA_FLOW; 0 without CONFIG_IP_ROUTE_CLASSID).
    pub(crate) tclassid: u32,
}

impl FibNh {
    /// A next hop through `oif` via `gw` with the request's flags, weight 1.
    pub(crate) fn new(oif: u32, gw: u32, flags: u32) -> FibNh {
        FibNh {
            oif,
            gw,
            flags,
            scope: 0,
            weight: 1,
            upper_bound: 0,
            tclassid: 0,
        }
    }
}

/// What a route says beyond its key (`struct fib_info`); the kernel shares equal ones
/// (`fib_find_info` through `fib_info_hash`), the model keeps a copy per route and compares
/// by value ([`FibInfo::same`]); what changes one (device events) changes every copy alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FibInfo {
    /// `fib_protocol`.
    pub(crate) protocol: u8,
    /// `fib_scope`.
    pub(crate) scope: u8,
    /// `fib_flags`.
    pub(crate) flags: u32,
    /// `fib_priority`.
    pub(crate) priority: u32,
    /// `fib_prefsrc`.
    pub(crate) prefsrc: u32,
    /// `fib_metrics` (all zero: `dst_default_metrics`).
    pub(crate) metrics: Metrics,
    /// `fib_nh[]`: one, or the multipath set in the request's order (`fib_nhs` of them).
    pub(crate) nhs: Vec<FibNh>,
}

impl FibInfo {
    /// `fib_info_num_path`.
    pub(crate) fn num_path(&self) -> usize {
        self.nhs.len()
    }

    /// `fib_info_nh(fi, 0)`: the first next hop.
    pub(crate) fn nh0(&self) -> &FibNh {
        &self.nhs[0]
    }

    /// `fib_find_info`'s comparison: the same number of next hops, equal header fields and
    /// metrics, flags equal but for `RTNH_COMPARE_MASK`, and `nh_comp`: each next hop's
    /// device, gateway, scope, weight, realms and flags (but for the mask) equal.
    pub(crate) fn same(&self, o: &FibInfo) -> bool {
        self.nhs.len() == o.nhs.len()
            && self.protocol == o.protocol
            && self.scope == o.scope
            && (self.flags ^ o.flags) & !RTNH_COMPARE_MASK == 0
            && self.priority == o.priority
            && self.prefsrc == o.prefsrc
            && self.metrics == o.metrics
            && self.nhs.iter().zip(&o.nhs).all(|(a, b)| {
                a.oif == b.oif
                    && a.gw == b.gw
                    && a.scope == b.scope
                    && a.weight == b.weight
                    && a.tclassid == b.tclassid
                    && (a.flags ^ b.flags) & !RTNH_COMPARE_MASK == 0
            })
    }
}

/// `fib_rebalance`: with two next hops or more, each live one's upper bound is its running
/// share of the live weights scaled to 2^31 (rounded to the closest), less one; dead ones
/// (and all, when no weight is live) get -1. `ip_ignore_linkdown` is off in the modeled
/// namespaces, so LINKDOWN next hops keep their share.
pub(crate) fn fib_rebalance(fi: &mut FibInfo) {
    if fi.nhs.len() < 2 {
        return;
    }
    let total: u64 = fi
        .nhs
        .iter()
        .filter(|nh| nh.flags & RTNH_F_DEAD == 0)
        .map(|nh| u64::from(nh.weight))
        .sum();
    let mut w: u64 = 0;
    for nh in &mut fi.nhs {
        nh.upper_bound = if total == 0 || nh.flags & RTNH_F_DEAD != 0 {
            -1
        } else {
            w += u64::from(nh.weight);
            // DIV_ROUND_CLOSEST_ULL((u64)w << 31, total) - 1.
            ((((w << 31) + total / 2) / total) - 1) as i32
        };
    }
}

/// One route as `fib_dump_info` is given it (`struct fib_rt_info`).
pub(crate) struct FibRtInfo<'a> {
    pub(crate) fi: &'a FibInfo,
    pub(crate) tb_id: u32,
    /// `dst`, host order.
    pub(crate) dst: u32,
    pub(crate) dst_len: u8,
    pub(crate) dscp: u8,
    pub(crate) ty: u8,
}

use crate::nlattr::nla_total_size;

/// `fib_nexthop_nlmsg_size` of an IPv4 next hop without lwtunnel state: its gateway, and its
/// device unless `skip_oif`.
fn fib_nexthop_nlmsg_size(nh: &FibNh, skip_oif: bool) -> usize {
    let mut n = 0;
    if nh.gw != 0 {
        n += nla_total_size(4);
    }
    if !skip_oif && nh.oif != 0 {
        n += nla_total_size(4);
    }
    n
}

/// `fib_nlmsg_size`: the room a notification is allocated with (no lwtunnel, no nexthop
/// object, no class ids): the fixed attributes and the metrics' room, one next hop's
/// attributes or the RTA_MULTIPATH nest of them all.
pub(crate) fn fib_nlmsg_size(fi: &FibInfo) -> usize {
    let mut payload = nlmsg_align(rtmsg::LEN)
        + nla_total_size(4) * 4
        + nla_total_size(TCP_CA_NAME_MAX)
        + nla_total_size(RTAX_MAX * nla_total_size(4));
    let nhs = fi.num_path();
    let mut mpsize = 0;
    for nh in &fi.nhs {
        let mut nhsize = fib_nexthop_nlmsg_size(nh, nhs != 1);
        if nhs != 1 {
            nhsize += nla_align(rtnexthop::LEN);
        }
        if nh.tclassid != 0 {
            nhsize += nla_total_size(4);
        }
        if nhs != 1 {
            mpsize += nhsize;
        } else {
            payload += nhsize;
        }
    }
    if nhs != 1 {
        payload += nla_total_size(mpsize);
    }
    payload
}

/// `fib_nexthop_info` of an IPv4 next hop: RTA_GATEWAY, RTA_OIF unless `skip_oif`; the
/// flags it adds to `flags` (DEAD, LINKDOWN, ONLINK, OFFLOAD, TRAP).
fn fib_nexthop_info(
    skb: &mut SkBuff,
    nh: &FibNh,
    flags: &mut u32,
    skip_oif: bool,
) -> Result<(), Errno> {
    if nh.flags & RTNH_F_DEAD != 0 {
        *flags |= RTNH_F_DEAD;
    }
    if nh.flags & RTNH_F_LINKDOWN != 0 {
        // `ip_ignore_linkdown` is off in the modeled namespaces: LINKDOWN is not DEAD.
        *flags |= RTNH_F_LINKDOWN;
    }
    if nh.gw != 0 {
        skb.nla_put(RTA_GATEWAY, &nh.gw.to_be_bytes())?;
    }
    *flags |= nh.flags & (RTNH_F_ONLINK | RTNH_F_OFFLOAD | RTNH_F_TRAP);
    if !skip_oif && nh.oif != 0 {
        skb.nla_put_u32(RTA_OIF, nh.oif)?;
    }
    Ok(())
}

/// `fib_add_nexthop`: a `struct rtnexthop` (weight less one as the hops, the device, the
/// next hop's flags) followed by its attributes, its length covering them.
fn fib_add_nexthop(skb: &mut SkBuff, nh: &FibNh) -> Result<(), Errno> {
    let at = skb.len();
    skb.put(rtnexthop::LEN)?;
    let mut flags = 0u32;
    fib_nexthop_info(skb, nh, &mut flags, true)?;
    if nh.tclassid != 0 {
        skb.nla_put_u32(RTA_FLOW, nh.tclassid)?;
    }
    let len = (skb.len() - at) as u16;
    let b = &mut skb.as_mut_slice()[at..at + rtnexthop::LEN];
    b[0..2].copy_from_slice(&len.to_ne_bytes());
    b[2] = flags as u8;
    b[3] = nh.weight.wrapping_sub(1) as u8;
    b[4..8].copy_from_slice(&nh.oif.to_ne_bytes());
    Ok(())
}

/// `fib_add_multipath`: the RTA_MULTIPATH nest of every next hop.
fn fib_add_multipath(skb: &mut SkBuff, fi: &FibInfo) -> Result<(), Errno> {
    let mp = skb.nla_nest_start_noflag(RTA_MULTIPATH)?;
    for nh in &fi.nhs {
        fib_add_nexthop(skb, nh)?;
    }
    skb.nla_nest_end(mp);
    Ok(())
}

/// `fib_dump_info`: one RTM_NEWROUTE/DELROUTE message; its table the id (RT_TABLE_COMPAT
/// above 255, RTA_TABLE always); the metrics; one next hop's attributes with its flags as the
/// header's (DEAD, LINKDOWN, ONLINK), or RTA_MULTIPATH with the route's own flags.
pub(crate) fn fib_dump_info(
    k: &Kernel,
    skb: &mut SkBuff,
    portid: u32,
    seq: u32,
    event: u16,
    fri: &FibRtInfo<'_>,
    flags: u16,
) -> Result<(), Errno> {
    let mark = skb.len();
    let at = skb.nlmsg_put(portid, seq, event, rtmsg::LEN, flags)?;
    let fi = fri.fi;
    let r = (|| {
        skb.nla_put_u32(RTA_TABLE, fri.tb_id)?;
        if fri.dst_len != 0 {
            skb.nla_put(RTA_DST, &fri.dst.to_be_bytes())?;
        }
        if fi.priority != 0 {
            skb.nla_put_u32(RTA_PRIORITY, fi.priority)?;
        }
        rtnetlink_put_metrics(k, skb, &fi.metrics)?;
        if fi.prefsrc != 0 {
            skb.nla_put(RTA_PREFSRC, &fi.prefsrc.to_be_bytes())?;
        }
        if fi.num_path() == 1 {
            let mut nhflags = 0u32;
            fib_nexthop_info(skb, fi.nh0(), &mut nhflags, false)?;
            if fi.nh0().tclassid != 0 {
                skb.nla_put_u32(RTA_FLOW, fi.nh0().tclassid)?;
            }
            Ok::<u32, Errno>(nhflags)
        } else {
            fib_add_multipath(skb, fi)?;
            Ok(fi.flags)
        }
    })();
    let rtm_flags = match r {
        Ok(f) => f,
        Err(e) => {
            skb.trim(mark);
            return Err(e);
        }
    };
    let hdr = rtmsg::Repr {
        family: crate::uapi::socket::AF_INET,
        dst_len: fri.dst_len,
        src_len: 0,
        tos: fri.dscp,
        table: if fri.tb_id < 256 {
            fri.tb_id as u8
        } else {
            RT_TABLE_COMPAT
        },
        protocol: fi.protocol,
        scope: fi.scope,
        route_type: fri.ty,
        flags: rtm_flags,
    };
    skb.nlmsg_data_mut(at)[..rtmsg::LEN].copy_from_slice(&hdr.to_bytes());
    skb.nlmsg_end(at);
    Ok(())
}

/// `rtmsg_fib`: the route to RTNLGRP_IPV4_ROUTE, stamped with the request it answers.
pub(crate) fn rtmsg_fib(
    k: &mut Kernel,
    net: NetId,
    event: u16,
    fri: &FibRtInfo<'_>,
    report: Option<Report<'_>>,
    nlm_flags: u16,
) -> SysResult<()> {
    let mut skb = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + fib_nlmsg_size(fri.fi)));
    fib_dump_info(
        k,
        &mut skb,
        report.map_or(0, |r| r.portid),
        report.map_or(0, |r| r.nlh.seq()),
        event,
        fri,
        nlm_flags,
    )?;
    rtnl_notify(k, net, skb, RTNLGRP_IPV4_ROUTE, report)
}

/// Which device event `fib_sync_down_dev` handles.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncEvent {
    /// NETDEV_CHANGE: carrier off.
    Change,
    /// NETDEV_DOWN.
    Down,
    /// NETDEV_UNREGISTER.
    Unregister,
}

/// `fib_sync_down_dev`: the next hops through the device go LINKDOWN (and DEAD when it goes
/// down or away), those of host scope only when forced; a route whose next hops are all dead
/// that way (any of them on an unregistering device) takes the flags itself. Returns how
/// many routes died; each route's hash shares are rebalanced.
pub(crate) fn fib_sync_down_dev(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ev: SyncEvent,
    force: bool,
) -> usize {
    let mut ret = 0;
    let down = matches!(ev, SyncEvent::Down | SyncEvent::Unregister);
    for fi in k.net_mut(net).fib.infos_mut() {
        if !fi.nhs.iter().any(|nh| nh.oif == ifindex) {
            continue;
        }
        let nhs = fi.nhs.len();
        let mut dead = 0;
        for nh in &mut fi.nhs {
            if nh.flags & RTNH_F_DEAD != 0 {
                dead += 1;
            } else if nh.oif == ifindex && (force || nh.scope != RT_SCOPE_NOWHERE) {
                if down {
                    nh.flags |= RTNH_F_DEAD;
                }
                nh.flags |= RTNH_F_LINKDOWN;
                dead += 1;
            }
            if ev == SyncEvent::Unregister && nh.oif == ifindex {
                dead = nhs;
                break;
            }
        }
        if dead == nhs {
            if down {
                fi.flags |= RTNH_F_DEAD;
            }
            fi.flags |= RTNH_F_LINKDOWN;
            ret += 1;
        }
        fib_rebalance(fi);
    }
    ret
}

/// `fib_sync_up`: the next hops through the device lose `nh_flags` (a device up also loses
/// LINKDOWN when it runs or has carrier); a route with a next hop alive loses them too.
pub(crate) fn fib_sync_up(k: &mut Kernel, net: NetId, ifindex: u32, mut nh_flags: u32) {
    let Some(dev) = k.dev(net, ifindex) else {
        return;
    };
    if !dev.is_up() {
        return;
    }
    if nh_flags & RTNH_F_DEAD != 0 {
        let f = dev.dev_get_flags();
        if f & (crate::uapi::if_::IFF_RUNNING | crate::uapi::if_::IFF_LOWER_UP) != 0 {
            nh_flags |= RTNH_F_LINKDOWN;
        }
    }
    let has_in_dev = dev.ip_ptr.is_some();
    // Which of the devices the routes through this one also use are up (the other next
    // hops of multipath routes); nothing to look at without such routes.
    let mut up = std::collections::BTreeSet::new();
    for fi in k.net(net).fib.infos() {
        if fi.nhs.iter().any(|nh| nh.oif == ifindex) {
            for nh in &fi.nhs {
                if k.dev(net, nh.oif).is_some_and(|d| d.is_up()) {
                    up.insert(nh.oif);
                }
            }
        }
    }
    for fi in k.net_mut(net).fib.infos_mut() {
        if !fi.nhs.iter().any(|nh| nh.oif == ifindex) {
            continue;
        }
        let mut alive = 0;
        for nh in &mut fi.nhs {
            if nh.flags & nh_flags == 0 {
                alive += 1;
                continue;
            }
            if nh.oif == 0 || !up.contains(&nh.oif) {
                continue;
            }
            if nh.oif != ifindex || !has_in_dev {
                continue;
            }
            alive += 1;
            nh.flags &= !nh_flags;
        }
        if alive > 0 {
            fi.flags &= !nh_flags;
        }
        fib_rebalance(fi);
    }
}

/// One next hop of an RTA_MULTIPATH payload as the kernel reads it: the `struct rtnexthop`
/// and its attributes (offset of the attributes within the request, for reading them).
pub(crate) struct Rtnh<'a> {
    pub(crate) flags: u8,
    pub(crate) hops: u8,
    pub(crate) ifindex: i32,
    pub(crate) attrs: &'a [u8],
}

/// The next hops `rtnh_ok` lets through, and what `rtnh_next` leaves of the payload after
/// them (`remaining`; above 0: bytes that are not a next hop).
pub(crate) fn rtnh_walk(mp: &[u8]) -> (Vec<Rtnh<'_>>, isize) {
    let mut remaining = mp.len() as isize;
    let v: Vec<Rtnh<'_>> = rtnexthop::walk(mp)
        .map(|n| {
            remaining -= nla_align(rtnexthop::LEN + n.attrs.len()) as isize;
            Rtnh {
                flags: n.flags,
                hops: n.hops,
                ifindex: n.ifindex,
                attrs: n.attrs,
            }
        })
        .collect();
    (v, remaining)
}

/// `fib_count_nexthops`: how many next hops; 0 (with "Invalid nexthop configuration - extra
/// data after nexthops") when bytes follow them.
pub(crate) fn fib_count_nexthops(mp: &[u8], extack: &mut NetlinkExtAck) -> usize {
    let (v, remaining) = rtnh_walk(mp);
    if remaining > 0 {
        extack.msg = Some("Invalid nexthop configuration - extra data after nexthops".into());
        return 0;
    }
    v.len()
}

/// A next hop's gateway from its attributes (`fib_get_nhs` and `fib_nh_match` read the same
/// ones with `nla_find`): RTA_GATEWAY or RTA_VIA, not both.
fn rtnh_gateway(attrs: &[u8], extack: &mut NetlinkExtAck) -> SysResult<u32> {
    let find = |t: u16| Attrs::new(attrs).find(t);
    let (nla, nlav) = (find(RTA_GATEWAY), find(RTA_VIA));
    if nla.is_some() && nlav.is_some() {
        extack.msg = Some("Nexthop configuration can not contain both GATEWAY and VIA".into());
        return Err(Errno::EINVAL.into());
    }
    let mut gw = 0;
    if let Some(a) = nla {
        gw = fib_gw_from_attr(a.payload(), extack)?;
    } else if let Some(a) = nlav {
        gw = fib_gw_from_via(a.payload(), extack)?;
    }
    Ok(gw)
}

/// `fib_gw_from_via`: a `struct rtvia` (family, address) whose address fits its family
/// ("Invalid attribute length for RTA_VIA", "Invalid IPv4 address in RTA_VIA", "Invalid IPv6
/// address in RTA_VIA", "Unsupported address family in RTA_VIA"). An IPv4 gateway is what
/// RTA_GATEWAY would give; an IPv6 one (`fib_check_nh_v6_gw` through IPv6's routes) and the
/// zero address (a gateway family without a gateway) are not modeled.
pub(crate) fn fib_gw_from_via(b: &[u8], extack: &mut NetlinkExtAck) -> SysResult<u32> {
    let fail = |extack: &mut NetlinkExtAck, m: &str| -> SysResult<u32> {
        extack.msg = Some(m.into());
        Err(Errno::EINVAL.into())
    };
    let Some(family) = b.get(..2).and_then(nltwin_wire::scalar::get_u16) else {
        return fail(extack, "Invalid attribute length for RTA_VIA");
    };
    let addr = &b[2..];
    if family == u16::from(crate::uapi::socket::AF_INET) {
        let Ok(a) = <[u8; 4]>::try_from(addr) else {
            return fail(extack, "Invalid IPv4 address in RTA_VIA");
        };
        let gw = u32::from_be_bytes(a);
        if gw == 0 {
            return Err(crate::errno::unimplemented(
                "RTA_VIA with the IPv4 address 0.0.0.0 (a gateway family without a gateway)",
            ));
        }
        Ok(gw)
    } else if family == u16::from(crate::uapi::socket::AF_INET6) {
        if addr.len() != 16 {
            return fail(extack, "Invalid IPv6 address in RTA_VIA");
        }
        Err(crate::errno::unimplemented(
            "an IPv6 gateway (RTA_VIA) for an IPv4 route (fib_check_nh_v6_gw)",
        ))
    } else {
        fail(extack, "Unsupported address family in RTA_VIA")
    }
}

/// `fib_gw_from_attr`: at least four bytes ("Invalid IPv4 address in RTA_GATEWAY").
fn fib_gw_from_attr(b: &[u8], extack: &mut NetlinkExtAck) -> SysResult<u32> {
    match b.get(..4) {
        Some(b) => Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
        None => {
            extack.msg = Some("Invalid IPv4 address in RTA_GATEWAY".into());
            Err(Errno::EINVAL.into())
        }
    }
}

/// The next-hop flags a request may carry that the model follows: ONLINK (checked by
/// `fib_check_nh_v4_gw`) and PERVASIVE (refused without a gateway).
pub(crate) const RTNH_F_MODELED: u32 = RTNH_F_ONLINK | RTNH_F_PERVASIVE;

/// `fib_get_nhs`: each next hop from its `struct rtnexthop` (no DEAD or LINKDOWN: "Invalid
/// flags for nexthop - can not contain DEAD or LINKDOWN"; the request's flags above the low
/// byte with the next hop's own; its device; its gateway; its weight, `rtnh_hops` plus one);
/// then the first must agree with RTA_OIF ("Nexthop device index does not match RTA_OIF")
/// and RTA_GATEWAY ("Nexthop gateway does not match RTA_GATEWAY or RTA_VIA").
#[allow(clippy::too_many_arguments)]
pub(crate) fn fib_get_nhs(
    mp: &[u8],
    cfg_flags: u32,
    cfg_oif: u32,
    cfg_gw: u32,
    cfg_flow: u32,
    classid: bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<Vec<FibNh>> {
    let (walk, _) = rtnh_walk(mp);
    let mut nhs = Vec::with_capacity(walk.len());
    for rtnh in &walk {
        if u32::from(rtnh.flags) & (RTNH_F_DEAD | RTNH_F_LINKDOWN) != 0 {
            extack.msg =
                Some("Invalid flags for nexthop - can not contain DEAD or LINKDOWN".into());
            return Err(Errno::EINVAL.into());
        }
        let flags = (cfg_flags & !0xff) | u32::from(rtnh.flags);
        let mut gw = 0;
        let mut flow = 0;
        if !rtnh.attrs.is_empty() {
            gw = rtnh_gateway(rtnh.attrs, extack)?;
            if let Some(a) = Attrs::new(rtnh.attrs).find(RTA_FLOW) {
                let Some(v) = a.payload().get(..4).and_then(nltwin_wire::scalar::get_u32) else {
                    extack.msg = Some("Invalid RTA_FLOW".into());
                    return Err(Errno::EINVAL.into());
                };
                flow = v;
            }
            if Attrs::new(rtnh.attrs).find(RTA_ENCAP).is_some() {
                return Err(crate::errno::unimplemented(
                    "RTA_ENCAP (lightweight tunnels) in a next hop of an IPv4 multipath route",
                ));
            }
        }
        if flags & !RTNH_F_MODELED != 0 {
            return Err(crate::errno::unimplemented(
                "next-hop flags other than RTNH_F_ONLINK and RTNH_F_PERVASIVE",
            ));
        }
        nhs.push(FibNh {
            weight: u32::from(rtnh.hops) + 1,
            // `fib_nh_init`: the realm is kept only with CONFIG_IP_ROUTE_CLASSID.
            tclassid: if classid { flow } else { 0 },
            ..FibNh::new(rtnh.ifindex as u32, gw, flags)
        });
    }
    let nh = &nhs[0];
    if cfg_oif != 0 && nh.oif != cfg_oif {
        extack.msg = Some("Nexthop device index does not match RTA_OIF".into());
        return Err(Errno::EINVAL.into());
    }
    if cfg_gw != 0 && nh.gw != cfg_gw {
        extack.msg = Some("Nexthop gateway does not match RTA_GATEWAY or RTA_VIA".into());
        return Err(Errno::EINVAL.into());
    }
    if classid && cfg_flow != 0 && nh.tclassid != cfg_flow {
        extack.msg = Some("Nexthop class id does not match RTA_FLOW".into());
        return Err(Errno::EINVAL.into());
    }
    Ok(nhs)
}

/// `fib_nh_match`: whether a delete request names this route (`Ok(true)`): its priority if
/// given; a device or gateway (and realm) compared with the first next hop; else each next
/// hop of RTA_MULTIPATH against the route's in order (a device, gateway, realm if given). An
/// error (a malformed next hop) matches nothing.
pub(crate) fn fib_nh_match(
    cfg: &FibConfig,
    fi: &FibInfo,
    classid: bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<bool> {
    if cfg.priority != 0 && cfg.priority != fi.priority {
        return Ok(false);
    }
    if cfg.oif != 0 || cfg.gw != 0 {
        let nh = fi.nh0();
        if classid && cfg.flow != 0 && cfg.flow != nh.tclassid {
            return Ok(false);
        }
        return Ok((cfg.oif == 0 || cfg.oif == nh.oif) && (cfg.gw == 0 || cfg.gw == nh.gw));
    }
    let Some(mp) = &cfg.mp else {
        return Ok(true);
    };
    let mp = &cfg.req[mp.clone()];
    let (walk, _) = rtnh_walk(mp);
    for (i, nh) in fi.nhs.iter().enumerate() {
        let Some(rtnh) = walk.get(i) else {
            return Err(Errno::EINVAL.into());
        };
        if rtnh.ifindex != 0 && rtnh.ifindex as u32 != nh.oif {
            return Ok(false);
        }
        if !rtnh.attrs.is_empty() {
            let attrs = Attrs::new(rtnh.attrs);
            if attrs.clone().find(RTA_GATEWAY).is_some() || attrs.clone().find(RTA_VIA).is_some() {
                let gw = rtnh_gateway(rtnh.attrs, extack)?;
                if nh.gw == 0 || gw != nh.gw {
                    return Ok(false);
                }
            }
            if let Some(a) = attrs.find(RTA_FLOW).filter(|_| classid) {
                let Some(v) = a.payload().get(..4).and_then(nltwin_wire::scalar::get_u32) else {
                    extack.msg = Some("Invalid RTA_FLOW".into());
                    return Err(Errno::EINVAL.into());
                };
                if v != nh.tclassid {
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fi(weights: &[(u32, u32)]) -> FibInfo {
        FibInfo {
            protocol: 3,
            scope: 0,
            flags: 0,
            priority: 0,
            prefsrc: 0,
            metrics: [0; RTAX_MAX],
            nhs: weights
                .iter()
                .map(|&(w, f)| FibNh {
                    weight: w,
                    ..FibNh::new(2, 0, f)
                })
                .collect(),
        }
    }

    #[test]
    fn rebalance_shares_the_hash_space_by_live_weight() {
        let mut f = fi(&[(2, 0), (1, 0)]);
        fib_rebalance(&mut f);
        // 2/3 of 2^31 rounded, less one; the last live one ends the space.
        assert_eq!(f.nhs[0].upper_bound, 1_431_655_764);
        assert_eq!(f.nhs[1].upper_bound, i32::MAX);
        let mut f = fi(&[(2, RTNH_F_DEAD), (1, RTNH_F_LINKDOWN)]);
        fib_rebalance(&mut f);
        assert_eq!((f.nhs[0].upper_bound, f.nhs[1].upper_bound), (-1, i32::MAX));
        let mut f = fi(&[(1, RTNH_F_DEAD), (1, RTNH_F_DEAD)]);
        fib_rebalance(&mut f);
        assert_eq!((f.nhs[0].upper_bound, f.nhs[1].upper_bound), (-1, -1));
    }

    #[test]
    fn next_hops_counted_and_extra_data_refused() {
        let nh = [8u8, 0, 0, 1, 3, 0, 0, 0];
        let mut ext = NetlinkExtAck::default();
        let mut two = nh.to_vec();
        two.extend_from_slice(&nh);
        assert_eq!(fib_count_nexthops(&two, &mut ext), 2);
        assert!(ext.msg.is_none());
        two.extend_from_slice(&[4, 0, 0, 0]);
        assert_eq!(fib_count_nexthops(&two, &mut ext), 0);
        assert!(ext.msg.unwrap().contains("extra data after nexthops"));
        // A last next hop whose padding is missing leaves nothing over.
        let mut ext = NetlinkExtAck::default();
        let short = [10u8, 0, 0, 0, 3, 0, 0, 0, 1, 2];
        assert_eq!(fib_count_nexthops(&short, &mut ext), 1);
    }
}
