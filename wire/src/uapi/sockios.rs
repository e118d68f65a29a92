//! `include/uapi/linux/sockios.h` and `include/uapi/linux/if.h`'s `struct ifreq` /
//! `struct ifconf`: the socket ioctls that ask a network namespace about its devices
//! (`SIOCGIFINDEX`, `SIOCGIFTXQLEN`, ...), and which of them reach the namespace at all.
//!
//! A socket ioctl whose type byte is 0x89 (`is_socket_ioctl_cmd`) that the socket's own
//! family does not handle falls through to `dev_ioctl`, which answers from the socket's
//! namespace. [`reaches_namespace`] says which commands do that for a socket of any family,
//! so a program's ioctls can be served by the namespace they ask about.

crate::uapi_enum! {
    /// The socket ioctl commands (`SIOC*`) this crate names.
    pub enum Sioc: u32 {
        FIOSETOWN = 0x8901 => FioSetOwn,
        SIOCSPGRP = 0x8902 => SetPgrp,
        FIOGETOWN = 0x8903 => FioGetOwn,
        SIOCGPGRP = 0x8904 => GetPgrp,
        SIOCATMARK = 0x8905 => AtMark,
        SIOCGSTAMP_OLD = 0x8906 => GetStampOld,
        SIOCGSTAMPNS_OLD = 0x8907 => GetStampNsOld,
        SIOCADDRT = 0x890B => AddRt,
        SIOCDELRT = 0x890C => DelRt,
        SIOCRTMSG = 0x890D => RtMsg,
        SIOCGIFNAME = 0x8910 => GetIfName,
        SIOCSIFLINK = 0x8911 => SetIfLink,
        SIOCGIFCONF = 0x8912 => GetIfConf,
        SIOCGIFFLAGS = 0x8913 => GetIfFlags,
        SIOCSIFFLAGS = 0x8914 => SetIfFlags,
        SIOCGIFADDR = 0x8915 => GetIfAddr,
        SIOCSIFADDR = 0x8916 => SetIfAddr,
        SIOCGIFDSTADDR = 0x8917 => GetIfDstAddr,
        SIOCSIFDSTADDR = 0x8918 => SetIfDstAddr,
        SIOCGIFBRDADDR = 0x8919 => GetIfBrdAddr,
        SIOCSIFBRDADDR = 0x891A => SetIfBrdAddr,
        SIOCGIFNETMASK = 0x891B => GetIfNetmask,
        SIOCSIFNETMASK = 0x891C => SetIfNetmask,
        SIOCGIFMETRIC = 0x891D => GetIfMetric,
        SIOCSIFMETRIC = 0x891E => SetIfMetric,
        SIOCGIFMEM = 0x891F => GetIfMem,
        SIOCSIFMEM = 0x8920 => SetIfMem,
        SIOCGIFMTU = 0x8921 => GetIfMtu,
        SIOCSIFMTU = 0x8922 => SetIfMtu,
        SIOCSIFNAME = 0x8923 => SetIfName,
        SIOCSIFHWADDR = 0x8924 => SetIfHwAddr,
        SIOCGIFENCAP = 0x8925 => GetIfEncap,
        SIOCSIFENCAP = 0x8926 => SetIfEncap,
        SIOCGIFHWADDR = 0x8927 => GetIfHwAddr,
        SIOCGIFSLAVE = 0x8929 => GetIfSlave,
        SIOCSIFSLAVE = 0x8930 => SetIfSlave,
        SIOCADDMULTI = 0x8931 => AddMulti,
        SIOCDELMULTI = 0x8932 => DelMulti,
        SIOCGIFINDEX = 0x8933 => GetIfIndex,
        SIOCSIFPFLAGS = 0x8934 => SetIfPflags,
        SIOCGIFPFLAGS = 0x8935 => GetIfPflags,
        SIOCDIFADDR = 0x8936 => DifAddr,
        SIOCSIFHWBROADCAST = 0x8937 => SetIfHwBroadcast,
        SIOCGIFCOUNT = 0x8938 => GetIfCount,
        SIOCGIFBR = 0x8940 => GetIfBr,
        SIOCSIFBR = 0x8941 => SetIfBr,
        SIOCGIFTXQLEN = 0x8942 => GetIfTxqlen,
        SIOCSIFTXQLEN = 0x8943 => SetIfTxqlen,
        SIOCETHTOOL = 0x8946 => Ethtool,
        SIOCGMIIPHY = 0x8947 => GetMiiPhy,
        SIOCGMIIREG = 0x8948 => GetMiiReg,
        SIOCSMIIREG = 0x8949 => SetMiiReg,
        SIOCWANDEV = 0x894A => WanDev,
        SIOCOUTQNSD = 0x894B => OutqNsd,
        SIOCGSKNS = 0x894C => GetSkNs,
        SIOCDARP = 0x8953 => DelArp,
        SIOCGARP = 0x8954 => GetArp,
        SIOCSARP = 0x8955 => SetArp,
        SIOCGIFMAP = 0x8970 => GetIfMap,
        SIOCSIFMAP = 0x8971 => SetIfMap,
        SIOCGIFVLAN = 0x8982 => GetIfVlan,
        SIOCSIFVLAN = 0x8983 => SetIfVlan,
        SIOCBONDENSLAVE = 0x8990 => BondEnslave,
        SIOCBONDRELEASE = 0x8991 => BondRelease,
        SIOCBONDSETHWADDR = 0x8992 => BondSetHwAddr,
        SIOCBONDSLAVEINFOQUERY = 0x8993 => BondSlaveInfoQuery,
        SIOCBONDINFOQUERY = 0x8994 => BondInfoQuery,
        SIOCBONDCHANGEACTIVE = 0x8995 => BondChangeActive,
        SIOCBRADDBR = 0x89A0 => BrAddBr,
        SIOCBRDELBR = 0x89A1 => BrDelBr,
        SIOCBRADDIF = 0x89A2 => BrAddIf,
        SIOCBRDELIF = 0x89A3 => BrDelIf,
        SIOCSHWTSTAMP = 0x89B0 => SetHwTstamp,
        SIOCGHWTSTAMP = 0x89B1 => GetHwTstamp,
        SIOCPROTOPRIVATE = 0x89E0 => ProtoPrivate,
        SIOCDEVPRIVATE = 0x89F0 => DevPrivate,
    }
}

