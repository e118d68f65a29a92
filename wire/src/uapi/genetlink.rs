//! `include/uapi/linux/genetlink.h` (and the sizes of `include/net/genetlink.h`): the generic
//! netlink header, nlctrl's commands and attributes, operation flags.

/// `GENL_NAMSIZ`: family names are at most 15 characters and a NUL.
pub const GENL_NAMSIZ: usize = 16;
/// `GENL_HDRLEN`: `sizeof(struct genlmsghdr)`.
pub const GENL_HDRLEN: usize = 4;
/// `GENL_ID_CTRL`: nlctrl's family id.
pub const GENL_ID_CTRL: u16 = 0x10;
/// `GENL_ID_VFS_DQUOT`: reserved.
pub const GENL_ID_VFS_DQUOT: u16 = 0x11;
/// `GENL_ID_PMCRAID`: reserved.
pub const GENL_ID_PMCRAID: u16 = 0x12;
/// `GENL_START_ALLOC`: the first dynamically allocated family id.
pub const GENL_START_ALLOC: u16 = 0x13;
/// `GENL_MAX_ID`.
pub const GENL_MAX_ID: u16 = 1023;

crate::uapi_flags! {
    /// Operation flags (`GENL_*_PERM`, `GENL_CMD_CAP_*`), as CTRL_ATTR_OP_FLAGS reports them.
    pub struct GenlOpFlags: u32 {
        GENL_ADMIN_PERM = 0x01,
        GENL_CMD_CAP_DO = 0x02,
        GENL_CMD_CAP_DUMP = 0x04,
        GENL_CMD_CAP_HASPOL = 0x08,
        GENL_UNS_ADMIN_PERM = 0x10,
    }
}

crate::uapi_enum! {
    /// nlctrl's commands (`CTRL_CMD_*`).
    pub enum CtrlCmd: u8 {
        CTRL_CMD_UNSPEC = 0 => Unspec,
        CTRL_CMD_NEWFAMILY = 1 => NewFamily,
        CTRL_CMD_DELFAMILY = 2 => DelFamily,
        CTRL_CMD_GETFAMILY = 3 => GetFamily,
        CTRL_CMD_NEWOPS = 4 => NewOps,
        CTRL_CMD_DELOPS = 5 => DelOps,
        CTRL_CMD_GETOPS = 6 => GetOps,
        CTRL_CMD_NEWMCAST_GRP = 7 => NewMcastGrp,
        CTRL_CMD_DELMCAST_GRP = 8 => DelMcastGrp,
        CTRL_CMD_GETMCAST_GRP = 9 => GetMcastGrp,
        CTRL_CMD_GETPOLICY = 10 => GetPolicy,
    }
}

crate::uapi_enum! {
    /// nlctrl's attributes (`CTRL_ATTR_*`).
    pub enum CtrlAttr: u16 {
        CTRL_ATTR_UNSPEC = 0 => Unspec,
        CTRL_ATTR_FAMILY_ID = 1 => FamilyId,
        CTRL_ATTR_FAMILY_NAME = 2 => FamilyName,
        CTRL_ATTR_VERSION = 3 => Version,
        CTRL_ATTR_HDRSIZE = 4 => Hdrsize,
        CTRL_ATTR_MAXATTR = 5 => Maxattr,
        CTRL_ATTR_OPS = 6 => Ops,
        CTRL_ATTR_MCAST_GROUPS = 7 => McastGroups,
        CTRL_ATTR_POLICY = 8 => Policy,
        CTRL_ATTR_OP_POLICY = 9 => OpPolicy,
        CTRL_ATTR_OP = 10 => Op,
    }
}

crate::uapi_enum! {
    /// One entry of CTRL_ATTR_OPS (`CTRL_ATTR_OP_*`).
    pub enum CtrlAttrOp: u16 {
        CTRL_ATTR_OP_UNSPEC = 0 => Unspec,
        CTRL_ATTR_OP_ID = 1 => Id,
        CTRL_ATTR_OP_FLAGS = 2 => Flags,
    }
}

crate::uapi_enum! {
    /// One entry of CTRL_ATTR_MCAST_GROUPS (`CTRL_ATTR_MCAST_GRP_*`).
    pub enum CtrlAttrMcastGrp: u16 {
        CTRL_ATTR_MCAST_GRP_UNSPEC = 0 => Unspec,
        CTRL_ATTR_MCAST_GRP_NAME = 1 => Name,
        CTRL_ATTR_MCAST_GRP_ID = 2 => Id,
    }
}

crate::uapi_enum! {
    /// CTRL_ATTR_OP_POLICY's attributes (`CTRL_ATTR_POLICY_*`).
    pub enum CtrlAttrPolicy: u16 {
        CTRL_ATTR_POLICY_UNSPEC = 0 => Unspec,
        CTRL_ATTR_POLICY_DO = 1 => Do,
        CTRL_ATTR_POLICY_DUMP = 2 => Dump,
    }
}
