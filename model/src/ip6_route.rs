//! IPv6 routes asked for over netlink (`net/ipv6/route.c`): RTM_NEWROUTE and RTM_DELROUTE
//! (`inet6_rtm_newroute`, `inet6_rtm_delroute`, `rtm_to_fib6_config`), making a route
//! (`ip6_route_info_create`, `fib6_nh_init` with its gateway checks `ip6_validate_gw` and
//! `ip6_route_check_nh`), removing one (`ip6_route_del`); `ip -6 route get`
//! (`inet6_rtm_getroute`, `ip6_route_output`, the source through
//! [`crate::addrconf::saddr`]) where no router probing is involved.
//!
//! Multipath routes: RTA_MULTIPATH added (`ip6_route_multipath_add`) and deleted
//! (`ip6_route_multipath_del`), a whole multipath route or one next hop deleted
//! (`__ip6_del_rt_siblings`, `__ip6_del_rt`).
//!
//! Not modeled (they answer `unimplemented`): lookups through a multipath route (its hash is
//! keyed by a random seed), nexthop objects (RTA_NH_ID), encapsulation (RTA_ENCAP,
//! RTA_ENCAP_TYPE), expiring routes (RTA_EXPIRES),
//! source routes (`rtm_src_len`, RTA_SRC), RTNH_F_ONLINK, deleting cached routes
//! (RTM_F_CLONED), gateway lookups through custom rules.

use crate::af_netlink::{NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::ip6_fib::*;
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nlmsg_parse, NlaPolicy, NlaType, Validate};
use crate::profile::Feature;
use crate::rtnetlink::notify::Report;
use crate::skbuff::SkBuff;
use crate::uapi::if_::{IFF_LOOPBACK, IFF_UP};
use crate::uapi::netlink::NLMSG_HDRLEN;
use crate::uapi::route::*;
use crate::uapi::rtnetlink::{RTM_DELROUTE, RTM_NEWROUTE};
use crate::uapi::socket::AF_INET6;
use nltwin_wire::rtmsg;
use nltwin_wire::uapi::route::rtnexthop;

/// `IP6_RT_PRIO_USER`: the metric of a route asked for without one.
pub const IP6_RT_PRIO_USER: u32 = 1024;

/// `RTN_MAX`.
const RTN_MAX: u8 = 11;

/// `LOOPBACK_IFINDEX`.
const LOOPBACK_IFINDEX: u32 = 1;

/// `rtm_ipv6_policy`, up to the release's RTA_MAX.
pub(crate) fn rtm_ipv6_policy(k: &Kernel) -> Vec<NlaPolicy> {
    let max = if k.has(Feature::RtaDelReason) {
        RTA_FLOWLABEL + 1
    } else if k.has(Feature::RtaFlowlabel) {
        RTA_FLOWLABEL
    } else {
        RTA_NH_ID
    };
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(max) + 1];
    p[0] = NlaPolicy::strict_start(RTA_DPORT + 1);
    p[usize::from(RTA_GATEWAY)] = NlaPolicy::with_len(NlaType::Unspec, 16);
    p[usize::from(RTA_PREFSRC)] = NlaPolicy::with_len(NlaType::Unspec, 16);
    for t in [
        RTA_OIF,
        RTA_IIF,
        RTA_PRIORITY,
        RTA_EXPIRES,
        RTA_UID,
        RTA_MARK,
        RTA_TABLE,
        RTA_NH_ID,
    ] {
        p[usize::from(t)] = NlaPolicy::of(NlaType::U32);
    }
    p[usize::from(RTA_METRICS)] = NlaPolicy::of(NlaType::Nested);
    p[usize::from(RTA_ENCAP)] = NlaPolicy::of(NlaType::Nested);
    p[usize::from(RTA_MULTIPATH)] = NlaPolicy::with_len(NlaType::Unspec, 8);
    p[usize::from(RTA_PREF)] = NlaPolicy::of(NlaType::U8);
    p[usize::from(RTA_ENCAP_TYPE)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(RTA_IP_PROTO)] = NlaPolicy::of(NlaType::U8);
    p[usize::from(RTA_SPORT)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(RTA_DPORT)] = NlaPolicy::of(NlaType::U16);
    p
}

/// What a route request asks for (`struct fib6_config` as `rtm_to_fib6_config` fills it),
/// with the flags of the request for `fib6_add`.
#[derive(Clone, Debug)]
pub struct Fib6Request {
    /// The route's part.
    pub cfg: Fib6Config,
    /// `fc_mp`, `fc_mp_len`: where RTA_MULTIPATH's payload is in the request.
    pub mp: Option<(usize, usize)>,
    /// `fc_nh_id`, `fc_mx`, encapsulation, expiry, source: what the model does not model,
    /// named for the error.
    pub unmodeled: Option<&'static str>,
}

/// `ICMPV6_ROUTER_PREF_*`.
const ICMPV6_ROUTER_PREF_LOW: u8 = 3;
const ICMPV6_ROUTER_PREF_MEDIUM: u8 = 0;
const ICMPV6_ROUTER_PREF_HIGH: u8 = 1;

