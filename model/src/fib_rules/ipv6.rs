//! IPv6 routing rules (`net/ipv6/fib6_rules.c`): `struct fib6_rule`, the AF_INET6
//! `fib_rules_ops` and the namespace's default rules (`fib6_rules_net_init`: 0 local, 32766
//! main).

use super::ipv4::{nl2rule_dscp, INET_DSCP_MASK};
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
use crate::uapi::rtnetlink::RTNLGRP_IPV6_RULE;
use nltwin_wire::fib_rule_hdr::Repr as Frh;

/// `AF_INET6`.
const AF_INET6: u8 = 10;
/// `IPV6_FLOWLABEL_MASK` (host order).
const IPV6_FLOWLABEL_MASK: u32 = 0x000F_FFFF;

/// `struct fib6_rule`'s own fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fib6Rule {
    /// `src.addr`.
    pub(crate) src: [u8; 16],
    /// `src.plen`.
    pub(crate) src_len: u8,
    /// `dst.addr`.
    pub(crate) dst: [u8; 16],
    /// `dst.plen`.
    pub(crate) dst_len: u8,
    /// `flowlabel` (host order of the `__be32`).
    pub(crate) flowlabel: u32,
    /// `flowlabel_mask`.
    pub(crate) flowlabel_mask: u32,
    /// `dscp` (as DS field bits).
    pub(crate) dscp: u8,
    /// `dscp_mask`.
    pub(crate) dscp_mask: u8,
    /// `dscp_full`.
    pub(crate) dscp_full: bool,
}

fn v6(rule: &FibRule) -> &Fib6Rule {
    match &rule.family {
        FamilyRule::Inet6(r) => r,
        _ => unreachable!("an AF_INET6 rule"),
    }
}

fn v6_mut(rule: &mut FibRule) -> &mut Fib6Rule {
    match &mut rule.family {
        FamilyRule::Inet6(r) => r,
        _ => unreachable!("an AF_INET6 rule"),
    }
}

/// `fib6_rules_ops_template`.
pub(crate) static FIB6_RULES_OPS_TEMPLATE: FibRulesOpsTemplate = FibRulesOpsTemplate {
    family: AF_INET6,
    addr_size: 16,
    new_rule: || FamilyRule::Inet6(Fib6Rule::default()),
    configure: fib6_rule_configure,
    compare: fib6_rule_compare,
    fill: fib6_rule_fill,
    nlmsg_payload: Some(fib6_rule_nlmsg_payload),
    nlgroup: RTNLGRP_IPV6_RULE,
    // `fib6_rule_flush_cache` moves IPv6's route genid: the model caches no IPv6 route.
    flush_cache: None,
};

/// `fib6_rules_init`: `fib6_rules_net_init` in every new namespace.
pub fn fib6_rules_init(k: &mut Kernel) {
    register_pernet_subsys(
        k,
        PernetOperations {
            name: "fib6_rules",
            init: fib6_rules_net_init,
        },
    );
}

/// `fib6_rules_net_init`: the AF_INET6 rules, 0 local and 32766 main.
fn fib6_rules_net_init(k: &mut Kernel, net: NetId) {
    let ops = fib_rules_register(k, &FIB6_RULES_OPS_TEMPLATE, net).expect("first AF_INET6 rules");
    fib_default_rule_add(k, net, ops, 0, RT_TABLE_LOCAL);
    fib_default_rule_add(k, net, ops, 0x7FFE, RT_TABLE_MAIN);
}

/// `fib6_nl2rule_flowlabel`: both attributes, a mask within the 20 bits, a label within the
/// mask.
fn fib6_nl2rule_flowlabel(
    attrs: &RuleAttrs<'_>,
    ctx: &mut ConfigureCtx<'_>,
    r: &mut Fib6Rule,
) -> Result<(), Errno> {
    for ty in [FRA_FLOWLABEL, FRA_FLOWLABEL_MASK] {
        if !attrs.has(ty) {
            // NL_REQ_ATTR_CHECK: the missing attribute, no message.
            ctx.extack.miss_type = ty;
            return Err(Errno::EINVAL);
        }
    }
    let flowlabel = attrs.be32(FRA_FLOWLABEL).unwrap_or(0);
    let mask = attrs.be32(FRA_FLOWLABEL_MASK).unwrap_or(0);
    if mask & !IPV6_FLOWLABEL_MASK != 0 {
        ctx.extack.msg = Some("Invalid flow label mask".into());
        ctx.extack.bad_attr = attrs.offset(FRA_FLOWLABEL_MASK);
        return Err(Errno::EINVAL);
    }
    if flowlabel & !mask != 0 {
        ctx.extack.msg = Some("Flow label and mask do not match".into());
        return Err(Errno::EINVAL);
    }
    r.flowlabel = flowlabel;
    r.flowlabel_mask = mask;
    Ok(())
}

