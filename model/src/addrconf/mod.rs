//! A device's IPv6 state (`net/ipv6/addrconf.c`): readiness (`addrconf_notify`), the
//! automatic addresses (`::1` on loopback, `init_loopback`; the EUI-64 link-local address of
//! an Ethernet device, `addrconf_add_linklocal`), router solicitations, and the IFLA_AF_SPEC /
//! AF_INET6 part of link changes (`inet6_validate_link_af`, `inet6_set_link_af`,
//! `inet6_set_iftoken`). Addresses themselves are in [`ifaddr`], their duplicate address
//! detection in [`dad`], their rtnetlink requests in [`rtnl`]; netconf messages (RTM_GETNETCONF,
//! the RTNLGRP_IPV6_NETCONF notifications) in [`netconf`].

pub mod dad;
pub mod ifaddr;
pub mod ifinfo;
pub mod route;
pub mod rtnl;
pub mod saddr;

pub use ifaddr::{IfaState, Inet6Ifaddr};

pub mod netconf;

use crate::af_netlink::NetlinkExtAck;
use crate::dev::{register_netdevice_notifier, NetdevEvent, NotifierBlock};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Validate};
use crate::rtnetlink::ops::{rtnl_af_register, LinkAfCtx, RtnlAfOps};
use crate::skbuff::SkBuff;
use crate::timer::{mod_timer, timer_delete, TimerArg, TimerList};
use crate::uapi::if_::{IFF_LOOPBACK, IFF_NOARP};
use crate::uapi::if_link::*;
use crate::uapi::ipv6::*;
use crate::uapi::rtnetlink::RTEXT_FILTER_SKIP_STATS;
use crate::uapi::socket::AF_INET6;
use crate::workqueue::cancel_delayed_work;
use std::ops::Range;

/// `IPV6_MIN_MTU`: a device with a smaller MTU has no IPv6 (`ipv6_add_dev` refuses it,
/// `addrconf_notify` takes it away).
pub const IPV6_MIN_MTU: u32 = 1280;

/// The IPv6 configuration of a device in a fresh namespace (`ipv6_devconf_dflt`), `DEVCONF_MAX`
/// (60 on 6.18) values in uapi order (IFLA_INET6_CONF); `DEVCONF_MTU6` follows the device's
/// MTU.
pub const IPV6_DEVCONF_FRESH: [i32; 60] = [
    0, 64, 1280, 1, 1, 1, 1, -1, 4000, 1000, 0, 604800, 86400, 3, 600, 16, 0, 1, 1, 1, 60000, 0, 0,
    0, 0, 0, 0, 1, 0, 0, 10000, 1000, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 3600000, 0, 0, 1, 0, 0, 0,
    0, 0, 1024, 0, 65535, -1, 1, 0, 0, 0,
];

/// A device's counters (the kernel's per-CPU SNMP MIB of an `inet6_dev`), kept once something
/// counts: a device that never saw traffic holds none, so reporting it writes zeros without
/// reading memory (a dump of thousands of quiet devices stays as fast as before traffic was
/// modeled). Reads of a counter never counted are 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mib<const N: usize>(Option<Box<[u64; N]>>);

impl<const N: usize> Mib<N> {
    /// The counters, if anything was ever counted.
    pub fn counters(&self) -> Option<&[u64; N]> {
        self.0.as_deref()
    }
}

impl<const N: usize> std::ops::Index<usize> for Mib<N> {
    type Output = u64;
    fn index(&self, i: usize) -> &u64 {
        static ZERO: u64 = 0;
        self.0.as_ref().map_or(&ZERO, |c| &c[i])
    }
}

impl<const N: usize> std::ops::IndexMut<usize> for Mib<N> {
    fn index_mut(&mut self, i: usize) -> &mut u64 {
        &mut self.0.get_or_insert_with(|| Box::new([0; N]))[i]
    }
}

/// A device's IPv6 state (`struct inet6_dev`), as far as RTM_NEWLINK shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inet6Dev {
    /// `if_flags` (IFLA_INET6_FLAGS).
    pub if_flags: u32,
    /// `cnf` (IFLA_INET6_CONF).
    pub devconf: [i32; 60],
    /// `cstamp` in jiffies-derived hundredths of a second since boot (IFLA_INET6_CACHEINFO
    /// tstamp): volatile, normalized by the harness.
    pub tstamp: u32,
    /// `nd_parms` reachable time in ms (randomised per device): volatile. What
    /// IFLA_INET6_CACHEINFO reads, kept in step with `nd_parms` (`nd_parms_changed`).
    pub reachable_time: u32,
    /// `nd_parms` retransmit time in ms, kept in step likewise.
    pub retrans_time: u32,
    /// `nd_parms`: the device's NDISC parameters (`neigh_parms_alloc`).
    pub nd_parms: crate::neighbour::neightbl::NeighParms,
    /// `token` (IFLA_INET6_TOKEN): only its interface identifier (bytes 8..16) is ever set.
    pub token: [u8; 16],
    /// `stats.ipv6` (IFLA_INET6_STATS), indexed as `uapi::ipv6::ipstats` numbers them; laid
    /// out per release when filled.
    pub stats: Mib<IPSTATS_MIB_MAX>,
    /// `stats.icmpv6dev` (IFLA_INET6_ICMP6STATS).
    pub icmp6: Mib<ICMP6_MIB_MAX>,
    /// `mc_list`: the groups joined, newest first.
    pub mc_list: Vec<crate::mcast::Ifmcaddr6>,
    /// `mc_tomb`: groups left whose leave records are still to be reported, with the count
    /// of records left (`mca_crcount`).
    pub mc_tomb: Vec<([u8; 16], u32)>,
    /// `mc_qrv`, `mc_ifc_count`, `mc_dad_count`: MLD's robustness and the reports to come.
    pub mc_qrv: u32,
    /// See `mc_qrv`.
    pub mc_ifc_count: u32,
    /// See `mc_qrv`.
    pub mc_dad_count: u32,
    /// `rs_interval` (jiffies) and `rs_probes`: router solicitation backoff.
    pub rs_interval: u64,
    /// See `rs_interval`.
    pub rs_probes: u32,
    /// `addr_list`: the device's addresses, in the kernel's order (by scope, global first;
    /// newest first within a scope).
    pub addr_list: Vec<Inet6Ifaddr>,
}

