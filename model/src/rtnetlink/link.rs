//! Link requests: `rtnl_getlink`, `rtnl_dump_ifinfo`, their request checks
//! (`rtnl_valid_getlink_req`, `rtnl_valid_dump_ifinfo_req`) and `rtnl_calcit`.

use crate::af_netlink::dump::nl_dump_check_consistent;
use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{
    netlink_strict_get_check, skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr,
};
use crate::errno::{Errno, SysResult};
use crate::kernel::Kernel;
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::profile::{Feature, FeatureSet, NLMSG_GOODSIZE};
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;
use crate::uapi::netlink::{NETLINK_ROUTE, NLMSG_HDRLEN, NLM_F_DUMP_FILTERED, NLM_F_MULTI};
use crate::uapi::rtnetlink::*;

use super::fill::{rtnl_fill_ifinfo, FillCtx};

/// The link attributes a release has only with a feature; the others (up to
/// IFLA_ALLMULTI) every modeled release has.
const IFLA_BY_FEATURE: &[(u16, Feature)] = &[
    (IFLA_DEVLINK_PORT, Feature::IflaDevlinkPort),
    (IFLA_GSO_IPV4_MAX_SIZE, Feature::IflaGsoGroIpv4MaxSize),
    (IFLA_GRO_IPV4_MAX_SIZE, Feature::IflaGsoGroIpv4MaxSize),
    (IFLA_DPLL_PIN, Feature::IflaDpllPin),
    (
        IFLA_MAX_PACING_OFFLOAD_HORIZON,
        Feature::IflaMaxPacingOffloadHorizon,
    ),
    (IFLA_NETNS_IMMUTABLE, Feature::IflaNetnsImmutable),
    (IFLA_HEADROOM, Feature::IflaHeadroomTailroom),
    (IFLA_TAILROOM, Feature::IflaHeadroomTailroom),
];

/// `IFLA_MAX` of a release: its highest link attribute.
fn ifla_max(features: FeatureSet) -> u16 {
    IFLA_BY_FEATURE
        .iter()
        .filter(|(_, f)| features.has(*f))
        .map(|(t, _)| *t)
        .fold(IFLA_ALLMULTI, u16::max)
}

/// `ifla_policy` of the kernel's release and build: every IFLA_* type up to the release's
/// IFLA_MAX with its policy (rtnetlink keeps it from boot, see [`ifla_policy_of`]).
pub(crate) fn ifla_policy(k: &Kernel) -> &'static [NlaPolicy] {
    k.registry.ifla_policy
}

/// The `ifla_policy` table of a release and build: built once per release and build (the
/// kernel's is a constant table) and kept for the program's life.
pub(crate) fn ifla_policy_of(features: FeatureSet, max_tcp_header: usize) -> &'static [NlaPolicy] {
    type Cache = Vec<((FeatureSet, i64), &'static [NlaPolicy])>;
    static CACHE: std::sync::Mutex<Cache> = std::sync::Mutex::new(Vec::new());
    let key = (features, max_tcp_header as i64);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = cache.iter().find(|(k, _)| *k == key) {
        return p;
    }
    let p: &'static [NlaPolicy] = Vec::leak(build_ifla_policy(key.0, key.1));
    cache.push((key, p));
    p
}