/// `rtm_to_fib6_config`: the request parsed liberally against `rtm_ipv6_policy`; the flags
/// from the type (RTF_REJECT for the error types, RTF_LOCAL), RTM_F_CLONED (RTF_CACHE) and
/// RTNH_F_ONLINK; RTA_NH_ID exclusive with the other next-hop attributes ("Nexthop
/// specification and nexthop id are mutually exclusive"), RTA_VIA refused ("IPv6 does not
/// support RTA_VIA attribute"), RTA_DST at least as long as the prefix (EINVAL), RTA_PREF
/// (an unknown preference is medium).
pub fn rtm_to_fib6_config(
    k: &Kernel,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<Fib6Request> {
    let msg = nlh.bytes();
    let tb = nlmsg_parse(
        msg,
        rtmsg::LEN,
        &rtm_ipv6_policy(k),
        Validate::Liberal,
        extack,
    )?;
    let rtm = rtmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    if rtm.tos != 0 && k.has(Feature::Fib6RejectTos) {
        extack.msg = Some("Invalid dsfield (tos): option not available for IPv6".into());
        return Err(Errno::EINVAL.into());
    }
    let get = |t: u16| {
        tb.get(usize::from(t))
            .and_then(|r| r.clone())
            .map(|r| &msg[r])
    };
    let addr = |b: &[u8]| -> [u8; 16] {
        let mut a = [0u8; 16];
        let n = b.len().min(16);
        a[..n].copy_from_slice(&b[..n]);
        a
    };
    let u32_of = |b: &[u8]| nltwin_wire::scalar::get_u32(b).unwrap_or(0);
    let mut cfg = Fib6Config {
        table: u32::from(rtm.table),
        metric: 0,
        ifindex: 0,
        dst: [0; 16],
        dst_len: rtm.dst_len,
        flags: RTF_UP,
        protocol: rtm.protocol,
        ty: rtm.route_type,
        ignore_dev_down: false,
        gateway: None,
        prefsrc: None,
        mx: None,
    };
    if matches!(
        rtm.route_type,
        RTN_UNREACHABLE | RTN_BLACKHOLE | RTN_PROHIBIT | RTN_THROW
    ) {
        cfg.flags |= RTF_REJECT;
    }
    if rtm.route_type == RTN_LOCAL {
        cfg.flags |= RTF_LOCAL;
    }
    if rtm.flags & RTM_F_CLONED != 0 {
        cfg.flags |= RTF_CACHE;
    }
    cfg.flags |= rtm.flags & RTNH_F_ONLINK;
    let inval = |extack: &mut NetlinkExtAck, m: &str| -> SysResult<Fib6Request> {
        extack.msg = Some(m.into());
        Err(Errno::EINVAL.into())
    };
    let mut unmodeled = None;
    if get(RTA_NH_ID).is_some() {
        if [RTA_GATEWAY, RTA_OIF, RTA_MULTIPATH, RTA_ENCAP]
            .iter()
            .any(|&t| get(t).is_some())
        {
            return inval(
                extack,
                "Nexthop specification and nexthop id are mutually exclusive",
            );
        }
        unmodeled = Some("RTA_NH_ID (nexthop objects)");
    }
    if let Some(b) = get(RTA_GATEWAY) {
        cfg.gateway = Some(addr(b));
        cfg.flags |= RTF_GATEWAY;
    }
    if get(RTA_VIA).is_some() {
        return inval(extack, "IPv6 does not support RTA_VIA attribute");
    }
    if let Some(b) = get(RTA_DST) {
        let plen = (usize::from(rtm.dst_len) + 7) >> 3;
        if b.len() < plen {
            return Err(Errno::EINVAL.into());
        }
        cfg.dst = addr(&b[..plen.min(16)]);
    }
    if let Some(b) = get(RTA_SRC) {
        let plen = (usize::from(rtm.src_len) + 7) >> 3;
        if b.len() < plen {
            return Err(Errno::EINVAL.into());
        }
    }
    if let Some(b) = get(RTA_PREFSRC) {
        let a = addr(b);
        cfg.prefsrc = (a != [0; 16]).then_some(a);
    }
    if let Some(b) = get(RTA_OIF) {
        cfg.ifindex = u32_of(b);
    }
    if let Some(b) = get(RTA_PRIORITY) {
        cfg.metric = u32_of(b);
    }
    if let Some(r) = tb[usize::from(RTA_METRICS)].clone() {
        cfg.mx = Some((msg.to_vec(), r));
    }
    if let Some(b) = get(RTA_TABLE) {
        cfg.table = u32_of(b);
    }
    let mut mp = None;
    if let Some(r) = tb.get(usize::from(RTA_MULTIPATH)).and_then(|r| r.clone()) {
        let payload = &msg[r.clone()];
        let newroute = nlh.msg_type() == crate::uapi::rtnetlink::RTM_NEWROUTE;
        if k.has(Feature::Fib6MultipathConfigValidate) {
            rtm_to_fib6_multipath_config(&cfg, payload, newroute, extack)?;
        }
        // lwtunnel_valid_encap_type_attr, and the next hops' own flags.
        for nh in rtnexthop::walk(payload) {
            let attrs = nltwin_wire::nla::Attrs::new(nh.attrs);
            if attrs
                .clone()
                .any(|a| a.kind() == RTA_ENCAP || a.kind() == RTA_ENCAP_TYPE)
            {
                unmodeled = unmodeled.or(Some("RTA_ENCAP in a next hop (lightweight tunnels)"));
            }
            if u32::from(nh.flags) & RTNH_F_ONLINK != 0 && newroute {
                unmodeled = unmodeled.or(Some("RTNH_F_ONLINK in a next hop"));
            }
        }
        mp = Some((r.start, r.end));
    }
    if let Some(b) = get(RTA_PREF) {
        let mut pref = b.first().copied().unwrap_or(0);
        if pref != ICMPV6_ROUTER_PREF_LOW && pref != ICMPV6_ROUTER_PREF_HIGH {
            pref = ICMPV6_ROUTER_PREF_MEDIUM;
        }
        cfg.flags |= u32::from(pref) << 27;
    }
    if get(RTA_ENCAP).is_some() || get(RTA_ENCAP_TYPE).is_some() {
        unmodeled = unmodeled.or(Some("RTA_ENCAP (lightweight tunnels)"));
    }
    if let Some(b) = get(RTA_EXPIRES) {
        // addrconf_timeout_fixup: a finite lifetime makes an expiring route.
        let t = u32_of(b);
        if t != u32::MAX {
            unmodeled = unmodeled.or(Some("RTA_EXPIRES (routes that expire)"));
        }
    }
    if rtm.src_len != 0 {
        unmodeled = unmodeled.or(Some("rtm_src_len (source-specific routes, IPV6_SUBTREES)"));
    }
    if cfg.flags & RTNH_F_ONLINK != 0 {
        unmodeled = unmodeled.or(Some("RTNH_F_ONLINK"));
    }
    Ok(Fib6Request { cfg, mp, unmodeled })
}

/// `rtm_to_fib6_multipath_config` (where [`Feature::Fib6MultipathConfigValidate`]): at least
/// one next hop ("Invalid nexthop configuration - no valid nexthops"), each RTA_GATEWAY a whole
/// address ("Invalid IPv6 address in RTA_GATEWAY"), and for a new route a gateway for each
/// (its own or the request's: "Device only routes can not be added for IPv6 using the
/// multipath API."); EINVAL each.
fn rtm_to_fib6_multipath_config(
    cfg: &Fib6Config,
    mp: &[u8],
    newroute: bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let inval = |extack: &mut NetlinkExtAck, m: &str| -> SysResult<()> {
        extack.msg = Some(m.into());
        Err(Errno::EINVAL.into())
    };
    let mut any = false;
    for nh in rtnexthop::walk(mp) {
        any = true;
        let mut has_gateway = cfg.flags & RTF_GATEWAY != 0;
        if let Some(a) = nltwin_wire::nla::Attrs::new(nh.attrs).find(RTA_GATEWAY) {
            if a.payload().len() < 16 {
                return inval(extack, "Invalid IPv6 address in RTA_GATEWAY");
            }
            has_gateway = true;
        }
        if newroute && !has_gateway {
            return inval(
                extack,
                "Device only routes can not be added for IPv6 using the multipath API.",
            );
        }
    }
    if !any {
        return inval(extack, "Invalid nexthop configuration - no valid nexthops");
    }
    Ok(())
}

/// `ipv6_chk_addr_and_flags`: is `addr` an address of the namespace without `banned` flags
/// (an optimistic address is not tentative), on `dev` when one is given, or of global or site
/// scope on any device (`skip_dev_check` forgets the device)?
pub fn ipv6_chk_addr_and_flags(
    k: &Kernel,
    net: NetId,
    addr: &[u8; 16],
    dev: Option<u32>,
    skip_dev_check: bool,
    banned: u32,
) -> bool {
    use crate::addrconf::ifaddr::{IFA_HOST, IFA_LINK};
    use crate::uapi::if_addr::{IFA_F_OPTIMISTIC, IFA_F_TENTATIVE};
    let dev = if skip_dev_check { None } else { dev };
    k.devices(net).any(|d| {
        d.ip6_ptr.as_ref().is_some_and(|idev| {
            idev.addr_list.iter().any(|ifp| {
                let flags = if ifp.flags & IFA_F_OPTIMISTIC != 0 {
                    ifp.flags & !IFA_F_TENTATIVE
                } else {
                    ifp.flags
                };
                ifp.addr == *addr
                    && flags & banned == 0
                    && (dev.is_none_or(|i| i == d.ifindex)
                        || ifp.scope & (IFA_LINK | IFA_HOST) == 0)
            })
        })
    })
}

/// `ip6_route_check_nh` (without RTNH_F_ONLINK): the gateway must be reached directly (a
/// route of the request's table, else through the rules; neither a reject route nor one with
/// a gateway), through the given device if one is; the device is taken from that route
/// otherwise. EHOSTUNREACH (no message) when not.
fn ip6_route_check_nh(
    k: &Kernel,
    net: NetId,
    cfg: &Fib6Config,
    gw: &[u8; 16],
    dev: &mut Option<u32>,
) -> SysResult<()> {
    let usable = |r: &Option<Fib6Info>| {
        r.as_ref()
            .filter(|r| r.flags & RTF_REJECT == 0 && r.nh.gw.is_none())
            .cloned()
    };
    let mut res = None;
    if cfg.table != 0 {
        // ip6_nh_lookup_table ignores link state; the table must exist.
        res = usable(&fib6_table_lookup(
            k,
            net,
            cfg.table,
            gw,
            cfg.ifindex,
            RT6_LOOKUP_F_IFACE,
        ))
        .filter(|r| dev.is_none_or(|d| d == r.nh.dev));
    }
    let res = match res {
        Some(r) => r,
        None => usable(&fib6_lookup(k, net, gw, cfg.ifindex, RT6_LOOKUP_F_IFACE)?)
            .ok_or(Errno::EHOSTUNREACH)?,
    };
    match *dev {
        Some(d) if d != res.nh.dev => Err(Errno::EHOSTUNREACH.into()),
        Some(_) => Ok(()),
        None => {
            *dev = Some(res.nh.dev);
            Ok(())
        }
    }
}

/// `ip6_validate_gw`: not a local address ("Gateway can not be a local address": on the
/// device for a link-local gateway, anywhere otherwise); a gateway that is not link-local
/// must be unicast or IPv4-mapped ("Invalid gateway address") and reached directly
/// (`ip6_route_check_nh`, which may pick the device); then a device is needed ("Egress device
/// not specified") that is not the loopback ("Egress device can not be loopback device for
/// this route").
fn ip6_validate_gw(
    k: &Kernel,
    net: NetId,
    cfg: &Fib6Config,
    gw: &[u8; 16],
    dev: &mut Option<u32>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    use crate::addrconf::ifaddr::{
        ipv6_addr_type, IPV6_ADDR_LINKLOCAL, IPV6_ADDR_MAPPED, IPV6_ADDR_UNICAST,
    };
    let gwa_type = ipv6_addr_type(gw) & 0xffff;
    let skip_dev = gwa_type & IPV6_ADDR_LINKLOCAL == 0;
    let need_addr_check = dev.is_none();
    let local = "Gateway can not be a local address";
    if dev.is_some() && ipv6_chk_addr_and_flags(k, net, gw, *dev, skip_dev, 0) {
        extack.msg = Some(local.into());
        return Err(Errno::EINVAL.into());
    }
    if gwa_type != IPV6_ADDR_LINKLOCAL | IPV6_ADDR_UNICAST {
        if gwa_type & (IPV6_ADDR_UNICAST | IPV6_ADDR_MAPPED) == 0 {
            extack.msg = Some("Invalid gateway address".into());
            return Err(Errno::EINVAL.into());
        }
        ip6_route_check_nh(k, net, cfg, gw, dev)?;
    }
    let Some(d) = dev.and_then(|i| k.dev(net, i)) else {
        extack.msg = Some("Egress device not specified".into());
        return Err(Errno::EINVAL.into());
    };
    if d.flags & IFF_LOOPBACK != 0 {
        extack.msg = Some("Egress device can not be loopback device for this route".into());
        return Err(Errno::EINVAL.into());
    }
    if need_addr_check && ipv6_chk_addr_and_flags(k, net, gw, *dev, skip_dev, 0) {
        extack.msg = Some(local.into());
        return Err(Errno::EINVAL.into());
    }
    Ok(())
}

/// `fib6_is_reject`: an error route, or (before [`Feature::Fib6LoopbackRouteNotReject`]) a
/// route through the loopback that is not for a loopback, local or anycast address.
fn fib6_is_reject(k: &Kernel, net: NetId, flags: u32, dev: Option<u32>, dst: &[u8; 16]) -> bool {
    use crate::addrconf::ifaddr::{ipv6_addr_type, IPV6_ADDR_LOOPBACK};
    flags & RTF_REJECT != 0
        || (!k.has(Feature::Fib6LoopbackRouteNotReject)
            && dev
                .and_then(|i| k.dev(net, i))
                .is_some_and(|d| d.flags & IFF_LOOPBACK != 0)
            && ipv6_addr_type(dst) & IPV6_ADDR_LOOPBACK == 0
            && flags & (RTF_ANYCAST | RTF_LOCAL) == 0)
}

/// `ip6_route_info_create` with `fib6_nh_init`: RTF_CACHE refused ("Userspace can not set
/// RTF_CACHE"), the type and prefix length checked ("Invalid route type", "Invalid prefix
/// length"); the table made if missing (even when the route then fails); protocol UNSPEC
/// becomes BOOT, type UNSPEC unicast. The next hop: a named device must exist with IPv6
/// (ENODEV); a reject route (or one that would loop through the loopback) goes through the
/// loopback, nothing else checked; a gateway is validated (`ip6_validate_gw`); then a device
/// is needed (ENODEV) with IPv6 enabled ("IPv6 is disabled on nexthop device", EACCES), up
/// unless the caller ignores it ("Nexthop device is not up", ENETDOWN), marked LINKDOWN
/// without carrier for routes other than local and anycast ones. A preferred source must be
/// a usable address ("Invalid source address"). The route is not in a table yet.
pub fn ip6_route_info_create(
    k: &mut Kernel,
    net: NetId,
    cfg: &Fib6Config,
    extack: &mut NetlinkExtAck,
) -> SysResult<Fib6Info> {
    let inval = |extack: &mut NetlinkExtAck, m: &str| -> SysResult<Fib6Info> {
        extack.msg = Some(m.into());
        Err(Errno::EINVAL.into())
    };
    if cfg.flags & RTF_CACHE != 0 {
        return inval(extack, "Userspace can not set RTF_CACHE");
    }
    if cfg.ty > RTN_MAX {
        return inval(extack, "Invalid route type");
    }
    if cfg.dst_len > 128 {
        return inval(extack, "Invalid prefix length");
    }
    let table = fib6_new_table(k, net, cfg.table);
    let metrics = match &cfg.mx {
        Some((msg, r)) => crate::metrics::ip_metrics_convert(k, msg, r.clone(), extack)?,
        None => [0; crate::uapi::route::RTAX_MAX],
    };
    let mut flags = cfg.flags & !RTF_GATEWAY;
    let mut dev = None;
    if cfg.ifindex != 0 {
        match k.dev(net, cfg.ifindex) {
            Some(d) if d.ip6_ptr.is_some() => dev = Some(cfg.ifindex),
            _ => return Err(Errno::ENODEV.into()),
        }
    }
    let mut nh_flags = 0;
    let mut gw = None;
    if fib6_is_reject(k, net, cfg.flags, dev, &cfg.dst) {
        if k.dev(net, LOOPBACK_IFINDEX)
            .is_none_or(|d| d.ip6_ptr.is_none())
        {
            return Err(Errno::ENODEV.into());
        }
        dev = Some(LOOPBACK_IFINDEX);
        flags = RTF_REJECT | RTF_NONEXTHOP;
    } else {
        if let Some(g) = cfg.gateway {
            ip6_validate_gw(k, net, cfg, &g, &mut dev, extack)?;
            gw = Some(g);
        }
        let Some(d) = dev.and_then(|i| k.dev(net, i)) else {
            return Err(Errno::ENODEV.into());
        };
        if d.ip6_ptr
            .as_ref()
            .is_none_or(|i| i.devconf[crate::uapi::ipv6::DEVCONF_DISABLE_IPV6] != 0)
        {
            extack.msg = Some("IPv6 is disabled on nexthop device".into());
            return Err(Errno::EACCES.into());
        }
        if d.flags & IFF_UP == 0 && !cfg.ignore_dev_down {
            extack.msg = Some("Nexthop device is not up".into());
            return Err(Errno::ENETDOWN.into());
        }
        if cfg.flags & (RTF_LOCAL | RTF_ANYCAST) == 0 && !d.carrier {
            nh_flags |= RTNH_F_LINKDOWN;
        }
    }
    let dev = dev.expect("a next hop has its device");
    if let Some(src) = cfg.prefsrc {
        if !ipv6_chk_addr_and_flags(
            k,
            net,
            &src,
            Some(dev),
            false,
            crate::uapi::if_addr::IFA_F_TENTATIVE,
        ) {
            return inval(extack, "Invalid source address");
        }
    }
    let fib = &mut k.net_mut(net).ipv6.fib6;
    fib.ids += 1;
    Ok(Fib6Info {
        id: fib.ids,
        table,
        dst: ipv6_addr_prefix(&cfg.dst, cfg.dst_len),
        dst_len: cfg.dst_len,
        metric: cfg.metric,
        protocol: if cfg.protocol == 0 {
            RTPROT_BOOT
        } else {
            cfg.protocol
        },
        ty: if cfg.ty == 0 { RTN_UNICAST } else { cfg.ty },
        flags,
        nh: Fib6Nh::new(dev, gw, nh_flags),
        prefsrc: cfg.prefsrc,
        metrics,
    })
}

/// `ip6_route_add`: the route made and inserted (`__ip6_ins_rt`), announced to the request's
/// sender when one asked.
pub fn ip6_route_add(
    k: &mut Kernel,
    net: NetId,
    cfg: &Fib6Config,
    info: Option<Report<'_>>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let rt = ip6_route_info_create(k, net, cfg, extack)?;
    fib6_add(k, net, rt, info, extack)
}

/// `ip6_route_del`: in the table ("FIB table does not exist", ESRCH), the node of exactly
/// the prefix; its first route matching the metric, protocol, device and gateway asked for
/// (those given) goes: that next hop alone when a gateway was asked for (`__ip6_del_rt`),
/// else with its siblings when `delete_all_nh` (`__ip6_del_rt_siblings`); ESRCH when none
/// matches. A table's root without routes holds the null entry, which matches when no device
/// other than the loopback nor gateway is asked for and cannot be deleted (ENOENT).
fn ip6_route_del(
    k: &mut Kernel,
    net: NetId,
    cfg: &Fib6Config,
    delete_all_nh: bool,
    info: Option<Report<'_>>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let table = if cfg.table == 0 {
        RT6_TABLE_MAIN
    } else {
        cfg.table
    };
    let Some(tb) = k.net(net).ipv6.fib6.table(table) else {
        extack.msg = Some("FIB table does not exist".into());
        return Err(Errno::ESRCH.into());
    };
    let dst = ipv6_addr_prefix(&cfg.dst, cfg.dst_len.min(128));
    let node: Vec<&Fib6Info> = tb
        .routes
        .iter()
        .filter(|r| r.dst_len == cfg.dst_len && r.dst == dst)
        .collect();
    let matches = |metric: u32, protocol: u8, dev: u32, gw: Option<[u8; 16]>| {
        (cfg.metric == 0 || cfg.metric == metric)
            && (cfg.protocol == 0 || cfg.protocol == protocol)
            && (cfg.ifindex == 0 || cfg.ifindex == dev)
            && (cfg.flags & RTF_GATEWAY == 0
                || cfg.gateway.unwrap_or([0; 16]) == gw.unwrap_or([0; 16]))
    };
    if node.is_empty() {
        // fib6_null_entry: metric ~0, protocol kernel, through the loopback, no gateway.
        if cfg.dst_len == 0 && matches(u32::MAX, RTPROT_KERNEL, LOOPBACK_IFINDEX, None) {
            return Err(Errno::ENOENT.into());
        }
        return Err(Errno::ESRCH.into());
    }
    let Some(id) = node
        .iter()
        .find(|r| matches(r.metric, r.protocol, r.nh.dev, r.nh.gw))
        .map(|r| r.id)
    else {
        return Err(Errno::ESRCH.into());
    };
    if cfg.flags & RTF_GATEWAY != 0 || !delete_all_nh {
        return fib6_del(k, net, id, info);
    }
    ip6_del_rt_siblings(k, net, id, info)
}

