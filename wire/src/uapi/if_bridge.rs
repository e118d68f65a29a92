//! `include/uapi/linux/if_bridge.h`: bridge port states, the PF_BRIDGE IFLA_AF_SPEC, VLAN
//! entries and VLAN messages.

crate::uapi_enum! {
    /// A bridge port's state (`BR_STATE_*`, IFLA_BRPORT_STATE).
    pub enum BrState: u8 {
        BR_STATE_DISABLED = 0 => Disabled,
        BR_STATE_LISTENING = 1 => Listening,
        BR_STATE_LEARNING = 2 => Learning,
        BR_STATE_FORWARDING = 3 => Forwarding,
        BR_STATE_BLOCKING = 4 => Blocking,
    }
}

crate::uapi_enum! {
    /// The attributes of a PF_BRIDGE link message's IFLA_AF_SPEC (`IFLA_BRIDGE_*`).
    pub enum IflaBridge: u16 {
        IFLA_BRIDGE_FLAGS = 0 => Flags,
        IFLA_BRIDGE_MODE = 1 => Mode,
        IFLA_BRIDGE_VLAN_INFO = 2 => VlanInfo,
        IFLA_BRIDGE_VLAN_TUNNEL_INFO = 3 => VlanTunnelInfo,
        IFLA_BRIDGE_MRP = 4 => Mrp,
        IFLA_BRIDGE_CFM = 5 => Cfm,
        IFLA_BRIDGE_MST = 6 => Mst,
    }
}

crate::uapi_flags! {
    /// `BRIDGE_VLAN_INFO_*`: the flags of a `struct bridge_vlan_info`.
    pub struct BridgeVlanInfoFlags: u16 {
        BRIDGE_VLAN_INFO_MASTER = 1 << 0,
        BRIDGE_VLAN_INFO_PVID = 1 << 1,
        BRIDGE_VLAN_INFO_UNTAGGED = 1 << 2,
        BRIDGE_VLAN_INFO_RANGE_BEGIN = 1 << 3,
        BRIDGE_VLAN_INFO_RANGE_END = 1 << 4,
        BRIDGE_VLAN_INFO_BRENTRY = 1 << 5,
        BRIDGE_VLAN_INFO_ONLY_OPTS = 1 << 6,
    }
}

/// `sizeof(struct bridge_vlan_info)`: flags (u16), then vid (u16).
pub const BRIDGE_VLAN_INFO_LEN: usize = 4;

/// `sizeof(struct br_vlan_msg)`: the family header of RTM_NEWVLAN / RTM_DELVLAN / RTM_GETVLAN
/// (family u8, two reserved bytes, ifindex u32).
pub const BR_VLAN_MSG_LEN: usize = 8;

crate::uapi_enum! {
    /// The top level of a VLAN message (`BRIDGE_VLANDB_*`).
    pub enum BridgeVlandb: u16 {
        BRIDGE_VLANDB_UNSPEC = 0 => Unspec,
        BRIDGE_VLANDB_ENTRY = 1 => Entry,
        BRIDGE_VLANDB_GLOBAL_OPTIONS = 2 => GlobalOptions,
    }
}

crate::uapi_enum! {
    /// An RTM_GETVLAN dump request's attributes (`BRIDGE_VLANDB_DUMP_*`, an enum of their own).
    pub enum BridgeVlandbDump: u16 {
        BRIDGE_VLANDB_DUMP_UNSPEC = 0 => Unspec,
        BRIDGE_VLANDB_DUMP_FLAGS = 1 => Flags,
    }
}

/// BRIDGE_VLANDB_DUMP_FLAGS: include each VLAN's statistics (one entry per VLAN).
pub const BRIDGE_VLANDB_DUMPF_STATS: u32 = 1 << 0;
/// BRIDGE_VLANDB_DUMP_FLAGS: dump the bridges' global VLAN options only.
pub const BRIDGE_VLANDB_DUMPF_GLOBAL: u32 = 1 << 1;

crate::uapi_enum! {
    /// A VLAN entry's statistics (`BRIDGE_VLANDB_STATS_*`).
    pub enum BridgeVlandbStats: u16 {
        BRIDGE_VLANDB_STATS_UNSPEC = 0 => Unspec,
        BRIDGE_VLANDB_STATS_RX_BYTES = 1 => RxBytes,
        BRIDGE_VLANDB_STATS_RX_PACKETS = 2 => RxPackets,
        BRIDGE_VLANDB_STATS_TX_BYTES = 3 => TxBytes,
        BRIDGE_VLANDB_STATS_TX_PACKETS = 4 => TxPackets,
        BRIDGE_VLANDB_STATS_PAD = 5 => Pad,
    }
}

