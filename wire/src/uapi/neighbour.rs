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
