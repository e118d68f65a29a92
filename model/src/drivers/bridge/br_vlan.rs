//! VLAN filtering (`net/bridge/br_vlan.c`, and the options `br_vlan_options.c` writes), built
//! only where the profile's config has `CONFIG_BRIDGE_VLAN_FILTERING`: a bridge's and each
//! port's VLAN group, the default PVID every bridge and port gets (VLAN 1, PVID and untagged),
//! and the RTM_NEWVLAN / RTM_DELVLAN notifications to RTNLGRP_BRVLAN.
//!
//! Modeled: the default PVID added when a bridge registers (its own entry) and when a port
//! joins, removed when a port leaves and when the bridge unregisters, with the global (master)
//! entries ports take references on; VLANs added and deleted by request (`nbp_vlan_add`,
//! `br_vlan_add`, `nbp_vlan_delete`, `br_vlan_delete`, reached through PF_BRIDGE setlink and
//! dellink in `br_netlink` and through RTM_NEWVLAN / RTM_DELVLAN here), each VLAN in use with
//! its local forwarding entry (`br_fdb_add_local`); the RTM_GETVLAN dump. Filtering itself
//! stays off (IFLA_BR_VLAN_FILTERING 0). Without VLAN filtering built the entry points are the
//! kernel's stubs (EOPNOTSUPP) and no RTM_*VLAN handler is registered. Not modeled
//! (`unimplemented`): VLAN options set by RTM_NEWVLAN and the global options (their setting
//! and their dump).

use super::{dev_mut, NetBridge};
use crate::af_netlink::{NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_total_size, nlmsg_total_size};
use crate::profile::{Config, Feature, FeatureSet};
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::if_bridge::*;
use crate::uapi::if_ether::ETH_P_8021Q;
use crate::uapi::netlink::{NETLINK_ROUTE, NLMSG_HDRLEN, NLM_F_MULTI};
use crate::uapi::rtnetlink::{RTM_DELVLAN, RTM_GETVLAN, RTM_NEWVLAN, RTNLGRP_BRVLAN};
use crate::uapi::socket::{AF_BRIDGE, PF_BRIDGE};

/// The default PVID a bridge starts with (`br_vlan_init`).
pub const BR_DEFAULT_PVID: u16 = 1;

/// A VLAN entry of a bridge or a port (`struct net_bridge_vlan`), as far as the model keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetBridgeVlan {
    /// `vid`.
    pub vid: u16,
    /// `flags`: BRIDGE_VLAN_INFO_MASTER (a bridge's global entry), _BRENTRY (the bridge itself
    /// filters on it), _UNTAGGED; whether it is the PVID is the group's.
    pub flags: u16,
    /// `state` (`BR_STATE_*`): forwarding without MST.
    pub state: u8,
    /// `refcnt` of a global entry: the bridge entry and every port entry of its VLAN.
    pub refcnt: u32,
    /// The `multicast_router` of its multicast context (`br_mcast_ctx` of a global entry,
    /// `port_mcast_ctx` of a port's).
    pub multicast_router: u8,
}

impl NetBridgeVlan {
    /// `br_vlan_is_master`.
    pub fn is_master(&self) -> bool {
        self.flags & BRIDGE_VLAN_INFO_MASTER != 0
    }

    /// `br_vlan_is_brentry`.
    pub fn is_brentry(&self) -> bool {
        self.flags & BRIDGE_VLAN_INFO_BRENTRY != 0
    }

    /// `br_vlan_should_use`: a port's entry, or a global entry the bridge itself uses (one
    /// kept only as the context of port entries is not).
    pub fn should_use(&self) -> bool {
        !self.is_master() || self.is_brentry()
    }
}

/// A bridge's or a port's VLANs (`struct net_bridge_vlan_group`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetBridgeVlanGroup {
    /// `vlan_list`: in VLAN id order (`__vlan_add_list`).
    pub vlan_list: Vec<NetBridgeVlan>,
    /// `num_vlans`: the entries in use.
    pub num_vlans: u16,
    /// `pvid` (0: none).
    pub pvid: u16,
}

impl NetBridgeVlanGroup {
    /// `br_vlan_find`.
    pub fn find(&self, vid: u16) -> Option<&NetBridgeVlan> {
        self.vlan_list.iter().find(|v| v.vid == vid)
    }

    fn find_mut(&mut self, vid: u16) -> Option<&mut NetBridgeVlan> {
        self.vlan_list.iter_mut().find(|v| v.vid == vid)
    }

    /// `__vlan_add_list`: in id order.
    fn add_list(&mut self, v: NetBridgeVlan) {
        let at = self
            .vlan_list
            .iter()
            .position(|e| e.vid > v.vid)
            .unwrap_or(self.vlan_list.len());
        self.vlan_list.insert(at, v);
    }

    /// `__vlan_del_list`.
    fn del_list(&mut self, vid: u16) {
        self.vlan_list.retain(|v| v.vid != vid);
    }

    /// `__vlan_flags_update`: whether `flags` would change the entry's PVID or untagged
    /// state; with `commit`, make them so.
    fn flags_update(&mut self, vid: u16, flags: u16, commit: bool) -> bool {
        let Some(v) = self.find(vid) else {
            return false;
        };
        let change = (flags & BRIDGE_VLAN_INFO_PVID != 0) == (self.pvid != vid)
            || (flags ^ v.flags) & BRIDGE_VLAN_INFO_UNTAGGED != 0;
        if commit {
            if flags & BRIDGE_VLAN_INFO_PVID != 0 {
                self.pvid = vid;
            } else if self.pvid == vid {
                self.pvid = 0;
            }
            let v = self.find_mut(vid).expect("found above");
            if flags & BRIDGE_VLAN_INFO_UNTAGGED != 0 {
                v.flags |= BRIDGE_VLAN_INFO_UNTAGGED;
            } else {
                v.flags &= !BRIDGE_VLAN_INFO_UNTAGGED;
            }
        }
        change
    }
}

/// Whose VLAN group an entry belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    /// The bridge device `ifindex` (global entries).
    Bridge(u32),
    /// The port device `ifindex`.
    Port(u32),
}

/// The VLAN group of `owner`, if it has one.
fn vg_mut(k: &mut Kernel, net: NetId, owner: Owner) -> Option<&mut NetBridgeVlanGroup> {
    match owner {
        Owner::Bridge(br) => k.dev_mut(net, br)?.br_mut()?.vlgrp.as_mut(),
        Owner::Port(p) => k.dev_mut(net, p)?.br_port_mut()?.vlgrp.as_mut(),
    }
}

fn vg(k: &Kernel, net: NetId, owner: Owner) -> Option<&NetBridgeVlanGroup> {
    match owner {
        Owner::Bridge(br) => k.dev(net, br)?.br()?.vlgrp.as_ref(),
        Owner::Port(p) => k.dev(net, p)?.br_port()?.vlgrp.as_ref(),
    }
}

/// `br_vlan_group`: the bridge's VLANs (none without VLAN filtering built).
pub(crate) fn br_vlan_group(k: &Kernel, net: NetId, br: u32) -> Option<&NetBridgeVlanGroup> {
    vg(k, net, Owner::Bridge(br))
}