/// The table [`ifla_policy`] serves. With IFLA_MAX_PACING_OFFLOAD_HORIZON came strict
/// validation of every type from IFLA_DPLL_PIN on, in every parse (`strict_start_type`):
/// DPLL_PIN and MAX_PACING_OFFLOAD_HORIZON have no entry ("Unsupported attribute");
/// NETNS_IMMUTABLE, HEADROOM and TAILROOM are output-only (rejected). GSO_MAX_SIZE /
/// GSO_IPV4_MAX_SIZE (at least MAX_TCP_HEADER + 1, which the build decides), NEW_IFINDEX (at
/// least 1) and, where the release has it, TXQLEN (at most S16_MAX) carry ranges.
fn build_ifla_policy(features: FeatureSet, max_tcp_header: i64) -> Vec<NlaPolicy> {
    use NlaType::*;
    const MAX_ADDR_LEN: u16 = 32;
    const IFALIASZ: u16 = 256;
    const ALTIFNAMSIZ: u16 = 128;
    const MAX_PHYS_ITEM_ID_LEN: u16 = 32;
    const IFMAP_LEN: u16 = 32;
    let mut p = vec![NlaPolicy::of(Unspec); ifla_max(features) as usize + 1];
    if features.has(Feature::IflaMaxPacingOffloadHorizon) {
        p[0] = NlaPolicy::strict_start(IFLA_DPLL_PIN);
    }
    let set = |p: &mut Vec<NlaPolicy>, t: u16, pol: NlaPolicy| {
        if let Some(e) = p.get_mut(t as usize) {
            *e = pol;
        }
    };
    set(&mut p, IFLA_IFNAME, NlaPolicy::with_len(String, 15));
    set(
        &mut p,
        IFLA_ADDRESS,
        NlaPolicy::with_len(Binary, MAX_ADDR_LEN),
    );
    set(
        &mut p,
        IFLA_BROADCAST,
        NlaPolicy::with_len(Binary, MAX_ADDR_LEN),
    );
    set(&mut p, IFLA_MAP, NlaPolicy::with_len(Unspec, IFMAP_LEN));
    for t in [
        IFLA_MTU,
        IFLA_LINK,
        IFLA_MASTER,
        IFLA_TXQLEN,
        IFLA_WEIGHT,
        IFLA_NET_NS_PID,
        IFLA_NET_NS_FD,
        IFLA_EXT_MASK,
        IFLA_PROMISCUITY,
        IFLA_NUM_TX_QUEUES,
        IFLA_NUM_RX_QUEUES,
        IFLA_GSO_MAX_SEGS,
        IFLA_CARRIER_CHANGES,
        IFLA_EVENT,
        IFLA_GROUP,
        IFLA_CARRIER_UP_COUNT,
        IFLA_CARRIER_DOWN_COUNT,
        IFLA_MIN_MTU,
        IFLA_MAX_MTU,
        IFLA_GRO_MAX_SIZE,
        IFLA_GRO_IPV4_MAX_SIZE,
    ] {
        set(&mut p, t, NlaPolicy::of(U32));
    }
    if features.has(Feature::IflaTxqlenRange) {
        // NLA_POLICY_FULL_RANGE(NLA_U32, 0..=S16_MAX).
        set(
            &mut p,
            IFLA_TXQLEN,
            NlaPolicy {
                range: Some((0, i64::from(i16::MAX))),
                ..NlaPolicy::of(U32)
            },
        );
    }
    // NLA_POLICY_MIN(NLA_U32, MAX_TCP_HEADER + 1).
    set(
        &mut p,
        IFLA_GSO_MAX_SIZE,
        NlaPolicy::min(U32, max_tcp_header + 1),
    );
    set(
        &mut p,
        IFLA_GSO_IPV4_MAX_SIZE,
        NlaPolicy::min(U32, max_tcp_header + 1),
    );
    for t in [IFLA_CARRIER, IFLA_OPERSTATE, IFLA_LINKMODE, IFLA_PROTO_DOWN] {
        set(&mut p, t, NlaPolicy::of(U8));
    }
    for t in [
        IFLA_LINKINFO,
        IFLA_VFINFO_LIST,
        IFLA_VF_PORTS,
        IFLA_PORT_SELF,
        IFLA_AF_SPEC,
        IFLA_XDP,
        IFLA_PROP_LIST,
        IFLA_PROTO_DOWN_REASON,
    ] {
        set(&mut p, t, NlaPolicy::of(Nested));
    }
    for t in [IFLA_LINK_NETNSID, IFLA_TARGET_NETNSID] {
        set(&mut p, t, NlaPolicy::of(S32));
    }
    set(&mut p, IFLA_NEW_IFINDEX, NlaPolicy::min(S32, 1));
    set(
        &mut p,
        IFLA_IFALIAS,
        NlaPolicy::with_len(Binary, IFALIASZ - 1),
    );
    set(
        &mut p,
        IFLA_PHYS_PORT_ID,
        NlaPolicy::with_len(Binary, MAX_PHYS_ITEM_ID_LEN),
    );
    set(
        &mut p,
        IFLA_PHYS_SWITCH_ID,
        NlaPolicy::with_len(Binary, MAX_PHYS_ITEM_ID_LEN),
    );
    set(
        &mut p,
        IFLA_ALT_IFNAME,
        NlaPolicy::with_len(String, ALTIFNAMSIZ - 1),
    );
    set(&mut p, IFLA_PARENT_DEV_NAME, NlaPolicy::of(NulString));
    for t in [
        IFLA_PERM_ADDRESS,
        IFLA_TSO_MAX_SIZE,
        IFLA_TSO_MAX_SEGS,
        IFLA_ALLMULTI,
        IFLA_NETNS_IMMUTABLE,
        IFLA_HEADROOM,
        IFLA_TAILROOM,
    ] {
        set(&mut p, t, NlaPolicy::of(Reject));
    }
    p
}

