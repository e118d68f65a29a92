//! The bridge's multicast database over netlink (`net/bridge/br_mdb.c`): the bridge's
//! `ndo_mdb_*` (dump, get, add, delete, bulk delete), router port announcements
//! (`br_rtr_notify`) and, on releases before [`Feature::RtnlMdbHandlers`], the module's own
//! PF_BRIDGE handlers (`br_mdb_init`).
//!
//! The model's MDB is always empty, because every way into it answers `unimplemented` where the
//! kernel would take it: MLD reports and routable IGMP reports (the bridge's own, in
//! `br_device::br_dev_xmit`; a port's, in `br_multicast::br_multicast_rcv_port`) and an entry
//! that RTM_NEWMDB would install ([`br_mdb_add`]). So `br_mdb_notify` never fires: the kernel's flushes of a port's
//! groups as the port is disabled or removed, or as the bridge stops or goes, find nothing to
//! remove and announce nothing, as here. Router ports are modeled as far as a user makes them
//! (IFLA_BRPORT_MULTICAST_ROUTER 2: both router lists, whatever the bridge's state; a port
//! enabled on a running bridge with snooping; out again when demoted, disabled or removed, each
//! change announced by [`br_rtr_notify`], see `br_multicast`); routers learned from queries and
//! temporary ones (their timers) answer `unimplemented`. What is modeled besides: the dump of
//! each bridge (its `br_port_msg`, an empty MDBA_MDB unless an older release leaves it out for
//! a bridge without snooping, MDBA_ROUTER with its router ports), the get's and the delete's
//! "not found", the bulk delete's empty flush, and every check and ext-ack message before
//! those; on releases before [`Feature::BrMdbConfig`], the module's own add and delete
//! (`br_mdb_parse` first, then their checks in that release's order).