/// `nbp_vlan_group`: the port's VLANs (none without VLAN filtering built).
pub(crate) fn nbp_vlan_group(k: &Kernel, net: NetId, port: u32) -> Option<&NetBridgeVlanGroup> {
    vg(k, net, Owner::Port(port))
}

/// The bridge a port belongs to.
fn port_br(k: &Kernel, net: NetId, port: u32) -> Option<u32> {
    k.dev(net, port)?.master
}

/// `br_vlan_rtnl_init` (from `br_netlink_init`): PF_BRIDGE RTM_NEWVLAN and RTM_DELVLAN
/// (`br_vlan_rtm_process`) and the RTM_GETVLAN dump (`br_vlan_rtm_dump`), where the build has
/// VLAN filtering; elsewhere these types have no handler (EOPNOTSUPP).
pub(crate) fn br_vlan_rtnl_init(k: &mut Kernel) {
    if !k.profile.config.bridge_vlan_filtering {
        return;
    }
    rtnl_register(
        k,
        PF_BRIDGE,
        RTM_NEWVLAN,
        Some(br_vlan_rtm_process),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_BRIDGE,
        RTM_DELVLAN,
        Some(br_vlan_rtm_process),
        None,
        0,
    );
    rtnl_register(k, PF_BRIDGE, RTM_GETVLAN, None, Some(br_vlan_rtm_dump), 0);
}

/// `br_vlan_rtm_process`: RTM_NEWVLAN / RTM_DELVLAN: the request parsed strictly after its
/// `br_vlan_msg` (only BRIDGE_VLANDB_ENTRY and _GLOBAL_OPTIONS), a bridge or bridge port
/// (ENODEV, EINVAL), each entry in order (`br_vlan_rtm_process_one`) up to the first error;
/// none at all is EINVAL. Global options are checked as far as `br_vlan_rtm_process_global_options`
/// gets before setting them.
fn br_vlan_rtm_process(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    use crate::nlattr::{nlmsg_parse, NlaPolicy, NlaType, Validate};
    let net = crate::af_netlink::skb_net(k, skb);
    let msg = nlh.bytes();
    // nlmsg_parse without a policy: of the strict checks only the maximum type and trailing
    // bytes apply, which is the deprecated strict parse over unvalidated entries.
    let policy = [NlaPolicy::of(NlaType::Unspec); 3];
    nlmsg_parse(
        msg,
        BR_VLAN_MSG_LEN,
        &policy,
        Validate::DeprecatedStrict,
        extack,
    )?;
    let hdr = nltwin_wire::br_vlan_msg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..])
        .map_err(|_| Errno::EINVAL)?;
    let Some(dev) = k.dev(net, hdr.ifindex) else {
        return Err(Errno::ENODEV.into());
    };
    if !dev.is_bridge_master() && dev.br_port().is_none() {
        extack.msg = Some("bridge: The device is not a valid bridge or bridge port".into());
        return Err(Errno::EINVAL.into());
    }
    let ifindex = dev.ifindex;
    let start = NLMSG_HDRLEN + BR_VLAN_MSG_LEN;
    let mut vlans = 0;
    for (ty, _, r) in crate::nlattr::nla_for_each_nested(msg, start..msg.len()) {
        let r = match ty {
            BRIDGE_VLANDB_ENTRY => {
                br_vlan_rtm_process_one(k, net, ifindex, msg, r, nlh.msg_type(), extack)
            }
            BRIDGE_VLANDB_GLOBAL_OPTIONS => {
                br_vlan_rtm_process_global_options(k, net, ifindex, msg, r, nlh.msg_type(), extack)
            }
            _ => continue,
        };
        vlans += 1;
        r?;
    }
    if vlans == 0 {
        extack.msg = Some("bridge: No vlans found to process".into());
        return Err(Errno::EINVAL.into());
    }
    Ok(())
}

/// `br_vlan_rtm_process_global_options` (`br_vlan_options.c`): a set operation (EINVAL for
/// RTM_DELVLAN) on a bridge device (EINVAL for a port), its nest parsed strictly (NLA_F_NESTED
/// required first); the options themselves are not modeled (`unimplemented` once the request
/// gets that far).
fn br_vlan_rtm_process_global_options(
    k: &Kernel,
    net: NetId,
    dev: u32,
    msg: &[u8],
    r: std::ops::Range<usize>,
    cmd: u16,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    if cmd != RTM_NEWVLAN {
        extack.msg = Some("bridge: Global vlan options support only set operation".into());
        return Err(Errno::EINVAL.into());
    }
    if !k.dev(net, dev).is_some_and(|d| d.is_bridge_master()) {
        extack.msg = Some("bridge: Global vlan options can only be set on bridge device".into());
        return Err(Errno::EINVAL.into());
    }
    if vg(k, net, Owner::Bridge(dev)).is_none() {
        return Err(Errno::ENODEV.into());
    }
    // The nest's flag is checked before its policy (br_vlan_db_gpol), which is not modeled.
    crate::nlattr::nla_parse_nested_flag_check(msg, r, extack)?;
    Err(crate::errno::unimplemented(
        "bridge global VLAN options (BRIDGE_VLANDB_GLOBAL_OPTIONS)",
    ))
}

/// The VLAN options a BRIDGE_VLANDB_ENTRY may carry in the release (`br_vlan_db_policy`, up to
/// its BRIDGE_VLANDB_ENTRY_MAX).
fn br_vlan_db_policy(features: FeatureSet) -> Vec<crate::nlattr::NlaPolicy> {
    use crate::nlattr::{NlaPolicy, NlaType};
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); 7];
    p[usize::from(BRIDGE_VLANDB_ENTRY_INFO)] = NlaPolicy::exact_len(BRIDGE_VLAN_INFO_LEN as u16);
    p[usize::from(BRIDGE_VLANDB_ENTRY_RANGE)] = NlaPolicy::of(NlaType::U16);
    p[usize::from(BRIDGE_VLANDB_ENTRY_STATE)] = NlaPolicy::of(NlaType::U8);
    p[usize::from(BRIDGE_VLANDB_ENTRY_TUNNEL_INFO)] = NlaPolicy::of(NlaType::Nested);
    p[usize::from(BRIDGE_VLANDB_ENTRY_MCAST_ROUTER)] = NlaPolicy::of(NlaType::U8);
    if features.has(Feature::BrPortMcastMaxGroups) {
        p.push(NlaPolicy::of(NlaType::Reject)); // MCAST_N_GROUPS
        p.push(NlaPolicy::of(NlaType::U32)); // MCAST_MAX_GROUPS
    }
    if features.has(Feature::BrNeighVlanSuppress) {
        p.push(NlaPolicy::max(NlaType::U8, 1)); // NEIGH_SUPPRESS
    }
    if features.has(Feature::BrNeighForwardGrat) {
        p.push(NlaPolicy::max(NlaType::U8, 1)); // NEIGH_FORWARD_GRAT
    }
    p
}

