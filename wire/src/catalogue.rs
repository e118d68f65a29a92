//! The message catalogue: what each netlink message holds, in one place.
//!
//! For every (protocol, message type) the catalogue says the message's name, its family header
//! ([`FamilyHeader`], with its named fields) and the attribute space after it ([`Space`]); for
//! every attribute space the names of its types (from the uapi tables, never written again here)
//! and what each nested type holds ([`Nest`]): another space, a space chosen by a sibling
//! attribute (a link kind), by the message's address family, numbered entries, or a family header
//! then a space. [`decode`] reads one message through it into a tree of named attributes with
//! their offsets, never panicking, stopping at bytes that are not what the catalogue says and
//! saying where. [`VOLATILE_FIELDS`] lists the fields that legitimately differ between two runs
//! of the same scenario, and why.
//!
//! The harness reads it to compose requests from names, to explain a difference, to collect
//! coverage, to mask volatile fields and to find the link kinds a scenario creates: adding a
//! message type to the harness is one entry in [`message`].
//!
//! ```
//! use nltwin_wire::catalogue::{self, FamilyHeader};
//! use nltwin_wire::uapi::{netlink::NETLINK_ROUTE, rtnetlink::RTM_NEWLINK};
//!
//! let spec = catalogue::message(NETLINK_ROUTE, RTM_NEWLINK);
//! assert_eq!(spec.name, Some("RTM_NEWLINK"));
//! assert_eq!(spec.header, FamilyHeader::IfInfoMsg);
//! assert_eq!(spec.attrs.unwrap().name_of(4), Some("IFLA_MTU"));
//! assert_eq!(catalogue::attr_by_name("IFLA_INFO_KIND"), Some(1));
//! ```

use std::fmt;
use std::ops::Range;

use crate::nla;
use crate::nlmsg;
use crate::uapi::fib_rules::Fra;
use crate::uapi::genetlink::{
    CtrlAttr, CtrlAttrMcastGrp, CtrlAttrOp, CtrlAttrPolicy, CTRL_ATTR_MCAST_GROUPS, CTRL_ATTR_OPS,
    CTRL_ATTR_OP_POLICY, CTRL_ATTR_POLICY as CTRL_ATTR_POLICY_TYPE, GENL_ID_CTRL,
};
use crate::uapi::if_addr::Ifa;
use crate::uapi::if_link::{
    Ifla, IflaBr, IflaBrport, IflaInet, IflaInet6, IflaInfo, IflaPort, IflaXdp, IFLA_AF_SPEC,
    IFLA_BRPORT_FORWARD_DELAY_TIMER, IFLA_BR_GC_TIMER, IFLA_INET6_CACHEINFO, IFLA_INFO_DATA,
    IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA, IFLA_INFO_SLAVE_KIND, IFLA_LINKINFO, IFLA_PORT_SELF,
    IFLA_PROP_LIST, IFLA_PROTINFO, IFLA_XDP,
};
use crate::uapi::neighbour::{
    ndt_config, ndt_stats, Nda, Ndta, Ndtpa, NDTA_CONFIG, NDTA_PARMS, NDTA_STATS,
    NDTPA_REACHABLE_TIME,
};
use crate::uapi::net_namespace::Netnsa;
use crate::uapi::netconf::Netconfa;
use crate::uapi::netlink::nl_policy_type_attr::NlPolicyTypeAttr;
use crate::uapi::netlink::{
    nla_align, nlmsg_align, NlmsgType, NlmsgerrAttr, NETLINK_GENERIC, NETLINK_ROUTE, NLA_TYPE_MASK,
    NLMSGERR_ATTR_POLICY, NLMSG_DONE, NLMSG_ERROR, NLMSG_MIN_TYPE, NLM_F_ACK_TLVS, NLM_F_CAPPED,
};
use crate::uapi::nexthop::{
    Nha, NhaGroupStats, NhaGroupStatsEntry, NhaResBucket, NhaResGroup, NHA_GROUP_STATS,
    NHA_GROUP_STATS_ENTRY, NHA_RES_BUCKET, NHA_RES_GROUP,
};
use crate::uapi::route::{Rta, Rtax, RTA_METRICS};
use crate::uapi::rtnetlink::{
    RtmType, RTM_DELADDR, RTM_DELLINK, RTM_DELMULTICAST, RTM_GETADDR, RTM_GETANYCAST,
    RTM_GETLINKPROP, RTM_GETMULTICAST, RTM_GETNEIGH, RTM_GETNETCONF, RTM_GETNSID, RTM_GETROUTE,
    RTM_NEWADDR, RTM_NEWANYCAST, RTM_NEWLINK, RTM_NEWLINKPROP, RTM_NEWMULTICAST, RTM_NEWNEIGH,
    RTM_NEWNETCONF, RTM_NEWNSID, RTM_NEWROUTE, RTM_SETLINK,
};
use crate::uapi::rtnetlink::{RTM_GETRULE, RTM_NEWRULE};
use crate::uapi::rtnetlink::{RTM_NEWNEIGHTBL, RTM_SETNEIGHTBL};
use crate::uapi::socket::{AddressFamily, AF_INET, AF_INET6, PF_BRIDGE};
use crate::uapi::veth::{VethInfo, VETH_INFO_PEER};

// ---------------------------------------------------------------------------------------------
// Family headers
// ---------------------------------------------------------------------------------------------

/// The fixed header between a message's `nlmsghdr` and its attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FamilyHeader {
    /// None: nothing the catalogue knows follows the header (NLMSG_NOOP, NLMSG_OVERRUN,
    /// message types it has no layout for); no attributes are read.
    None,
    /// `struct ifinfomsg` (links, link properties).
    IfInfoMsg,
    /// `struct genlmsghdr` (generic netlink).
    GenlMsgHdr,
    /// `struct rtgenmsg` (one byte; namespace ids).
    RtGenMsg,
    /// `struct ifaddrmsg` (addresses, multicast and anycast addresses).
    IfAddrMsg,
    /// `struct rtmsg` (routes).
    RtMsg,
    /// `struct ndmsg` (neighbours).
    NdMsg,
    /// `struct ndtmsg` (neighbour tables: `ndtm_family` and two pads).
    NdtMsg,
    /// `struct netconfmsg` (one byte, `ncm_family`; a device's forwarding configuration).
    NetconfMsg,
    /// `struct fib_rule_hdr` (routing rules).
    FibRuleHdr,
    /// `struct nhmsg` (nexthop objects and their buckets).
    NhMsg,
    /// `struct nlmsgerr` (NLMSG_ERROR): the error code and the quoted request's header; the
    /// quoted request's payload (unless `NLM_F_CAPPED`) and the extended ack follow.
    NlMsgErr,
    /// The error code of NLMSG_DONE (an `int`); the extended ack may follow.
    Done,
}

/// A named field of a family header: its name and its bytes within the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderField {
    /// The kernel's name of the field (`ifi_index`).
    pub name: &'static str,
    /// Its bytes, counted from the start of the family header.
    pub range: Range<usize>,
}

const fn hf(name: &'static str, start: usize, end: usize) -> HeaderField {
    HeaderField {
        name,
        range: start..end,
    }
}

static IFINFOMSG_FIELDS: [HeaderField; 6] = [
    hf("ifi_family", 0, 1),
    hf("__ifi_pad", 1, 2),
    hf("ifi_type", 2, 4),
    hf("ifi_index", 4, 8),
    hf("ifi_flags", 8, 12),
    hf("ifi_change", 12, 16),
];
static GENLMSGHDR_FIELDS: [HeaderField; 3] =
    [hf("cmd", 0, 1), hf("version", 1, 2), hf("reserved", 2, 4)];
static RTGENMSG_FIELDS: [HeaderField; 1] = [hf("rtgen_family", 0, 1)];
static NETCONFMSG_FIELDS: [HeaderField; 1] = [hf("ncm_family", 0, 1)];
static IFADDRMSG_FIELDS: [HeaderField; 5] = [
    hf("ifa_family", 0, 1),
    hf("ifa_prefixlen", 1, 2),
    hf("ifa_flags", 2, 3),
    hf("ifa_scope", 3, 4),
    hf("ifa_index", 4, 8),
];
static RTMSG_FIELDS: [HeaderField; 9] = [
    hf("rtm_family", 0, 1),
    hf("rtm_dst_len", 1, 2),
    hf("rtm_src_len", 2, 3),
    hf("rtm_tos", 3, 4),
    hf("rtm_table", 4, 5),
    hf("rtm_protocol", 5, 6),
    hf("rtm_scope", 6, 7),
    hf("rtm_type", 7, 8),
    hf("rtm_flags", 8, 12),
];
static NDMSG_FIELDS: [HeaderField; 7] = [
    hf("ndm_family", 0, 1),
    hf("ndm_pad1", 1, 2),
    hf("ndm_pad2", 2, 4),
    hf("ndm_ifindex", 4, 8),
    hf("ndm_state", 8, 10),
    hf("ndm_flags", 10, 11),
    hf("ndm_type", 11, 12),
];
static NDTMSG_FIELDS: [HeaderField; 3] = [
    hf("ndtm_family", 0, 1),
    hf("ndtm_pad1", 1, 2),
    hf("ndtm_pad2", 2, 4),
];
static FIB_RULE_HDR_FIELDS: [HeaderField; 9] = [
    hf("family", 0, 1),
    hf("dst_len", 1, 2),
    hf("src_len", 2, 3),
    hf("tos", 3, 4),
    hf("table", 4, 5),
    hf("res1", 5, 6),
    hf("res2", 6, 7),
    hf("action", 7, 8),
    hf("flags", 8, 12),
];
static NLMSGERR_FIELDS: [HeaderField; 6] = [
    hf("error", 0, 4),
    hf("msg.nlmsg_len", 4, 8),
    hf("msg.nlmsg_type", 8, 10),
    hf("msg.nlmsg_flags", 10, 12),
    hf("msg.nlmsg_seq", 12, 16),
    hf("msg.nlmsg_pid", 16, 20),
];
static NHMSG_FIELDS: [HeaderField; 5] = [
    hf("nh_family", 0, 1),
    hf("nh_scope", 1, 2),
    hf("nh_protocol", 2, 3),
    hf("resvd", 3, 4),
    hf("nh_flags", 4, 8),
];
static DONE_FIELDS: [HeaderField; 1] = [hf("error", 0, 4)];

/// A field or payload of 1, 2, 4 or 8 bytes as the native-endian unsigned integer it holds.
pub fn native_uint(bytes: &[u8]) -> Option<u64> {
    match bytes.len() {
        1 => Some(bytes[0] as u64),
        2 => Some(crate::ne::u16(bytes) as u64),
        4 => Some(crate::ne::u32(bytes) as u64),
        8 => Some(crate::ne::u64(bytes)),
        _ => None,
    }
}

impl FamilyHeader {
    /// Its size in bytes (`sizeof`); attributes follow at [`FamilyHeader::attrs_offset`].
    pub const fn len(self) -> usize {
        match self {
            FamilyHeader::None => 0,
            FamilyHeader::IfInfoMsg => crate::ifinfomsg::LEN,
            FamilyHeader::GenlMsgHdr => crate::genlmsghdr::LEN,
            FamilyHeader::RtGenMsg => crate::rtgenmsg::LEN,
            FamilyHeader::IfAddrMsg => crate::ifaddrmsg::LEN,
            FamilyHeader::RtMsg => crate::rtmsg::LEN,
            FamilyHeader::NdMsg => crate::ndmsg::LEN,
            FamilyHeader::NdtMsg => crate::uapi::neighbour::NDTMSG_LEN,
            FamilyHeader::NetconfMsg => crate::uapi::netconf::NETCONFMSG_LEN,
            FamilyHeader::FibRuleHdr => crate::fib_rule_hdr::LEN,
            FamilyHeader::NhMsg => crate::nhmsg::LEN,
            FamilyHeader::NlMsgErr => crate::nlmsgerr::LEN,
            FamilyHeader::Done => 4,
        }
    }

