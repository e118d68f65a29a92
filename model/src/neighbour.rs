//! Neighbour tables (`net/core/neighbour.c`): the entries of the ARP table (`crate::arp`) and
//! the NDISC table (`crate::ndisc`), RTM_NEWNEIGH, RTM_DELNEIGH and RTM_GETNEIGH (dump and get)
//! of PF_UNSPEC, the RTNLGRP_NEIGH notifications of `neigh_update` and of entries going, and
//! what device events do to entries (flushed when the device goes down or is unregistered,
//! on carrier loss, on an address or NOARP change). Entries come from requests and from the
//! modeled IPv6 traffic (`ip6_finish_output2` makes a NOARP entry per multicast destination).
//!
//! Not modeled, answering `unimplemented`: states kept by a timer (INCOMPLETE, REACHABLE,
//! DELAY, PROBE: `neigh_timer_handler` and its probes), NTF_USE and NTF_MANAGED (they resolve
//! the entry), proxy entries (`pneigh_*`; the proxy tables stay empty, so their dump is empty),
//! the neighbour tables' own messages (RTM_GETNEIGHTBL, RTM_SETNEIGHTBL), the GC, and the
//! PF_BRIDGE handlers (FDB entries) rtnetlink registers.
//!
//! Order: the kernel keeps entries in hash buckets keyed by a random value drawn at boot and
//! the device structure's address, so the order of a dump of several entries is not the same
//! from one boot to the next; the model keeps each namespace's entries newest first (the order
//! within one bucket, and the order of a device's list from the release that has one).

use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{unimplemented, Errno, SysError, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::profile::Feature;
use crate::rtnetlink::notify::rtnl_notify;
use crate::rtnetlink::{rtnl_register, RTNL_FLAG_UNMODELED};
use crate::skbuff::SkBuff;
use crate::uapi::neighbour::*;
use crate::uapi::netlink::{
    nla_align, nlmsg_align, NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL,
    NLM_F_MULTI, NLM_F_REPLACE,
};
use crate::uapi::rtnetlink::{
    RTM_DELNEIGH, RTM_GETNEIGH, RTM_GETNEIGHTBL, RTM_NEWNEIGH, RTM_SETNEIGHTBL, RTNLGRP_NEIGH,
};
use nltwin_wire::ndmsg;

/// `MAX_ADDR_LEN`.
const MAX_ADDR_LEN: usize = 32;
/// `NTF_EXT_SHIFT`: where NDA_FLAGS_EXT's bits sit in `neigh->flags`.
const NTF_EXT_SHIFT: u32 = 8;
/// `NTF_OLD_MASK`: the flags `ndm_flags` carries.
const NTF_OLD_MASK: u32 = 0xff;
/// `NTF_MANAGED` in `neigh->flags`.
const NTF_MANAGED: u32 = NTF_EXT_MANAGED << NTF_EXT_SHIFT;
/// `NTF_EXT_VALIDATED` in `neigh->flags`.
const NTF_EXT_VALIDATED: u32 = NTF_EXT_EXT_VALIDATED << NTF_EXT_SHIFT;

/// `NUD_VALID`: states with a usable link-layer address.
pub const NUD_VALID: u16 =
    NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;
/// `NUD_CONNECTED`: states that need no confirmation.
pub const NUD_CONNECTED: u16 = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;
/// `NUD_IN_TIMER`: states a timer moves on.
const NUD_IN_TIMER: u16 = NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE;

/// `NEIGH_UPDATE_F_OVERRIDE`.
const F_OVERRIDE: u32 = 1 << 0;
/// `NEIGH_UPDATE_F_WEAK_OVERRIDE`.
const F_WEAK_OVERRIDE: u32 = 1 << 1;
/// `NEIGH_UPDATE_F_OVERRIDE_ISROUTER`.
const F_OVERRIDE_ISROUTER: u32 = 1 << 2;
/// `NEIGH_UPDATE_F_USE`.
const F_USE: u32 = 1 << 3;
/// `NEIGH_UPDATE_F_MANAGED`.
const F_MANAGED: u32 = 1 << 4;
/// `NEIGH_UPDATE_F_EXT_LEARNED`.
const F_EXT_LEARNED: u32 = 1 << 5;
/// `NEIGH_UPDATE_F_ISROUTER`.
const F_ISROUTER: u32 = 1 << 6;
/// `NEIGH_UPDATE_F_ADMIN`.
const F_ADMIN: u32 = 1 << 7;

/// `RTN_UNICAST`.
pub const RTN_UNICAST: u8 = 1;
/// `RTN_LOCAL`.
pub const RTN_LOCAL: u8 = 2;
/// `RTN_BROADCAST`.
pub const RTN_BROADCAST: u8 = 3;
/// `RTN_MULTICAST`.
pub const RTN_MULTICAST: u8 = 5;

/// `NEIGH_VAR(parms, BASE_REACHABLE_TIME)` of both tables' defaults, in seconds (30 s): what
/// a new entry's `confirmed` is set back by twice.
const BASE_REACHABLE_TIME_SECS: u64 = 30;

/// One neighbour entry (`struct neighbour`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neighbour {
    /// `primary_key`: the network address (`key_len` bytes).
    pub key: Vec<u8>,
    /// `dev->ifindex`.
    pub ifindex: u32,
    /// `nud_state` (`NUD_*`).
    pub nud_state: u16,
    /// `flags`: NTF_* below NTF_EXT_SHIFT, NTF_EXT_* above.
    pub flags: u32,
    /// `type` (`RTN_*`).
    pub ntype: u8,
    /// `ha`: the link-layer address, `dev->addr_len` bytes.
    pub ha: Vec<u8>,
    /// `protocol`: who added it.
    pub protocol: u8,
    /// `used`, jiffies.
    pub used: u64,
    /// `confirmed`, jiffies.
    pub confirmed: u64,
    /// `updated`, jiffies.
    pub updated: u64,
    /// `probes`.
    pub probes: u32,
    /// `hh.hh_len != 0`: the cached link-layer header is built (the first send through
    /// `neigh_resolve_output` builds it; later sends bypass the resolution and its `used`).
    pub hh_cached: bool,
}

