//! The neighbour tables themselves (`net/core/neighbour.c`): their parameter sets (`struct
//! neigh_parms`: the table's default one and one per device, `neigh_parms_alloc` /
//! `neigh_parms_release`), their machine-wide state (garbage collection thresholds and
//! interval, hash, counters), the RTM_GETNEIGHTBL dump (`neightbl_dump_info`) and
//! RTM_SETNEIGHTBL (`neightbl_set`).
//!
//! A table is one for the whole machine: its thresholds, default parameters, entry count and
//! counters are shared by every namespace, and only `init_net` may change the table-wide
//! values. A device's parameters live with its IPv4 or IPv6 side (`in_dev->arp_parms`,
//! `idev->nd_parms`) and are dumped newest first (the kernel's `parms_list` order), which the
//! model recovers from an allocation sequence number instead of keeping a list: creating a
//! device stays O(1).

use super::{NeighTable, NEIGH_NR_TABLES};
use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{unimplemented, Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Validate};
use crate::skbuff::{skb_truesize, SkBuff};
use crate::timer::{jiffies_to_msecs, msecs_to_jiffies, msecs_to_jiffies_checked};
use crate::uapi::neighbour::*;
use crate::uapi::netlink::{NLMSG_HDRLEN, NLM_F_MULTI};
use crate::uapi::rtnetlink::RTM_NEWNEIGHTBL;

/// `NEIGH_VAR_MCAST_PROBES`.
pub const MCAST_PROBES: usize = 0;
/// `NEIGH_VAR_UCAST_PROBES`.
pub const UCAST_PROBES: usize = 1;
/// `NEIGH_VAR_APP_PROBES`.
pub const APP_PROBES: usize = 2;
/// `NEIGH_VAR_MCAST_REPROBES`.
pub const MCAST_REPROBES: usize = 3;
/// `NEIGH_VAR_RETRANS_TIME` (jiffies).
pub const RETRANS_TIME: usize = 4;
/// `NEIGH_VAR_BASE_REACHABLE_TIME` (jiffies).
pub const BASE_REACHABLE_TIME: usize = 5;
/// `NEIGH_VAR_DELAY_PROBE_TIME` (jiffies).
pub const DELAY_PROBE_TIME: usize = 6;
/// `NEIGH_VAR_INTERVAL_PROBE_TIME_MS` (jiffies, despite the name).
pub const INTERVAL_PROBE_TIME_MS: usize = 7;
/// `NEIGH_VAR_GC_STALETIME` (jiffies).
pub const GC_STALETIME: usize = 8;
/// `NEIGH_VAR_QUEUE_LEN_BYTES`.
pub const QUEUE_LEN_BYTES: usize = 9;
/// `NEIGH_VAR_PROXY_QLEN`.
pub const PROXY_QLEN: usize = 10;
/// `NEIGH_VAR_ANYCAST_DELAY` (jiffies).
pub const ANYCAST_DELAY: usize = 11;
/// `NEIGH_VAR_PROXY_DELAY` (jiffies).
pub const PROXY_DELAY: usize = 12;
/// `NEIGH_VAR_LOCKTIME` (jiffies).
pub const LOCKTIME: usize = 13;
/// `NEIGH_VAR_DATA_MAX`: the values a parameter set holds (the sysctl-only aliases after it
/// have no storage of their own).
pub const NEIGH_VAR_DATA_MAX: usize = 14;

/// `SK_WMEM_MAX`: a socket's default send buffer, 256 packets of 256 bytes as charged, the
/// default of QUEUE_LEN_BYTES.
pub const SK_WMEM_MAX: u32 = (skb_truesize(256) * 256) as u32;
/// `ETH_FRAME_LEN`: what NDTPA_QUEUE_LEN counts packets of.
const ETH_FRAME_LEN: usize = 1514;

/// A table's compiled default parameters (`tbl->parms.data` as its definition sets them): the
/// times in milliseconds, the rest as they are.
#[derive(Clone, Copy, Debug)]
pub struct NeighParmsDefaults {
    /// Indexed by the `NEIGH_VAR_*` constants above.
    pub data: [u32; NEIGH_VAR_DATA_MAX],
}