/// `__ip6_del_rt_siblings` with `fc_delete_all_nh`: a route with siblings goes with all of
/// them, announced once (RTM_DELROUTE of the route with its siblings, built before they go
/// and sent after); one without goes as `fib6_del` has it.
fn ip6_del_rt_siblings(
    k: &mut Kernel,
    net: NetId,
    id: u64,
    info: Option<Report<'_>>,
) -> SysResult<()> {
    let fib = &k.net(net).ipv6.fib6;
    let siblings = fib6_sibling_nhs(fib, id);
    if siblings.is_empty() {
        return fib6_del(k, net, id, info);
    }
    let (t, at) = fib
        .tables
        .iter()
        .enumerate()
        .find_map(|(t, tb)| tb.routes.iter().position(|r| r.id == id).map(|p| (t, p)))
        .expect("a route with siblings is in a table");
    let tb = &fib.tables[t];
    let rt = tb.routes[at].clone();
    let sibling_ids: Vec<u64> = rt6_siblings(tb, at).iter().map(|r| r.id).collect();
    let echo = info.is_some_and(|r| r.nlh.flags() & crate::uapi::netlink::NLM_F_ECHO != 0);
    let mut skb = None;
    if echo
        || crate::rtnetlink::notify::rtnl_has_listeners(
            k,
            net,
            crate::uapi::rtnetlink::RTNLGRP_IPV6_ROUTE,
        )
    {
        let (portid, seq) = info.map_or((0, 0), |r| (r.portid, r.nlh.seq()));
        let mut b =
            SkBuff::alloc_skb(crate::uapi::netlink::NLMSG_HDRLEN + rt6_nlmsg_size(siblings.len()));
        if rt6_fill_node(k, &mut b, &rt, &siblings, RTM_DELROUTE, portid, seq, 0).is_ok() {
            skb = Some(b);
        }
    }
    // Without a message built, each route is announced as it goes.
    let skip_notify = skb.is_some();
    let mut res = Ok(());
    for sib in sibling_ids {
        res = fib6_del_info(k, net, sib, info, skip_notify);
        if res.is_err() {
            break;
        }
    }
    if res.is_ok() {
        res = fib6_del_info(k, net, id, info, skip_notify);
    }
    if let Some(skb) = skb {
        crate::rtnetlink::notify::rtnl_notify(
            k,
            net,
            skb,
            crate::uapi::rtnetlink::RTNLGRP_IPV6_ROUTE,
            info,
        )?;
    }
    res
}