    /// Whether it has no bytes.
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Where the attributes start, counted from the end of the `nlmsghdr`
    /// (`NLMSG_ALIGN(sizeof)`).
    pub const fn attrs_offset(self) -> usize {
        nlmsg_align(self.len())
    }

    /// Whether attributes of the message's own space follow it (not for errors, done and
    /// unknown layouts).
    pub const fn has_attrs(self) -> bool {
        !matches!(
            self,
            FamilyHeader::None | FamilyHeader::NlMsgErr | FamilyHeader::Done
        )
    }

    /// The C name of the header (`"ifinfomsg"`), empty for [`FamilyHeader::None`].
    pub const fn name(self) -> &'static str {
        match self {
            FamilyHeader::None => "",
            FamilyHeader::IfInfoMsg => "ifinfomsg",
            FamilyHeader::GenlMsgHdr => "genlmsghdr",
            FamilyHeader::RtGenMsg => "rtgenmsg",
            FamilyHeader::IfAddrMsg => "ifaddrmsg",
            FamilyHeader::RtMsg => "rtmsg",
            FamilyHeader::NdMsg => "ndmsg",
            FamilyHeader::NdtMsg => "ndtmsg",
            FamilyHeader::NetconfMsg => "netconfmsg",
            FamilyHeader::FibRuleHdr => "fib_rule_hdr",
            FamilyHeader::NhMsg => "nhmsg",
            FamilyHeader::NlMsgErr => "nlmsgerr",
            FamilyHeader::Done => "done",
        }
    }

    /// Its named fields, in order.
    pub fn fields(self) -> &'static [HeaderField] {
        match self {
            FamilyHeader::None => &[],
            FamilyHeader::IfInfoMsg => &IFINFOMSG_FIELDS,
            FamilyHeader::GenlMsgHdr => &GENLMSGHDR_FIELDS,
            FamilyHeader::RtGenMsg => &RTGENMSG_FIELDS,
            FamilyHeader::IfAddrMsg => &IFADDRMSG_FIELDS,
            FamilyHeader::RtMsg => &RTMSG_FIELDS,
            FamilyHeader::NdMsg => &NDMSG_FIELDS,
            FamilyHeader::NdtMsg => &NDTMSG_FIELDS,
            FamilyHeader::NetconfMsg => &NETCONFMSG_FIELDS,
            FamilyHeader::FibRuleHdr => &FIB_RULE_HDR_FIELDS,
            FamilyHeader::NhMsg => &NHMSG_FIELDS,
            FamilyHeader::NlMsgErr => &NLMSGERR_FIELDS,
            FamilyHeader::Done => &DONE_FIELDS,
        }
    }

    /// The field holding byte `offset` of the header.
    pub fn field_at(self, offset: usize) -> Option<&'static HeaderField> {
        self.fields().iter().find(|f| f.range.contains(&offset))
    }

    /// The address family the header carries (its first byte), for the headers that have one.
    pub fn family(self, bytes: &[u8]) -> Option<u8> {
        match self {
            FamilyHeader::IfInfoMsg
            | FamilyHeader::RtGenMsg
            | FamilyHeader::IfAddrMsg
            | FamilyHeader::RtMsg
            | FamilyHeader::NdMsg
            | FamilyHeader::NdtMsg
            | FamilyHeader::NetconfMsg => bytes.first().copied(),
            FamilyHeader::FibRuleHdr | FamilyHeader::NhMsg => bytes.first().copied(),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Attribute spaces
// ---------------------------------------------------------------------------------------------

/// An attribute space: the types one nest (or a message's top level) holds, their names, and
/// what each nested type holds.
pub struct Space {
    /// The space's name: the common prefix of its types (`"IFLA"`, `"CTRL_ATTR"`).
    pub name: &'static str,
    name_of: fn(u16) -> Option<&'static str>,
    by_name: fn(&str) -> Option<u16>,
    nests: &'static [(u16, Nest)],
}

impl fmt::Debug for Space {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Space({})", self.name)
    }
}

impl PartialEq for Space {
    fn eq(&self, other: &Space) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Space {
    /// The kernel's name of type `kind` (flags removed) in this space.
    pub fn name_of(&self, kind: u16) -> Option<&'static str> {
        (self.name_of)(kind)
    }

    /// The type a kernel name stands for in this space.
    pub fn type_of(&self, name: &str) -> Option<u16> {
        (self.by_name)(name)
    }

    /// What an attribute of type `kind` holds, if it is nested.
    pub fn nest(&self, kind: u16) -> Option<&'static Nest> {
        self.nests.iter().find(|(k, _)| *k == kind).map(|(_, n)| n)
    }
}

/// What a nested attribute holds.
#[derive(Debug)]
pub enum Nest {
    /// Attributes of one space.
    Space(&'static Space),
    /// Attributes of a space chosen by a sibling's string value: IFLA_INFO_DATA by
    /// IFLA_INFO_KIND (`"bridge"` holds IFLA_BR_*). Another value: attributes without names.
    BySibling {
        /// The sibling attribute's type.
        sibling: u16,
        /// Its values and the spaces they choose.
        choices: &'static [(&'static str, &'static Space)],
    },
    /// Attributes of a space chosen by the message's address family (`ifi_family`): what
    /// IFLA_PROTINFO and IFLA_AF_SPEC hold.
    ByHeaderFamily {
        /// Families and their spaces (`None`: attributes without names).
        choices: &'static [(u8, Option<&'static Space>)],
        /// Any other family.
        otherwise: Option<&'static Space>,
    },
    /// Numbered entries (an index, from 1 for nlctrl's lists, or a command or attribute
    /// number), each holding what the inner nest says.
    Array(&'static Nest),
    /// A family header, then attributes of a space (VETH_INFO_PEER: `ifinfomsg` and IFLA_*).
    Header(FamilyHeader, &'static Space),
}

/// Declares the name lookups of an attribute space from a uapi enumeration.
macro_rules! space_names {
    ($name_of:ident, $by_name:ident, $Enum:ty) => {
        fn $name_of(v: u16) -> Option<&'static str> {
            <$Enum>::name_of(v)
        }
        fn $by_name(n: &str) -> Option<u16> {
            <$Enum>::from_name(n).map(u16::from)
        }
    };
}

space_names!(ifla_name, ifla_type, Ifla);
space_names!(info_name, info_type, IflaInfo);
space_names!(inet_name, inet_type, IflaInet);
space_names!(inet6_name, inet6_type, IflaInet6);
space_names!(br_name, br_type, IflaBr);
space_names!(brport_name, brport_type, IflaBrport);
space_names!(xdp_name, xdp_type, IflaXdp);
space_names!(port_name, port_type, IflaPort);
space_names!(veth_name, veth_type, VethInfo);
space_names!(ifa_name, ifa_type, Ifa);
space_names!(nda_name, nda_type, Nda);
space_names!(ndta_name, ndta_type, Ndta);
space_names!(ndtpa_name, ndtpa_type, Ndtpa);
space_names!(netconfa_name, netconfa_type, Netconfa);
space_names!(netnsa_name, netnsa_type, Netnsa);
space_names!(fra_name, fra_type, Fra);
space_names!(rta_name, rta_type, Rta);
space_names!(rtax_name, rtax_type, Rtax);
space_names!(ctrl_name, ctrl_type, CtrlAttr);
space_names!(ctrl_op_name, ctrl_op_type, CtrlAttrOp);
space_names!(ctrl_grp_name, ctrl_grp_type, CtrlAttrMcastGrp);
space_names!(ctrl_policy_name, ctrl_policy_type, CtrlAttrPolicy);
space_names!(policy_attr_name, policy_attr_type, NlPolicyTypeAttr);
space_names!(ext_ack_name, ext_ack_type, NlmsgerrAttr);
space_names!(nha_name, nha_type, Nha);
space_names!(nha_res_group_name, nha_res_group_type, NhaResGroup);
space_names!(nha_res_bucket_name, nha_res_bucket_type, NhaResBucket);
space_names!(nha_group_stats_name, nha_group_stats_type, NhaGroupStats);
space_names!(nha_gs_entry_name, nha_gs_entry_type, NhaGroupStatsEntry);

/// IFLA_AF_SPEC's entries are address families.
fn af_name(v: u16) -> Option<&'static str> {
    u8::try_from(v).ok().and_then(AddressFamily::name_of)
}
fn af_type(n: &str) -> Option<u16> {
    AddressFamily::from_name(n).map(|f| u8::from(f) as u16)
}

/// Link attributes (`IFLA_*`), after the `ifinfomsg` of RTM_*LINK and RTM_*LINKPROP.
pub static IFLA: Space = Space {
    name: "IFLA",
    name_of: ifla_name,
    by_name: ifla_type,
    nests: &[
        (IFLA_LINKINFO, Nest::Space(&IFLA_INFO)),
        (
            IFLA_AF_SPEC,
            Nest::ByHeaderFamily {
                // A PF_BRIDGE message's IFLA_AF_SPEC holds IFLA_BRIDGE_* instead.
                choices: &[(PF_BRIDGE, None)],
                otherwise: Some(&IFLA_AF_SPEC_SPACE),
            },
        ),
        (
            IFLA_PROTINFO,
            Nest::ByHeaderFamily {
                choices: &[
                    (PF_BRIDGE, Some(&IFLA_BRPORT)),
                    (AF_INET6, Some(&IFLA_INET6)),
                ],
                otherwise: None,
            },
        ),
        (IFLA_XDP, Nest::Space(&IFLA_XDP_SPACE)),
        (IFLA_PORT_SELF, Nest::Space(&IFLA_PORT)),
        (IFLA_PROP_LIST, Nest::Space(&IFLA)),
    ],
};

/// IFLA_LINKINFO's attributes (`IFLA_INFO_*`).
pub static IFLA_INFO: Space = Space {
    name: "IFLA_INFO",
    name_of: info_name,
    by_name: info_type,
    nests: &[
        (
            IFLA_INFO_DATA,
            Nest::BySibling {
                sibling: IFLA_INFO_KIND,
                choices: &[("bridge", &IFLA_BR), ("veth", &VETH_INFO)],
            },
        ),
        (
            IFLA_INFO_SLAVE_DATA,
            Nest::BySibling {
                sibling: IFLA_INFO_SLAVE_KIND,
                choices: &[("bridge", &IFLA_BRPORT)],
            },
        ),
    ],
};

/// IFLA_AF_SPEC's entries: one per address family (`AF_INET`, `AF_INET6`).
pub static IFLA_AF_SPEC_SPACE: Space = Space {
    name: "AF",
    name_of: af_name,
    by_name: af_type,
    nests: &[
        (AF_INET as u16, Nest::Space(&IFLA_INET)),
        (AF_INET6 as u16, Nest::Space(&IFLA_INET6)),
    ],
};

