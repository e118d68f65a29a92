//! The protocol-independent socket options gVisor's netlink tests exercise, through the system
//! calls: SO_PASSCRED and the credentials a receive then carries (`scm_recv`), NETLINK_PKTINFO,
//! the timeouts' jiffy rounding, and socket filters dropping and cutting datagrams.

use nltwin_model::uapi::{netlink::*, rtnetlink::*, socket::*};
use nltwin_model::{Errno, Kernel, SysError};
use nltwin_wire::cmsg::{cmsg_space, CMSGHDR_LEN};
use nltwin_wire::{ifinfomsg, MessageBuilder};

fn getlink_dump(seq: u32) -> Vec<u8> {
    MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, 0)
        .header(&ifinfomsg::Repr::default().to_bytes())
        .build()
}

fn one(v: i32) -> [u8; 4] {
    v.to_ne_bytes()
}

#[test]
fn passcred_gives_the_kernels_credentials_and_none_without_it() {
    let (mut k, t) = Kernel::sandboxed(100);
    let fd = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    let mut buf = vec![0u8; 32768];
    // Without SO_PASSCRED: no control message, nothing cut.
    k.sys_sendto(t, fd, &getlink_dump(1), 0, None).unwrap();
    let m = k.sys_recvmsg(t, fd, &mut buf, Some(64), 0).unwrap();
    assert!(m.control.is_empty());
    assert_eq!(m.msg_flags & MSG_CTRUNC, 0);
    while k.sys_recvfrom(t, fd, &mut buf, MSG_DONTWAIT).is_ok() {}

    k.sys_setsockopt(t, fd, SOL_SOCKET, SO_PASSCRED, &one(1))
        .unwrap();
    let mut v = [0u8; 4];
    assert_eq!(
        k.sys_getsockopt(t, fd, SOL_SOCKET, SO_PASSCRED, &mut v),
        Ok(4)
    );
    assert_eq!(i32::from_ne_bytes(v), 1);
    k.sys_sendto(t, fd, &getlink_dump(2), 0, None).unwrap();
    let m = k
        .sys_recvmsg(t, fd, &mut buf, Some(cmsg_space(12)), 0)
        .unwrap();
    assert_eq!(m.control.len(), cmsg_space(12));
    let c = &m.control;
    assert_eq!(u64::from_ne_bytes(c[..8].try_into().unwrap()), 28);
    assert_eq!(i32::from_ne_bytes(c[8..12].try_into().unwrap()), SOL_SOCKET);
    assert_eq!(
        i32::from_ne_bytes(c[12..16].try_into().unwrap()),
        SCM_CREDENTIALS
    );
    let ucred = &c[CMSGHDR_LEN..CMSGHDR_LEN + 12];
    // The kernel sent it: pid 0, the global root, which the sandbox's namespace (root mapped
    // to its creator, uid 1000) does not map: the overflow ids.
    assert_eq!(u32::from_ne_bytes(ucred[..4].try_into().unwrap()), 0);
    assert_eq!(u32::from_ne_bytes(ucred[4..8].try_into().unwrap()), 65534);
    assert_eq!(u32::from_ne_bytes(ucred[8..].try_into().unwrap()), 65534);
    // A control buffer too small for the message: cut, and said so.
    let m = k.sys_recvmsg(t, fd, &mut buf, Some(20), 0).unwrap();
    assert_eq!(m.control.len(), 20);
    assert_ne!(m.msg_flags & MSG_CTRUNC, 0);
    // No control buffer at all (recvfrom): MSG_CTRUNC only.
    let m = k.sys_recvmsg(t, fd, &mut buf, None, 0);
    assert!(m.is_err() || m.unwrap().msg_flags & MSG_CTRUNC != 0);
}

#[test]
fn a_user_senders_credentials_are_its_pid_and_ids() {
    let (mut k, t) = Kernel::sandboxed(4242);
    let a = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    let b = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_bind(t, a, &SockaddrNl::new(0, 0).to_bytes()).unwrap();
    k.sys_bind(t, b, &SockaddrNl::new(0, 0).to_bytes()).unwrap();
    k.sys_setsockopt(t, b, SOL_SOCKET, SO_PASSCRED, &one(1))
        .unwrap();
    k.sys_setsockopt(t, b, SOL_NETLINK, NETLINK_PKTINFO, &one(1))
        .unwrap();
    let to = k.sys_getsockname(t, b).unwrap().pid;
    k.sys_sendto(
        t,
        a,
        &getlink_dump(1),
        0,
        Some(&SockaddrNl::new(to, 0).to_bytes()),
    )
    .unwrap();
    let mut buf = vec![0u8; 4096];
    let m = k.sys_recvmsg(t, b, &mut buf, Some(128), 0).unwrap();
    // NETLINK_PKTINFO first (group 0: a unicast), then the sender's credentials.
    let c = &m.control;
    assert_eq!(
        i32::from_ne_bytes(c[8..12].try_into().unwrap()),
        SOL_NETLINK
    );
    assert_eq!(
        i32::from_ne_bytes(c[12..16].try_into().unwrap()),
        NETLINK_PKTINFO
    );
    assert_eq!(u32::from_ne_bytes(c[16..20].try_into().unwrap()), 0);
    let cred = &c[cmsg_space(4)..];
    assert_eq!(
        i32::from_ne_bytes(cred[12..16].try_into().unwrap()),
        SCM_CREDENTIALS
    );
    let ucred = &cred[CMSGHDR_LEN..CMSGHDR_LEN + 12];
    assert_eq!(u32::from_ne_bytes(ucred[..4].try_into().unwrap()), 4242);
    // Root of the sandbox, as the receiver (in the same namespace) sees it.
    assert_eq!(u32::from_ne_bytes(ucred[4..8].try_into().unwrap()), 0);
    assert_eq!(u32::from_ne_bytes(ucred[8..].try_into().unwrap()), 0);
}