/// The next hops of an RTA_MULTIPATH, each as its own request (`struct fib6_config`): the
/// request's with the next hop's device (when it names one) and its gateway. `Err` for a
/// short RTA_GATEWAY ("Invalid IPv6 address in RTA_GATEWAY", `fib6_gw_from_attr`).
fn rtnh_cfg(
    cfg: &Fib6Config,
    nh: &rtnexthop::NextHop<'_>,
    extack: &mut NetlinkExtAck,
) -> Result<Fib6Config, Errno> {
    let mut r_cfg = cfg.clone();
    if nh.ifindex != 0 {
        r_cfg.ifindex = nh.ifindex as u32;
    }
    if let Some(a) = nltwin_wire::nla::Attrs::new(nh.attrs).find(RTA_GATEWAY) {
        let Some(gw) = a.payload().get(..16) else {
            extack.msg = Some("Invalid IPv6 address in RTA_GATEWAY".into());
            return Err(Errno::EINVAL);
        };
        r_cfg.gateway = Some(gw.try_into().expect("16 bytes"));
        r_cfg.flags |= RTF_GATEWAY;
    }
    Ok(r_cfg)
}

/// `ip6_route_mpath_notify`: one RTM_NEWROUTE for the routes a multipath request inserted,
/// from the first of them (with NLM_F_APPEND, from the first sibling of the last one: the
/// whole multipath route), carrying its siblings.
fn ip6_route_mpath_notify(
    k: &mut Kernel,
    net: NetId,
    rt_notif: u64,
    rt_last: Option<u64>,
    info: Report<'_>,
    nlflags: u16,
) -> SysResult<()> {
    let fib = &k.net(net).ipv6.fib6;
    let find = |id: u64| {
        fib.tables
            .iter()
            .find_map(|tb| tb.routes.iter().position(|r| r.id == id).map(|p| (tb, p)))
    };
    let mut rt = find(rt_notif).map(|(tb, p)| tb.routes[p].clone());
    if nlflags & crate::uapi::netlink::NLM_F_APPEND != 0 {
        if let Some((tb, p)) = rt_last.and_then(find) {
            if let Some(first) = rt6_siblings(tb, p).first() {
                rt = Some((*first).clone());
            }
        }
    }
    match rt {
        Some(rt) => inet6_rt_notify(k, net, RTM_NEWROUTE, &rt, nlflags, Some(info)),
        None => Ok(()),
    }
}

