//! IGMP (`net/ipv4/igmp.c`) as far as a device's own groups go: the `ip_mc_list` of an
//! `in_device` (the all-hosts group 224.0.0.1 joined while the device is up, `ip_mc_up` /
//! `ip_mc_down`, reference counted by `ip_mc_inc_group` / `ip_mc_dec_group`) and its
//! RTM_GETMULTICAST messages (`inet_fill_ifmcaddr`), on releases that dump them.
//!
//! Not modeled: groups sockets join (IP_ADD_MEMBERSHIP on an inet socket: the model has no
//! inet sockets) and multicast addresses configured with autojoin (answered `unimplemented`
//! by devinet); IGMP reports, which the all-hosts group never sends (it is not reported), so
//! a device with only that group sends none; the device-level multicast MAC list
//! (`ip_mc_filter_add`'s `dev_mc_add`). Joins and leaves are announced to RTNLGRP_IPV4_MCADDR
//! on the releases that do (`inet_ifmcaddr_notify`, Feature McaddrNotify).

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::profile::{Feature, FeatureSet};
use crate::rtnetlink::notify::{rtnl_has_listeners, rtnl_notify};
use crate::skbuff::SkBuff;
use crate::uapi::if_addr::*;
use crate::uapi::netlink::{nla_align, nlmsg_align, NLA_HDRLEN, NLMSG_HDRLEN};
use crate::uapi::rtnetlink::{RTM_DELMULTICAST, RTM_NEWMULTICAST, RTNLGRP_IPV4_MCADDR};
use crate::uapi::socket::AF_INET;
use nltwin_wire::ifaddrmsg;

/// `IGMP_ALL_HOSTS`: 224.0.0.1.
pub const IGMP_ALL_HOSTS: [u8; 4] = [224, 0, 0, 1];

/// `RT_SCOPE_UNIVERSE`.
const RT_SCOPE_UNIVERSE: u8 = 0;

/// A group the device joined (`struct ip_mc_list`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpMcList {
    /// `multiaddr`.
    pub multiaddr: [u8; 4],
    /// `users`.
    pub users: u32,
    /// `mca_cstamp` (and `mca_tstamp`, always the same): `jiffies` at the join.
    pub cstamp: u64,
}

/// `____ip_mc_inc_group`: one more user of `addr` on the device's `in_device`; a new group
/// goes to the head of the list (the dump shows the newest first) and is announced.
pub fn ip_mc_inc_group(k: &mut Kernel, net: NetId, ifindex: u32, addr: [u8; 4]) -> SysResult<()> {
    let now = k.jiffies();
    let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) else {
        return Ok(());
    };
    if let Some(im) = in_dev.mc_list.iter_mut().find(|im| im.multiaddr == addr) {
        im.users += 1;
        return Ok(());
    }
    let im = IpMcList {
        multiaddr: addr,
        users: 1,
        cstamp: now,
    };
    in_dev.mc_list.insert(0, im.clone());
    inet_ifmcaddr_notify(k, net, ifindex, &im, RTM_NEWMULTICAST)?;
    ip_rt_multicast_event(k, net);
    Ok(())
}

/// `ip_rt_multicast_event`: a group joined or left changes what output routes say, so the
/// cached ones go (`rt_cache_flush`).
fn ip_rt_multicast_event(k: &mut Kernel, net: NetId) {
    crate::fib::route::rt_cache_flush(k, net);
}

/// `__ip_mc_dec_group`: one user fewer; the last one takes the group off the list, announced.
pub fn ip_mc_dec_group(k: &mut Kernel, net: NetId, ifindex: u32, addr: [u8; 4]) -> SysResult<()> {
    let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) else {
        return Ok(());
    };
    let Some(pos) = in_dev.mc_list.iter().position(|im| im.multiaddr == addr) else {
        return Ok(());
    };
    in_dev.mc_list[pos].users -= 1;
    if in_dev.mc_list[pos].users > 0 {
        return Ok(());
    }
    let im = in_dev.mc_list.remove(pos);
    inet_ifmcaddr_notify(k, net, ifindex, &im, RTM_DELMULTICAST)?;
    ip_rt_multicast_event(k, net);
    Ok(())
}

