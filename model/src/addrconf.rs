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
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{
    NetDevice, NetdevEvent, DEVCONF_ADDR_GEN_MODE, IFF_LOOPBACK, IFF_NOARP, IFF_UP, IF_READY,
};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Validate};
use crate::uapi::if_link::{IFLA_INET6_ADDR_GEN_MODE, IFLA_INET6_TOKEN};
use std::ops::Range;

/// `IFLA_INET6_MAX` on 6.18 (IFLA_INET6_RA_MTU).
const IFLA_INET6_MAX: usize = 9;
/// `IFLA_INET6_RA_MTU`.
const IFLA_INET6_RA_MTU: usize = 9;
/// `IN6_ADDR_GEN_MODE_STABLE_PRIVACY`; modes above `IN6_ADDR_GEN_MODE_RANDOM` are invalid.
const IN6_ADDR_GEN_MODE_STABLE_PRIVACY: u8 = 2;
const IN6_ADDR_GEN_MODE_RANDOM: u8 = 3;
/// `DEVCONF_FORWARDING`, `DEVCONF_ACCEPT_RA`, `DEVCONF_RTR_SOLICITS`.
const DEVCONF_FORWARDING: usize = 0;
const DEVCONF_ACCEPT_RA: usize = 3;
const DEVCONF_RTR_SOLICITS: usize = 7;

/// `addrconf_link_ready`: the device is operationally up (UP or UNKNOWN) and its qdisc is
/// active, which for the modeled devices means it has carrier.
fn addrconf_link_ready(dev: &NetDevice) -> bool {
    dev.netif_oper_up() && dev.carrier
}

/// `addrconf_notify` as far as RTM_NEWLINK shows it: IF_READY is set when the device comes up
/// ready, or later when a change makes it ready; going down clears it (`addrconf_ifdown`).
pub fn addrconf_notify(k: &mut Kernel, net: NetId, ifindex: u32, event: NetdevEvent) {
    let Some(d) = k.nets[net.0].devices.devs.get_mut(&ifindex) else {
        return;
    };
    match event {
        NetdevEvent::Up | NetdevEvent::Change => {
            if d.flags & IFF_UP != 0 && addrconf_link_ready(d) {
                d.inet6.if_flags |= IF_READY;
            }
        }
        NetdevEvent::Down => d.inet6.if_flags &= !IF_READY,
        NetdevEvent::ChangeAddr => {}
    }
}

/// `inet6_af_policy`.
fn inet6_af_policy() -> [NlaPolicy; IFLA_INET6_MAX + 1] {
    let mut p = [NlaPolicy::of(NlaType::Unspec); IFLA_INET6_MAX + 1];
    p[IFLA_INET6_ADDR_GEN_MODE as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_INET6_TOKEN as usize] = NlaPolicy::with_len(NlaType::Unspec, 16);
    p[IFLA_INET6_RA_MTU] = NlaPolicy::reject_with("IFLA_INET6_RA_MTU can not be set");
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
    dev: &NetDevice,
    msg: &[u8],
    r: Range<usize>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if !dev.af_attached {
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
        if let Some(d) = k.nets[net.0].devices.devs.get_mut(&ifindex) {
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
    let dev = k.nets[net.0].devices.by_index(ifindex).expect("looked up");
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
    if let Some(d) = k.nets[net.0].devices.devs.get_mut(&ifindex) {
        d.inet6.token[8..].copy_from_slice(&token[8..]);
    }
    Ok(())
}
