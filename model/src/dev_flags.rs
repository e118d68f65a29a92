//! Device flags and up/down (`net/core/dev.c`: `dev_change_flags`, `__dev_change_flags`,
//! `__dev_open`, `__dev_close`, `__dev_notify_flags`, and what the NETDEV_UP / NETDEV_DOWN
//! notifiers change in what a link message reports).
//!
//! Modeled: the flags a user sets directly (DEBUG, NOTRAILERS, NOARP, DYNAMIC, MULTICAST,
//! PORTSEL, AUTOMEDIA) on any device; up and down for `lo` and for a veth whose peer is down.
//! Not modeled (answered `unimplemented`): PROMISC and ALLMULTI through the flags, a veth whose
//! peer is up (the carrier comes on and link watch announces it asynchronously), bridges
//! (their timers start running), and `lo` while anyone listens to rtnetlink groups other than
//! RTNLGRP_LINK (the kernel then announces 127.0.0.1 and ::1 and their routes: addresses are
//! not modeled).

use crate::errno::{SysError, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{IFF_LOOPBACK, IFF_MULTICAST, IFF_UP, IF_READY};
use crate::rtnetlink::notify::rtmsg_ifinfo_event;

/// `IFF_DEBUG`, `IFF_NOTRAILERS`, `IFF_NOARP`, `IFF_PROMISC`, `IFF_ALLMULTI`, `IFF_PORTSEL`,
/// `IFF_AUTOMEDIA`, `IFF_DYNAMIC`.
const IFF_DEBUG: u32 = 0x4;
const IFF_NOTRAILERS: u32 = 0x20;
const IFF_NOARP: u32 = 0x80;
const IFF_PROMISC: u32 = 0x100;
const IFF_ALLMULTI: u32 = 0x200;
const IFF_PORTSEL: u32 = 0x2000;
const IFF_AUTOMEDIA: u32 = 0x4000;
const IFF_DYNAMIC: u32 = 0x8000;
/// The flags `__dev_change_flags` takes from the request as they are.
const USER_FLAGS: u32 = IFF_DEBUG
    | IFF_NOTRAILERS
    | IFF_NOARP
    | IFF_DYNAMIC
    | IFF_MULTICAST
    | IFF_PORTSEL
    | IFF_AUTOMEDIA;
/// `IFF_VOLATILE`: the flags the device reports but the user does not set (LOOPBACK,
/// POINTOPOINT, BROADCAST, ECHO, MASTER, SLAVE, RUNNING, LOWER_UP, DORMANT).
const IFF_VOLATILE: u32 =
    IFF_LOOPBACK | 0x10 | 0x2 | 0x4_0000 | 0x400 | 0x800 | 0x40 | 0x1_0000 | 0x2_0000;
/// `RTNLGRP_LINK`.
const RTNLGRP_LINK: u32 = 1;

fn unsupported(what: &'static str) -> SysError {
    SysError::Unimplemented(what)
}

/// `dev_change_flags`: apply `flags` (the combined request, see `rtnl_dev_combine_flags`) and
/// announce what changed: one RTM_NEWLINK with `ifi_change` set to the changed bits, built
/// before the NETDEV_UP / NETDEV_DOWN notifiers run.
pub fn dev_change_flags(k: &mut Kernel, net: NetId, ifindex: u32, flags: u32) -> SysResult<()> {
    let Some(dev) = k.nets[net.0].devices.by_index(ifindex) else {
        return Ok(());
    };
    let old = dev.flags;
    // The model keeps no user promiscuity or allmulti (`gflags` is 0): asking for either
    // would move the device's counters.
    if flags & (IFF_PROMISC | IFF_ALLMULTI) != 0 {
        return Err(unsupported("PROMISC / ALLMULTI through the link flags"));
    }
    let up_change = (old ^ flags) & IFF_UP != 0;
    if up_change {
        dev_open_close_supported(k, net, ifindex, flags & IFF_UP != 0)?;
    }
    // __dev_change_flags
    if let Some(d) = k.nets[net.0].devices.devs.get_mut(&ifindex) {
        d.flags =
            (flags & USER_FLAGS) | (old & (IFF_UP | IFF_VOLATILE | IFF_PROMISC | IFF_ALLMULTI));
    }
    if up_change {
        if old & IFF_UP != 0 {
            __dev_close(k, net, ifindex);
        } else {
            __dev_open(k, net, ifindex);
        }
    }
    __dev_notify_flags(k, net, ifindex, old)
}

/// Whether the model can open (`up`) or close the device: see the module's list.
fn dev_open_close_supported(k: &Kernel, net: NetId, ifindex: u32, up: bool) -> SysResult<()> {
    let devs = &k.nets[net.0].devices;
    let dev = devs.by_index(ifindex).expect("looked up");
    match dev.kind {
        None if dev.flags & IFF_LOOPBACK != 0 => {
            if route_listeners_beyond_link(k, net) {
                return Err(unsupported(
                    "lo up/down with listeners of rtnetlink address or route groups \
                     (addresses and routes are not modeled)",
                ));
            }
            Ok(())
        }
        Some("veth") => {
            let peer_up = dev
                .peer
                .and_then(|p| devs.by_index(p))
                .is_some_and(|p| p.flags & IFF_UP != 0);
            if up && peer_up {
                return Err(unsupported(
                    "bringing up a veth whose peer is up (the carrier comes on and link watch \
                     announces it asynchronously)",
                ));
            }
            Ok(())
        }
        Some("bridge") => Err(unsupported(
            "bringing a bridge up or down (its STP and multicast timers run)",
        )),
        _ => Err(unsupported("up/down of this kind of device")),
    }
}

/// Does a NETLINK_ROUTE socket of `net` listen to a group other than RTNLGRP_LINK?
fn route_listeners_beyond_link(k: &Kernel, net: NetId) -> bool {
    let route = crate::uapi::netlink::NETLINK_ROUTE as usize;
    k.nl_table[route].mc_list.iter().any(|&s| {
        let sk = k.sk(s);
        sk.net == net && (1..=sk.ngroups).any(|g| g != RTNLGRP_LINK && sk.in_group(g))
    })
}

/// `__dev_open`: the device is up; `dev_activate` attaches the default qdisc (`noqueue` for
/// the modeled devices, all IFF_NO_QUEUE). A veth opens with its peer down: no carrier.
fn __dev_open(k: &mut Kernel, net: NetId, ifindex: u32) {
    if let Some(d) = k.nets[net.0].devices.devs.get_mut(&ifindex) {
        d.flags |= IFF_UP;
        d.qdisc = "noqueue";
    }
}

/// `__dev_close`: the device is down; its qdisc stays attached. A veth drops both carriers,
/// which are already off when only one side was up.
fn __dev_close(k: &mut Kernel, net: NetId, ifindex: u32) {
    if let Some(d) = k.nets[net.0].devices.devs.get_mut(&ifindex) {
        d.flags &= !IFF_UP;
    }
}

/// `__dev_notify_flags`: RTM_NEWLINK with the changed bits, then NETDEV_UP / NETDEV_DOWN:
/// IPv6 marks a ready device (`addrconf_notify`: running with carrier, a real qdisc) with
/// IF_READY on the way up and clears it on the way down.
fn __dev_notify_flags(k: &mut Kernel, net: NetId, ifindex: u32, old: u32) -> SysResult<()> {
    let Some(dev) = k.nets[net.0].devices.by_index(ifindex) else {
        return Ok(());
    };
    let changes = old ^ dev.flags;
    if changes != 0 {
        rtmsg_ifinfo_event(k, net, ifindex, changes, None)?;
    }
    if changes & IFF_UP != 0 {
        if let Some(d) = k.nets[net.0].devices.devs.get_mut(&ifindex) {
            if d.flags & IFF_UP != 0 {
                if d.carrier && d.qdisc != "noop" {
                    d.inet6.if_flags |= IF_READY;
                }
            } else {
                d.inet6.if_flags &= !IF_READY;
            }
        }
    }
    Ok(())
}
