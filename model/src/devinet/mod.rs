//! A device's IPv4 side (`net/ipv4/devinet.c`): the `in_device` attached at registration and
//! released when the MTU drops below IPV4_MIN_MTU (`inetdev_event`), and the IFLA_AF_SPEC /
//! AF_INET part of link changes (`inet_validate_link_af`, `inet_set_link_af`): IPv4 device
//! configuration values set by number, without the side effects their sysctls have.
//! Netconf messages (RTM_GETNETCONF, the RTNLGRP_IPV4_NETCONF notifications) are in
//! [`netconf`].

pub mod netconf;

use crate::af_netlink::NetlinkExtAck;
use crate::dev::{register_netdevice_notifier, NetdevEvent, NotifierBlock};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::nlattr::{nla_for_each_nested, nla_parse, NlaPolicy, NlaType, Validate};
use crate::profile::{Feature, FeatureSet};
use crate::rtnetlink::ops::{rtnl_af_register, LinkAfCtx, RtnlAfOps};
use crate::skbuff::SkBuff;
use crate::uapi::if_link::IFLA_INET_CONF;
use crate::uapi::ip::*;
use crate::uapi::socket::AF_INET;
use std::ops::Range;

pub mod ifaddr;
pub mod ioctl;

/// `inet_af_ops`: AF_INET's part of link messages and requests.
static INET_AF_OPS: RtnlAfOps = RtnlAfOps {
    family: AF_INET,
    fill_link_af: Some(inet_fill_link_af),
    validate_link_af: Some(inet_validate_link_af),
    set_link_af: Some(inet_set_link_af),
    get_link_af_size: Some(inet_get_link_af_size),
};

/// `inet_get_link_af_size`: IFLA_INET_CONF while the device has IPv4.
fn inet_get_link_af_size(_ctx: &crate::rtnetlink::fill::FillCtx<'_>, dev: &NetDevice) -> usize {
    dev.ip_ptr.as_ref().map_or(0, |in_dev| {
        crate::nlattr::nla_total_size(4 * in_dev.cnf.len())
    })
}

/// `IPV4_MIN_MTU`: below it a device has no IPv4 (`inetdev_valid_mtu`).
const IPV4_MIN_MTU: u32 = 68;

/// A device's IPv4 side (`struct in_device`), as far as RTM_NEWLINK shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InDevice {
    /// `cnf.data` (IFLA_INET_CONF), IPV4_DEVCONF_MAX values in uapi order.
    pub cnf: [u32; 33],
    /// `ifa_list`: the addresses, primaries first by scope, each primary's secondaries after.
    pub ifa_list: Vec<ifaddr::InIfaddr>,
    /// `dead`: the device is going away (no address is promoted any more).
    pub dead: bool,
    /// `mc_list`: the multicast groups joined, newest first (`crate::igmp`).
    pub mc_list: Vec<crate::igmp::IpMcList>,
    /// `mc_tomb`: groups left whose leave records are still to be reported, with the count
    /// of records left (`crcount`).
    pub mc_tomb: Vec<([u8; 4], u32)>,
    /// `mr_ifc_count`: the change reports still to send.
    pub mr_ifc_count: u32,
    /// `arp_parms`: the device's ARP parameters (`neigh_parms_alloc`).
    pub arp_parms: crate::neighbour::neightbl::NeighParms,
}

