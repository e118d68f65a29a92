//! The IPv4 FIB's front end (`net/ipv4/fib_frontend.c`): each namespace's tables (`local`
//! 255 and `main` 254, made on first use, others on demand), the routes IPv4 addresses make
//! and remove (`fib_add_ifaddr`, `fib_del_ifaddr` through `fib_magic`), what device events do
//! to routes (`fib_netdev_event`: up re-adds the addresses' routes, down and unregistering
//! flush the routes through the device without a message, carrier marks next hops
//! LINKDOWN), and the PF_INET RTM_GETROUTE dump (`inet_dump_fib`). The tables' insides are
//! in [`trie`], route information and messages in [`semantics`].
//!
//! RTM_NEWROUTE and RTM_DELROUTE (`inet_rtm_newroute`, `inet_rtm_delroute`) for routes with
//! one next hop or several (RTA_MULTIPATH): a device, a gateway checked against the routes
//! (or on the link with RTNH_F_ONLINK), or none for the error types; metrics (RTA_METRICS,
//! [`crate::metrics`]); the RTM_GETROUTE doit (`ip route get`) in [`route`]. Not modeled (they
//! answer `unimplemented`): an IPv6 RTA_VIA, encapsulation, nexthop objects, gateway lookups
//! through custom rules; route exceptions (the route cache) and VRF tables do not arise.

pub(crate) mod route;
pub(crate) mod semantics;
pub(crate) mod trie;

use crate::af_netlink::{NetlinkCallback, NetlinkExtAck};
use crate::devinet::ifaddr::InIfaddr;
use crate::errno::{Errno, SysError, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Validate};
use crate::profile::Feature;
use crate::skbuff::SkBuff;
use crate::uapi::fib_rules::{RTPROT_KERNEL, RT_TABLE_LOCAL, RT_TABLE_MAIN};
use crate::uapi::if_::{IFF_LOOPBACK, IFF_LOWER_UP, IFF_RUNNING};
use crate::uapi::if_addr::{IFA_F_NOPREFIXROUTE, IFA_F_SECONDARY};
use crate::uapi::netlink::{NLMSG_HDRLEN, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP_FILTERED};
use crate::uapi::route::RTAX_MAX;
use crate::uapi::route::*;
use crate::uapi::rtnetlink::{RTM_DELROUTE, RTM_NEWROUTE};
use nltwin_wire::rtmsg;
use semantics::{fib_sync_down_dev, fib_sync_up, FibInfo, FibNh, SyncEvent};
use trie::{FibConfig, FibDumpFilter, FibTable};

/// `FIB_TABLE_HASHSZ` with multiple tables: tables hash by the id's low byte.
const FIB_TABLE_HASHSZ: u32 = 256;

/// A namespace's FIB (`net->ipv4.fib_table_hash`).
#[derive(Debug, Default)]
pub struct NetFib {
    /// The tables, in the order they were made.
    tables: Vec<FibTable>,
    /// The next hops' cached output routes (`nhc_pcpu_rth_output`, of the model's one CPU),
    /// by the route information and the index of the next hop that holds them; only valid
    /// ones are kept
    /// ([`route::rt_cache_flush`]).
    pub(crate) rth_output: Vec<(FibInfo, usize, crate::skbuff::DstRef)>,
}

impl NetFib {
    /// `fib_get_table`.
    pub(crate) fn table(&self, id: u32) -> Option<&FibTable> {
        self.tables.iter().find(|t| t.id == id)
    }

    pub(crate) fn table_mut(&mut self, id: u32) -> Option<&mut FibTable> {
        self.tables.iter_mut().find(|t| t.id == id)
    }

    /// Every route's information (the kernel's `fib_info` lists).
    pub(crate) fn infos(&self) -> impl Iterator<Item = &FibInfo> {
        self.tables
            .iter()
            .flat_map(|t| t.leaves.values().flat_map(|l| l.iter()))
            .map(|fa| &fa.info)
    }

    /// Every route's information, to change (the kernel's `fib_info` lists).
    pub(crate) fn infos_mut(&mut self) -> impl Iterator<Item = &mut FibInfo> {
        self.tables
            .iter_mut()
            .flat_map(|t| t.leaves.values_mut().flat_map(|l| l.iter_mut()))
            .map(|fa| &mut fa.info)
    }

    /// The tables in hash order: by bucket (the id's low byte), the newest first in each.
    fn hash_order(&self) -> Vec<u32> {
        let mut order: Vec<(u32, usize, u32)> = self
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id & (FIB_TABLE_HASHSZ - 1), usize::MAX - i, t.id))
            .collect();
        order.sort();
        order.into_iter().map(|(_, _, id)| id).collect()
    }
}

/// `ip_fib_init`: the route handlers (RTM_NEWROUTE, RTM_DELROUTE, the dump; with
/// `ip_rt_init`'s RTM_GETROUTE doit, [`route::inet_rtm_getroute`]) and the notifier.
pub fn ip_fib_init(k: &mut Kernel) {
    const PF_INET: u8 = crate::uapi::socket::AF_INET;
    let flags = if k.has(Feature::InetDumpFibRcu) {
        crate::rtnetlink::RTNL_FLAG_DUMP_SPLIT_NLM_DONE
    } else {
        0
    };
    use crate::uapi::rtnetlink::RTM_GETROUTE;
    crate::rtnetlink::rtnl_register(k, PF_INET, RTM_NEWROUTE, Some(inet_rtm_newroute), None, 0);
    crate::rtnetlink::rtnl_register(k, PF_INET, RTM_DELROUTE, Some(inet_rtm_delroute), None, 0);
    // `ip_rt_init` registers the doit (`inet_rtm_getroute`) in the same entry.
    crate::rtnetlink::rtnl_register(
        k,
        PF_INET,
        RTM_GETROUTE,
        Some(inet_rtm_getroute),
        Some(inet_dump_fib),
        flags,
    );
    crate::dev::register_netdevice_notifier(
        k,
        crate::dev::NotifierBlock {
            priority: 0,
            notifier_call: fib_netdev_event,
        },
    );
}

/// `fib_new_table`: the table, made when missing (the local table, while no custom rules
/// exist, is made with the main table whose trie it shares).
fn fib_new_table(k: &mut Kernel, net: NetId, id: u32) -> u32 {
    let id = if id == 0 { RT_TABLE_MAIN } else { id };
    if k.net(net).fib.table(id).is_some() {
        return id;
    }
    // The local table shares main's trie while the rules are the defaults (the kernel's
    // `fib_has_custom_rules`, which stays set once a rule was added or deleted; the model
    // compares the rules with the defaults instead).
    if id == RT_TABLE_LOCAL && default_rules_only(k, net) {
        fib_new_table(k, net, RT_TABLE_MAIN);
    }
    let n = k.net_mut(net);
    n.fib.tables.push(FibTable {
        id,
        ..Default::default()
    });
    n.rules.fib4_tables.insert(id);
    id
}