#[test]
fn timeouts_read_back_at_jiffy_grain() {
    let (mut k, t) = Kernel::sandboxed(100);
    let fd = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    let tv = |s: i64, us: i64| [s.to_ne_bytes(), us.to_ne_bytes()].concat();
    let mut out = [0u8; 16];
    assert_eq!(
        k.sys_getsockopt(t, fd, SOL_SOCKET, SO_RCVTIMEO_OLD, &mut out),
        Ok(16)
    );
    assert_eq!(out.to_vec(), tv(0, 0));
    k.sys_setsockopt(t, fd, SOL_SOCKET, SO_SNDTIMEO_OLD, &tv(1, 40001))
        .unwrap();
    k.sys_getsockopt(t, fd, SOL_SOCKET, SO_SNDTIMEO_OLD, &mut out)
        .unwrap();
    // Rounded up to the next jiffy: 250 Hz on the default profile, 4 ms each.
    let hz = k.profile().config.hz as i64;
    let per = 1_000_000 / hz;
    assert_eq!(out.to_vec(), tv(1, (40001 + per - 1) / per * per));
    assert_eq!(
        k.sys_setsockopt(t, fd, SOL_SOCKET, SO_RCVTIMEO_NEW, &tv(0, 1_000_000)),
        Err(SysError::Errno(Errno::EDOM))
    );
    assert_eq!(
        k.sys_setsockopt(t, fd, SOL_SOCKET, SO_RCVTIMEO_NEW, &[0; 8]),
        Err(SysError::Errno(Errno::EINVAL))
    );
}

/// A `sock_fprog` (with a non-NULL program address) followed by its instructions, as
/// `nltwin run`'s library sends SO_ATTACH_FILTER.
fn fprog(insns: &[(u16, u8, u8, u32)]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&(insns.len() as u16).to_ne_bytes());
    v.extend_from_slice(&[0; 6]);
    v.extend_from_slice(&0x1000u64.to_ne_bytes());
    for &(code, jt, jf, k) in insns {
        v.extend_from_slice(&code.to_ne_bytes());
        v.extend_from_slice(&[jt, jf]);
        v.extend_from_slice(&k.to_ne_bytes());
    }
    v
}

#[test]
fn a_filter_drops_or_cuts_what_it_is_given() {
    let (mut k, t) = Kernel::sandboxed(100);
    let fd = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    assert_eq!(
        k.sys_setsockopt(t, fd, SOL_SOCKET, SO_DETACH_FILTER, &one(0)),
        Err(SysError::Errno(Errno::ENOENT))
    );
    // ret #0: every reply is dropped, so nothing arrives.
    k.sys_setsockopt(
        t,
        fd,
        SOL_SOCKET,
        SO_ATTACH_FILTER,
        &fprog(&[(0x06, 0, 0, 0)]),
    )
    .unwrap();
    k.sys_sendto(t, fd, &getlink_dump(1), 0, None).unwrap();
    let mut buf = vec![0u8; 32768];
    assert_eq!(
        k.sys_recvfrom(t, fd, &mut buf, MSG_DONTWAIT),
        Err(SysError::Errno(Errno::EAGAIN))
    );
    // ret #20: the datagram is cut to its first 20 bytes.
    k.sys_setsockopt(
        t,
        fd,
        SOL_SOCKET,
        SO_ATTACH_FILTER,
        &fprog(&[(0x06, 0, 0, 20)]),
    )
    .unwrap();
    k.sys_sendto(t, fd, &getlink_dump(2), 0, None).unwrap();
    let m = k
        .sys_recvfrom(t, fd, &mut buf, MSG_DONTWAIT | MSG_TRUNC)
        .unwrap();
    assert_eq!(m.ret, 20);
    k.sys_setsockopt(t, fd, SOL_SOCKET, SO_DETACH_FILTER, &one(0))
        .unwrap();
    // A program that does not end in a return is refused.
    assert_eq!(
        k.sys_setsockopt(
            t,
            fd,
            SOL_SOCKET,
            SO_ATTACH_FILTER,
            &fprog(&[(0x00, 0, 0, 1)])
        ),
        Err(SysError::Errno(Errno::EINVAL))
    );
}