use super::BR_STATE_DISABLED;
use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{unimplemented, Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{
    nla_for_each_nested, nla_parse_nested, nlmsg_parse, NlaPolicy, NlaType, Validate,
};
use crate::profile::Feature;
use crate::rtnetlink::mdb::{
    bpm_ifindex, ipv4_is_local_multicast, ipv4_is_multicast, ipv4_is_zeronet,
    ipv6_addr_is_ll_all_nodes, BrMdbEntry, MdbRequest, VLAN_VID_MASK,
};
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::if_bridge::{
    BR_PORT_MSG_LEN, MDBA_MDB, MDBA_ROUTER, MDBA_ROUTER_PATTR_INET6_TIMER,
    MDBA_ROUTER_PATTR_INET_TIMER, MDBA_ROUTER_PATTR_TIMER, MDBA_ROUTER_PATTR_TYPE,
    MDBA_ROUTER_PORT, MDBA_SET_ENTRY, MDBA_SET_ENTRY_ATTRS, MDBE_ATTR_GROUP_MODE, MDBE_ATTR_RTPROT,
    MDBE_ATTR_SOURCE, MDBE_ATTR_SRC_LIST, MDBE_ATTR_STATE_MASK, MDB_PERMANENT, MDB_TEMPORARY,
};
use crate::uapi::if_ether::{ETH_P_IP, ETH_P_IPV6};
use crate::uapi::netlink::{nlmsg_align, NLMSG_HDRLEN, NLM_F_MULTI};
use crate::uapi::route::RTPROT_STATIC;
use crate::uapi::rtnetlink::RTNLGRP_MDB;
use crate::uapi::rtnetlink::{RTM_DELMDB, RTM_GETMDB, RTM_NEWMDB};
use crate::uapi::socket::PF_BRIDGE;

/// `MDBE_ATTR_MAX`.
const MDBE_ATTR_MAX: usize = MDBE_ATTR_STATE_MASK as usize;
/// `MCAST_EXCLUDE`, `MCAST_INCLUDE`: a group's filter mode.
const MCAST_EXCLUDE: u8 = 0;
/// See [`MCAST_EXCLUDE`].
const MCAST_INCLUDE: u8 = 1;

/// The ext-ack of the bridge module (`NL_SET_ERR_MSG_MOD`: "bridge: " first).
fn mod_msg(extack: &mut NetlinkExtAck, msg: &str) {
    extack.msg = Some(format!("bridge: {msg}"));
}

/// `br_mdb_init` (releases before [`Feature::RtnlMdbHandlers`]): the bridge module registers
/// the PF_BRIDGE MDB handlers itself: a dump, no get, its own add and delete.
pub(crate) fn br_mdb_init(k: &mut Kernel) {
    if k.has(Feature::RtnlMdbHandlers) {
        return;
    }
    rtnl_register(k, PF_BRIDGE, RTM_GETMDB, None, Some(br_mdb_rtnl_dump), 0);
    rtnl_register(k, PF_BRIDGE, RTM_NEWMDB, Some(br_mdb_rtnl_add), None, 0);
    rtnl_register(k, PF_BRIDGE, RTM_DELMDB, Some(br_mdb_rtnl_del), None, 0);
}

/// The bridge module's own RTM_NEWMDB and RTM_DELMDB on releases with [`Feature::BrMdbConfig`]
/// but before [`Feature::RtnlMdbHandlers`] (`br_mdb_config_init` run by the module's
/// handlers, with their own order of checks): not modeled.
fn br_mdb_config_legacy_unmodeled(k: &Kernel) -> SysResult<()> {
    if k.has(Feature::BrMdbConfig) {
        return Err(unimplemented(
            "RTM_NEWMDB and RTM_DELMDB as the bridge module handled them through \
             br_mdb_config before rtnetlink took them over",
        ));
    }
    Ok(())
}

/// `br_mdb_parse` (releases before [`Feature::BrMdbConfig`]): the message parsed liberally
/// with no policy and no ext-ack (so a short header is a bare EINVAL), then the bridge named
/// by the header, the entry (`is_valid_mdb_entry`) and its attributes (strictly: only
/// MDBE_ATTR_SOURCE, checked by `is_valid_mdb_source`). Returns the bridge, the entry and
/// the source.
fn br_mdb_parse(
    k: &Kernel,
    net: NetId,
    msg: &[u8],
    extack: &mut NetlinkExtAck,
) -> SysResult<(u32, BrMdbEntry, Option<std::ops::Range<usize>>)> {
    let no_policy = [NlaPolicy::of(NlaType::Unspec); MDBA_SET_ENTRY_ATTRS as usize + 1];
    // nlmsg_parse_deprecated(..., NULL, NULL): whatever it would say is not reported.
    let tb = nlmsg_parse(
        msg,
        BR_PORT_MSG_LEN,
        &no_policy,
        Validate::Liberal,
        &mut NetlinkExtAck::default(),
    )?;
    let ifindex = bpm_ifindex(msg);
    if ifindex == 0 {
        mod_msg(extack, "Invalid bridge ifindex");
        return Err(Errno::EINVAL.into());
    }
    let Some(dev) = k.dev(net, ifindex) else {
        mod_msg(extack, "Bridge device doesn't exist");
        return Err(Errno::ENODEV.into());
    };
    if !dev.is_bridge_master() {
        mod_msg(extack, "Device is not a bridge");
        return Err(Errno::EOPNOTSUPP.into());
    }
    let Some(r) = tb[usize::from(MDBA_SET_ENTRY)].clone() else {
        mod_msg(extack, "Missing MDBA_SET_ENTRY attribute");
        return Err(Errno::EINVAL.into());
    };
    let Ok(entry) = BrMdbEntry::parse_bytes(&msg[r]) else {
        mod_msg(extack, "Invalid MDBA_SET_ENTRY attribute length");
        return Err(Errno::EINVAL.into());
    };
    is_valid_mdb_entry(&entry, extack)?;
    let mut source = None;
    if let Some(r) = tb[usize::from(MDBA_SET_ENTRY_ATTRS)].clone() {
        // MDBE_ATTR_MAX was MDBE_ATTR_SOURCE: any later type is unknown to the strict parse.
        let policy = [NlaPolicy::of(NlaType::Unspec), source_policy()];
        let attrs = nla_parse_nested(msg, r, &policy, extack)?;
        if let Some(s) = attrs[usize::from(MDBE_ATTR_SOURCE)].clone() {
            if !is_valid_mdb_source(&msg[s.clone()], entry.proto, extack) {
                return Err(Errno::EINVAL.into());
            }
            source = Some(s);
        }
    }
    Ok((ifindex, entry, source))
}

/// `is_valid_mdb_entry` (releases before [`Feature::BrMdbConfig`]): a port or bridge index, a
/// multicast IPv4 group outside 224.0.0.0/24 (0.0.0.0 refused too), any IPv6 group but
/// ff02::1, a multicast MAC address, a known state, a VLAN below 4095; the module's messages.
fn is_valid_mdb_entry(e: &BrMdbEntry, extack: &mut NetlinkExtAck) -> SysResult<()> {
    let msg = if e.ifindex == 0 {
        "Zero entry ifindex is not allowed"
    } else if e.proto == ETH_P_IP && !ipv4_is_multicast(e.ip4()) {
        "IPv4 entry group address is not multicast"
    } else if e.proto == ETH_P_IP && ipv4_is_local_multicast(e.ip4()) {
        "IPv4 entry group address is local multicast"
    } else if e.proto == ETH_P_IPV6 && ipv6_addr_is_ll_all_nodes(&e.addr) {
        "IPv6 entry group address is link-local all nodes"
    } else if e.proto == 0 && e.addr[0] & 1 == 0 {
        "L2 entry group is not multicast"
    } else if !matches!(e.proto, ETH_P_IP | ETH_P_IPV6 | 0) {
        "Unknown entry protocol"
    } else if e.state != MDB_PERMANENT && e.state != MDB_TEMPORARY {
        "Unknown entry state"
    } else if e.vid >= VLAN_VID_MASK {
        "Invalid entry VLAN id"
    } else {
        return Ok(());
    };
    mod_msg(extack, msg);
    Err(Errno::EINVAL.into())
}

/// The entry's port as `br_mdb_add` and `br_mdb_del` (before [`Feature::BrMdbConfig`]) find
/// it: none for the bridge itself; a missing device is ENODEV (with `missing`'s message, if
/// any), then it must be a port of this bridge.
fn legacy_entry_port(
    k: &Kernel,
    net: NetId,
    br: u32,
    entry: &BrMdbEntry,
    missing: Option<&str>,
    extack: &mut NetlinkExtAck,
) -> SysResult<Option<u32>> {
    if entry.ifindex == br {
        return Ok(None);
    }
    let Some(pdev) = k.dev(net, entry.ifindex) else {
        if let Some(m) = missing {
            mod_msg(extack, m);
        }
        return Err(Errno::ENODEV.into());
    };
    if pdev.br_port().is_none() {
        mod_msg(extack, "Net device is not a bridge port");
        return Err(Errno::EINVAL.into());
    }
    if pdev.master != Some(br) {
        mod_msg(extack, "Port belongs to a different bridge device");
        return Err(Errno::EINVAL.into());
    }
    Ok(Some(entry.ifindex))
}

/// `br_mdb_add` of releases before [`Feature::RtnlMdbHandlers`] (the module's RTM_NEWMDB):
/// `br_mdb_parse`, then the bridge must run with snooping, the port be the bridge's and, if
/// disabled, the entry permanent; then `br_mdb_add_group`. VLAN filtering is never on in the
/// model, so the entry is added once, for the VLAN it names.
fn br_mdb_rtnl_add(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    br_mdb_config_legacy_unmodeled(k)?;
    let net = skb_net(k, skb);
    let (br, entry, source) = br_mdb_parse(k, net, nlh.bytes(), extack)?;
    let dev = k.dev(net, br).expect("checked by br_mdb_parse");
    if !dev.netif_running() {
        mod_msg(extack, "Bridge device is not running");
        return Err(Errno::EINVAL.into());
    }
    if !dev.br().is_some_and(|b| b.mcast_snooping) {
        mod_msg(extack, "Bridge's multicast processing is disabled");
        return Err(Errno::EINVAL.into());
    }
    let port = legacy_entry_port(
        k,
        net,
        br,
        &entry,
        Some("Port net device doesn't exist"),
        extack,
    )?;
    if let Some(p) = port {
        let state = k.dev(net, p).and_then(|d| d.br_port()).map(|p| p.state);
        if state == Some(BR_STATE_DISABLED) && entry.state != MDB_PERMANENT {
            mod_msg(
                extack,
                "Port is in disabled state and entry is not permanent",
            );
            return Err(Errno::EINVAL.into());
        }
    }
    let group = mdb_entry_to_br_ip(&entry, source.map(|s| &nlh.bytes()[s]));
    br_mdb_add_group_legacy(port, &entry, &group, extack)
}

/// `br_mdb_add_group` of releases before [`Feature::BrMdbConfig`]: the bridge's own multicast
/// context (VLAN snooping is never on in the model), a host entry must be an IP (*, G)
/// without flags, a link-layer entry permanent; installing the entry is not modeled.
fn br_mdb_add_group_legacy(
    port: Option<u32>,
    entry: &BrMdbEntry,
    group: &BrIp,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if port.is_none() && !br_group_is_l2(group) {
        if entry.state != 0 {
            mod_msg(extack, "Flags are not allowed for host groups");
            return Err(Errno::EINVAL.into());
        }
        if !br_multicast_is_star_g(group) {
            mod_msg(extack, "Groups with sources cannot be manually host joined");
            return Err(Errno::EINVAL.into());
        }
    }
    if br_group_is_l2(group) && entry.state != MDB_PERMANENT {
        mod_msg(extack, "Only permanent L2 entries allowed");
        return Err(Errno::EINVAL.into());
    }
    Err(unimplemented(
        "an MDB entry installed by RTM_NEWMDB on a running bridge with multicast snooping \
         (br_mdb_add_group: the group, its timers, its RTNLGRP_MDB notification)",
    ))
}

/// `br_mdb_del` of releases before [`Feature::RtnlMdbHandlers`] (the module's RTM_DELMDB):
/// `br_mdb_parse`, the port (a missing one a bare ENODEV), then `__br_mdb_del`: a bridge
/// that is down or without snooping, or a group it does not have (the model's MDB has none),
/// is a bare EINVAL. VLAN filtering is never on in the model: one VLAN, the entry's.
fn br_mdb_rtnl_del(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    br_mdb_config_legacy_unmodeled(k)?;
    let net = skb_net(k, skb);
    let (br, entry, source) = br_mdb_parse(k, net, nlh.bytes(), extack)?;
    legacy_entry_port(k, net, br, &entry, None, extack)?;
    let dev = k.dev(net, br).expect("checked by br_mdb_parse");
    if !dev.netif_running() || !dev.br().is_some_and(|b| b.mcast_snooping) {
        return Err(Errno::EINVAL.into());
    }
    let group = mdb_entry_to_br_ip(&entry, source.map(|s| &nlh.bytes()[s]));
    match br_mdb_ip_get(&group) {
        None => Err(Errno::EINVAL.into()),
        Some(never) => match never {},
    }
}

/// `br_mdb_dump` of releases before [`Feature::RtnlMdbHandlers`]: strict requests checked as
/// `br_mdb_valid_dump_req` does (two of its messages the module's), then each bridge's
/// message from the bridge a full chunk stopped at (`args[0]` counts bridges only). Returns the
/// chunk's length (NLMSG_DONE comes alone).
fn br_mdb_rtnl_dump(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    if cb.strict_check {
        let nlh = &cb.nlh;
        let ifindex =
            nltwin_wire::br_port_msg::Repr::parse_bytes(nlh.get(NLMSG_HDRLEN..).unwrap_or(&[]))
                .map(|h| h.ifindex);
        let err = match ifindex.ok() {
            None => Some("bridge: Invalid header for mdb dump request"),
            Some(i) if i != 0 => {
                Some("bridge: Filtering by device index is not supported for mdb dump request")
            }
            Some(_) if nlh.len() != NLMSG_HDRLEN + BR_PORT_MSG_LEN => {
                Some("Invalid data after header in mdb dump request")
            }
            Some(_) => None,
        };
        if let Some(msg) = err {
            cb.extack.msg = Some(msg.into());
            return Ok(Errno::EINVAL.as_neg());
        }
    }
    let net = cb.net;
    let s_idx = cb.args[0];
    let mut idx = 0i64;
    let bridges: Vec<u32> = k
        .net(net)
        .devices
        .for_each_netdev()
        .filter(|d| d.is_bridge_master())
        .map(|d| d.ifindex)
        .collect();
    for br in bridges {
        if idx >= s_idx {
            let (portid, seq) = (cb.portid, cb.request().seq());
            let Ok(at) = skb.nlmsg_put(portid, seq, RTM_GETMDB, BR_PORT_MSG_LEN, NLM_F_MULTI)
            else {
                break;
            };
            put_bpm(skb, at, 0, br);
            let full = br_mdb_fill_info(k, net, br, skb)
                .and_then(|_| br_rports_fill_info(k, net, br, skb))
                .is_err();
            skb.nlmsg_end(at);
            if full {
                break;
            }
            cb.args[1] = 0;
        }
        idx += 1;
    }
    cb.args[0] = idx;
    Ok(skb.len() as i32)
}

/// Writes a `struct br_port_msg` (zeroed, then `family` and `ifindex`) into the message at
/// `at`.
fn put_bpm(skb: &mut SkBuff, at: usize, family: u8, ifindex: u32) {
    let bpm = nltwin_wire::br_port_msg::Repr { family, ifindex };
    skb.nlmsg_data_mut(at)[..BR_PORT_MSG_LEN].copy_from_slice(&bpm.to_bytes());
}

/// `br_mdb_fill_info`: the MDBA_MDB nest with an MDBA_MDB_ENTRY per group from the callback's
/// markers on; the model's MDB has no group, so the nest stays empty. Before
/// [`Feature::MdbDumpSnoopingDisabled`], a bridge with snooping off gets no nest at all.
/// EMSGSIZE when even the nest does not fit.
fn br_mdb_fill_info(k: &Kernel, net: NetId, br: u32, skb: &mut SkBuff) -> Result<(), Errno> {
    let snooping = k
        .dev(net, br)
        .and_then(|d| d.br())
        .is_some_and(|b| b.mcast_snooping);
    if !snooping && !k.has(Feature::MdbDumpSnoopingDisabled) {
        return Ok(());
    }
    let nest = skb.nla_nest_start_noflag(MDBA_MDB)?;
    skb.nla_nest_end(nest);
    Ok(())
}

/// `br_rports_fill_info`: when the bridge's own router setting is not disabled and a port is a
/// router, MDBA_ROUTER with one MDBA_ROUTER_PORT per router port in `port_list` order: its
/// ifindex (no attribute header), the later of its two router timers, its router type, and the
/// timer of each family it routes (a permanent router's timers are stopped: 0). EMSGSIZE, the
/// nest cancelled, when it does not fit.
fn br_rports_fill_info(k: &Kernel, net: NetId, br: u32, skb: &mut SkBuff) -> Result<(), Errno> {
    let bridge_router = k
        .dev(net, br)
        .and_then(|d| d.br())
        .map_or(0, |b| b.multicast_ctx.multicast_router);
    let routers: Vec<(u32, u8, bool, bool)> = super::br_ports(k, net, br)
        .into_iter()
        .filter_map(|port| {
            let p = k.dev(net, port)?.br_port()?;
            (p.ip4_rlist || p.ip6_rlist).then_some((
                port,
                p.multicast_router,
                p.ip4_rlist,
                p.ip6_rlist,
            ))
        })
        .collect();
    if bridge_router == 0 || routers.is_empty() {
        return Ok(());
    }
    let nest = skb.nla_nest_start_noflag(MDBA_ROUTER)?;
    for (port, ty, ip4, ip6) in routers {
        // br_timer_value of a router timer that is not pending (a permanent router's).
        let (ip4_timer, ip6_timer) = (0u32, 0u32);
        let r = (|| {
            let port_nest = skb.nla_nest_start_noflag(MDBA_ROUTER_PORT)?;
            skb.put_data(&port.to_ne_bytes())?;
            skb.nla_put_u32(MDBA_ROUTER_PATTR_TIMER, ip4_timer.max(ip6_timer))?;
            skb.nla_put_u8(MDBA_ROUTER_PATTR_TYPE, ty)?;
            if ip4 {
                skb.nla_put_u32(MDBA_ROUTER_PATTR_INET_TIMER, ip4_timer)?;
            }
            if ip6 {
                skb.nla_put_u32(MDBA_ROUTER_PATTR_INET6_TIMER, ip6_timer)?;
            }
            skb.nla_nest_end(port_nest);
            Ok(())
        })();
        if let Err(e) = r {
            skb.nla_nest_cancel(nest);
            return Err(e);
        }
    }
    skb.nla_nest_end(nest);
    Ok(())
}

/// `rtnl_rtr_nlmsg_size`: the `br_port_msg`, the port's index and a VLAN.
const RTNL_RTR_NLMSG_SIZE: usize = BR_PORT_MSG_LEN + 8 + 8;

/// `br_rtr_notify`: a port that became a multicast router of the bridge (RTM_NEWMDB) or
/// stopped being one (RTM_DELMDB), to RTNLGRP_MDB: `br_port_msg` (AF_BRIDGE, the bridge), then
/// MDBA_ROUTER holding MDBA_ROUTER_PORT with the port's index (no VLAN: the model's ports have
/// no per-VLAN multicast context).
pub(crate) fn br_rtr_notify(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: u32,
    ty: u16,
) -> SysResult<()> {
    let mut skb = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + RTNL_RTR_NLMSG_SIZE));
    let filled = (|| {
        let at = skb.nlmsg_put(0, 0, ty, BR_PORT_MSG_LEN, 0)?;
        put_bpm(&mut skb, at, PF_BRIDGE, br);
        let nest = skb.nla_nest_start_noflag(MDBA_ROUTER)?;
        let port_nest = skb.nla_nest_start_noflag(MDBA_ROUTER_PORT)?;
        skb.put_data(&port.to_ne_bytes())?;
        skb.nla_nest_end(port_nest);
        skb.nla_nest_end(nest);
        skb.nlmsg_end(at);
        Ok::<(), Errno>(())
    })();
    filled.expect("sized by rtnl_rtr_nlmsg_size");
    crate::rtnetlink::notify::rtnl_notify(k, net, skb, RTNLGRP_MDB, None)
}