/// `nla_get_u32` of the attribute payload at `r` (0 when shorter).
fn u32_at(msg: &[u8], r: &std::ops::Range<usize>) -> u32 {
    nltwin_wire::scalar::get_u32(&msg[r.clone()]).unwrap_or(0)
}

/// The request's `ifinfomsg` (the caller checked its length).
fn ifinfomsg(nlh: &[u8]) -> nltwin_wire::ifinfomsg::Packet<&[u8]> {
    nltwin_wire::ifinfomsg::Packet::new_unchecked(&nlh[NLMSG_HDRLEN..])
}

fn einval(extack: &mut NetlinkExtAck, msg: &str) -> Errno {
    extack.msg = Some(msg.into());
    Errno::EINVAL
}

/// `rtnl_valid_getlink_req`.
fn rtnl_valid_getlink_req(
    strict: bool,
    nlh: &[u8],
    policy: &[NlaPolicy],
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    if nlh.len() < NLMSG_HDRLEN + IFINFOMSG_LEN {
        return Err(einval(extack, "Invalid header for get link"));
    }
    let start = NLMSG_HDRLEN + IFINFOMSG_LEN;
    if !strict {
        return nla_parse(nlh, start, nlh.len(), policy, Validate::Liberal, extack);
    }
    let h = ifinfomsg(nlh);
    if h.pad() != 0 || h.link_type() != 0 || h.flags() != 0 || h.change() != 0 {
        return Err(einval(
            extack,
            "Invalid values in header for get link request",
        ));
    }
    let tb = nla_parse(
        nlh,
        start,
        nlh.len(),
        policy,
        Validate::DeprecatedStrict,
        extack,
    )?;
    for (i, a) in tb.iter().enumerate() {
        if a.is_some()
            && ![
                IFLA_IFNAME,
                IFLA_ALT_IFNAME,
                IFLA_EXT_MASK,
                IFLA_TARGET_NETNSID,
            ]
            .contains(&(i as u16))
        {
            return Err(einval(extack, "Unsupported attribute in get link request"));
        }
    }
    Ok(tb)
}

/// The name an IFNAME/ALT_IFNAME attribute holds (up to its NUL).
fn name_at(nlh: &[u8], r: &std::ops::Range<usize>) -> String {
    let b = &nlh[r.clone()];
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    crate::netdevice::ifname_from_bytes(&b[..end])
}

