//! Link flags and up/down through the model's system calls: lo up and down with their one
//! notification each and IPv6 readiness after; a veth with its peer down comes up without
//! carrier; what the model does not model says so (`unimplemented`), never a made-up answer.

use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, SysError, TaskId};

const RTM_NEWLINK: u16 = 16;
const IFF_UP: u32 = 1;
const IFF_RUNNING: u32 = 0x40;
const IFF_LOWER_UP: u32 = 0x1_0000;

fn nlmsg(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut b = ((16 + payload.len()) as u32).to_ne_bytes().to_vec();
    b.extend_from_slice(&ty.to_ne_bytes());
    b.extend_from_slice(&flags.to_ne_bytes());
    b.extend_from_slice(&seq.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    b.extend_from_slice(payload);
    b
}

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
        matches!(r, Err(SysError::Unimplemented(w)) if w.contains("lo up/down")),
        "{r:?}"
    );
    // PROMISC through the flags.
    let r = k.sys_sendto(task, fd, &set_flags(1, 0x100, 0x100), 0, None);
    assert!(matches!(r, Err(SysError::Unimplemented(_))), "{r:?}");
}