/// The AF_INET entry of IFLA_AF_SPEC (`IFLA_INET_*`).
pub static IFLA_INET: Space = Space {
    name: "IFLA_INET",
    name_of: inet_name,
    by_name: inet_type,
    nests: &[],
};

/// The AF_INET6 entry of IFLA_AF_SPEC and AF_INET6's IFLA_PROTINFO (`IFLA_INET6_*`).
pub static IFLA_INET6: Space = Space {
    name: "IFLA_INET6",
    name_of: inet6_name,
    by_name: inet6_type,
    nests: &[],
};

/// A bridge's IFLA_INFO_DATA (`IFLA_BR_*`).
pub static IFLA_BR: Space = Space {
    name: "IFLA_BR",
    name_of: br_name,
    by_name: br_type,
    nests: &[],
};

/// A bridge port's IFLA_INFO_SLAVE_DATA and PF_BRIDGE IFLA_PROTINFO (`IFLA_BRPORT_*`).
pub static IFLA_BRPORT: Space = Space {
    name: "IFLA_BRPORT",
    name_of: brport_name,
    by_name: brport_type,
    nests: &[],
};

/// IFLA_XDP's attributes (`IFLA_XDP_*`).
pub static IFLA_XDP_SPACE: Space = Space {
    name: "IFLA_XDP",
    name_of: xdp_name,
    by_name: xdp_type,
    nests: &[],
};

/// IFLA_PORT_SELF's attributes (`IFLA_PORT_*`).
pub static IFLA_PORT: Space = Space {
    name: "IFLA_PORT",
    name_of: port_name,
    by_name: port_type,
    nests: &[],
};

/// A veth's IFLA_INFO_DATA (`VETH_INFO_*`): the peer is an `ifinfomsg` and link attributes.
pub static VETH_INFO: Space = Space {
    name: "VETH_INFO",
    name_of: veth_name,
    by_name: veth_type,
    nests: &[(VETH_INFO_PEER, Nest::Header(FamilyHeader::IfInfoMsg, &IFLA))],
};

/// Address attributes (`IFA_*`).
pub static IFA: Space = Space {
    name: "IFA",
    name_of: ifa_name,
    by_name: ifa_type,
    nests: &[],
};

/// Netconf attributes (`NETCONFA_*`).
pub static NETCONFA: Space = Space {
    name: "NETCONFA",
    name_of: netconfa_name,
    by_name: netconfa_type,
    nests: &[],
};

/// Namespace id attributes (`NETNSA_*`), after the `rtgenmsg` of RTM_*NSID.
pub static NETNSA: Space = Space {
    name: "NETNSA",
    name_of: netnsa_name,
    by_name: netnsa_type,
    nests: &[],
};

/// Route attributes (`RTA_*`), after the `rtmsg` of RTM_*ROUTE.
pub static RTA: Space = Space {
    name: "RTA",
    name_of: rta_name,
    by_name: rta_type,
    nests: &[(RTA_METRICS, Nest::Space(&RTAX))],
};

/// Route metrics (`RTAX_*`), in RTA_METRICS.
pub static RTAX: Space = Space {
    name: "RTAX",
    name_of: rtax_name,
    by_name: rtax_type,
    nests: &[],
};

/// Neighbour attributes (`NDA_*`).
pub static NDA: Space = Space {
    name: "NDA",
    name_of: nda_name,
    by_name: nda_type,
    nests: &[],
};

/// Neighbour table attributes (`NDTA_*`), after the `ndtmsg` of RTM_*NEIGHTBL.
pub static NDTA: Space = Space {
    name: "NDTA",
    name_of: ndta_name,
    by_name: ndta_type,
    nests: &[(NDTA_PARMS, Nest::Space(&NDTPA))],
};

/// A neighbour table's parameters (`NDTPA_*`), in NDTA_PARMS.
pub static NDTPA: Space = Space {
    name: "NDTPA",
    name_of: ndtpa_name,
    by_name: ndtpa_type,
    nests: &[],
};

/// Routing rule attributes (`FRA_*`), after the `fib_rule_hdr` of RTM_*RULE.
pub static FRA: Space = Space {
    name: "FRA",
    name_of: fra_name,
    by_name: fra_type,
    nests: &[],
};

static CTRL_OPS_ENTRY: Nest = Nest::Space(&CTRL_ATTR_OP);
static CTRL_MCAST_GROUPS_ENTRY: Nest = Nest::Space(&CTRL_ATTR_MCAST_GRP);
static CTRL_OP_POLICY_ENTRY: Nest = Nest::Space(&CTRL_ATTR_POLICY);
static POLICY_ATTR: Nest = Nest::Space(&NL_POLICY_TYPE_ATTR);
static POLICY_ENTRY: Nest = Nest::Array(&POLICY_ATTR);

/// nlctrl's attributes (`CTRL_ATTR_*`).
pub static CTRL_ATTR: Space = Space {
    name: "CTRL_ATTR",
    name_of: ctrl_name,
    by_name: ctrl_type,
    nests: &[
        (CTRL_ATTR_OPS, Nest::Array(&CTRL_OPS_ENTRY)),
        (
            CTRL_ATTR_MCAST_GROUPS,
            Nest::Array(&CTRL_MCAST_GROUPS_ENTRY),
        ),
        // Policies by index, each by attribute type.
        (CTRL_ATTR_POLICY_TYPE, Nest::Array(&POLICY_ENTRY)),
        // By command: CTRL_ATTR_POLICY_DO / _DUMP.
        (CTRL_ATTR_OP_POLICY, Nest::Array(&CTRL_OP_POLICY_ENTRY)),
    ],
};

/// One entry of CTRL_ATTR_OPS (`CTRL_ATTR_OP_*`).
pub static CTRL_ATTR_OP: Space = Space {
    name: "CTRL_ATTR_OP",
    name_of: ctrl_op_name,
    by_name: ctrl_op_type,
    nests: &[],
};

/// One entry of CTRL_ATTR_MCAST_GROUPS (`CTRL_ATTR_MCAST_GRP_*`).
pub static CTRL_ATTR_MCAST_GRP: Space = Space {
    name: "CTRL_ATTR_MCAST_GRP",
    name_of: ctrl_grp_name,
    by_name: ctrl_grp_type,
    nests: &[],
};

/// One command's entry of CTRL_ATTR_OP_POLICY (`CTRL_ATTR_POLICY_*`).
pub static CTRL_ATTR_POLICY: Space = Space {
    name: "CTRL_ATTR_POLICY",
    name_of: ctrl_policy_name,
    by_name: ctrl_policy_type,
    nests: &[],
};

/// What a policy dump, or an extended ack's NLMSGERR_ATTR_POLICY, says about one attribute
/// (`NL_POLICY_TYPE_ATTR_*`).
pub static NL_POLICY_TYPE_ATTR: Space = Space {
    name: "NL_POLICY_TYPE_ATTR",
    name_of: policy_attr_name,
    by_name: policy_attr_type,
    nests: &[],
};

/// The extended ack after an error's quoted request (`NLMSGERR_ATTR_*`).
pub static NLMSGERR_ATTR: Space = Space {
    name: "NLMSGERR_ATTR",
    name_of: ext_ack_name,
    by_name: ext_ack_type,
    nests: &[(NLMSGERR_ATTR_POLICY, Nest::Space(&NL_POLICY_TYPE_ATTR))],
};

/// Nexthop attributes (`NHA_*`), after the `nhmsg` of RTM_*NEXTHOP and RTM_*NEXTHOPBUCKET.
pub static NHA: Space = Space {
    name: "NHA",
    name_of: nha_name,
    by_name: nha_type,
    nests: &[
        (NHA_RES_GROUP, Nest::Space(&NHA_RES_GROUP_SPACE)),
        (NHA_RES_BUCKET, Nest::Space(&NHA_RES_BUCKET_SPACE)),
        (NHA_GROUP_STATS, Nest::Space(&NHA_GROUP_STATS_SPACE)),
    ],
};

/// A resilient group's attributes (`NHA_RES_GROUP_*`).
pub static NHA_RES_GROUP_SPACE: Space = Space {
    name: "NHA_RES_GROUP",
    name_of: nha_res_group_name,
    by_name: nha_res_group_type,
    nests: &[],
};

/// A bucket's attributes (`NHA_RES_BUCKET_*`).
pub static NHA_RES_BUCKET_SPACE: Space = Space {
    name: "NHA_RES_BUCKET",
    name_of: nha_res_bucket_name,
    by_name: nha_res_bucket_type,
    nests: &[],
};

/// A group's statistics (`NHA_GROUP_STATS_*`).
pub static NHA_GROUP_STATS_SPACE: Space = Space {
    name: "NHA_GROUP_STATS",
    name_of: nha_group_stats_name,
    by_name: nha_group_stats_type,
    nests: &[(
        NHA_GROUP_STATS_ENTRY,
        Nest::Space(&NHA_GROUP_STATS_ENTRY_SPACE),
    )],
};

/// One member's statistics (`NHA_GROUP_STATS_ENTRY_*`).
pub static NHA_GROUP_STATS_ENTRY_SPACE: Space = Space {
    name: "NHA_GROUP_STATS_ENTRY",
    name_of: nha_gs_entry_name,
    by_name: nha_gs_entry_type,
    nests: &[],
};

/// Every attribute space of the catalogue.
pub static SPACES: &[&Space] = &[
    &IFLA,
    &IFLA_INFO,
    &IFLA_AF_SPEC_SPACE,
    &IFLA_INET,
    &IFLA_INET6,
    &IFLA_BR,
    &IFLA_BRPORT,
    &IFLA_XDP_SPACE,
    &IFLA_PORT,
    &VETH_INFO,
    &IFA,
    &RTA,
    &NDA,
    &NDTA,
    &NDTPA,
    &NETCONFA,
    &FRA,
    &RTA,
    &RTAX,
    &CTRL_ATTR,
    &CTRL_ATTR_OP,
    &CTRL_ATTR_MCAST_GRP,
    &CTRL_ATTR_POLICY,
    &NL_POLICY_TYPE_ATTR,
    &NLMSGERR_ATTR,
    &NHA,
    &NHA_RES_GROUP_SPACE,
    &NHA_RES_BUCKET_SPACE,
    &NHA_GROUP_STATS_SPACE,
    &NHA_GROUP_STATS_ENTRY_SPACE,
];

/// The type of an attribute name from any space (`IFLA_MTU`, `IFLA_INFO_KIND`,
/// `CTRL_ATTR_FAMILY_NAME`, `VETH_INFO_PEER`, `AF_INET6`...): kernel names are unique.
pub fn attr_by_name(name: &str) -> Option<u16> {
    SPACES.iter().find_map(|s| s.type_of(name))
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/// What the catalogue knows of one message type on one protocol.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MessageSpec {
    /// The netlink protocol.
    pub protocol: i32,
    /// `nlmsg_type`.
    pub msg_type: u16,
    /// Its name (`RTM_NEWLINK`, `NLMSG_ERROR`, `nlctrl`), if it has one.
    pub name: Option<&'static str>,
    /// The family header after the `nlmsghdr`.
    pub header: FamilyHeader,
    /// The attribute space after the family header, if the catalogue knows it.
    pub attrs: Option<&'static Space>,
}

impl MessageSpec {
    /// Where the attributes start in the message (header included), when the family header
    /// is followed by attributes.
    pub fn attrs_offset(&self) -> Option<usize> {
        self.header
            .has_attrs()
            .then(|| nlmsg::HEADER_LEN + self.header.attrs_offset())
    }
}

