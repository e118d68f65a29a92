//! `include/uapi/linux/rtnetlink.h`: rtnetlink message types, multicast groups, extended
//! filter masks, and the address families rtnetlink adds.

crate::uapi_enum! {
    /// rtnetlink message types (`RTM_*`); the low two bits say NEW, DEL, GET or SET.
    pub enum RtmType: u16 {
        RTM_NEWLINK = 16 => NewLink,
        RTM_DELLINK = 17 => DelLink,
        RTM_GETLINK = 18 => GetLink,
        RTM_SETLINK = 19 => SetLink,
        RTM_NEWADDR = 20 => NewAddr,
        RTM_DELADDR = 21 => DelAddr,
        RTM_GETADDR = 22 => GetAddr,
        RTM_NEWROUTE = 24 => NewRoute,
        RTM_DELROUTE = 25 => DelRoute,
        RTM_GETROUTE = 26 => GetRoute,
        RTM_NEWNEIGH = 28 => NewNeigh,
        RTM_DELNEIGH = 29 => DelNeigh,
        RTM_GETNEIGH = 30 => GetNeigh,
        RTM_NEWRULE = 32 => NewRule,
        RTM_DELRULE = 33 => DelRule,
        RTM_GETRULE = 34 => GetRule,
        RTM_NEWQDISC = 36 => NewQdisc,
        RTM_DELQDISC = 37 => DelQdisc,
        RTM_GETQDISC = 38 => GetQdisc,
        RTM_NEWTCLASS = 40 => NewTclass,
        RTM_DELTCLASS = 41 => DelTclass,
        RTM_GETTCLASS = 42 => GetTclass,
        RTM_NEWTFILTER = 44 => NewTfilter,
        RTM_DELTFILTER = 45 => DelTfilter,
        RTM_GETTFILTER = 46 => GetTfilter,
        RTM_NEWACTION = 48 => NewAction,
        RTM_DELACTION = 49 => DelAction,
        RTM_GETACTION = 50 => GetAction,
        RTM_NEWPREFIX = 52 => NewPrefix,
        RTM_NEWMULTICAST = 56 => NewMulticast,
        RTM_DELMULTICAST = 57 => DelMulticast,
        RTM_GETMULTICAST = 58 => GetMulticast,
        RTM_NEWANYCAST = 60 => NewAnycast,
        RTM_DELANYCAST = 61 => DelAnycast,
        RTM_GETANYCAST = 62 => GetAnycast,
        RTM_NEWNEIGHTBL = 64 => NewNeightbl,
        RTM_GETNEIGHTBL = 66 => GetNeightbl,
        RTM_SETNEIGHTBL = 67 => SetNeightbl,
        RTM_NEWNDUSEROPT = 68 => NewNduseropt,
        RTM_NEWADDRLABEL = 72 => NewAddrlabel,
        RTM_DELADDRLABEL = 73 => DelAddrlabel,
        RTM_GETADDRLABEL = 74 => GetAddrlabel,
        RTM_GETDCB = 78 => GetDcb,
        RTM_SETDCB = 79 => SetDcb,
        RTM_NEWNETCONF = 80 => NewNetconf,
        RTM_DELNETCONF = 81 => DelNetconf,
        RTM_GETNETCONF = 82 => GetNetconf,
        RTM_NEWMDB = 84 => NewMdb,
        RTM_DELMDB = 85 => DelMdb,
        RTM_GETMDB = 86 => GetMdb,
        RTM_NEWNSID = 88 => NewNsid,
        RTM_DELNSID = 89 => DelNsid,
        RTM_GETNSID = 90 => GetNsid,
        RTM_NEWSTATS = 92 => NewStats,
        RTM_GETSTATS = 94 => GetStats,
        RTM_SETSTATS = 95 => SetStats,
        RTM_NEWCACHEREPORT = 96 => NewCachereport,
        RTM_NEWCHAIN = 100 => NewChain,
        RTM_DELCHAIN = 101 => DelChain,
        RTM_GETCHAIN = 102 => GetChain,
        RTM_NEWNEXTHOP = 104 => NewNexthop,
        RTM_DELNEXTHOP = 105 => DelNexthop,
        RTM_GETNEXTHOP = 106 => GetNexthop,
        RTM_NEWLINKPROP = 108 => NewLinkprop,
        RTM_DELLINKPROP = 109 => DelLinkprop,
        RTM_GETLINKPROP = 110 => GetLinkprop,
        RTM_NEWVLAN = 112 => NewVlan,
        RTM_DELVLAN = 113 => DelVlan,
        RTM_GETVLAN = 114 => GetVlan,
        RTM_NEWNEXTHOPBUCKET = 116 => NewNexthopbucket,
        RTM_DELNEXTHOPBUCKET = 117 => DelNexthopbucket,
        RTM_GETNEXTHOPBUCKET = 118 => GetNexthopbucket,
        RTM_NEWTUNNEL = 120 => NewTunnel,
        RTM_DELTUNNEL = 121 => DelTunnel,
        RTM_GETTUNNEL = 122 => GetTunnel,
    }
}

/// `RTM_BASE`.
pub const RTM_BASE: u16 = 16;

/// The kinds of rtnetlink request (`rtnl_msgtype_kind`): the low two bits of `type - RTM_BASE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtnlKind {
    /// NEW.
    New,
    /// DEL.
    Del,
    /// GET.
    Get,
    /// SET.
    Set,
}

