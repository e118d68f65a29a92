//! rtnetlink (`net/core/rtnetlink.c`): the NETLINK_ROUTE kernel socket's input, the handler
//! table filled by `rtnl_register`, and dispatch (`rtnetlink_rcv_msg`).
//!
//! Modeled handlers: RTM_GETLINK (doit and dump) in `link`, RTM_NEWLINK in [`newlink`],
//! RTM_SETLINK in `setlink`, RTM_DELLINK in `dellink`, RTM_NEWLINKPROP/DELLINKPROP in
//! `linkprop`, the PF_BRIDGE link handlers in `bridge`, and the RTNLGRP_LINK notifications
//! in `notify`; RTM_GETNETCONF is registered by devinet and addrconf, RTM_NEWADDR,
//! RTM_DELADDR and RTM_GETADDR by devinet (PF_INET) and addrconf (PF_INET6, `addrconf::rtnl`),
//! the routing rules' handlers by `crate::fib_rules`, PF_INET's RTM_NEWROUTE, RTM_DELROUTE and
//! RTM_GETROUTE by `crate::fib`, the nexthop objects' by `crate::nexthop`. Every other message type the kernel
//! handles answers [`SysError::Unimplemented`]: never a made-up errno.

pub(crate) mod bridge;
pub(crate) mod dellink;
pub mod fdb;
pub(crate) mod fill;
pub(crate) mod link;
pub(crate) mod linkprop;
pub mod mdb;
pub mod newlink;
pub(crate) mod notify;
pub mod ops;
pub(crate) mod setlink;
pub(crate) mod size;

use std::collections::HashMap;

use crate::af_netlink::{
    netlink_dump_start, netlink_kernel_create, netlink_net_capable, netlink_rcv_skb, skb_net,
    NetlinkCallback, NetlinkDumpControl, NetlinkExtAck, NetlinkKernelCfg, Nlmsghdr,
    NL_CFG_F_NONROOT_RECV,
};
use crate::dev::{register_netdevice_notifier, NotifierBlock};
use crate::errno::{Errno, SysError, SysResult};
use crate::kernel::{Kernel, NetId, TaskId};
use crate::net_namespace::{register_pernet_subsys, PernetOperations};
use crate::skbuff::SkBuff;
use crate::uapi::netlink::{NETLINK_ROUTE, NLM_F_DUMP};
use crate::uapi::rtnetlink::*;

