//! The bridge (`net/bridge/`), one file per kernel file: `br.c` here (the module's init and
//! `br_device_event`, and `br_private.h`'s state), [`br_device`] (the bridge device),
//! [`br_if`] (ports joining and leaving), [`br_netlink`] (the link kind, its attributes and
//! PF_BRIDGE messages), [`br_multicast`] (multicast settings), [`br_mdb`] (the multicast
//! database's messages: its dump, get, add and delete, router port announcements; the MDB
//! itself always empty), [`br_fdb`] (the forwarding
//! database's local and static entries, its dump and notifications, the garbage collection),
//! [`br_stp_if`], [`br_stp`], [`br_stp_timer`] and [`br_stp_bpdu`] (the spanning tree: the
//! kernel's own STP on the model's clock, BPDUs carried between veth peers), [`br_vlan`]
//! (VLAN filtering's VLANs, where the build has it).
//!
//! Modeled: bridges created with their defaults and every IFLA_BR_* option at creation and in
//! changes ([`br_netlink`]'s `br_changelink`, [`br_stp`]'s `br_set_*`, [`br_multicast`]'s
//! setters), ports added and removed, bridges up and down; a running port whose device is
//! operationally up is enabled and forwards at once, and the bridge has carrier while a port
//! forwards. Timers (garbage collection, a port's forward delay) show the time left when they
//! started: the model has no clock, and the harness masks running timers. Where the build
//! has VLAN filtering, bridges and ports carry the default PVID and the VLANs requests give
//! them, each with its local forwarding entries (see [`br_vlan`], [`br_fdb`]). Port
//! options (`br_setport`) through PF_BRIDGE RTM_SETLINK and IFLA_INFO_SLAVE_DATA, and the
//! PF_BRIDGE dumps with their filters. The STP state machine (STP's state is kept; a
//! bridge running it is not brought up nor given enabled ports), options that start or stop
//! multicast snooping's timers, VLANs set by requests, the
//! forwarding database's ageing and VLAN entries, the MDB's host and port joins (MLD
//! reports a snooping bridge sends or a port receives), temporary and learned multicast router ports, backup ports and a bridge MTU that follows
//! its ports answer `unimplemented`.

pub mod br_device;
pub mod br_fdb;
pub mod br_forward;
pub mod br_if;
pub mod br_input;
pub mod br_mdb;
pub mod br_multicast;
pub mod br_netlink;
pub mod br_stp;
pub mod br_stp_bpdu;
pub mod br_stp_if;
pub mod br_stp_timer;
pub mod br_vlan;

use crate::dev::{register_netdevice_notifier, NetdevEvent, NotifierBlock};
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;

