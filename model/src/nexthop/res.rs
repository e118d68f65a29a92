//! Resilient nexthop groups (`net/ipv4/nexthop.c`'s `nh_res_*`): a group's fixed number of
//! buckets, each held by one member, shared out by weight (`nh_res_group_rebalance`) and
//! moved from overweight members to underweight ones (`nh_res_table_upkeep`); the group's
//! NHA_RES_GROUP; RTM_GETNEXTHOPBUCKET get and dump.
//!
//! A bucket moves only once idle: used by no packet for the idle timer, or never used since it
//! last moved. The model forwards nothing, so every bucket is idle and an upkeep always ends
//! balanced: the delayed upkeep (`nh_res_table_upkeep_dw`), and with it the RTM_NEWNEXTHOPBUCKET
//! notifications only it sends, never runs. A table left unbalanced would need it, and answers
//! `unimplemented`.

use crate::af_netlink::dump::nl_dump_check_consistent;
use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{unimplemented, Errno, SysError, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_parse_nested, nlmsg_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::skbuff::SkBuff;
use crate::timer::jiffies_to_clock_t;
use crate::uapi::netlink::{NLMSG_HDRLEN, NLM_F_MULTI};
use crate::uapi::rtnetlink::RTM_NEWNEXTHOPBUCKET;
use nltwin_wire::nhmsg;
use nltwin_wire::uapi::nexthop::*;

use super::{attr, einval, err_with, get_u32, nh_dump_filtered, nhs, NhDumpFilter, NhKind};

/// `NH_RES_DEFAULT_IDLE_TIMER`: 120 s, in jiffies at `hz`.
pub(super) fn nh_res_default_idle_timer(hz: u32) -> u64 {
    120 * u64::from(hz)
}

/// One bucket (`struct nh_res_bucket`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NhResBucket {
    /// `nh_entry`'s member id, meaningful while `occupied`.
    pub nh_id: u32,
    /// `occupied`.
    pub occupied: bool,
    /// `used_time`, jiffies.
    pub used_time: u64,
    /// `migrated_time`, jiffies.
    pub migrated_time: u64,
    /// `nh_flags` (offload and trap bits a driver sets: none in the model).
    pub nh_flags: u8,
}

/// A resilient group's table (`struct nh_res_table`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NhResTable {
    /// `num_nh_buckets`.
    pub num_nh_buckets: u16,
    /// `idle_timer`, jiffies.
    pub idle_timer: u64,
    /// `unbalanced_timer`, jiffies (0: never force).
    pub unbalanced_timer: u64,
    /// `unbalanced_since`, jiffies.
    pub unbalanced_since: u64,
    /// `nh_buckets`.
    pub buckets: Vec<NhResBucket>,
    /// Each member's `res.wants_buckets`, by member id.
    pub wants: Vec<(u32, u16)>,
    /// `uw_nh_entries`: the underweight members, the list's head first.
    pub uw: Vec<u32>,
}

impl NhResTable {
    /// `nexthop_res_table_alloc`: `n` unoccupied buckets.
    pub(super) fn alloc(n: u16, idle_timer: u64, unbalanced_timer: u64) -> NhResTable {
        NhResTable {
            num_nh_buckets: n,
            idle_timer,
            unbalanced_timer,
            unbalanced_since: 0,
            buckets: vec![
                NhResBucket {
                    nh_id: 0,
                    occupied: false,
                    used_time: 0,
                    migrated_time: 0,
                    nh_flags: 0,
                };
                usize::from(n)
            ],
            wants: Vec::new(),
            uw: Vec::new(),
        }
    }

    /// `res.count_buckets` of the member `id`.
    fn count(&self, id: u32) -> u16 {
        self.buckets
            .iter()
            .filter(|b| b.occupied && b.nh_id == id)
            .count() as u16
    }

    fn wants_of(&self, id: u32) -> u16 {
        self.wants.iter().find(|w| w.0 == id).map_or(0, |w| w.1)
    }

    /// `nh_res_table_is_balanced`.
    fn is_balanced(&self) -> bool {
        self.uw.is_empty()
    }

