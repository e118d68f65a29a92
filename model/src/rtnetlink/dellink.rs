//! RTM_DELLINK: `rtnl_dellink` and `rtnl_delete_link`.

use crate::af_netlink::{skb_net, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::kernel::Kernel;
use crate::profile::Feature;
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;

use super::newlink::{
    nlmsg_parse_deprecated_ifla, rtnl_dev_get, rtnl_ensure_unique_netns, rtnl_reject_netns,
};
use super::notify::Report;

/// `rtnl_dellink`: a device by index or name (EINVAL when neither is given, ENODEV when it does
/// not exist), deleted with whatever its driver takes along; RTM_DELLINK for each.
pub fn rtnl_dellink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let tb = nlmsg_parse_deprecated_ifla(nlh, super::link::ifla_policy(k), extack)?;
    rtnl_ensure_unique_netns(&tb, extack, true)?;
    rtnl_reject_netns(&tb)?;
    let net = skb_net(k, skb);
    let ifm = super::newlink::ifinfomsg(nlh.payload());
    let dev = if ifm.index > 0 {
        k.net(net)
            .devices
            .by_index(ifm.index as u32)
            .map(|d| d.ifindex)
    } else if tb.has(IFLA_IFNAME) || tb.has(IFLA_ALT_IFNAME) {
        rtnl_dev_get(&k.net(net).devices, &tb)
    } else if tb.has(IFLA_GROUP) {
        return Err(crate::errno::unimplemented(
            "deleting a group of links (IFLA_GROUP)",
        ));
    } else {
        return Err(Errno::EINVAL.into());
    };
    let ifindex = dev.ok_or(Errno::ENODEV)?;
    // Without the echo change, deletion notifies without the request.
    let report = k.has(Feature::RtnlDeleteLinkEcho).then_some(Report {
        portid: skb.cb.portid,
        nlh,
    });
    rtnl_delete_link(k, net, ifindex, report)
}

/// `rtnl_delete_link`: EOPNOTSUPP for a device without link ops (`lo`); otherwise the
/// driver's `dellink` list is unregistered together.
fn rtnl_delete_link(
    k: &mut Kernel,
    net: crate::kernel::NetId,
    ifindex: u32,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let dev = k.dev(net, ifindex).expect("looked up");
    let Some(ops) = dev.rtnl_link_ops else {
        return Err(Errno::EOPNOTSUPP.into());
    };
    let list = ops.dellink_list(k, net, ifindex);
    crate::dev::unregister_netdevice_many_nets(k, net, &list, report)
}
