//! Credentials and capabilities (`kernel/cred.c`, `kernel/capability.c`, `kernel/user_namespace.c`).
//!
//! Just enough of the kernel's capability model to decide netlink's permission checks: a task has
//! an effective uid, a user namespace, and a capability set that applies within that namespace
//! and, as for the kernel's `cap_capable`, in every namespace it owns below it.

/// `CAP_NET_BROADCAST`.
pub const CAP_NET_BROADCAST: u32 = 11;
/// `CAP_NET_ADMIN`.
pub const CAP_NET_ADMIN: u32 = 12;
/// `CAP_SYS_ADMIN`.
pub const CAP_SYS_ADMIN: u32 = 21;
/// `CAP_AUDIT_CONTROL`.
pub const CAP_AUDIT_CONTROL: u32 = 30;
/// `CAP_AUDIT_READ`.
pub const CAP_AUDIT_READ: u32 = 37;

/// Index of a user namespace in the kernel's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserNsId(pub usize);

/// A user namespace (`struct user_namespace`): its parent and the euid that created it.
#[derive(Clone, Debug)]
pub struct UserNamespace {
    /// The parent namespace; `None` for `init_user_ns`.
    pub parent: Option<UserNsId>,
    /// The creator's euid, as seen in the parent.
    pub owner: u32,
}

/// A task's credentials (`struct cred`).
#[derive(Clone, Debug)]
pub struct Cred {
    /// The effective uid, as seen in `user_ns`.
    pub euid: u32,
    /// The user namespace the credentials belong to.
    pub user_ns: UserNsId,
    /// Effective capabilities, as a bitmask by capability number.
    pub cap_effective: u64,
}

impl Cred {
    /// All capabilities.
    pub const CAP_FULL_SET: u64 = (1u64 << 41) - 1;
}

/// `cap_capable` (`security/commoncap.c`): does `cred` hold `cap` over namespace `target`?
pub fn cap_capable(nss: &[UserNamespace], cred: &Cred, target: UserNsId, cap: u32) -> bool {
    let mut ns = target;
    loop {
        if ns == cred.user_ns {
            return cred.cap_effective & (1u64 << cap) != 0;
        }
        let Some(parent) = nss[ns.0].parent else {
            return false;
        };
        // The creator of a namespace has every capability in it.
        if parent == cred.user_ns && nss[ns.0].owner == cred.euid {
            return true;
        }
        ns = parent;
    }
}
