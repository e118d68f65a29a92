//! `include/uapi/linux/neighbour.h`: neighbour attributes (`NDA_*`), after an `ndmsg`.

crate::uapi_enum! {
    /// Neighbour attributes (`NDA_*`).
    pub enum Nda: u16 {
        NDA_UNSPEC = 0 => Unspec,
        NDA_DST = 1 => Dst,
        NDA_LLADDR = 2 => Lladdr,
        NDA_CACHEINFO = 3 => Cacheinfo,
        NDA_PROBES = 4 => Probes,
        NDA_VLAN = 5 => Vlan,
        NDA_PORT = 6 => Port,
        NDA_VNI = 7 => Vni,
        NDA_IFINDEX = 8 => Ifindex,
        NDA_MASTER = 9 => Master,
        NDA_LINK_NETNSID = 10 => LinkNetnsid,
        NDA_SRC_VNI = 11 => SrcVni,
        NDA_PROTOCOL = 12 => Protocol,
        NDA_NH_ID = 13 => NhId,
        NDA_FDB_EXT_ATTRS = 14 => FdbExtAttrs,
        NDA_FLAGS_EXT = 15 => FlagsExt,
        NDA_NDM_STATE_MASK = 16 => NdmStateMask,
        NDA_NDM_FLAGS_MASK = 17 => NdmFlagsMask,
    }
}

/// `NTF_USE` (`ndm_flags`): use the entry (send a probe if it needs one).
pub const NTF_USE: u8 = 1 << 0;
/// `NTF_SELF`.
pub const NTF_SELF: u8 = 1 << 1;
/// `NTF_MASTER`.
pub const NTF_MASTER: u8 = 1 << 2;
/// `NTF_PROXY`: a proxy entry (`pneigh_entry`).
pub const NTF_PROXY: u8 = 1 << 3;
/// `NTF_EXT_LEARNED`: added by an external control plane.
pub const NTF_EXT_LEARNED: u8 = 1 << 4;
/// `NTF_OFFLOADED`.
pub const NTF_OFFLOADED: u8 = 1 << 5;
/// `NTF_STICKY`.
pub const NTF_STICKY: u8 = 1 << 6;
/// `NTF_ROUTER`: an IPv6 router.
pub const NTF_ROUTER: u8 = 1 << 7;

/// `NTF_EXT_MANAGED` (NDA_FLAGS_EXT): the kernel keeps the entry resolved.
pub const NTF_EXT_MANAGED: u32 = 1 << 0;
/// `NTF_EXT_LOCKED` (NDA_FLAGS_EXT, bridge FDB only).
pub const NTF_EXT_LOCKED: u32 = 1 << 1;
/// `NTF_EXT_EXT_VALIDATED` (NDA_FLAGS_EXT): validated by an external control plane.
pub const NTF_EXT_EXT_VALIDATED: u32 = 1 << 2;

/// `NUD_INCOMPLETE` (`ndm_state`): resolution under way.
pub const NUD_INCOMPLETE: u16 = 0x01;
/// `NUD_REACHABLE`: confirmed recently.
pub const NUD_REACHABLE: u16 = 0x02;
/// `NUD_STALE`: valid, to be confirmed when used.
pub const NUD_STALE: u16 = 0x04;
/// `NUD_DELAY`: used while stale, waiting before probing.
pub const NUD_DELAY: u16 = 0x08;
/// `NUD_PROBE`: being probed.
pub const NUD_PROBE: u16 = 0x10;
/// `NUD_FAILED`: resolution failed.
pub const NUD_FAILED: u16 = 0x20;
/// `NUD_NOARP`: needs no resolution.
pub const NUD_NOARP: u16 = 0x40;
/// `NUD_PERMANENT`: set by hand, never expires.
pub const NUD_PERMANENT: u16 = 0x80;
/// `NUD_NONE`.
pub const NUD_NONE: u16 = 0x00;

/// `struct nda_cacheinfo` (NDA_CACHEINFO): ages in USER_HZ ticks and the reference count.
pub mod nda_cacheinfo {
    /// `sizeof(struct nda_cacheinfo)`.
    pub const LEN: usize = 16;

    /// Its bytes: `ndm_confirmed`, `ndm_used`, `ndm_updated`, `ndm_refcnt`.
    pub fn to_bytes(confirmed: u32, used: u32, updated: u32, refcnt: u32) -> [u8; LEN] {
        let mut b = [0; LEN];
        b[0..4].copy_from_slice(&confirmed.to_ne_bytes());
        b[4..8].copy_from_slice(&used.to_ne_bytes());
        b[8..12].copy_from_slice(&updated.to_ne_bytes());
        b[12..16].copy_from_slice(&refcnt.to_ne_bytes());
        b
    }
}

/// `sizeof(struct ndtmsg)`: `ndtm_family`, `ndtm_pad1`, `ndtm_pad2`, after the `nlmsghdr` of
/// RTM_NEWNEIGHTBL, RTM_GETNEIGHTBL and RTM_SETNEIGHTBL.
pub const NDTMSG_LEN: usize = 4;

