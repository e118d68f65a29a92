//! `include/uapi/linux/if_link.h`: link attributes (`IFLA_*`) and the attribute spaces nested
//! in them (link info, the address families' link data, bridge and bridge port options, XDP,
//! VF ports), as the 6.18 profile knows them.

crate::uapi_enum! {
    /// Link attributes (`IFLA_*`), after the `ifinfomsg` of RTM_*LINK messages.
    pub enum Ifla: u16 {
        IFLA_UNSPEC = 0 => Unspec,
        IFLA_ADDRESS = 1 => Address,
        IFLA_BROADCAST = 2 => Broadcast,
        IFLA_IFNAME = 3 => Ifname,
        IFLA_MTU = 4 => Mtu,
        IFLA_LINK = 5 => Link,
        IFLA_QDISC = 6 => Qdisc,
        IFLA_STATS = 7 => Stats,
        IFLA_COST = 8 => Cost,
        IFLA_PRIORITY = 9 => Priority,
        IFLA_MASTER = 10 => Master,
        IFLA_WIRELESS = 11 => Wireless,
        IFLA_PROTINFO = 12 => Protinfo,
        IFLA_TXQLEN = 13 => Txqlen,
        IFLA_MAP = 14 => Map,
        IFLA_WEIGHT = 15 => Weight,
        IFLA_OPERSTATE = 16 => Operstate,
        IFLA_LINKMODE = 17 => Linkmode,
        IFLA_LINKINFO = 18 => Linkinfo,
        IFLA_NET_NS_PID = 19 => NetNsPid,
        IFLA_IFALIAS = 20 => Ifalias,
        IFLA_NUM_VF = 21 => NumVf,
        IFLA_VFINFO_LIST = 22 => VfinfoList,
        IFLA_STATS64 = 23 => Stats64,
        IFLA_VF_PORTS = 24 => VfPorts,
        IFLA_PORT_SELF = 25 => PortSelf,
        IFLA_AF_SPEC = 26 => AfSpec,
        IFLA_GROUP = 27 => Group,
        IFLA_NET_NS_FD = 28 => NetNsFd,
        IFLA_EXT_MASK = 29 => ExtMask,
        IFLA_PROMISCUITY = 30 => Promiscuity,
        IFLA_NUM_TX_QUEUES = 31 => NumTxQueues,
        IFLA_NUM_RX_QUEUES = 32 => NumRxQueues,
        IFLA_CARRIER = 33 => Carrier,
        IFLA_PHYS_PORT_ID = 34 => PhysPortId,
        IFLA_CARRIER_CHANGES = 35 => CarrierChanges,
        IFLA_PHYS_SWITCH_ID = 36 => PhysSwitchId,
        IFLA_LINK_NETNSID = 37 => LinkNetnsid,
        IFLA_PHYS_PORT_NAME = 38 => PhysPortName,
        IFLA_PROTO_DOWN = 39 => ProtoDown,
        IFLA_GSO_MAX_SEGS = 40 => GsoMaxSegs,
        IFLA_GSO_MAX_SIZE = 41 => GsoMaxSize,
        IFLA_PAD = 42 => Pad,
        IFLA_XDP = 43 => Xdp,
        IFLA_EVENT = 44 => Event,
        IFLA_NEW_NETNSID = 45 => NewNetnsid,
        IFLA_TARGET_NETNSID = 46 => TargetNetnsid,
        IFLA_CARRIER_UP_COUNT = 47 => CarrierUpCount,
        IFLA_CARRIER_DOWN_COUNT = 48 => CarrierDownCount,
        IFLA_NEW_IFINDEX = 49 => NewIfindex,
        IFLA_MIN_MTU = 50 => MinMtu,
        IFLA_MAX_MTU = 51 => MaxMtu,
        IFLA_PROP_LIST = 52 => PropList,
        IFLA_ALT_IFNAME = 53 => AltIfname,
        IFLA_PERM_ADDRESS = 54 => PermAddress,
        IFLA_PROTO_DOWN_REASON = 55 => ProtoDownReason,
        IFLA_PARENT_DEV_NAME = 56 => ParentDevName,
        IFLA_PARENT_DEV_BUS_NAME = 57 => ParentDevBusName,
        IFLA_GRO_MAX_SIZE = 58 => GroMaxSize,
        IFLA_TSO_MAX_SIZE = 59 => TsoMaxSize,
        IFLA_TSO_MAX_SEGS = 60 => TsoMaxSegs,
        IFLA_ALLMULTI = 61 => Allmulti,
        IFLA_DEVLINK_PORT = 62 => DevlinkPort,
        IFLA_GSO_IPV4_MAX_SIZE = 63 => GsoIpv4MaxSize,
        IFLA_GRO_IPV4_MAX_SIZE = 64 => GroIpv4MaxSize,
        IFLA_DPLL_PIN = 65 => DpllPin,
        IFLA_MAX_PACING_OFFLOAD_HORIZON = 66 => MaxPacingOffloadHorizon,
        IFLA_NETNS_IMMUTABLE = 67 => NetnsImmutable,
        IFLA_HEADROOM = 68 => Headroom,
        IFLA_TAILROOM = 69 => Tailroom,
    }
}