/// `br_mdb_dump` (`ndo_mdb_dump`): the bridge's message (`br_port_msg` with family 0), its
/// groups and its router ports. EMSGSIZE when the chunk is full: a message that got its
/// header but not its MDBA_MDB is kept, header only, and the bridge is dumped again in the
/// next chunk, as the kernel does.
pub fn br_mdb_dump(
    k: &Kernel,
    net: NetId,
    br: u32,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> Result<(), Errno> {
    let at = skb.nlmsg_put(
        cb.portid,
        cb.request().seq(),
        RTM_GETMDB,
        BR_PORT_MSG_LEN,
        NLM_F_MULTI,
    )?;
    put_bpm(skb, at, 0, br);
    let r = br_mdb_fill_info(k, net, br, skb).and_then(|_| br_rports_fill_info(k, net, br, skb));
    skb.nlmsg_end(at);
    r
}

/// `struct br_ip` as the MDB requests make it (`__mdb_entry_to_br_ip`): the group, the source
/// (zero unless MDBE_ATTR_SOURCE gave one), the protocol, the VLAN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BrIp {
    dst: [u8; 16],
    src: [u8; 16],
    proto: u16,
    vid: u16,
}

/// `__mdb_entry_to_br_ip`.
fn mdb_entry_to_br_ip(e: &BrMdbEntry, source: Option<&[u8]>) -> BrIp {
    let mut src = [0u8; 16];
    if let Some(s) = source.filter(|_| matches!(e.proto, ETH_P_IP | ETH_P_IPV6)) {
        let n = if e.proto == ETH_P_IP { 4 } else { 16 };
        src[..n.min(s.len())].copy_from_slice(&s[..n.min(s.len())]);
    }
    let mut dst = [0u8; 16];
    match e.proto {
        ETH_P_IP => dst[..4].copy_from_slice(&e.addr[..4]),
        ETH_P_IPV6 => dst = e.addr,
        _ => dst[..6].copy_from_slice(&e.addr[..6]),
    }
    BrIp {
        dst,
        src,
        proto: e.proto,
        vid: e.vid,
    }
}

