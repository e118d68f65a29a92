//! The bridge's netlink side (`net/bridge/br_netlink.c`): the link kind (`br_link_ops`), its
//! IFLA_INFO_DATA (`br_fill_info`) and a port's attributes (`br_port_fill_attrs`) in the
//! profile's release (the attributes it has) and build (VLAN filtering or not; IGMP snooping
//! and bridge netfilter built in; x86-64 needs no 64-bit attribute padding), the PF_BRIDGE
//! messages of ports and bridges (`br_fill_ifinfo`, `br_ifinfo_notify`, `br_getlink`), and
//! the AF_BRIDGE address family.

use super::br_device::br_dev_setup;
use super::br_if::br_del_if;
use super::br_stp_if::br_stp_change_bridge_id;
use super::br_stp_timer::br_timer_value;
use super::br_vlan::{
    br_fill_ifvlaninfo, br_fill_ifvlaninfo_compressed, br_vlan_add, br_vlan_bridge_event,
    br_vlan_delete, br_vlan_init, br_vlan_notify, nbp_vlan_add, nbp_vlan_delete, BridgeEvent,
    NetBridgeVlanGroup,
};
use super::port_flags::*;
use super::{br_ports, dev_mut, BrPort};
use crate::af_netlink::NetlinkExtAck;
use crate::dev::register_netdevice;
use crate::errno::{Errno, SysResult};
use crate::ethernet::{eth_random_addr, eth_validate_addr_attr};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::nlattr::{nla_total_size, nlmsg_total_size};
use crate::nlattr::{NlaPolicy, NlaType};
use crate::profile::{Feature, FeatureSet};
use crate::rtnetlink::newlink::{IfAttrs, RtnlNewlinkParams};
use crate::rtnetlink::notify::rtmsg_ifinfo_send;
use crate::rtnetlink::ops::{
    rtnl_af_register, rtnl_link_register, LinkFillCtx, RtnlAfOps, RtnlLinkOps,
};
use crate::skbuff::SkBuff;
use crate::timer::{clock_t_to_jiffies, jiffies_to_clock_t};
use crate::uapi::if_ether::ETH_ALEN;
use crate::uapi::if_link::*;
use crate::uapi::netlink::NLMSG_HDRLEN;
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
    policy: Some(br_policy),
    changelink: Some(br_changelink),
    newlink: Some(br_dev_newlink),
    dellink: Some(br_dev_delete),
    get_num_queues: None,
    peer_type: None,
    fill_info: Some(br_fill_info),
    fill_slave_info: Some(br_port_fill_slave_info),
    slave_policy: Some(br_port_policy),
    slave_changelink: Some(br_port_slave_changelink),
    get_size: Some(br_get_size),
    get_slave_size: Some(br_port_get_slave_size),
    get_link_net: None,
    dev_moved: None,
};

/// `br_af_ops`: AF_BRIDGE reports nothing in a link's IFLA_AF_SPEC and sets nothing
/// (a request's AF_BRIDGE part is EOPNOTSUPP).
static BR_AF_OPS: RtnlAfOps = RtnlAfOps {
    family: AF_BRIDGE,
    fill_link_af: None,
    validate_link_af: None,
    set_link_af: None,
    get_link_af_size: Some(br_get_link_af_size),
};

/// `br_af_ops.get_link_af_size` (`br_get_link_af_size_filtered`) with a link message's
/// filter (0).
fn br_get_link_af_size(_ctx: &crate::rtnetlink::fill::FillCtx<'_>, dev: &NetDevice) -> usize {
    br_get_link_af_size_filtered(dev, 0)
}

/// `br_netlink_init`: the VLAN messages (where the build has VLAN filtering), the address
/// family, then the link kind.
pub(crate) fn br_netlink_init(k: &mut Kernel) {
    super::br_vlan::br_vlan_rtnl_init(k);
    rtnl_af_register(k, &BR_AF_OPS);
    rtnl_link_register(k, &BR_LINK_OPS);
    super::br_mdb::br_mdb_init(k);
}

/// `br_validate`: a 6-byte unicast address; where the build has VLAN filtering, a VLAN
/// protocol must be 802.1Q or 802.1ad (EPROTONOSUPPORT) and a default PVID below 4095
/// (EINVAL).
fn br_validate(
    tb: &IfAttrs<'_>,
    data: Option<&IfAttrs<'_>>,
    config: &crate::profile::Config,
) -> Result<(), Errno> {
    eth_validate_addr_attr(tb)?;
    let Some(data) = data.filter(|_| config.bridge_vlan_filtering) else {
        return Ok(());
    };
    if let Some(proto) = data.get(IFLA_BR_VLAN_PROTOCOL) {
        let proto = nltwin_wire::scalar::get_be16(proto).unwrap_or(0);
        if !matches!(proto, ETH_P_8021Q | ETH_P_8021AD) {
            return Err(Errno::EPROTONOSUPPORT);
        }
    }
    if data
        .u16(IFLA_BR_VLAN_DEFAULT_PVID)
        .is_some_and(|v| v >= VLAN_VID_MASK)
    {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// `ETH_P_8021Q`, `ETH_P_8021AD`: the VLAN protocols (`eth_type_vlan`).
const ETH_P_8021Q: u16 = 0x8100;
/// `ETH_P_8021AD`.
const ETH_P_8021AD: u16 = 0x88a8;
/// `VLAN_VID_MASK`.
const VLAN_VID_MASK: u16 = 0x0fff;

/// `br_dev_newlink`: register the bridge (its VLAN group set up first, its default VLAN added
/// when registered, where the build has VLAN filtering). A given address becomes the bridge id
/// at once (`br_stp_change_bridge_id`, which turns the carrier off: no port is up); otherwise
/// the device has a random address, its bridge id stays all zeros and the carrier stays on
/// until a port arrives. Then the options (`br_changelink`); if one is refused the bridge is
/// deleted again (`br_dev_delete`: never announced, its ifindex used up).
fn br_dev_newlink(
    k: &mut Kernel,
    p: &mut RtnlNewlinkParams<'_>,
    mut dev: NetDevice,
) -> SysResult<u32> {
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
    // NETDEV_REGISTER (`br_device_event`): the bridge's own address's local entry, then its
    // own default VLAN.
    let own = k
        .dev(net, ifindex)
        .map(|d| d.addr.clone())
        .unwrap_or_default();
    super::br_fdb::br_fdb_change_mac_address(k, net, ifindex, &own)?;
    br_vlan_bridge_event(k, net, ifindex, BridgeEvent::Register)?;
    if let Some(addr) = addr {
        br_stp_change_bridge_id(k, net, ifindex, &addr)?;
    }
    let tb = p.tb.clone();
    if let Err(e) = br_changelink(k, net, ifindex, &tb, p.data.as_ref(), p.extack) {
        if matches!(e, crate::errno::SysError::Unimplemented(_)) {
            return Err(e);
        }
        let list = br_dev_delete(k, net, ifindex);
        crate::dev::unregister_netdevice_many_nets(k, net, &list, None)?;
        return Err(e);
    }
    Ok(ifindex)
}

/// `br_policy` of the release: how a bridge's IFLA_INFO_DATA is parsed (up to its
/// IFLA_BR_MAX; strict from IFLA_BR_FDB_N_LEARNED on where the release has it).
fn br_policy(features: FeatureSet) -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(br_maxtype(features)) + 1];
    if features.has(Feature::BrFdbMaxLearned) {
        p[0] = NlaPolicy::strict_start(IFLA_BR_FDB_N_LEARNED);
    }
    let mut set = |t: u16, pol: NlaPolicy| {
        if let Some(e) = p.get_mut(usize::from(t)) {
            *e = pol;
        }
    };
    for t in [
        IFLA_BR_FORWARD_DELAY,
        IFLA_BR_HELLO_TIME,
        IFLA_BR_MAX_AGE,
        IFLA_BR_AGEING_TIME,
        IFLA_BR_STP_STATE,
        IFLA_BR_MCAST_HASH_ELASTICITY,
        IFLA_BR_MCAST_HASH_MAX,
        IFLA_BR_MCAST_LAST_MEMBER_CNT,
        IFLA_BR_MCAST_STARTUP_QUERY_CNT,
        IFLA_BR_FDB_MAX_LEARNED,
    ] {
        set(t, NlaPolicy::of(NlaType::U32));
    }
    for t in [
        IFLA_BR_PRIORITY,
        IFLA_BR_VLAN_PROTOCOL,
        IFLA_BR_GROUP_FWD_MASK,
        IFLA_BR_VLAN_DEFAULT_PVID,
    ] {
        set(t, NlaPolicy::of(NlaType::U16));
    }
    for t in [
        IFLA_BR_VLAN_FILTERING,
        IFLA_BR_MCAST_ROUTER,
        IFLA_BR_MCAST_SNOOPING,
        IFLA_BR_MCAST_QUERY_USE_IFADDR,
        IFLA_BR_MCAST_QUERIER,
        IFLA_BR_NF_CALL_IPTABLES,
        IFLA_BR_NF_CALL_IP6TABLES,
        IFLA_BR_NF_CALL_ARPTABLES,
        IFLA_BR_VLAN_STATS_ENABLED,
        IFLA_BR_MCAST_STATS_ENABLED,
        IFLA_BR_MCAST_IGMP_VERSION,
        IFLA_BR_MCAST_MLD_VERSION,
        IFLA_BR_VLAN_STATS_PER_PORT,
    ] {
        set(t, NlaPolicy::of(NlaType::U8));
    }
    for t in [
        IFLA_BR_MCAST_LAST_MEMBER_INTVL,
        IFLA_BR_MCAST_MEMBERSHIP_INTVL,
        IFLA_BR_MCAST_QUERIER_INTVL,
        IFLA_BR_MCAST_QUERY_INTVL,
        IFLA_BR_MCAST_QUERY_RESPONSE_INTVL,
        IFLA_BR_MCAST_STARTUP_QUERY_INTVL,
    ] {
        set(t, NlaPolicy::of(NlaType::U64));
    }
    set(
        IFLA_BR_GROUP_ADDR,
        NlaPolicy::with_len(NlaType::Binary, ETH_ALEN as u16),
    );
    // sizeof(struct br_boolopt_multi): optval and optmask.
    set(IFLA_BR_MULTI_BOOLOPT, NlaPolicy::exact_len(8));
    set(IFLA_BR_FDB_N_LEARNED, NlaPolicy::of(NlaType::Reject));
    set(
        IFLA_BR_STP_MODE,
        NlaPolicy {
            range: Some((
                i64::from(crate::uapi::if_bridge::BR_STP_MODE_AUTO),
                i64::from(crate::uapi::if_bridge::BR_STP_MODE_KERNEL),
            )),
            ..NlaPolicy::of(NlaType::U32)
        },
    );
    p
}

