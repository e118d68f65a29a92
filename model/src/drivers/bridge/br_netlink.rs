//! The bridge's netlink side (`net/bridge/br_netlink.c`): the link kind (`br_link_ops`), its
//! IFLA_INFO_DATA (`br_fill_info`) and a port's attributes (`br_port_fill_attrs`) in the
//! profile's release (the attributes it has) and build (VLAN filtering or not; IGMP snooping
//! and bridge netfilter built in; x86-64 needs no 64-bit attribute padding), the PF_BRIDGE
//! messages of ports and bridges (`br_fill_ifinfo`, `br_ifinfo_notify`, `br_getlink`), and
//! the AF_BRIDGE address family.

use super::br_device::{br_dev_setup, dflt};
use super::br_if::br_del_if;
use super::br_stp_if::br_stp_change_bridge_id;
use super::br_vlan::{
    br_fill_ifvlaninfo, br_fill_ifvlaninfo_compressed, br_vlan_bridge_event, br_vlan_init,
    BridgeEvent, NetBridgeVlanGroup,
};
use super::{br_ports, dev_mut, BrPort};
use crate::dev::register_netdevice;
use crate::errno::{Errno, SysResult};
use crate::ethernet::{eth_random_addr, eth_validate_addr_attr};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::profile::{Feature, FeatureSet};
use crate::rtnetlink::newlink::{IfAttrs, RtnlNewlinkParams};
use crate::rtnetlink::notify::rtmsg_ifinfo_send;
use crate::rtnetlink::ops::{
    rtnl_af_register, rtnl_link_register, LinkFillCtx, RtnlAfOps, RtnlLinkOps,
};
use crate::skbuff::SkBuff;
use crate::uapi::if_bridge::MDB_RTR_TYPE_TEMP_QUERY;
use crate::uapi::if_link::*;
use crate::uapi::netlink::{NLA_HDRLEN, NLMSG_HDRLEN};
use crate::uapi::rtnetlink::{
    IFINFOMSG_LEN, RTEXT_FILTER_BRVLAN, RTEXT_FILTER_BRVLAN_COMPRESSED, RTEXT_FILTER_CFM_CONFIG,
    RTEXT_FILTER_CFM_STATUS, RTEXT_FILTER_MRP, RTEXT_FILTER_MST, RTM_NEWLINK,
};
use crate::uapi::socket::AF_BRIDGE;

/// `br_link_ops`.
pub static BR_LINK_OPS: RtnlLinkOps = RtnlLinkOps {
    kind: "bridge",
    // The newest release's IFLA_BR_MAX; br_dev_newlink ignores what the profile's release
    // does not know (br_maxtype), as its parse would.
    maxtype: IFLA_BR_STP_MODE,
    setup: br_dev_setup,
    validate: Some(br_validate),
    newlink: Some(br_dev_newlink),
    dellink: Some(br_dev_delete),
    get_num_queues: None,
    has_changelink: true,
    peer_type: None,
    fill_info: Some(br_fill_info),
    fill_slave_info: Some(br_port_fill_slave_info),
};

/// `br_af_ops`: AF_BRIDGE reports nothing in a link's IFLA_AF_SPEC and sets nothing
/// (a request's AF_BRIDGE part is EOPNOTSUPP).
static BR_AF_OPS: RtnlAfOps = RtnlAfOps {
    family: AF_BRIDGE,
    fill_link_af: None,
    validate_link_af: None,
    set_link_af: None,
};

/// `br_netlink_init`: the VLAN messages (where the build has VLAN filtering), the address
/// family, then the link kind.
pub(crate) fn br_netlink_init(k: &mut Kernel) {
    super::br_vlan::br_vlan_rtnl_init(k);
    rtnl_af_register(k, &BR_AF_OPS);
    rtnl_link_register(k, &BR_LINK_OPS);
}

/// `br_validate`: a 6-byte unicast address.
fn br_validate(tb: &IfAttrs<'_>) -> Result<(), Errno> {
    eth_validate_addr_attr(tb)
}