/// A bridge's own state (`struct net_bridge`), as far as the model keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetBridge {
    /// `bridge_id`: priority, then an address that is all zeros until one is chosen (given at
    /// creation or by `IFLA_ADDRESS`, or taken from the lowest port address).
    pub bridge_id: [u8; 8],
    /// `gc_work` as IFLA_BR_GC_TIMER reports it: the time left in USER_HZ ticks, frozen at its
    /// start (0 while the bridge is down).
    pub gc_timer: u64,
    /// BROPT_MULTICAST_ENABLED (IFLA_BR_MCAST_SNOOPING).
    pub mcast_snooping: bool,
    /// BROPT_MTU_SET_BY_USER: the bridge's MTU was set, so it no longer follows its ports'.
    pub mtu_set_by_user: bool,
    /// The next `list_seq` a new port gets.
    pub next_port_seq: u64,
    /// `vlgrp`: the bridge's VLANs (only where VLAN filtering is built).
    pub vlgrp: Option<br_vlan::NetBridgeVlanGroup>,
    /// `vlan_proto` (host order): 802.1Q where VLAN filtering is built.
    pub vlan_proto: u16,
    /// `default_pvid`: the PVID new ports get (1 where VLAN filtering is built).
    pub default_pvid: u16,
    /// `bridge_forward_delay`, `bridge_hello_time`, `bridge_max_age` (jiffies): the bridge's
    /// own STP times, which it uses while it is root.
    pub bridge_forward_delay: u64,
    /// `bridge_hello_time` (jiffies).
    pub bridge_hello_time: u64,
    /// `bridge_max_age` (jiffies).
    pub bridge_max_age: u64,
    /// `forward_delay`, `hello_time`, `max_age` (jiffies): the times in use (the root's; a
    /// lone bridge is its own root).
    pub forward_delay: u64,
    /// `hello_time` (jiffies).
    pub hello_time: u64,
    /// `max_age` (jiffies).
    pub max_age: u64,
    /// `bridge_ageing_time` and `ageing_time` (jiffies).
    pub bridge_ageing_time: u64,
    /// `ageing_time` (jiffies).
    pub ageing_time: u64,
    /// `stp_enabled`: `BR_NO_STP`, `BR_KERNEL_STP` or `BR_USER_STP`.
    pub stp_enabled: u32,
    /// `stp_mode` (`BR_STP_MODE_*`, where the release has it).
    pub stp_mode: u32,
    /// `group_fwd_mask`: link-local groups the bridge forwards.
    pub group_fwd_mask: u16,
    /// `group_addr`: the STP group address.
    pub group_addr: [u8; 6],
    /// The `BROPT_*` options the model keeps ([`bropt`]).
    pub options: u32,
    /// `multicast_ctx`: the bridge's multicast settings.
    pub multicast_ctx: br_multicast::NetBridgeMcast,
    /// What the bridge device received from its ports (`tstats` rx: packets and bytes, the
    /// Ethernet header not included), and `dev->stats.multicast`.
    pub rx_stats: (u64, u64, u64),
    /// `hash_max`: the MDB's size limit.
    pub hash_max: u32,
    /// `fdb_max_learned` (0: no limit).
    pub fdb_max_learned: u32,
    /// `fdb_list`: the forwarding entries, newest first.
    pub fdb: Vec<br_fdb::NetBridgeFdbEntry>,
    /// `designated_root`: the root bridge's id as this bridge knows it (its own while it is
    /// root).
    pub designated_root: [u8; 8],
    /// `root_path_cost`: the cost to the root (0 while root).
    pub root_path_cost: u32,
    /// `root_port`: the port number of the root port (0: none, the bridge is root).
    pub root_port: u16,
    /// `topology_change`: the flag the root sets in its BPDUs.
    pub topology_change: bool,
    /// `topology_change_detected`.
    pub topology_change_detected: bool,
    /// The expiry (jiffies) of `hello_timer`, `tcn_timer` and `topology_change_timer` while
    /// they are pending, as `timer->expires` for `br_timer_value`; the timers themselves sit
    /// in the model's wheel ([`br_stp_timer`]).
    pub timers: br_stp_timer::BridgeTimers,
}

/// `BR_NO_STP`, `BR_KERNEL_STP`, `BR_USER_STP`: the values of `stp_enabled`.
pub const BR_NO_STP: u32 = 0;
/// `BR_KERNEL_STP`.
pub const BR_KERNEL_STP: u32 = 1;
/// `BR_USER_STP`.
pub const BR_USER_STP: u32 = 2;

