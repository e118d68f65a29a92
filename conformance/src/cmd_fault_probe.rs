//! `nltwin fault-probe ACTION` (hidden): small netlink programs that misbehave on purpose, for
//! the tests of `nltwin run`'s faults (`tests/cli_run_faults.rs`). They make their system
//! calls through the C library, so under `nltwin run --model` the preloaded library serves
//! them as it serves any program, and under `--kernel` the kernel does; each prints what it
//! saw, one line, so the two sides' outputs can be compared.

use std::ffi::c_void;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use nltwin_wire::uapi::netlink::{NLM_F_DUMP, NLM_F_REQUEST};
use nltwin_wire::uapi::rtnetlink::RTM_GETLINK;
use nltwin_wire::{ifinfomsg, MessageBuilder};

/// The multicast group bit of RTNLGRP_LINK in `nl_groups`.
const RTMGRP_LINK: u32 = 1;

pub(crate) fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A NETLINK_ROUTE socket bound to `groups`; exits 2 with the errno if it cannot be made.
pub(crate) fn route_socket(groups: u32) -> Result<i32, String> {
    // SAFETY: plain system calls on values built here.
    unsafe {
        let fd = libc::socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE);
        if fd < 0 {
            return Err(format!("socket: errno {}", errno()));
        }
        let mut sa: libc::sockaddr_nl = std::mem::zeroed();
        sa.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        sa.nl_groups = groups;
        let len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
        if libc::bind(fd, (&sa as *const libc::sockaddr_nl).cast(), len) != 0 {
            return Err(format!("bind: errno {}", errno()));
        }
        Ok(fd)
    }
}

/// One receive on `fd` into 64 KiB: "data TYPE" (the first message's type), or the errno's
/// name.
fn recv_once(fd: i32, flags: i32) -> String {
    let mut b = vec![0u8; 65536];
    // SAFETY: the buffer is valid for its length.
    let n = unsafe { libc::recv(fd, b.as_mut_ptr().cast::<c_void>(), b.len(), flags) };
    if n < 0 {
        return errno_name(errno());
    }
    let ty = if n >= 6 {
        u16::from_ne_bytes([b[4], b[5]])
    } else {
        0
    };
    format!("data {ty}")
}

pub(crate) fn errno_name(e: i32) -> String {
    match e {
        libc::ENOBUFS => "ENOBUFS".into(),
        libc::EAGAIN => "EAGAIN".into(),
        libc::EBADF => "EBADF".into(),
        e => format!("errno {e}"),
    }
}

/// Wait until `path` exists (at most 60 s).
fn wait_for(path: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if std::path::Path::new(path).exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

/// Start a link dump, read its first datagram, and die by SIGKILL in the middle of it.
fn dump_then_die() -> Result<String, String> {
    let fd = route_socket(0)?;
    let req = MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
        .header(&ifinfomsg::Repr::default().to_bytes())
        .build();
    // SAFETY: the request is a valid buffer of its length.
    if unsafe { libc::send(fd, req.as_ptr().cast(), req.len(), 0) } < 0 {
        return Err(format!("send: errno {}", errno()));
    }
    // A small buffer: the dump's first datagram, the rest left in the middle of the dump.
    let mut b = vec![0u8; 4096];
    // SAFETY: the buffer is valid for its length.
    let n = unsafe { libc::recv(fd, b.as_mut_ptr().cast(), b.len(), 0) };
    println!("first datagram: {}", if n > 0 { "yes" } else { "no" });
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    // SAFETY: the process kills itself, as the fault asks.
    unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
    Err("still alive after SIGKILL".into())
}

/// Listen to RTNLGRP_LINK with a receive buffer of `rcvbuf` bytes, never read until `go`
/// exists, then read without waiting until the queue is empty: what each receive gave.
fn never_read(rcvbuf: i32, ready: &str, go: &str) -> Result<String, String> {
    let fd = route_socket(RTMGRP_LINK)?;
    let v = rcvbuf;
    // SAFETY: an int option value.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&v as *const i32).cast(),
            4,
        )
    };
    if r != 0 {
        return Err(format!("setsockopt SO_RCVBUF: errno {}", errno()));
    }
    std::fs::write(ready, "").map_err(|e| format!("{ready}: {e}"))?;
    if !wait_for(go) {
        return Err(format!("{go} never appeared"));
    }
    let mut seen: Vec<String> = Vec::new();
    loop {
        let r = recv_once(fd, libc::MSG_DONTWAIT);
        let end = r == "EAGAIN";
        // Consecutive data datagrams are counted, not listed: "ENOBUFS data x5 EAGAIN".
        match seen.last_mut() {
            Some(last) if r.starts_with("data") && last.starts_with("data") => {
                let n = last
                    .split_once(" x")
                    .and_then(|(_, n)| n.parse::<u32>().ok())
                    .unwrap_or(1);
                *last = format!("data x{}", n + 1);
            }
            _ => seen.push(if r.starts_with("data") {
                "data x1".into()
            } else {
                r
            }),
        }
        if end || seen.len() > 1000 {
            break;
        }
    }
    Ok(seen.join(" "))
}