/// `fib6_rule_configure`: `tos` without ECN bits, FRA_DSCP and its mask, the flow label, a
/// table for a lookup rule ("Invalid table" without one: IPv6 makes none up), the addresses.
fn fib6_rule_configure(
    rule: &mut FibRule,
    frh: &Frh,
    attrs: &RuleAttrs<'_>,
    ctx: &mut ConfigureCtx<'_>,
) -> Result<(), Errno> {
    if frh.tos & !INET_DSCP_MASK != 0 {
        ctx.extack.msg = Some("Invalid dsfield (tos): ECN bits must be 0".into());
        return Err(Errno::EINVAL);
    }
    let mut r = v6(rule).clone();
    r.dscp = frh.tos & INET_DSCP_MASK;
    if ctx.features.has(Feature::FibRuleDscpMask) {
        r.dscp_mask = if frh.tos != 0 { INET_DSCP_MASK } else { 0 };
    }
    nl2rule_dscp(attrs, ctx, &mut r.dscp, &mut r.dscp_mask, &mut r.dscp_full)?;
    if attrs.has(FRA_FLOWLABEL) || attrs.has(FRA_FLOWLABEL_MASK) {
        fib6_nl2rule_flowlabel(attrs, ctx, &mut r)?;
    }
    if rule.action == FR_ACT_TO_TBL && rule.l3mdev == 0 && rule.table == RT_TABLE_UNSPEC {
        ctx.extack.msg = Some("Invalid table".into());
        return Err(Errno::EINVAL);
    }
    // fib6_new_table: the table is made if missing, by `fib_nl_newrule` (which holds the
    // namespace).
    if frh.src_len != 0 {
        r.src = attrs.addr::<16>(FRA_SRC).unwrap_or_default();
    }
    if frh.dst_len != 0 {
        r.dst = attrs.addr::<16>(FRA_DST).unwrap_or_default();
    }
    r.src_len = frh.src_len;
    r.dst_len = frh.dst_len;
    *v6_mut(rule) = r;
    Ok(())
}

/// `fib6_rule_compare`.
fn fib6_rule_compare(rule: &FibRule, frh: &Frh, attrs: &RuleAttrs<'_>) -> bool {
    let r = v6(rule);
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
    if attrs.be32(FRA_FLOWLABEL).is_some_and(|v| v != r.flowlabel) {
        return false;
    }
    if attrs
        .be32(FRA_FLOWLABEL_MASK)
        .is_some_and(|v| v != r.flowlabel_mask)
    {
        return false;
    }
    if frh.src_len != 0 && Some(r.src) != attrs.addr::<16>(FRA_SRC) {
        return false;
    }
    if frh.dst_len != 0 && Some(r.dst) != attrs.addr::<16>(FRA_DST) {
        return false;
    }
    true
}

/// `fib6_rule_fill`: prefix lengths and `tos`; FRA_DSCP (and its mask), the flow label and
/// its mask, FRA_DST, FRA_SRC.
fn fib6_rule_fill(
    rule: &FibRule,
    skb: &mut SkBuff,
    frh: &mut Frh,
    f: FeatureSet,
) -> Result<(), Errno> {
    let r = v6(rule);
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
    if r.flowlabel_mask != 0 {
        skb.nla_put(FRA_FLOWLABEL, &r.flowlabel.to_be_bytes())?;
        skb.nla_put(FRA_FLOWLABEL_MASK, &r.flowlabel_mask.to_be_bytes())?;
    }
    if r.dst_len != 0 {
        skb.nla_put(FRA_DST, &r.dst)?;
    }
    if r.src_len != 0 {
        skb.nla_put(FRA_SRC, &r.src)?;
    }
    Ok(())
}

/// `fib6_rule_nlmsg_payload`.
fn fib6_rule_nlmsg_payload(f: FeatureSet) -> usize {
    let mut n = 20 * 2;
    if f.has(Feature::FibRuleDscp) {
        n += 8;
    }
    if f.has(Feature::FibRuleDscpMask) {
        n += 8;
    }
    if f.has(Feature::FibRuleFlowlabel) {
        n += 8 * 2;
    }
    n
}