/// A namespace's entries of each table (`neigh_tables[t]->nht`, as far as this namespace
/// sees it), newest first.
#[derive(Clone, Debug, Default)]
pub struct NeighTables {
    /// Indexed by `NEIGH_ARP_TABLE`, `NEIGH_ND_TABLE`.
    pub(crate) tbl: [Vec<Neighbour>; NEIGH_NR_TABLES],
}

/// `NEIGH_ARP_TABLE`.
pub const NEIGH_ARP_TABLE: usize = 0;
/// `NEIGH_ND_TABLE`.
pub const NEIGH_ND_TABLE: usize = 1;
/// `NEIGH_NR_TABLES`.
pub const NEIGH_NR_TABLES: usize = 2;

/// A table's constructor (`tbl->constructor`): sets the new entry's type, state and address;
/// an errno refuses the entry.
pub type NeighConstructor = fn(&Kernel, NetId, &mut Neighbour) -> SysResult<()>;
/// `tbl->allow_add`.
pub type NeighAllowAdd = fn(&Kernel, NetId, u32, &mut NetlinkExtAck) -> bool;

/// A neighbour table (`struct neigh_table`) as far as its messages see it.
#[derive(Debug)]
pub struct NeighTable {
    /// Its slot in `neigh_tables`.
    pub index: usize,
    /// `family`.
    pub family: u8,
    /// `key_len`.
    pub key_len: usize,
    /// `constructor`.
    pub constructor: NeighConstructor,
    /// `allow_add`.
    pub allow_add: Option<NeighAllowAdd>,
}

/// `neigh_tables`, in slot order.
fn neigh_tables() -> [&'static NeighTable; NEIGH_NR_TABLES] {
    [&crate::arp::ARP_TBL, &crate::ndisc::ND_TBL]
}

/// `neigh_find_table`: the table of an address family.
fn neigh_find_table(family: u8) -> Option<&'static NeighTable> {
    neigh_tables().into_iter().find(|t| t.family == family)
}

/// The namespace's entries of `tbl`.
fn entries<'a>(k: &'a Kernel, net: NetId, tbl: &NeighTable) -> &'a Vec<Neighbour> {
    &k.net(net).neigh.tbl[tbl.index]
}

/// The namespace's entries of `tbl`, to change.
fn entries_mut<'a>(k: &'a mut Kernel, net: NetId, tbl: &NeighTable) -> &'a mut Vec<Neighbour> {
    &mut k.net_mut(net).neigh.tbl[tbl.index]
}

/// `neigh_lookup`: the entry for `key` on the device.
pub fn neigh_lookup(
    k: &Kernel,
    net: NetId,
    tbl: &NeighTable,
    key: &[u8],
    ifindex: u32,
) -> Option<usize> {
    entries(k, net, tbl)
        .iter()
        .position(|n| n.ifindex == ifindex && n.key == key)
}

/// `___neigh_create`: a new entry (`neigh_alloc`: NUD_NONE, used and updated now), set up by
/// the table's constructor, confirmed twice the base reachable time ago, put first; an entry
/// the constructor's key already names on the device is returned instead. The table never
/// fills up in the model (`gc_thresh3` is 1024 entries).
fn ___neigh_create(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    key: &[u8],
    ifindex: u32,
    flags: u32,
) -> SysResult<usize> {
    let now = k.jiffies();
    let mut n = Neighbour {
        key: key[..tbl.key_len].to_vec(),
        ifindex,
        nud_state: NUD_NONE,
        flags,
        ntype: 0,
        ha: vec![0; k.dev(net, ifindex).map_or(0, |d| d.addr.len())],
        protocol: 0,
        used: now,
        confirmed: 0,
        updated: now,
        probes: 0,
        hh_cached: false,
    };
    (tbl.constructor)(k, net, &mut n)?;
    let hz = u64::from(k.timers.hz());
    n.confirmed = now.wrapping_sub((BASE_REACHABLE_TIME_SECS * hz) << 1);
    if let Some(i) = neigh_lookup(k, net, tbl, &n.key, ifindex) {
        return Ok(i);
    }
    entries_mut(k, net, tbl).insert(0, n);
    Ok(0)
}

/// `neigh_update_flags`: an administrative update sets or clears NTF_EXT_LEARNED and
/// NTF_MANAGED (and, where the release has it, NTF_EXT_VALIDATED) as asked; a change is
/// notified.
fn neigh_update_flags(n: &mut Neighbour, flags: u32, notify: &mut bool) {
    if flags & F_ADMIN == 0 {
        return;
    }
    let mut ndm_flags = 0;
    if flags & F_EXT_LEARNED != 0 {
        ndm_flags |= u32::from(NTF_EXT_LEARNED);
    }
    if flags & F_MANAGED != 0 {
        ndm_flags |= NTF_MANAGED;
    }
    for bit in [u32::from(NTF_EXT_LEARNED), NTF_MANAGED] {
        if (n.flags ^ ndm_flags) & bit != 0 {
            n.flags = (n.flags & !bit) | (ndm_flags & bit);
            *notify = true;
        }
    }
}

/// `neigh_update_is_router`: NTF_ROUTER as the update says.
fn neigh_update_is_router(n: &mut Neighbour, flags: u32, notify: &mut bool) {
    let want = if flags & F_ISROUTER != 0 {
        u32::from(NTF_ROUTER)
    } else {
        0
    };
    if (n.flags ^ want) & u32::from(NTF_ROUTER) != 0 {
        n.flags = (n.flags & !u32::from(NTF_ROUTER)) | want;
        *notify = true;
    }
}

