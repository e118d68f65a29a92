//! The bridge device (`net/bridge/br_device.c`): its setup and defaults, and its
//! `net_device_ops` (open, stop, address, enslaving).

use super::br_stp_if::br_stp_change_bridge_id;
use super::{dev_mut, NetBridge};
use crate::errno::SysResult;
use crate::ethernet::ether_setup;
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{DevPriv, NetDevice, NetDeviceOps};
use crate::random::RandomSource;

/// A new bridge's fixed defaults (`br_dev_setup`); its times are set there in jiffies at the
/// build's HZ.
pub(crate) mod dflt {
    /// The STP priority, also the first two bytes of the bridge id.
    pub const PRIORITY: u16 = 0x8000;
    /// `br_reserved_address`.
    pub const GROUP_ADDR: [u8; 6] = [0x01, 0x80, 0xc2, 0, 0, 0];
}

/// The garbage collection's first run after the bridge opens: HZ / 10, in USER_HZ ticks.
const GC_TIMER_AT_OPEN: u64 = 10;

/// `br_netdev_ops`; bridges need no qdisc (`IFF_NO_QUEUE`).
static BR_NETDEV_OPS: NetDeviceOps = NetDeviceOps {
    ndo_open: Some(br_dev_open),
    ndo_stop: Some(br_dev_stop),
    ndo_get_iflink: None,
    ndo_set_mac_address: Some(br_set_mac_address),
    ndo_add_slave: Some(super::br_if::br_add_slave),
    ndo_del_slave: Some(super::br_if::br_del_slave),
    ndo_bridge_setlink: Some(super::br_netlink::br_setlink),
    ndo_bridge_dellink: Some(super::br_netlink::br_dellink),
    no_queue: true,
    ndo_start_xmit: Some(br_dev_xmit),
    ndo_get_stats64: Some(br_get_stats64),
    ndo_fdb_add: Some(super::br_fdb::br_fdb_add),
    ndo_fdb_del: Some(super::br_fdb::br_fdb_delete),
    ndo_fdb_dump: Some(super::br_fdb::br_fdb_dump),
    ndo_mdb_add: Some(super::br_mdb::br_mdb_add),
    ndo_mdb_del: Some(super::br_mdb::br_mdb_del),
    ndo_mdb_del_bulk: Some(super::br_mdb::br_mdb_del_bulk),
    ndo_mdb_dump: Some(super::br_mdb::br_mdb_dump),
    ndo_mdb_get: Some(super::br_mdb::br_mdb_get),
    ndo_siocdevprivate: true,
};

/// `br_dev_setup`: an Ethernet device with one queue, kept in its namespace, TSO limited to
/// 64 KiB until ports say otherwise; the bridge id's priority set, its address all zeros.
pub(crate) fn br_dev_setup(
    dev: &mut NetDevice,
    _random: &mut dyn RandomSource,
    _features: crate::profile::FeatureSet,
    config: &crate::profile::Config,
) {
    let hz = u64::from(config.hz);
    ether_setup(dev);
    dev.netdev_ops = &BR_NETDEV_OPS;
    let mut bridge_id = [0; 8];
    bridge_id[..2].copy_from_slice(&dflt::PRIORITY.to_be_bytes());
    dev.priv_ = DevPriv::Bridge(Box::new(NetBridge {
        bridge_id,
        gc_timer: 0,
        mcast_snooping: true,
        mtu_set_by_user: false,
        next_port_seq: 0,
        vlgrp: None,
        vlan_proto: 0,
        default_pvid: 0,
        bridge_forward_delay: 15 * hz,
        forward_delay: 15 * hz,
        bridge_hello_time: 2 * hz,
        hello_time: 2 * hz,
        bridge_max_age: 20 * hz,
        max_age: 20 * hz,
        bridge_ageing_time: 300 * hz,
        ageing_time: 300 * hz,
        stp_enabled: super::BR_NO_STP,
        stp_mode: crate::uapi::if_bridge::BR_STP_MODE_AUTO,
        group_fwd_mask: 0,
        group_addr: dflt::GROUP_ADDR,
        options: 0,
        multicast_ctx: super::br_multicast::br_multicast_ctx_init(config.hz),
        rx_stats: (0, 0, 0),
        hash_max: super::br_multicast::BR_MULTICAST_DEFAULT_HASH_MAX,
        fdb_max_learned: 0,
        fdb: Vec::new(),
        designated_root: bridge_id,
        root_path_cost: 0,
        root_port: 0,
        topology_change: false,
        topology_change_detected: false,
        timers: Default::default(),
    }));
    dev.netns_immutable = true;
    dev.tso_max_size = 65536;
}

/// `br_set_mac_address`: the new address is also the bridge id (`br_stp_change_bridge_id`).
fn br_set_mac_address(k: &mut Kernel, net: NetId, br: u32, addr: &[u8]) -> SysResult<()> {
    br_stp_change_bridge_id(k, net, br, addr)
}

