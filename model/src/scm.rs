//! Credentials passing (`net/core/scm.c`, `include/net/scm.h`) as netlink uses it: a sender's
//! credentials taken at `sendmsg` (`scm_send`), and `SCM_CREDENTIALS` written into a receive's
//! control buffer when the receiver asked with `SO_PASSCRED` (`scm_recv`).

use nltwin_wire::cmsg::Control;

use crate::kernel::{Kernel, TaskId};
use crate::skbuff::ScmCreds;
use crate::uapi::socket::{SCM_CREDENTIALS, SOL_SOCKET};

/// `scm_set_cred` as `scm_send` calls it: the sending task's tgid and its uid and gid as
/// kernel ids (its namespace's maps applied).
pub fn scm_set_cred(k: &Kernel, task: TaskId) -> ScmCreds {
    let t = k.task(task);
    let ns = &k.user_nss[t.cred.user_ns.0];
    ScmCreds {
        pid: t.tgid,
        uid: ns.make_kuid(t.cred.euid),
        gid: ns.make_kgid(t.cred.egid),
    }
}

/// `scm_recv` (`__scm_recv_common`): with `passcred`, a `struct ucred` of `creds` as the
/// receiving task's user namespace sees them; without a control buffer, only `MSG_CTRUNC`
/// (left to the caller: `control.truncated`).
pub fn scm_recv(k: &Kernel, task: TaskId, passcred: bool, creds: ScmCreds, control: &mut Control) {
    if !control.given {
        control.truncated |= passcred;
        return;
    }
    if passcred {
        let ns = &k.user_nss[k.task(task).cred.user_ns.0];
        let mut ucred = [0u8; 12];
        ucred[..4].copy_from_slice(&creds.pid.to_ne_bytes());
        ucred[4..8].copy_from_slice(&ns.from_kuid_munged(creds.uid).to_ne_bytes());
        ucred[8..].copy_from_slice(&ns.from_kgid_munged(creds.gid).to_ne_bytes());
        control.put_cmsg(SOL_SOCKET, SCM_CREDENTIALS, &ucred);
    }
}
