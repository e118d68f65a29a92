//! A FIB table (`net/ipv4/fib_trie.c`). The kernel keeps each table's routes in an LC-trie
//! whose leaves (one per key, the prefix) it walks in key order, each leaf's aliases sorted
//! by suffix length (longest prefix first), then DSCP (highest first), then priority; the
//! model keeps the leaves in a map by key, which walks the same. The kernel's local table
//! shares the main table's trie until custom rules exist (`fib_unmerge`): each alias names
//! its table and every walk skips the others', so a trie per table shows the same.

use super::semantics::{fib_dump_info, rtmsg_fib, FibInfo, FibRtInfo};
use crate::af_netlink::NetlinkCallback;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::rtnetlink::notify::Report;
use crate::skbuff::SkBuff;
use crate::uapi::netlink::{
    NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE,
};
use crate::uapi::route::*;
use crate::uapi::rtnetlink::{RTM_DELROUTE, RTM_NEWROUTE};
use std::collections::BTreeMap;

/// `KEYLENGTH`.
pub(crate) const KEYLENGTH: u8 = 32;

/// A route in a leaf (`struct fib_alias`).
#[derive(Clone, Debug)]
pub(crate) struct FibAlias {
    /// `fa_info`.
    pub(crate) info: FibInfo,
    /// `fa_dscp`, as DS field bits.
    pub(crate) dscp: u8,
    /// `fa_type`.
    pub(crate) ty: u8,
    /// `fa_slen`: KEYLENGTH minus the prefix length.
    pub(crate) slen: u8,
    /// FA_S_ACCESSED in `fa_state`: a lookup has matched it since it was made (the lookups
    /// read the tables shared, so a cell), which makes its removal flush the cached routes.
    pub(crate) accessed: std::cell::Cell<bool>,
}

/// A FIB table (`struct fib_table` and its trie).
#[derive(Clone, Debug, Default)]
pub(crate) struct FibTable {
    /// `tb_id`.
    pub(crate) id: u32,
    /// The trie's leaves by key.
    pub(crate) leaves: BTreeMap<u32, Vec<FibAlias>>,
}

/// What a route request says (`struct fib_config`).
#[derive(Clone, Debug, Default)]
pub(crate) struct FibConfig {
    pub(crate) dst_len: u8,
    pub(crate) dscp: u8,
    pub(crate) table: u32,
    pub(crate) protocol: u8,
    pub(crate) scope: u8,
    pub(crate) ty: u8,
    pub(crate) flags: u32,
    pub(crate) priority: u32,
    pub(crate) prefsrc: u32,
    /// `fc_dst`, host order.
    pub(crate) dst: u32,
    pub(crate) gw: u32,
    pub(crate) oif: u32,
    pub(crate) nlflags: u16,
    /// `fc_flow`: the realms (RTA_FLOW).
    pub(crate) flow: u32,
    /// The request message (empty for the kernel's own routes): `mx` and `mp` point into it.
    pub(crate) req: Vec<u8>,
    /// `fc_mx`: RTA_METRICS's payload in `req`.
    pub(crate) mx: Option<std::ops::Range<usize>>,
    /// `fc_mp`: RTA_MULTIPATH's payload in `req`.
    pub(crate) mp: Option<std::ops::Range<usize>>,
}

/// `fib_find_alias`: the position of the first alias of (`slen`, `dscp`) with a priority
/// of at least `prio` (or a lower DSCP), `find_first`: the first of `slen` at all.
fn fib_find_alias(
    leaf: &[FibAlias],
    slen: u8,
    dscp: u8,
    prio: u32,
    find_first: bool,
) -> Option<usize> {
    for (i, fa) in leaf.iter().enumerate() {
        if fa.slen < slen {
            continue;
        }
        if fa.slen != slen {
            break;
        }
        if find_first {
            return Some(i);
        }
        if fa.dscp > dscp {
            continue;
        }
        if fa.info.priority >= prio || fa.dscp < dscp {
            return Some(i);
        }
    }
    None
}

