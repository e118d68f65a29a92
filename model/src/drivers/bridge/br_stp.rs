//! The spanning tree (`net/bridge/br_stp.c`) as a bridge without STP runs it: every enabled
//! port is designated. The bridge's STP parameters (`br_set_*`) are kept and checked; the
//! state machine with STP on (BPDUs, listening and learning on the timers) is not modeled:
//! a port enabled on a bridge running STP answers `unimplemented`.

use super::br_netlink::br_ifinfo_notify;
use super::{
    br_ports, dev_mut, port_mut, NetBridge, BR_NO_STP, BR_STATE_BLOCKING, BR_STATE_DISABLED,
    BR_STATE_FORWARDING,
};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::timer::{clock_t_to_jiffies, jiffies_to_clock_t};
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

/// `br_set_hello_time`: `val` USER_HZ ticks, 1 to 10 s (ERANGE); in use at once (a lone bridge
/// is root).
pub(crate) fn br_set_hello_time(b: &mut NetBridge, hz: u32, val: u32) -> SysResult<()> {
    let t = clock_t_to_jiffies(hz, u64::from(val));
    if !hello_time_range(u64::from(hz)).contains(&t) {
        return Err(Errno::ERANGE.into());
    }
    b.bridge_hello_time = t;
    b.hello_time = t;
    Ok(())
}

/// `br_set_max_age`: 6 to 40 s (ERANGE).
pub(crate) fn br_set_max_age(b: &mut NetBridge, hz: u32, val: u32) -> SysResult<()> {
    let t = clock_t_to_jiffies(hz, u64::from(val));
    if !max_age_range(u64::from(hz)).contains(&t) {
        return Err(Errno::ERANGE.into());
    }
    b.bridge_max_age = t;
    b.max_age = t;
    Ok(())
}

/// `__br_set_forward_delay`: the bridge's forward delay, in use at once (root).
pub(crate) fn __br_set_forward_delay(b: &mut NetBridge, t: u64) {
    b.bridge_forward_delay = t;
    b.forward_delay = t;
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

/// `br_port_state_selection` without STP: every enabled port is designated (a lone bridge is
/// its own root), so a blocking one forwards at once (`br_make_forwarding`: announced, then its
/// forward delay timer starts); the bridge has carrier while a port forwards.
pub(crate) fn br_port_state_selection(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    let hz = k.timers.hz();
    let (stp, forward_delay) = k
        .dev(net, br)
        .and_then(|d| d.br())
        .map_or((BR_NO_STP, 0), |b| (b.stp_enabled, b.forward_delay));
    let mut liveports = 0;
    for port in br_ports(k, net, br) {
        let Some(state) = port_mut(k, net, port).map(|p| p.state) else {
            continue;
        };
        if state == BR_STATE_DISABLED {
            continue;
        }
        if stp != BR_NO_STP {
            return Err(crate::errno::unimplemented(
                "the spanning tree with STP on (an enabled port of a bridge running STP)",
            ));
        }
        if state == BR_STATE_BLOCKING {
            if let Some(p) = port_mut(k, net, port) {
                p.state = BR_STATE_FORWARDING;
                p.forward_delay_timer = 0;
            }
            br_ifinfo_notify(k, net, port, RTM_NEWLINK)?;
            if let Some(p) = port_mut(k, net, port) {
                p.forward_delay_timer = jiffies_to_clock_t(hz, forward_delay);
            }
        }
        if port_mut(k, net, port).is_some_and(|p| p.state != BR_STATE_BLOCKING) {
            super::br_multicast::br_multicast_enable_port(k, net, port)?;
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
