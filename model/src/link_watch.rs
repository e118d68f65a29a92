//! Link watch (`net/core/link_watch.c`): how a device's operstate follows its carrier.
//!
//! A carrier change of a registered device queues the device on `lweventlist`
//! (`linkwatch_fire_event`); the link watch work later runs the queue (`linkwatch_do_dev`): the
//! operstate follows the carrier (`rfc2863_policy`) and, for a device that is up, NETDEV_CHANGE
//! runs and an RTM_NEWLINK (change 0) announces the new state.
//!
//! On the kernel the work runs asynchronously: at once for urgent events (a running device
//! with a lower or peer device, such as a veth), otherwise at most once a second, system-wide;
//! it needs the RTNL, so it never runs inside a request. An RTM_GETLINK for one device runs
//! that device's pending event first (`linkwatch_sync_dev`), and unregistering a device drops
//! its event (the device is down by then, so nothing is announced).
//!
//! The model's choice: the work runs as soon as the request that queued the events is done
//! (after its acks, see `rtnetlink_rcv`), in queue order, urgent or not. That is the state the
//! kernel reaches once link watch has run, which is what a client sees after an RTM_GETLINK of
//! the device, or after waiting a second. What the model never shows is the kernel's window in
//! between: a listener that reads before the work ran, or a device brought up again within a
//! second of going down, which on the kernel still holds (and reports) its old operstate.

use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{NetDevice, NetDevices};
use crate::uapi::if_::*;

/// `default_operstate`: UP with carrier; without, DOWN, or LOWERLAYERDOWN when the device has
/// a lower device (its iflink) that has no carrier either.
pub fn default_operstate(devs: &NetDevices, dev: &NetDevice) -> u8 {
    if dev.carrier {
        return IF_OPER_UP;
    }
    let iflink = dev.dev_get_iflink();
    if iflink == dev.ifindex {
        return IF_OPER_DOWN;
    }
    match devs.by_index(iflink) {
        Some(lower) if !lower.carrier => IF_OPER_LOWERLAYERDOWN,
        _ => IF_OPER_DOWN,
    }
}

/// `linkwatch_fire_event`: queue the device (once) for the link watch work.
pub fn linkwatch_fire_event(k: &mut Kernel, net: NetId, ifindex: u32) {
    if !k.lweventlist.contains(&(net, ifindex)) {
        k.lweventlist.push((net, ifindex));
    }
}

/// `linkwatch_event` (`__linkwatch_run_queue`): handle every queued device in queue order.
pub fn linkwatch_event(k: &mut Kernel) -> SysResult<()> {
    while !k.lweventlist.is_empty() {
        let (net, ifindex) = k.lweventlist.remove(0);
        linkwatch_do_dev(k, net, ifindex)?;
    }
    Ok(())
}

/// `linkwatch_sync_dev`: handle the device's queued event now, if it has one.
pub fn linkwatch_sync_dev(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some(at) = k.lweventlist.iter().position(|&e| e == (net, ifindex)) else {
        return Ok(());
    };
    k.lweventlist.remove(at);
    linkwatch_do_dev(k, net, ifindex)
}

/// The device is unregistered: its queued event goes (`netdev_run_todo` syncs it while the
/// device is down, which announces nothing).
pub fn linkwatch_forget_dev(k: &mut Kernel, net: NetId, ifindex: u32) {
    k.lweventlist.retain(|&e| e != (net, ifindex));
}

/// `rfc2863_policy`: the operstate the carrier implies (an UP becomes DORMANT or TESTING in
/// those link modes).
fn rfc2863_policy(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(dev) = k.dev(net, ifindex) else {
        return;
    };
    let mut operstate = default_operstate(&k.net(net).devices, dev);
    if operstate == IF_OPER_UP {
        operstate = match dev.link_mode {
            IF_LINK_MODE_DORMANT => IF_OPER_DORMANT,
            IF_LINK_MODE_TESTING => IF_OPER_TESTING,
            _ => operstate,
        };
    }
    if let Some(d) = k.dev_mut(net, ifindex) {
        d.operstate = operstate;
    }
}

/// `linkwatch_do_dev`: the operstate follows the carrier; a device that is up then has its
/// qdisc (de)activated, which the model does not show, and announces its state
/// (`netdev_state_change`).
pub fn linkwatch_do_dev(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    rfc2863_policy(k, net, ifindex);
    let up = k.dev(net, ifindex).is_some_and(|d| d.flags & IFF_UP != 0);
    if up {
        crate::dev::netdev_state_change(k, net, ifindex)?;
    }
    Ok(())
}
