//! The spanning tree's interface to the rest of the bridge (`net/bridge/br_stp_if.c`): the
//! bridge and its ports enabled and disabled, STP started and stopped, the bridge id
//! (`br_stp_change_bridge_id`, `br_stp_recalculate_bridge_id`), priorities and path costs.

use super::br_netlink::br_ifinfo_notify;
use super::br_stp::{
    __br_set_topology_change, br_become_designated_port, br_become_root_bridge,
    br_config_bpdu_generation, br_configuration_update, br_is_root_bridge, br_port_state_selection,
    br_set_state,
};
use super::br_stp_timer::{br_del_timer, br_mod_timer, port_del_timer, BrTimer, PortTimer};
use super::{br_ports, dev_mut, port_mut, BR_KERNEL_STP, BR_STATE_BLOCKING, BR_STATE_DISABLED};
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::uapi::if_ether::ETH_ALEN;
use crate::uapi::rtnetlink::RTM_NEWLINK;

/// `br_init_port`: the port id from priority and number, the port designated, blocking, its
/// acknowledgement and pending flags clear.
fn br_init_port(k: &mut Kernel, net: NetId, port: u32) {
    if let Some(p) = port_mut(k, net, port) {
        p.port_id = super::br_make_port_id(p.priority, p.port_no);
    }
    br_become_designated_port(k, net, port);
    br_set_state(k, net, port, BR_STATE_BLOCKING);
    if let Some(p) = port_mut(k, net, port) {
        p.topology_change_ack = false;
        p.config_pending = false;
    }
}

/// `br_stp_enable_bridge`: with the kernel's STP the hello timer starts; the garbage
/// collection is the caller's; configuration BPDUs go out of the enabled designated ports, then
/// every port whose device runs and is operationally up is enabled, in `port_list` order.
pub(crate) fn br_stp_enable_bridge(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let Some(b) = k.dev(net, br).and_then(|d| d.br()) else {
        return Ok(());
    };
    if b.stp_enabled == BR_KERNEL_STP {
        let at = k.jiffies() + b.hello_time;
        br_mod_timer(k, net, br, BrTimer::Hello, at);
    }
    br_config_bpdu_generation(k, net, br)?;
    for port in br_ports(k, net, br) {
        if super::port_oper_up(k, net, port) {
            br_stp_enable_port(k, net, port)?;
        }
    }
    Ok(())
}

/// `br_stp_disable_bridge`: every port not yet disabled is, in `port_list` order; the topology
/// change ends and the bridge's timers stop.
pub(crate) fn br_stp_disable_bridge(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    for port in br_ports(k, net, br) {
        if port_mut(k, net, port).is_some_and(|p| p.state != BR_STATE_DISABLED) {
            br_stp_disable_port(k, net, port)?;
        }
    }
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        __br_set_topology_change(b, false);
        b.topology_change_detected = false;
    }
    for t in [BrTimer::Hello, BrTimer::TopologyChange, BrTimer::Tcn] {
        br_del_timer(k, net, br, t);
    }
    Ok(())
}

/// `br_stp_enable_port`: `br_init_port` (blocking), the port states selected again, and the
/// port announced.
pub(crate) fn br_stp_enable_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    br_init_port(k, net, port);
    if let Some(br) = dev_mut(k, net, port).master {
        br_port_state_selection(k, net, br)?;
    }
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)
}

/// `br_stp_disable_port`: made the designated port of its segment, disabled and announced
/// (its timers still showing), then its timers stop, it leaves multicast, the tree is computed
/// again and the port states selected; a bridge that became root by it acts as root.
pub(crate) fn br_stp_disable_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    let Some(br) = dev_mut(k, net, port).master else {
        return Ok(());
    };
    let wasroot = br_is_root_bridge(k, net, br);
    br_become_designated_port(k, net, port);
    br_set_state(k, net, port, BR_STATE_DISABLED);
    if let Some(p) = port_mut(k, net, port) {
        p.topology_change_ack = false;
        p.config_pending = false;
    }
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)?;
    for t in [
        PortTimer::MessageAge,
        PortTimer::ForwardDelay,
        PortTimer::Hold,
    ] {
        port_del_timer(k, net, port, t);
    }
    // The port's learned entries go (`br_fdb_delete_by_port`, no backup port in the model).
    super::br_fdb::br_fdb_delete_by_port(k, net, br, Some(port), 0, false)?;
    super::br_multicast::br_multicast_disable_port(k, net, port)?;
    br_configuration_update(k, net, br)?;
    br_port_state_selection(k, net, br)?;
    if br_is_root_bridge(k, net, br) && !wasroot {
        br_become_root_bridge(k, net, br)?;
    }
    Ok(())
}

