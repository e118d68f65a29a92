//! The routes addrconf makes and removes for addresses and devices (`net/ipv6/addrconf.c`):
//! an address's local route (`addrconf_f6i_alloc`, inserted once the address is announced
//! valid), its prefix route (`addrconf_prefix_route`, found again by
//! `addrconf_get_prefix_route`, removed by `cleanup_prefix_route` when no other permanent
//! address of the device keeps the prefix), a device's multicast route
//! (`addrconf_add_mroute`), and the routes of permanent addresses restored as a device comes
//! up (`addrconf_permanent_addr`). The tables themselves are [`crate::ip6_fib`].

use super::ifaddr::Inet6Ifaddr;
use crate::errno::SysResult;
use crate::ip6_fib::{
    fib6_del, ipv6_addr_prefix, Fib6Config, Fib6Info, IP6_RT_PRIO_ADDRCONF, RT6_TABLE_LOCAL,
    RT6_TABLE_MAIN, RTF_ANYCAST, RTF_LOCAL, RTF_NONEXTHOP, RTF_UP,
};
use crate::kernel::{Kernel, NetId};
use crate::uapi::if_addr::{IFA_F_NOPREFIXROUTE, IFA_F_PERMANENT};
use crate::uapi::rtnetlink::{RTN_LOCAL, RTN_MULTICAST, RTN_UNICAST, RTPROT_KERNEL};

/// `RTF_DEFAULT`, `RTF_ADDRCONF`: routes learnt from router advertisements, which
/// `addrconf_get_prefix_route` passes over (the model makes none).
const RTF_DEFAULT: u32 = 0x0001_0000;

/// `addrconf_f6i_alloc` (not anycast): the local route of `addr` on the device, in table
/// local, metric 0, made even on a device that is down; not inserted yet.
pub fn addrconf_f6i_alloc(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    addr: &[u8; 16],
) -> SysResult<Fib6Info> {
    let cfg = Fib6Config {
        table: RT6_TABLE_LOCAL,
        metric: 0,
        ifindex,
        dst: *addr,
        dst_len: 128,
        flags: RTF_UP | RTF_NONEXTHOP | RTF_LOCAL,
        protocol: RTPROT_KERNEL,
        ty: RTN_LOCAL,
        ignore_dev_down: true,
        gateway: None,
        prefsrc: None,
        mx: None,
    };
    crate::ip6_route::ip6_route_info_create(k, net, &cfg, &mut Default::default())
}

/// `addrconf_prefix_route` without expiry: a unicast route of the prefix through the device
/// in table main, metric `metric` or IP6_RT_PRIO_ADDRCONF; failures (the device down, the
/// same route already there) are silent, as in the kernel.
pub fn addrconf_prefix_route(
    k: &mut Kernel,
    net: NetId,
    pfx: &[u8; 16],
    plen: u8,
    metric: u32,
    ifindex: u32,
) -> SysResult<()> {
    let cfg = Fib6Config {
        table: RT6_TABLE_MAIN,
        metric: if metric != 0 {
            metric
        } else {
            IP6_RT_PRIO_ADDRCONF
        },
        ifindex,
        dst: *pfx,
        dst_len: plen,
        flags: RTF_UP,
        protocol: RTPROT_KERNEL,
        ty: RTN_UNICAST,
        ignore_dev_down: false,
        gateway: None,
        prefsrc: None,
        mx: None,
    };
    match crate::ip6_route::ip6_route_add(k, net, &cfg, None, &mut Default::default()) {
        Err(crate::errno::SysError::Unimplemented(u)) => {
            Err(crate::errno::SysError::Unimplemented(u))
        }
        _ => Ok(()),
    }
}

/// `addrconf_add_mroute`: ff00::/8 through the device in table local, a multicast route of
/// metric IP6_RT_PRIO_ADDRCONF (failures silent).
pub fn addrconf_add_mroute(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let mut dst = [0u8; 16];
    dst[0] = 0xff;
    let cfg = Fib6Config {
        table: RT6_TABLE_LOCAL,
        metric: IP6_RT_PRIO_ADDRCONF,
        ifindex,
        dst,
        dst_len: 8,
        flags: RTF_UP,
        protocol: RTPROT_KERNEL,
        ty: RTN_MULTICAST,
        ignore_dev_down: false,
        gateway: None,
        prefsrc: None,
        mx: None,
    };
    match crate::ip6_route::ip6_route_add(k, net, &cfg, None, &mut Default::default()) {
        Err(crate::errno::SysError::Unimplemented(u)) => {
            Err(crate::errno::SysError::Unimplemented(u))
        }
        _ => Ok(()),
    }
}

