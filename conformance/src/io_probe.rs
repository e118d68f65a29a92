//! `nltwin fault-probe` actions for the calls beyond the socket calls that `nltwin run --model`
//! serves (`tests/cli_run_io.rs`): control messages, the receive timeout, `read`/`write`,
//! `splice`, `syscall(2)` by number, socket filters. Each prints one line that must be the
//! same on both sides (nothing in it that the sandboxes legitimately differ in, such as the
//! uid the kernel's credentials map to).

use std::ffi::c_void;
use std::time::{Duration, Instant};

use nltwin_wire::uapi::netlink::{NLM_F_DUMP, NLM_F_REQUEST};
use nltwin_wire::uapi::rtnetlink::{RTM_GETADDR, RTM_GETLINK};
use nltwin_wire::{ifinfomsg, MessageBuilder};

use crate::cmd_fault_probe::{errno, errno_name, route_socket};

/// A request for link 1 (lo), or a dump of addresses.
fn getlink_lo() -> Vec<u8> {
    let ifi = ifinfomsg::Repr {
        index: 1,
        ..Default::default()
    };
    MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST, 7, 0)
        .header(&ifi.to_bytes())
        .build()
}

fn getaddr_dump() -> Vec<u8> {
    MessageBuilder::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 8, 0)
        .header(&ifinfomsg::Repr::default().to_bytes())
        .build()
}

/// The first message's type of `n` bytes received into `b`.
fn first_type(b: &[u8], n: isize) -> String {
    if n < 0 {
        return errno_name(errno());
    }
    match b.get(4..6) {
        Some(t) => format!("data {}", u16::from_ne_bytes([t[0], t[1]])),
        None => format!("{n} bytes"),
    }
}

fn setopt(fd: i32, level: i32, name: i32, v: &[u8]) -> Result<(), String> {
    // SAFETY: the value is valid for its length.
    let r = unsafe { libc::setsockopt(fd, level, name, v.as_ptr().cast(), v.len() as u32) };
    if r != 0 {
        return Err(format!(
            "setsockopt({level}, {name}): {}",
            errno_name(errno())
        ));
    }
    Ok(())
}

/// SO_PASSCRED and NETLINK_PKTINFO on, a dump asked, one `recvmsg` with room for both control
/// messages: each message's level and type, the group of the one and the pid of the other.
pub fn control_messages() -> Result<String, String> {
    let fd = route_socket(0)?;
    setopt(fd, libc::SOL_SOCKET, libc::SO_PASSCRED, &1i32.to_ne_bytes())?;
    setopt(
        fd,
        libc::SOL_NETLINK,
        libc::NETLINK_PKTINFO,
        &1i32.to_ne_bytes(),
    )?;
    let req = getaddr_dump();
    // SAFETY: plain calls on buffers of their lengths.
    unsafe {
        if libc::send(fd, req.as_ptr().cast(), req.len(), 0) < 0 {
            return Err(format!("send: {}", errno_name(errno())));
        }
        let mut data = vec![0u8; 65536];
        let mut control = [0u64; 16];
        let mut iov = libc::iovec {
            iov_base: data.as_mut_ptr().cast(),
            iov_len: data.len(),
        };
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control);
        if libc::recvmsg(fd, &mut msg, 0) < 0 {
            return Err(format!("recvmsg: {}", errno_name(errno())));
        }
        let mut seen = Vec::new();
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            let (level, ty) = ((*c).cmsg_level, (*c).cmsg_type);
            let data = libc::CMSG_DATA(c);
            let first = u32::from_ne_bytes(std::ptr::read_unaligned(data.cast::<[u8; 4]>()));
            seen.push(format!("{level}/{ty} len {} first {first}", (*c).cmsg_len));
            c = libc::CMSG_NXTHDR(&msg, c);
        }
        Ok(format!("{} flags {}", seen.join(", "), msg.msg_flags))
    }
}

