//! A device's IPv6 addresses (`struct inet6_ifaddr` on `idev->addr_list`,
//! `net/ipv6/addrconf.c`): adding one (`ipv6_add_addr`, kept in scope order by
//! `ipv6_link_dev_addr`), finding one (`ipv6_get_ifaddr`), removing one (`ipv6_del_addr`), the
//! message that describes one (`inet6_fill_ifaddr`) and the RTNLGRP_IPV6_IFADDR notifications
//! (`inet6_ifa_notify`, `__ipv6_ifa_notify`).
//!
//! An address's routes (its local route, inserted as it is announced valid and removed with
//! it, a peer's route) are made here and in [`super::route`]; its solicited-node group joined
//! and left in `crate::mcast` (announced to RTNLGRP_IPV6_MCADDR where the release does).

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::skbuff::SkBuff;
use crate::timer::{mod_timer, timer_delete, TimerArg, TimerList};
use crate::uapi::if_addr::*;
use crate::uapi::netlink::{NETLINK_ROUTE, NLMSG_HDRLEN};
use crate::uapi::rtnetlink::*;
use crate::uapi::socket::AF_INET6;

/// `INET6_IFADDR_STATE_*` (ERRDAD is not modeled: no duplicate is ever detected).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfaState {
    /// Waiting for its DAD work to begin.
    Predad,
    /// DAD running (or stopped on a device that is not ready, the address kept tentative).
    Dad,
    /// DAD done.
    Postdad,
    /// Removed.
    Dead,
}

/// An address of a device (`struct inet6_ifaddr`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inet6Ifaddr {
    /// Which address it is, unique in the namespace and growing: newer addresses have larger
    /// ids (the namespace's address hash lists the newest first), and it names the address's
    /// DAD work.
    pub id: u32,
    /// `addr`.
    pub addr: [u8; 16],
    /// `peer_addr` (all zeros: none).
    pub peer_addr: [u8; 16],
    /// `prefix_len`.
    pub prefix_len: u8,
    /// `flags` (`IFA_F_*`).
    pub flags: u32,
    /// `scope`: `ipv6_addr_scope` (IFA_HOST 0x10, IFA_LINK 0x20, IFA_SITE 0x40, global 0).
    pub scope: u32,
    /// `prefered_lft` in seconds.
    pub prefered_lft: u32,
    /// `valid_lft` in seconds.
    pub valid_lft: u32,
    /// `cstamp` (jiffies): when it was made.
    pub cstamp: u64,
    /// `tstamp` (jiffies): when its lifetimes were last set.
    pub tstamp: u64,
    /// `rt_priority`.
    pub rt_priority: u32,
    /// `ifa_proto`.
    pub ifa_proto: u8,
    /// `state`.
    pub state: IfaState,
    /// `dad_probes`: neighbour solicitations still to send.
    pub dad_probes: u32,
    /// `dad_nonce` (enhanced DAD; 0: none).
    pub dad_nonce: u64,
    /// `rt`: its local route, made with the address and in table local while the address
    /// is announced valid (the copy in the table is the one that counts; see
    /// [`crate::ip6_fib::Fib6Net::linked`]).
    pub rt: Option<crate::ip6_fib::Fib6Info>,
}

impl Inet6Ifaddr {
    /// `IFA_F_TENTATIVE`.
    pub fn tentative(&self) -> bool {
        self.flags & IFA_F_TENTATIVE != 0
    }
}

/// `IFA_HOST`, `IFA_LINK`, `IFA_SITE` (`ipv6_addr_scope` values).
pub const IFA_HOST: u32 = 0x10;
/// See [`IFA_HOST`].
pub const IFA_LINK: u32 = 0x20;
/// See [`IFA_HOST`].
pub const IFA_SITE: u32 = 0x40;

/// `IPV6_ADDR_*` type bits.
pub(crate) const IPV6_ADDR_ANY: u32 = 0;
pub(crate) const IPV6_ADDR_UNICAST: u32 = 0x1;
pub(crate) const IPV6_ADDR_MULTICAST: u32 = 0x2;
pub(crate) const IPV6_ADDR_LOOPBACK: u32 = 0x10;
pub(crate) const IPV6_ADDR_LINKLOCAL: u32 = 0x20;
const IPV6_ADDR_SITELOCAL: u32 = 0x40;
const IPV6_ADDR_COMPATV4: u32 = 0x80;
pub(crate) const IPV6_ADDR_MAPPED: u32 = 0x1000;
const IPV6_ADDR_SCOPE_MASK: u32 = 0xf0;