impl Inet6Dev {
    /// A fresh `inet6_dev` for a device of `mtu` (`ipv6_add_dev` copying `ipv6_devconf_dflt`).
    pub(crate) fn fresh(mtu: u32) -> Inet6Dev {
        let mut devconf = IPV6_DEVCONF_FRESH;
        devconf[DEVCONF_MTU6] = mtu as i32;
        Inet6Dev {
            if_flags: 0,
            devconf,
            tstamp: 0,
            reachable_time: 30000,
            retrans_time: 1000,
            nd_parms: crate::neighbour::neightbl::NeighParms {
                data: [0; crate::neighbour::neightbl::NEIGH_VAR_DATA_MAX],
                reachable_time: 0,
                seq: 0,
            },
            token: [0; 16],
            stats: Mib::default(),
            icmp6: Mib::default(),
            mc_list: Vec::new(),
            mc_tomb: Vec::new(),
            mc_qrv: crate::mcast::MLD_QRV_DEFAULT,
            mc_ifc_count: 0,
            mc_dad_count: 0,
            rs_interval: 0,
            rs_probes: 0,
            addr_list: Vec::new(),
        }
    }

    /// `IFLA_INET6_ADDR_GEN_MODE`.
    pub fn addr_gen_mode(&self) -> u8 {
        self.devconf[DEVCONF_ADDR_GEN_MODE] as u8
    }
}

/// `inet6_ops`: AF_INET6's part of link messages and requests.
static INET6_OPS: RtnlAfOps = RtnlAfOps {
    family: AF_INET6,
    fill_link_af: Some(inet6_fill_link_af),
    validate_link_af: Some(inet6_validate_link_af),
    set_link_af: Some(inet6_set_link_af),
    get_link_af_size: Some(inet6_get_link_af_size),
};

/// `inet6_get_link_af_size` (`inet6_ifla6_size`) while the device has IPv6: flags, cache
/// info, the release's configuration values and counters, token, address generation mode and
/// RA MTU, each at its largest.
fn inet6_get_link_af_size(ctx: &crate::rtnetlink::fill::FillCtx<'_>, dev: &NetDevice) -> usize {
    use crate::nlattr::nla_total_size as nts;
    if dev.ip6_ptr.is_none() {
        return 0;
    }
    let r = ctx.release;
    nts(4)
        + nts(16)
        + nts(4 * r.ipv6_devconf_max)
        + nts(8 * r.ipstats_mib_max)
        + nts(8 * ICMP6_MIB_MAX)
        + nts(16)
        + nts(1)
        + nts(4)
}

/// `addrconf_init`: the netdevice notifier (`ipv6_dev_notf`, ADDRCONF_NOTIFY_PRIORITY 0) and
/// AF_INET6's link operations.
pub fn addrconf_init(k: &mut Kernel) {
    register_netdevice_notifier(
        k,
        NotifierBlock {
            priority: 0,
            notifier_call: addrconf_notify,
        },
    );
    rtnl_af_register(k, &INET6_OPS);
    netconf::inet6_netconf_register(k);
    rtnl::addrconf_rtnl_register(k);
    crate::addrlabel::ipv6_addr_label_rtnl_register(k);
    ifinfo::inet6_ifinfo_register(k);
}

/// `ipv6_add_dev` as far as links show it: none for an MTU below IPV6_MIN_MTU (EINVAL);
/// else a fresh `inet6_dev` with the release's defaults and the device's MTU, its neighbour
/// parameters' reachable time drawn at random in [15000, 45000) ms (`neigh_parms_alloc`), no
/// DAD on devices without ARP or loopback, no temporary addresses on loopback and devices
/// without link-layer addresses, ready if the device runs with its link ready, stamped now.
pub fn ipv6_add_dev(k: &mut Kernel, dev: &NetDevice) -> Option<Inet6Dev> {
    use crate::uapi::if_arp::ARPHRD_NONE;
    if dev.mtu < IPV6_MIN_MTU {
        return None;
    }
    let mut idev = Inet6Dev::fresh(dev.mtu);
    // neigh_parms_alloc: the device's NDISC parameters, a reachable time drawn in
    // [15000, 45000) ms.
    idev.nd_parms = crate::neighbour::neightbl::neigh_parms_alloc(k, &crate::ndisc::ND_TBL);
    nd_parms_changed(&mut idev, k.timers.hz());
    if k.has(crate::profile::Feature::Ipv6TempValidLft2Days) {
        // TEMP_VALID_LIFETIME.
        idev.devconf[DEVCONF_TEMP_VALID_LFT] = 2 * 86400;
    }
    if dev.flags & (IFF_NOARP | IFF_LOOPBACK) != 0 {
        idev.devconf[DEVCONF_ACCEPT_DAD] = -1;
    }
    if dev.flags & IFF_LOOPBACK != 0 || dev.ty == ARPHRD_NONE {
        idev.devconf[DEVCONF_USE_TEMPADDR] = -1;
    }
    if dev.netif_running() && addrconf_link_ready(dev) {
        idev.if_flags |= IF_READY;
    }
    idev.tstamp = cstamp(k);
    let now = k.jiffies();
    // Interface-local and link-local all-nodes (ipv6_dev_mc_inc): never reported.
    for group in [ALL_NODES_IF_LOCAL, ALL_NODES] {
        idev.mc_list.insert(
            0,
            crate::mcast::Ifmcaddr6 {
                addr: group,
                users: 1,
                noreport: true,
                crcount: 0,
                cstamp: now,
            },
        );
    }
    Some(idev)
}