/// `br_vlan_rtm_process_one`: one entry: `nla_parse_nested` (the nest flagged NLA_F_NESTED,
/// its attributes strictly against `br_vlan_db_policy`); its
/// BRIDGE_VLANDB_ENTRY_INFO required, without old-style range flags, a valid id; with
/// BRIDGE_VLANDB_ENTRY_RANGE the info becomes the range's start (RANGE_BEGIN set in the
/// request itself) and the range is checked; then, unless RTM_NEWVLAN asks for options only,
/// `br_process_vlan_info` as a PF_BRIDGE RTM_SETLINK / RTM_DELLINK would, a change announced
/// first as a PF_BRIDGE message of that type; for RTM_NEWVLAN the options
/// (`br_vlan_process_options`).
#[allow(clippy::too_many_arguments)]
fn br_vlan_rtm_process_one(
    k: &mut Kernel,
    net: NetId,
    dev: u32,
    msg: &[u8],
    r: std::ops::Range<usize>,
    cmd: u16,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    use super::br_netlink::{br_process_vlan_info, br_vlan_valid_id, br_vlan_valid_range};
    use crate::uapi::rtnetlink::{RTM_DELLINK, RTM_SETLINK};
    let d = k.dev(net, dev).expect("looked up");
    let (br, port) = if d.is_bridge_master() {
        (dev, None)
    } else {
        (d.master.unwrap_or(0), Some(dev))
    };
    let owner = port.map_or(Owner::Bridge(br), Owner::Port);
    if vg(k, net, owner).is_none() {
        return Err(Errno::ENODEV.into());
    }
    let policy = br_vlan_db_policy(k.features);
    let tb = crate::nlattr::nla_parse_nested(msg, r, &policy, extack)?;
    let Some(info_at) = tb
        .get(usize::from(BRIDGE_VLANDB_ENTRY_INFO))
        .cloned()
        .flatten()
    else {
        extack.msg = Some("bridge: Missing vlan entry info".into());
        return Err(Errno::EINVAL.into());
    };
    let mut vinfo = nltwin_wire::bridge_vlan_info::Repr::parse_bytes(&msg[info_at.clone()])
        .map_err(|_| Errno::EINVAL)?;
    if vinfo.flags & (BRIDGE_VLAN_INFO_RANGE_BEGIN | BRIDGE_VLAN_INFO_RANGE_END) != 0 {
        extack.msg =
            Some("bridge: Old-style vlan ranges are not allowed when using RTM vlan calls".into());
        return Err(Errno::EINVAL.into());
    }
    if !br_vlan_valid_id(vinfo.vid, extack) {
        return Err(Errno::EINVAL.into());
    }
    let mut vinfo_last = None;
    if let Some(rr) = tb
        .get(usize::from(BRIDGE_VLANDB_ENTRY_RANGE))
        .cloned()
        .flatten()
    {
        let end_vid = nltwin_wire::scalar::get_u16(&msg[rr]).unwrap_or(0);
        let vrange_end = nltwin_wire::bridge_vlan_info::Repr {
            flags: BRIDGE_VLAN_INFO_RANGE_END | vinfo.flags,
            vid: end_vid,
        };
        // The start is the request's own entry: the flag is written into it.
        vinfo.flags |= BRIDGE_VLAN_INFO_RANGE_BEGIN;
        extack
            .request_writes
            .push((info_at.start, vinfo.flags.to_ne_bytes().to_vec()));
        vinfo_last = Some(vinfo);
        vinfo = vrange_end;
        if !br_vlan_valid_id(vinfo.vid, extack)
            || !br_vlan_valid_range(&vinfo, vinfo_last.as_ref(), extack)
        {
            return Err(Errno::EINVAL.into());
        }
    }
    let (cmdmap, skip_processing) = if cmd == RTM_NEWVLAN {
        (RTM_SETLINK, vinfo.flags & BRIDGE_VLAN_INFO_ONLY_OPTS != 0)
    } else {
        (RTM_DELLINK, false)
    };
    if !skip_processing {
        let mut tmp_last = vinfo_last;
        let mut changed = false;
        let err = br_process_vlan_info(
            k,
            net,
            br,
            port,
            cmdmap,
            (vinfo, info_at.start),
            &mut tmp_last,
            &mut changed,
            extack,
        );
        if matches!(err, Err(crate::errno::SysError::Unimplemented(_))) {
            return err;
        }
        // Announced first, as a PF_BRIDGE message of the link command's type.
        if changed {
            super::br_netlink::br_ifinfo_notify(k, net, dev, cmdmap)?;
        }
        err?;
    }
    if cmd != RTM_NEWVLAN {
        return Ok(());
    }
    let (first, last) = match vinfo_last {
        Some(l) => (l.vid, vinfo.vid),
        None => (vinfo.vid, vinfo.vid),
    };
    br_vlan_process_options(k, net, owner, first, last, &tb, extack)
}

/// `br_vlan_process_options`: the range's first and last VLANs, and every one between, must
/// be in use (ENOENT with the kernel's messages); setting options themselves is not modeled,
/// so an entry without any changes nothing and announces nothing.
fn br_vlan_process_options(
    k: &Kernel,
    net: NetId,
    owner: Owner,
    first: u16,
    last: u16,
    tb: &crate::nlattr::Tb,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let vg = vg(k, net, owner).expect("checked by the caller");
    let used = |vid: u16| vg.find(vid).is_some_and(NetBridgeVlan::should_use);
    if !used(first) {
        extack.msg = Some("bridge: Vlan range start doesn't exist, can't process options".into());
        return Err(Errno::ENOENT.into());
    }
    if !used(last) {
        extack.msg = Some("bridge: Vlan range end doesn't exist, can't process options".into());
        return Err(Errno::ENOENT.into());
    }
    let has_options = tb
        .iter()
        .enumerate()
        .filter(|&(ty, _)| ty != usize::from(BRIDGE_VLANDB_ENTRY_STATS))
        .any(|(ty, a)| a.is_some() && ty > usize::from(BRIDGE_VLANDB_ENTRY_RANGE));
    for vid in first..=last {
        if !used(vid) {
            extack.msg = Some("bridge: Vlan in range doesn't exist, can't process options".into());
            return Err(Errno::ENOENT.into());
        }
        if has_options {
            return Err(crate::errno::unimplemented(
                "VLAN options set by RTM_NEWVLAN (state, tunnel, multicast router and groups, \
                 neighbour suppression)",
            ));
        }
    }
    Ok(())
}

