//! Link watch (`net/core/link_watch.c`): how a device's operstate follows its carrier.
//!
//! On the kernel a carrier change of a registered device is queued for the link watch work,
//! which runs asynchronously (at once for urgent events, else within a second) and then, for
//! a device that is up, announces the new state. The model runs that work at once. For a device
//! that is down this is invisible except for the operstate it will report when brought up, so
//! the model's choice is exact there; carrier changes of running devices (a veth whose peer
//! comes up) are not modeled, because the kernel's announcement would come at a moment the
//! model cannot choose.

use crate::kernel::{Kernel, NetId};
use crate::netdevice::{NetDevice, IF_OPER_DOWN, IF_OPER_LOWERLAYERDOWN};

/// `IF_OPER_UP`.
pub const IF_OPER_UP: u8 = 6;

/// `default_operstate`: UP with carrier; without, DOWN, or LOWERLAYERDOWN when the device has
/// a lower device (its iflink) that has no carrier either.
pub fn default_operstate(k: &Kernel, net: NetId, dev: &NetDevice) -> u8 {
    if dev.carrier {
        return IF_OPER_UP;
    }
    let iflink = dev.dev_get_iflink();
    if iflink == dev.ifindex {
        return IF_OPER_DOWN;
    }
    match k.nets[net.0].devices.by_index(iflink) {
        Some(lower) if !lower.carrier => IF_OPER_LOWERLAYERDOWN,
        _ => IF_OPER_DOWN,
    }
}

/// `IF_OPER_TESTING`, `IF_OPER_DORMANT`; `IF_LINK_MODE_DORMANT`, `IF_LINK_MODE_TESTING`.
const IF_OPER_TESTING: u8 = 4;
const IF_OPER_DORMANT: u8 = 5;
const IF_LINK_MODE_DORMANT: u8 = 1;
const IF_LINK_MODE_TESTING: u8 = 2;

/// `linkwatch_do_dev` for a device that is down: `rfc2863_policy` sets its operstate (an UP
/// becomes DORMANT or TESTING in those link modes); nothing is announced for a down device.
pub fn linkwatch_do_dev(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(dev) = k.nets[net.0].devices.by_index(ifindex) else {
        return;
    };
    let mut operstate = default_operstate(k, net, dev);
    if operstate == IF_OPER_UP {
        operstate = match dev.link_mode {
            IF_LINK_MODE_DORMANT => IF_OPER_DORMANT,
            IF_LINK_MODE_TESTING => IF_OPER_TESTING,
            _ => operstate,
        };
    }
    if let Some(d) = k.nets[net.0].devices.devs.get_mut(&ifindex) {
        d.operstate = operstate;
    }
}
