//! The spanning tree (`net/bridge/br_stp.c`): the bridge's STP parameters (`br_set_*`), root
//! and designated port selection, the port states (blocking, listening, learning,
//! forwarding), topology changes, and what a received BPDU does. Without STP every enabled
//! port is designated and forwards at once; with the kernel's STP the ports go through
//! listening and learning on the forward delay timer ([`super::br_stp_timer`]) and the
//! bridges of a segment elect a root from the BPDUs they exchange
//! ([`super::br_stp_bpdu`]).

use super::br_netlink::br_ifinfo_notify;
use super::br_stp_bpdu::{br_send_config_bpdu, br_send_tcn_bpdu, BrConfigBpdu};
use super::br_stp_timer::{
    br_del_timer, br_mod_timer, port_del_timer, port_mod_timer, port_timer_pending, BrTimer,
    PortTimer,
};
use super::{
    br_ports, dev_mut, port_mut, BrPort, NetBridge, BR_KERNEL_STP, BR_NO_STP, BR_STATE_BLOCKING,
    BR_STATE_DISABLED, BR_STATE_FORWARDING, BR_STATE_LEARNING, BR_STATE_LISTENING, BR_USER_STP,
};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::timer::clock_t_to_jiffies;
use crate::uapi::rtnetlink::RTM_NEWLINK;

/// `BR_MIN_HELLO_TIME` .. `BR_MAX_HELLO_TIME`: 1 to 10 s, in jiffies at `hz`.
fn hello_time_range(hz: u64) -> std::ops::RangeInclusive<u64> {
    hz..=10 * hz
}

/// `BR_MIN_MAX_AGE` .. `BR_MAX_MAX_AGE`: 6 to 40 s.
fn max_age_range(hz: u64) -> std::ops::RangeInclusive<u64> {
    6 * hz..=40 * hz
}

/// `BR_MIN_FORWARD_DELAY` .. `BR_MAX_FORWARD_DELAY`: 2 to 30 s.
pub(crate) fn forward_delay_range(hz: u64) -> std::ops::RangeInclusive<u64> {
    2 * hz..=30 * hz
}

/// `br_set_hello_time`: `val` USER_HZ ticks, 1 to 10 s (ERANGE); in use at once while the
/// bridge is root (otherwise the root's is).
pub(crate) fn br_set_hello_time(b: &mut NetBridge, hz: u32, val: u32) -> SysResult<()> {
    let t = clock_t_to_jiffies(hz, u64::from(val));
    if !hello_time_range(u64::from(hz)).contains(&t) {
        return Err(Errno::ERANGE.into());
    }
    b.bridge_hello_time = t;
    if b.is_root_bridge() {
        b.hello_time = t;
    }
    Ok(())
}

/// `br_set_max_age`: 6 to 40 s (ERANGE); in use at once while root.
pub(crate) fn br_set_max_age(b: &mut NetBridge, hz: u32, val: u32) -> SysResult<()> {
    let t = clock_t_to_jiffies(hz, u64::from(val));
    if !max_age_range(u64::from(hz)).contains(&t) {
        return Err(Errno::ERANGE.into());
    }
    b.bridge_max_age = t;
    if b.is_root_bridge() {
        b.max_age = t;
    }
    Ok(())
}

/// `__br_set_forward_delay`: the bridge's forward delay, in use at once while root.
pub(crate) fn __br_set_forward_delay(b: &mut NetBridge, t: u64) {
    b.bridge_forward_delay = t;
    if b.is_root_bridge() {
        b.forward_delay = t;
    }
}

/// `__br_set_topology_change`: the flag; while the kernel's STP runs, a topology change
/// starting shortens the ageing time to twice the forward delay and its end restores the
/// bridge's own.
pub(crate) fn __br_set_topology_change(b: &mut NetBridge, val: bool) {
    if b.stp_enabled == BR_KERNEL_STP && b.topology_change != val {
        b.ageing_time = if val {
            2 * b.forward_delay
        } else {
            b.bridge_ageing_time
        };
    }
    b.topology_change = val;
}