/// `br_stp_change_bridge_id`: the bridge takes `addr` as its device address and bridge id;
/// ports that held the old address as designated bridge or root follow; the tree is computed
/// again and the port states selected (the carrier follows whether a port forwards); a bridge
/// that became root by it acts as root.
pub fn br_stp_change_bridge_id(k: &mut Kernel, net: NetId, br: u32, addr: &[u8]) -> SysResult<()> {
    if k.dev(net, br).is_none_or(|d| d.br().is_none()) {
        return Ok(());
    }
    let wasroot = br_is_root_bridge(k, net, br);
    super::br_fdb::br_fdb_change_mac_address(k, net, br, addr)?;
    let bridge = dev_mut(k, net, br);
    let Some(b) = bridge.br_mut() else {
        return Ok(());
    };
    let old = b.bridge_id;
    b.bridge_id[2..].copy_from_slice(addr);
    bridge.addr = addr.to_vec();
    for d in k.net_mut(net).devices.devs.values_mut() {
        if d.master != Some(br) {
            continue;
        }
        if let Some(p) = d.br_port_mut() {
            if p.designated_bridge[2..] == old[2..] {
                p.designated_bridge[2..].copy_from_slice(addr);
            }
            if p.designated_root[2..] == old[2..] {
                p.designated_root[2..].copy_from_slice(addr);
            }
        }
    }
    br_configuration_update(k, net, br)?;
    br_port_state_selection(k, net, br)?;
    if br_is_root_bridge(k, net, br) && !wasroot {
        br_become_root_bridge(k, net, br)?;
    }
    Ok(())
}

