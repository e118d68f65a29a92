//! IPv6 netconf (`net/ipv6/addrconf.c`'s `inet6_netconf_*`): RTM_GETNETCONF for PF_INET6 and
//! the RTNLGRP_IPV6_NETCONF notifications when a device gains or loses its `inet6_dev`, over
//! the mechanism of [`crate::devinet::netconf`].
//!
//! Unlike IPv4, a get naming a device that is missing or has no IPv6 answers EINVAL, and the
//! messages carry NETCONFA_MC_FORWARDING only on builds with CONFIG_IPV6_MROUTE.

use crate::af_netlink::{NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::devinet::netconf::{
    netconf_dump_devconf, netconf_get_devconf, netconf_notify_dev, netconf_notify_devconf, Conf,
    NetconfFamily, NetconfValues,
};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::skbuff::SkBuff;
use crate::uapi::ipv6::*;
use crate::uapi::netconf::*;
use crate::uapi::rtnetlink::*;
use crate::uapi::socket::AF_INET6;

/// The namespace's IPv6 configurations (`net->ipv6.devconf_all`, `devconf_dflt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetnsIpv6 {
    /// `devconf_all`, DEVCONF_MAX values in uapi order (as [`super::IPV6_DEVCONF_FRESH`]).
    pub devconf_all: [i32; 60],
    /// `devconf_dflt`.
    pub devconf_dflt: [i32; 60],
    /// `dev_addr_genid`: bumped by every IPv6 address notification (address dumps check it).
    pub dev_addr_genid: u32,
    /// The last IPv6 address id given out (see `addrconf::Inet6Ifaddr::id`).
    pub addr_ids: u32,
    /// The routing tables (`fib_table_hash`).
    pub fib6: crate::ip6_fib::Fib6Net,
    /// `ip6addrlbl_table`: the address label policy (`ip6addrlbl_net_init` makes it).
    pub addrlabel: crate::addrlabel::Ip6AddrlblTable,
}

impl Default for NetnsIpv6 {
    /// `addrconf_init_net` in a namespace other than the first: with
    /// net.core.devconf_inherit_init_net at 0, the compiled values (`ipv6_devconf` and
    /// `ipv6_devconf_dflt`, the same), whatever the initial namespace has.
    fn default() -> Self {
        NetnsIpv6 {
            devconf_all: super::IPV6_DEVCONF_FRESH,
            devconf_dflt: super::IPV6_DEVCONF_FRESH,
            dev_addr_genid: 0,
            addr_ids: 0,
            fib6: Default::default(),
            addrlabel: Default::default(),
        }
    }
}

/// IPv6's netconf.
static INET6_NETCONF: NetconfFamily = NetconfFamily {
    family: AF_INET6,
    group: RTNLGRP_IPV6_NETCONF,
    prefix: "ipv6: ",
    no_dev: |_| Errno::EINVAL,
    policy_len4: &[
        NETCONFA_IFINDEX,
        NETCONFA_FORWARDING,
        NETCONFA_PROXY_NEIGH,
        NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN,
    ],
    values: inet6_netconf_values,
};

/// What `inet6_netconf_fill_devconf` reads of an IPv6 configuration.
fn inet6_netconf_values(k: &Kernel, net: NetId, conf: Conf<'_>) -> Option<NetconfValues> {
    let cnf = match conf {
        Conf::Dev(dev) => &dev.ip6_ptr.as_ref()?.devconf,
        Conf::All => &k.net(net).ipv6.devconf_all,
        Conf::Default => &k.net(net).ipv6.devconf_dflt,
    };
    let mut v = vec![(NETCONFA_FORWARDING, cnf[DEVCONF_FORWARDING])];
    if k.profile.config.ipv6_mroute {
        v.push((NETCONFA_MC_FORWARDING, cnf[DEVCONF_MC_FORWARDING]));
    }
    v.push((NETCONFA_PROXY_NEIGH, cnf[DEVCONF_PROXY_NDP]));
    v.push((
        NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN,
        cnf[DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN],
    ));
    Some(v)
}

/// `__addrconf_sysctl_register` for a device's `inet6_dev` (`addrconf_sysctl_register`, from
/// `ipv6_add_dev` and a rename): RTM_NEWNETCONF with every value. The sysctl directory itself
/// is not modeled.
pub fn addrconf_sysctl_register(k: &mut Kernel, net: NetId, ifindex: u32) {
    netconf_notify_dev(k, net, &INET6_NETCONF, ifindex);
}

/// `__addrconf_sysctl_unregister` for a device's `inet6_dev` (`addrconf_ifdown` unregistering,
/// a rename): RTM_DELNETCONF with the ifindex alone.
pub fn addrconf_sysctl_unregister(k: &mut Kernel, net: NetId, ifindex: u32) {
    netconf_notify_devconf(
        k,
        net,
        &INET6_NETCONF,
        RTM_DELNETCONF,
        0,
        ifindex as i32,
        None,
    );
}

/// `inet6_netconf_get_devconf`.
fn inet6_netconf_get_devconf(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    netconf_get_devconf(k, skb, nlh, extack, &INET6_NETCONF)
}

/// `inet6_netconf_dump_devconf`.
fn inet6_netconf_dump_devconf(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    netconf_dump_devconf(k, skb, cb, &INET6_NETCONF)
}

/// `addrconf_init`'s RTM_GETNETCONF handlers for PF_INET6.
pub(crate) fn inet6_netconf_register(k: &mut Kernel) {
    crate::rtnetlink::rtnl_register(
        k,
        crate::uapi::socket::PF_INET6,
        RTM_GETNETCONF,
        Some(inet6_netconf_get_devconf),
        Some(inet6_netconf_dump_devconf),
        0,
    );
}