/// `br_set_forward_delay`: any value without STP; 2 to 30 s while STP runs (ERANGE).
pub(crate) fn br_set_forward_delay(b: &mut NetBridge, hz: u32, val: u32) -> SysResult<()> {
    let t = clock_t_to_jiffies(hz, u64::from(val));
    if b.stp_enabled != BR_NO_STP && !forward_delay_range(u64::from(hz)).contains(&t) {
        return Err(Errno::ERANGE.into());
    }
    __br_set_forward_delay(b, t);
    Ok(())
}

/// `br_set_ageing_time`: any value (no switchdev to refuse it); the garbage collection runs at
/// once (`mod_delayed_work`), whether the bridge is up or not.
pub(crate) fn br_set_ageing_time(k: &mut Kernel, net: NetId, br: u32, val: u32) -> SysResult<()> {
    let hz = k.timers.hz();
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        let t = clock_t_to_jiffies(hz, u64::from(val));
        b.bridge_ageing_time = t;
        b.ageing_time = t;
    }
    super::br_fdb::br_gc_run_now(k, net, br);
    Ok(())
}

/// `MESSAGE_AGE_INCR`: what a bridge adds to the age of the root's information it passes on.
fn message_age_incr(hz: u32) -> u64 {
    u64::from(hz) / 256 + 1
}

impl NetBridge {
    /// `br_is_root_bridge`: the bridge knows no better root than itself.
    pub fn is_root_bridge(&self) -> bool {
        self.designated_root == self.bridge_id
    }

    /// `br_is_designated_port`: the port holds the bridge's id and its own port id as
    /// designated bridge and port.
    pub fn is_designated_port(&self, p: &BrPort) -> bool {
        p.designated_bridge == self.bridge_id && p.designated_port == p.port_id
    }
}

/// The bridge `br`'s state; the caller knows it is one.
fn bridge(k: &Kernel, net: NetId, br: u32) -> &NetBridge {
    k.dev(net, br)
        .and_then(|d| d.br())
        .expect("a listed bridge")
}

/// The bridge `br`'s state, to change.
fn bridge_mut(k: &mut Kernel, net: NetId, br: u32) -> &mut NetBridge {
    dev_mut(k, net, br).br_mut().expect("a listed bridge")
}

/// The port `port`'s state, a copy (ports are small).
fn port(k: &Kernel, net: NetId, port: u32) -> Option<BrPort> {
    k.dev(net, port).and_then(|d| d.br_port()).cloned()
}

/// The bridge of a port.
fn master(k: &Kernel, net: NetId, port: u32) -> Option<u32> {
    k.dev(net, port).and_then(|d| d.master)
}

/// `br_is_root_bridge` of the bridge `br`.
pub(crate) fn br_is_root_bridge(k: &Kernel, net: NetId, br: u32) -> bool {
    k.dev(net, br)
        .and_then(|d| d.br())
        .is_some_and(NetBridge::is_root_bridge)
}

/// `br_is_designated_port` of `port`.
pub(crate) fn br_is_designated_port(k: &Kernel, net: NetId, port: u32) -> bool {
    let Some(p) = k.dev(net, port).and_then(|d| d.br_port()) else {
        return false;
    };
    master(k, net, port)
        .and_then(|br| k.dev(net, br))
        .and_then(|d| d.br())
        .is_some_and(|b| b.is_designated_port(p))
}

/// `br_set_state`: the port's state (no MRP, MST or switchdev in the model to involve).
pub(crate) fn br_set_state(k: &mut Kernel, net: NetId, port: u32, state: u8) {
    if let Some(p) = port_mut(k, net, port) {
        p.state = state;
    }
}

/// `br_get_port`: the bridge's port of that number.
fn br_get_port(k: &Kernel, net: NetId, br: u32, port_no: u16) -> Option<u32> {
    br_ports(k, net, br)
        .into_iter()
        .find(|&i| port(k, net, i).is_some_and(|p| p.port_no == port_no))
}

/// `br_should_become_root_port`: an enabled port that is not designated and heard of a root
/// better than this bridge, and beats the root port chosen so far (root, then cost to it,
/// then designated bridge, designated port and own port id, lowest first).
fn br_should_become_root_port(k: &Kernel, net: NetId, br: u32, pi: u32, root_port: u16) -> bool {
    let b = bridge(k, net, br);
    let Some(p) = port(k, net, pi) else {
        return false;
    };
    if p.state == BR_STATE_DISABLED || b.is_designated_port(&p) {
        return false;
    }
    if b.bridge_id <= p.designated_root {
        return false;
    }
    if root_port == 0 {
        return true;
    }
    let Some(rp) = br_get_port(k, net, br, root_port).and_then(|i| port(k, net, i)) else {
        return true;
    };
    let cost = |x: &BrPort| x.designated_cost.wrapping_add(x.path_cost);
    (
        p.designated_root,
        cost(&p),
        p.designated_bridge,
        p.designated_port,
        p.port_id,
    ) < (
        rp.designated_root,
        cost(&rp),
        rp.designated_bridge,
        rp.designated_port,
        rp.port_id,
    )
}

