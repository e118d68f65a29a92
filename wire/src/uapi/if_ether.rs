//! `include/uapi/linux/if_ether.h`.

/// `ETH_ALEN`: octets in an Ethernet address.
pub const ETH_ALEN: usize = 6;
/// `ETH_MIN_MTU`.
pub const ETH_MIN_MTU: u32 = 68;
/// `ETH_MAX_MTU`.
pub const ETH_MAX_MTU: u32 = 65535;
/// `ETH_DATA_LEN`: the default Ethernet MTU.
pub const ETH_DATA_LEN: u32 = 1500;
/// `ETH_P_8021Q`: 802.1Q VLAN-tagged frames (a bridge's default VLAN protocol).
pub const ETH_P_8021Q: u16 = 0x8100;
/// `ETH_P_IP`: IPv4 (an MDB entry's `addr.proto`, big-endian there).
pub const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_IPV6`: IPv6 (likewise).
pub const ETH_P_IPV6: u16 = 0x86dd;
