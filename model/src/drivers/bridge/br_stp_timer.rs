//! The spanning tree's timers (`net/bridge/br_stp_timer.c`) on the model's clock: the
//! bridge's hello, TCN and topology change timers, each port's message age, forward delay and
//! hold timers, what each does when it expires, and `br_timer_value` for the link dumps.
//!
//! A timer sits in the model's wheel ([`crate::timer`]) under its kernel name with the
//! device's ifindex as argument; the bridge or port keeps its expiry while it is pending (what
//! `timer->expires` and `timer_pending` give the kernel's fill), kept in step by the helpers
//! here, through which every arm and delete goes.

use super::br_netlink::br_ifinfo_notify;
use super::br_stp::{
    __br_set_topology_change, br_become_designated_port, br_become_root_bridge,
    br_config_bpdu_generation, br_configuration_update, br_is_root_bridge, br_port_state_selection,
    br_topology_change_detection, br_transmit_config, br_transmit_tcn,
};
use super::{BR_STATE_DISABLED, BR_STATE_FORWARDING, BR_STATE_LEARNING, BR_STATE_LISTENING};
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::timer::{jiffies_to_clock_t, mod_timer, timer_delete, TimerArg, TimerList};
use crate::uapi::rtnetlink::RTM_NEWLINK;

/// A bridge's timers' expiries (jiffies) while pending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BridgeTimers {
    /// `hello_timer`.
    pub hello: Option<u64>,
    /// `tcn_timer`.
    pub tcn: Option<u64>,
    /// `topology_change_timer`.
    pub topology_change: Option<u64>,
}

/// A port's timers' expiries (jiffies) while pending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PortTimers {
    /// `message_age_timer`.
    pub message_age: Option<u64>,
    /// `forward_delay_timer`.
    pub forward_delay: Option<u64>,
    /// `hold_timer`.
    pub hold: Option<u64>,
}

/// The bridge's timers (`br_stp_timer_init`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BrTimer {
    /// `hello_timer`.
    Hello,
    /// `tcn_timer`.
    Tcn,
    /// `topology_change_timer`.
    TopologyChange,
}

/// A port's timers (`br_stp_port_timer_init`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PortTimer {
    /// `message_age_timer`.
    MessageAge,
    /// `forward_delay_timer`.
    ForwardDelay,
    /// `hold_timer`.
    Hold,
}

/// The wheel's entry of a bridge timer.
fn br_timer_list(net: NetId, br: u32, which: BrTimer) -> TimerList {
    let (name, function): (&'static str, crate::timer::TimerFn) = match which {
        BrTimer::Hello => ("br_hello_timer_expired", br_hello_timer_expired),
        BrTimer::Tcn => ("br_tcn_timer_expired", br_tcn_timer_expired),
        BrTimer::TopologyChange => (
            "br_topology_change_timer_expired",
            br_topology_change_timer_expired,
        ),
    };
    TimerList {
        name,
        function,
        arg: TimerArg {
            net,
            obj: br,
            sub: 0,
        },
    }
}

/// The wheel's entry of a port timer.
fn port_timer_list(net: NetId, port: u32, which: PortTimer) -> TimerList {
    let (name, function): (&'static str, crate::timer::TimerFn) = match which {
        PortTimer::MessageAge => ("br_message_age_timer_expired", br_message_age_timer_expired),
        PortTimer::ForwardDelay => (
            "br_forward_delay_timer_expired",
            br_forward_delay_timer_expired,
        ),
        PortTimer::Hold => ("br_hold_timer_expired", br_hold_timer_expired),
    };
    TimerList {
        name,
        function,
        arg: TimerArg {
            net,
            obj: port,
            sub: 0,
        },
    }
}

fn br_slot(t: &mut BridgeTimers, which: BrTimer) -> &mut Option<u64> {
    match which {
        BrTimer::Hello => &mut t.hello,
        BrTimer::Tcn => &mut t.tcn,
        BrTimer::TopologyChange => &mut t.topology_change,
    }
}

fn port_slot(t: &mut PortTimers, which: PortTimer) -> &mut Option<u64> {
    match which {
        PortTimer::MessageAge => &mut t.message_age,
        PortTimer::ForwardDelay => &mut t.forward_delay,
        PortTimer::Hold => &mut t.hold,
    }
}

