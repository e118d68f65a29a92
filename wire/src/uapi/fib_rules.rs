//! `include/uapi/linux/fib_rules.h`: routing rules (RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE):
//! the attributes (`FRA_*`) after a `struct fib_rule_hdr` ([`crate::fib_rule_hdr`]), the
//! actions (`FR_ACT_*`) and the rule flags (`FIB_RULE_*`).

crate::uapi_enum! {
    /// Rule attributes (`FRA_*`). The last ones are newer than some releases: FRA_DSCP (6.12),
    /// FRA_FLOWLABEL and FRA_FLOWLABEL_MASK, FRA_SPORT_MASK and FRA_DPORT_MASK, FRA_DSCP_MASK.
    pub enum Fra: u16 {
        FRA_UNSPEC = 0 => Unspec,
        FRA_DST = 1 => Dst,
        FRA_SRC = 2 => Src,
        FRA_IIFNAME = 3 => Iifname,
        FRA_GOTO = 4 => Goto,
        FRA_UNUSED2 = 5 => Unused2,
        FRA_PRIORITY = 6 => Priority,
        FRA_UNUSED3 = 7 => Unused3,
        FRA_UNUSED4 = 8 => Unused4,
        FRA_UNUSED5 = 9 => Unused5,
        FRA_FWMARK = 10 => Fwmark,
        FRA_FLOW = 11 => Flow,
        FRA_TUN_ID = 12 => TunId,
        FRA_SUPPRESS_IFGROUP = 13 => SuppressIfgroup,
        FRA_SUPPRESS_PREFIXLEN = 14 => SuppressPrefixlen,
        FRA_TABLE = 15 => Table,
        FRA_FWMASK = 16 => Fwmask,
        FRA_OIFNAME = 17 => Oifname,
        FRA_PAD = 18 => Pad,
        FRA_L3MDEV = 19 => L3mdev,
        FRA_UID_RANGE = 20 => UidRange,
        FRA_PROTOCOL = 21 => Protocol,
        FRA_IP_PROTO = 22 => IpProto,
        FRA_SPORT_RANGE = 23 => SportRange,
        FRA_DPORT_RANGE = 24 => DportRange,
        FRA_DSCP = 25 => Dscp,
        FRA_FLOWLABEL = 26 => Flowlabel,
        FRA_FLOWLABEL_MASK = 27 => FlowlabelMask,
        FRA_SPORT_MASK = 28 => SportMask,
        FRA_DPORT_MASK = 29 => DportMask,
        FRA_DSCP_MASK = 30 => DscpMask,
    }
}

crate::uapi_enum! {
    /// What a rule does (`fib_rule_hdr.action`).
    pub enum FrAct: u8 {
        FR_ACT_UNSPEC = 0 => Unspec,
        FR_ACT_TO_TBL = 1 => ToTbl,
        FR_ACT_GOTO = 2 => Goto,
        FR_ACT_NOP = 3 => Nop,
        FR_ACT_RES3 = 4 => Res3,
        FR_ACT_RES4 = 5 => Res4,
        FR_ACT_BLACKHOLE = 6 => Blackhole,
        FR_ACT_UNREACHABLE = 7 => Unreachable,
        FR_ACT_PROHIBIT = 8 => Prohibit,
    }
}

crate::uapi_flags! {
    /// `FIB_RULE_*`: a rule's flags (`fib_rule_hdr.flags`).
    pub struct FibRuleFlags: u32 {
        FIB_RULE_PERMANENT = 0x0000_0001,
        FIB_RULE_INVERT = 0x0000_0002,
        FIB_RULE_UNRESOLVED = 0x0000_0004,
        FIB_RULE_IIF_DETACHED = 0x0000_0008,
        FIB_RULE_DEV_DETACHED = 0x0000_0008,
        FIB_RULE_OIF_DETACHED = 0x0000_0010,
        FIB_RULE_FIND_SADDR = 0x0001_0000,
    }
}

/// `RT_TABLE_UNSPEC`.
pub const RT_TABLE_UNSPEC: u32 = 0;
/// `RT_TABLE_COMPAT`: what `fib_rule_hdr.table` says for a table id of 256 and more.
pub const RT_TABLE_COMPAT: u32 = 252;
/// `RT_TABLE_DEFAULT`.
pub const RT_TABLE_DEFAULT: u32 = 253;
/// `RT_TABLE_MAIN`.
pub const RT_TABLE_MAIN: u32 = 254;
/// `RT_TABLE_LOCAL`.
pub const RT_TABLE_LOCAL: u32 = 255;

/// `RTPROT_UNSPEC`: a rule's originator when the request names none.
pub const RTPROT_UNSPEC: u8 = 0;
/// `RTPROT_KERNEL`: the originator of the default rules.
pub const RTPROT_KERNEL: u8 = 2;

/// `sizeof(struct fib_rule_uid_range)`.
pub const FIB_RULE_UID_RANGE_LEN: usize = 8;
/// `sizeof(struct fib_rule_port_range)`.
pub const FIB_RULE_PORT_RANGE_LEN: usize = 4;
