//! Carrier changes and qdisc activation (`net/sched/sch_generic.c`): `netif_carrier_on`,
//! `netif_carrier_off` (each real change is counted and handed to link watch), `dev_activate`
//! and `dev_deactivate` (whether a device's queues send through its root qdisc or wait on
//! `noop_qdisc`, which makes a carrier-on urgent for link watch).

use crate::kernel::{Kernel, NetId};
use crate::link_watch::linkwatch_fire_event;
use crate::netdevice::NetDevice;

/// `netif_carrier_on`: a device without carrier gets it; counted and queued for link watch.
pub fn netif_carrier_on(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(d) = k.dev_mut(net, ifindex) else {
        return;
    };
    if d.carrier {
        return;
    }
    d.carrier = true;
    d.carrier_up_count += 1;
    linkwatch_fire_event(k, net, ifindex);
}

/// `netif_carrier_off`: a device with carrier loses it; counted and queued for link watch.
pub fn netif_carrier_off(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(d) = k.dev_mut(net, ifindex) else {
        return;
    };
    if !d.carrier {
        return;
    }
    d.carrier = false;
    d.carrier_down_count += 1;
    linkwatch_fire_event(k, net, ifindex);
}

/// `qdisc_tx_changing`: a queue sends through `noop_qdisc` while a root qdisc is attached
/// (the device was opened without carrier, or lost it, and waits for `dev_activate`).
pub fn qdisc_tx_changing(dev: &NetDevice) -> bool {
    !dev.qdisc_tx_active && dev.qdisc != "noop"
}

/// `dev_activate`: a device without a qdisc gets its default one (`attach_default_qdiscs`:
/// `noqueue` for a device that needs none, IFF_NO_QUEUE, else the host's default); with
/// carrier its queues then send through it, without they wait for the next carrier-on.
pub fn dev_activate(k: &mut Kernel, net: NetId, ifindex: u32) {
    let default_qdisc = k.profile.host.default_qdisc;
    let Some(d) = k.dev_mut(net, ifindex) else {
        return;
    };
    if d.qdisc == "noop" {
        d.qdisc = if d.netdev_ops.no_queue {
            "noqueue"
        } else {
            default_qdisc
        };
    }
    if d.carrier {
        d.qdisc_tx_active = true;
    }
}

/// `dev_deactivate` (`dev_deactivate_many` for one device): the queues send through
/// `noop_qdisc`; the root qdisc stays attached.
pub fn dev_deactivate(k: &mut Kernel, net: NetId, ifindex: u32) {
    if let Some(d) = k.dev_mut(net, ifindex) {
        d.qdisc_tx_active = false;
    }
}