/// `rtnl_getlink`: one link by index, or by name / altname; the reply, then the ack.
pub fn rtnl_getlink(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let nlh = req.bytes();
    let strict = netlink_strict_get_check(k, skb);
    let tb = rtnl_valid_getlink_req(strict, nlh, ifla_policy(k), extack)?;
    super::newlink::rtnl_ensure_unique_netns(
        &super::newlink::IfAttrs {
            msg: nlh,
            tb: tb.clone(),
        },
        extack,
        true,
    )?;
    if tb[IFLA_TARGET_NETNSID as usize].is_some() {
        return Err(crate::errno::unimplemented(
            "rtnl_getlink with IFLA_TARGET_NETNSID",
        ));
    }
    let ext_filter_mask = tb[IFLA_EXT_MASK as usize]
        .as_ref()
        .map_or(0, |r| u32_at(nlh, r));
    let net = skb_net(k, skb);
    let index = ifinfomsg(nlh).index();
    let devs = &k.net(net).devices;
    let dev = if index > 0 {
        devs.by_index(index as u32)
    } else if let Some(r) = tb[IFLA_IFNAME as usize]
        .as_ref()
        .or(tb[IFLA_ALT_IFNAME as usize].as_ref())
    {
        devs.by_name(&name_at(nlh, r))
    } else {
        return Err(Errno::EINVAL.into());
    };
    let ifindex = dev.ok_or(Errno::ENODEV)?.ifindex;
    // Report the carrier state link watch would settle, not one still pending (not for the
    // names alone, which 7.x answers without the RTNL).
    let name_only =
        k.has(Feature::RtextFilterNameOnly) && ext_filter_mask & RTEXT_FILTER_NAME_ONLY != 0;
    if k.has(Feature::RtnlGetlinkSyncsLinkwatch) && !name_only {
        crate::link_watch::linkwatch_sync_dev(k, net, ifindex)?;
    }
    super::fill::rtnl_link_netnsid_alloc(k, net, net, ifindex)?;
    let dev = k.dev(net, ifindex).expect("looked up").clone();
    let seq = Nlmsghdr::new_unchecked(nlh).seq();
    // The reply is sized by the kernel's estimate of the device's message (`if_nlmsg_size`),
    // which is what it is charged in the queue.
    let mut probe = SkBuff::alloc_skb(64 * 1024);
    let ctx = FillCtx::of(k, net, &dev);
    let room = crate::uapi::netlink::nlmsg_align(
        crate::uapi::netlink::NLMSG_HDRLEN
            + super::size::if_nlmsg_size(&ctx, &dev, ext_filter_mask),
    );
    rtnl_fill_ifinfo(
        &mut probe,
        ctx,
        &dev,
        RTM_NEWLINK,
        skb.cb.portid,
        seq,
        0,
        0,
        0,
        ext_filter_mask,
    )?;
    let mut reply = SkBuff::alloc_skb(room.max(probe.len()));
    rtnl_fill_ifinfo(
        &mut reply,
        ctx,
        &dev,
        RTM_NEWLINK,
        skb.cb.portid,
        seq,
        0,
        0,
        0,
        ext_filter_mask,
    )?;
    let ksk = k.net(net).kernel_sock[NETLINK_ROUTE as usize].expect("rtnl socket");
    nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

/// `rtnl_valid_dump_ifinfo_req`: strict mode checks the whole header; otherwise a payload
/// shorter than `ifinfomsg` is read with the old 1-byte `rtgenmsg` header.
fn rtnl_valid_dump_ifinfo_req(
    nlh: &[u8],
    strict: bool,
    policy: &[NlaPolicy],
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    if strict {
        if nlh.len() < NLMSG_HDRLEN + IFINFOMSG_LEN {
            return Err(einval(extack, "Invalid header for link dump"));
        }
        let h = ifinfomsg(nlh);
        let (pad, ty, index, flags, change) =
            (h.pad(), h.link_type(), h.index(), h.flags(), h.change());
        if pad != 0 || ty != 0 || flags != 0 || change != 0 {
            return Err(einval(
                extack,
                "Invalid values in header for link dump request",
            ));
        }
        if index != 0 {
            return Err(einval(
                extack,
                "Filter by device index not supported for link dumps",
            ));
        }
        return nla_parse(
            nlh,
            NLMSG_HDRLEN + IFINFOMSG_LEN,
            nlh.len(),
            policy,
            Validate::DeprecatedStrict,
            extack,
        );
    }
    let hdrlen = if nlh.len() - NLMSG_HDRLEN < IFINFOMSG_LEN {
        1
    } else {
        IFINFOMSG_LEN
    };
    let start = (NLMSG_HDRLEN + hdrlen).next_multiple_of(4).min(nlh.len());
    nla_parse(nlh, start, nlh.len(), policy, Validate::Liberal, extack)
}

/// Dump state in `cb.args`: [0] the next ifindex to visit, [1] the filters were read,
/// [2] ext_filter_mask, [3] master filter, [4] NLM_F_DUMP_FILTERED.
const NEXT_IFINDEX: usize = 0;

/// `rtnl_dump_ifinfo`: every device from the saved ifindex on, in ascending ifindex, until the
/// chunk is full (-EMSGSIZE, resumed at that device).
pub fn rtnl_dump_ifinfo(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let nlh = cb.nlh.clone();
    let mut extack = NetlinkExtAck::default();
    let mut ext_filter_mask = 0;
    let mut flags = NLM_F_MULTI;
    let mut master_idx = 0;
    let mut kind_filter: Option<String> = None;
    match rtnl_valid_dump_ifinfo_req(&nlh, cb.strict_check, ifla_policy(k), &mut extack) {
        Err(e) => {
            if cb.strict_check {
                cb.extack = extack;
                return Ok(e.as_neg());
            }
        }
        Ok(tb) => {
            for (i, a) in tb.iter().enumerate() {
                let Some(r) = a else { continue };
                match i as u16 {
                    IFLA_TARGET_NETNSID => {
                        return Err(crate::errno::unimplemented(
                            "rtnl_dump_ifinfo with IFLA_TARGET_NETNSID",
                        ))
                    }
                    IFLA_EXT_MASK => ext_filter_mask = u32_at(&nlh, r),
                    IFLA_MASTER => master_idx = u32_at(&nlh, r),
                    IFLA_LINKINFO => kind_filter = linkinfo_to_kind_ops(k, &nlh, r),
                    _ if cb.strict_check => {
                        cb.extack.msg = Some("Unsupported attribute in link dump request".into());
                        return Ok(Errno::EINVAL.as_neg());
                    }
                    _ => {}
                }
            }
            if master_idx != 0 || kind_filter.is_some() {
                flags |= NLM_F_DUMP_FILTERED;
            }
        }
    }
    let seq = cb.request().seq();
    let start = cb.args[NEXT_IFINDEX] as u32;
    let mut err = 0;
    let mut next = start;
    let mut tried = None;
    // A fill first gives its link's namespace an id when it has none (a veth whose peer lives
    // elsewhere), as the kernel's fill does for the devices this part of the dump reaches, and
    // only those: the walk stops at such a device, gives the id, and goes on from it.
    'walk: loop {
        for dev in k.net(cb.net).devices.devs.range(next..).map(|(_, d)| d) {
            cb.args[NEXT_IFINDEX] = i64::from(dev.ifindex);
            if link_dump_filtered(dev, master_idx, kind_filter.as_deref()) {
                continue;
            }
            if tried != Some(dev.ifindex)
                && super::fill::rtnl_link_netnsid_wanted(k, cb.net, cb.net, dev)
            {
                next = dev.ifindex;
                // Once per device: a namespace that cannot give an id is filled without.
                tried = Some(next);
                super::fill::rtnl_link_netnsid_alloc(k, cb.net, cb.net, next)?;
                continue 'walk;
            }
            if let Err(e) = rtnl_fill_ifinfo(
                skb,
                FillCtx::of(k, cb.net, dev),
                dev,
                RTM_NEWLINK,
                cb.portid,
                seq,
                flags,
                0,
                0,
                ext_filter_mask,
            ) {
                err = e.as_neg();
            }
            if err != 0 {
                break;
            }
        }
        break;
    }
    let devs = &k.net(cb.net).devices;
    if err == 0 {
        cb.args[NEXT_IFINDEX] = i64::from(devs.devs.keys().next_back().copied().unwrap_or(0)) + 1;
    }
    cb.seq = devs.dev_base_seq;
    if !skb.is_empty() {
        nl_dump_check_consistent(cb, skb, 0);
    }
    Ok(err)
}

