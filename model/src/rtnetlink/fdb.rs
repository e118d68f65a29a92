//! rtnetlink's forwarding database messages (`net/core/rtnetlink.c`): the PF_BRIDGE
//! RTM_NEWNEIGH, RTM_DELNEIGH and the RTM_GETNEIGH dump (`rtnl_fdb_add`, `rtnl_fdb_del`,
//! `rtnl_fdb_dump`), which hand a bridge port's entries to its master's `ndo_fdb_*` and a
//! device's own (NTF_SELF) to its driver or to the defaults (`ndo_dflt_fdb_dump`: the
//! device's unicast and multicast address lists).
//!
//! A device's multicast list is what IPv6 joined on it while it was never up (its all-nodes
//! groups); once a device has been up, IPv4, MLD and the bridge's snooping change the list in
//! ways the model does not follow, and its default dump answers `unimplemented`. Unicast
//! lists stay empty (every modeled bridge port is promiscuous). Not modeled: RTM_GETNEIGH
//! get (`rtnl_fdb_get`), bulk deletion (NLM_F_BULK), NTF_SELF entries added or deleted on
//! a device (`ndo_dflt_fdb_add` / `_del`: the address lists).

use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{unimplemented, Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::if_arp::ARPHRD_ETHER;
use crate::uapi::if_link::IFLA_MASTER;
use crate::uapi::neighbour::*;
use crate::uapi::netlink::{NLMSG_HDRLEN, NLM_F_BULK, NLM_F_MULTI};
use crate::uapi::rtnetlink::{RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH};
use crate::uapi::socket::PF_BRIDGE;
use nltwin_wire::ndmsg;

/// What a dump's drivers see (`struct ndo_fdb_dump_context` and the callback's request).
#[derive(Clone, Copy, Debug)]
pub struct FdbDumpCtx {
    /// The namespace.
    pub net: NetId,
    /// `fdb_idx`: the entries of the current device already sent.
    pub fdb_idx: usize,
    /// The requester's portid.
    pub portid: u32,
    /// The request's sequence number.
    pub seq: u32,
}

/// A parsed RTM_NEWNEIGH or RTM_DELNEIGH of PF_BRIDGE, as the drivers' `ndo_fdb_*` get it.
pub struct FdbRequest<'a> {
    /// The header.
    pub ndm: ndmsg::Repr,
    /// The message.
    pub msg: &'a [u8],
    /// Its attributes.
    pub tb: Tb,
}

impl FdbRequest<'_> {
    /// An attribute's payload.
    pub fn attr(&self, ty: u16) -> Option<&[u8]> {
        self.tb
            .get(usize::from(ty))?
            .as_ref()
            .map(|r| &self.msg[r.clone()])
    }
}

/// `ndo_fdb_add`.
pub type NdoFdbAdd = fn(
    &mut Kernel,
    NetId,
    &FdbRequest<'_>,
    u32,
    &[u8],
    u16,
    u16,
    &mut bool,
    &mut NetlinkExtAck,
) -> SysResult<()>;
/// `ndo_fdb_del`.
pub type NdoFdbDel = fn(&mut Kernel, NetId, u32, &[u8], u16, &mut bool) -> SysResult<()>;
/// `ndo_fdb_dump`: the device, the port to filter on, the running index.
pub type NdoFdbDump = fn(
    &Kernel,
    &mut SkBuff,
    &mut FdbDumpCtx,
    u32,
    Option<u32>,
    &mut usize,
) -> SysResult<Result<(), Errno>>;

