//! `include/uapi/linux/netlink.h`: protocols, the message header's types and flags, the
//! extended ack, attribute flags, socket options and policy-dump names.

/// Address family of netlink sockets (`AF_NETLINK`).
pub const AF_NETLINK: u16 = 16;
/// Number of netlink protocols the kernel tables hold (`MAX_LINKS`).
pub const MAX_LINKS: usize = 32;

crate::uapi_enum! {
    /// Netlink protocols (`NETLINK_*`, the third argument of `socket(2)`).
    pub enum NetlinkProtocol: i32 {
        NETLINK_ROUTE = 0 => Route,
        NETLINK_UNUSED = 1 => Unused,
        NETLINK_USERSOCK = 2 => Usersock,
        NETLINK_FIREWALL = 3 => Firewall,
        NETLINK_SOCK_DIAG = 4 => SockDiag,
        NETLINK_NFLOG = 5 => Nflog,
        NETLINK_XFRM = 6 => Xfrm,
        NETLINK_SELINUX = 7 => Selinux,
        NETLINK_ISCSI = 8 => Iscsi,
        NETLINK_AUDIT = 9 => Audit,
        NETLINK_FIB_LOOKUP = 10 => FibLookup,
        NETLINK_CONNECTOR = 11 => Connector,
        NETLINK_NETFILTER = 12 => Netfilter,
        NETLINK_IP6_FW = 13 => Ip6Fw,
        NETLINK_DNRTMSG = 14 => Dnrtmsg,
        NETLINK_KOBJECT_UEVENT = 15 => KobjectUevent,
        NETLINK_GENERIC = 16 => Generic,
        NETLINK_SCSITRANSPORT = 18 => Scsitransport,
        NETLINK_ECRYPTFS = 19 => Ecryptfs,
        NETLINK_RDMA = 20 => Rdma,
        NETLINK_CRYPTO = 21 => Crypto,
        NETLINK_SMC = 22 => Smc,
    }
}

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

crate::uapi_enum! {
    /// The control message types every protocol shares (`NLMSG_*`); types from
    /// `NLMSG_MIN_TYPE` on belong to the protocol.
    pub enum NlmsgType: u16 {
        NLMSG_NOOP = 1 => Noop,
        NLMSG_ERROR = 2 => Error,
        NLMSG_DONE = 3 => Done,
        NLMSG_OVERRUN = 4 => Overrun,
    }
}

/// `NLMSG_MIN_TYPE`: types below this are control messages.
pub const NLMSG_MIN_TYPE: u16 = 0x10;

crate::uapi_flags! {
    /// `NLM_F_*`: message header flags. The GET, NEW and DELETE meanings of 0x100..0x800
    /// share their bits, as do the ack flags.
    pub struct NlmFlags: u16 {
        NLM_F_REQUEST = 0x01,
        NLM_F_MULTI = 0x02,
        NLM_F_ACK = 0x04,
        NLM_F_ECHO = 0x08,
        NLM_F_DUMP_INTR = 0x10,
        NLM_F_DUMP_FILTERED = 0x20,
        NLM_F_ROOT = 0x100,
        NLM_F_MATCH = 0x200,
        NLM_F_ATOMIC = 0x400,
        NLM_F_DUMP = 0x300,
        NLM_F_REPLACE = 0x100,
        NLM_F_EXCL = 0x200,
        NLM_F_CREATE = 0x400,
        NLM_F_APPEND = 0x800,
        NLM_F_NONREC = 0x100,
        NLM_F_BULK = 0x200,
        NLM_F_CAPPED = 0x100,
        NLM_F_ACK_TLVS = 0x200,
    }
}

crate::uapi_enum! {
    /// Extended ack attributes (`NLMSGERR_ATTR_*`), after an error's quoted request.
    pub enum NlmsgerrAttr: u16 {
        NLMSGERR_ATTR_UNUSED = 0 => Unused,
        NLMSGERR_ATTR_MSG = 1 => Msg,
        NLMSGERR_ATTR_OFFS = 2 => Offs,
        NLMSGERR_ATTR_COOKIE = 3 => Cookie,
        NLMSGERR_ATTR_POLICY = 4 => Policy,
        NLMSGERR_ATTR_MISS_TYPE = 5 => MissType,
        NLMSGERR_ATTR_MISS_NEST = 6 => MissNest,
    }
}