/// `fib_get_table`, counting the tables rules made (`fib_empty_table`), which hold no route.
fn fib_table_exists(k: &Kernel, net: NetId, id: u32) -> bool {
    k.net(net).fib.table(id).is_some() || k.net(net).rules.fib4_tables.contains(&id)
}

/// `fib_magic`: a route of the kernel's own for an address: RTN_UNICAST in main, the others
/// in local; host scope for RTN_LOCAL, link scope otherwise; the source is the primary
/// address's. Its failures (the route exists, or is gone) are silent.
#[allow(clippy::too_many_arguments)]
fn fib_magic(
    k: &mut Kernel,
    net: NetId,
    cmd: u16,
    ty: u8,
    dst: u32,
    dst_len: u8,
    prim: &InIfaddr,
    ifindex: u32,
    rt_priority: u32,
) -> SysResult<()> {
    let tb_id = if ty == RTN_UNICAST {
        RT_TABLE_MAIN
    } else {
        RT_TABLE_LOCAL
    };
    let tb_id = fib_new_table(k, net, tb_id);
    let cfg = FibConfig {
        protocol: RTPROT_KERNEL,
        ty,
        dst,
        dst_len,
        priority: rt_priority,
        prefsrc: prim.local,
        oif: ifindex,
        nlflags: NLM_F_CREATE | NLM_F_APPEND,
        table: tb_id,
        scope: if ty != RTN_LOCAL {
            RT_SCOPE_LINK
        } else {
            RT_SCOPE_HOST
        },
        ..Default::default()
    };
    let r = if cmd == RTM_NEWROUTE {
        match fib_create_info(k, net, &cfg) {
            Ok(fi) => trie::fib_table_insert(k, net, &cfg, fi, None),
            Err(e) => Err(e.into()),
        }
    } else {
        trie::fib_table_delete(k, net, &cfg, None, &mut NetlinkExtAck::default())
    };
    match r {
        Err(SysError::Errno(_)) | Ok(()) => Ok(()),
        Err(e) => Err(e),
    }
}

/// `fib_create_info` for the routes `fib_magic` makes: a host route's next hop has no scope
/// and only needs the device; the others go through `fib_check_nh_nongw` (ENODEV, ENETDOWN
/// for a device that is not up; LINKDOWN without carrier).
fn fib_create_info(k: &Kernel, net: NetId, cfg: &FibConfig) -> Result<FibInfo, Errno> {
    let mut fi = FibInfo {
        protocol: cfg.protocol,
        scope: cfg.scope,
        flags: cfg.flags,
        priority: cfg.priority,
        prefsrc: cfg.prefsrc,
        metrics: [0; RTAX_MAX],
        nhs: vec![FibNh::new(cfg.oif, cfg.gw, 0)],
    };
    let dev = k.dev(net, cfg.oif).ok_or(Errno::ENODEV)?;
    let nh = &mut fi.nhs[0];
    if cfg.scope == RT_SCOPE_HOST {
        nh.scope = RT_SCOPE_NOWHERE;
    } else {
        if dev.ip_ptr.is_none() {
            return Err(Errno::ENODEV);
        }
        if !dev.is_up() {
            return Err(Errno::ENETDOWN);
        }
        nh.scope = RT_SCOPE_HOST;
        if !dev.carrier {
            nh.flags |= RTNH_F_LINKDOWN;
            fi.flags |= RTNH_F_LINKDOWN;
        }
    }
    Ok(fi)
}

/// `ipv4_is_zeronet`.
fn ipv4_is_zeronet(a: u32) -> bool {
    a >> 24 == 0
}

/// `inet_ifa_match`.
fn inet_ifa_match(addr: u32, ifa: &InIfaddr) -> bool {
    (addr ^ ifa.address) & ifa.mask == 0
}

/// The same address (the kernel compares pointers; an address is unique on its device by
/// its local address and subnet).
fn same_ifa(a: &InIfaddr, b: &InIfaddr) -> bool {
    a.local == b.local && a.address == b.address && a.mask == b.mask
}

/// The device's addresses and whether its `in_device` is dying.
fn ifa_list(k: &Kernel, net: NetId, ifindex: u32) -> (Vec<InIfaddr>, bool) {
    k.dev(net, ifindex)
        .and_then(|d| d.ip_ptr.as_ref())
        .map_or((Vec::new(), true), |i| (i.ifa_list.clone(), i.dead))
}

/// `inet_ifa_byprefix`: the first address of the subnet.
fn inet_ifa_byprefix(list: &[InIfaddr], prefix: u32, mask: u32) -> Option<InIfaddr> {
    list.iter()
        .find(|a| a.mask == mask && inet_ifa_match(prefix, a))
        .cloned()
}

/// `fib_add_ifaddr`: the address's local route; on a device that is up, its explicit
/// broadcast, and for a primary its prefix route (unless IFA_F_NOPREFIXROUTE; RTN_LOCAL on
/// loopback) and the subnet's broadcast (below /31).
pub(crate) fn fib_add_ifaddr(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ifa: &InIfaddr,
) -> SysResult<()> {
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let (up, lo) = (dev.is_up(), dev.flags & IFF_LOOPBACK != 0);
    let (list, _) = ifa_list(k, net, ifindex);
    let mask = ifa.mask;
    let addr = ifa.local;
    let prefix = ifa.address & mask;
    let prim = if ifa.flags & IFA_F_SECONDARY != 0 {
        match inet_ifa_byprefix(&list, prefix, mask) {
            Some(p) => p,
            None => return Ok(()),
        }
    } else {
        ifa.clone()
    };
    fib_magic(k, net, RTM_NEWROUTE, RTN_LOCAL, addr, 32, &prim, ifindex, 0)?;
    if !up {
        return Ok(());
    }
    if ifa.broadcast != 0 && ifa.broadcast != u32::MAX {
        fib_magic(
            k,
            net,
            RTM_NEWROUTE,
            RTN_BROADCAST,
            ifa.broadcast,
            32,
            &prim,
            ifindex,
            0,
        )?;
        // `arp_invalidate`: the model's ARP table holds no broadcast entry to drop.
    }
    if !ipv4_is_zeronet(prefix)
        && ifa.flags & IFA_F_SECONDARY == 0
        && (prefix != addr || ifa.prefixlen < 32)
    {
        if ifa.flags & IFA_F_NOPREFIXROUTE == 0 {
            let ty = if lo { RTN_LOCAL } else { RTN_UNICAST };
            fib_magic(
                k,
                net,
                RTM_NEWROUTE,
                ty,
                prefix,
                ifa.prefixlen,
                &prim,
                ifindex,
                ifa.rt_priority,
            )?;
        }
        if ifa.prefixlen < 31 {
            fib_magic(
                k,
                net,
                RTM_NEWROUTE,
                RTN_BROADCAST,
                prefix | !mask,
                32,
                &prim,
                ifindex,
                0,
            )?;
        }
    }
    Ok(())
}