/// `devinet_init`: the netdevice notifier (`ip_netdev_notifier`) and AF_INET's link
/// operations.
pub fn devinet_init(k: &mut Kernel) {
    register_netdevice_notifier(
        k,
        NotifierBlock {
            priority: 0,
            notifier_call: inetdev_event,
        },
    );
    rtnl_af_register(k, &INET_AF_OPS);
    const PF_INET: u8 = AF_INET;
    use crate::rtnetlink::{rtnl_register, RTNL_FLAG_DUMP_SPLIT_NLM_DONE};
    use crate::uapi::rtnetlink::{RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR};
    rtnl_register(
        k,
        PF_INET,
        RTM_NEWADDR,
        Some(ifaddr::inet_rtm_newaddr),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_INET,
        RTM_DELADDR,
        Some(ifaddr::inet_rtm_deladdr),
        None,
        0,
    );
    let dump_flags = if k.has(crate::profile::Feature::InetDumpIfaddrRcu) {
        RTNL_FLAG_DUMP_SPLIT_NLM_DONE
    } else {
        0
    };
    rtnl_register(
        k,
        PF_INET,
        RTM_GETADDR,
        None,
        Some(ifaddr::inet_dump_ifaddr),
        dump_flags,
    );
    if k.has(crate::profile::Feature::InetDumpIfmcaddr) {
        // Without RTNL_FLAG_DUMP_SPLIT_NLM_DONE: NLMSG_DONE shares the last chunk.
        rtnl_register(
            k,
            PF_INET,
            crate::uapi::rtnetlink::RTM_GETMULTICAST,
            None,
            Some(ifaddr::inet_dump_ifmcaddr),
            0,
        );
    }
    netconf::inet_netconf_register(k);
}

/// `inetdev_valid_mtu`.
fn inetdev_valid_mtu(mtu: u32) -> bool {
    mtu >= IPV4_MIN_MTU
}

/// `inetdev_init`: a fresh `in_device` with the namespace's defaults (`ipv4_devconf_dflt`)
/// and its own ARP parameters (`neigh_parms_alloc`).
fn inetdev_init(k: &mut Kernel) -> InDevice {
    InDevice {
        cnf: crate::netdevice::IPV4_DEVCONF_FRESH,
        ifa_list: Vec::new(),
        dead: false,
        mc_list: Vec::new(),
        mc_tomb: Vec::new(),
        mr_ifc_count: 0,
        arp_parms: crate::neighbour::neightbl::neigh_parms_alloc(k, &crate::arp::ARP_TBL),
    }
}

/// `inetdev_event` at NETDEV_REGISTER (run by `register_netdevice` before the device is
/// listed): the device gets its `in_device`; loopback neither transforms nor applies policy.
pub fn inetdev_event_register(k: &mut Kernel, dev: &mut NetDevice) {
    if dev.ip_ptr.is_some() {
        return;
    }
    let mut in_dev = inetdev_init(k);
    if dev.flags & crate::uapi::if_::IFF_LOOPBACK != 0 {
        for c in [IPV4_DEVCONF_NOXFRM, IPV4_DEVCONF_NOPOLICY] {
            in_dev.cnf[usize::from(c) - 1] = 1;
        }
    }
    dev.ip_ptr = Some(in_dev);
}

