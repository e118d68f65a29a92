//! Changing a link: `rtnl_setlink` (RTM_SETLINK), `do_setlink` (also behind RTM_NEWLINK on an
//! existing device) and `validate_linkmsg`. Each change sends its own netdevice event, which
//! `rtnetlink_event` turns into an RTM_NEWLINK notification.

use crate::af_netlink::{skb_net, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::nlattr::{nla_for_each_nested, nla_parse, NlaPolicy, NlaType, Validate};
use crate::profile::{Feature, FeatureSet};
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;
use crate::uapi::netlink::NLA_HDRLEN;

use super::newlink::{
    nlmsg_parse_deprecated_ifla, rtnl_dev_combine_flags, rtnl_dev_get, rtnl_ensure_unique_netns,
    IfAttrs, IfInfoMsg,
};
use super::ops::{rtnl_af_lookup, RtnlAfOps};
use crate::dev::{
    dev_change_name, dev_change_tx_queue_len, dev_set_broadcast, dev_set_mac_address,
    dev_set_mtu_ext, netdev_state_change,
};

/// `GSO_MAX_SEGS`.
const GSO_MAX_SEGS: u32 = 65535;
/// `GRO_MAX_SIZE` (`GSO_MAX_SIZE` of 512 KiB).
const GRO_MAX_SIZE: u32 = 524280;

/// `validate_linkmsg`: address lengths and the GSO/GRO limits against the device.
pub fn validate_linkmsg(
    af_ops: &[&'static RtnlAfOps],
    features: FeatureSet,
    dev: &NetDevice,
    tb: &IfAttrs<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    validate_linkmsg_dev(af_ops, features, Some(dev), tb, extack)
}

/// `validate_linkmsg` as releases before the validation moved into rtnl_create_link called it
/// first for every RTM_NEWLINK: with no device when none was found yet, which checks only the
/// address families' parts (each without its device).
pub fn validate_linkmsg_dev(
    af_ops: &[&'static RtnlAfOps],
    features: FeatureSet,
    dev: Option<&NetDevice>,
    tb: &IfAttrs<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if let Some(dev) = dev {
        validate_dev_limits(features, dev, tb, extack)?;
    }
    if let Some(r) = tb.range(IFLA_AF_SPEC) {
        for (family, _, af) in nla_for_each_nested(tb.msg, r) {
            let ops = af_ops
                .iter()
                .find(|o| u16::from(o.family) == family)
                .ok_or(Errno::EAFNOSUPPORT)?;
            if ops.set_link_af.is_none() {
                return Err(Errno::EOPNOTSUPP.into());
            }
            if let Some(validate) = ops.validate_link_af {
                validate(dev, tb.msg, af, features, extack)?;
            }
        }
    }
    Ok(())
}

/// The device-dependent part of `validate_linkmsg`: address lengths and the GSO/GRO limits.
fn validate_dev_limits(
    features: FeatureSet,
    dev: &NetDevice,
    tb: &IfAttrs<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let addr_len = dev.addr.len();
    for t in [IFLA_ADDRESS, IFLA_BROADCAST] {
        if tb.get(t).is_some_and(|a| a.len() < addr_len) {
            return Err(Errno::EINVAL.into());
        }
    }
    let checks: [(u16, bool, &str); 5] = [
        (
            IFLA_GSO_MAX_SIZE,
            tb.u32(IFLA_GSO_MAX_SIZE)
                .is_some_and(|v| v > dev.tso_max_size),
            "too big gso_max_size",
        ),
        (
            IFLA_GSO_MAX_SEGS,
            tb.u32(IFLA_GSO_MAX_SEGS)
                .is_some_and(|v| v > GSO_MAX_SEGS || v > dev.tso_max_segs),
            "too big gso_max_segs",
        ),
        (
            IFLA_GRO_MAX_SIZE,
            tb.u32(IFLA_GRO_MAX_SIZE).is_some_and(|v| v > GRO_MAX_SIZE),
            "too big gro_max_size",
        ),
        (
            IFLA_GSO_IPV4_MAX_SIZE,
            tb.u32(IFLA_GSO_IPV4_MAX_SIZE)
                .is_some_and(|v| v > dev.tso_max_size),
            "too big gso_ipv4_max_size",
        ),
        (
            IFLA_GRO_IPV4_MAX_SIZE,
            tb.u32(IFLA_GRO_IPV4_MAX_SIZE)
                .is_some_and(|v| v > GRO_MAX_SIZE),
            "too big gro_ipv4_max_size",
        ),
    ];
    // Before the checks moved here, do_setlink made the GSO ones as it went (and nothing
    // checked GRO).
    if let Some((_, _, msg)) = checks
        .iter()
        .filter(|_| features.has(Feature::RtnlGsoChecksInValidateLinkmsg))
        .find(|c| c.1)
    {
        extack.msg = Some((*msg).into());
        return Err(Errno::EINVAL.into());
    }
    Ok(())
}

/// `rtnl_setlink`: RTM_SETLINK on a device named by index or name; never creates.
pub fn rtnl_setlink(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let tb = nlmsg_parse_deprecated_ifla(nlh, super::link::ifla_policy(k), extack)?;
    rtnl_ensure_unique_netns(&tb, extack, false)?;
    let net = skb_net(k, skb);
    let tgt_net =
        super::newlink::rtnl_link_get_net_capable(k, skb, net, &tb, crate::cred::CAP_NET_ADMIN)?;
    let ifm = super::newlink::ifinfomsg(nlh.payload());
    let dev = if ifm.index > 0 {
        k.net(net)
            .devices
            .by_index(ifm.index as u32)
            .map(|d| d.ifindex)
    } else if tb.has(IFLA_IFNAME) || tb.has(IFLA_ALT_IFNAME) {
        rtnl_dev_get(&k.net(net).devices, &tb)
    } else {
        return Err(Errno::EINVAL.into());
    };
    let ifindex = dev.ok_or(Errno::ENODEV)?;
    let d = k.dev(net, ifindex).expect("found");
    validate_linkmsg(&k.registry.af_ops, k.features, d, &tb, extack)?;
    do_setlink(k, net, ifindex, tgt_net, &ifm, &tb, extack, false)
}

/// Attributes `do_setlink` acts on that the model does not implement.
const UNMODELED_SETLINK_ATTRS: &[(u16, &str)] = &[
    (IFLA_MAP, "do_setlink: IFLA_MAP"),
    (IFLA_XDP, "do_setlink: IFLA_XDP"),
];

fn dev_mut(k: &mut Kernel, net: NetId, ifindex: u32) -> &mut NetDevice {
    k.dev_mut(net, ifindex)
        .expect("device looked up by the caller")
}

/// `do_setlink`: the changes in the kernel's order (address, MTU, group, name, alias,
/// broadcast, flags, master, queue length, GSO/GRO limits, link mode), each announced by its own event; an error stops there and what was
/// already changed stays changed. `status_notify`: the caller changed something already
/// (DO_SETLINK_NOTIFY: a kind's or a master's options), announced at the end. A device asked
/// into another namespace `tgt_net` moves there first (`__dev_change_net_namespace`, with the
/// request's name as the pattern for a taken one); the changes then apply to it there.
#[allow(clippy::too_many_arguments)]
pub fn do_setlink(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    tgt_net: NetId,
    ifm: &IfInfoMsg,
    tb: &IfAttrs<'_>,
    extack: &mut NetlinkExtAck,
    status_notify: bool,
) -> SysResult<()> {
    if let Some((_, what)) = UNMODELED_SETLINK_ATTRS.iter().find(|(t, _)| tb.has(*t)) {
        return Err(crate::errno::unimplemented(what));
    }
    let (net, ifindex) = if tgt_net != net {
        let pat = tb.string(IFLA_IFNAME).filter(|n| !n.is_empty());
        let new_ifindex = tb.u32(IFLA_NEW_IFINDEX).unwrap_or(0);
        let moved = crate::dev::__dev_change_net_namespace(
            k,
            net,
            ifindex,
            tgt_net,
            pat.as_deref(),
            new_ifindex,
            extack,
        )?;
        (tgt_net, moved)
    } else {
        (net, ifindex)
    };
    if let Some(addr) = tb.get(IFLA_ADDRESS) {
        dev_set_mac_address(k, net, ifindex, addr)?;
    }
    if let Some(mtu) = tb.u32(IFLA_MTU) {
        dev_set_mtu_ext(k, net, ifindex, mtu, extack)?;
    }
    // Changes without an event of their own: do_setlink announces them at its end
    // (DO_SETLINK_NOTIFY, `netdev_state_change`), which says nothing for a device that is down.
    let mut notify = status_notify;
    if let Some(group) = tb.u32(IFLA_GROUP) {
        dev_mut(k, net, ifindex).group = group;
        notify = true;
    }
    if ifm.index > 0 {
        if let Some(name) = tb.string(IFLA_IFNAME).filter(|n| !n.is_empty()) {
            dev_change_name(k, net, ifindex, &name)?;
        }
    }
    if let Some(alias) = tb.get(IFLA_IFALIAS) {
        // dev_set_alias: up to its first NUL; empty removes it.
        let end = alias.iter().position(|&c| c == 0).unwrap_or(alias.len());
        dev_mut(k, net, ifindex).ifalias = alias[..end].to_vec();
        notify = true;
    }
    if let Some(b) = tb.get(IFLA_BROADCAST) {
        dev_set_broadcast(k, net, ifindex, b)?;
    }
    if ifm.flags != 0 || ifm.change != 0 {
        let flags = rtnl_dev_combine_flags(dev_mut(k, net, ifindex).dev_get_flags(), ifm);
        crate::dev_flags::dev_change_flags(k, net, ifindex, flags)?;
    }
    if let Some(master) = tb.u32(IFLA_MASTER) {
        do_set_master(k, net, ifindex, master, extack)?;
    }
    if tb.has(IFLA_CARRIER) {
        // dev_change_carrier: no modeled device has ndo_change_carrier.
        return Err(Errno::EOPNOTSUPP.into());
    }
    if let Some(q) = tb.u32(IFLA_TXQLEN) {
        dev_change_tx_queue_len(k, net, ifindex, q)?;
    }
    // The GSO/GRO limits change silently (DO_SETLINK_MODIFIED has no event). Setting the
    // general GSO or GRO size within the legacy 64 KiB also sets its IPv4 twin
    // (`netif_set_gso_max_size`, `netif_set_gro_max_size`).
    const GSO_LEGACY_MAX_SIZE: u32 = 65536;
    let checked_early = k.has(Feature::RtnlGsoChecksInValidateLinkmsg);
    let dev = dev_mut(k, net, ifindex);
    if let Some(v) = tb.u32(IFLA_GSO_MAX_SIZE) {
        if !checked_early && v > dev.tso_max_size {
            return Err(Errno::EINVAL.into());
        }
        dev.gso_max_size = v;
        if v <= GSO_LEGACY_MAX_SIZE {
            dev.gso_ipv4_max_size = v;
        }
    }
    if let Some(v) = tb.u32(IFLA_GSO_MAX_SEGS) {
        if !checked_early && (v > GSO_MAX_SEGS || v > dev.tso_max_segs) {
            return Err(Errno::EINVAL.into());
        }
        dev.gso_max_segs = v;
    }
    if let Some(v) = tb.u32(IFLA_GRO_MAX_SIZE) {
        dev.gro_max_size = v;
        if v <= GSO_LEGACY_MAX_SIZE {
            dev.gro_ipv4_max_size = v;
        }
    }
    if let Some(v) = tb.u32(IFLA_GSO_IPV4_MAX_SIZE) {
        dev.gso_ipv4_max_size = v;
    }
    if let Some(v) = tb.u32(IFLA_GRO_IPV4_MAX_SIZE) {
        dev.gro_ipv4_max_size = v;
    }
    if let Some(transition) = tb.get(IFLA_OPERSTATE).and_then(|b| b.first().copied()) {
        set_operstate(k, net, ifindex, transition)?;
    }
    if let Some(mode) = tb.get(IFLA_LINKMODE).and_then(|b| b.first().copied()) {
        let dev = dev_mut(k, net, ifindex);
        if dev.link_mode != mode {
            dev.link_mode = mode;
            notify = true;
        }
    }
    if let Some(r) = tb.range(IFLA_VFINFO_LIST) {
        // Every entry must be an IFLA_VF_INFO; what one would set needs the driver's
        // ndo_set_vf_* operations, which no modeled device has, and is not modeled.
        for (ty, len) in nested_types(tb.msg, r) {
            if ty != IFLA_VF_INFO || len < NLA_HDRLEN {
                return Err(Errno::EINVAL.into());
            }
        }
        if !tb.msg[tb.range(IFLA_VFINFO_LIST).expect("present")].is_empty() {
            return Err(crate::errno::unimplemented(
                "do_setlink: IFLA_VFINFO_LIST entries",
            ));
        }
    }
    if tb.has(IFLA_VF_PORTS) {
        // No modeled device has ndo_set_vf_port.
        return Err(Errno::EOPNOTSUPP.into());
    }
    if let Some(r) = tb.range(IFLA_PORT_SELF) {
        let mut ignored = NetlinkExtAck::default();
        nla_parse(
            tb.msg,
            r.start,
            r.end,
            &ifla_port_policy(),
            Validate::Liberal,
            &mut ignored,
        )?;
        return Err(Errno::EOPNOTSUPP.into());
    }
    if let Some(r) = tb.range(IFLA_AF_SPEC) {
        // Validated in full by `validate_linkmsg`: every family here has `set_link_af`.
        for (family, _, af) in nla_for_each_nested(tb.msg, r) {
            let set = rtnl_af_lookup(k, family)
                .and_then(|o| o.set_link_af)
                .ok_or(Errno::EAFNOSUPPORT)?;
            set(k, net, ifindex, tb.msg, af, extack)?;
            notify = true;
        }
    }
    if tb.has(IFLA_PROTO_DOWN) || tb.has(IFLA_PROTO_DOWN_REASON) {
        // do_set_proto_down: no modeled device can change its protocol-down state.
        extack.msg = Some("Protodown not supported by device".into());
        return Err(Errno::EOPNOTSUPP.into());
    }
    if notify {
        netdev_state_change(k, net, ifindex)?;
    }
    Ok(())
}

/// `set_operstate`: userspace may move a device between UP and DORMANT or TESTING (UP only
/// from UNKNOWN, DORMANT or TESTING; the others only from an operational state); a change is
/// announced by `netdev_set_operstate` (`netdev_state_change`). No modeled driver marks a
/// device dormant or testing itself.
fn set_operstate(k: &mut Kernel, net: NetId, ifindex: u32, transition: u8) -> SysResult<()> {
    use crate::uapi::if_::{IF_OPER_DORMANT, IF_OPER_TESTING, IF_OPER_UNKNOWN, IF_OPER_UP};
    let dev = dev_mut(k, net, ifindex);
    let old = dev.operstate;
    let oper_up = dev.netif_oper_up();
    let new = match transition {
        IF_OPER_UP if matches!(old, IF_OPER_DORMANT | IF_OPER_TESTING | IF_OPER_UNKNOWN) => {
            IF_OPER_UP
        }
        IF_OPER_TESTING | IF_OPER_DORMANT if oper_up => transition,
        _ => old,
    };
    if new != old {
        dev.operstate = new;
        netdev_state_change(k, net, ifindex)?;
    }
    Ok(())
}

/// `do_set_master`: leave the current master (unless it is the one asked for:
/// `ndo_del_slave`), then join `master` (0: none) through its `ndo_add_slave`: a device
/// without one is EOPNOTSUPP, a missing master EINVAL.
pub fn do_set_master(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    master: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let current = k.dev(net, ifindex).and_then(|d| d.master);
    if let Some(cur) = current {
        if cur == master {
            return Ok(());
        }
        let del = k.dev(net, cur).and_then(|d| d.netdev_ops.ndo_del_slave);
        match del {
            Some(del) => del(k, net, cur, ifindex)?,
            None => return Err(Errno::EOPNOTSUPP.into()),
        }
    }
    if master != 0 {
        let Some(upper) = k.dev(net, master) else {
            return Err(Errno::EINVAL.into());
        };
        let Some(add) = upper.netdev_ops.ndo_add_slave else {
            return Err(Errno::EOPNOTSUPP.into());
        };
        add(k, net, master, ifindex, extack)?;
    }
    Ok(())
}

/// `IFLA_VF_INFO`: the one type IFLA_VFINFO_LIST may hold.
const IFLA_VF_INFO: u16 = 1;

/// (type, length with its header) of each attribute nested in `msg[r]`.
fn nested_types(msg: &[u8], r: std::ops::Range<usize>) -> Vec<(u16, usize)> {
    crate::nlattr::nla_for_each_nested(msg, r)
        .into_iter()
        .map(|(ty, _, p)| (ty, p.len() + NLA_HDRLEN))
        .collect()
}

/// `ifla_port_policy`.
fn ifla_port_policy() -> Vec<NlaPolicy> {
    const PORT_PROFILE_MAX: u16 = 40;
    const PORT_UUID_MAX: u16 = 16;
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); 8];
    p[1] = NlaPolicy::of(NlaType::U32); // IFLA_PORT_VF
    p[2] = NlaPolicy::with_len(NlaType::String, PORT_PROFILE_MAX); // IFLA_PORT_PROFILE
    p[3] = NlaPolicy::with_len(NlaType::Binary, 8); // IFLA_PORT_VSI_TYPE (struct ifla_port_vsi)
    p[4] = NlaPolicy::with_len(NlaType::Binary, PORT_UUID_MAX); // IFLA_PORT_INSTANCE_UUID
    p[5] = NlaPolicy::with_len(NlaType::Binary, PORT_UUID_MAX); // IFLA_PORT_HOST_UUID
    p[6] = NlaPolicy::of(NlaType::U8); // IFLA_PORT_REQUEST
    p[7] = NlaPolicy::of(NlaType::U16); // IFLA_PORT_RESPONSE
    p
}