/// `IFLA_MAX` on the 6.18 profile.
pub const IFLA_MAX: u16 = IFLA_TAILROOM;

crate::uapi_enum! {
    /// IFLA_LINKINFO's attributes (`IFLA_INFO_*`).
    pub enum IflaInfo: u16 {
        IFLA_INFO_UNSPEC = 0 => Unspec,
        IFLA_INFO_KIND = 1 => Kind,
        IFLA_INFO_DATA = 2 => Data,
        IFLA_INFO_XSTATS = 3 => Xstats,
        IFLA_INFO_SLAVE_KIND = 4 => SlaveKind,
        IFLA_INFO_SLAVE_DATA = 5 => SlaveData,
    }
}

/// `IFLA_INFO_MAX`.
pub const IFLA_INFO_MAX: u16 = IFLA_INFO_SLAVE_DATA;

crate::uapi_enum! {
    /// The AF_INET part of IFLA_AF_SPEC (`IFLA_INET_*`).
    pub enum IflaInet: u16 {
        IFLA_INET_UNSPEC = 0 => Unspec,
        IFLA_INET_CONF = 1 => Conf,
    }
}

crate::uapi_enum! {
    /// The AF_INET6 part of IFLA_AF_SPEC and of AF_INET6 IFLA_PROTINFO (`IFLA_INET6_*`).
    pub enum IflaInet6: u16 {
        IFLA_INET6_UNSPEC = 0 => Unspec,
        IFLA_INET6_FLAGS = 1 => Flags,
        IFLA_INET6_CONF = 2 => Conf,
        IFLA_INET6_STATS = 3 => Stats,
        IFLA_INET6_MCAST = 4 => Mcast,
        IFLA_INET6_CACHEINFO = 5 => Cacheinfo,
        IFLA_INET6_ICMP6STATS = 6 => Icmp6stats,
        IFLA_INET6_TOKEN = 7 => Token,
        IFLA_INET6_ADDR_GEN_MODE = 8 => AddrGenMode,
        IFLA_INET6_RA_MTU = 9 => RaMtu,
    }
}

/// `IFLA_INET6_MAX` on the 6.18 profile.
pub const IFLA_INET6_MAX: u16 = IFLA_INET6_RA_MTU;

crate::uapi_enum! {
    /// IPv6 address generation modes (`IN6_ADDR_GEN_MODE_*`).
    pub enum In6AddrGenMode: u8 {
        IN6_ADDR_GEN_MODE_EUI64 = 0 => Eui64,
        IN6_ADDR_GEN_MODE_NONE = 1 => None,
        IN6_ADDR_GEN_MODE_STABLE_PRIVACY = 2 => StablePrivacy,
        IN6_ADDR_GEN_MODE_RANDOM = 3 => Random,
    }
}

