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
    // for_each_netdev_rcu: in registration order.
    for dev in k.net(net).devices.for_each_netdev() {
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
                    crate::rtnetlink::ops::LinkFillCtx::of(k),
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

/// The setlink or dellink of a device's PF_BRIDGE handlers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BridgeOp {
    Setlink,
    Dellink,
}

/// `rtnl_bridge_setlink` / `rtnl_bridge_dellink`: the device by `ifi_index` (ENODEV, "unknown
/// ifindex"); IFLA_AF_SPEC's first IFLA_BRIDGE_FLAGS (and for a setlink every
/// IFLA_BRIDGE_MODE) at least a u16 (EINVAL); without flags or with BRIDGE_FLAGS_MASTER the
/// device's master handles it (EOPNOTSUPP without one that can), then with BRIDGE_FLAGS_SELF
/// the device itself (EOPNOTSUPP unless it can), announced (`rtnl_bridge_notify`). Once past
/// the master, the kernel writes the flags left over back into the request, which an error's
/// ack quotes.
fn rtnl_bridge_change(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
    op: BridgeOp,
) -> SysResult<()> {
    use crate::uapi::if_bridge::{
        BRIDGE_FLAGS_MASTER, BRIDGE_FLAGS_SELF, IFLA_BRIDGE_FLAGS, IFLA_BRIDGE_MODE,
    };
    let Ok(ifm) = IfInfoMsg::parse_bytes(nlh.payload()) else {
        return Err(Errno::EINVAL.into());
    };
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let Some(dev) = u32::try_from(ifm.index)
        .ok()
        .and_then(|i| k.dev(net, i))
        .map(|d| d.ifindex)
    else {
        extack.msg = Some("unknown ifindex".into());
        return Err(Errno::ENODEV.into());
    };
    let start = NLMSG_HDRLEN + IFINFOMSG_LEN;
    let br_spec = nltwin_wire::nla::Attrs::with_base(&msg[start..], start)
        .find(crate::uapi::if_link::IFLA_AF_SPEC);
    // Where the first IFLA_BRIDGE_FLAGS's payload is: the flags left over are written back
    // there.
    let mut flags_at = None;
    let mut flags = 0u16;
    if let Some(spec) = br_spec {
        for attr in spec.nested() {
            if attr.kind() == IFLA_BRIDGE_FLAGS && flags_at.is_none() {
                flags = attr.u16().ok_or(Errno::EINVAL)?;
                flags_at = Some(attr.payload_range().start);
                if op == BridgeOp::Dellink {
                    break;
                }
            }
            if op == BridgeOp::Setlink && attr.kind() == IFLA_BRIDGE_MODE && attr.u16().is_none() {
                return Err(Errno::EINVAL.into());
            }
        }
    }
    let requested = flags;
    let handler = |k: &Kernel, d: u32| {
        let ops = k.dev(net, d)?.netdev_ops;
        match op {
            BridgeOp::Setlink => ops.ndo_bridge_setlink,
            BridgeOp::Dellink => ops.ndo_bridge_dellink,
        }
    };
    if flags == 0 || flags & BRIDGE_FLAGS_MASTER != 0 {
        let master = k.dev(net, dev).and_then(|d| d.master);
        let Some(f) = master.and_then(|m| handler(k, m)) else {
            return Err(Errno::EOPNOTSUPP.into());
        };
        f(k, net, dev, msg, flags, extack)?;
        flags &= !BRIDGE_FLAGS_MASTER;
    }
    let mut result = Ok(());
    if flags & BRIDGE_FLAGS_SELF != 0 {
        result = match handler(k, dev) {
            None => Err(Errno::EOPNOTSUPP.into()),
            Some(f) => f(k, net, dev, msg, flags, extack),
        };
        if result.is_ok() {
            flags &= !BRIDGE_FLAGS_SELF;
            result = rtnl_bridge_notify(k, net, dev);
        }
    }
    // The flags left over are written into the request itself, which an error's ack quotes.
    if let (Some(at), true) = (flags_at, flags != requested) {
        extack
            .request_writes
            .push((at, flags.to_ne_bytes().to_vec()));
    }
    result
}

/// `rtnl_bridge_notify`: the device's own PF_BRIDGE message (`ndo_bridge_getlink` with no
/// filter) to RTNLGRP_LINK; a bridge has none for itself (`br_getlink` lists ports, and
/// bridges only for VLAN, MRP or CFM filters), so nothing is sent.
fn rtnl_bridge_notify(k: &mut Kernel, net: crate::kernel::NetId, dev: u32) -> SysResult<()> {
    let Some(d) = k.dev(net, dev).filter(|d| d.is_bridge_master()) else {
        return Ok(());
    };
    let mut skb = SkBuff::alloc_skb(bridge_nlmsg_size());
    let ctx = crate::rtnetlink::ops::LinkFillCtx::of(k);
    crate::drivers::bridge::br_netlink::br_getlink(&mut skb, ctx, d, 0, 0, 0, 0)?;
    if skb.is_empty() {
        return Ok(());
    }
    crate::rtnetlink::notify::rtmsg_ifinfo_send(k, net, skb, None)
}

/// `bridge_nlmsg_size`: header, name, address, master, MTU, link, operstate, PROTINFO, an
/// empty AF_SPEC, its flags and mode.
fn bridge_nlmsg_size() -> usize {
    let nla_total_size = |payload: usize| (4 + payload).next_multiple_of(4);
    let nlmsg_total = |payload: usize| (NLMSG_HDRLEN + payload).next_multiple_of(4);
    nlmsg_total(
        IFINFOMSG_LEN
            + nla_total_size(crate::uapi::if_::IFNAMSIZ)
            + nla_total_size(32)
            + 4 * nla_total_size(4)
            + nla_total_size(1)
            + nla_total_size(4)
            + 2 * nla_total_size(2),
    )
}

/// `rtnl_bridge_setlink`.
pub fn rtnl_bridge_setlink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    rtnl_bridge_change(k, skb, nlh, extack, BridgeOp::Setlink)
}

/// `rtnl_bridge_dellink`.
pub fn rtnl_bridge_dellink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    rtnl_bridge_change(k, skb, nlh, extack, BridgeOp::Dellink)
}
