//! Constants from `include/uapi/linux/netlink.h`.

/// Address family of netlink sockets (`AF_NETLINK`).
pub const AF_NETLINK: u16 = 16;
/// Number of netlink protocols the kernel tables hold (`MAX_LINKS`).
pub const MAX_LINKS: usize = 32;

/// `NETLINK_ROUTE`: routing and link configuration (rtnetlink).
pub const NETLINK_ROUTE: i32 = 0;
/// `NETLINK_USERSOCK`: reserved for user-mode socket protocols.
pub const NETLINK_USERSOCK: i32 = 2;
/// `NETLINK_SOCK_DIAG`: socket monitoring.
pub const NETLINK_SOCK_DIAG: i32 = 4;
/// `NETLINK_XFRM`: IPsec.
pub const NETLINK_XFRM: i32 = 6;
/// `NETLINK_SELINUX`: SELinux event notifications.
pub const NETLINK_SELINUX: i32 = 7;
/// `NETLINK_AUDIT`: auditing.
pub const NETLINK_AUDIT: i32 = 9;
/// `NETLINK_FIB_LOOKUP`: FIB lookup.
pub const NETLINK_FIB_LOOKUP: i32 = 10;
/// `NETLINK_CONNECTOR`: the connector bus.
pub const NETLINK_CONNECTOR: i32 = 11;
/// `NETLINK_NETFILTER`: the netfilter subsystem.
pub const NETLINK_NETFILTER: i32 = 12;
/// `NETLINK_KOBJECT_UEVENT`: kernel uevents.
pub const NETLINK_KOBJECT_UEVENT: i32 = 15;
/// `NETLINK_GENERIC`: generic netlink.
pub const NETLINK_GENERIC: i32 = 16;

/// Size of `struct nlmsghdr`.
pub const NLMSG_HDRLEN: usize = 16;
/// Alignment of netlink messages (`NLMSG_ALIGNTO`).
pub const NLMSG_ALIGNTO: usize = 4;
/// Alignment of attributes (`NLA_ALIGNTO`).
pub const NLA_ALIGNTO: usize = 4;
/// Size of `struct nlattr`.
pub const NLA_HDRLEN: usize = 4;

/// `NLMSG_ALIGN`: round up to the message alignment.
pub const fn nlmsg_align(len: usize) -> usize {
    (len + NLMSG_ALIGNTO - 1) & !(NLMSG_ALIGNTO - 1)
}

/// `NLA_ALIGN`: round up to the attribute alignment.
pub const fn nla_align(len: usize) -> usize {
    (len + NLA_ALIGNTO - 1) & !(NLA_ALIGNTO - 1)
}

/// `NLMSG_NOOP`: nothing.
pub const NLMSG_NOOP: u16 = 1;
/// `NLMSG_ERROR`: error or acknowledgement.
pub const NLMSG_ERROR: u16 = 2;
/// `NLMSG_DONE`: end of a multipart message.
pub const NLMSG_DONE: u16 = 3;
/// `NLMSG_OVERRUN`: data lost.
pub const NLMSG_OVERRUN: u16 = 4;
/// `NLMSG_MIN_TYPE`: types below this are control messages.
pub const NLMSG_MIN_TYPE: u16 = 0x10;

/// `NLM_F_REQUEST`: a request.
pub const NLM_F_REQUEST: u16 = 0x01;
/// `NLM_F_MULTI`: part of a multipart message.
pub const NLM_F_MULTI: u16 = 0x02;
/// `NLM_F_ACK`: reply with an acknowledgement.
pub const NLM_F_ACK: u16 = 0x04;
/// `NLM_F_ECHO`: echo this request.
pub const NLM_F_ECHO: u16 = 0x08;
/// `NLM_F_DUMP_INTR`: the dump was inconsistent because of a sequence change.
pub const NLM_F_DUMP_INTR: u16 = 0x10;
/// `NLM_F_DUMP_FILTERED`: the dump was filtered as requested.
pub const NLM_F_DUMP_FILTERED: u16 = 0x20;
/// `NLM_F_ROOT` (GET): return the whole table.
pub const NLM_F_ROOT: u16 = 0x100;
/// `NLM_F_MATCH` (GET): return all matching entries.
pub const NLM_F_MATCH: u16 = 0x200;
/// `NLM_F_ATOMIC` (GET): atomic GET.
pub const NLM_F_ATOMIC: u16 = 0x400;
/// `NLM_F_DUMP`: `NLM_F_ROOT | NLM_F_MATCH`.
pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;
/// `NLM_F_REPLACE` (NEW): replace an existing object.
pub const NLM_F_REPLACE: u16 = 0x100;
/// `NLM_F_EXCL` (NEW): do not touch an existing object.
pub const NLM_F_EXCL: u16 = 0x200;
/// `NLM_F_CREATE` (NEW): create if it does not exist.
pub const NLM_F_CREATE: u16 = 0x400;
/// `NLM_F_APPEND` (NEW): add to the end of a list.
pub const NLM_F_APPEND: u16 = 0x800;
/// `NLM_F_NONREC` (DELETE): do not delete recursively.
pub const NLM_F_NONREC: u16 = 0x100;
/// `NLM_F_BULK` (DELETE): bulk delete.
pub const NLM_F_BULK: u16 = 0x200;
/// `NLM_F_CAPPED` (ack): the request payload was left out of the error message.
pub const NLM_F_CAPPED: u16 = 0x100;
/// `NLM_F_ACK_TLVS` (ack): extended ack TLVs follow.
pub const NLM_F_ACK_TLVS: u16 = 0x200;