/// Whether a `NEIGH_VAR_*` value is a time (kept in jiffies).
const fn is_time(var: usize) -> bool {
    matches!(
        var,
        RETRANS_TIME
            | BASE_REACHABLE_TIME
            | DELAY_PROBE_TIME
            | INTERVAL_PROBE_TIME_MS
            | GC_STALETIME
            | ANYCAST_DELAY
            | PROXY_DELAY
            | LOCKTIME
    )
}

/// One parameter set (`struct neigh_parms`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeighParms {
    /// `data`: the `NEIGH_VAR_*` values (the kernel's `int`s), times in jiffies.
    pub data: [i32; NEIGH_VAR_DATA_MAX],
    /// `reachable_time`, jiffies: drawn from the base reachable time.
    pub reachable_time: u64,
    /// The allocation's place in the machine's order (the dump lists the newest first).
    pub seq: u64,
}

/// A table's machine-wide state (the rest of `struct neigh_table`).
#[derive(Clone, Debug)]
pub struct NeighTblState {
    /// `gc_thresh1`, `gc_thresh2`, `gc_thresh3`.
    pub gc_thresh: [u32; 3],
    /// `gc_interval`, jiffies.
    pub gc_interval: u64,
    /// `parms`: the default parameters (`init_net`'s, no device).
    pub parms: NeighParms,
    /// `last_flush`, jiffies.
    pub last_flush: u64,
    /// `last_rand`, jiffies.
    pub last_rand: u64,
    /// `nht->hash_rnd[0]`.
    pub hash_rnd: u32,
    /// `nht->hash_shift`.
    pub hash_shift: u32,
    /// `stats` summed over the CPUs, in `struct ndt_stats` order.
    pub stats: [u64; ndt_stats::COUNT],
}

/// The tables' state (`neigh_tables[]` beyond what [`NeighTable`] holds) and the parameter
/// sets' allocation counter.
#[derive(Clone, Debug, Default)]
pub struct NeighTblGlobal {
    /// Per table, once `neigh_table_init` ran.
    pub tbls: [Option<NeighTblState>; NEIGH_NR_TABLES],
    /// The next parameter set's sequence number.
    pub parms_seq: u64,
}

/// `neigh_rand_reach_time`: a reachable time drawn in [base/2, 3*base/2).
fn neigh_rand_reach_time(k: &mut Kernel, base: i32) -> u64 {
    let base = base as u32;
    if base == 0 {
        return 0;
    }
    u64::from(k.random.get_random_u32_below(base) + (base >> 1))
}

/// The compiled defaults in the kernel's units (times in jiffies at the build's HZ).
fn defaults_data(k: &Kernel, tbl: &NeighTable) -> [i32; NEIGH_VAR_DATA_MAX] {
    let hz = k.timers.hz();
    let mut data = [0; NEIGH_VAR_DATA_MAX];
    for (i, v) in tbl.parms.data.iter().enumerate() {
        data[i] = if is_time(i) {
            msecs_to_jiffies(hz, u64::from(*v)) as i32
        } else {
            *v as i32
        };
    }
    data
}

/// `neigh_table_init`: the table's default parameters (a reachable time drawn), its hash (a
/// random seed, 8 buckets), its flush and draw stamped now, thresholds and interval as the
/// table defines them.
pub fn neigh_table_init(k: &mut Kernel, tbl: &NeighTable) {
    let data = defaults_data(k, tbl);
    let reachable_time = neigh_rand_reach_time(k, data[BASE_REACHABLE_TIME]);
    // neigh_hash_alloc draws get_random_u32() | 1; the model's source draws below a bound.
    let hash_rnd = k.random.get_random_u32_below(u32::MAX) | 1;
    let now = k.jiffies();
    let seq = next_seq(k);
    let hz = k.timers.hz();
    k.neigh_tbls.tbls[tbl.index] = Some(NeighTblState {
        gc_thresh: tbl.gc_thresh,
        gc_interval: msecs_to_jiffies(hz, u64::from(tbl.gc_interval_ms)),
        parms: NeighParms {
            data,
            reachable_time,
            seq,
        },
        last_flush: now,
        last_rand: now,
        hash_rnd,
        hash_shift: 3,
        stats: [0; ndt_stats::COUNT],
    });
}

