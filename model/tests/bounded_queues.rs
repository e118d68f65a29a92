//! A listener that never reads holds at most its receive buffer, however many notifications
//! the namespace produces: the rest are dropped and counted, and its next receive reports
//! ENOBUFS once (`netlink_broadcast_deliver` refusing past `sk_rcvbuf`, `netlink_overrun`).

mod common;

use common::{group_bit, veth_pair};
use nltwin_model::uapi::{netlink::*, rtnetlink::*, socket::*};
use nltwin_model::{Errno, Kernel, SysError};
use nltwin_wire::nlmsg;

#[test]
fn a_listener_that_never_reads_stays_within_its_rcvbuf() {
    let (mut k, t) = Kernel::sandboxed(100);
    let fd = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    let deaf = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    let groups = group_bit(RTNLGRP_LINK);
    k.sys_bind(t, deaf, &SockaddrNl::new(0, groups).to_bytes())
        .unwrap();
    let portid = k.sys_getsockname(t, deaf).unwrap().pid;
    let mut buf = vec![0u8; 65536];
    let mut most = 0;
    for i in 0..600 {
        let req = veth_pair(i + 1, &format!("a{i}"), &format!("b{i}"), None).build();
        k.sys_sendto(t, fd, &req, 0, None).unwrap();
        k.sys_recvfrom(t, fd, &mut buf, 0).unwrap();
        let (_, sk) = k.sockets().find(|(_, s)| s.portid == portid).unwrap();
        most = most.max(sk.rmem_alloc);
    }
    let (_, sk) = k.sockets().find(|(_, s)| s.portid == portid).unwrap();
    let (rcvbuf, queued, drops) = (sk.rcvbuf as usize, sk.receive_queue.len(), sk.drops);
    // A notification is delivered while the queue is at or under rcvbuf, so the queue ends
    // at most one notification past it; 600 pairs make over a megabyte of notifications.
    assert!(
        most <= rcvbuf + 4096,
        "queued {most} bytes, rcvbuf {rcvbuf}"
    );
    assert!(drops > 0, "nothing was dropped");
    assert_eq!(
        k.sys_recvfrom(t, deaf, &mut buf, 0),
        Err(SysError::Errno(Errno::ENOBUFS))
    );
    // The error is reported once; then what was queued is read, in order, all of it.
    let mut read = 0;
    while let Ok(r) = k.sys_recvfrom(t, deaf, &mut buf, MSG_DONTWAIT) {
        let m = nlmsg::Packet::new_checked(&buf[..r.ret]).unwrap();
        assert_eq!(m.msg_type(), RTM_NEWLINK);
        read += 1;
    }
    assert_eq!(read, queued);
}