/// `mod_timer` of a bridge timer.
pub(crate) fn br_mod_timer(k: &mut Kernel, net: NetId, br: u32, which: BrTimer, expires: u64) {
    let Some(b) = k.dev_mut(net, br).and_then(|d| d.br_mut()) else {
        return;
    };
    *br_slot(&mut b.timers, which) = Some(expires);
    mod_timer(k, br_timer_list(net, br, which), expires);
}

/// `del_timer` of a bridge timer.
pub(crate) fn br_del_timer(k: &mut Kernel, net: NetId, br: u32, which: BrTimer) {
    if let Some(b) = k.dev_mut(net, br).and_then(|d| d.br_mut()) {
        *br_slot(&mut b.timers, which) = None;
    }
    timer_delete(k, br_timer_list(net, br, which));
}

/// `mod_timer` of a port timer.
pub(crate) fn port_mod_timer(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    which: PortTimer,
    expires: u64,
) {
    let Some(p) = k.dev_mut(net, port).and_then(|d| d.br_port_mut()) else {
        return;
    };
    *port_slot(&mut p.timers, which) = Some(expires);
    mod_timer(k, port_timer_list(net, port, which), expires);
}

/// `del_timer` of a port timer.
pub(crate) fn port_del_timer(k: &mut Kernel, net: NetId, port: u32, which: PortTimer) {
    if let Some(p) = k.dev_mut(net, port).and_then(|d| d.br_port_mut()) {
        *port_slot(&mut p.timers, which) = None;
    }
    timer_delete(k, port_timer_list(net, port, which));
}

/// `timer_pending` of a port timer.
pub(crate) fn port_timer_pending(k: &Kernel, net: NetId, port: u32, which: PortTimer) -> bool {
    k.dev(net, port)
        .and_then(|d| d.br_port())
        .is_some_and(|p| match which {
            PortTimer::MessageAge => p.timers.message_age.is_some(),
            PortTimer::ForwardDelay => p.timers.forward_delay.is_some(),
            PortTimer::Hold => p.timers.hold.is_some(),
        })
}

/// The bridge of a port timer's expiry, the port's record of the timer cleared (it is no longer
/// pending); none when the device is no longer a port.
fn port_timer_fired(k: &mut Kernel, arg: TimerArg, which: PortTimer) -> Option<u32> {
    let dev = k.dev_mut(arg.net, arg.obj)?;
    let br = dev.master?;
    *port_slot(&mut dev.br_port_mut()?.timers, which) = None;
    Some(br)
}

/// A bridge timer's expiry: its record cleared; false when the device is no bridge.
fn br_timer_fired(k: &mut Kernel, arg: TimerArg, which: BrTimer) -> bool {
    match k.dev_mut(arg.net, arg.obj).and_then(|d| d.br_mut()) {
        Some(b) => {
            *br_slot(&mut b.timers, which) = None;
            true
        }
        None => false,
    }
}

/// `br_timer_value`: the time left on a pending timer in USER_HZ ticks
/// (`jiffies_delta_to_clock_t`: 0 once due), 0 for a stopped one.
pub(crate) fn br_timer_value(hz: u32, jiffies: u64, expires: Option<u64>) -> u64 {
    match expires {
        Some(e) => {
            let delta = e.wrapping_sub(jiffies) as i64;
            jiffies_to_clock_t(hz, delta.max(0) as u64)
        }
        None => 0,
    }
}

/// `br_is_designated_for_some_port`: some enabled port holds the bridge's id as designated
/// bridge.
fn br_is_designated_for_some_port(k: &Kernel, net: NetId, br: u32) -> bool {
    let Some(id) = k.dev(net, br).and_then(|d| d.br()).map(|b| b.bridge_id) else {
        return false;
    };
    super::br_ports(k, net, br).into_iter().any(|port| {
        k.dev(net, port)
            .and_then(|d| d.br_port())
            .is_some_and(|p| p.state != BR_STATE_DISABLED && p.designated_bridge == id)
    })
}