/// `IPV6_ADDR_SCOPE_TYPE`.
const fn scope_type(scope: u32) -> u32 {
    scope << 16
}

/// `__ipv6_addr_type` (`net/ipv6/addrconf_core.c`).
pub fn ipv6_addr_type(a: &[u8; 16]) -> u32 {
    let st = u32::from_be_bytes([a[0], a[1], a[2], a[3]]);
    if st & 0xE000_0000 != 0 && st & 0xE000_0000 != 0xE000_0000 {
        return IPV6_ADDR_UNICAST | scope_type(0x0e);
    }
    if st & 0xFF00_0000 == 0xFF00_0000 {
        let scope = u32::from(a[1] & 0x0f);
        let t = match scope {
            0x01 => scope_type(0x01) | IPV6_ADDR_LOOPBACK,
            0x02 => scope_type(0x02) | IPV6_ADDR_LINKLOCAL,
            0x05 => scope_type(0x05) | IPV6_ADDR_SITELOCAL,
            s => scope_type(s),
        };
        return IPV6_ADDR_MULTICAST | t;
    }
    if st & 0xFFC0_0000 == 0xFE80_0000 {
        return IPV6_ADDR_LINKLOCAL | IPV6_ADDR_UNICAST | scope_type(0x02);
    }
    if st & 0xFFC0_0000 == 0xFEC0_0000 {
        return IPV6_ADDR_SITELOCAL | IPV6_ADDR_UNICAST | scope_type(0x05);
    }
    if st & 0xFE00_0000 == 0xFC00_0000 {
        return IPV6_ADDR_UNICAST | scope_type(0x0e);
    }
    if a[..8] == [0; 8] {
        if a[8..12] == [0; 4] {
            if a[12..] == [0; 4] {
                return IPV6_ADDR_ANY;
            }
            if a[12..] == [0, 0, 0, 1] {
                return IPV6_ADDR_LOOPBACK | IPV6_ADDR_UNICAST | scope_type(0x02);
            }
            return IPV6_ADDR_COMPATV4 | IPV6_ADDR_UNICAST | scope_type(0x0e);
        }
        if a[8..12] == [0, 0, 0xff, 0xff] {
            return IPV6_ADDR_MAPPED | scope_type(0x0e);
        }
    }
    IPV6_ADDR_UNICAST | scope_type(0x0e)
}

/// `ipv6_addr_scope`.
pub fn ipv6_addr_scope(a: &[u8; 16]) -> u32 {
    ipv6_addr_type(a) & IPV6_ADDR_SCOPE_MASK
}

/// `ipv6_addr_src_scope` (`__IPV6_ADDR_SCOPE_INVALID`, -1, for the unspecified address).
fn ipv6_addr_src_scope(a: &[u8; 16]) -> i32 {
    match ipv6_addr_type(a) {
        IPV6_ADDR_ANY => -1,
        t => (t >> 16) as i32,
    }
}

/// What a new address is made of (`struct ifa6_config`).
#[derive(Clone, Copy, Debug)]
pub struct Ifa6Config {
    /// `pfx`.
    pub pfx: [u8; 16],
    /// `peer_pfx` (none: all zeros).
    pub peer_pfx: Option<[u8; 16]>,
    /// `plen`.
    pub plen: u8,
    /// `ifa_flags`.
    pub ifa_flags: u32,
    /// `valid_lft`.
    pub valid_lft: u32,
    /// `preferred_lft`.
    pub preferred_lft: u32,
    /// `scope`.
    pub scope: u32,
    /// `rt_priority`.
    pub rt_priority: u32,
    /// `ifa_proto`.
    pub ifa_proto: u8,
}

/// `NL_SET_ERR_MSG_MOD` from addrconf (the module is "ipv6"), where the release has the
/// message.
pub(crate) fn set_msg_mod(k: &Kernel, extack: &mut crate::af_netlink::NetlinkExtAck, msg: &str) {
    if k.has(crate::profile::Feature::Ipv6AddrExtackMessages) {
        extack.msg = Some(format!("ipv6: {msg}"));
    }
}

