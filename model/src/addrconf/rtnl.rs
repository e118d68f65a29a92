//! addrconf's rtnetlink handlers for addresses (`net/ipv6/addrconf.c`): RTM_GETADDR's dump
//! (`inet6_dump_ifaddr` / `inet6_dump_addr`, `in6_dump_addrs`, `inet6_valid_dump_ifaddr_req`)
//! and doit (`inet6_rtm_getaddr`), RTM_NEWADDR (`inet6_rtm_newaddr`, `inet6_addr_add`,
//! `inet6_addr_modify`) and RTM_DELADDR (`inet6_rtm_deladdr`, `inet6_addr_del`).

use super::ifaddr::*;
use crate::af_netlink::dump::nl_dump_check_consistent;
use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{
    netlink_strict_get_check, skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr,
};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::profile::Feature;
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::if_addr::*;
use crate::uapi::netlink::{
    NETLINK_ROUTE, NLMSG_HDRLEN, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE,
};
use crate::uapi::rtnetlink::*;

/// `PF_INET6`.
const PF_INET6: u8 = 10;
/// `sizeof(struct ifaddrmsg)`.
const IFADDRMSG_LEN: usize = nltwin_wire::ifaddrmsg::LEN;

/// addrconf's address handlers (`addrconf_init`'s share of `addrconf_rtnl_msg_handlers`).
pub fn addrconf_rtnl_register(k: &mut Kernel) {
    rtnl_register(k, PF_INET6, RTM_NEWADDR, Some(inet6_rtm_newaddr), None, 0);
    rtnl_register(k, PF_INET6, RTM_DELADDR, Some(inet6_rtm_deladdr), None, 0);
    rtnl_register(
        k,
        PF_INET6,
        RTM_GETADDR,
        Some(inet6_rtm_getaddr),
        Some(inet6_dump_ifaddr),
        0,
    );
    rtnl_register(
        k,
        PF_INET6,
        RTM_GETMULTICAST,
        None,
        Some(inet6_dump_ifmcaddr),
        0,
    );
    rtnl_register(
        k,
        PF_INET6,
        RTM_GETANYCAST,
        None,
        Some(inet6_dump_ifacaddr),
        0,
    );
}

/// `ifa_ipv6_policy`: addresses at least 16 bytes, cache info at least its size, flags and
/// route priority at least 4, the target namespace an s32, the protocol a u8.
fn ifa_ipv6_policy() -> [NlaPolicy; IFA_PROTO as usize + 1] {
    let mut p = [NlaPolicy::of(NlaType::Unspec); IFA_PROTO as usize + 1];
    p[usize::from(IFA_ADDRESS)] = NlaPolicy::with_len(NlaType::Unspec, 16);
    p[usize::from(IFA_LOCAL)] = NlaPolicy::with_len(NlaType::Unspec, 16);
    p[usize::from(IFA_CACHEINFO)] = NlaPolicy::with_len(NlaType::Unspec, 16);
    p[usize::from(IFA_FLAGS)] = NlaPolicy::with_len(NlaType::Unspec, 4);
    p[usize::from(IFA_RT_PRIORITY)] = NlaPolicy::with_len(NlaType::Unspec, 4);
    p[usize::from(IFA_TARGET_NETNSID)] = NlaPolicy::of(NlaType::S32);
    p[usize::from(IFA_PROTO)] = NlaPolicy::of(NlaType::U8);
    p
}

/// The request's `ifaddrmsg` (the caller checked its length).
fn ifaddrmsg(nlh: &[u8]) -> nltwin_wire::ifaddrmsg::Repr {
    nltwin_wire::ifaddrmsg::Repr::parse_bytes(&nlh[NLMSG_HDRLEN..]).expect("checked length")
}

fn einval(extack: &mut NetlinkExtAck, msg: &str) -> Errno {
    extack.msg = Some(format!("ipv6: {msg}"));
    Errno::EINVAL
}

/// `nlmsg_parse_deprecated(nlh, sizeof(struct ifaddrmsg), ..., ifa_ipv6_policy)`.
fn parse_deprecated(nlh: &[u8], extack: &mut NetlinkExtAck) -> Result<Tb, Errno> {
    if nlh.len() < NLMSG_HDRLEN + IFADDRMSG_LEN {
        extack.msg = Some("Invalid header length".into());
        return Err(Errno::EINVAL);
    }
    nla_parse(
        nlh,
        NLMSG_HDRLEN + IFADDRMSG_LEN,
        nlh.len(),
        &ifa_ipv6_policy(),
        Validate::Liberal,
        extack,
    )
}

