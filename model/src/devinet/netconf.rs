//! A device's forwarding configuration as netconf messages (`net/ipv4/devinet.c`'s
//! `inet_netconf_*`): RTM_GETNETCONF (one configuration, or a dump of every device's then the
//! namespace's `all` and `default`) and the RTM_NEWNETCONF / RTM_DELNETCONF notifications to
//! RTNLGRP_IPV4_NETCONF when a device gains or loses its `in_device`.
//!
//! IPv6's handlers (`inet6_netconf_*`, `addrconf/netconf.rs`) are the same functions over
//! another configuration: the mechanism is written once here, over a [`NetconfFamily`] that
//! says what each family's messages carry.

use crate::af_netlink::dump::nl_dump_check_consistent;
use crate::af_netlink::{
    netlink_strict_get_check, skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr,
};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Validate};
use crate::profile::Feature;
use crate::skbuff::SkBuff;
use crate::uapi::ip::*;
use crate::uapi::netconf::*;
use crate::uapi::netlink::{
    nla_align, nlmsg_align, NETLINK_ROUTE, NLA_HDRLEN, NLMSG_HDRLEN, NLM_F_MULTI,
};
use crate::uapi::rtnetlink::*;
use crate::uapi::socket::AF_INET;

/// Whose configuration a message carries.
#[derive(Clone, Copy)]
pub(crate) enum Conf<'a> {
    /// A device's (its `in_device` or `inet6_dev`).
    Dev(&'a NetDevice),
    /// The namespace's `all` (NETCONFA_IFINDEX_ALL).
    All,
    /// The namespace's `default` (NETCONFA_IFINDEX_DEFAULT).
    Default,
}

/// The values of one configuration that a NETCONFA_ALL message carries, in the order the
/// fill writes them: (attribute, value).
pub(crate) type NetconfValues = Vec<(u16, i32)>;

/// What one family's netconf handlers differ in.
pub(crate) struct NetconfFamily {
    /// `ncm_family`.
    pub family: u8,
    /// The notifications' group.
    pub group: u32,
    /// The ext-ack messages' prefix (`"ipv4: "`, written out; IPv6's `NL_SET_ERR_MSG_MOD`
    /// gives `"ipv6: "`).
    pub prefix: &'static str,
    /// What a get naming a device that is missing or has no configuration of this family
    /// answers, in a release with these features.
    pub no_dev: fn(crate::profile::FeatureSet) -> Errno,
    /// The attributes the get's policy (`devconf_ipv4_policy`) gives a 4-byte minimum.
    pub policy_len4: &'static [u16],
    /// The configuration's values, none for a device without this family.
    pub values: fn(&Kernel, NetId, Conf<'_>) -> Option<NetconfValues>,
}

/// The namespace's IPv4 configurations (`net->ipv4.devconf_all`, `devconf_dflt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetnsIpv4 {
    /// `devconf_all`, IPV4_DEVCONF_MAX values in uapi order.
    pub devconf_all: [u32; 33],
    /// `devconf_dflt`: what a new `in_device` copies.
    pub devconf_dflt: [u32; 33],
    /// `dev_addr_genid`: bumped on every address change (address dumps check it).
    pub dev_addr_genid: u32,
}

impl Default for NetnsIpv4 {
    /// `devinet_init_net` in a namespace other than the first: with
    /// net.core.devconf_inherit_init_net at 0, copies of the initial namespace's, which on the
    /// profile's hosts are the compiled values (`ipv4_devconf`, `ipv4_devconf_dflt`: `all`
    /// lacks only ACCEPT_SOURCE_ROUTE).
    fn default() -> Self {
        let dflt = crate::netdevice::IPV4_DEVCONF_FRESH;
        let mut all = dflt;
        all[usize::from(IPV4_DEVCONF_ACCEPT_SOURCE_ROUTE) - 1] = 0;
        NetnsIpv4 {
            devconf_all: all,
            devconf_dflt: dflt,
            dev_addr_genid: 0,
        }
    }
}

/// IPv4's netconf.
static INET_NETCONF: NetconfFamily = NetconfFamily {
    family: AF_INET,
    group: RTNLGRP_IPV4_NETCONF,
    prefix: "ipv4: ",
    // ENODEV since the get runs under RCU; before, the EINVAL the function started with.
    no_dev: |f| match f.has(crate::profile::Feature::InetNetconfGetRcu) {
        true => Errno::ENODEV,
        false => Errno::EINVAL,
    },
    policy_len4: &[
        NETCONFA_IFINDEX,
        NETCONFA_FORWARDING,
        NETCONFA_RP_FILTER,
        NETCONFA_PROXY_NEIGH,
        NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN,
    ],
    values: inet_netconf_values,
};

