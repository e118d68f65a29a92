//! veth pairs through the model's system calls: creation order and ifindex allocation,
//! notifications, deletion taking the peer, and the dump after each step.

mod common;
use common::{group_bit, veth_pair};
use nltwin_model::uapi::if_link::{
    IFLA_ADDRESS, IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINK, IFLA_LINKINFO, IFLA_MASTER,
};
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Errno, Kernel, TaskId};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::{ifinfomsg, nlmsgerr, MessageBuilder};

/// A link request of type `ty` for `index` (0: by name, or a new device), port id 0.
fn link_request(ty: u16, flags: u16, seq: u32, index: i32) -> MessageBuilder {
    let ifi = ifinfomsg::Repr {
        index,
        ..Default::default()
    };
    MessageBuilder::new(ty, flags, seq, 0).header(&ifi.to_bytes())
}

/// A locally administered address ending in `last`.
fn mac(last: u8) -> [u8; 6] {
    [2, 0, 0, 0, 0, last]
}

fn veth(seq: u32, a: &str, b: &str, mac_a: u8, mac_b: u8) -> Vec<u8> {
    veth_pair(seq, a, b, Some((mac(mac_a), mac(mac_b)))).build()
}

/// (type, ifindex, name, IFLA_LINK) of every message in a datagram.
fn links(d: &[u8]) -> Vec<(u16, i32, String, Option<u32>)> {
    let mut out = Vec::new();
    for m in Messages::new(d) {
        let ty = m.msg_type();
        if ty == RTM_NEWLINK || ty == RTM_DELLINK {
            let ifi = ifinfomsg::Packet::new_checked(m.payload()).expect("an ifinfomsg");
            let (mut nm, mut link) = (String::new(), None);
            for a in m.attrs(ifinfomsg::LEN) {
                match a.kind() {
                    IFLA_IFNAME => nm = a.str().expect("a name").to_string(),
                    IFLA_LINK => link = Some(a.u32().expect("an ifindex")),
                    _ => {}
                }
            }
            out.push((ty, ifi.index(), nm, link));
        }
    }
    out
}

struct Env {
    k: Kernel,
    task: TaskId,
    req: i32,
    listener: i32,
}

impl Env {
    fn new() -> Env {
        let (mut k, task) = Kernel::sandboxed(77);
        let req = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
        let listener = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
        k.sys_bind(
            task,
            listener,
            &SockaddrNl::new(0, group_bit(RTNLGRP_LINK)).to_bytes(),
        )
        .unwrap();
        Env {
            k,
            task,
            req,
            listener,
        }
    }

    fn send(&mut self, msg: &[u8]) {
        self.k
            .sys_sendto(self.task, self.req, msg, 0, None)
            .unwrap();
    }

    fn recv(&mut self, fd: i32) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 65536];
        let r = self.k.sys_recvfrom(self.task, fd, &mut buf, 0).ok()?;
        buf.truncate(r.ret);
        Some(buf)
    }

    fn ack_errno(&mut self) -> i32 {
        let d = self.recv(self.req).expect("an ack");
        let m = Messages::new(&d).next().expect("a message");
        assert_eq!(m.msg_type(), NLMSG_ERROR);
        nlmsgerr::error_code(m.payload()).expect("an error code")
    }

    fn notifications(&mut self) -> Vec<(u16, i32, String, Option<u32>)> {
        std::iter::from_fn(|| self.recv(self.listener))
            .flat_map(|d| links(&d))
            .collect()
    }

    fn dump(&mut self) -> Vec<(u16, i32, String, Option<u32>)> {
        self.send(&link_request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 9, 0).build());
        std::iter::from_fn(|| self.recv(self.req))
            .flat_map(|d| links(&d))
            .collect()
    }
}

fn n(ty: u16, i: i32, nm: &str, link: Option<u32>) -> (u16, i32, String, Option<u32>) {
    (ty, i, nm.to_string(), link)
}

#[test]
fn a_pair_registers_the_peer_first_and_is_announced_unpaired_then_paired() {
    let mut e = Env::new();
    e.send(&veth(1, "va", "vb", 1, 2));
    assert_eq!(e.ack_errno(), 0);
    assert_eq!(
        e.notifications(),
        vec![
            n(RTM_NEWLINK, 2, "vb", Some(0)),
            n(RTM_NEWLINK, 3, "va", Some(2))
        ]
    );
    assert_eq!(
        e.dump(),
        vec![
            n(RTM_NEWLINK, 1, "lo", None),
            n(RTM_NEWLINK, 2, "vb", Some(3)),
            n(RTM_NEWLINK, 3, "va", Some(2))
        ]
    );
}

