//! Property tests: random sequences of system calls (valid and invalid, on ROUTE, GENERIC and
//! USERSOCK sockets, veth creation and deletion included) never panic the model and never break
//! its invariants: a bound socket's portid is unique per (protocol, namespace);
//! the receive queue's charge is exactly the sum of its skbs'
//! truesizes; a socket in a multicast group is on the protocol's listener list.

mod common;
use common::{attr, nlmsg};
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, TaskId};
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
    prop_oneof![
        Just(nlmsg(18, 0x301, 7, &[0; 16])),
        (0i32..6).prop_map(|i| {
            let mut p = vec![0u8; 16];
            p[4..8].copy_from_slice(&i.to_ne_bytes());
            nlmsg(18, 5, 7, &p)
        }),
        (name.clone(), name.clone()).prop_map(|(a, b)| {
            let mut peer = vec![0u8; 16];
            peer.extend(attr(3, format!("{b}\0").as_bytes()));
            let mut info = attr(1, b"veth\0");
            info.extend(attr(2, &attr(1, &peer)));
            let mut p = vec![0u8; 16];
            p.extend(attr(3, format!("{a}\0").as_bytes()));
            p.extend(attr(18, &info));
            nlmsg(16, 0x605, 7, &p)
        }),
        name.clone().prop_map(|a| {
            let mut p = vec![0u8; 16];
            p.extend(attr(3, format!("{a}\0").as_bytes()));
            nlmsg(17, 5, 7, &p)
        }),
        name.prop_map(|n| {
            let mut p = vec![3u8, 1, 0, 0];
            p.extend(attr(2, format!("{n}\0").as_bytes()));
            nlmsg(16, 5, 7, &p)
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
            prop_oneof![Just(0), Just(16), Just(2), 0..40],
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
            let _ = k.sys_setsockopt(task, fd(*i), SOL_NETLINK, *name, &value.to_ne_bytes());
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
