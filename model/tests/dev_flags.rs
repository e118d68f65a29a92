//! Link flags and up/down through the model's system calls: lo up and down with their one
//! notification each and IPv6 readiness after; a veth with its peer down comes up without
//! carrier; what the model does not model says so (`unimplemented`), never a made-up answer.

mod common;
use common::{attr, nlmsg};
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, SysError, TaskId};

const RTM_NEWLINK: u16 = 16;
const IFF_UP: u32 = 1;
const IFF_RUNNING: u32 = 0x40;
const IFF_LOWER_UP: u32 = 0x1_0000;

/// RTM_NEWLINK for `index` changing `change` to `flags`, with an ack.
fn set_flags(index: i32, flags: u32, change: u32) -> Vec<u8> {
    let mut p = vec![0u8; 16];
    p[4..8].copy_from_slice(&index.to_ne_bytes());
    p[8..12].copy_from_slice(&flags.to_ne_bytes());
    p[12..16].copy_from_slice(&change.to_ne_bytes());
    nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &p)
}

fn socket(k: &mut Kernel, task: TaskId, groups: u32) -> i32 {
    let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_bind(task, fd, &SockaddrNl::new(0, groups).to_bytes())
        .unwrap();
    fd
}

/// The errno of the ack on `fd`.
fn ack(k: &mut Kernel, task: TaskId, fd: i32) -> i32 {
    let mut buf = vec![0u8; 4096];
    let r = k.sys_recvfrom(task, fd, &mut buf, 0).unwrap();
    assert!(r.ret >= 20);
    -i32::from_ne_bytes(buf[16..20].try_into().unwrap())
}

/// (ifi_flags, ifi_change) of each notification queued on `fd`.
fn notifications(k: &mut Kernel, task: TaskId, fd: i32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 32768];
    while let Ok(r) = k.sys_recvfrom(task, fd, &mut buf, 0) {
        let w = |at: usize| u32::from_ne_bytes(buf[at..at + 4].try_into().unwrap());
        out.push((w(24), w(28)));
        assert!(r.ret > 32);
    }
    out
}

#[test]
fn lo_up_then_down_notifies_once_each_and_a_repeat_is_silent() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let listener = socket(&mut k, task, 1);
    let fd = socket(&mut k, task, 0);
    k.sys_sendto(task, fd, &set_flags(1, IFF_UP, IFF_UP), 0, None)
        .unwrap();
    assert_eq!(ack(&mut k, task, fd), 0);
    let up = IFF_UP | 0x8 | IFF_RUNNING | IFF_LOWER_UP;
    assert_eq!(notifications(&mut k, task, listener), [(up, IFF_UP)]);
    // Up again: acked, nothing changed, nothing announced.
    k.sys_sendto(task, fd, &set_flags(1, IFF_UP, IFF_UP), 0, None)
        .unwrap();
    assert_eq!(ack(&mut k, task, fd), 0);
    assert!(notifications(&mut k, task, listener).is_empty());
    k.sys_sendto(task, fd, &set_flags(1, 0, IFF_UP), 0, None)
        .unwrap();
    assert_eq!(ack(&mut k, task, fd), 0);
    assert_eq!(notifications(&mut k, task, listener), [(0x8, IFF_UP)]);
}

#[test]
fn what_is_not_modeled_answers_unimplemented() {
    let (mut k, task) = Kernel::sandboxed(4242);
    // A listener of RTNLGRP_IPV4_IFADDR (5) would get 127.0.0.1 from the kernel.
    let _addr_listener = socket(&mut k, task, 1 << 4);
    let fd = socket(&mut k, task, 0);
    let r = k.sys_sendto(task, fd, &set_flags(1, IFF_UP, IFF_UP), 0, None);
    assert!(
        matches!(&r, Err(SysError::Unimplemented(w)) if w.what().contains("_IPV4_IFADDR")),
        "{r:?}"
    );
}

#[test]
fn promisc_through_the_flags_is_the_users_and_counts_once() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let listener = socket(&mut k, task, 1);
    let fd = socket(&mut k, task, 0);
    const IFF_PROMISC: u32 = 0x100;
    for _ in 0..2 {
        assert_eq!(
            request(&mut k, task, fd, &set_flags(1, IFF_PROMISC, IFF_PROMISC)),
            0
        );
    }
    // Announced once (the repeat changes nothing), PROMISC in the flags, counted once.
    assert_eq!(
        notifications(&mut k, task, listener),
        [(0x8 | IFF_PROMISC, IFF_PROMISC)]
    );
    let lo = k.dev(k.task(task).net, 1).expect("lo");
    assert_eq!((lo.promiscuity, lo.gflags), (1, IFF_PROMISC));
    assert_eq!(request(&mut k, task, fd, &set_flags(1, 0, IFF_PROMISC)), 0);
    assert_eq!(notifications(&mut k, task, listener), [(0x8, IFF_PROMISC)]);
    let lo = k.dev(k.task(task).net, 1).expect("lo");
    assert_eq!((lo.promiscuity, lo.gflags), (0, 0));
}