/// `br_vlan_rtm_dump`: the RTM_GETVLAN dump (`bridge vlan show` of iproute2's newer form):
/// the request parsed strictly after its `br_vlan_msg` (BRIDGE_VLANDB_DUMP_FLAGS, a u32); with
/// an ifindex that device alone (ENODEV when missing, EINVAL for one that is neither a bridge
/// nor a port), else every device in list order, those that are neither skipped. The global
/// options dump (BRIDGE_VLANDB_DUMPF_GLOBAL) is not modeled.
fn br_vlan_rtm_dump(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    use crate::nlattr::{nlmsg_parse, NlaPolicy, NlaType, Validate};
    let msg = cb.nlh.clone();
    let policy = [NlaPolicy::of(NlaType::Unspec), NlaPolicy::of(NlaType::U32)];
    let mut extack = NetlinkExtAck::default();
    let tb = nlmsg_parse(
        &msg,
        BR_VLAN_MSG_LEN,
        &policy,
        Validate::Strict,
        &mut extack,
    );
    if extack.msg.is_some() || extack.bad_attr.is_some() {
        cb.extack = extack;
    }
    let tb = match tb {
        Ok(tb) => tb,
        Err(e) => return Ok(e.as_neg()),
    };
    let dump_flags = tb
        .get(usize::from(BRIDGE_VLANDB_DUMP_FLAGS))
        .cloned()
        .flatten()
        .and_then(|r| nltwin_wire::scalar::get_u32(&msg[r]))
        .unwrap_or(0);
    let hdr = nltwin_wire::br_vlan_msg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..])
        .map_err(|_| Errno::EINVAL)?;
    let net = cb.net;
    if hdr.ifindex != 0 {
        if k.dev(net, hdr.ifindex).is_none() {
            return Ok(Errno::ENODEV.as_neg());
        }
        return match br_vlan_dump_dev(k, skb, cb, hdr.ifindex, dump_flags)? {
            // The device's message then NLMSG_DONE (or the error).
            Ok(()) => Ok(0),
            Err(Errno::EMSGSIZE) => Ok(skb.len() as i32),
            Err(e) => Ok(e.as_neg()),
        };
    }
    let s_idx = cb.args[0];
    let mut idx = 0i64;
    // for_each_netdev_rcu: in registration order.
    let ifindexes: Vec<u32> = k
        .net(net)
        .devices
        .for_each_netdev()
        .map(|d| d.ifindex)
        .collect();
    for ifindex in ifindexes {
        if idx >= s_idx
            && br_vlan_dump_dev(k, skb, cb, ifindex, dump_flags)? == Err(Errno::EMSGSIZE)
        {
            break;
        }
        idx += 1;
    }
    cb.args[0] = idx;
    Ok(skb.len() as i32)
}

/// `br_vlan_can_enter_range`: the next id, neither being the PVID, with the same flags and
/// options (`br_vlan_opts_eq_range`: state and multicast router; no tunnel, per-VLAN snooping
/// off). Releases without [`Feature::BrVlanRangeEndPvid`] only refuse the PVID itself (the
/// dump's own check), so the VLAN after the PVID joins the PVID's range, whose end
/// `br_vlan_fill_vids` then leaves out.
fn br_vlan_can_enter_range(
    features: FeatureSet,
    v_curr: &NetBridgeVlan,
    range_end: &NetBridgeVlan,
    pvid: u16,
) -> bool {
    v_curr.vid != pvid
        && (range_end.vid != pvid || !features.has(Feature::BrVlanRangeEndPvid))
        && v_curr.vid.wrapping_sub(range_end.vid) == 1
        && range_end.flags == v_curr.flags
        && v_curr.state == range_end.state
        && v_curr.multicast_router == range_end.multicast_router
}

/// `br_vlan_flags`: the entry's flags, PVID added when it is the group's.
fn br_vlan_flags(v: &NetBridgeVlan, pvid: u16) -> u16 {
    if v.vid == pvid {
        v.flags | BRIDGE_VLAN_INFO_PVID
    } else {
        v.flags
    }
}

/// `br_vlan_dump_dev`: one RTM_NEWVLAN for a bridge or port with a VLAN group (EINVAL for
/// other devices; a port gives nothing to a global dump): its VLANs in use from the entry the
/// last part stopped at (`cb->args[1]`), runs that can share a range as one entry (each alone
/// with statistics). A message that fills up is sent as far as it got, the next part
/// resuming at the range that did not fit.
fn br_vlan_dump_dev(
    k: &Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    ifindex: u32,
    dump_flags: u32,
) -> SysResult<Result<(), Errno>> {
    let dump_global = dump_flags & BRIDGE_VLANDB_DUMPF_GLOBAL != 0;
    let dump_stats = dump_flags & BRIDGE_VLANDB_DUMPF_STATS != 0;
    let net = cb.net;
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(Err(Errno::EINVAL));
    };
    let vg = if dev.is_bridge_master() {
        if dump_global {
            return Err(crate::errno::unimplemented(
                "the RTM_GETVLAN dump of global VLAN options (BRIDGE_VLANDB_DUMPF_GLOBAL)",
            ));
        }
        dev.br().and_then(|b| b.vlgrp.as_ref())
    } else if let Some(p) = dev.br_port() {
        if dump_global {
            return Ok(Ok(()));
        }
        p.vlgrp.as_ref()
    } else {
        return Ok(Err(Errno::EINVAL));
    };
    let Some(vg) = vg else {
        return Ok(Ok(()));
    };
    let features = k.features;
    let s_idx = cb.args[1];
    let seq = cb.request().seq();
    let Ok(at) = skb.nlmsg_put(cb.portid, seq, RTM_NEWVLAN, BR_VLAN_MSG_LEN, NLM_F_MULTI) else {
        return Ok(Err(Errno::EMSGSIZE));
    };
    let hdr = nltwin_wire::br_vlan_msg::Repr {
        family: PF_BRIDGE,
        ifindex,
    };
    skb.nlmsg_data_mut(at)[..BR_VLAN_MSG_LEN].copy_from_slice(&hdr.to_bytes());
    let pvid = vg.pvid;
    let mut idx = 0i64;
    let mut err = Ok(());
    let mut range: Option<(&NetBridgeVlan, &NetBridgeVlan)> = None;
    let fill = |skb: &mut SkBuff, start: &NetBridgeVlan, end: &NetBridgeVlan| {
        let flags = br_vlan_flags(start, pvid);
        br_vlan_fill_vids(
            skb,
            features,
            start.vid,
            end.vid,
            Some(start),
            flags,
            dump_stats,
        )
    };
    for v in vg.vlan_list.iter().filter(|v| v.should_use()) {
        if idx < s_idx {
            idx += 1;
            continue;
        }
        let Some((start, end)) = range else {
            range = Some((v, v));
            continue;
        };
        if dump_stats || !br_vlan_can_enter_range(features, v, end, pvid) {
            if let Err(e) = fill(skb, start, end) {
                err = Err(e);
                break;
            }
            // The filled VLANs count from here on.
            idx += i64::from(end.vid - start.vid) + 1;
            range = Some((v, v));
        } else {
            range = Some((start, v));
        }
    }
    if let (Ok(()), Some((start, end))) = (err, range) {
        err = fill(skb, start, end);
    }
    cb.args[1] = if err.is_err() { idx } else { 0 };
    skb.nlmsg_end(at);
    Ok(err)
}

/// `br_vlan_init` (from `br_dev_init`): an empty VLAN group, 802.1Q, default PVID 1. Only a
/// build with VLAN filtering has one.
pub(crate) fn br_vlan_init(config: &Config, br: &mut NetBridge) {
    if !config.bridge_vlan_filtering {
        return;
    }
    br.vlgrp = Some(NetBridgeVlanGroup::default());
    br.vlan_proto = ETH_P_8021Q;
    br.default_pvid = BR_DEFAULT_PVID;
}

