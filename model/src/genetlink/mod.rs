//! Generic netlink (`net/netlink/genetlink.c`): the family registry, the NETLINK_GENERIC
//! kernel socket's input (`genl_rcv`, `genl_rcv_msg`, `genl_family_rcv_msg`, `genl_start`),
//! and the public API to model a family of one's own: [`genl_register_family`] (see its
//! example), handlers replying with [`genlmsg_new`] / [`genlmsg_put`] / [`genlmsg_reply`],
//! dumps reading [`genl_dumpit_info`], notifications with [`genl_notify`] or
//! [`genlmsg_multicast_netns`], and [`genl_unregister_family`]. Such a family is resolved
//! through nlctrl, validated, acked, dumped and described by GETPOLICY like the kernel's.
//!
//! nlctrl (`ctrl`: GETFAMILY, GETPOLICY, the notify group) is modeled from its registered
//! operations. The other families a fresh namespace shows come from the profile as data;
//! their commands pass the kernel's checks (lookup, header, permissions) and then answer
//! `unimplemented`, as does GETPOLICY for their policies.

pub(crate) mod ctrl;
pub(crate) mod mcast;
pub(crate) mod ops;

pub use mcast::{
    genl_has_listeners, genl_notify, genlmsg_multicast, genlmsg_multicast_allns,
    genlmsg_multicast_netns,
};
pub use ops::{
    genl_get_cmd, genl_get_cmd_both, genl_op_iter, genl_validate_ops, GenlDoit, GenlDone,
    GenlDumpit, GenlOp, GenlOpIter, GenlStart, GENL_POLICY_REJECT_ALL,
};

use std::collections::BTreeMap;

use crate::af_netlink::dump::__netlink_dump_start;
use crate::af_netlink::{
    netlink_capable, netlink_ns_capable, netlink_rcv_skb, skb_net, NetlinkCallback,
    NetlinkDumpControl, NetlinkExtAck, Nlmsghdr,
};
use crate::af_netlink::{netlink_kernel_create, NetlinkKernelCfg, NL_CFG_F_NONROOT_RECV};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::net_namespace::{register_pernet_subsys, PernetOperations};
use crate::nlattr::{nla_parse, Tb, Validate};
use crate::skbuff::SkBuff;
use crate::uapi::genetlink::*;
use crate::uapi::netlink::{
    NETLINK_GENERIC, NLMSG_HDRLEN, NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REQUEST,
};
use nltwin_wire::genlmsghdr;

/// What a doit handler gets (`struct genl_info`).
#[derive(Debug)]
pub struct GenlInfo<'a> {
    /// The requester's portid (`snd_portid`).
    pub snd_portid: u32,
    /// The request's sequence number (`snd_seq`).
    pub snd_seq: u32,
    /// The request message (`nlhdr`).
    pub nlh: Nlmsghdr<'a>,
    /// The parsed attributes (`attrs`): payload ranges within `nlh`.
    pub attrs: Tb,
    /// The requester's namespace.
    pub net: NetId,
    /// The family's id.
    pub family: u16,
}

impl GenlInfo<'_> {
    /// The payload of attribute `ty`, if the request carried it.
    pub fn attr(&self, ty: u16) -> Option<&[u8]> {
        self.attrs
            .get(ty as usize)?
            .as_ref()
            .map(|r| &self.nlh.bytes()[r.clone()])
    }
}

/// A family (`struct genl_family`). `Default` gives what an unset kernel field means: not
/// visible outside the initial namespace (`netnsok` false) and the strict header check for
/// every command (`resv_start_op` 0).
#[derive(Clone, Debug, Default)]
pub struct GenlFamily {
    /// `name` (at most 15 characters).
    pub name: String,
    /// `id`, assigned at registration.
    pub id: u16,
    /// `version`.
    pub version: u8,
    /// `hdrsize`: the family header after `genlmsghdr`.
    pub hdrsize: u32,
    /// `maxattr` (0 for families with per-operation policies).
    pub maxattr: u32,
    /// `netnsok`: visible outside the initial namespace.
    pub netnsok: bool,
    /// `resv_start_op`: commands from here on get the strict header check.
    pub resv_start_op: u8,
    /// The split operations.
    pub ops: Vec<GenlOp>,
    /// Multicast groups: (global group id, name); ids assigned at registration.
    pub mcgrps: Vec<(u32, String)>,
    /// The family is configuration from the profile: its operations' flags are
    /// known, their policies and handlers are not modeled.
    pub data_only: bool,
}