/// `BR_GROUPFWD_RESTRICTED`: the link-local groups a bridge may never forward (STP, MAC
/// pause, LACP: bits 0, 1 and 2).
const BR_GROUPFWD_RESTRICTED: u16 = 0x0007;

/// `br_changelink`: the bridge options of IFLA_INFO_DATA, in the kernel's order, each
/// applied as it comes (an option refused leaves those before it applied): STP times,
/// ageing, STP mode and state, priority, VLAN filtering and (where built) the VLAN options,
/// the group forwarding mask and address, the FDB flush, the multicast options, netfilter's,
/// the boolean options and the learned-entries limit.
fn br_changelink(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    _tb: &IfAttrs<'_>,
    data: Option<&IfAttrs<'_>>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    use super::br_multicast as mc;
    use super::br_stp as stp;
    let Some(data) = data else {
        return Ok(());
    };
    let hz = k.timers.hz();
    let features = k.features;
    let config = k.profile.config;
    macro_rules! b {
        () => {
            dev_mut(k, net, br).br_mut().expect("a bridge")
        };
    }
    if let Some(v) = data.u32(IFLA_BR_FORWARD_DELAY) {
        stp::br_set_forward_delay(b!(), hz, v)?;
    }
    if let Some(v) = data.u32(IFLA_BR_HELLO_TIME) {
        stp::br_set_hello_time(b!(), hz, v)?;
    }
    if let Some(v) = data.u32(IFLA_BR_MAX_AGE) {
        stp::br_set_max_age(b!(), hz, v)?;
    }
    if let Some(v) = data.u32(IFLA_BR_AGEING_TIME) {
        stp::br_set_ageing_time(k, net, br, v)?;
    }
    if features.has(Feature::BrStpMode) {
        if let Some(mode) = data.u32(IFLA_BR_STP_MODE) {
            let b = b!();
            if mode != b.stp_mode {
                let stp_off = b.stp_enabled == super::BR_NO_STP
                    || data.u32(IFLA_BR_STP_STATE).is_some_and(|s| s == 0);
                if !stp_off {
                    extack.msg = Some("bridge: Can't change STP mode while STP is enabled".into());
                    return Err(Errno::EBUSY.into());
                }
            }
            b.stp_mode = mode;
        }
    }
    // Each takes the bridge's lock with bottom halves off: the BPDUs it sends are received
    // when it lets go (`spin_unlock_bh`).
    if let Some(v) = data.u32(IFLA_BR_STP_STATE) {
        super::br_stp_if::br_stp_set_enabled(k, net, br, v)?;
        crate::dev::process_backlog(k)?;
    }
    if let Some(v) = data.u16(IFLA_BR_PRIORITY) {
        super::br_stp_if::br_stp_set_bridge_priority(k, net, br, v)?;
        crate::dev::process_backlog(k)?;
    }
    if let Some(v) = data.u8(IFLA_BR_VLAN_FILTERING) {
        // br_vlan_filter_toggle: EOPNOTSUPP without VLAN filtering built; where it is built,
        // the model's bridges never filter, so asking for that is a no-op.
        if !config.bridge_vlan_filtering {
            return Err(Errno::EOPNOTSUPP.into());
        }
        if v != 0 {
            return Err(crate::errno::unimplemented(
                "br_vlan_filter_toggle: turning VLAN filtering on",
            ));
        }
    }
    if config.bridge_vlan_filtering {
        if let Some(proto) = data.get(IFLA_BR_VLAN_PROTOCOL) {
            // __br_vlan_set_proto: the same protocol is nothing.
            if nltwin_wire::scalar::get_be16(proto).unwrap_or(0) != b!().vlan_proto {
                return Err(crate::errno::unimplemented(
                    "__br_vlan_set_proto: another VLAN protocol",
                ));
            }
        }
        if data.has(IFLA_BR_VLAN_DEFAULT_PVID) {
            return Err(crate::errno::unimplemented(
                "__br_vlan_set_default_pvid (the default PVID of the bridge and its ports)",
            ));
        }
        if let Some(v) = data.u8(IFLA_BR_VLAN_STATS_ENABLED) {
            // br_vlan_set_stats: 0 or 1.
            if v > 1 {
                return Err(Errno::EINVAL.into());
            }
            b!().opt_toggle(super::bropt::VLAN_STATS_ENABLED, v != 0);
        }
        if let Some(v) = data.u8(IFLA_BR_VLAN_STATS_PER_PORT) {
            // br_vlan_set_stats_per_port: not while a port has VLANs; 0 or 1.
            let busy = super::br_ports(k, net, br).into_iter().any(|p| {
                k.dev(net, p)
                    .and_then(|d| d.br_port())
                    .and_then(|p| p.vlgrp.as_ref())
                    .is_some_and(|g| g.num_vlans > 0)
            });
            if busy {
                return Err(Errno::EBUSY.into());
            }
            if v > 1 {
                return Err(Errno::EINVAL.into());
            }
            b!().opt_toggle(super::bropt::VLAN_STATS_PER_PORT, v != 0);
        }
    }
    if let Some(mask) = data.u16(IFLA_BR_GROUP_FWD_MASK) {
        if mask & BR_GROUPFWD_RESTRICTED != 0 {
            return Err(Errno::EINVAL.into());
        }
        b!().group_fwd_mask = mask;
    }
    if let Some(a) = data.get(IFLA_BR_GROUP_ADDR) {
        // A link-local group (01:80:c2:00:00:0X) other than pause, slow protocols and PAE.
        if a.len() != ETH_ALEN {
            return Err(Errno::EINVAL.into());
        }
        let link_local = a[..5] == [0x01, 0x80, 0xc2, 0, 0] && a[5] & 0xf0 == 0;
        if !link_local || matches!(a[5], 1..=3) {
            return Err(Errno::EINVAL.into());
        }
        let b = b!();
        b.group_addr.copy_from_slice(a);
        b.opt_toggle(super::bropt::GROUP_ADDR_SET, true);
    }
    // IFLA_BR_FDB_FLUSH: the model's FDB has no entry that is not static.
    if let Some(v) = data.u8(IFLA_BR_MCAST_ROUTER) {
        mc::br_multicast_set_router(&mut b!().multicast_ctx, v)?;
    }
    if let Some(v) = data.u8(IFLA_BR_MCAST_SNOOPING) {
        mc::br_multicast_toggle(k, net, br, v, extack)?;
    }
    if let Some(v) = data.u8(IFLA_BR_MCAST_QUERY_USE_IFADDR) {
        b!().opt_toggle(super::bropt::MULTICAST_QUERY_USE_IFADDR, v != 0);
    }
    if let Some(v) = data.u8(IFLA_BR_MCAST_QUERIER) {
        mc::br_multicast_set_querier(b!(), v)?;
    }
    // IFLA_BR_MCAST_HASH_ELASTICITY only logs that it is deprecated.
    if let Some(v) = data.u32(IFLA_BR_MCAST_HASH_MAX) {
        b!().hash_max = v;
    }
    if let Some(v) = data.u32(IFLA_BR_MCAST_LAST_MEMBER_CNT) {
        b!().multicast_ctx.multicast_last_member_count = v;
    }
    if let Some(v) = data.u32(IFLA_BR_MCAST_STARTUP_QUERY_CNT) {
        b!().multicast_ctx.multicast_startup_query_count = v;
    }
    let intvl = |t: u16| data.u64(t);
    if let Some(v) = intvl(IFLA_BR_MCAST_LAST_MEMBER_INTVL) {
        b!().multicast_ctx.multicast_last_member_interval = clock_t_to_jiffies(hz, v);
    }
    if let Some(v) = intvl(IFLA_BR_MCAST_MEMBERSHIP_INTVL) {
        b!().multicast_ctx.multicast_membership_interval = clock_t_to_jiffies(hz, v);
    }
    if let Some(v) = intvl(IFLA_BR_MCAST_QUERIER_INTVL) {
        b!().multicast_ctx.multicast_querier_interval = clock_t_to_jiffies(hz, v);
    }
    if let Some(v) = intvl(IFLA_BR_MCAST_QUERY_INTVL) {
        mc::br_multicast_set_query_intvl(&mut b!().multicast_ctx, hz, v);
    }
    if let Some(v) = intvl(IFLA_BR_MCAST_QUERY_RESPONSE_INTVL) {
        b!().multicast_ctx.multicast_query_response_interval = clock_t_to_jiffies(hz, v);
    }
    if let Some(v) = intvl(IFLA_BR_MCAST_STARTUP_QUERY_INTVL) {
        mc::br_multicast_set_startup_query_intvl(&mut b!().multicast_ctx, hz, v);
    }
    if let Some(v) = data.u8(IFLA_BR_MCAST_STATS_ENABLED) {
        b!().opt_toggle(super::bropt::MULTICAST_STATS_ENABLED, v != 0);
    }
    if let Some(v) = data.u8(IFLA_BR_MCAST_IGMP_VERSION) {
        mc::br_multicast_set_igmp_version(&mut b!().multicast_ctx, v)?;
    }
    if let Some(v) = data.u8(IFLA_BR_MCAST_MLD_VERSION) {
        mc::br_multicast_set_mld_version(&mut b!().multicast_ctx, v)?;
    }
    for (t, opt) in [
        (IFLA_BR_NF_CALL_IPTABLES, super::bropt::NF_CALL_IPTABLES),
        (IFLA_BR_NF_CALL_IP6TABLES, super::bropt::NF_CALL_IP6TABLES),
        (IFLA_BR_NF_CALL_ARPTABLES, super::bropt::NF_CALL_ARPTABLES),
    ] {
        if let Some(v) = data.u8(t) {
            b!().opt_toggle(opt, v != 0);
        }
    }
    if let Some(bm) = data.get(IFLA_BR_MULTI_BOOLOPT) {
        // struct br_boolopt_multi (the policy made it 8 bytes): optval, optmask.
        let word = |i: usize| nltwin_wire::scalar::get_u32(&bm[i..]).unwrap_or(0);
        br_boolopt_multi_toggle(k, net, br, word(0), word(4), extack)?;
    }
    if features.has(Feature::BrFdbMaxLearned) {
        if let Some(v) = data.u32(IFLA_BR_FDB_MAX_LEARNED) {
            b!().fdb_max_learned = v;
        }
    }
    Ok(())
}