/// `__vlan_add`: put a new entry in its group. A port's entry first makes the bridge entry
/// when asked (BRIDGE_VLAN_INFO_MASTER, notified) and takes a reference on the global entry
/// (created when missing); an entry in use adds the device's local forwarding entry on its
/// VLAN (`br_fdb_add_local`, before the entry is listed) and counts; it forwards (no MST); its
/// flags are applied.
fn vlan_add(
    k: &mut Kernel,
    net: NetId,
    owner: Owner,
    mut v: NetBridgeVlan,
    flags: u16,
) -> SysResult<()> {
    if let Owner::Port(port) = owner {
        let Some(br) = port_br(k, net, port) else {
            return Err(Errno::EINVAL.into());
        };
        // __vlan_vid_add: the port device's VLAN filter (vlan_vid_add), nothing netlink shows.
        if flags & BRIDGE_VLAN_INFO_MASTER != 0 {
            let changed = br_vlan_add(k, net, br, v.vid, flags | BRIDGE_VLAN_INFO_BRENTRY)?;
            if changed {
                br_vlan_notify(k, net, br, None, v.vid, 0, RTM_NEWVLAN)?;
            }
        }
        br_vlan_get_master(k, net, br, v.vid)?;
    }
    // br_multicast_ctx_init / br_multicast_port_ctx_init.
    v.multicast_router = MDB_RTR_TYPE_TEMP_QUERY;
    v.state = BR_STATE_FORWARDING;
    let vid = v.vid;
    if v.should_use() {
        let (br, source, dev) = match owner {
            Owner::Bridge(br) => (br, None, br),
            Owner::Port(p) => (port_br(k, net, p).unwrap_or(0), Some(p), p),
        };
        let addr = k.dev(net, dev).map(|d| d.addr.clone()).unwrap_or_default();
        if super::br_fdb::fdb_add_local(k, net, br, source, &addr, vid)?.is_err() {
            // The device's address is valid (a port's is checked when it joins, a bridge's
            // whenever it is set): the kernel's rollback here is not modeled.
            return Err(crate::errno::unimplemented(
                "__vlan_add's rollback after br_fdb_add_local failed",
            ));
        }
    }
    let Some(vg) = vg_mut(k, net, owner) else {
        return Err(Errno::EINVAL.into());
    };
    if v.should_use() {
        vg.num_vlans += 1;
    }
    vg.add_list(v);
    vg.flags_update(vid, flags, true);
    Ok(())
}

/// `br_vlan_get_master`: a reference on the bridge's global entry of `vid`, which is created
/// (as a context only, not a bridge entry) when missing.
fn br_vlan_get_master(k: &mut Kernel, net: NetId, br: u32, vid: u16) -> SysResult<()> {
    let exists = vg(k, net, Owner::Bridge(br)).is_some_and(|g| g.find(vid).is_some());
    if !exists {
        br_vlan_add(k, net, br, vid, 0)?;
        if let Some(m) = vg_mut(k, net, Owner::Bridge(br)).and_then(|g| g.find_mut(vid)) {
            m.refcnt = 1;
        }
        return Ok(());
    }
    if let Some(m) = vg_mut(k, net, Owner::Bridge(br)).and_then(|g| g.find_mut(vid)) {
        m.refcnt += 1;
    }
    Ok(())
}

/// `br_vlan_put_master`: drop a reference on a global entry; the last one removes it.
fn br_vlan_put_master(k: &mut Kernel, net: NetId, br: u32, vid: u16) {
    let Some(vg) = vg_mut(k, net, Owner::Bridge(br)) else {
        return;
    };
    let Some(m) = vg.find_mut(vid).filter(|m| m.is_master()) else {
        return;
    };
    m.refcnt = m.refcnt.saturating_sub(1);
    if m.refcnt == 0 {
        vg.del_list(vid);
    }
}

/// `br_vlan_add_existing`: a global entry becomes a bridge entry (counted, a reference
/// taken), or a bridge entry's flags change; `changed` says whether either happened.
fn br_vlan_add_existing(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    vid: u16,
    flags: u16,
) -> SysResult<bool> {
    let Some(vg) = vg(k, net, Owner::Bridge(br)) else {
        return Err(Errno::EINVAL.into());
    };
    let becomes_brentry = !vg.find(vid).expect("the caller found it").is_brentry();
    // Trying to change the flags of a VLAN the bridge does not use.
    if becomes_brentry && flags & BRIDGE_VLAN_INFO_BRENTRY == 0 {
        return Err(Errno::EINVAL.into());
    }
    let would_change = !becomes_brentry && vg.clone().flags_update(vid, flags, false);
    if becomes_brentry {
        // It was kept only for its ports' entries: now the bridge's own local forwarding
        // entry on the VLAN comes first (br_fdb_add_local).
        let addr = k.dev(net, br).map(|d| d.addr.clone()).unwrap_or_default();
        if super::br_fdb::fdb_add_local(k, net, br, None, &addr, vid)?.is_err() {
            return Err(crate::errno::unimplemented(
                "br_vlan_add_existing after br_fdb_add_local failed",
            ));
        }
    }
    let vg = vg_mut(k, net, Owner::Bridge(br)).expect("checked above");
    if becomes_brentry {
        let v = vg.find_mut(vid).expect("found above");
        v.refcnt += 1;
        v.flags |= BRIDGE_VLAN_INFO_BRENTRY;
        vg.num_vlans += 1;
    }
    vg.flags_update(vid, flags, true);
    Ok(becomes_brentry || would_change)
}

/// `br_vlan_add`: add (or update) the bridge's global entry of `vid`; true when it was created
/// or changed.
pub(crate) fn br_vlan_add(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    vid: u16,
    flags: u16,
) -> SysResult<bool> {
    vlan_filtering_built(k)?;
    let Some(vg) = vg(k, net, Owner::Bridge(br)) else {
        return Err(Errno::EINVAL.into());
    };
    if vg.find(vid).is_some() {
        return br_vlan_add_existing(k, net, br, vid, flags);
    }
    let v = NetBridgeVlan {
        vid,
        flags: (flags | BRIDGE_VLAN_INFO_MASTER) & !BRIDGE_VLAN_INFO_PVID,
        state: BR_STATE_FORWARDING,
        refcnt: u32::from(flags & BRIDGE_VLAN_INFO_BRENTRY != 0),
        multicast_router: MDB_RTR_TYPE_TEMP_QUERY,
    };
    vlan_add(k, net, Owner::Bridge(br), v, flags)?;
    Ok(true)
}

