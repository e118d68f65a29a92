//! IPv4 output routes asked for over netlink (`net/ipv4/route.c`): `ip route get`'s
//! RTM_GETROUTE doit (`inet_rtm_getroute`, `inet_rtm_valid_getroute_req`), the output route
//! lookup it makes (`ip_route_output_key_hash_rcu`, `__mkroute_output`, `rt_set_nexthop`),
//! the source it picks (`inet_select_addr`, `fib_result_prefsrc`) and the reply
//! (`rt_fill_info`, or `fib_dump_info` of the matched route for RTM_F_FIB_MATCH).
//!
//! The route a lookup makes is a `struct rtable` the kernel may cache on the next hop (per
//! CPU); the model keeps none, but reports what caching shows: the reference the cache holds
//! (RTA_CACHEINFO's `rta_clntref` 2 for a cacheable route, 1 otherwise). Not modeled (they
//! answer `unimplemented`): input route lookups (RTA_IIF), multicast destinations, a DS
//! field (`rtm_tos`), RTM_F_NOTIFY (its flag stays on the per-CPU cached route), RTA_IP_PROTO,
//! several default routes (`fib_select_default`), lookups through custom rules.

use super::semantics::{fib_dump_info, FibRtInfo};
use super::trie::{FibResult, Flow};
use crate::af_netlink::{NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysError, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nlmsg_parse, Validate};
use crate::skbuff::{DstRef, SkBuff};
use crate::uapi::if_::{IFF_LOOPBACK, IFF_UP};
use crate::uapi::if_addr::IFA_F_SECONDARY;
use crate::uapi::netlink::{NETLINK_ROUTE, NLMSG_HDRLEN};
use crate::uapi::route::*;
use crate::uapi::rtnetlink::RTM_NEWROUTE;
use crate::uapi::socket::AF_INET;
use nltwin_wire::rtmsg;

/// `RTCF_LOCAL`, `RTCF_BROADCAST`: a route's flags above the low 16 bits, reported in
/// `rtm_flags`.
const RTCF_LOCAL: u32 = 0x8000_0000;
const RTCF_BROADCAST: u32 = 0x1000_0000;
/// `LOOPBACK_IFINDEX`.
const LOOPBACK_IFINDEX: u32 = 1;
/// `INADDR_LOOPBACK`.
const INADDR_LOOPBACK: u32 = 0x7f00_0001;

fn ipv4_is_multicast(a: u32) -> bool {
    a & 0xf000_0000 == 0xe000_0000
}
fn ipv4_is_lbcast(a: u32) -> bool {
    a == u32::MAX
}
fn ipv4_is_zeronet(a: u32) -> bool {
    a & 0xff00_0000 == 0
}
fn ipv4_is_loopback(a: u32) -> bool {
    a & 0xff00_0000 == 0x7f00_0000
}

/// A flow to route (`struct flowi4`'s part the model uses).
#[derive(Clone, Copy, Debug, Default)]
struct Flowi4 {
    daddr: u32,
    saddr: u32,
    oif: u32,
}

/// The route an output lookup makes (`struct rtable`).
#[derive(Clone, Debug)]
struct Rtable {
    /// `rt_type`.
    ty: u8,
    /// `rt_flags` (`RTCF_*`).
    flags: u32,
    /// `dst.dev`'s ifindex.
    dev: u32,
    /// `rt_gateway` when `rt_uses_gateway`.
    gateway: Option<u32>,
    /// Whether the next hop's cache holds it ([`rt_cache_route`]).
    cached: bool,
    /// `dst_metrics_ptr`: the route's metrics (`rt_set_nexthop` shares the FIB's).
    metrics: crate::metrics::Metrics,
    /// `dst.tclassid`: the next hop's realms (`rt_set_nexthop`; the default rules add none).
    tclassid: u32,
}

