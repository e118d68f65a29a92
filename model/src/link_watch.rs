//! Link watch (`net/core/link_watch.c`): how a device's operstate follows its carrier, later.
//!
//! A carrier change of a registered device queues the device, once, on the system-wide
//! `lweventlist` (`linkwatch_fire_event`) and schedules the link watch work
//! (`linkwatch_schedule_work`). The work (`linkwatch_event`) handles the queued devices
//! (`linkwatch_do_dev`): the operstate follows the carrier (`rfc2863_policy`), the qdisc is
//! (de)activated, and a device that is up announces its state (`netdev_state_change`:
//! NETDEV_CHANGE and an RTM_NEWLINK with change 0).
//!
//! When the work runs:
//! - An **urgent** event (`linkwatch_urgent_event`: a running device with a lower or peer
//!   device, such as a veth, or one whose carrier came on while its qdisc waits for it) sets
//!   LW_URGENT and runs the work at once. If the last full run was less than a second ago, that
//!   run handles only the urgent devices and puts the others back
//!   (`__linkwatch_run_queue(urgent_only)`).
//! - Other events are coalesced: the work runs at `linkwatch_nextevent`, a second (HZ) after
//!   the last full run, or at once when that is past (a freshly booted kernel's first run is
//!   immediate: `linkwatch_nextevent` starts at 0, far behind `INITIAL_JIFFIES`).
//!
//! On the kernel "at once" means on a worker, as soon as the request holding the RTNL is done;
//! the model runs it when the system call ends ([`crate::workqueue`]). Until the work runs, a
//! device keeps its old operstate: one brought up without carrier shows RUNNING with operstate
//! UNKNOWN. An RTM_GETLINK of one device runs that device's event first, from the release
//! that synchronizes it (`linkwatch_sync_dev`), and an unregistered device's event goes with
//! it (`netdev_run_todo`; the device is down by then, so nothing is announced).

use std::collections::{HashMap, VecDeque};

use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{NetDevice, NetDevices};
use crate::profile::{Feature, FeatureSet};
use crate::timer::{time_after, TimerArg};
use crate::uapi::if_::*;
use crate::workqueue::{mod_delayed_work, queue_delayed_work, WorkStruct};

/// `MAX_DO_DEV_PER_LOOP`: devices one run handles (twice as many in an urgent run); the rest
/// wait for the next run.
const MAX_DO_DEV_PER_LOOP: usize = 100;

/// Link watch's global state (`linkwatch_flags`, `linkwatch_nextevent`, `lweventlist`).
#[derive(Debug, Default)]
pub struct LinkWatch {
    /// `LW_URGENT` in `linkwatch_flags`: urgent work is scheduled.
    urgent: bool,
    /// `linkwatch_nextevent`: the jiffies before which only urgent events are handled.
    nextevent: u64,
    /// `lweventlist`: the devices waiting, in the order their events came (an entry whose
    /// device was synced or forgotten since is stale and skipped, see `pending`).
    list: VecDeque<Entry>,
    /// The run's own list (`wrk` in `__linkwatch_run_queue`): devices taken off `lweventlist`
    /// by the running work and not handled yet; still pending.
    wrk: VecDeque<Entry>,
    /// `__LINK_STATE_LINKWATCH_PENDING` of each queued device: the stamp of its live entry
    /// (a bit per device in the kernel: no walk of the list to know it).
    pending: HashMap<(NetId, u32), u64>,
    /// The next entry's stamp.
    next_stamp: u64,
}

/// A queued device and the stamp that tells its live entry from stale ones.
type Entry = ((NetId, u32), u64);

impl LinkWatch {
    /// Whether the device's event is pending (`__LINK_STATE_LINKWATCH_PENDING`).
    fn pending(&self, dev: (NetId, u32)) -> bool {
        self.pending.contains_key(&dev)
    }

    /// Whether `e` is its device's live entry.
    fn live(&self, e: &Entry) -> bool {
        self.pending.get(&e.0) == Some(&e.1)
    }

    /// `linkwatch_add_event`: queue the device at the end, pending.
    fn add(&mut self, dev: (NetId, u32)) {
        let stamp = self.next_stamp;
        self.next_stamp += 1;
        self.pending.insert(dev, stamp);
        self.list.push_back((dev, stamp));
    }

    /// Take the device off the queue (its entry becomes stale); whether it was pending.
    fn remove(&mut self, dev: (NetId, u32)) -> bool {
        self.pending.remove(&dev).is_some()
    }