/// What `inet_netconf_fill_devconf` reads of an IPv4 configuration (BC_FORWARDING before
/// PROXY_NEIGH, as it writes them).
fn inet_netconf_values(k: &Kernel, net: NetId, conf: Conf<'_>) -> Option<NetconfValues> {
    let cnf = match conf {
        Conf::Dev(dev) => &dev.ip_ptr.as_ref()?.cnf,
        Conf::All => &k.net(net).ipv4.devconf_all,
        Conf::Default => &k.net(net).ipv4.devconf_dflt,
    };
    let v = |c: u16| cnf[usize::from(c) - 1] as i32;
    Some(vec![
        (NETCONFA_FORWARDING, v(IPV4_DEVCONF_FORWARDING)),
        (NETCONFA_RP_FILTER, v(IPV4_DEVCONF_RP_FILTER)),
        (NETCONFA_MC_FORWARDING, v(IPV4_DEVCONF_MC_FORWARDING)),
        (NETCONFA_BC_FORWARDING, v(IPV4_DEVCONF_BC_FORWARDING)),
        (NETCONFA_PROXY_NEIGH, v(IPV4_DEVCONF_PROXY_ARP)),
        (
            NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN,
            v(IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN),
        ),
    ])
}

/// Does attribute `attr` go into a message of `ty` (NETCONFA_ALL or one attribute)?
fn wanted(ty: i32, attr: u16) -> bool {
    ty == NETCONFA_ALL || ty == i32::from(attr)
}

/// `inet_netconf_msgsize_devconf`: the header, NETCONFA_IFINDEX and each value a message of
/// `ty` carries (`values`: the family's attributes).
pub(crate) fn netconf_msgsize_devconf(values: &[(u16, i32)], ty: i32) -> usize {
    let attr = nla_align(NLA_HDRLEN + 4);
    nlmsg_align(NETCONFMSG_LEN)
        + attr
        + attr * values.iter().filter(|(a, _)| wanted(ty, *a)).count()
}

/// `inet_netconf_fill_devconf`: one message for `ifindex`; without a configuration (a
/// deletion) only NETCONFA_IFINDEX. EMSGSIZE (nothing left in `skb`) when it does not fit.
#[allow(clippy::too_many_arguments)]
pub(crate) fn netconf_fill_devconf(
    skb: &mut SkBuff,
    family: u8,
    ifindex: i32,
    values: Option<&[(u16, i32)]>,
    portid: u32,
    seq: u32,
    event: u16,
    flags: u16,
    ty: i32,
) -> Result<(), Errno> {
    let mark = skb.len();
    let at = skb.nlmsg_put(portid, seq, event, NETCONFMSG_LEN, flags)?;
    skb.nlmsg_data_mut(at)[0] = family;
    let filled = (|| {
        skb.nla_put_s32(NETCONFA_IFINDEX, ifindex)?;
        for &(attr, value) in values.unwrap_or_default() {
            if wanted(ty, attr) {
                skb.nla_put_s32(attr, value)?;
            }
        }
        Ok(())
    })();
    match filled {
        Ok(()) => {
            skb.nlmsg_end(at);
            Ok(())
        }
        Err(e) => {
            skb.trim(mark);
            Err(e)
        }
    }
}

/// `inet_netconf_notify_devconf`: a message of `event` for `ifindex` to the family's group
/// (`rtnl_notify`), in an skb of the family's estimate. Nobody listening: nothing is built
/// (the kernel builds it and drops it, which nothing shows).
pub(crate) fn netconf_notify_devconf(
    k: &mut Kernel,
    net: NetId,
    fam: &NetconfFamily,
    event: u16,
    ty: i32,
    ifindex: i32,
    values: Option<&[(u16, i32)]>,
) {
    let Some(rtnl) = netconf_listened(k, net, fam) else {
        return;
    };
    let size = netconf_msgsize_devconf(values.unwrap_or_default(), ty);
    let mut skb = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + size));
    netconf_fill_devconf(&mut skb, fam.family, ifindex, values, 0, 0, event, 0, ty)
        .expect("sized by netconf_msgsize_devconf");
    skb.cb.dst_group = fam.group;
    // Delivery errors land on the listeners (drops, ENOBUFS); the notifier does not see them.
    let _ = crate::af_netlink::netlink_broadcast(k, rtnl, skb, 0, fam.group);
}