/// `inet_select_addr`: the device's first primary address of a scope no wider than `scope`,
/// in the subnet of `dst` when one is given (else the first such address); without one,
/// the first primary address of another scope than link and host on any device, in device
/// order (the loopback first).
pub(crate) fn inet_select_addr(k: &Kernel, net: NetId, dev: u32, dst: u32, scope: u8) -> u32 {
    let mut addr = 0;
    if let Some(ind) = k.dev(net, dev).and_then(|d| d.ip_ptr.as_ref()) {
        for ifa in ind
            .ifa_list
            .iter()
            .filter(|i| i.flags & IFA_F_SECONDARY == 0)
        {
            if ifa.scope > scope {
                continue;
            }
            if dst == 0 || (dst ^ ifa.address) & ifa.mask == 0 {
                addr = ifa.local;
                break;
            }
            if addr == 0 {
                addr = ifa.local;
            }
        }
    }
    if addr != 0 {
        return addr;
    }
    k.devices(net)
        .filter_map(|d| d.ip_ptr.as_ref())
        .find_map(|ind| {
            ind.ifa_list
                .iter()
                .filter(|i| i.flags & IFA_F_SECONDARY == 0)
                .find(|i| i.scope != RT_SCOPE_LINK && i.scope != RT_SCOPE_HOST && i.scope <= scope)
                .map(|i| i.local)
        })
        .unwrap_or(0)
}

/// `__ip_dev_find`: the device holding the local address `addr`.
fn ip_dev_find(k: &Kernel, net: NetId, addr: u32) -> Option<u32> {
    k.devices(net).find_map(|d| {
        d.ip_ptr
            .as_ref()
            .filter(|i| i.ifa_list.iter().any(|a| a.local == addr))
            .map(|_| d.ifindex)
    })
}

/// `fib_result_prefsrc`: the route's preferred source, else an address of the next hop's
/// device for its gateway at its scope.
fn fib_result_prefsrc(k: &Kernel, net: NetId, res: &FibResult) -> u32 {
    if res.fi.prefsrc != 0 {
        return res.fi.prefsrc;
    }
    // `fib_info_update_nhc_saddr` with the route's scope.
    fib_nh_saddr(k, net, &res.fi, &res.fi.nhs[res.nh_sel])
}

/// `fib_select_multipath` without a neighbour check (`fib_multipath_use_neigh` is 0 in a
/// fresh namespace): the first live next hop whose upper bound the flow's hash does not pass;
/// from 6.15 (`FibMultipathSaddr`), with a source in the flow, a next hop whose own source
/// (`fib_nh_saddr`) is that one first. The hash (`fib_multipath_hash`, policy 0,
/// `fib_multipath_hash_seed` 0) is keyed by a secret drawn at random once per boot, so the
/// choice is modeled only where every hash in [0, 2^31) makes the same one: one live next hop
/// has the flow's source, or the first live one covers the whole space (the others dead).
fn fib_select_multipath(
    k: &Kernel,
    net: NetId,
    fi: &super::semantics::FibInfo,
    saddr: u32,
) -> SysResult<Option<usize>> {
    let live = || {
        fi.nhs
            .iter()
            .enumerate()
            .filter(|(_, nh)| nh.upper_bound != -1)
    };
    if saddr != 0 && k.has(crate::profile::Feature::FibMultipathSaddr) {
        let mut same: Vec<usize> = live()
            .filter(|(_, nh)| fib_nh_saddr(k, net, fi, nh) == saddr)
            .map(|(i, _)| i)
            .collect();
        match same.len() {
            0 => {}
            // It scores above every other whatever the hash.
            1 => return Ok(same.pop()),
            _ => return Err(unmodeled_multipath_hash()),
        }
    }
    match live().next() {
        Some((i, nh)) if nh.upper_bound == i32::MAX => Ok(Some(i)),
        // No live share: the lookup's own pick stays.
        None => Ok(None),
        Some(_) => Err(unmodeled_multipath_hash()),
    }
}

/// Why a multipath choice that depends on the flow's hash is not modeled.
fn unmodeled_multipath_hash() -> crate::errno::SysError {
    crate::errno::unimplemented(
        "the next hop of an IPv4 multipath route (fib_multipath_hash is keyed by a random boot \
         secret while fib_multipath_hash_seed is 0)",
    )
}

/// `fib_nh_saddr` (`fib_info_update_nhc_saddr`): a next hop's source, an address of its
/// device for its gateway within the route's scope.
fn fib_nh_saddr(
    k: &Kernel,
    net: NetId,
    fi: &super::semantics::FibInfo,
    nh: &super::semantics::FibNh,
) -> u32 {
    inet_select_addr(k, net, nh.oif, nh.gw, fi.scope)
}