/// Its name, `genl family N` for a generic netlink family other than nlctrl, else `type N`.
impl fmt::Display for MessageSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(n) => f.write_str(n),
            None if self.protocol == NETLINK_GENERIC && self.msg_type >= NLMSG_MIN_TYPE => {
                write!(f, "genl family {}", self.msg_type)
            }
            None => write!(f, "type {}", self.msg_type),
        }
    }
}

/// The family header and attribute space of an rtnetlink message type.
fn rtnl_layout(ty: u16) -> (FamilyHeader, Option<&'static Space>) {
    match ty {
        RTM_NEWLINK..=RTM_SETLINK | RTM_NEWLINKPROP..=RTM_GETLINKPROP => {
            (FamilyHeader::IfInfoMsg, Some(&IFLA))
        }
        RTM_NEWADDR..=RTM_GETADDR
        | RTM_NEWMULTICAST..=RTM_GETMULTICAST
        | RTM_NEWANYCAST..=RTM_GETANYCAST => (FamilyHeader::IfAddrMsg, Some(&IFA)),
        RTM_NEWROUTE..=RTM_GETROUTE => (FamilyHeader::RtMsg, Some(&RTA)),
        RTM_NEWNEIGH..=RTM_GETNEIGH => (FamilyHeader::NdMsg, Some(&NDA)),
        RTM_NEWNEIGHTBL..=RTM_SETNEIGHTBL => (FamilyHeader::NdtMsg, Some(&NDTA)),
        RTM_NEWRULE..=RTM_GETRULE => (FamilyHeader::FibRuleHdr, Some(&FRA)),
        RTM_NEWNSID..=RTM_GETNSID => (FamilyHeader::RtGenMsg, Some(&NETNSA)),
        RTM_NEWNETCONF..=RTM_GETNETCONF => (FamilyHeader::NetconfMsg, Some(&NETCONFA)),
        crate::uapi::rtnetlink::RTM_NEWNEXTHOP..=crate::uapi::rtnetlink::RTM_GETNEXTHOP
        | crate::uapi::rtnetlink::RTM_NEWNEXTHOPBUCKET
            ..=crate::uapi::rtnetlink::RTM_GETNEXTHOPBUCKET => (FamilyHeader::NhMsg, Some(&NHA)),
        _ => (FamilyHeader::None, None),
    }
}

/// What message type `msg_type` on `protocol` is: the control types (`NLMSG_*`) on every
/// protocol, every `RTM_*` on NETLINK_ROUTE, nlctrl and the other generic families on
/// NETLINK_GENERIC.
pub fn message(protocol: i32, msg_type: u16) -> MessageSpec {
    let mut spec = MessageSpec {
        protocol,
        msg_type,
        name: None,
        header: FamilyHeader::None,
        attrs: None,
    };
    if msg_type < NLMSG_MIN_TYPE {
        spec.name = NlmsgType::name_of(msg_type);
        spec.header = match msg_type {
            NLMSG_ERROR => FamilyHeader::NlMsgErr,
            NLMSG_DONE => FamilyHeader::Done,
            _ => FamilyHeader::None,
        };
        return spec;
    }
    match protocol {
        NETLINK_ROUTE => {
            spec.name = RtmType::name_of(msg_type);
            (spec.header, spec.attrs) = rtnl_layout(msg_type);
        }
        NETLINK_GENERIC => {
            spec.header = FamilyHeader::GenlMsgHdr;
            if msg_type == GENL_ID_CTRL {
                spec.name = Some("nlctrl");
                spec.attrs = Some(&CTRL_ATTR);
            }
        }
        _ => {}
    }
    spec
}

/// The message type a name stands for: `RTM_*`, `NLMSG_*`, or `nlctrl` (GENL_ID_CTRL).
pub fn message_type_by_name(name: &str) -> Option<u16> {
    if name == "nlctrl" {
        return Some(GENL_ID_CTRL);
    }
    NlmsgType::from_name(name)
        .map(u16::from)
        .or_else(|| RtmType::from_name(name).map(u16::from))
}

/// The names [`message_type_by_name`] knows, for messages that list them: the control types,
/// the rtnetlink types in a range, and nlctrl.
pub fn message_type_names() -> String {
    let mut names: Vec<&str> = NlmsgType::NAMES.iter().map(|(_, n)| *n).collect();
    let rtm = RtmType::NAMES;
    let range = format!(
        "{} .. {} (every RTM_*)",
        rtm.first().map_or("", |r| r.1),
        rtm.last().map_or("", |r| r.1)
    );
    names.push(&range);
    names.push("nlctrl");
    names.join(", ")
}

// ---------------------------------------------------------------------------------------------
// The decoder
// ---------------------------------------------------------------------------------------------

/// Nests deeper than this are not decoded: real messages nest a few levels (a veth peer's link
/// attributes are four down), and a crafted message cannot make the decoder recurse without
/// bound.
pub const MAX_DEPTH: usize = 32;

/// One attribute of a decoded message.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedAttr<'a> {
    /// `nla_type` with its flags.
    pub raw_type: u16,
    /// The type without `NLA_F_NESTED` / `NLA_F_NET_BYTEORDER`.
    pub kind: u16,
    /// Its name in its space (`None`: no space, an unknown type, or an entry of a list).
    pub name: Option<&'static str>,
    /// Where its header starts, counted from the start of the message.
    pub offset: usize,
    /// `nla_len` as written.
    pub length: u16,
    /// The payload bytes present.
    pub payload: &'a [u8],
    /// Whether the attribute runs past the end of the bytes that hold it (a message cut
    /// short by a small receive buffer, or a length that lies): its payload is what is there.
    pub truncated: bool,
    /// For a nest that starts with a family header (VETH_INFO_PEER): the header and its bytes.
    pub header: Option<(FamilyHeader, &'a [u8])>,
    /// The nested attributes, when the catalogue says the type is nested.
    pub children: Option<Vec<DecodedAttr<'a>>>,
    /// Where the walk of the children stopped on bytes that are not an attribute (offset in
    /// the message).
    pub malformed: Option<usize>,
}

impl<'a> DecodedAttr<'a> {
    /// Where the payload starts in the message.
    pub fn payload_offset(&self) -> usize {
        self.offset + nla::HEADER_LEN
    }

    /// The payload's bytes in the message.
    pub fn payload_range(&self) -> Range<usize> {
        self.payload_offset()..self.payload_offset() + self.payload.len()
    }

    /// The first child of type `kind`.
    pub fn child(&self, kind: u16) -> Option<&DecodedAttr<'a>> {
        self.children.as_ref()?.iter().find(|a| a.kind == kind)
    }

    /// The payload up to its first NUL (a string attribute's text).
    pub fn cstr(&self) -> &'a [u8] {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.payload.len());
        &self.payload[..end]
    }

    /// The payload as a u8.
    pub fn u8(&self) -> Option<u8> {
        self.payload.first().copied()
    }

    /// The payload as a native-endian u16.
    pub fn u16(&self) -> Option<u16> {
        self.payload.get(..2).map(crate::ne::u16)
    }

    /// The payload as a native-endian u32.
    pub fn u32(&self) -> Option<u32> {
        self.payload.get(..4).map(crate::ne::u32)
    }

    /// The payload as a native-endian i32.
    pub fn i32(&self) -> Option<i32> {
        self.payload.get(..4).map(crate::ne::i32)
    }

    /// The payload as a native-endian u64.
    pub fn u64(&self) -> Option<u64> {
        self.payload.get(..8).map(crate::ne::u64)
    }
}

/// The code of an NLMSG_ERROR or NLMSG_DONE, and what an error quotes and adds.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorInfo<'a> {
    /// 0 for an ack, else a negative errno.
    pub code: i32,
    /// The quoted request's header (NLMSG_ERROR only).
    pub quoted: Option<nlmsg::Repr>,
    /// The quoted request's payload, when the error is not `NLM_F_CAPPED` (the bytes present).
    pub quoted_payload: &'a [u8],
    /// Where the extended ack starts in the message (with `NLM_F_ACK_TLVS`).
    pub ext_ack_offset: Option<usize>,
    /// The extended ack's attributes (`NLMSGERR_ATTR_*`).
    pub ext_ack: Vec<DecodedAttr<'a>>,
    /// Where the walk of the extended ack stopped on bytes that are not an attribute.
    pub ext_ack_malformed: Option<usize>,
}

/// One message read through the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded<'a> {
    /// What the catalogue says the message is.
    pub spec: MessageSpec,
    /// The header, if the bytes hold one.
    pub header: Option<nlmsg::Repr>,
    /// The message's bytes present, up to `nlmsg_len` (fewer when it was cut short).
    pub bytes: &'a [u8],
    /// The family header's bytes present.
    pub family_header: &'a [u8],
    /// For NLMSG_ERROR and NLMSG_DONE: the code, the quoted request and the extended ack.
    pub error: Option<ErrorInfo<'a>>,
    /// The attributes after the family header, nests decoded as the catalogue says.
    pub attrs: Vec<DecodedAttr<'a>>,
    /// Where decoding stopped on bytes that are not what the catalogue says (offset in the
    /// message): a header or family header cut short, a length below a header's size, an
    /// attribute running past what holds it.
    pub malformed: Option<usize>,
}

impl<'a> Decoded<'a> {
    /// Whether the bytes hold fewer than the header's `nlmsg_len` (a short receive).
    pub fn is_truncated(&self) -> bool {
        self.header
            .is_some_and(|h| self.bytes.len() < h.length as usize)
    }

    /// The attribute at `path`: the first of each type, from the top level down.
    pub fn find_path(&self, path: &[u16]) -> Option<&DecodedAttr<'a>> {
        let (first, rest) = path.split_first()?;
        let mut cur = self.attrs.iter().find(|a| a.kind == *first)?;
        for kind in rest {
            cur = cur.child(*kind)?;
        }
        Some(cur)
    }

    /// The first top-level attribute of type `kind`.
    pub fn attr(&self, kind: u16) -> Option<&DecodedAttr<'a>> {
        self.attrs.iter().find(|a| a.kind == kind)
    }

    /// Every attribute, depth first, with its path of names (`IFLA_LINKINFO/IFLA_INFO_KIND`;
    /// `attr N` where there is no name).
    pub fn walk(&self) -> Vec<(String, &DecodedAttr<'a>)> {
        fn go<'b, 'a>(
            prefix: &str,
            attrs: &'b [DecodedAttr<'a>],
            out: &mut Vec<(String, &'b DecodedAttr<'a>)>,
        ) {
            for a in attrs {
                let name = match a.name {
                    Some(n) => n.to_owned(),
                    None => format!("attr {}", a.kind),
                };
                let path = format!("{prefix}{name}");
                out.push((path.clone(), a));
                if let Some(c) = &a.children {
                    go(&format!("{path}/"), c, out);
                }
            }
        }
        let mut out = Vec::new();
        go("", &self.attrs, &mut out);
        out
    }
}