/// The next allocation's sequence number.
fn next_seq(k: &mut Kernel) -> u64 {
    k.neigh_tbls.parms_seq += 1;
    k.neigh_tbls.parms_seq
}

/// The table's state (`neigh_table_init` runs at boot, before any namespace).
fn state<'a>(k: &'a Kernel, tbl: &NeighTable) -> &'a NeighTblState {
    k.neigh_tbls.tbls[tbl.index]
        .as_ref()
        .expect("neigh_table_init ran at boot")
}

/// The table's state, to change.
fn state_mut<'a>(k: &'a mut Kernel, tbl: &NeighTable) -> &'a mut NeighTblState {
    k.neigh_tbls.tbls[tbl.index]
        .as_mut()
        .expect("neigh_table_init ran at boot")
}

/// `NEIGH_CACHE_STAT_INC`: one of the table's counters (`ndt_stats` index).
pub fn neigh_stat_inc(k: &mut Kernel, tbl: &NeighTable, counter: usize) {
    if let Some(s) = k.neigh_tbls.tbls[tbl.index].as_mut() {
        s.stats[counter] += 1;
    }
}

/// A new entry made the machine's count `entries`: past the hash's size, the hash doubles
/// (`neigh_hash_grow`, counted).
pub fn neigh_hash_maybe_grow(k: &mut Kernel, tbl: &NeighTable, entries: usize) {
    if let Some(s) = k.neigh_tbls.tbls[tbl.index].as_mut() {
        if entries > 1usize << s.hash_shift {
            s.hash_shift += 1;
            s.stats[ndt_stats::HASH_GROWS] += 1;
        }
    }
}

/// `neigh_parms_alloc`: a device's parameter set, a copy of the table's defaults with its
/// own reachable time drawn (the device's `ndo_neigh_setup`, which no modeled kind has, would
/// adjust it).
pub fn neigh_parms_alloc(k: &mut Kernel, tbl: &NeighTable) -> NeighParms {
    let data = state(k, tbl).parms.data;
    let reachable_time = neigh_rand_reach_time(k, data[BASE_REACHABLE_TIME]);
    NeighParms {
        data,
        reachable_time,
        seq: next_seq(k),
    }
}

/// The machine's entries of the table (`tbl->entries`), every namespace's.
pub fn neigh_entries(k: &Kernel, tbl: &NeighTable) -> usize {
    k.nets.iter().map(|n| n.neigh.tbl[tbl.index].len()).sum()
}

/// A device's parameter set's references: its own and one per entry on the device (an
/// entry's constructor takes the device's set).
fn parms_refcnt(k: &Kernel, net: NetId, tbl: &NeighTable, ifindex: Option<u32>) -> u32 {
    let Some(ifindex) = ifindex else {
        return 1;
    };
    let entries = k.net(net).neigh.tbl[tbl.index]
        .iter()
        .filter(|n| n.ifindex == ifindex)
        .count();
    1 + entries as u32
}