/// `ip_route_output_key_hash_rcu` with `__mkroute_output` and `rt_set_nexthop`: a source must
/// be a local unicast address (EINVAL for a multicast, broadcast or zero-network one,
/// ENETUNREACH for one no device has); an output device must exist (ENODEV) and be up with
/// IPv4 (ENETUNREACH); no destination is the loopback's local route; else the FIB decides
/// (its error, unless a device was given: the destination is then taken to be on its link),
/// a local route going out through the loopback. The route: broadcast for the limited
/// broadcast, EINVAL to the zero network or from a loopback source off the loopback; cached
/// on the next hop when it came from a route (not a local route reached through another
/// device than asked).
fn ip_route_output(
    k: &Kernel,
    net: NetId,
    fl: &mut Flowi4,
    fibmatch: bool,
) -> SysResult<(Rtable, Option<FibResult>)> {
    let mut orig_oif = fl.oif;
    let mut flags = 0u32;
    let mut res: Option<FibResult> = None;
    let mut ty = RTN_UNSPEC;
    let dev_out;
    'make_route: {
        if fl.saddr != 0 {
            if ipv4_is_multicast(fl.saddr) || ipv4_is_lbcast(fl.saddr) || ipv4_is_zeronet(fl.saddr)
            {
                return Err(Errno::EINVAL.into());
            }
            if fl.oif == 0 && (ipv4_is_multicast(fl.daddr) || ipv4_is_lbcast(fl.daddr)) {
                let d = ip_dev_find(k, net, fl.saddr).ok_or(Errno::ENETUNREACH)?;
                fl.oif = d;
                dev_out = d;
                break 'make_route;
            }
            if ip_dev_find(k, net, fl.saddr).is_none() {
                return Err(Errno::ENETUNREACH.into());
            }
        }
        let mut oif_dev = None;
        if fl.oif != 0 {
            let d = k.dev(net, fl.oif).ok_or(Errno::ENODEV)?;
            if d.flags & IFF_UP == 0 || d.ip_ptr.is_none() {
                return Err(Errno::ENETUNREACH.into());
            }
            oif_dev = Some(fl.oif);
            let local_mc = fl.daddr & 0xffff_ff00 == 0xe000_0000;
            if local_mc || ipv4_is_lbcast(fl.daddr) {
                if fl.saddr == 0 {
                    fl.saddr = inet_select_addr(k, net, fl.oif, 0, RT_SCOPE_LINK);
                }
                dev_out = fl.oif;
                break 'make_route;
            }
            if fl.saddr == 0 {
                if ipv4_is_multicast(fl.daddr) {
                    fl.saddr = inet_select_addr(k, net, fl.oif, 0, RT_SCOPE_UNIVERSE);
                } else if fl.daddr == 0 {
                    fl.saddr = inet_select_addr(k, net, fl.oif, 0, RT_SCOPE_HOST);
                }
            }
        }
        if fl.daddr == 0 {
            fl.daddr = fl.saddr;
            if fl.daddr == 0 {
                fl.daddr = INADDR_LOOPBACK;
                fl.saddr = INADDR_LOOPBACK;
            }
            dev_out = LOOPBACK_IFINDEX;
            fl.oif = LOOPBACK_IFINDEX;
            ty = RTN_LOCAL;
            flags |= RTCF_LOCAL;
            break 'make_route;
        }
        let flow = Flow {
            daddr: fl.daddr,
            scope: RT_SCOPE_UNIVERSE,
            oif: fl.oif,
        };
        let r = match super::fib_lookup(k, net, &flow) {
            Ok(r) => r,
            Err(SysError::Errno(e)) => {
                let Some(d) = oif_dev else {
                    return Err(e.into());
                };
                // The routes are taken to be wrong: the destination is on the device's link.
                if fl.saddr == 0 {
                    fl.saddr = inet_select_addr(k, net, d, 0, RT_SCOPE_LINK);
                }
                ty = RTN_UNICAST;
                dev_out = d;
                break 'make_route;
            }
            Err(e) => return Err(e),
        };
        ty = r.ty;
        if r.ty == RTN_LOCAL {
            if fl.saddr == 0 {
                fl.saddr = if r.fi.prefsrc != 0 {
                    r.fi.prefsrc
                } else {
                    fl.daddr
                };
            }
            dev_out = LOOPBACK_IFINDEX;
            orig_oif = r.oif;
            fl.oif = LOOPBACK_IFINDEX;
            flags |= RTCF_LOCAL;
            res = Some(r);
            break 'make_route;
        }
        // fib_select_path: a multipath route's next hop by the flow's hash; the default
        // route is chosen among several by neighbour state (fib_select_default), which is
        // not modeled.
        let mut r = r;
        if fl.oif == 0 && r.fi.num_path() > 1 {
            if !fibmatch {
                if let Some(sel) = fib_select_multipath(k, net, &r.fi, fl.saddr)? {
                    r.nh_sel = sel;
                }
                r.oif = r.fi.nhs[r.nh_sel].oif;
            }
        } else if r.prefixlen == 0 && fl.oif == 0 && r.ty == RTN_UNICAST {
            let defaults = k.net(net).fib.table(r.table).map_or(0, |t| {
                t.leaves
                    .get(&0)
                    .map_or(0, |l| l.iter().filter(|fa| fa.slen == 32).count())
            });
            if defaults > 1 {
                return Err(crate::errno::unimplemented(
                    "the choice among several IPv4 default routes (fib_select_default)",
                ));
            }
        }
        if fl.saddr == 0 {
            fl.saddr = fib_result_prefsrc(k, net, &r);
        }
        dev_out = r.oif;
        fl.oif = r.oif;
        res = Some(r);
    }
    // __mkroute_output.
    let out = k.dev(net, dev_out).ok_or(Errno::EINVAL)?;
    if ipv4_is_loopback(fl.saddr) && out.flags & IFF_LOOPBACK == 0 {
        return Err(Errno::EINVAL.into());
    }
    // The limited broadcast is reached through no route's next hop: no gateway, no cache.
    let mut fi_reset = false;
    if ipv4_is_lbcast(fl.daddr) {
        ty = RTN_BROADCAST;
        fi_reset = true;
    } else if ipv4_is_multicast(fl.daddr) {
        return Err(crate::errno::unimplemented(
            "IPv4 routes to multicast destinations (ip_check_mc_rcu)",
        ));
    } else if ipv4_is_zeronet(fl.daddr) {
        return Err(Errno::EINVAL.into());
    }
    if out.flags & IFF_LOOPBACK != 0 {
        flags |= RTCF_LOCAL;
    }
    if out.ip_ptr.is_none() {
        return Err(Errno::EINVAL.into());
    }
    let mut cached = res.is_some() && !fi_reset;
    if ty == RTN_BROADCAST {
        flags |= RTCF_BROADCAST | RTCF_LOCAL;
    } else if ty == RTN_LOCAL && orig_oif != 0 && orig_oif != dev_out {
        cached = false;
    }
    // rt_set_nexthop: a gateway on the link is used.
    let gateway = res
        .as_ref()
        .filter(|_| !fi_reset)
        .map(|r| &r.fi.nhs[r.nh_sel])
        .filter(|nh| nh.gw != 0 && nh.scope == RT_SCOPE_LINK)
        .map(|nh| nh.gw);
    Ok((
        Rtable {
            ty,
            flags,
            dev: dev_out,
            gateway,
            cached,
            metrics: res
                .as_ref()
                .filter(|_| !fi_reset)
                .map_or([0; crate::uapi::route::RTAX_MAX], |r| r.fi.metrics),
            tclassid: res
                .as_ref()
                .filter(|_| !fi_reset)
                .map_or(0, |r| r.fi.nhs[r.nh_sel].tclassid),
        },
        res,
    ))
}