/// The bridge options (`enum net_bridge_opts`) the model keeps; their bit values are the
/// model's own.
pub mod bropt {
    /// `BROPT_GROUP_ADDR_SET`.
    pub const GROUP_ADDR_SET: u32 = 1 << 0;
    /// `BROPT_NO_LL_LEARN`.
    pub const NO_LL_LEARN: u32 = 1 << 1;
    /// `BROPT_MULTICAST_QUERY_USE_IFADDR`.
    pub const MULTICAST_QUERY_USE_IFADDR: u32 = 1 << 2;
    /// `BROPT_MULTICAST_STATS_ENABLED`.
    pub const MULTICAST_STATS_ENABLED: u32 = 1 << 3;
    /// `BROPT_NF_CALL_IPTABLES`.
    pub const NF_CALL_IPTABLES: u32 = 1 << 4;
    /// `BROPT_NF_CALL_IP6TABLES`.
    pub const NF_CALL_IP6TABLES: u32 = 1 << 5;
    /// `BROPT_NF_CALL_ARPTABLES`.
    pub const NF_CALL_ARPTABLES: u32 = 1 << 6;
    /// `BROPT_VLAN_STATS_ENABLED`.
    pub const VLAN_STATS_ENABLED: u32 = 1 << 7;
    /// `BROPT_VLAN_STATS_PER_PORT`.
    pub const VLAN_STATS_PER_PORT: u32 = 1 << 8;
    /// `BROPT_MDB_OFFLOAD_FAIL_NOTIFICATION`.
    pub const MDB_OFFLOAD_FAIL_NOTIFICATION: u32 = 1 << 9;
}

impl NetBridge {
    /// `br_opt_get`.
    pub fn opt(&self, opt: u32) -> bool {
        self.options & opt != 0
    }

    /// `br_opt_toggle`.
    pub fn opt_toggle(&mut self, opt: u32, on: bool) {
        if on {
            self.options |= opt;
        } else {
            self.options &= !opt;
        }
    }
}

/// A device's bridge port (`struct net_bridge_port`), as far as the model keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrPort {
    /// `port_no`: the lowest free number from 1 on.
    pub port_no: u16,
    /// `designated_bridge`: the id of the bridge designated for the port's segment (the
    /// bridge's own while the port is designated).
    pub designated_bridge: [u8; 8],
    /// `designated_root`: the root that bridge announced.
    pub designated_root: [u8; 8],
    /// `designated_cost`: that bridge's cost to the root.
    pub designated_cost: u32,
    /// `designated_age`: when (jiffies) the root's information heard on this port was fresh.
    pub designated_age: u64,
    /// `topology_change_ack`: the next configuration BPDU acknowledges a TCN.
    pub topology_change_ack: bool,
    /// `config_pending`: a configuration BPDU waits for the hold timer.
    pub config_pending: bool,
    /// `state` (`BR_STATE_*`): disabled while the bridge or the port is not running.
    pub state: u8,
    /// The expiry (jiffies) of `message_age_timer`, `forward_delay_timer` and `hold_timer`
    /// while they are pending ([`br_stp_timer`]).
    pub timers: br_stp_timer::PortTimers,
    /// Where the port sits in `port_list` (the kernel adds at the head): higher comes first.
    pub list_seq: u64,
    /// `vlgrp`: the port's VLANs (only where VLAN filtering is built).
    pub vlgrp: Option<br_vlan::NetBridgeVlanGroup>,
    /// `priority`: the port's STP priority (the high bits of its port id).
    pub priority: u16,
    /// `port_id`: priority and port number (`br_make_port_id`).
    pub port_id: u16,
    /// `designated_port`: the port id of the designated port of this segment (the port's
    /// own while it is designated, which every port of a lone bridge is).
    pub designated_port: u16,
    /// `path_cost`: from the link speed (a veth: 10 Gb/s, 2) until set by the user.
    pub path_cost: u32,
    /// `flags`: the `BR_*` port flags ([`port_flags`]).
    pub flags: u32,
    /// `group_fwd_mask`: link-local groups the port forwards.
    pub group_fwd_mask: u16,
    /// `multicast_ctx.multicast_router` (`MDB_RTR_TYPE_*`).
    pub multicast_router: u8,
    /// `multicast_ctx.ip4_rlist` hashed: the port is on the bridge's IPv4 router list.
    pub ip4_rlist: bool,
    /// `multicast_ctx.ip6_rlist` hashed: on the IPv6 router list.
    pub ip6_rlist: bool,
    /// `multicast_eht_hosts_limit`.
    pub mcast_eht_hosts_limit: u32,
    /// The maximum of the port's MDB entries (`br_multicast_ngroups_get_max`, 0: none).
    pub mcast_max_groups: u32,
    /// `backup_nhid`: the backup nexthop id (0: none).
    pub backup_nhid: u32,
}

