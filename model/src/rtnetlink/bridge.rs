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
    let mut extack = NetlinkExtAck::default();
    let filter_mask = valid_bridge_getlink_req(
        cb.request(),
        cb.strict_check,
        super::link::ifla_policy(k),
        &mut extack,
    );
    // What the parse explained reaches NLMSG_DONE, even when the dump goes on.
    cb.extack = extack;
    let filter_mask = match filter_mask {
        Ok(mask) => mask,
        Err(e) if cb.strict_check => return Ok(e.as_neg()),
        // Without strict checking a request that does not parse is dumped unfiltered.
        Err(_) => 0,
    };
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

/// `valid_bridge_getlink_req`: the request's IFLA_EXT_MASK. With strict checking the whole
/// `ifinfomsg` must be there and zero, the attributes must parse strictly and be no other
/// than IFLA_EXT_MASK; without it the attributes are parsed liberally and any other is
/// ignored (a parse error drops the filter, which the caller does).
fn valid_bridge_getlink_req(
    nlh: Nlmsghdr<'_>,
    strict: bool,
    policy: &[crate::nlattr::NlaPolicy],
    extack: &mut NetlinkExtAck,
) -> Result<u32, Errno> {
    let nlh = nlh.bytes();
    let start = NLMSG_HDRLEN + IFINFOMSG_LEN;
    if nlh.len() < start {
        // nlmsg_parse_deprecated says so too.
        extack.msg = Some(
            if strict {
                "Invalid header for bridge link dump"
            } else {
                "Invalid header length"
            }
            .into(),
        );
        return Err(Errno::EINVAL);
    }
    let validate = if strict {
        let h = nltwin_wire::ifinfomsg::Packet::new_unchecked(&nlh[NLMSG_HDRLEN..start]);
        if h.pad() != 0 || h.link_type() != 0 || h.flags() != 0 || h.change() != 0 || h.index() != 0
        {
            extack.msg = Some("Invalid values in header for bridge link dump request".into());
            return Err(Errno::EINVAL);
        }
        crate::nlattr::Validate::DeprecatedStrict
    } else {
        crate::nlattr::Validate::Liberal
    };
    let tb = crate::nlattr::nla_parse(nlh, start, nlh.len(), policy, validate, extack)?;
    let mut filter_mask = 0;
    for (i, r) in tb.iter().enumerate() {
        let Some(r) = r else { continue };
        if i == usize::from(crate::uapi::if_link::IFLA_EXT_MASK) {
            filter_mask = nltwin_wire::scalar::get_u32(&nlh[r.clone()]).unwrap_or(0);
        } else if strict {
            extack.msg = Some("Unsupported attribute in bridge link dump request".into());
            return Err(Errno::EINVAL);
        }
    }
    Ok(filter_mask)
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
