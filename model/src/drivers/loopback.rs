//! The loopback device (`drivers/net/loopback.c`): every namespace's `lo`, at ifindex 1.

use crate::kernel::{Kernel, NetId};
use crate::netdevice::{NetDevice, NetDeviceOps};
use crate::uapi::if_::IFF_LOOPBACK;
use crate::uapi::if_arp::ARPHRD_LOOPBACK;

/// `loopback_ops`: nothing to open or stop; no qdisc (`IFF_NO_QUEUE`).
static LOOPBACK_OPS: NetDeviceOps = NetDeviceOps {
    no_queue: true,
    ..NetDeviceOps::NONE
};

/// `loopback_setup` and what registration gives `lo` in a fresh namespace: down, MTU 64 KiB,
/// kept in its namespace, with its IPv4 and IPv6 devices (`inetdev_init`, `ipv6_add_dev`).
pub fn loopback_dev(k: &mut Kernel, ifindex: u32) -> NetDevice {
    let mut dev = NetDevice::alloc("lo", 1, &LOOPBACK_OPS);
    dev.ifindex = ifindex;
    dev.ty = ARPHRD_LOOPBACK;
    dev.flags = IFF_LOOPBACK;
    dev.netns_immutable = true;
    // gen_lo_setup: netif_set_tso_max_size(GSO_MAX_SIZE).
    dev.tso_max_size = crate::netdevice::GSO_MAX_SIZE;
    dev.set_initial_mtu(65536);
    crate::devinet::inetdev_event_register(k, &mut dev);
    crate::addrconf::addrconf_notify_register(k, &mut dev);
    dev.rtnl_link_initialized = true;
    dev
}

/// `loopback_net_init`: every namespace starts with `lo` at ifindex 1.
pub fn loopback_net_init(k: &mut Kernel, net: NetId) {
    let lo = loopback_dev(k, 1);
    let devs = &mut k.net_mut(net).devices;
    devs.list_netdevice(lo);
    devs.ifindex_next = 2;
}

/// The loopback device's part of `net_dev_init`: `lo` in every namespace.
pub fn loopback_init(k: &mut Kernel) {
    crate::net_namespace::register_pernet_subsys(
        k,
        crate::net_namespace::PernetOperations {
            name: "loopback",
            init: loopback_net_init,
        },
    );
}