/// The 16 bytes at the start of an attribute's payload.
fn in6_at(nlh: &[u8], r: &std::ops::Range<usize>) -> [u8; 16] {
    let mut a = [0u8; 16];
    a.copy_from_slice(&nlh[r.start..r.start + 16]);
    a
}

fn u32_at(nlh: &[u8], r: &std::ops::Range<usize>) -> u32 {
    nltwin_wire::scalar::get_u32(&nlh[r.start..r.start + 4]).expect("4 bytes by the policy")
}

/// `extract_addr`: IFA_LOCAL if given (with IFA_ADDRESS, when different, as the peer), else
/// IFA_ADDRESS.
fn extract_addr(nlh: &[u8], tb: &Tb) -> Option<([u8; 16], Option<[u8; 16]>)> {
    let addr = tb[usize::from(IFA_ADDRESS)]
        .as_ref()
        .map(|r| in6_at(nlh, r));
    match tb[usize::from(IFA_LOCAL)].as_ref().map(|r| in6_at(nlh, r)) {
        Some(local) => Some((local, addr.filter(|a| *a != local))),
        None => addr.map(|a| (a, None)),
    }
}

// ---------------------------------------------------------------------------------------------
// RTM_GETADDR
// ---------------------------------------------------------------------------------------------

/// `inet6_base_seq`: the namespace's address and device generations, never 0.
fn inet6_base_seq(k: &Kernel, net: NetId) -> u32 {
    let n = k.net(net);
    match n.ipv6.dev_addr_genid.wrapping_add(n.devices.dev_base_seq) {
        0 => 0x8000_0000,
        s => s,
    }
}

/// `inet6_valid_dump_ifaddr_req` (strict checking): a whole `ifaddrmsg` with no prefix
/// length, flags or scope; an index filters (NLM_F_DUMP_FILTERED); attributes parsed
/// strictly, and none but IFA_TARGET_NETNSID. Returns the index to filter on.
fn inet6_valid_dump_ifaddr_req(nlh: &[u8], cb: &mut NetlinkCallback) -> Result<u32, Errno> {
    if nlh.len() < NLMSG_HDRLEN + IFADDRMSG_LEN {
        return Err(einval(
            &mut cb.extack,
            "Invalid header for address dump request",
        ));
    }
    let h = ifaddrmsg(nlh);
    if h.prefixlen != 0 || h.flags != 0 || h.scope != 0 {
        return Err(einval(
            &mut cb.extack,
            "Invalid values in header for address dump request",
        ));
    }
    if h.index != 0 {
        cb.answer_flags |= NLM_F_DUMP_FILTERED;
    }
    let tb = nla_parse(
        nlh,
        NLMSG_HDRLEN + IFADDRMSG_LEN,
        nlh.len(),
        &ifa_ipv6_policy(),
        Validate::DeprecatedStrict,
        &mut cb.extack,
    )?;
    for (i, a) in tb.iter().enumerate() {
        if a.is_none() {
            continue;
        }
        if i == usize::from(IFA_TARGET_NETNSID) {
            return Err(Errno::ENOSYS);
        }
        return Err(einval(
            &mut cb.extack,
            "Unsupported attribute in dump request",
        ));
    }
    Ok(h.index)
}

/// Dump position in `cb.args`: [0] the device (`ctx->ifindex`), [1] the address within it
/// (`ctx->ip_idx`).
const DEV: usize = 0;
/// See [`DEV`].
const IP_IDX: usize = 1;

/// Which of a device's lists an address dump walks (`enum addr_type_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrType {
    /// `UNICAST_ADDR`: `addr_list`, RTM_NEWADDR messages.
    Unicast,
    /// `MULTICAST_ADDR`: `mc_list`, RTM_GETMULTICAST messages.
    Multicast,
    /// `ANYCAST_ADDR`: `ac_list`, RTM_GETANYCAST messages. The model's devices never have an
    /// anycast address: those come with forwarding (the subnet-router address) or a socket's
    /// IPV6_JOIN_ANYCAST, neither of which the model has.
    Anycast,
}