/// `neightbl_fill_parms`: NDTA_PARMS, the device's index first (a device's set), the times
/// in milliseconds.
fn neightbl_fill_parms(
    skb: &mut SkBuff,
    hz: u32,
    p: &NeighParms,
    ifindex: Option<u32>,
    refcnt: u32,
) -> Result<(), Errno> {
    let nest = skb.nla_nest_start_noflag(NDTA_PARMS)?;
    let v = |i: usize| p.data[i] as u32;
    // NEIGH_VAR is an int; jiffies_to_msecs takes it as an unsigned long.
    let ms = |j: i32| u64::from(jiffies_to_msecs(hz, j as i64 as u64));
    let r = (|| {
        if let Some(i) = ifindex {
            skb.nla_put_u32(NDTPA_IFINDEX, i)?;
        }
        skb.nla_put_u32(NDTPA_REFCNT, refcnt)?;
        skb.nla_put_u32(NDTPA_QUEUE_LENBYTES, v(QUEUE_LEN_BYTES))?;
        // The deprecated length in packets: an approximation from the bytes (the int divided
        // as an unsigned long by the size_t truesize, then cut to 32 bits).
        let qlen = (p.data[QUEUE_LEN_BYTES] as i64 as u64) / skb_truesize(ETH_FRAME_LEN) as u64;
        skb.nla_put_u32(NDTPA_QUEUE_LEN, qlen as u32)?;
        skb.nla_put_u32(NDTPA_PROXY_QLEN, v(PROXY_QLEN))?;
        skb.nla_put_u32(NDTPA_APP_PROBES, v(APP_PROBES))?;
        skb.nla_put_u32(NDTPA_UCAST_PROBES, v(UCAST_PROBES))?;
        skb.nla_put_u32(NDTPA_MCAST_PROBES, v(MCAST_PROBES))?;
        skb.nla_put_u32(NDTPA_MCAST_REPROBES, v(MCAST_REPROBES))?;
        skb.nla_put_u64(
            NDTPA_REACHABLE_TIME,
            u64::from(jiffies_to_msecs(hz, p.reachable_time)),
        )?;
        for (ty, var) in [
            (NDTPA_BASE_REACHABLE_TIME, BASE_REACHABLE_TIME),
            (NDTPA_GC_STALETIME, GC_STALETIME),
            (NDTPA_DELAY_PROBE_TIME, DELAY_PROBE_TIME),
            (NDTPA_RETRANS_TIME, RETRANS_TIME),
            (NDTPA_ANYCAST_DELAY, ANYCAST_DELAY),
            (NDTPA_PROXY_DELAY, PROXY_DELAY),
            (NDTPA_LOCKTIME, LOCKTIME),
            (NDTPA_INTERVAL_PROBE_TIME_MS, INTERVAL_PROBE_TIME_MS),
        ] {
            skb.nla_put_u64(ty, ms(p.data[var]))?;
        }
        Ok(())
    })();
    match r {
        Ok(()) => {
            skb.nla_nest_end(nest);
            Ok(())
        }
        Err(e) => {
            skb.nla_nest_cancel(nest);
            Err(e)
        }
    }
}

/// The `ndtmsg` of a table's message.
fn put_ndtmsg(skb: &mut SkBuff, at: usize, family: u8) {
    let h = skb.nlmsg_data_mut(at);
    h[..NDTMSG_LEN].copy_from_slice(&[family, 0, 0, 0]);
}

/// `neightbl_fill_info`: the table's message: name, interval, thresholds, NDTA_CONFIG,
/// NDTA_STATS and its default parameters.
fn neightbl_fill_info(
    k: &Kernel,
    skb: &mut SkBuff,
    tbl: &NeighTable,
    pid: u32,
    seq: u32,
    flags: u16,
) -> SysResult<Result<(), Errno>> {
    let Some(key_offset) = k
        .profile
        .config
        .neigh_primary_key_offset_of(k.profile.release)
    else {
        return Err(unimplemented(
            "the neighbour table dump on a build whose struct neighbour layout (entry_size) \
             was not measured",
        ));
    };
    let hz = k.timers.hz();
    let now = k.jiffies();
    let s = state(k, tbl);
    let mark = skb.len();
    let Ok(at) = skb.nlmsg_put(pid, seq, RTM_NEWNEIGHTBL, NDTMSG_LEN, flags) else {
        return Ok(Err(Errno::EMSGSIZE));
    };
    put_ndtmsg(skb, at, tbl.family);
    let cfg = ndt_config::NdtConfig {
        key_len: tbl.key_len as u16,
        entry_size: (key_offset + tbl.key_len).next_multiple_of(8) as u16,
        entries: neigh_entries(k, tbl) as u32,
        last_flush: jiffies_to_msecs(hz, now.wrapping_sub(s.last_flush)),
        last_rand: jiffies_to_msecs(hz, now.wrapping_sub(s.last_rand)),
        hash_rnd: s.hash_rnd,
        hash_mask: (1u32 << s.hash_shift) - 1,
        hash_chain_gc: 0,
        // The proxy queue: proxy entries are not modeled.
        proxy_qlen: 0,
    };
    let r = (|| {
        skb.nla_put_string(NDTA_NAME, tbl.id)?;
        skb.nla_put_u64(
            NDTA_GC_INTERVAL,
            u64::from(jiffies_to_msecs(hz, s.gc_interval)),
        )?;
        skb.nla_put_u32(NDTA_THRESH1, s.gc_thresh[0])?;
        skb.nla_put_u32(NDTA_THRESH2, s.gc_thresh[1])?;
        skb.nla_put_u32(NDTA_THRESH3, s.gc_thresh[2])?;
        skb.nla_put(NDTA_CONFIG, &cfg.to_bytes())?;
        skb.nla_put(NDTA_STATS, &ndt_stats::to_bytes(&s.stats))?;
        neightbl_fill_parms(skb, hz, &s.parms, None, 1)
    })();
    if let Err(e) = r {
        skb.trim(mark);
        return Ok(Err(e));
    }
    skb.nlmsg_end(at);
    Ok(Ok(()))
}