    /// `nh_res_table_migrate_buckets`: buckets follow their member into the group's new
    /// entries; a bucket whose member left is unoccupied.
    fn migrate_buckets(&mut self, entries: &[(u32, u32)]) {
        for b in &mut self.buckets {
            if !entries.iter().any(|e| e.0 == b.nh_id) {
                b.occupied = false;
            }
        }
    }

    /// `nh_res_group_rebalance`: each member wants its weight's share of the buckets (the
    /// running sums rounded to the closest); the underweight ones are listed, the last one
    /// first, and the table is unbalanced from now if it was not.
    fn rebalance(&mut self, entries: &[(u32, u32)], now: u64) {
        self.uw.clear();
        self.wants.clear();
        let total: u64 = entries.iter().map(|e| u64::from(e.1)).sum();
        let mut w = 0u64;
        let mut prev = 0u16;
        for &(id, weight) in entries {
            w += u64::from(weight);
            let btw = u64::from(self.num_nh_buckets) * w;
            let upper = ((btw + total / 2) / total) as u16;
            let wants = upper.wrapping_sub(prev);
            prev = upper;
            self.wants.push((id, wants));
            if self.count(id) < wants {
                if self.uw.is_empty() {
                    self.unbalanced_since = now;
                }
                self.uw.insert(0, id);
            }
        }
    }

    /// `nh_res_bucket_should_migrate`: an unoccupied bucket must move; one of an overweight
    /// member may once idle (never used since it moved: idle now).
    fn should_migrate(&self, i: usize) -> bool {
        let b = &self.buckets[i];
        if !b.occupied {
            return true;
        }
        let count = self.count(b.nh_id);
        if count <= self.wants_of(b.nh_id) {
            return false;
        }
        // nh_res_bucket_idle_point: the model's buckets carry no traffic, so used_time is
        // migrated_time and the idle point is now.
        b.used_time == b.migrated_time
    }

    /// `nh_res_bucket_migrate`: the bucket goes to the first underweight member, idle from
    /// now; a member that has its share leaves the list.
    fn migrate(&mut self, i: usize, now: u64) {
        let Some(&to) = self.uw.first() else {
            return;
        };
        let b = &mut self.buckets[i];
        b.nh_id = to;
        b.occupied = true;
        b.used_time = now;
        b.migrated_time = now;
        if self.count(to) == self.wants_of(to) {
            self.uw.remove(0);
        }
    }

    /// `nh_res_table_upkeep`: every bucket that should move moves, in index order. The bucket
    /// notifications it may send are the delayed upkeep's only, which the model never needs.
    fn upkeep(&mut self, now: u64) -> SysResult<()> {
        for i in 0..self.buckets.len() {
            if self.should_migrate(i) {
                self.migrate(i, now);
            }
        }
        if !self.is_balanced() {
            return Err(unimplemented(
                "a resilient nexthop group left unbalanced (nh_res_table_upkeep_dw: buckets \
                 busy with traffic)",
            ));
        }
        Ok(())
    }

    /// `nh_res_table_unbalanced_time`, in clock ticks.
    fn unbalanced_time(&self, hz: u32, now: u64) -> u64 {
        if self.is_balanced() {
            return 0;
        }
        jiffies_to_clock_t(hz, now.saturating_sub(self.unbalanced_since))
    }
}

/// A new group's table shared out and filled (`insert_nexthop`: `nh_res_group_rebalance`, then
/// an upkeep without notifications).
pub(super) fn nh_res_table_insert(
    t: &mut NhResTable,
    entries: &[(u32, u32)],
    now: u64,
) -> SysResult<()> {
    t.rebalance(entries, now);
    t.upkeep(now)
}

/// `replace_nexthop_grp_res`: the table follows the group's new entries (its buckets first,
/// then the shares), keeping the time it has been unbalanced since if it stays so, and moves
/// the buckets it can.
pub(super) fn replace_nexthop_grp_res(
    t: &mut NhResTable,
    entries: &[(u32, u32)],
    now: u64,
) -> SysResult<()> {
    let prev_since = t.unbalanced_since;
    let prev_has_uw = !t.uw.is_empty();
    t.migrate_buckets(entries);
    t.rebalance(entries, now);
    if prev_has_uw && !t.uw.is_empty() {
        t.unbalanced_since = prev_since;
    }
    t.upkeep(now)
}

