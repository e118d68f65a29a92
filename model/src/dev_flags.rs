//! Device flags and up/down (`net/core/dev.c`: `dev_change_flags`, `__dev_change_flags`,
//! `__dev_open`, `__dev_close`, `__dev_notify_flags`, and what the NETDEV_UP / NETDEV_DOWN
//! notifiers change in what a link message reports).
//!
//! Modeled: the flags a user sets directly (DEBUG, NOTRAILERS, NOARP, DYNAMIC, MULTICAST,
//! PORTSEL, AUTOMEDIA) on any device; up and down for `lo` and for veths (with the peer up,
//! both carriers follow and link watch settles and announces the new states, see
//! `link_watch`); closing
//! the devices a deletion takes (`dev_close_many`); PROMISC and ALLMULTI as the user asks for
//! them (`gflags`, with the device's counters).

use crate::dev::{call_netdevice_notifiers, NetdevEvent};
use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::rtnetlink::notify::{rtmsg_ifinfo_event, Report};
use crate::uapi::if_::*;

/// The flags `__dev_change_flags` takes from the request as they are.
const USER_FLAGS: u32 = IFF_DEBUG
    | IFF_NOTRAILERS
    | IFF_NOARP
    | IFF_DYNAMIC
    | IFF_MULTICAST
    | IFF_PORTSEL
    | IFF_AUTOMEDIA;
/// `dev_change_flags`: apply `flags` (the combined request, see `rtnl_dev_combine_flags`) and
/// announce what changed, the user's PROMISC / ALLMULTI included: one RTM_NEWLINK with
/// `ifi_change` set to the changed bits, built before the notifiers run.
pub fn dev_change_flags(k: &mut Kernel, net: NetId, ifindex: u32, flags: u32) -> SysResult<()> {
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let (old, old_gflags) = (dev.flags, dev.gflags);
    __dev_change_flags(k, net, ifindex, flags)?;
    let dev = k.dev(net, ifindex).expect("still there");
    let gchanges = (old ^ dev.flags) | (old_gflags ^ dev.gflags);
    __dev_notify_flags(k, net, ifindex, old, gchanges, None)
}

/// `__dev_change_flags`: the user's flags, then open or close, then the user's PROMISC and
/// ALLMULTI (also when opening failed, whose error is returned after).
pub fn __dev_change_flags(k: &mut Kernel, net: NetId, ifindex: u32, flags: u32) -> SysResult<()> {
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let old = dev.flags;
    let up_change = (old ^ flags) & IFF_UP != 0;
    if let Some(d) = k.dev_mut(net, ifindex) {
        d.flags =
            (flags & USER_FLAGS) | (old & (IFF_UP | IFF_VOLATILE | IFF_PROMISC | IFF_ALLMULTI));
    }
    let mut opened = Ok(());
    if up_change {
        if old & IFF_UP != 0 {
            __dev_close(k, net, ifindex)?;
        } else {
            opened = __dev_open(k, net, ifindex);
        }
    }
    if let Some(d) = k.dev_mut(net, ifindex) {
        // __dev_set_promiscuity / __dev_set_allmulti without their own notification; the
        // counters cannot overflow here (each user request is one count).
        let wanted = flags;
        let follow = |flag: u32, gflags: &mut u32, count: &mut u32| {
            if (wanted ^ *gflags) & flag != 0 {
                *gflags ^= flag;
                if wanted & flag != 0 {
                    *count += 1;
                } else {
                    *count -= 1;
                }
            }
        };
        follow(IFF_PROMISC, &mut d.gflags, &mut d.promiscuity);
        follow(IFF_ALLMULTI, &mut d.gflags, &mut d.allmulti);
    }
    opened
}

