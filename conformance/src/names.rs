//! Names of netlink numbers (message types, flags, attribute types), shared by the readable
//! message syntax of traces ([`crate::compose`]) and the explanation of differences
//! ([`crate::explain`]). Tables are indexed by number; 6.18 uapi values.

/// `IFLA_*`, by number.
pub const IFLA: &[&str] = &[
    "IFLA_UNSPEC",
    "IFLA_ADDRESS",
    "IFLA_BROADCAST",
    "IFLA_IFNAME",
    "IFLA_MTU",
    "IFLA_LINK",
    "IFLA_QDISC",
    "IFLA_STATS",
    "IFLA_COST",
    "IFLA_PRIORITY",
    "IFLA_MASTER",
    "IFLA_WIRELESS",
    "IFLA_PROTINFO",
    "IFLA_TXQLEN",
    "IFLA_MAP",
    "IFLA_WEIGHT",
    "IFLA_OPERSTATE",
    "IFLA_LINKMODE",
    "IFLA_LINKINFO",
    "IFLA_NET_NS_PID",
    "IFLA_IFALIAS",
    "IFLA_NUM_VF",
    "IFLA_VFINFO_LIST",
    "IFLA_STATS64",
    "IFLA_VF_PORTS",
    "IFLA_PORT_SELF",
    "IFLA_AF_SPEC",
    "IFLA_GROUP",
    "IFLA_NET_NS_FD",
    "IFLA_EXT_MASK",
    "IFLA_PROMISCUITY",
    "IFLA_NUM_TX_QUEUES",
    "IFLA_NUM_RX_QUEUES",
    "IFLA_CARRIER",
    "IFLA_PHYS_PORT_ID",
    "IFLA_CARRIER_CHANGES",
    "IFLA_PHYS_SWITCH_ID",
    "IFLA_LINK_NETNSID",
    "IFLA_PHYS_PORT_NAME",
    "IFLA_PROTO_DOWN",
    "IFLA_GSO_MAX_SEGS",
    "IFLA_GSO_MAX_SIZE",
    "IFLA_PAD",
    "IFLA_XDP",
    "IFLA_EVENT",
    "IFLA_NEW_NETNSID",
    "IFLA_TARGET_NETNSID",
    "IFLA_CARRIER_UP_COUNT",
    "IFLA_CARRIER_DOWN_COUNT",
    "IFLA_NEW_IFINDEX",
    "IFLA_MIN_MTU",
    "IFLA_MAX_MTU",
    "IFLA_PROP_LIST",
    "IFLA_ALT_IFNAME",
    "IFLA_PERM_ADDRESS",
    "IFLA_PROTO_DOWN_REASON",
    "IFLA_PARENT_DEV_NAME",
    "IFLA_PARENT_DEV_BUS_NAME",
    "IFLA_GRO_MAX_SIZE",
    "IFLA_TSO_MAX_SIZE",
    "IFLA_TSO_MAX_SEGS",
    "IFLA_ALLMULTI",
    "IFLA_DEVLINK_PORT",
    "IFLA_GSO_IPV4_MAX_SIZE",
    "IFLA_GRO_IPV4_MAX_SIZE",
    "IFLA_DPLL_PIN",
    "IFLA_MAX_PACING_OFFLOAD_HORIZON",
    "IFLA_NETNS_IMMUTABLE",
    "IFLA_HEADROOM",
    "IFLA_TAILROOM",
];
/// `IFLA_INFO_*`, by number.
pub const LINKINFO: &[&str] = &[
    "IFLA_INFO_UNSPEC",
    "IFLA_INFO_KIND",
    "IFLA_INFO_DATA",
    "IFLA_INFO_XSTATS",
    "IFLA_INFO_SLAVE_KIND",
    "IFLA_INFO_SLAVE_DATA",
];
/// `IFLA_INET6_*`, by number.
pub const INET6: &[&str] = &[
    "IFLA_INET6_UNSPEC",
    "IFLA_INET6_FLAGS",
    "IFLA_INET6_CONF",
    "IFLA_INET6_STATS",
    "IFLA_INET6_MCAST",
    "IFLA_INET6_CACHEINFO",
    "IFLA_INET6_ICMP6STATS",
    "IFLA_INET6_TOKEN",
    "IFLA_INET6_ADDR_GEN_MODE",
    "IFLA_INET6_RA_MTU",
];
/// `CTRL_ATTR_*`, by number.
pub const CTRL: &[&str] = &[
    "CTRL_ATTR_UNSPEC",
    "CTRL_ATTR_FAMILY_ID",
    "CTRL_ATTR_FAMILY_NAME",
    "CTRL_ATTR_VERSION",
    "CTRL_ATTR_HDRSIZE",
    "CTRL_ATTR_MAXATTR",
    "CTRL_ATTR_OPS",
    "CTRL_ATTR_MCAST_GROUPS",
    "CTRL_ATTR_POLICY",
    "CTRL_ATTR_OP_POLICY",
    "CTRL_ATTR_OP",
];
/// `NLMSGERR_ATTR_*`, by number.
pub const ERR_TLV: &[&str] = &[
    "NLMSGERR_ATTR_UNUSED",
    "NLMSGERR_ATTR_MSG",
    "NLMSGERR_ATTR_OFFS",
    "NLMSGERR_ATTR_COOKIE",
    "NLMSGERR_ATTR_POLICY",
    "NLMSGERR_ATTR_MISS_TYPE",
    "NLMSGERR_ATTR_MISS_NEST",
];