/// `ipv6_add_addr`: refuse the unspecified address, a multicast one without
/// IFA_F_MCAUTOJOIN, the loopback address on another device, a device with IPv6 disabled and
/// an address the device already has (EEXIST); else the address with its local route
/// (`addrconf_f6i_alloc`, not in a table yet), tentative unless IFA_F_NODAD, stamped now, in
/// the device's list (`ipv6_link_dev_addr`: by scope, global
/// first, before the addresses of its scope). Returns its id.
pub fn ipv6_add_addr(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    cfg: &Ifa6Config,
    extack: &mut crate::af_netlink::NetlinkExtAck,
) -> SysResult<u32> {
    let addr_type = ipv6_addr_type(&cfg.pfx);
    let Some(dev) = k.dev(net, ifindex) else {
        return Err(Errno::ENODEV.into());
    };
    let loopback = dev.flags & crate::uapi::if_::IFF_LOOPBACK != 0;
    let refusal = if addr_type == IPV6_ADDR_ANY {
        Some("Invalid address")
    } else if addr_type & IPV6_ADDR_MULTICAST != 0 && cfg.ifa_flags & IFA_F_MCAUTOJOIN == 0 {
        Some("Cannot assign multicast address without \"IFA_F_MCAUTOJOIN\" flag")
    } else if !loopback && addr_type & IPV6_ADDR_LOOPBACK != 0 {
        Some("Cannot assign loopback address on this device")
    } else {
        None
    };
    if let Some(msg) = refusal {
        set_msg_mod(k, extack, msg);
        return Err(Errno::EADDRNOTAVAIL.into());
    }
    let Some(idev) = &dev.ip6_ptr else {
        return Err(Errno::ENODEV.into());
    };
    if idev.devconf[crate::uapi::ipv6::DEVCONF_DISABLE_IPV6] != 0 {
        set_msg_mod(k, extack, "IPv6 is disabled on this device");
        return Err(Errno::EACCES.into());
    }
    if idev.addr_list.iter().any(|a| a.addr == cfg.pfx) {
        return Err(Errno::EEXIST.into());
    }
    let rt = super::route::addrconf_f6i_alloc(k, net, ifindex, &cfg.pfx)?;
    let now = k.jiffies();
    let id = {
        let n = k.net_mut(net);
        n.ipv6.addr_ids += 1;
        n.ipv6.addr_ids
    };
    let mut flags = cfg.ifa_flags;
    if flags & IFA_F_NODAD == 0 {
        flags |= IFA_F_TENTATIVE;
    }
    let ifa = Inet6Ifaddr {
        id,
        addr: cfg.pfx,
        peer_addr: cfg.peer_pfx.unwrap_or([0; 16]),
        prefix_len: cfg.plen,
        flags,
        scope: cfg.scope,
        prefered_lft: cfg.preferred_lft,
        valid_lft: cfg.valid_lft,
        cstamp: now,
        tstamp: now,
        rt_priority: cfg.rt_priority,
        ifa_proto: cfg.ifa_proto,
        state: IfaState::Predad,
        dad_probes: 0,
        dad_nonce: 0,
        rt: Some(rt),
    };
    let idev = super::idev_mut(k, net, ifindex).expect("present");
    let scope = ipv6_addr_src_scope(&ifa.addr);
    let at = idev
        .addr_list
        .iter()
        .position(|a| scope >= ipv6_addr_src_scope(&a.addr))
        .unwrap_or(idev.addr_list.len());
    idev.addr_list.insert(at, ifa);
    Ok(id)
}

/// The address `id` of the device.
pub fn ifa(k: &Kernel, net: NetId, ifindex: u32, id: u32) -> Option<&Inet6Ifaddr> {
    k.dev(net, ifindex)?
        .ip6_ptr
        .as_ref()?
        .addr_list
        .iter()
        .find(|a| a.id == id)
}

/// The address `id` of the device, to change it.
pub fn ifa_mut(k: &mut Kernel, net: NetId, ifindex: u32, id: u32) -> Option<&mut Inet6Ifaddr> {
    super::idev_mut(k, net, ifindex)?
        .addr_list
        .iter_mut()
        .find(|a| a.id == id)
}

/// `ipv6_get_ifaddr` (strict): the newest address `addr` of the namespace, on `dev` when one
/// is given, as (ifindex, id).
pub fn ipv6_get_ifaddr(
    k: &Kernel,
    net: NetId,
    addr: &[u8; 16],
    dev: Option<u32>,
) -> Option<(u32, u32)> {
    k.devices(net)
        .filter(|d| dev.is_none_or(|i| i == d.ifindex))
        .filter_map(|d| {
            let a = d
                .ip6_ptr
                .as_ref()?
                .addr_list
                .iter()
                .find(|a| a.addr == *addr)?;
            Some((d.ifindex, a.id))
        })
        .max_by_key(|&(_, id)| id)
}