/// `__vlan_del`: the entry leaves the PVID and stops counting; a port's entry leaves its list
/// and drops its reference on the global entry; a global entry drops its own bridge
/// reference (and goes with the last).
fn vlan_del(k: &mut Kernel, net: NetId, owner: Owner, vid: u16) -> SysResult<()> {
    let Some(vg) = vg_mut(k, net, owner) else {
        return Ok(());
    };
    if vg.pvid == vid {
        vg.pvid = 0;
    }
    let Some(v) = vg.find_mut(vid) else {
        return Ok(());
    };
    if v.should_use() {
        v.flags &= !BRIDGE_VLAN_INFO_BRENTRY;
        vg.num_vlans = vg.num_vlans.saturating_sub(1);
    }
    match owner {
        Owner::Port(port) => {
            // __vlan_vid_del: the port device's VLAN filter, nothing netlink shows.
            vg.del_list(vid);
            if let Some(br) = port_br(k, net, port) {
                br_vlan_put_master(k, net, br, vid);
            }
        }
        Owner::Bridge(br) => br_vlan_put_master(k, net, br, vid),
    }
    Ok(())
}

/// `br_vlan_delete`: remove the bridge entry of `vid` (ENOENT when the bridge does not use
/// it): first the bridge's local forwarding entry on it and its dynamic ones.
pub(crate) fn br_vlan_delete(k: &mut Kernel, net: NetId, br: u32, vid: u16) -> SysResult<()> {
    vlan_filtering_built(k)?;
    let used = vg(k, net, Owner::Bridge(br))
        .and_then(|g| g.find(vid))
        .is_some_and(NetBridgeVlan::is_brentry);
    if !used {
        return Err(Errno::ENOENT.into());
    }
    let addr = k.dev(net, br).map(|d| d.addr.clone()).unwrap_or_default();
    super::br_fdb::br_fdb_find_delete_local(k, net, br, None, &addr, vid)?;
    super::br_fdb::br_fdb_delete_by_port(k, net, br, None, vid, false)?;
    vlan_del(k, net, Owner::Bridge(br), vid)
}

/// `nbp_vlan_add`: add (or update) the port's entry of `vid`; true when it was created or
/// changed.
pub(crate) fn nbp_vlan_add(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    vid: u16,
    flags: u16,
) -> SysResult<bool> {
    vlan_filtering_built(k)?;
    let Some(vg) = vg_mut(k, net, Owner::Port(port)) else {
        return Err(Errno::EINVAL.into());
    };
    if vg.find(vid).is_some() {
        let changed = vg.flags_update(vid, flags, false);
        vg.flags_update(vid, flags, true);
        return Ok(changed);
    }
    let v = NetBridgeVlan {
        vid,
        flags: 0,
        state: BR_STATE_FORWARDING,
        refcnt: 0,
        multicast_router: MDB_RTR_TYPE_TEMP_QUERY,
    };
    vlan_add(k, net, Owner::Port(port), v, flags)?;
    Ok(true)
}

/// `nbp_vlan_delete`: remove the port's entry of `vid` (ENOENT when it has none): first the
/// port's local forwarding entry on it and its dynamic ones.
pub(crate) fn nbp_vlan_delete(k: &mut Kernel, net: NetId, port: u32, vid: u16) -> SysResult<()> {
    vlan_filtering_built(k)?;
    if vg(k, net, Owner::Port(port))
        .and_then(|g| g.find(vid))
        .is_none()
    {
        return Err(Errno::ENOENT.into());
    }
    let br = port_br(k, net, port).unwrap_or(0);
    let addr = k.dev(net, port).map(|d| d.addr.clone()).unwrap_or_default();
    super::br_fdb::br_fdb_find_delete_local(k, net, br, Some(port), &addr, vid)?;
    super::br_fdb::br_fdb_delete_by_port(k, net, br, Some(port), vid, false)?;
    vlan_del(k, net, Owner::Port(port), vid)
}

/// Without CONFIG_BRIDGE_VLAN_FILTERING the VLAN functions are stubs answering EOPNOTSUPP.
fn vlan_filtering_built(k: &Kernel) -> SysResult<()> {
    if k.profile.config.bridge_vlan_filtering {
        Ok(())
    } else {
        Err(Errno::EOPNOTSUPP.into())
    }
}

/// `nbp_vlan_init` (from `br_add_if`): the port's VLAN group, and the bridge's default PVID
/// on it (PVID, untagged), notified. Nothing without VLAN filtering built.
pub(crate) fn nbp_vlan_init(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    let Some(br) = port_br(k, net, port) else {
        return Ok(());
    };
    let Some(pvid) = k
        .dev(net, br)
        .and_then(|b| b.br())
        .filter(|b| b.vlgrp.is_some())
        .map(|b| b.default_pvid)
    else {
        return Ok(());
    };
    if let Some(p) = dev_mut(k, net, port).br_port_mut() {
        p.vlgrp = Some(NetBridgeVlanGroup::default());
    }
    if pvid != 0 {
        nbp_vlan_add(
            k,
            net,
            port,
            pvid,
            BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED,
        )?;
        br_vlan_notify(k, net, br, Some(port), pvid, 0, RTM_NEWVLAN)?;
    }
    Ok(())
}

/// `__vlan_flush`: every entry of the group removed in id order, each run of consecutive ids
/// notified as one RTM_DELVLAN range.
fn vlan_flush(k: &mut Kernel, net: NetId, br: u32, owner: Owner) -> SysResult<()> {
    let port = match owner {
        Owner::Port(p) => Some(p),
        Owner::Bridge(_) => None,
    };
    let Some(vg) = vg_mut(k, net, owner) else {
        return Ok(());
    };
    vg.pvid = 0;
    let vids: Vec<u16> = vg.vlan_list.iter().map(|v| v.vid).collect();
    let (mut start, mut end) = (0u16, 0u16);
    for vid in vids {
        if start == 0 {
            start = vid;
        } else if vid - end != 1 {
            br_vlan_notify(k, net, br, port, start, end, RTM_DELVLAN)?;
            start = vid;
        }
        end = vid;
        vlan_del(k, net, owner, vid)?;
    }
    if start != 0 {
        br_vlan_notify(k, net, br, port, start, end, RTM_DELVLAN)?;
    }
    Ok(())
}

/// `nbp_vlan_flush` (from `del_nbp`): the port's entries removed (notified), its group gone.
pub(crate) fn nbp_vlan_flush(k: &mut Kernel, net: NetId, port: u32) -> SysResult<()> {
    let Some(br) = port_br(k, net, port) else {
        return Ok(());
    };
    vlan_flush(k, net, br, Owner::Port(port))?;
    if let Some(p) = dev_mut(k, net, port).br_port_mut() {
        p.vlgrp = None;
    }
    Ok(())
}

/// `br_vlan_flush` (from `br_dev_uninit`): what is left of the bridge's entries removed
/// (notified), its group gone.
pub(crate) fn br_vlan_flush(k: &mut Kernel, net: NetId, br: u32) -> SysResult<()> {
    vlan_flush(k, net, br, Owner::Bridge(br))?;
    if let Some(b) = k.dev_mut(net, br).and_then(|d| d.br_mut()) {
        b.vlgrp = None;
    }
    Ok(())
}

/// The device events `br_vlan_bridge_event` handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BridgeEvent {
    /// NETDEV_REGISTER.
    Register,
    /// NETDEV_UNREGISTER.
    Unregister,
}