/// The number of bridge boolean options of a release (`BR_BOOLOPT_MAX`).
fn br_boolopt_max(features: FeatureSet) -> u32 {
    br_boolopt_mask(features).count_ones()
}

/// `br_boolopt_multi_toggle`: each option of the mask set to its bit of `optval`, in order,
/// stopping at the first refused. From the release that rejects them, a mask bit beyond the
/// known options is EINVAL before any is applied; earlier releases ignore such bits.
fn br_boolopt_multi_toggle(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    optval: u32,
    optmask: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let max = br_boolopt_max(k.features);
    let unknown = optmask & !br_boolopt_mask(k.features);
    if unknown != 0 && k.has(Feature::BrBooloptRejectUnknown) {
        extack.msg = Some(format!(
            "bridge: Unknown boolean option {}",
            unknown.trailing_zeros()
        ));
        return Err(Errno::EINVAL.into());
    }
    for opt in 0..max {
        if optmask & (1 << opt) != 0 {
            br_boolopt_toggle(k, net, br, opt, optval & (1 << opt) != 0, extack)?;
        }
    }
    Ok(())
}

/// `BR_BOOLOPT_*`, in their uapi order.
const BR_BOOLOPT_NO_LL_LEARN: u32 = 0;
/// `BR_BOOLOPT_MCAST_VLAN_SNOOPING`.
const BR_BOOLOPT_MCAST_VLAN_SNOOPING: u32 = 1;
/// `BR_BOOLOPT_MST_ENABLE`.
const BR_BOOLOPT_MST_ENABLE: u32 = 2;
/// `BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION`.
const BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION: u32 = 3;

/// `br_boolopt_toggle`: one boolean option.
fn br_boolopt_toggle(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    opt: u32,
    on: bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let config = k.profile.config;
    let b = dev_mut(k, net, br).br_mut().expect("a bridge");
    match opt {
        BR_BOOLOPT_NO_LL_LEARN => b.opt_toggle(super::bropt::NO_LL_LEARN, on),
        BR_BOOLOPT_MCAST_VLAN_SNOOPING => {
            super::br_multicast::br_multicast_toggle_vlan_snooping(on, extack)?
        }
        BR_BOOLOPT_MST_ENABLE => {
            // br_mst_set_enabled: EOPNOTSUPP without VLAN filtering built.
            if !config.bridge_vlan_filtering {
                return Err(Errno::EOPNOTSUPP.into());
            }
            let busy = super::br_ports(k, net, br).into_iter().any(|p| {
                k.dev(net, p)
                    .and_then(|d| d.br_port())
                    .and_then(|p| p.vlgrp.as_ref())
                    .is_some_and(|g| g.num_vlans > 0)
            });
            if busy {
                extack.msg = Some("MST mode can't be changed while VLANs exist".into());
                return Err(Errno::EBUSY.into());
            }
            if on {
                return Err(crate::errno::unimplemented("br_mst_set_enabled: MST on"));
            }
        }
        BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION => {
            b.opt_toggle(super::bropt::MDB_OFFLOAD_FAIL_NOTIFICATION, on)
        }
        _ => {
            // BR_BOOLOPT_FDB_LOCAL_VLAN_0 (br_toggle_fdb_local_vlan_0): off is how bridges
            // start; turning it on moves the local FDB entries.
            if on {
                return Err(crate::errno::unimplemented(
                    "br_toggle_fdb_local_vlan_0: the local FDB entries",
                ));
            }
        }
    }
    Ok(())
}

