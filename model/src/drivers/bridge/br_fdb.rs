//! The forwarding database (`net/bridge/br_fdb.c`): the local entries of the bridge's and its
//! ports' addresses (following ports joining and leaving and addresses changing), static and
//! permanent entries added and deleted by request (`br_fdb_add`, `br_fdb_delete`), their
//! RTNLGRP_NEIGH notifications (`fdb_notify`), the bridge's part of the PF_BRIDGE neighbour
//! dump (`br_fdb_dump`), and the garbage collection (`gc_work`), whose timer
//! IFLA_BR_GC_TIMER reports.
//!
//! Where the build has VLAN filtering, every VLAN a bridge or port uses has its own local
//! entry of the device's address (added as the VLAN comes, `__vlan_add`, moved with the
//! address, `br_fdb_changeaddr` / `br_fdb_change_mac_address`, gone with the VLAN,
//! `br_vlan_delete`), and a static entry added or deleted without NDA_VLAN is added or
//! deleted on VLAN 0 and on every VLAN of its port (or the bridge).
//!
//! Learning (`br_fdb_update`) from the modeled traffic a port receives, its RTM_NEWNEIGH, the
//! port's dynamic entries deleted when it is disabled. Not modeled (`unimplemented`): ageing a
//! learned entry out, a limit on learned entries, dynamic entries added by request, NTF_USE,
//! externally learned entries, activity notification. Every modeled port is promiscuous, so
//! static entries never reach a port's unicast list.

use super::br_vlan::{br_vlan_group, nbp_vlan_group, NetBridgeVlanGroup};
use super::{br_ports, dev_mut};
use crate::af_netlink::NetlinkExtAck;
use crate::errno::{unimplemented, Errno, SysResult};
use crate::ethernet::is_valid_ether_addr;
use crate::kernel::{Kernel, NetId};
use crate::profile::Feature;
use crate::rtnetlink::fdb::{ndo_dflt_fdb_dump, FdbDumpCtx, FdbRequest};
use crate::rtnetlink::notify::rtnl_notify;
use crate::skbuff::SkBuff;
use crate::timer::{jiffies_to_clock_t, msecs_to_jiffies, TimerArg};
use crate::uapi::if_bridge::{BR_STATE_FORWARDING, BR_STATE_LEARNING};
use crate::uapi::neighbour::*;
use crate::uapi::netlink::{
    nla_align, nlmsg_align, NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_EXCL, NLM_F_MULTI,
};
use crate::uapi::rtnetlink::{RTM_DELNEIGH, RTM_NEWNEIGH, RTNLGRP_NEIGH};
use crate::uapi::socket::PF_BRIDGE;
use crate::workqueue::WorkStruct;
use nltwin_wire::ndmsg;

/// The bridge's `gc_work`.
pub(crate) fn gc_work(net: NetId, br: u32) -> WorkStruct {
    WorkStruct {
        name: "br_fdb_cleanup",
        func: br_fdb_cleanup,
        arg: TimerArg {
            net,
            obj: br,
            sub: 0,
        },
    }
}

/// `br_fdb_cleanup`: with no entry to age out, the collection arms itself again after the
/// hold time (`hold_time`: the ageing time, the forward delay during a topology change, which
/// a bridge without STP never has), at least 10 ms. The model keeps the time left as armed.
fn br_fdb_cleanup(k: &mut Kernel, arg: TimerArg) -> SysResult<()> {
    let hz = k.timers.hz();
    let now = k.jiffies();
    let Some(b) = k.dev_mut(arg.net, arg.obj).and_then(|d| d.br_mut()) else {
        return Ok(());
    };
    // A learned entry is due at its last update plus the hold time: the next run comes no
    // later; one already due would age out, which is not modeled.
    let delay = hold_time(b);
    let mut work_delay = delay;
    for f in b.fdb.iter().filter(|f| f.flags & BR_FDB_STATIC == 0) {
        let due = f.updated + delay;
        if due <= now {
            return Err(unimplemented(
                "a learned forwarding entry ageing out (br_fdb_cleanup: fdb_delete)",
            ));
        }
        work_delay = work_delay.min(due - now);
    }
    let work_delay = work_delay.max(msecs_to_jiffies(hz, 10));
    b.gc_timer = jiffies_to_clock_t(hz, work_delay);
    Ok(())
}

