//! Operations (`struct genl_split_ops` and the lookups over them in
//! `net/netlink/genetlink.c`): the handler types, the op iterator that pairs a command's
//! doit and dumpit, `genl_get_cmd`, and the ordering rules `genl_validate_ops` enforces.

use crate::af_netlink::NetlinkCallback;
use crate::errno::{Errno, SysResult};
use crate::kernel::Kernel;
use crate::nlattr::{NlaPolicy, NlaType};
use crate::skbuff::SkBuff;
use crate::uapi::genetlink::{GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP};

#[cfg(doc)]
use super::genl_dumpit_info;
use super::{GenlFamily, GenlInfo};

/// A doit handler (`genl_split_ops.doit`).
pub type GenlDoit = fn(&mut Kernel, &GenlInfo<'_>) -> SysResult<()>;
/// A dumpit handler (`genl_split_ops.dumpit`): > 0 or -EMSGSIZE more, 0 done, < 0 error.
/// [`genl_dumpit_info`] gives it the parsed request and its private state.
pub type GenlDumpit = fn(&mut Kernel, &mut SkBuff, &mut NetlinkCallback) -> SysResult<i32>;
/// A dump's start hook (`genl_split_ops.start`): runs once the request is validated, before
/// the first chunk; an error is the request's answer (with what it put in `cb.extack`).
pub type GenlStart = fn(&mut Kernel, &mut NetlinkCallback) -> SysResult<()>;
/// A dump's done hook (`genl_split_ops.done`): runs once when the dump ends.
pub type GenlDone = fn(&mut Kernel, &mut NetlinkCallback);

/// One split operation (`struct genl_split_ops`): a command's doit or its dumpit. List a
/// command's doit before its dumpit, commands in ascending order, as the kernel requires.
#[derive(Clone, Debug, Default)]
pub struct GenlOp {
    /// The command.
    pub cmd: u8,
    /// `GENL_CMD_CAP_DO` or `GENL_CMD_CAP_DUMP`, with `GENL_ADMIN_PERM` / `GENL_UNS_ADMIN_PERM`.
    pub flags: u32,
    /// The attribute policy, indexed by type (its length - 1 is `maxattr`). A split op without
    /// one takes any attribute unchecked, yet is listed with `genl_policy_reject_all` by
    /// GETFAMILY and the all-commands GETPOLICY (`genl_op_fill_in_reject_policy_split`).
    pub policy: Option<&'static [NlaPolicy]>,
    /// Data families only: the family advertises a policy the model does not have.
    pub haspol: bool,
    /// Parse liberally (`GENL_DONT_VALIDATE_STRICT` / `GENL_DONT_VALIDATE_DUMP_STRICT`).
    pub liberal: bool,
    /// A dump whose request attributes are not validated at all (`GENL_DONT_VALIDATE_DUMP`).
    pub no_validate_dump: bool,
    /// The doit handler; `None` when not modeled.
    pub doit: Option<GenlDoit>,
    /// The dumpit handler; `None` when not modeled.
    pub dumpit: Option<GenlDumpit>,
    /// The dump's start hook.
    pub start: Option<GenlStart>,
    /// The dump's done hook.
    pub done: Option<GenlDone>,
}

/// `genl_policy_reject_all`: the policy the kernel lists for split ops that have none.
pub static GENL_POLICY_REJECT_ALL: [NlaPolicy; 2] = [
    NlaPolicy::of(NlaType::Reject),
    NlaPolicy::of(NlaType::Reject),
];

/// One command as `genl_op_iter_next` yields it: its doit and dumpit (each `None` when the
/// command has no such operation).
#[derive(Clone, Debug)]
pub struct GenlOpIter {
    /// `cmd`: the doit's command or the dumpit's.
    pub cmd: u8,
    /// `doit`.
    pub doit: Option<GenlOp>,
    /// `dumpit`.
    pub dumpit: Option<GenlOp>,
}

impl GenlOpIter {
    /// `flags`: both operations' flags.
    pub fn flags(&self) -> u32 {
        self.doit.as_ref().map_or(0, |o| o.flags) | self.dumpit.as_ref().map_or(0, |o| o.flags)
    }
}

/// `genl_op_iter_init` + `genl_op_iter_next` (`genl_op_from_split`): the family's commands in
/// registration order, a doit paired with a dumpit of the same command that follows it.
/// Split ops without a policy get `genl_policy_reject_all`
/// (`genl_op_fill_in_reject_policy_split`); data families' ops are left as they are.
pub fn genl_op_iter(family: &GenlFamily) -> Vec<GenlOpIter> {
    let fill = |op: &GenlOp| {
        let mut op = op.clone();
        if op.policy.is_none() && !family.data_only {
            op.policy = Some(&GENL_POLICY_REJECT_ALL);
        }
        op
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < family.ops.len() {
        let mut it = GenlOpIter {
            cmd: 0,
            doit: None,
            dumpit: None,
        };
        if family.ops[i].flags & GENL_CMD_CAP_DO != 0 {
            it.doit = Some(fill(&family.ops[i]));
            i += 1;
        }
        if let Some(op) = family.ops.get(i) {
            let same = it.doit.as_ref().is_none_or(|d| d.cmd == op.cmd);
            if op.flags & GENL_CMD_CAP_DUMP != 0 && same {
                it.dumpit = Some(fill(op));
                i += 1;
            }
        }
        if it.doit.is_none() && it.dumpit.is_none() {
            // An op with neither capability (the kernel refuses to register it).
            i += 1;
            continue;
        }
        it.cmd = it.doit.as_ref().map_or(0, |o| o.cmd) | it.dumpit.as_ref().map_or(0, |o| o.cmd);
        out.push(it);
    }
    out
}

/// `genl_get_cmd`: the family's operation for `cmd` with capability `flag` (`GENL_CMD_CAP_DO`
/// or `GENL_CMD_CAP_DUMP`), as registered (no reject policy filled in).
pub fn genl_get_cmd(cmd: u32, flag: u32, family: &GenlFamily) -> Option<&GenlOp> {
    family
        .ops
        .iter()
        .find(|o| u32::from(o.cmd) == cmd && o.flags & flag != 0)
}

/// `genl_get_cmd_both`: the doit and the dumpit of `cmd`; ENOENT when it has neither.
pub fn genl_get_cmd_both(
    cmd: u32,
    family: &GenlFamily,
) -> Result<(Option<GenlOp>, Option<GenlOp>), Errno> {
    let doit = genl_get_cmd(cmd, GENL_CMD_CAP_DO, family).cloned();
    let dumpit = genl_get_cmd(cmd, GENL_CMD_CAP_DUMP, family).cloned();
    if doit.is_none() && dumpit.is_none() {
        return Err(Errno::ENOENT);
    }
    Ok((doit, dumpit))
}

/// `genl_validate_ops`: every op can do or dump; split ops sorted by command, a command's
/// doit before its dumpit, no command twice in the op iterator.
pub fn genl_validate_ops(family: &GenlFamily) -> Result<(), Errno> {
    let caps = GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP;
    if family.ops.iter().any(|o| o.flags & caps == 0) {
        return Err(Errno::EINVAL);
    }
    for w in family.ops.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.cmd < b.cmd {
            continue;
        }
        let same_perms = (a.flags ^ b.flags) & !caps == 0;
        if a.cmd > b.cmd
            || !same_perms
            || a.flags & GENL_CMD_CAP_DO == 0
            || b.flags & GENL_CMD_CAP_DUMP == 0
        {
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}
