//! The kernel backend against the running kernel, inside a fresh sandbox per test.

use nltwin::transport::kernel::KernelBackend;
use nltwin::transport::{Backend, BindAddr, Errno, Fd, TransportError};
use nltwin::wire::nla::Attrs;
use nltwin::wire::uapi::genetlink::{CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, GENL_ID_CTRL};
use nltwin::wire::uapi::if_link::{IFLA_AF_SPEC, IFLA_INET6_CACHEINFO};
use nltwin::wire::uapi::netlink::{
    NETLINK_GENERIC as GENERIC, NETLINK_ROUTE as ROUTE, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP,
    NLM_F_ACK, NLM_F_CAPPED, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST,
};
use nltwin::wire::uapi::rtnetlink::RTM_GETLINK;
use nltwin::wire::uapi::socket::{AF_INET6, SOCK_RAW};
use nltwin::wire::{genlmsghdr, ifinfomsg, nlmsg, nlmsgerr, MessageBuilder};

fn errno<T: std::fmt::Debug>(r: Result<T, TransportError>) -> Errno {
    match r {
        Err(TransportError::Errno(e)) => e,
        other => panic!("expected an errno, got {other:?}"),
    }
}

fn in_rover_range(pid: u32) -> bool {
    (pid as i32) <= -4097
}

nltwin::sandbox_test!(
    fn socket_type_and_protocol_errors() {
        let mut k = KernelBackend::new();
        for ty in [1, 4, 5, 6, 10] {
            assert_eq!(
                errno(k.socket(ROUTE, ty)),
                Errno::ESOCKTNOSUPPORT,
                "type {ty}"
            );
        }
        for proto in [1, 3, 31, 32, -1] {
            assert_eq!(
                errno(k.socket(proto, SOCK_RAW)),
                Errno::EPROTONOSUPPORT,
                "protocol {proto}"
            );
        }
        // The type check comes first.
        assert_eq!(errno(k.socket(32, 1)), Errno::ESOCKTNOSUPPORT);
        assert!(k.socket(ROUTE, 2).is_ok());
        assert!(k.socket(ROUTE, SOCK_RAW).is_ok());
    }
);

nltwin::sandbox_test!(
    fn autobind_tgid_then_rover_and_eaddrinuse_quirk() {
        let mut k = KernelBackend::new();
        let tgid = k.info().tgid;
        let a = k.socket(ROUTE, SOCK_RAW).unwrap();
        assert_eq!(k.getsockname(a).unwrap().pid, 0);
        k.bind(a, BindAddr::new(0, 0)).unwrap();
        assert_eq!(k.getsockname(a).unwrap().pid, tgid);
        let b = k.socket(ROUTE, SOCK_RAW).unwrap();
        k.bind(b, BindAddr::new(0, 0)).unwrap();
        let rover = k.getsockname(b).unwrap().pid;
        assert!(in_rover_range(rover), "{rover:#x}");
        // Portids are per protocol.
        let g = k.socket(GENERIC, SOCK_RAW).unwrap();
        k.bind(g, BindAddr::new(0, 0)).unwrap();
        assert_eq!(k.getsockname(g).unwrap().pid, tgid);
        // An explicit bind to a taken portid fails, yet getsockname reports it.
        let c = k.socket(ROUTE, SOCK_RAW).unwrap();
        assert_eq!(errno(k.bind(c, BindAddr::new(tgid, 0))), Errno::EADDRINUSE);
        assert_eq!(k.getsockname(c).unwrap().pid, tgid);
        // Closing frees the portid.
        k.close(a).unwrap();
        let d = k.socket(ROUTE, SOCK_RAW).unwrap();
        k.bind(d, BindAddr::new(0, 0)).unwrap();
        assert_eq!(k.getsockname(d).unwrap().pid, tgid);
        assert_eq!(errno(k.close(Fd(999))), Errno::EBADF);
    }
);