/// `br_root_port_block`: a port guarding against becoming root port (BR_ROOT_BLOCK) listens
/// instead, announced, its forward delay timer started.
fn br_root_port_block(k: &mut Kernel, net: NetId, br: u32, pi: u32) -> SysResult<()> {
    br_set_state(k, net, pi, BR_STATE_LISTENING);
    br_ifinfo_notify(k, net, pi, RTM_NEWLINK)?;
    let fd = bridge(k, net, br).forward_delay;
    if fd > 0 {
        let at = k.jiffies() + fd;
        port_mod_timer(k, net, pi, PortTimer::ForwardDelay, at);
    }
    Ok(())
}

/// `br_root_selection`: the root port is the best candidate in `port_list` order (none: the
/// bridge is root at cost 0); the bridge takes the root and the cost through it.
fn br_root_selection(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let mut root_port = 0;
    for pi in br_ports(k, net, br) {
        if !br_should_become_root_port(k, net, br, pi, root_port) {
            continue;
        }
        let Some(p) = port(k, net, pi) else {
            continue;
        };
        if p.flags & super::port_flags::BR_ROOT_BLOCK != 0 {
            br_root_port_block(k, net, br, pi)?;
        } else {
            root_port = p.port_no;
        }
    }
    let rp = br_get_port(k, net, br, root_port).and_then(|i| port(k, net, i));
    let b = bridge_mut(k, net, br);
    b.root_port = root_port;
    match rp.filter(|_| root_port != 0) {
        None => {
            b.designated_root = b.bridge_id;
            b.root_path_cost = 0;
        }
        Some(p) => {
            b.designated_root = p.designated_root;
            b.root_path_cost = p.designated_cost.wrapping_add(p.path_cost);
        }
    }
    Ok(())
}

/// `br_become_root_bridge`: the bridge's own times in use, a topology change detected, no TCN
/// pending; a bridge that is up sends its configuration BPDUs and starts its hello timer.
pub(crate) fn br_become_root_bridge(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let b = bridge_mut(k, net, br);
    b.max_age = b.bridge_max_age;
    b.hello_time = b.bridge_hello_time;
    b.forward_delay = b.bridge_forward_delay;
    br_topology_change_detection(k, net, br)?;
    br_del_timer(k, net, br, BrTimer::Tcn);
    if super::dev_up(k, net, br) {
        br_config_bpdu_generation(k, net, br)?;
        let at = k.jiffies() + bridge(k, net, br).hello_time;
        br_mod_timer(k, net, br, BrTimer::Hello, at);
    }
    Ok(())
}

/// `br_transmit_config`: a configuration BPDU out of the port, unless its hold timer runs (then
/// it is pending). Its message age is 0 from the root, else the age of the root port's
/// information plus `MESSAGE_AGE_INCR`; information as old as max age is not passed on. Once
/// sent, the acknowledgement and pending flags clear and, with the kernel's STP, the hold timer
/// runs to the next whole second after a second.
pub(crate) fn br_transmit_config(k: &mut Kernel, net: NetId, pi: u32) -> SysResult<()> {
    if port_timer_pending(k, net, pi, PortTimer::Hold) {
        if let Some(p) = port_mut(k, net, pi) {
            p.config_pending = true;
        }
        return Ok(());
    }
    let (Some(p), Some(br)) = (port(k, net, pi), master(k, net, pi)) else {
        return Ok(());
    };
    let b = bridge(k, net, br);
    let hz = k.timers.hz();
    let jiffies = k.jiffies();
    let message_age = if b.is_root_bridge() {
        0
    } else {
        br_get_port(k, net, br, b.root_port)
            .and_then(|i| port(k, net, i))
            .map_or(0, |root| {
                jiffies.wrapping_sub(root.designated_age) + message_age_incr(hz)
            })
    };
    let bpdu = BrConfigBpdu {
        topology_change: b.topology_change,
        topology_change_ack: p.topology_change_ack,
        root: b.designated_root,
        root_path_cost: b.root_path_cost,
        bridge_id: b.bridge_id,
        port_id: p.port_id,
        message_age,
        max_age: b.max_age,
        hello_time: b.hello_time,
        forward_delay: b.forward_delay,
    };
    let kernel_stp = b.stp_enabled == BR_KERNEL_STP;
    if bpdu.message_age < b.max_age {
        br_send_config_bpdu(k, net, pi, &bpdu)?;
        if let Some(p) = port_mut(k, net, pi) {
            p.topology_change_ack = false;
            p.config_pending = false;
        }
        if kernel_stp {
            let at = crate::timer::round_jiffies(hz, jiffies, jiffies + u64::from(hz));
            port_mod_timer(k, net, pi, PortTimer::Hold, at);
        }
    }
    Ok(())
}