/// A doit handler (`rtnl_doit_func`).
pub type RtnlDoit = fn(&mut Kernel, &SkBuff, Nlmsghdr<'_>, &mut NetlinkExtAck) -> SysResult<()>;
/// A dumpit handler (`rtnl_dumpit_func`): > 0 or -EMSGSIZE more to come, 0 done, < 0 error.
pub type RtnlDumpit = fn(&mut Kernel, &mut SkBuff, &mut NetlinkCallback) -> SysResult<i32>;

/// `RTNL_FLAG_BULK_DEL_SUPPORTED`: the DEL handler accepts NLM_F_BULK.
pub const RTNL_FLAG_BULK_DEL_SUPPORTED: u32 = 1 << 2;
/// `NLM_F_BULK` (DEL requests): delete every object matching the request.
pub const NLM_F_BULK: u16 = 0x200;

/// `RTNL_FLAG_DUMP_SPLIT_NLM_DONE`: NLMSG_DONE always comes in its own datagram.
pub const RTNL_FLAG_DUMP_SPLIT_NLM_DONE: u32 = 1 << 4;

/// The model's own mark (no kernel flag): the kernel registers handlers for this family and
/// type that the model lacks, so a handler not found there is the model's gap
/// (`unimplemented`), not the kernel's EOPNOTSUPP.
pub const RTNL_FLAG_UNMODELED: u32 = 1 << 31;

/// One entry of `rtnl_msg_handlers` (`struct rtnl_link`).
#[derive(Clone, Copy, Debug, Default)]
pub struct RtnlLink {
    /// `doit`.
    pub doit: Option<RtnlDoit>,
    /// `dumpit`.
    pub dumpit: Option<RtnlDumpit>,
    /// `RTNL_FLAG_*`.
    pub flags: u32,
}

/// The handler table (`rtnl_msg_handlers`), by (protocol family, message type).
pub type RtnlHandlers = HashMap<(u8, u16), RtnlLink>;

/// `rtnl_register`: install handlers for (`family`, `msgtype`).
pub fn rtnl_register(
    k: &mut Kernel,
    family: u8,
    msgtype: u16,
    doit: Option<RtnlDoit>,
    dumpit: Option<RtnlDumpit>,
    flags: u32,
) {
    k.registry.rtnl_msg_handlers.insert(
        (family, msgtype),
        RtnlLink {
            doit,
            dumpit,
            flags,
        },
    );
}

/// `rtnetlink_init`: register the link handlers the model implements and make `rtnetlink_rcv`
/// the NETLINK_ROUTE input.
pub fn rtnetlink_init(k: &mut Kernel) {
    const PF_UNSPEC: u8 = 0;
    k.registry.ifla_policy = link::ifla_policy_of(k.features, k.profile.config.max_tcp_header());
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_GETLINK,
        Some(link::rtnl_getlink),
        Some(link::rtnl_dump_ifinfo),
        RTNL_FLAG_DUMP_SPLIT_NLM_DONE,
    );
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_NEWLINK,
        Some(newlink::rtnl_newlink),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_DELLINK,
        Some(dellink::rtnl_dellink),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_SETLINK,
        Some(setlink::rtnl_setlink),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_NEWLINKPROP,
        Some(linkprop::rtnl_newlinkprop),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_DELLINKPROP,
        Some(linkprop::rtnl_dellinkprop),
        None,
        0,
    );
    const PF_BRIDGE: u8 = 7;
    rtnl_register(
        k,
        PF_BRIDGE,
        RTM_GETLINK,
        None,
        Some(bridge::rtnl_bridge_getlink),
        0,
    );
    rtnl_register(
        k,
        PF_BRIDGE,
        RTM_DELLINK,
        Some(bridge::rtnl_bridge_dellink),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_BRIDGE,
        RTM_SETLINK,
        Some(bridge::rtnl_bridge_setlink),
        None,
        0,
    );
    // PF_BRIDGE's multicast database messages, where rtnetlink owns them.
    mdb::rtnl_mdb_init(k);
    // The dumps of every family at once (`rtnl_dump_all`).
    for ty in [RTM_GETADDR, RTM_GETROUTE, RTM_GETNETCONF] {
        rtnl_register(k, PF_UNSPEC, ty, None, Some(rtnl_dump_all), 0);
    }
    // Dumps other subsystems register, which the model does not implement: they answer
    // `unimplemented` rather than falling back to the PF_UNSPEC dump or being skipped by
    // `rtnl_dump_all`. A subsystem that models one registers over its entry.
    // (The multicast routing families register theirs in `ipmr` and `ip6mr`, on the builds
    // that have them.)
    const PF_INET: u8 = 2;
    const PF_INET6: u8 = 10;
    for (family, ty) in [
        (PF_INET, RTM_GETADDR),
        (PF_INET6, RTM_GETADDR),
        (PF_INET, RTM_GETROUTE),
        (PF_INET6, RTM_GETROUTE),
    ] {
        rtnl_register(
            k,
            family,
            ty,
            None,
            Some(rtnl_unmodeled_dump),
            RTNL_FLAG_UNMODELED,
        );
    }
    register_pernet_subsys(
        k,
        PernetOperations {
            name: "rtnetlink",
            init: rtnetlink_net_init,
        },
    );
    register_netdevice_notifier(
        k,
        NotifierBlock {
            priority: 0,
            notifier_call: notify::rtnetlink_event,
        },
    );
}