/// `rt_scope`: the `ifa_scope` of an address of `scope`.
fn rt_scope(scope: u32) -> u8 {
    if scope & IFA_HOST != 0 {
        RT_SCOPE_HOST
    } else if scope & IFA_LINK != 0 {
        RT_SCOPE_LINK
    } else if scope & IFA_SITE != 0 {
        RT_SCOPE_SITE
    } else {
        RT_SCOPE_UNIVERSE
    }
}

/// `RT_SCOPE_*`.
const RT_SCOPE_UNIVERSE: u8 = 0;
const RT_SCOPE_SITE: u8 = 200;
const RT_SCOPE_LINK: u8 = 253;
const RT_SCOPE_HOST: u8 = 254;

/// `inet6_ifaddr_msgsize`: the room an address message is allocated (ifaddrmsg, IFA_LOCAL,
/// IFA_ADDRESS, IFA_CACHEINFO, IFA_FLAGS, IFA_PROTO, IFA_RT_PRIORITY).
pub const INET6_IFADDR_MSGSIZE: usize = 8 + 20 + 20 + 20 + 8 + 8 + 8;

/// The clock as an address message reads it: `jiffies`, HZ and `cstamp_delta`'s base.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// `jiffies`.
    pub jiffies: u64,
    /// `HZ`.
    pub hz: u64,
}

impl Clock {
    /// The kernel's clock now.
    pub fn of(k: &Kernel) -> Clock {
        Clock {
            jiffies: k.jiffies(),
            hz: u64::from(k.timers.hz()),
        }
    }

    /// `cstamp_delta`: hundredths of a second from INITIAL_JIFFIES to `stamp`.
    fn cstamp_delta(&self, stamp: u64) -> u32 {
        let since = stamp.wrapping_sub(crate::timer::initial_jiffies(self.hz as u32));
        (since * 100 / self.hz) as u32
    }
}

/// What a message about addresses says besides the address (`struct inet6_fill_args`).
#[derive(Clone, Copy, Debug)]
pub struct FillArgs {
    /// `portid`.
    pub portid: u32,
    /// `seq`.
    pub seq: u32,
    /// `event`.
    pub event: u16,
    /// `flags`.
    pub flags: u16,
    /// `force_rt_scope_universe`: a multicast group's message says universe whatever the
    /// group's scope (the notifications do).
    pub force_rt_scope_universe: bool,
}