/// RTM_NEWLINK creating veth "va" with peer "vb" (ifindex 2 and 3 in a fresh namespace).
fn create_veth_pair() -> Vec<u8> {
    let mut peer = vec![0u8; 16];
    peer.extend(attr(3, b"vb\0"));
    let mut info = attr(1, b"veth\0");
    info.extend(attr(2, &attr(1, &peer)));
    let mut p = vec![0u8; 16];
    p.extend(attr(3, b"va\0"));
    p.extend(attr(18, &info));
    nlmsg(
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        1,
        &p,
    )
}

/// (type, ifindex, ifi_flags, ifi_change) of each notification queued on `fd`.
fn link_events(k: &mut Kernel, task: TaskId, fd: i32) -> Vec<(u16, i32, u32, u32)> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 32768];
    while let Ok(r) = k.sys_recvfrom(task, fd, &mut buf, 0) {
        assert!(r.ret > 32);
        let w = |at: usize| u32::from_ne_bytes(buf[at..at + 4].try_into().unwrap());
        let ty = u16::from_ne_bytes([buf[4], buf[5]]);
        out.push((ty, w(20) as i32, w(24), w(28)));
    }
    out
}

fn request(k: &mut Kernel, task: TaskId, fd: i32, msg: &[u8]) -> i32 {
    k.sys_sendto(task, fd, msg, 0, None).unwrap();
    ack(k, task, fd)
}

#[test]
fn a_veth_pair_coming_up_gets_carrier_and_link_watch_announces_both_settled() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    let listener = socket(&mut k, task, 1);
    let base = 0x1002; // BROADCAST | MULTICAST | (IFF_UP later)
    let (va, vb) = (3, 2);
    assert_eq!(request(&mut k, task, fd, &set_flags(vb, IFF_UP, IFF_UP)), 0);
    assert_eq!(
        link_events(&mut k, task, listener),
        [(RTM_NEWLINK, vb, base | IFF_UP, IFF_UP)],
        "the first side comes up without carrier"
    );
    assert_eq!(request(&mut k, task, fd, &set_flags(va, IFF_UP, IFF_UP)), 0);
    let running = base | IFF_UP | IFF_RUNNING | IFF_LOWER_UP;
    assert_eq!(
        link_events(&mut k, task, listener),
        [
            // Built before link watch ran: carrier on, not yet operationally up.
            (RTM_NEWLINK, va, base | IFF_UP | IFF_LOWER_UP, IFF_UP),
            // Link watch, in the order the carriers came on: the device, then its peer.
            (RTM_NEWLINK, va, running, 0),
            (RTM_NEWLINK, vb, running, 0),
        ]
    );
    assert_eq!(request(&mut k, task, fd, &set_flags(va, 0, IFF_UP)), 0);
    assert_eq!(
        link_events(&mut k, task, listener),
        [
            (RTM_NEWLINK, va, base, IFF_UP),
            (RTM_NEWLINK, vb, base | IFF_UP, 0),
        ],
        "the peer that stays up loses its carrier; the closed side is not announced again"
    );
    assert_eq!(request(&mut k, task, fd, &set_flags(va, IFF_UP, IFF_UP)), 0);
    assert_eq!(link_events(&mut k, task, listener).len(), 3);
    // Deleting the pair while both are up closes both first (change UP|RUNNING), then
    // announces the deletions.
    let mut del = vec![0u8; 16];
    del[4..8].copy_from_slice(&va.to_ne_bytes());
    let del = nlmsg(17, NLM_F_REQUEST | NLM_F_ACK, 2, &del);
    assert_eq!(request(&mut k, task, fd, &del), 0);
    assert_eq!(
        link_events(&mut k, task, listener),
        [
            (RTM_NEWLINK, va, base, IFF_UP | IFF_RUNNING),
            (RTM_NEWLINK, vb, base, IFF_UP | IFF_RUNNING),
            (17, va, base, !0),
            (17, vb, base, !0),
        ]
    );
    assert!(!k.linkwatch_pending(), "no event outlives its device");
}

#[test]
fn a_veth_carrier_change_with_address_or_route_listeners_is_unimplemented_and_changes_nothing() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    assert_eq!(request(&mut k, task, fd, &set_flags(2, IFF_UP, IFF_UP)), 0);
    // RTNLGRP_IPV6_ROUTE (11): the kernel would announce the routes IPv6 adds.
    let _routes = socket(&mut k, task, 1 << 10);
    let r = k.sys_sendto(task, fd, &set_flags(3, IFF_UP, IFF_UP), 0, None);
    assert!(
        matches!(&r, Err(SysError::Unimplemented(w)) if w.what().contains("_IPV6_ROUTE")),
        "{r:?}"
    );
    let va = k.dev(k.task(task).net, 3).expect("va");
    assert!(va.flags & IFF_UP == 0 && !va.carrier, "{va:?}");
}

