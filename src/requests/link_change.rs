//! Link changes (RTM_NEWLINK, RTM_DELLINK): what shaping a namespace for tests and benchmarks
//! needs, e.g. `ip link add A type veth peer name B` and `ip link del A`.

use nltwin_wire::builder::NlBuf;
use nltwin_wire::ifinfomsg;
use nltwin_wire::uapi::if_link::{IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO};
use nltwin_wire::uapi::netlink::{NLM_F_CREATE, NLM_F_EXCL};
use nltwin_wire::uapi::veth::VETH_INFO_PEER;

use super::link::{link_payload, RTM_NEWLINK};
use super::ROOM;
use crate::engine::{Connection, Error};
use crate::transport::Backend;

pub use nltwin_wire::uapi::rtnetlink::RTM_DELLINK;

/// An `ifinfomsg` without an index and `IFLA_IFNAME` `name`.
fn named(name: &str) -> NlBuf {
    let mut b = link_payload(0);
    b.nla_put_string(IFLA_IFNAME, name).expect(ROOM);
    b
}

/// The payload of `ip link add name type veth peer name peer`: the device's name, then
/// `IFLA_LINKINFO { IFLA_INFO_KIND "veth", IFLA_INFO_DATA { VETH_INFO_PEER { ifinfomsg,
/// IFLA_IFNAME peer } } }`, nests without `NLA_F_NESTED` as `ip` sends them.
fn veth_payload(name: &str, peer: &str) -> Vec<u8> {
    let mut b = named(name);
    let info = b.nla_nest_start_noflag(IFLA_LINKINFO).expect(ROOM);
    b.nla_put_string(IFLA_INFO_KIND, "veth").expect(ROOM);
    let data = b.nla_nest_start_noflag(IFLA_INFO_DATA).expect(ROOM);
    let p = b.nla_nest_start_noflag(VETH_INFO_PEER).expect(ROOM);
    b.put_data(&ifinfomsg::Repr::default().to_bytes())
        .expect(ROOM);
    b.nla_put_string(IFLA_IFNAME, peer).expect(ROOM);
    b.nla_nest_end(p);
    b.nla_nest_end(data);
    b.nla_nest_end(info);
    b.into_vec()
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
        self.request(
            RTM_NEWLINK,
            NLM_F_CREATE | NLM_F_EXCL,
            &veth_payload(name, peer),
            |_| Ok(()),
        )
    }

    fn del_link_by_name(&mut self, name: &str) -> Result<(), Error> {
        self.request(RTM_DELLINK, 0, named(name).as_slice(), |_| Ok(()))
    }

    fn del_link(&mut self, index: u32) -> Result<(), Error> {
        self.request(RTM_DELLINK, 0, link_payload(index).as_slice(), |_| Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use netlink_packet_core::Emitable;
    use netlink_packet_route::link::{
        InfoData, InfoKind, InfoVeth, LinkAttribute, LinkInfo, LinkMessage,
    };

    use super::*;

    /// What `netlink-packet-route` wrote, before requests were built with wire.
    fn emit(msg: &LinkMessage) -> Vec<u8> {
        let mut buf = vec![0; msg.buffer_len()];
        msg.emit(&mut buf);
        buf
    }

    fn crate_named(name: &str) -> LinkMessage {
        let mut m = LinkMessage::default();
        m.attributes.push(LinkAttribute::IfName(name.to_owned()));
        m
    }

    #[test]
    fn change_payloads_are_the_bytes_the_typed_crate_wrote() {
        for (name, peer) in [("a", "b"), ("va0", "vb0"), ("fifteen-chars-x", "p")] {
            let mut m = crate_named(name);
            m.attributes.push(LinkAttribute::LinkInfo(vec![
                LinkInfo::Kind(InfoKind::Veth),
                LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(crate_named(peer)))),
            ]));
            assert_eq!(veth_payload(name, peer), emit(&m), "{name} {peer}");
            assert_eq!(named(name).into_vec(), emit(&crate_named(name)));
        }
        let mut by_index = LinkMessage::default();
        by_index.header.index = 12;
        assert_eq!(link_payload(12).into_vec(), emit(&by_index));
    }
}
