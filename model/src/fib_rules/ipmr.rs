//! The multicast routing rule families (`net/ipv4/ipmr.c`, `net/ipv6/ip6mr.c`), on builds
//! with CONFIG_IP_MROUTE_MULTIPLE_TABLES and CONFIG_IPV6_MROUTE_MULTIPLE_TABLES: one default
//! rule each (32767, the default table for IPv4, main for IPv6), rules that keep nothing of
//! their own and show no addresses. They announce to the unicast families' groups.

use super::{
    fib_default_rule_add, fib_rules_register, ConfigureCtx, FamilyRule, FibRule,
    FibRulesOpsTemplate, RuleAttrs,
};
use crate::errno::Errno;
use crate::kernel::{Kernel, NetId};
use crate::profile::FeatureSet;
use crate::skbuff::SkBuff;
use crate::uapi::fib_rules::{RT_TABLE_DEFAULT, RT_TABLE_MAIN};
use crate::uapi::rtnetlink::{
    RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE, RTNL_FAMILY_IP6MR, RTNL_FAMILY_IPMR,
};
use nltwin_wire::fib_rule_hdr::Repr as Frh;

/// `ipmr_rule_configure`, `ip6mr_rule_configure`: nothing to take.
fn mr_rule_configure(
    _rule: &mut FibRule,
    _frh: &Frh,
    _attrs: &RuleAttrs<'_>,
    _ctx: &mut ConfigureCtx<'_>,
) -> Result<(), Errno> {
    Ok(())
}

/// `ipmr_rule_compare`, `ip6mr_rule_compare`: every rule matches.
fn mr_rule_compare(_rule: &FibRule, _frh: &Frh, _attrs: &RuleAttrs<'_>) -> bool {
    true
}

/// `ipmr_rule_fill`, `ip6mr_rule_fill`: no prefixes, no tos.
fn mr_rule_fill(
    _rule: &FibRule,
    _skb: &mut SkBuff,
    frh: &mut Frh,
    _f: FeatureSet,
) -> Result<(), Errno> {
    frh.dst_len = 0;
    frh.src_len = 0;
    frh.tos = 0;
    Ok(())
}

/// `ipmr_rules_ops_template`.
static IPMR_RULES_OPS_TEMPLATE: FibRulesOpsTemplate = FibRulesOpsTemplate {
    family: RTNL_FAMILY_IPMR,
    addr_size: 4,
    new_rule: || FamilyRule::Mr,
    configure: mr_rule_configure,
    compare: mr_rule_compare,
    fill: mr_rule_fill,
    nlmsg_payload: None,
    nlgroup: RTNLGRP_IPV4_RULE,
    flush_cache: None,
};

/// `ip6mr_rules_ops_template`.
static IP6MR_RULES_OPS_TEMPLATE: FibRulesOpsTemplate = FibRulesOpsTemplate {
    family: RTNL_FAMILY_IP6MR,
    addr_size: 16,
    new_rule: || FamilyRule::Mr,
    configure: mr_rule_configure,
    compare: mr_rule_compare,
    fill: mr_rule_fill,
    nlmsg_payload: None,
    nlgroup: RTNLGRP_IPV6_RULE,
    flush_cache: None,
};

/// `ipmr_rules_init`'s rules (CONFIG_IP_MROUTE_MULTIPLE_TABLES): 32767 looks up the default
/// table.
pub(crate) fn ipmr_rules_init(k: &mut Kernel, net: NetId) {
    let ops = fib_rules_register(k, &IPMR_RULES_OPS_TEMPLATE, net).expect("first IPMR rules");
    fib_default_rule_add(k, net, ops, 0x7fff, RT_TABLE_DEFAULT);
}

/// `ip6mr_rules_init`'s rules (CONFIG_IPV6_MROUTE_MULTIPLE_TABLES): 32767 looks up
/// RT6_TABLE_DFLT, which is main.
pub(crate) fn ip6mr_rules_init(k: &mut Kernel, net: NetId) {
    let ops = fib_rules_register(k, &IP6MR_RULES_OPS_TEMPLATE, net).expect("first IP6MR rules");
    fib_default_rule_add(k, net, ops, 0x7fff, RT_TABLE_MAIN);
}