/// `br_boolopt_multi_get`: the options set (`optval`).
fn br_boolopt_multi_get(b: &super::NetBridge) -> u32 {
    u32::from(b.opt(super::bropt::NO_LL_LEARN)) << BR_BOOLOPT_NO_LL_LEARN
        | u32::from(b.opt(super::bropt::MDB_OFFLOAD_FAIL_NOTIFICATION))
            << BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION
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

/// `br_dev_delete`: every port released first (in `port_list` order), the garbage
/// collection stopped (`cancel_delayed_work_sync`), then the bridge.
fn br_dev_delete(k: &mut Kernel, net: NetId, ifindex: u32) -> Vec<(NetId, u32)> {
    for port in br_ports(k, net, ifindex) {
        // Notification failures land on listeners; the deletion goes on.
        let _ = br_del_if(k, net, ifindex, port, true, false);
    }
    // The bridge's own entries go, each announced.
    let _ = super::br_fdb::br_fdb_delete_by_port(k, net, ifindex, None, 0, true);
    crate::workqueue::cancel_delayed_work(k, super::br_fdb::gc_work(net, ifindex));
    if let Some(b) = dev_mut(k, net, ifindex).br_mut() {
        b.gc_timer = 0;
    }
    vec![(net, ifindex)]
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

/// `br_fill_info`: the bridge's IFLA_INFO_DATA, its times in USER_HZ ticks
/// (`jiffies_to_clock_t` at the build's HZ).
fn br_fill_info(skb: &mut SkBuff, ctx: LinkFillCtx, dev: &NetDevice) -> Result<(), Errno> {
    let features = ctx.features;
    let Some(b) = dev.br() else {
        return Ok(());
    };
    let clock = |j: u64| jiffies_to_clock_t(ctx.config.hz, j);
    let timer = |t: Option<u64>| br_timer_value(ctx.config.hz, ctx.jiffies, t);
    skb.nla_put_u64(IFLA_BR_HELLO_TIMER, timer(b.timers.hello))?;
    skb.nla_put_u64(IFLA_BR_TCN_TIMER, timer(b.timers.tcn))?;
    skb.nla_put_u64(
        IFLA_BR_TOPOLOGY_CHANGE_TIMER,
        timer(b.timers.topology_change),
    )?;
    skb.nla_put_u64(IFLA_BR_GC_TIMER, b.gc_timer)?;
    skb.nla_put_u32(IFLA_BR_FORWARD_DELAY, clock(b.forward_delay) as u32)?;
    skb.nla_put_u32(IFLA_BR_HELLO_TIME, clock(b.hello_time) as u32)?;
    skb.nla_put_u32(IFLA_BR_MAX_AGE, clock(b.max_age) as u32)?;
    skb.nla_put_u32(IFLA_BR_AGEING_TIME, clock(b.ageing_time) as u32)?;
    skb.nla_put_u32(IFLA_BR_STP_STATE, b.stp_enabled)?;
    skb.nla_put_u16(
        IFLA_BR_PRIORITY,
        u16::from_be_bytes([b.bridge_id[0], b.bridge_id[1]]),
    )?;
    // br_vlan_enabled: filtering is never turned on in the model.
    skb.nla_put_u8(IFLA_BR_VLAN_FILTERING, 0)?;
    skb.nla_put_u16(IFLA_BR_GROUP_FWD_MASK, b.group_fwd_mask)?;
    skb.nla_put(IFLA_BR_BRIDGE_ID, &b.bridge_id)?;
    skb.nla_put(IFLA_BR_ROOT_ID, &b.designated_root)?;
    skb.nla_put_u16(IFLA_BR_ROOT_PORT, b.root_port)?;
    skb.nla_put_u32(IFLA_BR_ROOT_PATH_COST, b.root_path_cost)?;
    skb.nla_put_u8(IFLA_BR_TOPOLOGY_CHANGE, u8::from(b.topology_change))?;
    skb.nla_put_u8(
        IFLA_BR_TOPOLOGY_CHANGE_DETECTED,
        u8::from(b.topology_change_detected),
    )?;
    skb.nla_put(IFLA_BR_GROUP_ADDR, &b.group_addr)?;
    // struct br_boolopt_multi: the options set, and which the kernel knows.
    skb.nla_put_u32_array(
        IFLA_BR_MULTI_BOOLOPT,
        &[br_boolopt_multi_get(b), br_boolopt_mask(features)],
    )?;
    if features.has(Feature::BrFdbMaxLearned) {
        skb.nla_put_u32(IFLA_BR_FDB_N_LEARNED, super::br_fdb::fdb_n_learned(b))?;
        skb.nla_put_u32(IFLA_BR_FDB_MAX_LEARNED, b.fdb_max_learned)?;
    }
    if features.has(Feature::BrStpMode) {
        skb.nla_put_u32(IFLA_BR_STP_MODE, b.stp_mode)?;
    }
    if ctx.config.bridge_vlan_filtering {
        skb.nla_put(IFLA_BR_VLAN_PROTOCOL, &b.vlan_proto.to_be_bytes())?;
        skb.nla_put_u16(IFLA_BR_VLAN_DEFAULT_PVID, b.default_pvid)?;
        skb.nla_put_u8(
            IFLA_BR_VLAN_STATS_ENABLED,
            u8::from(b.opt(super::bropt::VLAN_STATS_ENABLED)),
        )?;
        skb.nla_put_u8(
            IFLA_BR_VLAN_STATS_PER_PORT,
            u8::from(b.opt(super::bropt::VLAN_STATS_PER_PORT)),
        )?;
    }
    let mc = &b.multicast_ctx;
    skb.nla_put_u8(IFLA_BR_MCAST_ROUTER, mc.multicast_router)?;
    skb.nla_put_u8(IFLA_BR_MCAST_SNOOPING, u8::from(b.mcast_snooping))?;
    skb.nla_put_u8(
        IFLA_BR_MCAST_QUERY_USE_IFADDR,
        u8::from(b.opt(super::bropt::MULTICAST_QUERY_USE_IFADDR)),
    )?;
    skb.nla_put_u8(IFLA_BR_MCAST_QUERIER, u8::from(mc.multicast_querier))?;
    skb.nla_put_u8(
        IFLA_BR_MCAST_STATS_ENABLED,
        u8::from(b.opt(super::bropt::MULTICAST_STATS_ENABLED)),
    )?;
    skb.nla_put_u32(
        IFLA_BR_MCAST_HASH_ELASTICITY,
        super::br_multicast::RHT_ELASTICITY,
    )?;
    skb.nla_put_u32(IFLA_BR_MCAST_HASH_MAX, b.hash_max)?;
    skb.nla_put_u32(
        IFLA_BR_MCAST_LAST_MEMBER_CNT,
        mc.multicast_last_member_count,
    )?;
    skb.nla_put_u32(
        IFLA_BR_MCAST_STARTUP_QUERY_CNT,
        mc.multicast_startup_query_count,
    )?;
    skb.nla_put_u8(IFLA_BR_MCAST_IGMP_VERSION, mc.multicast_igmp_version)?;
    super::br_multicast::br_multicast_dump_querier_state(skb, b, IFLA_BR_MCAST_QUERIER_STATE)?;
    skb.nla_put_u8(IFLA_BR_MCAST_MLD_VERSION, mc.multicast_mld_version)?;
    for (t, j) in [
        (
            IFLA_BR_MCAST_LAST_MEMBER_INTVL,
            mc.multicast_last_member_interval,
        ),
        (
            IFLA_BR_MCAST_MEMBERSHIP_INTVL,
            mc.multicast_membership_interval,
        ),
        (IFLA_BR_MCAST_QUERIER_INTVL, mc.multicast_querier_interval),
        (IFLA_BR_MCAST_QUERY_INTVL, mc.multicast_query_interval),
        (
            IFLA_BR_MCAST_QUERY_RESPONSE_INTVL,
            mc.multicast_query_response_interval,
        ),
        (
            IFLA_BR_MCAST_STARTUP_QUERY_INTVL,
            mc.multicast_startup_query_interval,
        ),
    ] {
        skb.nla_put_u64(t, clock(j))?;
    }
    for (t, opt) in [
        (IFLA_BR_NF_CALL_IPTABLES, super::bropt::NF_CALL_IPTABLES),
        (IFLA_BR_NF_CALL_IP6TABLES, super::bropt::NF_CALL_IP6TABLES),
        (IFLA_BR_NF_CALL_ARPTABLES, super::bropt::NF_CALL_ARPTABLES),
    ] {
        skb.nla_put_u8(t, u8::from(b.opt(opt)))?;
    }
    Ok(())
}

/// `br_port_fill_attrs`: a port's attributes (in IFLA_INFO_SLAVE_DATA or IFLA_PROTINFO), those
/// the release has, its timers' time left counted from `ctx.jiffies`.
pub(crate) fn br_port_fill_attrs(
    skb: &mut SkBuff,
    ctx: LinkFillCtx,
    port: &BrPort,
) -> Result<(), Errno> {
    let features = ctx.features;
    let timer = |t: Option<u64>| br_timer_value(ctx.config.hz, ctx.jiffies, t);
    let flag = |f: u32| u8::from(port.flags & f != 0);
    skb.nla_put_u8(IFLA_BRPORT_STATE, port.state)?;
    skb.nla_put_u16(IFLA_BRPORT_PRIORITY, port.priority)?;
    skb.nla_put_u32(IFLA_BRPORT_COST, port.path_cost)?;
    skb.nla_put_u8(IFLA_BRPORT_MODE, flag(BR_HAIRPIN_MODE))?;
    skb.nla_put_u8(IFLA_BRPORT_GUARD, flag(BR_BPDU_GUARD))?;
    skb.nla_put_u8(IFLA_BRPORT_PROTECT, flag(BR_ROOT_BLOCK))?;
    skb.nla_put_u8(IFLA_BRPORT_FAST_LEAVE, flag(BR_MULTICAST_FAST_LEAVE))?;
    skb.nla_put_u8(IFLA_BRPORT_MCAST_TO_UCAST, flag(BR_MULTICAST_TO_UNICAST))?;
    skb.nla_put_u8(IFLA_BRPORT_LEARNING, flag(BR_LEARNING))?;
    skb.nla_put_u8(IFLA_BRPORT_UNICAST_FLOOD, flag(BR_FLOOD))?;
    skb.nla_put_u8(IFLA_BRPORT_MCAST_FLOOD, flag(BR_MCAST_FLOOD))?;
    skb.nla_put_u8(IFLA_BRPORT_BCAST_FLOOD, flag(BR_BCAST_FLOOD))?;
    skb.nla_put_u8(IFLA_BRPORT_PROXYARP, flag(BR_PROXYARP))?;
    skb.nla_put_u8(IFLA_BRPORT_PROXYARP_WIFI, flag(BR_PROXYARP_WIFI))?;
    skb.nla_put(IFLA_BRPORT_ROOT_ID, &port.designated_root)?;
    skb.nla_put(IFLA_BRPORT_BRIDGE_ID, &port.designated_bridge)?;
    skb.nla_put_u16(IFLA_BRPORT_DESIGNATED_PORT, port.designated_port)?;
    // The kernel puts the 32-bit cost in 16 bits.
    skb.nla_put_u16(IFLA_BRPORT_DESIGNATED_COST, port.designated_cost as u16)?;
    skb.nla_put_u16(IFLA_BRPORT_ID, port.port_id)?;
    skb.nla_put_u16(IFLA_BRPORT_NO, port.port_no)?;
    skb.nla_put_u8(
        IFLA_BRPORT_TOPOLOGY_CHANGE_ACK,
        u8::from(port.topology_change_ack),
    )?;
    skb.nla_put_u8(IFLA_BRPORT_CONFIG_PENDING, u8::from(port.config_pending))?;
    skb.nla_put_u8(IFLA_BRPORT_VLAN_TUNNEL, flag(BR_VLAN_TUNNEL))?;
    skb.nla_put_u16(IFLA_BRPORT_GROUP_FWD_MASK, port.group_fwd_mask)?;
    skb.nla_put_u8(IFLA_BRPORT_NEIGH_SUPPRESS, flag(BR_NEIGH_SUPPRESS))?;
    skb.nla_put_u8(IFLA_BRPORT_MRP_RING_OPEN, flag(BR_MRP_LOST_CONT))?;
    skb.nla_put_u8(IFLA_BRPORT_MRP_IN_OPEN, flag(BR_MRP_LOST_IN_CONT))?;
    skb.nla_put_u8(IFLA_BRPORT_ISOLATED, flag(BR_ISOLATED))?;
    skb.nla_put_u8(IFLA_BRPORT_LOCKED, flag(BR_PORT_LOCKED))?;
    if features.has(Feature::BrPortMab) {
        skb.nla_put_u8(IFLA_BRPORT_MAB, flag(BR_PORT_MAB))?;
    }
    if features.has(Feature::BrNeighVlanSuppress) {
        skb.nla_put_u8(
            IFLA_BRPORT_NEIGH_VLAN_SUPPRESS,
            flag(BR_NEIGH_VLAN_SUPPRESS),
        )?;
    }
    if features.has(Feature::BrNeighForwardGrat) {
        skb.nla_put_u8(IFLA_BRPORT_NEIGH_FORWARD_GRAT, flag(BR_NEIGH_FORWARD_GRAT))?;
    }
    skb.nla_put_u64(
        IFLA_BRPORT_MESSAGE_AGE_TIMER,
        timer(port.timers.message_age),
    )?;
    skb.nla_put_u64(
        IFLA_BRPORT_FORWARD_DELAY_TIMER,
        timer(port.timers.forward_delay),
    )?;
    skb.nla_put_u64(IFLA_BRPORT_HOLD_TIMER, timer(port.timers.hold))?;
    skb.nla_put_u8(IFLA_BRPORT_MULTICAST_ROUTER, port.multicast_router)?;
    skb.nla_put_u32(
        IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT,
        port.mcast_eht_hosts_limit,
    )?;
    skb.nla_put_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, 0)?;
    if features.has(Feature::BrPortMcastMaxGroups) {
        skb.nla_put_u32(IFLA_BRPORT_MCAST_N_GROUPS, 0)?;
        skb.nla_put_u32(IFLA_BRPORT_MCAST_MAX_GROUPS, port.mcast_max_groups)?;
    }
    // No backup port is ever set in the model (`nbp_backup_change`).
    if port.backup_nhid != 0 {
        skb.nla_put_u32(IFLA_BRPORT_BACKUP_NHID, port.backup_nhid)?;
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
        Some(port) => br_port_fill_attrs(skb, ctx, port),
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
    ctx: LinkFillCtx,
    dev: &NetDevice,
    ty: u16,
    portid: u32,
    seq: u32,
    flags: u16,
    filter_mask: u32,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = br_fill_ifinfo_msg(skb, ctx, dev, ty, portid, seq, flags, filter_mask);
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

#[allow(clippy::too_many_arguments)]
fn br_fill_ifinfo_msg(
    skb: &mut SkBuff,
    ctx: LinkFillCtx,
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
        br_port_fill_attrs(skb, ctx, port)?;
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
    ctx: LinkFillCtx,
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
        ctx,
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
    br_fill_ifinfo(&mut skb, LinkFillCtx::of(k), dev, ty, 0, 0, 0, filter)?;
    rtmsg_ifinfo_send(k, net, skb, None)
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

/// `nlmsg_find_attr` after an `ifinfomsg`: the first attribute of type `ty`, unvalidated
/// (the attribute with its header, for its NESTED flag, and its payload range).
fn nlmsg_find_attr(nlh: &[u8], ty: u16) -> Option<(bool, std::ops::Range<usize>)> {
    let start = NLMSG_HDRLEN + IFINFOMSG_LEN;
    if nlh.len() < start {
        return None;
    }
    nltwin_wire::nla::Attrs::with_base(&nlh[start..], start)
        .find(ty)
        .map(|a| (a.is_nested_flag(), a.payload_range()))
}

/// `IFLA_BRPORT_MAX` of the release.
fn br_port_maxtype(features: FeatureSet) -> u16 {
    [
        (Feature::BrNeighForwardGrat, IFLA_BRPORT_NEIGH_FORWARD_GRAT),
        (Feature::BrBackupNhid, IFLA_BRPORT_BACKUP_NHID),
        (
            Feature::BrNeighVlanSuppress,
            IFLA_BRPORT_NEIGH_VLAN_SUPPRESS,
        ),
        (Feature::BrPortMcastMaxGroups, IFLA_BRPORT_MCAST_MAX_GROUPS),
        (Feature::BrPortMab, IFLA_BRPORT_MAB),
    ]
    .into_iter()
    .find(|(f, _)| features.has(*f))
    .map_or(IFLA_BRPORT_LOCKED, |(_, max)| max)
}

/// `br_port_policy` of the release (also the bridge's `slave_policy`): the settable
/// attributes' types; the read-only ones are `NLA_UNSPEC`. The change that added the MDB
/// entry limits (IFLA_BRPORT_MCAST_N_GROUPS refused) also validates every attribute after
/// IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT strictly.
pub(crate) fn br_port_policy(features: FeatureSet) -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(br_port_maxtype(features)) + 1];
    if features.has(Feature::BrPortMcastMaxGroups) {
        p[0] = NlaPolicy::strict_start(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT + 1);
    }
    let mut set = |t: u16, pol: NlaPolicy| {
        if let Some(e) = p.get_mut(usize::from(t)) {
            *e = pol;
        }
    };
    for t in [
        IFLA_BRPORT_STATE,
        IFLA_BRPORT_MODE,
        IFLA_BRPORT_GUARD,
        IFLA_BRPORT_PROTECT,
        IFLA_BRPORT_FAST_LEAVE,
        IFLA_BRPORT_LEARNING,
        IFLA_BRPORT_UNICAST_FLOOD,
        IFLA_BRPORT_PROXYARP,
        IFLA_BRPORT_PROXYARP_WIFI,
        IFLA_BRPORT_MULTICAST_ROUTER,
        IFLA_BRPORT_MCAST_TO_UCAST,
        IFLA_BRPORT_MCAST_FLOOD,
        IFLA_BRPORT_BCAST_FLOOD,
        IFLA_BRPORT_VLAN_TUNNEL,
        IFLA_BRPORT_NEIGH_SUPPRESS,
        IFLA_BRPORT_ISOLATED,
        IFLA_BRPORT_LOCKED,
        IFLA_BRPORT_MAB,
    ] {
        set(t, NlaPolicy::of(NlaType::U8));
    }
    for t in [IFLA_BRPORT_PRIORITY, IFLA_BRPORT_GROUP_FWD_MASK] {
        set(t, NlaPolicy::of(NlaType::U16));
    }
    for t in [
        IFLA_BRPORT_COST,
        IFLA_BRPORT_BACKUP_PORT,
        IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT,
        IFLA_BRPORT_MCAST_MAX_GROUPS,
        IFLA_BRPORT_BACKUP_NHID,
    ] {
        set(t, NlaPolicy::of(NlaType::U32));
    }
    set(IFLA_BRPORT_MCAST_N_GROUPS, NlaPolicy::of(NlaType::Reject));
    // NLA_POLICY_MAX(NLA_U8, 1).
    let bool_u8 = NlaPolicy {
        range: Some((0, 1)),
        ..NlaPolicy::of(NlaType::U8)
    };
    set(IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, bool_u8);
    set(IFLA_BRPORT_NEIGH_FORWARD_GRAT, bool_u8);
    p
}

/// The port flag each boolean attribute sets or clears (`br_set_port_flag`), in
/// `br_setport`'s order.
const BR_PORT_FLAG_ATTRS: &[(u16, u32)] = &[
    (IFLA_BRPORT_MODE, BR_HAIRPIN_MODE),
    (IFLA_BRPORT_GUARD, BR_BPDU_GUARD),
    (IFLA_BRPORT_FAST_LEAVE, BR_MULTICAST_FAST_LEAVE),
    (IFLA_BRPORT_PROTECT, BR_ROOT_BLOCK),
    (IFLA_BRPORT_LEARNING, BR_LEARNING),
    (IFLA_BRPORT_UNICAST_FLOOD, BR_FLOOD),
    (IFLA_BRPORT_MCAST_FLOOD, BR_MCAST_FLOOD),
    (IFLA_BRPORT_MCAST_TO_UCAST, BR_MULTICAST_TO_UNICAST),
    (IFLA_BRPORT_BCAST_FLOOD, BR_BCAST_FLOOD),
    (IFLA_BRPORT_PROXYARP, BR_PROXYARP),
    (IFLA_BRPORT_PROXYARP_WIFI, BR_PROXYARP_WIFI),
    (IFLA_BRPORT_VLAN_TUNNEL, BR_VLAN_TUNNEL),
    (IFLA_BRPORT_NEIGH_SUPPRESS, BR_NEIGH_SUPPRESS),
    (IFLA_BRPORT_ISOLATED, BR_ISOLATED),
    (IFLA_BRPORT_LOCKED, BR_PORT_LOCKED),
    (IFLA_BRPORT_MAB, BR_PORT_MAB),
    (IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, BR_NEIGH_VLAN_SUPPRESS),
    (IFLA_BRPORT_NEIGH_FORWARD_GRAT, BR_NEIGH_FORWARD_GRAT),
];

/// A parsed IFLA_BRPORT_* table over the request bytes.
struct PortAttrs<'a> {
    msg: &'a [u8],
    tb: &'a crate::nlattr::Tb,
}

impl PortAttrs<'_> {
    fn get(&self, ty: u16) -> Option<&[u8]> {
        self.tb
            .get(usize::from(ty))
            .cloned()
            .flatten()
            .map(|r| &self.msg[r])
    }
    fn u8(&self, ty: u16) -> Option<u8> {
        self.get(ty).and_then(|b| b.first().copied())
    }
    fn u16(&self, ty: u16) -> Option<u16> {
        self.get(ty).and_then(nltwin_wire::scalar::get_u16)
    }
    fn u32(&self, ty: u16) -> Option<u32> {
        self.get(ty).and_then(nltwin_wire::scalar::get_u32)
    }
}