/// `br_dev_newlink`: register the bridge (its VLAN group set up first, its default VLAN added
/// when registered, where the build has VLAN filtering). A given address becomes the bridge id at once
/// (`br_stp_change_bridge_id`, which turns the carrier off: no port is up); otherwise the device
/// has a random address, its bridge id stays all zeros and the carrier stays on until a port
/// arrives. Then `br_changelink`: of the bridge options only IFLA_BR_MCAST_SNOOPING is modeled.
fn br_dev_newlink(
    k: &mut Kernel,
    p: &mut RtnlNewlinkParams<'_>,
    mut dev: NetDevice,
) -> SysResult<u32> {
    let mut snooping = None;
    if let Some(d) = p.data.as_ref() {
        let maxtype = usize::from(br_maxtype(k.features));
        let other =
            d.tb.iter().enumerate().any(|(t, r)| {
                r.is_some() && t <= maxtype && t != usize::from(IFLA_BR_MCAST_SNOOPING)
            });
        if other {
            return Err(crate::errno::unimplemented(
                "bridge options other than IFLA_BR_MCAST_SNOOPING (IFLA_INFO_DATA of a bridge)",
            ));
        }
        if let Some(v) = d.get(IFLA_BR_MCAST_SNOOPING) {
            // br_policy makes it an NLA_U8; the model's INFO_DATA parse checks no types.
            let Some(&on) = v.first() else {
                return Err(crate::errno::unimplemented(
                    "an IFLA_BR_MCAST_SNOOPING shorter than its u8 (br_policy validation)",
                ));
            };
            snooping = Some(on);
        }
    }
    let addr = p.tb.has(IFLA_ADDRESS).then(|| dev.addr.clone());
    if addr.is_none() {
        dev.addr = eth_random_addr(k.random.as_mut());
    }
    let net = p.net;
    // ndo_init (`br_dev_init`): the VLAN group, where the build has VLAN filtering.
    if let Some(b) = dev.br_mut() {
        br_vlan_init(k.profile.config, b);
    }
    let ifindex = register_netdevice(k, net, dev)?;
    // NETDEV_REGISTER (`br_device_event`): the bridge's own default VLAN.
    br_vlan_bridge_event(k, net, ifindex, BridgeEvent::Register)?;
    if let Some(addr) = addr {
        br_stp_change_bridge_id(k, net, ifindex, &addr)?;
    }
    if let Some(on) = snooping {
        if let Some(b) = dev_mut(k, net, ifindex).br_mut() {
            b.mcast_snooping = on != 0;
        }
    }
    Ok(ifindex)
}

/// `IFLA_BR_MAX` of the release (`br_link_ops.maxtype`): a bridge's IFLA_INFO_DATA attributes
/// above it are not parsed, so a request's are ignored.
fn br_maxtype(features: FeatureSet) -> u16 {
    if features.has(Feature::BrStpMode) {
        IFLA_BR_STP_MODE
    } else if features.has(Feature::BrFdbMaxLearned) {
        IFLA_BR_FDB_MAX_LEARNED
    } else {
        IFLA_BR_MCAST_QUERIER_STATE
    }
}

/// `br_dev_delete`: every port released first (in `port_list` order), then the bridge.
fn br_dev_delete(k: &mut Kernel, net: NetId, ifindex: u32) -> Vec<u32> {
    for port in br_ports(k, net, ifindex) {
        // Notification failures land on listeners; the deletion goes on.
        let _ = br_del_if(k, net, ifindex, port, true, false);
    }
    vec![ifindex]
}

/// The bridge boolean options (`BR_BOOLOPT_*`) of a release, in their uapi order: the mask of
/// IFLA_BR_MULTI_BOOLOPT has one bit per option (`BR_BOOLOPT_MAX`).
fn br_boolopt_mask(features: FeatureSet) -> u32 {
    // BR_BOOLOPT_NO_LL_LEARN, _MCAST_VLAN_SNOOPING, _MST_ENABLE: in every modeled release.
    let mut max = 3;
    for f in [
        Feature::BrBooloptMdbOffloadFailNotification,
        Feature::BrBooloptFdbLocalVlan0,
    ] {
        if features.has(f) {
            max += 1;
        }
    }
    (1 << max) - 1
}