/// `rtnl_fdb_init` (part of `rtnetlink_init`): PF_BRIDGE's neighbour handlers.
pub fn rtnl_fdb_init(k: &mut Kernel) {
    rtnl_register(k, PF_BRIDGE, RTM_NEWNEIGH, Some(rtnl_fdb_add), None, 0);
    // With RTNL_FLAG_BULK_DEL_SUPPORTED: an NLM_F_BULK request reaches rtnl_fdb_del rather
    // than EOPNOTSUPP from the dispatcher (found by `nltwin fuzz`: a PF_BRIDGE RTM_DELNEIGH with
    // the dump flags, 0x300, which hold NLM_F_BULK; the kernel's rtnl_fdb_del answered EINVAL).
    rtnl_register(
        k,
        PF_BRIDGE,
        RTM_DELNEIGH,
        Some(rtnl_fdb_del),
        None,
        crate::rtnetlink::RTNL_FLAG_BULK_DEL_SUPPORTED,
    );
    rtnl_register(
        k,
        PF_BRIDGE,
        RTM_GETNEIGH,
        Some(rtnl_fdb_get),
        Some(rtnl_fdb_dump),
        0,
    );
}

/// `rtnl_fdb_get`: not modeled.
fn rtnl_fdb_get(
    _k: &mut Kernel,
    _skb: &SkBuff,
    _req: Nlmsghdr<'_>,
    _extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    Err(unimplemented(
        "RTM_GETNEIGH get of PF_BRIDGE (rtnl_fdb_get)",
    ))
}