/// `in6_dump_addrs`: the device's addresses of the dump's type from `s_ip_idx` on (unicast
/// ones each checked for consistency); where the chunk filled up, `s_ip_idx` keeps the
/// position (from the RCU conversion on it is 0 once the device is done; before, it is always
/// where the walk ended). Returns the fill's error (before the conversion, 1 when nothing was
/// filled).
fn in6_dump_addrs(
    k: &Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    ifindex: u32,
    s_ip_idx: &mut i64,
    ty: AddrType,
    args: FillArgs,
) -> i32 {
    let rcu = k.has(Feature::Inet6DumpAddrRcu);
    let mut err = if rcu { 0 } else { 1 };
    let mut ip_idx = 0i64;
    let clock = Clock::of(k);
    let as_err = |r: Result<(), Errno>| match r {
        Ok(()) => 0,
        Err(e) => e.as_neg(),
    };
    if let Some(idev) = k.dev(cb.net, ifindex).and_then(|d| d.ip6_ptr.as_ref()) {
        match ty {
            AddrType::Unicast => {
                for ifa in &idev.addr_list {
                    if ip_idx >= *s_ip_idx {
                        err = as_err(inet6_fill_ifaddr(skb, ifa, ifindex, clock, args));
                        if err < 0 {
                            break;
                        }
                        nl_dump_check_consistent(cb, skb, 0);
                    }
                    ip_idx += 1;
                }
            }
            AddrType::Multicast => {
                for mc in &idev.mc_list {
                    if ip_idx >= *s_ip_idx {
                        err = as_err(inet6_fill_ifmcaddr(
                            skb, mc, ifindex, clock, args, k.features,
                        ));
                        if err < 0 {
                            break;
                        }
                    }
                    ip_idx += 1;
                }
            }
            AddrType::Anycast => {}
        }
    }
    *s_ip_idx = if !rcu || err != 0 { ip_idx } else { 0 };
    err
}

/// `inet6_dump_ifaddr`: [`inet6_dump_addr`] of unicast addresses.
pub fn inet6_dump_ifaddr(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    inet6_dump_addr(k, skb, cb, AddrType::Unicast)
}

/// `inet6_dump_ifmcaddr` (RTM_GETMULTICAST): [`inet6_dump_addr`] of the groups joined, newest
/// first.
pub fn inet6_dump_ifmcaddr(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    inet6_dump_addr(k, skb, cb, AddrType::Multicast)
}

/// `inet6_dump_ifacaddr` (RTM_GETANYCAST): [`inet6_dump_addr`] of anycast addresses.
pub fn inet6_dump_ifacaddr(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    inet6_dump_addr(k, skb, cb, AddrType::Anycast)
}