/// The IPv6 side's millisecond copies of its NDISC parameters follow them (what
/// IFLA_INET6_CACHEINFO reports: `nd_parms->reachable_time`, `RETRANS_TIME`).
pub fn nd_parms_changed(idev: &mut Inet6Dev, hz: u32) {
    use crate::neighbour::neightbl::RETRANS_TIME;
    use crate::timer::jiffies_to_msecs;
    idev.reachable_time = jiffies_to_msecs(hz, idev.nd_parms.reachable_time);
    idev.retrans_time = jiffies_to_msecs(hz, idev.nd_parms.data[RETRANS_TIME] as i64 as u64);
}

/// `ff01::1`.
const ALL_NODES_IF_LOCAL: [u8; 16] = [0xff, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
/// `ff02::1`.
pub(crate) const ALL_NODES: [u8; 16] = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// `msecs_to_jiffies` for a configuration value kept in milliseconds (rounding up).
pub fn msecs_to_jiffies(k: &Kernel, ms: i32) -> u64 {
    (u64::from(ms.max(0) as u32) * u64::from(k.timers.hz())).div_ceil(1000)
}

/// The `tstamp` IFLA_INET6_CACHEINFO reports for `jiffies` now: hundredths of a second since
/// `INITIAL_JIFFIES` (`cstamp_delta`).
fn cstamp(k: &Kernel) -> u32 {
    let hz = u64::from(k.timers.hz());
    let since = k
        .jiffies()
        .wrapping_sub(crate::timer::initial_jiffies(k.timers.hz()));
    (since * 100 / hz) as u32
}

/// `addrconf_notify` at NETDEV_REGISTER (run by `register_netdevice` before the device is
/// listed): the device gets its `inet6_dev` when its MTU is at least IPV6_MIN_MTU.
pub fn addrconf_notify_register(k: &mut Kernel, dev: &mut NetDevice) {
    if dev.ip6_ptr.is_none() {
        dev.ip6_ptr = ipv6_add_dev(k, dev);
    }
}

/// `addrconf_ifdown`: the device's work stops (each address's DAD, router solicitations,
/// MLD); every address goes, each one not already dead announced RTM_DELADDR in list order
/// (`keep_addr_on_down` is off in a fresh namespace), with its solicited-node group; with
/// `unregister`, the device loses its `inet6_dev` (`ip6_ptr` cleared: IFLA_AF_SPEC has no
/// AF_INET6 any more, and a later `ipv6_add_dev` starts afresh); else it stays, no longer
/// ready, its router solicitation state cleared, stamped now.
fn addrconf_ifdown(k: &mut Kernel, net: NetId, ifindex: u32, unregister: bool) -> SysResult<()> {
    // `rt6_disable_ip`: every route through the device goes first, announced (the addresses'
    // local routes are then already out of their table), then its NDISC entries.
    let event = if unregister {
        crate::ip6_fib::SyncDownEvent::Unregister
    } else {
        crate::ip6_fib::SyncDownEvent::Down
    };
    crate::ip6_fib::rt6_sync_down_dev(k, net, ifindex, event)?;
    crate::neighbour::neigh_ifdown(k, net, &crate::ndisc::ND_TBL, ifindex)?;
    // MLD stops (`ipv6_mc_down`) only on a device that was ready (or going away): on one that
    // never was, the reports of groups it left still go out.
    let was_ready = k
        .dev(net, ifindex)
        .and_then(|d| d.ip6_ptr.as_ref())
        .is_some_and(|i| i.if_flags & IF_READY != 0);
    let mc_down = was_ready || unregister;
    addrconf_stop_work(k, net, ifindex, mc_down);
    let now = cstamp(k);
    let Some(idev) = idev_mut(k, net, ifindex) else {
        return Ok(());
    };
    if !unregister {
        idev.if_flags &= !(IF_RS_SENT | IF_RA_RCVD | IF_READY);
    }
    let ids: Vec<u32> = idev.addr_list.iter().map(|a| a.id).collect();
    for id in ids {
        let Some(idev) = idev_mut(k, net, ifindex) else {
            break;
        };
        let Some(at) = idev.addr_list.iter().position(|a| a.id == id) else {
            continue;
        };
        let mut a = idev.addr_list.remove(at);
        let state = a.state;
        a.state = IfaState::Dead;
        if state != IfaState::Dead {
            ifaddr::__ipv6_ifa_notify(k, net, ifindex, &a, crate::uapi::rtnetlink::RTM_DELADDR)?;
        } else {
            ifaddr::addrconf_leave_solict(k, net, ifindex, &a.addr)?;
        }
    }
    // The groups left are reported by nobody: MLD stops with the device (ipv6_mc_down).
    addrconf_stop_work(k, net, ifindex, mc_down);
    let Some(d) = k.dev_mut(net, ifindex) else {
        return Ok(());
    };
    if unregister {
        // ipv6_mc_destroy_dev: all-nodes is left (announced), the other groups go silently.
        crate::mcast::ipv6_mc_destroy_dev(k, net, ifindex)?;
        let Some(d) = k.dev_mut(net, ifindex) else {
            return Ok(());
        };
        if d.ip6_ptr.take().is_some() {
            netconf::addrconf_sysctl_unregister(k, net, ifindex);
        }
    } else if let Some(idev) = d.ip6_ptr.as_mut() {
        idev.tstamp = now;
    }
    Ok(())
}

/// The device's IPv6 work stopped: each address's DAD (`addrconf_del_dad_work`), the router
/// solicitation timer (`addrconf_del_rs_timer`), MLD's work (`ipv6_mc_down`) and the
/// stand-ins for what the model does not send or expire.
fn addrconf_stop_work(k: &mut Kernel, net: NetId, ifindex: u32, mc_down: bool) {
    let ids: Vec<u32> = k
        .dev(net, ifindex)
        .and_then(|d| d.ip6_ptr.as_ref())
        .map(|i| i.addr_list.iter().map(|a| a.id).collect())
        .unwrap_or_default();
    for id in ids {
        cancel_delayed_work(k, dad::dad_work(net, ifindex, id));
    }
    timer_delete(k, rs_timer(net, ifindex));
    timer_delete(k, unmodeled_timer(net, ifindex));
    timer_delete(k, ifaddr::mld_leave_timer(net, ifindex));
    timer_delete(k, ifaddr::lifetime_timer(net, ifindex));
    if mc_down {
        crate::mcast::ipv6_mc_down(k, net, ifindex);
    }
}

/// `rs_timer`.
pub(crate) fn rs_timer(net: NetId, ifindex: u32) -> TimerList {
    TimerList {
        name: "addrconf_rs_timer",
        function: addrconf_rs_timer,
        arg: TimerArg {
            net,
            obj: ifindex,
            sub: 0,
        },
    }
}

/// The stand-in for the DAD work of a device whose transmit path the model lacks.
fn unmodeled_timer(net: NetId, ifindex: u32) -> TimerList {
    TimerList {
        name: "addrconf_dad_work (transmit path not modeled)",
        function: addrconf_unmodeled_traffic,
        arg: TimerArg {
            net,
            obj: ifindex,
            sub: 0,
        },
    }
}

/// The IPv6 bring-up traffic of an ifb (DAD, MLD, router solicitations through a
/// transmit path the model lacks): `unimplemented`.
fn addrconf_unmodeled_traffic(_k: &mut Kernel, _arg: TimerArg) -> SysResult<()> {
    Err(crate::errno::unimplemented(
        "IPv6 bring-up traffic (DAD, MLD, router solicitations) on a device whose transmit path is not modeled (ifb)",
    ))
}

/// `addrconf_addr_solict_mult`: the solicited-node group of `addr`.
pub(crate) fn solicited_node(addr: &[u8; 16]) -> [u8; 16] {
    let mut g = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0];
    g[13..].copy_from_slice(&addr[13..]);
    g
}