/// A boot-time family as data: name, id, version, header size, maxattr, the operations as
/// (command, reported flags) and the multicast groups as (id, name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FamilyData {
    /// Name.
    pub name: &'static str,
    /// Id.
    pub id: u16,
    /// Version.
    pub version: u8,
    /// Header size.
    pub hdrsize: u32,
    /// maxattr.
    pub maxattr: u32,
    /// `netnsok`: visible outside the initial namespace (from the family's source: the
    /// record a kernel sends does not say).
    pub netnsok: bool,
    /// (command, CTRL_ATTR_OP_FLAGS).
    pub ops: &'static [(u8, u32)],
    /// (group id, name).
    pub mcgrps: &'static [(u32, &'static str)],
    /// `resv_start_op`: the first command given the strict header check (from the family's
    /// source: the reserved byte is refused from this command on).
    pub resv_start_op: u8,
}

impl FamilyData {
    /// The family this data describes, its operations split into do and dump.
    pub fn family(&self) -> GenlFamily {
        let mut ops = Vec::new();
        for &(cmd, flags) in self.ops {
            let perm = flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM);
            let haspol = flags & GENL_CMD_CAP_HASPOL != 0;
            for cap in [GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP] {
                if flags & cap != 0 {
                    ops.push(GenlOp {
                        cmd,
                        flags: perm | cap,
                        haspol,
                        ..GenlOp::default()
                    });
                }
            }
        }
        GenlFamily {
            name: self.name.into(),
            id: self.id,
            version: self.version,
            hdrsize: self.hdrsize,
            maxattr: self.maxattr,
            netnsok: self.netnsok,
            resv_start_op: self.resv_start_op,
            ops,
            mcgrps: self
                .mcgrps
                .iter()
                .map(|&(id, n)| (id, n.to_string()))
                .collect(),
            data_only: true,
        }
    }
}

/// The registry (`genl_fam_idr`, `mc_groups`).
#[derive(Clone, Debug, Default)]
pub struct GenlRegistry {
    /// Families by id.
    pub families: BTreeMap<u16, GenlFamily>,
    /// The last dynamically allocated id (allocation is cyclic from the one after it).
    pub last_id: u16,
    /// Multicast group ids in use (global across families).
    pub mc_groups_used: std::collections::BTreeSet<u32>,
}

/// `genl_init`: register nlctrl and the profile's boot families, and make `genl_rcv` the
/// NETLINK_GENERIC input.
pub fn genl_init(k: &mut Kernel) {
    let reg = &mut k.genl;
    // Group ids 0 and 1 are never handed out; 16-18 belong to nlctrl and the reserved ids.
    reg.mc_groups_used.extend([
        0,
        1,
        u32::from(GENL_ID_CTRL),
        u32::from(GENL_ID_VFS_DQUOT),
        u32::from(GENL_ID_PMCRAID),
    ]);
    let ctrl = ctrl::genl_ctrl();
    reg.families.insert(ctrl.id, ctrl);
    for data in k.profile.genl_families {
        let f = data.family();
        reg.mc_groups_used.extend(f.mcgrps.iter().map(|g| g.0));
        reg.last_id = reg.last_id.max(f.id);
        reg.families.insert(f.id, f);
    }
    register_pernet_subsys(
        k,
        PernetOperations {
            name: "genetlink",
            init: genl_pernet_init,
        },
    );
}

/// The groups of the NETLINK_GENERIC kernel socket: the multicast group ids in use, in whole
/// longs (`genl_validate_assign_mc_groups` grows them with `netlink_change_ngroups`).
fn genl_ngroups(k: &Kernel) -> u32 {
    let max = k.genl.mc_groups_used.iter().max().copied().unwrap_or(0);
    (max + 1).div_ceil(64) * 64
}

