//! `include/uapi/linux/if_arp.h`: hardware types (`ARPHRD_*`) of the devices modeled, and
//! the tunnel types `ip` names.

crate::uapi_enum! {
    /// `ARPHRD_*`: a device's hardware type (`ifi_type`).
    pub enum Arphrd: u16 {
        ARPHRD_NETROM = 0 => Netrom,
        ARPHRD_ETHER = 1 => Ether,
        ARPHRD_TUNNEL = 768 => Tunnel,
        ARPHRD_LOOPBACK = 772 => Loopback,
        ARPHRD_SIT = 776 => Sit,
        ARPHRD_IPGRE = 778 => Ipgre,
        ARPHRD_IP6GRE = 823 => Ip6gre,
        ARPHRD_NETLINK = 824 => Netlink,
        ARPHRD_NONE = 0xfffe => None,
        ARPHRD_VOID = 0xffff => Void,
    }
}