/// `addrconf_get_prefix_route` (no flags wanted, RTF_DEFAULT refused, no gateway): the first
/// route of exactly that prefix in table main through the device.
pub fn addrconf_get_prefix_route(
    k: &Kernel,
    net: NetId,
    pfx: &[u8; 16],
    plen: u8,
    ifindex: u32,
) -> Option<u64> {
    let dst = ipv6_addr_prefix(pfx, plen);
    k.net(net)
        .ipv6
        .fib6
        .table(RT6_TABLE_MAIN)?
        .routes
        .iter()
        .find(|r| {
            r.dst_len == plen
                && r.dst == dst
                && r.nh.dev == ifindex
                && r.nh.gw.is_none()
                && r.flags & (RTF_DEFAULT | RTF_ANYCAST) == 0
        })
        .map(|r| r.id)
}

/// What `check_cleanup_prefix_route` decides for the prefix route of an address going.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CleanupPrefixRt {
    /// `CLEANUP_PREFIX_RT_NOP`: another permanent (or prefix-route-less) address of the
    /// prefix keeps it.
    Nop,
    /// `CLEANUP_PREFIX_RT_DEL`.
    Del,
    /// `CLEANUP_PREFIX_RT_EXPIRE`: only addresses with finite lifetimes share it (the route
    /// is set to expire with them: not modeled).
    Expire,
}

/// `check_cleanup_prefix_route` for the address `ifp` among the device's `others`.
pub fn check_cleanup_prefix_route<'a>(
    ifp: &Inet6Ifaddr,
    others: impl Iterator<Item = &'a Inet6Ifaddr>,
) -> CleanupPrefixRt {
    let mut action = CleanupPrefixRt::Del;
    let own = ipv6_addr_prefix(&ifp.addr, ifp.prefix_len);
    for a in others.filter(|a| a.id != ifp.id) {
        if a.prefix_len != ifp.prefix_len || ipv6_addr_prefix(&a.addr, ifp.prefix_len) != own {
            continue;
        }
        if a.flags & (IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE) != 0 {
            return CleanupPrefixRt::Nop;
        }
        action = CleanupPrefixRt::Expire;
    }
    action
}

/// `cleanup_prefix_route`: the address's prefix route deleted (`del_rt`), or set to expire
/// (not modeled: `unimplemented`).
pub fn cleanup_prefix_route(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ifp: &Inet6Ifaddr,
    action: CleanupPrefixRt,
) -> SysResult<()> {
    let Some(id) = addrconf_get_prefix_route(k, net, &ifp.addr, ifp.prefix_len, ifindex) else {
        return Ok(());
    };
    match action {
        CleanupPrefixRt::Nop => Ok(()),
        CleanupPrefixRt::Del => fib6_del(k, net, id, None).or_else(ignore_errno),
        CleanupPrefixRt::Expire => Err(crate::errno::unimplemented(
            "an IPv6 prefix route set to expire with the addresses left on its prefix",
        )),
    }
}

/// An errno the kernel's caller ignores (`ip6_del_rt`, `ip6_ins_rt` results), while
/// `unimplemented` still stops the model.
pub fn ignore_errno(e: crate::errno::SysError) -> SysResult<()> {
    match e {
        crate::errno::SysError::Unimplemented(_) => Err(e),
        _ => Ok(()),
    }
}

/// `addrconf_permanent_addr` (`fixup_permanent_addr` for each permanent address, in list
/// order): a local route made again when the address has none in a table, the prefix route
/// unless IFA_F_NOPREFIXROUTE, and DAD started for an address waiting for it (PREDAD).
pub fn addrconf_permanent_addr(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(idev) = k.dev(net, ifindex).and_then(|d| d.ip6_ptr.as_ref()) else {
        return Ok(());
    };
    let ids: Vec<u32> = idev
        .addr_list
        .iter()
        .filter(|a| a.flags & IFA_F_PERMANENT != 0)
        .map(|a| a.id)
        .collect();
    for id in ids {
        let Some(a) = super::ifaddr::ifa(k, net, ifindex, id).cloned() else {
            continue;
        };
        let linked =
            a.rt.as_ref()
                .is_some_and(|r| k.net(net).ipv6.fib6.linked(r.id));
        if !linked {
            let rt = addrconf_f6i_alloc(k, net, ifindex, &a.addr)?;
            if let Some(ifp) = super::ifaddr::ifa_mut(k, net, ifindex, id) {
                ifp.rt = Some(rt);
            }
        }
        if a.flags & IFA_F_NOPREFIXROUTE == 0 {
            addrconf_prefix_route(k, net, &a.addr, a.prefix_len, a.rt_priority, ifindex)?;
        }
        if a.state == super::IfaState::Predad {
            super::dad::addrconf_dad_start(k, net, ifindex, id);
        }
    }
    Ok(())
}
