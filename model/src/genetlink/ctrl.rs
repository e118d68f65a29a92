//! nlctrl, the generic netlink controller: `ctrl_getfamily`, `ctrl_fill_info`,
//! `ctrl_dumpfamily` and the family record itself (`genl_ctrl`).

use crate::af_netlink::NetlinkCallback;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, INIT_NET};
use crate::nlattr::{NlaPolicy, NlaType};
use crate::profile::{Feature, FeatureSet};
use crate::skbuff::SkBuff;
use crate::uapi::genetlink::*;
use crate::uapi::netlink::NLM_F_MULTI;

use crate::policy::{
    netlink_policy_dump_add_policy, netlink_policy_dump_get_policy_idx, netlink_policy_dump_loop,
    netlink_policy_dump_write, NetlinkPolicyDumpState,
};
use crate::uapi::netlink::NLA_HDRLEN;

use super::mcast::{genlmsg_multicast_allns, genlmsg_multicast_netns};
use super::{
    genl_dumpit_info, genl_dumpit_info_mut, genl_family_find_byname, genl_get_cmd_both,
    genl_op_iter, genlmsg_end_or_cancel, genlmsg_new, genlmsg_put, genlmsg_reply, GenlFamily,
    GenlInfo, GenlOp, GenlOpIter,
};

/// `ctrl_policy_family`: FAMILY_ID and FAMILY_NAME.
static CTRL_POLICY_FAMILY: [NlaPolicy; 3] = [
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::U16),
    NlaPolicy::with_len(NlaType::NulString, (GENL_NAMSIZ - 1) as u16),
];

/// `ctrl_policy_policy`: FAMILY_ID, FAMILY_NAME and OP (attribute 10).
static CTRL_POLICY_POLICY: [NlaPolicy; 11] = [
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::U16),
    NlaPolicy::with_len(NlaType::NulString, (GENL_NAMSIZ - 1) as u16),
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::U32),
];

/// `genl_ctrl`: nlctrl at GENL_ID_CTRL, version 2, with its split operations and the "notify"
/// group (id 16).
pub fn genl_ctrl() -> GenlFamily {
    GenlFamily {
        name: "nlctrl".into(),
        id: GENL_ID_CTRL,
        version: 2,
        hdrsize: 0,
        maxattr: 0,
        netnsok: true,
        resv_start_op: CTRL_CMD_GETPOLICY + 1,
        ops: vec![
            GenlOp {
                cmd: CTRL_CMD_GETFAMILY,
                flags: GENL_CMD_CAP_DO,
                policy: Some(&CTRL_POLICY_FAMILY),
                liberal: true,
                doit: Some(ctrl_getfamily),
                ..GenlOp::default()
            },
            GenlOp {
                cmd: CTRL_CMD_GETFAMILY,
                flags: GENL_CMD_CAP_DUMP,
                policy: Some(&CTRL_POLICY_FAMILY),
                no_validate_dump: true,
                dumpit: Some(ctrl_dumpfamily),
                ..GenlOp::default()
            },
            GenlOp {
                cmd: CTRL_CMD_GETPOLICY,
                flags: GENL_CMD_CAP_DUMP,
                policy: Some(&CTRL_POLICY_POLICY),
                start: Some(ctrl_dumppolicy_start),
                dumpit: Some(ctrl_dumppolicy),
                done: Some(ctrl_dumppolicy_done),
                ..GenlOp::default()
            },
        ],
        mcgrps: vec![(u32::from(GENL_ID_CTRL), "notify".into())],
        data_only: false,
    }
}

/// The OPS entries of `ctrl_fill_info`: each command of the family's op iterator with its
/// do and dump flags combined, and HASPOL when either has a policy.
fn merged_ops(family: &GenlFamily) -> Vec<(u8, u32)> {
    genl_op_iter(family)
        .iter()
        .map(|it| {
            let haspol = [&it.doit, &it.dumpit]
                .into_iter()
                .flatten()
                .any(|o| o.policy.is_some() || o.haspol);
            let pol = if haspol { GENL_CMD_CAP_HASPOL } else { 0 };
            (it.cmd, it.flags() | pol)
        })
        .collect()
}