/// `ip6_route_multipath_add`: each next hop of RTA_MULTIPATH made into its own route
/// (`ip6_route_info_create` with the next hop's device and gateway; weight `rtnh_hops` + 1;
/// before [`Feature::Fib6MultipathConfigValidate`] a short gateway, a next hop without one
/// (after it was made: "Device only routes can not be added for IPv6 using the multipath
/// API.") and no next hop at all are found here); two with the same device and gateway are
/// EEXIST. They are then inserted one by one, silently (`fib6_add_rt2node`): after the first,
/// the request itself loses NLM_F_EXCL and NLM_F_REPLACE and gains NLM_F_CREATE (the rest
/// join the first as siblings; the ack quotes the changed header). Then one RTM_NEWROUTE
/// (`ip6_route_mpath_notify`, NLM_F_CREATE or NLM_F_REPLACE, with NLM_F_APPEND when asked).
/// When an insertion fails, what was inserted is announced so, then deleted again
/// (`ip6_route_del` of each next hop, announced each); a replace that had begun says so
/// ("ipv6: multipath route replace failed (check consistency of installed routes)").
fn ip6_route_multipath_add(
    k: &mut Kernel,
    net: NetId,
    cfg: &Fib6Config,
    mp: &[u8],
    info: Report<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    use crate::uapi::netlink::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
    let flags = info.nlh.flags();
    let replace = flags & NLM_F_REPLACE != 0;
    let mut nlflags = if replace { NLM_F_REPLACE } else { NLM_F_CREATE };
    if flags & NLM_F_APPEND != 0 {
        nlflags |= NLM_F_APPEND;
    }
    let validated = k.has(Feature::Fib6MultipathConfigValidate);
    let mut list: Vec<(Fib6Info, Fib6Config)> = Vec::new();
    for nh in rtnexthop::walk(mp) {
        let mut r_cfg = rtnh_cfg(cfg, &nh, extack)?;
        let mut rt = ip6_route_info_create(k, net, &r_cfg, extack)?;
        if !validated && !rt6_qualify_for_ecmp(&rt) {
            extack.msg = Some(
                "Device only routes can not be added for IPv6 using the multipath API.".into(),
            );
            return Err(Errno::EINVAL.into());
        }
        rt.nh.weight = u32::from(nh.hops) + 1;
        // ip6_route_info_create wrote the protocol it chose into the request's copy.
        r_cfg.protocol = rt.protocol;
        // ip6_route_info_append.
        if list.iter().any(|(o, _)| rt6_duplicate_nexthop(o, &rt)) {
            return Err(Errno::EEXIST.into());
        }
        list.push((rt, r_cfg));
    }
    if list.is_empty() {
        extack.msg = Some("Invalid nexthop configuration - no valid nexthops".into());
        return Err(Errno::EINVAL.into());
    }
    // The request as the insertions see it: its flags change after the first.
    let mut req = info.nlh.bytes().to_vec();
    let mut rt_notif = None;
    let mut rt_last = None;
    let mut failed = None;
    for (i, (rt, _)) in list.iter().enumerate() {
        let report = Report {
            portid: info.portid,
            nlh: crate::af_netlink::Nlmsghdr::new_unchecked(&req[..]),
        };
        if let Err(e) = fib6_add_rt2node(k, net, rt.clone(), Some(report), true, extack) {
            if replace && i > 0 {
                extack.msg = Some(
                    "ipv6: multipath route replace failed (check consistency of installed \
                     routes)"
                        .into(),
                );
            }
            failed = Some((i, e));
            break;
        }
        rt_last = Some(rt.id);
        rt_notif.get_or_insert(rt.id);
        let f =
            (u16::from_ne_bytes([req[6], req[7]]) & !(NLM_F_EXCL | NLM_F_REPLACE)) | NLM_F_CREATE;
        req[6..8].copy_from_slice(&f.to_ne_bytes());
        extack.request_writes.retain(|(off, _)| *off != 6);
        extack.request_writes.push((6, f.to_ne_bytes().to_vec()));
    }
    let report = Report {
        portid: info.portid,
        nlh: crate::af_netlink::Nlmsghdr::new_unchecked(&req[..]),
    };
    let Some((upto, err)) = failed else {
        let first = rt_notif.expect("a next hop was inserted");
        return ip6_route_mpath_notify(k, net, first, rt_last, report, nlflags);
    };
    if let Some(first) = rt_notif {
        ip6_route_mpath_notify(k, net, first, rt_last, report, nlflags)?;
    }
    for (_, r_cfg) in &list[..upto] {
        match ip6_route_del(k, net, r_cfg, false, Some(report), extack) {
            Err(crate::errno::SysError::Errno(_)) | Ok(()) => {}
            Err(other) => return Err(other),
        }
    }
    Err(err)
}