crate::uapi_enum! {
    /// A VLAN entry's attributes (`BRIDGE_VLANDB_ENTRY_*`).
    pub enum BridgeVlandbEntry: u16 {
        BRIDGE_VLANDB_ENTRY_UNSPEC = 0 => Unspec,
        BRIDGE_VLANDB_ENTRY_INFO = 1 => Info,
        BRIDGE_VLANDB_ENTRY_RANGE = 2 => Range,
        BRIDGE_VLANDB_ENTRY_STATE = 3 => State,
        BRIDGE_VLANDB_ENTRY_TUNNEL_INFO = 4 => TunnelInfo,
        BRIDGE_VLANDB_ENTRY_STATS = 5 => Stats,
        BRIDGE_VLANDB_ENTRY_MCAST_ROUTER = 6 => McastRouter,
        BRIDGE_VLANDB_ENTRY_MCAST_N_GROUPS = 7 => McastNGroups,
        BRIDGE_VLANDB_ENTRY_MCAST_MAX_GROUPS = 8 => McastMaxGroups,
        BRIDGE_VLANDB_ENTRY_NEIGH_SUPPRESS = 9 => NeighSuppress,
        BRIDGE_VLANDB_ENTRY_NEIGH_FORWARD_GRAT = 10 => NeighForwardGrat,
    }
}

crate::uapi_enum! {
    /// `enum br_stp_mode` (IFLA_BR_STP_MODE).
    pub enum BrStpMode: u32 {
        BR_STP_MODE_AUTO = 0 => Auto,
        BR_STP_MODE_USER = 1 => User,
        BR_STP_MODE_KERNEL = 2 => Kernel,
    }
}

crate::uapi_enum! {
    /// `BRIDGE_QUERIER_*`: the nest IFLA_BR_MCAST_QUERIER_STATE reports.
    pub enum BridgeQuerier: u16 {
        BRIDGE_QUERIER_UNSPEC = 0 => Unspec,
        BRIDGE_QUERIER_IP_ADDRESS = 1 => IpAddress,
        BRIDGE_QUERIER_IP_PORT = 2 => IpPort,
        BRIDGE_QUERIER_IP_OTHER_TIMER = 3 => IpOtherTimer,
        BRIDGE_QUERIER_PAD = 4 => Pad,
        BRIDGE_QUERIER_IPV6_ADDRESS = 5 => Ipv6Address,
        BRIDGE_QUERIER_IPV6_PORT = 6 => Ipv6Port,
        BRIDGE_QUERIER_IPV6_OTHER_TIMER = 7 => Ipv6OtherTimer,
    }
}

crate::uapi_enum! {
    /// A multicast router setting (`MDB_RTR_TYPE_*`: IFLA_BR_MCAST_ROUTER,
    /// IFLA_BRPORT_MULTICAST_ROUTER, BRIDGE_VLANDB_ENTRY_MCAST_ROUTER).
    pub enum MdbRtrType: u8 {
        MDB_RTR_TYPE_DISABLED = 0 => Disabled,
        MDB_RTR_TYPE_TEMP_QUERY = 1 => TempQuery,
        MDB_RTR_TYPE_PERM = 2 => Perm,
        MDB_RTR_TYPE_TEMP = 3 => Temp,
    }
}

crate::uapi_flags! {
    /// `BRIDGE_FLAGS_*`: IFLA_BRIDGE_FLAGS of a PF_BRIDGE setlink or dellink, whom it is for.
    pub struct BridgeFlags: u16 {
        BRIDGE_FLAGS_MASTER = 1,
        BRIDGE_FLAGS_SELF = 2,
    }
}

crate::uapi_enum! {
    /// Bridge boolean options (`BR_BOOLOPT_*`): bit numbers of IFLA_BR_MULTI_BOOLOPT's
    /// `br_boolopt_multi`.
    pub enum BrBoolopt: u32 {
        BR_BOOLOPT_NO_LL_LEARN = 0 => NoLlLearn,
        BR_BOOLOPT_MCAST_VLAN_SNOOPING = 1 => McastVlanSnooping,
        BR_BOOLOPT_MST_ENABLE = 2 => MstEnable,
        BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION = 3 => MdbOffloadFailNotification,
        BR_BOOLOPT_FDB_LOCAL_VLAN_0 = 4 => FdbLocalVlan0,
    }
}