/// `fib_table_insert`: EEXIST for an existing (dscp, priority) with NLM_F_EXCL or for the
/// very same route; NLM_F_REPLACE replaces the first of them; otherwise the new alias goes
/// before them, or after them all with NLM_F_APPEND (ENOENT without NLM_F_CREATE). The new
/// route is announced with the flags that describe what happened.
pub(crate) fn fib_table_insert(
    k: &mut Kernel,
    net: NetId,
    cfg: &FibConfig,
    fi: FibInfo,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let plen = cfg.dst_len;
    let slen = KEYLENGTH - plen;
    let key = cfg.dst;
    let tb_id = cfg.table;
    let dscp = cfg.dscp;
    let mut nlflags = NLM_F_EXCL;
    let tb = k
        .net_mut(net)
        .fib
        .table_mut(tb_id)
        .expect("made by the caller");
    let leaf = tb.leaves.get(&key).cloned().unwrap_or_default();
    let mut fa = fib_find_alias(&leaf, slen, dscp, fi.priority, false);
    if let Some(first) =
        fa.filter(|&i| leaf[i].dscp == dscp && leaf[i].info.priority == fi.priority)
    {
        if cfg.nlflags & NLM_F_EXCL != 0 {
            return Err(Errno::EEXIST.into());
        }
        nlflags &= !NLM_F_EXCL;
        let mut fa_match = None;
        for (i, a) in leaf.iter().enumerate().skip(first) {
            if a.slen != slen || a.dscp != dscp || a.info.priority != fi.priority {
                break;
            }
            if a.ty == cfg.ty && a.info.same(&fi) {
                fa_match = Some(i);
                break;
            }
        }
        if cfg.nlflags & NLM_F_REPLACE != 0 {
            nlflags |= NLM_F_REPLACE;
            if let Some(m) = fa_match {
                return if m == first {
                    Ok(())
                } else {
                    Err(Errno::EEXIST.into())
                };
            }
            let new = FibAlias {
                info: fi,
                dscp: leaf[first].dscp,
                ty: cfg.ty,
                slen: leaf[first].slen,
                accessed: Default::default(),
            };
            let tb = k.net_mut(net).fib.table_mut(tb_id).expect("exists");
            let old = std::mem::replace(
                &mut tb.leaves.get_mut(&key).expect("found")[first],
                new.clone(),
            );
            let fri = rt_info(&new, tb_id, key);
            rtmsg_fib(k, net, RTM_NEWROUTE, &fri, report, nlflags)?;
            fib_release_info(k, net, &old.info);
            if old.accessed.get() {
                super::route::rt_cache_flush(k, net);
            }
            return Ok(());
        }
        if fa_match.is_some() {
            return Err(Errno::EEXIST.into());
        }
        if cfg.nlflags & NLM_F_APPEND != 0 {
            nlflags |= NLM_F_APPEND;
            // NLM_F_APPEND inserts before the next alias that is not of the same keys.
            fa = leaf
                .iter()
                .enumerate()
                .skip(first)
                .find(|(_, a)| a.slen != slen || a.dscp != dscp || a.info.priority != fi.priority)
                .map(|(i, _)| i);
        } else {
            fa = Some(first);
        }
    }
    if cfg.nlflags & NLM_F_CREATE == 0 {
        return Err(Errno::ENOENT.into());
    }
    nlflags |= NLM_F_CREATE;
    let new = FibAlias {
        info: fi,
        dscp,
        ty: cfg.ty,
        slen,
        accessed: Default::default(),
    };
    let tb = k.net_mut(net).fib.table_mut(tb_id).expect("exists");
    let leaf = tb.leaves.entry(key).or_default();
    // `fib_insert_alias`: before `fa`, else after the last alias of a suffix length not
    // longer than the new one's.
    let at = match fa {
        Some(i) => i,
        None => leaf.iter().take_while(|a| slen >= a.slen).count(),
    };
    leaf.insert(at, new.clone());
    super::route::rt_cache_flush(k, net);
    let fri = rt_info(&new, tb_id, key);
    rtmsg_fib(k, net, RTM_NEWROUTE, &fri, report, nlflags)
}