crate::uapi_enum! {
    /// A bridge's IFLA_INFO_DATA (`IFLA_BR_*`).
    pub enum IflaBr: u16 {
        IFLA_BR_UNSPEC = 0 => Unspec,
        IFLA_BR_FORWARD_DELAY = 1 => ForwardDelay,
        IFLA_BR_HELLO_TIME = 2 => HelloTime,
        IFLA_BR_MAX_AGE = 3 => MaxAge,
        IFLA_BR_AGEING_TIME = 4 => AgeingTime,
        IFLA_BR_STP_STATE = 5 => StpState,
        IFLA_BR_PRIORITY = 6 => Priority,
        IFLA_BR_VLAN_FILTERING = 7 => VlanFiltering,
        IFLA_BR_VLAN_PROTOCOL = 8 => VlanProtocol,
        IFLA_BR_GROUP_FWD_MASK = 9 => GroupFwdMask,
        IFLA_BR_ROOT_ID = 10 => RootId,
        IFLA_BR_BRIDGE_ID = 11 => BridgeId,
        IFLA_BR_ROOT_PORT = 12 => RootPort,
        IFLA_BR_ROOT_PATH_COST = 13 => RootPathCost,
        IFLA_BR_TOPOLOGY_CHANGE = 14 => TopologyChange,
        IFLA_BR_TOPOLOGY_CHANGE_DETECTED = 15 => TopologyChangeDetected,
        IFLA_BR_HELLO_TIMER = 16 => HelloTimer,
        IFLA_BR_TCN_TIMER = 17 => TcnTimer,
        IFLA_BR_TOPOLOGY_CHANGE_TIMER = 18 => TopologyChangeTimer,
        IFLA_BR_GC_TIMER = 19 => GcTimer,
        IFLA_BR_GROUP_ADDR = 20 => GroupAddr,
        IFLA_BR_FDB_FLUSH = 21 => FdbFlush,
        IFLA_BR_MCAST_ROUTER = 22 => McastRouter,
        IFLA_BR_MCAST_SNOOPING = 23 => McastSnooping,
        IFLA_BR_MCAST_QUERY_USE_IFADDR = 24 => McastQueryUseIfaddr,
        IFLA_BR_MCAST_QUERIER = 25 => McastQuerier,
        IFLA_BR_MCAST_HASH_ELASTICITY = 26 => McastHashElasticity,
        IFLA_BR_MCAST_HASH_MAX = 27 => McastHashMax,
        IFLA_BR_MCAST_LAST_MEMBER_CNT = 28 => McastLastMemberCnt,
        IFLA_BR_MCAST_STARTUP_QUERY_CNT = 29 => McastStartupQueryCnt,
        IFLA_BR_MCAST_LAST_MEMBER_INTVL = 30 => McastLastMemberIntvl,
        IFLA_BR_MCAST_MEMBERSHIP_INTVL = 31 => McastMembershipIntvl,
        IFLA_BR_MCAST_QUERIER_INTVL = 32 => McastQuerierIntvl,
        IFLA_BR_MCAST_QUERY_INTVL = 33 => McastQueryIntvl,
        IFLA_BR_MCAST_QUERY_RESPONSE_INTVL = 34 => McastQueryResponseIntvl,
        IFLA_BR_MCAST_STARTUP_QUERY_INTVL = 35 => McastStartupQueryIntvl,
        IFLA_BR_NF_CALL_IPTABLES = 36 => NfCallIptables,
        IFLA_BR_NF_CALL_IP6TABLES = 37 => NfCallIp6tables,
        IFLA_BR_NF_CALL_ARPTABLES = 38 => NfCallArptables,
        IFLA_BR_VLAN_DEFAULT_PVID = 39 => VlanDefaultPvid,
        IFLA_BR_PAD = 40 => Pad,
        IFLA_BR_VLAN_STATS_ENABLED = 41 => VlanStatsEnabled,
        IFLA_BR_MCAST_STATS_ENABLED = 42 => McastStatsEnabled,
        IFLA_BR_MCAST_IGMP_VERSION = 43 => McastIgmpVersion,
        IFLA_BR_MCAST_MLD_VERSION = 44 => McastMldVersion,
        IFLA_BR_VLAN_STATS_PER_PORT = 45 => VlanStatsPerPort,
        IFLA_BR_MULTI_BOOLOPT = 46 => MultiBoolopt,
        IFLA_BR_MCAST_QUERIER_STATE = 47 => McastQuerierState,
        IFLA_BR_FDB_N_LEARNED = 48 => FdbNLearned,
        IFLA_BR_FDB_MAX_LEARNED = 49 => FdbMaxLearned,
        IFLA_BR_STP_MODE = 50 => StpMode,
    }
}

