//! Constants from `include/uapi/linux/if_link.h`, `rtnetlink.h` and `if_addr.h`.

/// `RTM_BASE`.
pub const RTM_BASE: u16 = 16;
/// `RTM_NEWLINK`.
pub const RTM_NEWLINK: u16 = 16;
/// `RTM_DELLINK`.
pub const RTM_DELLINK: u16 = 17;
/// `RTM_GETLINK`.
pub const RTM_GETLINK: u16 = 18;
/// `RTM_SETLINK`.
pub const RTM_SETLINK: u16 = 19;
/// `RTM_MAX` on the 6.18 profile (observed: type 123 is dispatched, 124 is EOPNOTSUPP).
pub const RTM_MAX: u16 = 123;

/// `sizeof(struct ifinfomsg)`.
pub const IFINFOMSG_LEN: usize = 16;

/// `IFLA_ADDRESS`.
pub const IFLA_ADDRESS: u16 = 1;
/// `IFLA_BROADCAST`.
pub const IFLA_BROADCAST: u16 = 2;
/// `IFLA_IFNAME`.
pub const IFLA_IFNAME: u16 = 3;
/// `IFLA_MTU`.
pub const IFLA_MTU: u16 = 4;
/// `IFLA_LINK`.
pub const IFLA_LINK: u16 = 5;
/// `IFLA_QDISC`.
pub const IFLA_QDISC: u16 = 6;
/// `IFLA_STATS`.
pub const IFLA_STATS: u16 = 7;
/// `IFLA_MASTER`.
pub const IFLA_MASTER: u16 = 10;
/// `IFLA_TXQLEN`.
pub const IFLA_TXQLEN: u16 = 13;
/// `IFLA_MAP`.
pub const IFLA_MAP: u16 = 14;
/// `IFLA_OPERSTATE`.
pub const IFLA_OPERSTATE: u16 = 16;
/// `IFLA_LINKMODE`.
pub const IFLA_LINKMODE: u16 = 17;
/// `IFLA_LINKINFO`.
pub const IFLA_LINKINFO: u16 = 18;
/// `IFLA_STATS64`.
pub const IFLA_STATS64: u16 = 23;
/// `IFLA_AF_SPEC`.
pub const IFLA_AF_SPEC: u16 = 26;
/// `IFLA_GROUP`.
pub const IFLA_GROUP: u16 = 27;
/// `IFLA_EXT_MASK`.
pub const IFLA_EXT_MASK: u16 = 29;
/// `IFLA_PROMISCUITY`.
pub const IFLA_PROMISCUITY: u16 = 30;
/// `IFLA_NUM_TX_QUEUES`.
pub const IFLA_NUM_TX_QUEUES: u16 = 31;
/// `IFLA_NUM_RX_QUEUES`.
pub const IFLA_NUM_RX_QUEUES: u16 = 32;
/// `IFLA_CARRIER`.
pub const IFLA_CARRIER: u16 = 33;
/// `IFLA_CARRIER_CHANGES`.
pub const IFLA_CARRIER_CHANGES: u16 = 35;
/// `IFLA_PROTO_DOWN`.
pub const IFLA_PROTO_DOWN: u16 = 39;
/// `IFLA_GSO_MAX_SEGS`.
pub const IFLA_GSO_MAX_SEGS: u16 = 40;
/// `IFLA_GSO_MAX_SIZE`.
pub const IFLA_GSO_MAX_SIZE: u16 = 41;
/// `IFLA_XDP`.
pub const IFLA_XDP: u16 = 43;
/// `IFLA_TARGET_NETNSID`.
pub const IFLA_TARGET_NETNSID: u16 = 46;
/// `IFLA_CARRIER_UP_COUNT`.
pub const IFLA_CARRIER_UP_COUNT: u16 = 47;
/// `IFLA_CARRIER_DOWN_COUNT`.
pub const IFLA_CARRIER_DOWN_COUNT: u16 = 48;
/// `IFLA_MIN_MTU`.
pub const IFLA_MIN_MTU: u16 = 50;
/// `IFLA_MAX_MTU`.
pub const IFLA_MAX_MTU: u16 = 51;
/// `IFLA_ALT_IFNAME`.
pub const IFLA_ALT_IFNAME: u16 = 53;
/// `IFLA_GRO_MAX_SIZE`.
pub const IFLA_GRO_MAX_SIZE: u16 = 58;
/// `IFLA_TSO_MAX_SIZE`.
pub const IFLA_TSO_MAX_SIZE: u16 = 59;
/// `IFLA_TSO_MAX_SEGS`.
pub const IFLA_TSO_MAX_SEGS: u16 = 60;
/// `IFLA_ALLMULTI`.
pub const IFLA_ALLMULTI: u16 = 61;
/// `IFLA_DEVLINK_PORT`.
pub const IFLA_DEVLINK_PORT: u16 = 62;
/// `IFLA_GSO_IPV4_MAX_SIZE`.
pub const IFLA_GSO_IPV4_MAX_SIZE: u16 = 63;
/// `IFLA_GRO_IPV4_MAX_SIZE`.
pub const IFLA_GRO_IPV4_MAX_SIZE: u16 = 64;
/// `IFLA_DPLL_PIN`.
pub const IFLA_DPLL_PIN: u16 = 65;
/// `IFLA_MAX_PACING_OFFLOAD_HORIZON`.
pub const IFLA_MAX_PACING_OFFLOAD_HORIZON: u16 = 66;
/// `IFLA_NETNS_IMMUTABLE`.
pub const IFLA_NETNS_IMMUTABLE: u16 = 67;
/// `IFLA_HEADROOM`.
pub const IFLA_HEADROOM: u16 = 68;
/// `IFLA_TAILROOM`.
pub const IFLA_TAILROOM: u16 = 69;
/// `IFLA_MAX` on the 6.18 profile.
pub const IFLA_MAX: u16 = 69;

