//! `include/uapi/linux/net_namespace.h`: the attributes of RTM_NEWNSID/DELNSID/GETNSID.

crate::uapi_enum! {
    /// The attributes of a namespace id message (after its `rtgenmsg`).
    pub enum Netnsa: u16 {
        NETNSA_NONE = 0 => None,
        NETNSA_NSID = 1 => Nsid,
        NETNSA_PID = 2 => Pid,
        NETNSA_FD = 3 => Fd,
        NETNSA_TARGET_NSID = 4 => TargetNsid,
        NETNSA_CURRENT_NSID = 5 => CurrentNsid,
    }
}

/// The id a namespace has in another that gave it none (`NETNSA_NSID_NOT_ASSIGNED`).
pub const NETNSA_NSID_NOT_ASSIGNED: i32 = -1;