#[test]
fn af_spec_sets_ipv6_address_generation_and_is_refused_at_creation() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let fd = socket(&mut k, task, 0);
    let af_spec = |family: u16, inner: &[u8]| attr(26, &attr(family, inner));
    // A device being created has no IPv6 yet: EAFNOSUPPORT.
    let mut create = create_veth_pair();
    let extra = af_spec(10, &attr(8, &[1]));
    create.extend_from_slice(&extra);
    let len = create.len() as u32;
    create[0..4].copy_from_slice(&len.to_ne_bytes());
    assert_eq!(request(&mut k, task, fd, &create), 97);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    let setlink = |index: i32, attrs: &[u8]| {
        let mut p = vec![0u8; 16];
        p[4..8].copy_from_slice(&index.to_ne_bytes());
        p.extend_from_slice(attrs);
        nlmsg(19, NLM_F_REQUEST | NLM_F_ACK, 3, &p)
    };
    // IFLA_INET6_ADDR_GEN_MODE none (1).
    let none = af_spec(10, &attr(8, &[1]));
    assert_eq!(request(&mut k, task, fd, &setlink(3, &none)), 0);
    let va = k.dev(k.task(task).net, 3).expect("va");
    assert_eq!(i32::from(va.inet6.addr_gen_mode()), 1);
    // Mode 4 does not exist; AF_BRIDGE cannot set; family 99 is unknown.
    let bad = af_spec(10, &attr(8, &[4]));
    assert_eq!(request(&mut k, task, fd, &setlink(3, &bad)), 22);
    assert_eq!(request(&mut k, task, fd, &setlink(3, &af_spec(7, &[]))), 95);
    assert_eq!(
        request(&mut k, task, fd, &setlink(3, &af_spec(99, &[]))),
        97
    );
}

#[test]
fn a_bridge_coming_up_forwards_through_its_operational_ports_and_gets_carrier() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    // br0 (ifindex 4) with a fixed address.
    let mut p = vec![0u8; 16];
    p.extend(attr(3, b"br0\0"));
    p.extend(attr(1, &[2, 0, 0, 0, 0, 9]));
    p.extend(attr(18, &attr(1, b"bridge\0")));
    let create = nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, 2, &p);
    assert_eq!(request(&mut k, task, fd, &create), 0);
    let mut enslave = vec![0u8; 16];
    enslave[4..8].copy_from_slice(&3i32.to_ne_bytes());
    enslave.extend(attr(10, &4u32.to_ne_bytes()));
    let enslave = nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 3, &enslave);
    assert_eq!(request(&mut k, task, fd, &enslave), 0);
    for index in [2, 3, 4] {
        assert_eq!(
            request(&mut k, task, fd, &set_flags(index, IFF_UP, IFF_UP)),
            0
        );
    }
    let net = k.task(task).net;
    let (va, br0) = (k.dev(net, 3).unwrap(), k.dev(net, 4).unwrap());
    assert_eq!(va.br_port().map(|p| p.state), Some(3), "forwarding");
    assert!(
        br0.carrier && br0.dev_get_flags() & IFF_RUNNING != 0,
        "{br0:?}"
    );
    // Down again: the port is disabled, its timer stopped, and the bridge loses its carrier.
    assert_eq!(request(&mut k, task, fd, &set_flags(4, 0, IFF_UP)), 0);
    let net = k.task(task).net;
    let (va, br0) = (k.dev(net, 3).unwrap(), k.dev(net, 4).unwrap());
    assert_eq!(
        va.br_port().map(|p| (p.state, p.forward_delay_timer)),
        Some((0, 0))
    );
    assert!(!br0.carrier);
}

#[test]
fn bridges_beside_forwarding_database_listeners_are_unimplemented() {
    let (mut k, task) = Kernel::sandboxed(4242);
    // RTNLGRP_NEIGH (3): the kernel announces the new bridge's own address entry there.
    let _neigh = socket(&mut k, task, 1 << 2);
    let fd = socket(&mut k, task, 0);
    let mut p = vec![0u8; 16];
    p.extend(attr(3, b"br0\0"));
    p.extend(attr(18, &attr(1, b"bridge\0")));
    let create = nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, 2, &p);
    let r = k.sys_sendto(task, fd, &create, 0, None);
    assert!(
        matches!(&r, Err(SysError::Unimplemented(w)) if w.what().contains("RTNLGRP_NEIGH")),
        "{r:?}"
    );
    assert!(!k.devices(k.task(task).net).any(|d| d.name == "br0"));
}

#[test]
fn listeners_of_groups_link_changes_do_not_reach_leave_them_modeled() {
    let (mut k, task) = Kernel::sandboxed(4242);
    // RTNLGRP_NEXTHOP (33), joined by ADD_MEMBERSHIP: creating a veth tells it nothing.
    let nexthop = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_setsockopt(
        task,
        nexthop,
        SOL_NETLINK,
        NETLINK_ADD_MEMBERSHIP,
        &33u32.to_ne_bytes(),
    )
    .unwrap();
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    // RTNLGRP_IPV4_NETCONF (24): the kernel announces every new device there; not modeled.
    let _netconf = socket(&mut k, task, 1 << 23);
    // (The same request again: the answer comes before any lookup.)
    let r = k.sys_sendto(task, fd, &create_veth_pair(), 0, None);
    assert!(
        matches!(&r, Err(SysError::Unimplemented(w)) if w.what().contains("_IPV4_NETCONF")),
        "{r:?}"
    );
}