/// `mod_delayed_work(system_long_wq, &br->gc_work, 0)`: the collection runs at once (its
/// timer reads 0 until it has run).
pub(crate) fn br_gc_run_now(k: &mut Kernel, net: NetId, br: u32) {
    if let Some(b) = dev_mut(k, net, br).br_mut() {
        b.gc_timer = 0;
    }
    crate::workqueue::mod_delayed_work(k, gc_work(net, br), 0);
}

// ---------------------------------------------------------------------------------------------
// The entries (`struct net_bridge_fdb_entry`, `br->fdb_list`)
// ---------------------------------------------------------------------------------------------

/// `BR_FDB_LOCAL`: the address of the bridge or of one of its ports.
pub const BR_FDB_LOCAL: u32 = 1 << 0;
/// `BR_FDB_STATIC`: never ages.
pub const BR_FDB_STATIC: u32 = 1 << 1;
/// `BR_FDB_STICKY`: never moves to another port.
pub const BR_FDB_STICKY: u32 = 1 << 2;
/// `BR_FDB_ADDED_BY_USER`.
pub const BR_FDB_ADDED_BY_USER: u32 = 1 << 3;

/// One forwarding entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetBridgeFdbEntry {
    /// `key.addr`.
    pub addr: [u8; 6],
    /// `key.vlan_id`.
    pub vid: u16,
    /// `dst`: the port's ifindex; `None` for the bridge's own addresses.
    pub dst: Option<u32>,
    /// `BR_FDB_*` (the model's bits above).
    pub flags: u32,
    /// `used`, jiffies.
    pub used: u64,
    /// `updated`, jiffies.
    pub updated: u64,
}

/// `br_fdb_find`: the entry of an address and VLAN.
fn br_fdb_find(fdb: &[NetBridgeFdbEntry], addr: &[u8], vid: u16) -> Option<usize> {
    fdb.iter().position(|f| f.addr[..] == *addr && f.vid == vid)
}

/// The bridge's entries.
fn fdb_list(k: &Kernel, net: NetId, br: u32) -> &[NetBridgeFdbEntry] {
    k.dev(net, br).and_then(|d| d.br()).map_or(&[], |b| &b.fdb)
}

/// The bridge's entries, to change.
fn fdb_list_mut(k: &mut Kernel, net: NetId, br: u32) -> &mut Vec<NetBridgeFdbEntry> {
    &mut dev_mut(k, net, br)
        .br_mut()
        .expect("a bridge's forwarding database")
        .fdb
}

/// `fdb_to_nud`: local entries are permanent, static ones NOARP; the rest (learned, which
/// the model never has) would age.
fn fdb_to_nud(f: &NetBridgeFdbEntry) -> u16 {
    if f.flags & BR_FDB_LOCAL != 0 {
        NUD_PERMANENT
    } else if f.flags & BR_FDB_STATIC != 0 {
        NUD_NOARP
    } else {
        NUD_REACHABLE
    }
}

/// `fdb_nlmsg_size`.
fn fdb_nlmsg_size() -> usize {
    let nla = |len: usize| nla_align(4 + len);
    nlmsg_align(ndmsg::LEN)
        + nla(6)
        + nla(4)
        + nla(4)
        + nla(2)
        + nla(nda_cacheinfo::LEN)
        + nla(0)
        + nla(1)
}