nltwin::sandbox_test!(
    fn bind_address_errors() {
        let mut k = KernelBackend::new();
        let a = k.socket(ROUTE, SOCK_RAW).unwrap();
        let short = BindAddr {
            addrlen: 11,
            ..BindAddr::new(0, 0)
        };
        assert_eq!(errno(k.bind(a, short)), Errno::EINVAL);
        let wrong = BindAddr {
            family: 2,
            ..BindAddr::new(0, 0)
        };
        assert_eq!(errno(k.bind(a, wrong)), Errno::EINVAL);
        let long = BindAddr {
            addrlen: 16,
            ..BindAddr::new(0, 0)
        };
        k.bind(a, long).unwrap();
    }
);

/// A request: header with `ty`, `flags`, `seq`, pid 0, then `payload`.
fn request(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    MessageBuilder::new(ty, flags, seq, 0)
        .payload(payload)
        .build()
}

/// The header of the message at the start of `m`, to read or change in place.
fn header<T: AsRef<[u8]>>(m: T) -> nlmsg::Packet<T> {
    nlmsg::Packet::new_checked(m).expect("a whole message")
}

/// Receive one datagram (non-blocking) with a 64 KiB buffer.
fn recv(k: &mut KernelBackend, fd: Fd) -> Vec<u8> {
    let mut buf = vec![0; 65536];
    let m = k.recvfrom(fd, &mut buf, libc::MSG_DONTWAIT).unwrap();
    assert_eq!(m.msg_flags, 0);
    assert_eq!((m.from.pid, m.from.groups), (0, 0), "from the kernel");
    buf.truncate(m.ret);
    buf
}

/// The byte range of IFLA_AF_SPEC / AF_INET6 / IFLA_INET6_CACHEINFO's tstamp and
/// reachable_time in an RTM_NEWLINK message: the only bytes that differ between two fresh
/// namespaces.
fn cacheinfo_volatile(msg: &[u8]) -> std::ops::Range<usize> {
    let attrs_at = nlmsg::HEADER_LEN + ifinfomsg::LEN;
    let af = Attrs::with_base(&msg[attrs_at..], attrs_at)
        .find(IFLA_AF_SPEC)
        .expect("IFLA_AF_SPEC");
    let v6 = af.nested().find(AF_INET6.into()).expect("AF_INET6");
    let ci = v6
        .nested()
        .find(IFLA_INET6_CACHEINFO)
        .expect("IFLA_INET6_CACHEINFO");
    assert_eq!(ci.payload().len(), 16);
    let at = ci.payload_range().start;
    at + 4..at + 12
}

nltwin::sandbox_test!(
    fn getlink_dump_of_a_fresh_namespace_matches_the_capture() {
        let mut k = KernelBackend::new();
        let fd = k.socket(ROUTE, SOCK_RAW).unwrap();
        k.bind(fd, BindAddr::new(0, 0)).unwrap();
        let portid = k.getsockname(fd).unwrap().pid;
        let getlink = ifinfomsg::Repr::default().to_bytes();
        let req = request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, &getlink);
        assert_eq!(k.sendto(fd, &req, 0, None).unwrap(), 32);
        let mut lo = recv(&mut k, fd);
        let mut want =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/lo.bin")).unwrap();
        assert_eq!(
            lo.len(),
            want.len(),
            "one datagram holding only lo's RTM_NEWLINK"
        );
        assert_eq!(header(&lo[..]).pid(), portid);
        // The capture is a doit reply (flags 0); in a dump every message carries NLM_F_MULTI.
        assert_eq!(header(&lo[..]).flags(), NLM_F_MULTI);
        header(&mut lo[..]).set_flags(0);
        for m in [&mut lo, &mut want] {
            header(&mut m[..]).set_pid(0);
            let v = cacheinfo_volatile(m);
            m[v].fill(0);
        }
        pretty_assertions::assert_eq!(lo, want);
        // DONE comes alone (RTM_GETLINK is a DUMP_SPLIT_NLM_DONE handler), errno 0.
        let done = recv(&mut k, fd);
        let want_done = MessageBuilder::new(NLMSG_DONE, NLM_F_MULTI, 1, portid)
            .payload(&nlmsgerr::error_code_bytes(0))
            .build();
        assert_eq!(done, want_done);
        assert_eq!(
            errno(k.recvfrom(fd, &mut [0; 16], libc::MSG_DONTWAIT)),
            Errno::EAGAIN
        );

        // Doit by index 1: the same message with flags 0, then the ack.
        let ifi = ifinfomsg::Repr {
            index: 1,
            ..ifinfomsg::Repr::default()
        };
        let by_index = request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifi.to_bytes());
        k.sendto(fd, &by_index, 0, None).unwrap();
        let mut lo = recv(&mut k, fd);
        header(&mut lo[..]).set_pid(0);
        let v = cacheinfo_volatile(&lo);
        lo[v].fill(0);
        pretty_assertions::assert_eq!(lo, want);
        let ack = recv(&mut k, fd);
        assert_eq!(ack.len(), 36);
        let ack = header(&ack[..]);
        assert_eq!(
            (ack.msg_type(), ack.flags()),
            (NLMSG_ERROR, NLM_F_CAPPED),
            "NLMSG_ERROR with NLM_F_CAPPED"
        );
        assert_eq!(nlmsgerr::error_code(ack.payload()), Some(0));
    }
);