/// `rtnetlink_bind`: RTNLGRP_IPV4_MROUTE_R and RTNLGRP_IPV6_MROUTE_R need CAP_NET_ADMIN over
/// the namespace.
fn rtnetlink_bind(k: &Kernel, task: TaskId, net: NetId, group: u32) -> Result<(), Errno> {
    if (group == RTNLGRP_IPV4_MROUTE_R || group == RTNLGRP_IPV6_MROUTE_R)
        && !k.ns_capable(task, k.net(net).user_ns, crate::cred::CAP_NET_ADMIN)
    {
        return Err(Errno::EPERM);
    }
    Ok(())
}

/// `rtnetlink_net_init`: the namespace's NETLINK_ROUTE kernel socket.
fn rtnetlink_net_init(k: &mut Kernel, net: NetId) {
    let cfg = NetlinkKernelCfg {
        groups: k.profile.release.rtnlgrp_max,
        flags: NL_CFG_F_NONROOT_RECV,
        input: Some(rtnetlink_rcv),
        bind: Some(rtnetlink_bind),
    };
    netlink_kernel_create(k, net, NETLINK_ROUTE as usize, cfg);
}

/// The dump of a handler the kernel registers and the model does not implement (such as
/// `ipmr_rtm_dumplink`, `inet_dump_fib`).
pub(crate) fn rtnl_unmodeled_dump(
    _k: &mut Kernel,
    _skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let ty = cb.request().msg_type();
    let family = cb.request().payload().first().copied().unwrap_or(0);
    Err(crate::errno::SysError::Unimplemented(
        crate::errno::Unimplemented::new(format!(
            "the {} dump of address family {family}",
            crate::uapi::rtnetlink::RtmType::name_of(ty).unwrap_or("RTM_?")
        )),
    ))
}

/// `RTNL_FAMILY_MAX`: the last protocol family with rtnetlink handlers.
const RTNL_FAMILY_MAX: u8 = 129;
/// `PF_PACKET`, which `rtnl_dump_all` passes over.
const PF_PACKET: u8 = 17;

/// `rtnl_dump_all`: an AF_UNSPEC dump runs each family's dump of the type in turn, from the
/// family the last chunk stopped in (`cb->family`); each family starts with fresh callback
/// state, and the type's flags are the AF_UNSPEC entry's (so no family's
/// RTNL_FLAG_DUMP_SPLIT_NLM_DONE applies).
fn rtnl_dump_all(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    let ty = cb.request().msg_type();
    let s_idx = cb.family.max(1);
    let mut idx = 1u16;
    let mut ret = 0;
    while idx <= u16::from(RTNL_FAMILY_MAX) {
        let family = idx as u8;
        let link = k.registry.rtnl_msg_handlers.get(&(family, ty)).copied();
        let dumpit = link.and_then(|l| l.dumpit);
        if let (Some(dumpit), false) = (dumpit, idx < s_idx || family == PF_PACKET) {
            if link.is_some_and(|l| l.flags & RTNL_FLAG_UNMODELED != 0) {
                return Err(crate::errno::SysError::Unimplemented(
                    crate::errno::Unimplemented::new(format!(
                        "the {} dump of address family {family}, part of the AF_UNSPEC dump",
                        crate::uapi::rtnetlink::RtmType::name_of(ty).unwrap_or("RTM_?")
                    )),
                ));
            }
            if idx > s_idx {
                cb.args = [0; 6];
                cb.prev_seq = 0;
                cb.seq = 0;
            }
            ret = dumpit(k, skb, cb)?;
            if ret != 0 {
                break;
            }
        }
        idx += 1;
    }
    cb.family = idx;
    Ok(if !skb.is_empty() {
        skb.len() as i32
    } else {
        ret
    })
}

/// `rtnetlink_rcv`: the NETLINK_ROUTE kernel socket's input.
pub fn rtnetlink_rcv(k: &mut Kernel, skb: SkBuff) -> SysResult<()> {
    netlink_rcv_skb(k, &skb, rtnetlink_rcv_msg)
}