/// `NLMSGERR_ATTR_MSG`: error message string.
pub const NLMSGERR_ATTR_MSG: u16 = 1;
/// `NLMSGERR_ATTR_OFFS`: offset of the invalid attribute in the original message.
pub const NLMSGERR_ATTR_OFFS: u16 = 2;
/// `NLMSGERR_ATTR_COOKIE`: arbitrary subsystem-specific cookie.
pub const NLMSGERR_ATTR_COOKIE: u16 = 3;
/// `NLMSGERR_ATTR_POLICY`: policy of the rejected attribute (nested).
pub const NLMSGERR_ATTR_POLICY: u16 = 4;
/// `NLMSGERR_ATTR_MISS_TYPE`: type of a missing required attribute.
pub const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;
/// `NLMSGERR_ATTR_MISS_NEST`: offset of the nest where an attribute was missing.
pub const NLMSGERR_ATTR_MISS_NEST: u16 = 6;

/// `NL_ATTR_TYPE_*` (`enum netlink_attribute_type`): attribute types as policy dumps name them.
pub mod nl_attr_type {
    /// `NL_ATTR_TYPE_FLAG`.
    pub const FLAG: u32 = 1;
    /// `NL_ATTR_TYPE_U8`.
    pub const U8: u32 = 2;
    /// `NL_ATTR_TYPE_U16`.
    pub const U16: u32 = 3;
    /// `NL_ATTR_TYPE_U32`.
    pub const U32: u32 = 4;
    /// `NL_ATTR_TYPE_U64`.
    pub const U64: u32 = 5;
    /// `NL_ATTR_TYPE_S8`.
    pub const S8: u32 = 6;
    /// `NL_ATTR_TYPE_S16`.
    pub const S16: u32 = 7;
    /// `NL_ATTR_TYPE_S32`.
    pub const S32: u32 = 8;
    /// `NL_ATTR_TYPE_S64`.
    pub const S64: u32 = 9;
    /// `NL_ATTR_TYPE_BINARY`.
    pub const BINARY: u32 = 10;
    /// `NL_ATTR_TYPE_STRING`.
    pub const STRING: u32 = 11;
    /// `NL_ATTR_TYPE_NUL_STRING`.
    pub const NUL_STRING: u32 = 12;
    /// `NL_ATTR_TYPE_NESTED`.
    pub const NESTED: u32 = 13;
    /// `NL_ATTR_TYPE_NESTED_ARRAY`.
    pub const NESTED_ARRAY: u32 = 14;
    /// `NL_ATTR_TYPE_BITFIELD32`.
    pub const BITFIELD32: u32 = 15;
}