/// `br_fill_info`: the bridge's IFLA_INFO_DATA.
fn br_fill_info(skb: &mut SkBuff, ctx: LinkFillCtx, dev: &NetDevice) -> Result<(), Errno> {
    let features = ctx.features;
    let b = dev.br();
    // Without STP only the garbage collection runs (while the bridge is up).
    for t in [
        IFLA_BR_HELLO_TIMER,
        IFLA_BR_TCN_TIMER,
        IFLA_BR_TOPOLOGY_CHANGE_TIMER,
    ] {
        skb.nla_put_u64(t, 0)?;
    }
    skb.nla_put_u64(IFLA_BR_GC_TIMER, b.map_or(0, |b| b.gc_timer))?;
    let bridge_id = b.map(|b| b.bridge_id).unwrap_or_default();
    skb.nla_put_u32(IFLA_BR_FORWARD_DELAY, dflt::FORWARD_DELAY)?;
    skb.nla_put_u32(IFLA_BR_HELLO_TIME, dflt::HELLO_TIME)?;
    skb.nla_put_u32(IFLA_BR_MAX_AGE, dflt::MAX_AGE)?;
    skb.nla_put_u32(IFLA_BR_AGEING_TIME, dflt::AGEING_TIME)?;
    skb.nla_put_u32(IFLA_BR_STP_STATE, 0)?;
    skb.nla_put_u16(IFLA_BR_PRIORITY, dflt::PRIORITY)?;
    // br_vlan_enabled: filtering is never turned on in the model.
    skb.nla_put_u8(IFLA_BR_VLAN_FILTERING, 0)?;
    skb.nla_put_u16(IFLA_BR_GROUP_FWD_MASK, 0)?;
    skb.nla_put(IFLA_BR_BRIDGE_ID, &bridge_id)?;
    // With no port the bridge is its own root.
    skb.nla_put(IFLA_BR_ROOT_ID, &bridge_id)?;
    skb.nla_put_u16(IFLA_BR_ROOT_PORT, 0)?;
    skb.nla_put_u32(IFLA_BR_ROOT_PATH_COST, 0)?;
    skb.nla_put_u8(IFLA_BR_TOPOLOGY_CHANGE, 0)?;
    skb.nla_put_u8(IFLA_BR_TOPOLOGY_CHANGE_DETECTED, 0)?;
    skb.nla_put(IFLA_BR_GROUP_ADDR, &dflt::GROUP_ADDR)?;
    // struct br_boolopt_multi: the options set, and which the kernel knows.
    skb.nla_put_u32_array(IFLA_BR_MULTI_BOOLOPT, &[0, br_boolopt_mask(features)])?;
    if features.has(Feature::BrFdbMaxLearned) {
        skb.nla_put_u32(IFLA_BR_FDB_N_LEARNED, 0)?;
        skb.nla_put_u32(IFLA_BR_FDB_MAX_LEARNED, 0)?;
    }
    if features.has(Feature::BrStpMode) {
        skb.nla_put_u32(IFLA_BR_STP_MODE, crate::uapi::if_bridge::BR_STP_MODE_AUTO)?;
    }
    if ctx.config.bridge_vlan_filtering {
        let (proto, pvid) = b.map_or((0, 0), |b| (b.vlan_proto, b.default_pvid));
        skb.nla_put(IFLA_BR_VLAN_PROTOCOL, &proto.to_be_bytes())?;
        skb.nla_put_u16(IFLA_BR_VLAN_DEFAULT_PVID, pvid)?;
        skb.nla_put_u8(IFLA_BR_VLAN_STATS_ENABLED, 0)?;
        skb.nla_put_u8(IFLA_BR_VLAN_STATS_PER_PORT, 0)?;
    }
    skb.nla_put_u8(IFLA_BR_MCAST_ROUTER, MDB_RTR_TYPE_TEMP_QUERY)?;
    skb.nla_put_u8(
        IFLA_BR_MCAST_SNOOPING,
        u8::from(b.is_none_or(|b| b.mcast_snooping)),
    )?;
    skb.nla_put_u8(IFLA_BR_MCAST_QUERY_USE_IFADDR, 0)?;
    skb.nla_put_u8(IFLA_BR_MCAST_QUERIER, 0)?;
    skb.nla_put_u8(IFLA_BR_MCAST_STATS_ENABLED, 0)?;
    skb.nla_put_u32(IFLA_BR_MCAST_HASH_ELASTICITY, dflt::HASH_ELASTICITY)?;
    skb.nla_put_u32(IFLA_BR_MCAST_HASH_MAX, dflt::HASH_MAX)?;
    skb.nla_put_u32(IFLA_BR_MCAST_LAST_MEMBER_CNT, dflt::LAST_MEMBER_CNT)?;
    skb.nla_put_u32(IFLA_BR_MCAST_STARTUP_QUERY_CNT, dflt::STARTUP_QUERY_CNT)?;
    skb.nla_put_u8(IFLA_BR_MCAST_IGMP_VERSION, dflt::IGMP_VERSION)?;
    // br_multicast_dump_querier_state: nothing while no querier has been seen.
    skb.nla_put_u8(IFLA_BR_MCAST_MLD_VERSION, dflt::MLD_VERSION)?;
    skb.nla_put_u64(IFLA_BR_MCAST_LAST_MEMBER_INTVL, dflt::LAST_MEMBER_INTVL)?;
    skb.nla_put_u64(IFLA_BR_MCAST_MEMBERSHIP_INTVL, dflt::MEMBERSHIP_INTVL)?;
    skb.nla_put_u64(IFLA_BR_MCAST_QUERIER_INTVL, dflt::QUERIER_INTVL)?;
    skb.nla_put_u64(IFLA_BR_MCAST_QUERY_INTVL, dflt::QUERY_INTVL)?;
    skb.nla_put_u64(
        IFLA_BR_MCAST_QUERY_RESPONSE_INTVL,
        dflt::QUERY_RESPONSE_INTVL,
    )?;
    skb.nla_put_u64(IFLA_BR_MCAST_STARTUP_QUERY_INTVL, dflt::STARTUP_QUERY_INTVL)?;
    skb.nla_put_u8(IFLA_BR_NF_CALL_IPTABLES, 0)?;
    skb.nla_put_u8(IFLA_BR_NF_CALL_IP6TABLES, 0)?;
    skb.nla_put_u8(IFLA_BR_NF_CALL_ARPTABLES, 0)?;
    Ok(())
}