/// `IFLA_BR_MAX` on the 6.18 profile.
pub const IFLA_BR_MAX: u16 = IFLA_BR_FDB_MAX_LEARNED;

crate::uapi_enum! {
    /// A bridge port's attributes (`IFLA_BRPORT_*`), in IFLA_INFO_SLAVE_DATA and in a
    /// PF_BRIDGE message's IFLA_PROTINFO.
    pub enum IflaBrport: u16 {
        IFLA_BRPORT_UNSPEC = 0 => Unspec,
        IFLA_BRPORT_STATE = 1 => State,
        IFLA_BRPORT_PRIORITY = 2 => Priority,
        IFLA_BRPORT_COST = 3 => Cost,
        IFLA_BRPORT_MODE = 4 => Mode,
        IFLA_BRPORT_GUARD = 5 => Guard,
        IFLA_BRPORT_PROTECT = 6 => Protect,
        IFLA_BRPORT_FAST_LEAVE = 7 => FastLeave,
        IFLA_BRPORT_LEARNING = 8 => Learning,
        IFLA_BRPORT_UNICAST_FLOOD = 9 => UnicastFlood,
        IFLA_BRPORT_PROXYARP = 10 => Proxyarp,
        IFLA_BRPORT_LEARNING_SYNC = 11 => LearningSync,
        IFLA_BRPORT_PROXYARP_WIFI = 12 => ProxyarpWifi,
        IFLA_BRPORT_ROOT_ID = 13 => RootId,
        IFLA_BRPORT_BRIDGE_ID = 14 => BridgeId,
        IFLA_BRPORT_DESIGNATED_PORT = 15 => DesignatedPort,
        IFLA_BRPORT_DESIGNATED_COST = 16 => DesignatedCost,
        IFLA_BRPORT_ID = 17 => Id,
        IFLA_BRPORT_NO = 18 => No,
        IFLA_BRPORT_TOPOLOGY_CHANGE_ACK = 19 => TopologyChangeAck,
        IFLA_BRPORT_CONFIG_PENDING = 20 => ConfigPending,
        IFLA_BRPORT_MESSAGE_AGE_TIMER = 21 => MessageAgeTimer,
        IFLA_BRPORT_FORWARD_DELAY_TIMER = 22 => ForwardDelayTimer,
        IFLA_BRPORT_HOLD_TIMER = 23 => HoldTimer,
        IFLA_BRPORT_FLUSH = 24 => Flush,
        IFLA_BRPORT_MULTICAST_ROUTER = 25 => MulticastRouter,
        IFLA_BRPORT_PAD = 26 => Pad,
        IFLA_BRPORT_MCAST_FLOOD = 27 => McastFlood,
        IFLA_BRPORT_MCAST_TO_UCAST = 28 => McastToUcast,
        IFLA_BRPORT_VLAN_TUNNEL = 29 => VlanTunnel,
        IFLA_BRPORT_BCAST_FLOOD = 30 => BcastFlood,
        IFLA_BRPORT_GROUP_FWD_MASK = 31 => GroupFwdMask,
        IFLA_BRPORT_NEIGH_SUPPRESS = 32 => NeighSuppress,
        IFLA_BRPORT_ISOLATED = 33 => Isolated,
        IFLA_BRPORT_BACKUP_PORT = 34 => BackupPort,
        IFLA_BRPORT_MRP_RING_OPEN = 35 => MrpRingOpen,
        IFLA_BRPORT_MRP_IN_OPEN = 36 => MrpInOpen,
        IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT = 37 => McastEhtHostsLimit,
        IFLA_BRPORT_MCAST_EHT_HOSTS_CNT = 38 => McastEhtHostsCnt,
        IFLA_BRPORT_LOCKED = 39 => Locked,
        IFLA_BRPORT_MAB = 40 => Mab,
        IFLA_BRPORT_MCAST_N_GROUPS = 41 => McastNGroups,
        IFLA_BRPORT_MCAST_MAX_GROUPS = 42 => McastMaxGroups,
        IFLA_BRPORT_NEIGH_VLAN_SUPPRESS = 43 => NeighVlanSuppress,
        IFLA_BRPORT_BACKUP_NHID = 44 => BackupNhid,
        IFLA_BRPORT_NEIGH_FORWARD_GRAT = 45 => NeighForwardGrat,
    }
}