/// `fib_release_info` of a route's information that leaves the tables: when no route holds
/// it any more (the kernel shares equal ones) it is freed, and its next hop's cached output
/// route with it (`free_fib_info`).
fn fib_release_info(k: &mut Kernel, net: NetId, fi: &FibInfo) {
    let fib = &k.net(net).fib;
    let held = fib
        .tables
        .iter()
        .flat_map(|t| t.leaves.values().flat_map(|l| l.iter()))
        .any(|fa| fa.info.same(fi));
    if !held {
        k.net_mut(net)
            .fib
            .rth_output
            .retain(|(c, _, _)| !c.same(fi));
    }
}

/// The `fib_rt_info` of an alias.
fn rt_info(fa: &FibAlias, tb_id: u32, key: u32) -> FibRtInfo<'_> {
    FibRtInfo {
        fi: &fa.info,
        tb_id,
        dst: key,
        dst_len: KEYLENGTH - fa.slen,
        dscp: fa.dscp,
        ty: fa.ty,
    }
}

/// `fib_table_delete`: the first alias of the key, suffix length and DSCP that matches what
/// the request gives (type, scope unless NOWHERE, source, protocol, next hops, metrics);
/// ESRCH when none (with any message a malformed next hop left). Announced before it goes.
pub(crate) fn fib_table_delete(
    k: &mut Kernel,
    net: NetId,
    cfg: &FibConfig,
    report: Option<Report<'_>>,
    extack: &mut crate::af_netlink::NetlinkExtAck,
) -> SysResult<()> {
    let slen = KEYLENGTH - cfg.dst_len;
    let key = cfg.dst;
    let Some(tb) = k.net(net).fib.table(cfg.table) else {
        return Err(Errno::ESRCH.into());
    };
    let Some(leaf) = tb.leaves.get(&key) else {
        return Err(Errno::ESRCH.into());
    };
    let Some(first) = fib_find_alias(leaf, slen, cfg.dscp, 0, false) else {
        return Err(Errno::ESRCH.into());
    };
    let mut found = None;
    for (i, fa) in leaf.iter().enumerate().skip(first) {
        if fa.slen != slen || fa.dscp != cfg.dscp {
            break;
        }
        let fi = &fa.info;
        if (cfg.ty == 0 || fa.ty == cfg.ty)
            && (cfg.scope == RT_SCOPE_NOWHERE || fi.scope == cfg.scope)
            && (cfg.prefsrc == 0 || fi.prefsrc == cfg.prefsrc)
            && (cfg.protocol == 0 || fi.protocol == cfg.protocol)
        {
            let classid = k.profile().config.ip_route_classid;
            let nh_match = match super::semantics::fib_nh_match(cfg, fi, classid, extack) {
                Ok(m) => m,
                Err(crate::errno::SysError::Errno(_)) => false,
                Err(e) => return Err(e),
            };
            if !nh_match
                || !crate::metrics::fib_metrics_match(k, &cfg.req, cfg.mx.clone(), &fi.metrics)
            {
                continue;
            }
            found = Some(i);
            break;
        }
    }
    let Some(i) = found else {
        return Err(Errno::ESRCH.into());
    };
    let fa = leaf[i].clone();
    rtmsg_fib(
        k,
        net,
        RTM_DELROUTE,
        &rt_info(&fa, cfg.table, key),
        report,
        0,
    )?;
    let tb = k.net_mut(net).fib.table_mut(cfg.table).expect("exists");
    let leaf = tb.leaves.get_mut(&key).expect("exists");
    leaf.remove(i);
    if leaf.is_empty() {
        tb.leaves.remove(&key);
    }
    if fa.accessed.get() {
        super::route::rt_cache_flush(k, net);
    }
    fib_release_info(k, net, &fa.info);
    Ok(())
}

