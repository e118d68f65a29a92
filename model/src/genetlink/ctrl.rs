//! nlctrl, the generic netlink controller: `ctrl_getfamily`, `ctrl_fill_info`,
//! `ctrl_dumpfamily` and the family record itself (`genl_ctrl`).

use crate::af_netlink::NetlinkCallback;
use crate::errno::{Errno, SysError, SysResult};
use crate::kernel::Kernel;
use crate::nlattr::{NlaPolicy, NlaType};
use crate::skbuff::SkBuff;
use crate::uapi::genetlink::*;
use crate::uapi::netlink::NLM_F_MULTI;

use super::{genlmsg_new, genlmsg_put, genlmsg_reply, GenlFamily, GenlInfo, GenlOp};

/// `ctrl_policy_family`.
fn ctrl_policy_family() -> Vec<NlaPolicy> {
    vec![
        NlaPolicy::of(NlaType::Unspec),
        NlaPolicy::of(NlaType::U16),
        NlaPolicy::with_len(NlaType::NulString, (GENL_NAMSIZ - 1) as u16),
    ]
}

/// `ctrl_policy_policy`: FAMILY_ID, FAMILY_NAME and OP (attribute 10).
fn ctrl_policy_policy() -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); 11];
    p[1] = NlaPolicy::of(NlaType::U16);
    p[2] = NlaPolicy::with_len(NlaType::NulString, (GENL_NAMSIZ - 1) as u16);
    p[10] = NlaPolicy::of(NlaType::U32);
    p
}

/// GETPOLICY is not modeled yet: its dump answers "unimplemented".
fn ctrl_dumppolicy(
    _k: &mut Kernel,
    _skb: &mut SkBuff,
    _cb: &mut NetlinkCallback,
) -> SysResult<i32> {
    Err(SysError::Unimplemented(
        "ctrl_dumppolicy (nlctrl CTRL_CMD_GETPOLICY)",
    ))
}

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
                policy: Some(ctrl_policy_family()),
                haspol: false,
                liberal: true,
                doit: Some(ctrl_getfamily),
                dumpit: None,
            },
            GenlOp {
                cmd: CTRL_CMD_GETFAMILY,
                flags: GENL_CMD_CAP_DUMP,
                policy: Some(ctrl_policy_family()),
                haspol: false,
                liberal: false,
                doit: None,
                dumpit: Some(ctrl_dumpfamily),
            },
            GenlOp {
                cmd: CTRL_CMD_GETPOLICY,
                flags: GENL_CMD_CAP_DUMP,
                policy: Some(ctrl_policy_policy()),
                haspol: false,
                liberal: false,
                doit: None,
                dumpit: Some(ctrl_dumppolicy),
            },
        ],
        mcgrps: vec![(u32::from(GENL_ID_CTRL), "notify".into())],
    }
}

/// `genl_op_iter`: the family's commands in order, do and dump merged into one entry with
/// their flags combined and HASPOL when either has a policy.
fn merged_ops(family: &GenlFamily) -> Vec<(u8, u32)> {
    let mut out: Vec<(u8, u32)> = Vec::new();
    for op in &family.ops {
        let mut flags = op.flags;
        if op.policy.is_some() || op.haspol {
            flags |= GENL_CMD_CAP_HASPOL;
        }
        match out.iter_mut().find(|(c, _)| *c == op.cmd) {
            Some((_, f)) => *f |= flags,
            None => out.push((op.cmd, flags)),
        }
    }
    out
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
        let id = u16::from_ne_bytes([id[0], id[1]]);
        res = k.genl.families.get(&id).cloned();
        err = Errno::ENOENT;
    }
    if let Some(name) = info.attr(CTRL_ATTR_FAMILY_NAME) {
        let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        let name = String::from_utf8_lossy(&name[..end]);
        res = super::genl_family_find_byname(k, &name).cloned();
        err = Errno::ENOENT;
    }
    let family = res.ok_or(err)?;
    if !family.netnsok && !k.nets[info.net.0].is_init {
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
    let is_init = k.nets[cb.net.0].is_init;
    let seq = u32::from_ne_bytes(cb.nlh[8..12].try_into().unwrap());
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
    Ok(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nlctrl_record_matches_the_kernel_capture() {
        let want = include_bytes!("../../tests/data/nlctrl.bin");
        let portid = u32::from_ne_bytes(want[12..16].try_into().unwrap());
        let seq = u32::from_ne_bytes(want[8..12].try_into().unwrap());
        let mut skb = SkBuff::alloc_skb(4096);
        ctrl_fill_info(&genl_ctrl(), portid, seq, 0, &mut skb, CTRL_CMD_NEWFAMILY).unwrap();
        pretty_assertions::assert_eq!(&skb.data[..], &want[..]);
    }
}
