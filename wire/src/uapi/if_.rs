//! `include/uapi/linux/if.h`: device flags, operational states and link modes, name sizes.

crate::uapi_flags! {
    /// `IFF_*`: device flags (`ifi_flags`).
    pub struct IffFlags: u32 {
        IFF_UP = 0x1,
        IFF_BROADCAST = 0x2,
        IFF_DEBUG = 0x4,
        IFF_LOOPBACK = 0x8,
        IFF_POINTOPOINT = 0x10,
        IFF_NOTRAILERS = 0x20,
        IFF_RUNNING = 0x40,
        IFF_NOARP = 0x80,
        IFF_PROMISC = 0x100,
        IFF_ALLMULTI = 0x200,
        IFF_MASTER = 0x400,
        IFF_SLAVE = 0x800,
        IFF_MULTICAST = 0x1000,
        IFF_PORTSEL = 0x2000,
        IFF_AUTOMEDIA = 0x4000,
        IFF_DYNAMIC = 0x8000,
        IFF_LOWER_UP = 0x10000,
        IFF_DORMANT = 0x20000,
        IFF_ECHO = 0x40000,
    }
}

/// `IFF_VOLATILE`: the flags a device reports but a user does not set.
pub const IFF_VOLATILE: u32 = IFF_LOOPBACK
    | IFF_POINTOPOINT
    | IFF_BROADCAST
    | IFF_ECHO
    | IFF_MASTER
    | IFF_SLAVE
    | IFF_RUNNING
    | IFF_LOWER_UP
    | IFF_DORMANT;

crate::uapi_enum! {
    /// RFC 2863 operational states (`IF_OPER_*`, IFLA_OPERSTATE).
    pub enum IfOper: u8 {
        IF_OPER_UNKNOWN = 0 => StateUnknown,
        IF_OPER_NOTPRESENT = 1 => NotPresent,
        IF_OPER_DOWN = 2 => Down,
        IF_OPER_LOWERLAYERDOWN = 3 => LowerLayerDown,
        IF_OPER_TESTING = 4 => Testing,
        IF_OPER_DORMANT = 5 => Dormant,
        IF_OPER_UP = 6 => Up,
    }
}

crate::uapi_enum! {
    /// Link modes (`IF_LINK_MODE_*`, IFLA_LINKMODE).
    pub enum IfLinkMode: u8 {
        IF_LINK_MODE_DEFAULT = 0 => Default,
        IF_LINK_MODE_DORMANT = 1 => Dormant,
        IF_LINK_MODE_TESTING = 2 => Testing,
    }
}

/// `IFNAMSIZ`: names are at most 15 bytes and a NUL.
pub const IFNAMSIZ: usize = 16;
/// `ALTIFNAMSIZ`: alternative names are at most 127 bytes and a NUL.
pub const ALTIFNAMSIZ: usize = 128;
/// `IFALIASZ`: the longest alias and its NUL.
pub const IFALIASZ: usize = 256;
