//! IPv4 routing rules (`net/ipv4/fib_rules.c`): `struct fib4_rule`, the AF_INET
//! `fib_rules_ops` and the namespace's default rules (`fib_default_rules_init`: 0 local,
//! 32766 main, 32767 default).

use super::{
    fib_default_rule_add, fib_rules_register, ConfigureCtx, FamilyRule, FibRule,
    FibRulesOpsTemplate, RuleAttrs,
};
use crate::errno::Errno;
use crate::kernel::{Kernel, NetId};
use crate::net_namespace::{register_pernet_subsys, PernetOperations};
use crate::profile::{Feature, FeatureSet};
use crate::skbuff::SkBuff;
use crate::uapi::fib_rules::*;
use crate::uapi::rtnetlink::RTNLGRP_IPV4_RULE;
use nltwin_wire::fib_rule_hdr::Repr as Frh;

/// `AF_INET`.
const AF_INET: u8 = 2;
/// `INET_DSCP_MASK`: the DSCP bits of the DS field.
pub(crate) const INET_DSCP_MASK: u8 = 0xfc;
/// `IPTOS_TOS_MASK`: the bits IPv4 rules accept in `tos`.
const IPTOS_TOS_MASK: u8 = 0x1e;
/// `FIB_MAX_AUTO_TABLE_ID`.
const FIB_MAX_AUTO_TABLE_ID: u32 = 4096;

/// `struct fib4_rule`'s own fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fib4Rule {
    /// `dst_len`.
    pub(crate) dst_len: u8,
    /// `src_len`.
    pub(crate) src_len: u8,
    /// `dscp` (as DS field bits).
    pub(crate) dscp: u8,
    /// `dscp_mask` (as DS field bits).
    pub(crate) dscp_mask: u8,
    /// `dscp_full`: set by FRA_DSCP rather than `tos`.
    pub(crate) dscp_full: bool,
    /// `src`.
    pub(crate) src: [u8; 4],
    /// `dst`.
    pub(crate) dst: [u8; 4],
    /// `tclassid` (CONFIG_IP_ROUTE_CLASSID, which every modeled build has).
    pub(crate) tclassid: u32,
}

/// `fib4_rule_flush_cache`: IPv4's cached output routes go.
fn fib4_rule_flush_cache(k: &mut Kernel, net: NetId) {
    crate::fib::route::rt_cache_flush(k, net);
}

fn v4(rule: &FibRule) -> &Fib4Rule {
    match &rule.family {
        FamilyRule::Inet(r) => r,
        _ => unreachable!("an AF_INET rule"),
    }
}

fn v4_mut(rule: &mut FibRule) -> &mut Fib4Rule {
    match &mut rule.family {
        FamilyRule::Inet(r) => r,
        _ => unreachable!("an AF_INET rule"),
    }
}

/// `fib4_rules_ops_template`.
pub(crate) static FIB4_RULES_OPS_TEMPLATE: FibRulesOpsTemplate = FibRulesOpsTemplate {
    family: AF_INET,
    addr_size: 4,
    new_rule: || FamilyRule::Inet(Fib4Rule::default()),
    configure: fib4_rule_configure,
    compare: fib4_rule_compare,
    fill: fib4_rule_fill,
    nlmsg_payload: Some(fib4_rule_nlmsg_payload),
    nlgroup: RTNLGRP_IPV4_RULE,
    flush_cache: Some(fib4_rule_flush_cache),
};

/// `ip_fib_init`'s pernet operations, as far as rules go: `fib4_rules_init` in every new
/// namespace.
pub fn ip_fib_init(k: &mut Kernel) {
    register_pernet_subsys(
        k,
        PernetOperations {
            name: "fib4_rules",
            init: fib4_rules_init,
        },
    );
}

/// `fib4_rules_init`: the AF_INET rules and `fib_default_rules_init`.
fn fib4_rules_init(k: &mut Kernel, net: NetId) {
    let ops = fib_rules_register(k, &FIB4_RULES_OPS_TEMPLATE, net).expect("first AF_INET rules");
    fib_default_rule_add(k, net, ops, 0, RT_TABLE_LOCAL);
    fib_default_rule_add(k, net, ops, 0x7FFE, RT_TABLE_MAIN);
    fib_default_rule_add(k, net, ops, 0x7FFF, RT_TABLE_DEFAULT);
}

/// `fib4_nl2rule_dscp` and `fib4_nl2rule_dscp_mask` (shared with IPv6, whose checks are the
/// same): FRA_DSCP replaces `tos`, FRA_DSCP_MASK narrows it.
pub(crate) fn nl2rule_dscp(
    attrs: &RuleAttrs<'_>,
    ctx: &mut ConfigureCtx<'_>,
    dscp: &mut u8,
    dscp_mask: &mut u8,
    dscp_full: &mut bool,
) -> Result<(), Errno> {
    let f = ctx.features;
    if let Some(v) = attrs.u8(FRA_DSCP) {
        if *dscp != 0 {
            ctx.extack.msg = Some("Cannot specify both TOS and DSCP".into());
            return Err(Errno::EINVAL);
        }
        *dscp = (v << 2) & INET_DSCP_MASK;
        if f.has(Feature::FibRuleDscpMask) {
            *dscp_mask = INET_DSCP_MASK;
        }
        *dscp_full = true;
    }
    if let Some(v) = attrs.u8(FRA_DSCP_MASK) {
        let fail = |ctx: &mut ConfigureCtx<'_>, msg: &str| {
            ctx.extack.msg = Some(msg.into());
            ctx.extack.bad_attr = attrs.offset(FRA_DSCP_MASK);
            Err(Errno::EINVAL)
        };
        if !*dscp_full {
            return fail(ctx, "Cannot specify DSCP mask without DSCP value");
        }
        let mask = (v << 2) & INET_DSCP_MASK;
        if *dscp & !mask != 0 {
            return fail(ctx, "Invalid DSCP mask");
        }
        *dscp_mask = mask;
    }
    Ok(())
}