/// `fib_modify_prefix_metric`: the prefix route with the new metric comes, then the old
/// one goes.
pub(crate) fn fib_modify_prefix_metric(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ifa: &InIfaddr,
    new_metric: u32,
) -> SysResult<()> {
    let prefix = ifa.address & ifa.mask;
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    if !dev.is_up()
        || ifa.flags & (IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE) != 0
        || ipv4_is_zeronet(prefix)
        || (prefix == ifa.local && ifa.prefixlen == 32)
    {
        return Ok(());
    }
    let ty = if dev.flags & IFF_LOOPBACK != 0 {
        RTN_LOCAL
    } else {
        RTN_UNICAST
    };
    fib_magic(
        k,
        net,
        RTM_NEWROUTE,
        ty,
        prefix,
        ifa.prefixlen,
        ifa,
        ifindex,
        new_metric,
    )?;
    fib_magic(
        k,
        net,
        RTM_DELROUTE,
        ty,
        prefix,
        ifa.prefixlen,
        ifa,
        ifindex,
        ifa.rt_priority,
    )
}

/// `fib_del_ifaddr`: the address's routes go, those another address of the device still
/// needs stay (its local address, broadcasts); a primary's prefix route goes. With the
/// local route gone and no other local route for the address on the device, routes using
/// it as their source die too. `iprim`: a promotion in progress, whose subnet counts as
/// gone.
pub(crate) fn fib_del_ifaddr(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ifa: &InIfaddr,
    iprim: Option<&InIfaddr>,
) -> SysResult<()> {
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let lo = dev.flags & IFF_LOOPBACK != 0;
    let (list, dead) = ifa_list(k, net, ifindex);
    const LOCAL_OK: u32 = 1;
    const BRD_OK: u32 = 2;
    const BRD0_OK: u32 = 4;
    const BRD1_OK: u32 = 8;
    let brd = ifa.address | !ifa.mask;
    let any = ifa.address & ifa.mask;
    let mut ok = 0;
    let mut subnet = false;
    let mut gone = true;
    let mut same_prefsrc = false;
    let mut prim = ifa.clone();
    if ifa.flags & IFA_F_SECONDARY != 0 {
        let Some(p) = inet_ifa_byprefix(&list, any, ifa.mask) else {
            return Ok(());
        };
        if iprim.is_some_and(|ip| !same_ifa(ip, &p)) {
            return Ok(());
        }
        prim = p;
    } else if !ipv4_is_zeronet(any) && (any != ifa.local || ifa.prefixlen < 32) {
        if ifa.flags & IFA_F_NOPREFIXROUTE == 0 {
            let ty = if lo { RTN_LOCAL } else { RTN_UNICAST };
            fib_magic(
                k,
                net,
                RTM_DELROUTE,
                ty,
                any,
                ifa.prefixlen,
                &prim,
                ifindex,
                0,
            )?;
        }
        subnet = true;
    }
    if !dead {
        let mut prim1: Option<InIfaddr> = None;
        for ifa1 in &list {
            if same_ifa(ifa1, ifa) {
                gone = false;
                continue;
            }
            if iprim.is_some_and(|ip| ifa1.mask == ip.mask && inet_ifa_match(ifa1.address, ip)) {
                continue;
            }
            if ifa1.flags & IFA_F_SECONDARY != 0 {
                if ifa1.mask == prim.mask && inet_ifa_match(ifa1.address, &prim) {
                    prim1 = Some(prim.clone());
                } else {
                    if !same_prefsrc {
                        continue;
                    }
                    let keep = prim1
                        .as_ref()
                        .is_some_and(|p1| ifa1.mask == p1.mask && inet_ifa_match(ifa1.address, p1));
                    if !keep {
                        prim1 = inet_ifa_byprefix(&list, ifa1.address, ifa1.mask);
                    }
                    match &prim1 {
                        None => continue,
                        Some(p1) if p1.local != prim.local => continue,
                        _ => {}
                    }
                }
            } else {
                if prim.local != ifa1.local {
                    continue;
                }
                if !same_ifa(&prim, ifa1) {
                    same_prefsrc = true;
                }
                prim1 = Some(ifa1.clone());
            }
            if ifa.local == ifa1.local {
                ok |= LOCAL_OK;
            }
            if ifa.broadcast == ifa1.broadcast {
                ok |= BRD_OK;
            }
            if brd == ifa1.broadcast {
                ok |= BRD1_OK;
            }
            if any == ifa1.broadcast {
                ok |= BRD0_OK;
            }
            if prim1.as_ref().is_some_and(|p1| same_ifa(p1, ifa1)) && ifa1.prefixlen < 31 {
                let brd1 = ifa1.address | !ifa1.mask;
                let any1 = ifa1.address & ifa1.mask;
                if !ipv4_is_zeronet(any1) {
                    if ifa.broadcast == brd1 || ifa.broadcast == any1 {
                        ok |= BRD_OK;
                    }
                    if brd == brd1 || brd == any1 {
                        ok |= BRD1_OK;
                    }
                    if any == brd1 || any == any1 {
                        ok |= BRD0_OK;
                    }
                }
            }
        }
    }
    if ok & BRD_OK == 0 {
        fib_magic(
            k,
            net,
            RTM_DELROUTE,
            RTN_BROADCAST,
            ifa.broadcast,
            32,
            &prim,
            ifindex,
            0,
        )?;
    }
    if subnet && ifa.prefixlen < 31 {
        if ok & BRD1_OK == 0 {
            fib_magic(
                k,
                net,
                RTM_DELROUTE,
                RTN_BROADCAST,
                brd,
                32,
                &prim,
                ifindex,
                0,
            )?;
        }
        if ok & BRD0_OK == 0 {
            fib_magic(
                k,
                net,
                RTM_DELROUTE,
                RTN_BROADCAST,
                any,
                32,
                &prim,
                ifindex,
                0,
            )?;
        }
    }
    if ok & LOCAL_OK == 0 {
        fib_magic(
            k,
            net,
            RTM_DELROUTE,
            RTN_LOCAL,
            ifa.local,
            32,
            &prim,
            ifindex,
            0,
        )?;
        if gone
            && inet_addr_type_dev_table(k, net, ifindex, ifa.local) != RTN_LOCAL
            && fib_sync_down_addr(k, net, ifa.local) > 0
        {
            fib_flush(k, net);
        }
    }
    Ok(())
}

