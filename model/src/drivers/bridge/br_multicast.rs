//! The bridge's multicast settings (`net/bridge/br_multicast.c`), as far as a bridge keeps
//! and reports them: the context's defaults, the setters `br_changelink` calls, and the
//! querier state it reports, the all-snoopers groups a snooping bridge joins
//! ([`br_multicast_open`]), and `br_multicast_rcv` as far as it learns nothing (solicitations,
//! link-local IGMP groups). Group membership (host and port joins from MLD reports and
//! routable IGMP reports, their timers), queries and learned router ports are not modeled: a
//! setting that would start or stop snooping answers `unimplemented`, as does a report that
//! would join a group, so the groups whose changes the kernel sends to RTNLGRP_MDB never exist
//! here (see `br_mdb`). The
//! router lists hold the ports a user made permanent routers, with their announcements.

use super::{dev_mut, NetBridge};
use crate::af_netlink::NetlinkExtAck;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::skbuff::SkBuff;
use crate::timer::{clock_t_to_jiffies, msecs_to_jiffies};
use crate::uapi::if_bridge::{
    MDB_RTR_TYPE_DISABLED, MDB_RTR_TYPE_PERM, MDB_RTR_TYPE_TEMP, MDB_RTR_TYPE_TEMP_QUERY,
};
use crate::uapi::rtnetlink::{RTM_DELMDB, RTM_NEWMDB};

/// The bridge's multicast context (`struct net_bridge_mcast`), its settings only; intervals
/// in jiffies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetBridgeMcast {
    /// `multicast_router` (`MDB_RTR_TYPE_*`).
    pub multicast_router: u8,
    /// `multicast_querier`.
    pub multicast_querier: bool,
    /// `multicast_last_member_count`.
    pub multicast_last_member_count: u32,
    /// `multicast_startup_query_count`.
    pub multicast_startup_query_count: u32,
    /// `multicast_last_member_interval`.
    pub multicast_last_member_interval: u64,
    /// `multicast_membership_interval`.
    pub multicast_membership_interval: u64,
    /// `multicast_querier_interval`.
    pub multicast_querier_interval: u64,
    /// `multicast_query_interval`.
    pub multicast_query_interval: u64,
    /// `multicast_query_response_interval`.
    pub multicast_query_response_interval: u64,
    /// `multicast_startup_query_interval`.
    pub multicast_startup_query_interval: u64,
    /// `multicast_igmp_version`.
    pub multicast_igmp_version: u8,
    /// `multicast_mld_version`.
    pub multicast_mld_version: u8,
}

/// `BR_MULTICAST_DEFAULT_HASH_MAX`.
pub const BR_MULTICAST_DEFAULT_HASH_MAX: u32 = 4096;

/// `RHT_ELASTICITY`: what IFLA_BR_MCAST_HASH_ELASTICITY always reports.
pub const RHT_ELASTICITY: u32 = 16;

/// `br_multicast_ctx_init`: the defaults, at the build's HZ.
pub fn br_multicast_ctx_init(hz: u32) -> NetBridgeMcast {
    let hz = u64::from(hz);
    NetBridgeMcast {
        multicast_router: MDB_RTR_TYPE_TEMP_QUERY,
        multicast_querier: false,
        multicast_last_member_count: 2,
        multicast_startup_query_count: 2,
        multicast_last_member_interval: hz,
        multicast_query_response_interval: 10 * hz,
        multicast_startup_query_interval: 125 * hz / 4,
        multicast_query_interval: 125 * hz,
        multicast_querier_interval: 255 * hz,
        multicast_membership_interval: 260 * hz,
        multicast_igmp_version: 2,
        multicast_mld_version: 1,
    }
}

/// `br_multicast_set_router` for the bridge: disabled, permanent or learned from queries;
/// anything else EINVAL.
pub fn br_multicast_set_router(ctx: &mut NetBridgeMcast, val: u8) -> SysResult<()> {
    match val {
        MDB_RTR_TYPE_DISABLED | MDB_RTR_TYPE_PERM | MDB_RTR_TYPE_TEMP_QUERY => {
            ctx.multicast_router = val;
            Ok(())
        }
        _ => Err(Errno::EINVAL.into()),
    }
}

/// `br_multicast_toggle`: snooping on or off. On a bridge that is down only the option
/// flips (turning it off also stops the ports' multicast contexts, which keep nothing the
/// model reports); on a running bridge snooping would start (its queries and timers) or stop
/// (`unimplemented`).
pub fn br_multicast_toggle(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    val: u8,
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let on = val != 0;
    let Some(b) = k.dev(net, br).and_then(NetDevice::br) else {
        return Ok(());
    };
    if b.mcast_snooping == on {
        return Ok(());
    }
    if k.dev(net, br).is_some_and(NetDevice::is_up) {
        return Err(crate::errno::unimplemented(
            "br_multicast_toggle on a bridge that is up (snooping started or stopped)",
        ));
    }
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        b.mcast_snooping = on;
    }
    Ok(())
}