nltwin::sandbox_test!(
    fn nlctrl_getfamily_matches_the_capture() {
        let mut k = KernelBackend::new();
        let fd = k.socket(GENERIC, SOCK_RAW).unwrap();
        // genlmsghdr {cmd GETFAMILY, version 1}, CTRL_ATTR_FAMILY_NAME "nlctrl"
        let genl = genlmsghdr::Repr {
            cmd: CTRL_CMD_GETFAMILY,
            version: 1,
            reserved: 0,
        };
        let req = MessageBuilder::new(GENL_ID_CTRL, NLM_F_REQUEST, 1, 0)
            .header(&genl.to_bytes())
            .str(CTRL_ATTR_FAMILY_NAME, "nlctrl")
            .build();
        k.sendto(fd, &req, 0, None).unwrap();
        // The send autobound the socket.
        let portid = k.getsockname(fd).unwrap().pid;
        assert_eq!(portid, k.info().tgid);
        let mut got = recv(&mut k, fd);
        let mut want = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/nlctrl.bin"
        ))
        .unwrap();
        assert_eq!(header(&got[..]).pid(), portid);
        header(&mut got[..]).set_pid(0);
        header(&mut want[..]).set_pid(0);
        pretty_assertions::assert_eq!(got, want);
    }
);

nltwin::sandbox_test!(
    fn peek_trunc_sizes_a_datagram_and_short_buffers_truncate() {
        let mut k = KernelBackend::new();
        let fd = k.socket(ROUTE, SOCK_RAW).unwrap();
        // NOOP with ACK: a 36-byte success ack.
        let noop = request(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 7, &[]);
        k.sendto(fd, &noop, 0, None).unwrap();
        let m = k
            .recvfrom(
                fd,
                &mut [],
                libc::MSG_PEEK | libc::MSG_TRUNC | libc::MSG_DONTWAIT,
            )
            .unwrap();
        assert_eq!((m.ret, m.msg_flags), (36, libc::MSG_TRUNC));
        let mut small = [0u8; 20];
        let m = k.recvfrom(fd, &mut small, libc::MSG_DONTWAIT).unwrap();
        assert_eq!((m.ret, m.msg_flags), (20, libc::MSG_TRUNC));
        // What is left holds the header, which claims the whole 36 bytes.
        assert_eq!(nlmsg::Repr::parse_bytes(&small).unwrap().length, 36);
        // The rest of the datagram is gone.
        assert_eq!(
            errno(k.recvfrom(fd, &mut small, libc::MSG_DONTWAIT)),
            Errno::EAGAIN
        );
    }
);

#[test]
fn sandbox_works_from_a_multithreaded_harness() {
    let busy = std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(100)));
    nltwin::sandbox::check().unwrap_or_else(|e| panic!("{e}"));
    busy.join().unwrap();
}