/// `br_record_config_information`: the port takes the BPDU's root, cost, bridge and port as
/// its designated ones, dates the information, and expects to hear it again within max age.
fn br_record_config_information(k: &mut Kernel, net: NetId, pi: u32, bpdu: &BrConfigBpdu) {
    let jiffies = k.jiffies();
    if let Some(p) = port_mut(k, net, pi) {
        p.designated_root = bpdu.root;
        p.designated_cost = bpdu.root_path_cost;
        p.designated_bridge = bpdu.bridge_id;
        p.designated_port = bpdu.port_id;
        p.designated_age = jiffies.wrapping_sub(bpdu.message_age);
    }
    let at = jiffies + bpdu.max_age.wrapping_sub(bpdu.message_age);
    port_mod_timer(k, net, pi, PortTimer::MessageAge, at);
}

/// `br_record_config_timeout_values`: the root's times and topology change flag.
fn br_record_config_timeout_values(k: &mut Kernel, net: NetId, br: u32, bpdu: &BrConfigBpdu) {
    let b = bridge_mut(k, net, br);
    b.max_age = bpdu.max_age;
    b.hello_time = bpdu.hello_time;
    b.forward_delay = bpdu.forward_delay;
    __br_set_topology_change(b, bpdu.topology_change);
}

/// `br_transmit_tcn`: a topology change notification out of the root port.
pub(crate) fn br_transmit_tcn(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let root_port = bridge(k, net, br).root_port;
    match br_get_port(k, net, br, root_port) {
        Some(pi) => br_send_tcn_bpdu(k, net, pi),
        None => Ok(()),
    }
}

/// `br_should_become_designated_port`: the port is designated already, or heard of another
/// root, or this bridge offers the segment a better path (cost, then bridge id, then port id).
fn br_should_become_designated_port(b: &NetBridge, p: &BrPort) -> bool {
    if b.is_designated_port(p) || p.designated_root != b.designated_root {
        return true;
    }
    (b.root_path_cost, b.bridge_id, p.port_id)
        < (p.designated_cost, p.designated_bridge, p.designated_port)
}

/// `br_designated_port_selection`: every enabled port that should be designated becomes so.
fn br_designated_port_selection(k: &mut Kernel, net: NetId, br: u32) {
    for pi in br_ports(k, net, br) {
        let Some(p) = port(k, net, pi) else {
            continue;
        };
        if p.state != BR_STATE_DISABLED && br_should_become_designated_port(bridge(k, net, br), &p)
        {
            br_become_designated_port(k, net, pi);
        }
    }
}

/// `br_supersedes_port_info`: the BPDU is better than what the port holds (root, cost,
/// designated bridge, lowest first), or comes from another bridge with the same, or from the
/// same designated port or a lower one.
fn br_supersedes_port_info(b: &NetBridge, p: &BrPort, bpdu: &BrConfigBpdu) -> bool {
    use std::cmp::Ordering::*;
    match (bpdu.root, bpdu.root_path_cost, bpdu.bridge_id).cmp(&(
        p.designated_root,
        p.designated_cost,
        p.designated_bridge,
    )) {
        Less => true,
        Greater => false,
        Equal => bpdu.bridge_id != b.bridge_id || bpdu.port_id <= p.designated_port,
    }
}