/// `rtnl_msgtype_kind`: NEW, DEL, GET or SET from the low two bits.
fn is_get(ty: u16) -> bool {
    (ty - RTM_BASE) & 3 == 2
}

/// Message types for which the model registers every handler the profiles' kernels have, so
/// a request the table has no handler for is the kernel's EOPNOTSUPP: netconf (get and dump
/// for PF_INET and PF_INET6; AF_MPLS's come with CONFIG_MPLS_ROUTING, which the reference
/// build lacks and Debian's builds have as a module nothing loads); the multicast and anycast
/// address types (dumps for PF_INET6, and for PF_INET where the release has it; no family
/// handles their NEW and DEL); the address label types (PF_INET6 only, `addrlabel.c`);
/// the multicast database's (PF_BRIDGE only, `mdb` or the bridge's `br_mdb_init`); the bridge
/// VLAN types (PF_BRIDGE's only, registered by `br_vlan_rtnl_init` where the build has VLAN
/// filtering); the namespace id types (PF_UNSPEC's NEW and GET, `net_ns_init`; DEL has none);
/// the nexthop types (`nexthop_init`: NEW and GET for PF_UNSPEC, PF_INET and PF_INET6, DEL and
/// GETNEXTHOPBUCKET for PF_UNSPEC; no family handles NEWNEXTHOPBUCKET or DELNEXTHOPBUCKET).
const ALL_HANDLERS_MODELED: [u16; 27] = [
    RTM_NEWNETCONF,
    RTM_DELNETCONF,
    RTM_GETNETCONF,
    RTM_NEWMULTICAST,
    RTM_DELMULTICAST,
    RTM_GETMULTICAST,
    RTM_NEWANYCAST,
    RTM_DELANYCAST,
    RTM_GETANYCAST,
    RTM_NEWMDB,
    RTM_DELMDB,
    RTM_GETMDB,
    RTM_NEWADDRLABEL,
    RTM_DELADDRLABEL,
    RTM_GETADDRLABEL,
    RTM_NEWVLAN,
    RTM_DELVLAN,
    RTM_GETVLAN,
    RTM_NEWNSID,
    RTM_DELNSID,
    RTM_GETNSID,
    RTM_NEWNEXTHOP,
    RTM_DELNEXTHOP,
    RTM_GETNEXTHOP,
    RTM_NEWNEXTHOPBUCKET,
    RTM_DELNEXTHOPBUCKET,
    RTM_GETNEXTHOPBUCKET,
];

/// A handler not found for (`family`, `ty`) nor (PF_UNSPEC, `ty`): the kernel's EOPNOTSUPP
/// when the model registers that type's handlers as the kernel does (a type of
/// [`ALL_HANDLERS_MODELED`], or entries exist and none is marked [`RTNL_FLAG_UNMODELED`]);
/// else the kernel would have a handler the model lacks.
fn handler_missing(k: &Kernel, family: u8, ty: u16) -> SysError {
    let entries: Vec<&RtnlLink> = [family, 0]
        .iter()
        .filter_map(|&f| k.registry.rtnl_msg_handlers.get(&(f, ty)))
        .collect();
    if ALL_HANDLERS_MODELED.contains(&ty)
        || (!entries.is_empty() && entries.iter().all(|l| l.flags & RTNL_FLAG_UNMODELED == 0))
    {
        return Errno::EOPNOTSUPP.into();
    }
    crate::errno::SysError::Unimplemented(crate::errno::Unimplemented::new(format!(
        "the rtnetlink handler of {} for address family {family}",
        crate::uapi::rtnetlink::RtmType::name_of(ty).unwrap_or("this message type")
    )))
}