/// `NL_ATTR_TYPE_*` (`enum netlink_attribute_type`): attribute types as policy dumps name them.
pub mod nl_attr_type {
    crate::uapi_enum! {
        /// `enum netlink_attribute_type`.
        pub enum NlAttrType: u32 {
            NL_ATTR_TYPE_INVALID = 0 => Invalid,
            NL_ATTR_TYPE_FLAG = 1 => Flag,
            NL_ATTR_TYPE_U8 = 2 => U8,
            NL_ATTR_TYPE_U16 = 3 => U16,
            NL_ATTR_TYPE_U32 = 4 => U32,
            NL_ATTR_TYPE_U64 = 5 => U64,
            NL_ATTR_TYPE_S8 = 6 => S8,
            NL_ATTR_TYPE_S16 = 7 => S16,
            NL_ATTR_TYPE_S32 = 8 => S32,
            NL_ATTR_TYPE_S64 = 9 => S64,
            NL_ATTR_TYPE_BINARY = 10 => Binary,
            NL_ATTR_TYPE_STRING = 11 => String,
            NL_ATTR_TYPE_NUL_STRING = 12 => NulString,
            NL_ATTR_TYPE_NESTED = 13 => Nested,
            NL_ATTR_TYPE_NESTED_ARRAY = 14 => NestedArray,
            NL_ATTR_TYPE_BITFIELD32 = 15 => Bitfield32,
            NL_ATTR_TYPE_SINT = 16 => Sint,
            NL_ATTR_TYPE_UINT = 17 => Uint,
        }
    }
    /// `NL_ATTR_TYPE_FLAG`.
    pub const FLAG: u32 = NL_ATTR_TYPE_FLAG;
    /// `NL_ATTR_TYPE_U8`.
    pub const U8: u32 = NL_ATTR_TYPE_U8;
    /// `NL_ATTR_TYPE_U16`.
    pub const U16: u32 = NL_ATTR_TYPE_U16;
    /// `NL_ATTR_TYPE_U32`.
    pub const U32: u32 = NL_ATTR_TYPE_U32;
    /// `NL_ATTR_TYPE_U64`.
    pub const U64: u32 = NL_ATTR_TYPE_U64;
    /// `NL_ATTR_TYPE_S8`.
    pub const S8: u32 = NL_ATTR_TYPE_S8;
    /// `NL_ATTR_TYPE_S16`.
    pub const S16: u32 = NL_ATTR_TYPE_S16;
    /// `NL_ATTR_TYPE_S32`.
    pub const S32: u32 = NL_ATTR_TYPE_S32;
    /// `NL_ATTR_TYPE_S64`.
    pub const S64: u32 = NL_ATTR_TYPE_S64;
    /// `NL_ATTR_TYPE_BINARY`.
    pub const BINARY: u32 = NL_ATTR_TYPE_BINARY;
    /// `NL_ATTR_TYPE_STRING`.
    pub const STRING: u32 = NL_ATTR_TYPE_STRING;
    /// `NL_ATTR_TYPE_NUL_STRING`.
    pub const NUL_STRING: u32 = NL_ATTR_TYPE_NUL_STRING;
    /// `NL_ATTR_TYPE_NESTED`.
    pub const NESTED: u32 = NL_ATTR_TYPE_NESTED;
    /// `NL_ATTR_TYPE_NESTED_ARRAY`.
    pub const NESTED_ARRAY: u32 = NL_ATTR_TYPE_NESTED_ARRAY;
    /// `NL_ATTR_TYPE_BITFIELD32`.
    pub const BITFIELD32: u32 = NL_ATTR_TYPE_BITFIELD32;
}