/// `ip_mc_up`: a device coming up joins the all-hosts group.
pub fn ip_mc_up(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    ip_mc_inc_group(k, net, ifindex, IGMP_ALL_HOSTS)
}

/// `ip_mc_down`: a device going down leaves it.
pub fn ip_mc_down(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    ip_mc_dec_group(k, net, ifindex, IGMP_ALL_HOSTS)
}

/// `ip_mc_destroy_dev`: the device's groups go with its `in_device`: all-hosts as
/// `ip_mc_down` leaves it (announced), any other silently.
pub fn ip_mc_destroy_dev(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    ip_mc_down(k, net, ifindex)?;
    if let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) {
        in_dev.mc_list.clear();
    }
    Ok(())
}

/// `inet_ifmcaddr_notify`: a group joined or left, to RTNLGRP_IPV4_MCADDR, on releases that
/// announce them (portid, sequence and flags 0).
fn inet_ifmcaddr_notify(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    im: &IpMcList,
    event: u16,
) -> SysResult<()> {
    if !k.has(Feature::McaddrNotify) || !rtnl_has_listeners(k, net, RTNLGRP_IPV4_MCADDR) {
        return Ok(());
    }
    let nla = |len: usize| nla_align(NLA_HDRLEN + len);
    let size = nlmsg_align(NLMSG_HDRLEN + ifaddrmsg::LEN) + nla(4) + nla(4) + nla(16);
    let mut skb = SkBuff::alloc_skb(size);
    let cstamp = crate::devinet::ifaddr::cstamp_delta(k, im.cstamp);
    let args = McFillArgs {
        portid: 0,
        seq: 0,
        event,
        flags: 0,
    };
    inet_fill_ifmcaddr(&mut skb, ifindex, im, cstamp, args, k.features)?;
    rtnl_notify(k, net, skb, RTNLGRP_IPV4_MCADDR, None)
}

/// What `inet_fill_ifmcaddr` stamps a message with (`struct inet_fill_args`).
#[derive(Clone, Copy, Debug)]
pub struct McFillArgs {
    /// `portid`.
    pub portid: u32,
    /// `seq`.
    pub seq: u32,
    /// `event`: the message type (a dump's is RTM_GETMULTICAST itself).
    pub event: u16,
    /// `flags`.
    pub flags: u16,
}

/// `inet_fill_ifmcaddr`: one group's message: a /32 permanent universe-scope address header,
/// IFA_MULTICAST, IFA_MC_USERS where the release has it, and IFA_CACHEINFO with infinite
/// lifetimes and the join time (`cstamp`, already in hundredths of a second since boot) as
/// both stamps. Nothing of it stays in the skb on EMSGSIZE.
pub fn inet_fill_ifmcaddr(
    skb: &mut SkBuff,
    ifindex: u32,
    im: &IpMcList,
    cstamp: u32,
    args: McFillArgs,
    features: FeatureSet,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = (|| {
        let at = skb.nlmsg_put(
            args.portid,
            args.seq,
            args.event,
            ifaddrmsg::LEN,
            args.flags,
        )?;
        let h = ifaddrmsg::Repr {
            family: AF_INET,
            prefixlen: 32,
            flags: IFA_F_PERMANENT as u8,
            scope: RT_SCOPE_UNIVERSE,
            index: ifindex,
        };
        skb.nlmsg_data_mut(at)[..ifaddrmsg::LEN].copy_from_slice(&h.to_bytes());
        skb.nla_put(IFA_MULTICAST, &im.multiaddr)?;
        if features.has(Feature::IfaMcUsers) {
            skb.nla_put_u32(IFA_MC_USERS, im.users)?;
        }
        skb.nla_put_u32_array(
            IFA_CACHEINFO,
            &[INFINITY_LIFE_TIME, INFINITY_LIFE_TIME, cstamp, cstamp],
        )?;
        skb.nlmsg_end(at);
        Ok(())
    })();
    if r.is_err() {
        skb.trim(mark);
    }
    r
}
