//! Moving a device to another network namespace (`__dev_change_net_namespace` behind
//! IFLA_NET_NS_FD, IFLA_NET_NS_PID and IFLA_TARGET_NETNSID): what each namespace's listeners
//! hear and in which order, the ids namespaces give each other (RTM_NEWNSID), a veth whose
//! peer lives elsewhere (IFLA_LINK_NETNSID), and the refusals.

mod common;
use common::{group_bit, veth_pair};
use nltwin_model::uapi::if_link::*;
use nltwin_model::uapi::net_namespace::NETNSA_NSID;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Errno, Kernel, NetId, TaskId};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::{ifinfomsg, nlmsgerr, MessageBuilder};

/// What a listener heard, one line per message: type, index, name and the namespace
/// attributes (IFLA_LINK, IFLA_LINK_NETNSID, IFLA_NEW_NETNSID, IFLA_NEW_IFINDEX; NETNSA_NSID).
fn lines(d: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for m in Messages::new(d) {
        let ty = m.msg_type();
        if ty == RTM_NEWNSID {
            let id = m.attrs(4).find(NETNSA_NSID).and_then(|a| a.i32());
            out.push(format!("NEWNSID {id:?}"));
            continue;
        }
        if ty != RTM_NEWLINK && ty != RTM_DELLINK {
            continue;
        }
        let ifi = ifinfomsg::Packet::new_checked(m.payload()).expect("an ifinfomsg");
        let mut s = format!(
            "{} {}",
            if ty == RTM_NEWLINK {
                "NEWLINK"
            } else {
                "DELLINK"
            },
            ifi.index()
        );
        for a in m.attrs(ifinfomsg::LEN) {
            match a.kind() {
                IFLA_IFNAME => s += &format!(" {}", a.str().unwrap()),
                IFLA_LINK => s += &format!(" link={}", a.u32().unwrap()),
                IFLA_LINK_NETNSID => s += &format!(" link_netnsid={}", a.i32().unwrap()),
                IFLA_NEW_NETNSID => s += &format!(" new_netnsid={}", a.i32().unwrap()),
                IFLA_NEW_IFINDEX => s += &format!(" new_ifindex={}", a.i32().unwrap()),
                _ => {}
            }
        }
        out.push(s);
    }
    out
}

/// A task with a request socket and a listener of links and namespace ids, in a namespace.
struct Side {
    task: TaskId,
    req: i32,
    listener: i32,
}

impl Side {
    fn new(k: &mut Kernel, task: TaskId) -> Side {
        let req = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
        let listener = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
        let groups = group_bit(RTNLGRP_LINK) | group_bit(RTNLGRP_NSID);
        k.sys_bind(task, listener, &SockaddrNl::new(0, groups).to_bytes())
            .unwrap();
        Side {
            task,
            req,
            listener,
        }
    }

    fn recv(&self, k: &mut Kernel, fd: i32) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 65536];
        let r = k.sys_recvfrom(self.task, fd, &mut buf, 0).ok()?;
        buf.truncate(r.ret);
        Some(buf)
    }

    /// Send `msg` and return its ack's errno (0 for success).
    fn request(&self, k: &mut Kernel, msg: &[u8]) -> i32 {
        k.sys_sendto(self.task, self.req, msg, 0, None).unwrap();
        let d = self.recv(k, self.req).expect("an ack");
        let m = Messages::new(&d).next().expect("a message");
        assert_eq!(m.msg_type(), NLMSG_ERROR);
        nlmsgerr::error_code(m.payload()).unwrap()
    }

    fn heard(&self, k: &mut Kernel) -> Vec<String> {
        std::iter::from_fn(|| self.recv(k, self.listener))
            .flat_map(|d| lines(&d))
            .collect()
    }

    fn dump(&self, k: &mut Kernel) -> Vec<String> {
        let msg = link(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0).build();
        k.sys_sendto(self.task, self.req, &msg, 0, None).unwrap();
        std::iter::from_fn(|| self.recv(k, self.req))
            .flat_map(|d| lines(&d))
            .collect()
    }
}

fn link(ty: u16, flags: u16, index: i32) -> MessageBuilder {
    let ifi = ifinfomsg::Repr {
        index,
        ..Default::default()
    };
    MessageBuilder::new(ty, flags, 1, 0).header(&ifi.to_bytes())
}

fn setlink(index: i32) -> MessageBuilder {
    link(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, index)
}