/// `genl_pernet_init`: the namespace's NETLINK_GENERIC kernel socket.
fn genl_pernet_init(k: &mut Kernel, net: NetId) {
    let cfg = NetlinkKernelCfg {
        groups: genl_ngroups(k),
        flags: NL_CFG_F_NONROOT_RECV,
        input: Some(genl_rcv),
        bind: None,
    };
    netlink_kernel_create(k, net, NETLINK_GENERIC as usize, cfg);
}

/// `genl_register_family`: add a family of one's own; returns its id. The id is allocated
/// cyclically from [`GENL_START_ALLOC`], the multicast groups first-fit from the global bitmap.
/// EEXIST if the name is taken, EINVAL for a name of 16 bytes or more or for ops out of
/// order. nlctrl's "notify" group hears CTRL_CMD_NEWFAMILY, then a NEWMCAST_GRP per group.
///
/// ```
/// use nltwin_model::genetlink::{genl_register_family, GenlFamily, GenlInfo, GenlOp};
/// use nltwin_model::nlattr::{NlaPolicy, NlaType};
/// use nltwin_model::uapi::genetlink::GENL_CMD_CAP_DO;
/// use nltwin_model::{Kernel, SysResult};
///
/// // Attribute 1 is a u32.
/// static DEMO_POLICY: [NlaPolicy; 2] = [NlaPolicy::of(NlaType::Unspec), NlaPolicy::of(NlaType::U32)];
///
/// fn demo_get(_k: &mut Kernel, _info: &GenlInfo<'_>) -> SysResult<()> {
///     Ok(()) // acked when the request asks for it
/// }
///
/// let (mut k, _task) = Kernel::sandboxed(4242);
/// let family = GenlFamily {
///     name: "demo".into(),
///     version: 1,
///     netnsok: true, // visible in the sandbox's namespace
///     ops: vec![GenlOp {
///         cmd: 1,
///         flags: GENL_CMD_CAP_DO,
///         policy: Some(&DEMO_POLICY),
///         doit: Some(demo_get),
///         ..GenlOp::default()
///     }],
///     mcgrps: vec![(0, "events".into())], // the group id is assigned here
///     ..GenlFamily::default()
/// };
/// let id = genl_register_family(&mut k, family).unwrap();
/// assert_eq!(id, 32); // the first id after the 6.18 boot families
/// ```
pub fn genl_register_family(k: &mut Kernel, mut family: GenlFamily) -> Result<u16, Errno> {
    if family.name.is_empty() || family.name.len() >= GENL_NAMSIZ {
        return Err(Errno::EINVAL);
    }
    genl_validate_ops(&family)?;
    if genl_family_find_byname(k, family.name.as_bytes()).is_some() {
        return Err(Errno::EEXIST);
    }
    let reg = &mut k.genl;
    let span = GENL_MAX_ID - GENL_START_ALLOC + 1;
    let id = (0..span)
        .map(|i| GENL_START_ALLOC + (reg.last_id.saturating_sub(GENL_START_ALLOC) + 1 + i) % span)
        .find(|id| !reg.families.contains_key(id))
        .ok_or(Errno::ENOSPC)?;
    reg.last_id = id;
    family.id = id;
    let n = family.mcgrps.len() as u32;
    if n > 0 {
        let first = (2..)
            .find(|s| (*s..s + n).all(|g| !reg.mc_groups_used.contains(&g)))
            .expect("free groups");
        for (i, g) in family.mcgrps.iter_mut().enumerate() {
            g.0 = first + i as u32;
            reg.mc_groups_used.insert(g.0);
        }
        // netlink_change_ngroups: the protocol's group count grows in whole longs.
        let needed = (first + n).div_ceil(64) * 64;
        let t = &mut k.netlink.nl_table[NETLINK_GENERIC as usize];
        t.groups = t.groups.max(needed);
    }
    k.genl.families.insert(id, family.clone());
    ctrl::genl_ctrl_event(k, CTRL_CMD_NEWFAMILY, &family, None);
    for i in 0..family.mcgrps.len() {
        ctrl::genl_ctrl_event(k, CTRL_CMD_NEWMCAST_GRP, &family, Some(i));
    }
    Ok(id)
}