/// What the entries of a walk are.
#[derive(Clone, Copy)]
enum Level {
    /// Attributes of a space (names and nests from it), or of no known space.
    Space(Option<&'static Space>),
    /// Numbered entries, each holding the inner nest.
    Array(&'static Nest),
}

/// Walk the attributes in `msg[start..end]`: each one, the last possibly cut short; the
/// offset where the walk stopped on bytes that are not an attribute.
fn walk<'a>(
    msg: &'a [u8],
    start: usize,
    end: usize,
    level: Level,
    family: Option<u8>,
    depth: usize,
) -> (Vec<DecodedAttr<'a>>, Option<usize>) {
    let end = end.min(msg.len());
    let mut at = start;
    let mut out = Vec::new();
    let mut stop = None;
    while at < end {
        let rest = &msg[at..end];
        let Ok(p) = nla::Packet::new_checked(rest).or_else(|e| match e {
            // A length past the end: kept, cut short, below.
            crate::Error::Malformed if rest.len() >= nla::HEADER_LEN => {
                Ok(nla::Packet::new_unchecked(rest))
            }
            e => Err(e),
        }) else {
            stop = Some(at);
            break;
        };
        let length = p.length();
        let len = length as usize;
        if len < nla::HEADER_LEN {
            stop = Some(at);
            break;
        }
        let truncated = len > rest.len();
        let payload = &rest[nla::HEADER_LEN..len.min(rest.len())];
        let raw_type = p.raw_type();
        let kind = raw_type & NLA_TYPE_MASK;
        let name = match level {
            Level::Space(Some(s)) => s.name_of(kind),
            _ => None,
        };
        out.push(DecodedAttr {
            raw_type,
            kind,
            name,
            offset: at,
            length,
            payload,
            truncated,
            header: None,
            children: None,
            malformed: None,
        });
        if truncated {
            stop = Some(at);
            break;
        }
        at += nla_align(len).min(rest.len());
    }
    if depth < MAX_DEPTH {
        for i in 0..out.len() {
            let nest = match level {
                Level::Space(Some(s)) => s.nest(out[i].kind),
                Level::Space(None) => None,
                Level::Array(inner) => Some(inner),
            };
            if let Some(nest) = nest {
                decode_nest(msg, &mut out, i, nest, family, depth + 1);
            }
        }
    }
    (out, stop)
}

/// Decode the children of `attrs[i]` as `nest` says.
fn decode_nest<'a>(
    msg: &'a [u8],
    attrs: &mut [DecodedAttr<'a>],
    i: usize,
    nest: &'static Nest,
    family: Option<u8>,
    depth: usize,
) {
    let range = attrs[i].payload_range();
    let (level, start, family) = match nest {
        Nest::Space(s) => (Level::Space(Some(s)), range.start, family),
        Nest::BySibling { sibling, choices } => {
            let value = attrs.iter().rev().find(|a| a.kind == *sibling);
            let space = value.and_then(|v| {
                choices
                    .iter()
                    .find(|(name, _)| name.as_bytes() == v.cstr())
                    .map(|(_, s)| *s)
            });
            (Level::Space(space), range.start, family)
        }
        Nest::ByHeaderFamily { choices, otherwise } => {
            let space = match family.and_then(|f| choices.iter().find(|(c, _)| *c == f)) {
                Some((_, s)) => *s,
                None => *otherwise,
            };
            (Level::Space(space), range.start, family)
        }
        Nest::Array(inner) => (Level::Array(inner), range.start, family),
        Nest::Header(fh, s) => {
            let a = &attrs[i];
            let hdr = &a.payload[..fh.len().min(a.payload.len())];
            attrs[i].header = Some((*fh, hdr));
            if hdr.len() < fh.len() {
                attrs[i].children = Some(Vec::new());
                attrs[i].malformed = Some(range.start + hdr.len());
                return;
            }
            (
                Level::Space(Some(s)),
                range.start + fh.attrs_offset(),
                fh.family(hdr),
            )
        }
    };
    let (children, stop) = walk(msg, start, range.end, level, family, depth);
    attrs[i].children = Some(children);
    attrs[i].malformed = stop;
}

/// Read one message (`bytes` from its header on; bytes past `nlmsg_len` are not part of it)
/// through the catalogue of `protocol`. Never panics: what the bytes do not hold is absent,
/// and [`Decoded::malformed`] says where reading stopped.
pub fn decode(protocol: i32, bytes: &[u8]) -> Decoded<'_> {
    let Ok(header) = nlmsg::Repr::parse_bytes(bytes) else {
        return Decoded {
            spec: message(protocol, 0),
            header: None,
            bytes,
            family_header: &[],
            error: None,
            attrs: Vec::new(),
            malformed: Some(0),
        };
    };
    let spec = message(protocol, header.msg_type);
    let len = header.length as usize;
    let msg = &bytes[..len.clamp(nlmsg::HEADER_LEN, bytes.len())];
    let mut d = Decoded {
        spec,
        header: Some(header),
        bytes: msg,
        family_header: &[],
        error: None,
        attrs: Vec::new(),
        malformed: None,
    };
    if len < nlmsg::HEADER_LEN {
        d.malformed = Some(0);
        return d;
    }
    let body = nlmsg::HEADER_LEN;
    let fh = spec.header;
    let fh_end = (body + fh.len()).min(msg.len());
    d.family_header = &msg[body..fh_end];
    if fh_end < body + fh.len() {
        // Cut short: what there is of the family header, and for errors the code.
        if matches!(fh, FamilyHeader::NlMsgErr | FamilyHeader::Done) {
            d.error = error_code(d.family_header).map(|code| ErrorInfo {
                code,
                quoted: None,
                quoted_payload: &[],
                ext_ack_offset: None,
                ext_ack: Vec::new(),
                ext_ack_malformed: None,
            });
        }
        d.malformed = Some(fh_end);
        return d;
    }
    let family = fh.family(d.family_header);
    match fh {
        FamilyHeader::None => {}
        FamilyHeader::NlMsgErr | FamilyHeader::Done => {
            let code = error_code(d.family_header).unwrap_or(0);
            let quoted = (fh == FamilyHeader::NlMsgErr)
                .then(|| nlmsg::Repr::parse_bytes(&d.family_header[4..]).ok())
                .flatten();
            // The quoted request: its header alone when NLM_F_CAPPED, else all of it
            // (`netlink_ack`); the TLVs after it, aligned, with NLM_F_ACK_TLVS.
            let after_code = body + 4;
            let quoted_len = match quoted {
                None => 0,
                Some(_) if header.flags & NLM_F_CAPPED != 0 => nlmsg::HEADER_LEN,
                Some(q) => nlmsg_align(q.length as usize).max(nlmsg::HEADER_LEN),
            };
            let tlvs = after_code.saturating_add(quoted_len);
            let quoted_payload = msg.get(fh_end..tlvs.min(msg.len())).unwrap_or(&[]);
            let mut info = ErrorInfo {
                code,
                quoted,
                quoted_payload: if header.flags & NLM_F_CAPPED != 0 {
                    &[]
                } else {
                    quoted_payload
                },
                ext_ack_offset: None,
                ext_ack: Vec::new(),
                ext_ack_malformed: None,
            };
            if header.flags & NLM_F_ACK_TLVS != 0 && tlvs <= msg.len() {
                let (attrs, stop) = walk(
                    msg,
                    tlvs,
                    msg.len(),
                    Level::Space(Some(&NLMSGERR_ATTR)),
                    None,
                    0,
                );
                info.ext_ack_offset = Some(tlvs);
                info.ext_ack = attrs;
                info.ext_ack_malformed = stop;
                d.malformed = stop;
            }
            d.error = Some(info);
        }
        _ => {
            let start = body + fh.attrs_offset();
            let (attrs, stop) = walk(msg, start, msg.len(), Level::Space(spec.attrs), family, 0);
            d.attrs = attrs;
            d.malformed = stop;
        }
    }
    d
}

/// The error code at the start of an NLMSG_ERROR or NLMSG_DONE payload.
fn error_code(payload: &[u8]) -> Option<i32> {
    crate::nlmsgerr::error_code(payload)
}

// ---------------------------------------------------------------------------------------------
// Volatile fields
// ---------------------------------------------------------------------------------------------

/// A field whose value legitimately differs between two runs of the same scenario, found by
/// attribute path (never by byte offset).
#[derive(Clone, Debug)]
pub struct VolatileField {
    /// The netlink protocol of the receiving socket.
    pub protocol: i32,
    /// The message type.
    pub msg_type: u16,
    /// Attribute types from the top level down (flags ignored): the first of each type.
    pub path: &'static [u16],
    /// The masked bytes within the innermost attribute's payload.
    pub bytes: Range<usize>,
    /// A readable name for the report.
    pub name: &'static str,
    /// Why it varies.
    pub reason: &'static str,
    /// When the field is masked.
    pub when: MaskWhen,
}

/// When a [`VolatileField`] is masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskWhen {
    /// Always.
    Always,
    /// When the bytes are a random MAC the scenario did not set: a locally administered
    /// unicast address (what `eth_random_addr` makes) that appears in none of its requests.
    RandomMac,
    /// When the value is not zero: a running timer's time left (a stopped timer reads 0 and
    /// is compared).
    Nonzero,
}

