//! The bridge's multicast database on the model: router ports a user makes, announced to
//! RTNLGRP_MDB with the bytes this machine's 6.18.44 sent (scenario
//! mdb_router_ports_permanent_through_port_and_bridge_changes), and the RTM_GETMDB dump.

mod common;
use common::{group_bit, veth_pair};
use nltwin_model::profile::Profile;
use nltwin_model::uapi::if_link::*;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, TaskId};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::{ifinfomsg, MessageBuilder};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn ifi(family: u8, index: i32) -> [u8; ifinfomsg::LEN] {
    ifinfomsg::Repr {
        family,
        index,
        ..Default::default()
    }
    .to_bytes()
}

/// A NETLINK_ROUTE socket bound to `groups`.
fn socket(k: &mut Kernel, task: TaskId, groups: u32) -> i32 {
    let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_bind(task, fd, &SockaddrNl::new(0, groups).to_bytes())
        .unwrap();
    fd
}

/// Send `msg` on `fd` and take its ack; the error code.
fn request(k: &mut Kernel, task: TaskId, fd: i32, msg: &[u8]) -> i32 {
    k.sys_sendto(task, fd, msg, 0, None).unwrap();
    let mut buf = vec![0u8; 4096];
    let r = k.sys_recvfrom(task, fd, &mut buf, 0).unwrap();
    let m = Messages::new(&buf[..r.ret]).next().expect("an ack");
    nltwin_wire::nlmsgerr::error_code(m.payload()).expect("an error code")
}

/// Every datagram queued on `fd`.
fn datagrams(k: &mut Kernel, task: TaskId, fd: i32) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    while let Ok(r) = k.sys_recvfrom(task, fd, &mut buf, 0) {
        out.push(buf[..r.ret].to_vec());
    }
    out
}

/// The pair vb (2) / va (3), the bridge br0 (4) without snooping, va its port.
fn bridge_with_port() -> (Kernel, TaskId, i32) {
    let (mut k, task) = Kernel::sandboxed_with(Profile::LINUX_6_18, 4242);
    let fd = socket(&mut k, task, 0);
    let pair = veth_pair(
        1,
        "va",
        "vb",
        Some(([2, 0, 0, 0, 0, 0xa], [2, 0, 0, 0, 0, 0xb])),
    );
    assert_eq!(request(&mut k, task, fd, &pair.build()), 0);
    let br = MessageBuilder::new(
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        2,
        0,
    )
    .header(&ifi(0, 0))
    .str(IFLA_IFNAME, "br0")
    .nest(IFLA_LINKINFO, |b| {
        b.str(IFLA_INFO_KIND, "bridge")
            .nest(IFLA_INFO_DATA, |b| b.u8(IFLA_BR_MCAST_SNOOPING, 0))
    })
    .build();
    assert_eq!(request(&mut k, task, fd, &br), 0);
    let master = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 3, 0)
        .header(&ifi(0, 3))
        .u32(IFLA_MASTER, 4)
        .build();
    assert_eq!(request(&mut k, task, fd, &master), 0);
    (k, task, fd)
}

/// PF_BRIDGE RTM_SETLINK of va's IFLA_BRPORT_MULTICAST_ROUTER.
fn port_router(seq: u32, value: u8) -> Vec<u8> {
    MessageBuilder::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 0)
        .header(&ifi(PF_BRIDGE, 3))
        .nest(IFLA_PROTINFO | NLA_F_NESTED, |b| {
            b.u8(IFLA_BRPORT_MULTICAST_ROUTER, value)
        })
        .build()
}

/// What 6.18.44 sent to RTNLGRP_MDB for va (3) on br0 (4): `type` RTM_NEWMDB or RTM_DELMDB,
/// AF_BRIDGE, MDBA_ROUTER { MDBA_ROUTER_PORT { 3 } }.
fn router_message(ty: &str) -> Vec<u8> {
    hex(&format!(
        "24000000{ty}000000000000000000000007000000040000000c0002000800010003000000"
    ))
}

#[test]
fn a_permanent_router_port_is_announced_once_and_dropped_with_the_port() {
    let (mut k, task, fd) = bridge_with_port();
    let mdb = socket(&mut k, task, group_bit(RTNLGRP_MDB));
    assert_eq!(request(&mut k, task, fd, &port_router(10, 2)), 0);
    assert_eq!(datagrams(&mut k, task, mdb), [router_message("54")]);
    // Permanent again: nothing; back to learning from queries: gone.
    assert_eq!(request(&mut k, task, fd, &port_router(11, 2)), 0);
    assert!(datagrams(&mut k, task, mdb).is_empty());
    assert_eq!(request(&mut k, task, fd, &port_router(12, 1)), 0);
    assert_eq!(datagrams(&mut k, task, mdb), [router_message("55")]);
    // A temporary router's timers are not modeled.
    let r = k.sys_sendto(task, fd, &port_router(13, 3), 0, None);
    assert!(
        matches!(&r, Err(nltwin_model::SysError::Unimplemented(_))),
        "{r:?}"
    );
    // Permanent, then the port released: dropped with it.
    assert_eq!(request(&mut k, task, fd, &port_router(14, 2)), 0);
    assert_eq!(datagrams(&mut k, task, mdb), [router_message("54")]);
    let release = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 15, 0)
        .header(&ifi(0, 3))
        .u32(IFLA_MASTER, 0)
        .build();
    assert_eq!(request(&mut k, task, fd, &release), 0);
    assert_eq!(datagrams(&mut k, task, mdb), [router_message("55")]);
}

#[test]
fn the_dump_shows_a_router_port_unless_the_bridge_itself_routes_nothing() {
    let (mut k, task, fd) = bridge_with_port();
    assert_eq!(request(&mut k, task, fd, &port_router(10, 2)), 0);
    let dump = MessageBuilder::new(RTM_GETMDB, NLM_F_REQUEST | NLM_F_DUMP, 20, 0)
        .header(&[PF_BRIDGE, 0, 0, 0, 0, 0, 0, 0])
        .build();
    k.sys_sendto(task, fd, &dump, 0, None).unwrap();
    let got = datagrams(&mut k, task, fd);
    // br0's message (family 0): an empty MDBA_MDB, then MDBA_ROUTER with va: its index,
    // timer 0, type 2 (permanent), the IPv4 and IPv6 timers 0 (the bytes 6.18.44 sent).
    let msg = &got[0][..0x48];
    assert_eq!(
        &msg[nltwin_wire::nlmsg::HEADER_LEN..],
        &hex(
            "0000000004000000040001002c0002002800010003000000080001000000000005000200\
             0200000008000300000000000800040000000000"
        )[..]
    );
    assert_eq!(got.len(), 2, "NLMSG_DONE alone");
    // The bridge's own router setting disabled: no MDBA_ROUTER.
    let off = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 21, 0)
        .header(&ifi(0, 4))
        .nest(IFLA_LINKINFO, |b| {
            b.str(IFLA_INFO_KIND, "bridge")
                .nest(IFLA_INFO_DATA, |b| b.u8(IFLA_BR_MCAST_ROUTER, 0))
        })
        .build();
    assert_eq!(request(&mut k, task, fd, &off), 0);
    k.sys_sendto(task, fd, &dump, 0, None).unwrap();
    let got = datagrams(&mut k, task, fd);
    assert_eq!(
        &got[0][nltwin_wire::nlmsg::HEADER_LEN..],
        &hex("000000000400000004000100")[..]
    );
}