/// `br_vlan_bridge_event`: a registered bridge gets its own entry of the default PVID (PVID,
/// untagged, a bridge entry); an unregistered one loses it; each change notified.
pub(crate) fn br_vlan_bridge_event(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    event: BridgeEvent,
) -> SysResult<()> {
    let Some(pvid) = k
        .dev(net, br)
        .and_then(|b| b.br())
        .filter(|b| b.vlgrp.is_some())
        .map(|b| b.default_pvid)
    else {
        return Ok(());
    };
    let (changed, cmd) = match event {
        BridgeEvent::Register => {
            let flags =
                BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED | BRIDGE_VLAN_INFO_BRENTRY;
            (br_vlan_add(k, net, br, pvid, flags)?, RTM_NEWVLAN)
        }
        BridgeEvent::Unregister => (br_vlan_delete(k, net, br, pvid).is_ok(), RTM_DELVLAN),
    };
    if changed {
        br_vlan_notify(k, net, br, None, pvid, 0, cmd)?;
    }
    Ok(())
}

/// `br_vlan_opts_nl_size`: what a VLAN's options may take (`br_vlan_options.c`; IGMP
/// snooping built).
fn br_vlan_opts_nl_size(features: FeatureSet) -> usize {
    let u8_attr = nla_total_size(1);
    let mut size = u8_attr // STATE
        + nla_total_size(0) // TUNNEL_INFO
        + nla_total_size(4) // TINFO_ID
        + u8_attr; // MCAST_ROUTER
    if features.has(Feature::BrPortMcastMaxGroups) {
        size += 2 * nla_total_size(4); // MCAST_N_GROUPS, MCAST_MAX_GROUPS
    }
    if features.has(Feature::BrNeighVlanSuppress) {
        size += u8_attr;
    }
    if features.has(Feature::BrNeighForwardGrat) {
        size += u8_attr;
    }
    size
}

/// `rtnl_vlan_nlmsg_size`: the payload a VLAN notification is allocated for.
fn rtnl_vlan_nlmsg_size(features: FeatureSet) -> usize {
    BR_VLAN_MSG_LEN
        + nla_total_size(0) // ENTRY
        + nla_total_size(2) // ENTRY_RANGE
        + nla_total_size(BRIDGE_VLAN_INFO_LEN) // ENTRY_INFO
        + br_vlan_opts_nl_size(features)
}

/// `br_vlan_opts_fill`: a VLAN's options: its state, (no tunnel), its neighbour suppression
/// (and gratuitous forwarding) where the release has them, its multicast router; a port's
/// group counts only with per-VLAN multicast snooping, which is off.
fn br_vlan_opts_fill(
    skb: &mut SkBuff,
    features: FeatureSet,
    v: &NetBridgeVlan,
) -> Result<(), Errno> {
    skb.nla_put_u8(BRIDGE_VLANDB_ENTRY_STATE, v.state)?;
    if features.has(Feature::BrNeighVlanSuppress) {
        skb.nla_put_u8(BRIDGE_VLANDB_ENTRY_NEIGH_SUPPRESS, 0)?;
    }
    if features.has(Feature::BrNeighForwardGrat) {
        skb.nla_put_u8(BRIDGE_VLANDB_ENTRY_NEIGH_FORWARD_GRAT, 0)?;
    }
    skb.nla_put_u8(BRIDGE_VLANDB_ENTRY_MCAST_ROUTER, v.multicast_router)?;
    Ok(())
}