/// `br_multicast_set_querier`: the bridge's own querier on or off. Turning it on with
/// snooping enabled starts the querier's timers (`unimplemented`); with snooping off it is
/// only noted.
pub fn br_multicast_set_querier(b: &mut NetBridge, val: u8) -> SysResult<()> {
    let on = val != 0;
    if b.multicast_ctx.multicast_querier == on {
        return Ok(());
    }
    if on && b.mcast_snooping {
        return Err(crate::errno::unimplemented(
            "br_multicast_set_querier with snooping on (the own querier's timers)",
        ));
    }
    b.multicast_ctx.multicast_querier = on;
    Ok(())
}

/// `br_multicast_set_igmp_version`: 2 or 3, else EINVAL.
pub fn br_multicast_set_igmp_version(ctx: &mut NetBridgeMcast, val: u8) -> SysResult<()> {
    if !matches!(val, 2 | 3) {
        return Err(Errno::EINVAL.into());
    }
    ctx.multicast_igmp_version = val;
    Ok(())
}

/// `br_multicast_set_mld_version`: 1 or 2, else EINVAL.
pub fn br_multicast_set_mld_version(ctx: &mut NetBridgeMcast, val: u8) -> SysResult<()> {
    if !matches!(val, 1 | 2) {
        return Err(Errno::EINVAL.into());
    }
    ctx.multicast_mld_version = val;
    Ok(())
}

/// `BR_MULTICAST_QUERY_INTVL_MIN` / `_MAX` (the startup query interval's are the same):
/// 1 s to 24 h.
fn query_intvl_bounds(hz: u32) -> (u64, u64) {
    (msecs_to_jiffies(hz, 1000), msecs_to_jiffies(hz, 86_400_000))
}

/// `br_multicast_set_query_intvl`: `val` USER_HZ ticks, clamped to 1 s .. 24 h.
pub fn br_multicast_set_query_intvl(ctx: &mut NetBridgeMcast, hz: u32, val: u64) {
    let (min, max) = query_intvl_bounds(hz);
    ctx.multicast_query_interval = clock_t_to_jiffies(hz, val).clamp(min, max);
}

/// `br_multicast_set_startup_query_intvl`: the same bounds.
pub fn br_multicast_set_startup_query_intvl(ctx: &mut NetBridgeMcast, hz: u32, val: u64) {
    let (min, max) = query_intvl_bounds(hz);
    ctx.multicast_startup_query_interval = clock_t_to_jiffies(hz, val).clamp(min, max);
}

/// `br_multicast_toggle_vlan_snooping` on a bridge without VLAN filtering enabled (the model
/// never enables it): turning it on is EINVAL with the kernel's message, off is nothing.
pub fn br_multicast_toggle_vlan_snooping(on: bool, extack: &mut NetlinkExtAck) -> SysResult<()> {
    if on {
        extack.msg = Some(
            "bridge: Cannot enable multicast vlan snooping with vlan filtering disabled".into(),
        );
        return Err(Errno::EINVAL.into());
    }
    Ok(())
}

/// `br_multicast_dump_querier_state`: with snooping on and the own querier on (no other
/// querier is ever heard in the model), the addresses of the selected queriers (none yet:
/// zeros); an empty nest is not kept.
pub fn br_multicast_dump_querier_state(
    skb: &mut SkBuff,
    b: &NetBridge,
    nest_attr: u16,
) -> Result<(), Errno> {
    use crate::uapi::if_bridge::{BRIDGE_QUERIER_IPV6_ADDRESS, BRIDGE_QUERIER_IP_ADDRESS};
    if !b.mcast_snooping || !b.multicast_ctx.multicast_querier {
        return Ok(());
    }
    let nest = skb.nla_nest_start(nest_attr)?;
    skb.nla_put(BRIDGE_QUERIER_IP_ADDRESS, &[0; 4])?;
    skb.nla_put(BRIDGE_QUERIER_IPV6_ADDRESS, &[0; 16])?;
    skb.nla_nest_end(nest);
    Ok(())
}