/// `addrconf_init_auto_addrs`: `::1` on loopback (`init_loopback`); for an Ethernet device
/// (`addrconf_dev_config` -> `addrconf_addr_gen`) in EUI-64 mode a link-local address from
/// the hardware address (`ipv6_generate_eui64`), added tentative and DAD started
/// (`addrconf_add_linklocal`); mode none makes none. Other modes are not modeled
/// (`unimplemented`); on a device whose transmit path the model lacks (ifb) the address
/// is made and its DAD runs, but what the device sends (solicitations, MLD, router
/// solicitations) is not modeled: once the clock moves, `unimplemented`.
fn addrconf_init_auto_addrs(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(d) = k.dev(net, ifindex) else {
        return Ok(());
    };
    if d.flags & IFF_LOOPBACK != 0 {
        return init_loopback(k, net, ifindex);
    }
    if d.ty != crate::uapi::if_arp::ARPHRD_ETHER {
        return Ok(());
    }
    let Some(idev) = &d.ip6_ptr else {
        return Ok(());
    };
    let mode = idev.addr_gen_mode();
    if mode != IN6_ADDR_GEN_MODE_NONE && mode != IN6_ADDR_GEN_MODE_EUI64 {
        return Err(crate::errno::unimplemented(
            "IPv6 link-local address generation in stable-privacy or random mode",
        ));
    }
    // addrconf_add_dev: nothing with IPv6 disabled; else the multicast route.
    if idev.devconf[DEVCONF_DISABLE_IPV6] != 0 {
        return Ok(());
    }
    route::addrconf_add_mroute(k, net, ifindex)?;
    if mode == IN6_ADDR_GEN_MODE_NONE {
        return Ok(());
    }
    let d = k.dev(net, ifindex).expect("present");
    if d.addr.len() != 6 {
        return Ok(());
    }
    let xmit = d.netdev_ops.ndo_start_xmit.is_some();
    // ipv6_generate_eui64 (addrconf_ifid_eui48): the universal/local bit flipped, ff:fe in
    // the middle.
    let m = &d.addr;
    let mut addr = [0u8; 16];
    addr[0] = 0xfe;
    addr[1] = 0x80;
    addr[8..].copy_from_slice(&[m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]]);
    let cfg = ifaddr::Ifa6Config {
        pfx: addr,
        peer_pfx: None,
        plen: 64,
        ifa_flags: crate::uapi::if_addr::IFA_F_PERMANENT,
        valid_lft: crate::uapi::if_addr::INFINITY_LIFE_TIME,
        preferred_lft: crate::uapi::if_addr::INFINITY_LIFE_TIME,
        scope: ifaddr::IFA_LINK,
        rt_priority: 0,
        ifa_proto: crate::uapi::if_addr::IFAPROT_KERNEL_LL,
    };
    // The same address already there: EEXIST, nothing made.
    let Ok(id) = ifaddr::ipv6_add_addr(k, net, ifindex, &cfg, &mut NetlinkExtAck::default()) else {
        return Ok(());
    };
    // addrconf_add_linklocal: its prefix route, before DAD starts.
    route::addrconf_prefix_route(k, net, &addr, 64, 0, ifindex)?;
    if !xmit {
        // What this device sends (DAD, MLD, router solicitations, right after this request
        // on the kernel) is not modeled: once the clock moves, the model says so. Its DAD
        // runs all the same (on a NOARP device, such as ifb, it is done at once).
        let at = k.jiffies().wrapping_add(1);
        mod_timer(k, unmodeled_timer(net, ifindex), at);
    }
    dad::addrconf_dad_start(k, net, ifindex, id);
    Ok(())
}