/// `__dev_open`: the device runs (`__LINK_STATE_START`), `ndo_open` (a veth without its peer
/// yet is ENOTCONN; one whose peer is up turns both carriers on), then the device is up and
/// `dev_activate` attaches the default qdisc: `noqueue` for a device that needs none
/// (IFF_NO_QUEUE), else the host's default.
fn __dev_open(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some((ops, txqs)) = k.dev(net, ifindex).map(|d| (d.netdev_ops, d.num_tx_queues)) else {
        return Ok(());
    };
    if !ops.no_queue && txqs > 1 {
        // attach_default_qdiscs: a multiqueue device gets `mq` with a child per queue.
        return Err(crate::errno::unimplemented(
            "the default qdisc of a multiqueue device (mq)",
        ));
    }
    set_running(k, net, ifindex, true);
    if let Some(open) = ops.ndo_open {
        if let Err(e) = open(k, net, ifindex) {
            set_running(k, net, ifindex, false);
            return Err(e);
        }
    }
    if let Some(d) = k.dev_mut(net, ifindex) {
        d.flags |= IFF_UP;
        d.been_up = true;
    }
    crate::sch_generic::dev_activate(k, net, ifindex);
    Ok(())
}

fn set_running(k: &mut Kernel, net: NetId, ifindex: u32, running: bool) {
    if let Some(d) = k.dev_mut(net, ifindex) {
        d.running = running;
    }
}

/// `__dev_close` (`__dev_close_many` for one device).
pub fn __dev_close(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    __dev_close_many(k, net, &[ifindex])
}

/// `__dev_close_many`: every device of `list` stops running first, their queues are
/// deactivated, then each in turn is stopped (`ndo_stop`: a veth turns both carriers off) and
/// is down; the qdisc stays attached.
fn __dev_close_many(k: &mut Kernel, net: NetId, list: &[u32]) -> SysResult<()> {
    for &ifindex in list {
        set_running(k, net, ifindex, false);
    }
    for &ifindex in list {
        crate::sch_generic::dev_deactivate(k, net, ifindex);
    }
    for &ifindex in list {
        if let Some(stop) = k.dev(net, ifindex).and_then(|d| d.netdev_ops.ndo_stop) {
            stop(k, net, ifindex)?;
        }
        if let Some(d) = k.dev_mut(net, ifindex) {
            d.flags &= !IFF_UP;
        }
    }
    Ok(())
}

/// `dev_close_many`: close the devices of `list` that are up, together, then for each an
/// RTM_NEWLINK with change UP|RUNNING (whatever it was) and NETDEV_DOWN.
pub fn dev_close_many(k: &mut Kernel, net: NetId, list: &[u32]) -> SysResult<()> {
    let up: Vec<u32> = list
        .iter()
        .copied()
        .filter(|&i| k.dev(net, i).is_some_and(|d| d.flags & IFF_UP != 0))
        .collect();
    __dev_close_many(k, net, &up)?;
    for &ifindex in &up {
        rtmsg_ifinfo_event(k, net, ifindex, IFF_UP | IFF_RUNNING, 0, None)?;
        call_netdevice_notifiers(k, net, ifindex, NetdevEvent::Down)?;
    }
    Ok(())
}

/// `__dev_notify_flags`: RTM_NEWLINK with `gchanges` (the changed bits, the user's PROMISC /
/// ALLMULTI included; ~0 for a new link, with the requester's echo), then NETDEV_UP /
/// NETDEV_DOWN, then, for a device that is up and changed other flags (NOARP, DEBUG...),
/// NETDEV_CHANGE.
pub fn __dev_notify_flags(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    old: u32,
    gchanges: u32,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let changes = old ^ dev.flags;
    let now_up = dev.flags & IFF_UP != 0;
    if gchanges != 0 {
        rtmsg_ifinfo_event(k, net, ifindex, gchanges, 0, report)?;
    }
    if changes & IFF_UP != 0 {
        let event = if now_up {
            NetdevEvent::Up
        } else {
            NetdevEvent::Down
        };
        call_netdevice_notifiers(k, net, ifindex, event)?;
    }
    if now_up && changes & !(IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_VOLATILE) != 0 {
        let flags_changed = changes & !IFF_VOLATILE;
        call_netdevice_notifiers(k, net, ifindex, NetdevEvent::Change { flags_changed })?;
    }
    Ok(())
}
