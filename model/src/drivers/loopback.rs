//! The loopback device (`drivers/net/loopback.c`): every namespace's `lo`, at ifindex 1.

use crate::kernel::{Kernel, NetId};
use crate::netdevice::{NetDevice, NetDeviceOps};
use crate::uapi::if_::IFF_LOOPBACK;
use crate::uapi::if_arp::ARPHRD_LOOPBACK;
use crate::uapi::ip::{IPV4_DEVCONF_NOPOLICY, IPV4_DEVCONF_NOXFRM};
use crate::uapi::ipv6::{DEVCONF_ACCEPT_DAD, DEVCONF_USE_TEMPADDR};

/// `loopback_ops`: nothing to open or stop; no qdisc (`IFF_NO_QUEUE`).
static LOOPBACK_OPS: NetDeviceOps = NetDeviceOps {
    no_queue: true,
    ..NetDeviceOps::NONE
};

/// `loopback_setup` and what registration gives `lo` in a fresh namespace: down, MTU 64 KiB,
/// kept in its namespace, IPv4 without xfrm and policy (`inetdev_init`), IPv6 without
/// temporary addresses and DAD (`ipv6_add_dev`).
pub fn loopback_dev(ifindex: u32) -> NetDevice {
    let mut dev = NetDevice::alloc("lo", 1, &LOOPBACK_OPS);
    dev.ifindex = ifindex;
    dev.ty = ARPHRD_LOOPBACK;
    dev.flags = IFF_LOOPBACK;
    dev.netns_immutable = true;
    dev.set_initial_mtu(65536);
    for c in [IPV4_DEVCONF_NOXFRM, IPV4_DEVCONF_NOPOLICY] {
        dev.ipv4_devconf[usize::from(c) - 1] = 1;
    }
    for c in [DEVCONF_USE_TEMPADDR, DEVCONF_ACCEPT_DAD] {
        dev.inet6.devconf[c] = -1;
    }
    dev.af_attached = true;
    dev.rtnl_link_initialized = true;
    dev
}

/// `loopback_net_init`: every namespace starts with `lo` at ifindex 1.
pub fn loopback_net_init(k: &mut Kernel, net: NetId) {
    let devs = &mut k.net_mut(net).devices;
    devs.devs.insert(1, loopback_dev(1));
    devs.dev_base_seq = 1;
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
