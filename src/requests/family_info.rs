//! A family record decoded: what `genl ctrl get` shows (id, version, header size, maximum
//! attribute, operations with their flags, multicast groups), read from the raw record with
//! wire's views, so nothing depends on what `netlink-packet-generic` can parse.

use nltwin_wire::uapi::genetlink::{
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_HDRSIZE, CTRL_ATTR_MAXATTR,
    CTRL_ATTR_MCAST_GROUPS, CTRL_ATTR_MCAST_GRP_ID, CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_OPS,
    CTRL_ATTR_OP_FLAGS, CTRL_ATTR_OP_ID, CTRL_ATTR_VERSION, GENL_ADMIN_PERM, GENL_CMD_CAP_DO,
    GENL_CMD_CAP_DUMP, GENL_CMD_CAP_HASPOL, GENL_UNS_ADMIN_PERM,
};

use super::family::Family;

/// The operation flags by the names `nltwin` prints (`GENL_*` in
/// `include/uapi/linux/genetlink.h`), in bit order.
pub const OP_FLAG_NAMES: [(u32, &str); 5] = [
    (GENL_ADMIN_PERM, "admin-perm"),
    (GENL_CMD_CAP_DO, "has-doit"),
    (GENL_CMD_CAP_DUMP, "has-dump"),
    (GENL_CMD_CAP_HASPOL, "has-policy"),
    (GENL_UNS_ADMIN_PERM, "uns-admin-perm"),
];

/// The names of the bits set in `flags` ([`OP_FLAG_NAMES`]); a bit without a name as `0x..`.
pub fn op_flag_names(flags: u32) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = flags;
    for (bit, name) in OP_FLAG_NAMES {
        if flags & bit != 0 {
            names.push(name.to_string());
            rest &= !bit;
        }
    }
    for i in 0..32 {
        if rest & (1 << i) != 0 {
            names.push(format!("{:#x}", 1u32 << i));
        }
    }
    names
}

/// One operation of a family (an entry of CTRL_ATTR_OPS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyOp {
    /// CTRL_ATTR_OP_ID: the command.
    pub id: u32,
    /// CTRL_ATTR_OP_FLAGS (0 when absent).
    pub flags: u32,
}

/// One multicast group of a family (an entry of CTRL_ATTR_MCAST_GROUPS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McastGroup {
    /// CTRL_ATTR_MCAST_GRP_NAME.
    pub name: String,
    /// CTRL_ATTR_MCAST_GRP_ID: the group number a socket joins.
    pub id: u32,
}

/// A family record, decoded. Fields the record lacks are `None` (or empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FamilyInfo {
    /// CTRL_ATTR_FAMILY_NAME.
    pub name: Option<String>,
    /// CTRL_ATTR_FAMILY_ID.
    pub id: Option<u16>,
    /// CTRL_ATTR_VERSION.
    pub version: Option<u32>,
    /// CTRL_ATTR_HDRSIZE: the family's own header after the genlmsghdr.
    pub hdrsize: Option<u32>,
    /// CTRL_ATTR_MAXATTR.
    pub maxattr: Option<u32>,
    /// CTRL_ATTR_OPS, in the record's order.
    pub ops: Vec<FamilyOp>,
    /// CTRL_ATTR_MCAST_GROUPS, in the record's order.
    pub mcast_groups: Vec<McastGroup>,
}

impl FamilyInfo {
    /// The group called `name`.
    pub fn group(&self, name: &str) -> Option<&McastGroup> {
        self.mcast_groups.iter().find(|g| g.name == name)
    }
}

impl Family {
    /// The record decoded from its raw attributes.
    pub fn info(&self) -> FamilyInfo {
        let mut f = FamilyInfo::default();
        for a in self.attrs() {
            match a.kind() {
                CTRL_ATTR_FAMILY_NAME => f.name = a.str().map(str::to_owned),
                CTRL_ATTR_FAMILY_ID => f.id = a.u16(),
                CTRL_ATTR_VERSION => f.version = a.u32(),
                CTRL_ATTR_HDRSIZE => f.hdrsize = a.u32(),
                CTRL_ATTR_MAXATTR => f.maxattr = a.u32(),
                CTRL_ATTR_OPS => {
                    for e in a.nested() {
                        let mut op = FamilyOp { id: 0, flags: 0 };
                        for x in e.nested() {
                            match x.kind() {
                                CTRL_ATTR_OP_ID => op.id = x.u32().unwrap_or(0),
                                CTRL_ATTR_OP_FLAGS => op.flags = x.u32().unwrap_or(0),
                                _ => {}
                            }
                        }
                        f.ops.push(op);
                    }
                }
                CTRL_ATTR_MCAST_GROUPS => {
                    for e in a.nested() {
                        let mut g = McastGroup {
                            name: String::new(),
                            id: 0,
                        };
                        for x in e.nested() {
                            match x.kind() {
                                CTRL_ATTR_MCAST_GRP_NAME => {
                                    g.name = x.str().unwrap_or_default().to_owned()
                                }
                                CTRL_ATTR_MCAST_GRP_ID => g.id = x.u32().unwrap_or(0),
                                _ => {}
                            }
                        }
                        f.mcast_groups.push(g);
                    }
                }
                _ => {}
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_in_bit_order_and_unknown_bits_in_hex() {
        assert_eq!(op_flag_names(0x0e), ["has-doit", "has-dump", "has-policy"]);
        assert_eq!(op_flag_names(0x11), ["admin-perm", "uns-admin-perm"]);
        assert_eq!(op_flag_names(0x40), ["0x40"]);
        assert!(op_flag_names(0).is_empty());
    }
}
