//! Routing rules (`net/core/fib_rules.c`): the per-namespace list of rule families
//! (`net->rules_ops`, filled by `fib_rules_register` from each family's pernet init), the
//! rules of each family in priority order, and rtnetlink's RTM_NEWRULE, RTM_DELRULE and
//! RTM_GETRULE (`fib_nl_newrule`, `fib_nl_delrule`, `fib_nl_dumprule`), registered PF_UNSPEC
//! as in the kernel, with `notify_rule_change` to the family's group (RTNLGRP_IPV4_RULE,
//! RTNLGRP_IPV6_RULE).
//!
//! The families are in [`ipv4`] (`net/ipv4/fib_rules.c`), [`ipv6`] (`net/ipv6/fib6_rules.c`)
//! and [`ipmr`] (the multicast routing families of `net/ipv4/ipmr.c` and `net/ipv6/ip6mr.c`,
//! on builds with CONFIG_IP_MROUTE_MULTIPLE_TABLES / CONFIG_IPV6_MROUTE_MULTIPLE_TABLES).
//!
//! A rule is kept as the kernel keeps it, so what a message shows is computed from the same
//! state: its device names and whether the device is there (`fib_rules_event` attaches and
//! detaches rules as devices come, go and are renamed), goto targets resolved and unresolved
//! with the kernel's counters, user id ranges as kernel uids (mapped through the requester's
//! user namespace, shown through the reader's). Lookups are not modeled (nothing in netlink
//! routes a packet); l3mdev rules are kept (no device of the model is an L3 master).

pub(crate) mod ipmr;
pub(crate) mod ipv4;
pub(crate) mod ipv6;

use std::collections::BTreeSet;
use std::ops::Range;

use crate::af_netlink::broadcast::netlink_broadcast;
use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::cred::{UserNamespace, UserNsId, INVALID_UID};
use crate::dev::{register_netdevice_notifier, NetdevEvent, NotifierBlock};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId, TaskId};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::profile::{Feature, FeatureSet};
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::fib_rules::*;
use crate::uapi::netlink::{
    NETLINK_ROUTE, NLA_HDRLEN, NLMSG_HDRLEN, NLM_F_ECHO, NLM_F_EXCL, NLM_F_MULTI,
};
use crate::uapi::rtnetlink::{RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE};
use nltwin_wire::fib_rule_hdr::{Repr as Frh, LEN as FRH_LEN};

/// `IFNAMSIZ`.
const IFNAMSIZ: usize = 16;

/// What a family adds to `struct fib_rule` (`struct fib4_rule`, `struct fib6_rule`, the
/// multicast families' empty ones).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FamilyRule {
    /// `struct fib4_rule`.
    Inet(ipv4::Fib4Rule),
    /// `struct fib6_rule`.
    Inet6(ipv6::Fib6Rule),
    /// `struct ipmr_rule`, `struct ip6mr_rule`: nothing of their own.
    Mr,
}

/// `struct fib_rule`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FibRule {
    /// The model's name for the rule, what `ctarget` points at.
    pub(crate) id: u64,
    /// `iifindex`: 0 none, -1 a name with no device, else the device.
    pub(crate) iifindex: i32,
    /// `oifindex`.
    pub(crate) oifindex: i32,
    /// `mark`.
    pub(crate) mark: u32,
    /// `mark_mask`.
    pub(crate) mark_mask: u32,
    /// `flags`.
    pub(crate) flags: u32,
    /// `table`.
    pub(crate) table: u32,
    /// `action`.
    pub(crate) action: u8,
    /// `l3mdev`.
    pub(crate) l3mdev: u8,
    /// `proto`.
    pub(crate) proto: u8,
    /// `ip_proto`.
    pub(crate) ip_proto: u8,
    /// `target`: the priority a goto rule jumps to.
    pub(crate) target: u32,
    /// `tun_id` (`__be64`, kept as its bytes read natively).
    pub(crate) tun_id: u64,
    /// `ctarget`: the rule a goto jumps to (or, as the kernel does, the first rule of
    /// priority `target` for any rule: 0 for a rule that is no goto).
    pub(crate) ctarget: Option<u64>,
    /// `pref`.
    pub(crate) pref: u32,
    /// `suppress_ifgroup` (-1 none).
    pub(crate) suppress_ifgroup: i32,
    /// `suppress_prefixlen` (-1 none).
    pub(crate) suppress_prefixlen: i32,
    /// `iifname`: the attribute's bytes (interior NULs included), zero-padded.
    pub(crate) iifname: IfName,
    /// `oifname`.
    pub(crate) oifname: IfName,
    /// `sport_range` (start, end).
    pub(crate) sport_range: (u16, u16),
    /// `dport_range`.
    pub(crate) dport_range: (u16, u16),
    /// `sport_mask`.
    pub(crate) sport_mask: u16,
    /// `dport_mask`.
    pub(crate) dport_mask: u16,
    /// `uid_range`: kernel uids (start, end); `fib_kuid_range_unset` is (0, INVALID_UID).
    pub(crate) uid_range: (u32, u32),
    /// The family's part.
    pub(crate) family: FamilyRule,
}

impl FibRule {
    /// `kzalloc(ops->rule_size)`: a zeroed rule of the family.
    fn zeroed(id: u64, family: FamilyRule) -> FibRule {
        FibRule {
            id,
            iifindex: 0,
            oifindex: 0,
            mark: 0,
            mark_mask: 0,
            flags: 0,
            table: 0,
            action: 0,
            l3mdev: 0,
            proto: 0,
            ip_proto: 0,
            target: 0,
            tun_id: 0,
            ctarget: None,
            pref: 0,
            suppress_ifgroup: 0,
            suppress_prefixlen: 0,
            iifname: IfName::default(),
            oifname: IfName::default(),
            sport_range: (0, 0),
            dport_range: (0, 0),
            sport_mask: 0,
            dport_mask: 0,
            uid_range: (0, 0),
            family,
        }
    }
}

/// `fib_kuid_range_unset`: every uid.
const KUID_RANGE_UNSET: (u32, u32) = (0, INVALID_UID);

/// `uid_range_set`: both ends are valid kernel uids.
fn uid_range_set(r: (u32, u32)) -> bool {
    r.0 != INVALID_UID && r.1 != INVALID_UID
}

/// `fib_rule_port_range_set`.
fn port_range_set(r: (u16, u16)) -> bool {
    r.0 != 0 && r.1 != 0
}

