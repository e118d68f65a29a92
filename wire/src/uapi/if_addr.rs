//! `include/uapi/linux/if_addr.h`: address attributes (`IFA_*`), after an `ifaddrmsg`.

crate::uapi_enum! {
    /// Address attributes (`IFA_*`).
    pub enum Ifa: u16 {
        IFA_UNSPEC = 0 => Unspec,
        IFA_ADDRESS = 1 => Address,
        IFA_LOCAL = 2 => Local,
        IFA_LABEL = 3 => Label,
        IFA_BROADCAST = 4 => Broadcast,
        IFA_ANYCAST = 5 => Anycast,
        IFA_CACHEINFO = 6 => Cacheinfo,
        IFA_MULTICAST = 7 => Multicast,
        IFA_FLAGS = 8 => Flags,
        IFA_RT_PRIORITY = 9 => RtPriority,
        IFA_TARGET_NETNSID = 10 => TargetNetnsid,
        IFA_PROTO = 11 => Proto,
    }
}