/// A kernel with the sandbox's namespace `a` (a veth pair va/vb in it: vb 2, va 3) and a fresh
/// namespace `b`, a side in each, and `b`'s namespace file open as fd 50 in `a`'s task.
fn two_namespaces() -> (Kernel, Side, Side, NetId) {
    let (mut k, task) = Kernel::sandboxed(10);
    let cred = k.task(task).cred.clone();
    let b = k.copy_net_ns(cred.user_ns);
    let task_b = k.spawn_task(11, b, cred);
    let a = Side::new(&mut k, task);
    let bs = Side::new(&mut k, task_b);
    assert_eq!(
        a.request(&mut k, &veth_pair(1, "va", "vb", None).build()),
        0
    );
    a.heard(&mut k);
    k.fd_install_netns(task, 50, b);
    (k, a, bs, b)
}

#[test]
fn a_moved_veth_end_leaves_one_namespace_and_arrives_renamed_in_the_other() {
    let (mut k, a, b, _) = two_namespaces();
    let msg = setlink(2)
        .u32(IFLA_NET_NS_FD, 50)
        .str(IFLA_IFNAME, "vb_new");
    assert_eq!(a.request(&mut k, &msg.build()), 0);
    // The old namespace gives the new one an id, then hears the device go with where it went.
    assert_eq!(
        a.heard(&mut k),
        vec![
            "NEWNSID Some(0)",
            "DELLINK 2 vb new_netnsid=0 new_ifindex=2 link=3"
        ]
    );
    // The new one gives the old one an id as the announcement is filled, hears it arrive
    // under its old name (which is free there), then the rename.
    assert_eq!(
        b.heard(&mut k),
        vec![
            "NEWNSID Some(0)",
            "NEWLINK 2 vb link_netnsid=0 link=3",
            "NEWLINK 2 vb_new link_netnsid=0 link=3",
        ]
    );
    assert_eq!(
        a.dump(&mut k),
        vec!["NEWLINK 1 lo", "NEWLINK 3 va link_netnsid=0 link=2"]
    );
    assert_eq!(
        b.dump(&mut k),
        vec!["NEWLINK 1 lo", "NEWLINK 2 vb_new link_netnsid=0 link=3"]
    );
    // Deleting one end takes the other along in its own namespace.
    let del = link(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 3).build();
    assert_eq!(a.request(&mut k, &del), 0);
    assert_eq!(a.heard(&mut k), vec!["DELLINK 3 va link=0"]);
    assert_eq!(b.heard(&mut k), vec!["DELLINK 2 vb_new link=0"]);
}

#[test]
fn a_taken_index_is_replaced_and_moving_back_uses_the_ids_already_given() {
    let (mut k, a, b, _) = two_namespaces();
    // Index 3 is free in b, 2 is taken there by a veth of b's own.
    assert_eq!(b.request(&mut k, &veth_pair(1, "x", "y", None).build()), 0);
    b.heard(&mut k);
    assert_eq!(
        a.request(&mut k, &setlink(3).u32(IFLA_NET_NS_FD, 50).build()),
        0
    );
    assert_eq!(
        a.heard(&mut k),
        vec![
            "NEWNSID Some(0)",
            "DELLINK 3 va new_netnsid=0 new_ifindex=4 link=2"
        ]
    );
    assert_eq!(
        b.heard(&mut k),
        vec!["NEWNSID Some(0)", "NEWLINK 4 va link_netnsid=0 link=2"]
    );
    // Back by the id b gave a: no new ids.
    let back = setlink(4).i32(IFLA_TARGET_NETNSID, 0).build();
    assert_eq!(b.request(&mut k, &back), 0);
    assert_eq!(
        b.heard(&mut k),
        vec!["DELLINK 4 va new_netnsid=0 new_ifindex=4 link_netnsid=0 link=2"]
    );
    assert_eq!(a.heard(&mut k), vec!["NEWLINK 4 va link=2"]);
}