/// `br_topology_change_acknowledged`: the root acknowledged the TCN; it is no longer sent.
fn br_topology_change_acknowledged(k: &mut Kernel, net: NetId, br: u32) {
    bridge_mut(k, net, br).topology_change_detected = false;
    br_del_timer(k, net, br, BrTimer::Tcn);
}

/// `br_topology_change_detection`: on a bridge that is up and runs the kernel's STP, the root
/// starts a topology change (for forward delay plus max age); another bridge sends a TCN
/// towards the root once, repeated every hello time until acknowledged.
pub(crate) fn br_topology_change_detection(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let b = bridge(k, net, br);
    if b.stp_enabled != BR_KERNEL_STP || !super::dev_up(k, net, br) {
        return Ok(());
    }
    if b.is_root_bridge() {
        let at = k.jiffies() + b.bridge_forward_delay + b.bridge_max_age;
        __br_set_topology_change(bridge_mut(k, net, br), true);
        br_mod_timer(k, net, br, BrTimer::TopologyChange, at);
    } else if !b.topology_change_detected {
        let at = k.jiffies() + b.bridge_hello_time;
        br_transmit_tcn(k, net, br)?;
        br_mod_timer(k, net, br, BrTimer::Tcn, at);
    }
    bridge_mut(k, net, br).topology_change_detected = true;
    Ok(())
}

/// `br_config_bpdu_generation`: a configuration BPDU out of every enabled designated port.
pub(crate) fn br_config_bpdu_generation(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    for pi in br_ports(k, net, br) {
        let send = port(k, net, pi).is_some_and(|p| {
            p.state != BR_STATE_DISABLED && bridge(k, net, br).is_designated_port(&p)
        });
        if send {
            br_transmit_config(k, net, pi)?;
        }
    }
    Ok(())
}

/// `br_configuration_update`: root selection, then designated port selection.
pub(crate) fn br_configuration_update(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    br_root_selection(k, net, br)?;
    br_designated_port_selection(k, net, br);
    Ok(())
}

/// `br_become_designated_port`: the port takes the bridge's root, cost, id and its own port id
/// as designated.
pub(crate) fn br_become_designated_port(k: &mut Kernel, net: NetId, pi: u32) {
    let Some(br) = master(k, net, pi) else {
        return;
    };
    let b = bridge(k, net, br);
    let (root, cost, id) = (b.designated_root, b.root_path_cost, b.bridge_id);
    if let Some(p) = port_mut(k, net, pi) {
        p.designated_root = root;
        p.designated_cost = cost;
        p.designated_bridge = id;
        p.designated_port = p.port_id;
    }
}

/// `br_make_blocking`: an enabled port not blocking blocks (a learning or forwarding one first
/// makes a topology change), announced, its forward delay timer stopped.
fn br_make_blocking(k: &mut Kernel, net: NetId, br: u32, pi: u32) -> SysResult<()> {
    let Some(state) = port(k, net, pi).map(|p| p.state) else {
        return Ok(());
    };
    if state == BR_STATE_DISABLED || state == BR_STATE_BLOCKING {
        return Ok(());
    }
    if state == BR_STATE_FORWARDING || state == BR_STATE_LEARNING {
        br_topology_change_detection(k, net, br)?;
    }
    br_set_state(k, net, pi, BR_STATE_BLOCKING);
    br_ifinfo_notify(k, net, pi, RTM_NEWLINK)?;
    port_del_timer(k, net, pi, PortTimer::ForwardDelay);
    Ok(())
}

/// `br_make_forwarding`: a blocking port forwards at once without STP (or with no forward
/// delay: a topology change), listens with the kernel's STP, learns with user space's;
/// announced, then its forward delay timer starts.
fn br_make_forwarding(k: &mut Kernel, net: NetId, br: u32, pi: u32) -> SysResult<()> {
    if port(k, net, pi).is_none_or(|p| p.state != BR_STATE_BLOCKING) {
        return Ok(());
    }
    let b = bridge(k, net, br);
    let (stp, fd) = (b.stp_enabled, b.forward_delay);
    if stp == BR_NO_STP || fd == 0 {
        br_set_state(k, net, pi, BR_STATE_FORWARDING);
        br_topology_change_detection(k, net, br)?;
        port_del_timer(k, net, pi, PortTimer::ForwardDelay);
    } else if stp == BR_KERNEL_STP {
        br_set_state(k, net, pi, BR_STATE_LISTENING);
    } else {
        br_set_state(k, net, pi, BR_STATE_LEARNING);
    }
    br_ifinfo_notify(k, net, pi, RTM_NEWLINK)?;
    if fd != 0 {
        let at = k.jiffies() + fd;
        port_mod_timer(k, net, pi, PortTimer::ForwardDelay, at);
    }
    Ok(())
}