/// `init_loopback`: `::1`/128 of host scope (`add_addr`: permanent, not tentative, protocol
/// IFAPROT_KERNEL_LO), announced at once; no DAD (the device already has it: nothing).
fn init_loopback(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let mut lo = [0u8; 16];
    lo[15] = 1;
    let cfg = ifaddr::Ifa6Config {
        pfx: lo,
        peer_pfx: None,
        plen: 128,
        ifa_flags: crate::uapi::if_addr::IFA_F_PERMANENT,
        valid_lft: crate::uapi::if_addr::INFINITY_LIFE_TIME,
        preferred_lft: crate::uapi::if_addr::INFINITY_LIFE_TIME,
        scope: ifaddr::IFA_HOST,
        rt_priority: 0,
        ifa_proto: crate::uapi::if_addr::IFAPROT_KERNEL_LO,
    };
    let Ok(id) = ifaddr::ipv6_add_addr(k, net, ifindex, &cfg, &mut NetlinkExtAck::default()) else {
        return Ok(());
    };
    if let Some(a) = ifaddr::ifa_mut(k, net, ifindex, id) {
        a.flags &= !crate::uapi::if_addr::IFA_F_TENTATIVE;
    }
    ifaddr::ipv6_ifa_notify(k, net, ifindex, id, crate::uapi::rtnetlink::RTM_NEWADDR)
}

/// `ipv6_get_lladdr(dev, addr, IFA_F_TENTATIVE)`: the device's link-local address that is
/// done with DAD, if any.
pub(crate) fn ipv6_get_lladdr(k: &Kernel, net: NetId, ifindex: u32) -> Option<[u8; 16]> {
    k.dev(net, ifindex)?
        .ip6_ptr
        .as_ref()?
        .addr_list
        .iter()
        .find(|a| a.scope == ifaddr::IFA_LINK && !a.tentative())
        .map(|a| a.addr)
}

/// `ipv6_accept_ra`.
pub(crate) fn ipv6_accept_ra(idev: &Inet6Dev) -> bool {
    let cnf = &idev.devconf;
    if cnf[DEVCONF_FORWARDING] != 0 {
        cnf[DEVCONF_ACCEPT_RA] == 2
    } else {
        cnf[DEVCONF_ACCEPT_RA] != 0
    }
}

/// `get_random_u32_inclusive(lo, hi)`.
fn random_inclusive(k: &mut Kernel, lo: u32, hi: u32) -> u64 {
    u64::from(lo + k.random.get_random_u32_below(hi - lo + 1))
}

/// `rfc3315_s14_backoff_init`: the initial retransmission time times 0.9 to 1.1.
pub(crate) fn rfc3315_s14_backoff_init(k: &mut Kernel, irt: u64) -> u64 {
    random_inclusive(k, 900_000, 1_100_000) * irt / 1_000_000
}

/// `rfc3315_s14_backoff_update`: the retransmission time times 1.9 to 2.1, or past the
/// maximum, the maximum times 0.9 to 1.1.
fn rfc3315_s14_backoff_update(k: &mut Kernel, rt: u64, mrt: u64) -> u64 {
    let t = random_inclusive(k, 1_900_000, 2_100_000) * rt / 1_000_000;
    if t > mrt {
        return random_inclusive(k, 900_000, 1_100_000) * mrt / 1_000_000;
    }
    t
}

/// `addrconf_rs_timer`: while the device is ready and accepts advertisements (none is ever
/// received here), another router solicitation while probes remain (rtr_solicits, or forever
/// when negative), the interval backed off up to rtr_solicit_max_interval (the wait after the
/// last probe is rtr_solicit_delay).
fn addrconf_rs_timer(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    let (net, ifindex) = (arg.net, arg.obj);
    let Some(idev) = idev_mut(k, net, ifindex) else {
        return Ok(());
    };
    if idev.if_flags & IF_READY == 0 || !ipv6_accept_ra(idev) || idev.if_flags & IF_RA_RCVD != 0 {
        return Ok(());
    }
    let solicits = idev.devconf[DEVCONF_RTR_SOLICITS];
    let probes = idev.rs_probes;
    idev.rs_probes += 1;
    if !((probes as i64) < i64::from(solicits) || solicits < 0) {
        return Ok(());
    }
    let has_lladdr = idev
        .addr_list
        .iter()
        .any(|a| a.scope == ifaddr::IFA_LINK && !a.tentative());
    let (rt, mrt_ms, delay_ms) = (
        idev.rs_interval,
        idev.devconf[DEVCONF_RTR_SOLICIT_MAX_INTERVAL],
        idev.devconf[DEVCONF_RTR_SOLICIT_DELAY],
    );
    if !has_lladdr {
        return Ok(());
    }
    crate::ndisc::ndisc_send_rs(k, net, ifindex)?;
    let mrt = msecs_to_jiffies(k, mrt_ms);
    let interval = rfc3315_s14_backoff_update(k, rt, mrt);
    let last = i64::from(probes + 1) == i64::from(solicits);
    let when = if last {
        msecs_to_jiffies(k, delay_ms)
    } else {
        interval
    };
    if let Some(idev) = idev_mut(k, net, ifindex) {
        idev.rs_interval = interval;
    }
    let at = k.jiffies().wrapping_add(when);
    mod_timer(k, rs_timer(net, ifindex), at);
    Ok(())
}

/// `addrconf_notify` at NETDEV_UNREGISTER: `addrconf_ifdown(dev, true)`: the addresses left
/// (those of a device that was never up) announced as they go, then the `inet6_dev`,
/// announced to RTNLGRP_IPV6_NETCONF.
pub fn addrconf_unregister(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    addrconf_ifdown(k, net, ifindex, true)
}

