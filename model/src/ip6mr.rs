//! IPv6 multicast routing's rtnetlink side (`net/ipv6/ip6mr.c`), on builds with
//! CONFIG_IPV6_MROUTE: the RTNL_FAMILY_IP6MR route dump, as [`crate::ipmr`] models IPv4's
//! (an always empty cache; the one table is RT6_TABLE_DFLT, main).

use crate::af_netlink::NetlinkCallback;
use crate::errno::SysResult;
use crate::ipmr::{mr_dumproute, mr_unmodeled_doit, MrFamily};
use crate::kernel::Kernel;
use crate::net_namespace::{register_pernet_subsys, PernetOperations};
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::fib_rules::RT_TABLE_MAIN;
use crate::uapi::rtnetlink::{RTM_GETROUTE, RTNL_FAMILY_IP6MR};

/// `ip6_mr_init`: the route handler and, with CONFIG_IPV6_MROUTE_MULTIPLE_TABLES, the rules
/// each namespace starts with.
pub fn ip6_mr_init(k: &mut Kernel) {
    if !k.profile.config.ipv6_mroute {
        return;
    }
    if k.profile.config.ipv6_mroute_multiple_tables {
        register_pernet_subsys(
            k,
            PernetOperations {
                name: "ip6mr_rules",
                init: crate::fib_rules::ipmr::ip6mr_rules_init,
            },
        );
    }
    rtnl_register(
        k,
        RTNL_FAMILY_IP6MR,
        RTM_GETROUTE,
        Some(mr_unmodeled_doit),
        Some(ip6mr_rtm_dumproute),
        0,
    );
}

/// `__ip6mr_get_table`: whether the namespace has IPv6 multicast routing table `id` (only
/// RT6_TABLE_DFLT, which is main, can exist in the model; see `crate::ipmr`).
fn ip6mr_get_table(id: u32) -> bool {
    id == RT_TABLE_MAIN
}

/// `ip6mr_rtm_dumproute`: as IPv4's, checked with the IPv4 FIB's request check (as the
/// kernel does), "ipv6: MR table does not exist" for a missing table (NL_SET_ERR_MSG_MOD in
/// the ipv6 module).
fn ip6mr_rtm_dumproute(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    mr_dumproute(
        k,
        skb,
        cb,
        MrFamily {
            family: RTNL_FAMILY_IP6MR,
            has_table: ip6mr_get_table,
            missing_table: "ipv6: MR table does not exist",
        },
    )
}