#[test]
fn deleting_one_side_takes_the_peer_and_indices_are_not_reused() {
    let mut e = Env::new();
    e.send(&veth(1, "va", "vb", 1, 2));
    assert_eq!(e.ack_errno(), 0);
    e.notifications();
    let del = link_request(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 2, 0).str(IFLA_IFNAME, "va");
    e.send(&del.build());
    assert_eq!(e.ack_errno(), 0);
    assert_eq!(
        e.notifications(),
        vec![
            n(RTM_DELLINK, 3, "va", Some(0)),
            n(RTM_DELLINK, 2, "vb", Some(0))
        ]
    );
    e.send(&veth(3, "vc", "vd", 3, 4));
    assert_eq!(e.ack_errno(), 0);
    let dump = e.dump();
    assert_eq!(dump.iter().map(|l| l.1).collect::<Vec<_>>(), vec![1, 4, 5]);
}

#[test]
fn a_taken_name_fails_whole_and_lo_cannot_be_deleted() {
    let mut e = Env::new();
    e.send(&veth(1, "va", "vb", 1, 2));
    assert_eq!(e.ack_errno(), 0);
    e.notifications();
    // Both sides named alike: the lookup finds nothing, the peer registers, the device's name
    // is then taken, and the peer goes again.
    e.send(&veth(2, "vx", "vx", 5, 6));
    assert_eq!(e.ack_errno(), Errno::EEXIST.as_neg());
    assert_eq!(
        e.notifications(),
        vec![
            n(RTM_NEWLINK, 4, "vx", Some(0)),
            n(RTM_DELLINK, 4, "vx", Some(0))
        ]
    );
    e.send(&link_request(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 3, 1).build());
    assert_eq!(e.ack_errno(), Errno::EOPNOTSUPP.as_neg());
    assert_eq!(e.dump().len(), 3);
}

fn bridge(seq: u32, name: &str, last: u8) -> Vec<u8> {
    let flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    link_request(RTM_NEWLINK, flags, seq, 0)
        .str(IFLA_IFNAME, name)
        .attr(IFLA_ADDRESS, &mac(last))
        .nest(IFLA_LINKINFO, |b| b.str(IFLA_INFO_KIND, "bridge"))
        .build()
}

fn set_master(seq: u32, index: i32, master: u32) -> Vec<u8> {
    link_request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, index)
        .u32(IFLA_MASTER, master)
        .build()
}

#[test]
fn a_bridge_port_is_announced_four_ways_and_released_with_its_bridge() {
    let mut e = Env::new();
    e.send(&bridge(1, "br0", 9));
    assert_eq!(e.ack_errno(), 0);
    e.send(&veth(2, "va", "vb", 1, 2));
    assert_eq!(e.ack_errno(), 0);
    e.notifications();
    e.send(&set_master(3, 4, 2));
    assert_eq!(e.ack_errno(), 0);
    // CHANGEUPPER, promiscuity, the bridge's features event, the PF_BRIDGE message.
    let got: Vec<(u16, i32)> = e.notifications().iter().map(|n| (n.0, n.1)).collect();
    assert_eq!(
        got,
        vec![
            (RTM_NEWLINK, 4),
            (RTM_NEWLINK, 4),
            (RTM_NEWLINK, 2),
            (RTM_NEWLINK, 4)
        ]
    );
    // A bridge cannot be a port.
    e.send(&set_master(4, 2, 2));
    assert_eq!(e.ack_errno(), Errno::ELOOP.as_neg());
    // Deleting the bridge releases the port first.
    let del = link_request(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 5, 0).str(IFLA_IFNAME, "br0");
    e.send(&del.build());
    assert_eq!(e.ack_errno(), 0);
    let got: Vec<(u16, i32)> = e.notifications().iter().map(|n| (n.0, n.1)).collect();
    assert_eq!(
        got,
        vec![
            (RTM_NEWLINK, 4),
            (RTM_NEWLINK, 4),
            (RTM_DELLINK, 4),
            (RTM_NEWLINK, 4),
            (RTM_DELLINK, 2)
        ]
    );
    assert_eq!(
        e.dump().iter().map(|l| l.1).collect::<Vec<_>>(),
        vec![1, 3, 4]
    );
}