impl RtnlKind {
    /// The kind of an rtnetlink message type (at least `RTM_BASE`).
    pub fn of(ty: u16) -> RtnlKind {
        match ty.wrapping_sub(RTM_BASE) & 3 {
            0 => RtnlKind::New,
            1 => RtnlKind::Del,
            2 => RtnlKind::Get,
            _ => RtnlKind::Set,
        }
    }
}

crate::uapi_enum! {
    /// rtnetlink multicast groups (`enum rtnetlink_groups`, `RTNLGRP_*`).
    pub enum Rtnlgrp: u32 {
        RTNLGRP_NONE = 0 => None,
        RTNLGRP_LINK = 1 => Link,
        RTNLGRP_NOTIFY = 2 => Notify,
        RTNLGRP_NEIGH = 3 => Neigh,
        RTNLGRP_TC = 4 => Tc,
        RTNLGRP_IPV4_IFADDR = 5 => Ipv4Ifaddr,
        RTNLGRP_IPV4_MROUTE = 6 => Ipv4Mroute,
        RTNLGRP_IPV4_ROUTE = 7 => Ipv4Route,
        RTNLGRP_IPV4_RULE = 8 => Ipv4Rule,
        RTNLGRP_IPV6_IFADDR = 9 => Ipv6Ifaddr,
        RTNLGRP_IPV6_MROUTE = 10 => Ipv6Mroute,
        RTNLGRP_IPV6_ROUTE = 11 => Ipv6Route,
        RTNLGRP_IPV6_IFINFO = 12 => Ipv6Ifinfo,
        RTNLGRP_DECNET_IFADDR = 13 => DecnetIfaddr,
        RTNLGRP_NOP2 = 14 => Nop2,
        RTNLGRP_DECNET_ROUTE = 15 => DecnetRoute,
        RTNLGRP_DECNET_RULE = 16 => DecnetRule,
        RTNLGRP_NOP4 = 17 => Nop4,
        RTNLGRP_IPV6_PREFIX = 18 => Ipv6Prefix,
        RTNLGRP_IPV6_RULE = 19 => Ipv6Rule,
        RTNLGRP_ND_USEROPT = 20 => NdUseropt,
        RTNLGRP_PHONET_IFADDR = 21 => PhonetIfaddr,
        RTNLGRP_PHONET_ROUTE = 22 => PhonetRoute,
        RTNLGRP_DCB = 23 => Dcb,
        RTNLGRP_IPV4_NETCONF = 24 => Ipv4Netconf,
        RTNLGRP_IPV6_NETCONF = 25 => Ipv6Netconf,
        RTNLGRP_MDB = 26 => Mdb,
        RTNLGRP_MPLS_ROUTE = 27 => MplsRoute,
        RTNLGRP_NSID = 28 => Nsid,
        RTNLGRP_MPLS_NETCONF = 29 => MplsNetconf,
        RTNLGRP_IPV4_MROUTE_R = 30 => Ipv4MrouteR,
        RTNLGRP_IPV6_MROUTE_R = 31 => Ipv6MrouteR,
        RTNLGRP_NEXTHOP = 32 => Nexthop,
        RTNLGRP_BRVLAN = 33 => Brvlan,
        RTNLGRP_MCTP_IFADDR = 34 => MctpIfaddr,
        RTNLGRP_TUNNEL = 35 => Tunnel,
        RTNLGRP_STATS = 36 => Stats,
        RTNLGRP_IPV4_MCADDR = 37 => Ipv4Mcaddr,
        RTNLGRP_IPV6_MCADDR = 38 => Ipv6Mcaddr,
        RTNLGRP_IPV6_ACADDR = 39 => Ipv6Acaddr,
    }
}

crate::uapi_flags! {
    /// `RTEXT_FILTER_*`: what IFLA_EXT_MASK asks a link dump for.
    pub struct RtextFilter: u32 {
        RTEXT_FILTER_VF = 1 << 0,
        RTEXT_FILTER_BRVLAN = 1 << 1,
        RTEXT_FILTER_BRVLAN_COMPRESSED = 1 << 2,
        RTEXT_FILTER_SKIP_STATS = 1 << 3,
        RTEXT_FILTER_MRP = 1 << 4,
        RTEXT_FILTER_CFM_CONFIG = 1 << 5,
        RTEXT_FILTER_CFM_STATUS = 1 << 6,
        RTEXT_FILTER_MST = 1 << 7,
        RTEXT_FILTER_NAME_ONLY = 1 << 8,
    }
}

/// `RTNL_FAMILY_IPMR`: the IPv4 multicast routing family of rtnetlink requests.
pub const RTNL_FAMILY_IPMR: u8 = 128;
/// `RTNL_FAMILY_IP6MR`: the IPv6 multicast routing family.
pub const RTNL_FAMILY_IP6MR: u8 = 129;

/// `sizeof(struct ifinfomsg)`, the family header of link messages (see [`crate::ifinfomsg`]).
pub const IFINFOMSG_LEN: usize = crate::ifinfomsg::LEN;

// The route attributes, types, scopes and flags this header also defines are in `route.rs`
// (kept apart for their size) and re-exported here.
pub use super::route::*;