/// Every volatile field: the only place such masks may be added.
pub static VOLATILE_FIELDS: &[VolatileField] = &[
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_AF_SPEC, AF_INET6 as u16, IFLA_INET6_CACHEINFO],
        bytes: 4..12,
        name: "RTM_NEWLINK IFLA_AF_SPEC/AF_INET6/IFLA_INET6_CACHEINFO tstamp+reachable_time",
        reason: "tstamp is the device's creation time since boot; reachable_time is randomised \
                 per device",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_PROTINFO, IFLA_INET6_CACHEINFO],
        bytes: 4..12,
        name: "AF_INET6 RTM_NEWLINK IFLA_PROTINFO/IFLA_INET6_CACHEINFO tstamp+reachable_time",
        reason: "tstamp is the device's creation time since boot; reachable_time is randomised \
                 per device (a PF_BRIDGE message's IFLA_PROTINFO attribute of that number is one \
                 byte long: nothing of it is masked)",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[crate::uapi::if_link::IFLA_ADDRESS],
        bytes: 0..6,
        name: "RTM_NEWLINK IFLA_ADDRESS chosen at random",
        reason: "a device created without an address gets a random one (eth_hw_addr_random)",
        when: MaskWhen::RandomMac,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_DELLINK,
        path: &[crate::uapi::if_link::IFLA_ADDRESS],
        bytes: 0..6,
        name: "RTM_DELLINK IFLA_ADDRESS chosen at random",
        reason: "a device created without an address gets a random one (eth_hw_addr_random)",
        when: MaskWhen::RandomMac,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWNEIGH,
        path: &[crate::uapi::neighbour::NDA_LLADDR],
        bytes: 0..6,
        name: "RTM_NEWNEIGH NDA_LLADDR chosen at random",
        reason: "a bridge's forwarding entry for its own address, which a bridge created without \
                 one chose at random (eth_hw_addr_random)",
        when: MaskWhen::RandomMac,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: crate::uapi::rtnetlink::RTM_DELNEIGH,
        path: &[crate::uapi::neighbour::NDA_LLADDR],
        bytes: 0..6,
        name: "RTM_DELNEIGH NDA_LLADDR chosen at random",
        reason: "a bridge's forwarding entry for its own address, which a bridge created without \
                 one chose at random (eth_hw_addr_random)",
        when: MaskWhen::RandomMac,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_LINKINFO, IFLA_INFO_DATA, IFLA_BR_GC_TIMER],
        bytes: 0..8,
        name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_GC_TIMER",
        reason: "the time left until the bridge's next garbage collection, which runs on a \
                 kernel worker: a running bridge's reads 0 while the collection runs, before it \
                 is armed again; an ageing time change queues it at once, even on a bridge that \
                 is down, and a message built in the same request reads 0 or the time left after \
                 the first run, as the worker on another CPU was quicker or not (Debian 6.1 under \
                 qemu was, this machine's 6.18 was not)",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[
            IFLA_LINKINFO,
            IFLA_INFO_SLAVE_DATA,
            IFLA_BRPORT_FORWARD_DELAY_TIMER,
        ],
        bytes: 0..8,
        name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_SLAVE_DATA/IFLA_BRPORT_FORWARD_DELAY_TIMER \
               while running",
        reason: "the time left on a bridge port's forward delay timer",
        when: MaskWhen::Nonzero,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_PROTINFO, IFLA_BRPORT_FORWARD_DELAY_TIMER],
        bytes: 0..8,
        name: "PF_BRIDGE RTM_NEWLINK IFLA_PROTINFO/IFLA_BRPORT_FORWARD_DELAY_TIMER while running",
        reason: "the time left on a bridge port's forward delay timer",
        when: MaskWhen::Nonzero,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_LINKINFO, IFLA_INFO_DATA, crate::uapi::if_link::IFLA_BR_HELLO_TIMER],
        bytes: 0..8,
        name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_HELLO_TIMER while running",
        reason: "the time left until the bridge's next hello (configuration BPDUs), counted on the kernel's clock while the trace runs in real time",
        when: MaskWhen::Nonzero,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_LINKINFO, IFLA_INFO_DATA, crate::uapi::if_link::IFLA_BR_TCN_TIMER],
        bytes: 0..8,
        name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_TCN_TIMER while running",
        reason: "the time left until a topology change notification is sent again, counted on the kernel's clock while the trace runs in real time",
        when: MaskWhen::Nonzero,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_LINKINFO, IFLA_INFO_DATA, crate::uapi::if_link::IFLA_BR_TOPOLOGY_CHANGE_TIMER],
        bytes: 0..8,
        name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_TOPOLOGY_CHANGE_TIMER while running",
        reason: "the time left of the root's topology change, counted on the kernel's clock while the trace runs in real time",
        when: MaskWhen::Nonzero,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_LINKINFO,
            IFLA_INFO_SLAVE_DATA,
            crate::uapi::if_link::IFLA_BRPORT_MESSAGE_AGE_TIMER],
        bytes: 0..8,
        name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_SLAVE_DATA/IFLA_BRPORT_MESSAGE_AGE_TIMER while running",
        reason: "the time left until the port's designated bridge counts as lost, counted on the kernel's clock while the trace runs in real time",
        when: MaskWhen::Nonzero,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_PROTINFO, crate::uapi::if_link::IFLA_BRPORT_MESSAGE_AGE_TIMER],
        bytes: 0..8,
        name: "PF_BRIDGE RTM_NEWLINK IFLA_PROTINFO/IFLA_BRPORT_MESSAGE_AGE_TIMER while running",
        reason: "the time left until the port's designated bridge counts as lost, counted on the kernel's clock while the trace runs in real time",
        when: MaskWhen::Nonzero,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_LINKINFO,
            IFLA_INFO_SLAVE_DATA,
            crate::uapi::if_link::IFLA_BRPORT_HOLD_TIMER],
        bytes: 0..8,
        name: "RTM_NEWLINK IFLA_LINKINFO/IFLA_INFO_SLAVE_DATA/IFLA_BRPORT_HOLD_TIMER",
        reason: "the time left until the port may send its next configuration BPDU: armed to a whole second of the kernel's clock (round_jiffies), whose phase at the trace's start is arbitrary, so whether it runs at all when a message is filled depends on it",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWLINK,
        path: &[IFLA_PROTINFO, crate::uapi::if_link::IFLA_BRPORT_HOLD_TIMER],
        bytes: 0..8,
        name: "PF_BRIDGE RTM_NEWLINK IFLA_PROTINFO/IFLA_BRPORT_HOLD_TIMER",
        reason: "the time left until the port may send its next configuration BPDU: armed to a whole second of the kernel's clock (round_jiffies), whose phase at the trace's start is arbitrary, so whether it runs at all when a message is filled depends on it",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWADDR,
        path: &[crate::uapi::if_addr::IFA_CACHEINFO],
        bytes: 8..16,
        name: "RTM_NEWADDR IFA_CACHEINFO cstamp+tstamp",
        reason: "when the address was made and when its lifetimes were last set, in hundredths \
                 of a second since boot",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_GETMULTICAST,
        path: &[crate::uapi::if_addr::IFA_CACHEINFO],
        bytes: 8..16,
        name: "RTM_GETMULTICAST IFA_CACHEINFO cstamp+tstamp",
        reason: "when the group was joined, in hundredths of a second since boot",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWMULTICAST,
        path: &[crate::uapi::if_addr::IFA_CACHEINFO],
        bytes: 8..16,
        name: "RTM_NEWMULTICAST IFA_CACHEINFO cstamp+tstamp",
        reason: "when the group was joined, in hundredths of a second since boot",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_DELMULTICAST,
        path: &[crate::uapi::if_addr::IFA_CACHEINFO],
        bytes: 8..16,
        name: "RTM_DELMULTICAST IFA_CACHEINFO cstamp+tstamp",
        reason: "when the group was joined, in hundredths of a second since boot",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_DELADDR,
        path: &[crate::uapi::if_addr::IFA_CACHEINFO],
        bytes: 8..16,
        name: "RTM_DELADDR IFA_CACHEINFO cstamp+tstamp",
        reason: "when the address was made and when its lifetimes were last set, in hundredths \
                 of a second since boot",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWNEIGH,
        path: &[crate::uapi::neighbour::NDA_CACHEINFO],
        bytes: 0..12,
        name: "RTM_NEWNEIGH NDA_CACHEINFO confirmed+used+updated",
        reason: "the entry's ages in hundredths of a second: on the kernel they count the real \
                 time a scenario's steps take, so a tick may or may not have passed",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: crate::uapi::rtnetlink::RTM_DELNEIGH,
        path: &[crate::uapi::neighbour::NDA_CACHEINFO],
        bytes: 0..12,
        name: "RTM_DELNEIGH NDA_CACHEINFO confirmed+used+updated",
        reason: "the entry's ages in hundredths of a second: on the kernel they count the real \
                 time a scenario's steps take, so a tick may or may not have passed",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: crate::uapi::rtnetlink::RTM_NEWROUTE,
        path: &[crate::uapi::route::RTA_CACHEINFO],
        bytes: 4..8,
        name: "RTM_NEWROUTE RTA_CACHEINFO rta_lastuse",
        reason: "an IPv4 route get reports the route it made, which the next hop may have \
                 cached (per CPU) from an earlier lookup: rta_lastuse is the clock ticks since \
                 that cached route was made, which grows with the time between lookups",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWNEIGHTBL,
        path: &[NDTA_CONFIG],
        bytes: ndt_config::ENTRIES,
        name: "RTM_NEWNEIGHTBL NDTA_CONFIG ndtc_entries",
        reason: "a neighbour table is one for the whole machine: its entry count is every \
                 namespace's entries, the host's included",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWNEIGHTBL,
        path: &[NDTA_CONFIG],
        bytes: ndt_config::LAST_FLUSH_TO_HASH_MASK,
        name: "RTM_NEWNEIGHTBL NDTA_CONFIG ndtc_last_flush+last_rand+hash_rnd+hash_mask",
        reason: "the ages of the table's last flush and last reachable-time draw (jiffies since \
                 boot or the last periodic work), the hash seed drawn at random at boot, and the \
                 hash size, which grows with the machine's entries in every namespace",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWNEIGHTBL,
        path: &[NDTA_STATS],
        bytes: 0..ndt_stats::LEN,
        name: "RTM_NEWNEIGHTBL NDTA_STATS",
        reason: "the table's counters (allocations, lookups, garbage collection runs) are the \
                 whole machine's since boot, summed over its CPUs",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: RTM_NEWNEIGHTBL,
        path: &[NDTA_PARMS, NDTPA_REACHABLE_TIME],
        bytes: 0..8,
        name: "RTM_NEWNEIGHTBL NDTA_PARMS/NDTPA_REACHABLE_TIME",
        reason: "each parameter set's reachable time is drawn at random in [base/2, 3*base/2) \
                 (neigh_rand_reach_time), and the table's default one again every 300 s",
        when: MaskWhen::Always,
    },
    VolatileField {
        protocol: NETLINK_ROUTE,
        msg_type: crate::uapi::rtnetlink::RTM_NEWNEXTHOPBUCKET,
        path: &[
            crate::uapi::nexthop::NHA_RES_BUCKET,
            crate::uapi::nexthop::NHA_RES_BUCKET_IDLE_TIME,
        ],
        bytes: 0..8,
        name: "RTM_NEWNEXTHOPBUCKET NHA_RES_BUCKET/NHA_RES_BUCKET_IDLE_TIME",
        reason: "clock ticks since the bucket last moved or carried a packet: the time the \
                 scenario's requests took on the kernel's clock",
        when: MaskWhen::Always,
    },
];

/// A random MAC: locally administered and unicast, as `eth_random_addr` makes them.
pub fn looks_random_mac(b: &[u8]) -> bool {
    b.len() == 6 && b[0] & 0x02 != 0 && b[0] & 0x01 == 0
}

impl VolatileField {
    /// Whether the field can be in a message of this type on this protocol.
    pub fn applies_to(&self, protocol: i32, msg_type: u16) -> bool {
        self.protocol == protocol && self.msg_type == msg_type
    }