/// `br_set_port_state`: disabled, listening, learning, forwarding or blocking (EINVAL
/// above); not while the kernel's STP runs (EBUSY); only on a running port, and only disabled
/// while it is not operationally up (ENETDOWN); then the port states are selected again.
fn br_set_port_state(k: &mut Kernel, net: NetId, port: u32, state: u8) -> SysResult<()> {
    if state > crate::uapi::if_bridge::BR_STATE_BLOCKING {
        return Err(Errno::EINVAL.into());
    }
    let dev = k.dev(net, port).expect("looked up");
    let kernel_stp = dev
        .master
        .and_then(|br| k.dev(net, br))
        .and_then(|d| d.br())
        .is_some_and(|b| b.stp_enabled == super::BR_KERNEL_STP);
    if kernel_stp {
        return Err(Errno::EBUSY.into());
    }
    if !dev.netif_running() || (!dev.running_and_oper_up() && state != super::BR_STATE_DISABLED) {
        return Err(Errno::ENETDOWN.into());
    }
    let br = dev.master;
    if let Some(p) = dev_mut(k, net, port).br_port_mut() {
        // br_set_state.
        p.state = state;
    }
    match br {
        Some(br) => super::br_stp::br_port_state_selection(k, net, br),
        None => Ok(()),
    }
}

