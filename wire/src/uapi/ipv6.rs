//! `include/uapi/linux/ipv6.h`: the IPv6 device configuration values (`DEVCONF_*`), numbered
//! from 0 as IFLA_INET6_CONF carries them, and the IPv6 statistics sizes of `snmp.h`.

crate::uapi_enum! {
    /// `DEVCONF_*`.
    pub enum Ipv6Devconf: usize {
        DEVCONF_FORWARDING = 0 => Forwarding,
        DEVCONF_HOPLIMIT = 1 => Hoplimit,
        DEVCONF_MTU6 = 2 => Mtu6,
        DEVCONF_ACCEPT_RA = 3 => AcceptRa,
        DEVCONF_ACCEPT_REDIRECTS = 4 => AcceptRedirects,
        DEVCONF_AUTOCONF = 5 => Autoconf,
        DEVCONF_DAD_TRANSMITS = 6 => DadTransmits,
        DEVCONF_RTR_SOLICITS = 7 => RtrSolicits,
        DEVCONF_RTR_SOLICIT_INTERVAL = 8 => RtrSolicitInterval,
        DEVCONF_RTR_SOLICIT_DELAY = 9 => RtrSolicitDelay,
        DEVCONF_USE_TEMPADDR = 10 => UseTempaddr,
        DEVCONF_TEMP_VALID_LFT = 11 => TempValidLft,
        DEVCONF_TEMP_PREFERED_LFT = 12 => TempPreferedLft,
        DEVCONF_REGEN_MAX_RETRY = 13 => RegenMaxRetry,
        DEVCONF_MAX_DESYNC_FACTOR = 14 => MaxDesyncFactor,
        DEVCONF_MAX_ADDRESSES = 15 => MaxAddresses,
        DEVCONF_FORCE_MLD_VERSION = 16 => ForceMldVersion,
        DEVCONF_ACCEPT_RA_DEFRTR = 17 => AcceptRaDefrtr,
        DEVCONF_ACCEPT_RA_PINFO = 18 => AcceptRaPinfo,
        DEVCONF_ACCEPT_RA_RTR_PREF = 19 => AcceptRaRtrPref,
        DEVCONF_RTR_PROBE_INTERVAL = 20 => RtrProbeInterval,
        DEVCONF_ACCEPT_RA_RT_INFO_MAX_PLEN = 21 => AcceptRaRtInfoMaxPlen,
        DEVCONF_PROXY_NDP = 22 => ProxyNdp,
        DEVCONF_OPTIMISTIC_DAD = 23 => OptimisticDad,
        DEVCONF_ACCEPT_SOURCE_ROUTE = 24 => AcceptSourceRoute,
        DEVCONF_MC_FORWARDING = 25 => McForwarding,
        DEVCONF_DISABLE_IPV6 = 26 => DisableIpv6,
        DEVCONF_ACCEPT_DAD = 27 => AcceptDad,
        DEVCONF_FORCE_TLLAO = 28 => ForceTllao,
        DEVCONF_NDISC_NOTIFY = 29 => NdiscNotify,
        DEVCONF_MLDV1_UNSOLICITED_REPORT_INTERVAL = 30 => Mldv1UnsolicitedReportInterval,
        DEVCONF_MLDV2_UNSOLICITED_REPORT_INTERVAL = 31 => Mldv2UnsolicitedReportInterval,
        DEVCONF_SUPPRESS_FRAG_NDISC = 32 => SuppressFragNdisc,
        DEVCONF_ACCEPT_RA_FROM_LOCAL = 33 => AcceptRaFromLocal,
        DEVCONF_USE_OPTIMISTIC = 34 => UseOptimistic,
        DEVCONF_ACCEPT_RA_MTU = 35 => AcceptRaMtu,
        DEVCONF_STABLE_SECRET = 36 => StableSecret,
        DEVCONF_USE_OIF_ADDRS_ONLY = 37 => UseOifAddrsOnly,
        DEVCONF_ACCEPT_RA_MIN_HOP_LIMIT = 38 => AcceptRaMinHopLimit,
        DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN = 39 => IgnoreRoutesWithLinkdown,
        DEVCONF_DROP_UNICAST_IN_L2_MULTICAST = 40 => DropUnicastInL2Multicast,
        DEVCONF_DROP_UNSOLICITED_NA = 41 => DropUnsolicitedNa,
        DEVCONF_KEEP_ADDR_ON_DOWN = 42 => KeepAddrOnDown,
        DEVCONF_RTR_SOLICIT_MAX_INTERVAL = 43 => RtrSolicitMaxInterval,
        DEVCONF_SEG6_ENABLED = 44 => Seg6Enabled,
        DEVCONF_SEG6_REQUIRE_HMAC = 45 => Seg6RequireHmac,
        DEVCONF_ENHANCED_DAD = 46 => EnhancedDad,
        DEVCONF_ADDR_GEN_MODE = 47 => AddrGenMode,
        DEVCONF_DISABLE_POLICY = 48 => DisablePolicy,
        DEVCONF_ACCEPT_RA_RT_INFO_MIN_PLEN = 49 => AcceptRaRtInfoMinPlen,
        DEVCONF_NDISC_TCLASS = 50 => NdiscTclass,
        DEVCONF_RPL_SEG_ENABLED = 51 => RplSegEnabled,
        DEVCONF_RA_DEFRTR_METRIC = 52 => RaDefrtrMetric,
        DEVCONF_IOAM6_ENABLED = 53 => Ioam6Enabled,
        DEVCONF_IOAM6_ID = 54 => Ioam6Id,
        DEVCONF_IOAM6_ID_WIDE = 55 => Ioam6IdWide,
        DEVCONF_NDISC_EVICT_NOCARRIER = 56 => NdiscEvictNocarrier,
        DEVCONF_ACCEPT_UNTRACKED_NA = 57 => AcceptUntrackedNa,
        DEVCONF_ACCEPT_RA_MIN_LFT = 58 => AcceptRaMinLft,
        DEVCONF_FORCE_FORWARDING = 59 => ForceForwarding,
    }
}