    /// The bytes of `msg` (offsets in the message) this field masks, if it is there and its
    /// condition holds; `set_by_scenario` says whether a value appears in the scenario's
    /// requests. In a message cut short the range stops where the bytes do.
    pub fn mask(
        &self,
        msg: &Decoded<'_>,
        set_by_scenario: &dyn Fn(&[u8]) -> bool,
    ) -> Option<Range<usize>> {
        let h = msg.header?;
        if !self.applies_to(msg.spec.protocol, h.msg_type) {
            return None;
        }
        let a = msg.find_path(self.path)?;
        let p = a.payload_range();
        let (s, e) = (
            p.start + self.bytes.start,
            (p.start + self.bytes.end).min(p.end),
        );
        if s >= e {
            return None;
        }
        let masked = match self.when {
            MaskWhen::Always => true,
            MaskWhen::RandomMac => looks_random_mac(a.payload) && !set_by_scenario(a.payload),
            MaskWhen::Nonzero => msg.bytes[s..e].iter().any(|&b| b != 0),
        };
        masked.then_some(s..e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{MessageBuilder, NlBuf};
    use crate::uapi::if_link::*;
    use crate::uapi::netlink::*;
    use crate::uapi::rtnetlink::*;

    const LO: &[u8] = include_bytes!("../tests/data/lo.bin");
    const NLCTRL: &[u8] = include_bytes!("../tests/data/nlctrl.bin");

    #[test]
    fn a_rule_message_decodes_through_its_header_and_fra_space() {
        let frh = crate::fib_rule_hdr::Repr {
            family: AF_INET,
            table: 254,
            action: 1,
            ..Default::default()
        };
        let msg = MessageBuilder::new(RTM_NEWRULE, 0, 1, 0)
            .header(&frh.to_bytes())
            .u32(crate::uapi::fib_rules::FRA_TABLE, 254)
            .u32(crate::uapi::fib_rules::FRA_PRIORITY, 32766)
            .build();
        let d = decode(NETLINK_ROUTE, &msg);
        assert_eq!(d.spec.name, Some("RTM_NEWRULE"));
        assert_eq!(d.spec.header, FamilyHeader::FibRuleHdr);
        assert_eq!(d.family_header, &frh.to_bytes()[..]);
        let names: Vec<_> = d.attrs.iter().map(|a| a.name).collect();
        assert_eq!(names, [Some("FRA_TABLE"), Some("FRA_PRIORITY")]);
        assert_eq!(FamilyHeader::FibRuleHdr.field_at(7).unwrap().name, "action");
        assert_eq!(attr_by_name("FRA_DSCP_MASK"), Some(30));
    }

    #[test]
    fn lo_as_the_kernel_sent_it() {
        let d = decode(NETLINK_ROUTE, LO);
        assert_eq!(d.spec.name, Some("RTM_NEWLINK"));
        assert_eq!(d.malformed, None);
        assert_eq!(d.bytes.len(), LO.len());
        let hdr = crate::ifinfomsg::Repr::parse_bytes(d.family_header).unwrap();
        assert_eq!(hdr.index, 1);
        let name = d.attr(IFLA_IFNAME).unwrap();
        assert_eq!((name.name, name.cstr()), (Some("IFLA_IFNAME"), &b"lo"[..]));
        assert_eq!(d.attr(IFLA_MTU).unwrap().u32(), Some(65536));
        let ci = d
            .find_path(&[IFLA_AF_SPEC, AF_INET6 as u16, IFLA_INET6_CACHEINFO])
            .unwrap();
        assert_eq!(ci.name, Some("IFLA_INET6_CACHEINFO"));
        assert_eq!(ci.payload.len(), IFLA_CACHEINFO_LEN);
        assert_eq!(&LO[ci.payload_range()], ci.payload);
        let paths: Vec<String> = d.walk().into_iter().map(|(p, _)| p).collect();
        assert!(paths.contains(&"IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF".to_owned()));
        assert!(paths.contains(&"IFLA_AF_SPEC/AF_INET6/IFLA_INET6_FLAGS".to_owned()));
        // Every attribute's payload is where its offset says.
        for (_, a) in d.walk() {
            assert_eq!(&LO[a.payload_range()], a.payload);
            assert!(!a.truncated);
        }
    }

    #[test]
    fn nlctrl_as_the_kernel_sent_it() {
        let d = decode(NETLINK_GENERIC, NLCTRL);
        assert_eq!(d.spec.to_string(), "nlctrl");
        assert_eq!(d.family_header, &[1, 2, 0, 0]);
        let name = d
            .attr(crate::uapi::genetlink::CTRL_ATTR_FAMILY_NAME)
            .unwrap();
        assert_eq!(name.cstr(), b"nlctrl");
        assert_eq!(d.attr(1).unwrap().name, Some("CTRL_ATTR_FAMILY_ID"));
        let paths: Vec<String> = d.walk().into_iter().map(|(p, _)| p).collect();
        assert!(
            paths.contains(&"CTRL_ATTR_OPS/attr 1/CTRL_ATTR_OP_FLAGS".to_owned()),
            "{paths:?}"
        );
        let grp = d.find_path(&[CTRL_ATTR_MCAST_GROUPS, 1, 1]).unwrap();
        assert_eq!(
            (grp.name, grp.cstr()),
            (Some("CTRL_ATTR_MCAST_GRP_NAME"), &b"notify"[..])
        );
    }

    #[test]
    fn message_specs() {
        let spec = message(NETLINK_ROUTE, RTM_NEWLINKPROP);
        assert_eq!(
            (spec.header, spec.attrs),
            (FamilyHeader::IfInfoMsg, Some(&IFLA))
        );
        assert_eq!(spec.attrs_offset(), Some(32));
        assert_eq!(
            message(NETLINK_ROUTE, RTM_NEWADDR).header,
            FamilyHeader::IfAddrMsg
        );
        assert_eq!(message(NETLINK_ROUTE, RTM_NEWNEIGH).attrs, Some(&NDA));
        assert_eq!(
            message(NETLINK_ROUTE, RTM_GETROUTE).header,
            FamilyHeader::RtMsg
        );
        assert_eq!(
            message(NETLINK_ROUTE, RTM_NEWNETCONF).to_string(),
            "RTM_NEWNETCONF"
        );
        assert_eq!(
            message(NETLINK_ROUTE, RTM_NEWNETCONF).header,
            FamilyHeader::NetconfMsg
        );
        assert_eq!(
            message(NETLINK_ROUTE, crate::uapi::rtnetlink::RTM_DELNETCONF).attrs_offset(),
            Some(20)
        );
        assert_eq!(message(NETLINK_ROUTE, 23).to_string(), "type 23");
        for p in [NETLINK_ROUTE, NETLINK_GENERIC, NETLINK_SOCK_DIAG] {
            assert_eq!(message(p, NLMSG_ERROR).header, FamilyHeader::NlMsgErr);
            assert_eq!(message(p, NLMSG_DONE).to_string(), "NLMSG_DONE");
            assert_eq!(message(p, NLMSG_NOOP).header, FamilyHeader::None);
            assert_eq!(message(p, NLMSG_OVERRUN).attrs_offset(), None);
        }
        let genl = message(NETLINK_GENERIC, 0x17);
        assert_eq!(
            (genl.to_string(), genl.header),
            ("genl family 23".into(), FamilyHeader::GenlMsgHdr)
        );
        assert_eq!(message(NETLINK_SOCK_DIAG, 20).to_string(), "type 20");
        assert_eq!(message_type_by_name("RTM_GETLINK"), Some(18));
        assert_eq!(message_type_by_name("RTM_GETTUNNEL"), Some(122));
        assert_eq!(message_type_by_name("NLMSG_DONE"), Some(3));
        assert_eq!(message_type_by_name("nlctrl"), Some(16));
        assert_eq!(message_type_by_name("RTM_GETLIN"), None);
        assert!(message_type_names().contains("RTM_NEWLINK .. RTM_GETTUNNEL"));
    }

    #[test]
    fn header_fields_match_the_views() {
        let ifi = crate::ifinfomsg::Repr {
            family: 1,
            link_type: 0x0302,
            index: 0x07060504,
            flags: 0x0b0a0908,
            change: 0x0f0e0d0c,
        }
        .to_bytes();
        let read = |h: FamilyHeader, bytes: &[u8], name: &str| {
            let f = h.fields().iter().find(|f| f.name == name).unwrap();
            bytes[f.range.clone()].to_vec()
        };
        let h = FamilyHeader::IfInfoMsg;
        assert_eq!(read(h, &ifi, "ifi_index"), 0x07060504i32.to_ne_bytes());
        assert_eq!(read(h, &ifi, "ifi_type"), 0x0302u16.to_ne_bytes());
        assert_eq!(read(h, &ifi, "ifi_change"), 0x0f0e0d0cu32.to_ne_bytes());
        assert_eq!(h.field_at(9).unwrap().name, "ifi_flags");
        let nd = crate::ndmsg::Repr {
            family: 7,
            ifindex: 0x0b0a0908,
            state: 0x0d0c,
            flags: 0x0e,
            ndm_type: 0x0f,
        }
        .to_bytes();
        assert_eq!(
            read(FamilyHeader::NdMsg, &nd, "ndm_state"),
            0x0d0cu16.to_ne_bytes()
        );
        assert_eq!(read(FamilyHeader::NdMsg, &nd, "ndm_type"), [0x0f]);
        let rt = crate::rtmsg::Repr {
            flags: 0x44332211,
            table: 9,
            ..Default::default()
        }
        .to_bytes();
        assert_eq!(
            read(FamilyHeader::RtMsg, &rt, "rtm_flags"),
            0x44332211u32.to_ne_bytes()
        );
        assert_eq!(read(FamilyHeader::RtMsg, &rt, "rtm_table"), [9]);
        let ifa = crate::ifaddrmsg::Repr {
            index: 0x44332211,
            scope: 5,
            ..Default::default()
        }
        .to_bytes();
        assert_eq!(
            read(FamilyHeader::IfAddrMsg, &ifa, "ifa_index"),
            0x44332211u32.to_ne_bytes()
        );
        assert_eq!(read(FamilyHeader::IfAddrMsg, &ifa, "ifa_scope"), [5]);
        for h in [
            FamilyHeader::IfInfoMsg,
            FamilyHeader::GenlMsgHdr,
            FamilyHeader::RtGenMsg,
            FamilyHeader::IfAddrMsg,
            FamilyHeader::RtMsg,
            FamilyHeader::NdMsg,
            FamilyHeader::NetconfMsg,
            FamilyHeader::NlMsgErr,
            FamilyHeader::Done,
        ] {
            // The fields cover the header, in order, without gaps.
            let mut at = 0;
            for f in h.fields() {
                assert_eq!(f.range.start, at, "{h:?} {}", f.name);
                at = f.range.end;
            }
            assert_eq!(at, h.len(), "{h:?}");
        }
    }

    #[test]
    fn names_resolve_across_spaces_and_are_unique() {
        for (name, v) in [
            ("IFLA_MTU", 4),
            ("IFLA_INFO_KIND", 1),
            ("IFLA_INFO_DATA", 2),
            ("IFLA_INET6_ADDR_GEN_MODE", 8),
            ("IFLA_INET_CONF", 1),
            ("CTRL_ATTR_FAMILY_NAME", 2),
            ("VETH_INFO_PEER", 1),
            ("AF_INET", 2),
            ("AF_INET6", 10),
            ("IFLA_BR_MCAST_SNOOPING", 23),
            ("NLMSGERR_ATTR_OFFS", 2),
        ] {
            assert_eq!(attr_by_name(name), Some(v), "{name}");
        }
        assert_eq!(attr_by_name("IFLA_NOPE"), None);
        // A name in two spaces would make attr_by_name ambiguous.
        let mut seen = std::collections::HashMap::new();
        for s in SPACES {
            for t in 0..=u16::MAX {
                if let Some(n) = s.name_of(t) {
                    assert_eq!(s.type_of(n), Some(t), "{} {n}", s.name);
                    if let Some(other) = seen.insert(n, (s.name, t)) {
                        assert_eq!(other.1, t, "{n} in {} and {}", other.0, s.name);
                    }
                }
            }
        }
    }

    #[test]
    fn nests_follow_kinds_families_and_headers() {
        // A veth creation request: the peer is an ifinfomsg and link attributes.
        let peer = crate::ifinfomsg::Repr::default().to_bytes();
        let m = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST, 1, 0)
            .header(&crate::ifinfomsg::Repr::default().to_bytes())
            .str(IFLA_IFNAME, "va")
            .nest(IFLA_LINKINFO, |b| {
                b.str(IFLA_INFO_KIND, "veth").nest(IFLA_INFO_DATA, |b| {
                    b.nest(VETH_INFO_PEER, |b| b.payload(&peer).str(IFLA_IFNAME, "vb"))
                })
            })
            .build();
        let d = decode(NETLINK_ROUTE, &m);
        assert_eq!(d.malformed, None);
        let p = d
            .find_path(&[IFLA_LINKINFO, IFLA_INFO_DATA, VETH_INFO_PEER])
            .unwrap();
        assert_eq!(p.name, Some("VETH_INFO_PEER"));
        assert_eq!(p.header.map(|h| h.0), Some(FamilyHeader::IfInfoMsg));
        let name = p.child(IFLA_IFNAME).unwrap();
        assert_eq!((name.name, name.cstr()), (Some("IFLA_IFNAME"), &b"vb"[..]));
        // A bridge's data is IFLA_BR_*; another kind's has no names.
        let br = |kind: &str| {
            MessageBuilder::new(RTM_NEWLINK, 0, 1, 0)
                .header(&[0; 16])
                .nest(IFLA_LINKINFO, |b| {
                    b.str(IFLA_INFO_KIND, kind)
                        .nest(IFLA_INFO_DATA, |b| b.u8(IFLA_BR_MCAST_SNOOPING, 0))
                })
                .build()
        };
        let m = br("bridge");
        let d = decode(NETLINK_ROUTE, &m);
        let a = d
            .find_path(&[IFLA_LINKINFO, IFLA_INFO_DATA, IFLA_BR_MCAST_SNOOPING])
            .unwrap();
        assert_eq!(a.name, Some("IFLA_BR_MCAST_SNOOPING"));
        let m = br("dummy");
        let d = decode(NETLINK_ROUTE, &m);
        let a = d
            .find_path(&[IFLA_LINKINFO, IFLA_INFO_DATA, IFLA_BR_MCAST_SNOOPING])
            .unwrap();
        assert_eq!(a.name, None);
        // IFLA_PROTINFO by the message's family.
        let protinfo = |family: u8| {
            let hdr = crate::ifinfomsg::Repr {
                family,
                ..Default::default()
            };
            MessageBuilder::new(RTM_NEWLINK, 0, 1, 0)
                .header(&hdr.to_bytes())
                .nest_flagged(IFLA_PROTINFO, |b| b.u8(IFLA_BRPORT_STATE, 3))
                .build()
        };
        let m = protinfo(PF_BRIDGE);
        let d = decode(NETLINK_ROUTE, &m);
        assert_eq!(
            d.find_path(&[IFLA_PROTINFO, 1]).unwrap().name,
            Some("IFLA_BRPORT_STATE")
        );
        let m = protinfo(AF_INET6);
        let d = decode(NETLINK_ROUTE, &m);
        assert_eq!(
            d.find_path(&[IFLA_PROTINFO, 1]).unwrap().name,
            Some("IFLA_INET6_FLAGS")
        );
    }

    #[test]
    fn errors_follow_capped_and_ack_tlvs() {
        let request = MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, 0)
            .header(&[0; 16])
            .u32(IFLA_MTU, 5)
            .build();
        let err = |flags: u16, quote_all: bool| {
            let mut b = NlBuf::unlimited();
            let at = b.nlmsg_put(0, 7, NLMSG_ERROR, 4, flags).unwrap();
            b.nlmsg_data_mut(at)[..4].copy_from_slice(&(-22i32).to_ne_bytes());
            if quote_all {
                b.put_data(&request).unwrap();
            } else {
                b.put_data(&request[..16]).unwrap();
            }
            b.align().unwrap();
            b.nla_put_string(NLMSGERR_ATTR_MSG, "bad").unwrap();
            b.nla_put_u32(NLMSGERR_ATTR_OFFS, 32).unwrap();
            b.nlmsg_end(at);
            b.into_vec()
        };
        for (flags, all) in [
            (NLM_F_ACK_TLVS, true),
            (NLM_F_ACK_TLVS | NLM_F_CAPPED, false),
        ] {
            let m = err(flags, all);
            let d = decode(NETLINK_ROUTE, &m);
            let e = d.error.as_ref().unwrap();
            assert_eq!(e.code, -22);
            assert_eq!(e.quoted.unwrap().seq, 7);
            assert_eq!(
                e.quoted_payload.len(),
                if all { request.len() - 16 } else { 0 }
            );
            let names: Vec<_> = e.ext_ack.iter().map(|a| a.name.unwrap()).collect();
            assert_eq!(names, ["NLMSGERR_ATTR_MSG", "NLMSGERR_ATTR_OFFS"]);
            assert_eq!(e.ext_ack[1].u32(), Some(32));
            // The same TLVs the nlmsgerr view finds.
            let view = crate::nlmsgerr::Packet::new_checked(&m[16..]).unwrap();
            let kinds: Vec<u16> = view.ext_ack(flags).map(|a| a.kind()).collect();
            assert_eq!(kinds, [1, 2]);
            assert_eq!(
                view.ext_ack(flags).next().unwrap().offset() + 16,
                e.ext_ack_offset.unwrap()
            );
        }
        // Without NLM_F_ACK_TLVS there is no extended ack.
        let m = err(0, true);
        assert!(decode(NETLINK_ROUTE, &m).error.unwrap().ext_ack.is_empty());
        // NLMSG_DONE: the code, and TLVs after it with NLM_F_ACK_TLVS.
        let mut b = NlBuf::unlimited();
        let at = b
            .nlmsg_put(0, 1, NLMSG_DONE, 4, NLM_F_MULTI | NLM_F_ACK_TLVS)
            .unwrap();
        b.nlmsg_data_mut(at)[..4].copy_from_slice(&(-95i32).to_ne_bytes());
        b.nla_put_string(NLMSGERR_ATTR_MSG, "no").unwrap();
        b.nlmsg_end(at);
        let m = b.into_vec();
        let d = decode(NETLINK_GENERIC, &m);
        let e = d.error.unwrap();
        assert_eq!(
            (e.code, e.ext_ack.len(), e.ext_ack_offset),
            (-95, 1, Some(20))
        );
    }