/// `nla_put_nh_group_res`: NHA_RES_GROUP with the bucket count, the timers and the time the
/// table has been unbalanced, in clock ticks.
pub(super) fn nla_put_nh_group_res(
    skb: &mut SkBuff,
    t: &NhResTable,
    hz: u32,
    now: u64,
) -> Result<(), Errno> {
    let nest = skb.nla_nest_start(NHA_RES_GROUP)?;
    skb.nla_put_u16(NHA_RES_GROUP_BUCKETS, t.num_nh_buckets)?;
    skb.nla_put_u32(
        NHA_RES_GROUP_IDLE_TIMER,
        jiffies_to_clock_t(hz, t.idle_timer) as u32,
    )?;
    skb.nla_put_u32(
        NHA_RES_GROUP_UNBALANCED_TIMER,
        jiffies_to_clock_t(hz, t.unbalanced_timer) as u32,
    )?;
    skb.nla_put_u64(NHA_RES_GROUP_UNBALANCED_TIME, t.unbalanced_time(hz, now))?;
    skb.nla_nest_end(nest);
    Ok(())
}

/// `nh_nlmsg_size_grp_res`.
pub(super) fn nh_nlmsg_size_grp_res() -> usize {
    let nla = |len: usize| crate::uapi::netlink::nla_align(4 + len);
    nla(0) + nla(2) + nla(4) + nla(4) + nla(8)
}

/// `rtm_nh_res_policy_new`.
fn rtm_nh_res_policy_new() -> Vec<NlaPolicy> {
    let mut p =
        vec![NlaPolicy::of(NlaType::Unspec); usize::from(NHA_RES_GROUP_UNBALANCED_TIMER) + 1];
    p[usize::from(NHA_RES_GROUP_BUCKETS)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(NHA_RES_GROUP_IDLE_TIMER)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_RES_GROUP_UNBALANCED_TIMER)] = NlaPolicy::of(NlaType::U32);
    p
}

/// What `rtm_to_nh_config_grp_res` reads.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ResConfig {
    pub num_buckets: u16,
    pub has_num_buckets: bool,
    pub idle_timer: u64,
    pub has_idle_timer: bool,
    pub unbalanced_timer: u64,
    pub has_unbalanced_timer: bool,
}

/// `rtm_to_nh_config_grp_res`: NHA_RES_GROUP parsed strictly: a nonzero bucket count, the
/// timers in clock ticks (as jiffies; a 32-bit value never overflows them on 64 bits), the
/// defaults (120 s idle, no unbalanced timer) for what is missing.
pub(super) fn rtm_to_nh_config_grp_res(
    k: &Kernel,
    msg: &[u8],
    tb: &Tb,
    extack: &mut NetlinkExtAck,
) -> SysResult<ResConfig> {
    let hz = k.timers.hz();
    let mut cfg = ResConfig {
        idle_timer: nh_res_default_idle_timer(hz),
        ..Default::default()
    };
    let Some(r) = tb.get(usize::from(NHA_RES_GROUP)).and_then(|r| r.clone()) else {
        return Ok(cfg);
    };
    let rt = nla_parse_nested(msg, r, &rtm_nh_res_policy_new(), extack)?;
    if let Some(b) = attr(msg, &rt, NHA_RES_GROUP_BUCKETS) {
        cfg.num_buckets = super::get_u16(b);
        cfg.has_num_buckets = true;
        if cfg.num_buckets == 0 {
            return Err(einval(extack, "Number of buckets needs to be non-0"));
        }
    }
    let to_jiffies = |b: &[u8]| crate::timer::clock_t_to_jiffies(hz, u64::from(get_u32(b)));
    if let Some(t) = attr(msg, &rt, NHA_RES_GROUP_IDLE_TIMER) {
        cfg.idle_timer = to_jiffies(t);
        cfg.has_idle_timer = true;
    }
    if let Some(t) = attr(msg, &rt, NHA_RES_GROUP_UNBALANCED_TIMER) {
        cfg.unbalanced_timer = to_jiffies(t);
        cfg.has_unbalanced_timer = true;
    }
    Ok(cfg)
}