/// A thread blocks receiving on a socket listening to RTNLGRP_LINK; another closes the
/// socket, then adds a veth pair with `ip`: what the blocked receive returned (within 10 s).
fn close_from_thread() -> Result<String, String> {
    let fd = route_socket(RTMGRP_LINK)?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(recv_once(fd, 0));
    });
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: closing the descriptor under the receiving thread is the fault.
    let closed = unsafe { libc::close(fd) };
    let ip = std::process::Command::new("ip")
        .args([
            "link", "add", "cft0", "type", "veth", "peer", "name", "cft1",
        ])
        .status()
        .map_err(|e| format!("ip: {e}"))?;
    let got = rx
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| "still blocked after 10 s".into());
    Ok(format!(
        "close: {closed}; ip: {}; the blocked receive: {got}",
        ip.code().unwrap_or(-1)
    ))
}

/// Two threads call on one socket at once, 300 times each: one asks its name, the other
/// sends an RTM_GETLINK of lo and receives the answer. How many answers were not theirs.
fn threads_share_socket() -> Result<String, String> {
    let fd = route_socket(0)?;
    let names = std::thread::spawn(move || {
        let mut wrong = 0;
        for _ in 0..300 {
            // SAFETY: a zeroed sockaddr_nl and its length.
            let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
            let mut len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            // SAFETY: valid pointers to the address and its length.
            let r = unsafe {
                libc::getsockname(fd, (&mut sa as *mut libc::sockaddr_nl).cast(), &mut len)
            };
            if r != 0 || len != 12 || sa.nl_family != libc::AF_NETLINK as libc::sa_family_t {
                wrong += 1;
            }
        }
        wrong
    });
    let mut wrong = 0;
    for seq in 1..=300u32 {
        let req = MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST, seq, 0)
            .header(
                &ifinfomsg::Repr {
                    index: 1,
                    ..Default::default()
                }
                .to_bytes(),
            )
            .build();
        // SAFETY: the request is a valid buffer of its length.
        unsafe { libc::send(fd, req.as_ptr().cast(), req.len(), 0) };
        let mut b = vec![0u8; 65536];
        // SAFETY: the buffer is valid for its length.
        let n = unsafe { libc::recv(fd, b.as_mut_ptr().cast(), b.len(), 0) };
        let ok = n >= 16
            && u16::from_ne_bytes([b[4], b[5]]) == nltwin_wire::uapi::rtnetlink::RTM_NEWLINK
            && u32::from_ne_bytes([b[8], b[9], b[10], b[11]]) == seq;
        if !ok {
            wrong += 1;
        }
    }
    let wrong_names = names
        .join()
        .map_err(|_| "the naming thread panicked".to_string())?;
    Ok(format!(
        "answers not theirs: {wrong_names} of 300 names, {wrong} of 300 links"
    ))
}

/// Listen to RTNLGRP_LINK, say so in `ready`, and block receiving: what it returned.
fn block_recv(ready: &str) -> Result<String, String> {
    let fd = route_socket(RTMGRP_LINK)?;
    std::fs::write(ready, std::process::id().to_string()).map_err(|e| format!("{ready}: {e}"))?;
    Ok(recv_once(fd, 0))
}

/// Run `action` with `args`; prints its one line, exit 0, or the error on stderr, exit 2.
pub fn fault_probe(action: &str, args: &[String]) -> ExitCode {
    let arg = |i: usize| args.get(i).map_or("", String::as_str);
    let r = match action {
        "dump-then-die" => dump_then_die(),
        "never-read" => never_read(arg(0).parse().unwrap_or(0), arg(1), arg(2)),
        "close-from-thread" => close_from_thread(),
        "block-recv" => block_recv(arg(0)),
        "threads-share-socket" => threads_share_socket(),
        // The calls beyond the socket calls (`io_probe.rs`).
        "control-messages" => crate::io_probe::control_messages(),
        "receive-timeout" => crate::io_probe::receive_timeout(),
        "read-write-syscall" => crate::io_probe::read_write_and_syscall(),
        "splice" => crate::io_probe::splice_from_pipe(),
        "socket-filter" => crate::io_probe::socket_filter(),
        "getifaddrs" => crate::io_probe::getifaddrs_entries(),
        other => Err(format!("no such action: {other}")),
    };
    match r {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("nltwin fault-probe {action}: {e}");
            ExitCode::from(2)
        }
    }
}
