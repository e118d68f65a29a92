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

crate::uapi_enum! {
    /// Route metrics (`RTAX_*`), the attributes nested in RTA_METRICS.
    pub enum Rtax: u16 {
        RTAX_UNSPEC = 0 => Unspec,
        RTAX_LOCK = 1 => Lock,
        RTAX_MTU = 2 => Mtu,
        RTAX_WINDOW = 3 => Window,
        RTAX_RTT = 4 => Rtt,
        RTAX_RTTVAR = 5 => Rttvar,
        RTAX_SSTHRESH = 6 => Ssthresh,
        RTAX_CWND = 7 => Cwnd,
        RTAX_ADVMSS = 8 => Advmss,
        RTAX_REORDERING = 9 => Reordering,
        RTAX_HOPLIMIT = 10 => Hoplimit,
        RTAX_INITCWND = 11 => Initcwnd,
        RTAX_FEATURES = 12 => Features,
        RTAX_RTO_MIN = 13 => RtoMin,
        RTAX_INITRWND = 14 => Initrwnd,
        RTAX_QUICKACK = 15 => Quickack,
        RTAX_CC_ALGO = 16 => CcAlgo,
        RTAX_FASTOPEN_NO_COOKIE = 17 => FastopenNoCookie,
    }
}

/// `RTAX_FEATURE_ECN`.
pub const RTAX_FEATURE_ECN: u32 = 1;
/// `RTAX_FEATURE_SACK`, `RTAX_FEATURE_TIMESTAMP`, `RTAX_FEATURE_ALLFRAG`: unused, accepted.
pub const RTAX_FEATURE_SACK: u32 = 2;
/// `RTAX_FEATURE_TIMESTAMP`.
pub const RTAX_FEATURE_TIMESTAMP: u32 = 4;
/// `RTAX_FEATURE_ALLFRAG`.
pub const RTAX_FEATURE_ALLFRAG: u32 = 8;
/// `RTAX_FEATURE_TCP_USEC_TS` (6.7).
pub const RTAX_FEATURE_TCP_USEC_TS: u32 = 16;

/// `RTPROT_KERNEL`: a route the kernel made (`rtm_protocol`).
pub const RTPROT_KERNEL: u8 = 2;
/// `RTPROT_BOOT`: a route added by a request that named no protocol.
pub const RTPROT_BOOT: u8 = 3;

/// `struct rta_cacheinfo` (RTA_CACHEINFO): clntref, lastuse, expires (signed, in USER_HZ
/// ticks), error, used, id, ts, tsage; 32 bytes.
pub mod rta_cacheinfo {
    /// Its size.
    pub const LEN: usize = 32;

    /// `rta_expires` (None when shorter).
    pub fn expires(b: &[u8]) -> Option<i32> {
        crate::scalar::get_i32(b.get(8..12)?)
    }

    /// `rta_error` (None when shorter).
    pub fn error(b: &[u8]) -> Option<u32> {
        crate::scalar::get_u32(b.get(12..16)?)
    }
}

/// `struct rtnexthop`: one next hop of RTA_MULTIPATH (length, flags, hops, ifindex), its own
/// attributes after it (`RTNH_DATA`).
pub mod rtnexthop {
    /// `sizeof(struct rtnexthop)`.
    pub const LEN: usize = 8;

    /// One next hop.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct NextHop<'a> {
        /// `rtnh_flags` (RTNH_F_*).
        pub flags: u8,
        /// `rtnh_hops`: the weight less one.
        pub hops: u8,
        /// `rtnh_ifindex`.
        pub ifindex: i32,
        /// Its attributes (RTA_GATEWAY, RTA_VIA, RTA_FLOW, RTA_ENCAP, ...).
        pub attrs: &'a [u8],
    }

    /// The next hops of an RTA_MULTIPATH payload, as `rtnh_ok` walks them: the walk ends at
    /// one that does not fit (its length below the header's or past the end).
    pub fn walk(mut b: &[u8]) -> impl Iterator<Item = NextHop<'_>> {
        std::iter::from_fn(move || {
            let len = usize::from(crate::scalar::get_u16(b.get(0..2)?)?);
            if len < LEN || len > b.len() {
                return None;
            }
            let nh = NextHop {
                flags: b[2],
                hops: b[3],
                ifindex: crate::scalar::get_i32(&b[4..8])?,
                attrs: &b[LEN..len],
            };
            b = b.get(len.next_multiple_of(4)..).unwrap_or(&[]);
            Some(nh)
        })
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn next_hops_are_walked_until_one_does_not_fit() {
            let mut b = Vec::new();
            for (flags, hops, ifindex, attrs) in [
                (4u8, 0u8, 3i32, &[8u8, 0, 5, 0, 10, 0, 0, 3][..]),
                (0, 1, 2, &[][..]),
            ] {
                b.extend_from_slice(&((8 + attrs.len()) as u16).to_ne_bytes());
                b.extend_from_slice(&[flags, hops]);
                b.extend_from_slice(&ifindex.to_ne_bytes());
                b.extend_from_slice(attrs);
            }
            b.extend_from_slice(&[200, 0, 0, 0]);
            let v: Vec<_> = super::walk(&b).collect();
            assert_eq!(v.len(), 2);
            assert_eq!(
                (v[0].flags, v[0].hops, v[0].ifindex, v[0].attrs.len()),
                (4, 0, 3, 8)
            );
            assert_eq!((v[1].hops, v[1].ifindex, v[1].attrs.len()), (1, 2, 0));
            assert_eq!(super::walk(&[1, 0]).count(), 0);
        }
    }
}
/// `RTPROT_STATIC`: set by an administrator (the least protocol an MDB entry may name).
pub const RTPROT_STATIC: u8 = 4;
