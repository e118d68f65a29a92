//! The spanning tree's interface to the rest of the bridge (`net/bridge/br_stp_if.c`):
//! enabling and disabling ports, and the bridge id (`br_stp_change_bridge_id`,
//! `br_stp_recalculate_bridge_id`).

use super::br_netlink::br_ifinfo_notify;
use super::br_stp::br_port_state_selection;
use super::{dev_mut, port_mut, BR_STATE_BLOCKING, BR_STATE_DISABLED};
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::uapi::if_ether::ETH_ALEN;
use crate::uapi::rtnetlink::RTM_NEWLINK;

/// `br_stp_enable_port`: `br_init_port` (blocking), the port states selected again, and the
/// port announced.
pub(crate) fn br_stp_enable_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    if let Some(p) = port_mut(k, net, port) {
        p.state = BR_STATE_BLOCKING;
    }
    if let Some(br) = dev_mut(k, net, port).master {
        br_port_state_selection(k, net, br)?;
    }
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)
}

/// `br_stp_disable_port`: made the designated port of its segment first
/// (`br_become_designated_port`: the bridge's id as designated root and bridge, its own port
/// id), then disabled and announced (its timers still showing), then the timers stop and the
/// port states are selected again.
pub(crate) fn br_stp_disable_port(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    let bridge_id = dev_mut(k, net, port)
        .master
        .and_then(|br| k.dev(net, br))
        .and_then(|d| d.br())
        .map(|b| b.bridge_id);
    if let Some(p) = port_mut(k, net, port) {
        if let Some(id) = bridge_id {
            p.bridge_id = id;
        }
        p.designated_port = p.port_id;
        p.state = BR_STATE_DISABLED;
    }
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)?;
    if let Some(p) = port_mut(k, net, port) {
        p.forward_delay_timer = 0;
    }
    super::br_multicast::br_multicast_disable_port(k, net, port)?;
    match dev_mut(k, net, port).master {
        Some(br) => br_port_state_selection(k, net, br),
        None => Ok(()),
    }
}

/// `br_stp_change_bridge_id`: the bridge takes `addr` as its device address and bridge id;
/// ports that held the old id as designated root and bridge follow; the port states are
/// selected again (the carrier follows whether a port forwards).
pub fn br_stp_change_bridge_id(k: &mut Kernel, net: NetId, br: u32, addr: &[u8]) -> SysResult<()> {
    if k.dev(net, br).is_some_and(|d| d.br().is_some()) {
        super::br_fdb::br_fdb_change_mac_address(k, net, br, addr)?;
    }
    let bridge = dev_mut(k, net, br);
    let Some(b) = bridge.br_mut() else {
        return Ok(());
    };
    let old = b.bridge_id;
    b.bridge_id[2..].copy_from_slice(addr);
    let new = b.bridge_id;
    bridge.addr = addr.to_vec();
    for d in k.net_mut(net).devices.devs.values_mut() {
        if d.master != Some(br) {
            continue;
        }
        if let Some(p) = d.br_port_mut().filter(|p| p.bridge_id[2..] == old[2..]) {
            p.bridge_id = new;
        }
    }
    br_port_state_selection(k, net, br)
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
/// port with it while the port is designated. (A port whose new id beats the designated
/// one's becomes designated: every port of a lone bridge already is.)
pub(crate) fn br_stp_set_port_priority(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    newprio: u16,
) -> SysResult<()> {
    if newprio > BR_MAX_PORT_PRIORITY {
        return Err(crate::errno::Errno::ERANGE.into());
    }
    if let Some(p) = port_mut(k, net, port) {
        let new_port_id = super::br_make_port_id(newprio, p.port_no);
        // br_is_designated_port: the port holds the bridge's id as designated bridge.
        if p.designated_port == p.port_id {
            p.designated_port = new_port_id;
        }
        p.port_id = new_port_id;
        p.priority = newprio;
    }
    Ok(())
}

/// `BR_MIN_PATH_COST`, `BR_MAX_PATH_COST`.
const BR_PATH_COST_RANGE: std::ops::RangeInclusive<u32> = 1..=65535;

/// `br_stp_set_path_cost`: 1 to 65535 (ERANGE), now the user's (BR_ADMIN_COST); the
/// configuration is updated (`br_configuration_update`: a lone bridge stays root, every
/// port designated at cost 0) and the port states selected again.
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
        Some(br) => br_port_state_selection(k, net, br),
        None => Ok(()),
    }
}

/// `br_stp_start`: in a namespace other than the first, or in BR_STP_MODE_KERNEL, the kernel's
/// STP (`BR_KERNEL_STP`); in BR_STP_MODE_USER, user space's (`BR_USER_STP`, no helper run).
/// The forward delay is brought within 2 to 30 s first. A bridge that is up would start its
/// hello timer (`unimplemented`); the port states are selected again (no port: the carrier
/// goes off).
fn br_stp_start(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    use crate::uapi::if_bridge::{BR_STP_MODE_AUTO, BR_STP_MODE_USER};
    let hz = u64::from(k.timers.hz());
    let up = k
        .dev(net, br)
        .is_some_and(crate::netdevice::NetDevice::is_up);
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
    b.stp_enabled = super::BR_KERNEL_STP;
    if up {
        return Err(crate::errno::unimplemented(
            "br_stp_start on a bridge that is up (the hello timer)",
        ));
    }
    br_port_state_selection(k, net, br)
}

/// `br_stp_stop`: STP off; leaving user space's STP selects the port states again.
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

/// `br_stp_set_bridge_priority`: the bridge id's priority; the ports that are not disabled
/// (all designated on a lone bridge) take the new id as designated bridge and root
/// (`br_configuration_update`); the port states are selected again.
pub(crate) fn br_stp_set_bridge_priority(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    newprio: u16,
) -> SysResult<()> {
    let Some(b) = dev_mut(k, net, br).br_mut() else {
        return Ok(());
    };
    b.bridge_id[..2].copy_from_slice(&newprio.to_be_bytes());
    let new = b.bridge_id;
    for d in k.net_mut(net).devices.devs.values_mut() {
        if d.master != Some(br) {
            continue;
        }
        if let Some(p) = d.br_port_mut().filter(|p| p.state != BR_STATE_DISABLED) {
            p.bridge_id = new;
        }
    }
    br_port_state_selection(k, net, br)
}