/// `ip6_route_multipath_del`: each next hop of RTA_MULTIPATH deleted as its own request
/// (`ip6_route_del` of that device and gateway; without a gateway, the route found goes
/// alone); the last error is the answer. Before [`Feature::Fib6MultipathConfigValidate`] a
/// short gateway is such an error and its next hop is skipped.
fn ip6_route_multipath_del(
    k: &mut Kernel,
    net: NetId,
    cfg: &Fib6Config,
    mp: &[u8],
    info: Report<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let mut last_err = Ok(());
    for nh in rtnexthop::walk(mp) {
        let r_cfg = match rtnh_cfg(cfg, &nh, extack) {
            Ok(c) => c,
            Err(e) => {
                last_err = Err(e.into());
                continue;
            }
        };
        match ip6_route_del(k, net, &r_cfg, false, Some(info), extack) {
            Ok(()) => {}
            Err(crate::errno::SysError::Errno(e)) => last_err = Err(e.into()),
            Err(other) => return Err(other),
        }
    }
    last_err
}

/// `inet6_rtm_newroute`: the request (`rtm_to_fib6_config`), metric 0 meaning
/// IP6_RT_PRIO_USER, the route added (`ip6_route_add`).
pub fn inet6_rtm_newroute(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = crate::af_netlink::skb_net(k, skb);
    let req = rtm_to_fib6_config(k, nlh, extack)?;
    if let Some(what) = req.unmodeled {
        return Err(unmodeled(what));
    }
    let mut cfg = req.cfg;
    if cfg.metric == 0 {
        cfg.metric = IP6_RT_PRIO_USER;
    }
    let info = Report {
        portid: skb.cb.portid,
        nlh,
    };
    if let Some((start, end)) = req.mp {
        return ip6_route_multipath_add(k, net, &cfg, &nlh.bytes()[start..end], info, extack);
    }
    ip6_route_add(k, net, &cfg, Some(info), extack)
}