    #[test]
    fn volatile_rows_name_their_paths() {
        for f in VOLATILE_FIELDS {
            let spec = message(f.protocol, f.msg_type);
            assert!(f.name.contains(spec.name.unwrap()), "{}", f.name);
            // Each step of the path has the name the row gives it.
            let mut space = spec.attrs;
            for (i, kind) in f.path.iter().enumerate() {
                let s = space.unwrap_or_else(|| panic!("{}: no space at step {i}", f.name));
                let n = s.name_of(*kind).unwrap();
                assert!(f.name.contains(n), "{}: {n}", f.name);
                let Some(next) = f.path.get(i + 1) else {
                    break;
                };
                let named = |s: &&Space| s.name_of(*next).is_some_and(|n| f.name.contains(n));
                space = match s.nest(*kind) {
                    Some(Nest::Space(s)) => Some(*s),
                    Some(Nest::BySibling { choices, .. }) => {
                        choices.iter().map(|c| c.1).find(named)
                    }
                    Some(Nest::ByHeaderFamily { choices, otherwise }) => choices
                        .iter()
                        .filter_map(|c| c.1)
                        .chain(*otherwise)
                        .find(named),
                    _ => None,
                };
            }
        }
    }

    #[test]
    fn volatile_fields_mask_by_path() {
        let d = decode(NETLINK_ROUTE, LO);
        let ci = &VOLATILE_FIELDS[0];
        let r = ci.mask(&d, &|_| true).unwrap();
        assert_eq!(r.len(), 8);
        let at = d
            .find_path(&[IFLA_AF_SPEC, AF_INET6 as u16, IFLA_INET6_CACHEINFO])
            .unwrap()
            .payload_offset();
        assert_eq!(r, at + 4..at + 12);
        // lo's address is all zero: not random.
        assert_eq!(VOLATILE_FIELDS[1].mask(&d, &|_| false), None);
        // Not on another protocol.
        let g = decode(NETLINK_GENERIC, LO);
        assert_eq!(ci.mask(&g, &|_| true), None);
        // Cut short inside the cacheinfo: masked up to where the bytes stop.
        let cut = decode(NETLINK_ROUTE, &LO[..at + 6]);
        assert!(cut.is_truncated());
        assert_eq!(ci.mask(&cut, &|_| true), Some(at + 4..at + 6));
    }

    /// A small deterministic generator (xorshift), so the test needs no crate.
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    fn check(protocol: i32, b: &[u8]) {
        let d = decode(protocol, b);
        for (_, a) in d.walk() {
            // Offsets and payloads agree with the bytes.
            assert_eq!(&d.bytes[a.payload_range()], a.payload);
        }
        if let Some(e) = &d.error {
            for a in &e.ext_ack {
                assert_eq!(&d.bytes[a.payload_range()], a.payload);
            }
        }
        for f in VOLATILE_FIELDS {
            let _ = f.mask(&d, &|_| false);
        }
    }

    #[test]
    fn every_truncation_of_the_captures_decodes_without_panicking() {
        let err = {
            let mut b = NlBuf::unlimited();
            let at = b.nlmsg_put(0, 1, NLMSG_ERROR, 4, NLM_F_ACK_TLVS).unwrap();
            b.put_data(&LO[..64]).unwrap();
            b.nla_put_u32(NLMSGERR_ATTR_OFFS, 20).unwrap();
            b.nlmsg_end(at);
            b.into_vec()
        };
        for (p, m) in [
            (NETLINK_ROUTE, LO),
            (NETLINK_GENERIC, NLCTRL),
            (NETLINK_ROUTE, &err[..]),
        ] {
            for cut in 0..=m.len() {
                check(p, &m[..cut]);
                let d = decode(p, &m[..cut]);
                if cut >= 16 && cut < m.len() {
                    assert!(d.is_truncated());
                    // A cut inside an attribute is said.
                    let cut_attr = d.walk().iter().any(|(_, a)| a.truncated)
                        || d.error
                            .as_ref()
                            .is_some_and(|e| e.ext_ack.iter().any(|a| a.truncated));
                    assert!(!cut_attr || d.malformed.is_some(), "cut {cut}");
                }
            }
        }
    }

    #[test]
    fn random_bytes_and_mutations_never_panic() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let bases: [&[u8]; 2] = [LO, NLCTRL];
        for i in 0..20_000 {
            let mut b = bases[i % 2].to_vec();
            for _ in 0..1 + rng(&mut seed) % 8 {
                let at = (rng(&mut seed) as usize) % b.len();
                b[at] = rng(&mut seed) as u8;
            }
            let cut = (rng(&mut seed) as usize) % (b.len() + 1);
            for p in [NETLINK_ROUTE, NETLINK_GENERIC, NETLINK_SOCK_DIAG] {
                check(p, &b[..cut]);
                check(p, &b);
            }
        }
        for len in 0..64 {
            for _ in 0..200 {
                let b: Vec<u8> = (0..len).map(|_| rng(&mut seed) as u8).collect();
                for p in [NETLINK_ROUTE, NETLINK_GENERIC] {
                    check(p, &b);
                }
            }
        }
    }

    #[test]
    fn deep_nests_stop_at_the_depth_limit() {
        // Veth peers inside veth peers, far deeper than MAX_DEPTH.
        let mut inner = NlBuf::unlimited();
        for _ in 0..200 {
            let mut b = NlBuf::unlimited();
            b.put_data(&[0; 16]).unwrap();
            let li = b.nla_nest_start_noflag(IFLA_LINKINFO).unwrap();
            b.nla_put_string(IFLA_INFO_KIND, "veth").unwrap();
            let data = b.nla_nest_start_noflag(IFLA_INFO_DATA).unwrap();
            b.nla_put(VETH_INFO_PEER, inner.as_slice()).unwrap();
            b.nla_nest_end(data);
            b.nla_nest_end(li);
            inner = b;
        }
        let m = MessageBuilder::new(RTM_NEWLINK, 0, 0, 0)
            .payload(inner.as_slice())
            .build();
        let d = decode(NETLINK_ROUTE, &m);
        assert!(d.walk().len() < 200);
    }
}