/// `linkinfo_to_kind_ops`: the kind a dump filters on, if the kernel knows that kind (an
/// unknown kind filters nothing). Kinds the profile has but the model does not create still
/// filter: no device of theirs exists.
fn linkinfo_to_kind_ops(k: &Kernel, nlh: &[u8], r: &std::ops::Range<usize>) -> Option<String> {
    let mut policy = vec![NlaPolicy::of(NlaType::Unspec); IFLA_INFO_MAX as usize + 1];
    policy[IFLA_INFO_KIND as usize] = NlaPolicy::of(NlaType::String);
    let mut ignored = NetlinkExtAck::default();
    let tb = nla_parse(
        nlh,
        r.start,
        r.end,
        &policy,
        Validate::Liberal,
        &mut ignored,
    )
    .ok()?;
    let kr = tb[IFLA_INFO_KIND as usize].clone()?;
    let kind = name_at(nlh, &kr);
    let known = super::ops::rtnl_link_ops_get(k, &kind).is_some()
        || k.profile
            .config
            .unimplemented_link_kinds
            .contains(&kind.as_str());
    known.then_some(kind)
}

/// `link_dump_filtered`: skip devices whose master is not `master_idx` (-1: devices with a
/// master) or whose kind is not the filter's.
fn link_dump_filtered(
    dev: &crate::netdevice::NetDevice,
    master_idx: u32,
    kind: Option<&str>,
) -> bool {
    let master_filtered = match master_idx {
        0 => false,
        u32::MAX => dev.master.is_some(),
        m => dev.master != Some(m),
    };
    master_filtered || kind.is_some_and(|k| dev.kind() != Some(k))
}