/// `br_multicast_is_star_g`: an IP group with no source (an IPv4 source in 0.0.0.0/8 counts as
/// none); never a link-layer group.
fn br_multicast_is_star_g(g: &BrIp) -> bool {
    match g.proto {
        ETH_P_IP => ipv4_is_zeronet([g.src[0], g.src[1], g.src[2], g.src[3]]),
        ETH_P_IPV6 => g.src == [0; 16],
        _ => false,
    }
}

/// `br_group_is_l2`.
fn br_group_is_l2(g: &BrIp) -> bool {
    g.proto == 0
}

/// `is_valid_mdb_source`: an IPv4 or IPv6 source of its protocol's length that is not
/// multicast.
fn is_valid_mdb_source(src: &[u8], proto: u16, extack: &mut NetlinkExtAck) -> bool {
    let msg = match proto {
        ETH_P_IP if src.len() != 4 => "IPv4 invalid source address length",
        ETH_P_IP if src[0] & 0xf0 == 0xe0 => "IPv4 multicast source address is not allowed",
        ETH_P_IP => return true,
        ETH_P_IPV6 if src.len() != 16 => "IPv6 invalid source address length",
        ETH_P_IPV6 if src[0] == 0xff => "IPv6 multicast source address is not allowed",
        ETH_P_IPV6 => return true,
        _ => "Invalid protocol used with source address",
    };
    mod_msg(extack, msg);
    false
}