/// The port flags (`BR_*` of `include/linux/if_bridge.h`); their bit values are the
/// model's own, only their names and meanings are the kernel's.
pub mod port_flags {
    /// `BR_HAIRPIN_MODE` (IFLA_BRPORT_MODE).
    pub const BR_HAIRPIN_MODE: u32 = 1 << 0;
    /// `BR_BPDU_GUARD` (IFLA_BRPORT_GUARD).
    pub const BR_BPDU_GUARD: u32 = 1 << 1;
    /// `BR_ROOT_BLOCK` (IFLA_BRPORT_PROTECT).
    pub const BR_ROOT_BLOCK: u32 = 1 << 2;
    /// `BR_MULTICAST_FAST_LEAVE` (IFLA_BRPORT_FAST_LEAVE).
    pub const BR_MULTICAST_FAST_LEAVE: u32 = 1 << 3;
    /// `BR_ADMIN_COST`: the path cost was set by the user.
    pub const BR_ADMIN_COST: u32 = 1 << 4;
    /// `BR_LEARNING` (IFLA_BRPORT_LEARNING).
    pub const BR_LEARNING: u32 = 1 << 5;
    /// `BR_FLOOD` (IFLA_BRPORT_UNICAST_FLOOD).
    pub const BR_FLOOD: u32 = 1 << 6;
    /// `BR_AUTO_MASK`: the flags that make a port an automatic one.
    pub const BR_AUTO_MASK: u32 = BR_FLOOD | BR_LEARNING;
    /// `BR_PROXYARP` (IFLA_BRPORT_PROXYARP).
    pub const BR_PROXYARP: u32 = 1 << 8;
    /// `BR_PROXYARP_WIFI` (IFLA_BRPORT_PROXYARP_WIFI).
    pub const BR_PROXYARP_WIFI: u32 = 1 << 10;
    /// `BR_MCAST_FLOOD` (IFLA_BRPORT_MCAST_FLOOD).
    pub const BR_MCAST_FLOOD: u32 = 1 << 11;
    /// `BR_MULTICAST_TO_UNICAST` (IFLA_BRPORT_MCAST_TO_UCAST).
    pub const BR_MULTICAST_TO_UNICAST: u32 = 1 << 12;
    /// `BR_VLAN_TUNNEL` (IFLA_BRPORT_VLAN_TUNNEL).
    pub const BR_VLAN_TUNNEL: u32 = 1 << 13;
    /// `BR_BCAST_FLOOD` (IFLA_BRPORT_BCAST_FLOOD).
    pub const BR_BCAST_FLOOD: u32 = 1 << 14;
    /// `BR_NEIGH_SUPPRESS` (IFLA_BRPORT_NEIGH_SUPPRESS).
    pub const BR_NEIGH_SUPPRESS: u32 = 1 << 15;
    /// `BR_ISOLATED` (IFLA_BRPORT_ISOLATED).
    pub const BR_ISOLATED: u32 = 1 << 16;
    /// `BR_MRP_LOST_CONT` (IFLA_BRPORT_MRP_RING_OPEN).
    pub const BR_MRP_LOST_CONT: u32 = 1 << 18;
    /// `BR_MRP_LOST_IN_CONT` (IFLA_BRPORT_MRP_IN_OPEN).
    pub const BR_MRP_LOST_IN_CONT: u32 = 1 << 19;
    /// `BR_PORT_LOCKED` (IFLA_BRPORT_LOCKED).
    pub const BR_PORT_LOCKED: u32 = 1 << 21;
    /// `BR_PORT_MAB` (IFLA_BRPORT_MAB).
    pub const BR_PORT_MAB: u32 = 1 << 22;
    /// `BR_NEIGH_VLAN_SUPPRESS` (IFLA_BRPORT_NEIGH_VLAN_SUPPRESS).
    pub const BR_NEIGH_VLAN_SUPPRESS: u32 = 1 << 23;
    /// `BR_NEIGH_FORWARD_GRAT` (IFLA_BRPORT_NEIGH_FORWARD_GRAT).
    pub const BR_NEIGH_FORWARD_GRAT: u32 = 1 << 24;
}