/// `fib_empty_table`: the lowest table id from 1 that has no table, now made.
fn fib_empty_table(ctx: &mut ConfigureCtx<'_>) -> Option<u32> {
    let id = (1..=FIB_MAX_AUTO_TABLE_ID).find(|id| !ctx.fib4_tables.contains(id))?;
    ctx.fib4_tables.insert(id);
    Some(id)
}

/// `fib4_rule_configure`: `tos` (no ECN bits, only the TOS bits), FRA_DSCP and its mask, a
/// table made for a lookup rule without one, the addresses and FRA_FLOW.
fn fib4_rule_configure(
    rule: &mut FibRule,
    frh: &Frh,
    attrs: &RuleAttrs<'_>,
    ctx: &mut ConfigureCtx<'_>,
) -> Result<(), Errno> {
    if attrs.has(FRA_FLOWLABEL) || attrs.has(FRA_FLOWLABEL_MASK) {
        ctx.extack.msg = Some("Flow label cannot be specified for IPv4 FIB rules".into());
        return Err(Errno::EINVAL);
    }
    if frh.tos & !INET_DSCP_MASK != 0 {
        ctx.extack.msg = Some("Invalid dsfield (tos): ECN bits must be 0".into());
        return Err(Errno::EINVAL);
    }
    if frh.tos & !IPTOS_TOS_MASK != 0 {
        ctx.extack.msg = Some("Invalid tos".into());
        return Err(Errno::EINVAL);
    }
    let mut r = v4(rule).clone();
    r.dscp = frh.tos & INET_DSCP_MASK;
    nl2rule_dscp(attrs, ctx, &mut r.dscp, &mut r.dscp_mask, &mut r.dscp_full)?;
    if rule.table == RT_TABLE_UNSPEC && rule.l3mdev == 0 && rule.action == FR_ACT_TO_TBL {
        rule.table = fib_empty_table(ctx).ok_or(Errno::ENOBUFS)?;
    }
    if frh.src_len != 0 {
        r.src = attrs.addr::<4>(FRA_SRC).unwrap_or_default();
    }
    if frh.dst_len != 0 {
        r.dst = attrs.addr::<4>(FRA_DST).unwrap_or_default();
    }
    if let Some(flow) = attrs.u32(FRA_FLOW) {
        r.tclassid = flow;
    }
    r.src_len = frh.src_len;
    r.dst_len = frh.dst_len;
    *v4_mut(rule) = r;
    Ok(())
}

/// `fib4_rule_compare`: what the request gave of the family's fields matches.
fn fib4_rule_compare(rule: &FibRule, frh: &Frh, attrs: &RuleAttrs<'_>) -> bool {
    let r = v4(rule);
    if frh.src_len != 0 && r.src_len != frh.src_len {
        return false;
    }
    if frh.dst_len != 0 && r.dst_len != frh.dst_len {
        return false;
    }
    if frh.tos != 0 && (r.dscp_full || r.dscp != frh.tos) {
        return false;
    }
    if let Some(v) = attrs.u8(FRA_DSCP) {
        if !r.dscp_full || r.dscp != (v << 2) & INET_DSCP_MASK {
            return false;
        }
    }
    if let Some(v) = attrs.u8(FRA_DSCP_MASK) {
        if !r.dscp_full || r.dscp_mask != (v << 2) & INET_DSCP_MASK {
            return false;
        }
    }
    if attrs.u32(FRA_FLOW).is_some_and(|f| f != r.tclassid) {
        return false;
    }
    if frh.src_len != 0 && Some(r.src) != attrs.addr::<4>(FRA_SRC) {
        return false;
    }
    if frh.dst_len != 0 && Some(r.dst) != attrs.addr::<4>(FRA_DST) {
        return false;
    }
    true
}

/// `fib4_rule_fill`: the prefix lengths and `tos` in the header; FRA_DSCP (and its mask)
/// for a DSCP rule, FRA_DST, FRA_SRC, FRA_FLOW.
fn fib4_rule_fill(
    rule: &FibRule,
    skb: &mut SkBuff,
    frh: &mut Frh,
    f: FeatureSet,
) -> Result<(), Errno> {
    let r = v4(rule);
    frh.dst_len = r.dst_len;
    frh.src_len = r.src_len;
    if r.dscp_full {
        frh.tos = 0;
        skb.nla_put_u8(FRA_DSCP, r.dscp >> 2)?;
        if f.has(Feature::FibRuleDscpMask) {
            skb.nla_put_u8(FRA_DSCP_MASK, r.dscp_mask >> 2)?;
        }
    } else {
        frh.tos = r.dscp;
    }
    if r.dst_len != 0 {
        skb.nla_put(FRA_DST, &r.dst)?;
    }
    if r.src_len != 0 {
        skb.nla_put(FRA_SRC, &r.src)?;
    }
    if r.tclassid != 0 {
        skb.nla_put_u32(FRA_FLOW, r.tclassid)?;
    }
    Ok(())
}

/// `fib4_rule_nlmsg_payload`.
fn fib4_rule_nlmsg_payload(f: FeatureSet) -> usize {
    let mut n = 8 * 3;
    if f.has(Feature::FibRuleDscp) {
        n += 8;
    }
    if f.has(Feature::FibRuleDscpMask) {
        n += 8;
    }
    n
}