/// `inet6_rtm_delroute`: the request (`rtm_to_fib6_config`), the route removed
/// (`ip6_route_del`).
pub fn inet6_rtm_delroute(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = crate::af_netlink::skb_net(k, skb);
    let req = rtm_to_fib6_config(k, nlh, extack)?;
    if let Some(what) = req.unmodeled {
        return Err(unmodeled(what));
    }
    if req.cfg.flags & RTF_CACHE != 0 {
        return Err(unmodeled(
            "RTM_F_CLONED (deleting cached routes, route exceptions)",
        ));
    }
    let info = Report {
        portid: skb.cb.portid,
        nlh,
    };
    if let Some((start, end)) = req.mp {
        return ip6_route_multipath_del(k, net, &req.cfg, &nlh.bytes()[start..end], info, extack);
    }
    ip6_route_del(k, net, &req.cfg, true, Some(info), extack)
}

/// The `unimplemented` answer for a part of a route request the model does not model.
fn unmodeled(what: &str) -> crate::errno::SysError {
    crate::errno::SysError::Unimplemented(crate::errno::Unimplemented::new(format!(
        "{what} in an IPv6 route request (not modeled)"
    )))
}

/// `ip6_route_init`'s RTM_NEWROUTE and RTM_DELROUTE for PF_INET6.
pub fn ip6_route_register(k: &mut Kernel) {
    use crate::rtnetlink::rtnl_register;
    rtnl_register(k, AF_INET6, RTM_NEWROUTE, Some(inet6_rtm_newroute), None, 0);
    rtnl_register(k, AF_INET6, RTM_DELROUTE, Some(inet6_rtm_delroute), None, 0);
}

/// `inet6_rtm_valid_getroute_req`: a whole rtmsg ("ipv6: Invalid header for get route
/// request"); without strict checking the attributes parsed liberally; with it, prefix
/// lengths 0 or 128 and no table, protocol, scope or type ("ipv6: Invalid values in header
/// for get route request"), no flag but RTM_F_FIB_MATCH ("ipv6: Invalid flags for get route
/// request"), RTA_SRC/RTA_DST only with their length ("ipv6: rtm_src_len and rtm_dst_len must
/// be 128 for IPv6"), only the flow's attributes ("ipv6: Unsupported attribute in get route
/// request").
fn inet6_rtm_valid_getroute_req(
    k: &Kernel,
    strict: bool,
    msg: &[u8],
    extack: &mut NetlinkExtAck,
) -> Result<crate::nlattr::Tb, Errno> {
    let inval = |extack: &mut NetlinkExtAck, m: &str| {
        extack.msg = Some(format!("ipv6: {m}"));
        Err(Errno::EINVAL)
    };
    let Ok(rtm) = rtmsg::Repr::parse_bytes(msg.get(NLMSG_HDRLEN..).unwrap_or(&[])) else {
        return inval(extack, "Invalid header for get route request");
    };
    let policy = rtm_ipv6_policy(k);
    if !strict {
        return nlmsg_parse(msg, rtmsg::LEN, &policy, Validate::Liberal, extack);
    }
    if (rtm.src_len != 0 && rtm.src_len != 128)
        || (rtm.dst_len != 0 && rtm.dst_len != 128)
        || rtm.table != 0
        || rtm.protocol != 0
        || rtm.scope != 0
        || rtm.route_type != 0
    {
        return inval(extack, "Invalid values in header for get route request");
    }
    if rtm.flags & !RTM_F_FIB_MATCH != 0 {
        return inval(extack, "Invalid flags for get route request");
    }
    let tb = nlmsg_parse(msg, rtmsg::LEN, &policy, Validate::DeprecatedStrict, extack)?;
    let has = |t: u16| tb.get(usize::from(t)).is_some_and(|a| a.is_some());
    if (has(RTA_SRC) && rtm.src_len == 0) || (has(RTA_DST) && rtm.dst_len == 0) {
        return inval(extack, "rtm_src_len and rtm_dst_len must be 128 for IPv6");
    }
    for (i, a) in tb.iter().enumerate() {
        if a.is_some()
            && !matches!(
                i as u16,
                RTA_SRC
                    | RTA_DST
                    | RTA_IIF
                    | RTA_OIF
                    | RTA_MARK
                    | RTA_UID
                    | RTA_SPORT
                    | RTA_DPORT
                    | RTA_IP_PROTO
            )
        {
            return inval(extack, "Unsupported attribute in get route request");
        }
    }
    Ok(tb)
}

/// `ip6_route_output` (`ip6_route_output_flags`, the default rules' `fib6_rule_lookup`,
/// `ip6_pol_route`) for a flow without a source: RT6_LOOKUP_F_IFACE for a destination that
/// needs it (multicast, link-local, loopback) or an output device; the local table, then main.
/// With forwarding off the lookup wants reachable routers (RT6_LOOKUP_F_REACHABLE), which
/// probes gateways (`rt6_probe`: neighbour solicitations): a lookup that would weigh a
/// gateway route is not modeled. `None` is the null entry.
fn ip6_route_output(
    k: &Kernel,
    net: NetId,
    daddr: &[u8; 16],
    oif: u32,
) -> SysResult<Option<Fib6Info>> {
    use crate::addrconf::ifaddr::{
        ipv6_addr_type, IPV6_ADDR_LINKLOCAL, IPV6_ADDR_LOOPBACK, IPV6_ADDR_MULTICAST,
    };
    let need_strict = ipv6_addr_type(daddr)
        & (IPV6_ADDR_MULTICAST | IPV6_ADDR_LINKLOCAL | IPV6_ADDR_LOOPBACK)
        != 0;
    let flags = if need_strict || oif != 0 {
        RT6_LOOKUP_F_IFACE
    } else {
        0
    };
    let fib = &k.net(net).ipv6.fib6;
    let multipath = [RT6_TABLE_LOCAL, RT6_TABLE_MAIN].iter().any(|&t| {
        fib.table(t).is_some_and(|tb| {
            tb.routes.iter().enumerate().any(|(p, r)| {
                ipv6_addr_prefix(daddr, r.dst_len) == r.dst && !rt6_siblings(tb, p).is_empty()
            })
        })
    });
    if multipath {
        // fib6_select_path: the sibling is chosen by rt6_multipath_hash against the next hops'
        // upper bounds; with hash policy 0 that hash (fib_multipath_hash_from_keys) is keyed
        // by the namespace's fib_multipath_hash_seed, random unless set.
        return Err(crate::errno::unimplemented(
            "an IPv6 output route lookup through a multipath route (fib6_select_path: \
             rt6_multipath_hash is keyed by a random per-namespace seed)",
        ));
    }
    let weighs_gateway = [RT6_TABLE_LOCAL, RT6_TABLE_MAIN].iter().any(|&t| {
        fib.table(t).is_some_and(|tb| {
            tb.routes
                .iter()
                .any(|r| r.nh.gw.is_some() && ipv6_addr_prefix(daddr, r.dst_len) == r.dst)
        })
    });
    if weighs_gateway {
        return Err(crate::errno::unimplemented(
            "an IPv6 output route lookup weighing a gateway route (RT6_LOOKUP_F_REACHABLE: \
             rt6_check_neigh and rt6_probe's neighbour solicitations)",
        ));
    }
    fib6_lookup(k, net, daddr, oif, flags)
}