/// `neightbl_fill_param_info`: one device's parameters under the table's name.
#[allow(clippy::too_many_arguments)]
fn neightbl_fill_param_info(
    skb: &mut SkBuff,
    hz: u32,
    tbl: &NeighTable,
    p: &NeighParms,
    ifindex: u32,
    refcnt: u32,
    pid: u32,
    seq: u32,
) -> Result<(), Errno> {
    let mark = skb.len();
    let at = skb.nlmsg_put(pid, seq, RTM_NEWNEIGHTBL, NDTMSG_LEN, NLM_F_MULTI)?;
    put_ndtmsg(skb, at, tbl.family);
    let r = skb
        .nla_put_string(NDTA_NAME, tbl.id)
        .and_then(|_| neightbl_fill_parms(skb, hz, p, Some(ifindex), refcnt));
    if let Err(e) = r {
        skb.trim(mark);
        return Err(e);
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// The namespace's device parameter sets of `tbl`, newest first (`tbl->parms_list` after
/// the default set, this namespace's only), with their devices.
fn parms_list(k: &Kernel, net: NetId, tbl: &NeighTable) -> Vec<(u32, NeighParms)> {
    let mut v: Vec<(u32, NeighParms)> = k
        .net(net)
        .devices
        .iter()
        .filter_map(|d| (tbl.parms_of)(d).map(|p| (d.ifindex, p.clone())))
        .collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.1.seq));
    v
}

/// `lookup_neigh_parms`: a device's set in the namespace, or with index 0 the table's default
/// set, which only `init_net` reaches.
fn lookup_neigh_parms(k: &Kernel, net: NetId, tbl: &NeighTable, ifindex: u32) -> bool {
    if ifindex == 0 {
        return k.net(net).is_init;
    }
    k.dev(net, ifindex).and_then(tbl.parms_of).is_some()
}