/// `DEVCONF_MAX` on the 6.18 profile: the values IFLA_INET6_CONF carries.
pub const DEVCONF_MAX: usize = 60;
/// `IPSTATS_MIB_MAX`: IPv6 statistics counters (IFLA_INET6_STATS), the count first.
pub const IPSTATS_MIB_MAX: usize = 38;
/// `ICMP6_MIB_MAX`: ICMPv6 statistics counters (IFLA_INET6_ICMP6STATS), the count first.
pub const ICMP6_MIB_MAX: usize = 7;
/// `IF_READY`: IPv6 is ready on the device (IFLA_INET6_FLAGS).
pub const IF_READY: u32 = 0x8000_0000;
/// `IF_RS_SENT`: a router solicitation was sent (IFLA_INET6_FLAGS, `include/net/if_inet6.h`).
pub const IF_RS_SENT: u32 = 0x10;
/// `IF_RA_RCVD`: a router advertisement was received (IFLA_INET6_FLAGS).
pub const IF_RA_RCVD: u32 = 0x20;

/// `IPSTATS_MIB_*` (`include/uapi/linux/snmp.h`) as 6.3 to 6.12 number them (OutTransmits,
/// `IPSTATS_MIB_OUTPKTS`, last); 6.1 lacks OutTransmits and later releases reorder the list
/// (the model keeps this order and lays it out per release when it fills IFLA_INET6_STATS).
pub mod ipstats {
    /// InReceives.
    pub const INPKTS: usize = 1;
    /// InOctets.
    pub const INOCTETS: usize = 2;
    /// InDelivers.
    pub const INDELIVERS: usize = 3;
    /// OutForwDatagrams.
    pub const OUTFORWDATAGRAMS: usize = 4;
    /// OutRequests.
    pub const OUTREQUESTS: usize = 5;
    /// OutOctets.
    pub const OUTOCTETS: usize = 6;
    /// InDiscards.
    pub const INDISCARDS: usize = 13;
    /// OutDiscards.
    pub const OUTDISCARDS: usize = 14;
    /// InMcastPkts.
    pub const INMCASTPKTS: usize = 23;
    /// OutMcastPkts.
    pub const OUTMCASTPKTS: usize = 24;
    /// InMcastOctets.
    pub const INMCASTOCTETS: usize = 27;
    /// OutMcastOctets.
    pub const OUTMCASTOCTETS: usize = 28;
    /// InNoECTPkts.
    pub const NOECTPKTS: usize = 32;
    /// OutTransmits.
    pub const OUTPKTS: usize = 37;
}

/// `ICMP6_MIB_OUTMSGS`.
pub const ICMP6_MIB_OUTMSGS: usize = 3;