/// `sizeof(struct ifreq)` on 64-bit Linux: the name, then a 24-byte union.
pub const IFREQ_LEN: usize = 40;

/// The fields of `struct ifreq` (byte ranges, smoltcp style).
pub mod ifreq {
    use core::ops::Range;
    /// `ifr_name`: IFNAMSIZ bytes.
    pub const NAME: Range<usize> = 0..16;
    /// The union: `ifr_addr` / `ifr_hwaddr` (a `struct sockaddr`: family, then 14 bytes),
    /// `ifr_flags` (a short), `ifr_ifindex` / `ifr_metric` / `ifr_mtu` / `ifr_qlen` (an int),
    /// `ifr_map` (a `struct ifmap`).
    pub const UNION: Range<usize> = 16..40;
    /// `sa_family` of `ifr_addr` / `ifr_hwaddr`.
    pub const SA_FAMILY: Range<usize> = 16..18;
    /// `sa_data` of `ifr_addr` / `ifr_hwaddr`: 14 bytes.
    pub const SA_DATA: Range<usize> = 18..32;
    /// `sin_addr` of `ifr_addr` read as a `struct sockaddr_in` (after the 2-byte port).
    pub const SIN_ADDR: Range<usize> = 20..24;
    /// `ifr_ifru`'s int members.
    pub const INT: Range<usize> = 16..20;
    /// `ifr_flags`.
    pub const FLAGS: Range<usize> = 16..18;
}

/// `_IOC_TYPE(cmd) == SOCK_IOC_TYPE` (`is_socket_ioctl_cmd`): a socket ioctl, which
/// `sock_do_ioctl` may hand to `dev_ioctl`. Others a socket does not know are ENOTTY.
pub fn is_socket_ioctl_cmd(cmd: u32) -> bool {
    (cmd >> 8) & 0xff == 0x89
}

/// Whether an ioctl `cmd` on a socket of any family other than netlink asks the socket's
/// network namespace (its devices, addresses, routes, neighbours, bridges and VLANs through
/// `dev_ioctl`, `inet_ioctl`, `br_ioctl`, `vlan_ioctl`...) rather than the socket itself. The
/// socket's own commands (owner, out-of-band mark, time stamps, queue sizes,
/// `SIOCPROTOPRIVATE` and the rest of a family's private range) do not.
pub fn reaches_namespace(cmd: u32) -> bool {
    match cmd {
        SIOCADDRT..=0x89DF => cmd != SIOCOUTQNSD,
        c => (SIOCDEVPRIVATE..=SIOCDEVPRIVATE + 15).contains(&c),
    }
}

/// What the argument of a command that reaches the namespace points at, as far as a caller
/// must copy it: an ifreq, an ifconf, or something the model does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoctlArgKind {
    /// `struct ifreq` (read, and written back on success for the commands that return one).
    Ifreq,
    /// `struct ifconf` (`SIOCGIFCONF`): a length and a buffer of ifreqs.
    Ifconf,
    /// Another structure (routes, ARP entries, bridge and VLAN arguments), or none.
    Other,
}

/// [`IoctlArgKind`] of `cmd`.
pub fn arg_kind(cmd: u32) -> IoctlArgKind {
    match cmd {
        SIOCGIFCONF => IoctlArgKind::Ifconf,
        SIOCADDRT | SIOCDELRT | SIOCRTMSG | SIOCDARP | SIOCGARP | SIOCSARP | SIOCGSKNS
        | SIOCGIFBR | SIOCSIFBR | SIOCGIFVLAN | SIOCSIFVLAN | SIOCBRADDBR | SIOCBRDELBR => {
            IoctlArgKind::Other
        }
        c if is_socket_ioctl_cmd(c) => IoctlArgKind::Ifreq,
        _ => IoctlArgKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_commands_are_the_device_range_not_the_sockets_own() {
        assert!(reaches_namespace(SIOCGIFINDEX));
        assert!(reaches_namespace(SIOCGIFCONF));
        assert!(reaches_namespace(SIOCADDRT));
        assert!(reaches_namespace(SIOCBRADDBR));
        assert!(reaches_namespace(SIOCDEVPRIVATE + 3));
        assert!(!reaches_namespace(SIOCGSTAMP_OLD));
        assert!(!reaches_namespace(SIOCATMARK));
        assert!(!reaches_namespace(SIOCOUTQNSD));
        assert!(!reaches_namespace(SIOCPROTOPRIVATE));
        assert!(!reaches_namespace(0x541B)); // FIONREAD
    }

    #[test]
    fn argument_kinds() {
        assert_eq!(arg_kind(SIOCGIFTXQLEN), IoctlArgKind::Ifreq);
        assert_eq!(arg_kind(SIOCGIFCONF), IoctlArgKind::Ifconf);
        assert_eq!(arg_kind(SIOCADDRT), IoctlArgKind::Other);
        assert_eq!(arg_kind(0x541B), IoctlArgKind::Other);
        assert_eq!(Sioc::from(SIOCGIFNAME), Sioc::GetIfName);
    }
}