/// `sizeof(struct br_port_msg)`: the family header of the MDB messages (RTM_*MDB): `family`,
/// three pad bytes, `ifindex`.
pub const BR_PORT_MSG_LEN: usize = 8;

/// `sizeof(struct br_mdb_entry)`: `ifindex`, `state`, `flags`, `vid`, then `addr` (a 16-byte
/// union of IPv4, IPv6 and MAC addresses and the big-endian `proto`, padded to 20).
pub const BR_MDB_ENTRY_LEN: usize = 28;

/// `MDB_TEMPORARY`: `br_mdb_entry.state` of an entry that ages.
pub const MDB_TEMPORARY: u8 = 0;
/// `MDB_PERMANENT`: `br_mdb_entry.state` of an entry that does not.
pub const MDB_PERMANENT: u8 = 1;

crate::uapi_enum! {
    /// The attributes of an MDB message (`MDBA_*`).
    pub enum Mdba: u16 {
        MDBA_UNSPEC = 0 => Unspec,
        MDBA_MDB = 1 => Mdb,
        MDBA_ROUTER = 2 => Router,
    }
}

crate::uapi_enum! {
    /// Inside MDBA_MDB (`MDBA_MDB_*`).
    pub enum MdbaMdb: u16 {
        MDBA_MDB_UNSPEC = 0 => Unspec,
        MDBA_MDB_ENTRY = 1 => Entry,
    }
}

crate::uapi_enum! {
    /// Inside MDBA_MDB_ENTRY (`MDBA_MDB_ENTRY_*`).
    pub enum MdbaMdbEntry: u16 {
        MDBA_MDB_ENTRY_UNSPEC = 0 => Unspec,
        MDBA_MDB_ENTRY_INFO = 1 => Info,
    }
}

crate::uapi_enum! {
    /// Inside MDBA_ROUTER (`MDBA_ROUTER_*`).
    pub enum MdbaRouter: u16 {
        MDBA_ROUTER_UNSPEC = 0 => Unspec,
        MDBA_ROUTER_PORT = 1 => Port,
    }
}

crate::uapi_enum! {
    /// After a router port's ifindex inside MDBA_ROUTER_PORT (`MDBA_ROUTER_PATTR_*`).
    pub enum MdbaRouterPattr: u16 {
        MDBA_ROUTER_PATTR_UNSPEC = 0 => Unspec,
        MDBA_ROUTER_PATTR_TIMER = 1 => Timer,
        MDBA_ROUTER_PATTR_TYPE = 2 => Type,
        MDBA_ROUTER_PATTR_INET_TIMER = 3 => InetTimer,
        MDBA_ROUTER_PATTR_INET6_TIMER = 4 => Inet6Timer,
        MDBA_ROUTER_PATTR_VID = 5 => Vid,
    }
}

crate::uapi_enum! {
    /// The attributes of RTM_NEWMDB and RTM_DELMDB requests (`MDBA_SET_ENTRY_*`).
    pub enum MdbaSetEntry: u16 {
        MDBA_SET_ENTRY_UNSPEC = 0 => Unspec,
        MDBA_SET_ENTRY = 1 => Entry,
        MDBA_SET_ENTRY_ATTRS = 2 => Attrs,
    }
}

crate::uapi_enum! {
    /// The attributes of an RTM_GETMDB get request (`MDBA_GET_ENTRY_*`).
    pub enum MdbaGetEntry: u16 {
        MDBA_GET_ENTRY_UNSPEC = 0 => Unspec,
        MDBA_GET_ENTRY = 1 => Entry,
        MDBA_GET_ENTRY_ATTRS = 2 => Attrs,
    }
}

crate::uapi_enum! {
    /// Inside MDBA_SET_ENTRY_ATTRS and MDBA_GET_ENTRY_ATTRS (`MDBE_ATTR_*`).
    pub enum MdbeAttr: u16 {
        MDBE_ATTR_UNSPEC = 0 => Unspec,
        MDBE_ATTR_SOURCE = 1 => Source,
        MDBE_ATTR_SRC_LIST = 2 => SrcList,
        MDBE_ATTR_GROUP_MODE = 3 => GroupMode,
        MDBE_ATTR_RTPROT = 4 => Rtprot,
        MDBE_ATTR_DST = 5 => Dst,
        MDBE_ATTR_DST_PORT = 6 => DstPort,
        MDBE_ATTR_VNI = 7 => Vni,
        MDBE_ATTR_IFINDEX = 8 => Ifindex,
        MDBE_ATTR_SRC_VNI = 9 => SrcVni,
        MDBE_ATTR_STATE_MASK = 10 => StateMask,
    }
}