/// `genl_unregister_family`: remove the family with `id`: its groups lose their listeners in
/// every namespace and go back to the bitmap (each announced with CTRL_CMD_DELMCAST_GRP),
/// then CTRL_CMD_DELFAMILY. ENOENT when no such family. nlctrl itself stays.
pub fn genl_unregister_family(k: &mut Kernel, id: u16) -> Result<(), Errno> {
    if id == GENL_ID_CTRL {
        return Err(Errno::EINVAL);
    }
    let family = k.genl.families.get(&id).cloned().ok_or(Errno::ENOENT)?;
    // genl_unregister_mc_groups: __netlink_clear_multicast_users in each namespace.
    let genl = NETLINK_GENERIC as usize;
    let members: Vec<_> = k.netlink.nl_table[genl].mc_list.clone();
    for (i, (group, _)) in family.mcgrps.iter().enumerate() {
        for &sk in &members {
            if k.sk(sk).in_group(*group) {
                crate::af_netlink::sockopt::netlink_update_socket_mc(k, sk, *group, false);
            }
        }
        if *group != 1 {
            k.genl.mc_groups_used.remove(group);
        }
        ctrl::genl_ctrl_event(k, CTRL_CMD_DELMCAST_GRP, &family, Some(i));
    }
    k.genl.families.remove(&id);
    ctrl::genl_ctrl_event(k, CTRL_CMD_DELFAMILY, &family, None);
    Ok(())
}

/// `genl_rcv`: the NETLINK_GENERIC kernel socket's input.
pub fn genl_rcv(k: &mut Kernel, skb: SkBuff) -> SysResult<()> {
    netlink_rcv_skb(k, &skb, genl_rcv_msg)
}

/// `genl_rcv_msg`: the family is the message type.
pub fn genl_rcv_msg(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let ty = nlh.msg_type();
    let family = k.genl.families.get(&ty).cloned().ok_or(Errno::ENOENT)?;
    genl_family_rcv_msg(k, &family, skb, nlh, extack)
}

