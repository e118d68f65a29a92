//! Coverage-guided fuzz target for the model alone: a sequence of system calls on ROUTE,
//! GENERIC and USERSOCK sockets, with requests that are well-formed netlink headers around
//! arbitrary payloads (or raw bytes), run on a fresh sandboxed model. Any panic, overflow or
//! debug assertion is a finding; errno answers and `unimplemented` are fine. The clock advances
//! between calls as a trace's `sleep` does, so timers and deferred work run amid the calls.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use nltwin_model::Kernel;
use nltwin_wire::builder::MessageBuilder;
use nltwin_wire::nlmsg;
use nltwin_wire::uapi::genetlink::GENL_ID_CTRL;
use nltwin_wire::uapi::netlink::*;
use nltwin_wire::uapi::rtnetlink::{
    RTM_NEWADDR, RTM_NEWADDRLABEL, RTM_NEWLINK, RTM_NEWLINKPROP, RTM_NEWMDB, RTM_NEWNEIGH,
    RTM_NEWNEIGHTBL, RTM_NEWNETCONF, RTM_NEWNEXTHOP, RTM_NEWRULE,
};
use nltwin_wire::uapi::socket::*;

/// Protocols worth reaching: ROUTE, USERSOCK, GENERIC, and one the model has no handler for.
const PROTOCOLS: [i32; 4] = [
    NETLINK_ROUTE,
    NETLINK_USERSOCK,
    NETLINK_GENERIC,
    NETLINK_SOCK_DIAG,
];

#[derive(Arbitrary, Debug)]
enum Call {
    Socket {
        protocol: u8,
        dgram: bool,
    },
    Bind {
        fd: u8,
        pid: u32,
        groups: u32,
        short: bool,
    },
    Connect {
        fd: u8,
        pid: u32,
        groups: u32,
    },
    GetSockName {
        fd: u8,
    },
    SetSockOpt {
        fd: u8,
        level_netlink: bool,
        name: u8,
        value: u32,
        len: u8,
    },
    GetSockOpt {
        fd: u8,
        level_netlink: bool,
        name: u8,
        len: u8,
    },
    /// A netlink message with this header around `payload` (its length field right unless
    /// `len_delta` says otherwise), possibly several in one datagram.
    Send {
        fd: u8,
        msgs: Vec<Msg>,
        to: Option<(u32, u32)>,
        raw_tail: Vec<u8>,
    },
    Recv {
        fd: u8,
        len: u16,
        peek: bool,
        trunc: bool,
    },
    Close {
        fd: u8,
    },
    /// Let the model's clock run (a trace's `sleep`): held link watch work, timers and
    /// deferred work run in between the calls. Up to 70 minutes, in steps of 64 ms.
    Advance {
        steps: u16,
    },
    /// A socket ioctl: on a model socket, or on a socket of another family the task holds
    /// (what `nltwin run` serves), with an ifreq (a name, the union's bytes) or an ifconf.
    Ioctl {
        fd: u8,
        other_family: Option<u8>,
        cmd: u8,
        name: [u8; 16],
        union: [u8; 24],
        ifconf: Option<(i32, bool)>,
    },
}

#[derive(Arbitrary, Debug)]
struct Msg {
    ty: u16,
    flags: u16,
    seq: u32,
    len_delta: i8,
    payload: Vec<u8>,
}

/// Message types that reach handlers: link, address, netconf, rule, neighbour (PF_BRIDGE's
/// FDB included, by the payload's family), neighbour table, multicast database, address label
/// and nexthop requests, nlctrl, and anything else.
fn pick_type(ty: u16) -> u16 {
    match ty % 10 {
        0 => RTM_NEWLINK + ty / 10 % 4,     // RTM_NEWLINK..RTM_SETLINK
        1 => RTM_NEWLINKPROP + ty / 10 % 3, // RTM_NEWLINKPROP..RTM_GETLINKPROP
        2 => GENL_ID_CTRL,                  // nlctrl
        3 => ty / 10 % 20,                  // control types and low families
        4 => RTM_NEWNETCONF + ty / 10 % 3,  // RTM_NEWNETCONF..RTM_GETNETCONF
        5 => RTM_NEWADDR + ty / 10 % 3,     // RTM_NEWADDR..RTM_GETADDR
        6 => RTM_NEWRULE + ty / 10 % 3,     // RTM_NEWRULE..RTM_GETRULE
        7 => RTM_NEWNEIGH + ty / 10 % 3,    // RTM_NEWNEIGH..RTM_GETNEIGH
        8 => RTM_NEWNEIGHTBL + ty / 10 % 4, // RTM_NEWNEIGHTBL..RTM_SETNEIGHTBL
        9 if ty / 10 % 2 == 0 => RTM_NEWMDB + ty / 20 % 3, // RTM_NEWMDB..RTM_GETMDB
        9 if ty / 10 % 4 == 1 => RTM_NEWADDRLABEL + ty / 40 % 3, // RTM_NEWADDRLABEL..GET
        9 if ty / 10 % 4 == 3 => RTM_NEWNEXTHOP + ty / 40 % 3, // RTM_NEWNEXTHOP..GET
        _ => ty,
    }
}

