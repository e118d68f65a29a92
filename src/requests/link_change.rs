//! Link changes (RTM_NEWLINK, RTM_DELLINK): what shaping a namespace for tests and benchmarks
//! needs, e.g. `ip link add A type veth peer name B` and `ip link del A`.

use netlink_packet_core::Emitable;
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkInfo, LinkMessage,
};

use crate::engine::{Connection, Error};
use crate::transport::Backend;

use super::link::RTM_NEWLINK;

/// `RTM_DELLINK`.
pub const RTM_DELLINK: u16 = 17;
/// `NLM_F_EXCL`: fail if the link exists.
const NLM_F_EXCL: u16 = 0x200;
/// `NLM_F_CREATE`.
const NLM_F_CREATE: u16 = 0x400;

fn emit(msg: &LinkMessage) -> Vec<u8> {
    let mut buf = vec![0; msg.buffer_len()];
    msg.emit(&mut buf);
    buf
}

fn named(name: &str) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.attributes.push(LinkAttribute::IfName(name.to_owned()));
    m
}

/// Link changes on a NETLINK_ROUTE connection; each waits for the kernel's ack.
pub trait LinkChanges {
    /// Create a veth pair `name` / `peer` (the peer is created first, as the kernel does).
    fn add_veth(&mut self, name: &str, peer: &str) -> Result<(), Error>;
    /// Delete the link named `name` (a veth takes its peer with it).
    fn del_link_by_name(&mut self, name: &str) -> Result<(), Error>;
    /// Delete the link with ifindex `index`.
    fn del_link(&mut self, index: u32) -> Result<(), Error>;
}

impl<B: Backend> LinkChanges for Connection<B> {
    fn add_veth(&mut self, name: &str, peer: &str) -> Result<(), Error> {
        let mut m = named(name);
        m.attributes.push(LinkAttribute::LinkInfo(vec![
            LinkInfo::Kind(InfoKind::Veth),
            LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(named(peer)))),
        ]));
        self.request(
            RTM_NEWLINK,
            NLM_F_CREATE | NLM_F_EXCL,
            &emit(&m),
            |_| Ok(()),
        )
    }

    fn del_link_by_name(&mut self, name: &str) -> Result<(), Error> {
        self.request(RTM_DELLINK, 0, &emit(&named(name)), |_| Ok(()))
    }

    fn del_link(&mut self, index: u32) -> Result<(), Error> {
        let mut m = LinkMessage::default();
        m.header.index = index;
        self.request(RTM_DELLINK, 0, &emit(&m), |_| Ok(()))
    }
}
