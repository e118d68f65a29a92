//! IPv4 multicast routing's rtnetlink side (`net/ipv4/ipmr.c`, `net/ipv4/ipmr_base.c`), on
//! builds with CONFIG_IP_MROUTE: the RTNL_FAMILY_IPMR handlers and the namespace's
//! multicast routing tables.
//!
//! What the model has of it: the route dump of the multicast forwarding cache, with the
//! strict request checks and the missing-table error. The cache is always empty in the
//! model: entries come from a routing daemon through MRT_ADD_MFC on a raw IGMP socket (which
//! the model does not have: it models netlink sockets) or through RTM_NEWROUTE of this family
//! (`ipmr_rtm_route`, which answers `unimplemented`), so there is nothing a dump could hold.
//! The one table is the default one (`ipmr_rules_init` makes RT_TABLE_DEFAULT; more come
//! only from the MRT_TABLE socket option). The link dump (`ipmr_rtm_dumplink`, the virtual
//! interfaces) and single-route lookups (`ipmr_rtm_getroute`) answer `unimplemented`.

use crate::af_netlink::{NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysError, SysResult};
use crate::fib::trie::FibDumpFilter;
use crate::kernel::{Kernel, NetId};
use crate::net_namespace::{register_pernet_subsys, PernetOperations};
use crate::rtnetlink::{rtnl_register, rtnl_unmodeled_dump, RTNL_FLAG_UNMODELED};
use crate::skbuff::SkBuff;
use crate::uapi::fib_rules::RT_TABLE_DEFAULT;
use crate::uapi::rtnetlink::{
    RtmType, RTM_DELROUTE, RTM_GETLINK, RTM_GETROUTE, RTM_NEWROUTE, RTNL_FAMILY_IPMR,
};

/// `ip_mr_init`: the handlers and, with CONFIG_IP_MROUTE_MULTIPLE_TABLES, the rules each
/// namespace starts with.
pub fn ip_mr_init(k: &mut Kernel) {
    if !k.profile.config.ip_mroute {
        return;
    }
    if k.profile.config.ip_mroute_multiple_tables {
        register_pernet_subsys(
            k,
            PernetOperations {
                name: "ipmr_rules",
                init: crate::fib_rules::ipmr::ipmr_rules_init,
            },
        );
    }
    let family = RTNL_FAMILY_IPMR;
    rtnl_register(
        k,
        family,
        RTM_GETLINK,
        None,
        Some(rtnl_unmodeled_dump),
        RTNL_FLAG_UNMODELED,
    );
    for ty in [RTM_NEWROUTE, RTM_DELROUTE] {
        rtnl_register(
            k,
            family,
            ty,
            Some(mr_unmodeled_doit),
            None,
            RTNL_FLAG_UNMODELED,
        );
    }
    rtnl_register(
        k,
        family,
        RTM_GETROUTE,
        Some(mr_unmodeled_doit),
        Some(ipmr_rtm_dumproute),
        0,
    );
}

/// `__ipmr_get_table`: whether the namespace has multicast routing table `id` (only the
/// default one can exist in the model; see the module documentation).
fn ipmr_get_table(id: u32) -> bool {
    id == RT_TABLE_DEFAULT
}

/// `ipmr_rtm_dumproute`: the request checked as a FIB dump's, then the (empty) cache of
/// every table, or of the filter's table (ENOENT "ipv4: MR table does not exist" for a
/// missing one asked for in an RTNL_FAMILY_IPMR request; nothing in an AF_UNSPEC one).
fn ipmr_rtm_dumproute(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    mr_dumproute(
        k,
        skb,
        cb,
        MrFamily {
            family: RTNL_FAMILY_IPMR,
            has_table: ipmr_get_table,
            missing_table: "ipv4: MR table does not exist",
        },
    )
}

/// What differs between the two families' route dumps.
pub(crate) struct MrFamily {
    /// The family's RTNL_FAMILY_* number.
    pub(crate) family: u8,
    /// Its `__ipmr_get_table`.
    pub(crate) has_table: fn(u32) -> bool,
    /// The extack message for a missing table.
    pub(crate) missing_table: &'static str,
}

/// The dump both families share: `ip_valid_fib_dump_req` on a strict socket, the table
/// filter, then `mr_rtm_dumproute` over the tables, whose caches hold nothing.
pub(crate) fn mr_dumproute(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    mr: MrFamily,
) -> SysResult<i32> {
    let mut filter = FibDumpFilter::default();
    if cb.strict_check {
        let nlh = cb.nlh.clone();
        let net: NetId = cb.net;
        if let Err(e) = crate::fib::ip_valid_fib_dump_req(k, net, &nlh, &mut filter, cb) {
            return Ok(e.as_neg());
        }
    }
    if filter.table_id != 0 && !(mr.has_table)(filter.table_id) {
        let family = cb.request().payload().first().copied().unwrap_or(0);
        if family != mr.family {
            return Ok(skb.len() as i32);
        }
        cb.extack.msg = Some(mr.missing_table.into());
        return Ok(Errno::ENOENT.as_neg());
    }
    // `mr_rtm_dumproute`: a filter on protocol, flags or a type other than RTN_MULTICAST
    // matches nothing; else each table's entries, of which there are none. Either way the
    // dump ends with what the skb holds.
    Ok(skb.len() as i32)
}

/// `ipmr_rtm_route` and `ipmr_rtm_getroute` (and IPv6's `ip6mr_rtm_getroute`): multicast
/// forwarding entries are not modeled.
pub(crate) fn mr_unmodeled_doit(
    _k: &mut Kernel,
    _skb: &SkBuff,
    req: Nlmsghdr<'_>,
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let family = req.payload().first().copied().unwrap_or(0);
    Err(SysError::Unimplemented(crate::errno::Unimplemented::new(
        format!(
            "{} of the multicast routing family {family} (the multicast forwarding cache)",
            RtmType::name_of(req.msg_type()).unwrap_or("RTM_?")
        ),
    )))
}
