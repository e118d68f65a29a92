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

/// `IFA_F_SECONDARY` / `IFA_F_TEMPORARY`.
pub const IFA_F_TEMPORARY: u32 = 0x01;
/// `IFA_F_NODAD`: no duplicate address detection.
pub const IFA_F_NODAD: u32 = 0x02;
/// `IFA_F_OPTIMISTIC`.
pub const IFA_F_OPTIMISTIC: u32 = 0x04;
/// `IFA_F_DADFAILED`.
pub const IFA_F_DADFAILED: u32 = 0x08;
/// `IFA_F_HOMEADDRESS`.
pub const IFA_F_HOMEADDRESS: u32 = 0x10;
/// `IFA_F_DEPRECATED`.
pub const IFA_F_DEPRECATED: u32 = 0x20;
/// `IFA_F_TENTATIVE`: duplicate address detection not done yet.
pub const IFA_F_TENTATIVE: u32 = 0x40;
/// `IFA_F_PERMANENT`.
pub const IFA_F_PERMANENT: u32 = 0x80;
/// `IFA_F_MANAGETEMPADDR`.
pub const IFA_F_MANAGETEMPADDR: u32 = 0x100;
/// `IFA_F_NOPREFIXROUTE`.
pub const IFA_F_NOPREFIXROUTE: u32 = 0x200;
/// `IFA_F_MCAUTOJOIN`.
pub const IFA_F_MCAUTOJOIN: u32 = 0x400;
/// `IFA_F_STABLE_PRIVACY`.
pub const IFA_F_STABLE_PRIVACY: u32 = 0x800;

/// `sizeof(struct ifa_cacheinfo)`: ifa_prefered, ifa_valid, cstamp, tstamp.
pub const IFA_CACHEINFO_LEN: usize = 16;
/// `INFINITY_LIFE_TIME`: a lifetime that never ends.
pub const INFINITY_LIFE_TIME: u32 = 0xffff_ffff;

/// `IFAPROT_KERNEL_LO`: the loopback address the kernel adds.
pub const IFAPROT_KERNEL_LO: u8 = 1;
/// `IFAPROT_KERNEL_RA`: set by the kernel from a router advertisement.
pub const IFAPROT_KERNEL_RA: u8 = 2;
/// `IFAPROT_KERNEL_LL`: a link-local address the kernel made.
pub const IFAPROT_KERNEL_LL: u8 = 3;