/// `genl_header_check`: for commands from `resv_start_op` on, the reserved byte must be 0 and
/// the flags limited to REQUEST, ACK, ECHO and the full DUMP.
fn genl_header_check(
    family: &GenlFamily,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> Result<(), Errno> {
    let hdr = genlmsghdr::Packet::new_unchecked(nlh.payload());
    let (cmd, reserved) = (hdr.cmd(), hdr.reserved());
    if cmd < family.resv_start_op {
        return Ok(());
    }
    if reserved != 0 {
        extack.msg = Some("genlmsghdr.reserved field is not 0".into());
        return Err(Errno::EINVAL);
    }
    let mut flags = nlh.flags();
    if flags & NLM_F_DUMP == NLM_F_DUMP {
        flags &= !NLM_F_DUMP;
    }
    if flags & !(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO) != 0 {
        extack.msg = Some("ambiguous or reserved bits set in nlmsg_flags".into());
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// `genl_family_rcv_msg`: namespace visibility, length, header check, the command for do or
/// dump (a dump needs both ROOT and MATCH), permissions, then the handler.
pub fn genl_family_rcv_msg(
    k: &mut Kernel,
    family: &GenlFamily,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    if !family.netnsok && !k.net(net).is_init {
        return Err(Errno::ENOENT.into());
    }
    let hdrlen = GENL_HDRLEN + family.hdrsize as usize;
    if nlh.payload().len() < hdrlen {
        return Err(Errno::EINVAL.into());
    }
    genl_header_check(family, nlh, extack)?;
    let dump = nlh.flags() & NLM_F_DUMP == NLM_F_DUMP;
    let cap = if dump {
        GENL_CMD_CAP_DUMP
    } else {
        GENL_CMD_CAP_DO
    };
    let cmd = genlmsghdr::Packet::new_unchecked(nlh.payload()).cmd();
    let op = genl_get_cmd(cmd.into(), cap, family).ok_or(Errno::EOPNOTSUPP)?;
    if op.flags & GENL_ADMIN_PERM != 0 && !netlink_capable(k, skb, crate::cred::CAP_NET_ADMIN) {
        return Err(Errno::EPERM.into());
    }
    let user_ns = k.net(net).user_ns;
    if op.flags & GENL_UNS_ADMIN_PERM != 0
        && !netlink_ns_capable(k, skb, user_ns, crate::cred::CAP_NET_ADMIN)
    {
        return Err(Errno::EPERM.into());
    }
    const UNMODELED: &str = "the command handlers of the boot families kept as data (only nlctrl's and user-registered families' handlers are modeled)";
    let attrs_start = NLMSG_HDRLEN + hdrlen;
    if dump {
        let Some(dumpit) = op.dumpit else {
            return Err(crate::errno::unimplemented(UNMODELED));
        };
        let ssk = k.net(net).kernel_sock[NETLINK_GENERIC as usize].expect("genl socket");
        let control = NetlinkDumpControl {
            start: Some(genl_start),
            dump: dumpit,
            done: Some(genl_done),
            min_dump_alloc: 0,
            flags: 0,
        };
        // What genl_start needs (the kernel's genl_start_context); it becomes the dump's
        // genl_dumpit_info once the request is validated.
        let info = GenlDumpitInfo {
            family: family.id,
            op: op.clone(),
            attrs: Vec::new(),
            attrs_start,
            ctx: None,
        };
        return __netlink_dump_start(k, ssk, skb, nlh, control, Some(Box::new(info)), extack);
    }
    let Some(doit) = op.doit else {
        return Err(crate::errno::unimplemented(UNMODELED));
    };
    let attrs = match &op.policy {
        Some(policy) => {
            let validate = if op.liberal {
                Validate::Liberal
            } else {
                Validate::Strict
            };
            let msg = nlh.bytes();
            nla_parse(msg, attrs_start, msg.len(), policy, validate, extack)?
        }
        None => Vec::new(),
    };
    let info = GenlInfo {
        snd_portid: skb.cb.portid,
        snd_seq: nlh.seq(),
        nlh,
        attrs,
        net,
        family: family.id,
    };
    doit(k, &info)
}

/// What a running dump knows of its request (`struct genl_dumpit_info`, kept in `cb.data`),
/// with the dumpit's private state (the kernel's `cb->ctx`).
pub struct GenlDumpitInfo {
    /// The family's id.
    pub family: u16,
    /// `op`: the dump operation.
    pub op: GenlOp,
    /// `info.attrs`: the request's attributes (ranges within `cb.nlh`); empty when the op has
    /// no policy.
    pub attrs: Tb,
    /// Where the attributes start in the request (after the family header).
    pub attrs_start: usize,
    /// The dumpit's private state (`cb->ctx`), set by its start hook or by itself.
    pub ctx: Option<Box<dyn std::any::Any + Send>>,
}

impl std::fmt::Debug for GenlDumpitInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenlDumpitInfo")
            .field("family", &self.family)
            .field("op", &self.op.cmd)
            .field("attrs", &self.attrs)
            .finish_non_exhaustive()
    }
}

impl GenlDumpitInfo {
    /// The payload of attribute `ty` in `nlh` (the dump's request, `cb.request()`).
    pub fn attr<'a>(&self, nlh: Nlmsghdr<'a>, ty: u16) -> Option<&'a [u8]> {
        let r = self.attrs.get(ty as usize)?.as_ref()?;
        nlh.bytes().get(r.clone())
    }
}

/// `genl_dumpit_info`: the running dump's request and state (`None` outside a genl dump).
pub fn genl_dumpit_info(cb: &NetlinkCallback) -> Option<&GenlDumpitInfo> {
    cb.data.as_ref()?.downcast_ref()
}

/// `genl_dumpit_info`, mutable (to keep the dumpit's private state in `ctx`).
pub fn genl_dumpit_info_mut(cb: &mut NetlinkCallback) -> Option<&mut GenlDumpitInfo> {
    cb.data.as_mut()?.downcast_mut()
}