/// SO_RCVTIMEO of 0.3 s read back, then a blocking receive on an empty queue: its errno and
/// whether it waited about that long.
pub fn receive_timeout() -> Result<String, String> {
    let fd = route_socket(0)?;
    let tv = libc::timeval {
        tv_sec: 0,
        tv_usec: 300_000,
    };
    // SAFETY: a timeval of its size.
    let v = unsafe {
        std::slice::from_raw_parts((&tv as *const libc::timeval).cast::<u8>(), 16).to_vec()
    };
    setopt(fd, libc::SOL_SOCKET, libc::SO_RCVTIMEO, &v)?;
    let started = Instant::now();
    let mut b = [0u8; 4096];
    // SAFETY: the buffer is valid for its length.
    let n = unsafe { libc::recv(fd, b.as_mut_ptr().cast::<c_void>(), b.len(), 0) };
    let waited = started.elapsed();
    let about = waited >= Duration::from_millis(250) && waited < Duration::from_secs(3);
    Ok(format!("{} waited about 0.3 s: {about}", first_type(&b, n)))
}

/// A request written with `write`, its answer read with `read`; then the same pair by number
/// through `syscall(2)` (`SYS_sendto`, `SYS_recvfrom`).
pub fn read_write_and_syscall() -> Result<String, String> {
    let fd = route_socket(0)?;
    let req = getlink_lo();
    let mut b = vec![0u8; 65536];
    // SAFETY: buffers valid for their lengths; null addresses for the by-number calls.
    unsafe {
        let w = libc::write(fd, req.as_ptr().cast(), req.len());
        let r = libc::read(fd, b.as_mut_ptr().cast(), b.len());
        let by_write = format!("write {w} read {}", first_type(&b, r));
        let null = std::ptr::null::<c_void>() as libc::c_long;
        let s = libc::syscall(
            libc::SYS_sendto,
            fd as libc::c_long,
            req.as_ptr() as libc::c_long,
            req.len() as libc::c_long,
            0 as libc::c_long,
            null,
            0 as libc::c_long,
        );
        let r = libc::syscall(
            libc::SYS_recvfrom,
            fd as libc::c_long,
            b.as_mut_ptr() as libc::c_long,
            b.len() as libc::c_long,
            0 as libc::c_long,
            null,
            null,
        );
        let by_number = format!("sendto {s} recvfrom {}", first_type(&b, r as isize));
        Ok(format!("{by_write}; {by_number}"))
    }
}

/// A request written into a pipe and spliced into the socket (once with data, once after
/// the writer closed), then the answer received.
pub fn splice_from_pipe() -> Result<String, String> {
    let fd = route_socket(0)?;
    let req = getlink_lo();
    let mut p = [0i32; 2];
    let mut b = vec![0u8; 65536];
    // SAFETY: plain calls on descriptors made here and buffers of their lengths.
    unsafe {
        if libc::pipe(p.as_mut_ptr()) != 0 {
            return Err(format!("pipe: {}", errno_name(errno())));
        }
        libc::write(p[1], req.as_ptr().cast(), req.len());
        let null = std::ptr::null_mut();
        let first = libc::splice(p[0], null, fd, null, req.len() + 1, 0);
        libc::close(p[1]);
        let second = libc::splice(p[0], null, fd, null, req.len() + 1, 0);
        let r = libc::recv(fd, b.as_mut_ptr().cast(), b.len(), 0);
        Ok(format!(
            "spliced {first} then {second}; {}",
            first_type(&b, r)
        ))
    }
}

/// `struct sock_fprog` of one `ret #k`.
fn ret_filter(k: u32, f: &mut libc::sock_filter) -> libc::sock_fprog {
    *f = libc::sock_filter {
        code: 0x06,
        jt: 0,
        jf: 0,
        k,
    };
    libc::sock_fprog { len: 1, filter: f }
}