/// `inet6_fill_ifaddr`: ifaddrmsg (the low byte of the flags), IFA_LOCAL and IFA_ADDRESS with
/// a peer (else IFA_ADDRESS), IFA_RT_PRIORITY when set, IFA_CACHEINFO (lifetimes left: a
/// finite preferred lifetime counts down from `tstamp` in whole seconds, and so does a finite
/// valid one with it; a permanent address with an infinite preferred lifetime reads infinite
/// both), IFA_FLAGS, IFA_PROTO when set. Nothing is left of a message that did not fit.
pub fn inet6_fill_ifaddr(
    skb: &mut SkBuff,
    ifa: &Inet6Ifaddr,
    ifindex: u32,
    clock: Clock,
    args: FillArgs,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = fill(skb, ifa, ifindex, clock, args);
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

fn fill(
    skb: &mut SkBuff,
    ifa: &Inet6Ifaddr,
    ifindex: u32,
    clock: Clock,
    args: FillArgs,
) -> Result<(), Errno> {
    let at = skb.nlmsg_put(
        args.portid,
        args.seq,
        args.event,
        nltwin_wire::ifaddrmsg::LEN,
        args.flags,
    )?;
    let h = nltwin_wire::ifaddrmsg::Repr {
        family: AF_INET6,
        prefixlen: ifa.prefix_len,
        flags: ifa.flags as u8,
        scope: rt_scope(ifa.scope),
        index: ifindex,
    };
    skb.nlmsg_data_mut(at)[..nltwin_wire::ifaddrmsg::LEN].copy_from_slice(&h.to_bytes());
    let (mut preferred, mut valid) = (ifa.prefered_lft, ifa.valid_lft);
    if !(ifa.flags & IFA_F_PERMANENT != 0 && preferred == INFINITY_LIFE_TIME) {
        if preferred != INFINITY_LIFE_TIME {
            let tval = clock.jiffies.wrapping_sub(ifa.tstamp) / clock.hz;
            preferred = (u64::from(preferred).saturating_sub(tval)) as u32;
            if valid != INFINITY_LIFE_TIME {
                valid = (u64::from(valid).saturating_sub(tval)) as u32;
            }
        }
    } else {
        preferred = INFINITY_LIFE_TIME;
        valid = INFINITY_LIFE_TIME;
    }
    if ifa.peer_addr != [0; 16] {
        skb.nla_put(IFA_LOCAL, &ifa.addr)?;
        skb.nla_put(IFA_ADDRESS, &ifa.peer_addr)?;
    } else {
        skb.nla_put(IFA_ADDRESS, &ifa.addr)?;
    }
    if ifa.rt_priority != 0 {
        skb.nla_put_u32(IFA_RT_PRIORITY, ifa.rt_priority)?;
    }
    skb.nla_put_u32_array(
        IFA_CACHEINFO,
        &[
            preferred,
            valid,
            clock.cstamp_delta(ifa.cstamp),
            clock.cstamp_delta(ifa.tstamp),
        ],
    )?;
    skb.nla_put_u32(IFA_FLAGS, ifa.flags)?;
    if ifa.ifa_proto != 0 {
        skb.nla_put_u8(IFA_PROTO, ifa.ifa_proto)?;
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// `inet6_fill_ifmcaddr`: a joined group as an address message (prefix length 128, flags
/// IFA_F_PERMANENT, scope site for a site-local group, else universe), IFA_MULTICAST,
/// IFA_MC_USERS (where the release has it) and IFA_CACHEINFO (infinite lifetimes, the join's time twice). On EMSGSIZE
/// nothing of it stays.
pub fn inet6_fill_ifmcaddr(
    skb: &mut SkBuff,
    mc: &crate::mcast::Ifmcaddr6,
    ifindex: u32,
    clock: Clock,
    args: FillArgs,
    features: crate::profile::FeatureSet,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = (|| {
        let at = skb.nlmsg_put(
            args.portid,
            args.seq,
            args.event,
            nltwin_wire::ifaddrmsg::LEN,
            args.flags,
        )?;
        // ipv6_addr_scope(group) & IFA_SITE: only a site-local group's scope has that bit.
        let scope = if mc.addr[1] & 0x0f == 5 && !args.force_rt_scope_universe {
            RT_SCOPE_SITE
        } else {
            RT_SCOPE_UNIVERSE
        };
        let h = nltwin_wire::ifaddrmsg::Repr {
            family: AF_INET6,
            prefixlen: 128,
            flags: IFA_F_PERMANENT as u8,
            scope,
            index: ifindex,
        };
        skb.nlmsg_data_mut(at)[..nltwin_wire::ifaddrmsg::LEN].copy_from_slice(&h.to_bytes());
        skb.nla_put(IFA_MULTICAST, &mc.addr)?;
        if features.has(crate::profile::Feature::IfaMcUsers) {
            skb.nla_put_u32(IFA_MC_USERS, mc.users)?;
        }
        skb.nla_put_u32_array(
            IFA_CACHEINFO,
            &[
                INFINITY_LIFE_TIME,
                INFINITY_LIFE_TIME,
                clock.cstamp_delta(mc.cstamp),
                clock.cstamp_delta(mc.cstamp),
            ],
        )?;
        skb.nlmsg_end(at);
        Ok(())
    })();
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

/// `inet6_ifa_notify`: `event` for `ifa` of `ifindex` to RTNLGRP_IPV6_IFADDR, stamped with no
/// requester (IPv6 address notifications never answer a request: NLM_F_ECHO is not honoured).
/// Nothing is built when nobody listens.
pub fn inet6_ifa_notify(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ifa: &Inet6Ifaddr,
    event: u16,
) -> SysResult<()> {
    let Some(rtnl) = k.net(net).kernel_sock[NETLINK_ROUTE as usize] else {
        return Ok(());
    };
    if !crate::af_netlink::netlink_has_listeners(k, rtnl, RTNLGRP_IPV6_IFADDR) {
        return Ok(());
    }
    let mut skb = SkBuff::alloc_skb(NLMSG_HDRLEN + INET6_IFADDR_MSGSIZE);
    let args = FillArgs {
        portid: 0,
        seq: 0,
        event,
        flags: 0,
        force_rt_scope_universe: false,
    };
    inet6_fill_ifaddr(&mut skb, ifa, ifindex, Clock::of(k), args)?;
    skb.cb.dst_group = RTNLGRP_IPV6_IFADDR;
    // Delivery errors land on the listeners (drops, ENOBUFS).
    let _ = crate::af_netlink::broadcast::netlink_broadcast(k, rtnl, skb, 0, RTNLGRP_IPV6_IFADDR);
    Ok(())
}

/// `__ipv6_ifa_notify`: the notification (event 0 is RTM_NEWADDR and nothing else), then
/// for RTM_NEWADDR the local route into table local when it is in none (`ip6_ins_rt`) and a
/// peer's /128 prefix route; for RTM_DELADDR leaving the address's solicited-node group
/// (`addrconf_leave_solict`), the peer's route and the local route deleted; and the
/// namespace's address generation moves (`dev_addr_genid`, which address dumps check).
pub fn __ipv6_ifa_notify(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ifa: &Inet6Ifaddr,
    event: u16,
) -> SysResult<()> {
    inet6_ifa_notify(
        k,
        net,
        ifindex,
        ifa,
        if event == 0 { RTM_NEWADDR } else { event },
    )?;
    use super::route::{addrconf_get_prefix_route, addrconf_prefix_route, ignore_errno};
    if event == RTM_NEWADDR {
        if let Some(rt) = &ifa.rt {
            if !k.net(net).ipv6.fib6.linked(rt.id) {
                crate::ip6_fib::fib6_add(k, net, rt.clone(), None, &mut Default::default())
                    .or_else(ignore_errno)?;
            }
        }
        if ifa.peer_addr != [0; 16] {
            addrconf_prefix_route(k, net, &ifa.peer_addr, 128, ifa.rt_priority, ifindex)?;
        }
    }
    if event == RTM_DELADDR {
        addrconf_leave_solict(k, net, ifindex, &ifa.addr)?;
        if ifa.peer_addr != [0; 16] {
            if let Some(id) = addrconf_get_prefix_route(k, net, &ifa.peer_addr, 128, ifindex) {
                crate::ip6_fib::fib6_del(k, net, id, None).or_else(ignore_errno)?;
            }
        }
        if let Some(rt) = &ifa.rt {
            crate::ip6_fib::fib6_del(k, net, rt.id, None).or_else(ignore_errno)?;
        }
    }
    let n = k.net_mut(net);
    n.ipv6.dev_addr_genid = n.ipv6.dev_addr_genid.wrapping_add(1);
    Ok(())
}

/// `ipv6_ifa_notify` for the address `id` as it is now.
pub fn ipv6_ifa_notify(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    id: u32,
    event: u16,
) -> SysResult<()> {
    let Some(a) = ifa(k, net, ifindex, id).cloned() else {
        return Ok(());
    };
    __ipv6_ifa_notify(k, net, ifindex, &a, event)
}

/// `addrconf_leave_solict` (`ipv6_dev_mc_dec` of the solicited-node group; not on loopback
/// or NOARP devices): one user fewer; the last one's going removes the group, and a group
/// that was reported is reported left by MLD, which the model does not send (once the clock
/// moves, `unimplemented`).
pub fn addrconf_leave_solict(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    addr: &[u8; 16],
) -> SysResult<()> {
    use crate::uapi::if_::{IFF_LOOPBACK, IFF_NOARP};
    let Some(d) = k.dev_mut(net, ifindex) else {
        return Ok(());
    };
    if d.flags & (IFF_LOOPBACK | IFF_NOARP) != 0 {
        return Ok(());
    }
    let group = super::solicited_node(addr);
    let Some(idev) = d.ip6_ptr.as_mut() else {
        return Ok(());
    };
    let Some(at) = idev.mc_list.iter().position(|m| m.addr == group) else {
        return Ok(());
    };
    let m = &mut idev.mc_list[at];
    m.users -= 1;
    if m.users > 0 {
        return Ok(());
    }
    let reported = !m.noreport;
    let m = idev.mc_list.remove(at);
    crate::mcast::inet6_ifmcaddr_notify(k, net, ifindex, &m, RTM_DELMULTICAST)?;
    if reported {
        let at = k.jiffies().wrapping_add(1);
        mod_timer(k, mld_leave_timer(net, ifindex), at);
    }
    Ok(())
}

/// The stand-in for MLD's reports of groups left.
pub(crate) fn mld_leave_timer(net: NetId, ifindex: u32) -> TimerList {
    TimerList {
        name: "mld_ifc_work (reports of groups left, not modeled)",
        function: mld_leave_unmodeled,
        arg: TimerArg {
            net,
            obj: ifindex,
            sub: 0,
        },
    }
}

fn mld_leave_unmodeled(_k: &mut Kernel, _arg: TimerArg) -> SysResult<()> {
    Err(crate::errno::unimplemented(
        "MLD reports of a solicited-node group left when an IPv6 address was deleted",
    ))
}

/// The stand-in for `addrconf_verify_work` once an address has a finite lifetime: when the
/// first lifetime runs out, the kernel deprecates or deletes the address, which the model
/// does not.
pub(crate) fn lifetime_timer(net: NetId, ifindex: u32) -> TimerList {
    TimerList {
        name: "addrconf_verify_work (address lifetimes, not modeled)",
        function: lifetime_unmodeled,
        arg: TimerArg {
            net,
            obj: ifindex,
            sub: 0,
        },
    }
}

fn lifetime_unmodeled(_k: &mut Kernel, _arg: TimerArg) -> SysResult<()> {
    Err(crate::errno::unimplemented(
        "an IPv6 address lifetime running out (addrconf_verify_rtnl)",
    ))
}

/// `addrconf_verify_rtnl` as far as the model goes: the device's stand-in timer at the
/// earliest moment one of its addresses' finite lifetimes runs out (a preferred lifetime
/// already over, the address deprecated, does not count).
pub fn addrconf_verify(k: &mut Kernel, net: NetId, ifindex: u32) {
    let hz = u64::from(k.timers.hz());
    let Some(idev) = k.dev(net, ifindex).and_then(|d| d.ip6_ptr.as_ref()) else {
        return;
    };
    let next = idev
        .addr_list
        .iter()
        .flat_map(|a| {
            let valid = (a.valid_lft != INFINITY_LIFE_TIME)
                .then(|| a.tstamp.wrapping_add(u64::from(a.valid_lft) * hz));
            let preferred = (a.prefered_lft != INFINITY_LIFE_TIME
                && a.flags & IFA_F_DEPRECATED == 0)
                .then(|| a.tstamp.wrapping_add(u64::from(a.prefered_lft) * hz));
            [valid, preferred]
        })
        .flatten()
        .min();
    match next {
        Some(at) => {
            mod_timer(k, lifetime_timer(net, ifindex), at.max(k.jiffies() + 1));
        }
        None => {
            timer_delete(k, lifetime_timer(net, ifindex));
        }
    }
}

/// `ipv6_del_addr`: the address dead and out of the list, its DAD stopped, RTM_DELADDR (with
/// what `__ipv6_ifa_notify` does for it), then the prefix route of a permanent address with
/// one, unless another address keeps it (`check_cleanup_prefix_route`,
/// `cleanup_prefix_route`); an address already dead is left alone.
pub fn ipv6_del_addr(k: &mut Kernel, net: NetId, ifindex: u32, id: u32) -> SysResult<()> {
    let Some(idev) = super::idev_mut(k, net, ifindex) else {
        return Ok(());
    };
    let Some(at) = idev.addr_list.iter().position(|a| a.id == id) else {
        return Ok(());
    };
    if idev.addr_list[at].state == IfaState::Dead {
        return Ok(());
    }
    let action = if idev.addr_list[at].flags & IFA_F_PERMANENT != 0
        && idev.addr_list[at].flags & IFA_F_NOPREFIXROUTE == 0
    {
        super::route::check_cleanup_prefix_route(&idev.addr_list[at], idev.addr_list.iter())
    } else {
        super::route::CleanupPrefixRt::Nop
    };
    let mut a = idev.addr_list.remove(at);
    a.state = IfaState::Dead;
    crate::workqueue::cancel_delayed_work(k, super::dad::dad_work(net, ifindex, id));
    __ipv6_ifa_notify(k, net, ifindex, &a, RTM_DELADDR)?;
    super::route::cleanup_prefix_route(k, net, ifindex, &a, action)?;
    addrconf_verify(k, net, ifindex);
    Ok(())
}