/// `fdb_fill_info`: an entry's message: on its port (the bridge for its own addresses),
/// NDA_LLADDR, NDA_MASTER, NDA_FLAGS_EXT (where the release always puts it), the ages in
/// NDA_CACHEINFO, NDA_VLAN when it has one.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fdb_fill_info(
    k: &Kernel,
    skb: &mut SkBuff,
    br: u32,
    f: &NetBridgeFdbEntry,
    portid: u32,
    seq: u32,
    ty: u16,
    flags: u16,
) -> Result<(), Errno> {
    let mark = skb.len();
    let at = skb.nlmsg_put(portid, seq, ty, ndmsg::LEN, flags)?;
    let mut ndm_flags = 0;
    if f.flags & BR_FDB_STICKY != 0 {
        ndm_flags |= NTF_STICKY;
    }
    let hdr = ndmsg::Repr {
        family: PF_BRIDGE,
        ifindex: f.dst.unwrap_or(br) as i32,
        state: fdb_to_nud(f),
        flags: ndm_flags,
        ndm_type: 0,
    };
    skb.nlmsg_data_mut(at)[..ndmsg::LEN].copy_from_slice(&hdr.to_bytes());
    let now = k.jiffies();
    let hz = k.timers.hz();
    let age = |t: u64| jiffies_to_clock_t(hz, now.wrapping_sub(t)) as u32;
    let r = (|| {
        skb.nla_put(NDA_LLADDR, &f.addr)?;
        skb.nla_put_u32(NDA_MASTER, br)?;
        if k.has(Feature::FdbFlagsExt) {
            skb.nla_put_u32(NDA_FLAGS_EXT, 0)?;
        }
        let ci = nda_cacheinfo::to_bytes(0, age(f.used), age(f.updated), 0);
        skb.nla_put(NDA_CACHEINFO, &ci)?;
        if f.vid != 0 {
            skb.nla_put_u16(NDA_VLAN, f.vid)?;
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

/// `fdb_notify`: the entry's message of `ty` to RTNLGRP_NEIGH (switchdev has no modeled
/// listener).
fn fdb_notify(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    f: &NetBridgeFdbEntry,
    ty: u16,
) -> SysResult<()> {
    let mut skb = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + fdb_nlmsg_size()));
    fdb_fill_info(k, &mut skb, br, f, 0, 0, ty, 0)?;
    rtnl_notify(k, net, skb, RTNLGRP_NEIGH, None)
}

/// `fdb_create`: a new entry, first in the list, used and updated now.
fn fdb_create(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    source: Option<u32>,
    addr: &[u8],
    vid: u16,
    flags: u32,
) -> NetBridgeFdbEntry {
    let now = k.jiffies();
    let mut a = [0; 6];
    a.copy_from_slice(&addr[..6]);
    let f = NetBridgeFdbEntry {
        addr: a,
        vid,
        dst: source,
        flags,
        used: now,
        updated: now,
    };
    fdb_list_mut(k, net, br).insert(0, f.clone());
    f
}

/// `fdb_n_learned`: the entries learned from frames (BR_FDB_DYNAMIC_LEARNED: neither local
/// nor added by a user).
pub(crate) fn fdb_n_learned(b: &super::NetBridge) -> u32 {
    b.fdb
        .iter()
        .filter(|f| f.flags & (BR_FDB_LOCAL | BR_FDB_ADDED_BY_USER) == 0)
        .count() as u32
}

/// `hold_time`: how long a learned entry lives: the ageing time (the forward delay during a
/// topology change).
fn hold_time(b: &super::NetBridge) -> u64 {
    if b.topology_change {
        b.forward_delay
    } else {
        b.ageing_time
    }
}

/// `br_fdb_update`: a port learns the source address of a frame it received (nothing when
/// the hold time is 0). A local entry of that address stays as it is; a learned one is
/// refreshed (`updated`) and moves to this port unless sticky (announced RTM_NEWNEIGH when
/// it moved); a new one is created and announced. A limit on learned entries
/// (`fdb_max_learned`) is not modeled.
pub(crate) fn br_fdb_update(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: u32,
    addr: &[u8; 6],
    vid: u16,
) -> SysResult<()> {
    let now = k.jiffies();
    let Some(b) = k.dev(net, br).and_then(|d| d.br()) else {
        return Ok(());
    };
    if hold_time(b) == 0 {
        return Ok(());
    }
    if b.fdb_max_learned != 0 {
        return Err(unimplemented(
            "learning with a limit on learned forwarding entries (fdb_max_learned)",
        ));
    }
    match br_fdb_find(&b.fdb, addr, vid) {
        Some(at) => {
            let f = &mut fdb_list_mut(k, net, br)[at];
            if f.flags & BR_FDB_LOCAL != 0 {
                return Ok(());
            }
            f.updated = now;
            if f.dst != Some(port) && f.flags & BR_FDB_STICKY == 0 {
                f.dst = Some(port);
                let f = f.clone();
                fdb_notify(k, net, br, &f, RTM_NEWNEIGH)?;
            }
            Ok(())
        }
        None => {
            let f = fdb_create(k, net, br, Some(port), addr, vid, 0);
            fdb_notify(k, net, br, &f, RTM_NEWNEIGH)
        }
    }
}

/// `fdb_delete`: the entry leaves the list, announced (`fdb_del_hw_addr` for a static one
/// changes nothing: every modeled port is promiscuous).
fn fdb_delete(k: &mut Kernel, net: NetId, br: u32, at: usize) -> SysResult<()> {
    let f = fdb_list_mut(k, net, br).remove(at);
    fdb_notify(k, net, br, &f, RTM_DELNEIGH)
}

/// `fdb_delete_local`: a local entry of `p` going: the first other port (in `port_list`
/// order) with the same address and, for a VLAN's entry, that VLAN takes it; else the bridge,
/// if the address is its own and it uses the VLAN (both silently); else it goes.
fn fdb_delete_local(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    p: Option<u32>,
    at: usize,
) -> SysResult<()> {
    let NetBridgeFdbEntry { addr, vid, .. } = fdb_list(k, net, br)[at];
    let has_vid = |g: Option<&NetBridgeVlanGroup>| g.and_then(|g| g.find(vid)).is_some();
    let other = br_ports(k, net, br).into_iter().find(|&op| {
        Some(op) != p
            && k.dev(net, op).is_some_and(|d| d.addr[..] == addr)
            && (vid == 0 || has_vid(nbp_vlan_group(k, net, op)))
    });
    let br_addr = k.dev(net, br).map(|d| d.addr.clone()).unwrap_or_default();
    let br_uses = vid == 0
        || br_vlan_group(k, net, br)
            .and_then(|g| g.find(vid))
            .is_some_and(|v| v.should_use());
    let keep_on = match other {
        Some(op) => Some(Some(op)),
        None if p.is_some() && br_addr[..] == addr && br_uses => Some(None),
        None => None,
    };
    match keep_on {
        Some(dst) => {
            let f = &mut fdb_list_mut(k, net, br)[at];
            f.dst = dst;
            f.flags &= !BR_FDB_ADDED_BY_USER;
            Ok(())
        }
        None => fdb_delete(k, net, br, at),
    }
}

/// `br_fdb_find_delete_local`: the local entry of `addr` on `vid`, if it is `p`'s and not the
/// user's, goes (or passes to another holder).
pub(crate) fn br_fdb_find_delete_local(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    p: Option<u32>,
    addr: &[u8],
    vid: u16,
) -> SysResult<()> {
    let Some(at) = br_fdb_find(fdb_list(k, net, br), addr, vid) else {
        return Ok(());
    };
    let f = &fdb_list(k, net, br)[at];
    if f.flags & BR_FDB_LOCAL != 0 && f.flags & BR_FDB_ADDED_BY_USER == 0 && f.dst == p {
        fdb_delete_local(k, net, br, p, at)?;
    }
    Ok(())
}

/// `fdb_add_local`: a local static entry for a valid address (EINVAL otherwise), unless a
/// local one exists (several ports may share an address); a learned one of that address
/// goes first. Announced.
pub(crate) fn fdb_add_local(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    source: Option<u32>,
    addr: &[u8],
    vid: u16,
) -> SysResult<Result<(), Errno>> {
    if !is_valid_ether_addr(addr) {
        return Ok(Err(Errno::EINVAL));
    }
    if let Some(at) = br_fdb_find(fdb_list(k, net, br), addr, vid) {
        if fdb_list(k, net, br)[at].flags & BR_FDB_LOCAL != 0 {
            return Ok(Ok(()));
        }
        fdb_delete(k, net, br, at)?;
    }
    let f = fdb_create(k, net, br, source, addr, vid, BR_FDB_LOCAL | BR_FDB_STATIC);
    fdb_notify(k, net, br, &f, RTM_NEWNEIGH)?;
    Ok(Ok(()))
}

/// `br_fdb_change_mac_address`: the bridge's own local entry (not the user's) of its current
/// address follows `newaddr`, on VLAN 0 and then on every VLAN the bridge uses. Called before
/// the device takes the new address.
pub fn br_fdb_change_mac_address(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    newaddr: &[u8],
) -> SysResult<()> {
    let old = k.dev(net, br).map(|d| d.addr.clone()).unwrap_or_default();
    br_fdb_find_delete_local(k, net, br, None, &old, 0)?;
    let _ = fdb_add_local(k, net, br, None, newaddr, 0)?;
    let vids: Vec<u16> = match br_vlan_group(k, net, br) {
        Some(g) if g.num_vlans > 0 => g
            .vlan_list
            .iter()
            .filter(|v| v.should_use())
            .map(|v| v.vid)
            .collect(),
        _ => return Ok(()),
    };
    for vid in vids {
        br_fdb_find_delete_local(k, net, br, None, &old, vid)?;
        let _ = fdb_add_local(k, net, br, None, newaddr, vid)?;
    }
    Ok(())
}

/// `br_fdb_changeaddr`: a port's new address: its old local entries (not the user's) go (or
/// pass to another holder: only the first when the port has no VLAN), the new one comes on
/// VLAN 0 and on each of the port's VLANs.
pub fn br_fdb_changeaddr(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    p: u32,
    newaddr: &[u8],
) -> SysResult<()> {
    let vids: Vec<u16> = nbp_vlan_group(k, net, p)
        .filter(|g| g.num_vlans > 0)
        .map(|g| g.vlan_list.iter().map(|v| v.vid).collect())
        .unwrap_or_default();
    let mut at = 0;
    while at < fdb_list(k, net, br).len() {
        let f = &fdb_list(k, net, br)[at];
        if f.dst != Some(p) || f.flags & BR_FDB_LOCAL == 0 || f.flags & BR_FDB_ADDED_BY_USER != 0 {
            at += 1;
            continue;
        }
        let before = fdb_list(k, net, br).len();
        fdb_delete_local(k, net, br, Some(p), at)?;
        if vids.is_empty() {
            break;
        }
        if fdb_list(k, net, br).len() == before {
            at += 1;
        }
    }
    let _ = fdb_add_local(k, net, br, Some(p), newaddr, 0)?;
    for vid in vids {
        let _ = fdb_add_local(k, net, br, Some(p), newaddr, vid)?;
    }
    Ok(())
}

/// `br_fdb_delete_by_port`: the port's entries go (with `do_all` the static and local ones
/// too, a local one passing to another holder of its address; without it only the dynamic
/// ones, of `vid` when it is not 0).
pub fn br_fdb_delete_by_port(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    p: Option<u32>,
    vid: u16,
    do_all: bool,
) -> SysResult<()> {
    let mut at = 0;
    while at < fdb_list(k, net, br).len() {
        let f = fdb_list(k, net, br)[at].clone();
        let spared = !do_all && (f.flags & BR_FDB_STATIC != 0 || vid != 0 && f.vid != vid);
        if f.dst != p || spared {
            at += 1;
            continue;
        }
        let before = fdb_list(k, net, br).len();
        if f.flags & BR_FDB_LOCAL != 0 {
            fdb_delete_local(k, net, br, p, at)?;
        } else {
            fdb_delete(k, net, br, at)?;
        }
        if fdb_list(k, net, br).len() == before {
            at += 1;
        }
    }
    Ok(())
}

/// `br_fdb_dump` (`ndo_fdb_dump`): with no port to filter on, the bridge's own address lists
/// (`ndo_dflt_fdb_dump`) and its own entries; filtered on a port, that port's entries (the
/// bridge itself as the filter: its own entries). `idx` counts the entries walked past.
pub fn br_fdb_dump(
    k: &Kernel,
    skb: &mut SkBuff,
    ctx: &mut FdbDumpCtx,
    dev: u32,
    filter_dev: Option<u32>,
    idx: &mut usize,
) -> SysResult<Result<(), Errno>> {
    if !k.dev(ctx.net, dev).is_some_and(|d| d.is_bridge_master()) {
        return Ok(Ok(()));
    }
    if filter_dev.is_none() {
        if let Err(e) = ndo_dflt_fdb_dump(k, skb, ctx, dev, None, idx)? {
            return Ok(Err(e));
        }
    }
    for f in fdb_list(k, ctx.net, dev) {
        let skip = *idx < ctx.fdb_idx
            || match filter_dev {
                Some(fd) => f.dst != Some(fd) && (fd != dev || f.dst.is_some()),
                None => f.dst.is_some(),
            };
        if !skip {
            if let Err(e) = fdb_fill_info(
                k,
                skb,
                dev,
                f,
                ctx.portid,
                ctx.seq,
                RTM_NEWNEIGH,
                NLM_F_MULTI,
            ) {
                return Ok(Err(e));
            }
        }
        *idx += 1;
    }
    Ok(Ok(()))
}

/// `br_fdb_add` (`ndo_fdb_add`): a state of PERMANENT, NOARP or REACHABLE and a non-zero
/// address (EINVAL), on a port or the bridge itself; NDA_FLAGS_EXT without "locked" (where the
/// release has locked entries); with NDA_VLAN, a VLAN the port (or bridge) uses (EINVAL), else
/// VLAN 0 and then every VLAN it uses, stopping at the first error (activity notification is
/// not modeled).
#[allow(clippy::too_many_arguments)]
pub fn br_fdb_add(
    k: &mut Kernel,
    net: NetId,
    req: &FdbRequest<'_>,
    dev: u32,
    addr: &[u8],
    vid: u16,
    nlh_flags: u16,
    notified: &mut bool,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let ndm = &req.ndm;
    if ndm.state & (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE) == 0 || addr.iter().all(|b| *b == 0)
    {
        return Err(Errno::EINVAL.into());
    }
    let d = k.dev(net, dev).expect("looked up");
    let (br, p) = if d.is_bridge_master() {
        (dev, None)
    } else {
        match (d.master, d.br_port()) {
            (Some(br), Some(_)) => (br, Some(dev)),
            _ => return Err(Errno::EINVAL.into()),
        }
    };
    if k.has(Feature::FdbFlagsExt)
        && req
            .attr(NDA_FLAGS_EXT)
            .is_some_and(|b| get_u32(b) & NTF_EXT_LOCKED != 0)
    {
        extack.msg = Some("bridge: Cannot add FDB entry with \"locked\" flag set".into());
        return Err(Errno::EINVAL.into());
    }
    if req.attr(NDA_FDB_EXT_ATTRS).is_some() {
        return Err(unimplemented(
            "NDA_FDB_EXT_ATTRS (FDB activity notification)",
        ));
    }
    let vids = used_vlans(k, net, br, p);
    if vid != 0 {
        // br_vlan_find: a VLAN the port (or bridge) has and uses.
        if !vids.contains(&vid) {
            return Err(Errno::EINVAL.into());
        }
        __br_fdb_add(k, net, ndm, br, p, addr, nlh_flags, vid, extack)?;
        *notified = true;
        return Ok(());
    }
    __br_fdb_add(k, net, ndm, br, p, addr, nlh_flags, 0, extack)?;
    *notified = true;
    for vid in vids {
        __br_fdb_add(k, net, ndm, br, p, addr, nlh_flags, vid, extack)?;
    }
    Ok(())
}

/// The VLANs in use of the port `p` (the bridge `br` itself when `None`), in list order:
/// empty without VLAN filtering.
fn used_vlans(k: &Kernel, net: NetId, br: u32, p: Option<u32>) -> Vec<u16> {
    let vg = match p {
        Some(p) => nbp_vlan_group(k, net, p),
        None => br_vlan_group(k, net, br),
    };
    vg.filter(|g| g.num_vlans > 0)
        .map(|g| {
            g.vlan_list
                .iter()
                .filter(|v| v.should_use())
                .map(|v| v.vid)
                .collect()
        })
        .unwrap_or_default()
}

/// `__br_fdb_add`: NTF_USE (learning, not modeled; EINVAL on the bridge), NTF_EXT_LEARNED
/// (not modeled; toward the bridge only permanent), else `fdb_add_entry`.
#[allow(clippy::too_many_arguments)]
fn __br_fdb_add(
    k: &mut Kernel,
    net: NetId,
    ndm: &ndmsg::Repr,
    br: u32,
    p: Option<u32>,
    addr: &[u8],
    nlh_flags: u16,
    vid: u16,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if ndm.flags & NTF_USE != 0 {
        if p.is_none() {
            return Err(Errno::EINVAL.into());
        }
        return Err(unimplemented(
            "NTF_USE on a bridge port (br_fdb_update: learning)",
        ));
    }
    if ndm.flags & NTF_EXT_LEARNED != 0 {
        if p.is_none() && ndm.state & NUD_PERMANENT == 0 {
            extack.msg = Some("bridge: FDB entry towards bridge must be permanent".into());
            return Err(Errno::EINVAL.into());
        }
        return Err(unimplemented("externally learned FDB entries"));
    }
    fdb_add_entry(k, net, br, p, addr, ndm, nlh_flags, vid)
}

/// `fdb_add_entry`: a port that cannot learn takes only local and static entries (EPERM);
/// the bridge only permanent ones; sticky is not permanent; created with NLM_F_CREATE
/// (ENOENT), EEXIST with NLM_F_EXCL; the state, port and stickiness set; announced when
/// something changed (used always refreshed).
#[allow(clippy::too_many_arguments)]
fn fdb_add_entry(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    source: Option<u32>,
    addr: &[u8],
    ndm: &ndmsg::Repr,
    flags: u16,
    vid: u16,
) -> SysResult<()> {
    let state = ndm.state;
    let is_sticky = ndm.flags & NTF_STICKY != 0;
    if let Some(p) = source {
        let pstate = k
            .dev(net, p)
            .and_then(|d| d.br_port())
            .map_or(0, |bp| bp.state);
        let learns = pstate == BR_STATE_LEARNING || pstate == BR_STATE_FORWARDING;
        if state & (NUD_PERMANENT | NUD_NOARP) == 0 && !learns {
            return Err(Errno::EPERM.into());
        }
    }
    if source.is_none() && state & NUD_PERMANENT == 0 {
        return Err(Errno::EINVAL.into());
    }
    if is_sticky && state & NUD_PERMANENT != 0 {
        return Err(Errno::EINVAL.into());
    }
    if state & (NUD_PERMANENT | NUD_NOARP) == 0 {
        return Err(unimplemented(
            "a dynamic FDB entry added by request (it ages on the bridge's timer)",
        ));
    }
    let mut modified = false;
    let at = match br_fdb_find(fdb_list(k, net, br), addr, vid) {
        None => {
            if flags & NLM_F_CREATE == 0 {
                return Err(Errno::ENOENT.into());
            }
            fdb_create(k, net, br, source, addr, vid, BR_FDB_ADDED_BY_USER);
            modified = true;
            0
        }
        Some(at) => {
            if flags & NLM_F_EXCL != 0 {
                return Err(Errno::EEXIST.into());
            }
            let f = &mut fdb_list_mut(k, net, br)[at];
            if f.dst != source {
                f.dst = source;
                modified = true;
            }
            f.flags |= BR_FDB_ADDED_BY_USER;
            at
        }
    };
    let now = k.jiffies();
    let f = &mut fdb_list_mut(k, net, br)[at];
    if fdb_to_nud(f) != state {
        if state & NUD_PERMANENT != 0 {
            f.flags |= BR_FDB_LOCAL | BR_FDB_STATIC;
        } else {
            f.flags &= !BR_FDB_LOCAL;
            f.flags |= BR_FDB_STATIC;
        }
        modified = true;
    }
    if is_sticky != (f.flags & BR_FDB_STICKY != 0) {
        f.flags ^= BR_FDB_STICKY;
        modified = true;
    }
    f.used = now;
    if modified {
        f.updated = now;
        let f = f.clone();
        fdb_notify(k, net, br, &f, RTM_NEWNEIGH)?;
    }
    Ok(())
}

/// `br_fdb_delete` (`ndo_fdb_del`): the entry of the address on that port (or the bridge's
/// own), announced: with NDA_VLAN that VLAN's (a VLAN the port does not have is EINVAL where
/// the release checks it), else VLAN 0's and every used VLAN's, ENOENT only when none was
/// there.
pub fn br_fdb_delete(
    k: &mut Kernel,
    net: NetId,
    dev: u32,
    addr: &[u8],
    vid: u16,
    notified: &mut bool,
) -> SysResult<()> {
    let d = k.dev(net, dev).expect("looked up");
    let (br, p) = if d.is_bridge_master() {
        (dev, None)
    } else {
        match (d.master, d.br_port()) {
            (Some(br), Some(_)) => (br, Some(dev)),
            _ => return Err(Errno::EINVAL.into()),
        }
    };
    if vid != 0 {
        let vg = match p {
            Some(p) => nbp_vlan_group(k, net, p),
            None => br_vlan_group(k, net, br),
        };
        // br_vlan_find, where the release still checks the VLAN first.
        if !k.has(Feature::BrFdbDelAnyVlan) && vg.and_then(|g| g.find(vid)).is_none() {
            return Err(Errno::EINVAL.into());
        }
        return match fdb_delete_by_addr_and_port(k, net, br, p, addr, vid, notified)? {
            true => Ok(()),
            false => Err(Errno::ENOENT.into()),
        };
    }
    // err &= ...: -ENOENT survives only if every lookup missed.
    let mut found = fdb_delete_by_addr_and_port(k, net, br, p, addr, 0, notified)?;
    for vid in used_vlans(k, net, br, p) {
        found |= fdb_delete_by_addr_and_port(k, net, br, p, addr, vid, notified)?;
    }
    if found {
        Ok(())
    } else {
        Err(Errno::ENOENT.into())
    }
}

/// `fdb_delete_by_addr_and_port`: the entry of `addr` on `vid` if it is `p`'s, announced;
/// false where the kernel answers ENOENT.
fn fdb_delete_by_addr_and_port(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    p: Option<u32>,
    addr: &[u8],
    vid: u16,
    notified: &mut bool,
) -> SysResult<bool> {
    let Some(at) = br_fdb_find(fdb_list(k, net, br), addr, vid)
        .filter(|at| fdb_list(k, net, br)[*at].dst == p)
    else {
        return Ok(false);
    };
    fdb_delete(k, net, br, at)?;
    *notified = true;
    Ok(true)
}

/// A `u32` attribute's value.
fn get_u32(b: &[u8]) -> u32 {
    nltwin_wire::scalar::get_u32(b).unwrap_or(0)
}