/// Socket filters: detaching none, a filter dropping everything (a request's answer never
/// arrives), one cutting to 20 bytes (MSG_TRUNC tells the whole length was 20), detached.
pub fn socket_filter() -> Result<String, String> {
    let fd = route_socket(0)?;
    let req = getlink_lo();
    let mut b = vec![0u8; 65536];
    let mut ins = libc::sock_filter {
        code: 0,
        jt: 0,
        jf: 0,
        k: 0,
    };
    let attach = |prog: &libc::sock_fprog| -> i32 {
        // SAFETY: a sock_fprog pointing at a live instruction.
        unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_ATTACH_FILTER,
                (prog as *const libc::sock_fprog).cast(),
                std::mem::size_of::<libc::sock_fprog>() as u32,
            )
        }
    };
    let detach = || -> String {
        let z = 0i32;
        // SAFETY: an int of its size.
        let r = unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_DETACH_FILTER,
                (&z as *const i32).cast(),
                4,
            )
        };
        if r == 0 {
            "ok".into()
        } else {
            errno_name(errno())
        }
    };
    let mut out = vec![format!("detach none: {}", detach())];
    // SAFETY: buffers valid for their lengths.
    unsafe {
        let drop_all = ret_filter(0, &mut ins);
        attach(&drop_all);
        libc::send(fd, req.as_ptr().cast(), req.len(), 0);
        let r = libc::recv(fd, b.as_mut_ptr().cast(), b.len(), libc::MSG_DONTWAIT);
        out.push(format!("dropping: {}", first_type(&b, r)));
        let cut = ret_filter(20, &mut ins);
        attach(&cut);
        libc::send(fd, req.as_ptr().cast(), req.len(), 0);
        let r = libc::recv(fd, b.as_mut_ptr().cast(), b.len(), libc::MSG_TRUNC);
        out.push(format!("cutting: {r}"));
    }
    out.push(format!("detach: {}", detach()));
    Ok(out.join("; "))
}

/// Every entry `getifaddrs` gives (glibc's, which the library answers from the model under
/// `nltwin run --model`): name, flags, and each address's bytes by family, the statistics.
/// Several lines, one per entry.
pub fn getifaddrs_entries() -> Result<String, String> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: a pointer for the list, freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Err(format!("getifaddrs: {}", errno_name(errno())));
    }
    let sa = |p: *const libc::sockaddr| -> String {
        if p.is_null() {
            return "-".into();
        }
        // SAFETY: a sockaddr getifaddrs made, its size by its family.
        unsafe {
            let len = match i32::from((*p).sa_family) {
                libc::AF_PACKET => 20,
                libc::AF_INET => 16,
                libc::AF_INET6 => 28,
                _ => 16,
            };
            let b = std::slice::from_raw_parts(p.cast::<u8>(), len);
            b.iter().map(|x| format!("{x:02x}")).collect()
        }
    };
    let mut lines = Vec::new();
    let mut at = list;
    while !at.is_null() {
        // SAFETY: an entry of the list getifaddrs returned.
        let e = unsafe { &*at };
        let name = if e.ifa_name.is_null() {
            "-".to_string()
        } else {
            // SAFETY: a NUL-terminated name.
            unsafe { std::ffi::CStr::from_ptr(e.ifa_name) }
                .to_string_lossy()
                .into_owned()
        };
        let data = if e.ifa_data.is_null() {
            "-".to_string()
        } else {
            // SAFETY: IFLA_STATS' struct rtnl_link_stats, 96 bytes.
            let b = unsafe { std::slice::from_raw_parts(e.ifa_data.cast::<u8>(), 96) };
            b.iter().map(|x| format!("{x:02x}")).collect()
        };
        lines.push(format!(
            "{name} flags {:#x} addr {} netmask {} broad/dst {} data {data}",
            e.ifa_flags,
            sa(e.ifa_addr),
            sa(e.ifa_netmask),
            sa(e.ifa_ifu),
        ));
        at = e.ifa_next;
    }
    // SAFETY: the list getifaddrs returned, freed once.
    unsafe { libc::freeifaddrs(list) };
    Ok(lines.join("\n"))
}