/// `inet6_dump_addr`: with strict checking the request is checked first (its error, with the
/// ext-ack, in NLMSG_DONE) and an index dumps that device only (ENODEV for none); else every
/// device with IPv6 in ifindex order, each address of the type in its list order (unicast:
/// global before link-local, newest first within a scope). From the RCU conversion on, the
/// dump ends in the chunk that holds the last address (DONE with it); before, each chunk
/// returned its length and DONE came alone.
fn inet6_dump_addr(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    ty: AddrType,
) -> SysResult<i32> {
    let rcu = k.has(Feature::Inet6DumpAddrRcu);
    let nlh = cb.nlh.clone();
    let mut args = FillArgs {
        portid: cb.portid,
        seq: cb.request().seq(),
        event: match ty {
            AddrType::Unicast => RTM_NEWADDR,
            AddrType::Multicast => RTM_GETMULTICAST,
            AddrType::Anycast => RTM_GETANYCAST,
        },
        flags: NLM_F_MULTI,
        force_rt_scope_universe: false,
    };
    let finish = |skb: &SkBuff, err: i32| {
        if rcu || skb.is_empty() {
            err
        } else {
            skb.len() as i32
        }
    };
    if cb.strict_check {
        let ifindex = match inet6_valid_dump_ifaddr_req(&nlh, cb) {
            Ok(i) => i,
            Err(Errno::ENOSYS) => {
                return Err(crate::errno::unimplemented(
                    "inet6_dump_addr with IFA_TARGET_NETNSID",
                ))
            }
            Err(e) => return Ok(finish(skb, e.as_neg())),
        };
        if ifindex != 0 {
            args.flags |= NLM_F_DUMP_FILTERED;
            let Some(dev) = k.dev(cb.net, ifindex) else {
                return Ok(finish(skb, Errno::ENODEV.as_neg()));
            };
            let mut err = 0;
            if dev.ip6_ptr.is_some() {
                let mut s_ip_idx = cb.args[IP_IDX];
                err = in6_dump_addrs(k, skb, cb, ifindex, &mut s_ip_idx, ty, args);
                cb.args[IP_IDX] = s_ip_idx;
                if err > 0 {
                    err = 0;
                }
            }
            return Ok(finish(skb, err));
        }
    }
    cb.seq = inet6_base_seq(k, cb.net);
    let devs: Vec<(u32, bool)> = k
        .devices(cb.net)
        .filter(|d| i64::from(d.ifindex) >= cb.args[DEV])
        .map(|d| (d.ifindex, d.ip6_ptr.is_some()))
        .collect();
    let last = k.devices(cb.net).map(|d| d.ifindex).max().unwrap_or(0);
    for (ifindex, has_ipv6) in devs {
        if !rcu && i64::from(ifindex) > cb.args[DEV] {
            cb.args[IP_IDX] = 0;
        }
        cb.args[DEV] = i64::from(ifindex);
        if !has_ipv6 {
            continue;
        }
        let mut s_ip_idx = cb.args[IP_IDX];
        let err = in6_dump_addrs(k, skb, cb, ifindex, &mut s_ip_idx, ty, args);
        cb.args[IP_IDX] = s_ip_idx;
        if err < 0 {
            return Ok(finish(skb, err));
        }
    }
    cb.args[DEV] = i64::from(last) + 1;
    Ok(finish(skb, 0))
}

/// `inet6_rtm_valid_getaddr_req`: a whole `ifaddrmsg`; with strict checking no prefix length,
/// flags or scope, attributes parsed strictly and only IFA_TARGET_NETNSID, IFA_ADDRESS and
/// IFA_LOCAL.
fn inet6_rtm_valid_getaddr_req(
    strict: bool,
    nlh: &[u8],
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    if nlh.len() < NLMSG_HDRLEN + IFADDRMSG_LEN {
        return Err(einval(extack, "Invalid header for get address request"));
    }
    if !strict {
        return parse_deprecated(nlh, extack);
    }
    let h = ifaddrmsg(nlh);
    if h.prefixlen != 0 || h.flags != 0 || h.scope != 0 {
        return Err(einval(
            extack,
            "Invalid values in header for get address request",
        ));
    }
    let tb = nla_parse(
        nlh,
        NLMSG_HDRLEN + IFADDRMSG_LEN,
        nlh.len(),
        &ifa_ipv6_policy(),
        Validate::DeprecatedStrict,
        extack,
    )?;
    for (i, a) in tb.iter().enumerate() {
        if a.is_some() && ![IFA_TARGET_NETNSID, IFA_ADDRESS, IFA_LOCAL].contains(&(i as u16)) {
            return Err(einval(
                extack,
                "Unsupported attribute in get address request",
            ));
        }
    }
    Ok(tb)
}

