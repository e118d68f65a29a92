//! The kernel backend against the running kernel, inside a fresh sandbox per test.

use nltwin::transport::kernel::KernelBackend;
use nltwin::transport::{Backend, BindAddr, Errno, Fd, TransportError};

const ROUTE: i32 = 0;
const GENERIC: i32 = 16;
const SOCK_RAW: i32 = 3;

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

/// A netlink message: header with `ty`, `flags`, `seq`, pid 0, then `payload` (padded).
fn nlmsg(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = ((16 + payload.len()) as u32).to_ne_bytes().to_vec();
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(&0u32.to_ne_bytes());
    v.extend_from_slice(payload);
    v.resize((v.len() + 3) & !3, 0);
    v
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
    fn find(b: &[u8], base: usize, ty: u16) -> Option<(usize, usize)> {
        let mut at = 0;
        while at + 4 <= b.len() {
            let len = u16::from_ne_bytes([b[at], b[at + 1]]) as usize;
            let t = u16::from_ne_bytes([b[at + 2], b[at + 3]]) & 0x3fff;
            if len < 4 || at + len > b.len() {
                return None;
            }
            if t == ty {
                return Some((base + at + 4, len - 4));
            }
            at += (len + 3) & !3;
        }
        None
    }
    let (af, af_len) = find(&msg[32..], 32, 26).expect("IFLA_AF_SPEC");
    let (v6, v6_len) = find(&msg[af..af + af_len], af, 10).expect("AF_INET6");
    let (ci, ci_len) = find(&msg[v6..v6 + v6_len], v6, 5).expect("IFLA_INET6_CACHEINFO");
    assert_eq!(ci_len, 16);
    ci + 4..ci + 12
}

nltwin::sandbox_test!(
    fn getlink_dump_of_a_fresh_namespace_matches_the_capture() {
        let mut k = KernelBackend::new();
        let fd = k.socket(ROUTE, SOCK_RAW).unwrap();
        k.bind(fd, BindAddr::new(0, 0)).unwrap();
        let portid = k.getsockname(fd).unwrap().pid;
        let req = nlmsg(18, 0x301, 1, &[0; 16]);
        assert_eq!(k.sendto(fd, &req, 0, None).unwrap(), 32);
        let mut lo = recv(&mut k, fd);
        let mut want =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/lo.bin")).unwrap();
        assert_eq!(
            lo.len(),
            want.len(),
            "one datagram holding only lo's RTM_NEWLINK"
        );
        assert_eq!(&lo[12..16], &portid.to_ne_bytes());
        // The capture is a doit reply (flags 0); in a dump every message carries NLM_F_MULTI.
        assert_eq!(&lo[6..8], &2u16.to_ne_bytes());
        lo[6] = 0;
        for m in [&mut lo, &mut want] {
            m[12..16].fill(0);
            let v = cacheinfo_volatile(m);
            m[v].fill(0);
        }
        pretty_assertions::assert_eq!(lo, want);
        // DONE comes alone (RTM_GETLINK is a DUMP_SPLIT_NLM_DONE handler), errno 0.
        let done = recv(&mut k, fd);
        let mut want_done = nlmsg(3, 2, 1, &0i32.to_ne_bytes());
        want_done[12..16].copy_from_slice(&portid.to_ne_bytes());
        assert_eq!(done, want_done);
        assert_eq!(
            errno(k.recvfrom(fd, &mut [0; 16], libc::MSG_DONTWAIT)),
            Errno::EAGAIN
        );

        // Doit by index 1: the same message with flags 0, then the ack.
        let mut ifi = [0u8; 16];
        ifi[4..8].copy_from_slice(&1i32.to_ne_bytes());
        k.sendto(fd, &nlmsg(18, 0x5, 1, &ifi), 0, None).unwrap();
        let mut lo = recv(&mut k, fd);
        lo[12..16].fill(0);
        let v = cacheinfo_volatile(&lo);
        lo[v].fill(0);
        pretty_assertions::assert_eq!(lo, want);
        let ack = recv(&mut k, fd);
        assert_eq!(ack.len(), 36);
        assert_eq!(&ack[4..8], &[2, 0, 0, 1], "NLMSG_ERROR with NLM_F_CAPPED");
        assert_eq!(&ack[16..20], &0i32.to_ne_bytes());
    }
);

nltwin::sandbox_test!(
    fn nlctrl_getfamily_matches_the_capture() {
        let mut k = KernelBackend::new();
        let fd = k.socket(GENERIC, SOCK_RAW).unwrap();
        // genlmsghdr {cmd GETFAMILY, version 1}, CTRL_ATTR_FAMILY_NAME "nlctrl"
        let mut p = vec![3, 1, 0, 0, 11, 0, 2, 0];
        p.extend_from_slice(b"nlctrl\0");
        let req = nlmsg(0x10, 0x1, 1, &p);
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
        assert_eq!(&got[12..16], &portid.to_ne_bytes());
        got[12..16].fill(0);
        want[12..16].fill(0);
        pretty_assertions::assert_eq!(got, want);
    }
);

nltwin::sandbox_test!(
    fn peek_trunc_sizes_a_datagram_and_short_buffers_truncate() {
        let mut k = KernelBackend::new();
        let fd = k.socket(ROUTE, SOCK_RAW).unwrap();
        // NOOP with ACK: a 36-byte success ack.
        k.sendto(fd, &nlmsg(1, 0x5, 7, &[]), 0, None).unwrap();
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
        assert_eq!(u32::from_ne_bytes(small[0..4].try_into().unwrap()), 36);
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
