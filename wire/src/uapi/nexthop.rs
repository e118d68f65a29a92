//! `include/uapi/linux/nexthop.h`: nexthop objects (`NHA_*` after a `struct nhmsg`, in
//! RTM_NEWNEXTHOP, RTM_DELNEXTHOP, RTM_GETNEXTHOP and RTM_*NEXTHOPBUCKET), the entries of a
//! group (`struct nexthop_grp`) and the nests inside.

crate::uapi_enum! {
    /// Nexthop attributes (`NHA_*`).
    pub enum Nha: u16 {
        NHA_UNSPEC = 0 => Unspec,
        NHA_ID = 1 => Id,
        NHA_GROUP = 2 => Group,
        NHA_GROUP_TYPE = 3 => GroupType,
        NHA_BLACKHOLE = 4 => Blackhole,
        NHA_OIF = 5 => Oif,
        NHA_GATEWAY = 6 => Gateway,
        NHA_ENCAP_TYPE = 7 => EncapType,
        NHA_ENCAP = 8 => Encap,
        NHA_GROUPS = 9 => Groups,
        NHA_MASTER = 10 => Master,
        NHA_FDB = 11 => Fdb,
        NHA_RES_GROUP = 12 => ResGroup,
        NHA_RES_BUCKET = 13 => ResBucket,
        NHA_OP_FLAGS = 14 => OpFlags,
        NHA_GROUP_STATS = 15 => GroupStats,
        NHA_HW_STATS_ENABLE = 16 => HwStatsEnable,
        NHA_HW_STATS_USED = 17 => HwStatsUsed,
        NHA_DST_PORT = 18 => DstPort,
    }
}

crate::uapi_enum! {
    /// A resilient group's attributes (`NHA_RES_GROUP_*`, inside NHA_RES_GROUP).
    pub enum NhaResGroup: u16 {
        NHA_RES_GROUP_PAD = 0 => Pad,
        NHA_RES_GROUP_BUCKETS = 1 => Buckets,
        NHA_RES_GROUP_IDLE_TIMER = 2 => IdleTimer,
        NHA_RES_GROUP_UNBALANCED_TIMER = 3 => UnbalancedTimer,
        NHA_RES_GROUP_UNBALANCED_TIME = 4 => UnbalancedTime,
    }
}

crate::uapi_enum! {
    /// A bucket's attributes (`NHA_RES_BUCKET_*`, inside NHA_RES_BUCKET).
    pub enum NhaResBucket: u16 {
        NHA_RES_BUCKET_PAD = 0 => Pad,
        NHA_RES_BUCKET_INDEX = 1 => Index,
        NHA_RES_BUCKET_IDLE_TIME = 2 => IdleTime,
        NHA_RES_BUCKET_NH_ID = 3 => NhId,
    }
}

crate::uapi_enum! {
    /// A group's statistics (`NHA_GROUP_STATS_*`, inside NHA_GROUP_STATS).
    pub enum NhaGroupStats: u16 {
        NHA_GROUP_STATS_UNSPEC = 0 => Unspec,
        NHA_GROUP_STATS_ENTRY = 1 => Entry,
    }
}

crate::uapi_enum! {
    /// One member's statistics (`NHA_GROUP_STATS_ENTRY_*`, inside NHA_GROUP_STATS_ENTRY).
    pub enum NhaGroupStatsEntry: u16 {
        NHA_GROUP_STATS_ENTRY_UNSPEC = 0 => Unspec,
        NHA_GROUP_STATS_ENTRY_ID = 1 => Id,
        NHA_GROUP_STATS_ENTRY_PACKETS = 2 => Packets,
        NHA_GROUP_STATS_ENTRY_PACKETS_HW = 3 => PacketsHw,
    }
}

/// `NEXTHOP_GRP_TYPE_MPATH`: a hash-threshold group (the default).
pub const NEXTHOP_GRP_TYPE_MPATH: u16 = 0;
/// `NEXTHOP_GRP_TYPE_RES`: a resilient group.
pub const NEXTHOP_GRP_TYPE_RES: u16 = 1;
/// `NEXTHOP_GRP_TYPE_MAX`.
pub const NEXTHOP_GRP_TYPE_MAX: u16 = 1;

/// `NHA_OP_FLAG_DUMP_STATS`: a get or dump asks for the groups' statistics.
pub const NHA_OP_FLAG_DUMP_STATS: u32 = 1 << 0;
/// `NHA_OP_FLAG_DUMP_HW_STATS`: and their hardware part.
pub const NHA_OP_FLAG_DUMP_HW_STATS: u32 = 1 << 1;
/// `NHA_OP_FLAG_RESP_GRP_RESVD_0`: a group message's entries have their reserved fields
/// cleared.
pub const NHA_OP_FLAG_RESP_GRP_RESVD_0: u32 = 1 << 31;

/// `sizeof(struct nexthop_grp)`.
pub const NEXTHOP_GRP_LEN: usize = 8;

/// One `struct nexthop_grp` (an entry of NHA_GROUP).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NexthopGrp {
    /// `id`.
    pub id: u32,
    /// `weight`: the low byte of weight - 1.
    pub weight: u8,
    /// `weight_high`: the high byte of weight - 1.
    pub weight_high: u8,
    /// `resvd2`.
    pub resvd2: u16,
}

impl NexthopGrp {
    /// The entry in `b` (at least [`NEXTHOP_GRP_LEN`] bytes).
    pub fn parse(b: &[u8]) -> Option<NexthopGrp> {
        if b.len() < NEXTHOP_GRP_LEN {
            return None;
        }
        Some(NexthopGrp {
            id: crate::ne::u32(&b[0..4]),
            weight: b[4],
            weight_high: b[5],
            resvd2: crate::ne::u16(&b[6..8]),
        })
    }

    /// `nexthop_grp_weight`: the weight the entry stands for (1..=65536 as 0..=0xffff + 1,
    /// 0 for the too heavy 0x10000).
    pub fn weight(&self) -> u16 {
        ((u16::from(self.weight_high) << 8) | u16::from(self.weight)).wrapping_add(1)
    }

    /// Its bytes.
    pub fn to_bytes(&self) -> [u8; NEXTHOP_GRP_LEN] {
        let mut b = [0; NEXTHOP_GRP_LEN];
        crate::ne::put_u32(&mut b[0..4], self.id);
        b[4] = self.weight;
        b[5] = self.weight_high;
        crate::ne::put_u16(&mut b[6..8], self.resvd2);
        b
    }
}