/// `NL_POLICY_TYPE_ATTR_*` (`enum netlink_policy_type_attr`): what a policy dump says about
/// one attribute.
pub mod nl_policy_type_attr {
    /// `NL_POLICY_TYPE_ATTR_TYPE`: the `NL_ATTR_TYPE_*` (u32).
    pub const TYPE: u16 = 1;
    /// `NL_POLICY_TYPE_ATTR_MIN_VALUE_S` (s64).
    pub const MIN_VALUE_S: u16 = 2;
    /// `NL_POLICY_TYPE_ATTR_MAX_VALUE_S` (s64).
    pub const MAX_VALUE_S: u16 = 3;
    /// `NL_POLICY_TYPE_ATTR_MIN_VALUE_U` (u64).
    pub const MIN_VALUE_U: u16 = 4;
    /// `NL_POLICY_TYPE_ATTR_MAX_VALUE_U` (u64).
    pub const MAX_VALUE_U: u16 = 5;
    /// `NL_POLICY_TYPE_ATTR_MIN_LENGTH` (u32).
    pub const MIN_LENGTH: u16 = 6;
    /// `NL_POLICY_TYPE_ATTR_MAX_LENGTH` (u32).
    pub const MAX_LENGTH: u16 = 7;
    /// `NL_POLICY_TYPE_ATTR_POLICY_IDX`: the nested policy's index (u32).
    pub const POLICY_IDX: u16 = 8;
    /// `NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE`: the nested policy's maxtype (u32).
    pub const POLICY_MAXTYPE: u16 = 9;
    /// `NL_POLICY_TYPE_ATTR_BITFIELD32_MASK` (u32).
    pub const BITFIELD32_MASK: u16 = 10;
    /// `NL_POLICY_TYPE_ATTR_PAD`.
    pub const PAD: u16 = 11;
    /// `NL_POLICY_TYPE_ATTR_MASK` (u64).
    pub const MASK: u16 = 12;
}

/// `NLA_F_NESTED`: the attribute carries nested attributes.
pub const NLA_F_NESTED: u16 = 1 << 15;
/// `NLA_F_NET_BYTEORDER`: the payload is in network byte order.
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
/// `NLA_TYPE_MASK`: the type bits of `nla_type`.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// `SOL_NETLINK`: the socket option level of netlink options.
pub const SOL_NETLINK: i32 = 270;
/// `NETLINK_ADD_MEMBERSHIP`.
pub const NETLINK_ADD_MEMBERSHIP: i32 = 1;
/// `NETLINK_DROP_MEMBERSHIP`.
pub const NETLINK_DROP_MEMBERSHIP: i32 = 2;
/// `NETLINK_PKTINFO`.
pub const NETLINK_PKTINFO: i32 = 3;
/// `NETLINK_BROADCAST_ERROR`.
pub const NETLINK_BROADCAST_ERROR: i32 = 4;
/// `NETLINK_NO_ENOBUFS`.
pub const NETLINK_NO_ENOBUFS: i32 = 5;
/// `NETLINK_RX_RING` (removed from the kernel; now ENOPROTOOPT).
pub const NETLINK_RX_RING: i32 = 6;
/// `NETLINK_TX_RING` (removed from the kernel; now ENOPROTOOPT).
pub const NETLINK_TX_RING: i32 = 7;
/// `NETLINK_LISTEN_ALL_NSID`.
pub const NETLINK_LISTEN_ALL_NSID: i32 = 8;
/// `NETLINK_LIST_MEMBERSHIPS` (get only).
pub const NETLINK_LIST_MEMBERSHIPS: i32 = 9;
/// `NETLINK_CAP_ACK`.
pub const NETLINK_CAP_ACK: i32 = 10;
/// `NETLINK_EXT_ACK`.
pub const NETLINK_EXT_ACK: i32 = 11;
/// `NETLINK_GET_STRICT_CHK`.
pub const NETLINK_GET_STRICT_CHK: i32 = 12;

/// A netlink socket address (`struct sockaddr_nl` without its padding).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SockaddrNl {
    /// `nl_family`: `AF_NETLINK` for a valid address.
    pub family: u16,
    /// `nl_pid`: the port id.
    pub pid: u32,
    /// `nl_groups`: multicast group mask (groups 1 to 32).
    pub groups: u32,
}

impl SockaddrNl {
    /// Size of `struct sockaddr_nl` on the wire.
    pub const LEN: usize = 12;

    /// An `AF_NETLINK` address.
    pub fn new(pid: u32, groups: u32) -> Self {
        SockaddrNl {
            family: AF_NETLINK,
            pid,
            groups,
        }
    }

    /// The 12 bytes of `struct sockaddr_nl` in host (little-endian on the modeled x86-64) order.
    pub fn to_bytes(&self) -> [u8; 12] {
        let mut b = [0u8; 12];
        b[0..2].copy_from_slice(&self.family.to_ne_bytes());
        b[4..8].copy_from_slice(&self.pid.to_ne_bytes());
        b[8..12].copy_from_slice(&self.groups.to_ne_bytes());
        b
    }
}