// ---------------------------------------------------------------------------------------------
// RTM_GETNEXTHOPBUCKET
// ---------------------------------------------------------------------------------------------

/// `nh_fill_res_bucket`: a bucket's message: the group's id, then NHA_RES_BUCKET with its
/// index, its member and how long it has been idle (clock ticks).
#[allow(clippy::too_many_arguments)]
fn nh_fill_res_bucket(
    k: &Kernel,
    skb: &mut SkBuff,
    group_id: u32,
    protocol: u8,
    t: &NhResTable,
    index: u16,
    portid: u32,
    seq: u32,
    nlflags: u16,
) -> Result<(), Errno> {
    let b = &t.buckets[usize::from(index)];
    let mark = skb.len();
    let at = skb.nlmsg_put(portid, seq, RTM_NEWNEXTHOPBUCKET, nhmsg::LEN, nlflags)?;
    let hdr = nhmsg::Repr {
        family: 0,
        scope: 0,
        protocol,
        resvd: 0,
        flags: u32::from(b.nh_flags),
    };
    skb.nlmsg_data_mut(at)[..nhmsg::LEN].copy_from_slice(&hdr.to_bytes());
    let now = k.jiffies();
    let r = (|| -> Result<(), Errno> {
        skb.nla_put_u32(NHA_ID, group_id)?;
        let nest = skb.nla_nest_start(NHA_RES_BUCKET)?;
        skb.nla_put_u16(NHA_RES_BUCKET_INDEX, index)?;
        skb.nla_put_u32(NHA_RES_BUCKET_NH_ID, b.nh_id)?;
        let idle = jiffies_to_clock_t(k.timers.hz(), now.saturating_sub(b.used_time));
        skb.nla_put_u64(NHA_RES_BUCKET_IDLE_TIME, idle)?;
        skb.nla_nest_end(nest);
        Ok(())
    })();
    if let Err(e) = r {
        skb.trim(mark);
        return Err(e);
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// `nexthop_find_group_resilient`: the id must name a resilient group.
fn nexthop_find_group_resilient(
    k: &Kernel,
    net: NetId,
    id: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<(u8, NhResTable)> {
    let Some(nh) = nhs(k, net).nexthops.get(&id) else {
        return Err(Errno::ENOENT.into());
    };
    let NhKind::Group(g) = &nh.kind else {
        return Err(einval(extack, "Not a nexthop group"));
    };
    let Some(t) = &g.res else {
        return Err(einval(extack, "Nexthop group not of type resilient"));
    };
    Ok((nh.protocol, t.clone()))
}

/// `rtm_nh_policy_get_bucket` and its nest's `rtm_nh_res_bucket_policy_get`.
fn rtm_nh_policy_get_bucket() -> (Vec<NlaPolicy>, Vec<NlaPolicy>) {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NHA_RES_BUCKET) + 1];
    p[usize::from(NHA_ID)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_RES_BUCKET)] = NlaPolicy::of(NlaType::Nested);
    let mut n = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NHA_RES_BUCKET_INDEX) + 1];
    n[usize::from(NHA_RES_BUCKET_INDEX)] = NlaPolicy::of(NlaType::U16);
    (p, n)
}

/// `rtm_nh_policy_dump_bucket` and its nest's `rtm_nh_res_bucket_policy_dump`.
fn rtm_nh_policy_dump_bucket() -> (Vec<NlaPolicy>, Vec<NlaPolicy>) {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NHA_RES_BUCKET) + 1];
    p[usize::from(NHA_ID)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_OIF)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_MASTER)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NHA_RES_BUCKET)] = NlaPolicy::of(NlaType::Nested);
    let mut n = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NHA_RES_BUCKET_NH_ID) + 1];
    n[usize::from(NHA_RES_BUCKET_NH_ID)] = NlaPolicy::of(NlaType::U32);
    (p, n)
}