/// `fib_rule_port_range_valid`.
fn port_range_valid(r: (u16, u16)) -> bool {
    r.0 != 0 && r.1 != 0 && r.1 < 0xffff && r.0 <= r.1
}

/// `fib_rule_port_is_range`.
fn port_is_range(r: (u16, u16)) -> bool {
    r.0 != r.1
}

/// The request's attributes (`tb[]`) over the request message.
pub(crate) struct RuleAttrs<'a> {
    /// The request message, header included.
    pub(crate) msg: &'a [u8],
    /// Payload ranges by type, up to the release's FRA_MAX.
    pub(crate) tb: Tb,
}

impl<'a> RuleAttrs<'a> {
    /// The payload of `ty`, if present (a type past the release's FRA_MAX never is).
    pub(crate) fn get(&self, ty: u16) -> Option<&'a [u8]> {
        let r: Range<usize> = self.tb.get(ty as usize)?.clone()?;
        Some(&self.msg[r])
    }

    /// Whether `ty` is present.
    pub(crate) fn has(&self, ty: u16) -> bool {
        self.get(ty).is_some()
    }

    /// Where the attribute `ty` starts (its header), for `NL_SET_ERR_MSG_ATTR`.
    pub(crate) fn offset(&self, ty: u16) -> Option<usize> {
        let r = self.tb.get(ty as usize)?.as_ref()?;
        Some(r.start - NLA_HDRLEN)
    }

    /// The first `N` payload bytes, zeros past a short payload (the policies rule those out
    /// where the kernel reads them).
    fn bytes<const N: usize>(&self, ty: u16) -> Option<[u8; N]> {
        self.get(ty).map(|b| {
            let mut v = [0u8; N];
            let n = b.len().min(N);
            v[..n].copy_from_slice(&b[..n]);
            v
        })
    }

    /// `nla_get_u8`.
    pub(crate) fn u8(&self, ty: u16) -> Option<u8> {
        self.bytes::<1>(ty).map(|b| b[0])
    }

    /// `nla_get_u16`.
    pub(crate) fn u16(&self, ty: u16) -> Option<u16> {
        self.bytes::<2>(ty)
            .map(|b| nltwin_wire::scalar::get_u16(&b).expect("2 bytes"))
    }

    /// `nla_get_u32`.
    pub(crate) fn u32(&self, ty: u16) -> Option<u32> {
        self.bytes::<4>(ty)
            .map(|b| nltwin_wire::scalar::get_u32(&b).expect("4 bytes"))
    }

    /// `nla_get_be32`, as the value in host order.
    pub(crate) fn be32(&self, ty: u16) -> Option<u32> {
        self.bytes::<4>(ty).map(u32::from_be_bytes)
    }

    /// `nla_get_u64` (and `nla_get_be64` kept as its bytes read natively).
    pub(crate) fn u64(&self, ty: u16) -> Option<u64> {
        self.bytes::<8>(ty)
            .map(|b| nltwin_wire::scalar::get_u64(&b).expect("8 bytes"))
    }

    /// `nla_get_in_addr` / `nla_get_in6_addr`: the address bytes.
    pub(crate) fn addr<const N: usize>(&self, ty: u16) -> Option<[u8; N]> {
        self.bytes::<N>(ty)
    }
}

/// What a family's `configure` may change besides the rule: the IPv4 tables
/// (`fib_empty_table`) and the ext-ack.
pub(crate) struct ConfigureCtx<'e> {
    /// The release's features.
    pub(crate) features: FeatureSet,
    /// The IPv4 FIB tables of the namespace that rules made.
    pub(crate) fib4_tables: &'e mut BTreeSet<u32>,
    /// The request's ext-ack.
    pub(crate) extack: &'e mut NetlinkExtAck,
}