/// `br_port_state_selection`: unless user space runs STP, the root port and designated ports
/// head for forwarding (a designated one stops expecting BPDUs) and the others block; ports
/// not blocking take part in multicast; the bridge has carrier while a port forwards.
pub(crate) fn br_port_state_selection(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let mut liveports = 0;
    for pi in br_ports(k, net, br) {
        let Some(p) = port(k, net, pi) else {
            continue;
        };
        if p.state == BR_STATE_DISABLED {
            continue;
        }
        let b = bridge(k, net, br);
        if b.stp_enabled != BR_USER_STP {
            if p.port_no == b.root_port {
                if let Some(p) = port_mut(k, net, pi) {
                    p.config_pending = false;
                    p.topology_change_ack = false;
                }
                br_make_forwarding(k, net, br, pi)?;
            } else if b.is_designated_port(&p) {
                port_del_timer(k, net, pi, PortTimer::MessageAge);
                br_make_forwarding(k, net, br, pi)?;
            } else {
                if let Some(p) = port_mut(k, net, pi) {
                    p.config_pending = false;
                    p.topology_change_ack = false;
                }
                br_make_blocking(k, net, br, pi)?;
            }
        }
        if port(k, net, pi).is_some_and(|p| p.state != BR_STATE_BLOCKING) {
            super::br_multicast::br_multicast_enable_port(k, net, pi)?;
        }
        if port(k, net, pi).is_some_and(|p| p.state == BR_STATE_FORWARDING) {
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

/// `br_topology_change_acknowledge`: a configuration BPDU acknowledging the TCN goes out.
fn br_topology_change_acknowledge(k: &mut Kernel, net: NetId, pi: u32) -> SysResult<()> {
    if let Some(p) = port_mut(k, net, pi) {
        p.topology_change_ack = true;
    }
    br_transmit_config(k, net, pi)
}

/// `br_received_config_bpdu`: better information is recorded and the tree computed again; a
/// root that stops being root stops its hello timer (and passes a detected topology change
/// on as a TCN); information from the root port sets the bridge's times and is passed on
/// from the designated ports, acknowledging a TCN if it says so. Worse information on a
/// designated port is answered with this bridge's own.
pub(crate) fn br_received_config_bpdu(
    k: &mut Kernel,
    net: NetId,
    pi: u32,
    bpdu: &BrConfigBpdu,
) -> SysResult<()> {
    let (Some(p), Some(br)) = (port(k, net, pi), master(k, net, pi)) else {
        return Ok(());
    };
    let was_root = br_is_root_bridge(k, net, br);
    if br_supersedes_port_info(bridge(k, net, br), &p, bpdu) {
        br_record_config_information(k, net, pi, bpdu);
        br_configuration_update(k, net, br)?;
        br_port_state_selection(k, net, br)?;
        if !br_is_root_bridge(k, net, br) && was_root {
            br_del_timer(k, net, br, BrTimer::Hello);
            if bridge(k, net, br).topology_change_detected {
                br_del_timer(k, net, br, BrTimer::TopologyChange);
                br_transmit_tcn(k, net, br)?;
                let at = k.jiffies() + bridge(k, net, br).bridge_hello_time;
                br_mod_timer(k, net, br, BrTimer::Tcn, at);
            }
        }
        let port_no = port(k, net, pi).map_or(0, |p| p.port_no);
        if port_no == bridge(k, net, br).root_port {
            br_record_config_timeout_values(k, net, br, bpdu);
            br_config_bpdu_generation(k, net, br)?;
            if bpdu.topology_change_ack {
                br_topology_change_acknowledged(k, net, br);
            }
        }
    } else if br_is_designated_port(k, net, pi) {
        // br_reply.
        br_transmit_config(k, net, pi)?;
    }
    Ok(())
}

/// `br_received_tcn_bpdu`: a TCN on a designated port is a topology change here too, and is
/// acknowledged.
pub(crate) fn br_received_tcn_bpdu(k: &mut Kernel, net: NetId, pi: u32) -> SysResult<()> {
    if !br_is_designated_port(k, net, pi) {
        return Ok(());
    }
    if let Some(br) = master(k, net, pi) {
        br_topology_change_detection(k, net, br)?;
    }
    br_topology_change_acknowledge(k, net, pi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(prio: u16, last: u8) -> [u8; 8] {
        let mut id = [0, 0, 2, 0, 0, 0, 0, last];
        id[..2].copy_from_slice(&prio.to_be_bytes());
        id
    }

    fn bpdu(root: [u8; 8], cost: u32, bridge_id: [u8; 8], port_id: u16) -> BrConfigBpdu {
        BrConfigBpdu {
            topology_change: false,
            topology_change_ack: false,
            root,
            root_path_cost: cost,
            bridge_id,
            port_id,
            message_age: 0,
            max_age: 5000,
            hello_time: 500,
            forward_delay: 500,
        }
    }

    /// A bridge (priority 0x8000, address ..0a) as a port of it holds its own information.
    fn lone() -> (NetBridge, BrPort) {
        let mut dev =
            crate::netdevice::NetDevice::alloc("br0", 1, &crate::netdevice::NetDeviceOps::NONE);
        super::super::br_device::br_dev_setup(
            &mut dev,
            &mut crate::random::SeededRandom::new(1),
            crate::profile::FeatureSet::default(),
            crate::profile::Profile::default().config,
        );
        let mut b = dev.br().expect("a bridge").clone();
        b.bridge_id = id(0x8000, 0x0a);
        b.designated_root = b.bridge_id;
        let p = BrPort {
            port_no: 1,
            designated_bridge: b.bridge_id,
            designated_root: b.bridge_id,
            designated_cost: 0,
            designated_age: 0,
            topology_change_ack: false,
            config_pending: false,
            state: BR_STATE_LISTENING,
            timers: Default::default(),
            list_seq: 1,
            vlgrp: None,
            priority: 0x20,
            port_id: 0x8001,
            designated_port: 0x8001,
            path_cost: 2,
            flags: 0,
            group_fwd_mask: 0,
            multicast_router: 1,
            ip4_rlist: false,
            ip6_rlist: false,
            mcast_eht_hosts_limit: 512,
            mcast_max_groups: 0,
            backup_nhid: 0,
        };
        (b, p)
    }

    #[test]
    fn a_better_root_supersedes_and_a_worse_one_does_not() {
        let (b, p) = lone();
        assert!(b.is_root_bridge() && b.is_designated_port(&p));
        // Priority first: 0x1000 beats 0x8000 whatever the address.
        let better = id(0x1000, 0x0b);
        assert!(br_supersedes_port_info(
            &b,
            &p,
            &bpdu(better, 0, better, 0x8001)
        ));
        let worse = id(0x8000, 0x0b);
        assert!(!br_supersedes_port_info(
            &b,
            &p,
            &bpdu(worse, 0, worse, 0x8001)
        ));
        // The same information from another bridge supersedes; this bridge's own port id
        // only when it is not higher than the designated port's.
        assert!(br_supersedes_port_info(
            &b,
            &p,
            &bpdu(b.bridge_id, 0, b.bridge_id, 0x8001)
        ));
        assert!(!br_supersedes_port_info(
            &b,
            &p,
            &bpdu(b.bridge_id, 0, b.bridge_id, 0x8002)
        ));
    }

    #[test]
    fn a_port_holding_a_better_path_is_not_designated() {
        let (mut b, mut p) = lone();
        let root = id(0x1000, 0x0b);
        // This bridge reaches the root at cost 2; the segment's designated bridge at cost 0.
        b.designated_root = root;
        b.root_path_cost = 2;
        p.designated_root = root;
        p.designated_cost = 0;
        p.designated_bridge = root;
        p.designated_port = 0x8002;
        assert!(!br_should_become_designated_port(&b, &p));
        // A worse designated bridge at the same cost loses to this bridge's id.
        p.designated_cost = 2;
        p.designated_bridge = id(0x8000, 0x0c);
        assert!(br_should_become_designated_port(&b, &p));
    }
}
