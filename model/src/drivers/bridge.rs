//! The bridge device (`net/bridge/br_device.c`, `br_netlink.c`): creation with the kernel's
//! defaults, deletion, and `br_fill_info` (IFLA_INFO_DATA) in the 6.18 profile's order and
//! configuration (no VLAN filtering built in, IGMP snooping and bridge netfilter built in; x86-64
//! needs no 64-bit attribute padding).
//!
//! The model creates bridges (of the options, only IFLA_BR_MCAST_SNOOPING at creation), adds
//! and removes ports (`br_add_if`, `br_del_if`), brings bridges up and down, and follows the
//! spanning tree as a bridge without STP runs it (`br_stp_if.c`, `br_stp.c`): a running port
//! whose device is operationally up is enabled and forwards at once, the bridge has carrier
//! while a port forwards. Timers (garbage collection, a port's forward delay) show the time
//! left when they started: the model has no clock, and the harness masks running timers.
//! Other bridge and port options (IFLA_INFO_DATA / SLAVE_DATA in a request) answer
//! `unimplemented`.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{register_netdevice, NetBridge, NetDevice, ETH_ALEN, IFF_PROMISC};
use crate::rtnetlink::newlink::{eth_hw_addr_random, IfAttrs, RtnlLinkOps, RtnlNewlinkParams};
use crate::rtnetlink::notify::{
    rtmsg_ifinfo_flags, rtmsg_ifinfo_send, rtnetlink_event, rtnetlink_event_features,
};
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;
use crate::uapi::rtnetlink::*;

use super::veth::is_valid_ether_addr;

/// `br_link_ops`.
pub const BR_LINK_OPS: RtnlLinkOps = RtnlLinkOps {
    kind: "bridge",
    maxtype: IFLA_BR_MAX,
    setup: br_dev_setup,
    validate: Some(br_validate),
    newlink: br_dev_newlink,
    dellink: br_dev_delete,
    get_num_queues: None,
    has_changelink: true,
    peer_type: None,
    fill_info: Some(br_fill_info),
};

/// `IFLA_BR_*` types the fill uses.
mod attr {
    pub const FORWARD_DELAY: u16 = 1;
    pub const HELLO_TIME: u16 = 2;
    pub const MAX_AGE: u16 = 3;
    pub const AGEING_TIME: u16 = 4;
    pub const STP_STATE: u16 = 5;
    pub const PRIORITY: u16 = 6;
    pub const VLAN_FILTERING: u16 = 7;
    pub const GROUP_FWD_MASK: u16 = 9;
    pub const ROOT_ID: u16 = 10;
    pub const BRIDGE_ID: u16 = 11;
    pub const ROOT_PORT: u16 = 12;
    pub const ROOT_PATH_COST: u16 = 13;
    pub const TOPOLOGY_CHANGE: u16 = 14;
    pub const TOPOLOGY_CHANGE_DETECTED: u16 = 15;
    pub const HELLO_TIMER: u16 = 16;
    pub const TCN_TIMER: u16 = 17;
    pub const TOPOLOGY_CHANGE_TIMER: u16 = 18;
    pub const GC_TIMER: u16 = 19;
    pub const GROUP_ADDR: u16 = 20;
    pub const MCAST_ROUTER: u16 = 22;
    pub const MCAST_SNOOPING: u16 = 23;
    pub const MCAST_QUERY_USE_IFADDR: u16 = 24;
    pub const MCAST_QUERIER: u16 = 25;
    pub const MCAST_HASH_ELASTICITY: u16 = 26;
    pub const MCAST_HASH_MAX: u16 = 27;
    pub const MCAST_LAST_MEMBER_CNT: u16 = 28;
    pub const MCAST_STARTUP_QUERY_CNT: u16 = 29;
    pub const MCAST_LAST_MEMBER_INTVL: u16 = 30;
    pub const MCAST_MEMBERSHIP_INTVL: u16 = 31;
    pub const MCAST_QUERIER_INTVL: u16 = 32;
    pub const MCAST_QUERY_INTVL: u16 = 33;
    pub const MCAST_QUERY_RESPONSE_INTVL: u16 = 34;
    pub const MCAST_STARTUP_QUERY_INTVL: u16 = 35;
    pub const NF_CALL_IPTABLES: u16 = 36;
    pub const NF_CALL_IP6TABLES: u16 = 37;
    pub const NF_CALL_ARPTABLES: u16 = 38;
    pub const MCAST_STATS_ENABLED: u16 = 42;
    pub const MCAST_IGMP_VERSION: u16 = 43;
    pub const MCAST_MLD_VERSION: u16 = 44;
    pub const MULTI_BOOLOPT: u16 = 46;
    pub const FDB_N_LEARNED: u16 = 48;
    pub const FDB_MAX_LEARNED: u16 = 49;
}

