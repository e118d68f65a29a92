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

/// `IPV6_MIN_MTU`: below it the IPv6 MTU does not follow the device's.
const IPV6_MIN_MTU: u32 = 1280;

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

/// `ipv6_add_dev` (at NETDEV_REGISTER) as far as the configuration shows it: the release's
/// defaults, no DAD on devices without ARP or loopback, no temporary addresses on loopback and
/// devices without link-layer addresses.
pub fn ipv6_add_dev(dev: &mut NetDevice, features: crate::profile::FeatureSet) {
    use crate::uapi::if_arp::ARPHRD_NONE;
    if features.has(crate::profile::Feature::Ipv6TempValidLft2Days) {
        // TEMP_VALID_LIFETIME.
        dev.inet6.devconf[DEVCONF_TEMP_VALID_LFT] = 2 * 86400;
    }
    if dev.flags & (IFF_NOARP | IFF_LOOPBACK) != 0 {
        dev.inet6.devconf[DEVCONF_ACCEPT_DAD] = -1;
    }
    if dev.flags & IFF_LOOPBACK != 0 || dev.ty == ARPHRD_NONE {
        dev.inet6.devconf[DEVCONF_USE_TEMPADDR] = -1;
    }
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
    if !dev.af_attached {
        return Err(Errno::ENODATA);
    }
    let i6 = &dev.inet6;
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

/// `addrconf_notify` as far as RTM_NEWLINK shows it: IF_READY is set when the device comes up
/// ready, or later when a change makes it ready; going down clears it (`addrconf_ifdown`); the
/// IPv6 MTU follows a new device MTU of at least 1280.
pub fn addrconf_notify(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: NetdevEvent,
) -> SysResult<()> {
    let Some(d) = k.dev_mut(net, ifindex) else {
        return Ok(());
    };
    match event {
        NetdevEvent::Up | NetdevEvent::Change if d.is_up() && addrconf_link_ready(d) => {
            d.inet6.if_flags |= IF_READY;
        }
        NetdevEvent::Down => d.inet6.if_flags &= !IF_READY,
        NetdevEvent::ChangeMtu if d.mtu >= IPV6_MIN_MTU => {
            d.inet6.devconf[DEVCONF_MTU6] = d.mtu as i32
        }
        _ => {}
    }
    Ok(())
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
    if dev.is_some_and(|d| !d.af_attached) {
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
    let tb = parse_inet6_af(msg, r, &mut NetlinkExtAck::default()).map_err(|_| Errno::EINVAL)?;
    if let Some(t) = tb[IFLA_INET6_TOKEN as usize].clone() {
        let mut token = [0u8; 16];
        token.copy_from_slice(&msg[t.start..t.start + 16]);
        inet6_set_iftoken(k, net, ifindex, &token, extack)?;
    }
    if let Some(m) = tb[IFLA_INET6_ADDR_GEN_MODE as usize].clone() {
        if let Some(d) = k.dev_mut(net, ifindex) {
            d.inet6.devconf[DEVCONF_ADDR_GEN_MODE] = i32::from(msg[m.start]);
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
    let cnf = &dev.inet6.devconf;
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
    if let Some(d) = k.dev_mut(net, ifindex) {
        d.inet6.token[8..].copy_from_slice(&token[8..]);
    }
    Ok(())
}
