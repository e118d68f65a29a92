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
    /// `crcount`: the change records still to report for it (IGMPv3).
    pub crcount: u32,
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
        crcount: 0,
    };
    in_dev.mc_list.insert(0, im.clone());
    // igmpv3_del_delrec: a join cancels the leave records still pending for the group.
    in_dev.mc_tomb.retain(|t| t.0 != addr);
    igmp_group_added(k, net, ifindex, addr);
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
    igmp_group_dropped(k, net, ifindex, addr);
    inet_ifmcaddr_notify(k, net, ifindex, &im, RTM_DELMULTICAST)?;
    ip_rt_multicast_event(k, net);
    Ok(())
}

/// `ip_mc_up`: a device coming up joins the all-hosts group, and every group it has is
/// added again (`igmp_group_added`: their change reports go out again).
pub fn ip_mc_up(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    ip_mc_inc_group(k, net, ifindex, IGMP_ALL_HOSTS)?;
    let groups: Vec<[u8; 4]> = k
        .dev(net, ifindex)
        .and_then(|d| d.ip_ptr.as_ref())
        .map(|i| i.mc_list.iter().map(|im| im.multiaddr).collect())
        .unwrap_or_default();
    for g in groups {
        if let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) {
            in_dev.mc_tomb.retain(|t| t.0 != g);
        }
        igmp_group_added(k, net, ifindex, g);
    }
    Ok(())
}

/// `ip_mc_down`: a device going down drops its groups (their leave records wait in the
/// tomb), stops its change reports (`mr_ifc_count` 0, the timer deleted) and leaves the
/// all-hosts group.
pub fn ip_mc_down(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let groups: Vec<[u8; 4]> = k
        .dev(net, ifindex)
        .and_then(|d| d.ip_ptr.as_ref())
        .map(|i| i.mc_list.iter().map(|im| im.multiaddr).collect())
        .unwrap_or_default();
    for g in groups {
        igmp_group_dropped(k, net, ifindex, g);
    }
    if let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) {
        in_dev.mr_ifc_count = 0;
    }
    crate::timer::timer_delete(k, ifc_timer(net, ifindex));
    ip_mc_dec_group(k, net, ifindex, IGMP_ALL_HOSTS)
}

/// `ip_mc_destroy_dev`: the device's groups go with its `in_device`: all-hosts as
/// `ip_mc_down` leaves it (announced), any other silently.
pub fn ip_mc_destroy_dev(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    ip_mc_down(k, net, ifindex)?;
    if let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) {
        in_dev.mc_list.clear();
        in_dev.mc_tomb.clear();
    }
    crate::timer::timer_delete(k, ifc_timer(net, ifindex));
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

/// `IGMPV3_ALL_MCR`: 224.0.0.22, where IGMPv3 reports go.
pub const IGMPV3_ALL_MCR: [u8; 4] = [224, 0, 0, 22];

/// The IPv4 header of a report with its router alert option (`igmpv3_newpack`: 20 + 4).
const IGMP_IPHDR_LEN: u64 = 24;
/// `struct igmpv3_report` without its records.
const IGMPV3_REPORT_LEN: u64 = 8;
/// `struct igmpv3_grec` without sources.
const IGMPV3_GREC_LEN: u64 = 8;

/// `sysctl_igmp_qrv`'s default: the robustness variable, reports sent per change.
const IGMP_QRV_DEFAULT: u32 = 2;

/// Whether a group is reported (`igmp_group_added`'s tests): never all-hosts; a link-local
/// group (224.0.0.0/24) only with `igmp_link_local_mcast_reports`, on by default (the model
/// keeps no such sysctl: its default).
fn igmp_reported(addr: &[u8; 4]) -> bool {
    addr != &IGMP_ALL_HOSTS
}

/// `igmp_group_added` in IGMPv3 mode (no IGMPv1/v2 querier is ever heard in the model): a
/// reported group on a live `in_device` gets `mr_qrv` change records and the change event.
fn igmp_group_added(k: &mut Kernel, net: NetId, ifindex: u32, addr: [u8; 4]) {
    let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) else {
        return;
    };
    if !igmp_reported(&addr) || in_dev.dead {
        return;
    }
    if let Some(im) = in_dev.mc_list.iter_mut().find(|im| im.multiaddr == addr) {
        im.crcount = IGMP_QRV_DEFAULT;
    }
    igmp_ifc_event(k, net, ifindex);
}