/// `__neigh_update`: the entry's new state and link-layer address under the update's flags;
/// a change of either is announced (`neigh_update_notify`) with `pid` as the message's
/// portid. Returns the kernel's result (0 or an errno); a state a timer would move on is not
/// modeled.
#[allow(clippy::too_many_arguments)]
fn __neigh_update(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    at: usize,
    lladdr: Option<&[u8]>,
    mut new: u16,
    flags: u32,
    pid: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<Result<(), Errno>> {
    let addr_len = k
        .dev(net, entries(k, net, tbl)[at].ifindex)
        .map_or(0, |d| d.addr.len());
    let now = k.jiffies();
    let hz = u64::from(k.timers.hz());
    let mut n = entries(k, net, tbl)[at].clone();
    let old = n.nud_state;
    let mut notify = false;
    let mut update_isrouter = false;
    let mut err = Err(Errno::EPERM);
    'out: {
        if flags & F_ADMIN == 0 && old & (NUD_NOARP | NUD_PERMANENT) != 0 {
            break 'out;
        }
        if flags & (F_USE | F_MANAGED) != 0 {
            return Err(unimplemented(
                "NTF_USE and NTF_MANAGED neighbour updates (the entry's resolution)",
            ));
        }
        neigh_update_flags(&mut n, flags, &mut notify);
        if new & NUD_VALID == 0 {
            n.nud_state = new;
            err = Ok(());
            notify = old & NUD_VALID != 0;
            if old & (NUD_INCOMPLETE | NUD_PROBE) != 0 && new & NUD_FAILED != 0 {
                notify = true;
            }
            break 'out;
        }
        if new & NUD_IN_TIMER != 0 {
            return Err(SysError::Unimplemented(crate::errno::Unimplemented::new(
                format!("neighbour state {new:#x}: states kept by a timer (neigh_timer_handler)"),
            )));
        }
        // The address to keep: the device's has none, the one proposed, or the one known.
        let ll: Vec<u8> = if addr_len == 0 {
            n.ha.clone()
        } else if let Some(l) = lladdr {
            l[..addr_len].to_vec()
        } else {
            if old & NUD_VALID == 0 {
                extack.msg = Some("No link layer address given".into());
                err = Err(Errno::EINVAL);
                break 'out;
            }
            n.ha.clone()
        };
        let same = old & NUD_VALID != 0 && ll == n.ha || addr_len == 0 || lladdr.is_none();
        if new & NUD_CONNECTED != 0 {
            n.confirmed = now;
        }
        err = Ok(());
        update_isrouter = flags & F_OVERRIDE_ISROUTER != 0;
        let mut ll_changes = !same;
        if old & NUD_VALID != 0 {
            if !same && flags & F_OVERRIDE == 0 {
                update_isrouter = false;
                if flags & F_WEAK_OVERRIDE != 0 && old & NUD_CONNECTED != 0 {
                    ll_changes = false;
                    new = NUD_STALE;
                } else {
                    break 'out;
                }
            } else if same && new == NUD_STALE && flags & F_ADMIN == 0 {
                new = old;
            }
        }
        if new != old || ll_changes {
            n.updated = now;
        }
        if new != old {
            if new & NUD_PROBE != 0 {
                n.probes = 0;
            }
            n.nud_state = new;
            notify = true;
        }
        if ll_changes {
            n.ha = ll;
            if new & NUD_CONNECTED == 0 {
                n.confirmed = now.wrapping_sub((BASE_REACHABLE_TIME_SECS * hz) << 1);
            }
            notify = true;
        }
    }
    if update_isrouter {
        neigh_update_is_router(&mut n, flags, &mut notify);
    }
    entries_mut(k, net, tbl)[at] = n;
    if notify {
        neigh_update_notify(k, net, tbl, at, pid)?;
    }
    Ok(err)
}

/// `neigh_nlmsg_size`: the room a neighbour message is allocated with.
fn neigh_nlmsg_size() -> usize {
    let nla = |len: usize| nla_align(4 + len);
    nlmsg_align(ndmsg::LEN)
        + nla(MAX_ADDR_LEN)
        + nla(MAX_ADDR_LEN)
        + nla(nda_cacheinfo::LEN)
        + nla(4)
        + nla(4)
        + nla(1)
}

/// `neigh_fill_info`: one entry's message; NDA_LLADDR only in a valid state, the ages in
/// NDA_CACHEINFO in USER_HZ ticks, the reference count less the caller's own (`refs` more
/// than the table's).
#[allow(clippy::too_many_arguments)]
fn neigh_fill_info(
    k: &Kernel,
    skb: &mut SkBuff,
    tbl: &NeighTable,
    n: &Neighbour,
    pid: u32,
    seq: u32,
    ty: u16,
    flags: u16,
    refs: u32,
) -> Result<(), Errno> {
    let mark = skb.len();
    let at = skb.nlmsg_put(pid, seq, ty, ndmsg::LEN, flags)?;
    let hdr = ndmsg::Repr {
        family: tbl.family,
        ifindex: n.ifindex as i32,
        state: n.nud_state,
        flags: (n.flags & NTF_OLD_MASK) as u8,
        ndm_type: n.ntype,
    };
    skb.nlmsg_data_mut(at)[..ndmsg::LEN].copy_from_slice(&hdr.to_bytes());
    let now = k.jiffies();
    let hz = k.timers.hz();
    let age = |t: u64| crate::timer::jiffies_to_clock_t(hz, now.wrapping_sub(t)) as u32;
    let flags_ext = n.flags >> NTF_EXT_SHIFT;
    let r = (|| {
        skb.nla_put(NDA_DST, &n.key)?;
        if n.nud_state & NUD_VALID != 0 {
            skb.nla_put(NDA_LLADDR, &n.ha)?;
        }
        skb.nla_put_u32(NDA_PROBES, n.probes)?;
        let ci = nda_cacheinfo::to_bytes(age(n.confirmed), age(n.used), age(n.updated), refs);
        skb.nla_put(NDA_CACHEINFO, &ci)?;
        if n.protocol != 0 {
            skb.nla_put_u8(NDA_PROTOCOL, n.protocol)?;
        }
        if flags_ext != 0 {
            skb.nla_put_u32(NDA_FLAGS_EXT, flags_ext)?;
        }
        Ok(())
    })();
    if let Err(e) = r {
        skb.trim(mark);
        return Err(e);
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// `__neigh_notify`: the entry's message of `ty` to RTNLGRP_NEIGH, `pid` in its header, with
/// the references held beyond the table's.
fn __neigh_notify(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    n: &Neighbour,
    ty: u16,
    pid: u32,
    refs: u32,
) -> SysResult<()> {
    let mut skb = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + neigh_nlmsg_size()));
    neigh_fill_info(k, &mut skb, tbl, n, pid, 0, ty, 0, refs)?;
    rtnl_notify(k, net, skb, RTNLGRP_NEIGH, None)
}

