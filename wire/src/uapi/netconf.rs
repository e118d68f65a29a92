//! `include/uapi/linux/netconf.h`: a device's forwarding configuration (`NETCONFA_*`), after a
//! `netconfmsg` (one byte, `ncm_family`), in RTM_NEWNETCONF, RTM_DELNETCONF and RTM_GETNETCONF.

crate::uapi_enum! {
    /// Netconf attributes (`NETCONFA_*`).
    pub enum Netconfa: u16 {
        NETCONFA_UNSPEC = 0 => Unspec,
        NETCONFA_IFINDEX = 1 => Ifindex,
        NETCONFA_FORWARDING = 2 => Forwarding,
        NETCONFA_RP_FILTER = 3 => RpFilter,
        NETCONFA_MC_FORWARDING = 4 => McForwarding,
        NETCONFA_PROXY_NEIGH = 5 => ProxyNeigh,
        NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN = 6 => IgnoreRoutesWithLinkdown,
        NETCONFA_INPUT = 7 => Input,
        NETCONFA_BC_FORWARDING = 8 => BcForwarding,
        NETCONFA_FORCE_FORWARDING = 9 => ForceForwarding,
    }
}

/// `sizeof(struct netconfmsg)`.
pub const NETCONFMSG_LEN: usize = 1;

/// `NETCONFA_ALL`: a notification of every value (the `type` argument of the fill).
pub const NETCONFA_ALL: i32 = -1;

/// `NETCONFA_IFINDEX_ALL`: the namespace's `all` configuration.
pub const NETCONFA_IFINDEX_ALL: i32 = -1;

/// `NETCONFA_IFINDEX_DEFAULT`: the namespace's `default` configuration.
pub const NETCONFA_IFINDEX_DEFAULT: i32 = -2;