/// `igmp_group_dropped` (`igmpv3_add_delrec`): a reported group left on a live `in_device`
/// keeps `mr_qrv` leave records in the tomb, and the change event.
fn igmp_group_dropped(k: &mut Kernel, net: NetId, ifindex: u32, addr: [u8; 4]) {
    let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) else {
        return;
    };
    if !igmp_reported(&addr) || in_dev.dead {
        return;
    }
    in_dev.mc_tomb.retain(|t| t.0 != addr);
    in_dev.mc_tomb.insert(0, (addr, IGMP_QRV_DEFAULT));
    igmp_ifc_event(k, net, ifindex);
}

/// `mr_ifc_timer`.
fn ifc_timer(net: NetId, ifindex: u32) -> crate::timer::TimerList {
    crate::timer::TimerList {
        name: "igmp_ifc_timer_expire",
        function: igmp_ifc_timer_expire,
        arg: crate::timer::TimerArg {
            net,
            obj: ifindex,
            sub: 0,
        },
    }
}

/// `igmp_ifc_event`: `mr_qrv` reports to come, the first at once (`igmp_ifc_start_timer(1)`).
fn igmp_ifc_event(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) else {
        return;
    };
    in_dev.mr_ifc_count = IGMP_QRV_DEFAULT;
    igmp_ifc_start_timer(k, net, ifindex, 1);
}

/// `igmp_ifc_start_timer`: the report timer in a random number of jiffies below `delay`,
/// plus 2.
fn igmp_ifc_start_timer(k: &mut Kernel, net: NetId, ifindex: u32, delay: u64) {
    let tv = u64::from(k.random.get_random_u32_below(delay.max(1) as u32));
    let at = k.jiffies() + tv + 2;
    crate::timer::mod_timer(k, ifc_timer(net, ifindex), at);
}

/// `igmp_ifc_timer_expire`: send the pending change records (`igmpv3_send_cr`), and while
/// reports remain, the next within the unsolicited report interval
/// (`igmpv3_unsolicited_report_interval`, 1 s by default).
fn igmp_ifc_timer_expire(k: &mut Kernel, arg: crate::timer::TimerArg) -> SysResult<()> {
    let (net, ifindex) = (arg.net, arg.obj);
    igmpv3_send_cr(k, net, ifindex)?;
    let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) else {
        return Ok(());
    };
    if in_dev.mr_ifc_count > 0 {
        in_dev.mr_ifc_count -= 1;
        let idx =
            usize::from(nltwin_wire::uapi::ip::IPV4_DEVCONF_IGMPV3_UNSOLICITED_REPORT_INTERVAL) - 1;
        let ms = in_dev.cnf[idx] as i32;
        let iv = crate::addrconf::msecs_to_jiffies(k, ms);
        igmp_ifc_start_timer(k, net, ifindex, iv);
    }
    Ok(())
}

/// `igmpv3_send_cr`: one report with a leave record for each group in the tomb and a change
/// record for each group with records left (each one fewer; a tomb entry with none left
/// goes), none when there are none.
fn igmpv3_send_cr(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) else {
        return Ok(());
    };
    let mut records = 0u64;
    let mut link_local_only = true;
    for t in in_dev.mc_tomb.iter_mut() {
        t.1 -= 1;
        records += 1;
        link_local_only &= t.0[..3] == [224, 0, 0];
    }
    in_dev.mc_tomb.retain(|t| t.1 > 0);
    for im in in_dev.mc_list.iter_mut().filter(|im| im.crcount > 0) {
        im.crcount -= 1;
        records += 1;
        link_local_only &= im.multiaddr[..3] == [224, 0, 0];
    }
    if records == 0 {
        return Ok(());
    }
    igmpv3_sendpack(k, net, ifindex, records, link_local_only)
}

/// `igmpv3_newpack` + `igmpv3_sendpack`: a report of `records` records without sources to
/// 224.0.0.22 behind the router alert option, routed out of the device itself (a link-local
/// group with an output interface needs no FIB entry; a device that is not up has no route:
/// nothing sent), then `ip_finish_output2` -> `dev_queue_xmit`. The namespace's IP and IGMP
/// counters it moves are not modeled (netlink does not show them).
fn igmpv3_sendpack(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    records: u64,
    link_local_only: bool,
) -> SysResult<()> {
    if !k
        .dev(net, ifindex)
        .is_some_and(crate::netdevice::NetDevice::is_up)
    {
        return Ok(());
    }
    let len = IGMP_IPHDR_LEN + IGMPV3_REPORT_LEN + records * IGMPV3_GREC_LEN;
    let skb = crate::netdevice::Ipv4Skb {
        daddr: IGMPV3_ALL_MCR,
        len,
        igmp_report: true,
        igmp_link_local_only: link_local_only,
    };
    crate::dev::dev_queue_xmit(k, net, ifindex, &crate::netdevice::Frame::Ipv4(skb)).map(|_| ())
}