/// `__inet_dev_addr_type`: the zero network and the limited broadcast are broadcast,
/// multicast is multicast; else broadcast without the table, and with it the type of the route
/// the address finds there when it goes through `ifindex` (any device for `None`), else
/// unicast.
fn __inet_dev_addr_type(k: &Kernel, net: NetId, ifindex: Option<u32>, addr: u32, tb_id: u32) -> u8 {
    if addr == u32::MAX || ipv4_is_zeronet(addr) {
        return RTN_BROADCAST;
    }
    if addr >> 28 == 0xe {
        return RTN_MULTICAST;
    }
    let Some(tb) = k.net(net).fib.table(tb_id) else {
        return RTN_BROADCAST;
    };
    let fl = trie::Flow {
        daddr: addr,
        scope: RT_SCOPE_UNIVERSE,
        oif: 0,
    };
    trie::fib_tables_lookup(&[tb], &fl)
        .ok()
        .filter(|r| ifindex.is_none_or(|i| r.oif == i))
        .map_or(RTN_UNICAST, |r| r.ty)
}

/// `inet_addr_type_dev_table`: [`__inet_dev_addr_type`] on the local table for a device.
pub(crate) fn inet_addr_type_dev_table(k: &Kernel, net: NetId, ifindex: u32, addr: u32) -> u8 {
    __inet_dev_addr_type(k, net, Some(ifindex), addr, RT_TABLE_LOCAL)
}

/// `fib_sync_down_addr`: the main table's routes with the address as their source die.
fn fib_sync_down_addr(k: &mut Kernel, net: NetId, local: u32) -> usize {
    if local == 0 {
        return 0;
    }
    let Some(tb) = k.net_mut(net).fib.table_mut(RT_TABLE_MAIN) else {
        return 0;
    };
    let mut n = 0;
    for fa in tb.leaves.values_mut().flat_map(|l| l.iter_mut()) {
        if fa.info.prefsrc == local {
            fa.info.flags |= RTNH_F_DEAD;
            n += 1;
        }
    }
    n
}

/// `fib_flush`: every table drops its dead routes, silently.
fn fib_flush(k: &mut Kernel, net: NetId) {
    let mut flushed = 0;
    for tb in &mut k.net_mut(net).fib.tables {
        flushed += trie::fib_table_flush(tb);
    }
    if flushed > 0 {
        route::rt_cache_flush(k, net);
    }
}

/// `fib_disable_ip`: the device's next hops die (host routes too when forced), and the
/// routes that died go.
fn fib_disable_ip(k: &mut Kernel, net: NetId, ifindex: u32, ev: SyncEvent, force: bool) {
    if fib_sync_down_dev(k, net, ifindex, ev, force) > 0 {
        fib_flush(k, net);
    } else {
        route::rt_cache_flush(k, net);
    }
}

/// What an address change is to `fib_inetaddr_event`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum InetaddrEvent {
    /// NETDEV_UP: an address was added (or promoted).
    Up,
    /// NETDEV_DOWN: an address was removed.
    Down,
}

/// `fib_inetaddr_event`: an added address's routes are made; a removed one's go, and with
/// the device's last address gone every route through it dies. Each counts in
/// `dev_addr_genid`.
pub(crate) fn fib_inetaddr_event(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ifa: &InIfaddr,
    ev: InetaddrEvent,
) -> SysResult<()> {
    match ev {
        InetaddrEvent::Up => {
            fib_add_ifaddr(k, net, ifindex, ifa)?;
            fib_sync_up(k, net, ifindex, RTNH_F_DEAD);
            route::rt_cache_flush(k, net);
        }
        InetaddrEvent::Down => {
            fib_del_ifaddr(k, net, ifindex, ifa, None)?;
            let (list, _) = ifa_list(k, net, ifindex);
            if list.is_empty() {
                fib_disable_ip(k, net, ifindex, SyncEvent::Down, true);
            } else {
                route::rt_cache_flush(k, net);
            }
        }
    }
    let g = &mut k.net_mut(net).ipv4.dev_addr_genid;
    *g = g.wrapping_add(1);
    Ok(())
}

/// `fib_netdev_event`: up, each address's routes are made again; down, the device's routes
/// but host ones die and go; a carrier change marks or clears LINKDOWN.
fn fib_netdev_event(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: crate::dev::NetdevEvent,
) -> SysResult<()> {
    use crate::dev::NetdevEvent;
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    if dev.ip_ptr.is_none() {
        return Ok(());
    }
    match event {
        NetdevEvent::Up => {
            let (list, _) = ifa_list(k, net, ifindex);
            for ifa in &list {
                fib_add_ifaddr(k, net, ifindex, ifa)?;
            }
            fib_sync_up(k, net, ifindex, RTNH_F_DEAD);
            let g = &mut k.net_mut(net).ipv4.dev_addr_genid;
            *g = g.wrapping_add(1);
            route::rt_cache_flush(k, net);
        }
        NetdevEvent::Down => fib_disable_ip(k, net, ifindex, SyncEvent::Down, false),
        NetdevEvent::Change { .. } => {
            if dev.dev_get_flags() & (IFF_RUNNING | IFF_LOWER_UP) != 0 {
                fib_sync_up(k, net, ifindex, RTNH_F_LINKDOWN);
            } else {
                fib_sync_down_dev(k, net, ifindex, SyncEvent::Change, false);
            }
            route::rt_cache_flush(k, net);
        }
        // fib_sync_mtu changes only the next hops' exceptions, which are not modeled.
        NetdevEvent::ChangeMtu => route::rt_cache_flush(k, net),
        _ => {}
    }
    Ok(())
}

/// `fib_netdev_event` at NETDEV_UNREGISTER: every route through the device goes, silently.
pub fn fib_netdev_unregister(k: &mut Kernel, net: NetId, ifindex: u32) {
    fib_disable_ip(k, net, ifindex, SyncEvent::Unregister, true);
}

