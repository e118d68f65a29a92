//! `include/uapi/linux/rtnetlink.h`'s route part: attributes after an `rtmsg` (`RTA_*`),
//! route types (`RTN_*`), scopes, protocols, `rtm_flags` and next-hop flags.

crate::uapi_enum! {
    /// Route attributes (`RTA_*`).
    pub enum Rta: u16 {
        RTA_UNSPEC = 0 => Unspec,
        RTA_DST = 1 => Dst,
        RTA_SRC = 2 => Src,
        RTA_IIF = 3 => Iif,
        RTA_OIF = 4 => Oif,
        RTA_GATEWAY = 5 => Gateway,
        RTA_PRIORITY = 6 => Priority,
        RTA_PREFSRC = 7 => Prefsrc,
        RTA_METRICS = 8 => Metrics,
        RTA_MULTIPATH = 9 => Multipath,
        RTA_PROTOINFO = 10 => Protoinfo,
        RTA_FLOW = 11 => Flow,
        RTA_CACHEINFO = 12 => Cacheinfo,
        RTA_SESSION = 13 => Session,
        RTA_MP_ALGO = 14 => MpAlgo,
        RTA_TABLE = 15 => Table,
        RTA_MARK = 16 => Mark,
        RTA_MFC_STATS = 17 => MfcStats,
        RTA_VIA = 18 => Via,
        RTA_NEWDST = 19 => Newdst,
        RTA_PREF = 20 => Pref,
        RTA_ENCAP_TYPE = 21 => EncapType,
        RTA_ENCAP = 22 => Encap,
        RTA_EXPIRES = 23 => Expires,
        RTA_PAD = 24 => Pad,
        RTA_UID = 25 => Uid,
        RTA_TTL_PROPAGATE = 26 => TtlPropagate,
        RTA_IP_PROTO = 27 => IpProto,
        RTA_SPORT = 28 => Sport,
        RTA_DPORT = 29 => Dport,
        RTA_NH_ID = 30 => NhId,
        RTA_FLOWLABEL = 31 => Flowlabel,
    }
}

crate::uapi_enum! {
    /// Route types (`RTN_*`).
    pub enum Rtn: u8 {
        RTN_UNSPEC = 0 => Unspec,
        RTN_UNICAST = 1 => Unicast,
        RTN_LOCAL = 2 => Local,
        RTN_BROADCAST = 3 => Broadcast,
        RTN_ANYCAST = 4 => Anycast,
        RTN_MULTICAST = 5 => Multicast,
        RTN_BLACKHOLE = 6 => Blackhole,
        RTN_UNREACHABLE = 7 => Unreachable,
        RTN_PROHIBIT = 8 => Prohibit,
        RTN_THROW = 9 => Throw,
        RTN_NAT = 10 => Nat,
        RTN_XRESOLVE = 11 => Xresolve,
    }
}

/// `RT_SCOPE_UNIVERSE`.
pub const RT_SCOPE_UNIVERSE: u8 = 0;
/// `RT_SCOPE_LINK`.
pub const RT_SCOPE_LINK: u8 = 253;
/// `RT_SCOPE_HOST`.
pub const RT_SCOPE_HOST: u8 = 254;
/// `RT_SCOPE_NOWHERE`.
pub const RT_SCOPE_NOWHERE: u8 = 255;

/// `RT_TABLE_COMPAT`: `rtm_table` of a route in a table above 255.
pub const RT_TABLE_COMPAT: u8 = 252;

/// `RTM_F_NOTIFY`.
pub const RTM_F_NOTIFY: u32 = 0x100;
/// `RTM_F_CLONED`: the route cache (exceptions).
pub const RTM_F_CLONED: u32 = 0x200;
/// `RTM_F_EQUALIZE`.
pub const RTM_F_EQUALIZE: u32 = 0x400;
/// `RTM_F_PREFIX`: prefix routes only (IPv6's).
pub const RTM_F_PREFIX: u32 = 0x800;
/// `RTM_F_LOOKUP_TABLE`.
pub const RTM_F_LOOKUP_TABLE: u32 = 0x1000;
/// `RTM_F_FIB_MATCH`.
pub const RTM_F_FIB_MATCH: u32 = 0x2000;
/// `RTM_F_OFFLOAD`.
pub const RTM_F_OFFLOAD: u32 = 0x4000;
/// `RTM_F_TRAP`.
pub const RTM_F_TRAP: u32 = 0x8000;
/// `RTM_F_OFFLOAD_FAILED`.
pub const RTM_F_OFFLOAD_FAILED: u32 = 0x2000_0000;

/// `RTNH_F_DEAD`.
pub const RTNH_F_DEAD: u32 = 1;
/// `RTNH_F_PERVASIVE`.
pub const RTNH_F_PERVASIVE: u32 = 2;
/// `RTNH_F_ONLINK`.
pub const RTNH_F_ONLINK: u32 = 4;
/// `RTNH_F_OFFLOAD`.
pub const RTNH_F_OFFLOAD: u32 = 8;
/// `RTNH_F_LINKDOWN`.
pub const RTNH_F_LINKDOWN: u32 = 16;
/// `RTNH_F_UNRESOLVED`.
pub const RTNH_F_UNRESOLVED: u32 = 32;
/// `RTNH_F_TRAP`.
pub const RTNH_F_TRAP: u32 = 64;

/// `RTAX_MAX`: the metrics a route may carry.
pub const RTAX_MAX: usize = 17;

/// `RTPROT_KERNEL`: a route the kernel made (`rtm_protocol`).
pub const RTPROT_KERNEL: u8 = 2;
/// `RTPROT_BOOT`: a route added by a request that named no protocol.
pub const RTPROT_BOOT: u8 = 3;