/// `inet6_rtm_getaddr`: the address IFA_LOCAL (or IFA_ADDRESS) names, on the device of
/// `ifa_index` when that device exists (an index of no device searches them all), the newest
/// such address; EINVAL without an address, EADDRNOTAVAIL when none is found.
pub fn inet6_rtm_getaddr(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let nlh = req.bytes();
    let strict = netlink_strict_get_check(k, skb);
    let tb = inet6_rtm_valid_getaddr_req(strict, nlh, extack)?;
    if tb[usize::from(IFA_TARGET_NETNSID)].is_some() {
        return Err(crate::errno::unimplemented(
            "inet6_rtm_getaddr with IFA_TARGET_NETNSID",
        ));
    }
    let (addr, _) = extract_addr(nlh, &tb).ok_or(Errno::EINVAL)?;
    let net = skb_net(k, skb);
    let index = ifaddrmsg(nlh).index;
    let dev = (index != 0)
        .then(|| k.dev(net, index).map(|d| d.ifindex))
        .flatten();
    let (ifindex, id) = ipv6_get_ifaddr(k, net, &addr, dev).ok_or(Errno::EADDRNOTAVAIL)?;
    let a = ifa(k, net, ifindex, id).expect("found").clone();
    let mut reply = SkBuff::alloc_skb(NLMSG_HDRLEN + INET6_IFADDR_MSGSIZE);
    let args = FillArgs {
        portid: skb.cb.portid,
        seq: req.seq(),
        event: RTM_NEWADDR,
        flags: 0,
        force_rt_scope_universe: false,
    };
    inet6_fill_ifaddr(&mut reply, &a, ifindex, Clock::of(k), args)?;
    let ksk = k.net(net).kernel_sock[NETLINK_ROUTE as usize].expect("rtnl socket");
    nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

// ---------------------------------------------------------------------------------------------
// RTM_NEWADDR
// ---------------------------------------------------------------------------------------------

/// The lifetimes of a request's IFA_CACHEINFO, checked ("address lifetime invalid": a valid
/// lifetime of 0 or a preferred one beyond it) and turned into flags: a finite valid lifetime
/// is not permanent, a preferred one of 0 is deprecated (`addrconf_timeout_fixup` keeps
/// 32-bit seconds as they are on 64-bit kernels).
fn lifetimes(
    k: &Kernel,
    cfg: &mut Ifa6Config,
    extack: &mut NetlinkExtAck,
    checked_msg: bool,
) -> Result<(), Errno> {
    if cfg.valid_lft == 0 || cfg.preferred_lft > cfg.valid_lft {
        if checked_msg {
            set_msg_mod(k, extack, "address lifetime invalid");
        }
        return Err(Errno::EINVAL);
    }
    if cfg.valid_lft != INFINITY_LIFE_TIME {
        cfg.ifa_flags &= !IFA_F_PERMANENT;
    } else {
        cfg.ifa_flags |= IFA_F_PERMANENT;
    }
    if cfg.preferred_lft == 0 {
        cfg.ifa_flags |= IFA_F_DEPRECATED;
    }
    Ok(())
}

/// `inet6_rtm_newaddr`: parse (liberal; "Invalid header length"), the address (EINVAL without
/// one), the flags the request may set (IFA_FLAGS, else `ifa_flags`: NODAD, HOMEADDRESS,
/// MANAGETEMPADDR, NOPREFIXROUTE, MCAUTOJOIN, OPTIMISTIC, the last dropped as optimistic DAD is
/// off), lifetimes from IFA_CACHEINFO, the device ("Unable to find the interface"), then a new
/// address (`inet6_addr_add`) or, for one the device has, EEXIST ("address already assigned")
/// unless NLM_F_REPLACE without NLM_F_EXCL asks to change it (`inet6_addr_modify`). Where the
/// lifetimes are checked depends on the release (first, or in the add and modify paths).
pub fn inet6_rtm_newaddr(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let nlh = req.bytes();
    let tb = parse_deprecated(nlh, extack)?;
    let ifm = ifaddrmsg(nlh);
    let (pfx, peer_pfx) = extract_addr(nlh, &tb).ok_or(Errno::EINVAL)?;
    let mut cfg = Ifa6Config {
        pfx,
        peer_pfx,
        plen: ifm.prefixlen,
        ifa_flags: 0,
        valid_lft: INFINITY_LIFE_TIME,
        preferred_lft: INFINITY_LIFE_TIME,
        scope: 0,
        rt_priority: tb[usize::from(IFA_RT_PRIORITY)]
            .as_ref()
            .map_or(0, |r| u32_at(nlh, r)),
        ifa_proto: tb[usize::from(IFA_PROTO)]
            .as_ref()
            .map_or(0, |r| nlh.get(r.start).copied().unwrap_or(0)),
    };
    cfg.ifa_flags = tb[usize::from(IFA_FLAGS)]
        .as_ref()
        .map_or(u32::from(ifm.flags), |r| u32_at(nlh, r));
    cfg.ifa_flags &= IFA_F_NODAD
        | IFA_F_HOMEADDRESS
        | IFA_F_MANAGETEMPADDR
        | IFA_F_NOPREFIXROUTE
        | IFA_F_MCAUTOJOIN
        | IFA_F_OPTIMISTIC;
    if let Some(r) = &tb[usize::from(IFA_CACHEINFO)] {
        let ci = &nlh[r.start..r.start + IFA_CACHEINFO_LEN];
        cfg.preferred_lft = nltwin_wire::scalar::get_u32(&ci[0..4]).expect("4 bytes");
        cfg.valid_lft = nltwin_wire::scalar::get_u32(&ci[4..8]).expect("4 bytes");
    }
    let lifetime_first = k.has(Feature::Ipv6NewaddrLifetimeFirst);
    if lifetime_first {
        lifetimes(k, &mut cfg, extack, true)?;
    }
    let net = skb_net(k, skb);
    let Some(dev) = k.dev(net, ifm.index) else {
        set_msg_mod(k, extack, "Unable to find the interface");
        return Err(Errno::ENODEV.into());
    };
    // ipv6_find_idev: a device without IPv6 has an MTU below IPV6_MIN_MTU, so ipv6_add_dev
    // refuses it.
    if dev.ip6_ptr.is_none() {
        return Err(Errno::EINVAL.into());
    }
    // ipv6_allow_optimistic_dad: optimistic_dad is off in a fresh namespace.
    cfg.ifa_flags &= !IFA_F_OPTIMISTIC;
    let ifindex = ifm.index;
    match ipv6_get_ifaddr(k, net, &cfg.pfx, Some(ifindex)) {
        None => inet6_addr_add(k, net, ifindex, cfg, !lifetime_first, extack),
        Some((_, id)) => {
            let flags = req.flags();
            if flags & NLM_F_EXCL != 0 || flags & NLM_F_REPLACE == 0 {
                set_msg_mod(k, extack, "address already assigned");
                return Err(Errno::EEXIST.into());
            }
            inet6_addr_modify(k, net, ifindex, id, cfg, !lifetime_first)
        }
    }
}

/// `inet6_addr_add`: a prefix length of at most 128 ("Invalid prefix length"), lifetimes
/// (where the release checks them here), MANAGETEMPADDR only with a /64; the device's
/// multicast route (`addrconf_add_dev`); then the address
/// (`ipv6_add_addr`), announced while tentative unless IFA_F_NODAD (a NODAD address is
/// announced once its DAD work finds nothing to do), and its DAD started. Temporary
/// addresses (MANAGETEMPADDR) and multicast auto-join (MCAUTOJOIN) are not modeled.
fn inet6_addr_add(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    mut cfg: Ifa6Config,
    check_lifetimes: bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if cfg.plen > 128 {
        set_msg_mod(k, extack, "Invalid prefix length");
        return Err(Errno::EINVAL.into());
    }
    if check_lifetimes {
        lifetimes(k, &mut cfg, extack, true)?;
    }
    if cfg.ifa_flags & IFA_F_MANAGETEMPADDR != 0 && cfg.plen != 64 {
        set_msg_mod(
            k,
            extack,
            "address with \"mngtmpaddr\" flag must have a prefix length of 64",
        );
        return Err(Errno::EINVAL.into());
    }
    if k.dev(net, ifindex)
        .and_then(|d| d.ip6_ptr.as_ref())
        .is_some_and(|i| i.devconf[crate::uapi::ipv6::DEVCONF_DISABLE_IPV6] != 0)
    {
        set_msg_mod(k, extack, "IPv6 is disabled on this device");
        return Err(Errno::EACCES.into());
    }
    if cfg.ifa_flags & IFA_F_MCAUTOJOIN != 0 {
        return Err(crate::errno::unimplemented(
            "IPv6 addresses with IFA_F_MCAUTOJOIN (multicast auto-join)",
        ));
    }
    if cfg.ifa_flags & IFA_F_MANAGETEMPADDR != 0 {
        return Err(crate::errno::unimplemented(
            "IPv6 addresses with IFA_F_MANAGETEMPADDR (temporary addresses)",
        ));
    }
    // addrconf_add_dev: the device's multicast route (ff00::/8), silently refused on a device
    // that is down or already there.
    if k.dev(net, ifindex)
        .is_some_and(|d| d.flags & crate::uapi::if_::IFF_LOOPBACK == 0)
    {
        super::route::addrconf_add_mroute(k, net, ifindex)?;
    }
    // On a device that is down the prefix route fails (ENETDOWN) and nothing expires.
    let up = k
        .dev(net, ifindex)
        .is_some_and(|d| d.flags & crate::uapi::if_::IFF_UP != 0);
    if up && cfg.valid_lft != INFINITY_LIFE_TIME && cfg.ifa_flags & IFA_F_NOPREFIXROUTE == 0 {
        return Err(crate::errno::unimplemented(
            "an IPv6 address with a finite valid lifetime and its prefix route (RTF_EXPIRES)",
        ));
    }
    cfg.scope = ipv6_addr_scope(&cfg.pfx);
    let id = ipv6_add_addr(k, net, ifindex, &cfg, extack)?;
    if cfg.ifa_flags & IFA_F_NOPREFIXROUTE == 0 {
        let (addr, plen, prio) = ifa(k, net, ifindex, id)
            .map(|a| (a.addr, a.prefix_len, a.rt_priority))
            .expect("added");
        super::route::addrconf_prefix_route(k, net, &addr, plen, prio, ifindex)?;
    }
    let flags = ifa(k, net, ifindex, id).map_or(0, |a| a.flags);
    if flags & (IFA_F_OPTIMISTIC | IFA_F_NODAD) == 0 {
        ipv6_ifa_notify(k, net, ifindex, id, 0)?;
    }
    super::dad::addrconf_dad_start(k, net, ifindex, id);
    addrconf_verify(k, net, ifindex);
    Ok(())
}

/// `inet6_addr_modify` (NLM_F_REPLACE of an address the device has): lifetimes (where the
/// release checks them here, without a message), MANAGETEMPADDR refused on a temporary
/// address or a prefix other than /64; then the flags the request may set replaced, the
/// lifetimes restarted now, the protocol replaced, the route priority when given, a new peer;
/// announced unless tentative.
fn inet6_addr_modify(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    id: u32,
    mut cfg: Ifa6Config,
    check_lifetimes: bool,
) -> SysResult<()> {
    if check_lifetimes {
        lifetimes(k, &mut cfg, &mut NetlinkExtAck::default(), false)?;
    }
    let cur = ifa(k, net, ifindex, id).expect("found").clone();
    if cfg.ifa_flags & IFA_F_MANAGETEMPADDR != 0
        && (cur.flags & IFA_F_TEMPORARY != 0 || cur.prefix_len != 64)
    {
        return Err(Errno::EINVAL.into());
    }
    if cfg.ifa_flags & IFA_F_MANAGETEMPADDR != 0 || cur.flags & IFA_F_MANAGETEMPADDR != 0 {
        return Err(crate::errno::unimplemented(
            "IPv6 addresses with IFA_F_MANAGETEMPADDR (temporary addresses)",
        ));
    }
    let prefix_route = cfg.ifa_flags & IFA_F_NOPREFIXROUTE == 0;
    // On a device that is down the prefix route fails (ENETDOWN) and nothing expires.
    let up = k
        .dev(net, ifindex)
        .is_some_and(|d| d.flags & crate::uapi::if_::IFF_UP != 0);
    if up && prefix_route && cfg.valid_lft != INFINITY_LIFE_TIME {
        return Err(crate::errno::unimplemented(
            "an IPv6 address with a finite valid lifetime and its prefix route (RTF_EXPIRES)",
        ));
    }
    if cur.peer_addr != [0; 16] || cfg.peer_pfx.is_some_and(|p| p != [0; 16]) {
        return Err(crate::errno::unimplemented(
            "replacing an IPv6 address with a peer (the peer's prefix route)",
        ));
    }
    let had_prefixroute = cur.flags & IFA_F_PERMANENT != 0 && cur.flags & IFA_F_NOPREFIXROUTE == 0;
    if !cur.tentative() || cur.flags & IFA_F_DADFAILED != 0 {
        cfg.ifa_flags &= !IFA_F_OPTIMISTIC;
    }
    let now = k.jiffies();
    let ifp = ifa_mut(k, net, ifindex, id).expect("found");
    ifp.flags &= !(IFA_F_DEPRECATED
        | IFA_F_PERMANENT
        | IFA_F_NODAD
        | IFA_F_HOMEADDRESS
        | IFA_F_MANAGETEMPADDR
        | IFA_F_NOPREFIXROUTE);
    ifp.flags |= cfg.ifa_flags;
    ifp.tstamp = now;
    ifp.valid_lft = cfg.valid_lft;
    ifp.prefered_lft = cfg.preferred_lft;
    ifp.ifa_proto = cfg.ifa_proto;
    if cfg.rt_priority != 0 {
        ifp.rt_priority = cfg.rt_priority;
    }
    if let Some(peer) = cfg.peer_pfx {
        ifp.peer_addr = peer;
    }
    let tentative = ifp.tentative();
    if !tentative {
        ipv6_ifa_notify(k, net, ifindex, id, 0)?;
    }
    let a = ifa(k, net, ifindex, id).expect("found").clone();
    use super::route::*;
    if prefix_route {
        // modify_prefix_route: a route of another metric is replaced; a missing one made.
        let found = if had_prefixroute {
            addrconf_get_prefix_route(k, net, &a.addr, a.prefix_len, ifindex)
        } else {
            None
        };
        let prio = if a.rt_priority != 0 {
            a.rt_priority
        } else {
            crate::ip6_fib::IP6_RT_PRIO_ADDRCONF
        };
        let metric = found.and_then(|rid| {
            k.net(net)
                .ipv6
                .fib6
                .tables
                .iter()
                .flat_map(|t| t.routes.iter())
                .find(|r| r.id == rid)
                .map(|r| r.metric)
        });
        match (found, metric) {
            (Some(rid), Some(m)) if m != prio => {
                crate::ip6_fib::fib6_del(k, net, rid, None).or_else(ignore_errno)?;
                addrconf_prefix_route(k, net, &a.addr, a.prefix_len, a.rt_priority, ifindex)?;
            }
            (Some(_), _) => {}
            (None, _) => {
                addrconf_prefix_route(k, net, &a.addr, a.prefix_len, a.rt_priority, ifindex)?;
            }
        }
    } else if had_prefixroute {
        let idev = k
            .dev(net, ifindex)
            .and_then(|d| d.ip6_ptr.as_ref())
            .expect("found");
        let action = check_cleanup_prefix_route(&a, idev.addr_list.iter());
        cleanup_prefix_route(k, net, ifindex, &a, action)?;
    }
    addrconf_verify(k, net, ifindex);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// RTM_DELADDR
// ---------------------------------------------------------------------------------------------

/// `inet6_rtm_deladdr`: parse (liberal), the address (EINVAL without one), then
/// `inet6_addr_del` with the request's prefix length.
pub fn inet6_rtm_deladdr(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let nlh = req.bytes();
    let tb = parse_deprecated(nlh, extack)?;
    let ifm = ifaddrmsg(nlh);
    let (pfx, _) = extract_addr(nlh, &tb).ok_or(Errno::EINVAL)?;
    let net = skb_net(k, skb);
    inet6_addr_del(k, net, ifm.index, &pfx, ifm.prefixlen, extack)
}

/// `inet6_addr_del`: a prefix length of at most 128 ("Invalid prefix length"), the device
/// ("Unable to find the interface"), its IPv6 (ENXIO "IPv6 is disabled on this device"), then
/// the address of that prefix length (`ipv6_del_addr`), or EADDRNOTAVAIL "address not
/// found".
fn inet6_addr_del(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    pfx: &[u8; 16],
    plen: u8,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if plen > 128 {
        set_msg_mod(k, extack, "Invalid prefix length");
        return Err(Errno::EINVAL.into());
    }
    let Some(dev) = k.dev(net, ifindex) else {
        set_msg_mod(k, extack, "Unable to find the interface");
        return Err(Errno::ENODEV.into());
    };
    let Some(idev) = &dev.ip6_ptr else {
        set_msg_mod(k, extack, "IPv6 is disabled on this device");
        return Err(Errno::ENXIO.into());
    };
    let Some(id) = idev
        .addr_list
        .iter()
        .find(|a| a.prefix_len == plen && a.addr == *pfx)
        .map(|a| a.id)
    else {
        set_msg_mod(k, extack, "address not found");
        return Err(Errno::EADDRNOTAVAIL.into());
    };
    ipv6_del_addr(k, net, ifindex, id)
}