/// The device's multicast address list (`dev->mc`), in the order the addresses came: the
/// link-layer groups of what IPv6 joined while the device was never up.
fn dev_mc_list(k: &Kernel, net: NetId, ifindex: u32) -> SysResult<Vec<Vec<u8>>> {
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(Vec::new());
    };
    if dev.been_up {
        return Err(unimplemented(
            "a device's multicast address list once it has been up (IPv4's all-hosts group, \
             MLD's groups and the bridge's snooping groups come and go with it)",
        ));
    }
    let mut out: Vec<Vec<u8>> = Vec::new();
    if let Some(idev) = &dev.ip6_ptr {
        // mc_list is newest first; dev_mc_add appends each new address.
        for mc in idev.mc_list.iter().rev() {
            let a = crate::ndisc::ndisc_mc_map(dev, &mc.addr);
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    Ok(out)
}

/// `nlmsg_populate_fdb_fill`: one address of a device's own lists.
#[allow(clippy::too_many_arguments)]
fn nlmsg_populate_fdb_fill(
    skb: &mut SkBuff,
    ifindex: u32,
    addr: &[u8],
    vid: u16,
    pid: u32,
    seq: u32,
    ty: u16,
    flags: u8,
    nlflags: u16,
    state: u16,
) -> Result<(), Errno> {
    let mark = skb.len();
    let at = skb.nlmsg_put(pid, seq, ty, ndmsg::LEN, nlflags)?;
    let hdr = ndmsg::Repr {
        family: PF_BRIDGE,
        ifindex: ifindex as i32,
        state,
        flags,
        ndm_type: 0,
    };
    skb.nlmsg_data_mut(at)[..ndmsg::LEN].copy_from_slice(&hdr.to_bytes());
    let r = skb.nla_put(NDA_LLADDR, addr).and_then(|_| {
        if vid != 0 {
            skb.nla_put_u16(NDA_VLAN, vid)?;
        }
        Ok(())
    });
    if let Err(e) = r {
        skb.trim(mark);
        return Err(e);
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// `nlmsg_populate_fdb`: a list's addresses from the context's index on, NTF_SELF and
/// permanent.
fn nlmsg_populate_fdb(
    skb: &mut SkBuff,
    ctx: &FdbDumpCtx,
    ifindex: u32,
    idx: &mut usize,
    list: &[Vec<u8>],
) -> Result<(), Errno> {
    for a in list {
        if *idx >= ctx.fdb_idx {
            nlmsg_populate_fdb_fill(
                skb,
                ifindex,
                a,
                0,
                ctx.portid,
                ctx.seq,
                RTM_NEWNEIGH,
                NTF_SELF,
                NLM_F_MULTI,
                NUD_PERMANENT,
            )?;
        }
        *idx += 1;
    }
    Ok(())
}

/// `ndo_dflt_fdb_dump`: an Ethernet device's unicast then multicast addresses (EINVAL for
/// the others).
pub fn ndo_dflt_fdb_dump(
    k: &Kernel,
    skb: &mut SkBuff,
    ctx: &mut FdbDumpCtx,
    ifindex: u32,
    _filter_dev: Option<u32>,
    idx: &mut usize,
) -> SysResult<Result<(), Errno>> {
    let Some(dev) = k.dev(ctx.net, ifindex) else {
        return Ok(Ok(()));
    };
    if dev.ty != ARPHRD_ETHER {
        return Ok(Err(Errno::EINVAL));
    }
    // dev->uc: empty (nothing the model does adds a secondary unicast address).
    let mc = dev_mc_list(k, ctx.net, ifindex)?;
    Ok(nlmsg_populate_fdb(skb, ctx, ifindex, idx, &mc))
}

/// `valid_fdb_dump_strict`: a whole clean `ndmsg` (its index the port filter) and only
/// NDA_IFINDEX and NDA_MASTER, four bytes each.
fn valid_fdb_dump_strict(
    k: &Kernel,
    msg: &[u8],
    br_idx: &mut u32,
    brport_idx: &mut u32,
    extack: &mut NetlinkExtAck,
) -> Result<(), Errno> {
    let Ok(ndm) = ndmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN.min(msg.len())..]) else {
        extack.msg = Some("Invalid header for fdb dump request".into());
        return Err(Errno::EINVAL);
    };
    let pads = msg[NLMSG_HDRLEN + 1] != 0 || msg[NLMSG_HDRLEN + 2..NLMSG_HDRLEN + 4] != [0, 0];
    if pads || ndm.state != 0 || ndm.flags != 0 || ndm.ndm_type != 0 {
        extack.msg = Some("Invalid values in header for fdb dump request".into());
        return Err(Errno::EINVAL);
    }
    let policy = vec![NlaPolicy::of(NlaType::Unspec); nda_max(k) + 1];
    let tb = nla_parse(
        msg,
        NLMSG_HDRLEN + ndmsg::LEN,
        msg.len(),
        &policy,
        Validate::DeprecatedStrict,
        extack,
    )?;
    *brport_idx = ndm.ifindex as u32;
    for (i, r) in tb.iter().enumerate() {
        let Some(r) = r else { continue };
        let b = &msg[r.clone()];
        match i as u16 {
            NDA_IFINDEX | NDA_MASTER if b.len() != 4 => {
                extack.msg = Some(if i as u16 == NDA_IFINDEX {
                    "Invalid IFINDEX attribute in fdb dump request".into()
                } else {
                    "Invalid MASTER attribute in fdb dump request".into()
                });
                return Err(Errno::EINVAL);
            }
            NDA_IFINDEX => *brport_idx = get_u32(b),
            NDA_MASTER => *br_idx = get_u32(b),
            _ => {
                extack.msg = Some("Unsupported attribute in fdb dump request".into());
                return Err(Errno::EINVAL);
            }
        }
    }
    Ok(())
}

/// `NDA_MAX` of the release.
fn nda_max(k: &Kernel) -> usize {
    let _ = k;
    usize::from(NDA_NDM_FLAGS_MASK)
}

/// `valid_fdb_dump_legacy`: a request that is not an `ndmsg` (with at most one u32
/// attribute) is read as an `ifinfomsg` (iproute2 sent those): its index the port filter,
/// IFLA_MASTER the bridge filter; one that does not parse is EINVAL.
fn valid_fdb_dump_legacy(
    k: &Kernel,
    msg: &[u8],
    br_idx: &mut u32,
    brport_idx: &mut u32,
    extack: &mut NetlinkExtAck,
) -> Result<(), Errno> {
    let len = msg.len().saturating_sub(NLMSG_HDRLEN);
    if len == ndmsg::LEN || len == ndmsg::LEN + 8 {
        return Ok(());
    }
    let ifi_len = nltwin_wire::ifinfomsg::LEN;
    if len < ifi_len {
        extack.msg = Some("Invalid header length".into());
        return Err(Errno::EINVAL);
    }
    let policy = crate::rtnetlink::link::ifla_policy(k);
    let tb = nla_parse(
        msg,
        NLMSG_HDRLEN + ifi_len,
        msg.len(),
        policy,
        Validate::Liberal,
        extack,
    )
    .map_err(|_| Errno::EINVAL)?;
    if msg.len() >= NLMSG_HDRLEN + ifi_len {
        if let Some(r) = tb.get(usize::from(IFLA_MASTER)).cloned().flatten() {
            *br_idx = get_u32(&msg[r]);
        }
    }
    // ifm->ifi_index: read from the header whatever its length.
    let mut idx = [0u8; 4];
    for (i, b) in idx.iter_mut().enumerate() {
        *b = msg.get(NLMSG_HDRLEN + 4 + i).copied().unwrap_or(0);
    }
    *brport_idx = u32::from_ne_bytes(idx);
    Ok(())
}

/// `rtnl_fdb_dump`: every device from the one the dump stopped at (by index), filtered by
/// port and bridge: a bridge port's entries from its master (`ndo_fdb_dump` with the port as
/// filter), then the device's own (`ndo_fdb_dump` or `ndo_dflt_fdb_dump`). Returns the length
/// written (NLMSG_DONE comes alone).
pub fn rtnl_fdb_dump(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    let msg = cb.nlh.clone();
    let mut br_idx = 0;
    let mut brport_idx = 0;
    let mut extack = NetlinkExtAck::default();
    let r = if cb.strict_check {
        valid_fdb_dump_strict(k, &msg, &mut br_idx, &mut brport_idx, &mut extack)
    } else {
        valid_fdb_dump_legacy(k, &msg, &mut br_idx, &mut brport_idx, &mut extack)
    };
    if extack.msg.is_some() || extack.miss_type != 0 {
        cb.extack = extack;
    }
    if let Err(e) = r {
        return Ok(e.as_neg());
    }
    let net = cb.net;
    let br_dev = if br_idx != 0 {
        match k.dev(net, br_idx) {
            Some(d) => Some(d.ifindex),
            None => return Ok(Errno::ENODEV.as_neg()),
        }
    } else {
        None
    };
    let mut ctx = FdbDumpCtx {
        net,
        fdb_idx: cb.args[1] as usize,
        portid: cb.portid,
        seq: cb.request().seq(),
    };
    let mut fidx = 0usize;
    let start = cb.args[0] as u32;
    let ifindexes: Vec<u32> = k
        .devices(net)
        .map(|d| d.ifindex)
        .filter(|i| *i >= start)
        .collect::<std::collections::BTreeSet<u32>>()
        .into_iter()
        .collect();
    let mut at = None;
    for ifindex in ifindexes {
        if brport_idx != 0 && ifindex != brport_idx {
            continue;
        }
        let dev = k.dev(net, ifindex).expect("listed");
        let port_master = dev.master.filter(|_| dev.br_port().is_some());
        let (master, master_ops) = match br_dev {
            None => (
                port_master,
                port_master
                    .and_then(|m| k.dev(net, m))
                    .map(|m| m.netdev_ops),
            ),
            Some(b) => {
                if ifindex != b && port_master.is_none() {
                    continue;
                }
                if port_master != Some(b) && !dev.is_bridge_master() {
                    continue;
                }
                (Some(b), k.dev(net, b).map(|m| m.netdev_ops))
            }
        };
        let own_dump = dev.netdev_ops.ndo_fdb_dump;
        if port_master.is_some() {
            if let (Some(m), Some(dump)) = (master, master_ops.and_then(|o| o.ndo_fdb_dump)) {
                let r = dump(k, skb, &mut ctx, m, Some(ifindex), &mut fidx)?;
                if r == Err(Errno::EMSGSIZE) {
                    at = Some(ifindex);
                    break;
                }
            }
        }
        let r = match own_dump {
            Some(dump) => dump(k, skb, &mut ctx, ifindex, None, &mut fidx)?,
            None => ndo_dflt_fdb_dump(k, skb, &mut ctx, ifindex, None, &mut fidx)?,
        };
        if r == Err(Errno::EMSGSIZE) {
            at = Some(ifindex);
            break;
        }
        ctx.fdb_idx = 0;
        fidx = 0;
    }
    // ctx->ifindex: where the walk stopped, past the last device when it finished.
    cb.args[0] = match at {
        Some(i) => i64::from(i),
        None => i64::from(
            k.devices(net)
                .map(|d| d.ifindex)
                .max()
                .unwrap_or(0)
                .max(start.saturating_sub(1))
                + 1,
        ),
    };
    cb.args[1] = fidx as i64;
    Ok(skb.len() as i32)
}

/// `fdb_vid_parse`: NDA_VLAN of two bytes, 1 to 4094.
fn fdb_vid_parse(req: &FdbRequest<'_>, extack: &mut NetlinkExtAck) -> Result<u16, Errno> {
    let Some(b) = req.attr(NDA_VLAN) else {
        return Ok(0);
    };
    if b.len() != 2 {
        extack.msg = Some("invalid vlan attribute size".into());
        return Err(Errno::EINVAL);
    }
    let vid = u16::from_ne_bytes([b[0], b[1]]);
    if vid == 0 || vid >= 0x0fff {
        extack.msg = Some("invalid vlan id".into());
        return Err(Errno::EINVAL);
    }
    Ok(vid)
}

/// The request parsed without a policy (`nlmsg_parse_deprecated(..., NULL)`), the device
/// checked (an index, a known device), the address of six bytes.
fn fdb_request_parse<'a>(
    k: &Kernel,
    net: NetId,
    msg: &'a [u8],
    extack: &mut NetlinkExtAck,
) -> SysResult<(FdbRequest<'a>, u32)> {
    let policy = vec![NlaPolicy::of(NlaType::Unspec); nda_max(k) + 1];
    if msg.len() < NLMSG_HDRLEN + ndmsg::LEN {
        return Err(Errno::EINVAL.into());
    }
    let tb = nla_parse(
        msg,
        NLMSG_HDRLEN + ndmsg::LEN,
        msg.len(),
        &policy,
        Validate::Liberal,
        extack,
    )?;
    let ndm = ndmsg::Repr::parse_bytes(&msg[NLMSG_HDRLEN..]).map_err(|_| Errno::EINVAL)?;
    let req = FdbRequest { ndm, msg, tb };
    if ndm.ifindex == 0 {
        extack.msg = Some("invalid ifindex".into());
        return Err(Errno::EINVAL.into());
    }
    let Some(dev) = k.dev(net, ndm.ifindex as u32) else {
        extack.msg = Some("unknown ifindex".into());
        return Err(Errno::ENODEV.into());
    };
    Ok((req, dev.ifindex))
}