/// `BR_PORT_BITS`: the port number's bits in a port id.
pub const BR_PORT_BITS: u16 = 10;

/// `br_make_port_id`: the priority above the port number.
pub fn br_make_port_id(priority: u16, port_no: u16) -> u16 {
    (priority << BR_PORT_BITS) | (port_no & ((1 << BR_PORT_BITS) - 1))
}

pub use crate::uapi::if_bridge::{
    BR_STATE_BLOCKING, BR_STATE_DISABLED, BR_STATE_FORWARDING, BR_STATE_LEARNING,
    BR_STATE_LISTENING,
};

/// `br_init`: the link kind and its address family (`br_netlink_init`), and the netdevice
/// notifier.
pub fn br_init(k: &mut Kernel) {
    register_netdevice_notifier(
        k,
        NotifierBlock {
            priority: 0,
            notifier_call: br_device_event,
        },
    );
    br_netlink::br_netlink_init(k);
}

/// The device `ifindex`, which the caller knows is listed.
fn dev_mut(k: &mut Kernel, net: NetId, ifindex: u32) -> &mut NetDevice {
    k.dev_mut(net, ifindex).expect("a listed device")
}

/// The port state of `ifindex`, if it is a bridge port.
fn port_mut(k: &mut Kernel, net: NetId, ifindex: u32) -> Option<&mut BrPort> {
    dev_mut(k, net, ifindex).br_port_mut()
}

/// The bridge's ports in `port_list` order (the newest first).
pub(crate) fn br_ports(k: &Kernel, net: NetId, br: u32) -> Vec<u32> {
    let mut ports: Vec<(u64, u32)> = k
        .devices(net)
        .filter(|d| d.master == Some(br))
        .filter_map(|d| d.br_port().map(|p| (p.list_seq, d.ifindex)))
        .collect();
    ports.sort_unstable_by(|a, b| b.cmp(a));
    ports.into_iter().map(|(_, i)| i).collect()
}

/// Whether the device is up.
fn dev_up(k: &Kernel, net: NetId, ifindex: u32) -> bool {
    k.dev(net, ifindex).is_some_and(NetDevice::is_up)
}

/// `netif_running(dev) && netif_oper_up(dev)`.
fn port_oper_up(k: &Kernel, net: NetId, ifindex: u32) -> bool {
    k.dev(net, ifindex)
        .is_some_and(NetDevice::running_and_oper_up)
}

/// `br_mtu_auto_adjust`: a bridge whose MTU was not set follows the smallest port MTU
/// (1500 with no port). The model does not change the bridge's MTU on its own: where the
/// kernel would, it answers `unimplemented`.
pub(crate) fn br_mtu_auto_adjust(k: &Kernel, net: NetId, br: u32) -> SysResult<()> {
    let Some(bridge) = k.dev(net, br) else {
        return Ok(());
    };
    if bridge.br().is_none_or(|b| b.mtu_set_by_user) {
        return Ok(());
    }
    let min = br_ports(k, net, br)
        .into_iter()
        .filter_map(|p| k.dev(net, p).map(|d| d.mtu))
        .min()
        .unwrap_or(crate::uapi::if_ether::ETH_DATA_LEN);
    if min != bridge.mtu {
        return Err(crate::errno::unimplemented(
            "br_mtu_auto_adjust: a bridge whose MTU follows its ports' (a port MTU other than the bridge's)",
        ));
    }
    Ok(())
}