/// `fib_table_flush` (not flushing all): the routes whose information died go, without
/// a message; returns how many.
pub(crate) fn fib_table_flush(tb: &mut FibTable) -> usize {
    let mut found = 0;
    tb.leaves.retain(|_, leaf| {
        leaf.retain(|fa| {
            // Error routes (blackhole and the like) go only when dead too, not flushing all.
            if fa.info.flags & RTNH_F_DEAD != 0 {
                found += 1;
                return false;
            }
            true
        });
        !leaf.is_empty()
    });
    found
}

/// The dump filter (`struct fib_dump_filter`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FibDumpFilter {
    pub(crate) table_id: u32,
    pub(crate) filter_set: bool,
    pub(crate) dump_routes: bool,
    pub(crate) dump_exceptions: bool,
    pub(crate) protocol: u8,
    pub(crate) rt_type: u8,
    pub(crate) flags: u32,
    /// The device's index (`filter->dev`).
    pub(crate) dev: u32,
}

/// The dump's cursor in `cb->args`: within a table, the leaves done (`args[2]`), the next
/// key (`args[3]`), the alias within the leaf (`args[4]`), the entry within it (`args[5]`).
const ARG_COUNT: usize = 2;
const ARG_KEY: usize = 3;
const ARG_I: usize = 4;
const ARG_FA: usize = 5;

/// `fn_trie_dump_leaf`: the leaf's aliases of this table that pass the filter; route
/// exceptions (the route cache, `fib_dump_info_fnhe`) come from traffic, which the model's
/// next hops never see, so they have none.
fn fn_trie_dump_leaf(
    k: &Kernel,
    leaf: &[FibAlias],
    key: u32,
    tb_id: u32,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    filter: &FibDumpFilter,
) -> Result<(), Errno> {
    let mut flags = NLM_F_MULTI;
    if filter.filter_set || !filter.dump_exceptions || !filter.dump_routes {
        flags |= NLM_F_DUMP_FILTERED;
    }
    let s_i = cb.args[ARG_I] as usize;
    let s_fa = cb.args[ARG_FA];
    let seq = cb.request().seq();
    for (i, fa) in leaf.iter().enumerate() {
        if i < s_i {
            continue;
        }
        if filter.filter_set {
            if filter.rt_type != 0 && fa.ty != filter.rt_type {
                continue;
            }
            if filter.protocol != 0 && fa.info.protocol != filter.protocol {
                continue;
            }
            if filter.dev != 0 && !fa.info.nhs.iter().any(|nh| nh.oif == filter.dev) {
                continue;
            }
        }
        if filter.dump_routes && s_fa == 0 {
            if let Err(e) = fib_dump_info(
                k,
                skb,
                cb.portid,
                seq,
                RTM_NEWROUTE,
                &rt_info(fa, tb_id, key),
                flags,
            ) {
                cb.args[ARG_I] = i as i64;
                cb.args[ARG_FA] = 0;
                return Err(e);
            }
        }
    }
    cb.args[ARG_I] = leaf.len() as i64;
    Ok(())
}

/// `fib_table_dump`: the leaves from the key the last chunk stopped at.
pub(crate) fn fib_table_dump(
    k: &Kernel,
    tb: &FibTable,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    filter: &FibDumpFilter,
) -> Result<(), Errno> {
    let mut count = cb.args[ARG_COUNT];
    let mut key = cb.args[ARG_KEY] as u32;
    if count != 0 && key == 0 {
        return Ok(());
    }
    let leaves: Vec<(u32, Vec<FibAlias>)> = tb
        .leaves
        .range(key..)
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    for (lkey, leaf) in leaves {
        if let Err(e) = fn_trie_dump_leaf(k, &leaf, lkey, tb.id, skb, cb, filter) {
            cb.args[ARG_KEY] = i64::from(key);
            cb.args[ARG_COUNT] = count;
            return Err(e);
        }
        count += 1;
        key = lkey.wrapping_add(1);
        cb.args[ARG_I] = 0;
        cb.args[ARG_FA] = 0;
        if key < lkey {
            break;
        }
    }
    cb.args[ARG_KEY] = i64::from(key);
    cb.args[ARG_COUNT] = count;
    Ok(())
}

