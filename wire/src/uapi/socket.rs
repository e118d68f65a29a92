//! Socket-layer constants from `include/linux/socket.h`, `include/linux/net.h` and
//! `include/uapi/asm-generic/socket.h` (x86-64 values): address families, socket types,
//! message flags, socket options.

crate::uapi_enum! {
    /// Address families (`AF_*`) as rtnetlink messages carry them (`ifi_family`, ...).
    pub enum AddressFamily: u8 {
        AF_UNSPEC = 0 => Unspec,
        AF_UNIX = 1 => Unix,
        AF_INET = 2 => Inet,
        AF_BRIDGE = 7 => Bridge,
        AF_INET6 = 10 => Inet6,
        AF_PACKET = 17 => Packet,
        AF_MPLS = 28 => Mpls,
    }
}

/// `PF_UNSPEC`: rtnetlink handlers registered for every family.
pub const PF_UNSPEC: u8 = AF_UNSPEC;
/// `PF_INET`.
pub const PF_INET: u8 = AF_INET;
/// `PF_BRIDGE`.
pub const PF_BRIDGE: u8 = AF_BRIDGE;
/// `PF_INET6`.
pub const PF_INET6: u8 = AF_INET6;

/// `SOCK_STREAM`.
pub const SOCK_STREAM: i32 = 1;
/// `SOCK_DGRAM`.
pub const SOCK_DGRAM: i32 = 2;
/// `SOCK_RAW`.
pub const SOCK_RAW: i32 = 3;
/// `SOCK_RDM`.
pub const SOCK_RDM: i32 = 4;
/// `SOCK_SEQPACKET`.
pub const SOCK_SEQPACKET: i32 = 5;
/// `SOCK_DCCP`.
pub const SOCK_DCCP: i32 = 6;
/// `SOCK_PACKET`.
pub const SOCK_PACKET: i32 = 10;
/// `SOCK_TYPE_MASK`: the type bits of the socket(2) `type` argument.
pub const SOCK_TYPE_MASK: i32 = 0xf;
/// `SOCK_NONBLOCK` flag of socket(2).
pub const SOCK_NONBLOCK: i32 = 0o4000;
/// `SOCK_CLOEXEC` flag of socket(2).
pub const SOCK_CLOEXEC: i32 = 0o2000000;
/// `SOCK_MAX`: socket(2) rejects types at or above this with EINVAL.
pub const SOCK_MAX: i32 = SOCK_PACKET + 1;

/// `MSG_OOB`.
pub const MSG_OOB: i32 = 0x1;
/// `MSG_PEEK`.
pub const MSG_PEEK: i32 = 0x2;
/// `MSG_CTRUNC` (output flag).
pub const MSG_CTRUNC: i32 = 0x8;
/// `MSG_TRUNC`.
pub const MSG_TRUNC: i32 = 0x20;
/// `MSG_DONTWAIT`.
pub const MSG_DONTWAIT: i32 = 0x40;
/// `MSG_WAITALL`.
pub const MSG_WAITALL: i32 = 0x100;
/// `MSG_ERRQUEUE`.
pub const MSG_ERRQUEUE: i32 = 0x2000;
/// `MSG_CMSG_COMPAT`.
pub const MSG_CMSG_COMPAT: i32 = 0x80000000u32 as i32;

/// `SOL_SOCKET`.
pub const SOL_SOCKET: i32 = 1;
/// `SO_TYPE`.
pub const SO_TYPE: i32 = 3;
/// `SO_SNDBUF`.
pub const SO_SNDBUF: i32 = 7;
/// `SO_RCVBUF`.
pub const SO_RCVBUF: i32 = 8;
/// `SO_PASSCRED`: receive the sender's credentials (`SCM_CREDENTIALS`) with each datagram.
pub const SO_PASSCRED: i32 = 16;
/// `SO_RCVTIMEO_OLD`: the receive timeout as a `struct __kernel_old_timeval`.
pub const SO_RCVTIMEO_OLD: i32 = 20;
/// `SO_SNDTIMEO_OLD`: the send timeout as a `struct __kernel_old_timeval`.
pub const SO_SNDTIMEO_OLD: i32 = 21;
/// `SO_ATTACH_FILTER`: attach a classic BPF program (`struct sock_fprog`).
pub const SO_ATTACH_FILTER: i32 = 26;
/// `SO_DETACH_FILTER`.
pub const SO_DETACH_FILTER: i32 = 27;
/// `SO_LOCK_FILTER`: forbid changing the attached filter.
pub const SO_LOCK_FILTER: i32 = 44;
/// `SO_RCVTIMEO_NEW`: the receive timeout as a `struct __kernel_sock_timeval`.
pub const SO_RCVTIMEO_NEW: i32 = 66;
/// `SO_SNDTIMEO_NEW`.
pub const SO_SNDTIMEO_NEW: i32 = 67;
/// `SCM_CREDENTIALS`: the control message carrying a `struct ucred`.
pub const SCM_CREDENTIALS: i32 = 2;
/// `SO_SNDBUFFORCE`.
pub const SO_SNDBUFFORCE: i32 = 32;
/// `SO_RCVBUFFORCE`.
pub const SO_RCVBUFFORCE: i32 = 33;
/// `SO_PROTOCOL`.
pub const SO_PROTOCOL: i32 = 38;
/// `SO_DOMAIN`.
pub const SO_DOMAIN: i32 = 39;
/// `SO_MEMINFO`: the socket's memory counters, `u32[SK_MEMINFO_VARS]`.
pub const SO_MEMINFO: i32 = 55;

/// `SK_MEMINFO_*` (`include/uapi/linux/sock_diag.h`): the indexes of `SO_MEMINFO`'s counters.
pub mod sk_meminfo {
    /// `SK_MEMINFO_RMEM_ALLOC`: the truesize of what the receive queue holds.
    pub const RMEM_ALLOC: usize = 0;
    /// `SK_MEMINFO_RCVBUF`.
    pub const RCVBUF: usize = 1;
    /// `SK_MEMINFO_WMEM_ALLOC`.
    pub const WMEM_ALLOC: usize = 2;
    /// `SK_MEMINFO_SNDBUF`.
    pub const SNDBUF: usize = 3;
    /// `SK_MEMINFO_FWD_ALLOC`.
    pub const FWD_ALLOC: usize = 4;
    /// `SK_MEMINFO_WMEM_QUEUED`.
    pub const WMEM_QUEUED: usize = 5;
    /// `SK_MEMINFO_OPTMEM`.
    pub const OPTMEM: usize = 6;
    /// `SK_MEMINFO_BACKLOG`.
    pub const BACKLOG: usize = 7;
    /// `SK_MEMINFO_DROPS`: `sk_drops`, which a netlink socket counts per dropped message.
    pub const DROPS: usize = 8;
    /// `SK_MEMINFO_VARS`: how many there are.
    pub const VARS: usize = 9;
}
