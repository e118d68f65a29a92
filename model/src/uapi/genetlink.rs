//! Constants from `include/uapi/linux/genetlink.h` and `include/net/genetlink.h`.

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

/// `GENL_ADMIN_PERM`: the command needs CAP_NET_ADMIN in the initial user namespace.
pub const GENL_ADMIN_PERM: u32 = 0x01;
/// `GENL_CMD_CAP_DO`.
pub const GENL_CMD_CAP_DO: u32 = 0x02;
/// `GENL_CMD_CAP_DUMP`.
pub const GENL_CMD_CAP_DUMP: u32 = 0x04;
/// `GENL_CMD_CAP_HASPOL`.
pub const GENL_CMD_CAP_HASPOL: u32 = 0x08;
/// `GENL_UNS_ADMIN_PERM`: the command needs CAP_NET_ADMIN over the namespace.
pub const GENL_UNS_ADMIN_PERM: u32 = 0x10;

/// `CTRL_CMD_NEWFAMILY`.
pub const CTRL_CMD_NEWFAMILY: u8 = 1;
/// `CTRL_CMD_GETFAMILY`.
pub const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_CMD_GETPOLICY`.
pub const CTRL_CMD_GETPOLICY: u8 = 10;

/// `CTRL_ATTR_FAMILY_ID`.
pub const CTRL_ATTR_FAMILY_ID: u16 = 1;
/// `CTRL_ATTR_FAMILY_NAME`.
pub const CTRL_ATTR_FAMILY_NAME: u16 = 2;
/// `CTRL_ATTR_VERSION`.
pub const CTRL_ATTR_VERSION: u16 = 3;
/// `CTRL_ATTR_HDRSIZE`.
pub const CTRL_ATTR_HDRSIZE: u16 = 4;
/// `CTRL_ATTR_MAXATTR`.
pub const CTRL_ATTR_MAXATTR: u16 = 5;
/// `CTRL_ATTR_OPS`.
pub const CTRL_ATTR_OPS: u16 = 6;
/// `CTRL_ATTR_MCAST_GROUPS`.
pub const CTRL_ATTR_MCAST_GROUPS: u16 = 7;
/// `CTRL_ATTR_OP_ID`.
pub const CTRL_ATTR_OP_ID: u16 = 1;
/// `CTRL_ATTR_OP_FLAGS`.
pub const CTRL_ATTR_OP_FLAGS: u16 = 2;
/// `CTRL_ATTR_MCAST_GRP_NAME`.
pub const CTRL_ATTR_MCAST_GRP_NAME: u16 = 1;
/// `CTRL_ATTR_MCAST_GRP_ID`.
pub const CTRL_ATTR_MCAST_GRP_ID: u16 = 2;
/// `CTRL_ATTR_POLICY`: one attribute's policy (nested: policy index, attribute, description).
pub const CTRL_ATTR_POLICY: u16 = 8;
/// `CTRL_ATTR_OP_POLICY`: the policy indexes of one command (nested: command, DO / DUMP).
pub const CTRL_ATTR_OP_POLICY: u16 = 9;
/// `CTRL_ATTR_OP`: the command a GETPOLICY request asks about.
pub const CTRL_ATTR_OP: u16 = 10;
/// `CTRL_ATTR_POLICY_DO`: the policy index of the command's doit.
pub const CTRL_ATTR_POLICY_DO: u16 = 1;
/// `CTRL_ATTR_POLICY_DUMP`: the policy index of the command's dumpit.
pub const CTRL_ATTR_POLICY_DUMP: u16 = 2;
/// `CTRL_CMD_DELFAMILY`: a family went away (notification).
pub const CTRL_CMD_DELFAMILY: u8 = 2;
/// `CTRL_CMD_NEWMCAST_GRP`: a family's multicast group appeared (notification).
pub const CTRL_CMD_NEWMCAST_GRP: u8 = 7;
/// `CTRL_CMD_DELMCAST_GRP`: a family's multicast group went away (notification).
pub const CTRL_CMD_DELMCAST_GRP: u8 = 8;