/// `br_dev_open`: `br_stp_enable_bridge` (the hello timer with the kernel's STP, the garbage
/// collection, every port whose device runs and is operationally up enabled, in `port_list`
/// order), then multicast.
pub(crate) fn br_dev_open(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        b.gc_timer = GC_TIMER_AT_OPEN;
    }
    crate::workqueue::cancel_delayed_work(k, super::br_fdb::gc_work(net, br));
    super::br_multicast::br_multicast_open(k, net, br)?;
    super::br_stp_if::br_stp_enable_bridge(k, net, br)?;
    crate::dev::process_backlog(k)
}

/// `br_dev_stop`: `br_stp_disable_bridge` (every port not yet disabled is, in `port_list`
/// order; the STP timers and the garbage collection stop), then multicast.
pub(crate) fn br_dev_stop(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    super::br_stp_if::br_stp_disable_bridge(k, net, br)?;
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        b.gc_timer = 0;
    }
    crate::workqueue::cancel_delayed_work(k, super::br_fdb::gc_work(net, br));
    super::br_multicast::br_multicast_stop(k, net, br)?;
    crate::dev::process_backlog(k)
}

/// `dev_get_tstats64` with `dev->stats` (the bridge's `ndo_get_stats64`): what it sent and
/// received, and the multicast frames its ports passed up to it.
fn br_get_stats64(dev: &NetDevice) -> crate::netdevice::RtnlLinkStats64 {
    let (rx_packets, rx_bytes, multicast) = dev.br().map_or((0, 0, 0), |b| b.rx_stats);
    crate::netdevice::RtnlLinkStats64 {
        rx_packets,
        tx_packets: dev.tx_stats.packets,
        rx_bytes,
        tx_bytes: dev.tx_stats.bytes,
        tx_dropped: dev.tx_stats.dropped,
        multicast,
    }
}

/// `ALL_MLDV2_ROUTERS`, ff02::16: the modeled MLD reports' destination, the only ICMPv6 the
/// model sends there.
const ALL_MLDV2_ROUTERS: [u8; 16] = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16];

/// `br_dev_xmit`: what the bridge device itself sends. It counts it sent (`tstats`, the
/// Ethernet header included); then (no VLAN filtering, no neighbour suppression) a multicast
/// frame is snooped (`br_multicast_rcv` without a port) and, with no querier ever heard in the
/// model (`br_multicast_querier_exists` false), flooded to the ports (`br_flood`,
/// BR_PKT_MULTICAST). What snooping learns from the bridge's own reports (host joins in the
/// MDB) and frames to other destinations are not modeled.
fn br_dev_xmit(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    frame: &crate::netdevice::Frame,
) -> SysResult<()> {
    use crate::netdevice::Frame;
    let Some(d) = k.dev_mut(net, br) else {
        return Ok(());
    };
    d.tx_stats.packets += 1;
    d.tx_stats.bytes += frame.len();
    let snooping = d.br().is_some_and(|b| b.mcast_snooping);
    let neigh_suppress = super::br_ports(k, net, br).into_iter().any(|p| {
        k.dev(net, p)
            .and_then(NetDevice::br_port)
            .is_some_and(|p| p.flags & super::port_flags::BR_NEIGH_SUPPRESS != 0)
    });
    match frame {
        Frame::Ipv6(skb) => {
            if skb.daddr[0] != 0xff {
                return Err(crate::errno::unimplemented(
                    "a bridge sending a unicast frame (br_fdb_find_rcu, br_forward)",
                ));
            }
            if neigh_suppress {
                return Err(crate::errno::unimplemented(
                    "neighbour discovery sent by a bridge with neighbour suppression on a port",
                ));
            }
            if snooping && skb.daddr == ALL_MLDV2_ROUTERS {
                return Err(crate::errno::unimplemented(
                    "a bridge snooping its own MLD report (br_multicast_host_join: host-joined \
                     MDB entries, their RTM_NEWMDB and timers; turn snooping off to avoid it)",
                ));
            }
        }
        Frame::Ipv4(skb) => {
            // br_ip4_multicast_add_group / _leave_group ignore link-local groups (224.0.0.0/24).
            if snooping && skb.igmp_report && !skb.igmp_link_local_only {
                return Err(crate::errno::unimplemented(
                    "a bridge snooping its own IGMP report of a routable group \
                     (br_multicast_host_join)",
                ));
            }
        }
        Frame::Llc(_) => {
            return Err(crate::errno::unimplemented(
                "an LLC frame sent by the bridge device itself",
            ))
        }
    }
    super::br_forward::br_flood(
        k,
        net,
        br,
        frame,
        super::br_forward::BrPktType::Multicast,
        None,
    )
}
