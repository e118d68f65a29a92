//! Ports joining and leaving a bridge (`net/bridge/br_if.c`): `br_add_if`, `br_del_if`
//! (`del_nbp`), and the bridge's `ndo_add_slave` / `ndo_del_slave`.

use super::br_netlink::br_ifinfo_notify;
use super::br_stp_if::{br_stp_disable_port, br_stp_enable_port, br_stp_recalculate_bridge_id};
use super::br_vlan::{nbp_vlan_flush, nbp_vlan_init};
use super::port_flags::{BR_BCAST_FLOOD, BR_FLOOD, BR_LEARNING, BR_MCAST_FLOOD};
use super::{br_mtu_auto_adjust, dev_mut, dev_up, port_oper_up, BrPort, BR_STATE_DISABLED};
use crate::af_netlink::NetlinkExtAck;
use crate::dev::{call_netdevice_notifiers, NetdevEvent};
use crate::errno::{Errno, SysResult};
use crate::ethernet::is_valid_ether_addr;
use crate::kernel::{Kernel, NetId};
use crate::netdevice::RxHandlerData;
use crate::profile::Feature;
use crate::rtnetlink::notify::rtmsg_ifinfo_flags;
use crate::uapi::if_::{IFF_LOOPBACK, IFF_PROMISC};
use crate::uapi::if_arp::ARPHRD_ETHER;
use crate::uapi::rtnetlink::{RTM_DELLINK, RTM_NEWLINK};

/// `BR_PORT_DEFAULT_PRIORITY` (0x8000 >> BR_PORT_BITS).
const BR_DEFAULT_PORT_PRIORITY: u16 = 0x20;

/// `BR_MCAST_DEFAULT_EHT_HOSTS_LIMIT`.
const BR_MCAST_DEFAULT_EHT_HOSTS_LIMIT: u32 = 512;

/// `br_add_slave`: `ndo_add_slave` of a bridge.
pub(crate) fn br_add_slave(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    br_add_if(k, net, br, port, extack)
}

/// `br_del_slave`: `ndo_del_slave` of a bridge.
pub(crate) fn br_del_slave(k: &mut Kernel, net: NetId, br: u32, port: u32) -> SysResult<()> {
    br_del_if(k, net, br, port, false, false)
}

/// `br_add_if`: make `port` a port of the bridge `br`: checks ("Can not enslave a bridge to a
/// bridge"), the lowest free port number, allmulti, the upper link (NETDEV_CHANGEUPPER), then
/// promiscuity (its own notification), the bridge's features event, the port's VLANs
/// (`nbp_vlan_init`), and the PF_BRIDGE message (the features event last where the release
/// computes an upper device's features in common).
pub fn br_add_if(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let dev = k.dev(net, port).expect("looked up");
    if dev.flags & IFF_LOOPBACK != 0 || dev.ty != ARPHRD_ETHER || !is_valid_ether_addr(&dev.addr) {
        return Err(Errno::EINVAL.into());
    }
    if dev.is_bridge_master() {
        extack.msg = Some("Can not enslave a bridge to a bridge".into());
        return Err(Errno::ELOOP.into());
    }
    if dev.kind() != Some("veth") {
        // br_features_recompute: the bridge takes its ports' features; the model knows only
        // that veths agree with one another.
        return Err(crate::errno::unimplemented(
            "bridge ports other than veths (their features decide the bridge's)",
        ));
    }
    // new_nbp's br_init_port: the port designated with the bridge's view of the root.
    let (bridge_id, designated_root, designated_cost) = k
        .dev(net, br)
        .and_then(|b| b.br())
        .map(|b| (b.bridge_id, b.designated_root, b.root_path_cost))
        .unwrap_or_default();
    let used: Vec<u16> = k
        .devices(net)
        .filter(|d| d.master == Some(br))
        .filter_map(|d| d.br_port().map(|p| p.port_no))
        .collect();
    let port_no = (1..).find(|n| !used.contains(n)).unwrap_or(1);
    let list_seq = dev_mut(k, net, br).br_mut().map_or(0, |b| {
        b.next_port_seq += 1;
        b.next_port_seq
    });
    let d = dev_mut(k, net, port);
    d.allmulti += 1;
    d.master = Some(br);
    d.rx_handler_data = Some(RxHandlerData::BridgePort(BrPort {
        port_no,
        designated_bridge: bridge_id,
        designated_root,
        designated_cost,
        designated_age: 0,
        topology_change_ack: false,
        config_pending: false,
        state: BR_STATE_DISABLED,
        timers: Default::default(),
        list_seq,
        vlgrp: None,
        // new_nbp and br_init_port: the default priority, the port designated.
        priority: BR_DEFAULT_PORT_PRIORITY,
        port_id: super::br_make_port_id(BR_DEFAULT_PORT_PRIORITY, port_no),
        designated_port: super::br_make_port_id(BR_DEFAULT_PORT_PRIORITY, port_no),
        // port_cost: a veth's 10 Gb/s.
        path_cost: 2,
        flags: BR_LEARNING | BR_FLOOD | BR_MCAST_FLOOD | BR_BCAST_FLOOD,
        group_fwd_mask: 0,
        multicast_router: crate::uapi::if_bridge::MDB_RTR_TYPE_TEMP_QUERY,
        ip4_rlist: false,
        ip6_rlist: false,
        mcast_eht_hosts_limit: BR_MCAST_DEFAULT_EHT_HOSTS_LIMIT,
        mcast_max_groups: 0,
        backup_nhid: 0,
    }));
    call_netdevice_notifiers(k, net, port, NetdevEvent::ChangeUpper)?;
    dev_mut(k, net, port).promiscuity += 1;
    rtmsg_ifinfo_flags(k, net, port, IFF_PROMISC)?;
    // netdev_update_features (br_features_recompute): the features change when the first
    // port arrives (all modeled ports are veths, which agree), so only then is
    // NETDEV_FEAT_CHANGE sent. With the common upper-device computation this happens at the
    // end instead.
    let common_upper = k.features.has(Feature::BrCommonUpperFeatures);
    if used.is_empty() && !common_upper {
        call_netdevice_notifiers(k, net, br, NetdevEvent::FeatChange)?;
    }
    // br_fdb_add_local: the port's address (a failure is only logged).
    let port_addr = k.dev(net, port).map(|d| d.addr.clone()).unwrap_or_default();
    let _ = super::br_fdb::fdb_add_local(k, net, br, Some(port), &port_addr, 0)?;
    nbp_vlan_init(k, net, port)?;
    let changed_addr = br_stp_recalculate_bridge_id(k, net, br)?;
    if port_oper_up(k, net, port) && dev_up(k, net, br) {
        br_stp_enable_port(k, net, port)?;
    }
    crate::dev::process_backlog(k)?;
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)?;
    if changed_addr {
        call_netdevice_notifiers(k, net, br, NetdevEvent::ChangeAddr)?;
    }
    br_mtu_auto_adjust(k, net, br)?;
    // br_set_gso_limits: the bridge's TSO limit follows its ports (no event of its own).
    let tso = dev_mut(k, net, port).tso_max_size;
    dev_mut(k, net, br).tso_max_size = tso;
    if common_upper {
        // netdev_compute_master_upper_features: netdev_change_features announces the
        // features whether or not they changed.
        call_netdevice_notifiers(k, net, br, NetdevEvent::FeatChange)?;
    }
    Ok(())
}

