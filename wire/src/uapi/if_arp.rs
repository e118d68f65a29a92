//! `include/uapi/linux/if_arp.h`: hardware types (`ARPHRD_*`) of the devices modeled.

crate::uapi_enum! {
    /// `ARPHRD_*`: a device's hardware type (`ifi_type`).
    pub enum Arphrd: u16 {
        ARPHRD_NETROM = 0 => Netrom,
        ARPHRD_ETHER = 1 => Ether,
        ARPHRD_LOOPBACK = 772 => Loopback,
        ARPHRD_NETLINK = 824 => Netlink,
        ARPHRD_NONE = 0xfffe => None,
        ARPHRD_VOID = 0xffff => Void,
    }
}
