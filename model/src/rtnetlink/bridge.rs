//! The PF_BRIDGE link handlers of `rtnetlink.c`: `rtnl_bridge_getlink` (dump),
//! `rtnl_bridge_setlink` and `rtnl_bridge_dellink`. The dump lists every bridge port (its
//! bridge's `br_getlink`); a bridge device itself adds nothing without VLAN, MRP or CFM filters
//! (the 6.18 profile has no VLAN filtering; such filters answer `unimplemented`). Change
//! requests for an existing device answer `unimplemented`.

use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::kernel::Kernel;
use crate::skbuff::SkBuff;
use crate::uapi::netlink::NLMSG_HDRLEN;
use crate::uapi::rtnetlink::IFINFOMSG_LEN;

use super::newlink::IfInfoMsg;

/// `rtnl_bridge_getlink`: in ifindex order, a bridge port's PF_BRIDGE message
/// (`br_getlink`, NLM_F_MULTI); a bridge counts as a device with `ndo_bridge_getlink` but
/// adds nothing. `args[0]` is the position. Without strict checking a request that does not
/// parse is dumped unfiltered.
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
    // RTEXT_FILTER_BRVLAN, _BRVLAN_COMPRESSED, _MRP, _CFM_CONFIG, _CFM_STATUS.
    if filter_mask & (0x2 | 0x4 | 0x10 | 0x20 | 0x40) != 0 {
        return Err(crate::errno::unimplemented(
            "PF_BRIDGE link dump with VLAN, MRP or CFM filters",
        ));
    }
    let seq = cb.request().seq();
    let devs = &k.net(cb.net).devices;
    let mut idx = 0i64;
    for dev in devs.devs.values() {
        if dev.master.is_some() {
            if dev.br_port().is_some() && idx >= cb.args[0] {
                if let Err(e) = crate::drivers::bridge::br_netlink::br_fill_ifinfo(
                    skb,
                    dev,
                    super::RTM_NEWLINK,
                    cb.portid,
                    seq,
                    crate::uapi::netlink::NLM_F_MULTI,
                ) {
                    if skb.is_empty() {
                        cb.args[0] = idx;
                        return Ok(e.as_neg());
                    }
                    break;
                }
            }
            idx += 1;
        }
        if dev.is_bridge_master() {
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