/// `br_setport`: the port flags first (MAB only on a locked port that learns: EINVAL with
/// its message, nothing changed), then path cost, priority, state, forwarding database
/// flush, multicast router, EHT hosts limit, MDB limit, group forwarding mask, backup port
/// and backup nexthop, in the kernel's order: an error stops there and what was set stays.
fn br_setport(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    tb: &PortAttrs<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let old_flags = k
        .dev(net, port)
        .and_then(NetDevice::br_port)
        .map_or(0, |p| p.flags);
    let mut flags = old_flags;
    for &(attr, mask) in BR_PORT_FLAG_ATTRS {
        match tb.u8(attr) {
            Some(0) => flags &= !mask,
            Some(_) => flags |= mask,
            None => {}
        }
    }
    if flags & BR_PORT_MAB != 0 && (flags & BR_PORT_LOCKED == 0 || flags & BR_LEARNING == 0) {
        extack.msg =
            Some("Bridge port must be locked and have learning enabled when MAB is enabled".into());
        return Err(Errno::EINVAL.into());
    }
    // MAB turned off flushes the port's locked entries, which the model never has.
    if let Some(p) = dev_mut(k, net, port).br_port_mut() {
        p.flags = flags;
    }
    super::br_if::br_port_flags_change(old_flags ^ flags);
    if let Some(cost) = tb.u32(IFLA_BRPORT_COST) {
        super::br_stp_if::br_stp_set_path_cost(k, net, port, cost)?;
    }
    if let Some(prio) = tb.u16(IFLA_BRPORT_PRIORITY) {
        super::br_stp_if::br_stp_set_port_priority(k, net, port, prio)?;
    }
    if let Some(state) = tb.u8(IFLA_BRPORT_STATE) {
        br_set_port_state(k, net, port, state)?;
    }
    if tb.get(IFLA_BRPORT_FLUSH).is_some() {
        return Err(crate::errno::unimplemented(
            "IFLA_BRPORT_FLUSH (the bridge's forwarding database)",
        ));
    }
    if let Some(router) = tb.u8(IFLA_BRPORT_MULTICAST_ROUTER) {
        super::br_multicast::br_multicast_set_port_router(k, net, port, router)?;
    }
    if let Some(limit) = tb.u32(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT) {
        // br_multicast_eht_set_hosts_limit.
        if limit == 0 {
            return Err(Errno::EINVAL.into());
        }
        if let Some(p) = dev_mut(k, net, port).br_port_mut() {
            p.mcast_eht_hosts_limit = limit;
        }
    }
    if let Some(max) = tb.u32(IFLA_BRPORT_MCAST_MAX_GROUPS) {
        // br_multicast_ngroups_set_max.
        if let Some(p) = dev_mut(k, net, port).br_port_mut() {
            p.mcast_max_groups = max;
        }
    }
    if let Some(mask) = tb.u16(IFLA_BRPORT_GROUP_FWD_MASK) {
        // BR_GROUPFWD_MACPAUSE: pause frames are never forwarded.
        if mask & (1 << 1) != 0 {
            return Err(Errno::EINVAL.into());
        }
        if let Some(p) = dev_mut(k, net, port).br_port_mut() {
            p.group_fwd_mask = mask;
        }
    }
    if let Some(backup) = tb.u32(IFLA_BRPORT_BACKUP_PORT) {
        let backup = (backup != 0).then_some(backup);
        if backup.is_some_and(|b| k.dev(net, b).is_none()) {
            return Err(Errno::ENOENT.into());
        }
        super::br_if::nbp_backup_change(k, net, port, backup)?;
    }
    if let Some(nhid) = tb.u32(IFLA_BRPORT_BACKUP_NHID) {
        if let Some(p) = dev_mut(k, net, port).br_port_mut() {
            p.backup_nhid = nhid;
        }
    }
    Ok(())
}