/// `rtm_get_nexthop_bucket`: one bucket of a resilient group, in a message of its own.
pub(super) fn rtm_get_nexthop_bucket(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let (p, n) = rtm_nh_policy_get_bucket();
    let tb = nlmsg_parse(msg, nhmsg::LEN, &p, Validate::Strict, extack)?;
    let (id, _) = super::nh_valid_get_del_req(msg, &tb, extack)?;
    let Some(r) = tb.get(usize::from(NHA_RES_BUCKET)).and_then(|r| r.clone()) else {
        return Err(einval(extack, "Bucket information is missing"));
    };
    let rt = nla_parse_nested(msg, r, &n, extack)?;
    let Some(index) = attr(msg, &rt, NHA_RES_BUCKET_INDEX).map(super::get_u16) else {
        return Err(einval(extack, "Bucket index is missing"));
    };
    let (protocol, t) = nexthop_find_group_resilient(k, net, id, extack)?;
    if index >= t.num_nh_buckets {
        return Err(err_with(
            extack,
            "Bucket index out of bounds",
            Errno::ENOENT,
        ));
    }
    let mut reply = SkBuff::alloc_skb(crate::profile::NLMSG_GOODSIZE);
    nh_fill_res_bucket(
        k,
        &mut reply,
        id,
        protocol,
        &t,
        index,
        skb.cb.portid,
        nlh.seq(),
        0,
    )?;
    let ksk =
        k.net(net).kernel_sock[crate::uapi::netlink::NETLINK_ROUTE as usize].expect("rtnl socket");
    nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

/// `nh_valid_dump_nhid`: a given id must not be 0.
fn nh_valid_dump_nhid(b: Option<&[u8]>, extack: &mut NetlinkExtAck) -> Result<u32, Errno> {
    match b.map(get_u32) {
        Some(0) => {
            extack.msg = Some("Invalid nexthop id".into());
            Err(Errno::EINVAL)
        }
        Some(id) => Ok(id),
        None => Ok(0),
    }
}

/// `nh_valid_dump_bucket_req`: the request parsed strictly (its own errors without a
/// message: the kernel passes no ext-ack there), the group and member ids, then the dump
/// filters' checks.
fn nh_valid_dump_bucket_req(
    msg: &[u8],
    extack: &mut NetlinkExtAck,
) -> Result<(NhDumpFilter, u32, u32), Errno> {
    let (p, n) = rtm_nh_policy_dump_bucket();
    let mut silent = NetlinkExtAck::default();
    let tb = nlmsg_parse(msg, nhmsg::LEN, &p, Validate::Strict, &mut silent)?;
    let nh_id = nh_valid_dump_nhid(attr(msg, &tb, NHA_ID), extack)?;
    let mut res_nh_id = 0;
    if let Some(r) = tb.get(usize::from(NHA_RES_BUCKET)).and_then(|r| r.clone()) {
        let rt = nla_parse_nested(msg, r, &n, extack)?;
        res_nh_id = nh_valid_dump_nhid(attr(msg, &rt, NHA_RES_BUCKET_NH_ID), extack)?;
    }
    let f = super::__nh_valid_dump_req(msg, &tb, extack)?;
    Ok((f, nh_id, res_nh_id))
}

/// `rtm_dump_nexthop_bucket_nh`: the group's buckets from `args[1]` on whose member passes the
/// filters.
#[allow(clippy::too_many_arguments)]
fn rtm_dump_nexthop_bucket_nh(
    k: &Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    group_id: u32,
    protocol: u8,
    t: &NhResTable,
    filter: &NhDumpFilter,
    res_nh_id: u32,
    family: u8,
) -> i32 {
    let seq = cb.request().seq();
    let net = cb.net;
    let mut index = cb.args[1] as u16;
    while index < t.num_nh_buckets {
        let b = &t.buckets[usize::from(index)];
        let skip = match nhs(k, net).nexthops.get(&b.nh_id) {
            Some(member) => nh_dump_filtered(k, net, member, filter, family),
            None => true,
        } || res_nh_id != 0 && res_nh_id != b.nh_id;
        if !skip {
            cb.args[1] = i64::from(index);
            if let Err(e) = nh_fill_res_bucket(
                k,
                skb,
                group_id,
                protocol,
                t,
                index,
                cb.portid,
                seq,
                NLM_F_MULTI,
            ) {
                return e.as_neg();
            }
        }
        index += 1;
    }
    cb.args[1] = 0;
    0
}

/// `rtm_dump_nexthop_bucket`: the buckets of one resilient group (NHA_ID) or of every one in
/// id order, from where the last chunk stopped (`args[0]` the group, `args[1]` the bucket).
pub(super) fn rtm_dump_nexthop_bucket(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let msg = cb.nlh.clone();
    let mut extack = NetlinkExtAck::default();
    let (filter, nh_id, res_nh_id) = match nh_valid_dump_bucket_req(&msg, &mut extack) {
        Ok(v) => v,
        Err(e) => {
            cb.extack = extack;
            return Ok(e.as_neg());
        }
    };
    let family = msg[NLMSG_HDRLEN];
    let net = cb.net;
    let err = if nh_id != 0 {
        match nexthop_find_group_resilient(k, net, nh_id, &mut extack) {
            Ok((protocol, t)) => rtm_dump_nexthop_bucket_nh(
                k, skb, cb, nh_id, protocol, &t, &filter, res_nh_id, family,
            ),
            Err(SysError::Errno(e)) => {
                cb.extack = extack;
                return Ok(e.as_neg());
            }
            Err(e) => return Err(e),
        }
    } else {
        let s_idx = cb.args[0] as u32;
        let groups: Vec<(u32, u8, NhResTable)> = nhs(k, net)
            .nexthops
            .range(s_idx..)
            .map(|(&id, nh)| match &nh.kind {
                NhKind::Group(g) => (id, nh.protocol, g.res.clone()),
                NhKind::Single(_) => (id, nh.protocol, None),
            })
            .filter_map(|(id, p, t)| Some((id, p, t?)))
            .collect();
        let mut err = 0;
        for (id, protocol, t) in &groups {
            cb.args[0] = i64::from(*id);
            err = rtm_dump_nexthop_bucket_nh(
                k, skb, cb, *id, *protocol, t, &filter, res_nh_id, family,
            );
            if err != 0 {
                break;
            }
        }
        err
    };
    cb.seq = nhs(k, net).seq;
    if skb.is_empty() {
        cb.prev_seq = cb.seq;
    } else {
        nl_dump_check_consistent(cb, skb, 0);
    }
    Ok(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_shared_by_weight_the_last_underweight_member_first() {
        // Weights 1, 2, 1 over 8 buckets: the running sums 1/4, 3/4, 4/4 rounded give 2, 4, 2;
        // the underweight list is built head first, so member 3 fills the first buckets
        // (what 6.18.44 answers to nexthop_resilient_groups_and_buckets).
        let entries = [(1, 1), (2, 2), (3, 1)];
        let mut t = NhResTable::alloc(8, 12000, 0);
        nh_res_table_insert(&mut t, &entries, 5).unwrap();
        assert_eq!(t.wants, [(1, 2), (2, 4), (3, 2)]);
        let owners: Vec<u32> = t.buckets.iter().map(|b| b.nh_id).collect();
        assert_eq!(owners, [3, 3, 2, 2, 2, 2, 1, 1]);
        assert!(t.is_balanced() && t.buckets.iter().all(|b| b.migrated_time == 5));
        // New weights 1, 1, 2: member 3 keeps its buckets and takes two of member 2's idle
        // ones; member 1 keeps its own.
        replace_nexthop_grp_res(&mut t, &[(1, 1), (2, 1), (3, 2)], 9).unwrap();
        let owners: Vec<u32> = t.buckets.iter().map(|b| b.nh_id).collect();
        assert_eq!(owners, [3, 3, 3, 3, 2, 2, 1, 1]);
        // A member leaving: its buckets go to the others.
        replace_nexthop_grp_res(&mut t, &[(2, 1), (3, 2)], 10).unwrap();
        assert_eq!(t.count(1), 0);
        assert_eq!((t.count(2), t.count(3)), (3, 5));
    }
}
