//! Link notifications to RTNLGRP_LINK: `rtmsg_ifinfo_build_skb`, `rtmsg_ifinfo_send`,
//! `rtmsg_ifinfo_event` and the netdevice events `rtnetlink_event` turns into messages.

use crate::af_netlink::broadcast::netlink_broadcast;
use crate::af_netlink::send::nlmsg_unicast;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::skbuff::SkBuff;
use crate::uapi::netlink::{NETLINK_ROUTE, NLM_F_ECHO};
use crate::uapi::rtnetlink::RTNLGRP_LINK;

use super::fill::rtnl_fill_ifinfo;

/// The request a notification answers, for `NLM_F_ECHO` (`nlmsg_report`): its sender's portid
/// and header.
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    /// The requester's portid.
    pub portid: u32,
    /// The request message.
    pub nlh: crate::af_netlink::Nlmsghdr<'a>,
}

impl Report<'_> {
    /// `nlmsg_report`: the request asked for an echo.
    fn wants_echo(&self) -> bool {
        self.nlh.flags() & NLM_F_ECHO != 0
    }
}

/// `rtmsg_ifinfo_build_skb`: one message of `ty` for `dev`, stamped with the requester's portid
/// and sequence only when it asked for an echo (else 0 and 0).
///
/// The kernel sizes the skb by `if_nlmsg_size`, an upper bound; the model sizes it by the
/// message itself, which only changes the truesize listeners are charged.
pub fn rtmsg_ifinfo_build_skb(
    dev: &NetDevice,
    ty: u16,
    change: u32,
    event: u32,
    report: Option<Report<'_>>,
) -> Result<SkBuff, Errno> {
    let (portid, seq) = match report {
        Some(r) if r.wants_echo() => (r.portid, r.nlh.seq()),
        _ => (0, 0),
    };
    let mut probe = SkBuff::alloc_skb(64 * 1024);
    rtnl_fill_ifinfo(&mut probe, dev, ty, portid, seq, 0, change, event, 0)?;
    let mut skb = SkBuff::alloc_skb(probe.len());
    rtnl_fill_ifinfo(&mut skb, dev, ty, portid, seq, 0, change, event, 0)?;
    Ok(skb)
}

/// `rtmsg_ifinfo_send` (`rtnl_notify`, `nlmsg_notify`): multicast to RTNLGRP_LINK, excluding
/// the requester when it gets its own echo copy, then that copy.
pub fn rtmsg_ifinfo_send(
    k: &mut Kernel,
    net: NetId,
    mut skb: SkBuff,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let Some(rtnl) = k.nets[net.0].kernel_sock[NETLINK_ROUTE as usize] else {
        return Ok(());
    };
    let echo = report.filter(|r| r.wants_echo());
    skb.cb.dst_group = RTNLGRP_LINK;
    // Delivery errors land on the listeners (drops, ENOBUFS); the notifier does not see them.
    let _ = netlink_broadcast(
        k,
        rtnl,
        skb.clone(),
        echo.map_or(0, |r| r.portid),
        RTNLGRP_LINK,
    );
    if let Some(r) = echo {
        // The same skb goes to the requester: it still names the group it was sent to.
        nlmsg_unicast(k, rtnl, skb, r.portid)?;
    }
    Ok(())
}

/// `rtmsg_ifinfo_event`: an RTM_NEWLINK notification for the registered device `ifindex`.
pub fn rtmsg_ifinfo_event(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    change: u32,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let Some(dev) = k.nets[net.0].devices.by_index(ifindex) else {
        return Ok(());
    };
    let skb = rtmsg_ifinfo_build_skb(dev, super::RTM_NEWLINK, change, 0, report)?;
    rtmsg_ifinfo_send(k, net, skb, report)
}

/// `IFLA_EVENT_FEATURES`: what `rtnetlink_event` reports for `NETDEV_FEAT_CHANGE`.
pub const IFLA_EVENT_FEATURES: u32 = 2;

/// `rtnetlink_event` for `NETDEV_FEAT_CHANGE`: RTM_NEWLINK with IFLA_EVENT_FEATURES.
pub fn rtnetlink_event_features(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(dev) = k.nets[net.0].devices.by_index(ifindex) else {
        return Ok(());
    };
    let skb = rtmsg_ifinfo_build_skb(dev, super::RTM_NEWLINK, 0, IFLA_EVENT_FEATURES, None)?;
    rtmsg_ifinfo_send(k, net, skb, None)
}

/// `__dev_notify_flags` for a flag change the device's users do not see in `ifi_flags` (a
/// promiscuity or allmulti counter moving): RTM_NEWLINK with `ifi_change` set to the flag.
pub fn rtmsg_ifinfo_flags(k: &mut Kernel, net: NetId, ifindex: u32, changed: u32) -> SysResult<()> {
    rtmsg_ifinfo_event(k, net, ifindex, changed, None)
}

/// `rtnetlink_event` for the events that become a plain RTM_NEWLINK (`NETDEV_CHANGEMTU`,
/// `NETDEV_CHANGEADDR`, `NETDEV_CHANGENAME`, `NETDEV_CHANGE_TX_QUEUE_LEN`...): change 0, no
/// echo.
pub fn rtnetlink_event(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    rtmsg_ifinfo_event(k, net, ifindex, 0, None)
}

/// The rtnetlink groups that registering, changing or removing the modeled devices also
/// speaks to on the kernel, none of which the model produces: RTNLGRP_NEIGH (3, a bridge's
/// forwarding entries), RTNLGRP_IPV4_IFADDR (5), RTNLGRP_IPV4_ROUTE (7), RTNLGRP_IPV6_IFADDR
/// (9), RTNLGRP_IPV6_ROUTE (11) and RTNLGRP_IPV6_IFINFO (12) (addresses, routes and IPv6
/// readiness as devices come up and go down), RTNLGRP_IPV4_NETCONF (24) and
/// RTNLGRP_IPV6_NETCONF (25) (each new and removed device), RTNLGRP_MDB (26), and the 6.18
/// profile's RTNLGRP_IPV4_MCADDR (37) and RTNLGRP_IPV6_MCADDR (38) (RTM_NEWMULTICAST for the
/// all-nodes groups a device joins). Listeners of the other groups hear nothing of links
/// (checked on 6.18 for every other group from 2 to 39 with veth pairs and a bridge with ports
/// coming up and going; see `listeners_of_unrelated_groups_hear_nothing_of_links.jsonl`).
pub const LINK_SIDE_GROUPS: [u32; 11] = [3, 5, 7, 9, 11, 12, 24, 25, 26, 37, 38];

/// Does a NETLINK_ROUTE socket of `net` listen to one of [`LINK_SIDE_GROUPS`]? Link changes
/// then answer `unimplemented` rather than leave those listeners silently without their
/// messages.
pub fn link_side_listeners(k: &Kernel, net: NetId) -> bool {
    let route = crate::uapi::netlink::NETLINK_ROUTE as usize;
    k.nl_table[route].mc_list.iter().any(|&s| {
        let sk = k.sk(s);
        sk.net == net && LINK_SIDE_GROUPS.iter().any(|&g| sk.in_group(g))
    })
}