/// `br_del_if` (`del_nbp`): promiscuity and allmulti dropped (notified), the port disabled and
/// removed (PF_BRIDGE NEWLINK then DELLINK), its VLANs flushed (`nbp_vlan_flush`), the upper
/// link gone (NETDEV_CHANGEUPPER), and the bridge's features event when its last port left
/// (after every port where the release computes an upper device's features in common), unless
/// the bridge itself is going. A port whose own device is being unregistered gets no
/// RTM_NEWLINK of its own (only registered devices are announced), just the PF_BRIDGE pair.
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
    crate::dev::process_backlog(k)?;
    br_ifinfo_notify(k, net, port, RTM_DELLINK)?;
    nbp_vlan_flush(k, net, port)?;
    // br_fdb_delete_by_port: every entry of the port, its local one passing to another holder
    // of the address (the bridge keeps the address it took from the port).
    super::br_fdb::br_fdb_delete_by_port(k, net, br, Some(port), 0, true)?;
    // br_multicast_del_port, before the port goes (its router state was already dropped by
    // br_stp_disable_port: nothing more to announce).
    super::br_multicast::br_multicast_del_port(k, net, port)?;
    let d = dev_mut(k, net, port);
    d.master = None;
    d.rx_handler_data = None;
    if !port_going {
        call_netdevice_notifiers(k, net, port, NetdevEvent::ChangeUpper)?;
    }
    let ports_left = k.devices(net).any(|d| d.master == Some(br));
    if bridge_going {
        return Ok(());
    }
    br_mtu_auto_adjust(k, net, br)?;
    if br_stp_recalculate_bridge_id(k, net, br)? {
        call_netdevice_notifiers(k, net, br, NetdevEvent::ChangeAddr)?;
    }
    // netdev_update_features announces a change (the last port gone);
    // netdev_compute_master_upper_features always does.
    if !ports_left || k.features.has(Feature::BrCommonUpperFeatures) {
        call_netdevice_notifiers(k, net, br, NetdevEvent::FeatChange)?;
    }
    Ok(())
}

/// `br_port_flags_change`: a change of the automatic flags recounts the automatic ports
/// (`nbp_update_port_count`, whose `br_manage_promisc` keeps every port promiscuous while
/// VLAN filtering is off, as it always is in the model: nothing changes); neighbour
/// suppression is recomputed (no state the model shows).
pub(crate) fn br_port_flags_change(changed_mask: u32) {
    if changed_mask & super::port_flags::BR_AUTO_MASK != 0 {
        // nbp_update_port_count -> br_manage_promisc: every port stays promiscuous.
    }
}

/// `nbp_backup_change`: a backup port must be a port (ENOENT) of the same bridge, not the
/// port itself (EINVAL); clearing a backup that is not set changes nothing. Redirecting
/// traffic to a backup port (and its IFLA_BRPORT_BACKUP_PORT) is not modeled.
pub(crate) fn nbp_backup_change(
    k: &Kernel,
    net: NetId,
    port: u32,
    backup: Option<u32>,
) -> SysResult<()> {
    let Some(backup) = backup else {
        return Ok(());
    };
    let br = k.dev(net, port).and_then(|d| d.master);
    let Some(bd) = k.dev(net, backup).filter(|d| d.br_port().is_some()) else {
        return Err(Errno::ENOENT.into());
    };
    if bd.master != br || backup == port {
        return Err(Errno::EINVAL.into());
    }
    Err(crate::errno::unimplemented(
        "a bridge port's backup port (IFLA_BRPORT_BACKUP_PORT)",
    ))
}
