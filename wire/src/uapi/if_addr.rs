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
        IFA_MC_USERS = 12 => McUsers,
    }
}

crate::uapi_flags! {
    /// `IFA_F_*`: address flags (`ifa_flags`, the low 8 bits; IFA_FLAGS holds all 32).
    pub struct IfaFlags: u32 {
        IFA_F_SECONDARY = 0x01,
        IFA_F_NODAD = 0x02,
        IFA_F_OPTIMISTIC = 0x04,
        IFA_F_DADFAILED = 0x08,
        IFA_F_HOMEADDRESS = 0x10,
        IFA_F_DEPRECATED = 0x20,
        IFA_F_TENTATIVE = 0x40,
        IFA_F_PERMANENT = 0x80,
        IFA_F_MANAGETEMPADDR = 0x100,
        IFA_F_NOPREFIXROUTE = 0x200,
        IFA_F_MCAUTOJOIN = 0x400,
        IFA_F_STABLE_PRIVACY = 0x800,
    }
}

/// `struct ifa_cacheinfo` (IFA_CACHEINFO): lifetimes left in seconds, then creation and
/// update times in hundredths of a second since boot.
pub mod ifa_cacheinfo {
    /// Its size.
    pub const LEN: usize = 16;

    /// Its bytes: `ifa_prefered`, `ifa_valid`, `cstamp`, `tstamp`.
    pub fn to_bytes(prefered: u32, valid: u32, cstamp: u32, tstamp: u32) -> [u8; LEN] {
        let mut b = [0; LEN];
        for (i, v) in [prefered, valid, cstamp, tstamp].into_iter().enumerate() {
            b[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }

    /// `(ifa_prefered, ifa_valid)` from its bytes (None when shorter).
    pub fn lifetimes(b: &[u8]) -> Option<(u32, u32)> {
        Some((
            crate::scalar::get_u32(b.get(0..4)?)?,
            crate::scalar::get_u32(b.get(4..8)?)?,
        ))
    }
}

/// `IFA_F_SECONDARY` / `IFA_F_TEMPORARY`.
pub const IFA_F_TEMPORARY: u32 = 0x01;
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