crate::uapi_enum! {
    /// Neighbour table attributes (`NDTA_*`), after an `ndtmsg`.
    pub enum Ndta: u16 {
        NDTA_UNSPEC = 0 => Unspec,
        NDTA_NAME = 1 => Name,
        NDTA_THRESH1 = 2 => Thresh1,
        NDTA_THRESH2 = 3 => Thresh2,
        NDTA_THRESH3 = 4 => Thresh3,
        NDTA_CONFIG = 5 => Config,
        NDTA_PARMS = 6 => Parms,
        NDTA_STATS = 7 => Stats,
        NDTA_GC_INTERVAL = 8 => GcInterval,
        NDTA_PAD = 9 => Pad,
    }
}

crate::uapi_enum! {
    /// A neighbour table's parameters (`NDTPA_*`), nested in NDTA_PARMS.
    pub enum Ndtpa: u16 {
        NDTPA_UNSPEC = 0 => Unspec,
        NDTPA_IFINDEX = 1 => Ifindex,
        NDTPA_REFCNT = 2 => Refcnt,
        NDTPA_REACHABLE_TIME = 3 => ReachableTime,
        NDTPA_BASE_REACHABLE_TIME = 4 => BaseReachableTime,
        NDTPA_RETRANS_TIME = 5 => RetransTime,
        NDTPA_GC_STALETIME = 6 => GcStaletime,
        NDTPA_DELAY_PROBE_TIME = 7 => DelayProbeTime,
        NDTPA_QUEUE_LEN = 8 => QueueLen,
        NDTPA_APP_PROBES = 9 => AppProbes,
        NDTPA_UCAST_PROBES = 10 => UcastProbes,
        NDTPA_MCAST_PROBES = 11 => McastProbes,
        NDTPA_ANYCAST_DELAY = 12 => AnycastDelay,
        NDTPA_PROXY_DELAY = 13 => ProxyDelay,
        NDTPA_PROXY_QLEN = 14 => ProxyQlen,
        NDTPA_LOCKTIME = 15 => Locktime,
        NDTPA_QUEUE_LENBYTES = 16 => QueueLenbytes,
        NDTPA_MCAST_REPROBES = 17 => McastReprobes,
        NDTPA_PAD = 18 => Pad,
        NDTPA_INTERVAL_PROBE_TIME_MS = 19 => IntervalProbeTimeMs,
    }
}

/// `struct ndt_config` (NDTA_CONFIG): a table's shape and hash.
pub mod ndt_config {
    /// `sizeof(struct ndt_config)`.
    pub const LEN: usize = 32;
    /// `ndtc_entries`'s bytes.
    pub const ENTRIES: core::ops::Range<usize> = 4..8;
    /// `ndtc_last_flush` to `ndtc_hash_mask`: the ages, the random hash seed and the mask.
    pub const LAST_FLUSH_TO_HASH_MASK: core::ops::Range<usize> = 8..24;

    /// The fields, in order.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct NdtConfig {
        /// `ndtc_key_len`.
        pub key_len: u16,
        /// `ndtc_entry_size`.
        pub entry_size: u16,
        /// `ndtc_entries`.
        pub entries: u32,
        /// `ndtc_last_flush`, ms ago.
        pub last_flush: u32,
        /// `ndtc_last_rand`, ms ago.
        pub last_rand: u32,
        /// `ndtc_hash_rnd`.
        pub hash_rnd: u32,
        /// `ndtc_hash_mask`.
        pub hash_mask: u32,
        /// `ndtc_hash_chain_gc`.
        pub hash_chain_gc: u32,
        /// `ndtc_proxy_qlen`.
        pub proxy_qlen: u32,
    }

    impl NdtConfig {
        /// Its bytes, native-endian.
        pub fn to_bytes(&self) -> [u8; LEN] {
            let mut b = [0; LEN];
            b[0..2].copy_from_slice(&self.key_len.to_ne_bytes());
            b[2..4].copy_from_slice(&self.entry_size.to_ne_bytes());
            let rest = [
                self.entries,
                self.last_flush,
                self.last_rand,
                self.hash_rnd,
                self.hash_mask,
                self.hash_chain_gc,
                self.proxy_qlen,
            ];
            for (i, v) in rest.iter().enumerate() {
                b[4 + 4 * i..8 + 4 * i].copy_from_slice(&v.to_ne_bytes());
            }
            b
        }
    }
}

/// `struct ndt_stats` (NDTA_STATS): eleven `__u64` counters, summed over the CPUs.
pub mod ndt_stats {
    /// `sizeof(struct ndt_stats)`.
    pub const LEN: usize = 88;
    /// `ndts_allocs`.
    pub const ALLOCS: usize = 0;
    /// `ndts_destroys`.
    pub const DESTROYS: usize = 1;
    /// `ndts_hash_grows`.
    pub const HASH_GROWS: usize = 2;
    /// `ndts_res_failed`.
    pub const RES_FAILED: usize = 3;
    /// `ndts_lookups`.
    pub const LOOKUPS: usize = 4;
    /// `ndts_hits`.
    pub const HITS: usize = 5;
    /// The number of counters.
    pub const COUNT: usize = 11;

    /// Its bytes, native-endian.
    pub fn to_bytes(counters: &[u64; COUNT]) -> [u8; LEN] {
        let mut b = [0; LEN];
        for (i, v) in counters.iter().enumerate() {
            b[8 * i..8 * i + 8].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }
}
