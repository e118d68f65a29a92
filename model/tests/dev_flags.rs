//! Link flags and up/down through the model's system calls: lo up and down with their one
//! notification each and IPv6 readiness after; a veth with its peer down comes up without
//! carrier; what the model does not model says so (`unimplemented`), never a made-up answer.

mod common;
use common::{group_bit, veth_pair};
use nltwin_model::uapi::if_::*;
use nltwin_model::uapi::if_bridge::{BR_STATE_DISABLED, BR_STATE_FORWARDING};
use nltwin_model::uapi::if_link::*;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Errno, Kernel, SysError, TaskId};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::{ifinfomsg, nlmsgerr, scalar, MessageBuilder};

/// An `ifinfomsg` for `index`, everything else zero.
fn ifi(index: i32) -> [u8; ifinfomsg::LEN] {
    ifinfomsg::Repr {
        index,
        ..Default::default()
    }
    .to_bytes()
}

/// RTM_NEWLINK for `index` changing `change` to `flags`, with an ack.
fn set_flags(index: i32, flags: u32, change: u32) -> Vec<u8> {
    let ifi = ifinfomsg::Repr {
        index,
        flags,
        change,
        ..Default::default()
    };
    MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
        .header(&ifi.to_bytes())
        .build()
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
    let m = Messages::new(&buf[..r.ret]).next().expect("a message");
    -nlmsgerr::error_code(m.payload()).expect("an error code")
}

/// The first message of a datagram and its `ifinfomsg`.
fn link_message(d: &[u8]) -> (u16, ifinfomsg::Repr) {
    let m = Messages::new(d).next().expect("a message");
    let ifi = ifinfomsg::Repr::parse_bytes(m.payload()).expect("an ifinfomsg");
    (m.msg_type(), ifi)
}

/// (ifi_flags, ifi_change) of each notification queued on `fd`.
fn notifications(k: &mut Kernel, task: TaskId, fd: i32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 32768];
    while let Ok(r) = k.sys_recvfrom(task, fd, &mut buf, 0) {
        assert!(r.ret > 32);
        let (_, ifi) = link_message(&buf[..r.ret]);
        out.push((ifi.flags, ifi.change));
    }
    out
}

#[test]
fn lo_up_then_down_notifies_once_each_and_a_repeat_is_silent() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let listener = socket(&mut k, task, group_bit(RTNLGRP_LINK));
    let fd = socket(&mut k, task, 0);
    k.sys_sendto(task, fd, &set_flags(1, IFF_UP, IFF_UP), 0, None)
        .unwrap();
    assert_eq!(ack(&mut k, task, fd), 0);
    let up = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP;
    assert_eq!(notifications(&mut k, task, listener), [(up, IFF_UP)]);
    // Up again: acked, nothing changed, nothing announced.
    k.sys_sendto(task, fd, &set_flags(1, IFF_UP, IFF_UP), 0, None)
        .unwrap();
    assert_eq!(ack(&mut k, task, fd), 0);
    assert!(notifications(&mut k, task, listener).is_empty());
    k.sys_sendto(task, fd, &set_flags(1, 0, IFF_UP), 0, None)
        .unwrap();
    assert_eq!(ack(&mut k, task, fd), 0);
    assert_eq!(
        notifications(&mut k, task, listener),
        [(IFF_LOOPBACK, IFF_UP)]
    );
}

#[test]
fn an_mdb_listener_hears_nothing_of_link_changes() {
    let (mut k, task) = Kernel::sandboxed(4242);
    // Devices coming up send nothing to RTNLGRP_MDB (only a bridge's groups and router
    // ports do, which no link change here makes), and the change goes through.
    let mdb_listener = socket(&mut k, task, group_bit(RTNLGRP_MDB));
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &set_flags(1, IFF_UP, IFF_UP)), 0);
    assert!(notifications(&mut k, task, mdb_listener).is_empty());
}