/// The namespace's rtnetlink socket, if anyone listens to `fam`'s group there.
fn netconf_listened(k: &Kernel, net: NetId, fam: &NetconfFamily) -> Option<crate::kernel::SockId> {
    k.net(net).kernel_sock[NETLINK_ROUTE as usize]
        .filter(|&rtnl| crate::af_netlink::netlink_has_listeners(k, rtnl, fam.group))
}

/// `devinet_conf_post_set` for a value set through IFLA_AF_SPEC (the netlink path): a changed
/// rp_filter, proxy_arp, ignore_routes_with_linkdown or forwarding value is announced to
/// RTNLGRP_IPV4_NETCONF with that one attribute. What else it does is not seen in netlink: the
/// route cache flush, and forwarding turning LRO off (`netif_disable_lro`), which changes no
/// modeled device's features (none offers LRO).
pub fn devinet_conf_post_set(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    attr: u16,
    new: u32,
    old: u32,
) {
    if new == old {
        return;
    }
    let ty = match attr {
        IPV4_DEVCONF_RP_FILTER => NETCONFA_RP_FILTER,
        IPV4_DEVCONF_PROXY_ARP => NETCONFA_PROXY_NEIGH,
        IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN => NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN,
        IPV4_DEVCONF_FORWARDING => NETCONFA_FORWARDING,
        _ => return,
    };
    if netconf_listened(k, net, &INET_NETCONF).is_none() {
        return;
    }
    let values = k
        .dev(net, ifindex)
        .and_then(|dev| inet_netconf_values(k, net, Conf::Dev(dev)));
    netconf_notify_devconf(
        k,
        net,
        &INET_NETCONF,
        RTM_NEWNETCONF,
        i32::from(ty),
        ifindex as i32,
        values.as_deref(),
    );
}

/// `__devinet_sysctl_register` for a device's `in_device` (`devinet_sysctl_register`, from
/// `inetdev_init` and a rename): RTM_NEWNETCONF with every value. The sysctl directory itself
/// is not modeled.
pub fn devinet_sysctl_register(k: &mut Kernel, net: NetId, ifindex: u32) {
    netconf_notify_dev(k, net, &INET_NETCONF, ifindex);
}

/// A device's configuration of `fam`, if it has one, as RTM_NEWNETCONF with every value.
pub(crate) fn netconf_notify_dev(k: &mut Kernel, net: NetId, fam: &NetconfFamily, ifindex: u32) {
    if netconf_listened(k, net, fam).is_none() {
        return;
    }
    let values = k
        .dev(net, ifindex)
        .and_then(|dev| (fam.values)(k, net, Conf::Dev(dev)));
    if values.is_some() {
        netconf_notify_devconf(
            k,
            net,
            fam,
            RTM_NEWNETCONF,
            NETCONFA_ALL,
            ifindex as i32,
            values.as_deref(),
        );
    }
}

/// `__devinet_sysctl_unregister` for a device's `in_device` (from `inetdev_destroy` and a
/// rename): RTM_DELNETCONF with the ifindex alone.
pub fn devinet_sysctl_unregister(k: &mut Kernel, net: NetId, ifindex: u32) {
    netconf_notify_devconf(
        k,
        net,
        &INET_NETCONF,
        RTM_DELNETCONF,
        0,
        ifindex as i32,
        None,
    );
}

/// `devconf_ipv4_policy` / `devconf_ipv6_policy` over the release's NETCONFA_MAX.
fn netconf_policy(k: &Kernel, fam: &NetconfFamily) -> Vec<NlaPolicy> {
    let mut p =
        vec![NlaPolicy::of(NlaType::Unspec); usize::from(k.profile.release.netconfa_max) + 1];
    for &a in fam.policy_len4 {
        p[usize::from(a)] = NlaPolicy::with_len(NlaType::Unspec, 4);
    }
    p
}

/// Where a netconf request's attributes start: after the one-byte `netconfmsg`, aligned.
const NETCONF_ATTRS: usize = NLMSG_HDRLEN + nlmsg_align(NETCONFMSG_LEN);