/// A family's rule operations (`struct fib_rules_ops`, the template each family registers).
#[derive(Debug)]
pub(crate) struct FibRulesOpsTemplate {
    /// `family`.
    pub(crate) family: u8,
    /// `addr_size`.
    pub(crate) addr_size: usize,
    /// The family's part of a zeroed rule.
    pub(crate) new_rule: fn() -> FamilyRule,
    /// `configure`.
    pub(crate) configure:
        fn(&mut FibRule, &Frh, &RuleAttrs<'_>, &mut ConfigureCtx<'_>) -> Result<(), Errno>,
    /// `compare`.
    pub(crate) compare: fn(&FibRule, &Frh, &RuleAttrs<'_>) -> bool,
    /// `fill`: the family's attributes, and its header fields in `frh`.
    pub(crate) fill: fn(&FibRule, &mut SkBuff, &mut Frh, FeatureSet) -> Result<(), Errno>,
    /// `nlmsg_payload`: the room the family's attributes may take.
    pub(crate) nlmsg_payload: Option<fn(FeatureSet) -> usize>,
    /// `nlgroup`.
    pub(crate) nlgroup: u32,
    /// `flush_cache`: what a rule added or removed makes stale.
    pub(crate) flush_cache: Option<fn(&mut Kernel, NetId)>,
}

/// `flush_route_cache`.
fn flush_route_cache(k: &mut Kernel, net: NetId, tmpl: &FibRulesOpsTemplate) {
    if let Some(f) = tmpl.flush_cache {
        f(k, net);
    }
}

/// A family's rules in one namespace (the `fib_rules_ops` `fib_rules_register` made).
#[derive(Debug)]
pub(crate) struct FibRulesOps {
    /// The family's operations.
    pub(crate) tmpl: &'static FibRulesOpsTemplate,
    /// `unresolved_rules`, counted as the kernel counts it.
    pub(crate) unresolved_rules: i32,
    /// `nr_goto_rules`.
    pub(crate) nr_goto_rules: i32,
    /// `rules_list`, in priority order.
    pub(crate) rules_list: Vec<FibRule>,
}

/// A namespace's rules (`net->rules_ops`) and what the families keep beside them.
#[derive(Debug, Default)]
pub struct NetFibRules {
    /// `rules_ops`, in registration order.
    pub(crate) rules_ops: Vec<FibRulesOps>,
    /// The next rule id.
    next_id: u64,
    /// IPv4 table ids made by rules without a table (`fib_empty_table`): the model has no
    /// IPv4 routes, so no other table below RT_TABLE_DEFAULT exists.
    pub(crate) fib4_tables: BTreeSet<u32>,
}

impl NetFibRules {
    fn alloc_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn ops_index(&self, family: u8) -> Option<usize> {
        self.rules_ops.iter().position(|o| o.tmpl.family == family)
    }
}

/// `fib_rules_register`: list `tmpl` in `net`'s rule families (EEXIST for a family already
/// there). Returns its index.
pub(crate) fn fib_rules_register(
    k: &mut Kernel,
    tmpl: &'static FibRulesOpsTemplate,
    net: NetId,
) -> Result<usize, Errno> {
    let rules = &mut k.net_mut(net).rules;
    if rules.ops_index(tmpl.family).is_some() {
        return Err(Errno::EEXIST);
    }
    rules.rules_ops.push(FibRulesOps {
        tmpl,
        unresolved_rules: 0,
        nr_goto_rules: 0,
        rules_list: Vec::new(),
    });
    Ok(rules.rules_ops.len() - 1)
}

/// `fib_default_rule_add`: a permanent-looking (but deletable) rule of the kernel's own,
/// `pref` looking up `table`, at the end of the family's list.
pub(crate) fn fib_default_rule_add(k: &mut Kernel, net: NetId, ops: usize, pref: u32, table: u32) {
    let rules = &mut k.net_mut(net).rules;
    let id = rules.alloc_id();
    let o = &mut rules.rules_ops[ops];
    let mut r = FibRule::zeroed(id, (o.tmpl.new_rule)());
    r.action = FR_ACT_TO_TBL;
    r.pref = pref;
    r.table = table;
    r.proto = RTPROT_KERNEL;
    r.uid_range = KUID_RANGE_UNSET;
    r.suppress_prefixlen = -1;
    r.suppress_ifgroup = -1;
    o.rules_list.push(r);
}

/// `fib_default_rule_pref`: one less than the second rule's priority (when it has one).
fn fib_default_rule_pref(ops: &FibRulesOps) -> u32 {
    match ops.rules_list.get(1) {
        Some(r) if r.pref != 0 => r.pref - 1,
        _ => 0,
    }
}

/// `fib_rules_init`: the rtnetlink handlers (PF_UNSPEC: each handler finds the family's
/// rules itself) and the netdevice notifier. (`fib_rules_net_init` only makes the empty list,
/// which `Net` starts with.)
pub fn fib_rules_init(k: &mut Kernel) {
    const PF_UNSPEC: u8 = 0;
    // No family registers rule handlers of its own: a GETRULE that is no dump finds no doit
    // (EOPNOTSUPP, as the table has the kernel's entries: `handler_missing`).
    let all = 0;
    rtnl_register(k, PF_UNSPEC, RTM_NEWRULE, Some(fib_nl_newrule), None, all);
    rtnl_register(k, PF_UNSPEC, RTM_DELRULE, Some(fib_nl_delrule), None, all);
    rtnl_register(k, PF_UNSPEC, RTM_GETRULE, None, Some(fib_nl_dumprule), all);
    register_netdevice_notifier(
        k,
        NotifierBlock {
            priority: 0,
            notifier_call: fib_rules_event,
        },
    );
}

/// `FRA_MAX` of the release.
fn fra_max(f: FeatureSet) -> u16 {
    if f.has(Feature::FibRuleDscpMask) {
        FRA_DSCP_MASK
    } else if f.has(Feature::FibRulePortMask) {
        FRA_DPORT_MASK
    } else if f.has(Feature::FibRuleFlowlabel) {
        FRA_FLOWLABEL_MASK
    } else if f.has(Feature::FibRuleDscp) {
        FRA_DSCP
    } else {
        FRA_DPORT_RANGE
    }
}

/// `fib_rule_policy` of the release: attributes from FRA_DSCP on are validated strictly.
fn fib_rule_policy(f: FeatureSet) -> Vec<NlaPolicy> {
    use NlaType::*;
    let mut p = vec![NlaPolicy::of(Unspec); usize::from(fra_max(f)) + 1];
    let mut set = |ty: u16, pol: NlaPolicy| {
        if let Some(e) = p.get_mut(usize::from(ty)) {
            *e = pol;
        }
    };
    set(FRA_UNSPEC, NlaPolicy::strict_start(FRA_DPORT_RANGE + 1));
    set(
        FRA_IIFNAME,
        NlaPolicy::with_len(String, (IFNAMSIZ - 1) as u16),
    );
    set(
        FRA_OIFNAME,
        NlaPolicy::with_len(String, (IFNAMSIZ - 1) as u16),
    );
    for ty in [
        FRA_PRIORITY,
        FRA_FWMARK,
        FRA_FLOW,
        FRA_FWMASK,
        FRA_TABLE,
        FRA_SUPPRESS_PREFIXLEN,
        FRA_SUPPRESS_IFGROUP,
        FRA_GOTO,
    ] {
        set(ty, NlaPolicy::of(U32));
    }
    set(FRA_TUN_ID, NlaPolicy::of(U64));
    set(FRA_L3MDEV, NlaPolicy::of(U8));
    set(
        FRA_UID_RANGE,
        NlaPolicy::with_len(Unspec, FIB_RULE_UID_RANGE_LEN as u16),
    );
    set(FRA_PROTOCOL, NlaPolicy::of(U8));
    set(FRA_IP_PROTO, NlaPolicy::of(U8));
    set(
        FRA_SPORT_RANGE,
        NlaPolicy::with_len(Unspec, FIB_RULE_PORT_RANGE_LEN as u16),
    );
    set(
        FRA_DPORT_RANGE,
        NlaPolicy::with_len(Unspec, FIB_RULE_PORT_RANGE_LEN as u16),
    );
    // NLA_POLICY_MAX(NLA_U8, INET_DSCP_MASK >> 2).
    set(FRA_DSCP, NlaPolicy::max(U8, 0x3f));
    set(FRA_FLOWLABEL, NlaPolicy::of(Be32));
    set(FRA_FLOWLABEL_MASK, NlaPolicy::of(Be32));
    set(FRA_SPORT_MASK, NlaPolicy::of(U16));
    set(FRA_DPORT_MASK, NlaPolicy::of(U16));
    // NLA_POLICY_MASK(NLA_U8, INET_DSCP_MASK >> 2).
    set(FRA_DSCP_MASK, NlaPolicy::mask(U8, 0x3f));
    p
}

/// A `char [IFNAMSIZ]` name of a rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct IfName([u8; IFNAMSIZ]);

impl IfName {
    /// `nla_strscpy` of an attribute: its bytes but a trailing NUL, at most 15, zero-padded
    /// (interior NULs are copied: `memcmp` compares them, string uses stop at the first).
    fn from_attr(b: &[u8]) -> IfName {
        let len = if b.last() == Some(&0) {
            b.len() - 1
        } else {
            b.len()
        };
        let mut n = [0u8; IFNAMSIZ];
        let len = len.min(IFNAMSIZ - 1);
        n[..len].copy_from_slice(&b[..len]);
        IfName(n)
    }