/// `inetdev_event` for the other events: an MTU below IPV4_MIN_MTU takes the `in_device`
/// away with its addresses (`inetdev_destroy`) and a valid one on a device without one
/// attaches a fresh one (`inetdev_init`, without the loopback settings, as the kernel's
/// re-enabling does); loopback coming up gets `127.0.0.1/8`; a rename relabels the addresses
/// and registers the device's sysctls again under the new name (`devinet_sysctl_unregister`,
/// `devinet_sysctl_register`), each step announced to RTNLGRP_IPV4_NETCONF. With `arp_notify`
/// set, a device coming up or changing its address with addresses would send gratuitous ARP,
/// which the model does not.
fn inetdev_event(k: &mut Kernel, net: NetId, ifindex: u32, event: NetdevEvent) -> SysResult<()> {
    let Some(d) = k.dev_mut(net, ifindex) else {
        return Ok(());
    };
    match event {
        NetdevEvent::ChangeMtu => match (&d.ip_ptr, inetdev_valid_mtu(d.mtu)) {
            (None, true) => {
                let up = d.is_up();
                let in_dev = inetdev_init(k);
                let Some(d) = k.dev_mut(net, ifindex) else {
                    return Ok(());
                };
                d.ip_ptr = Some(in_dev);
                // inetdev_init on a device that is up joins its groups (`ip_mc_up`).
                if up {
                    crate::igmp::ip_mc_up(k, net, ifindex)?;
                }
                netconf::devinet_sysctl_register(k, net, ifindex);
            }
            (Some(_), false) => inetdev_destroy(k, net, ifindex)?,
            _ => {}
        },
        NetdevEvent::Up | NetdevEvent::ChangeAddr => {
            let arp_notify = d
                .ip_ptr
                .as_ref()
                .is_some_and(|i| i.cnf[usize::from(IPV4_DEVCONF_ARP_NOTIFY) - 1] != 0);
            if event == NetdevEvent::Up && inetdev_valid_mtu(d.mtu) {
                ifaddr::inet_loopback_up(k, net, ifindex)?;
                crate::igmp::ip_mc_up(k, net, ifindex)?;
            }
            let d = k.dev(net, ifindex).expect("listed");
            if arp_notify && ifaddr::has_addresses(d) {
                return Err(crate::errno::unimplemented(
                    "gratuitous ARP (arp_notify) of a device with IPv4 addresses",
                ));
            }
        }
        NetdevEvent::Down => crate::igmp::ip_mc_down(k, net, ifindex)?,
        NetdevEvent::ChangeName if d.ip_ptr.is_some() => {
            ifaddr::inetdev_changename(k, net, ifindex)?;
            netconf::devinet_sysctl_unregister(k, net, ifindex);
            netconf::devinet_sysctl_register(k, net, ifindex);
        }
        _ => {}
    }
    Ok(())
}

/// `inetdev_destroy` (`inetdev_event` at NETDEV_UNREGISTER, or for an MTU below
/// IPV4_MIN_MTU): the addresses go, each announced, then the `in_device`, announced to
/// RTNLGRP_IPV4_NETCONF.
pub fn inetdev_destroy(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    crate::igmp::ip_mc_destroy_dev(k, net, ifindex)?;
    ifaddr::inetdev_destroy_addrs(k, net, ifindex)?;
    if k.dev_mut(net, ifindex)
        .and_then(|d| d.ip_ptr.take())
        .is_some()
    {
        netconf::devinet_sysctl_unregister(k, net, ifindex);
    }
    Ok(())
}

/// `inet_fill_link_af`: the IPv4 configuration values, ENODATA for a device without IPv4.
fn inet_fill_link_af(skb: &mut SkBuff, dev: &NetDevice, _ctx: LinkAfCtx) -> Result<(), Errno> {
    let Some(in_dev) = &dev.ip_ptr else {
        return Err(Errno::ENODATA);
    };
    skb.nla_put_u32_array(IFLA_INET_CONF, &in_dev.cnf)
}

/// `inet_af_policy`.
fn inet_af_policy() -> [NlaPolicy; 2] {
    [
        NlaPolicy::of(NlaType::Unspec),
        NlaPolicy::of(NlaType::Nested),
    ]
}

/// The AF_INET part of IFLA_AF_SPEC parsed against `inet_af_policy`.
fn parse_inet_af(
    msg: &[u8],
    r: Range<usize>,
    extack: &mut NetlinkExtAck,
) -> Result<crate::nlattr::Tb, Errno> {
    nla_parse(
        msg,
        r.start,
        r.end,
        &inet_af_policy(),
        Validate::Liberal,
        extack,
    )
}