#[test]
fn promisc_through_the_flags_is_the_users_and_counts_once() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let listener = socket(&mut k, task, group_bit(RTNLGRP_LINK));
    let fd = socket(&mut k, task, 0);
    for _ in 0..2 {
        assert_eq!(
            request(&mut k, task, fd, &set_flags(1, IFF_PROMISC, IFF_PROMISC)),
            0
        );
    }
    // Announced once (the repeat changes nothing), PROMISC in the flags, counted once.
    assert_eq!(
        notifications(&mut k, task, listener),
        [(IFF_LOOPBACK | IFF_PROMISC, IFF_PROMISC)]
    );
    let lo = k.dev(k.task(task).net, 1).expect("lo");
    assert_eq!((lo.promiscuity, lo.gflags), (1, IFF_PROMISC));
    assert_eq!(request(&mut k, task, fd, &set_flags(1, 0, IFF_PROMISC)), 0);
    assert_eq!(
        notifications(&mut k, task, listener),
        [(IFF_LOOPBACK, IFF_PROMISC)]
    );
    let lo = k.dev(k.task(task).net, 1).expect("lo");
    assert_eq!((lo.promiscuity, lo.gflags), (0, 0));
}

/// RTM_NEWLINK creating veth "va" with peer "vb" (ifindex 2 and 3 in a fresh namespace).
fn create_veth_pair() -> Vec<u8> {
    veth_pair(1, "va", "vb", None).build()
}

/// (type, ifindex, ifi_flags, ifi_change) of each notification queued on `fd`.
fn link_events(k: &mut Kernel, task: TaskId, fd: i32) -> Vec<(u16, i32, u32, u32)> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 32768];
    while let Ok(r) = k.sys_recvfrom(task, fd, &mut buf, 0) {
        assert!(r.ret > 32);
        let (ty, ifi) = link_message(&buf[..r.ret]);
        out.push((ty, ifi.index, ifi.flags, ifi.change));
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
    let listener = socket(&mut k, task, group_bit(RTNLGRP_LINK));
    let base = IFF_BROADCAST | IFF_MULTICAST; // (IFF_UP later)
    let (va, vb) = (3, 2);
    assert_eq!(request(&mut k, task, fd, &set_flags(vb, IFF_UP, IFF_UP)), 0);
    assert_eq!(
        link_events(&mut k, task, listener),
        [(RTM_NEWLINK, vb, base | IFF_UP | IFF_RUNNING, IFF_UP)],
        "the first side comes up without carrier, RUNNING while link watch holds the \
         carrier-off of its creation (its operstate is still UNKNOWN)"
    );
    k.advance(999_000_000).unwrap();
    assert!(link_events(&mut k, task, listener).is_empty());
    k.advance(40_000_000).unwrap();
    assert_eq!(
        link_events(&mut k, task, listener),
        [(RTM_NEWLINK, vb, base | IFF_UP, 0)],
        "a second after link watch last ran, it settles vb: LOWERLAYERDOWN, not RUNNING"
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
    let del = MessageBuilder::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 2, 0)
        .header(&ifi(va))
        .build();
    assert_eq!(request(&mut k, task, fd, &del), 0);
    assert_eq!(
        link_events(&mut k, task, listener),
        [
            (RTM_NEWLINK, va, base, IFF_UP | IFF_RUNNING),
            (RTM_NEWLINK, vb, base, IFF_UP | IFF_RUNNING),
            (RTM_DELLINK, va, base, !0),
            (RTM_DELLINK, vb, base, !0),
        ]
    );
    assert!(!k.linkwatch_pending(), "no event outlives its device");
}

#[test]
fn a_veth_carrier_change_with_an_mdb_listener_tells_it_nothing() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    assert_eq!(request(&mut k, task, fd, &set_flags(2, IFF_UP, IFF_UP)), 0);
    // RTNLGRP_MDB hears of a bridge's groups and router ports only, never of a veth.
    let mdb = socket(&mut k, task, group_bit(RTNLGRP_MDB));
    assert_eq!(request(&mut k, task, fd, &set_flags(3, IFF_UP, IFF_UP)), 0);
    let va = k.dev(k.task(task).net, 3).expect("va");
    assert!(va.flags & IFF_UP != 0 && va.carrier, "{va:?}");
    let mut buf = vec![0u8; 4096];
    assert_eq!(
        k.sys_recvfrom(task, mdb, &mut buf, 0).map(|r| r.ret),
        Err(SysError::Errno(Errno::EAGAIN))
    );
}