    /// `name[0]`: whether a name was given.
    fn is_set(&self) -> bool {
        self.0[0] != 0
    }

    /// The C string: up to the first NUL.
    fn as_cstr(&self) -> &[u8] {
        let end = self.0.iter().position(|&c| c == 0).unwrap_or(IFNAMSIZ);
        &self.0[..end]
    }
}

/// A device's index by name (`__dev_get_by_name`, alternative names included).
fn dev_by_name(k: &Kernel, net: NetId, name: &[u8]) -> Option<i32> {
    let name = std::str::from_utf8(name).ok()?;
    k.net(net).devices.by_name(name).map(|d| d.ifindex as i32)
}

/// `current_user_ns()` of a request: its sender's.
fn sender_user_ns(k: &Kernel, sender: Option<TaskId>) -> UserNsId {
    sender.map_or(crate::kernel::INIT_USER_NS, |t| k.task(t).cred.user_ns)
}

/// `fib_nl2rule_port_mask`.
fn fib_nl2rule_port_mask(
    attrs: &RuleAttrs<'_>,
    ty: u16,
    range: (u16, u16),
    extack: &mut NetlinkExtAck,
) -> Result<u16, Errno> {
    let fail = |extack: &mut NetlinkExtAck, msg: &str| {
        extack.msg = Some(msg.into());
        extack.bad_attr = attrs.offset(ty);
        Err(Errno::EINVAL)
    };
    let mask = attrs.u16(ty).unwrap_or(0);
    if !port_range_valid(range) {
        return fail(extack, "Cannot specify port mask without port value");
    }
    if port_is_range(range) {
        return fail(extack, "Cannot specify port mask for port range");
    }
    if range.0 & !mask != 0 {
        return fail(extack, "Invalid port mask");
    }
    Ok(mask)
}

/// `fib_nl2rule` (and, on releases that split it, `fib_nl2rule_locked`): the rule a request
/// describes, and whether it gave a priority.
fn fib_nl2rule(
    k: &mut Kernel,
    net: NetId,
    sender: Option<TaskId>,
    ops: usize,
    frh: &Frh,
    attrs: &RuleAttrs<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<(FibRule, bool)> {
    let f = k.features;
    let tmpl = k.net(net).rules.rules_ops[ops].tmpl;
    let addr_bits = tmpl.addr_size * 8;
    let bad_addr = |ty: u16, len: u8| {
        len != 0
            && (attrs.get(ty).is_none_or(|b| b.len() != tmpl.addr_size)
                || usize::from(len) > addr_bits)
    };
    if bad_addr(FRA_SRC, frh.src_len) {
        extack.msg = Some("Invalid source address".into());
        return Err(Errno::EINVAL.into());
    }
    if bad_addr(FRA_DST, frh.dst_len) {
        extack.msg = Some("Invalid dst address".into());
        return Err(Errno::EINVAL.into());
    }
    let split = f.has(Feature::FibNl2ruleLocked);
    let id = k.net_mut(net).rules.alloc_id();
    let mut r = FibRule::zeroed(id, (tmpl.new_rule)());
    let user_priority = attrs.has(FRA_PRIORITY);
    if let Some(pref) = attrs.u32(FRA_PRIORITY) {
        r.pref = pref;
    } else if !split {
        r.pref = fib_default_rule_pref(&k.net(net).rules.rules_ops[ops]);
    }
    r.proto = attrs.u8(FRA_PROTOCOL).unwrap_or(RTPROT_UNSPEC);
    if let Some(b) = attrs.get(FRA_IIFNAME) {
        r.iifindex = -1;
        r.iifname = IfName::from_attr(b);
        if !split {
            if let Some(i) = dev_by_name(k, net, r.iifname.as_cstr()) {
                r.iifindex = i;
            }
        }
    }
    if let Some(b) = attrs.get(FRA_OIFNAME) {
        r.oifindex = -1;
        r.oifname = IfName::from_attr(b);
        if !split {
            if let Some(i) = dev_by_name(k, net, r.oifname.as_cstr()) {
                r.oifindex = i;
            }
        }
    }
    if let Some(mark) = attrs.u32(FRA_FWMARK) {
        r.mark = mark;
        if mark != 0 {
            r.mark_mask = 0xFFFF_FFFF;
        }
    }
    if let Some(mask) = attrs.u32(FRA_FWMASK) {
        r.mark_mask = mask;
    }
    if let Some(t) = attrs.u64(FRA_TUN_ID) {
        r.tun_id = t;
    }
    if let Some(l3) = attrs.u8(FRA_L3MDEV) {
        // CONFIG_NET_L3_MASTER_DEV (every modeled build has it).
        r.l3mdev = l3;
        if l3 != 1 {
            extack.msg = Some("Invalid l3mdev attribute".into());
            return Err(Errno::EINVAL.into());
        }
    }
    r.action = frh.action;
    r.flags = frh.flags;
    r.table = attrs.u32(FRA_TABLE).unwrap_or(u32::from(frh.table));
    r.suppress_prefixlen = attrs.u32(FRA_SUPPRESS_PREFIXLEN).map_or(-1, |v| v as i32);
    r.suppress_ifgroup = attrs.u32(FRA_SUPPRESS_IFGROUP).map_or(-1, |v| v as i32);
    if let Some(target) = attrs.u32(FRA_GOTO) {
        if r.action != FR_ACT_GOTO {
            extack.msg = Some("Unexpected goto".into());
            return Err(Errno::EINVAL.into());
        }
        r.target = target;
        if !split && r.target <= r.pref {
            extack.msg = Some("Backward goto not supported".into());
            return Err(Errno::EINVAL.into());
        }
    } else if r.action == FR_ACT_GOTO {
        extack.msg = Some("Missing goto target for action goto".into());
        return Err(Errno::EINVAL.into());
    }
    if r.l3mdev != 0 && r.table != 0 {
        extack.msg = Some("l3mdev and table are mutually exclusive".into());
        return Err(Errno::EINVAL.into());
    }
    if let Some(b) = attrs.bytes::<8>(FRA_UID_RANGE) {
        let cur = sender_user_ns(k, sender);
        if cur != k.net(net).user_ns {
            extack.msg = Some("No permission to set uid".into());
            return Err(Errno::EPERM.into());
        }
        let ns = &k.user_nss[cur.0];
        let start = nltwin_wire::scalar::get_u32(&b[..4]).expect("4 bytes");
        let end = nltwin_wire::scalar::get_u32(&b[4..]).expect("4 bytes");
        r.uid_range = (ns.make_kuid(start), ns.make_kuid(end));
        if !uid_range_set(r.uid_range) || r.uid_range.0 > r.uid_range.1 {
            extack.msg = Some("Invalid uid range".into());
            return Err(Errno::EINVAL.into());
        }
    } else {
        r.uid_range = KUID_RANGE_UNSET;
    }
    if let Some(p) = attrs.u8(FRA_IP_PROTO) {
        r.ip_proto = p;
    }
    let port_mask = f.has(Feature::FibRulePortMask);
    for (range_ty, mask_ty, what) in [
        (FRA_SPORT_RANGE, FRA_SPORT_MASK, "Invalid sport range"),
        (FRA_DPORT_RANGE, FRA_DPORT_MASK, "Invalid dport range"),
    ] {
        let mut range = (0, 0);
        let mut mask = 0;
        if let Some(b) = attrs.bytes::<4>(range_ty) {
            let pr = (
                nltwin_wire::scalar::get_u16(&b[..2]).expect("2 bytes"),
                nltwin_wire::scalar::get_u16(&b[2..]).expect("2 bytes"),
            );
            if !port_range_valid(pr) {
                extack.msg = Some(what.into());
                return Err(Errno::EINVAL.into());
            }
            range = pr;
            if port_mask && !port_is_range(range) {
                mask = u16::MAX;
            }
        }
        if attrs.has(mask_ty) {
            mask = fib_nl2rule_port_mask(attrs, mask_ty, range, extack)?;
        }
        if range_ty == FRA_SPORT_RANGE {
            (r.sport_range, r.sport_mask) = (range, mask);
        } else {
            (r.dport_range, r.dport_mask) = (range, mask);
        }
    }
    if split {
        // fib_nl2rule_locked.
        if !attrs.has(FRA_PRIORITY) {
            r.pref = fib_default_rule_pref(&k.net(net).rules.rules_ops[ops]);
        }
        if attrs.has(FRA_GOTO) && r.target <= r.pref {
            extack.msg = Some("Backward goto not supported".into());
            return Err(Errno::EINVAL.into());
        }
        if attrs.has(FRA_IIFNAME) {
            if let Some(i) = dev_by_name(k, net, r.iifname.as_cstr()) {
                r.iifindex = i;
            }
        }
        if attrs.has(FRA_OIFNAME) {
            if let Some(i) = dev_by_name(k, net, r.oifname.as_cstr()) {
                r.oifindex = i;
            }
        }
    }
    Ok((r, user_priority))
}

/// `rule_exists`: a rule equal in every respect (NLM_F_EXCL).
fn rule_exists(ops: &FibRulesOps, frh: &Frh, attrs: &RuleAttrs<'_>, rule: &FibRule) -> bool {
    ops.rules_list.iter().any(|r| {
        r.action == rule.action
            && r.table == rule.table
            && r.pref == rule.pref
            && r.iifname == rule.iifname
            && r.oifname == rule.oifname
            && r.mark == rule.mark
            && r.suppress_ifgroup == rule.suppress_ifgroup
            && r.suppress_prefixlen == rule.suppress_prefixlen
            && r.mark_mask == rule.mark_mask
            && r.tun_id == rule.tun_id
            && r.l3mdev == rule.l3mdev
            && r.uid_range == rule.uid_range
            && r.ip_proto == rule.ip_proto
            && r.proto == rule.proto
            && r.sport_range == rule.sport_range
            && r.sport_mask == rule.sport_mask
            && r.dport_range == rule.dport_range
            && r.dport_mask == rule.dport_mask
            && (ops.tmpl.compare)(r, frh, attrs)
    })
}

/// `rule_find`: the first rule matching what the request gave (DELRULE).
fn rule_find(
    ops: &FibRulesOps,
    frh: &Frh,
    attrs: &RuleAttrs<'_>,
    rule: &FibRule,
    user_priority: bool,
) -> Option<usize> {
    ops.rules_list.iter().position(|r| {
        !(rule.action != 0 && r.action != rule.action
            || rule.table != 0 && r.table != rule.table
            || user_priority && r.pref != rule.pref
            || rule.iifname.is_set() && r.iifname != rule.iifname
            || rule.oifname.is_set() && r.oifname != rule.oifname
            || rule.mark != 0 && r.mark != rule.mark
            || rule.suppress_ifgroup != -1 && r.suppress_ifgroup != rule.suppress_ifgroup
            || rule.suppress_prefixlen != -1 && r.suppress_prefixlen != rule.suppress_prefixlen
            || rule.mark_mask != 0 && r.mark_mask != rule.mark_mask
            || rule.tun_id != 0 && r.tun_id != rule.tun_id
            || rule.l3mdev != 0 && r.l3mdev != rule.l3mdev
            || uid_range_set(rule.uid_range) && r.uid_range != rule.uid_range
            || rule.ip_proto != 0 && r.ip_proto != rule.ip_proto
            || rule.proto != 0 && r.proto != rule.proto
            || port_range_set(rule.sport_range) && r.sport_range != rule.sport_range
            || rule.sport_mask != 0 && r.sport_mask != rule.sport_mask
            || port_range_set(rule.dport_range) && r.dport_range != rule.dport_range
            || rule.dport_mask != 0 && r.dport_mask != rule.dport_mask
            || !(ops.tmpl.compare)(r, frh, attrs))
    })
}

/// The start of RTM_NEWRULE and RTM_DELRULE: the header ("Invalid msg length"), the family's
/// rules ("Rule family not supported"), the attributes ("Error parsing msg").
fn fib_rule_request<'a>(
    k: &Kernel,
    net: NetId,
    nlh: Nlmsghdr<'a>,
    extack: &mut NetlinkExtAck,
) -> SysResult<(Frh, usize, RuleAttrs<'a>)> {
    let msg = nlh.bytes();
    let Ok(frh) = Frh::parse_bytes(nlh.payload()) else {
        extack.msg = Some("Invalid msg length".into());
        return Err(Errno::EINVAL.into());
    };
    let Some(ops) = k.net(net).rules.ops_index(frh.family) else {
        extack.msg = Some("Rule family not supported".into());
        return Err(Errno::EAFNOSUPPORT.into());
    };
    let policy = fib_rule_policy(k.features);
    let start = NLMSG_HDRLEN + FRH_LEN;
    let tb = match nla_parse(msg, start, msg.len(), &policy, Validate::Liberal, extack) {
        Ok(tb) => tb,
        Err(e) => {
            extack.msg = Some("Error parsing msg".into());
            return Err(e.into());
        }
    };
    Ok((frh, ops, RuleAttrs { msg, tb }))
}

/// `fib_nl_newrule` (`fib_newrule`): a rule added at the end of its priority, goto rules
/// resolved, RTM_NEWRULE to the family's group.
pub fn fib_nl_newrule(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let (frh, ops, attrs) = fib_rule_request(k, net, nlh, extack)?;
    let (mut rule, _) = fib_nl2rule(k, net, skb.cb.sender, ops, &frh, &attrs, extack)?;
    let features = k.features;
    let rules = &mut k.net_mut(net).rules;
    if nlh.flags() & NLM_F_EXCL != 0 && rule_exists(&rules.rules_ops[ops], &frh, &attrs, &rule) {
        return Err(Errno::EEXIST.into());
    }
    let tmpl = rules.rules_ops[ops].tmpl;
    let mut ctx = ConfigureCtx {
        features,
        fib4_tables: &mut rules.fib4_tables,
        extack,
    };
    (tmpl.configure)(&mut rule, &frh, &attrs, &mut ctx)?;
    // fib6_rule_configure makes the table a lookup rule names (`fib6_new_table`): a dump of
    // it is then empty rather than "FIB table does not exist". IPv4's are in `fib4_tables`.
    if tmpl.family == crate::uapi::socket::AF_INET6
        && rule.action == FR_ACT_TO_TBL
        && rule.l3mdev == 0
        && rule.table != 0
    {
        crate::ip6_fib::fib6_new_table(k, net, rule.table);
    }
    let rules = &mut k.net_mut(net).rules;
    let o = &mut rules.rules_ops[ops];
    rule.ctarget = o
        .rules_list
        .iter()
        .find(|r| r.pref == rule.target)
        .map(|r| r.id);
    let unresolved = rule.ctarget.is_none();
    let at = o
        .rules_list
        .iter()
        .position(|r| r.pref > rule.pref)
        .unwrap_or(o.rules_list.len());
    let (id, pref, action) = (rule.id, rule.pref, rule.action);
    o.rules_list.insert(at, rule);
    if o.unresolved_rules != 0 {
        // Unresolved goto rules pointing at the new rule's priority now jump to it.
        for r in o.rules_list.iter_mut() {
            if r.action == FR_ACT_GOTO && r.target == pref && r.ctarget.is_none() {
                r.ctarget = Some(id);
                o.unresolved_rules -= 1;
                if o.unresolved_rules == 0 {
                    break;
                }
            }
        }
    }
    if action == FR_ACT_GOTO {
        o.nr_goto_rules += 1;
    }
    if unresolved {
        o.unresolved_rules += 1;
    }
    notify_rule_change(k, net, RTM_NEWRULE, ops, id, Request::of(skb, nlh))?;
    let tmpl = k.net(net).rules.rules_ops[ops].tmpl;
    flush_route_cache(k, net, tmpl);
    Ok(())
}

/// `fib_nl_delrule` (`fib_delrule`): the first rule matching the request removed (ENOENT
/// when none, EPERM for a permanent one), goto rules that jumped to it moved on to the next
/// rule of its priority or left unresolved, RTM_DELRULE to the family's group.
pub fn fib_nl_delrule(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let (frh, ops, attrs) = fib_rule_request(k, net, nlh, extack)?;
    let (nlrule, user_priority) = fib_nl2rule(k, net, skb.cb.sender, ops, &frh, &attrs, extack)?;
    let o = &mut k.net_mut(net).rules.rules_ops[ops];
    let Some(at) = rule_find(o, &frh, &attrs, &nlrule, user_priority) else {
        return Err(Errno::ENOENT.into());
    };
    if o.rules_list[at].flags & FIB_RULE_PERMANENT != 0 {
        return Err(Errno::EPERM.into());
    }
    // ops->delete changes nothing a message shows.
    let rule = o.rules_list.remove(at);
    if rule.action == FR_ACT_GOTO {
        o.nr_goto_rules -= 1;
        if rule.ctarget.is_none() {
            o.unresolved_rules -= 1;
        }
    }
    if o.nr_goto_rules > 0 {
        let next = o
            .rules_list
            .get(at)
            .filter(|n| n.pref == rule.pref)
            .map(|n| n.id);
        for r in o.rules_list.iter_mut() {
            if r.ctarget != Some(rule.id) {
                continue;
            }
            r.ctarget = next;
            if next.is_none() {
                o.unresolved_rules += 1;
            }
        }
    }
    let tmpl = o.tmpl;
    notify_rule(k, net, RTM_DELRULE, tmpl, &rule, Request::of(skb, nlh))?;
    flush_route_cache(k, net, tmpl);
    Ok(())
}

use crate::nlattr::nla_total_size;

/// `fib_rule_nlmsg_size`: the room a notification is allocated with.
fn fib_rule_nlmsg_size(f: FeatureSet, tmpl: &FibRulesOpsTemplate) -> usize {
    let mut payload = FRH_LEN
        + nla_total_size(IFNAMSIZ) * 2
        + nla_total_size(4) * 6
        // nla_total_size_64bit(8): no pad attribute on x86-64.
        + nla_total_size(8)
        + nla_total_size(8)
        + nla_total_size(1) * 2
        + nla_total_size(FIB_RULE_PORT_RANGE_LEN) * 2;
    if f.has(Feature::FibRulePortMask) {
        payload += nla_total_size(2) * 2;
    }
    if let Some(p) = tmpl.nlmsg_payload {
        payload += p(f);
    }
    payload
}

/// `fib_nl_fill_rule`: one message of `ty` for `rule`, attributes in the kernel's order;
/// EMSGSIZE (nothing left of it) when it does not fit.
pub(crate) fn fib_nl_fill_rule(
    skb: &mut SkBuff,
    rule: &FibRule,
    tmpl: &FibRulesOpsTemplate,
    (features, reader): (FeatureSet, &UserNamespace),
    (pid, seq, ty, flags): (u32, u32, u16, u16),
) -> Result<(), Errno> {
    let at = skb.nlmsg_put(pid, seq, ty, FRH_LEN, flags)?;
    let mut frh = Frh {
        family: tmpl.family,
        table: if rule.table < 256 {
            rule.table as u8
        } else {
            RT_TABLE_COMPAT as u8
        },
        action: rule.action,
        flags: rule.flags,
        ..Frh::default()
    };
    let r = (|| {
        skb.nla_put_u32(FRA_TABLE, rule.table)?;
        skb.nla_put_u32(FRA_SUPPRESS_PREFIXLEN, rule.suppress_prefixlen as u32)?;
        skb.nla_put_u8(FRA_PROTOCOL, rule.proto)?;
        if rule.action == FR_ACT_GOTO && rule.ctarget.is_none() {
            frh.flags |= FIB_RULE_UNRESOLVED;
        }
        if rule.iifname.is_set() {
            skb.nla_put_string(FRA_IIFNAME, rule.iifname.as_cstr())?;
            if rule.iifindex == -1 {
                frh.flags |= FIB_RULE_IIF_DETACHED;
            }
        }
        if rule.oifname.is_set() {
            skb.nla_put_string(FRA_OIFNAME, rule.oifname.as_cstr())?;
            if rule.oifindex == -1 {
                frh.flags |= FIB_RULE_OIF_DETACHED;
            }
        }
        if rule.pref != 0 {
            skb.nla_put_u32(FRA_PRIORITY, rule.pref)?;
        }
        if rule.mark != 0 {
            skb.nla_put_u32(FRA_FWMARK, rule.mark)?;
        }
        if rule.mark_mask != 0 || rule.mark != 0 {
            skb.nla_put_u32(FRA_FWMASK, rule.mark_mask)?;
        }
        if rule.target != 0 {
            skb.nla_put_u32(FRA_GOTO, rule.target)?;
        }
        if rule.tun_id != 0 {
            // nla_put_be64 with FRA_PAD: no pad on x86-64.
            skb.nla_put_u64(FRA_TUN_ID, rule.tun_id)?;
        }
        if rule.l3mdev != 0 {
            skb.nla_put_u8(FRA_L3MDEV, rule.l3mdev)?;
        }
        if uid_range_set(rule.uid_range) {
            let mut b = [0u8; FIB_RULE_UID_RANGE_LEN];
            nltwin_wire::scalar::put_u32(&mut b[..4], reader.from_kuid_munged(rule.uid_range.0));
            nltwin_wire::scalar::put_u32(&mut b[4..], reader.from_kuid_munged(rule.uid_range.1));
            skb.nla_put(FRA_UID_RANGE, &b)?;
        }
        let port = |skb: &mut SkBuff, ty: u16, r: (u16, u16)| {
            let mut b = [0u8; 4];
            b[..2].copy_from_slice(&r.0.to_ne_bytes());
            b[2..].copy_from_slice(&r.1.to_ne_bytes());
            skb.nla_put(ty, &b)
        };
        if port_range_set(rule.sport_range) {
            port(skb, FRA_SPORT_RANGE, rule.sport_range)?;
        }
        if rule.sport_mask != 0 {
            skb.nla_put_u16(FRA_SPORT_MASK, rule.sport_mask)?;
        }
        if port_range_set(rule.dport_range) {
            port(skb, FRA_DPORT_RANGE, rule.dport_range)?;
        }
        if rule.dport_mask != 0 {
            skb.nla_put_u16(FRA_DPORT_MASK, rule.dport_mask)?;
        }
        if rule.ip_proto != 0 {
            skb.nla_put_u8(FRA_IP_PROTO, rule.ip_proto)?;
        }
        if rule.suppress_ifgroup != -1 {
            skb.nla_put_u32(FRA_SUPPRESS_IFGROUP, rule.suppress_ifgroup as u32)?;
        }
        (tmpl.fill)(rule, skb, &mut frh, features)
    })();
    if r.is_err() {
        skb.trim(at);
        return Err(Errno::EMSGSIZE);
    }
    skb.nlmsg_data_mut(at)[..FRH_LEN].copy_from_slice(&frh.to_bytes());
    skb.nlmsg_end(at);
    Ok(())
}

/// The request a change answers: its header, its sender's portid (`NETLINK_CB(skb).portid`)
/// and task (`current`).
#[derive(Clone, Copy)]
struct Request<'a> {
    nlh: Nlmsghdr<'a>,
    portid: u32,
    sender: Option<TaskId>,
}