/// `ip6_rt_type_to_error`: what a reject route answers.
fn ip6_rt_type_to_error(ty: u8) -> Option<Errno> {
    match ty {
        RTN_BLACKHOLE | RTN_NAT | RTN_XRESOLVE => Some(Errno::EINVAL),
        RTN_PROHIBIT => Some(Errno::EACCES),
        RTN_THROW => Some(Errno::EAGAIN),
        RTN_UNREACHABLE => Some(Errno::EHOSTUNREACH),
        // A unicast route made a reject route (through the loopback) carries no error: its
        // lookups answer as for any route.
        _ => None,
    }
}

/// `inet6_rtm_getroute` (`ip -6 route get`): the request checked
/// (`inet6_rtm_valid_getroute_req`; RTA_SRC and RTA_DST shorter than an address: EINVAL), the
/// output route looked up (`ip6_route_output`; the null entry: ENETUNREACH; a reject route:
/// its error), the reply unicast: with RTM_F_FIB_MATCH the route found (`rt6_fill_node` of
/// the FIB entry), else the per-CPU route made from it (`rt6_fill_node` with the dst and the
/// source `ip6_route_get_saddr` picks). Not modeled: input lookups (RTA_IIF), a flow source
/// (RTA_SRC), RTA_IP_PROTO.
pub fn inet6_rtm_getroute(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = crate::af_netlink::skb_net(k, skb);
    let msg = nlh.bytes();
    let strict = crate::af_netlink::netlink_strict_get_check(k, skb);
    let tb = inet6_rtm_valid_getroute_req(k, strict, msg, extack)?;
    let rtm = rtmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    let get = |t: u16| {
        tb.get(usize::from(t))
            .and_then(|r| r.clone())
            .map(|r| &msg[r])
    };
    let addr = |b: &[u8]| -> Result<[u8; 16], Errno> {
        b.get(..16)
            .map(|a| a.try_into().expect("16 bytes"))
            .ok_or(Errno::EINVAL)
    };
    let src = get(RTA_SRC).map(addr).transpose()?.unwrap_or([0; 16]);
    let dst = get(RTA_DST).map(addr).transpose()?.unwrap_or([0; 16]);
    let u32_of = |b: &[u8]| nltwin_wire::scalar::get_u32(b).unwrap_or(0);
    let iif = get(RTA_IIF).map_or(0, u32_of);
    let oif = get(RTA_OIF).map_or(0, u32_of);
    if get(RTA_IP_PROTO).is_some() {
        return Err(unmodeled("RTA_IP_PROTO (the flow's transport protocol)"));
    }
    if iif != 0 {
        if k.dev(net, iif).is_none() {
            return Err(Errno::ENODEV.into());
        }
        return Err(unmodeled(
            "RTA_IIF (input route lookups: ip6_route_input_lookup)",
        ));
    }
    if src != [0; 16] {
        return Err(unmodeled("RTA_SRC (a flow with a source address)"));
    }
    let Some(from) = ip6_route_output(k, net, &dst, oif)? else {
        return Err(Errno::ENETUNREACH.into());
    };
    // The per-CPU route's `dst.error`: the reject route's error, if its type has one.
    if let Some(e) = ip6_rt_type_to_error(from.ty).filter(|_| from.flags & RTF_REJECT != 0) {
        return Err(e.into());
    }
    let mut reply = SkBuff::alloc_skb(crate::profile::NLMSG_GOODSIZE);
    if rtm.flags & RTM_F_FIB_MATCH != 0 {
        let siblings = fib6_sibling_nhs(&k.net(net).ipv6.fib6, from.id);
        rt6_fill_node(
            k,
            &mut reply,
            &from,
            &siblings,
            RTM_NEWROUTE,
            skb.cb.portid,
            nlh.seq(),
            0,
        )?;
    } else {
        // ip6_route_get_saddr: the route's preferred source, else source address selection
        // among the addresses for the route's device (none found: no RTA_PREFSRC).
        let saddr = match from.prefsrc {
            Some(p) => Some(p),
            None => crate::addrconf::saddr::ipv6_dev_get_saddr(k, net, from.nh.dev, &dst)?,
        };
        // ip6_rt_get_dev_rcu: a local or anycast route's packets go through the loopback.
        let dev = if from.flags & (RTF_LOCAL | RTF_ANYCAST) != 0 {
            LOOPBACK_IFINDEX
        } else {
            from.nh.dev
        };
        let at = RtDst {
            dest: dst,
            src,
            saddr,
            dev,
        };
        rt6_fill_node_dst(k, &mut reply, &from, &at, skb.cb.portid, nlh.seq())?;
    }
    let ksk =
        k.net(net).kernel_sock[crate::uapi::netlink::NETLINK_ROUTE as usize].expect("rtnl socket");
    crate::af_netlink::send::nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reject_routes_answer_their_types_error() {
        assert_eq!(ip6_rt_type_to_error(RTN_BLACKHOLE), Some(Errno::EINVAL));
        assert_eq!(ip6_rt_type_to_error(RTN_PROHIBIT), Some(Errno::EACCES));
        assert_eq!(ip6_rt_type_to_error(RTN_THROW), Some(Errno::EAGAIN));
        assert_eq!(
            ip6_rt_type_to_error(RTN_UNREACHABLE),
            Some(Errno::EHOSTUNREACH)
        );
        assert_eq!(ip6_rt_type_to_error(RTN_UNICAST), None);
    }
}