/// `genl_start`: validate the dump request's attributes (strictly unless the op says
/// otherwise; errors carry the ext-ack), keep them for the dumpit, then the op's start hook.
/// GENL_DONT_VALIDATE_DUMP skipped the parse before split ops; since "genetlink: introduce
/// split op representation" (6.2) it only skips the length check, and a split op that keeps
/// its policy (nlctrl's GETFAMILY dump) is parsed regardless: a too-long family name in a
/// dump request is EINVAL there (found by `nltwin fuzz` against 6.18.44).
fn genl_start(k: &mut Kernel, cb: &mut NetlinkCallback) -> SysResult<()> {
    let split_ops = k.has(crate::profile::features::Feature::GenlSplitOps);
    let Some(info) = cb
        .data
        .as_mut()
        .and_then(|d| d.downcast_mut::<GenlDumpitInfo>())
    else {
        return Err(Errno::EINVAL.into());
    };
    if let Some(policy) = info
        .op
        .policy
        .filter(|_| split_ops || !info.op.no_validate_dump)
    {
        let validate = if info.op.liberal {
            Validate::Liberal
        } else {
            Validate::Strict
        };
        let start = info.attrs_start.min(cb.nlh.len());
        info.attrs = nla_parse(
            &cb.nlh,
            start,
            cb.nlh.len(),
            policy,
            validate,
            &mut cb.extack,
        )?;
    }
    if let Some(start) = info.op.start {
        start(k, cb)?;
    }
    Ok(())
}

/// `genl_done`: the op's done hook, then the dump info is freed.
fn genl_done(k: &mut Kernel, cb: &mut NetlinkCallback) {
    if let Some(done) = genl_dumpit_info(cb).and_then(|i| i.op.done) {
        done(k, cb);
    }
    cb.data = None;
}

/// `genlmsg_put`: a message of `family` with `cmd` and the family's version; returns its offset.
pub fn genlmsg_put(
    skb: &mut SkBuff,
    portid: u32,
    seq: u32,
    family: &GenlFamily,
    flags: u16,
    cmd: u8,
) -> Result<usize, Errno> {
    let at = skb.nlmsg_put(
        portid,
        seq,
        family.id,
        GENL_HDRLEN + family.hdrsize as usize,
        flags,
    )?;
    let h = skb.nlmsg_data_mut(at);
    h[0] = cmd;
    h[1] = family.version;
    Ok(at)
}

/// `genlmsg_end` when the message at `at` was filled (`filled` is Ok), else `genlmsg_cancel`:
/// a message is in the skb whole or not at all.
pub fn genlmsg_end_or_cancel(
    skb: &mut SkBuff,
    at: usize,
    filled: Result<(), Errno>,
) -> Result<(), Errno> {
    match filled {
        Ok(()) => skb.nlmsg_end(at),
        Err(_) => skb.trim(at),
    }
    filled
}

/// `genlmsg_new(NLMSG_DEFAULT_SIZE)`: a reply buffer of the default size.
pub fn genlmsg_new() -> SkBuff {
    SkBuff::alloc_skb(crate::profile::NLMSG_GOODSIZE)
}

/// `genlmsg_reply`: send a reply to the requester of `info`.
pub fn genlmsg_reply(k: &mut Kernel, skb: SkBuff, info: &GenlInfo<'_>) -> SysResult<()> {
    let ksk = k.net(info.net).kernel_sock[NETLINK_GENERIC as usize].expect("genl socket");
    crate::af_netlink::send::nlmsg_unicast(k, ksk, skb, info.snd_portid)
}

/// Look a family up by name (`genl_family_find_byname`): `name` is read as a C string (up to
/// its first NUL), as the kernel reads an attribute's payload.
pub fn genl_family_find_byname<'a>(k: &'a Kernel, name: &[u8]) -> Option<&'a GenlFamily> {
    let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
    let name = &name[..end];
    k.genl.families.values().find(|f| f.name.as_bytes() == name)
}

/// Look a family up by id (`genl_family_find_byid`).
pub fn genl_family_find_byid(k: &Kernel, id: u16) -> Option<&GenlFamily> {
    k.genl.families.get(&id)
}
