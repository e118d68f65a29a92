//! Credentials and capabilities (`kernel/cred.c`, `kernel/capability.c`, `kernel/user_namespace.c`).
//!
//! Just enough of the kernel's capability model to decide netlink's permission checks: a task has
//! an effective uid, a user namespace, and a capability set that applies within that namespace
//! and, as for the kernel's `cap_capable`, in every namespace it owns below it. A user
//! namespace's uid map turns the uids requests carry into kernel uids and back (`make_kuid`,
//! `from_kuid_munged`: routing rules' uid ranges).

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

/// A user namespace (`struct user_namespace`): its parent, the euid that created it and its
/// uid map.
#[derive(Clone, Debug)]
pub struct UserNamespace {
    /// The parent namespace; `None` for `init_user_ns`.
    pub parent: Option<UserNsId>,
    /// The creator's euid, as seen in the parent.
    pub owner: u32,
    /// `uid_map`: extents of (first uid in this namespace, first kernel uid, count), empty until
    /// written (a new namespace maps nothing).
    pub uid_map: Vec<(u32, u32, u32)>,
    /// `gid_map`, the same for group ids.
    pub gid_map: Vec<(u32, u32, u32)>,
}

/// `INVALID_UID`.
pub const INVALID_UID: u32 = u32::MAX;
/// `overflowuid`: what an unmapped uid reads as.
pub const OVERFLOWUID: u32 = 65534;

impl UserNamespace {
    /// `make_kuid`: the kernel uid `uid` of this namespace stands for, or [`INVALID_UID`].
    pub fn make_kuid(&self, uid: u32) -> u32 {
        self.uid_map
            .iter()
            .find(|&&(first, _, count)| uid >= first && uid - first < count)
            .map_or(INVALID_UID, |&(first, lower, _)| lower + (uid - first))
    }

    /// `from_kuid_munged`: the uid a kernel uid is in this namespace, [`OVERFLOWUID`] when it
    /// maps to none.
    pub fn from_kuid_munged(&self, kuid: u32) -> u32 {
        map_id_up(&self.uid_map, kuid)
    }

    /// `make_kgid`: the kernel gid `gid` of this namespace stands for, or [`INVALID_UID`].
    pub fn make_kgid(&self, gid: u32) -> u32 {
        self.gid_map
            .iter()
            .find(|&&(first, _, count)| gid >= first && gid - first < count)
            .map_or(INVALID_UID, |&(first, lower, _)| lower + (gid - first))
    }

    /// `from_kgid_munged`: the gid a kernel gid is in this namespace, [`OVERFLOWUID`]
    /// (`overflowgid`, the same 65534) when it maps to none.
    pub fn from_kgid_munged(&self, kgid: u32) -> u32 {
        map_id_up(&self.gid_map, kgid)
    }
}

/// `map_id_up`, munged: the id in a namespace of kernel id `kid` through `map`, 65534 when
/// it maps to none.
fn map_id_up(map: &[(u32, u32, u32)], kid: u32) -> u32 {
    map.iter()
        .find(|&&(_, lower, count)| kid >= lower && kid - lower < count)
        .map_or(OVERFLOWUID, |&(first, lower, _)| first + (kid - lower))
}

/// A task's credentials (`struct cred`).
#[derive(Clone, Debug)]
pub struct Cred {
    /// The effective uid, as seen in `user_ns`.
    pub euid: u32,
    /// The effective gid, as seen in `user_ns` (what `SCM_CREDENTIALS` reports of a sender).
    pub egid: u32,
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