/// The six-byte NDA_LLADDR.
fn fdb_addr(req: &FdbRequest<'_>, extack: &mut NetlinkExtAck) -> Result<[u8; 6], Errno> {
    match req.attr(NDA_LLADDR) {
        Some(a) if a.len() == 6 => {
            let mut out = [0; 6];
            out.copy_from_slice(a);
            Ok(out)
        }
        _ => {
            extack.msg = Some("invalid address".into());
            Err(Errno::EINVAL)
        }
    }
}

/// `rtnl_fdb_add`: PF_BRIDGE RTM_NEWNEIGH. On a bridge port, without flags or with
/// NTF_MASTER, the master's `ndo_fdb_add`; with NTF_SELF the device's own (EOPNOTSUPP when
/// neither applies).
pub fn rtnl_fdb_add(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = req.bytes();
    let nlh_flags = req.flags();
    let (mut r, ifindex) = fdb_request_parse(k, net, msg, extack)?;
    let addr = fdb_addr(&r, extack)?;
    let dev = k.dev(net, ifindex).expect("looked up");
    if dev.ty != ARPHRD_ETHER {
        extack.msg = Some("FDB add only supported for Ethernet devices".into());
        return Err(Errno::EINVAL.into());
    }
    let vid = fdb_vid_parse(&r, extack)?;
    let mut err: SysResult<()> = Err(Errno::EOPNOTSUPP.into());
    let is_port = dev.master.is_some() && dev.br_port().is_some();
    let own_add = dev.netdev_ops.ndo_fdb_add;
    if (r.ndm.flags == 0 || r.ndm.flags & NTF_MASTER != 0) && is_port {
        let br = dev.master.expect("a port");
        let ops = k.dev(net, br).expect("its master").netdev_ops;
        let mut notified = false;
        if let Some(add) = ops.ndo_fdb_add {
            add(
                k,
                net,
                &r,
                ifindex,
                &addr,
                vid,
                nlh_flags,
                &mut notified,
                extack,
            )?;
        }
        err = Ok(());
        r.ndm.flags &= !NTF_MASTER;
    }
    if r.ndm.flags & NTF_SELF != 0 {
        let mut notified = false;
        err = match own_add {
            Some(add) => add(
                k,
                net,
                &r,
                ifindex,
                &addr,
                vid,
                nlh_flags,
                &mut notified,
                extack,
            ),
            None => Err(unimplemented(
                "an FDB entry on a device's own address lists (ndo_dflt_fdb_add)",
            )),
        };
        if err.is_ok() && !notified {
            return Err(unimplemented(
                "the notification of an FDB entry a driver added (rtnl_fdb_notify)",
            ));
        }
    }
    err
}