/// `IFLA_XDP_ATTACHED`.
pub const IFLA_XDP_ATTACHED: u16 = 2;
/// `IFLA_INFO_KIND`.
pub const IFLA_INFO_KIND: u16 = 1;
/// `IFLA_INET_CONF`.
pub const IFLA_INET_CONF: u16 = 1;
/// `IFLA_INET6_FLAGS`.
pub const IFLA_INET6_FLAGS: u16 = 1;
/// `IFLA_INET6_CONF`.
pub const IFLA_INET6_CONF: u16 = 2;
/// `IFLA_INET6_STATS`.
pub const IFLA_INET6_STATS: u16 = 3;
/// `IFLA_INET6_CACHEINFO`.
pub const IFLA_INET6_CACHEINFO: u16 = 5;
/// `IFLA_INET6_ICMP6STATS`.
pub const IFLA_INET6_ICMP6STATS: u16 = 6;
/// `IFLA_INET6_TOKEN`.
pub const IFLA_INET6_TOKEN: u16 = 7;
/// `IFLA_INET6_ADDR_GEN_MODE`.
pub const IFLA_INET6_ADDR_GEN_MODE: u16 = 8;

/// `RTEXT_FILTER_SKIP_STATS`.
pub const RTEXT_FILTER_SKIP_STATS: u32 = 1 << 3;
/// `AF_INET`.
pub const AF_INET: u16 = 2;
/// `AF_INET6`.
pub const AF_INET6: u16 = 10;

/// `IFLA_PROTINFO`.
pub const IFLA_PROTINFO: u16 = 12;
/// `IFLA_IFALIAS`.
pub const IFLA_IFALIAS: u16 = 20;
/// `IFLA_NET_NS_PID`.
pub const IFLA_NET_NS_PID: u16 = 19;
/// `IFLA_NET_NS_FD`.
pub const IFLA_NET_NS_FD: u16 = 28;
/// `IFLA_LINK_NETNSID`.
pub const IFLA_LINK_NETNSID: u16 = 37;
/// `IFLA_INFO_DATA`.
pub const IFLA_INFO_DATA: u16 = 2;
/// `IFLA_INFO_XSTATS`.
pub const IFLA_INFO_XSTATS: u16 = 3;
/// `IFLA_INFO_SLAVE_KIND`.
pub const IFLA_INFO_SLAVE_KIND: u16 = 4;
/// `IFLA_INFO_SLAVE_DATA`.
pub const IFLA_INFO_SLAVE_DATA: u16 = 5;
/// `IFLA_INFO_MAX`.
pub const IFLA_INFO_MAX: u16 = 5;
/// `VETH_INFO_PEER`: the peer's `ifinfomsg` and attributes.
pub const VETH_INFO_PEER: u16 = 1;
/// `RTNLGRP_LINK`: the multicast group of link notifications.
pub const RTNLGRP_LINK: u32 = 1;

/// `IFLA_WEIGHT`.
pub const IFLA_WEIGHT: u16 = 15;
/// `IFLA_VFINFO_LIST`.
pub const IFLA_VFINFO_LIST: u16 = 22;
/// `IFLA_VF_PORTS`.
pub const IFLA_VF_PORTS: u16 = 24;
/// `IFLA_PORT_SELF`.
pub const IFLA_PORT_SELF: u16 = 25;
/// `IFLA_PHYS_PORT_ID`.
pub const IFLA_PHYS_PORT_ID: u16 = 34;
/// `IFLA_PHYS_SWITCH_ID`.
pub const IFLA_PHYS_SWITCH_ID: u16 = 36;
/// `IFLA_EVENT`.
pub const IFLA_EVENT: u16 = 44;
/// `IFLA_NEW_IFINDEX`.
pub const IFLA_NEW_IFINDEX: u16 = 49;
/// `IFLA_PROP_LIST`.
pub const IFLA_PROP_LIST: u16 = 52;
/// `IFLA_PERM_ADDRESS`.
pub const IFLA_PERM_ADDRESS: u16 = 54;
/// `IFLA_PROTO_DOWN_REASON`.
pub const IFLA_PROTO_DOWN_REASON: u16 = 55;
/// `IFLA_PARENT_DEV_NAME`.
pub const IFLA_PARENT_DEV_NAME: u16 = 56;