/// `inet_devconf_policy`: each IPv4 configuration value with its range (booleans 0..=1,
/// RP_FILTER and ARP_ANNOUNCE 0..=2, FORCE_IGMP_VERSION 0..=3, ARP_IGNORE 0..=8, ARP_ACCEPT
/// 0..=2, MEDIUM_ID at least -1, MC_FORWARDING read-only).
fn inet_devconf_policy() -> &'static [NlaPolicy] {
    static POLICY: std::sync::LazyLock<Vec<NlaPolicy>> = std::sync::LazyLock::new(|| {
        let range = |lo, hi| NlaPolicy {
            range: Some((lo, hi)),
            ..NlaPolicy::of(NlaType::U32)
        };
        let mut p = vec![range(0, 1); usize::from(IPV4_DEVCONF_MAX) + 1];
        p[0] = NlaPolicy::of(NlaType::Unspec);
        p[usize::from(IPV4_DEVCONF_MC_FORWARDING)] = NlaPolicy::of(NlaType::Reject);
        for (t, hi) in [
            (IPV4_DEVCONF_RP_FILTER, 2),
            (IPV4_DEVCONF_FORCE_IGMP_VERSION, 3),
            (IPV4_DEVCONF_ARP_ANNOUNCE, 2),
            (IPV4_DEVCONF_ARP_IGNORE, 8),
            (IPV4_DEVCONF_ARP_ACCEPT, 2),
        ] {
            p[usize::from(t)] = range(0, hi);
        }
        for t in [
            IPV4_DEVCONF_TAG,
            IPV4_DEVCONF_IGMPV2_UNSOLICITED_REPORT_INTERVAL,
            IPV4_DEVCONF_IGMPV3_UNSOLICITED_REPORT_INTERVAL,
        ] {
            p[usize::from(t)] = NlaPolicy::of(NlaType::U32);
        }
        p[usize::from(IPV4_DEVCONF_MEDIUM_ID)] = NlaPolicy::min(NlaType::S32, -1);
        p
    });
    &POLICY
}

/// `inet_validate_link_af`: a device without IPv4 (one not registered yet) is EAFNOSUPPORT;
/// then the policy, and every IFLA_INET_CONF entry must carry at least 4 bytes and name a
/// value from 1 to IPV4_DEVCONF_MAX; with the devconf policy, the entries are parsed strictly
/// against it instead (an unknown one is "Unknown attribute type", a value out of its range
/// is refused).
pub fn inet_validate_link_af(
    dev: Option<&NetDevice>,
    msg: &[u8],
    r: Range<usize>,
    features: FeatureSet,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    // No device: the request before one was looked up (see validate_linkmsg).
    if dev.is_some_and(|d| d.ip_ptr.is_none()) {
        return Err(Errno::EAFNOSUPPORT.into());
    }
    let tb = parse_inet_af(msg, r, extack)?;
    if features.has(Feature::InetDevconfPolicy) {
        if let Some(conf) = tb[usize::from(IFLA_INET_CONF)].clone() {
            nla_parse(
                msg,
                conf.start,
                conf.end,
                inet_devconf_policy(),
                Validate::Strict,
                extack,
            )?;
        }
        return Ok(());
    }
    if let Some(conf) = tb[usize::from(IFLA_INET_CONF)].clone() {
        for (cfgid, _, payload) in nla_for_each_nested(msg, conf) {
            if payload.len() < 4 || cfgid == 0 || cfgid > IPV4_DEVCONF_MAX {
                return Err(Errno::EINVAL.into());
            }
        }
    }
    Ok(())
}

/// `inet_set_link_af`: each IFLA_INET_CONF entry sets its value (`ipv4_devconf_set`).
pub fn inet_set_link_af(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    msg: &[u8],
    r: Range<usize>,
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let tb = parse_inet_af(msg, r, &mut NetlinkExtAck::default()).map_err(|_| Errno::EINVAL)?;
    let Some(conf) = tb[usize::from(IFLA_INET_CONF)].clone() else {
        return Ok(());
    };
    let notify = k.has(Feature::InetSetLinkAfNetconf);
    for (cfgid, _, p) in nla_for_each_nested(msg, conf) {
        let value = nltwin_wire::scalar::get_u32(&msg[p]).expect("validated: 4 bytes");
        let Some(in_dev) = k.dev_mut(net, ifindex).and_then(|d| d.ip_ptr.as_mut()) else {
            return Err(Errno::EAFNOSUPPORT.into());
        };
        let old = std::mem::replace(&mut in_dev.cnf[cfgid as usize - 1], value);
        if notify {
            netconf::devinet_conf_post_set(k, net, ifindex, cfgid, value, old);
        }
    }
    Ok(())
}