/// `neigh_update_notify`: RTM_NEWNEIGH (the netevent chain's listeners are drivers the model
/// does not have); the requests that update an entry hold a reference to it meanwhile.
fn neigh_update_notify(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    at: usize,
    pid: u32,
) -> SysResult<()> {
    let n = entries(k, net, tbl)[at].clone();
    __neigh_notify(k, net, tbl, &n, RTM_NEWNEIGH, pid, 1)
}

/// `neigh_cleanup_and_release`: an entry taken out of its table is announced RTM_DELNEIGH.
fn neigh_cleanup_and_release(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    n: &Neighbour,
) -> SysResult<()> {
    __neigh_notify(k, net, tbl, n, RTM_DELNEIGH, 0, 0)
}

/// `neigh_flush_dev`: every entry of the device leaves the table and is announced (with
/// `skip_perm`, permanent entries stay, and from the release that has them externally
/// validated ones too).
fn neigh_flush_dev(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    ifindex: u32,
    skip_perm: bool,
) -> SysResult<()> {
    let validated = k.has(Feature::NeighExtValidated);
    let keep = |n: &Neighbour| {
        n.ifindex != ifindex
            || skip_perm
                && (n.nud_state & NUD_PERMANENT != 0
                    || validated && n.flags & NTF_EXT_VALIDATED != 0)
    };
    let all = std::mem::take(entries_mut(k, net, tbl));
    let (kept, gone): (Vec<Neighbour>, Vec<Neighbour>) = all.into_iter().partition(keep);
    *entries_mut(k, net, tbl) = kept;
    for n in &gone {
        neigh_cleanup_and_release(k, net, tbl, n)?;
    }
    Ok(())
}

/// `neigh_changeaddr`: the device's link-layer address (or NOARP) changed: its entries go.
pub fn neigh_changeaddr(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    ifindex: u32,
) -> SysResult<()> {
    neigh_flush_dev(k, net, tbl, ifindex, false)
}

/// `neigh_ifdown`: the device goes down or away: its entries go (its proxy entries too, of
/// which the model has none).
pub fn neigh_ifdown(k: &mut Kernel, net: NetId, tbl: &NeighTable, ifindex: u32) -> SysResult<()> {
    neigh_flush_dev(k, net, tbl, ifindex, false)
}

/// `neigh_carrier_down`: the device lost its carrier: its entries but the permanent ones go.
pub fn neigh_carrier_down(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    ifindex: u32,
) -> SysResult<()> {
    neigh_flush_dev(k, net, tbl, ifindex, true)
}

/// The output path's use of the entry for a destination (`__ipv6_neigh_lookup_noref`, else
/// `__neigh_create`, then `neigh_output`): the first send through the resolving output marks
/// the entry used and builds the cached header; an entry that would need resolving is not
/// modeled.
pub fn neigh_output(
    k: &mut Kernel,
    net: NetId,
    tbl: &NeighTable,
    ifindex: u32,
    key: &[u8],
) -> SysResult<()> {
    let at = match neigh_lookup(k, net, tbl, key, ifindex) {
        Some(i) => i,
        None => ___neigh_create(k, net, tbl, key, ifindex, 0)?,
    };
    let now = k.jiffies();
    let n = &mut entries_mut(k, net, tbl)[at];
    if n.hh_cached {
        return Ok(());
    }
    if n.nud_state & NUD_CONNECTED == 0 {
        return Err(unimplemented(
            "a packet through a neighbour entry that needs resolving (neigh_event_send)",
        ));
    }
    n.used = now;
    n.hh_cached = true;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// RTM_NEWNEIGH, RTM_DELNEIGH
// ---------------------------------------------------------------------------------------------

/// `nda_policy`, with NDA_FLAGS_EXT's mask of the release.
fn nda_policy(k: &Kernel) -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); usize::from(NDA_NDM_FLAGS_MASK) + 1];
    p[0] = NlaPolicy::strict_start(NDA_NH_ID);
    p[usize::from(NDA_DST)] = NlaPolicy::with_len(NlaType::Binary, MAX_ADDR_LEN as u16);
    p[usize::from(NDA_LLADDR)] = NlaPolicy::with_len(NlaType::Binary, MAX_ADDR_LEN as u16);
    p[usize::from(NDA_CACHEINFO)] = NlaPolicy::with_len(NlaType::Unspec, nda_cacheinfo::LEN as u16);
    p[usize::from(NDA_PROBES)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NDA_VLAN)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(NDA_PORT)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(NDA_VNI)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NDA_IFINDEX)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NDA_MASTER)] = NlaPolicy::of(NlaType::U32);
    p[usize::from(NDA_PROTOCOL)] = NlaPolicy::of(NlaType::U8);
    p[usize::from(NDA_NH_ID)] = NlaPolicy::of(NlaType::U32);
    let mut mask = NTF_EXT_MANAGED;
    if k.has(Feature::NeighExtValidated) {
        mask |= NTF_EXT_EXT_VALIDATED;
    }
    p[usize::from(NDA_FLAGS_EXT)] = NlaPolicy::mask(NlaType::U32, u64::from(mask));
    p[usize::from(NDA_FDB_EXT_ATTRS)] = NlaPolicy::of(NlaType::Nested);
    p
}