/// `inet_netconf_valid_get_req`: the header must be there; then the attributes, liberally, or
/// in strict mode strictly and NETCONFA_IFINDEX alone.
fn netconf_valid_get_req(
    k: &Kernel,
    skb: &SkBuff,
    nlh: &[u8],
    fam: &NetconfFamily,
    extack: &mut NetlinkExtAck,
) -> Result<crate::nlattr::Tb, Errno> {
    if nlh.len() < NLMSG_HDRLEN + NETCONFMSG_LEN {
        extack.msg = Some(format!(
            "{}Invalid header for netconf get request",
            fam.prefix
        ));
        return Err(Errno::EINVAL);
    }
    let policy = netconf_policy(k, fam);
    // A 17 to 19 byte request has no room for attributes (a negative length parses nothing).
    let start = NETCONF_ATTRS.min(nlh.len());
    if !netlink_strict_get_check(k, skb) {
        return nla_parse(nlh, start, nlh.len(), &policy, Validate::Liberal, extack);
    }
    let tb = nla_parse(
        nlh,
        start,
        nlh.len(),
        &policy,
        Validate::DeprecatedStrict,
        extack,
    )?;
    if tb
        .iter()
        .enumerate()
        .any(|(i, a)| a.is_some() && i != usize::from(NETCONFA_IFINDEX))
    {
        extack.msg = Some(format!(
            "{}Unsupported attribute in netconf get request",
            fam.prefix
        ));
        return Err(Errno::EINVAL);
    }
    Ok(tb)
}