/// `rtm_ipv4_policy`, up to the release's RTA_MAX (IPv6's route dump parses with it too).
pub(crate) fn rtm_ipv4_policy(k: &Kernel) -> Vec<NlaPolicy> {
    // RTA_MAX grew with RTA_FLOWLABEL, then RTA_DEL_REASON (an attribute past a release's
    // RTA_MAX is "Unknown attribute type" in a strict request, one within it "Unsupported").
    let max = if k.has(Feature::RtaDelReason) {
        RTA_FLOWLABEL + 1
    } else if k.has(Feature::RtaFlowlabel) {
        RTA_FLOWLABEL
    } else {
        RTA_NH_ID
    };
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(max) + 1];
    p[0] = NlaPolicy::strict_start(RTA_DPORT + 1);
    for t in [
        RTA_DST,
        RTA_SRC,
        RTA_IIF,
        RTA_OIF,
        RTA_GATEWAY,
        RTA_PRIORITY,
        RTA_PREFSRC,
        RTA_FLOW,
        RTA_UID,
        RTA_MARK,
        RTA_TABLE,
        RTA_NH_ID,
    ] {
        p[usize::from(t)] = NlaPolicy::of(NlaType::U32);
    }
    p[usize::from(RTA_METRICS)] = NlaPolicy::of(NlaType::Nested);
    p[usize::from(RTA_ENCAP)] = NlaPolicy::of(NlaType::Nested);
    p[usize::from(RTA_MULTIPATH)] = NlaPolicy::with_len(NlaType::Unspec, 8);
    p[usize::from(RTA_ENCAP_TYPE)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(RTA_IP_PROTO)] = NlaPolicy::of(NlaType::U8);
    p[usize::from(RTA_SPORT)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(RTA_DPORT)] = NlaPolicy::of(NlaType::U16);
    p
}

