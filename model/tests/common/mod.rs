//! What the model's integration tests share beyond the wire layer (`nltwin_wire`): the veth
//! pair request several of them send, and a multicast group's bit in `nl_groups`.
// Each test binary compiles this module and uses a part of it.
#![allow(dead_code)]

use nltwin_model::uapi::if_link::{
    IFLA_ADDRESS, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO,
};
use nltwin_model::uapi::netlink::{NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST};
use nltwin_model::uapi::rtnetlink::RTM_NEWLINK;
use nltwin_model::uapi::veth::VETH_INFO_PEER;
use nltwin_wire::{ifinfomsg, MessageBuilder};

/// RTM_NEWLINK creating the veth `name` with its peer `peer` (`NLM_F_REQUEST | NLM_F_ACK |
/// NLM_F_CREATE | NLM_F_EXCL`, port id 0): on each side an empty `ifinfomsg`, IFLA_IFNAME,
/// and IFLA_ADDRESS when `addresses` gives the two; the peer in IFLA_LINKINFO's
/// IFLA_INFO_DATA as VETH_INFO_PEER. Attributes may be added before `build`.
pub fn veth_pair(
    seq: u32,
    name: &str,
    peer: &str,
    addresses: Option<([u8; 6], [u8; 6])>,
) -> MessageBuilder {
    let ifi = ifinfomsg::Repr::default().to_bytes();
    let address = |b: MessageBuilder, a: Option<[u8; 6]>| match a {
        Some(a) => b.attr(IFLA_ADDRESS, &a),
        None => b,
    };
    let flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    let b = MessageBuilder::new(RTM_NEWLINK, flags, seq, 0)
        .header(&ifi)
        .str(IFLA_IFNAME, name);
    address(b, addresses.map(|a| a.0)).nest(IFLA_LINKINFO, |b| {
        b.str(IFLA_INFO_KIND, "veth").nest(IFLA_INFO_DATA, |b| {
            b.nest(VETH_INFO_PEER, |b| {
                address(
                    b.header(&ifi).str(IFLA_IFNAME, peer),
                    addresses.map(|a| a.1),
                )
            })
        })
    })
}

/// The bit of multicast group `group` (1 to 32) in `nl_groups`.
pub fn group_bit(group: u32) -> u32 {
    1 << (group - 1)
}
