//! Carrier changes (`net/sched/sch_generic.c`: `netif_carrier_on`, `netif_carrier_off`): each
//! real change is counted and handed to link watch.

use crate::kernel::{Kernel, NetId};
use crate::link_watch::linkwatch_fire_event;

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
