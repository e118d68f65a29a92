//! RTM_DELLINK: `rtnl_dellink` and `rtnl_delete_link`.

use crate::af_netlink::{skb_net, NetlinkExtAck};
use crate::dev_flags::route_listeners_beyond_link;
use crate::errno::{Errno, SysResult};
use crate::kernel::Kernel;
use crate::netdevice::unregister_netdevice_many;
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;
use crate::uapi::netlink::NLMSG_HDRLEN;

use super::newlink::{
    dev_link_ops, nlmsg_parse_deprecated_ifla, rtnl_dev_get, rtnl_ensure_unique_netns,
    rtnl_reject_netns, unsupported, IfInfoMsg,
};
use super::notify::Report;

/// `rtnl_dellink`: a device by index or name (EINVAL when neither is given, ENODEV when it does
/// not exist), deleted with whatever its driver takes along; RTM_DELLINK for each.
pub fn rtnl_dellink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: &[u8],
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let start = NLMSG_HDRLEN + IFINFOMSG_LEN;
    let tb = nlmsg_parse_deprecated_ifla(nlh, extack)?;
    rtnl_ensure_unique_netns(&tb, extack, true)?;
    rtnl_reject_netns(&tb)?;
    let net = skb_net(k, skb);
    let ifm = IfInfoMsg::parse(&nlh[NLMSG_HDRLEN..start]);
    let dev = if ifm.index > 0 {
        k.nets[net.0]
            .devices
            .by_index(ifm.index as u32)
            .map(|d| d.ifindex)
    } else if tb.has(IFLA_IFNAME) || tb.has(IFLA_ALT_IFNAME) {
        rtnl_dev_get(k, net, &tb)?
    } else if tb.has(IFLA_GROUP) {
        return Err(unsupported("deleting a group of links (IFLA_GROUP)"));
    } else {
        return Err(Errno::EINVAL.into());
    };
    let ifindex = dev.ok_or(Errno::ENODEV)?;
    rtnl_delete_link(
        k,
        net,
        ifindex,
        Report {
            portid: skb.cb.portid,
            nlh,
        },
    )
}

/// `rtnl_delete_link`: EOPNOTSUPP for a device without link ops (`lo`); otherwise the
/// driver's `dellink` list is unregistered together.
fn rtnl_delete_link(
    k: &mut Kernel,
    net: crate::kernel::NetId,
    ifindex: u32,
    report: Report<'_>,
) -> SysResult<()> {
    let dev = k.nets[net.0].devices.by_index(ifindex).expect("looked up");
    let Some(ops) = dev_link_ops(dev) else {
        return Err(Errno::EOPNOTSUPP.into());
    };
    if closes_ipv6_ready_device(k, net, ifindex) && route_listeners_beyond_link(k, net) {
        return Err(unsupported(
            "deleting a device whose IPv6 is configured while rtnetlink address or route \
             groups have listeners (addresses and routes are not modeled)",
        ));
    }
    let list = (ops.dellink)(k, net, ifindex);
    unregister_netdevice_many(k, net, &list, Some(report))
}

/// Would deleting `ifindex` close a device (itself, its peer or a port) on which IPv6 is
/// ready (and so has routes the kernel would withdraw)?
fn closes_ipv6_ready_device(k: &Kernel, net: crate::kernel::NetId, ifindex: u32) -> bool {
    use crate::netdevice::{IFF_UP, IF_READY};
    let devs = &k.nets[net.0].devices;
    let peer = devs.by_index(ifindex).and_then(|d| d.peer);
    devs.devs.values().any(|d| {
        (d.ifindex == ifindex || Some(d.ifindex) == peer || d.master == Some(ifindex))
            && d.flags & IFF_UP != 0
            && d.inet6.if_flags & IF_READY != 0
    })
}