/// `br_port_fill_attrs`: a port's attributes (in IFLA_INFO_SLAVE_DATA or IFLA_PROTINFO), as a
/// port of a bridge without STP has them, those the release has.
pub(crate) fn br_port_fill_attrs(
    skb: &mut SkBuff,
    features: FeatureSet,
    port: &BrPort,
) -> Result<(), Errno> {
    let port_id = 0x8000 | port.port_no;
    skb.nla_put_u8(IFLA_BRPORT_STATE, port.state)?;
    skb.nla_put_u16(IFLA_BRPORT_PRIORITY, 32)?;
    skb.nla_put_u32(IFLA_BRPORT_COST, 2)?; // a 10 Gb/s veth
    skb.nla_put_u8(IFLA_BRPORT_MODE, 0)?; // hairpin
    skb.nla_put_u8(IFLA_BRPORT_GUARD, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_PROTECT, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_FAST_LEAVE, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_MCAST_TO_UCAST, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_LEARNING, 1)?;
    skb.nla_put_u8(IFLA_BRPORT_UNICAST_FLOOD, 1)?;
    skb.nla_put_u8(IFLA_BRPORT_MCAST_FLOOD, 1)?;
    skb.nla_put_u8(IFLA_BRPORT_BCAST_FLOOD, 1)?;
    skb.nla_put_u8(IFLA_BRPORT_PROXYARP, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_PROXYARP_WIFI, 0)?;
    skb.nla_put(IFLA_BRPORT_ROOT_ID, &port.bridge_id)?;
    skb.nla_put(IFLA_BRPORT_BRIDGE_ID, &port.bridge_id)?;
    skb.nla_put_u16(IFLA_BRPORT_DESIGNATED_PORT, port_id)?;
    skb.nla_put_u16(IFLA_BRPORT_DESIGNATED_COST, 0)?;
    skb.nla_put_u16(IFLA_BRPORT_ID, port_id)?;
    skb.nla_put_u16(IFLA_BRPORT_NO, port.port_no)?;
    skb.nla_put_u8(IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_CONFIG_PENDING, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_VLAN_TUNNEL, 0)?;
    skb.nla_put_u16(IFLA_BRPORT_GROUP_FWD_MASK, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_NEIGH_SUPPRESS, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_MRP_RING_OPEN, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_MRP_IN_OPEN, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_ISOLATED, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_LOCKED, 0)?;
    if features.has(Feature::BrPortMab) {
        skb.nla_put_u8(IFLA_BRPORT_MAB, 0)?;
    }
    if features.has(Feature::BrNeighVlanSuppress) {
        skb.nla_put_u8(IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, 0)?;
    }
    if features.has(Feature::BrNeighForwardGrat) {
        skb.nla_put_u8(IFLA_BRPORT_NEIGH_FORWARD_GRAT, 0)?;
    }
    skb.nla_put_u64(IFLA_BRPORT_MESSAGE_AGE_TIMER, 0)?;
    skb.nla_put_u64(IFLA_BRPORT_FORWARD_DELAY_TIMER, port.forward_delay_timer)?;
    skb.nla_put_u64(IFLA_BRPORT_HOLD_TIMER, 0)?;
    skb.nla_put_u8(IFLA_BRPORT_MULTICAST_ROUTER, MDB_RTR_TYPE_TEMP_QUERY)?;
    skb.nla_put_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, 512)?;
    skb.nla_put_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, 0)?;
    if features.has(Feature::BrPortMcastMaxGroups) {
        skb.nla_put_u32(IFLA_BRPORT_MCAST_N_GROUPS, 0)?;
        skb.nla_put_u32(IFLA_BRPORT_MCAST_MAX_GROUPS, 0)?;
    }
    Ok(())
}