/// `b` with IFLA_AF_SPEC holding `family`'s nest, and in it IFLA_INET6_ADDR_GEN_MODE `mode`
/// when given.
fn af_spec(b: MessageBuilder, family: u8, mode: Option<u8>) -> MessageBuilder {
    b.nest(IFLA_AF_SPEC, |b| {
        b.nest(family.into(), |b| match mode {
            Some(mode) => b.u8(IFLA_INET6_ADDR_GEN_MODE, mode),
            None => b,
        })
    })
}

#[test]
fn af_spec_sets_ipv6_address_generation_and_is_refused_at_creation() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let fd = socket(&mut k, task, 0);
    // A device being created has no IPv6 yet: EAFNOSUPPORT.
    let create = af_spec(
        veth_pair(1, "va", "vb", None),
        AF_INET6,
        Some(IN6_ADDR_GEN_MODE_NONE),
    )
    .build();
    assert_eq!(request(&mut k, task, fd, &create), Errno::EAFNOSUPPORT.0);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    let setlink = |index: i32, family: u8, mode: Option<u8>| {
        let b =
            MessageBuilder::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, 0).header(&ifi(index));
        af_spec(b, family, mode).build()
    };
    let none = setlink(3, AF_INET6, Some(IN6_ADDR_GEN_MODE_NONE));
    assert_eq!(request(&mut k, task, fd, &none), 0);
    let va = k.dev(k.task(task).net, 3).expect("va");
    assert_eq!(
        va.ip6_ptr.as_ref().unwrap().addr_gen_mode(),
        IN6_ADDR_GEN_MODE_NONE
    );
    // Mode 4 does not exist; AF_BRIDGE cannot set; family 99 is unknown.
    let bad = setlink(3, AF_INET6, Some(4));
    assert_eq!(request(&mut k, task, fd, &bad), Errno::EINVAL.0);
    assert_eq!(
        request(&mut k, task, fd, &setlink(3, AF_BRIDGE, None)),
        Errno::EOPNOTSUPP.0
    );
    assert_eq!(
        request(&mut k, task, fd, &setlink(3, 99, None)),
        Errno::EAFNOSUPPORT.0
    );
}

/// RTM_NEWLINK creating the bridge "br0", with IFLA_ADDRESS `address` when given.
fn create_bridge(seq: u32, address: Option<[u8; 6]>) -> Vec<u8> {
    let b = MessageBuilder::new(
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE,
        seq,
        0,
    )
    .header(&ifi(0))
    .str(IFLA_IFNAME, "br0");
    let b = match address {
        Some(a) => b.attr(IFLA_ADDRESS, &a),
        None => b,
    };
    b.nest(IFLA_LINKINFO, |b| b.str(IFLA_INFO_KIND, "bridge"))
        .build()
}