/// `inet_rtm_valid_getroute_req`: a whole rtmsg ("ipv4: Invalid header for route get
/// request"); without strict checking the attributes are parsed liberally and that is all;
/// with it, prefix lengths 0 or 32 and no table, protocol, scope or type ("ipv4: Invalid
/// values in header for route get request"), flags no more than RTM_F_NOTIFY,
/// RTM_F_LOOKUP_TABLE and RTM_F_FIB_MATCH ("ipv4: Unsupported rtm_flags for route get
/// request"), RTA_SRC/RTA_DST only with their length ("ipv4: rtm_src_len and rtm_dst_len must
/// be 32 for IPv4") and only the flow's attributes ("ipv4: Unsupported attribute in route get
/// request").
fn inet_rtm_valid_getroute_req(
    k: &Kernel,
    strict: bool,
    msg: &[u8],
    extack: &mut NetlinkExtAck,
) -> Result<crate::nlattr::Tb, Errno> {
    let inval = |extack: &mut NetlinkExtAck, m: &str| {
        extack.msg = Some(m.into());
        Err(Errno::EINVAL)
    };
    let Ok(rtm) = rtmsg::Repr::parse_bytes(msg.get(NLMSG_HDRLEN..).unwrap_or(&[])) else {
        return inval(extack, "ipv4: Invalid header for route get request");
    };
    let policy = super::rtm_ipv4_policy(k);
    if !strict {
        return nlmsg_parse(msg, rtmsg::LEN, &policy, Validate::Liberal, extack);
    }
    if (rtm.src_len != 0 && rtm.src_len != 32)
        || (rtm.dst_len != 0 && rtm.dst_len != 32)
        || rtm.table != 0
        || rtm.protocol != 0
        || rtm.scope != 0
        || rtm.route_type != 0
    {
        return inval(
            extack,
            "ipv4: Invalid values in header for route get request",
        );
    }
    if rtm.flags & !(RTM_F_NOTIFY | RTM_F_LOOKUP_TABLE | RTM_F_FIB_MATCH) != 0 {
        return inval(extack, "ipv4: Unsupported rtm_flags for route get request");
    }
    let tb = nlmsg_parse(msg, rtmsg::LEN, &policy, Validate::DeprecatedStrict, extack)?;
    let has = |t: u16| tb.get(usize::from(t)).is_some_and(|a| a.is_some());
    if (has(RTA_SRC) && rtm.src_len == 0) || (has(RTA_DST) && rtm.dst_len == 0) {
        return inval(
            extack,
            "ipv4: rtm_src_len and rtm_dst_len must be 32 for IPv4",
        );
    }
    for (i, a) in tb.iter().enumerate() {
        if a.is_none() {
            continue;
        }
        if !matches!(
            i as u16,
            RTA_IIF
                | RTA_OIF
                | RTA_SRC
                | RTA_DST
                | RTA_IP_PROTO
                | RTA_SPORT
                | RTA_DPORT
                | RTA_MARK
                | RTA_UID
        ) {
            return inval(extack, "ipv4: Unsupported attribute in route get request");
        }
    }
    Ok(tb)
}

