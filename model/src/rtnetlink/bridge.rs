//! The PF_BRIDGE link handlers of `rtnetlink.c`: `rtnl_bridge_getlink` (dump),
//! `rtnl_bridge_setlink` and `rtnl_bridge_dellink`. The dump lists every bridge port (its
//! bridge's `br_getlink`), and bridges themselves when the request asks for VLAN, MRP or CFM
//! information. Change requests for an existing device answer `unimplemented`.

use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::kernel::Kernel;
use crate::skbuff::SkBuff;
use crate::uapi::netlink::NLMSG_HDRLEN;
use crate::uapi::rtnetlink::IFINFOMSG_LEN;

use super::newlink::IfInfoMsg;

/// `rtnl_bridge_getlink`: in ifindex order, for each device its master's `ndo_bridge_getlink`
/// (a bridge port's PF_BRIDGE message), then its own (a bridge's, only when the request's
/// IFLA_EXT_MASK asks for VLAN, MRP or CFM information; see `br_getlink`), each counted as a
/// position in `args[0]` (NLM_F_MULTI). Without strict checking a request that does not parse
/// is dumped unfiltered.
pub fn rtnl_bridge_getlink(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    if cb.strict_check {
        return Err(crate::errno::unimplemented(
            "PF_BRIDGE link dump with strict checking",
        ));
    }
    let filter_mask = bridge_getlink_filter_mask(cb.request(), super::link::ifla_policy(k));
    let seq = cb.request().seq();
    let net = cb.net;
    let mut idx = 0i64;
    for dev in k.net(net).devices.devs.values() {
        // Of the modeled kinds only a bridge has ndo_bridge_getlink.
        let getlinks = [
            dev.master
                .and_then(|m| k.dev(net, m))
                .is_some_and(|m| m.is_bridge_master()),
            dev.is_bridge_master(),
        ];
        for has_getlink in getlinks {
            if !has_getlink {
                continue;
            }
            if idx >= cb.args[0] {
                if let Err(e) = crate::drivers::bridge::br_netlink::br_getlink(
                    skb,
                    k.features,
                    dev,
                    cb.portid,
                    seq,
                    filter_mask,
                    crate::uapi::netlink::NLM_F_MULTI,
                ) {
                    if skb.is_empty() {
                        cb.args[0] = idx;
                        return Ok(e.as_neg());
                    }
                    cb.args[0] = idx;
                    return Ok(skb.len() as i32);
                }
            }
            idx += 1;
        }
    }
    cb.args[0] = idx;
    Ok(skb.len() as i32)
}

/// `valid_bridge_getlink_req` without strict checking: IFLA_EXT_MASK when the request parses.
fn bridge_getlink_filter_mask(nlh: Nlmsghdr<'_>, policy: &[crate::nlattr::NlaPolicy]) -> u32 {
    let nlh = nlh.bytes();
    let start = NLMSG_HDRLEN + IFINFOMSG_LEN;
    if nlh.len() < start {
        return 0;
    }
    let mut ignored = NetlinkExtAck::default();
    let Ok(tb) = crate::nlattr::nla_parse(
        nlh,
        start,
        nlh.len(),
        policy,
        crate::nlattr::Validate::Liberal,
        &mut ignored,
    ) else {
        return 0;
    };
    tb.get(crate::uapi::if_link::IFLA_EXT_MASK as usize)
        .cloned()
        .flatten()
        .and_then(|r| nltwin_wire::scalar::get_u32(&nlh[r]))
        .unwrap_or(0)
}

/// `rtnl_bridge_setlink` / `rtnl_bridge_dellink`: the device by `ifi_index` (ENODEV when
/// missing); what follows (bridge port and VLAN settings) is not modeled.
fn bridge_change(k: &mut Kernel, skb: &SkBuff, nlh: Nlmsghdr<'_>) -> SysResult<()> {
    let Ok(ifm) = IfInfoMsg::parse_bytes(nlh.payload()) else {
        return Err(Errno::EINVAL.into());
    };
    let net = skb_net(k, skb);
    if ifm.index <= 0 || k.net(net).devices.by_index(ifm.index as u32).is_none() {
        return Err(Errno::ENODEV.into());
    }
    Err(crate::errno::unimplemented(
        "PF_BRIDGE link changes (bridge port and VLAN settings)",
    ))
}

/// `rtnl_bridge_setlink`.
pub fn rtnl_bridge_setlink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    bridge_change(k, skb, nlh)
}

/// `rtnl_bridge_dellink`.
pub fn rtnl_bridge_dellink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    bridge_change(k, skb, nlh)
}