/// The payload of a parsed attribute.
fn attr<'a>(msg: &'a [u8], tb: &Tb, ty: u16) -> Option<&'a [u8]> {
    tb.get(usize::from(ty))?.as_ref().map(|r| &msg[r.clone()])
}

/// `nlmsg_parse_deprecated` (or `_strict`) after an `ndmsg`: EINVAL with its message when the
/// message is shorter than the header (a message that stays in the ext-ack of a dump that
/// ignores the error).
fn parse_ndmsg(
    k: &Kernel,
    msg: &[u8],
    validate: Validate,
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    if msg.len() < NLMSG_HDRLEN + ndmsg::LEN {
        extack.msg = Some("Invalid header length".into());
        return Err(Errno::EINVAL);
    }
    nla_parse(
        msg,
        NLMSG_HDRLEN + ndmsg::LEN,
        msg.len(),
        &nda_policy(k),
        validate,
        extack,
    )
}

/// `neigh_add`: RTM_NEWNEIGH. The entry for NDA_DST on the device is created (with
/// NLM_F_CREATE) or updated (not with NLM_F_EXCL; its address and router flag kept unless
/// NLM_F_REPLACE), then set to `ndm_state` by an administrative `neigh_update`.
pub fn neigh_add(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = req.bytes();
    let mut flags = F_ADMIN | F_OVERRIDE | F_OVERRIDE_ISROUTER;
    let tb = parse_ndmsg(k, msg, Validate::Liberal, extack)?;
    let Some(dst) = attr(msg, &tb, NDA_DST) else {
        return Err(einval(extack, "Network address not specified"));
    };
    let ndm = ndmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    let mut ndm_flags = u32::from(ndm.flags);
    if let Some(ext) = attr(msg, &tb, NDA_FLAGS_EXT) {
        ndm_flags |= get_u32(ext) << NTF_EXT_SHIFT;
    }
    let lladdr = attr(msg, &tb, NDA_LLADDR);
    let mut dev = None;
    if ndm.ifindex != 0 {
        let Some(d) = k.dev(net, ndm.ifindex as u32) else {
            return Err(Errno::ENODEV.into());
        };
        if lladdr.is_some_and(|l| l.len() < d.addr.len()) {
            return Err(einval(extack, "Invalid link address"));
        }
        dev = Some(d.ifindex);
    }
    let Some(tbl) = neigh_find_table(ndm.family) else {
        return Err(Errno::EAFNOSUPPORT.into());
    };
    if dst.len() < tbl.key_len {
        return Err(einval(extack, "Invalid network address"));
    }
    let protocol = attr(msg, &tb, NDA_PROTOCOL).map_or(0, |b| b.first().copied().unwrap_or(0));
    let validated = k.has(Feature::NeighExtValidated) && ndm_flags & NTF_EXT_VALIDATED != 0;
    if ndm_flags & u32::from(NTF_PROXY) != 0 {
        let bad = NTF_MANAGED | if validated { NTF_EXT_VALIDATED } else { 0 };
        if ndm_flags & bad != 0 {
            return Err(einval(extack, "Invalid NTF_* flag combination"));
        }
        return Err(unimplemented("proxy neighbour entries (pneigh_create)"));
    }
    let Some(ifindex) = dev else {
        return Err(einval(extack, "Device not specified"));
    };
    if let Some(allow) = tbl.allow_add {
        if !allow(k, net, ifindex, extack) {
            return Err(Errno::EINVAL.into());
        }
    }
    if validated {
        return Err(unimplemented("NTF_EXT_VALIDATED neighbour entries"));
    }
    let state = ndm.state & 0xff;
    let at = match neigh_lookup(k, net, tbl, &dst[..tbl.key_len], ifindex) {
        None => {
            if req.flags() & NLM_F_CREATE == 0 {
                return Err(Errno::ENOENT.into());
            }
            let permanent = state & NUD_PERMANENT != 0;
            if permanent && ndm_flags & NTF_MANAGED != 0 {
                return Err(einval(extack, "Invalid NTF_* flag for permanent entry"));
            }
            resolving_unmodeled(ndm_flags)?;
            ___neigh_create(
                k,
                net,
                tbl,
                &dst[..tbl.key_len],
                ifindex,
                ndm_flags & (u32::from(NTF_EXT_LEARNED) | NTF_MANAGED),
            )?
        }
        Some(at) => {
            if req.flags() & NLM_F_EXCL != 0 {
                return Err(Errno::EEXIST.into());
            }
            resolving_unmodeled(ndm_flags)?;
            if req.flags() & NLM_F_REPLACE == 0 {
                flags &= !(F_OVERRIDE | F_OVERRIDE_ISROUTER);
            }
            at
        }
    };
    if protocol != 0 {
        entries_mut(k, net, tbl)[at].protocol = protocol;
    }
    if ndm_flags & u32::from(NTF_EXT_LEARNED) != 0 {
        flags |= F_EXT_LEARNED;
    }
    if ndm_flags & u32::from(NTF_ROUTER) != 0 {
        flags |= F_ISROUTER;
    }
    if ndm_flags & NTF_MANAGED != 0 {
        flags |= F_MANAGED;
    }
    if ndm_flags & u32::from(NTF_USE) != 0 {
        flags |= F_USE;
    }
    let portid = skb.cb.portid;
    __neigh_update(k, net, tbl, at, lladdr, state, flags, portid, extack)?.map_err(SysError::from)
}