/// `inet_netconf_get_devconf` / `inet6_netconf_get_devconf`: the configuration
/// NETCONFA_IFINDEX names (a device's, `all` or `default`), as RTM_NEWNETCONF to the requester.
pub(crate) fn netconf_get_devconf(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
    fam: &NetconfFamily,
) -> SysResult<()> {
    let nlh = req.bytes();
    let tb = netconf_valid_get_req(k, skb, nlh, fam, extack)?;
    let Some(r) = tb[usize::from(NETCONFA_IFINDEX)].clone() else {
        return Err(Errno::EINVAL.into());
    };
    let ifindex = nltwin_wire::scalar::get_i32(&nlh[r.start..r.start + 4]).expect("4 bytes");
    let net = skb_net(k, skb);
    let values = match ifindex {
        NETCONFA_IFINDEX_ALL => (fam.values)(k, net, Conf::All),
        NETCONFA_IFINDEX_DEFAULT => (fam.values)(k, net, Conf::Default),
        _ => u32::try_from(ifindex)
            .ok()
            .and_then(|i| k.dev(net, i))
            .and_then(|dev| (fam.values)(k, net, Conf::Dev(dev))),
    }
    .ok_or((fam.no_dev)(k.features))?;
    let mut reply = SkBuff::alloc_skb(nlmsg_align(
        NLMSG_HDRLEN + netconf_msgsize_devconf(&values, NETCONFA_ALL),
    ));
    netconf_fill_devconf(
        &mut reply,
        fam.family,
        ifindex,
        Some(&values),
        skb.cb.portid,
        req.seq(),
        RTM_NEWNETCONF,
        0,
        NETCONFA_ALL,
    )
    .expect("sized by netconf_msgsize_devconf");
    let ksk = k.net(net).kernel_sock[NETLINK_ROUTE as usize].expect("rtnl socket");
    crate::af_netlink::send::nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

/// Dump state in `cb.args`: [0] the next ifindex to visit, [1] how many of `all` and
/// `default` are done.
const NEXT_IFINDEX: usize = 0;
/// See [`NEXT_IFINDEX`].
const ALL_DEFAULT: usize = 1;

/// `NETDEV_HASHENTRIES`: the buckets of `dev_index_head`, which releases before the dump
/// walked by ifindex visit in turn.
const NETDEV_HASHENTRIES: u32 = 256;

/// `inet_netconf_dump_devconf` / `inet6_netconf_dump_devconf`: strict mode wants the bare
/// header; then every device with the family's configuration, in ascending ifindex, then `all`
/// and `default`, resuming where a full chunk stopped.
///
/// Releases that walk the devices by ifindex (`for_each_netdev_dump`) return the fill's error
/// (0 at the end: NLMSG_DONE may share the last chunk). Earlier ones walk the index hash's
/// buckets, check the dump's consistency per message against the namespace's sequence, and
/// return the chunk's length (NLMSG_DONE comes alone); their bucket order is ascending ifindex
/// only while every ifindex is below NETDEV_HASHENTRIES, so beyond that they answer
/// `unimplemented`.
pub(crate) fn netconf_dump_devconf(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    fam: &NetconfFamily,
) -> SysResult<i32> {
    if cb.strict_check {
        let len = cb.nlh.len();
        let msg = if len < NLMSG_HDRLEN + NETCONFMSG_LEN {
            Some("Invalid header for netconf dump request")
        } else if len != NETCONF_ATTRS {
            // nlmsg_attrlen is non-zero: attributes, or a header cut short of its padding.
            Some("Invalid data after header in netconf dump request")
        } else {
            None
        };
        if let Some(msg) = msg {
            cb.extack.msg = Some(format!("{}{msg}", fam.prefix));
            return Ok(Errno::EINVAL.as_neg());
        }
    }
    let by_ifindex = k.has(Feature::NetconfDumpByIfindex);
    let net = cb.net;
    let devs = &k.net(net).devices;
    if !by_ifindex && devs.devs.keys().any(|&i| i >= NETDEV_HASHENTRIES) {
        return Err(crate::errno::unimplemented(
            "the netconf dump's hash-bucket order with an ifindex of 256 or more (releases before for_each_netdev_dump)",
        ));
    }
    let (portid, seq) = (cb.portid, cb.request().seq());
    let base_seq = devs.dev_base_seq;
    let fill = |k: &Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback, ifindex, conf| {
        let Some(values) = (fam.values)(k, net, conf) else {
            return Ok(());
        };
        let at = skb.len();
        netconf_fill_devconf(
            skb,
            fam.family,
            ifindex,
            Some(&values),
            portid,
            seq,
            RTM_NEWNETCONF,
            NLM_F_MULTI,
            NETCONFA_ALL,
        )?;
        if !by_ifindex && matches!(conf, Conf::Dev(_)) {
            // inet_base_seq: dev_base_seq and the address generation, which moves with
            // addresses the model does not report (taken as still).
            cb.seq = base_seq;
            nl_dump_check_consistent(cb, skb, at);
        }
        Ok::<(), Errno>(())
    };
    let mut err = Ok(());
    while let Some(dev) = k
        .net(net)
        .devices
        .devs
        .range(cb.args[NEXT_IFINDEX] as u32..)
        .next()
        .map(|(_, d)| d)
    {
        let ifindex = dev.ifindex;
        cb.args[NEXT_IFINDEX] = i64::from(ifindex);
        err = fill(k, skb, cb, ifindex as i32, Conf::Dev(dev));
        if err.is_err() {
            break;
        }
        cb.args[NEXT_IFINDEX] = i64::from(ifindex) + 1;
    }
    if err.is_ok() && !by_ifindex {
        // The walk is over for good: a later chunk starts past the last bucket, so devices
        // made meanwhile are not visited (the ifindex walk would visit those above it).
        cb.args[NEXT_IFINDEX] = i64::from(NETDEV_HASHENTRIES);
    }
    for (step, ifindex, conf) in [
        (0, NETCONFA_IFINDEX_ALL, Conf::All),
        (1, NETCONFA_IFINDEX_DEFAULT, Conf::Default),
    ] {
        if err.is_ok() && cb.args[ALL_DEFAULT] == step {
            err = fill(k, skb, cb, ifindex, conf);
            if err.is_ok() {
                cb.args[ALL_DEFAULT] += 1;
            }
        }
    }
    Ok(match err {
        _ if !by_ifindex => skb.len() as i32,
        Ok(()) => 0,
        Err(e) => e.as_neg(),
    })
}

/// `inet_netconf_get_devconf`.
fn inet_netconf_get_devconf(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    netconf_get_devconf(k, skb, nlh, extack, &INET_NETCONF)
}

/// `inet_netconf_dump_devconf`.
fn inet_netconf_dump_devconf(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    netconf_dump_devconf(k, skb, cb, &INET_NETCONF)
}

/// `devinet_init`'s RTM_GETNETCONF handlers for PF_INET.
pub(crate) fn inet_netconf_register(k: &mut Kernel) {
    crate::rtnetlink::rtnl_register(
        k,
        crate::uapi::socket::PF_INET,
        RTM_GETNETCONF,
        Some(inet_netconf_get_devconf),
        Some(inet_netconf_dump_devconf),
        0,
    );
}