/// What a lookup looks for (`struct flowi4`'s part the model's lookups use).
pub(crate) struct Flow {
    /// `daddr`, host order.
    pub(crate) daddr: u32,
    /// `flowi4_scope`: routes of a narrower scope are passed over.
    pub(crate) scope: u8,
    /// `flowi4_oif`: when set, the next hop must use this device.
    pub(crate) oif: u32,
}

/// A lookup's answer (`struct fib_result`'s part the model uses).
pub(crate) struct FibResult {
    pub(crate) ty: u8,
    pub(crate) scope: u8,
    /// The next hop's device (0: none).
    pub(crate) oif: u32,
    /// `nh_sel`: which of the route's next hops.
    pub(crate) nh_sel: usize,
    /// `prefix`, host order, and `prefixlen` of the matched route.
    pub(crate) prefix: u32,
    pub(crate) prefixlen: u8,
    /// `fi`: the matched route's information.
    pub(crate) fi: super::semantics::FibInfo,
    /// `table->tb_id`: the table looked in (set by `fib_lookup`; 0 from a table alone).
    pub(crate) table: u32,
}

/// `fib_table_lookup` over the tables that share a trie (main and local while no custom
/// rules exist), ignoring link state: the longest prefix holding the address whose route
/// is not dead and not narrower than the flow's scope; an error type answers its error
/// (EINVAL blackhole, EHOSTUNREACH unreachable, EACCES prohibit, EAGAIN throw); no match:
/// EAGAIN.
pub(crate) fn fib_tables_lookup(tables: &[&FibTable], fl: &Flow) -> Result<FibResult, Errno> {
    for plen in (0..=KEYLENGTH).rev() {
        let mask = if plen == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(plen))
        };
        let slen = KEYLENGTH - plen;
        // A shared trie's leaf holds each table's aliases, local's (the higher id) first.
        let mut cands: Vec<&FibAlias> = Vec::new();
        for tb in tables.iter().rev() {
            if let Some(leaf) = tb.leaves.get(&(fl.daddr & mask)) {
                cands.extend(leaf.iter().filter(|fa| fa.slen == slen));
            }
        }
        for fa in cands {
            if fa.dscp != 0 {
                // A flow without a DS field matches no route that names one.
                continue;
            }
            if fa.info.scope < fl.scope {
                continue;
            }
            fa.accessed.set(true);
            match fa.ty {
                RTN_BLACKHOLE => return Err(Errno::EINVAL),
                RTN_UNREACHABLE => return Err(Errno::EHOSTUNREACH),
                RTN_PROHIBIT => return Err(Errno::EACCES),
                RTN_THROW => return Err(Errno::EAGAIN),
                RTN_NAT | RTN_XRESOLVE => return Err(Errno::EINVAL),
                _ => {}
            }
            if fa.info.flags & RTNH_F_DEAD != 0 {
                continue;
            }
            // `fib_lookup_good_nhc`: the first next hop alive and through the flow's device.
            let Some(nh_sel) =
                fa.info.nhs.iter().position(|nh| {
                    nh.flags & RTNH_F_DEAD == 0 && (fl.oif == 0 || fl.oif == nh.oif)
                })
            else {
                continue;
            };
            return Ok(FibResult {
                ty: fa.ty,
                scope: fa.info.scope,
                oif: fa.info.nhs[nh_sel].oif,
                nh_sel,
                prefix: fl.daddr & mask,
                prefixlen: plen,
                fi: fa.info.clone(),
                table: 0,
            });
        }
    }
    Err(Errno::EAGAIN)
}