/// `br_vlan_fill_vids`: one BRIDGE_VLANDB_ENTRY: the VLAN's info (only its PVID and untagged
/// flags), its range end unless it is the PVID, and its options when given (with its
/// statistics for a dump asking for them). An entry that does not fit is taken back whole.
fn br_vlan_fill_vids(
    skb: &mut SkBuff,
    features: FeatureSet,
    vid: u16,
    vid_range: u16,
    v_opts: Option<&NetBridgeVlan>,
    flags: u16,
    dump_stats: bool,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = br_vlan_fill_vids_nest(skb, features, vid, vid_range, v_opts, flags, dump_stats);
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

fn br_vlan_fill_vids_nest(
    skb: &mut SkBuff,
    features: FeatureSet,
    vid: u16,
    vid_range: u16,
    v_opts: Option<&NetBridgeVlan>,
    flags: u16,
    dump_stats: bool,
) -> Result<(), Errno> {
    let nest = skb.nla_nest_start(BRIDGE_VLANDB_ENTRY)?;
    let info_flags = flags & (BRIDGE_VLAN_INFO_UNTAGGED | BRIDGE_VLAN_INFO_PVID);
    let info = nltwin_wire::bridge_vlan_info::Repr {
        flags: info_flags,
        vid,
    };
    skb.nla_put(BRIDGE_VLANDB_ENTRY_INFO, &info.to_bytes())?;
    if vid_range != 0 && vid < vid_range && flags & BRIDGE_VLAN_INFO_PVID == 0 {
        skb.nla_put_u16(BRIDGE_VLANDB_ENTRY_RANGE, vid_range)?;
    }
    if let Some(v) = v_opts {
        br_vlan_opts_fill(skb, features, v)?;
        if dump_stats {
            br_vlan_stats_fill(skb)?;
        }
    }
    skb.nla_nest_end(nest);
    Ok(())
}

/// `br_vlan_stats_fill`: the VLAN's counters, all zero (no frame crosses a modeled bridge);
/// 64-bit values need no pad attribute on x86-64.
fn br_vlan_stats_fill(skb: &mut SkBuff) -> Result<(), Errno> {
    let nest = skb.nla_nest_start(BRIDGE_VLANDB_ENTRY_STATS)?;
    for ty in [
        BRIDGE_VLANDB_STATS_RX_BYTES,
        BRIDGE_VLANDB_STATS_RX_PACKETS,
        BRIDGE_VLANDB_STATS_TX_BYTES,
        BRIDGE_VLANDB_STATS_TX_PACKETS,
    ] {
        skb.nla_put_u64(ty, 0)?;
    }
    skb.nla_nest_end(nest);
    Ok(())
}

/// `br_vlan_notify`: an RTM_NEWVLAN (the entry as it is, options included; nothing for an
/// entry not in use) or RTM_DELVLAN (the ids only) of the bridge's or a port's VLANs
/// `vid`..`vid_range`, to RTNLGRP_BRVLAN.
pub(crate) fn br_vlan_notify(
    k: &mut Kernel,
    net: NetId,
    br: u32,
    port: Option<u32>,
    vid: u16,
    vid_range: u16,
    cmd: u16,
) -> SysResult<()> {
    // Without VLAN filtering built, a stub.
    if !k.profile.config.bridge_vlan_filtering {
        return Ok(());
    }
    let Some(rtnl) = k.net(net).kernel_sock[NETLINK_ROUTE as usize] else {
        return Ok(());
    };
    let owner = port.map_or(Owner::Bridge(br), Owner::Port);
    let ifindex = port.unwrap_or(br);
    let (v, flags) = match cmd {
        RTM_NEWVLAN => {
            let Some(vg) = vg(k, net, owner) else {
                return Ok(());
            };
            let Some(v) = vg.find(vid).filter(|v| v.should_use()) else {
                return Ok(());
            };
            let pvid_flag = if vg.pvid == v.vid {
                BRIDGE_VLAN_INFO_PVID
            } else {
                0
            };
            (Some(v.clone()), v.flags | pvid_flag)
        }
        RTM_DELVLAN => (None, 0),
        _ => return Ok(()),
    };
    let features = k.features;
    let mut skb = SkBuff::alloc_skb(nlmsg_total_size(rtnl_vlan_nlmsg_size(features)));
    let at = skb.nlmsg_put(0, 0, cmd, BR_VLAN_MSG_LEN, 0)?;
    let hdr = nltwin_wire::br_vlan_msg::Repr {
        family: AF_BRIDGE,
        ifindex,
    };
    skb.nlmsg_data_mut(at)[..BR_VLAN_MSG_LEN].copy_from_slice(&hdr.to_bytes());
    br_vlan_fill_vids(&mut skb, features, vid, vid_range, v.as_ref(), flags, false)?;
    skb.nlmsg_end(at);
    skb.cb.dst_group = RTNLGRP_BRVLAN;
    // rtnl_notify: delivery failures land on the listeners.
    let _ = crate::af_netlink::broadcast::netlink_broadcast(k, rtnl, skb, 0, RTNLGRP_BRVLAN);
    Ok(())
}

/// The runs the compressed form groups VLANs in use into: consecutive ids with the same PVID
/// and untagged flags, as (first, last, flags).
fn compressed_runs(vg: &NetBridgeVlanGroup) -> Vec<(u16, u16, u16)> {
    let mut runs: Vec<(u16, u16, u16)> = Vec::new();
    for v in vg.vlan_list.iter().filter(|v| v.should_use()) {
        let flags = ifvlaninfo_flags(vg, v);
        match runs.last_mut() {
            Some((_, end, f)) if v.vid - *end == 1 && *f == flags => *end = v.vid,
            _ => runs.push((v.vid, v.vid, flags)),
        }
    }
    runs
}

/// `__get_num_vlan_infos`: how many IFLA_BRIDGE_VLAN_INFO entries the compressed form takes
/// (a range two).
pub(crate) fn num_compressed_vlan_infos(vg: &NetBridgeVlanGroup) -> usize {
    compressed_runs(vg)
        .iter()
        .map(|&(start, end, _)| if end > start { 2 } else { 1 })
        .sum()
}

/// `br_fill_ifvlaninfo_compressed`: a PF_BRIDGE message's IFLA_BRIDGE_VLAN_INFO entries, runs
/// of consecutive ids with the same flags as a RANGE_BEGIN / RANGE_END pair.
pub(crate) fn br_fill_ifvlaninfo_compressed(
    skb: &mut SkBuff,
    vg: &NetBridgeVlanGroup,
) -> Result<(), Errno> {
    for (start, end, flags) in compressed_runs(vg) {
        br_fill_ifvlaninfo_range(skb, start, end, flags)?;
    }
    Ok(())
}

/// `br_fill_ifvlaninfo`: one IFLA_BRIDGE_VLAN_INFO per VLAN in use.
pub(crate) fn br_fill_ifvlaninfo(skb: &mut SkBuff, vg: &NetBridgeVlanGroup) -> Result<(), Errno> {
    for v in vg.vlan_list.iter().filter(|v| v.should_use()) {
        put_vlan_info(skb, v.vid, ifvlaninfo_flags(vg, v))?;
    }
    Ok(())
}

/// The flags a PF_BRIDGE VLAN info shows: PVID and untagged.
fn ifvlaninfo_flags(vg: &NetBridgeVlanGroup, v: &NetBridgeVlan) -> u16 {
    let mut flags = v.flags & BRIDGE_VLAN_INFO_UNTAGGED;
    if v.vid == vg.pvid {
        flags |= BRIDGE_VLAN_INFO_PVID;
    }
    flags
}

/// `br_fill_ifvlaninfo_range`: one entry, or a begin/end pair for a range.
fn br_fill_ifvlaninfo_range(
    skb: &mut SkBuff,
    start: u16,
    end: u16,
    flags: u16,
) -> Result<(), Errno> {
    if end > start {
        put_vlan_info(skb, start, flags | BRIDGE_VLAN_INFO_RANGE_BEGIN)?;
        put_vlan_info(skb, end, flags | BRIDGE_VLAN_INFO_RANGE_END)
    } else {
        put_vlan_info(skb, start, flags)
    }
}

/// An IFLA_BRIDGE_VLAN_INFO (`struct bridge_vlan_info`: flags, then vid).
fn put_vlan_info(skb: &mut SkBuff, vid: u16, flags: u16) -> Result<(), Errno> {
    let info = nltwin_wire::bridge_vlan_info::Repr { flags, vid };
    skb.nla_put(IFLA_BRIDGE_VLAN_INFO, &info.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port_vlan(vid: u16, flags: u16) -> NetBridgeVlan {
        NetBridgeVlan {
            vid,
            flags,
            state: BR_STATE_FORWARDING,
            refcnt: 0,
            multicast_router: MDB_RTR_TYPE_TEMP_QUERY,
        }
    }

    #[test]
    fn a_range_may_end_at_the_pvid_only_in_releases_without_the_fix() {
        use crate::profile::{R6_12_118, R6_18_15, R7_3_4};
        let (pvid, next) = (port_vlan(20, 0), port_vlan(21, 0));
        for (release, joins) in [(&R6_12_118, false), (&R6_18_15, true), (&R7_3_4, false)] {
            let f = FeatureSet::of(release);
            assert_eq!(br_vlan_can_enter_range(f, &next, &pvid, 20), joins);
            // The PVID itself never joins the range before it.
            assert!(!br_vlan_can_enter_range(f, &pvid, &port_vlan(19, 0), 20));
            // Nor does an id that does not follow.
            assert!(!br_vlan_can_enter_range(f, &port_vlan(22, 0), &pvid, 1));
        }
    }

    #[test]
    fn the_compressed_form_groups_runs_with_the_same_flags_and_keeps_the_pvid_alone() {
        let mut vg = NetBridgeVlanGroup::default();
        for v in [
            port_vlan(10, 0),
            port_vlan(1, BRIDGE_VLAN_INFO_UNTAGGED),
            port_vlan(3, 0),
            port_vlan(2, 0),
            port_vlan(4, 0),
        ] {
            vg.add_list(v);
        }
        vg.pvid = 1;
        vg.num_vlans = 5;
        assert_eq!(
            compressed_runs(&vg),
            [
                (1, 1, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED),
                (2, 4, 0),
                (10, 10, 0)
            ]
        );
        assert_eq!(num_compressed_vlan_infos(&vg), 4);
        // A global entry kept only as a context is not in use.
        vg.add_list(NetBridgeVlan {
            flags: BRIDGE_VLAN_INFO_MASTER,
            ..port_vlan(5, 0)
        });
        assert_eq!(num_compressed_vlan_infos(&vg), 4);
    }
}