/// `inet_rtm_getroute`: the request checked (`inet_rtm_valid_getroute_req`), the output route
/// looked up (`ip_route_output_key_hash_rcu`; RTA_IIF's input lookup is not modeled), the
/// reply unicast: with RTM_F_FIB_MATCH the matched route (`fib_dump_info`; a route made
/// without one is the type's error or EHOSTUNREACH), else the route made (`rt_fill_info`),
/// in table main or, with RTM_F_LOOKUP_TABLE, the table the lookup found it in (0 for none).
pub fn inet_rtm_getroute(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = crate::af_netlink::skb_net(k, skb);
    let msg = nlh.bytes();
    let strict = crate::af_netlink::netlink_strict_get_check(k, skb);
    let tb = inet_rtm_valid_getroute_req(k, strict, msg, extack)?;
    let rtm = rtmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    let get = |t: u16| {
        tb.get(usize::from(t))
            .and_then(|r| r.clone())
            .map(|r| &msg[r])
    };
    let be32 = |b: &[u8]| {
        b.get(..4)
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let u32_of = |b: &[u8]| nltwin_wire::scalar::get_u32(b).unwrap_or(0);
    let src = get(RTA_SRC).map_or(0, be32);
    let dst = get(RTA_DST).map_or(0, be32);
    let iif = get(RTA_IIF).map_or(0, u32_of);
    let mark = get(RTA_MARK).map_or(0, u32_of);
    // The uid the flow is for, as the requester's user namespace sees it (`make_kuid`,
    // `from_kuid_munged`): a uid it does not map is INVALID_UID and not reported.
    let (user_ns, euid) = skb
        .cb
        .sender
        .map(|t| (k.tasks[t.0].cred.user_ns, k.tasks[t.0].cred.euid))
        .unwrap_or((crate::cred::UserNsId(0), 0));
    let uid = match get(RTA_UID) {
        Some(b) => {
            let ns = &k.user_nss[user_ns.0];
            let kuid = ns.make_kuid(u32_of(b));
            (kuid != crate::cred::INVALID_UID).then(|| ns.from_kuid_munged(kuid))
        }
        None if iif != 0 => None,
        None => Some(euid),
    };
    if get(RTA_IP_PROTO).is_some() {
        return Err(crate::errno::unimplemented(
            "RTA_IP_PROTO in an IPv4 route get (the flow's transport header)",
        ));
    }
    if rtm.tos != 0 {
        return Err(crate::errno::unimplemented(
            "a DS field (rtm_tos) in an IPv4 route get",
        ));
    }
    if rtm.flags & RTM_F_NOTIFY != 0 {
        return Err(crate::errno::unimplemented(
            "RTM_F_NOTIFY in an IPv4 route get (RTCF_NOTIFY stays on the per-CPU cached route)",
        ));
    }
    if iif != 0 {
        if k.dev(net, iif).is_none() {
            return Err(Errno::ENODEV.into());
        }
        return Err(crate::errno::unimplemented(
            "input route lookups (RTA_IIF: ip_route_input_rcu)",
        ));
    }
    let mut fl = Flowi4 {
        daddr: dst,
        saddr: src,
        oif: get(RTA_OIF).map_or(0, u32_of),
    };
    let (rt, res) = ip_route_output(k, net, &mut fl, rtm.flags & RTM_F_FIB_MATCH != 0)?;
    let table_id = if rtm.flags & RTM_F_LOOKUP_TABLE != 0 {
        res.as_ref().map_or(0, |r| r.table)
    } else {
        crate::uapi::fib_rules::RT_TABLE_MAIN
    };
    let mut reply = SkBuff::alloc_skb(crate::profile::NLMSG_GOODSIZE);
    // skb_dst_set: the reply holds the route until it is read; a cached route is the next
    // hop's, an uncached one the reply's alone.
    reply.dst = Some(match (&res, rt.cached) {
        (Some(r), true) => rt_cache_route(k, net, &r.fi, r.nh_sel),
        _ => DstRef::default(),
    });
    if rtm.flags & RTM_F_FIB_MATCH != 0 {
        let Some(r) = &res else {
            return Err(match super::fib_props_error_errno(rt.ty) {
                Some(e) => e,
                None => Errno::EHOSTUNREACH,
            }
            .into());
        };
        let fri = FibRtInfo {
            fi: &r.fi,
            tb_id: table_id,
            dst: r.prefix,
            dst_len: r.prefixlen,
            dscp: 0,
            ty: rt.ty,
        };
        fib_dump_info(
            k,
            &mut reply,
            skb.cb.portid,
            nlh.seq(),
            RTM_NEWROUTE,
            &fri,
            0,
        )?;
    } else {
        rt_fill_info(
            k,
            &mut reply,
            &rt,
            dst,
            src,
            table_id,
            &fl,
            mark,
            uid,
            skb.cb.portid,
            nlh.seq(),
        )?;
    }
    let ksk = k.net(net).kernel_sock[NETLINK_ROUTE as usize].expect("rtnl socket");
    crate::af_netlink::send::nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

/// `rt_cache_flush` (`rt_genid_bump_ipv4`): the namespace's cached output routes are stale
/// from now on. A stale route is never handed out again, so the model lets the caches go at
/// once; a queued reply that holds one still counts it, alone.
pub(crate) fn rt_cache_flush(k: &mut Kernel, net: NetId) {
    k.net_mut(net).fib.rth_output.clear();
}

/// The cached output route of next hop `nh_sel` of `fi` (`nhc_pcpu_rth_output`; the kernel
/// keeps one per CPU, the model one), made and cached when there is none valid
/// (`rt_cache_route`): a reference for the caller.
fn rt_cache_route(
    k: &mut Kernel,
    net: NetId,
    fi: &super::semantics::FibInfo,
    nh_sel: usize,
) -> DstRef {
    let cache = &mut k.net_mut(net).fib.rth_output;
    if let Some((_, _, d)) = cache
        .iter()
        .find(|(c, sel, _)| *sel == nh_sel && c.same(fi))
    {
        return d.clone();
    }
    let d = DstRef::default();
    cache.push((fi.clone(), nh_sel, d.clone()));
    d
}

/// `rt_fill_info` of an output route: rtmsg (a /32, the table, the route's type, universe
/// scope, protocol UNSPEC, `RTM_F_CLONED` and the `RTCF_*` flags), RTA_TABLE, RTA_DST, RTA_SRC
/// when asked (src length 32), RTA_OIF, RTA_PREFSRC when the flow's source is not the one
/// asked, RTA_GATEWAY, RTA_MARK, RTA_UID, RTA_CACHEINFO (the references held: the caller's
/// and the next hop cache's; no use, expiry or error).
#[allow(clippy::too_many_arguments)]
fn rt_fill_info(
    k: &Kernel,
    skb: &mut SkBuff,
    rt: &Rtable,
    dst: u32,
    src: u32,
    table_id: u32,
    fl: &Flowi4,
    mark: u32,
    uid: Option<u32>,
    portid: u32,
    seq: u32,
) -> Result<(), Errno> {
    let at = skb.nlmsg_put(portid, seq, RTM_NEWROUTE, rtmsg::LEN, 0)?;
    skb.nla_put_u32(RTA_TABLE, table_id)?;
    skb.nla_put(RTA_DST, &dst.to_be_bytes())?;
    if src != 0 {
        skb.nla_put(RTA_SRC, &src.to_be_bytes())?;
    }
    skb.nla_put_u32(RTA_OIF, rt.dev)?;
    if rt.tclassid != 0 {
        skb.nla_put_u32(RTA_FLOW, rt.tclassid)?;
    }
    if fl.saddr != src {
        skb.nla_put(RTA_PREFSRC, &fl.saddr.to_be_bytes())?;
    }
    if let Some(gw) = rt.gateway {
        skb.nla_put(RTA_GATEWAY, &gw.to_be_bytes())?;
    }
    // No learned path MTU (the model's routes see no traffic): the route's own metrics.
    crate::metrics::rtnetlink_put_metrics(k, skb, &rt.metrics)?;
    if mark != 0 {
        skb.nla_put_u32(RTA_MARK, mark)?;
    }
    if let Some(u) = uid {
        skb.nla_put_u32(RTA_UID, u)?;
    }
    // rtnl_put_cacheinfo: rta_clntref, rta_lastuse, rta_expires, rta_error, rta_used, ...
    let mut ci = [0u8; 32];
    // The references on the route: the reply's own, the next hop cache's and those of
    // earlier replies through it still queued unread.
    let clntref = skb.dst.as_ref().map_or(1, |d| d.refcnt()) as u32;
    ci[..4].copy_from_slice(&clntref.to_ne_bytes());
    skb.nla_put(RTA_CACHEINFO, &ci)?;
    let h = rtmsg::Repr {
        family: AF_INET,
        dst_len: 32,
        src_len: if src != 0 { 32 } else { 0 },
        tos: 0,
        table: if table_id < 256 {
            table_id as u8
        } else {
            crate::uapi::fib_rules::RT_TABLE_COMPAT as u8
        },
        protocol: 0,
        scope: RT_SCOPE_UNIVERSE,
        route_type: rt.ty,
        flags: (rt.flags & !0xffff) | RTM_F_CLONED,
    };
    skb.nlmsg_data_mut(at)[..rtmsg::LEN].copy_from_slice(&h.to_bytes());
    skb.nlmsg_end(at);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_classes_of_the_output_path() {
        assert!(ipv4_is_multicast(0xe000_0001));
        assert!(!ipv4_is_multicast(0xc0a8_0101));
        assert!(ipv4_is_lbcast(u32::MAX));
        assert!(ipv4_is_zeronet(0x00ff_0001));
        assert!(ipv4_is_loopback(0x7f00_0001));
        assert!(!ipv4_is_loopback(0x0a00_0001));
    }
}