/// A policy of `MDBE_ATTR_MAX` entries, NLA_UNSPEC but for `set`.
fn mdbe_policy(set: &[(u16, NlaPolicy)]) -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); MDBE_ATTR_MAX + 1];
    for &(ty, pol) in set {
        p[usize::from(ty)] = pol;
    }
    p
}

/// `NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr), sizeof(struct in6_addr))`.
fn source_policy() -> NlaPolicy {
    NlaPolicy {
        range: Some((4, 16)),
        ..NlaPolicy::of(NlaType::Binary)
    }
}

/// `br_mdbe_attrs_pol` (without MDBE_ATTR_SRC_LIST's nested policy, whose entries the caller
/// refuses first).
fn br_mdbe_attrs_pol() -> Vec<NlaPolicy> {
    mdbe_policy(&[
        (MDBE_ATTR_SOURCE, source_policy()),
        (
            MDBE_ATTR_GROUP_MODE,
            NlaPolicy {
                range: Some((i64::from(MCAST_EXCLUDE), i64::from(MCAST_INCLUDE))),
                ..NlaPolicy::of(NlaType::U8)
            },
        ),
        (MDBE_ATTR_SRC_LIST, NlaPolicy::of(NlaType::Nested)),
        (
            MDBE_ATTR_RTPROT,
            NlaPolicy::min(NlaType::U8, i64::from(RTPROT_STATIC)),
        ),
    ])
}

