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