/// `rtnl_calcit`: the dump's minimum chunk for RTM_GETLINK: NLMSG_GOODSIZE unless the request
/// carries IFLA_EXT_MASK, then the largest device message for that mask (the model measures the
/// messages instead of using the kernel's upper estimate).
pub fn rtnl_calcit(k: &Kernel, skb: &SkBuff, req: Nlmsghdr<'_>) -> u32 {
    let nlh = req.bytes();
    let hdrlen = if nlh.len() - NLMSG_HDRLEN < IFINFOMSG_LEN {
        1
    } else {
        IFINFOMSG_LEN
    };
    let start = (NLMSG_HDRLEN + hdrlen).next_multiple_of(4).min(nlh.len());
    let mut extack = NetlinkExtAck::default();
    let Ok(tb) = nla_parse(
        nlh,
        start,
        nlh.len(),
        ifla_policy(k),
        Validate::Liberal,
        &mut extack,
    ) else {
        return NLMSG_GOODSIZE as u32;
    };
    let Some(r) = &tb[IFLA_EXT_MASK as usize] else {
        return NLMSG_GOODSIZE as u32;
    };
    let mask = u32_at(nlh, r);
    if mask == 0 {
        return NLMSG_GOODSIZE as u32;
    }
    let net = skb_net(k, skb);
    k.net(net)
        .devices
        .devs
        .values()
        .map(|d| {
            let mut probe = SkBuff::alloc_skb(64 * 1024);
            let _ = rtnl_fill_ifinfo(
                &mut probe,
                FillCtx::of(k, net, d),
                d,
                RTM_NEWLINK,
                0,
                0,
                0,
                0,
                0,
                mask,
            );
            probe.len() as u32
        })
        .max()
        .unwrap_or(0)
}