/// `inet6_fill_link_af`: flags, cache info, configuration, statistics (unless the mask skips
/// them), token and address generation mode; ENODATA for a device without IPv6.
fn inet6_fill_link_af(
    skb: &mut SkBuff,
    dev: &NetDevice,
    LinkAfCtx {
        release,
        ext_filter_mask,
        features,
    }: LinkAfCtx,
) -> Result<(), Errno> {
    let Some(i6) = &dev.ip6_ptr else {
        return Err(Errno::ENODATA);
    };
    inet6_fill_ifla6_attrs(skb, i6, release, features, ext_filter_mask)
}

/// `inet6_fill_ifla6_attrs`: the `IFLA_INET6_*` attributes of a device's IPv6 state, for
/// IFLA_AF_SPEC and for AF_INET6 link messages' IFLA_PROTINFO. IFLA_INET6_RA_MTU comes only
/// from a router advertisement, which the model never receives.
pub(crate) fn inet6_fill_ifla6_attrs(
    skb: &mut SkBuff,
    i6: &Inet6Dev,
    release: &crate::profile::Release,
    features: crate::profile::FeatureSet,
    ext_filter_mask: u32,
) -> Result<(), Errno> {
    skb.nla_put_u32(IFLA_INET6_FLAGS, i6.if_flags)?;
    // struct ifla_cacheinfo: max_reasm_len, tstamp, reachable_time, retrans_time.
    skb.nla_put_u32_array(
        IFLA_INET6_CACHEINFO,
        &[65535, i6.tstamp, i6.reachable_time, i6.retrans_time],
    )?;
    skb.nla_put_i32_array(IFLA_INET6_CONF, &i6.devconf[..release.ipv6_devconf_max])?;
    if ext_filter_mask & RTEXT_FILTER_SKIP_STATS == 0 {
        // Counters start with their own count; a device nothing has counted on is written as
        // zeros without building the array.
        let n = release.ipstats_mib_max;
        match i6.stats.counters() {
            Some(counted) => {
                let mut stats = [0u64; IPSTATS_MIB_MAX];
                let stats = &mut stats[..n];
                let layout = if features.has(crate::profile::Feature::IpstatsMibFastPathFirst) {
                    &IPSTATS_LAYOUT_FAST_PATH_FIRST
                } else {
                    &IPSTATS_LAYOUT_NUMBERED
                };
                for (at, &from) in layout.iter().enumerate().take(n) {
                    stats[at] = counted[from];
                }
                stats[0] = n as u64;
                skb.nla_put_u64_array(IFLA_INET6_STATS, stats)?;
            }
            None => put_zero_counters(skb, IFLA_INET6_STATS, n)?,
        }
        match i6.icmp6.counters() {
            Some(counted) => {
                let mut icmp = *counted;
                icmp[0] = ICMP6_MIB_MAX as u64;
                skb.nla_put_u64_array(IFLA_INET6_ICMP6STATS, &icmp)?;
            }
            None => put_zero_counters(skb, IFLA_INET6_ICMP6STATS, ICMP6_MIB_MAX)?,
        }
    }
    skb.nla_put(IFLA_INET6_TOKEN, &i6.token)?;
    skb.nla_put_u8(IFLA_INET6_ADDR_GEN_MODE, i6.addr_gen_mode())
}

/// A counter block of `n` u64 that counted nothing: its count first, then zeros.
fn put_zero_counters(skb: &mut SkBuff, ty: u16, n: usize) -> Result<(), Errno> {
    skb.nla_reserve(ty, n * 8)?[..8].copy_from_slice(&(n as u64).to_ne_bytes());
    Ok(())
}

/// Where each of IFLA_INET6_STATS's counters comes from, by position, up to 6.16: the model's
/// `uapi::ipv6::ipstats` numbering.
const IPSTATS_LAYOUT_NUMBERED: [usize; IPSTATS_MIB_MAX] = {
    let mut l = [0usize; IPSTATS_MIB_MAX];
    let mut i = 0;
    while i < IPSTATS_MIB_MAX {
        l[i] = i;
        i += 1;
    }
    l
};

/// Where each of IFLA_INET6_STATS's counters comes from, by position, from 6.17: the fast-path
/// counters first.
const IPSTATS_LAYOUT_FAST_PATH_FIRST: [usize; IPSTATS_MIB_MAX] = {
    use crate::uapi::ipv6::ipstats::*;
    let head = [
        0,
        INPKTS,
        INOCTETS,
        INDELIVERS,
        NOECTPKTS,
        NOECTPKTS + 1,
        NOECTPKTS + 2,
        NOECTPKTS + 3,
        OUTREQUESTS,
        OUTPKTS,
        OUTOCTETS,
        OUTFORWDATAGRAMS,
    ];
    let mut l = [0usize; IPSTATS_MIB_MAX];
    let mut i = 0;
    while i < head.len() {
        l[i] = head[i];
        i += 1;
    }
    // InHdrErrors (7) to InCsumErrors (31), then ReasmOverlaps (36).
    let mut from = 7;
    while from <= 31 {
        l[i] = from;
        i += 1;
        from += 1;
    }
    l[i] = 36;
    l
};

/// `addrconf_link_ready`: the device is operationally up (UP or UNKNOWN) and its qdisc is
/// active, which for the modeled devices means it has carrier.
fn addrconf_link_ready(dev: &NetDevice) -> bool {
    dev.netif_oper_up() && dev.carrier
}

