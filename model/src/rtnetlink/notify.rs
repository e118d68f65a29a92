//! Link notifications to RTNLGRP_LINK: `rtmsg_ifinfo_build_skb`, `rtmsg_ifinfo_send`,
//! `rtmsg_ifinfo_event`, and `rtnetlink_event`, rtnetlink's netdevice notifier, which turns
//! device events into RTM_NEWLINK messages.

use crate::af_netlink::broadcast::netlink_broadcast;
use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::Nlmsghdr;
use crate::dev::NetdevEvent;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::profile::Feature;
use crate::skbuff::SkBuff;
use crate::uapi::if_link::IFLA_EVENT_FEATURES;
use crate::uapi::netlink::{NETLINK_ROUTE, NLM_F_ECHO};
use crate::uapi::rtnetlink::*;

use super::fill::{rtnl_fill_ifinfo, FillCtx};

/// The request a notification answers, for `NLM_F_ECHO` (`nlmsg_report`): its sender's portid
/// and header.
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    /// The requester's portid.
    pub portid: u32,
    /// The request message.
    pub nlh: Nlmsghdr<'a>,
}

impl Report<'_> {
    /// `nlmsg_report`: the request asked for an echo.
    fn wants_echo(&self) -> bool {
        self.nlh.flags() & NLM_F_ECHO != 0
    }
}

/// `rtmsg_ifinfo_build_skb`: one message of `ty` for `dev`, stamped with the requester's portid
/// and sequence when it asked for an echo (else 0 and 0); before that was made conditional,
/// whenever the notification answers a request.
///
/// The skb is allocated as the kernel's is, by `if_nlmsg_size` ([`super::size`]): an upper
/// bound, whose head a short message (an RTM_DELLINK) does not give back when the skb is
/// trimmed, so listeners are charged what the kernel charges them.
pub fn rtmsg_ifinfo_build_skb(
    ctx: FillCtx<'_>,
    dev: &NetDevice,
    ty: u16,
    change: u32,
    event: u32,
    report: Option<Report<'_>>,
) -> Result<SkBuff, Errno> {
    let only_echo = ctx.features.has(Feature::RtnlNotifyStampOnlyEcho);
    let (portid, seq) = match report {
        Some(r) if r.wants_echo() || !only_echo => (r.portid, r.nlh.seq()),
        _ => (0, 0),
    };
    let room = crate::uapi::netlink::nlmsg_align(
        crate::uapi::netlink::NLMSG_HDRLEN + super::size::if_nlmsg_size(&ctx, dev, 0),
    );
    let mut probe = SkBuff::alloc_skb(64 * 1024);
    rtnl_fill_ifinfo(&mut probe, ctx, dev, ty, portid, seq, 0, change, event, 0)?;
    // The estimate bounds every message the kernel fills; a model message past it would be
    // the kernel's EMSGSIZE warning, so the room grows to hold it rather than lose it.
    let mut skb = SkBuff::alloc_skb(room.max(probe.len()));
    skb.put_data(probe.data())?;
    Ok(skb)
}

/// Whether a link notification in `net` reaches anyone: a listener of RTNLGRP_LINK, or the
/// requester asking for an echo. When nobody would receive it, the kernel builds the message
/// and drops it; the model does not build it (nothing of it is observable).
pub fn rtnl_link_notify_wanted(k: &Kernel, net: NetId, report: Option<Report<'_>>) -> bool {
    if report.is_some_and(|r| r.wants_echo()) {
        return true;
    }
    k.net(net).kernel_sock[NETLINK_ROUTE as usize]
        .is_some_and(|rtnl| crate::af_netlink::netlink_has_listeners(k, rtnl, RTNLGRP_LINK))
}

/// `rtmsg_ifinfo_send`: [`rtnl_notify`] to RTNLGRP_LINK.
pub fn rtmsg_ifinfo_send(
    k: &mut Kernel,
    net: NetId,
    skb: SkBuff,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    rtnl_notify(k, net, skb, RTNLGRP_LINK, report)
}

