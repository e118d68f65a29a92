//! `include/uapi/linux/ip.h`: the IPv4 device configuration values (`IPV4_DEVCONF_*`),
//! numbered from 1 as IFLA_INET_CONF carries them.

crate::uapi_enum! {
    /// `IPV4_DEVCONF_*`.
    pub enum Ipv4Devconf: u16 {
        IPV4_DEVCONF_FORWARDING = 1 => Forwarding,
        IPV4_DEVCONF_MC_FORWARDING = 2 => McForwarding,
        IPV4_DEVCONF_PROXY_ARP = 3 => ProxyArp,
        IPV4_DEVCONF_ACCEPT_REDIRECTS = 4 => AcceptRedirects,
        IPV4_DEVCONF_SECURE_REDIRECTS = 5 => SecureRedirects,
        IPV4_DEVCONF_SEND_REDIRECTS = 6 => SendRedirects,
        IPV4_DEVCONF_SHARED_MEDIA = 7 => SharedMedia,
        IPV4_DEVCONF_RP_FILTER = 8 => RpFilter,
        IPV4_DEVCONF_ACCEPT_SOURCE_ROUTE = 9 => AcceptSourceRoute,
        IPV4_DEVCONF_BOOTP_RELAY = 10 => BootpRelay,
        IPV4_DEVCONF_LOG_MARTIANS = 11 => LogMartians,
        IPV4_DEVCONF_TAG = 12 => Tag,
        IPV4_DEVCONF_ARPFILTER = 13 => Arpfilter,
        IPV4_DEVCONF_MEDIUM_ID = 14 => MediumId,
        IPV4_DEVCONF_NOXFRM = 15 => Noxfrm,
        IPV4_DEVCONF_NOPOLICY = 16 => Nopolicy,
        IPV4_DEVCONF_FORCE_IGMP_VERSION = 17 => ForceIgmpVersion,
        IPV4_DEVCONF_ARP_ANNOUNCE = 18 => ArpAnnounce,
        IPV4_DEVCONF_ARP_IGNORE = 19 => ArpIgnore,
        IPV4_DEVCONF_PROMOTE_SECONDARIES = 20 => PromoteSecondaries,
        IPV4_DEVCONF_ARP_ACCEPT = 21 => ArpAccept,
        IPV4_DEVCONF_ARP_NOTIFY = 22 => ArpNotify,
        IPV4_DEVCONF_ACCEPT_LOCAL = 23 => AcceptLocal,
        IPV4_DEVCONF_SRC_VMARK = 24 => SrcVmark,
        IPV4_DEVCONF_PROXY_ARP_PVLAN = 25 => ProxyArpPvlan,
        IPV4_DEVCONF_ROUTE_LOCALNET = 26 => RouteLocalnet,
        IPV4_DEVCONF_IGMPV2_UNSOLICITED_REPORT_INTERVAL = 27 => Igmpv2UnsolicitedReportInterval,
        IPV4_DEVCONF_IGMPV3_UNSOLICITED_REPORT_INTERVAL = 28 => Igmpv3UnsolicitedReportInterval,
        IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN = 29 => IgnoreRoutesWithLinkdown,
        IPV4_DEVCONF_DROP_UNICAST_IN_L2_MULTICAST = 30 => DropUnicastInL2Multicast,
        IPV4_DEVCONF_DROP_GRATUITOUS_ARP = 31 => DropGratuitousArp,
        IPV4_DEVCONF_BC_FORWARDING = 32 => BcForwarding,
        IPV4_DEVCONF_ARP_EVICT_NOCARRIER = 33 => ArpEvictNocarrier,
    }
}

/// `IPV4_DEVCONF_MAX` on the 6.18 profile.
pub const IPV4_DEVCONF_MAX: u16 = IPV4_DEVCONF_ARP_EVICT_NOCARRIER;