/// `rtnetlink_rcv_msg`: type range, the empty-payload rule, CAP_NET_ADMIN for non-GET, then
/// the handler for (family, type) with the PF_UNSPEC fallback: a dump for GET with ROOT or
/// MATCH, else the doit.
pub fn rtnetlink_rcv_msg(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let ty = nlh.msg_type();
    if ty > k.profile.release.rtm_max {
        return Err(Errno::EOPNOTSUPP.into());
    }
    let Some(&family) = nlh.payload().first() else {
        return Ok(());
    };
    if !is_get(ty) && !netlink_net_capable(k, skb, crate::cred::CAP_NET_ADMIN) {
        return Err(Errno::EPERM.into());
    }
    let lookup = |k: &Kernel, want: fn(&RtnlLink) -> bool| {
        [family, 0].into_iter().find_map(|f| {
            k.registry
                .rtnl_msg_handlers
                .get(&(f, ty))
                .copied()
                .filter(want)
        })
    };
    let flags = nlh.flags();
    if is_get(ty) && flags & NLM_F_DUMP != 0 {
        let link =
            lookup(k, |l| l.dumpit.is_some()).ok_or_else(|| handler_missing(k, family, ty))?;
        let min_dump_alloc = if ty == RTM_GETLINK {
            link::rtnl_calcit(k, skb, nlh)
        } else {
            0
        };
        let ssk = k.net(skb_net(k, skb)).kernel_sock[NETLINK_ROUTE as usize].expect("rtnl socket");
        let control = NetlinkDumpControl {
            start: None,
            dump: rtnl_dumpit,
            done: None,
            min_dump_alloc,
            flags: link.flags,
        };
        return netlink_dump_start(k, ssk, skb, nlh, control);
    }
    let link = lookup(k, |l| l.doit.is_some()).ok_or_else(|| handler_missing(k, family, ty))?;
    let is_del = (ty - RTM_BASE) & 3 == 1;
    if is_del && flags & NLM_F_BULK != 0 && link.flags & RTNL_FLAG_BULK_DEL_SUPPORTED == 0 {
        extack.msg = Some("Bulk delete is not supported".into());
        return Err(Errno::EOPNOTSUPP.into());
    }
    let changes_links = matches!(
        ty,
        crate::uapi::rtnetlink::RTM_NEWLINK
            | crate::uapi::rtnetlink::RTM_DELLINK
            | crate::uapi::rtnetlink::RTM_SETLINK
    );
    if changes_links {
        if let Some(group) = crate::genetlink::mcast::link_side_genl_listener(k, skb_net(k, skb)) {
            return Err(crate::errno::SysError::Unimplemented(
                crate::errno::Unimplemented::new(format!(
                    "link changes while generic netlink group {group} has listeners (that \
                 family's notifications are not modeled)"
                )),
            ));
        }
    }
    (link.doit.expect("looked up by doit"))(k, skb, nlh, extack)
}

/// `rtnl_dumpit`: call the type's dumpit; for DUMP_SPLIT_NLM_DONE handlers report "more" after
/// the last entries so NLMSG_DONE comes alone in the next datagram.
fn rtnl_dumpit(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    // args[5] marks that the handler already reported its end (`cb->data = NULL`).
    if cb.args[5] != 0 {
        return Ok(0);
    }
    let ty = cb.request().msg_type();
    let family = cb.request().payload().first().copied().unwrap_or(0);
    let dumpit = [family, 0]
        .into_iter()
        .find_map(|f| {
            k.registry
                .rtnl_msg_handlers
                .get(&(f, ty))
                .and_then(|l| l.dumpit)
        })
        .ok_or_else(|| handler_missing(k, family, ty))?;
    let err = dumpit(k, skb, cb)?;
    if cb.flags & RTNL_FLAG_DUMP_SPLIT_NLM_DONE != 0 {
        if err < 0 && err != Errno::EMSGSIZE.as_neg() {
            return Ok(err);
        }
        if err == 0 {
            cb.args[5] = 1;
        }
        return Ok(skb.len() as i32);
    }
    Ok(err)
}