/// `br_stp_recalculate_bridge_id`: unless the user set the bridge's address, its id follows
/// the lowest port address (all zeros with no port); true when it changed.
pub(crate) fn br_stp_recalculate_bridge_id(k: &mut Kernel, net: NetId, br: u32) -> SysResult<bool> {
    let Some(bridge) = k.dev(net, br) else {
        return Ok(false);
    };
    let Some(b) = bridge.br().filter(|_| !bridge.addr_set) else {
        return Ok(false);
    };
    let lowest = k
        .devices(net)
        .filter(|d| d.master == Some(br) && d.br_port().is_some())
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

/// `BR_MAX_PORT_PRIORITY`.
const BR_MAX_PORT_PRIORITY: u16 = (1 << (16 - super::BR_PORT_BITS)) - 1;

/// `br_stp_set_port_priority`: at most 63 (ERANGE); the port id follows, and the designated
/// port with it while the port is designated; a port whose new id beats the designated one of
/// its segment, where this bridge is the designated bridge, becomes designated and the port
/// states are selected again.
pub(crate) fn br_stp_set_port_priority(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    newprio: u16,
) -> SysResult<()> {
    if newprio > BR_MAX_PORT_PRIORITY {
        return Err(crate::errno::Errno::ERANGE.into());
    }
    let Some(br) = dev_mut(k, net, port).master else {
        return Ok(());
    };
    let designated = super::br_stp::br_is_designated_port(k, net, port);
    let bridge_id = k.dev(net, br).and_then(|d| d.br()).map(|b| b.bridge_id);
    let Some(p) = port_mut(k, net, port) else {
        return Ok(());
    };
    let new_port_id = super::br_make_port_id(newprio, p.port_no);
    if designated {
        p.designated_port = new_port_id;
    }
    p.port_id = new_port_id;
    p.priority = newprio;
    if Some(p.designated_bridge) == bridge_id && p.port_id < p.designated_port {
        br_become_designated_port(k, net, port);
        br_port_state_selection(k, net, br)?;
    }
    Ok(())
}

/// `BR_MIN_PATH_COST`, `BR_MAX_PATH_COST`.
const BR_PATH_COST_RANGE: std::ops::RangeInclusive<u32> = 1..=65535;

/// `br_stp_set_path_cost`: 1 to 65535 (ERANGE), now the user's (BR_ADMIN_COST); the tree is
/// computed again and the port states selected.
pub(crate) fn br_stp_set_path_cost(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    path_cost: u32,
) -> SysResult<()> {
    if !BR_PATH_COST_RANGE.contains(&path_cost) {
        return Err(crate::errno::Errno::ERANGE.into());
    }
    let Some(p) = port_mut(k, net, port) else {
        return Ok(());
    };
    p.flags |= super::port_flags::BR_ADMIN_COST;
    p.path_cost = path_cost;
    match dev_mut(k, net, port).master {
        Some(br) => {
            br_configuration_update(k, net, br)?;
            br_port_state_selection(k, net, br)
        }
        None => Ok(()),
    }
}

/// `br_stp_start`: in a namespace other than the first, or in BR_STP_MODE_KERNEL, the kernel's
/// STP (`BR_KERNEL_STP`); in BR_STP_MODE_USER, user space's (`BR_USER_STP`, no helper run).
/// The forward delay is brought within 2 to 30 s first. With the kernel's STP a bridge that is
/// up starts its hello timer, and the port states are selected again (no port: the carrier
/// goes off).
fn br_stp_start(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    use crate::uapi::if_bridge::{BR_STP_MODE_AUTO, BR_STP_MODE_USER};
    let hz = u64::from(k.timers.hz());
    let up = super::dev_up(k, net, br);
    let Some(b) = dev_mut(k, net, br).br_mut() else {
        return Ok(());
    };
    if b.stp_mode == BR_STP_MODE_AUTO && net == crate::kernel::INIT_NET {
        return Err(crate::errno::unimplemented(
            "br_stp_start in the first namespace (the bridge-stp helper)",
        ));
    }
    let range = super::br_stp::forward_delay_range(hz);
    let clamped = b.bridge_forward_delay.clamp(*range.start(), *range.end());
    if clamped != b.bridge_forward_delay {
        super::br_stp::__br_set_forward_delay(b, clamped);
    }
    if b.stp_mode == BR_STP_MODE_USER {
        b.stp_enabled = super::BR_USER_STP;
        return Ok(());
    }
    b.stp_enabled = BR_KERNEL_STP;
    let hello_time = b.hello_time;
    if up {
        let at = k.jiffies() + hello_time;
        br_mod_timer(k, net, br, BrTimer::Hello, at);
    }
    br_port_state_selection(k, net, br)
}

/// `br_stp_stop`: STP off; leaving user space's STP selects the port states again. (The
/// kernel's timers run out on their own: a hello timer still pending fires once, sending
/// nothing, and is not armed again.)
fn br_stp_stop(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let Some(b) = dev_mut(k, net, br).br_mut() else {
        return Ok(());
    };
    let was_user = b.stp_enabled == super::BR_USER_STP;
    if was_user {
        br_port_state_selection(k, net, br)?;
    }
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        b.stp_enabled = super::BR_NO_STP;
    }
    Ok(())
}

/// `br_stp_set_enabled`: any non-zero value starts STP if it is off, zero stops it if it is on
/// (no MRP in the model to refuse it).
pub(crate) fn br_stp_set_enabled(k: &mut Kernel, net: NetId, br: u32, val: u32) -> SysResult<()> {
    let Some(enabled) = k.dev(net, br).and_then(|d| d.br()).map(|b| b.stp_enabled) else {
        return Ok(());
    };
    match (val != 0, enabled != super::BR_NO_STP) {
        (true, false) => br_stp_start(k, net, br),
        (false, true) => br_stp_stop(k, net, br),
        _ => Ok(()),
    }
}

/// `br_stp_set_bridge_priority`: the enabled designated ports take the new priority in their
/// designated bridge id, the bridge id takes it, the tree is computed again and the port states
/// selected; a bridge that became root by it acts as root.
pub(crate) fn br_stp_set_bridge_priority(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    newprio: u16,
) -> SysResult<()> {
    if k.dev(net, br).is_none_or(|d| d.br().is_none()) {
        return Ok(());
    }
    let wasroot = br_is_root_bridge(k, net, br);
    for port in br_ports(k, net, br) {
        let designated = super::br_stp::br_is_designated_port(k, net, port);
        if let Some(p) = port_mut(k, net, port).filter(|p| p.state != BR_STATE_DISABLED) {
            if designated {
                p.designated_bridge[..2].copy_from_slice(&newprio.to_be_bytes());
            }
        }
    }
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        b.bridge_id[..2].copy_from_slice(&newprio.to_be_bytes());
    }
    br_configuration_update(k, net, br)?;
    br_port_state_selection(k, net, br)?;
    if br_is_root_bridge(k, net, br) && !wasroot {
        br_become_root_bridge(k, net, br)?;
    }
    Ok(())
}