/// `IFLA_BR_MAX` on the 6.18 profile.
pub const IFLA_BR_MAX: u16 = 49;

/// A new bridge's defaults (`br_dev_setup`, `br_multicast_init`), in USER_HZ clock ticks where
/// the kernel reports `jiffies_to_clock_t` values.
mod dflt {
    /// 15 s.
    pub const FORWARD_DELAY: u32 = 1500;
    /// 2 s.
    pub const HELLO_TIME: u32 = 200;
    /// 20 s.
    pub const MAX_AGE: u32 = 2000;
    /// 300 s.
    pub const AGEING_TIME: u32 = 30000;
    /// The STP priority, also the first two bytes of the bridge id.
    pub const PRIORITY: u16 = 0x8000;
    /// `br_reserved_address`.
    pub const GROUP_ADDR: [u8; 6] = [0x01, 0x80, 0xc2, 0, 0, 0];
    /// `RHT_ELASTICITY`.
    pub const HASH_ELASTICITY: u32 = 16;
    pub const HASH_MAX: u32 = 4096;
    pub const LAST_MEMBER_CNT: u32 = 2;
    pub const STARTUP_QUERY_CNT: u32 = 2;
    pub const IGMP_VERSION: u8 = 2;
    pub const MLD_VERSION: u8 = 1;
    pub const LAST_MEMBER_INTVL: u64 = 100;
    pub const MEMBERSHIP_INTVL: u64 = 26000;
    pub const QUERIER_INTVL: u64 = 25500;
    pub const QUERY_INTVL: u64 = 12500;
    pub const QUERY_RESPONSE_INTVL: u64 = 1000;
    /// A quarter of the query interval, truncated through jiffies at HZ 250.
    pub const STARTUP_QUERY_INTVL: u64 = 3124;
    /// `BR_BOOLOPT_MAX` options: the mask of `IFLA_BR_MULTI_BOOLOPT`.
    pub const BOOLOPT_MASK: u32 = (1 << 5) - 1;
}

/// `br_dev_setup`: an Ethernet device with one queue, kept in its namespace, TSO limited to
/// 64 KiB until ports say otherwise.
fn br_dev_setup(name: &str, queues: u32) -> NetDevice {
    let mut bridge_id = [0; 8];
    bridge_id[..2].copy_from_slice(&dflt::PRIORITY.to_be_bytes());
    NetDevice {
        kind: Some("bridge"),
        br: Some(NetBridge {
            bridge_id,
            gc_timer: 0,
            mcast_snooping: true,
            next_port_seq: 0,
        }),
        netns_immutable: true,
        tso_max_size: 65536,
        ..NetDevice::ether_setup(name, queues)
    }
}

/// `br_validate`: a 6-byte unicast address.
fn br_validate(tb: &IfAttrs<'_>) -> Result<(), Errno> {
    if let Some(addr) = tb.get(IFLA_ADDRESS) {
        if addr.len() != ETH_ALEN {
            return Err(Errno::EINVAL);
        }
        if !is_valid_ether_addr(addr) {
            return Err(Errno::EADDRNOTAVAIL);
        }
    }
    Ok(())
}