    /// Whether any device waits.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// `linkwatch_work`: the delayed work running [`linkwatch_event`].
const LINKWATCH_WORK: WorkStruct = WorkStruct {
    name: "linkwatch_event",
    func: linkwatch_event,
    arg: TimerArg::GLOBAL,
};

/// `default_operstate`: UP with carrier; without, DOWN, or LOWERLAYERDOWN when the device has
/// a lower device (its iflink): on releases before "only report IF_OPER_LOWERLAYERDOWN if
/// iflink is actually down" whatever that device's state, after only when the lower device
/// exists and has no carrier either. (No modeled kind shows the difference yet: a veth and its
/// peer gain and lose carrier together; a vlan or macvlan on a lower device would.)
pub fn default_operstate(features: FeatureSet, devs: &NetDevices, dev: &NetDevice) -> u8 {
    if dev.carrier {
        return IF_OPER_UP;
    }
    let iflink = dev.dev_get_iflink();
    if iflink == dev.ifindex {
        return IF_OPER_DOWN;
    }
    if !features.has(Feature::LinkwatchLowerLayerDownOnlyIfLowerDown) {
        return IF_OPER_LOWERLAYERDOWN;
    }
    match devs.by_index(iflink) {
        Some(lower) if !lower.carrier => IF_OPER_LOWERLAYERDOWN,
        _ => IF_OPER_DOWN,
    }
}

/// `rfc2863_policy`: the operstate the carrier implies, when it differs from the device's
/// (an UP becomes DORMANT or TESTING in those link modes).
fn rfc2863_policy(features: FeatureSet, devs: &NetDevices, dev: &NetDevice) -> u8 {
    let operstate = default_operstate(features, devs, dev);
    if operstate == dev.operstate {
        return operstate;
    }
    match (dev.link_mode, operstate) {
        (IF_LINK_MODE_DORMANT, IF_OPER_UP) => IF_OPER_DORMANT,
        (IF_LINK_MODE_TESTING, IF_OPER_UP) => IF_OPER_TESTING,
        _ => operstate,
    }
}

/// [`rfc2863_policy`] on a registered device.
fn rfc2863_policy_dev(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(dev) = k.dev(net, ifindex) else {
        return;
    };
    let operstate = rfc2863_policy(k.features, &k.net(net).devices, dev);
    if let Some(d) = k.dev_mut(net, ifindex) {
        d.operstate = operstate;
    }
}

/// `linkwatch_init_dev`: a device registered without carrier takes the operstate that implies
/// at once (`register_netdevice`, before the device is listed).
pub fn linkwatch_init_dev(features: FeatureSet, devs: &NetDevices, dev: &mut NetDevice) {
    if !dev.carrier {
        dev.operstate = rfc2863_policy(features, devs, dev);
    }
}

/// `linkwatch_urgent_event`: the event of a running device that has a lower or peer device, or
/// whose carrier is on while its queues still wait for their qdisc (`qdisc_tx_changing`).
fn linkwatch_urgent_event(k: &Kernel, net: NetId, ifindex: u32) -> bool {
    let Some(dev) = k.dev(net, ifindex) else {
        return false;
    };
    if !dev.netif_running() {
        return false;
    }
    if dev.ifindex != dev.dev_get_iflink() {
        return true;
    }
    // No modeled device is a LAG port or master.
    dev.carrier && crate::sch_generic::qdisc_tx_changing(dev)
}

/// `linkwatch_schedule_work`: run the work at once for an urgent event (unless urgent work is
/// already scheduled); otherwise at `linkwatch_nextevent`, or at once when that is more than
/// a second away (it is then in the past, wrapped), keeping a timer already armed.
fn linkwatch_schedule_work(k: &mut Kernel, urgent: bool) {
    let mut delay = k.linkwatch.nextevent.wrapping_sub(k.jiffies());
    if k.linkwatch.urgent {
        return;
    }
    if urgent {
        k.linkwatch.urgent = true;
        delay = 0;
    }
    if delay > u64::from(k.timers.hz()) {
        delay = 0;
    }
    if k.linkwatch.urgent {
        mod_delayed_work(k, LINKWATCH_WORK, 0);
    } else {
        queue_delayed_work(k, LINKWATCH_WORK, delay);
    }
}

/// `linkwatch_do_dev`: the operstate follows the carrier; a device that is up has its qdisc
/// activated (carrier) or deactivated (none) and announces its state (`netdev_state_change`).
fn linkwatch_do_dev(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    rfc2863_policy_dev(k, net, ifindex);
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    if dev.flags & IFF_UP != 0 {
        if dev.carrier {
            crate::sch_generic::dev_activate(k, net, ifindex);
        } else {
            crate::sch_generic::dev_deactivate(k, net, ifindex);
        }
        crate::dev::netdev_state_change(k, net, ifindex)?;
    }
    Ok(())
}

/// `__linkwatch_run_queue`: handle the queued devices in order, at most
/// `MAX_DO_DEV_PER_LOOP` (twice that for an urgent run). A full run sets the next one a
/// second (HZ) away; an urgent-only run puts the devices whose events are not urgent back.
/// What remains is scheduled again.
fn __linkwatch_run_queue(k: &mut Kernel, urgent_only: bool) -> SysResult<()> {
    let jiffies = k.jiffies();
    let hz = u64::from(k.timers.hz());
    let mut budget = MAX_DO_DEV_PER_LOOP;
    if urgent_only {
        budget += MAX_DO_DEV_PER_LOOP;
    }
    if !urgent_only {
        k.linkwatch.nextevent = jiffies.wrapping_add(hz);
    } else if time_after(k.linkwatch.nextevent, jiffies.wrapping_add(hz)) {
        // Limit the effect of a wrapped nextevent.
        k.linkwatch.nextevent = jiffies;
    }
    k.linkwatch.urgent = false;
    let list = std::mem::take(&mut k.linkwatch.list);
    k.linkwatch.wrk.extend(list);
    let mut done = Ok(());
    while budget > 0 {
        let Some(entry) = k.linkwatch.wrk.pop_front() else {
            break;
        };
        if !k.linkwatch.live(&entry) {
            continue;
        }
        let (net, ifindex) = entry.0;
        if urgent_only && !linkwatch_urgent_event(k, net, ifindex) {
            k.linkwatch.list.push_back(entry);
            continue;
        }
        k.linkwatch.remove(entry.0);
        done = linkwatch_do_dev(k, net, ifindex);
        budget -= 1;
        if done.is_err() {
            break;
        }
    }
    let rest = std::mem::take(&mut k.linkwatch.wrk);
    k.linkwatch.list.extend(rest);
    let live = &k.linkwatch;
    k.linkwatch.list = live.list.iter().copied().filter(|e| live.live(e)).collect();
    if !k.linkwatch.list.is_empty() {
        linkwatch_schedule_work(k, false);
    }
    done
}

/// `linkwatch_run_queue`: a full run now, under the RTNL (what `netdev_wait_allrefs_any` does
/// for a device going away with its event pending).
pub fn linkwatch_run_queue(k: &mut Kernel) -> SysResult<()> {
    __linkwatch_run_queue(k, false)
}

/// `linkwatch_event`: the work: a full run, or an urgent-only one while `linkwatch_nextevent`
/// is still ahead.
fn linkwatch_event(k: &mut Kernel, _arg: TimerArg) -> SysResult<()> {
    let urgent_only = time_after(k.linkwatch.nextevent, k.jiffies());
    __linkwatch_run_queue(k, urgent_only)
}

/// `linkwatch_fire_event`: queue the device (once) and schedule the work; an urgent event of a
/// device already queued schedules it again, urgently.
pub fn linkwatch_fire_event(k: &mut Kernel, net: NetId, ifindex: u32) {
    let urgent = linkwatch_urgent_event(k, net, ifindex);
    if !k.linkwatch.pending((net, ifindex)) {
        k.linkwatch.add((net, ifindex));
    } else if !urgent {
        return;
    }
    linkwatch_schedule_work(k, urgent);
}

/// `linkwatch_sync_dev`: handle the device's queued event now, if it has one (`rtnl_getlink`,
/// where the release synchronizes it).
pub fn linkwatch_sync_dev(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    if !k.linkwatch.remove((net, ifindex)) {
        return Ok(());
    }
    linkwatch_do_dev(k, net, ifindex)
}

/// The device is unregistered: its queued event goes (`netdev_run_todo` runs it with the
/// device down, which announces nothing: `linkwatch_sync_dev`, `linkwatch_forget_dev` on older
/// releases). The work stays scheduled.
pub fn linkwatch_forget_dev(k: &mut Kernel, net: NetId, ifindex: u32) {
    k.linkwatch.remove((net, ifindex));
}

/// The device moved to another namespace (`__dev_change_net_namespace`): its queued event,
/// if any, stays queued where it was (the kernel's queue holds the device itself), now for
/// the device where it lives.
pub fn linkwatch_dev_moved(k: &mut Kernel, from: (NetId, u32), to: (NetId, u32)) {
    let lw = &mut k.linkwatch;
    let Some(stamp) = lw.pending.remove(&from) else {
        return;
    };
    lw.pending.insert(to, stamp);
    for e in lw.list.iter_mut().chain(lw.wrk.iter_mut()) {
        if *e == (from, stamp) {
            e.0 = to;
        }
    }
}