crate::uapi_enum! {
    /// IFLA_XDP's attributes (`IFLA_XDP_*`).
    pub enum IflaXdp: u16 {
        IFLA_XDP_UNSPEC = 0 => Unspec,
        IFLA_XDP_FD = 1 => Fd,
        IFLA_XDP_ATTACHED = 2 => Attached,
        IFLA_XDP_FLAGS = 3 => Flags,
        IFLA_XDP_PROG_ID = 4 => ProgId,
        IFLA_XDP_DRV_PROG_ID = 5 => DrvProgId,
        IFLA_XDP_SKB_PROG_ID = 6 => SkbProgId,
        IFLA_XDP_HW_PROG_ID = 7 => HwProgId,
        IFLA_XDP_EXPECTED_FD = 8 => ExpectedFd,
    }
}

crate::uapi_enum! {
    /// What IFLA_EVENT reports (`IFLA_EVENT_*`).
    pub enum IflaEvent: u32 {
        IFLA_EVENT_NONE = 0 => None,
        IFLA_EVENT_REBOOT = 1 => Reboot,
        IFLA_EVENT_FEATURES = 2 => Features,
        IFLA_EVENT_BONDING_FAILOVER = 3 => BondingFailover,
        IFLA_EVENT_NOTIFY_PEERS = 4 => NotifyPeers,
        IFLA_EVENT_IGMP_RESEND = 5 => IgmpResend,
        IFLA_EVENT_BONDING_OPTIONS = 6 => BondingOptions,
    }
}

crate::uapi_enum! {
    /// IFLA_VFINFO_LIST's entries (`IFLA_VF_INFO`).
    pub enum IflaVfInfo: u16 {
        IFLA_VF_INFO_UNSPEC = 0 => Unspec,
        IFLA_VF_INFO = 1 => Info,
    }
}

crate::uapi_enum! {
    /// IFLA_PORT_SELF / IFLA_VF_PORT attributes (`IFLA_PORT_*`).
    pub enum IflaPort: u16 {
        IFLA_PORT_UNSPEC = 0 => Unspec,
        IFLA_PORT_VF = 1 => Vf,
        IFLA_PORT_PROFILE = 2 => Profile,
        IFLA_PORT_VSI_TYPE = 3 => VsiType,
        IFLA_PORT_INSTANCE_UUID = 4 => InstanceUuid,
        IFLA_PORT_HOST_UUID = 5 => HostUuid,
        IFLA_PORT_REQUEST = 6 => Request,
        IFLA_PORT_RESPONSE = 7 => Response,
    }
}

/// `IFLA_PORT_MAX`.
pub const IFLA_PORT_MAX: u16 = IFLA_PORT_RESPONSE;
/// `PORT_PROFILE_MAX`: the longest port profile name.
pub const PORT_PROFILE_MAX: u16 = 40;
/// `PORT_UUID_MAX`: a port UUID's length.
pub const PORT_UUID_MAX: u16 = 16;

/// `struct rtnl_link_stats64`: 25 counters (IFLA_STATS64).
pub const RTNL_LINK_STATS64_LEN: usize = 25 * 8;
/// `struct rtnl_link_stats`: 24 counters (IFLA_STATS).
pub const RTNL_LINK_STATS_LEN: usize = 24 * 4;
/// `struct rtnl_link_ifmap` (IFLA_MAP).
pub const RTNL_LINK_IFMAP_LEN: usize = 32;
/// `struct ifla_cacheinfo` (IFLA_INET6_CACHEINFO): max_reasm_len, tstamp, reachable_time,
/// retrans_time.
pub const IFLA_CACHEINFO_LEN: usize = 16;