/// NTF_USE and NTF_MANAGED resolve the entry (`neigh_event_send`), which is not modeled.
fn resolving_unmodeled(ndm_flags: u32) -> SysResult<()> {
    if ndm_flags & (u32::from(NTF_USE) | NTF_MANAGED) != 0 {
        return Err(unimplemented(
            "NTF_USE and NTF_MANAGED neighbour requests (they resolve the entry)",
        ));
    }
    Ok(())
}

/// `neigh_delete`: RTM_DELNEIGH. The entry is failed by an administrative update (announced
/// when it was valid), then leaves the table (announced RTM_DELNEIGH).
pub fn neigh_delete(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = req.bytes();
    if msg.len() < NLMSG_HDRLEN + ndmsg::LEN {
        return Err(Errno::EINVAL.into());
    }
    let dst = nltwin_wire::nla::Attrs::new(&msg[NLMSG_HDRLEN + ndmsg::LEN..])
        .find(NDA_DST)
        .map(|a| a.payload().to_vec());
    let Some(dst) = dst else {
        return Err(einval(extack, "Network address not specified"));
    };
    let ndm = ndmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    let mut dev = None;
    if ndm.ifindex != 0 {
        let Some(d) = k.dev(net, ndm.ifindex as u32) else {
            return Err(Errno::ENODEV.into());
        };
        dev = Some(d.ifindex);
    }
    let Some(tbl) = neigh_find_table(ndm.family) else {
        return Err(Errno::EAFNOSUPPORT.into());
    };
    if dst.len() < tbl.key_len {
        return Err(einval(extack, "Invalid network address"));
    }
    if ndm.flags & NTF_PROXY != 0 {
        // pneigh_delete: the model's proxy tables are empty.
        return Err(Errno::ENOENT.into());
    }
    let Some(ifindex) = dev else {
        return Err(Errno::EINVAL.into());
    };
    let Some(at) = neigh_lookup(k, net, tbl, &dst[..tbl.key_len], ifindex) else {
        return Err(Errno::ENOENT.into());
    };
    let err = __neigh_update(
        k,
        net,
        tbl,
        at,
        None,
        NUD_FAILED,
        F_OVERRIDE | F_ADMIN,
        skb.cb.portid,
        extack,
    )?;
    let n = entries_mut(k, net, tbl).remove(at);
    neigh_cleanup_and_release(k, net, tbl, &n)?;
    err.map_err(SysError::from)
}

/// EINVAL with an ext-ack message.
fn einval(extack: &mut NetlinkExtAck, msg: &str) -> SysError {
    extack.msg = Some(msg.into());
    Errno::EINVAL.into()
}

/// `nla_get_u32`.
fn get_u32(b: &[u8]) -> u32 {
    nltwin_wire::scalar::get_u32(b).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// RTM_GETNEIGH
// ---------------------------------------------------------------------------------------------

/// `struct neigh_dump_filter`.
#[derive(Clone, Copy, Debug, Default)]
struct NeighDumpFilter {
    master_idx: i32,
    dev_idx: i32,
}

/// `neigh_valid_dump_req`: a strict request has a clean header (only NTF_PROXY among the
/// flags) and no attribute but NDA_IFINDEX and NDA_MASTER, the filters.
fn neigh_valid_dump_req(
    k: &Kernel,
    msg: &[u8],
    strict: bool,
    filter: &mut NeighDumpFilter,
    extack: &mut NetlinkExtAck,
) -> Result<(), Errno> {
    let tb = if strict {
        let Ok(ndm) = ndmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN.min(msg.len())..]) else {
            extack.msg = Some("Invalid header for neighbor dump request".into());
            return Err(Errno::EINVAL);
        };
        let pads = msg[NLMSG_HDRLEN + 1] != 0 || msg[NLMSG_HDRLEN + 2..NLMSG_HDRLEN + 4] != [0, 0];
        if pads || ndm.ifindex != 0 || ndm.state != 0 || ndm.ndm_type != 0 {
            extack.msg = Some("Invalid values in header for neighbor dump request".into());
            return Err(Errno::EINVAL);
        }
        if ndm.flags & !NTF_PROXY != 0 {
            extack.msg = Some("Invalid flags in header for neighbor dump request".into());
            return Err(Errno::EINVAL);
        }
        parse_ndmsg(k, msg, Validate::DeprecatedStrict, extack)?
    } else {
        parse_ndmsg(k, msg, Validate::Liberal, extack)?
    };
    for (i, r) in tb.iter().enumerate() {
        let Some(r) = r else { continue };
        match i as u16 {
            NDA_IFINDEX => filter.dev_idx = get_u32(&msg[r.clone()]) as i32,
            NDA_MASTER => filter.master_idx = get_u32(&msg[r.clone()]) as i32,
            _ if strict => {
                extack.msg = Some("Unsupported attribute in neighbor dump request".into());
                return Err(Errno::EINVAL);
            }
            _ => {}
        }
    }
    Ok(())
}

/// `neigh_master_filtered`: -1 keeps the devices without a master, another index the
/// devices under it.
fn neigh_master_filtered(k: &Kernel, net: NetId, ifindex: u32, master_idx: i32) -> bool {
    if master_idx == 0 {
        return false;
    }
    let master = k.dev(net, ifindex).and_then(|d| d.master);
    if master_idx == -1 {
        return master.is_some();
    }
    master != Some(master_idx as u32)
}

