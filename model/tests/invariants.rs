//! Property tests: random sequences of system calls (valid and invalid, on ROUTE, GENERIC and
//! USERSOCK sockets, veth creation and deletion included) never panic the model and never break
//! its invariants: a bound socket's portid is unique per (protocol, namespace);
//! the receive queue's charge is exactly the sum of its skbs'
//! truesizes; a socket in a multicast group is on the protocol's listener list.

mod common;
use common::veth_pair;
use nltwin_model::uapi::genetlink::{CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, GENL_ID_CTRL};
use nltwin_model::uapi::if_link::IFLA_IFNAME;
use nltwin_model::uapi::rtnetlink::{RTM_DELLINK, RTM_GETLINK};
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, TaskId};
use nltwin_wire::{genlmsghdr, ifinfomsg, scalar, MessageBuilder};
use proptest::prelude::*;

/// One system call with its arguments drawn at random.
#[derive(Clone, Debug)]
enum Op {
    Socket {
        protocol: i32,
        ty: i32,
    },
    Bind {
        fd: usize,
        pid: u32,
        groups: u32,
    },
    Connect {
        fd: usize,
        pid: u32,
        groups: u32,
    },
    Send {
        fd: usize,
        msg: Vec<u8>,
        to: Option<(u32, u32)>,
    },
    Recv {
        fd: usize,
        len: usize,
        flags: i32,
    },
    SetOpt {
        fd: usize,
        name: i32,
        value: u32,
    },
    Close {
        fd: usize,
    },
}

/// Requests worth sending: link dumps and lookups, veth creation and deletion by name, nlctrl
/// lookups, and raw random bytes.
fn message() -> impl Strategy<Value = Vec<u8>> {
    let name = prop::sample::select(vec!["va", "vb", "vc", "lo", "nlctrl", "x"]);
    let link = |ty: u16, flags: u16, index: i32| {
        let ifi = ifinfomsg::Repr {
            index,
            ..Default::default()
        };
        MessageBuilder::new(ty, flags, 7, 0).header(&ifi.to_bytes())
    };
    let getfamily = genlmsghdr::Repr {
        cmd: CTRL_CMD_GETFAMILY,
        version: 1,
        reserved: 0,
    };
    prop_oneof![
        Just(link(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0).build()),
        (0i32..6).prop_map(move |i| link(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, i).build()),
        (name.clone(), name.clone()).prop_map(|(a, b)| veth_pair(7, a, b, None).build()),
        name.clone().prop_map(move |a| {
            link(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 0)
                .str(IFLA_IFNAME, a)
                .build()
        }),
        name.prop_map(move |n| {
            MessageBuilder::new(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 7, 0)
                .header(&getfamily.to_bytes())
                .str(CTRL_ATTR_FAMILY_NAME, n)
                .build()
        }),
        prop::collection::vec(any::<u8>(), 0..80),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let fd = 0usize..6;
    let pid = prop_oneof![
        Just(0u32),
        Just(1u32),
        Just(77u32),
        Just(4242u32),
        any::<u32>()
    ];
    prop_oneof![
        (
            prop_oneof![
                Just(NETLINK_ROUTE),
                Just(NETLINK_GENERIC),
                Just(NETLINK_USERSOCK),
                0..40
            ],
            prop_oneof![Just(SOCK_RAW), Just(SOCK_DGRAM), 0..8]
        )
            .prop_map(|(protocol, ty)| Op::Socket { protocol, ty }),
        (fd.clone(), pid.clone(), 0u32..4).prop_map(|(fd, pid, groups)| Op::Bind {
            fd,
            pid,
            groups
        }),
        (fd.clone(), pid.clone(), 0u32..4).prop_map(|(fd, pid, groups)| Op::Connect {
            fd,
            pid,
            groups
        }),
        (fd.clone(), message(), prop::option::of((pid, 0u32..4)))
            .prop_map(|(fd, msg, to)| Op::Send { fd, msg, to }),
        (
            fd.clone(),
            prop_oneof![Just(0usize), Just(16), Just(100), Just(4096), Just(65536)],
            prop_oneof![
                Just(0),
                Just(MSG_PEEK),
                Just(MSG_TRUNC),
                Just(MSG_PEEK | MSG_TRUNC)
            ]
        )
            .prop_map(|(fd, len, flags)| Op::Recv { fd, len, flags }),
        (fd.clone(), 1i32..13, 0u32..70000).prop_map(|(fd, name, value)| Op::SetOpt {
            fd,
            name,
            value
        }),
        fd.prop_map(|fd| Op::Close { fd }),
    ]
}

/// Apply `op`; errors are answers, not failures (the property is: no panic, invariants hold).
fn apply(k: &mut Kernel, task: TaskId, fds: &mut Vec<i32>, op: &Op) {
    let fd = |i: usize| fds.get(i % fds.len().max(1)).copied().unwrap_or(-1);
    match op {
        Op::Socket { protocol, ty } => {
            if let Ok(fd) = k.sys_socket(task, *ty, *protocol) {
                fds.push(fd);
            }
        }
        Op::Bind { fd: i, pid, groups } => {
            let _ = k.sys_bind(task, fd(*i), &SockaddrNl::new(*pid, *groups).to_bytes());
        }
        Op::Connect { fd: i, pid, groups } => {
            let _ = k.sys_connect(task, fd(*i), &SockaddrNl::new(*pid, *groups).to_bytes());
        }
        Op::Send { fd: i, msg, to } => {
            let to = to.map(|(p, g)| SockaddrNl::new(p, g).to_bytes());
            let _ = k.sys_sendto(task, fd(*i), msg, 0, to.as_ref().map(|a| &a[..]));
        }
        Op::Recv { fd: i, len, flags } => {
            let mut buf = vec![0u8; *len];
            let _ = k.sys_recvfrom(task, fd(*i), &mut buf, *flags);
        }
        Op::SetOpt { fd: i, name, value } => {
            let value = scalar::u32_bytes(*value);
            let _ = k.sys_setsockopt(task, fd(*i), SOL_NETLINK, *name, &value);
        }
        Op::Close { fd: i } => {
            let f = fd(*i);
            if k.sys_close(task, f).is_ok() {
                fds.retain(|&x| x != f);
            }
        }
    }
}

fn check_invariants(k: &Kernel) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for (id, sk) in k.sockets() {
        let id = id.0;
        let queued: usize = sk.receive_queue.iter().map(|s| s.truesize).sum();
        if queued != sk.rmem_alloc {
            return Err(format!(
                "socket {id}: rmem_alloc {} but the queue holds {queued}",
                sk.rmem_alloc
            ));
        }
        if sk.bound && !seen.insert((sk.protocol, sk.net.0, sk.portid)) {
            return Err(format!(
                "socket {id}: portid {} used twice on protocol {}",
                sk.portid, sk.protocol
            ));
        }
        if sk.subscriptions > 0 && !k.mc_list(sk.protocol).iter().any(|s| s.0 == id) {
            return Err(format!(
                "socket {id}: in a group but not on the listener list"
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_system_calls_keep_the_socket_layer_consistent(ops in prop::collection::vec(op(), 1..60)) {
        let (mut k, task) = Kernel::sandboxed(77);
        let mut fds = Vec::new();
        for op in &ops {
            apply(&mut k, task, &mut fds, op);
            if let Err(e) = check_invariants(&k) {
                prop_assert!(false, "after {op:?}: {e}");
            }
        }
    }
}