/// `ip_valid_fib_dump_req`: a strict dump request has a whole `rtmsg` with no prefix
/// lengths, TOS or scope, no flags but RTM_F_CLONED and RTM_F_PREFIX; its protocol, type
/// and table filter, and only RTA_TABLE and RTA_OIF (ENODEV for a missing device) may
/// follow.
pub(crate) fn ip_valid_fib_dump_req(
    k: &Kernel,
    net: NetId,
    msg: &[u8],
    filter: &mut FibDumpFilter,
    cb: &mut NetlinkCallback,
) -> Result<(), Errno> {
    let fail = |cb: &mut NetlinkCallback, m: &str| {
        cb.extack.msg = Some(m.into());
        Errno::EINVAL
    };
    let Ok(rtm) = rtmsg::Repr::parse_bytes(msg.get(NLMSG_HDRLEN..).unwrap_or(&[])) else {
        return Err(fail(cb, "Invalid header for FIB dump request"));
    };
    if rtm.dst_len != 0 || rtm.src_len != 0 || rtm.tos != 0 || rtm.scope != 0 {
        return Err(fail(cb, "Invalid values in header for FIB dump request"));
    }
    if rtm.flags & !(RTM_F_CLONED | RTM_F_PREFIX) != 0 {
        return Err(fail(cb, "Invalid flags for FIB dump request"));
    }
    if rtm.flags & RTM_F_CLONED != 0 {
        filter.dump_routes = false;
    } else {
        filter.dump_exceptions = false;
    }
    filter.flags = rtm.flags;
    filter.protocol = rtm.protocol;
    filter.rt_type = rtm.route_type;
    filter.table_id = u32::from(rtm.table);
    let mut extack = NetlinkExtAck::default();
    let tb = nla_parse(
        msg,
        NLMSG_HDRLEN + rtmsg::LEN,
        msg.len(),
        &rtm_ipv4_policy(k),
        Validate::DeprecatedStrict,
        &mut extack,
    );
    let tb = match tb {
        Ok(tb) => tb,
        Err(e) => {
            cb.extack = extack;
            return Err(e);
        }
    };
    for (i, a) in tb.iter().enumerate() {
        let Some(r) = a else { continue };
        let v = nltwin_wire::scalar::get_u32(&msg[r.clone()]).unwrap_or(0);
        match i as u16 {
            RTA_TABLE => filter.table_id = v,
            RTA_OIF => {
                if k.dev(net, v).is_none() {
                    return Err(Errno::ENODEV);
                }
                filter.dev = v;
            }
            _ => return Err(fail(cb, "Unsupported attribute in dump request")),
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

/// The dump's place among the tables: the hash bucket (`args[0]`) and the table in it
/// (`args[1]`).
const ARG_H: usize = 0;
const ARG_E: usize = 1;

/// `inet_dump_fib`: one table (a filter's; ENOENT "FIB table does not exist" in a PF_INET
/// request for a missing one, nothing in an AF_UNSPEC one) or every table in hash order.
/// Since the RCU conversion it returns the error (EMSGSIZE: more to come) with NLMSG_DONE
/// split off by its flag; before, the chunk's length when it holds anything.
pub fn inet_dump_fib(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    let rcu = k.has(Feature::InetDumpFibRcu);
    let finish = |skb: &SkBuff, err: i32| -> SysResult<i32> {
        Ok(if !rcu && !skb.is_empty() {
            skb.len() as i32
        } else {
            err
        })
    };
    let mut filter = FibDumpFilter {
        dump_routes: true,
        dump_exceptions: true,
        ..Default::default()
    };
    let nlh = cb.nlh.clone();
    let net = cb.net;
    if cb.strict_check {
        if let Err(e) = ip_valid_fib_dump_req(k, net, &nlh, &mut filter, cb) {
            return Ok(e.as_neg());
        }
    } else if let Ok(rtm) = rtmsg::Repr::parse_bytes(&nlh[NLMSG_HDRLEN..]) {
        filter.flags = rtm.flags & (RTM_F_PREFIX | RTM_F_CLONED);
    }
    if filter.flags & RTM_F_PREFIX != 0 {
        return finish(skb, 0);
    }
    if filter.table_id != 0 {
        if !fib_table_exists(k, net, filter.table_id) {
            let family = cb.request().payload().first().copied().unwrap_or(0);
            if family != crate::uapi::socket::AF_INET {
                return finish(skb, 0);
            }
            cb.extack.msg = Some("ipv4: FIB table does not exist".into());
            return Ok(Errno::ENOENT.as_neg());
        }
        let Some(tb) = k.net(net).fib.table(filter.table_id).cloned() else {
            return finish(skb, 0);
        };
        let err = match trie::fib_table_dump(k, &tb, skb, cb, &filter) {
            Ok(()) => 0,
            Err(e) => e.as_neg(),
        };
        return finish(skb, err);
    }
    let s_h = cb.args[ARG_H] as u32;
    let mut s_e = cb.args[ARG_E] as usize;
    let order = k.net(net).fib.hash_order();
    let mut dumped = false;
    let mut err = 0;
    let mut h = s_h;
    let mut e = 0usize;
    'buckets: while h < FIB_TABLE_HASHSZ {
        e = 0;
        for id in order.iter().filter(|&&id| id & (FIB_TABLE_HASHSZ - 1) == h) {
            if e >= s_e {
                if dumped {
                    for a in &mut cb.args[2..] {
                        *a = 0;
                    }
                }
                let tb = k.net(net).fib.table(*id).cloned().expect("listed");
                if let Err(x) = trie::fib_table_dump(k, &tb, skb, cb, &filter) {
                    err = x.as_neg();
                    break 'buckets;
                }
                dumped = true;
            }
            e += 1;
        }
        h += 1;
        s_e = 0;
    }
    cb.args[ARG_E] = e as i64;
    cb.args[ARG_H] = i64::from(h);
    finish(skb, err)
}

/// Whether the namespace's IPv4 rules are still the three default ones (the kernel's
/// `fib_has_custom_rules` is false): `fib_lookup` then looks in main (which shares its trie
/// with local) and default directly.
fn default_rules_only(k: &Kernel, net: NetId) -> bool {
    let rules = &k.net(net).rules;
    let Some(ops) = rules
        .rules_ops
        .iter()
        .find(|o| o.tmpl.family == crate::uapi::socket::AF_INET)
    else {
        return true;
    };
    ops.rules_list.len() == 3
        && ops
            .rules_list
            .iter()
            .zip([(0, RT_TABLE_LOCAL), (0x7ffe, RT_TABLE_MAIN), (0x7fff, 253)])
            .all(|(r, (pref, table))| {
                r.pref == pref && r.table == table && r.proto == RTPROT_KERNEL
            })
}

/// `fib_lookup` for a next hop's gateway: with the default rules, main (local's routes
/// included) then default; ENETUNREACH when nothing matches. Through custom rules it is
/// not modeled.
pub(crate) fn fib_lookup(k: &Kernel, net: NetId, fl: &trie::Flow) -> SysResult<trie::FibResult> {
    if !default_rules_only(k, net) {
        return Err(crate::errno::unimplemented(
            "a route lookup through custom IPv4 rules (fib_rules_lookup)",
        ));
    }
    let mut err = Errno::ENETUNREACH;
    for id in [RT_TABLE_MAIN, 253] {
        // Local's routes live in main's trie while no custom rules exist.
        let tables: Vec<&FibTable> = if id == RT_TABLE_MAIN {
            [RT_TABLE_LOCAL, RT_TABLE_MAIN]
                .iter()
                .filter_map(|&t| k.net(net).fib.table(t))
                .collect()
        } else {
            k.net(net).fib.table(id).into_iter().collect()
        };
        if tables.is_empty() {
            continue;
        }
        match trie::fib_tables_lookup(&tables, fl) {
            Ok(r) => return Ok(trie::FibResult { table: id, ..r }),
            Err(Errno::EAGAIN) => err = Errno::ENETUNREACH,
            Err(e) => err = e,
        }
    }
    Err(err.into())
}

/// `fib_check_nh_v4_gw` (without RTNH_F_ONLINK): the gateway must be reachable as a
/// unicast or local route of a scope wider than the route's, through the given device if
/// one is; the next hop takes that route's device and scope. "Nexthop has invalid gateway"
/// otherwise (the lookup's error, or EINVAL); ENETDOWN for a device that is not up.
fn fib_check_nh_v4_gw(
    k: &Kernel,
    net: NetId,
    nh: &mut FibNh,
    table: u32,
    scope: u8,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if nh.flags & RTNH_F_ONLINK != 0 {
        let inval = |extack: &mut NetlinkExtAck, m: &str, e: Errno| -> SysResult<()> {
            extack.msg = Some(m.into());
            Err(e.into())
        };
        if scope >= RT_SCOPE_LINK {
            return inval(extack, "Nexthop has invalid scope", Errno::EINVAL);
        }
        let Some(dev) = k.dev(net, nh.oif) else {
            return inval(extack, "Nexthop device required for onlink", Errno::ENODEV);
        };
        if !dev.is_up() {
            return inval(extack, "Nexthop device is not up", Errno::ENETDOWN);
        }
        let carrier = dev.carrier;
        if inet_addr_type_dev_table(k, net, nh.oif, nh.gw) != RTN_UNICAST {
            return inval(extack, "Nexthop has invalid gateway", Errno::EINVAL);
        }
        if !carrier {
            nh.flags |= RTNH_F_LINKDOWN;
        }
        nh.scope = RT_SCOPE_LINK;
        return Ok(());
    }
    let fl = trie::Flow {
        daddr: nh.gw,
        scope: (scope + 1).max(RT_SCOPE_LINK),
        oif: nh.oif,
    };
    let mut res = None;
    if table != 0 && table != RT_TABLE_MAIN {
        if let Some(tb) = k.net(net).fib.table(table) {
            res = trie::fib_tables_lookup(&[tb], &fl).ok();
        }
    }
    let res = match res {
        Some(r) => r,
        None => match fib_lookup(k, net, &fl) {
            Ok(r) => r,
            Err(SysError::Errno(e)) => {
                extack.msg = Some("Nexthop has invalid gateway".into());
                return Err(e.into());
            }
            Err(e) => return Err(e),
        },
    };
    if res.ty != RTN_UNICAST && res.ty != RTN_LOCAL {
        extack.msg = Some("Nexthop has invalid gateway".into());
        return Err(Errno::EINVAL.into());
    }
    nh.scope = res.scope;
    nh.oif = res.oif;
    let Some(dev) = k.dev(net, res.oif) else {
        extack.msg = Some("No egress device for nexthop gateway".into());
        return Err(Errno::EINVAL.into());
    };
    if !dev.carrier {
        nh.flags |= RTNH_F_LINKDOWN;
    }
    if !dev.is_up() {
        return Err(Errno::ENETDOWN.into());
    }
    Ok(())
}

/// `fib_check_nh_nongw`: a device route needs an IPv4 device (ENODEV) that is up
/// ("Device for nexthop is not up", ENETDOWN); LINKDOWN without carrier.
pub(crate) fn fib_check_nh_nongw(
    k: &Kernel,
    net: NetId,
    nh: &mut FibNh,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if nh.flags & (RTNH_F_PERVASIVE | RTNH_F_ONLINK) != 0 {
        extack.msg = Some("Invalid flags for nexthop - PERVASIVE and ONLINK can not be set".into());
        return Err(Errno::EINVAL.into());
    }
    let dev = k
        .dev(net, nh.oif)
        .filter(|d| d.ip_ptr.is_some())
        .ok_or(Errno::ENODEV)?;
    if !dev.is_up() {
        extack.msg = Some("Device for nexthop is not up".into());
        return Err(Errno::ENETDOWN.into());
    }
    nh.scope = RT_SCOPE_HOST;
    if !dev.carrier {
        nh.flags |= RTNH_F_LINKDOWN;
    }
    Ok(())
}

/// `inet_addr_type_table`: [`__inet_dev_addr_type`] on a table, for any device.
fn inet_addr_type_table(k: &Kernel, net: NetId, addr: u32, tb_id: u32) -> u8 {
    __inet_dev_addr_type(k, net, None, addr, tb_id)
}

/// `fib_valid_prefsrc`: a source must be a local address (in the route's table, or local),
/// except a local route's own address.
fn fib_valid_prefsrc(k: &Kernel, net: NetId, cfg: &FibConfig, prefsrc: u32) -> bool {
    if cfg.ty != RTN_LOCAL || cfg.dst == 0 || prefsrc != cfg.dst {
        let tb_id = if cfg.table == RT_TABLE_MAIN {
            RT_TABLE_LOCAL
        } else {
            cfg.table
        };
        let mut rc = inet_addr_type_table(k, net, prefsrc, tb_id);
        if rc != RTN_LOCAL && tb_id != RT_TABLE_LOCAL {
            rc = inet_addr_type_table(k, net, prefsrc, RT_TABLE_LOCAL);
        }
        return rc == RTN_LOCAL;
    }
    true
}

/// `fib_props[type].scope`: the narrowest scope a route of the type may have.
fn fib_props_scope(ty: u8) -> u8 {
    match ty {
        RTN_LOCAL => RT_SCOPE_HOST,
        RTN_BROADCAST | RTN_MULTICAST => RT_SCOPE_LINK,
        RTN_UNSPEC | RTN_NAT | RTN_XRESOLVE => RT_SCOPE_NOWHERE,
        _ => RT_SCOPE_UNIVERSE,
    }
}

/// `fib_props[type].error` as an errno (`None` for the types that have a next hop).
pub(crate) fn fib_props_error_errno(ty: u8) -> Option<Errno> {
    match ty {
        RTN_BLACKHOLE | RTN_NAT | RTN_XRESOLVE => Some(Errno::EINVAL),
        RTN_UNREACHABLE => Some(Errno::EHOSTUNREACH),
        RTN_PROHIBIT => Some(Errno::EACCES),
        RTN_THROW => Some(Errno::EAGAIN),
        _ => None,
    }
}

/// `fib_props[type].error`: the types that answer with an error rather than a next hop.
fn fib_props_error(ty: u8) -> bool {
    matches!(
        ty,
        RTN_BLACKHOLE | RTN_UNREACHABLE | RTN_PROHIBIT | RTN_THROW | RTN_NAT | RTN_XRESOLVE
    )
}

/// `fib_create_info` for a request: the type's scope, no DEAD or LINKDOWN flags, the next
/// hops counted (`fib_count_nexthops`), the metrics (`ip_fib_metrics_init`), the next hops
/// made (`fib_get_nhs`, or the one of RTA_OIF and RTA_GATEWAY), error routes without gateway,
/// device or next hops, host routes with one next hop and no gateway, each next hop checked
/// (`fib_check_nh`; the route LINKDOWN when all are), the source valid, the weights shared
/// out (`fib_rebalance`).
fn fib_create_info_req(
    k: &Kernel,
    net: NetId,
    cfg: &FibConfig,
    extack: &mut NetlinkExtAck,
) -> SysResult<FibInfo> {
    let inval = |extack: &mut NetlinkExtAck, m: &str| -> SysResult<FibInfo> {
        extack.msg = Some(m.into());
        Err(Errno::EINVAL.into())
    };
    if fib_props_scope(cfg.ty) > cfg.scope {
        return inval(extack, "Invalid scope");
    }
    if cfg.flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN) != 0 {
        return inval(
            extack,
            "Invalid rtm_flags - can not contain DEAD or LINKDOWN",
        );
    }
    let mp = cfg.mp.clone().map(|r| &cfg.req[r]);
    if let Some(mp) = mp {
        if semantics::fib_count_nexthops(mp, extack) == 0 {
            return Err(Errno::EINVAL.into());
        }
    }
    let metrics = crate::metrics::ip_fib_metrics_init(k, &cfg.req, cfg.mx.clone(), extack)?;
    let nhs = match mp {
        Some(mp) => semantics::fib_get_nhs(
            mp,
            cfg.flags,
            cfg.oif,
            cfg.gw,
            cfg.flow,
            k.profile().config.ip_route_classid,
            extack,
        )?,
        None => {
            if cfg.flags & !semantics::RTNH_F_MODELED != 0 {
                return Err(crate::errno::unimplemented(
                    "rtm_flags other than RTNH_F_ONLINK and RTNH_F_PERVASIVE on an IPv4 route \
                     request",
                ));
            }
            vec![FibNh {
                // `fib_nh_init`: the realm is kept only with CONFIG_IP_ROUTE_CLASSID.
                tclassid: if k.profile().config.ip_route_classid {
                    cfg.flow
                } else {
                    0
                },
                ..FibNh::new(cfg.oif, cfg.gw, cfg.flags)
            }]
        }
    };
    let mut fi = FibInfo {
        protocol: cfg.protocol,
        scope: cfg.scope,
        flags: cfg.flags,
        priority: cfg.priority,
        prefsrc: cfg.prefsrc,
        metrics,
        nhs,
    };
    if fib_props_error(cfg.ty) {
        if cfg.gw != 0 || cfg.oif != 0 || cfg.mp.is_some() {
            return inval(
                extack,
                "Gateway, device and multipath can not be specified for this route type",
            );
        }
    } else {
        if !matches!(
            cfg.ty,
            RTN_UNICAST | RTN_LOCAL | RTN_BROADCAST | RTN_ANYCAST | RTN_MULTICAST
        ) {
            return inval(extack, "Invalid route type");
        }
        if cfg.scope > RT_SCOPE_HOST {
            return inval(extack, "Invalid scope");
        }
        if cfg.scope == RT_SCOPE_HOST {
            if fi.num_path() != 1 {
                return inval(
                    extack,
                    "Route with host scope can not have multiple nexthops",
                );
            }
            let nh = &mut fi.nhs[0];
            if nh.gw != 0 {
                return inval(extack, "Route with host scope can not have a gateway");
            }
            nh.scope = RT_SCOPE_NOWHERE;
            if k.dev(net, nh.oif).is_none() {
                return Err(Errno::ENODEV.into());
            }
        } else {
            let mut linkdown = 0;
            for nh in &mut fi.nhs {
                // `fib_check_nh`.
                if nh.gw != 0 {
                    fib_check_nh_v4_gw(k, net, nh, cfg.table, cfg.scope, extack)?;
                } else {
                    fib_check_nh_nongw(k, net, nh, extack)?;
                }
                if nh.flags & RTNH_F_LINKDOWN != 0 {
                    linkdown += 1;
                }
            }
            if linkdown == fi.num_path() {
                fi.flags |= RTNH_F_LINKDOWN;
            }
        }
    }
    if fi.prefsrc != 0 && !fib_valid_prefsrc(k, net, cfg, fi.prefsrc) {
        return inval(extack, "Invalid prefsrc address");
    }
    semantics::fib_rebalance(&mut fi);
    Ok(fi)
}

/// `RTN_MAX`.
const RTN_MAX: u8 = 11;

/// `rtm_to_fib_config`: the request validated liberally against `rtm_ipv4_policy`, the
/// DS field without ECN bits, a known type, the prefix and its length; the table defaults
/// to main; RTA_METRICS and RTA_MULTIPATH kept for `fib_create_info`; RTA_VIA of an IPv4
/// gateway as RTA_GATEWAY. Next hops given by RTA_NH_ID, RTA_ENCAP or an IPv6 RTA_VIA are not
/// modeled.
fn rtm_to_fib_config(
    k: &Kernel,
    nlh: crate::af_netlink::Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<FibConfig> {
    let msg = nlh.bytes();
    let Ok(rtm) = rtmsg::Repr::parse_bytes(msg.get(NLMSG_HDRLEN..).unwrap_or(&[])) else {
        return Err(Errno::EINVAL.into());
    };
    let tb = nla_parse(
        msg,
        NLMSG_HDRLEN + rtmsg::LEN,
        msg.len(),
        &rtm_ipv4_policy(k),
        Validate::Liberal,
        extack,
    )?;
    let inval = |extack: &mut NetlinkExtAck, m: &str| -> SysResult<FibConfig> {
        extack.msg = Some(m.into());
        Err(Errno::EINVAL.into())
    };
    if rtm.tos & !0xfc != 0 {
        return inval(extack, "Invalid dsfield (tos): ECN bits must be 0");
    }
    let mut cfg = FibConfig {
        dscp: rtm.tos,
        dst_len: rtm.dst_len,
        table: u32::from(rtm.table),
        protocol: rtm.protocol,
        scope: rtm.scope,
        ty: rtm.route_type,
        flags: rtm.flags,
        nlflags: nlh.flags(),
        ..Default::default()
    };
    if cfg.ty > RTN_MAX {
        return inval(extack, "Invalid route type");
    }
    let get = |t: u16| {
        tb.get(usize::from(t))
            .and_then(|r| r.clone())
            .map(|r| &msg[r])
    };
    let be32 = |b: &[u8]| {
        b.get(..4)
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let u32_of = |b: &[u8]| nltwin_wire::scalar::get_u32(b).unwrap_or(0);
    let mut unmodeled = None;
    for (t, what) in [
        (RTA_ENCAP, "RTA_ENCAP"),
        (RTA_ENCAP_TYPE, "RTA_ENCAP_TYPE"),
        (RTA_NH_ID, "RTA_NH_ID"),
    ] {
        if get(t).is_some() && unmodeled.is_none() {
            unmodeled = Some(what);
        }
    }
    if let Some(b) = get(RTA_DST) {
        cfg.dst = be32(b);
    }
    if let Some(b) = get(RTA_OIF) {
        cfg.oif = u32_of(b);
    }
    if let Some(b) = get(RTA_GATEWAY) {
        cfg.gw = be32(b);
    }
    // `fib_gw_from_via` runs as the attribute is met, before the checks below.
    let has_via = get(RTA_VIA).is_some();
    if let Some(b) = get(RTA_VIA) {
        cfg.gw = semantics::fib_gw_from_via(b, extack)?;
    }
    if let Some(b) = get(RTA_FLOW) {
        cfg.flow = u32_of(b);
    }
    if let Some(b) = get(RTA_PRIORITY) {
        cfg.priority = u32_of(b);
    }
    if let Some(b) = get(RTA_PREFSRC) {
        cfg.prefsrc = be32(b);
    }
    if let Some(b) = get(RTA_TABLE) {
        cfg.table = u32_of(b);
    }
    cfg.mx = tb.get(usize::from(RTA_METRICS)).and_then(|r| r.clone());
    cfg.mp = tb.get(usize::from(RTA_MULTIPATH)).and_then(|r| r.clone());
    if let Some(r) = &cfg.mp {
        // `lwtunnel_valid_encap_type_attr`: a next hop's RTA_ENCAP_TYPE is checked here.
        let (walk, _) = semantics::rtnh_walk(&msg[r.clone()]);
        if walk.iter().any(|n| {
            nltwin_wire::nla::Attrs::new(n.attrs)
                .find(RTA_ENCAP_TYPE)
                .is_some()
        }) {
            unmodeled = unmodeled.or(Some("RTA_ENCAP_TYPE in a next hop"));
        }
    }
    if cfg.mx.is_some() || cfg.mp.is_some() {
        cfg.req = msg.to_vec();
    }
    if cfg.dst_len > 32 {
        return inval(extack, "Invalid prefix length");
    }
    if cfg.dst_len < 32 && cfg.dst << cfg.dst_len != 0 {
        return inval(extack, "Invalid prefix for given prefix length");
    }
    if has_via && get(RTA_GATEWAY).is_some() && unmodeled.is_none() {
        return inval(
            extack,
            "Nexthop configuration can not contain both GATEWAY and VIA",
        );
    }
    if let Some(what) = unmodeled {
        return Err(SysError::Unimplemented(crate::errno::Unimplemented::new(
            format!(
                "{what} in an IPv4 route request (realms, encapsulation and nexthop objects \
             are not modeled)"
            ),
        )));
    }
    if cfg.table == 0 {
        cfg.table = RT_TABLE_MAIN;
    }
    Ok(cfg)
}

/// `inet_rtm_newroute`: the route into its table (made if missing), announced.
pub fn inet_rtm_newroute(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: crate::af_netlink::Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = crate::af_netlink::skb_net(k, skb);
    let cfg = rtm_to_fib_config(k, nlh, extack)?;
    let table = fib_new_table(k, net, cfg.table);
    let cfg = FibConfig { table, ..cfg };
    let fi = fib_create_info_req(k, net, &cfg, extack)?;
    let report = Some(crate::rtnetlink::notify::Report {
        portid: skb.cb.portid,
        nlh,
    });
    trie::fib_table_insert(k, net, &cfg, fi, report)
}

/// `inet_rtm_delroute`: the first matching route of the table ("FIB table does not
/// exist": ESRCH), announced.
pub fn inet_rtm_delroute(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: crate::af_netlink::Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = crate::af_netlink::skb_net(k, skb);
    let cfg = rtm_to_fib_config(k, nlh, extack)?;
    if !fib_table_exists(k, net, cfg.table) {
        extack.msg = Some("FIB table does not exist".into());
        return Err(Errno::ESRCH.into());
    }
    let report = Some(crate::rtnetlink::notify::Report {
        portid: skb.cb.portid,
        nlh,
    });
    trie::fib_table_delete(k, net, &cfg, report, extack)
}

pub use route::inet_rtm_getroute;