/// `neigh_dump_table`: the namespace's entries of `tbl` from `cb->args[2]` on.
fn neigh_dump_table(
    k: &Kernel,
    tbl: &NeighTable,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    filter: NeighDumpFilter,
) -> i32 {
    let mut flags = NLM_F_MULTI;
    if filter.dev_idx != 0 || filter.master_idx != 0 {
        flags |= NLM_F_DUMP_FILTERED;
    }
    let s_idx = cb.args[2] as usize;
    let seq = cb.request().seq();
    let mut err = 0;
    let list = entries(k, cb.net, tbl);
    let mut idx = 0;
    while idx < list.len() {
        let n = &list[idx];
        let skip = idx < s_idx
            || filter.dev_idx != 0 && n.ifindex != filter.dev_idx as u32
            || neigh_master_filtered(k, cb.net, n.ifindex, filter.master_idx);
        if !skip {
            if let Err(e) = neigh_fill_info(k, skb, tbl, n, cb.portid, seq, RTM_NEWNEIGH, flags, 0)
            {
                err = e.as_neg();
                break;
            }
        }
        idx += 1;
    }
    cb.args[1] = 0;
    cb.args[2] = idx as i64;
    err
}

/// `neigh_dump_info`: each table of the request's family (all for AF_UNSPEC) in slot order;
/// `ndm_flags` of exactly NTF_PROXY dumps the proxy entries instead, of which the model has
/// none.
pub fn neigh_dump_info(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let msg = cb.nlh.clone();
    let family = msg.get(NLMSG_HDRLEN).copied().unwrap_or(0);
    let proxy = msg.len() >= NLMSG_HDRLEN + ndmsg::LEN && msg[NLMSG_HDRLEN + 10] == NTF_PROXY;
    let mut filter = NeighDumpFilter::default();
    let mut extack = NetlinkExtAck::default();
    let r = neigh_valid_dump_req(k, &msg, cb.strict_check, &mut filter, &mut extack);
    // The checks write to the dump's ext-ack even when the error is ignored (a request of a
    // bare rtgenmsg ends with "Invalid header length" in its NLMSG_DONE).
    if extack.msg.is_some() {
        cb.extack = extack;
    }
    if let Err(e) = r {
        if cb.strict_check {
            return Ok(e.as_neg());
        }
    }
    let s_t = cb.args[0] as usize;
    let mut err = 0;
    let mut t = 0;
    while t < NEIGH_NR_TABLES {
        let tbl = neigh_tables()[t];
        if t < s_t || family != 0 && tbl.family != family {
            t += 1;
            continue;
        }
        if t > s_t {
            for a in &mut cb.args[1..] {
                *a = 0;
            }
        }
        if !proxy {
            err = neigh_dump_table(k, tbl, skb, cb, filter);
        } else {
            cb.args[3] = 0;
            cb.args[4] = 0;
        }
        if err < 0 {
            break;
        }
        t += 1;
    }
    cb.args[0] = t as i64;
    // Before the RCU dumps, the length written (NLMSG_DONE then comes alone).
    if !k.has(Feature::NeighDumpReturnsError) {
        return Ok(skb.len() as i32);
    }
    Ok(err)
}

/// `neigh_valid_get_req`: a get request has a clean header (only NTF_PROXY among the flags),
/// NDA_DST of the table's length and nothing else; from the release that checks them first,
/// a device unless NTF_PROXY, and NDA_DST present (reported as missing).
fn neigh_valid_get_req(
    k: &Kernel,
    msg: &[u8],
    extack: &mut NetlinkExtAck,
) -> Result<(ndmsg::Repr, Tb), Errno> {
    let early = k.has(Feature::NeighGetEarlyChecks);
    let Ok(ndm) = ndmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN.min(msg.len())..]) else {
        extack.msg = Some("Invalid header for neighbor get request".into());
        return Err(Errno::EINVAL);
    };
    let pads = msg[NLMSG_HDRLEN + 1] != 0 || msg[NLMSG_HDRLEN + 2..NLMSG_HDRLEN + 4] != [0, 0];
    if pads || ndm.state != 0 || ndm.ndm_type != 0 {
        extack.msg = Some("Invalid values in header for neighbor get request".into());
        return Err(Errno::EINVAL);
    }
    if ndm.flags & !NTF_PROXY != 0 {
        extack.msg = Some("Invalid flags in header for neighbor get request".into());
        return Err(Errno::EINVAL);
    }
    if early && ndm.flags & NTF_PROXY == 0 && ndm.ifindex == 0 {
        extack.msg = Some("No device specified".into());
        return Err(Errno::EINVAL);
    }
    let tb = parse_ndmsg(k, msg, Validate::DeprecatedStrict, extack)?;
    if !early {
        let Some(tbl) = neigh_find_table(ndm.family) else {
            extack.msg = Some("Unsupported family in header for neighbor get request".into());
            return Err(Errno::EAFNOSUPPORT);
        };
        for (i, r) in tb.iter().enumerate() {
            let Some(r) = r else { continue };
            if i as u16 == NDA_DST {
                if r.len() != tbl.key_len {
                    extack.msg = Some("Invalid network address in neighbor get request".into());
                    return Err(Errno::EINVAL);
                }
            } else {
                extack.msg = Some("Unsupported attribute in neighbor get request".into());
                return Err(Errno::EINVAL);
            }
        }
        return Ok((ndm, tb));
    }
    for (i, r) in tb.iter().enumerate() {
        if i as u16 == NDA_DST {
            if r.is_none() {
                extack.miss_type = NDA_DST;
                return Err(Errno::EINVAL);
            }
        } else if r.is_some() {
            extack.msg = Some("Unsupported attribute in neighbor get request".into());
            return Err(Errno::EINVAL);
        }
    }
    Ok((ndm, tb))
}