/// `rtnl_notify` (`nlmsg_notify`): multicast to `group`, excluding the requester when it gets
/// its own echo copy, then that copy.
pub fn rtnl_notify(
    k: &mut Kernel,
    net: NetId,
    mut skb: SkBuff,
    group: u32,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let Some(rtnl) = k.net(net).kernel_sock[NETLINK_ROUTE as usize] else {
        return Ok(());
    };
    let echo = report.filter(|r| r.wants_echo());
    skb.cb.dst_group = group;
    // Delivery errors land on the listeners (drops, ENOBUFS); the notifier does not see them.
    let _ = netlink_broadcast(k, rtnl, skb.clone(), echo.map_or(0, |r| r.portid), group);
    if let Some(r) = echo {
        // The same skb goes to the requester: it still names the group it was sent to.
        nlmsg_unicast(k, rtnl, skb, r.portid)?;
    }
    Ok(())
}

/// Whether a NETLINK_ROUTE socket of `net` listens to `group` (`rtnl_has_listeners`).
pub fn rtnl_has_listeners(k: &Kernel, net: NetId, group: u32) -> bool {
    k.net(net).kernel_sock[NETLINK_ROUTE as usize]
        .is_some_and(|rtnl| crate::af_netlink::netlink_has_listeners(k, rtnl, group))
}

/// `rtmsg_ifinfo_event`: an RTM_NEWLINK notification for the registered device `ifindex`,
/// with `ifi_change` and IFLA_EVENT set as given.
pub fn rtmsg_ifinfo_event(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    change: u32,
    event: u32,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    super::fill::rtnl_link_netnsid_alloc(k, net, net, ifindex)?;
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    if !rtnl_link_notify_wanted(k, net, report) {
        return Ok(());
    }
    let skb = rtmsg_ifinfo_build_skb(
        FillCtx::of(k, net, dev),
        dev,
        RTM_NEWLINK,
        change,
        event,
        report,
    )?;
    rtmsg_ifinfo_send(k, net, skb, report)
}

/// `__dev_notify_flags` for a flag change the device's users do not see in `ifi_flags` (a
/// promiscuity or allmulti counter moving): RTM_NEWLINK with `ifi_change` set to the flag.
pub fn rtmsg_ifinfo_flags(k: &mut Kernel, net: NetId, ifindex: u32, changed: u32) -> SysResult<()> {
    rtmsg_ifinfo_event(k, net, ifindex, changed, 0, None)
}

/// `rtnetlink_event`: rtnetlink's netdevice notifier. The events that change what a link
/// message shows become an RTM_NEWLINK (change 0; IFLA_EVENT_FEATURES for a features change);
/// up, down and state changes are announced by their callers.
pub fn rtnetlink_event(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: NetdevEvent,
) -> SysResult<()> {
    use NetdevEvent::*;
    match event {
        ChangeMtu | ChangeAddr | ChangeName | ChangeTxQueueLen | ChangeUpper => {
            rtmsg_ifinfo_event(k, net, ifindex, 0, 0, None)
        }
        FeatChange => rtmsg_ifinfo_event(k, net, ifindex, 0, IFLA_EVENT_FEATURES, None),
        Up | Down | Change { .. } => Ok(()),
    }
}

// Every rtnetlink group that registering, changing or removing the modeled devices speaks to
// is modeled, so link changes go through whoever listens. Multicast addresses (IPV4_MCADDR,
// IPV6_MCADDR: `crate::igmp`, `crate::mcast`), a bridge's forwarding entries (NEIGH:
// `drivers::bridge::br_fdb`), the neighbour tables' flushes (`neighbour`), netconf (IPV4_NETCONF,
// IPV6_NETCONF), addresses (IPV4_IFADDR, IPV6_IFADDR), routes (IPV4_ROUTE, IPV6_ROUTE) and IPv6
// readiness (IPV6_IFINFO) are announced as the kernel does. MDB hears nothing of links: the
// kernel speaks to it only for a bridge's groups and router ports (`br_mdb_notify`,
// `br_rtr_notify`), which the model never has (`drivers::bridge::br_mdb`: every way into them
// answers `unimplemented` where it would happen). Listeners of the other groups hear nothing of
// links either (checked on 6.18 for every other group from 2 to 39 with veth pairs and a bridge
// with ports coming up and going; see
// `listeners_of_unrelated_groups_hear_nothing_of_links.jsonl`).
