//! ifb, the kind registered as one driver file: what the model creates like the kernel (the
//! bundled scenario `ifb_create_change_up_down_delete` compares it byte for byte), and where
//! it answers `unimplemented` instead of guessing.

use nltwin_model::cred::Cred;
use nltwin_model::uapi::if_::IFF_UP;
use nltwin_model::uapi::if_link::*;
use nltwin_model::uapi::netlink::*;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::socket::SOCK_RAW;
use nltwin_model::{Errno, Kernel, SysError, TaskId};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::{ifinfomsg, nlmsgerr, scalar, MessageBuilder};

/// Send `msg` on a fresh ROUTE socket and return the error code of its ack.
fn request(k: &mut Kernel, task: TaskId, msg: &[u8]) -> Result<i32, SysError> {
    let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_sendto(task, fd, msg, 0, None)?;
    let mut buf = vec![0u8; 65536];
    loop {
        let r = k.sys_recvfrom(task, fd, &mut buf, 0).unwrap();
        for m in Messages::new(&buf[..r.ret]) {
            if m.msg_type() == NLMSG_ERROR {
                return Ok(nlmsgerr::error_code(m.payload()).unwrap());
            }
        }
    }
}

fn new_ifb(name: &str, extra: impl FnOnce(MessageBuilder) -> MessageBuilder) -> Vec<u8> {
    let m = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, 1, 0)
        .header(&ifinfomsg::Repr::default().to_bytes())
        .str(IFLA_IFNAME, name)
        .nest(IFLA_LINKINFO, |b| b.str(IFLA_INFO_KIND, "ifb"));
    extra(m).build()
}

fn set_up(index: i32) -> Vec<u8> {
    let ifi = ifinfomsg::Repr {
        index,
        flags: IFF_UP,
        change: IFF_UP,
        ..Default::default()
    };
    MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 2, 0)
        .header(&ifi.to_bytes())
        .build()
}

#[test]
fn the_kind_is_registered_and_its_devices_come_up_with_the_default_qdisc() {
    let (mut k, task) = Kernel::sandboxed(4242);
    assert!(k.link_kinds().any(|kind| kind == "ifb"));
    assert_eq!(request(&mut k, task, &new_ifb("ifb0", |m| m)), Ok(0));
    assert_eq!(request(&mut k, task, &set_up(2)), Ok(0));
    let dev = k.dev(k.task(task).net, 2).expect("ifb0");
    assert_eq!(
        (dev.kind(), dev.qdisc, dev.txqlen),
        (Some("ifb"), "pfifo_fast", 32)
    );
}

#[test]
fn a_multiqueue_ifb_coming_up_is_unimplemented() {
    // The kernel gives it an `mq` root with a child qdisc per queue.
    let (mut k, task) = Kernel::sandboxed(4242);
    let two_queues = new_ifb("ifb0", |m| m.u32(IFLA_NUM_TX_QUEUES, 2));
    assert_eq!(request(&mut k, task, &two_queues), Ok(0));
    let r = request(&mut k, task, &set_up(2));
    assert!(
        matches!(&r, Err(SysError::Unimplemented(w)) if w.what().contains("mq")),
        "{r:?}"
    );
}

#[test]
fn an_ifb_as_a_bridge_port_is_unimplemented() {
    // The bridge would take the ifb's features, which the model does not know.
    let (mut k, task) = Kernel::sandboxed(4242);
    let bridge = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, 1, 0)
        .header(&ifinfomsg::Repr::default().to_bytes())
        .str(IFLA_IFNAME, "br0")
        .nest(IFLA_LINKINFO, |b| b.str(IFLA_INFO_KIND, "bridge"))
        .build();
    assert_eq!(request(&mut k, task, &bridge), Ok(0));
    let port = new_ifb("ifb0", |m| m.u32(IFLA_MASTER, 2));
    let r = request(&mut k, task, &port);
    assert!(
        matches!(&r, Err(SysError::Unimplemented(w)) if w.what().contains("other than veths")),
        "{r:?}"
    );
}

#[test]
fn multicast_routing_groups_need_net_admin_over_the_namespace() {
    // rtnetlink_bind: RTNLGRP_IPV4_MROUTE_R and RTNLGRP_IPV6_MROUTE_R (30, 31), checked by
    // their numbers; RTNLGRP_NEXTHOP (32) is open to anyone.
    let (mut k, root) = Kernel::sandboxed(4242);
    let net = k.task(root).net;
    let nobody = k.spawn_task(
        77,
        net,
        Cred {
            euid: 65534,
            egid: 65534,
            user_ns: nltwin_model::kernel::INIT_USER_NS,
            cap_effective: 0,
        },
    );
    for (task, group, want) in [
        (nobody, RTNLGRP_IPV4_MROUTE_R, Err(Errno::EPERM)),
        (nobody, RTNLGRP_IPV6_MROUTE_R, Err(Errno::EPERM)),
        (nobody, RTNLGRP_NEXTHOP, Ok(())),
        (root, RTNLGRP_IPV4_MROUTE_R, Ok(())),
    ] {
        let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
        let r = k.sys_setsockopt(
            task,
            fd,
            SOL_NETLINK,
            NETLINK_ADD_MEMBERSHIP,
            &scalar::u32_bytes(group),
        );
        assert_eq!(
            r.map_err(|e| match e {
                SysError::Errno(e) => e,
                other => panic!("{other:?}"),
            }),
            want,
            "group {group}"
        );
    }
}