/// `CTRL_CMD_*`, by number.
pub const CTRL_CMD: &[&str] = &[
    "CTRL_CMD_UNSPEC",
    "CTRL_CMD_NEWFAMILY",
    "CTRL_CMD_DELFAMILY",
    "CTRL_CMD_GETFAMILY",
    "CTRL_CMD_NEWOPS",
    "CTRL_CMD_DELOPS",
    "CTRL_CMD_GETOPS",
    "CTRL_CMD_NEWMCAST_GRP",
    "CTRL_CMD_DELMCAST_GRP",
    "CTRL_CMD_GETMCAST_GRP",
    "CTRL_CMD_GETPOLICY",
];

/// Message types by name (`NLMSG_*`, the link `RTM_*`, and `nlctrl` for GENL_ID_CTRL).
pub const MSG_TYPES: &[(&str, u16)] = &[
    ("NLMSG_NOOP", 1),
    ("NLMSG_ERROR", 2),
    ("NLMSG_DONE", 3),
    ("NLMSG_OVERRUN", 4),
    ("RTM_NEWLINK", 16),
    ("RTM_DELLINK", 17),
    ("RTM_GETLINK", 18),
    ("RTM_SETLINK", 19),
    ("nlctrl", 16),
];

/// `NLM_F_*` by name. The GET, NEW and DEL meanings of 0x100..0x800 share their bits.
pub const FLAGS: &[(&str, u16)] = &[
    ("REQUEST", 0x1),
    ("MULTI", 0x2),
    ("ACK", 0x4),
    ("ECHO", 0x8),
    ("DUMP_INTR", 0x10),
    ("DUMP_FILTERED", 0x20),
    ("ROOT", 0x100),
    ("MATCH", 0x200),
    ("ATOMIC", 0x400),
    ("DUMP", 0x300),
    ("REPLACE", 0x100),
    ("EXCL", 0x200),
    ("CREATE", 0x400),
    ("APPEND", 0x800),
    ("NONREC", 0x100),
    ("BULK", 0x200),
    ("CAPPED", 0x100),
    ("ACK_TLVS", 0x200),
];

/// Attribute names that are not in the tables above, with their numbers.
const EXTRA_ATTRS: &[(&str, u16)] = &[
    ("VETH_INFO_PEER", 1),
    ("AF_INET", 2),
    ("AF_INET6", 10),
    ("IFLA_INET_CONF", 1),
];

/// The number of an attribute name from any table (all names are distinct).
pub fn attr_number(name: &str) -> Option<u16> {
    [IFLA, LINKINFO, INET6, CTRL, ERR_TLV]
        .iter()
        .find_map(|t| t.iter().position(|n| *n == name))
        .map(|i| i as u16)
        .or_else(|| EXTRA_ATTRS.iter().find(|(n, _)| *n == name).map(|e| e.1))
}