/// `br_device_event` on NETDEV_UNREGISTER of a bridge, then its `ndo_uninit`
/// (`br_dev_uninit`): its own default VLAN removed (`br_vlan_bridge_event`, notified), then
/// what is left of its VLANs (`br_vlan_flush`). Nothing for other devices.
pub fn br_dev_unregister(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    if !k.dev(net, ifindex).is_some_and(NetDevice::is_bridge_master) {
        return Ok(());
    }
    br_vlan::br_vlan_bridge_event(k, net, ifindex, br_vlan::BridgeEvent::Unregister)?;
    br_vlan::br_vlan_flush(k, net, ifindex)
}

/// `br_device_event`: for the bridge itself, an MTU the user sets stops it following its
/// ports'; for a port, a new address may move the bridge's id and address (then its own
/// NETDEV_CHANGEADDR), a new MTU may move the bridge's, and with the bridge up the port is
/// disabled when it goes down and enabled when it comes up or its state change makes it
/// operational (`br_port_carrier_check`), each announced; otherwise up, down, change and
/// address events are announced as a PF_BRIDGE RTM_NEWLINK of the port, since they may
/// refresh the spanning tree.
pub fn br_device_event(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: NetdevEvent,
) -> SysResult<()> {
    if event == NetdevEvent::ChangeMtu {
        if let Some(b) = dev_mut(k, net, ifindex).br_mut() {
            // br_change_mtu.
            b.mtu_set_by_user = true;
            return Ok(());
        }
    }
    let Some((br, state)) = k
        .dev(net, ifindex)
        .and_then(|d| Some((d.master?, d.br_port()?.state)))
    else {
        return Ok(());
    };
    let bridge_up = dev_up(k, net, br);
    let mut notified = false;
    match event {
        NetdevEvent::ChangeMtu => br_mtu_auto_adjust(k, net, br)?,
        NetdevEvent::ChangeAddr => {
            let addr = k
                .dev(net, ifindex)
                .map(|d| d.addr.clone())
                .unwrap_or_default();
            br_fdb::br_fdb_changeaddr(k, net, br, ifindex, &addr)?;
            if br_stp_if::br_stp_recalculate_bridge_id(k, net, br)? {
                crate::dev::call_netdevice_notifiers(k, net, br, NetdevEvent::ChangeAddr)?;
            }
        }
        NetdevEvent::Down if bridge_up => {
            br_stp_if::br_stp_disable_port(k, net, ifindex)?;
            notified = true;
        }
        NetdevEvent::Up if bridge_up && port_oper_up(k, net, ifindex) => {
            br_stp_if::br_stp_enable_port(k, net, ifindex)?;
            notified = true;
        }
        NetdevEvent::Change { .. } if bridge_up => {
            // br_port_carrier_check
            if port_oper_up(k, net, ifindex) {
                if state == BR_STATE_DISABLED {
                    br_stp_if::br_stp_enable_port(k, net, ifindex)?;
                    notified = true;
                }
            } else if state != BR_STATE_DISABLED {
                br_stp_if::br_stp_disable_port(k, net, ifindex)?;
                notified = true;
            }
        }
        _ => {}
    }
    if notified {
        // The port was enabled or disabled under the bridge's lock: what it sent is received
        // when the lock goes.
        crate::dev::process_backlog(k)?;
    }
    let refreshes = matches!(
        event,
        NetdevEvent::ChangeAddr | NetdevEvent::Up | NetdevEvent::Change { .. } | NetdevEvent::Down
    );
    if notified || !refreshes {
        return Ok(());
    }
    br_netlink::br_ifinfo_notify(k, net, ifindex, crate::uapi::rtnetlink::RTM_NEWLINK)
}