/// `br_port_fill_slave_info`: a port's IFLA_INFO_SLAVE_DATA.
fn br_port_fill_slave_info(
    skb: &mut SkBuff,
    ctx: LinkFillCtx,
    _br: &NetDevice,
    dev: &NetDevice,
) -> Result<(), Errno> {
    match dev.br_port() {
        Some(port) => br_port_fill_attrs(skb, ctx.features, port),
        None => Ok(()),
    }
}

/// `br_fill_ifinfo`: the PF_BRIDGE RTM_NEWLINK / RTM_DELLINK of a port or a bridge, which
/// `br_ifinfo_notify` sends and the PF_BRIDGE dump lists (name, master, MTU, operstate,
/// address, link; for a port's NEWLINK its attributes in an IFLA_PROTINFO nest; what
/// `filter_mask` asks for in IFLA_AF_SPEC: the VLANs, plain or compressed; MRP, CFM and MST,
/// none of which a modeled bridge has). A message that does not fit is taken back whole
/// (EMSGSIZE).
#[allow(clippy::too_many_arguments)]
pub fn br_fill_ifinfo(
    skb: &mut SkBuff,
    features: FeatureSet,
    dev: &NetDevice,
    ty: u16,
    portid: u32,
    seq: u32,
    flags: u16,
    filter_mask: u32,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = br_fill_ifinfo_msg(skb, features, dev, ty, portid, seq, flags, filter_mask);
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

#[allow(clippy::too_many_arguments)]
fn br_fill_ifinfo_msg(
    skb: &mut SkBuff,
    features: FeatureSet,
    dev: &NetDevice,
    ty: u16,
    portid: u32,
    seq: u32,
    flags: u16,
    filter_mask: u32,
) -> Result<(), Errno> {
    let port = dev.br_port();
    let at = skb.nlmsg_put(portid, seq, ty, IFINFOMSG_LEN, flags)?;
    nltwin_wire::ifinfomsg::Repr {
        family: AF_BRIDGE,
        link_type: dev.ty,
        index: dev.ifindex as i32,
        flags: dev.dev_get_flags(),
        change: 0,
    }
    .emit(&mut nltwin_wire::ifinfomsg::Packet::new_unchecked(
        skb.nlmsg_data_mut(at),
    ));
    // The bridge: a port's master, or the device itself.
    let br = match port {
        Some(_) => dev.master.unwrap_or(0),
        None => dev.ifindex,
    };
    skb.nla_put_string(IFLA_IFNAME, crate::netdevice::ifname_bytes(&dev.name))?;
    skb.nla_put_u32(IFLA_MASTER, br)?;
    skb.nla_put_u32(IFLA_MTU, dev.mtu)?;
    skb.nla_put_u8(IFLA_OPERSTATE, dev.reported_operstate())?;
    if !dev.addr.is_empty() {
        skb.nla_put(IFLA_ADDRESS, &dev.addr)?;
    }
    if dev.dev_get_iflink() != dev.ifindex {
        skb.nla_put_u32(IFLA_LINK, dev.dev_get_iflink())?;
    }
    if let (RTM_NEWLINK, Some(port)) = (ty, port) {
        let nest = skb.nla_nest_start(IFLA_PROTINFO)?;
        br_port_fill_attrs(skb, features, port)?;
        skb.nla_nest_end(nest);
    }
    let af_filters = RTEXT_FILTER_BRVLAN
        | RTEXT_FILTER_BRVLAN_COMPRESSED
        | RTEXT_FILTER_MRP
        | RTEXT_FILTER_CFM_CONFIG
        | RTEXT_FILTER_CFM_STATUS
        | RTEXT_FILTER_MST;
    if filter_mask & af_filters != 0 {
        let af = skb.nla_nest_start_noflag(IFLA_AF_SPEC)?;
        if filter_mask & (RTEXT_FILTER_BRVLAN | RTEXT_FILTER_BRVLAN_COMPRESSED) != 0 {
            let vg: Option<&NetBridgeVlanGroup> = match port {
                Some(p) => p.vlgrp.as_ref(),
                None => dev.br().and_then(|b| b.vlgrp.as_ref()),
            };
            if let Some(vg) = vg.filter(|g| g.num_vlans > 0) {
                if filter_mask & RTEXT_FILTER_BRVLAN_COMPRESSED != 0 {
                    br_fill_ifvlaninfo_compressed(skb, vg)?;
                } else {
                    br_fill_ifvlaninfo(skb, vg)?;
                }
            }
        }
        // MRP and CFM instances, and MST, are never set up in the model: nothing to add.
        if skb.len() - af > 4 {
            skb.nla_nest_end(af);
        } else {
            skb.nla_nest_cancel(af);
        }
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// `br_getlink`: a PF_BRIDGE dump's message for `dev`: every port; a bridge only when the
/// request's filter asks for VLAN, MRP or CFM information. None for other devices.
#[allow(clippy::too_many_arguments)]
pub fn br_getlink(
    skb: &mut SkBuff,
    features: FeatureSet,
    dev: &NetDevice,
    portid: u32,
    seq: u32,
    filter_mask: u32,
    nlflags: u16,
) -> Result<(), Errno> {
    let wants_bridge = RTEXT_FILTER_BRVLAN
        | RTEXT_FILTER_BRVLAN_COMPRESSED
        | RTEXT_FILTER_MRP
        | RTEXT_FILTER_CFM_CONFIG
        | RTEXT_FILTER_CFM_STATUS;
    if dev.br_port().is_none() && (!dev.is_bridge_master() || filter_mask & wants_bridge == 0) {
        return Ok(());
    }
    br_fill_ifinfo(
        skb,
        features,
        dev,
        RTM_NEWLINK,
        portid,
        seq,
        nlflags,
        filter_mask,
    )
}

/// `br_ifinfo_notify`: the PF_BRIDGE message for a port, with its VLANs compressed
/// (RTEXT_FILTER_BRVLAN_COMPRESSED), to RTNLGRP_LINK.
pub(crate) fn br_ifinfo_notify(k: &mut Kernel, net: NetId, port: u32, ty: u16) -> SysResult<()> {
    let Some(dev) = k.dev(net, port) else {
        return Ok(());
    };
    if !crate::rtnetlink::notify::rtnl_link_notify_wanted(k, net, None) {
        return Ok(());
    }
    let filter = RTEXT_FILTER_BRVLAN_COMPRESSED;
    let size = br_nlmsg_size(k.features, dev, filter);
    let mut skb = SkBuff::alloc_skb(nlmsg_total_size(size));
    br_fill_ifinfo(&mut skb, k.features, dev, ty, 0, 0, 0, filter)?;
    rtmsg_ifinfo_send(k, net, skb, None)
}

/// `nla_total_size`.
const fn nla_total_size(payload: usize) -> usize {
    (NLA_HDRLEN + payload + 3) & !3
}

/// `nlmsg_total_size`.
const fn nlmsg_total_size(payload: usize) -> usize {
    (NLMSG_HDRLEN + payload + 3) & !3
}

/// `br_port_info_size`: what a port's attributes may take in the release (IGMP snooping
/// built; x86-64 needs no 64-bit padding).
fn br_port_info_size(features: FeatureSet) -> usize {
    let (u8_attr, u16_attr, u32_attr) = (nla_total_size(1), nla_total_size(2), nla_total_size(4));
    let u64_attr = nla_total_size(8);
    let bridge_id = nla_total_size(8);
    // STATE, MODE, GUARD, PROTECT, FAST_LEAVE, MCAST_TO_UCAST, LEARNING, UNICAST_FLOOD,
    // MCAST_FLOOD, BCAST_FLOOD, PROXYARP, PROXYARP_WIFI, VLAN_TUNNEL, NEIGH_SUPPRESS,
    // ISOLATED, LOCKED, TOPOLOGY_CHANGE_ACK, CONFIG_PENDING, MULTICAST_ROUTER, MRP_RING_OPEN,
    // MRP_IN_OPEN.
    let mut u8s = 21;
    for f in [
        Feature::BrPortMab,
        Feature::BrNeighVlanSuppress,
        Feature::BrNeighForwardGrat,
    ] {
        u8s += usize::from(features.has(f));
    }
    // PRIORITY, DESIGNATED_PORT, DESIGNATED_COST, ID, NO, GROUP_FWD_MASK.
    let u16s = 6;
    // COST, MCAST_EHT_HOSTS_LIMIT, MCAST_EHT_HOSTS_CNT (and N_GROUPS, MAX_GROUPS,
    // BACKUP_NHID where the release has them).
    let mut u32s = 3;
    if features.has(Feature::BrPortMcastMaxGroups) {
        u32s += 2;
    }
    if features.has(Feature::BrBackupNhid) {
        u32s += 1;
    }
    // MESSAGE_AGE_TIMER, FORWARD_DELAY_TIMER, HOLD_TIMER; ROOT_ID, BRIDGE_ID.
    u8s * u8_attr + u16s * u16_attr + u32s * u32_attr + 3 * u64_attr + 2 * bridge_id
}

/// `br_get_link_af_size_filtered` for a port or a bridge: its VLANs as `filter_mask` asks
/// for them, compressed (`__get_num_vlan_infos`: a range takes two) or each one; no tunnel,
/// MST or CFM information in the model.
fn br_get_link_af_size_filtered(dev: &NetDevice, filter_mask: u32) -> usize {
    let vg = match dev.br_port() {
        Some(p) => p.vlgrp.as_ref(),
        None => dev.br().and_then(|b| b.vlgrp.as_ref()),
    };
    let Some(vg) = vg else {
        return 0;
    };
    let num_vlan_infos = if filter_mask & RTEXT_FILTER_BRVLAN != 0 {
        usize::from(vg.num_vlans)
    } else if filter_mask & RTEXT_FILTER_BRVLAN_COMPRESSED != 0 {
        super::br_vlan::num_compressed_vlan_infos(vg)
    } else {
        0
    };
    num_vlan_infos * nla_total_size(crate::uapi::if_bridge::BRIDGE_VLAN_INFO_LEN)
}

/// `br_nlmsg_size`: what a PF_BRIDGE message of `dev` is allocated for.
fn br_nlmsg_size(features: FeatureSet, dev: &NetDevice, filter_mask: u32) -> usize {
    IFINFOMSG_LEN
        + nla_total_size(crate::uapi::if_::IFNAMSIZ) // IFLA_IFNAME
        + nla_total_size(MAX_ADDR_LEN) // IFLA_ADDRESS
        + nla_total_size(4) // IFLA_MASTER
        + nla_total_size(4) // IFLA_MTU
        + nla_total_size(4) // IFLA_LINK
        + nla_total_size(1) // IFLA_OPERSTATE
        + nla_total_size(br_port_info_size(features)) // IFLA_PROTINFO
        + nla_total_size(br_get_link_af_size_filtered(dev, filter_mask)) // IFLA_AF_SPEC
        + nla_total_size(4) // IFLA_BRPORT_BACKUP_PORT
}

/// `MAX_ADDR_LEN`: the room for a hardware address.
const MAX_ADDR_LEN: usize = 32;