/// `br_afspec`: a PF_BRIDGE request's IFLA_AF_SPEC entries in order: VLAN tunnel
/// information needs a port with VLAN tunneling (EINVAL; the tunnels themselves are not
/// modeled); a VLAN entry must be a whole `bridge_vlan_info` (EINVAL) and goes through
/// `br_process_vlan_info`; MRP, CFM and MST settings are not modeled; other entries (the
/// flags, the mode) are not the bridge's. `changed` stays set by what was done before an
/// error. `br` is the bridge (the port's master for a port).
#[allow(clippy::too_many_arguments)]
fn br_afspec(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: Option<u32>,
    nlh: &[u8],
    af: std::ops::Range<usize>,
    cmd: u16,
    changed: &mut bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    use crate::uapi::if_bridge::*;
    let mut vinfo_last = None;
    for (ty, _, r) in crate::nlattr::nla_for_each_nested(nlh, af) {
        match ty {
            IFLA_BRIDGE_VLAN_TUNNEL_INFO => {
                let tunnel = port
                    .and_then(|p| k.dev(net, p))
                    .and_then(NetDevice::br_port)
                    .is_some_and(|p| p.flags & BR_VLAN_TUNNEL != 0);
                if !tunnel {
                    return Err(Errno::EINVAL.into());
                }
                return Err(crate::errno::unimplemented(
                    "VLAN tunnel information in a PF_BRIDGE request",
                ));
            }
            IFLA_BRIDGE_VLAN_INFO => {
                let Ok(vinfo_curr) =
                    nltwin_wire::bridge_vlan_info::Repr::parse_bytes(&nlh[r.clone()])
                else {
                    return Err(Errno::EINVAL.into());
                };
                br_process_vlan_info(
                    k,
                    net,
                    br,
                    port,
                    cmd,
                    (vinfo_curr, r.start),
                    &mut vinfo_last,
                    changed,
                    extack,
                )?;
            }
            IFLA_BRIDGE_MRP | IFLA_BRIDGE_CFM | IFLA_BRIDGE_MST => {
                return Err(crate::errno::unimplemented(
                    "MRP, CFM or MST settings in a PF_BRIDGE request",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// `br_vlan_valid_id`: 1 to 4094.
pub(crate) fn br_vlan_valid_id(vid: u16, extack: &mut NetlinkExtAck) -> bool {
    let ok = vid > 0 && vid < VLAN_VID_MASK;
    if !ok {
        extack.msg = Some("bridge: Vlan id is invalid".into());
    }
    ok
}

/// `br_vlan_valid_range`: no PVID in a range; an end (with its flag, above the start) after a
/// start and no new start; one of the range flags at all.
pub(crate) fn br_vlan_valid_range(
    cur: &VlanInfo,
    last: Option<&VlanInfo>,
    extack: &mut NetlinkExtAck,
) -> bool {
    use crate::uapi::if_bridge::*;
    let msg = if cur.flags & BRIDGE_VLAN_INFO_PVID != 0 {
        Some("Pvid isn't allowed in a range")
    } else if let Some(last) = last {
        if cur.flags & BRIDGE_VLAN_INFO_RANGE_BEGIN != 0 {
            Some("Found a new vlan range start while processing one")
        } else if cur.flags & BRIDGE_VLAN_INFO_RANGE_END == 0 {
            Some("Vlan range end flag is missing")
        } else if cur.vid <= last.vid {
            Some("End vlan id is less than or equal to start vlan id")
        } else {
            None
        }
    } else {
        None
    };
    let msg = msg.or_else(|| {
        (cur.flags & (BRIDGE_VLAN_INFO_RANGE_BEGIN | BRIDGE_VLAN_INFO_RANGE_END) == 0)
            .then_some("Both vlan range flags are missing")
    });
    if let Some(m) = msg {
        extack.msg = Some(format!("bridge: {m}"));
        return false;
    }
    true
}

/// A request's `struct bridge_vlan_info`.
pub(crate) type VlanInfo = nltwin_wire::bridge_vlan_info::Repr;

/// `br_process_vlan_info`: a valid id (EINVAL); a range start is kept until its end, then
/// every VLAN of the range goes through `br_vlan_info` (stopping at the first error), each
/// run of changed ones notified as one range; a single VLAN is notified when anything in the
/// request changed so far (the kernel's test is the request's `changed`, not this VLAN's).
#[allow(clippy::too_many_arguments)]
pub(crate) fn br_process_vlan_info(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: Option<u32>,
    cmd: u16,
    (vinfo_curr, at): (VlanInfo, usize),
    vinfo_last: &mut Option<VlanInfo>,
    changed: &mut bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    use crate::uapi::if_bridge::BRIDGE_VLAN_INFO_RANGE_BEGIN;
    use crate::uapi::rtnetlink::{RTM_DELVLAN, RTM_NEWVLAN, RTM_SETLINK};
    if !br_vlan_valid_id(vinfo_curr.vid, extack) {
        return Err(Errno::EINVAL.into());
    }
    // br_afspec_cmd_to_rtm.
    let rtm_cmd = if cmd == RTM_SETLINK {
        RTM_NEWVLAN
    } else {
        RTM_DELVLAN
    };
    if vinfo_curr.flags & BRIDGE_VLAN_INFO_RANGE_BEGIN != 0 {
        if !br_vlan_valid_range(&vinfo_curr, vinfo_last.as_ref(), extack) {
            return Err(Errno::EINVAL.into());
        }
        *vinfo_last = Some(vinfo_curr);
        return Ok(());
    }
    if let Some(last) = *vinfo_last {
        if !br_vlan_valid_range(&vinfo_curr, Some(&last), extack) {
            return Err(Errno::EINVAL.into());
        }
        let mut tmp = last;
        let mut v_change_start = 0;
        let mut err = Ok(());
        let mut v = last.vid;
        while v <= vinfo_curr.vid {
            let mut curr_change = false;
            tmp.vid = v;
            // The range's entries are a copy: nothing is written into the request.
            let r = br_vlan_info(k, net, br, port, cmd, tmp, None, &mut curr_change, extack);
            if let Err(e) = r {
                if matches!(e, crate::errno::SysError::Unimplemented(_)) {
                    return Err(e);
                }
                err = Err(e);
                break;
            }
            if curr_change {
                *changed = true;
                if v_change_start == 0 {
                    v_change_start = v;
                }
            } else if v_change_start != 0 {
                br_vlan_notify(k, net, br, port, v_change_start, v - 1, rtm_cmd)?;
                v_change_start = 0;
            }
            v += 1;
        }
        if v_change_start != 0 {
            br_vlan_notify(k, net, br, port, v_change_start, v - 1, rtm_cmd)?;
        }
        *vinfo_last = None;
        return err;
    }
    let err = br_vlan_info(k, net, br, port, cmd, vinfo_curr, Some(at), changed, extack);
    if matches!(err, Err(crate::errno::SysError::Unimplemented(_))) {
        return err;
    }
    if *changed {
        br_vlan_notify(k, net, br, port, vinfo_curr.vid, 0, rtm_cmd)?;
    }
    err
}

/// `br_vlan_info`: RTM_SETLINK adds (or updates) the port's VLAN (with
/// BRIDGE_VLAN_INFO_MASTER the bridge's too, `nbp_vlan_add`) or the bridge's own
/// (`br_vlan_add`, as a bridge entry); RTM_DELLINK deletes the port's (and with MASTER the
/// bridge's) or the bridge's, a failed deletion only changing nothing. The bridge's entry
/// flag is set in the request's own entry when `at` (its offset in the request) is given: an
/// error's ack quotes it so.
#[allow(clippy::too_many_arguments)]
fn br_vlan_info(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: Option<u32>,
    cmd: u16,
    mut vinfo: VlanInfo,
    at: Option<usize>,
    changed: &mut bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    use crate::uapi::if_bridge::{BRIDGE_VLAN_INFO_BRENTRY, BRIDGE_VLAN_INFO_MASTER};
    use crate::uapi::rtnetlink::RTM_SETLINK;
    if cmd == RTM_SETLINK {
        let curr_change = match port {
            Some(p) => nbp_vlan_add(k, net, p, vinfo.vid, vinfo.flags)?,
            None => {
                vinfo.flags |= BRIDGE_VLAN_INFO_BRENTRY;
                if let Some(at) = at {
                    extack
                        .request_writes
                        .push((at, vinfo.flags.to_ne_bytes().to_vec()));
                }
                br_vlan_add(k, net, br, vinfo.vid, vinfo.flags)?
            }
        };
        if curr_change {
            *changed = true;
        }
        return Ok(());
    }
    // A deletion's error is only "nothing changed".
    let deleted = |r: SysResult<()>| match r {
        Ok(()) => Ok(true),
        Err(crate::errno::SysError::Errno(_)) => Ok(false),
        Err(e) => Err(e),
    };
    match port {
        Some(p) => {
            if deleted(nbp_vlan_delete(k, net, p, vinfo.vid))? {
                *changed = true;
            }
            if vinfo.flags & BRIDGE_VLAN_INFO_MASTER != 0
                && deleted(br_vlan_delete(k, net, br, vinfo.vid))?
            {
                *changed = true;
            }
        }
        None => {
            if deleted(br_vlan_delete(k, net, br, vinfo.vid))? {
                *changed = true;
            }
        }
    }
    Ok(())
}

/// `br_setlink` (`ndo_bridge_setlink` of a bridge): a port's IFLA_PROTINFO, nested (parsed
/// with `br_port_policy`, its errors without ext-ack, then `br_setport`) or the old single
/// state byte (`br_set_port_state`); then IFLA_AF_SPEC (`br_afspec`), which the bridge itself
/// also takes; a change is announced (`br_ifinfo_notify`), even when the VLANs then failed.
/// Neither attribute: nothing; a device that is no port with no IFLA_AF_SPEC: EINVAL.
pub(crate) fn br_setlink(
    k: &mut Kernel,
    net: NetId,
    dev: u32,
    nlh: &[u8],
    _flags: u16,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let protinfo = nlmsg_find_attr(nlh, IFLA_PROTINFO);
    let afspec = nlmsg_find_attr(nlh, IFLA_AF_SPEC);
    if protinfo.is_none() && afspec.is_none() {
        return Ok(());
    }
    let d = k.dev(net, dev).expect("looked up");
    let is_port = d.br_port().is_some();
    let br = if is_port { d.master.unwrap_or(0) } else { dev };
    if !is_port && afspec.is_none() {
        return Err(Errno::EINVAL.into());
    }
    let mut changed = false;
    if let (true, Some((nested, r))) = (is_port, protinfo) {
        if nested {
            let policy = br_port_policy(k.features);
            let mut no_extack = NetlinkExtAck::default();
            let tb = crate::nlattr::nla_parse(
                nlh,
                r.start,
                r.end,
                &policy,
                crate::nlattr::Validate::Liberal,
                &mut no_extack,
            )?;
            br_setport(k, net, dev, &PortAttrs { msg: nlh, tb: &tb }, extack)?;
            crate::dev::process_backlog(k)?;
        } else {
            // Binary compatibility with the old RSTP daemon: the state alone.
            let Some(&state) = nlh[r].first() else {
                return Err(Errno::EINVAL.into());
            };
            br_set_port_state(k, net, dev, state)?;
        }
        changed = true;
    }
    let mut err = Ok(());
    if let Some((_, r)) = afspec {
        let port = is_port.then_some(dev);
        let cmd = crate::uapi::rtnetlink::RTM_SETLINK;
        err = br_afspec(k, net, br, port, nlh, r, cmd, &mut changed, extack);
        if matches!(err, Err(crate::errno::SysError::Unimplemented(_))) {
            return err;
        }
    }
    if changed {
        br_ifinfo_notify(k, net, dev, RTM_NEWLINK)?;
    }
    err
}

/// `br_dellink` (`ndo_bridge_dellink` of a bridge): only IFLA_AF_SPEC (`br_afspec`, without
/// ext-ack), on a port or the bridge itself (EINVAL for other devices); no IFLA_AF_SPEC:
/// nothing. A change is announced as an RTM_NEWLINK (what userspace expects for a VLAN
/// deletion), even when a later entry failed.
pub(crate) fn br_dellink(
    k: &mut Kernel,
    net: NetId,
    dev: u32,
    nlh: &[u8],
    _flags: u16,
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let Some((_, r)) = nlmsg_find_attr(nlh, IFLA_AF_SPEC) else {
        return Ok(());
    };
    let d = k.dev(net, dev).expect("looked up");
    let is_port = d.br_port().is_some();
    if !is_port && !d.is_bridge_master() {
        return Err(Errno::EINVAL.into());
    }
    let br = if is_port { d.master.unwrap_or(0) } else { dev };
    let mut changed = false;
    let mut no_extack = NetlinkExtAck::default();
    let cmd = crate::uapi::rtnetlink::RTM_DELLINK;
    let port = is_port.then_some(dev);
    let err = br_afspec(k, net, br, port, nlh, r, cmd, &mut changed, &mut no_extack);
    if matches!(err, Err(crate::errno::SysError::Unimplemented(_))) {
        return err;
    }
    if changed {
        br_ifinfo_notify(k, net, dev, RTM_NEWLINK)?;
    }
    err
}

/// `br_port_slave_changelink`: `br_setport` with IFLA_INFO_SLAVE_DATA (nothing without it).
fn br_port_slave_changelink(
    k: &mut Kernel,
    net: NetId,
    _br: u32,
    dev: u32,
    msg: &[u8],
    data: Option<&crate::nlattr::Tb>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    match data {
        Some(tb) => {
            // Under the bridge's lock: BPDUs sent meanwhile are received after it.
            br_setport(k, net, dev, &PortAttrs { msg, tb }, extack)?;
            crate::dev::process_backlog(k)
        }
        None => Ok(()),
    }
}

/// `br_get_size`: the room of a bridge's IFLA_INFO_DATA, every option at its size (the VLAN
/// options where the build filters VLANs, the learned-entries counters and the STP mode
/// where the release has them; snooping's and netfilter's, which both builds have).
fn br_get_size(ctx: &crate::rtnetlink::fill::FillCtx<'_>, _dev: &NetDevice) -> usize {
    use crate::nlattr::{nla_total_size as nts, nla_total_size_64bit as nts64};
    let f = ctx.features;
    // FORWARD_DELAY, HELLO_TIME, MAX_AGE, AGEING_TIME, STP_STATE; PRIORITY; VLAN_FILTERING.
    let mut size = 5 * nts(4) + nts(2) + nts(1);
    if ctx.config.bridge_vlan_filtering {
        // VLAN_PROTOCOL, VLAN_DEFAULT_PVID, VLAN_STATS_ENABLED, VLAN_STATS_PER_PORT.
        size += nts(2) + nts(2) + 2 * nts(1);
    }
    // GROUP_FWD_MASK, ROOT_ID, BRIDGE_ID, ROOT_PORT, ROOT_PATH_COST, TOPOLOGY_CHANGE(_DETECTED),
    // the four timers, GROUP_ADDR.
    size += nts(2) + 2 * nts(8) + nts(2) + nts(4) + 2 * nts(1) + 4 * nts64(8) + nts(6);
    if f.has(Feature::BrFdbMaxLearned) {
        size += 2 * nts(4);
    }
    // Snooping: ROUTER, SNOOPING, QUERY_USE_IFADDR, QUERIER, STATS_ENABLED; HASH_ELASTICITY,
    // HASH_MAX, LAST_MEMBER_CNT, STARTUP_QUERY_CNT; six intervals; IGMP and MLD versions;
    // the querier state (br_multicast_querier_state_size: IPv4 and IPv6 querier).
    size += 5 * nts(1) + 4 * nts(4) + 6 * nts64(8) + 2 * nts(1);
    size += nts(0) + nts(4) + nts(4) + nts64(8) + nts(16) + nts(4) + nts64(8);
    // Netfilter's three, the boolean options.
    size += 3 * nts(1) + nts(8);
    if f.has(Feature::BrStpMode) {
        size += nts(4);
    }
    size
}

/// `br_port_get_slave_size`: [`br_port_info_size`].
fn br_port_get_slave_size(ctx: &crate::rtnetlink::fill::FillCtx<'_>, _dev: &NetDevice) -> usize {
    br_port_info_size(ctx.features)
}