/// `addrconf_notify` as far as links show it: an MTU below IPV6_MIN_MTU takes the device's
/// IPv6 away (`addrconf_ifdown`, unregistering, except on loopback); a valid one is the IPv6
/// MTU, or on a device without IPv6 a fresh `inet6_dev` (`ipv6_add_dev`), which, when the
/// device is ready, goes on as NETDEV_UP does; IF_READY is set when the device comes up ready,
/// or later when a change makes it ready; going down clears it (`addrconf_ifdown`).
pub fn addrconf_notify(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: NetdevEvent,
) -> SysResult<()> {
    let Some(d) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let loopback = d.flags & IFF_LOOPBACK != 0;
    match event {
        NetdevEvent::ChangeMtu => {
            if d.mtu < IPV6_MIN_MTU {
                return addrconf_ifdown(k, net, ifindex, !loopback);
            }
            let mtu = d.mtu;
            if let Some(idev) = idev_mut(k, net, ifindex) {
                idev.devconf[DEVCONF_MTU6] = mtu as i32;
                return Ok(());
            }
            let ready =
                addrconf_attach(k, net, ifindex).is_some_and(|i| i.if_flags & IF_READY != 0);
            if !ready {
                return Ok(());
            }
        }
        NetdevEvent::Up => {
            // The routes of permanent addresses restored, ready or not.
            route::addrconf_permanent_addr(k, net, ifindex)?;
            let d = k.dev(net, ifindex).expect("present");
            if !addrconf_link_ready(d) {
                return Ok(());
            }
            if d.ip6_ptr.is_none() {
                addrconf_attach(k, net, ifindex);
            }
            if let Some(idev) = idev_mut(k, net, ifindex) {
                idev.if_flags |= IF_READY;
            }
        }
        NetdevEvent::Change { flags_changed } => {
            if !addrconf_link_ready(d) {
                // Still not ready: its routes are marked link down.
                return crate::ip6_fib::rt6_sync_down_dev(
                    k,
                    net,
                    ifindex,
                    crate::ip6_fib::SyncDownEvent::Change,
                );
            }
            if let Some(idev) = idev_mut(k, net, ifindex) {
                if idev.if_flags & IF_READY != 0 {
                    // Already configured: MLD's reports are sent again (ipv6_mc_up), and a
                    // change of NOARP runs every address's DAD again.
                    crate::mcast::ipv6_mc_up(k, net, ifindex);
                    if flags_changed & IFF_NOARP != 0 {
                        dad::addrconf_dad_restart(k, net, ifindex);
                    }
                    crate::ip6_fib::rt6_sync_up(
                        k,
                        net,
                        ifindex,
                        crate::uapi::rtnetlink::RTNH_F_LINKDOWN,
                    );
                    return Ok(());
                }
                idev.if_flags |= IF_READY;
            }
        }
        NetdevEvent::Down => return addrconf_ifdown(k, net, ifindex, false),
        NetdevEvent::ChangeName => {
            // The device's sysctls are registered again under the new name.
            if d.ip6_ptr.is_some() {
                netconf::addrconf_sysctl_unregister(k, net, ifindex);
                netconf::addrconf_sysctl_register(k, net, ifindex);
            }
            return Ok(());
        }
        _ => return Ok(()),
    }
    // The device became ready (or has a fresh inet6_dev while ready): its automatic
    // addresses (the link-local one, whose DAD starts), the DAD of addresses that waited for
    // it (`addrconf_dad_run`), its IPv6 MTU following a change made while it was down, and it
    // is stamped.
    addrconf_init_auto_addrs(k, net, ifindex)?;
    dad::addrconf_dad_run(k, net, ifindex);
    crate::ip6_fib::rt6_sync_up(k, net, ifindex, crate::uapi::rtnetlink::RTNH_F_DEAD);
    let now = cstamp(k);
    let d = k.dev_mut(net, ifindex).expect("present");
    let mtu = d.mtu;
    if let Some(idev) = d.ip6_ptr.as_mut() {
        if mtu >= IPV6_MIN_MTU {
            idev.devconf[DEVCONF_MTU6] = mtu as i32;
        }
        idev.tstamp = now;
    }
    if k.dev(net, ifindex).is_some_and(|d| d.ip6_ptr.is_some()) {
        ifinfo::inet6_ifinfo_notify(k, net, ifindex, crate::uapi::rtnetlink::RTM_NEWLINK)?;
        if mtu < IPV6_MIN_MTU {
            return addrconf_ifdown(k, net, ifindex, !loopback);
        }
    }
    Ok(())
}

/// `ipv6_add_dev` for a listed device without IPv6: the new `inet6_dev`, if the device's MTU
/// allows one, announced to RTNLGRP_IPV6_NETCONF (`addrconf_sysctl_register`).
fn addrconf_attach(k: &mut Kernel, net: NetId, ifindex: u32) -> Option<&Inet6Dev> {
    let dev = k.dev(net, ifindex).expect("present").clone();
    let idev = ipv6_add_dev(k, &dev)?;
    k.dev_mut(net, ifindex).expect("present").ip6_ptr = Some(idev);
    netconf::addrconf_sysctl_register(k, net, ifindex);
    crate::mcast::ipv6_add_dev_joined(k, net, ifindex).ok()?;
    k.dev(net, ifindex)?.ip6_ptr.as_ref()
}

/// `__in6_dev_get`, to change it.
pub(crate) fn idev_mut(k: &mut Kernel, net: NetId, ifindex: u32) -> Option<&mut Inet6Dev> {
    k.dev_mut(net, ifindex)?.ip6_ptr.as_mut()
}

/// `inet6_af_policy`.
fn inet6_af_policy() -> [NlaPolicy; IFLA_INET6_MAX as usize + 1] {
    let mut p = [NlaPolicy::of(NlaType::Unspec); IFLA_INET6_MAX as usize + 1];
    p[usize::from(IFLA_INET6_ADDR_GEN_MODE)] = NlaPolicy::of(NlaType::U8);
    p[usize::from(IFLA_INET6_TOKEN)] = NlaPolicy::with_len(NlaType::Unspec, 16);
    p[usize::from(IFLA_INET6_RA_MTU)] = NlaPolicy::reject_with("IFLA_INET6_RA_MTU can not be set");
    p
}