/// `br_multicast_open` and, with snooping on, `br_multicast_join_snoopers`: the bridge joins
/// 224.0.0.106 (`br_ip4_multicast_join_snoopers` -> `ip_mc_inc_group`: its IGMPv3 reports go
/// out through the bridge's own transmit path) and ff02::6a (`ipv6_dev_mc_inc`; the bridge
/// is not up yet, so it is reported once IPv6 comes up on it).
pub(crate) fn br_multicast_open(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    if snooping(k, net, br) {
        crate::igmp::ip_mc_inc_group(k, net, br, ALL_SNOOPERS_V4)?;
        crate::mcast::ipv6_dev_mc_inc(k, net, br, ALL_SNOOPERS_V6)?;
    }
    Ok(())
}

/// `br_multicast_stop` / `br_multicast_leave_snoopers`: with snooping on, the bridge leaves
/// 224.0.0.106 (`ip_mc_dec_group`: its leave reports stop with the device, `ip_mc_down`)
/// and ff02::6a (`ipv6_dev_mc_dec`: its leave reports go out even while the bridge is down
/// when its IPv6 never came up, as `addrconf_ifdown` stops MLD only on a ready device).
pub(crate) fn br_multicast_stop(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    if snooping(k, net, br) {
        crate::igmp::ip_mc_dec_group(k, net, br, ALL_SNOOPERS_V4)?;
        crate::mcast::ipv6_dev_mc_dec(k, net, br, ALL_SNOOPERS_V6)?;
    }
    Ok(())
}

/// `htonl(INADDR_ALLSNOOPERS_GROUP)`: 224.0.0.106.
const ALL_SNOOPERS_V4: [u8; 4] = [224, 0, 0, 106];
/// ff02::6a, the IPv6 all-snoopers group.
const ALL_SNOOPERS_V6: [u8; 16] = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x6a];

/// Whether the bridge snoops (`BROPT_MULTICAST_ENABLED`).
fn snooping(k: &Kernel, net: NetId, br: u32) -> bool {
    k.dev(net, br)
        .and_then(NetDevice::br)
        .is_some_and(|b| b.mcast_snooping)
}

/// `ALL_MLDV2_ROUTERS`, ff02::16: the modeled MLD reports' destination, the only ICMPv6 the
/// model sends there.
const ALL_MLDV2_ROUTERS: [u8; 16] = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16];

/// `br_multicast_rcv` on a port, for the modeled traffic: neighbour and router solicitations
/// (not MLD: nothing learned) and IGMP reports of link-local groups only (not snooped) pass;
/// an MLD report or an IGMP report of another group would add port groups to the MDB
/// (`br_ip6_multicast_add_group`, `br_ip4_multicast_add_group` with the port), which is not
/// modeled.
pub(crate) fn br_multicast_rcv_port(frame: &crate::netdevice::Frame) -> SysResult<()> {
    use crate::netdevice::Frame;
    match frame {
        Frame::Ipv6(skb) if skb.daddr == ALL_MLDV2_ROUTERS => Err(crate::errno::unimplemented(
            "an MLD report received on a bridge port with snooping (port groups in the MDB, \
             their RTM_NEWMDB and timers; turn snooping off to avoid it)",
        )),
        Frame::Ipv4(skb) if skb.igmp_report && !skb.igmp_link_local_only => {
            Err(crate::errno::unimplemented(
                "an IGMP report of a routable group received on a bridge port with snooping \
                 (port groups in the MDB)",
            ))
        }
        _ => Ok(()),
    }
}

/// The bridge of port `port`, if it is one.
fn port_bridge(k: &Kernel, net: NetId, port: u32) -> Option<u32> {
    k.dev(net, port)
        .filter(|d| d.br_port().is_some())
        .and_then(|d| d.master)
}

/// `br_ip4_multicast_add_router` / `br_ip6_multicast_add_router` (`br_multicast_add_router`):
/// the port joins the family's router list unless it is on it; the first of the two lists it
/// joins is announced to RTNLGRP_MDB (`br_rtr_notify`, RTM_NEWMDB), the second is not.
fn br_multicast_add_router(k: &mut Kernel, net: NetId, port: u32, ip6: bool) -> SysResult<()> {
    let Some(p) = dev_mut(k, net, port).br_port_mut() else {
        return Ok(());
    };
    let (this, other) = if ip6 {
        (&mut p.ip6_rlist, p.ip4_rlist)
    } else {
        (&mut p.ip4_rlist, p.ip6_rlist)
    };
    if *this {
        return Ok(());
    }
    *this = true;
    // br_multicast_no_router_otherpf: only a port that was no router of the other family yet.
    if !other {
        if let Some(br) = port_bridge(k, net, port) {
            super::br_mdb::br_rtr_notify(k, net, br, port, RTM_NEWMDB)?;
        }
    }
    Ok(())
}