impl<'a> Request<'a> {
    fn of(skb: &SkBuff, nlh: Nlmsghdr<'a>) -> Request<'a> {
        Request {
            nlh,
            portid: skb.cb.portid,
            sender: skb.cb.sender,
        }
    }
}

/// `notify_rule_change` for a rule still listed.
fn notify_rule_change(
    k: &mut Kernel,
    net: NetId,
    event: u16,
    ops: usize,
    id: u64,
    req: Request<'_>,
) -> SysResult<()> {
    let o = &k.net(net).rules.rules_ops[ops];
    let rule = o
        .rules_list
        .iter()
        .find(|r| r.id == id)
        .expect("just added")
        .clone();
    notify_rule(k, net, event, o.tmpl, &rule, req)
}

/// `notify_rule_change` (`rtnl_notify`, `nlmsg_notify`): the rule (listed or just removed)
/// stamped with the requester's portid and sequence, to the family's group (the requester
/// left out when it asked for an echo), then the echo.
fn notify_rule(
    k: &mut Kernel,
    net: NetId,
    event: u16,
    tmpl: &FibRulesOpsTemplate,
    rule: &FibRule,
    req: Request<'_>,
) -> SysResult<()> {
    let Request {
        nlh,
        portid: pid,
        sender,
    } = req;
    let Some(rtnl) = k.net(net).kernel_sock[NETLINK_ROUTE as usize] else {
        return Ok(());
    };
    let features = k.features;
    let size = fib_rule_nlmsg_size(features, tmpl);
    // nlmsg_new.
    let mut skb = SkBuff::alloc_skb((NLMSG_HDRLEN + size + 3) & !3);
    // The uids are shown as the requester (`current`) sees them.
    let reader = k.user_nss[sender_user_ns(k, sender).0].clone();
    fib_nl_fill_rule(
        &mut skb,
        rule,
        tmpl,
        (features, &reader),
        (pid, nlh.seq(), event, 0),
    )?;
    let report = nlh.flags() & NLM_F_ECHO != 0;
    let group = tmpl.nlgroup;
    skb.cb.dst_group = group;
    // Delivery errors land on the listeners.
    let _ = netlink_broadcast(k, rtnl, skb.clone(), if report { pid } else { 0 }, group);
    if report {
        nlmsg_unicast(k, rtnl, skb, pid)?;
    }
    Ok(())
}

/// `dump_rules`: the family's rules from `cb->args[1]` on; the fill's error (EMSGSIZE when
/// the chunk is full).
fn dump_rules(
    k: &Kernel,
    net: NetId,
    ops: usize,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> i32 {
    let o = &k.net(net).rules.rules_ops[ops];
    let seq = cb.request().seq();
    // `current` is the task reading the dump: in the model, the one that opened the socket
    // (descriptors are not shared between tasks).
    let reader_ns = k
        .sk(cb.sk)
        .file_cred
        .as_ref()
        .map_or(crate::kernel::INIT_USER_NS, |c| c.user_ns);
    let reader = &k.user_nss[reader_ns.0];
    let mut idx = 0i64;
    let mut err = 0;
    for rule in &o.rules_list {
        if idx >= cb.args[1] {
            if let Err(e) = fib_nl_fill_rule(
                skb,
                rule,
                o.tmpl,
                (k.features, reader),
                (cb.portid, seq, RTM_NEWRULE, NLM_F_MULTI),
            ) {
                err = e.as_neg();
                break;
            }
        }
        idx += 1;
    }
    cb.args[1] = idx;
    err
}

/// `fib_valid_dumprule_req`: a strict dump request is a whole `fib_rule_hdr` with only the
/// family set, and nothing after it.
fn fib_valid_dumprule_req(nlh: Nlmsghdr<'_>, extack: &mut NetlinkExtAck) -> Result<(), Errno> {
    let Ok(frh) = Frh::parse_bytes(nlh.payload()) else {
        extack.msg = Some("Invalid header for fib rule dump request".into());
        return Err(Errno::EINVAL);
    };
    if frh.dst_len != 0
        || frh.src_len != 0
        || frh.tos != 0
        || frh.table != 0
        || frh.res1 != 0
        || frh.res2 != 0
        || frh.action != 0
        || frh.flags != 0
    {
        extack.msg = Some("Invalid values in header for fib rule dump request".into());
        return Err(Errno::EINVAL);
    }
    if nlh.payload().len() > FRH_LEN {
        extack.msg = Some("Invalid data after header in fib rule dump request".into());
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// `fib_nl_dumprule`: the asked family's rules (EAFNOSUPPORT for a family without rules),
/// or with AF_UNSPEC every family's in registration order. Before the dump returned its
/// error, it returned the chunk's length, so NLMSG_DONE came alone.
pub fn fib_nl_dumprule(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let nlh = cb.request();
    if cb.strict_check {
        let mut extack = NetlinkExtAck::default();
        if let Err(e) = fib_valid_dumprule_req(nlh, &mut extack) {
            cb.extack = extack;
            return Ok(e.as_neg());
        }
    }
    let returns_error = k.has(Feature::FibNlDumpruleReturnsError);
    let family = nlh.payload().first().copied().unwrap_or(0);
    let net = cb.net;
    if family != 0 {
        let Some(ops) = k.net(net).rules.ops_index(family) else {
            return Ok(Errno::EAFNOSUPPORT.as_neg());
        };
        let err = dump_rules(k, net, ops, skb, cb);
        return Ok(if returns_error { err } else { skb.len() as i32 });
    }
    let mut err = 0;
    let mut idx = 0i64;
    for ops in 0..k.net(net).rules.rules_ops.len() {
        if idx >= cb.args[0] {
            err = dump_rules(k, net, ops, skb, cb);
            if err < 0 {
                break;
            }
            cb.args[1] = 0;
        }
        idx += 1;
    }
    cb.args[0] = idx;
    Ok(if returns_error { err } else { skb.len() as i32 })
}

/// `fib_rules_event`: rules naming a device follow it: NETDEV_REGISTER attaches the rules
/// waiting for its name, NETDEV_UNREGISTER detaches the rules on it, NETDEV_CHANGENAME does
/// both. (Register and unregister are called from `dev.rs`, as the address families are.)
fn fib_rules_event(k: &mut Kernel, net: NetId, ifindex: u32, event: NetdevEvent) -> SysResult<()> {
    if event == NetdevEvent::ChangeName {
        fib_rules_detach(k, net, ifindex);
        fib_rules_attach(k, net, ifindex);
    }
    Ok(())
}

/// `attach_rules` over every family (NETDEV_REGISTER): rules whose name is the device's
/// primary name and have no device take it.
pub(crate) fn fib_rules_attach(k: &mut Kernel, net: NetId, ifindex: u32) {
    let Some(name) = k.dev(net, ifindex).map(|d| d.name.clone().into_bytes()) else {
        return;
    };
    for o in &mut k.net_mut(net).rules.rules_ops {
        for r in &mut o.rules_list {
            if r.iifindex == -1 && r.iifname.as_cstr() == name {
                r.iifindex = ifindex as i32;
            }
            if r.oifindex == -1 && r.oifname.as_cstr() == name {
                r.oifindex = ifindex as i32;
            }
        }
    }
}

/// `detach_rules` over every family (NETDEV_UNREGISTER): rules on the device wait for a
/// device of their name again.
pub(crate) fn fib_rules_detach(k: &mut Kernel, net: NetId, ifindex: u32) {
    for o in &mut k.net_mut(net).rules.rules_ops {
        for r in &mut o.rules_list {
            if r.iifindex == ifindex as i32 {
                r.iifindex = -1;
            }
            if r.oifindex == ifindex as i32 {
                r.oifindex = -1;
            }
        }
    }
}