/// `neigh_get`: the entry for NDA_DST on the device, in a message of its own; the lookup's
/// reference shows in its count.
pub fn neigh_get(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = req.bytes();
    let (ndm, tb) = neigh_valid_get_req(k, msg, extack)?;
    let early = k.has(Feature::NeighGetEarlyChecks);
    let dst_of = |tb: &Tb| attr(msg, tb, NDA_DST).map(|d| d.to_vec());
    let (tbl, dst, dev) = if early {
        let Some(tbl) = neigh_find_table(ndm.family) else {
            return Err(einval_with(
                extack,
                "Unsupported family in header for neighbor get request",
                Errno::EAFNOSUPPORT,
            ));
        };
        let dst = dst_of(&tb).unwrap_or_default();
        if dst.len() != tbl.key_len {
            return Err(einval(
                extack,
                "Invalid network address in neighbor get request",
            ));
        }
        let mut dev = None;
        if ndm.ifindex != 0 {
            let Some(d) = k.dev(net, ndm.ifindex as u32) else {
                return Err(einval_with(extack, "Unknown device ifindex", Errno::ENODEV));
            };
            dev = Some(d.ifindex);
        }
        (tbl, dst, dev)
    } else {
        let tbl = neigh_find_table(ndm.family).expect("checked");
        let mut dev = None;
        if ndm.ifindex != 0 {
            let Some(d) = k.dev(net, ndm.ifindex as u32) else {
                return Err(einval_with(extack, "Unknown device ifindex", Errno::ENODEV));
            };
            dev = Some(d.ifindex);
        }
        let Some(dst) = dst_of(&tb) else {
            return Err(einval(extack, "Network address not specified"));
        };
        (tbl, dst, dev)
    };
    if ndm.flags & NTF_PROXY != 0 {
        // pneigh_lookup: the model's proxy tables are empty.
        return Err(einval_with(
            extack,
            "Proxy neighbour entry not found",
            Errno::ENOENT,
        ));
    }
    let Some(ifindex) = dev else {
        return Err(einval(extack, "No device specified"));
    };
    let Some(at) = neigh_lookup(k, net, tbl, &dst, ifindex) else {
        return Err(einval_with(
            extack,
            "Neighbour entry not found",
            Errno::ENOENT,
        ));
    };
    let n = entries(k, net, tbl)[at].clone();
    let mut reply = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + neigh_nlmsg_size()));
    neigh_fill_info(
        k,
        &mut reply,
        tbl,
        &n,
        skb.cb.portid,
        req.seq(),
        RTM_NEWNEIGH,
        0,
        1,
    )?;
    let ksk =
        k.net(net).kernel_sock[crate::uapi::netlink::NETLINK_ROUTE as usize].expect("rtnl socket");
    nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

/// An errno with an ext-ack message.
fn einval_with(extack: &mut NetlinkExtAck, msg: &str, e: Errno) -> SysError {
    extack.msg = Some(msg.into());
    e.into()
}

/// The handler of a message the kernel handles and the model does not (the neighbour
/// tables' own messages, the bridge's FDB entries).
fn neigh_unmodeled_doit(
    _k: &mut Kernel,
    _skb: &SkBuff,
    req: Nlmsghdr<'_>,
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let ty = req.msg_type();
    let family = req.payload().first().copied().unwrap_or(0);
    Err(SysError::Unimplemented(crate::errno::Unimplemented::new(
        format!(
            "{} of address family {family}",
            crate::uapi::rtnetlink::RtmType::name_of(ty).unwrap_or("RTM_?")
        ),
    )))
}

/// The dump of a message the kernel handles and the model does not.
fn neigh_unmodeled_dump(
    _k: &mut Kernel,
    _skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let ty = cb.request().msg_type();
    let family = cb.request().payload().first().copied().unwrap_or(0);
    Err(SysError::Unimplemented(crate::errno::Unimplemented::new(
        format!(
            "the {} dump of address family {family}",
            crate::uapi::rtnetlink::RtmType::name_of(ty).unwrap_or("RTM_?")
        ),
    )))
}

/// `neigh_init`: the neighbour handlers of PF_UNSPEC; the neighbour tables' messages
/// (`neightbl_dump_info`, `neightbl_set`) and rtnetlink's PF_BRIDGE FDB handlers
/// (`rtnl_fdb_add`, `rtnl_fdb_del`, `rtnl_fdb_get`, `rtnl_fdb_dump`) are the model's gaps.
pub fn neigh_init(k: &mut Kernel) {
    const PF_UNSPEC: u8 = 0;
    const PF_BRIDGE: u8 = 7;
    rtnl_register(k, PF_UNSPEC, RTM_NEWNEIGH, Some(neigh_add), None, 0);
    rtnl_register(k, PF_UNSPEC, RTM_DELNEIGH, Some(neigh_delete), None, 0);
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_GETNEIGH,
        Some(neigh_get),
        Some(neigh_dump_info),
        0,
    );
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_GETNEIGHTBL,
        None,
        Some(neigh_unmodeled_dump),
        RTNL_FLAG_UNMODELED,
    );
    rtnl_register(
        k,
        PF_UNSPEC,
        RTM_SETNEIGHTBL,
        Some(neigh_unmodeled_doit),
        None,
        RTNL_FLAG_UNMODELED,
    );
    // rtnetlink_init registers rtnl_fdb_del with RTNL_FLAG_BULK_DEL_SUPPORTED: an NLM_F_BULK
    // request reaches it (and is unmodeled here) rather than EOPNOTSUPP from the dispatcher
    // (found by `nltwin fuzz`: a PF_BRIDGE RTM_DELNEIGH with the dump flags, 0x300, which
    // hold NLM_F_BULK; the kernel's rtnl_fdb_del answered EINVAL, the model EOPNOTSUPP).
    for (ty, flags) in [
        (RTM_NEWNEIGH, RTNL_FLAG_UNMODELED),
        (
            RTM_DELNEIGH,
            RTNL_FLAG_UNMODELED | crate::rtnetlink::RTNL_FLAG_BULK_DEL_SUPPORTED,
        ),
    ] {
        rtnl_register(k, PF_BRIDGE, ty, Some(neigh_unmodeled_doit), None, flags);
    }
    rtnl_register(
        k,
        PF_BRIDGE,
        RTM_GETNEIGH,
        Some(neigh_unmodeled_doit),
        Some(neigh_unmodeled_dump),
        RTNL_FLAG_UNMODELED,
    );
}