/// `br_ip4_multicast_rport_del` / `br_ip6_multicast_rport_del`: the port leaves the family's
/// router list; whether it was on it.
fn br_multicast_rport_del(k: &mut Kernel, net: NetId, port: u32, ip6: bool) -> bool {
    let Some(p) = dev_mut(k, net, port).br_port_mut() else {
        return false;
    };
    let on = if ip6 {
        &mut p.ip6_rlist
    } else {
        &mut p.ip4_rlist
    };
    std::mem::replace(on, false)
}

/// `br_multicast_rport_del_notify`: once a port that left a router list is on neither, it is
/// announced gone (RTM_DELMDB); a temporary router becomes one by query again.
fn br_multicast_rport_del_notify(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    deleted: bool,
) -> SysResult<()> {
    if !deleted {
        return Ok(());
    }
    let Some(p) = k.dev(net, port).and_then(NetDevice::br_port) else {
        return Ok(());
    };
    if p.ip4_rlist || p.ip6_rlist {
        return Ok(());
    }
    if let Some(br) = port_bridge(k, net, port) {
        super::br_mdb::br_rtr_notify(k, net, br, port, RTM_DELMDB)?;
    }
    if let Some(p) = dev_mut(k, net, port).br_port_mut() {
        if p.multicast_router == MDB_RTR_TYPE_TEMP {
            p.multicast_router = MDB_RTR_TYPE_TEMP_QUERY;
        }
    }
    Ok(())
}

/// The port off both router lists, announced if it was on one (what disabling, deleting and
/// demoting a port share).
fn br_multicast_rport_del_both(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    let mut del = br_multicast_rport_del(k, net, port, false);
    del |= br_multicast_rport_del(k, net, port, true);
    br_multicast_rport_del_notify(k, net, port, del)
}

/// `br_multicast_set_port_router`: the same value again changes nothing; disabled and
/// temporary-by-query take the port off the router lists (announced if it was on them);
/// permanent puts it on both, whatever the bridge's state (announced once); a temporary router
/// (its timers) is not modeled; other values are EINVAL.
pub fn br_multicast_set_port_router(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    val: u8,
) -> SysResult<()> {
    let Some(p) = dev_mut(k, net, port).br_port_mut() else {
        return Ok(());
    };
    if p.multicast_router == val {
        return Ok(());
    }
    match val {
        MDB_RTR_TYPE_DISABLED | MDB_RTR_TYPE_TEMP_QUERY => {
            p.multicast_router = val;
            br_multicast_rport_del_both(k, net, port)
        }
        MDB_RTR_TYPE_PERM => {
            p.multicast_router = val;
            br_multicast_add_router(k, net, port, false)?;
            br_multicast_add_router(k, net, port, true)
        }
        MDB_RTR_TYPE_TEMP => Err(crate::errno::unimplemented(
            "a bridge port made a temporary multicast router (IFLA_BRPORT_MULTICAST_ROUTER 3: \
             its router timers)",
        )),
        _ => Err(Errno::EINVAL.into()),
    }
}

/// `br_multicast_enable_port` (`__br_multicast_enable_port_ctx`): on a running bridge with
/// snooping, the port's own queries start (sent only by a bridge that is its own querier: not
/// modeled) and a permanent router port joins both router lists.
pub(crate) fn br_multicast_enable_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    let Some(br) = port_bridge(k, net, port) else {
        return Ok(());
    };
    let Some(bd) = k.dev(net, br) else {
        return Ok(());
    };
    let Some(b) = bd.br() else { return Ok(()) };
    if !b.mcast_snooping || !bd.netif_running() {
        return Ok(());
    }
    if b.multicast_ctx.multicast_querier {
        return Err(crate::errno::unimplemented(
            "a port's own IGMP/MLD queries on a bridge that is its own querier",
        ));
    }
    let perm = k
        .dev(net, port)
        .and_then(NetDevice::br_port)
        .is_some_and(|p| p.multicast_router == MDB_RTR_TYPE_PERM);
    if perm {
        br_multicast_add_router(k, net, port, false)?;
        br_multicast_add_router(k, net, port, true)?;
    }
    Ok(())
}

/// `br_multicast_disable_port` (`__br_multicast_disable_port_ctx`): the port's groups that are
/// not permanent go (the model's MDB has none) and it leaves the router lists (announced if it
/// was on one), whether or not the bridge snoops.
pub(crate) fn br_multicast_disable_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    br_multicast_rport_del_both(k, net, port)
}

/// `br_multicast_del_port` (`br_multicast_port_ctx_deinit`): the port's remaining groups go
/// (none in the model) and it leaves the router lists (announced if it was still on one).
pub(crate) fn br_multicast_del_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    br_multicast_rport_del_both(k, net, port)
}