/// `rtnl_fdb_del`: PF_BRIDGE RTM_DELNEIGH, as `rtnl_fdb_add` dispatches (bulk deletion is not
/// modeled).
pub fn rtnl_fdb_del(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    if req.flags() & NLM_F_BULK != 0 {
        return Err(unimplemented("bulk FDB deletion (NLM_F_BULK)"));
    }
    let msg = req.bytes();
    let (mut r, ifindex) = fdb_request_parse(k, net, msg, extack)?;
    let addr = fdb_addr(&r, extack)?;
    let vid = fdb_vid_parse(&r, extack)?;
    let dev = k.dev(net, ifindex).expect("looked up");
    if dev.ty != ARPHRD_ETHER {
        extack.msg = Some("FDB delete only supported for Ethernet devices".into());
        return Err(Errno::EINVAL.into());
    }
    let mut err: SysResult<()> = Err(Errno::EOPNOTSUPP.into());
    let is_port = dev.master.is_some() && dev.br_port().is_some();
    let own_del = dev.netdev_ops.ndo_fdb_del;
    if (r.ndm.flags == 0 || r.ndm.flags & NTF_MASTER != 0) && is_port {
        let br = dev.master.expect("a port");
        let ops = k.dev(net, br).expect("its master").netdev_ops;
        let mut notified = false;
        if let Some(del) = ops.ndo_fdb_del {
            del(k, net, ifindex, &addr, vid, &mut notified)?;
        }
        err = Ok(());
        r.ndm.flags &= !NTF_MASTER;
    }
    if r.ndm.flags & NTF_SELF != 0 {
        let mut notified = false;
        err = match own_del {
            Some(del) => del(k, net, ifindex, &addr, vid, &mut notified),
            None => Err(unimplemented(
                "an FDB entry on a device's own address lists (ndo_dflt_fdb_del)",
            )),
        };
        if err.is_ok() && !notified {
            return Err(unimplemented(
                "the notification of an FDB entry a driver deleted (rtnl_fdb_notify)",
            ));
        }
    }
    err
}

/// A `u32` attribute's value.
fn get_u32(b: &[u8]) -> u32 {
    nltwin_wire::scalar::get_u32(b).unwrap_or(0)
}
