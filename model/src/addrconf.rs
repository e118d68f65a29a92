//! A device's IPv6 state as RTM_NEWLINK shows it (`net/ipv6/addrconf.c`): readiness
//! (`addrconf_notify`), and the IFLA_AF_SPEC / AF_INET6 part of link changes
//! (`inet6_validate_link_af`, `inet6_set_link_af`, `inet6_set_iftoken`).
//!
//! The model has no clock and no IPv6 addresses: a device that becomes ready keeps no
//! link-local address and sends nothing. On the kernel, a ready device in the default
//! address generation mode (EUI-64) makes a link-local address and, within milliseconds,
//! starts duplicate address detection, MLD reports and router solicitations, which move its
//! counters; a device with IFLA_INET6_ADDR_GEN_MODE "none" stays silent, as the model does.

use crate::af_netlink::NetlinkExtAck;
use crate::dev::{register_netdevice_notifier, NetdevEvent, NotifierBlock};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Validate};
use crate::rtnetlink::ops::{rtnl_af_register, LinkAfCtx, RtnlAfOps};
use crate::skbuff::SkBuff;
use crate::uapi::if_::{IFF_LOOPBACK, IFF_NOARP};
use crate::uapi::if_link::*;
use crate::uapi::ipv6::*;
use crate::uapi::rtnetlink::RTEXT_FILTER_SKIP_STATS;
use crate::uapi::socket::AF_INET6;
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
    /// `nd_parms` reachable time in ms (randomised per device): volatile.
    pub reachable_time: u32,
    /// `nd_parms` retransmit time in ms.
    pub retrans_time: u32,
    /// `token` (IFLA_INET6_TOKEN): only its interface identifier (bytes 8..16) is ever set.
    pub token: [u8; 16],
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
            token: [0; 16],
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
};

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
    idev.reachable_time = 15000 + k.random.get_random_u32_below(30000);
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
    Some(idev)
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

/// `addrconf_ifdown`: with `unregister`, the device loses its `inet6_dev` (`ip6_ptr` cleared:
/// IFLA_AF_SPEC has no AF_INET6 any more, and a later `ipv6_add_dev` starts afresh); else it
/// stays, no longer ready, its router solicitation state cleared, stamped now.
fn addrconf_ifdown(k: &mut Kernel, net: NetId, ifindex: u32, unregister: bool) {
    let now = cstamp(k);
    let Some(d) = k.dev_mut(net, ifindex) else {
        return;
    };
    if unregister {
        d.ip6_ptr = None;
        return;
    }
    if let Some(idev) = d.ip6_ptr.as_mut() {
        idev.if_flags &= !(IF_RS_SENT | IF_RA_RCVD | IF_READY);
        idev.tstamp = now;
    }
}

/// `addrconf_notify` at NETDEV_UNREGISTER: `addrconf_ifdown(dev, true)`.
pub fn addrconf_unregister(dev: &mut NetDevice) {
    dev.ip6_ptr = None;
}

/// `inet6_fill_link_af`: flags, cache info, configuration, statistics (unless the mask skips
/// them), token and address generation mode; ENODATA for a device without IPv6.
fn inet6_fill_link_af(
    skb: &mut SkBuff,
    dev: &NetDevice,
    LinkAfCtx {
        release,
        ext_filter_mask,
    }: LinkAfCtx,
) -> Result<(), Errno> {
    let Some(i6) = &dev.ip6_ptr else {
        return Err(Errno::ENODATA);
    };
    skb.nla_put_u32(IFLA_INET6_FLAGS, i6.if_flags)?;
    // struct ifla_cacheinfo: max_reasm_len, tstamp, reachable_time, retrans_time.
    skb.nla_put_u32_array(
        IFLA_INET6_CACHEINFO,
        &[65535, i6.tstamp, i6.reachable_time, i6.retrans_time],
    )?;
    skb.nla_put_i32_array(IFLA_INET6_CONF, &i6.devconf[..release.ipv6_devconf_max])?;
    if ext_filter_mask & RTEXT_FILTER_SKIP_STATS == 0 {
        // Counters start with their own count; no traffic is modeled.
        let mut stats = [0u64; IPSTATS_MIB_MAX];
        let stats = &mut stats[..release.ipstats_mib_max];
        stats[0] = stats.len() as u64;
        skb.nla_put_u64_array(IFLA_INET6_STATS, stats)?;
        let mut icmp = [0u64; ICMP6_MIB_MAX];
        icmp[0] = ICMP6_MIB_MAX as u64;
        skb.nla_put_u64_array(IFLA_INET6_ICMP6STATS, &icmp)?;
    }
    skb.nla_put(IFLA_INET6_TOKEN, &i6.token)?;
    skb.nla_put_u8(IFLA_INET6_ADDR_GEN_MODE, i6.addr_gen_mode())
}

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
                addrconf_ifdown(k, net, ifindex, !loopback);
                return Ok(());
            }
            let mtu = d.mtu;
            if let Some(idev) = idev_mut(k, net, ifindex) {
                idev.devconf[DEVCONF_MTU6] = mtu as i32;
                return Ok(());
            }
            let dev = k.dev(net, ifindex).expect("present").clone();
            let idev = ipv6_add_dev(k, &dev);
            let ready = idev.as_ref().is_some_and(|i| i.if_flags & IF_READY != 0);
            k.dev_mut(net, ifindex).expect("present").ip6_ptr = idev;
            if !ready {
                return Ok(());
            }
        }
        NetdevEvent::Up => {
            if !addrconf_link_ready(d) {
                return Ok(());
            }
            if d.ip6_ptr.is_none() {
                let dev = k.dev(net, ifindex).expect("present").clone();
                let idev = ipv6_add_dev(k, &dev);
                k.dev_mut(net, ifindex).expect("present").ip6_ptr = idev;
            }
            if let Some(idev) = idev_mut(k, net, ifindex) {
                idev.if_flags |= IF_READY;
            }
        }
        NetdevEvent::Change => {
            if !addrconf_link_ready(d) {
                return Ok(());
            }
            if let Some(idev) = idev_mut(k, net, ifindex) {
                if idev.if_flags & IF_READY != 0 {
                    return Ok(());
                }
                idev.if_flags |= IF_READY;
            }
        }
        NetdevEvent::Down => {
            addrconf_ifdown(k, net, ifindex, false);
            return Ok(());
        }
        _ => return Ok(()),
    }
    // The device became ready (or has a fresh inet6_dev while ready): its IPv6 MTU follows a
    // change made while it was down, and it is stamped.
    let now = cstamp(k);
    let d = k.dev_mut(net, ifindex).expect("present");
    let mtu = d.mtu;
    if let Some(idev) = d.ip6_ptr.as_mut() {
        if mtu >= IPV6_MIN_MTU {
            idev.devconf[DEVCONF_MTU6] = mtu as i32;
        }
        idev.tstamp = now;
        if mtu < IPV6_MIN_MTU {
            addrconf_ifdown(k, net, ifindex, !loopback);
        }
    }
    Ok(())
}

/// `__in6_dev_get`, to change it.
fn idev_mut(k: &mut Kernel, net: NetId, ifindex: u32) -> Option<&mut Inet6Dev> {
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
/// 8 bytes) is kept and an AF_INET6 RTM_NEWLINK goes to RTNLGRP_IPV6_IFINFO (which has no
/// listeners here, see `link_side_listeners`). With no
/// non-tentative link-local address in the model, no router solicitation is sent.
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
    if let Some(idev) = idev_mut(k, net, ifindex) {
        idev.token[8..].copy_from_slice(&token[8..]);
    }
    Ok(())
}