/// `neightbl_valid_dump_info`: a strict dump request is a whole `ndtmsg` with clear pads and
/// nothing after it.
fn neightbl_valid_dump_info(msg: &[u8], extack: &mut NetlinkExtAck) -> Result<(), Errno> {
    let payload = &msg[NLMSG_HDRLEN.min(msg.len())..];
    if payload.len() < NDTMSG_LEN {
        extack.msg = Some("Invalid header for neighbor table dump request".into());
        return Err(Errno::EINVAL);
    }
    if payload[1..4] != [0, 0, 0] {
        extack.msg = Some("Invalid values in header for neighbor table dump request".into());
        return Err(Errno::EINVAL);
    }
    if payload.len() > crate::uapi::netlink::nlmsg_align(NDTMSG_LEN) {
        extack.msg = Some("Invalid data after header in neighbor table dump request".into());
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// `neightbl_dump_info`: for each table of the requested family (all for AF_UNSPEC), its
/// message, then one per device parameter set of the namespace; `cb->args[0]` is the table,
/// `cb->args[1]` the set to resume at. Returns the length written (NLMSG_DONE comes alone).
pub fn neightbl_dump_info(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let msg = cb.nlh.clone();
    if cb.strict_check {
        let mut extack = NetlinkExtAck::default();
        if let Err(e) = neightbl_valid_dump_info(&msg, &mut extack) {
            cb.extack = extack;
            return Ok(e.as_neg());
        }
    }
    let family = msg.get(NLMSG_HDRLEN).copied().unwrap_or(0);
    let tbl_skip = cb.args[0] as usize;
    let mut neigh_skip = cb.args[1] as usize;
    let pid = cb.portid;
    let seq = cb.request().seq();
    let hz = k.timers.hz();
    let net = cb.net;
    let mut nidx = 0;
    let mut tidx = 0;
    'out: while tidx < NEIGH_NR_TABLES {
        let tbl = super::neigh_tables()[tidx];
        if tidx < tbl_skip || family != 0 && tbl.family != family {
            tidx += 1;
            continue;
        }
        if neightbl_fill_info(k, skb, tbl, pid, seq, NLM_F_MULTI)?.is_err() {
            break;
        }
        nidx = 0;
        for (ifindex, p) in parms_list(k, net, tbl) {
            if nidx >= neigh_skip {
                let refcnt = parms_refcnt(k, net, tbl, Some(ifindex));
                if neightbl_fill_param_info(skb, hz, tbl, &p, ifindex, refcnt, pid, seq).is_err() {
                    break 'out;
                }
            }
            nidx += 1;
        }
        neigh_skip = 0;
        tidx += 1;
    }
    cb.args[0] = tidx as i64;
    cb.args[1] = nidx as i64;
    Ok(skb.len() as i32)
}

/// `nl_neightbl_policy`.
fn nl_neightbl_policy() -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NDTA_PAD) + 1];
    p[usize::from(NDTA_NAME)] = NlaPolicy::of(NlaType::String);
    for t in [NDTA_THRESH1, NDTA_THRESH2, NDTA_THRESH3] {
        p[usize::from(t)] = NlaPolicy::of(NlaType::U32);
    }
    p[usize::from(NDTA_GC_INTERVAL)] = NlaPolicy::of(NlaType::U64);
    p[usize::from(NDTA_PARMS)] = NlaPolicy::of(NlaType::Nested);
    p
}

/// `nl_ntbl_parm_policy`.
fn nl_ntbl_parm_policy(features: crate::profile::FeatureSet) -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NDTPA_INTERVAL_PROBE_TIME_MS) + 1];
    for t in [
        NDTPA_IFINDEX,
        NDTPA_QUEUE_LEN,
        NDTPA_QUEUE_LENBYTES,
        NDTPA_PROXY_QLEN,
        NDTPA_APP_PROBES,
        NDTPA_UCAST_PROBES,
        NDTPA_MCAST_PROBES,
        NDTPA_MCAST_REPROBES,
    ] {
        p[usize::from(t)] = NlaPolicy::of(NlaType::U32);
    }
    for t in [
        NDTPA_BASE_REACHABLE_TIME,
        NDTPA_GC_STALETIME,
        NDTPA_DELAY_PROBE_TIME,
        NDTPA_RETRANS_TIME,
        NDTPA_ANYCAST_DELAY,
        NDTPA_PROXY_DELAY,
        NDTPA_LOCKTIME,
        NDTPA_INTERVAL_PROBE_TIME_MS,
    ] {
        p[usize::from(t)] = NlaPolicy::of(NlaType::U64);
    }
    // Before the release with a full range (`nl_ntbl_parm_ms_range`: 1 ms to a day) the
    // kernel's entry set `.min = 1` without a validation type: nothing was checked.
    if features.has(crate::profile::Feature::NeighParmMsRange) {
        p[usize::from(NDTPA_INTERVAL_PROBE_TIME_MS)] = NlaPolicy {
            range: Some((1, NTBL_PARM_MS_MAX)),
            ..NlaPolicy::of(NlaType::U64)
        };
    }
    p
}

/// `NTBL_PARM_MS_MAX`: a day, in milliseconds.
const NTBL_PARM_MS_MAX: i64 = 24 * 60 * 60 * 1000;