#[test]
fn a_bridge_coming_up_forwards_through_its_operational_ports_and_gets_carrier() {
    let (mut k, task) = Kernel::sandboxed(4242);
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    // br0 (ifindex 4) with a fixed address.
    let create = create_bridge(2, Some([2, 0, 0, 0, 0, 9]));
    assert_eq!(request(&mut k, task, fd, &create), 0);
    let enslave = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 3, 0)
        .header(&ifi(3))
        .u32(IFLA_MASTER, 4)
        .build();
    assert_eq!(request(&mut k, task, fd, &enslave), 0);
    for index in [2, 3, 4] {
        assert_eq!(
            request(&mut k, task, fd, &set_flags(index, IFF_UP, IFF_UP)),
            0
        );
    }
    let net = k.task(task).net;
    let (va, br0) = (k.dev(net, 3).unwrap(), k.dev(net, 4).unwrap());
    assert_eq!(
        va.br_port().map(|p| p.state),
        Some(BR_STATE_FORWARDING),
        "forwarding"
    );
    assert!(
        br0.carrier && br0.dev_get_flags() & IFF_RUNNING != 0,
        "{br0:?}"
    );
    // Down again: the port is disabled, its timer stopped, and the bridge loses its carrier.
    assert_eq!(request(&mut k, task, fd, &set_flags(4, 0, IFF_UP)), 0);
    let net = k.task(task).net;
    let (va, br0) = (k.dev(net, 3).unwrap(), k.dev(net, 4).unwrap());
    assert_eq!(
        va.br_port().map(|p| (p.state, p.timers.forward_delay)),
        Some((BR_STATE_DISABLED, None))
    );
    assert!(!br0.carrier);
}

#[test]
fn a_new_bridge_announces_its_own_address_entry_to_neigh_listeners() {
    let (mut k, task) = Kernel::sandboxed(4242);
    // RTNLGRP_NEIGH: the kernel announces the new bridge's own address entry there
    // (`br_fdb_change_mac_address` at NETDEV_REGISTER).
    let neigh = socket(&mut k, task, group_bit(RTNLGRP_NEIGH));
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &create_bridge(2, None)), 0);
    let mut buf = vec![0u8; 4096];
    let r = k.sys_recvfrom(task, neigh, &mut buf, 0).unwrap();
    let m = nltwin_wire::nlmsg::Messages::new(&buf[..r.ret])
        .next()
        .unwrap();
    assert_eq!(m.msg_type(), RTM_NEWNEIGH);
    let ndm = nltwin_wire::ndmsg::Repr::parse_bytes(m.payload()).unwrap();
    assert_eq!((ndm.family, ndm.state), (PF_BRIDGE, 0x80));
    let br0 = k
        .devices(k.task(task).net)
        .find(|d| d.name == "br0")
        .unwrap();
    assert_eq!(ndm.ifindex as u32, br0.ifindex);
    let lladdr = nltwin_wire::nla::Attrs::new(&m.payload()[nltwin_wire::ndmsg::LEN..])
        .find(nltwin_model::uapi::neighbour::NDA_LLADDR)
        .unwrap();
    assert_eq!(lladdr.payload(), &br0.addr[..]);
}

#[test]
fn listeners_of_groups_link_changes_do_not_reach_leave_them_modeled() {
    let (mut k, task) = Kernel::sandboxed(4242);
    // RTNLGRP_BRVLAN (33), joined by ADD_MEMBERSHIP on a bound socket (an unbound one, port
    // id 0, would hear no notification at all): creating a veth tells it nothing.
    let brvlan = socket(&mut k, task, 0);
    k.sys_setsockopt(
        task,
        brvlan,
        SOL_NETLINK,
        NETLINK_ADD_MEMBERSHIP,
        &scalar::u32_bytes(RTNLGRP_BRVLAN),
    )
    .unwrap();
    let fd = socket(&mut k, task, 0);
    assert_eq!(request(&mut k, task, fd, &create_veth_pair()), 0);
    let mut buf = vec![0u8; 4096];
    assert_eq!(
        k.sys_recvfrom(task, brvlan, &mut buf, 0).map(|r| r.ret),
        Err(SysError::Errno(Errno::EAGAIN))
    );
    // RTNLGRP_MDB: the kernel tells it of a bridge's multicast database only; deleting the
    // pair tells it nothing.
    let mdb = socket(&mut k, task, group_bit(RTNLGRP_MDB));
    let del = MessageBuilder::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 2, 0)
        .header(&ifi(3))
        .build();
    assert_eq!(request(&mut k, task, fd, &del), 0);
    assert_eq!(
        k.sys_recvfrom(task, mdb, &mut buf, 0).map(|r| r.ret),
        Err(SysError::Errno(Errno::EAGAIN))
    );
}
