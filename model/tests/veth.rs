//! veth pairs through the model's system calls: creation order and ifindex allocation,
//! notifications, deletion taking the peer, and the dump after each step.

mod common;
use common::{attr, nlmsg};
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, TaskId};

const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_GETLINK: u16 = 18;

fn ifinfo(index: i32) -> Vec<u8> {
    let mut b = vec![0u8; 16];
    b[4..8].copy_from_slice(&index.to_ne_bytes());
    b
}

fn name(n: &str) -> Vec<u8> {
    attr(3, format!("{n}\0").as_bytes())
}

fn veth(seq: u32, a: &str, b: &str, mac_a: u8, mac_b: u8) -> Vec<u8> {
    let mut peer = ifinfo(0);
    peer.extend(name(b));
    peer.extend(attr(1, &[2, 0, 0, 0, 0, mac_b]));
    let mut info = attr(1, b"veth\0");
    info.extend(attr(2, &attr(1, &peer)));
    let mut p = ifinfo(0);
    p.extend(name(a));
    p.extend(attr(1, &[2, 0, 0, 0, 0, mac_a]));
    p.extend(attr(18, &info));
    nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | 0x600, seq, &p)
}

/// (type, ifindex, name, IFLA_LINK) of every message in a datagram.
fn links(d: &[u8]) -> Vec<(u16, i32, String, Option<u32>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 16 <= d.len() {
        let len = u32::from_ne_bytes(d[at..at + 4].try_into().unwrap()) as usize;
        let ty = u16::from_ne_bytes([d[at + 4], d[at + 5]]);
        if ty == RTM_NEWLINK || ty == RTM_DELLINK {
            let index = i32::from_ne_bytes(d[at + 20..at + 24].try_into().unwrap());
            let (mut nm, mut link) = (String::new(), None);
            let mut a = at + 32;
            while a + 4 <= at + len {
                let alen = u16::from_ne_bytes([d[a], d[a + 1]]) as usize;
                let aty = u16::from_ne_bytes([d[a + 2], d[a + 3]]);
                match aty {
                    3 => nm = String::from_utf8_lossy(&d[a + 4..a + alen - 1]).into_owned(),
                    5 => link = Some(u32::from_ne_bytes(d[a + 4..a + 8].try_into().unwrap())),
                    _ => {}
                }
                a += alen.next_multiple_of(4);
            }
            out.push((ty, index, nm, link));
        }
        at += len.next_multiple_of(4);
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
        k.sys_bind(task, listener, &SockaddrNl::new(0, 1).to_bytes())
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
        assert_eq!(u16::from_ne_bytes([d[4], d[5]]), NLMSG_ERROR);
        i32::from_ne_bytes(d[16..20].try_into().unwrap())
    }

    fn notifications(&mut self) -> Vec<(u16, i32, String, Option<u32>)> {
        std::iter::from_fn(|| self.recv(self.listener))
            .flat_map(|d| links(&d))
            .collect()
    }

    fn dump(&mut self) -> Vec<(u16, i32, String, Option<u32>)> {
        self.send(&nlmsg(
            RTM_GETLINK,
            NLM_F_REQUEST | NLM_F_DUMP,
            9,
            &ifinfo(0),
        ));
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
    let mut del = ifinfo(0);
    del.extend(name("va"));
    e.send(&nlmsg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 2, &del));
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
    assert_eq!(e.ack_errno(), -17);
    assert_eq!(
        e.notifications(),
        vec![
            n(RTM_NEWLINK, 4, "vx", Some(0)),
            n(RTM_DELLINK, 4, "vx", Some(0))
        ]
    );
    e.send(&nlmsg(
        RTM_DELLINK,
        NLM_F_REQUEST | NLM_F_ACK,
        3,
        &ifinfo(1),
    ));
    assert_eq!(e.ack_errno(), -95);
    assert_eq!(e.dump().len(), 3);
}

fn bridge(seq: u32, name_: &str, mac: u8) -> Vec<u8> {
    let mut p = ifinfo(0);
    p.extend(name(name_));
    p.extend(attr(1, &[2, 0, 0, 0, 0, mac]));
    p.extend(attr(18, &attr(1, b"bridge\0")));
    nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | 0x600, seq, &p)
}

fn set_master(seq: u32, index: i32, master: u32) -> Vec<u8> {
    let mut p = ifinfo(index);
    p.extend(attr(10, &master.to_ne_bytes()));
    nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, &p)
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
    assert_eq!(got, vec![(16, 4), (16, 4), (16, 2), (16, 4)]);
    // A bridge cannot be a port.
    e.send(&set_master(4, 2, 2));
    assert_eq!(e.ack_errno(), -40);
    // Deleting the bridge releases the port first.
    let mut del = ifinfo(0);
    del.extend(name("br0"));
    e.send(&nlmsg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 5, &del));
    assert_eq!(e.ack_errno(), 0);
    let got: Vec<(u16, i32)> = e.notifications().iter().map(|n| (n.0, n.1)).collect();
    assert_eq!(got, vec![(16, 4), (16, 4), (17, 4), (16, 4), (17, 2)]);
    assert_eq!(
        e.dump().iter().map(|l| l.1).collect::<Vec<_>>(),
        vec![1, 3, 4]
    );
}