/// The AF_INET6 part of IFLA_AF_SPEC parsed against `inet6_af_policy`.
fn parse_inet6_af(
    msg: &[u8],
    r: Range<usize>,
    extack: &mut NetlinkExtAck,
) -> Result<crate::nlattr::Tb, Errno> {
    nla_parse(
        msg,
        r.start,
        r.end,
        &inet6_af_policy(),
        Validate::Liberal,
        extack,
    )
}

/// `inet6_validate_link_af`: a device without IPv6 (one not registered yet) is EAFNOSUPPORT;
/// then the policy, at least a token or a mode, and a mode the kernel knows (stable privacy
/// needs a secret, which a fresh namespace has not).
pub fn inet6_validate_link_af(
    dev: Option<&NetDevice>,
    msg: &[u8],
    r: Range<usize>,
    _features: crate::profile::FeatureSet,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    // No device: the request before one was looked up (see validate_linkmsg).
    if dev.is_some_and(|d| d.ip6_ptr.is_none()) {
        return Err(Errno::EAFNOSUPPORT.into());
    }
    let tb = parse_inet6_af(msg, r, extack)?;
    let token = tb[IFLA_INET6_TOKEN as usize].clone();
    let mode = tb[IFLA_INET6_ADDR_GEN_MODE as usize].clone();
    if token.is_none() && mode.is_none() {
        return Err(Errno::EINVAL.into());
    }
    if let Some(m) = mode {
        let mode = msg[m.start];
        if mode > IN6_ADDR_GEN_MODE_RANDOM || mode == IN6_ADDR_GEN_MODE_STABLE_PRIVACY {
            return Err(Errno::EINVAL.into());
        }
    }
    Ok(())
}

/// `inet6_set_link_af`: the token first, then the address generation mode (validated before).
pub fn inet6_set_link_af(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    msg: &[u8],
    r: Range<usize>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if idev_mut(k, net, ifindex).is_none() {
        return Err(Errno::EAFNOSUPPORT.into());
    }
    let tb = parse_inet6_af(msg, r, &mut NetlinkExtAck::default()).map_err(|_| Errno::EINVAL)?;
    if let Some(t) = tb[IFLA_INET6_TOKEN as usize].clone() {
        let mut token = [0u8; 16];
        token.copy_from_slice(&msg[t.start..t.start + 16]);
        inet6_set_iftoken(k, net, ifindex, &token, extack)?;
    }
    if let Some(m) = tb[IFLA_INET6_ADDR_GEN_MODE as usize].clone() {
        if let Some(idev) = idev_mut(k, net, ifindex) {
            idev.devconf[DEVCONF_ADDR_GEN_MODE] = i32::from(msg[m.start]);
        }
    }
    Ok(())
}

/// `inet6_set_iftoken`: refused on loopback, NOARP devices, devices that ignore router
/// advertisements or never solicit them; otherwise the token's interface identifier (its low
/// 8 bytes) is kept; a token that is not all zeros, on a ready device with a link-local
/// address past DAD, sends a router solicitation at once and starts their backoff again
/// (IF_RS_SENT). Then an AF_INET6 RTM_NEWLINK goes to RTNLGRP_IPV6_IFINFO and the addresses'
/// lifetimes are checked (no address is tokenized: those come from router advertisements).
fn inet6_set_iftoken(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    token: &[u8; 16],
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let dev = k.dev(net, ifindex).expect("looked up");
    let cnf = &dev.ip6_ptr.as_ref().expect("checked by the caller").devconf;
    let accept_ra = if cnf[DEVCONF_FORWARDING] != 0 {
        cnf[DEVCONF_ACCEPT_RA] == 2
    } else {
        cnf[DEVCONF_ACCEPT_RA] != 0
    };
    let refusal = if dev.flags & IFF_LOOPBACK != 0 {
        Some("ipv6: Device is loopback")
    } else if dev.flags & IFF_NOARP != 0 {
        Some("ipv6: Device does not do neighbour discovery")
    } else if !accept_ra {
        Some("ipv6: Router advertisement is disabled on device")
    } else if cnf[DEVCONF_RTR_SOLICITS] == 0 {
        Some("Router solicitation is disabled on device")
    } else {
        None
    };
    if let Some(msg) = refusal {
        extack.msg = Some(msg.into());
        return Err(Errno::EINVAL.into());
    }
    let Some(idev) = idev_mut(k, net, ifindex) else {
        return Ok(());
    };
    idev.token[8..].copy_from_slice(&token[8..]);
    let clear_token = token.iter().all(|&b| b == 0);
    // ipv6_get_lladdr with IFA_F_TENTATIVE | IFA_F_OPTIMISTIC banned.
    let banned = crate::uapi::if_addr::IFA_F_TENTATIVE | crate::uapi::if_addr::IFA_F_OPTIMISTIC;
    let has_lladdr = idev
        .addr_list
        .iter()
        .any(|a| a.scope == ifaddr::IFA_LINK && a.flags & banned == 0);
    if !clear_token && idev.if_flags & IF_READY != 0 && has_lladdr {
        let irt = idev.devconf[DEVCONF_RTR_SOLICIT_INTERVAL];
        crate::ndisc::ndisc_send_rs(k, net, ifindex)?;
        let irt = msecs_to_jiffies(k, irt);
        let interval = rfc3315_s14_backoff_init(k, irt);
        if let Some(idev) = idev_mut(k, net, ifindex) {
            idev.if_flags |= IF_RS_SENT;
            idev.rs_interval = interval;
            idev.rs_probes = 1;
        }
        let at = k.jiffies().wrapping_add(interval);
        mod_timer(k, rs_timer(net, ifindex), at);
    }
    ifinfo::inet6_ifinfo_notify(k, net, ifindex, crate::uapi::rtnetlink::RTM_NEWLINK)?;
    ifaddr::addrconf_verify(k, net, ifindex);
    Ok(())
}