#[test]
fn refusals_change_nothing() {
    let (mut k, a, b, _) = two_namespaces();
    // No such file; a file that is no namespace (a netlink socket).
    let bad_fd = setlink(2).u32(IFLA_NET_NS_FD, 77).build();
    assert_eq!(a.request(&mut k, &bad_fd), Errno::EBADF.as_neg());
    let sock = setlink(2).u32(IFLA_NET_NS_FD, a.req as u32).build();
    assert_eq!(a.request(&mut k, &sock), Errno::EINVAL.as_neg());
    // An unknown id, a pid no process can have; a pid the model does not serve may be one of
    // the host's processes, whose namespaces it does not know: loud.
    let bad_id = setlink(2).i32(IFLA_TARGET_NETNSID, 5).build();
    assert_eq!(a.request(&mut k, &bad_id), Errno::EINVAL.as_neg());
    let bad_pid = setlink(2).u32(IFLA_NET_NS_PID, 5_000_000).build();
    assert_eq!(a.request(&mut k, &bad_pid), Errno::ESRCH.as_neg());
    let host_pid = setlink(2).u32(IFLA_NET_NS_PID, 999).build();
    assert!(matches!(
        k.sys_sendto(a.task, a.req, &host_pid, 0, None),
        Err(nltwin_model::SysError::Unimplemented(_))
    ));
    // lo stays where it is; a name taken there without a pattern is refused.
    let lo = setlink(1).u32(IFLA_NET_NS_FD, 50).build();
    assert_eq!(a.request(&mut k, &lo), Errno::EINVAL.as_neg());
    assert_eq!(b.request(&mut k, &veth_pair(1, "vb", "z", None).build()), 0);
    b.heard(&mut k);
    let taken = setlink(2).u32(IFLA_NET_NS_FD, 50).build();
    assert_eq!(a.request(&mut k, &taken), Errno::EEXIST.as_neg());
    assert_eq!(a.heard(&mut k), Vec::<String>::new());
    assert_eq!(b.heard(&mut k), Vec::<String>::new());
    // By pid, to b's task, under a name given as the pattern; the same name then renames it
    // once more (the pattern's lowest free number, its own taken).
    let by_pid = setlink(2)
        .u32(IFLA_NET_NS_PID, 11)
        .str(IFLA_IFNAME, "vb%d")
        .build();
    assert_eq!(a.request(&mut k, &by_pid), 0);
    assert_eq!(
        b.heard(&mut k),
        vec![
            "NEWNSID Some(0)",
            "NEWLINK 4 vb0 link_netnsid=0 link=3",
            "NEWLINK 4 vb1 link_netnsid=0 link=3",
        ]
    );
}

#[test]
fn a_veth_created_with_its_peer_elsewhere_gets_ids_as_messages_are_filled() {
    let (mut k, task) = Kernel::sandboxed(10);
    let cred = k.task(task).cred.clone();
    let b_net = k.copy_net_ns(cred.user_ns);
    let task_b = k.spawn_task(11, b_net, cred);
    let a = Side::new(&mut k, task);
    let b = Side::new(&mut k, task_b);
    k.fd_install_netns(task, 50, b_net);
    // `ip link add va type veth peer name vb netns B`: the peer part names b.
    let ifi = ifinfomsg::Repr::default().to_bytes();
    let flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    let msg = MessageBuilder::new(RTM_NEWLINK, flags, 1, 0)
        .header(&ifi)
        .str(IFLA_IFNAME, "va")
        .nest(IFLA_LINKINFO, |m| {
            m.str(IFLA_INFO_KIND, "veth").nest(IFLA_INFO_DATA, |m| {
                m.nest(nltwin_model::uapi::veth::VETH_INFO_PEER, |m| {
                    m.header(&ifi)
                        .str(IFLA_IFNAME, "vb")
                        .u32(IFLA_NET_NS_FD, 50)
                })
            })
        })
        .build();
    assert_eq!(a.request(&mut k, &msg), 0);
    // The peer is announced unpaired where it lives; the device, paired, with the id its
    // namespace gives the peer's, given as that message is filled.
    assert_eq!(b.heard(&mut k), vec!["NEWLINK 2 vb link=0"]);
    assert_eq!(
        a.heard(&mut k),
        vec!["NEWNSID Some(0)", "NEWLINK 2 va link_netnsid=0 link=2"]
    );
    // b gives a an id only when a message about vb is first filled: its dump.
    assert_eq!(
        b.dump(&mut k),
        vec!["NEWLINK 1 lo", "NEWLINK 2 vb link_netnsid=0 link=2"]
    );
    assert_eq!(b.heard(&mut k), vec!["NEWNSID Some(0)"]);
    // Moving the device to b joins the pair in one namespace: no ids in its messages.
    k.fd_install_netns(task, 51, b_net);
    let mv = setlink(2).u32(IFLA_NET_NS_FD, 51).build();
    assert_eq!(a.request(&mut k, &mv), 0);
    assert_eq!(
        a.heard(&mut k),
        vec!["DELLINK 2 va new_netnsid=0 new_ifindex=3 link_netnsid=0 link=2"]
    );
    assert_eq!(b.heard(&mut k), vec!["NEWLINK 3 va link=2"]);
}