/// `br_hello_timer_expired`: a bridge that is up sends its configuration BPDUs and, running
/// the kernel's STP, arms the timer again on a whole second (`round_jiffies`).
fn br_hello_timer_expired(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    if !br_timer_fired(k, arg, BrTimer::Hello) {
        return Ok(());
    }
    let (net, br) = (arg.net, arg.obj);
    if !super::dev_up(k, net, br) {
        return Ok(());
    }
    br_config_bpdu_generation(k, net, br)?;
    let Some(b) = k.dev(net, br).and_then(|d| d.br()) else {
        return Ok(());
    };
    if b.stp_enabled == super::BR_KERNEL_STP {
        let hz = k.timers.hz();
        let at = crate::timer::round_jiffies(hz, k.jiffies(), k.jiffies() + b.hello_time);
        br_mod_timer(k, net, br, BrTimer::Hello, at);
    }
    Ok(())
}

/// `br_message_age_timer_expired`: the designated bridge of the port's segment was not heard
/// for max age: the port becomes designated, the tree is computed again, and a bridge that
/// becomes root starts acting as one.
fn br_message_age_timer_expired(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    let Some(br) = port_timer_fired(k, arg, PortTimer::MessageAge) else {
        return Ok(());
    };
    let (net, port) = (arg.net, arg.obj);
    if super::port_mut(k, net, port).is_none_or(|p| p.state == BR_STATE_DISABLED) {
        return Ok(());
    }
    let was_root = br_is_root_bridge(k, net, br);
    br_become_designated_port(k, net, port);
    br_configuration_update(k, net, br)?;
    br_port_state_selection(k, net, br)?;
    if br_is_root_bridge(k, net, br) && !was_root {
        br_become_root_bridge(k, net, br)?;
    }
    Ok(())
}

/// `br_forward_delay_timer_expired`: listening becomes learning (the timer armed again);
/// learning becomes forwarding (a topology change when the bridge is designated for some
/// port, and the bridge's carrier on); the port is announced in every case.
fn br_forward_delay_timer_expired(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    let Some(br) = port_timer_fired(k, arg, PortTimer::ForwardDelay) else {
        return Ok(());
    };
    let (net, port) = (arg.net, arg.obj);
    let forward_delay = k
        .dev(net, br)
        .and_then(|d| d.br())
        .map_or(0, |b| b.forward_delay);
    let state = super::port_mut(k, net, port).map(|p| p.state);
    if state == Some(BR_STATE_LISTENING) {
        super::br_stp::br_set_state(k, net, port, BR_STATE_LEARNING);
        let at = k.jiffies() + forward_delay;
        port_mod_timer(k, net, port, PortTimer::ForwardDelay, at);
    } else if state == Some(BR_STATE_LEARNING) {
        super::br_stp::br_set_state(k, net, port, BR_STATE_FORWARDING);
        if br_is_designated_for_some_port(k, net, br) {
            br_topology_change_detection(k, net, br)?;
        }
        crate::sch_generic::netif_carrier_on(k, net, br);
    }
    br_ifinfo_notify(k, net, port, RTM_NEWLINK)
}

/// `br_tcn_timer_expired`: a bridge that is not root and is up sends its TCN again and arms
/// the timer for another hello time.
fn br_tcn_timer_expired(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    if !br_timer_fired(k, arg, BrTimer::Tcn) {
        return Ok(());
    }
    let (net, br) = (arg.net, arg.obj);
    if !br_is_root_bridge(k, net, br) && super::dev_up(k, net, br) {
        br_transmit_tcn(k, net, br)?;
        let hello = k
            .dev(net, br)
            .and_then(|d| d.br())
            .map_or(0, |b| b.bridge_hello_time);
        let at = k.jiffies() + hello;
        br_mod_timer(k, net, br, BrTimer::Tcn, at);
    }
    Ok(())
}

/// `br_topology_change_timer_expired`: the topology change is over (its flag cleared, the
/// ageing time restored).
fn br_topology_change_timer_expired(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    if !br_timer_fired(k, arg, BrTimer::TopologyChange) {
        return Ok(());
    }
    if let Some(b) = k.dev_mut(arg.net, arg.obj).and_then(|d| d.br_mut()) {
        b.topology_change_detected = false;
        __br_set_topology_change(b, false);
    }
    Ok(())
}

/// `br_hold_timer_expired`: a configuration BPDU held back goes out now.
fn br_hold_timer_expired(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    if port_timer_fired(k, arg, PortTimer::Hold).is_none() {
        return Ok(());
    }
    if super::port_mut(k, arg.net, arg.obj).is_some_and(|p| p.config_pending) {
        br_transmit_config(k, arg.net, arg.obj)?;
    }
    Ok(())
}