/// `br_dev_newlink`: register the bridge. A given address becomes the bridge id at once
/// (`br_stp_change_bridge_id`, which turns the carrier off: no port is up); otherwise the device
/// has a random address, its bridge id stays all zeros and the carrier stays on until a port
/// arrives. Then `br_changelink`: of the bridge options only IFLA_BR_MCAST_SNOOPING is modeled.
fn br_dev_newlink(
    k: &mut crate::kernel::Kernel,
    p: &mut RtnlNewlinkParams<'_>,
    mut dev: NetDevice,
) -> SysResult<u32> {
    let mut snooping = None;
    if let Some(d) = p.data.as_ref() {
        let other =
            d.tb.iter()
                .enumerate()
                .any(|(t, r)| r.is_some() && t != attr::MCAST_SNOOPING as usize);
        if other {
            return Err(crate::errno::unimplemented(
                "bridge options other than IFLA_BR_MCAST_SNOOPING (IFLA_INFO_DATA of a bridge)",
            ));
        }
        if let Some(v) = d.get(attr::MCAST_SNOOPING) {
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
        dev.addr = eth_hw_addr_random(k);
    }
    let net = p.net;
    let ifindex = register_netdevice(k, net, dev)?;
    if let Some(addr) = addr {
        br_stp_change_bridge_id(k, net, ifindex, &addr)?;
    }
    if let Some(on) = snooping {
        if let Some(b) = dev_mut(k, net, ifindex).br.as_mut() {
            b.mcast_snooping = on != 0;
        }
    }
    Ok(ifindex)
}

/// `br_dev_delete`: every port released first (in `port_list` order), then the bridge.
fn br_dev_delete(k: &mut Kernel, net: NetId, ifindex: u32) -> Vec<u32> {
    for port in br_ports(k, net, ifindex) {
        // Notification failures land on listeners; the deletion goes on.
        let _ = br_del_if(k, net, ifindex, port, true, false);
    }
    vec![ifindex]
}

/// `br_fill_info`: the bridge's IFLA_INFO_DATA.
pub fn br_fill_info(skb: &mut SkBuff, dev: &NetDevice) -> Result<(), Errno> {
    use attr::*;
    // Without STP only the garbage collection runs (while the bridge is up).
    for t in [HELLO_TIMER, TCN_TIMER, TOPOLOGY_CHANGE_TIMER] {
        skb.nla_put_u64(t, 0)?;
    }
    skb.nla_put_u64(GC_TIMER, dev.br.map_or(0, |b| b.gc_timer))?;
    let bridge_id = dev.br.map(|b| b.bridge_id).unwrap_or_default();
    skb.nla_put_u32(FORWARD_DELAY, dflt::FORWARD_DELAY)?;
    skb.nla_put_u32(HELLO_TIME, dflt::HELLO_TIME)?;
    skb.nla_put_u32(MAX_AGE, dflt::MAX_AGE)?;
    skb.nla_put_u32(AGEING_TIME, dflt::AGEING_TIME)?;
    skb.nla_put_u32(STP_STATE, 0)?;
    skb.nla_put_u16(PRIORITY, dflt::PRIORITY)?;
    skb.nla_put_u8(VLAN_FILTERING, 0)?;
    skb.nla_put_u16(GROUP_FWD_MASK, 0)?;
    skb.nla_put(BRIDGE_ID, &bridge_id)?;
    // With no port the bridge is its own root.
    skb.nla_put(ROOT_ID, &bridge_id)?;
    skb.nla_put_u16(ROOT_PORT, 0)?;
    skb.nla_put_u32(ROOT_PATH_COST, 0)?;
    skb.nla_put_u8(TOPOLOGY_CHANGE, 0)?;
    skb.nla_put_u8(TOPOLOGY_CHANGE_DETECTED, 0)?;
    skb.nla_put(GROUP_ADDR, &dflt::GROUP_ADDR)?;
    // struct br_boolopt_multi: the options set, and which the kernel knows.
    skb.nla_put_u32_array(MULTI_BOOLOPT, &[0, dflt::BOOLOPT_MASK])?;
    skb.nla_put_u32(FDB_N_LEARNED, 0)?;
    skb.nla_put_u32(FDB_MAX_LEARNED, 0)?;
    skb.nla_put_u8(MCAST_ROUTER, 1)?;
    skb.nla_put_u8(
        MCAST_SNOOPING,
        u8::from(dev.br.is_none_or(|b| b.mcast_snooping)),
    )?;
    skb.nla_put_u8(MCAST_QUERY_USE_IFADDR, 0)?;
    skb.nla_put_u8(MCAST_QUERIER, 0)?;
    skb.nla_put_u8(MCAST_STATS_ENABLED, 0)?;
    skb.nla_put_u32(MCAST_HASH_ELASTICITY, dflt::HASH_ELASTICITY)?;
    skb.nla_put_u32(MCAST_HASH_MAX, dflt::HASH_MAX)?;
    skb.nla_put_u32(MCAST_LAST_MEMBER_CNT, dflt::LAST_MEMBER_CNT)?;
    skb.nla_put_u32(MCAST_STARTUP_QUERY_CNT, dflt::STARTUP_QUERY_CNT)?;
    skb.nla_put_u8(MCAST_IGMP_VERSION, dflt::IGMP_VERSION)?;
    // br_multicast_dump_querier_state: nothing while no querier has been seen.
    skb.nla_put_u8(MCAST_MLD_VERSION, dflt::MLD_VERSION)?;
    skb.nla_put_u64(MCAST_LAST_MEMBER_INTVL, dflt::LAST_MEMBER_INTVL)?;
    skb.nla_put_u64(MCAST_MEMBERSHIP_INTVL, dflt::MEMBERSHIP_INTVL)?;
    skb.nla_put_u64(MCAST_QUERIER_INTVL, dflt::QUERIER_INTVL)?;
    skb.nla_put_u64(MCAST_QUERY_INTVL, dflt::QUERY_INTVL)?;
    skb.nla_put_u64(MCAST_QUERY_RESPONSE_INTVL, dflt::QUERY_RESPONSE_INTVL)?;
    skb.nla_put_u64(MCAST_STARTUP_QUERY_INTVL, dflt::STARTUP_QUERY_INTVL)?;
    skb.nla_put_u8(NF_CALL_IPTABLES, 0)?;
    skb.nla_put_u8(NF_CALL_IP6TABLES, 0)?;
    skb.nla_put_u8(NF_CALL_ARPTABLES, 0)?;
    Ok(())
}

/// `IFLA_BRPORT_*` values of a port of a down bridge, in `br_port_fill_attrs` order: (type,
/// value) for the fixed ones; the port's numbers and ids are filled in by
/// [`br_port_fill_attrs`].
enum PortAttr {
    U8(u16, u8),
    U16(u16, u16),
    U32(u16, u32),
    U64(u16, u64),
    /// IFLA_BRPORT_ROOT_ID / BRIDGE_ID: the bridge's id.
    Id(u16),
    /// IFLA_BRPORT_DESIGNATED_PORT / ID: the port id, priority in the top bits.
    PortId(u16),
    /// IFLA_BRPORT_NO.
    PortNo(u16),
    /// IFLA_BRPORT_STATE.
    State(u16),
    /// IFLA_BRPORT_FORWARD_DELAY_TIMER.
    ForwardDelayTimer(u16),
}

/// `br_port_fill_attrs` on the 6.18 profile (no VLAN filtering; x86-64, no u64 padding).
const PORT_ATTRS: &[PortAttr] = {
    use PortAttr::*;
    &[
        State(1),   // STATE
        U16(2, 32), // PRIORITY
        U32(3, 2),  // COST: a 10 Gb/s veth
        U8(4, 0),   // MODE (hairpin)
        U8(5, 0),   // GUARD
        U8(6, 0),   // PROTECT
        U8(7, 0),   // FAST_LEAVE
        U8(28, 0),  // MCAST_TO_UCAST
        U8(8, 1),   // LEARNING
        U8(9, 1),   // UNICAST_FLOOD
        U8(27, 1),  // MCAST_FLOOD
        U8(30, 1),  // BCAST_FLOOD
        U8(10, 0),  // PROXYARP
        U8(12, 0),  // PROXYARP_WIFI
        Id(13),     // ROOT_ID
        Id(14),     // BRIDGE_ID
        PortId(15), // DESIGNATED_PORT
        U16(16, 0), // DESIGNATED_COST
        PortId(17), // ID
        PortNo(18), // NO
        U8(19, 0),  // TOPOLOGY_CHANGE_ACK
        U8(20, 0),  // CONFIG_PENDING
        U8(29, 0),  // VLAN_TUNNEL
        U16(31, 0), // GROUP_FWD_MASK
        U8(32, 0),  // NEIGH_SUPPRESS
        U8(35, 0),  // ISOLATED
        U8(36, 0),  // LOCKED
        U8(33, 0),  // MRP_RING_OPEN
        U8(39, 0),  // MAB
        U8(40, 0),  // NEIGH_VLAN_SUPPRESS
        U8(43, 0),  // the 6.18 addition after NEIGH_VLAN_SUPPRESS
        U64(21, 0), // MESSAGE_AGE_TIMER
        ForwardDelayTimer(22),
        U64(23, 0),   // HOLD_TIMER
        U8(25, 1),    // MULTICAST_ROUTER
        U32(37, 512), // MCAST_EHT_HOSTS_LIMIT
        U32(38, 0),   // MCAST_EHT_HOSTS_CNT
        U32(41, 0),   // MCAST_N_GROUPS
        U32(42, 0),   // MCAST_MAX_GROUPS
    ]
};

/// `br_port_fill_attrs`: a port's attributes (in IFLA_INFO_SLAVE_DATA or IFLA_PROTINFO).
pub fn br_port_fill_attrs(
    skb: &mut SkBuff,
    _dev: &NetDevice,
    port: &crate::netdevice::BrPort,
) -> Result<(), Errno> {
    let port_id = 0x8000 | port.port_no;
    for a in PORT_ATTRS {
        match *a {
            PortAttr::U8(t, v) => skb.nla_put_u8(t, v)?,
            PortAttr::U16(t, v) => skb.nla_put_u16(t, v)?,
            PortAttr::U32(t, v) => skb.nla_put_u32(t, v)?,
            PortAttr::U64(t, v) => skb.nla_put_u64(t, v)?,
            PortAttr::Id(t) => skb.nla_put(t, &port.bridge_id)?,
            PortAttr::PortId(t) => skb.nla_put_u16(t, port_id)?,
            PortAttr::PortNo(t) => skb.nla_put_u16(t, port.port_no)?,
            PortAttr::State(t) => skb.nla_put_u8(t, port.state)?,
            PortAttr::ForwardDelayTimer(t) => skb.nla_put_u64(t, port.forward_delay_timer)?,
        }
    }
    Ok(())
}

/// `br_fill_ifinfo` for a port: the PF_BRIDGE RTM_NEWLINK / RTM_DELLINK that
/// `br_ifinfo_notify` sends and the PF_BRIDGE dump lists (name, master, MTU, operstate,
/// address, link, and for NEWLINK the port's attributes in an IFLA_PROTINFO nest). A message
/// that does not fit is taken back whole (EMSGSIZE).
pub fn br_fill_ifinfo(
    skb: &mut SkBuff,
    dev: &NetDevice,
    ty: u16,
    portid: u32,
    seq: u32,
    flags: u16,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = br_fill_ifinfo_msg(skb, dev, ty, portid, seq, flags);
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

fn br_fill_ifinfo_msg(
    skb: &mut SkBuff,
    dev: &NetDevice,
    ty: u16,
    portid: u32,
    seq: u32,
    flags: u16,
) -> Result<(), Errno> {
    let at = skb.nlmsg_put(portid, seq, ty, IFINFOMSG_LEN, flags)?;
    nltwin_wire::ifinfomsg::Repr {
        family: crate::uapi::socket::AF_BRIDGE,
        link_type: dev.ty,
        index: dev.ifindex as i32,
        flags: dev.dev_get_flags(),
        change: 0,
    }
    .emit(&mut nltwin_wire::ifinfomsg::Packet::new_unchecked(
        skb.nlmsg_data_mut(at),
    ));
    let mut name = crate::netdevice::ifname_bytes(&dev.name);
    name.push(0);
    skb.nla_put(IFLA_IFNAME, &name)?;
    skb.nla_put_u32(IFLA_MASTER, dev.master.unwrap_or(0))?;
    skb.nla_put_u32(IFLA_MTU, dev.mtu)?;
    skb.nla_put_u8(IFLA_OPERSTATE, dev.reported_operstate())?;
    if !dev.addr.is_empty() {
        skb.nla_put(IFLA_ADDRESS, &dev.addr)?;
    }
    if dev.dev_get_iflink() != dev.ifindex {
        skb.nla_put_u32(IFLA_LINK, dev.dev_get_iflink())?;
    }
    if let (RTM_NEWLINK, Some(port)) = (ty, &dev.brport) {
        let nest = skb.nla_nest_start(IFLA_PROTINFO)?;
        br_port_fill_attrs(skb, dev, port)?;
        skb.nla_nest_end(nest);
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// `br_ifinfo_notify`: the PF_BRIDGE message for a port, to RTNLGRP_LINK.
fn br_ifinfo_notify(k: &mut Kernel, net: NetId, port: u32, ty: u16) -> SysResult<()> {
    let Some(dev) = k.nets[net.0].devices.by_index(port) else {
        return Ok(());
    };
    let mut skb = SkBuff::alloc_skb(1024);
    br_fill_ifinfo(&mut skb, dev, ty, 0, 0, 0)?;
    rtmsg_ifinfo_send(k, net, skb, None)
}

fn dev_mut(k: &mut Kernel, net: NetId, ifindex: u32) -> &mut NetDevice {
    k.nets[net.0]
        .devices
        .devs
        .get_mut(&ifindex)
        .expect("a listed device")
}

/// `br_add_if`: make `port` a port of the bridge `br`: checks ("Can not enslave a bridge to a
/// bridge"), the lowest free port number, allmulti, the upper link (NETDEV_CHANGEUPPER), then
/// promiscuity (its own notification), the bridge's features event, and the PF_BRIDGE message.
pub fn br_add_if(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: u32,
    extack: &mut crate::af_netlink::NetlinkExtAck,
) -> SysResult<()> {
    let devs = &k.nets[net.0].devices;
    let dev = devs.by_index(port).expect("looked up");
    if dev.flags & crate::netdevice::IFF_LOOPBACK != 0
        || dev.ty != crate::netdevice::ARPHRD_ETHER
        || !is_valid_ether_addr(&dev.addr)
    {
        return Err(Errno::EINVAL.into());
    }
    if dev.kind == Some("bridge") {
        extack.msg = Some("Can not enslave a bridge to a bridge".into());
        return Err(Errno::ELOOP.into());
    }
    let bridge = devs.by_index(br).expect("looked up");
    let bridge_id = bridge.br.map(|b| b.bridge_id).unwrap_or_default();
    let used: Vec<u16> = devs
        .devs
        .values()
        .filter(|d| d.master == Some(br))
        .filter_map(|d| d.brport.map(|p| p.port_no))
        .collect();
    let port_no = (1..).find(|n| !used.contains(n)).unwrap_or(1);
    let list_seq = dev_mut(k, net, br).br.as_mut().map_or(0, |b| {
        b.next_port_seq += 1;
        b.next_port_seq
    });
    let d = dev_mut(k, net, port);
    d.allmulti += 1;
    d.master = Some(br);
    d.brport = Some(crate::netdevice::BrPort {
        port_no,
        bridge_id,
        state: BR_STATE_DISABLED,
        forward_delay_timer: 0,
        list_seq,
    });
    rtnetlink_event(k, net, port)?;
    dev_mut(k, net, port).promiscuity += 1;
    rtmsg_ifinfo_flags(k, net, port, IFF_PROMISC)?;
    // br_features_recompute: the features change when the first port arrives (all modeled
    // ports are veths, which agree), so only then is NETDEV_FEAT_CHANGE sent.
    if used.is_empty() {
        rtnetlink_event_features(k, net, br)?;
    }
    let changed_addr = br_stp_recalculate_bridge_id(k, net, br)?;
    if port_oper_up(k, net, port) && dev_up(k, net, br) {
        br_stp_enable_port(k, net, port)?;
    }
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)?;
    if changed_addr {
        // NETDEV_CHANGEADDR of the bridge.
        rtnetlink_event(k, net, br)?;
    }
    // The bridge's TSO limit follows its ports once the port is in (no event of its own).
    let tso = dev_mut(k, net, port).tso_max_size;
    dev_mut(k, net, br).tso_max_size = tso;
    Ok(())
}

/// `br_del_if` (`del_nbp`): promiscuity and allmulti dropped (notified), the port disabled and
/// removed (PF_BRIDGE NEWLINK then DELLINK), the upper link gone (NETDEV_CHANGEUPPER), and the
/// bridge's features event when its last port left, unless the bridge itself is going. A port
/// whose own device is being unregistered gets no RTM_NEWLINK of its own (only registered
/// devices are announced), just the PF_BRIDGE pair.
pub fn br_del_if(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: u32,
    bridge_going: bool,
    port_going: bool,
) -> SysResult<()> {
    let d = dev_mut(k, net, port);
    d.promiscuity = d.promiscuity.saturating_sub(1);
    d.allmulti = d.allmulti.saturating_sub(1);
    if !port_going {
        rtmsg_ifinfo_flags(k, net, port, IFF_PROMISC)?;
    }
    br_stp_disable_port(k, net, port)?;
    br_ifinfo_notify(k, net, port, RTM_DELLINK)?;
    let d = dev_mut(k, net, port);
    d.master = None;
    d.brport = None;
    if !port_going {
        rtnetlink_event(k, net, port)?;
    }
    let ports_left = k.nets[net.0]
        .devices
        .devs
        .values()
        .any(|d| d.master == Some(br));
    if bridge_going {
        return Ok(());
    }
    if br_stp_recalculate_bridge_id(k, net, br)? {
        rtnetlink_event(k, net, br)?;
    }
    if !ports_left {
        rtnetlink_event_features(k, net, br)?;
    }
    Ok(())
}

/// `br_stp_change_bridge_id`: the bridge takes `addr` as its device address and bridge id;
/// ports that held the old id as designated root and bridge follow; the port states are
/// selected again (the carrier follows whether a port forwards).
pub fn br_stp_change_bridge_id(k: &mut Kernel, net: NetId, br: u32, addr: &[u8]) -> SysResult<()> {
    let bridge = dev_mut(k, net, br);
    let Some(b) = bridge.br.as_mut() else {
        return Ok(());
    };
    let old = b.bridge_id;
    b.bridge_id[2..].copy_from_slice(addr);
    let new = b.bridge_id;
    bridge.addr = addr.to_vec();
    for d in k.nets[net.0].devices.devs.values_mut() {
        if d.master != Some(br) {
            continue;
        }
        if let Some(p) = d.brport.as_mut().filter(|p| p.bridge_id[2..] == old[2..]) {
            p.bridge_id = new;
        }
    }
    br_port_state_selection(k, net, br)
}

/// `br_device_event` for a port: a new port address may move the bridge's id and address
/// (then its own NETDEV_CHANGEADDR); with the bridge up, the port is disabled when it goes down
/// and enabled when it comes up or its state change makes it operational (`br_port_carrier_check`),
/// each announced; otherwise up, down, change and address events are announced as a PF_BRIDGE
/// RTM_NEWLINK of the port, since they may refresh the spanning tree.
pub fn br_device_event(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: crate::netdevice::NetdevEvent,
) -> SysResult<()> {
    use crate::netdevice::NetdevEvent;
    let Some((br, state)) = k.nets[net.0]
        .devices
        .by_index(ifindex)
        .and_then(|d| Some((d.master?, d.brport?.state)))
    else {
        return Ok(());
    };
    let bridge_up = dev_up(k, net, br);
    let mut notified = false;
    if event == NetdevEvent::ChangeAddr && br_stp_recalculate_bridge_id(k, net, br)? {
        rtnetlink_event(k, net, br)?;
    }
    match event {
        NetdevEvent::Down if bridge_up => {
            br_stp_disable_port(k, net, ifindex)?;
            notified = true;
        }
        NetdevEvent::Up if bridge_up && port_oper_up(k, net, ifindex) => {
            br_stp_enable_port(k, net, ifindex)?;
            notified = true;
        }
        NetdevEvent::Change if bridge_up => {
            // br_port_carrier_check
            if port_oper_up(k, net, ifindex) {
                if state == BR_STATE_DISABLED {
                    br_stp_enable_port(k, net, ifindex)?;
                    notified = true;
                }
            } else if state != BR_STATE_DISABLED {
                br_stp_disable_port(k, net, ifindex)?;
                notified = true;
            }
        }
        _ => {}
    }
    if notified {
        return Ok(());
    }
    br_ifinfo_notify(k, net, ifindex, RTM_NEWLINK)
}

/// `BR_STATE_DISABLED`, `BR_STATE_FORWARDING`, `BR_STATE_BLOCKING`.
const BR_STATE_DISABLED: u8 = 0;
const BR_STATE_FORWARDING: u8 = 3;
const BR_STATE_BLOCKING: u8 = 4;
/// The garbage collection's first run after the bridge opens: HZ / 10, in USER_HZ ticks.
const GC_TIMER_AT_OPEN: u64 = 10;

/// The bridge's ports in `port_list` order (the newest first).
fn br_ports(k: &Kernel, net: NetId, br: u32) -> Vec<u32> {
    let mut ports: Vec<(u64, u32)> = k.nets[net.0]
        .devices
        .devs
        .values()
        .filter(|d| d.master == Some(br))
        .filter_map(|d| d.brport.map(|p| (p.list_seq, d.ifindex)))
        .collect();
    ports.sort_unstable_by(|a, b| b.cmp(a));
    ports.into_iter().map(|(_, i)| i).collect()
}

fn dev_up(k: &Kernel, net: NetId, ifindex: u32) -> bool {
    k.nets[net.0]
        .devices
        .by_index(ifindex)
        .is_some_and(|d| d.flags & crate::netdevice::IFF_UP != 0)
}

/// `netif_running(dev) && netif_oper_up(dev)`.
fn port_oper_up(k: &Kernel, net: NetId, ifindex: u32) -> bool {
    k.nets[net.0]
        .devices
        .by_index(ifindex)
        .is_some_and(NetDevice::running_and_oper_up)
}

fn port_mut(k: &mut Kernel, net: NetId, ifindex: u32) -> Option<&mut crate::netdevice::BrPort> {
    dev_mut(k, net, ifindex).brport.as_mut()
}

/// `br_dev_open`: `br_stp_enable_bridge`: the garbage collection starts and every port whose
/// device runs and is operationally up is enabled, in `port_list` order.
pub fn br_dev_open(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    if let Some(b) = dev_mut(k, net, br).br.as_mut() {
        b.gc_timer = GC_TIMER_AT_OPEN;
    }
    for port in br_ports(k, net, br) {
        if port_oper_up(k, net, port) {
            br_stp_enable_port(k, net, port)?;
        }
    }
    Ok(())
}

/// `br_dev_stop`: `br_stp_disable_bridge`: every port not yet disabled is, in `port_list`
/// order; the garbage collection stops.
pub fn br_dev_stop(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    for port in br_ports(k, net, br) {
        if port_mut(k, net, port).is_some_and(|p| p.state != BR_STATE_DISABLED) {
            br_stp_disable_port(k, net, port)?;
        }
    }
    if let Some(b) = dev_mut(k, net, br).br.as_mut() {
        b.gc_timer = 0;
    }
    Ok(())
}

/// `br_stp_enable_port`: `br_init_port` (blocking), the port states selected again, and the
/// port announced.
fn br_stp_enable_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    if let Some(p) = port_mut(k, net, port) {
        p.state = BR_STATE_BLOCKING;
    }
    if let Some(br) = dev_mut(k, net, port).master {
        br_port_state_selection(k, net, br)?;
    }
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)
}

/// `br_stp_disable_port`: disabled and announced (its timers still showing), then the timers
/// stop and the port states are selected again.
fn br_stp_disable_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    if let Some(p) = port_mut(k, net, port) {
        p.state = BR_STATE_DISABLED;
    }
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)?;
    if let Some(p) = port_mut(k, net, port) {
        p.forward_delay_timer = 0;
    }
    match dev_mut(k, net, port).master {
        Some(br) => br_port_state_selection(k, net, br),
        None => Ok(()),
    }
}