/// `struct br_mdb_config`, as far as the checks need it.
struct BrMdbConfig {
    /// The port (`cfg->p`), none for a host entry.
    port: Option<u32>,
    entry: BrMdbEntry,
    group: BrIp,
}

/// `br_mdb_config_init`: the bridge must run with snooping; the entry's device is the bridge
/// or one of its ports; no 0.0.0.0 group; then the entry's attributes.
fn br_mdb_config_init(
    k: &Kernel,
    net: NetId,
    br: u32,
    req: &MdbRequest<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<BrMdbConfig> {
    let dev = k.dev(net, br).expect("the request's device");
    if !dev.netif_running() {
        mod_msg(extack, "Bridge device is not running");
        return Err(Errno::EINVAL.into());
    }
    if !dev.br().is_some_and(|b| b.mcast_snooping) {
        mod_msg(extack, "Bridge's multicast processing is disabled");
        return Err(Errno::EINVAL.into());
    }
    let entry = req.entry();
    let mut port = None;
    if entry.ifindex != br {
        let Some(pdev) = k.dev(net, entry.ifindex) else {
            mod_msg(extack, "Port net device doesn't exist");
            return Err(Errno::ENODEV.into());
        };
        if pdev.br_port().is_none() {
            mod_msg(extack, "Net device is not a bridge port");
            return Err(Errno::EINVAL.into());
        }
        if pdev.master != Some(br) {
            mod_msg(extack, "Port belongs to a different bridge device");
            return Err(Errno::EINVAL.into());
        }
        port = Some(entry.ifindex);
    }
    if entry.proto == ETH_P_IP && ipv4_is_zeronet(entry.ip4()) {
        mod_msg(extack, "IPv4 entry group address 0.0.0.0 is not allowed");
        return Err(Errno::EINVAL.into());
    }
    let mut cfg = BrMdbConfig {
        port,
        entry,
        group: mdb_entry_to_br_ip(&entry, None),
    };
    if let Some(r) = req.attrs() {
        br_mdb_config_attrs_init(req.msg, r, &mut cfg, extack)?;
    }
    Ok(cfg)
}

/// `br_mdb_config_attrs_init`: the entry's nested attributes (strictly): a valid source, a
/// filter mode and a protocol only for a port's (*, G) entry, no INCLUDE without sources.
/// Source lists (MDBE_ATTR_SRC_LIST, validated by a nested policy) are not modeled.
fn br_mdb_config_attrs_init(
    msg: &[u8],
    r: std::ops::Range<usize>,
    cfg: &mut BrMdbConfig,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if nla_for_each_nested(msg, r.clone())
        .iter()
        .any(|(ty, _, _)| *ty == MDBE_ATTR_SRC_LIST)
    {
        return Err(unimplemented(
            "an MDB entry's source list (MDBE_ATTR_SRC_LIST: its nested validation and (*, G) \
             source entries)",
        ));
    }
    let tb = nla_parse_nested(msg, r, &br_mdbe_attrs_pol(), extack)?;
    let get = |ty: u16| tb[usize::from(ty)].clone().map(|r| &msg[r]);
    if let Some(src) = get(MDBE_ATTR_SOURCE) {
        if !is_valid_mdb_source(src, cfg.entry.proto, extack) {
            return Err(Errno::EINVAL.into());
        }
    }
    cfg.group = mdb_entry_to_br_ip(&cfg.entry, get(MDBE_ATTR_SOURCE));
    let filter_mode = match get(MDBE_ATTR_GROUP_MODE) {
        Some(mode) => {
            if cfg.port.is_none() {
                mod_msg(extack, "Filter mode cannot be set for host groups");
                return Err(Errno::EINVAL.into());
            }
            if !br_multicast_is_star_g(&cfg.group) {
                mod_msg(extack, "Filter mode can only be set for (*, G) entries");
                return Err(Errno::EINVAL.into());
            }
            mode[0]
        }
        None => MCAST_EXCLUDE,
    };
    // No source entries (a list would have been refused above).
    if filter_mode == MCAST_INCLUDE {
        mod_msg(
            extack,
            "Cannot add (*, G) INCLUDE with an empty source list",
        );
        return Err(Errno::EINVAL.into());
    }
    if get(MDBE_ATTR_RTPROT).is_some() && cfg.port.is_none() {
        mod_msg(extack, "Protocol cannot be set for host groups");
        return Err(Errno::EINVAL.into());
    }
    Ok(())
}

/// `br_mdb_add` (`ndo_mdb_add`): after the configuration's checks, a host entry must be an IP
/// (*, G) without flags, a link-layer entry permanent, a port's entry on a disabled port
/// permanent. Installing the entry (`br_mdb_add_group`: the group, its port group and timers,
/// the RTNLGRP_MDB notification, snooping's use of it) is not modeled.
pub fn br_mdb_add(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    req: &MdbRequest<'_>,
    _nlmsg_flags: u16,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let cfg = br_mdb_config_init(k, net, br, req, extack)?;
    if cfg.port.is_none() && !br_group_is_l2(&cfg.group) {
        if cfg.entry.state != 0 {
            mod_msg(extack, "Flags are not allowed for host groups");
            return Err(Errno::EINVAL.into());
        }
        if !br_multicast_is_star_g(&cfg.group) {
            mod_msg(extack, "Groups with sources cannot be manually host joined");
            return Err(Errno::EINVAL.into());
        }
    }
    if br_group_is_l2(&cfg.group) && cfg.entry.state != MDB_PERMANENT {
        mod_msg(extack, "Only permanent L2 entries allowed");
        return Err(Errno::EINVAL.into());
    }
    if let Some(p) = cfg.port {
        let state = k.dev(net, p).and_then(|d| d.br_port()).map(|p| p.state);
        if state == Some(BR_STATE_DISABLED) && cfg.entry.state != MDB_PERMANENT {
            mod_msg(
                extack,
                "Port is in disabled state and entry is not permanent",
            );
            return Err(Errno::EINVAL.into());
        }
    }
    Err(unimplemented(
        "an MDB entry installed by RTM_NEWMDB on a running bridge with multicast snooping \
         (br_mdb_add_group: the group, its timers, its RTNLGRP_MDB notification)",
    ))
}

/// `br_mdb_ip_get`: the bridge's group for `ip`. The model's MDB holds none (see the module's
/// documentation), so no group is ever found.
fn br_mdb_ip_get(_ip: &BrIp) -> Option<std::convert::Infallible> {
    None
}

/// `br_mdb_del` (`ndo_mdb_del`): after the configuration's checks, the group is looked up
/// (`br_mdb_ip_get`); the model's MDB has none, so there is nothing to delete: EINVAL, with
/// no message, as the kernel answers for a group it does not have.
pub fn br_mdb_del(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    req: &MdbRequest<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let cfg = br_mdb_config_init(k, net, br, req, extack)?;
    match br_mdb_ip_get(&cfg.group) {
        None => Err(Errno::EINVAL.into()),
        Some(never) => match never {},
    }
}

/// `br_mdb_del_bulk` (`ndo_mdb_del_bulk`): the filter (`br_mdb_flush_desc_init`: a protocol
/// of at least RTPROT_STATIC, a state mask of MDB_PERMANENT at most, parsed strictly), then
/// `br_mdb_flush` over the groups, which in the model are none. The bridge need not run.
pub fn br_mdb_del_bulk(
    _k: &mut Kernel,
    _net: NetId,
    _br: u32,
    req: &MdbRequest<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if let Some(r) = req.attrs() {
        let policy = mdbe_policy(&[
            (
                MDBE_ATTR_RTPROT,
                NlaPolicy::min(NlaType::U8, i64::from(RTPROT_STATIC)),
            ),
            (
                MDBE_ATTR_STATE_MASK,
                NlaPolicy::mask(NlaType::U8, u64::from(MDB_PERMANENT)),
            ),
        ]);
        nla_parse_nested(req.msg, r, &policy, extack)?;
    }
    Ok(())
}

/// `br_mdb_get` (`ndo_mdb_get`): the group asked for (`br_mdb_get_parse`: a valid source,
/// parsed strictly), looked up in the MDB; the model's has none: ENOENT, "MDB entry not
/// found".
pub fn br_mdb_get(
    _k: &mut Kernel,
    _net: NetId,
    _br: u32,
    req: &MdbRequest<'_>,
    _portid: u32,
    _seq: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let entry = req.entry();
    let mut source = None;
    if let Some(r) = req.attrs() {
        let tb = nla_parse_nested(
            req.msg,
            r,
            &mdbe_policy(&[(MDBE_ATTR_SOURCE, source_policy())]),
            extack,
        )?;
        if let Some(s) = tb[usize::from(MDBE_ATTR_SOURCE)].clone() {
            if !is_valid_mdb_source(&req.msg[s.clone()], entry.proto, extack) {
                return Err(Errno::EINVAL.into());
            }
            source = Some(s);
        }
    }
    let group = mdb_entry_to_br_ip(&entry, source.map(|s| &req.msg[s]));
    match br_mdb_ip_get(&group) {
        None => {
            mod_msg(extack, "MDB entry not found");
            Err(Errno::ENOENT.into())
        }
        Some(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ifindex: u32, state: u8, proto: u16, addr: &[u8]) -> BrMdbEntry {
        let mut b = [0u8; crate::uapi::if_bridge::BR_MDB_ENTRY_LEN];
        b[..4].copy_from_slice(&ifindex.to_ne_bytes());
        b[4] = state;
        b[8..8 + addr.len()].copy_from_slice(addr);
        b[24..26].copy_from_slice(&proto.to_be_bytes());
        BrMdbEntry::parse_bytes(&b).expect("whole entry")
    }

    fn legacy_msg(e: &BrMdbEntry) -> Option<String> {
        let mut x = NetlinkExtAck::default();
        is_valid_mdb_entry(e, &mut x).err()?;
        x.msg
    }

    #[test]
    fn br_mdb_parse_entry_checks_refuse_the_zero_group_with_the_modules_messages() {
        assert_eq!(legacy_msg(&entry(3, 0, ETH_P_IP, &[239, 1, 1, 1])), None);
        // 0.0.0.0 is no multicast group here (later releases let it through to their own
        // message).
        assert_eq!(
            legacy_msg(&entry(3, 0, ETH_P_IP, &[0, 0, 0, 0])).as_deref(),
            Some("bridge: IPv4 entry group address is not multicast")
        );
        // The index first, then the group, then the state.
        assert_eq!(
            legacy_msg(&entry(0, 9, ETH_P_IP, &[10, 0, 0, 1])).as_deref(),
            Some("bridge: Zero entry ifindex is not allowed")
        );
        assert_eq!(
            legacy_msg(&entry(3, 9, 0, &[2, 0, 0, 0, 0, 1])).as_deref(),
            Some("bridge: L2 entry group is not multicast")
        );
        assert_eq!(
            legacy_msg(&entry(3, 9, 0x88a8, &[1, 0, 0x5e, 0, 0, 1])).as_deref(),
            Some("bridge: Unknown entry protocol")
        );
        assert_eq!(
            legacy_msg(&entry(3, 2, ETH_P_IPV6, &[0xff, 0x0e])).as_deref(),
            Some("bridge: Unknown entry state")
        );
    }
}
