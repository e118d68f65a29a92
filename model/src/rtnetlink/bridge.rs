//! The PF_BRIDGE link handlers of `rtnetlink.c`: `rtnl_bridge_getlink` (dump),
//! `rtnl_bridge_setlink` and `rtnl_bridge_dellink`. They speak for bridge ports and devices
//! with bridge operations; the model has neither (no bridge is modeled), so the dump lists no
//! device, and a change request for an existing device answers `unimplemented`.

use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck};
use crate::errno::{Errno, SysResult};
use crate::kernel::Kernel;
use crate::skbuff::SkBuff;
use crate::uapi::if_link::IFINFOMSG_LEN;
use crate::uapi::netlink::NLMSG_HDRLEN;

use super::newlink::{unsupported, IfInfoMsg};

/// `rtnl_bridge_getlink`: every device that is a bridge port or has `ndo_bridge_getlink`; none
/// in the model. Strict-mode request checks are not modeled.
pub fn rtnl_bridge_getlink(
    _k: &mut Kernel,
    _skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    if cb.strict_check {
        return Err(unsupported("PF_BRIDGE link dump with strict checking"));
    }
    Ok(0)
}

/// `rtnl_bridge_setlink` / `rtnl_bridge_dellink`: the device by `ifi_index` (ENODEV when
/// missing); what follows concerns bridges, which the model does not have.
fn bridge_change(k: &mut Kernel, skb: &SkBuff, nlh: &[u8]) -> SysResult<()> {
    if nlh.len() < NLMSG_HDRLEN + IFINFOMSG_LEN {
        return Err(Errno::EINVAL.into());
    }
    let ifm = IfInfoMsg::parse(&nlh[NLMSG_HDRLEN..NLMSG_HDRLEN + IFINFOMSG_LEN]);
    let net = skb_net(k, skb);
    if ifm.index <= 0 || k.nets[net.0].devices.by_index(ifm.index as u32).is_none() {
        return Err(Errno::ENODEV.into());
    }
    Err(unsupported(
        "PF_BRIDGE link changes (bridges are not modeled)",
    ))
}

/// `rtnl_bridge_setlink`.
pub fn rtnl_bridge_setlink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: &[u8],
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    bridge_change(k, skb, nlh)
}

/// `rtnl_bridge_dellink`.
pub fn rtnl_bridge_dellink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: &[u8],
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    bridge_change(k, skb, nlh)
}