/// `br_port_state_selection` without STP: every enabled port is designated (a lone bridge is
/// its own root), so a blocking one forwards at once (`br_make_forwarding`: announced, then its
/// forward delay timer starts); the bridge has carrier while a port forwards.
fn br_port_state_selection(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let mut liveports = 0;
    for port in br_ports(k, net, br) {
        let Some(state) = port_mut(k, net, port).map(|p| p.state) else {
            continue;
        };
        if state == BR_STATE_DISABLED {
            continue;
        }
        if state == BR_STATE_BLOCKING {
            if let Some(p) = port_mut(k, net, port) {
                p.state = BR_STATE_FORWARDING;
                p.forward_delay_timer = 0;
            }
            br_ifinfo_notify(k, net, port, RTM_NEWLINK)?;
            if let Some(p) = port_mut(k, net, port) {
                p.forward_delay_timer = u64::from(dflt::FORWARD_DELAY);
            }
        }
        if port_mut(k, net, port).is_some_and(|p| p.state == BR_STATE_FORWARDING) {
            liveports += 1;
        }
    }
    if liveports == 0 {
        crate::sch_generic::netif_carrier_off(k, net, br);
    } else {
        crate::sch_generic::netif_carrier_on(k, net, br);
    }
    Ok(())
}

/// `br_stp_recalculate_bridge_id`: unless the user set the bridge's address, its id follows
/// the lowest port address (all zeros with no port); true when it changed.
fn br_stp_recalculate_bridge_id(k: &mut Kernel, net: NetId, br: u32) -> SysResult<bool> {
    let devs = &k.nets[net.0].devices;
    let Some(bridge) = devs.by_index(br) else {
        return Ok(false);
    };
    let Some(b) = bridge.br.filter(|_| !bridge.addr_set) else {
        return Ok(false);
    };
    let lowest = devs
        .devs
        .values()
        .filter(|d| d.master == Some(br) && d.brport.is_some())
        .map(|d| d.addr.as_slice())
        .min()
        .unwrap_or(&[0; ETH_ALEN])
        .to_vec();
    if b.bridge_id[2..] == lowest[..] {
        return Ok(false);
    }
    br_stp_change_bridge_id(k, net, br, &lowest)?;
    Ok(true)
}