/// `NL_POLICY_TYPE_ATTR_*` (`enum netlink_policy_type_attr`): what a policy dump says about
/// one attribute.
pub mod nl_policy_type_attr {
    crate::uapi_enum! {
        /// `enum netlink_policy_type_attr`.
        pub enum NlPolicyTypeAttr: u16 {
            NL_POLICY_TYPE_ATTR_UNSPEC = 0 => Unspec,
            NL_POLICY_TYPE_ATTR_TYPE = 1 => Type,
            NL_POLICY_TYPE_ATTR_MIN_VALUE_S = 2 => MinValueS,
            NL_POLICY_TYPE_ATTR_MAX_VALUE_S = 3 => MaxValueS,
            NL_POLICY_TYPE_ATTR_MIN_VALUE_U = 4 => MinValueU,
            NL_POLICY_TYPE_ATTR_MAX_VALUE_U = 5 => MaxValueU,
            NL_POLICY_TYPE_ATTR_MIN_LENGTH = 6 => MinLength,
            NL_POLICY_TYPE_ATTR_MAX_LENGTH = 7 => MaxLength,
            NL_POLICY_TYPE_ATTR_POLICY_IDX = 8 => PolicyIdx,
            NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE = 9 => PolicyMaxtype,
            NL_POLICY_TYPE_ATTR_BITFIELD32_MASK = 10 => Bitfield32Mask,
            NL_POLICY_TYPE_ATTR_PAD = 11 => Pad,
            NL_POLICY_TYPE_ATTR_MASK = 12 => Mask,
        }
    }
    /// `NL_POLICY_TYPE_ATTR_TYPE`: the `NL_ATTR_TYPE_*` (u32).
    pub const TYPE: u16 = NL_POLICY_TYPE_ATTR_TYPE;
    /// `NL_POLICY_TYPE_ATTR_MIN_VALUE_S` (s64).
    pub const MIN_VALUE_S: u16 = NL_POLICY_TYPE_ATTR_MIN_VALUE_S;
    /// `NL_POLICY_TYPE_ATTR_MAX_VALUE_S` (s64).
    pub const MAX_VALUE_S: u16 = NL_POLICY_TYPE_ATTR_MAX_VALUE_S;
    /// `NL_POLICY_TYPE_ATTR_MIN_VALUE_U` (u64).
    pub const MIN_VALUE_U: u16 = NL_POLICY_TYPE_ATTR_MIN_VALUE_U;
    /// `NL_POLICY_TYPE_ATTR_MAX_VALUE_U` (u64).
    pub const MAX_VALUE_U: u16 = NL_POLICY_TYPE_ATTR_MAX_VALUE_U;
    /// `NL_POLICY_TYPE_ATTR_MIN_LENGTH` (u32).
    pub const MIN_LENGTH: u16 = NL_POLICY_TYPE_ATTR_MIN_LENGTH;
    /// `NL_POLICY_TYPE_ATTR_MAX_LENGTH` (u32).
    pub const MAX_LENGTH: u16 = NL_POLICY_TYPE_ATTR_MAX_LENGTH;
    /// `NL_POLICY_TYPE_ATTR_POLICY_IDX`: the nested policy's index (u32).
    pub const POLICY_IDX: u16 = NL_POLICY_TYPE_ATTR_POLICY_IDX;
    /// `NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE`: the nested policy's maxtype (u32).
    pub const POLICY_MAXTYPE: u16 = NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE;
    /// `NL_POLICY_TYPE_ATTR_BITFIELD32_MASK` (u32).
    pub const BITFIELD32_MASK: u16 = NL_POLICY_TYPE_ATTR_BITFIELD32_MASK;
    /// `NL_POLICY_TYPE_ATTR_PAD`.
    pub const PAD: u16 = NL_POLICY_TYPE_ATTR_PAD;
    /// `NL_POLICY_TYPE_ATTR_MASK` (u64).
    pub const MASK: u16 = NL_POLICY_TYPE_ATTR_MASK;
}

/// `NLA_F_NESTED`: the attribute carries nested attributes.
pub const NLA_F_NESTED: u16 = 1 << 15;
/// `NLA_F_NET_BYTEORDER`: the payload is in network byte order.
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
/// `NLA_TYPE_MASK`: the type bits of `nla_type`.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// `SOL_NETLINK`: the socket option level of netlink options.
pub const SOL_NETLINK: i32 = 270;

crate::uapi_enum! {
    /// Netlink socket options (`NETLINK_*` at level `SOL_NETLINK`).
    pub enum NetlinkSockopt: i32 {
        NETLINK_ADD_MEMBERSHIP = 1 => AddMembership,
        NETLINK_DROP_MEMBERSHIP = 2 => DropMembership,
        NETLINK_PKTINFO = 3 => Pktinfo,
        NETLINK_BROADCAST_ERROR = 4 => BroadcastError,
        NETLINK_NO_ENOBUFS = 5 => NoEnobufs,
        NETLINK_RX_RING = 6 => RxRing,
        NETLINK_TX_RING = 7 => TxRing,
        NETLINK_LISTEN_ALL_NSID = 8 => ListenAllNsid,
        NETLINK_LIST_MEMBERSHIPS = 9 => ListMemberships,
        NETLINK_CAP_ACK = 10 => CapAck,
        NETLINK_EXT_ACK = 11 => ExtAck,
        NETLINK_GET_STRICT_CHK = 12 => GetStrictChk,
    }
}

pub use crate::sockaddr_nl::SockaddrNl;