/// `ctrl_fill_info`: the family record: NAME, ID, VERSION, HDRSIZE, MAXATTR, OPS (numbered from
/// 1, each OP_ID and OP_FLAGS), MCAST_GROUPS (numbered from 1, each GRP_ID then GRP_NAME).
/// Nests carry no NLA_F_NESTED. On EMSGSIZE nothing of the message stays.
pub fn ctrl_fill_info(
    family: &GenlFamily,
    portid: u32,
    seq: u32,
    flags: u16,
    skb: &mut SkBuff,
    cmd: u8,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = (|| {
        let at = genlmsg_put(skb, portid, seq, &genl_ctrl(), flags, cmd)?;
        skb.nla_put_string(CTRL_ATTR_FAMILY_NAME, &family.name)?;
        skb.nla_put_u16(CTRL_ATTR_FAMILY_ID, family.id)?;
        skb.nla_put_u32(CTRL_ATTR_VERSION, u32::from(family.version))?;
        skb.nla_put_u32(CTRL_ATTR_HDRSIZE, family.hdrsize)?;
        skb.nla_put_u32(CTRL_ATTR_MAXATTR, family.maxattr)?;
        let ops = merged_ops(family);
        if !ops.is_empty() {
            let nest = skb.nla_nest_start_noflag(CTRL_ATTR_OPS)?;
            for (i, (cmd, flags)) in ops.iter().enumerate() {
                let e = skb.nla_nest_start_noflag(i as u16 + 1)?;
                skb.nla_put_u32(CTRL_ATTR_OP_ID, u32::from(*cmd))?;
                skb.nla_put_u32(CTRL_ATTR_OP_FLAGS, *flags)?;
                skb.nla_nest_end(e);
            }
            skb.nla_nest_end(nest);
        }
        if !family.mcgrps.is_empty() {
            let nest = skb.nla_nest_start_noflag(CTRL_ATTR_MCAST_GROUPS)?;
            for (i, (id, name)) in family.mcgrps.iter().enumerate() {
                let e = skb.nla_nest_start_noflag(i as u16 + 1)?;
                skb.nla_put_u32(CTRL_ATTR_MCAST_GRP_ID, *id)?;
                skb.nla_put_string(CTRL_ATTR_MCAST_GRP_NAME, name)?;
                skb.nla_nest_end(e);
            }
            skb.nla_nest_end(nest);
        }
        skb.nlmsg_end(at);
        Ok(())
    })();
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

/// `ctrl_getfamily`: by FAMILY_ID, then by FAMILY_NAME (the name's result wins); neither is
/// EINVAL, not found ENOENT.
pub fn ctrl_getfamily(k: &mut Kernel, info: &GenlInfo<'_>) -> SysResult<()> {
    let mut res = None;
    let mut err = Errno::EINVAL;
    if let Some(id) = info.attr(CTRL_ATTR_FAMILY_ID) {
        let id = nltwin_wire::scalar::get_u16(id).expect("NLA_U16 by the policy");
        res = k.genl.families.get(&id).cloned();
        err = Errno::ENOENT;
    }
    if let Some(name) = info.attr(CTRL_ATTR_FAMILY_NAME) {
        res = genl_family_find_byname(k, name).cloned();
        err = Errno::ENOENT;
    }
    let family = res.ok_or(err)?;
    if !family.netnsok && !k.net(info.net).is_init {
        return Err(Errno::ENOENT.into());
    }
    let mut skb = genlmsg_new();
    ctrl_fill_info(
        &family,
        info.snd_portid,
        info.snd_seq,
        0,
        &mut skb,
        CTRL_CMD_NEWFAMILY,
    )?;
    genlmsg_reply(k, skb, info)
}

/// `ctrl_dumpfamily`: every family visible in the namespace, in ascending id, resuming after
/// the `args[0]` already sent.
pub fn ctrl_dumpfamily(
    k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let is_init = k.net(cb.net).is_init;
    let seq = cb.request().seq();
    let skip = cb.args[0] as usize;
    let mut n = 0;
    let mut err = 0;
    for family in k.genl.families.values().filter(|f| f.netnsok || is_init) {
        n += 1;
        if n <= skip {
            continue;
        }
        if let Err(e) = ctrl_fill_info(family, cb.portid, seq, NLM_F_MULTI, skb, CTRL_CMD_NEWFAMILY)
        {
            n -= 1;
            err = e.as_neg();
            break;
        }
    }
    cb.args[0] = n as i64;
    // Before the core handled EMSGSIZE, the dump returned what it had written.
    if !k.has(Feature::NetlinkDumpEmsgsizeInCore) {
        return Ok(skb.len() as i32);
    }
    Ok(err)
}

/// `struct ctrl_dump_policy_ctx`: what a GETPOLICY dump walks (kept in the dump's
/// `GenlDumpitInfo::ctx`).
#[derive(Debug)]
struct CtrlDumpPolicyCtx {
    /// The release's features (how OP_POLICY nests are typed).
    features: FeatureSet,
    /// `state`: the policies to describe and the position in them.
    state: NetlinkPolicyDumpState,
    /// `rt`: the family, as it was when the dump started.
    rt: GenlFamily,
    /// `op_iter`: the family's commands and the position in them.
    op_iter: (Vec<GenlOpIter>, usize),
    /// `op`: the one command asked about (`single_op`).
    op: u32,
    /// `fam_id`.
    fam_id: u16,
    /// `dump_map`: OP_POLICY messages remain to be sent.
    dump_map: bool,
    /// `single_op`: the request named a command (CTRL_ATTR_OP).
    single_op: bool,
}

/// Add an operation's policy to the dump. A data family's operation whose policy exists but is
/// not modeled cannot be described: say so rather than invent one.
fn add_op_policy(state: &mut Option<NetlinkPolicyDumpState>, op: &GenlOp) -> SysResult<()> {
    if let Some(policy) = op.policy {
        netlink_policy_dump_add_policy(state, policy)?;
    } else if op.haspol {
        return Err(crate::errno::unimplemented(
            "the attribute policies of the boot families kept as data (the profile's families \
             have their operations and flags, not their policies): CTRL_CMD_GETPOLICY for them",
        ));
    }
    Ok(())
}

/// `ctrl_dumppolicy_start`: find the family (by FAMILY_ID, else by FAMILY_NAME: the id wins
/// when both are given; neither is EINVAL, unknown ENOENT), then collect the policies of the
/// one command CTRL_ATTR_OP names (unknown: ENOENT pointing at the attribute) or of all its
/// commands. No policy at all: ENODATA.
pub fn ctrl_dumppolicy_start(k: &mut Kernel, cb: &mut NetlinkCallback) -> SysResult<()> {
    let Some(info) = genl_dumpit_info(cb) else {
        return Err(Errno::EINVAL.into());
    };
    let id = info.attr(cb.request(), CTRL_ATTR_FAMILY_ID);
    let name = info.attr(cb.request(), CTRL_ATTR_FAMILY_NAME);
    let op_attr = info.attrs.get(usize::from(CTRL_ATTR_OP)).cloned().flatten();
    let fam_id = match (id, name) {
        (None, None) => return Err(Errno::EINVAL.into()),
        (Some(id), _) => Some(id)
            .filter(|b| b.len() == 2)
            .and_then(nltwin_wire::scalar::get_u16)
            .ok_or(Errno::EINVAL)?,
        (None, Some(name)) => genl_family_find_byname(k, name).ok_or(Errno::ENOENT)?.id,
    };
    let rt = k.genl.families.get(&fam_id).cloned().ok_or(Errno::ENOENT)?;
    let mut state = None;
    let mut ctx = CtrlDumpPolicyCtx {
        features: k.features,
        state: NetlinkPolicyDumpState::default(),
        rt,
        op_iter: (Vec::new(), 0),
        op: 0,
        fam_id,
        dump_map: false,
        single_op: false,
    };
    if let Some(r) = op_attr {
        ctx.single_op = true;
        ctx.op = Some(&cb.nlh[r.clone()])
            .filter(|b| b.len() == 4)
            .and_then(nltwin_wire::scalar::get_u32)
            .ok_or(Errno::EINVAL)?;
        let split = k.has(Feature::GenlSplitOps);
        let (doit, dumpit) = genl_get_cmd_both(ctx.op, &ctx.rt).inspect_err(|_| {
            // Split operations brought the pointer to the unknown command.
            if split {
                cb.extack.bad_attr = Some(r.start - NLA_HDRLEN);
            }
        })?;
        for op in doit.iter().chain(dumpit.iter()) {
            add_op_policy(&mut state, op)?;
        }
        ctx.dump_map = true;
    } else {
        let ops = genl_op_iter(&ctx.rt);
        for it in &ops {
            for op in it.doit.iter().chain(it.dumpit.iter()) {
                add_op_policy(&mut state, op)?;
            }
        }
        ctx.dump_map = !ops.is_empty();
        ctx.op_iter = (ops, 0);
    }
    ctx.state = state.ok_or(Errno::ENODATA)?;
    if let Some(info) = genl_dumpit_info_mut(cb) {
        info.ctx = Some(Box::new(ctx));
    }
    Ok(())
}

/// `ctrl_dumppolicy_prep`: a GETPOLICY message to the requester with FAMILY_ID. Like the
/// kernel, a FAMILY_ID that does not fit leaves the bare header in place.
fn ctrl_dumppolicy_prep(
    skb: &mut SkBuff,
    cb: &NetlinkCallback,
    fam_id: u16,
) -> Result<usize, Errno> {
    let seq = cb.request().seq();
    let at = genlmsg_put(
        skb,
        cb.portid,
        seq,
        &genl_ctrl(),
        NLM_F_MULTI,
        CTRL_CMD_GETPOLICY,
    )?;
    skb.nla_put_u16(CTRL_ATTR_FAMILY_ID, fam_id)?;
    Ok(at)
}

/// `ctrl_dumppolicy_put_op`: one OP_POLICY message: the command's nest with the policy
/// indexes of its doit (POLICY_DO) and dumpit (POLICY_DUMP). Nothing for a command without
/// policies. The nest is typed by the command; between split operations and the fix that
/// reported the real command, by the doit's command (0 for a dump-only command such as
/// nlctrl's GETPOLICY).
fn ctrl_dumppolicy_put_op(
    skb: &mut SkBuff,
    cb: &NetlinkCallback,
    ctx: &CtrlDumpPolicyCtx,
    cmd: u8,
    doit: Option<&GenlOp>,
    dumpit: Option<&GenlOp>,
) -> Result<(), Errno> {
    let (do_pol, mut dump_pol) = (doit.and_then(|o| o.policy), dumpit.and_then(|o| o.policy));
    if !ctx.features.has(Feature::GenlSplitOps) && dumpit.is_some_and(|o| o.no_validate_dump) {
        // One operation per command: a dump that is not validated shows no policy.
        dump_pol = None;
    }
    if do_pol.is_none() && dump_pol.is_none() {
        return Ok(());
    }
    let hdr = ctrl_dumppolicy_prep(skb, cb, ctx.fam_id).map_err(|_| Errno::ENOBUFS)?;
    let r = (|| {
        let nest_pol = skb.nla_nest_start(CTRL_ATTR_OP_POLICY)?;
        // With split operations the nest was typed by the do operation (none: 0) until
        // the real command was reported.
        let nest_type = if ctx.features.has(Feature::GenlSplitOps)
            && !ctx.features.has(Feature::GenlPolicyDumpRealCmd)
        {
            doit.map_or(0, |o| o.cmd)
        } else {
            cmd
        };
        let nest_op = skb.nla_nest_start(u16::from(nest_type))?;
        if let Some(p) = do_pol {
            let idx = netlink_policy_dump_get_policy_idx(&ctx.state, p);
            skb.nla_put_u32(CTRL_ATTR_POLICY_DO, idx)?;
        }
        if let Some(p) = dump_pol {
            let idx = netlink_policy_dump_get_policy_idx(&ctx.state, p);
            skb.nla_put_u32(CTRL_ATTR_POLICY_DUMP, idx)?;
        }
        skb.nla_nest_end(nest_op);
        skb.nla_nest_end(nest_pol);
        Ok(())
    })();
    genlmsg_end_or_cancel(skb, hdr, r)
}

/// `ctrl_dumppolicy`: the OP_POLICY messages (the one command, or every command in order),
/// then one POLICY message per described attribute: policy index -> attribute -> its
/// `NL_POLICY_TYPE_ATTR_*`. Returns the chunk's length: a full chunk resumes where it stopped,
/// an empty one ends the dump.
pub fn ctrl_dumppolicy(
    _k: &mut Kernel,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    let Some(mut ctx) = genl_dumpit_info_mut(cb)
        .and_then(|i| i.ctx.take())
        .and_then(|c| c.downcast::<CtrlDumpPolicyCtx>().ok())
    else {
        return Err(Errno::EINVAL.into());
    };
    let r = ctrl_dumppolicy_fill(skb, cb, &mut ctx);
    if let Some(info) = genl_dumpit_info_mut(cb) {
        info.ctx = Some(ctx);
    }
    r
}

/// The body of `ctrl_dumppolicy`, with the context out of the callback.
fn ctrl_dumppolicy_fill(
    skb: &mut SkBuff,
    cb: &NetlinkCallback,
    ctx: &mut CtrlDumpPolicyCtx,
) -> SysResult<i32> {
    let len = |skb: &SkBuff| Ok(skb.len() as i32);
    if ctx.dump_map {
        if ctx.single_op {
            let (doit, dumpit) = genl_get_cmd_both(ctx.op, &ctx.rt)?;
            // The kernel passes the requested command on as a u8.
            let cmd = ctx.op as u8;
            if ctrl_dumppolicy_put_op(skb, cb, ctx, cmd, doit.as_ref(), dumpit.as_ref()).is_err() {
                return len(skb);
            }
            ctx.dump_map = false;
        }
        while ctx.dump_map {
            let (ops, at) = &ctx.op_iter;
            let it = &ops[*at];
            if ctrl_dumppolicy_put_op(skb, cb, ctx, it.cmd, it.doit.as_ref(), it.dumpit.as_ref())
                .is_err()
            {
                return len(skb);
            }
            ctx.op_iter.1 += 1;
            ctx.dump_map = ctx.op_iter.1 < ctx.op_iter.0.len();
        }
    }
    while netlink_policy_dump_loop(&ctx.state) {
        // A header without room for FAMILY_ID stays, as in the kernel (there is no message
        // to cancel yet).
        let Ok(hdr) = ctrl_dumppolicy_prep(skb, cb, ctx.fam_id) else {
            return len(skb);
        };
        let written = skb.nla_nest_start(CTRL_ATTR_POLICY).and_then(|nest| {
            netlink_policy_dump_write(skb, &mut ctx.state)?;
            skb.nla_nest_end(nest);
            Ok(())
        });
        if written.is_err() {
            // genlmsg_cancel: the unfinished message goes (ENODATA: nothing was left to say).
            skb.trim(hdr);
            return len(skb);
        }
        skb.nlmsg_end(hdr);
    }
    len(skb)
}

/// `ctrl_dumppolicy_done`: the dump's state goes with the dump info.
pub fn ctrl_dumppolicy_done(_k: &mut Kernel, cb: &mut NetlinkCallback) {
    if let Some(info) = genl_dumpit_info_mut(cb) {
        info.ctx = None;
    }
}

/// `ctrl_fill_mcgrp_info`: a group event: NAME, ID and MCAST_GROUPS holding the one group
/// (GRP_ID, GRP_NAME) as entry 1.
fn ctrl_fill_mcgrp_info(
    family: &GenlFamily,
    grp_name: &str,
    grp_id: u32,
    skb: &mut SkBuff,
    cmd: u8,
) -> Result<(), Errno> {
    let at = genlmsg_put(skb, 0, 0, &genl_ctrl(), 0, cmd)?;
    let r = (|| {
        skb.nla_put_string(CTRL_ATTR_FAMILY_NAME, &family.name)?;
        skb.nla_put_u16(CTRL_ATTR_FAMILY_ID, family.id)?;
        let grps = skb.nla_nest_start_noflag(CTRL_ATTR_MCAST_GROUPS)?;
        let nest = skb.nla_nest_start_noflag(1)?;
        skb.nla_put_u32(CTRL_ATTR_MCAST_GRP_ID, grp_id)?;
        skb.nla_put_string(CTRL_ATTR_MCAST_GRP_NAME, grp_name)?;
        skb.nla_nest_end(nest);
        skb.nla_nest_end(grps);
        Ok(())
    })();
    genlmsg_end_or_cancel(skb, at, r)
}

/// `genl_ctrl_event`: tell nlctrl's "notify" group that a family (CTRL_CMD_NEWFAMILY /
/// DELFAMILY) or one of its groups (`grp`: index in `family.mcgrps`; NEWMCAST_GRP /
/// DELMCAST_GRP) came or went: in every namespace for a `netnsok` family, else in init_net.
pub fn genl_ctrl_event(k: &mut Kernel, event: u8, family: &GenlFamily, grp: Option<usize>) {
    let mut skb = genlmsg_new();
    let built = match grp.and_then(|g| family.mcgrps.get(g)) {
        Some((id, name)) => ctrl_fill_mcgrp_info(family, name, *id, &mut skb, event),
        None => ctrl_fill_info(family, 0, 0, 0, &mut skb, event),
    };
    if built.is_err() {
        return;
    }
    let ctrl = genl_ctrl();
    // Nobody listening is no error for an event.
    let _ = if family.netnsok {
        genlmsg_multicast_allns(k, &ctrl, skb, 0, 0)
    } else {
        genlmsg_multicast_netns(k, &ctrl, INIT_NET, skb, 0, 0)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nlctrl_record_matches_the_kernel_capture() {
        let want = include_bytes!("../../tests/data/nlctrl.bin");
        let hdr = nltwin_wire::nlmsg::Repr::parse_bytes(want).unwrap();
        let (portid, seq) = (hdr.pid, hdr.seq);
        let mut skb = SkBuff::alloc_skb(4096);
        ctrl_fill_info(&genl_ctrl(), portid, seq, 0, &mut skb, CTRL_CMD_NEWFAMILY).unwrap();
        pretty_assertions::assert_eq!(skb.data(), &want[..]);
    }

    /// GETPOLICY by name, optionally for one command, through the system calls.
    fn getpolicy(name: &str, op: Option<u32>) -> SysResult<usize> {
        use crate::uapi::netlink::{NETLINK_GENERIC, NLM_F_DUMP, NLM_F_REQUEST};
        let (mut k, task) = Kernel::sandboxed(4242);
        let fd = k.sys_socket(task, crate::uapi::socket::SOCK_RAW, NETLINK_GENERIC)?;
        let mut skb = SkBuff::alloc_skb(256);
        let at = skb.nlmsg_put(0, 1, GENL_ID_CTRL, 4, NLM_F_REQUEST | NLM_F_DUMP)?;
        skb.nlmsg_data_mut(at)[..2].copy_from_slice(&[CTRL_CMD_GETPOLICY, 1]);
        skb.nla_put_string(CTRL_ATTR_FAMILY_NAME, name)?;
        if let Some(op) = op {
            skb.nla_put_u32(CTRL_ATTR_OP, op)?;
        }
        skb.nlmsg_end(at);
        k.sys_sendto(task, fd, skb.data(), 0, None)
    }

    proptest::proptest! {
        /// Whatever follows the genl header, nlctrl's GETPOLICY answers (a dump or an error
        /// ack) without panicking, and the reader drains it.
        #[test]
        fn getpolicy_answers_any_attributes(
            named in proptest::bool::ANY,
            tail in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            use crate::uapi::netlink::{NETLINK_GENERIC, NLM_F_DUMP, NLM_F_REQUEST};
            // Half the cases name nlctrl first, so the tail reaches the op lookup and the dump.
            let mut attrs = Vec::new();
            if named {
                attrs.extend_from_slice(&[11, 0, 2, 0]);
                attrs.extend_from_slice(b"nlctrl\0\0");
            }
            attrs.extend_from_slice(&tail);
            let (mut k, task) = Kernel::sandboxed(4242);
            let fd = k.sys_socket(task, crate::uapi::socket::SOCK_RAW, NETLINK_GENERIC).unwrap();
            let mut skb = SkBuff::alloc_skb(256);
            let at = skb.nlmsg_put(0, 1, GENL_ID_CTRL, 4 + attrs.len(), NLM_F_REQUEST | NLM_F_DUMP).unwrap();
            let data = skb.nlmsg_data_mut(at);
            data[..2].copy_from_slice(&[CTRL_CMD_GETPOLICY, 1]);
            data[4..4 + attrs.len()].copy_from_slice(&attrs);
            skb.nlmsg_end(at);
            proptest::prop_assert_eq!(k.sys_sendto(task, fd, skb.data(), 0, None), Ok(skb.len()));
            let mut buf = vec![0; 65536];
            let mut datagrams = 0;
            while k.sys_recvfrom(task, fd, &mut buf, 0).is_ok() {
                datagrams += 1;
                proptest::prop_assert!(datagrams < 8);
            }
            proptest::prop_assert!(datagrams >= 1);
        }
    }

    #[test]
    fn getpolicy_of_a_data_family_says_what_is_missing() {
        // ethtool's command 1 has a policy the model does not have: no invented bytes.
        match getpolicy("ethtool", Some(1)) {
            Err(crate::SysError::Unimplemented(what)) => {
                assert!(what.what().contains("the profile's families"))
            }
            other => panic!("{other:?}"),
        }
        // IOAM6's command 3 has none: that much is known, and answered (ENODATA, queued).
        assert!(getpolicy("IOAM6", Some(3)).is_ok());
        assert!(getpolicy("nlctrl", None).is_ok());
    }
}