/// `nla_strcmp` equality: the payload, less one trailing NUL, is the name.
fn nla_streq(payload: &[u8], name: &str) -> bool {
    let p = match payload.split_last() {
        Some((0, rest)) => rest,
        _ => payload,
    };
    p == name.as_bytes()
}

/// A `u32` attribute's value.
fn get_u32(b: &[u8]) -> u32 {
    nltwin_wire::scalar::get_u32(b).unwrap_or(0)
}

/// A `u64` attribute's value.
fn get_u64(b: &[u8]) -> u64 {
    nltwin_wire::scalar::get_u64(b).unwrap_or(0)
}

/// `nla_get_msecs`: milliseconds (the `u64` seen as `unsigned int` by `msecs_to_jiffies`)
/// in jiffies.
fn nla_get_msecs(hz: u32, b: &[u8]) -> u64 {
    msecs_to_jiffies_checked(hz, get_u64(b) as u32)
}

/// The values NDTA_PARMS sets, as `NEIGH_VAR_SET` stores them (the kernel's `int`s), and
/// whether the base reachable time was among them.
fn parms_changes(hz: u32, msg: &[u8], tbp: &crate::nlattr::Tb) -> (Vec<(usize, i32)>, bool) {
    let mut out = Vec::new();
    let mut base = false;
    for (i, r) in tbp.iter().enumerate().skip(1) {
        let Some(r) = r else { continue };
        let b = &msg[r.clone()];
        let i = i as u16;
        let jiffies = |var: usize| (var, nla_get_msecs(hz, b) as i32);
        let change = match i {
            NDTPA_QUEUE_LEN => (
                QUEUE_LEN_BYTES,
                get_u32(b).wrapping_mul(skb_truesize(ETH_FRAME_LEN) as u32) as i32,
            ),
            NDTPA_QUEUE_LENBYTES => (QUEUE_LEN_BYTES, get_u32(b) as i32),
            NDTPA_PROXY_QLEN => (PROXY_QLEN, get_u32(b) as i32),
            NDTPA_APP_PROBES => (APP_PROBES, get_u32(b) as i32),
            NDTPA_UCAST_PROBES => (UCAST_PROBES, get_u32(b) as i32),
            NDTPA_MCAST_PROBES => (MCAST_PROBES, get_u32(b) as i32),
            NDTPA_MCAST_REPROBES => (MCAST_REPROBES, get_u32(b) as i32),
            NDTPA_BASE_REACHABLE_TIME => {
                base = true;
                jiffies(BASE_REACHABLE_TIME)
            }
            NDTPA_GC_STALETIME => jiffies(GC_STALETIME),
            NDTPA_DELAY_PROBE_TIME => jiffies(DELAY_PROBE_TIME),
            NDTPA_INTERVAL_PROBE_TIME_MS => jiffies(INTERVAL_PROBE_TIME_MS),
            NDTPA_RETRANS_TIME => jiffies(RETRANS_TIME),
            NDTPA_ANYCAST_DELAY => jiffies(ANYCAST_DELAY),
            NDTPA_PROXY_DELAY => jiffies(PROXY_DELAY),
            NDTPA_LOCKTIME => jiffies(LOCKTIME),
            _ => continue,
        };
        out.push(change);
    }
    (out, base)
}