/// The socket option level a call names: SOL_NETLINK or SOL_SOCKET.
fn sockopt_level(level_netlink: bool) -> i32 {
    if level_netlink {
        SOL_NETLINK
    } else {
        SOL_SOCKET
    }
}

/// Up to four messages, each padded to 4 bytes (its length field off by `len_delta % 8`),
/// then up to 64 raw bytes.
fn datagram(msgs: &[Msg], raw_tail: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    for m in msgs.iter().take(4) {
        let len = (nlmsg::HEADER_LEN + m.payload.len()) as i64 + i64::from(m.len_delta % 8);
        d.extend(
            MessageBuilder::new(pick_type(m.ty), m.flags | NLM_F_REQUEST, m.seq, 0)
                .payload(&m.payload)
                .length(len.max(0) as u32)
                .build(),
        );
        d.resize(nlmsg_align(d.len()), 0);
    }
    d.extend_from_slice(&raw_tail[..raw_tail.len().min(64)]);
    d
}

fuzz_target!(|calls: Vec<Call>| {
    let (mut k, task) = Kernel::sandboxed(4242);
    let mut fds: Vec<i32> = Vec::new();
    let fd_of = |fds: &[i32], i: u8| {
        fds.get(usize::from(i) % fds.len().max(1))
            .copied()
            .unwrap_or(99)
    };
    for call in calls.into_iter().take(64) {
        match call {
            Call::Socket { protocol, dgram } => {
                let ty = if dgram { SOCK_DGRAM } else { SOCK_RAW };
                let p = PROTOCOLS[usize::from(protocol) % PROTOCOLS.len()];
                if let Ok(fd) = k.sys_socket(task, ty, p) {
                    fds.push(fd);
                }
            }
            Call::Bind {
                fd,
                pid,
                groups,
                short,
            } => {
                let mut a = SockaddrNl::new(pid, groups).to_bytes().to_vec();
                if short {
                    a.truncate(8);
                }
                let _ = k.sys_bind(task, fd_of(&fds, fd), &a);
            }
            Call::Connect { fd, pid, groups } => {
                let a = SockaddrNl::new(pid, groups).to_bytes();
                let _ = k.sys_connect(task, fd_of(&fds, fd), &a);
            }
            Call::GetSockName { fd } => {
                let _ = k.sys_getsockname(task, fd_of(&fds, fd));
            }
            Call::SetSockOpt {
                fd,
                level_netlink,
                name,
                value,
                len,
            } => {
                let level = sockopt_level(level_netlink);
                let v = value.to_ne_bytes();
                let _ = k.sys_setsockopt(
                    task,
                    fd_of(&fds, fd),
                    level,
                    i32::from(name % 16),
                    &v[..usize::from(len) % 5],
                );
            }
            Call::GetSockOpt {
                fd,
                level_netlink,
                name,
                len,
            } => {
                let level = sockopt_level(level_netlink);
                let mut buf = vec![0u8; usize::from(len) % 16];
                let _ =
                    k.sys_getsockopt(task, fd_of(&fds, fd), level, i32::from(name % 16), &mut buf);
            }
            Call::Send {
                fd,
                msgs,
                to,
                raw_tail,
            } => {
                let d = datagram(&msgs, &raw_tail);
                let to = to.map(|(p, g)| SockaddrNl::new(p, g).to_bytes());
                let _ = k.sys_sendto(
                    task,
                    fd_of(&fds, fd),
                    &d,
                    MSG_DONTWAIT,
                    to.as_ref().map(|a| &a[..]),
                );
            }
            Call::Recv {
                fd,
                len,
                peek,
                trunc,
            } => {
                let mut buf = vec![0u8; usize::from(len) % 32768];
                let flags = MSG_DONTWAIT
                    | if peek { MSG_PEEK } else { 0 }
                    | if trunc { MSG_TRUNC } else { 0 };
                let _ = k.sys_recvfrom(task, fd_of(&fds, fd), &mut buf, flags);
            }
            Call::Advance { steps } => {
                let _ = k.advance(u64::from(steps) * 64_000_000);
            }
            Call::Ioctl {
                fd,
                other_family,
                cmd,
                name,
                union,
                ifconf,
            } => {
                use nltwin_model::dev_ioctl::IoctlArg;
                // The socket ioctl range (0x8900..0x89ff), where the namespace's commands are.
                let cmd = 0x8900 | u32::from(cmd);
                let mut ifr = [0u8; 40];
                ifr[..16].copy_from_slice(&name);
                ifr[16..].copy_from_slice(&union);
                let mut out = Vec::new();
                let mut len = ifconf.map_or(0, |(l, _)| l);
                let arg = match ifconf {
                    Some((_, null_buf)) => IoctlArg::Ifconf {
                        len: &mut len,
                        null_buf,
                        out: &mut out,
                    },
                    None => IoctlArg::Ifreq(&mut ifr),
                };
                let _ = match other_family {
                    Some(f) => k.sys_ioctl_other_socket(task, i32::from(f % 20), cmd, arg),
                    None => k.sys_ioctl(task, fd_of(&fds, fd), cmd, arg),
                };
            }
            Call::Close { fd } => {
                let f = fd_of(&fds, fd);
                if k.sys_close(task, f).is_ok() {
                    fds.retain(|&x| x != f);
                }
            }
        }
    }
});
