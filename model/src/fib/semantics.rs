//! Route information (`net/ipv4/fib_semantics.c`): `struct fib_info` with its one next hop,
//! the route message (`fib_dump_info`), its notification (`rtmsg_fib`) and what device state
//! does to next hops (`fib_sync_down_dev`, `fib_sync_up`).

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::rtnetlink::notify::{rtnl_notify, Report};
use crate::skbuff::SkBuff;
use crate::uapi::netlink::{nlmsg_align, NLMSG_HDRLEN};
use crate::uapi::route::*;
use crate::uapi::rtnetlink::RTNLGRP_IPV4_ROUTE;
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
}

/// What a route says beyond its key (`struct fib_info`); the kernel shares equal ones
/// (`fib_find_info`), the model compares by value ([`FibInfo::same`]).
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
    /// `fib_nh[0]`: the model's routes have one next hop.
    pub(crate) nh: FibNh,
}

impl FibInfo {
    /// `fib_find_info`'s comparison: equal but for the flags of `RTNH_COMPARE_MASK`.
    pub(crate) fn same(&self, o: &FibInfo) -> bool {
        self.protocol == o.protocol
            && self.scope == o.scope
            && (self.flags ^ o.flags) & !RTNH_COMPARE_MASK == 0
            && self.priority == o.priority
            && self.prefsrc == o.prefsrc
            && self.nh.oif == o.nh.oif
            && self.nh.gw == o.nh.gw
            && (self.nh.flags ^ o.nh.flags) & !RTNH_COMPARE_MASK == 0
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

/// `TCP_CA_NAME_MAX`.
const TCP_CA_NAME_MAX: usize = 16;

/// `fib_nlmsg_size`: the room a notification is allocated with (one next hop, no lwtunnel,
/// no nexthop object).
pub(crate) fn fib_nlmsg_size(fi: &FibInfo) -> usize {
    let mut payload = nlmsg_align(rtmsg::LEN)
        + nla_total_size(4) * 4
        + nla_total_size(TCP_CA_NAME_MAX)
        + nla_total_size(RTAX_MAX * nla_total_size(4));
    if fi.nh.gw != 0 {
        payload += nla_total_size(4);
    }
    if fi.nh.oif != 0 {
        payload += nla_total_size(4);
    }
    payload
}

/// `fib_dump_info`: one RTM_NEWROUTE/DELROUTE message; the header's flags are the next hop's
/// (DEAD, LINKDOWN, ONLINK), its table the id (RT_TABLE_COMPAT above 255, RTA_TABLE always).
pub(crate) fn fib_dump_info(
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
        // No metrics: `rtnetlink_put_metrics` cancels its empty nest.
        if fi.prefsrc != 0 {
            skb.nla_put(RTA_PREFSRC, &fi.prefsrc.to_be_bytes())?;
        }
        // `fib_nexthop_info`.
        let nh = &fi.nh;
        let mut nhflags = 0u32;
        if nh.flags & RTNH_F_DEAD != 0 {
            nhflags |= RTNH_F_DEAD;
        }
        if nh.flags & RTNH_F_LINKDOWN != 0 {
            // `ip_ignore_linkdown` is off in the modeled namespaces.
            nhflags |= RTNH_F_LINKDOWN;
        }
        if nh.gw != 0 {
            skb.nla_put(RTA_GATEWAY, &nh.gw.to_be_bytes())?;
        }
        nhflags |= nh.flags & (RTNH_F_ONLINK | RTNH_F_OFFLOAD | RTNH_F_TRAP);
        if nh.oif != 0 {
            skb.nla_put_u32(RTA_OIF, nh.oif)?;
        }
        Ok::<u32, Errno>(nhflags)
    })();
    let nhflags = match r {
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
        flags: nhflags,
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
/// down or away), routes of host scope only when forced; returns how many routes died.
pub(crate) fn fib_sync_down_dev(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ev: SyncEvent,
    force: bool,
) -> usize {
    let mut ret = 0;
    for fi in k.net_mut(net).fib.infos_mut() {
        if fi.nh.oif != ifindex {
            continue;
        }
        // One next hop: it is the one on the device.
        let mut dead = 0;
        if fi.nh.flags & RTNH_F_DEAD != 0 {
            dead += 1;
        } else if force || fi.nh.scope != RT_SCOPE_NOWHERE {
            if matches!(ev, SyncEvent::Down | SyncEvent::Unregister) {
                fi.nh.flags |= RTNH_F_DEAD;
            }
            fi.nh.flags |= RTNH_F_LINKDOWN;
            dead += 1;
        }
        if ev == SyncEvent::Unregister {
            dead = 1;
        }
        if dead == 1 {
            if matches!(ev, SyncEvent::Down | SyncEvent::Unregister) {
                fi.flags |= RTNH_F_DEAD;
            }
            fi.flags |= RTNH_F_LINKDOWN;
            ret += 1;
        }
    }
    ret
}

/// `fib_sync_up`: the next hops through the device lose `nh_flags` (a device up also loses
/// LINKDOWN when it runs or has carrier).
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
    for fi in k.net_mut(net).fib.infos_mut() {
        if fi.nh.oif != ifindex {
            continue;
        }
        let mut alive = 0;
        if fi.nh.flags & nh_flags == 0 {
            alive += 1;
        } else if has_in_dev {
            alive += 1;
            fi.nh.flags &= !nh_flags;
        }
        if alive > 0 {
            fi.flags &= !nh_flags;
        }
    }
}