/// `neightbl_set`: RTM_SETNEIGHTBL. The table named by NDTA_NAME (of the header's family, any
/// with AF_UNSPEC); NDTA_PARMS changes a device's set (NDTPA_IFINDEX) or the default one (in
/// `init_net` only), a new base reachable time drawing the reachable time again; then the
/// table-wide values, which only `init_net` may change (ENOENT elsewhere, after the
/// parameters were already changed).
pub fn neightbl_set(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = req.bytes();
    let hdr_end = NLMSG_HDRLEN + NDTMSG_LEN;
    if msg.len() < hdr_end {
        extack.msg = Some("Invalid header length".into());
        return Err(Errno::EINVAL.into());
    }
    let tb = nla_parse(
        msg,
        hdr_end,
        msg.len(),
        &nl_neightbl_policy(),
        Validate::Liberal,
        extack,
    )?;
    let attr = |tb: &crate::nlattr::Tb, t: u16| tb[usize::from(t)].clone().map(|r| &msg[r]);
    let Some(name) = attr(&tb, NDTA_NAME) else {
        return Err(Errno::EINVAL.into());
    };
    let family = msg[NLMSG_HDRLEN];
    let Some(tbl) = super::neigh_tables()
        .into_iter()
        .filter(|t| family == 0 || t.family == family)
        .find(|t| nla_streq(name, t.id))
    else {
        return Err(Errno::ENOENT.into());
    };
    let hz = k.timers.hz();
    if let Some(r) = tb[usize::from(NDTA_PARMS)].clone() {
        let tbp = nla_parse(
            msg,
            r.start,
            r.end,
            &nl_ntbl_parm_policy(k.features),
            Validate::Liberal,
            extack,
        )?;
        let ifindex = attr(&tbp, NDTPA_IFINDEX).map_or(0, get_u32);
        if !lookup_neigh_parms(k, net, tbl, ifindex) {
            return Err(Errno::ENOENT.into());
        }
        let (changes, base) = parms_changes(hz, msg, &tbp);
        let reach = if base {
            let b = changes
                .iter()
                .rev()
                .find(|(v, _)| *v == BASE_REACHABLE_TIME)
                .map_or(0, |c| c.1);
            Some(neigh_rand_reach_time(k, b))
        } else {
            None
        };
        let apply = |p: &mut NeighParms| {
            for (var, v) in &changes {
                p.data[*var] = *v;
            }
            if let Some(r) = reach {
                p.reachable_time = r;
            }
        };
        if ifindex == 0 {
            apply(&mut state_mut(k, tbl).parms);
        } else {
            let dev = k.dev_mut(net, ifindex).expect("looked up");
            apply((tbl.parms_of_mut)(dev).expect("looked up"));
            if let Some(f) = tbl.parms_changed {
                f(dev, hz);
            }
        }
    }
    let wide = [NDTA_THRESH1, NDTA_THRESH2, NDTA_THRESH3, NDTA_GC_INTERVAL];
    if wide.iter().any(|t| tb[usize::from(*t)].is_some()) && !k.net(net).is_init {
        return Err(Errno::ENOENT.into());
    }
    let th: Vec<Option<u32>> = [NDTA_THRESH1, NDTA_THRESH2, NDTA_THRESH3]
        .iter()
        .map(|t| attr(&tb, *t).map(get_u32))
        .collect();
    let gc = attr(&tb, NDTA_GC_INTERVAL).map(|b| nla_get_msecs(hz, b));
    let s = state_mut(k, tbl);
    for (i, v) in th.into_iter().enumerate() {
        if let Some(v) = v {
            s.gc_thresh[i] = v;
        }
    }
    if let Some(gc) = gc {
        s.gc_interval = gc;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sk_wmem_max_is_the_kernels() {
        // 256 packets of SKB_TRUESIZE(256) = 256 + 256 + 320 bytes.
        assert_eq!(SK_WMEM_MAX, 212_992);
        // NDTPA_QUEUE_LEN of the default: 101 packets of SKB_TRUESIZE(1514).
        assert_eq!(SK_WMEM_MAX as usize / skb_truesize(ETH_FRAME_LEN), 101);
    }

    #[test]
    fn names_match_with_or_without_their_nul() {
        assert!(nla_streq(b"arp_cache\0", "arp_cache"));
        assert!(nla_streq(b"arp_cache", "arp_cache"));
        assert!(!nla_streq(b"arp_cach", "arp_cache"));
        assert!(!nla_streq(b"arp_cache\0\0", "arp_cache"));
    }

    #[test]
    fn msecs_round_up_to_jiffies_and_negative_ints_saturate() {
        // HZ 250: 5 ms is 2 jiffies, read back as 8 ms.
        let j = msecs_to_jiffies_checked(250, 5);
        assert_eq!(j, 2);
        assert_eq!(jiffies_to_msecs(250, j), 8);
        assert_eq!(
            msecs_to_jiffies_checked(250, 0x8000_0000),
            crate::timer::MAX_JIFFY_OFFSET
        );
    }
}
