//! The library `nltwin run --model` preloads (`LD_PRELOAD`) into a program and every process it
//! starts: their AF_NETLINK sockets talk to the model server at `$NLTWIN_MODEL_SOCK` instead of
//! the kernel; every other socket and call goes to the C library untouched.
//!
//! `socket(AF_NETLINK, ...)` connects a Unix SOCK_SEQPACKET socket to the server and returns it
//! as the program's descriptor; the calls made on it (bind, connect, getsockname, getpeername,
//! setsockopt, getsockopt, send, sendto, sendmsg, recv, recvfrom, recvmsg) become requests to
//! the server (the frames of `nltwin_wire::shim`). Because the descriptor is a real socket,
//! `close`, `dup`, `fork`, `exec`, `fcntl` and readiness (`poll`, `select`, `epoll`: the server
//! makes the connection readable when the model socket has something to read) need no
//! interception. A descriptor is recognised as a model socket by its peer's address (the
//! server's path), so it stays one across `exec`.
//!
//! What the model does not model stops the command: the call does not return, `nltwin run`
//! (told by the server) stops the command's processes and names what it was, exiting 120 (a
//! process left waiting 10 s exits 120 itself). With `NLTWIN_ON_UNMODELED=errno` the call
//! fails with EOPNOTSUPP instead and the program goes on.
//!
//! A process the server cannot serve (it is gone: its `nltwin run` ended or died; or it refused
//! the process, which its run did not start) is told so on stderr and exits 123 at its next
//! call on a model socket, rather than getting an errno it would take for the kernel's.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_int, c_void};
use std::sync::OnceLock;

use libc::{msghdr, size_t, sockaddr, socklen_t, ssize_t};
use nltwin_wire::shim::{IoctlFrameArg, Reply, Request};
use nltwin_wire::uapi::sockios;

/// The exit status of a process stopped by an unmodeled call.
const EXIT_UNMODELED: c_int = 120;
/// The exit status of a process the model server cannot serve (gone, or refused it).
const EXIT_NO_SERVER: c_int = 123;

/// The C library's own function `name` (the next definition after this library's).
macro_rules! real {
    ($name:literal, fn($($t:ty),*) -> $r:ty) => {{
        static P: ::std::sync::OnceLock<usize> = ::std::sync::OnceLock::new();
        let p = *P.get_or_init(|| {
            // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT finds libc's definition.
            unsafe { libc::dlsym(libc::RTLD_NEXT, concat!($name, "\0").as_ptr().cast()) as usize }
        });
        assert!(p != 0, concat!("nltwin-preload: no ", $name, " in the C library"));
        // SAFETY: the symbol is the C library's function of this signature.
        unsafe { std::mem::transmute::<usize, unsafe extern "C" fn($($t),*) -> $r>(p) }
    }};
}

/// The server's socket path, if this process runs under `nltwin run --model`.
fn server_path() -> Option<&'static [u8]> {
    static PATH: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::var_os("NLTWIN_MODEL_SOCK").map(|p| {
            use std::os::unix::ffi::OsStrExt;
            p.as_bytes().to_vec()
        })
    })
    .as_deref()
}

fn set_errno(e: c_int) {
    // SAFETY: the thread's errno location is always valid.
    unsafe { *libc::__errno_location() = e };
}

/// Whether `fd` is a connection to the model server (its peer is the server's path).
fn is_model_socket(fd: c_int) -> bool {
    let Some(path) = server_path() else {
        return false;
    };
    // SAFETY: a zeroed sockaddr_un is valid; the length says how much the kernel may write.
    let mut sun: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_un>() as socklen_t;
    let getpeername = real!(
        "getpeername",
        fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int
    );
    // SAFETY: valid pointers to a sockaddr_un and its length.
    if unsafe { getpeername(fd, (&mut sun as *mut libc::sockaddr_un).cast(), &mut len) } != 0 {
        return false;
    }
    if sun.sun_family != libc::AF_UNIX as libc::sa_family_t {
        return false;
    }
    let bytes: Vec<u8> = sun.sun_path.iter().map(|&c| c as u8).collect();
    let end = bytes.iter().position(|&c| c == 0).unwrap_or(bytes.len());
    &bytes[..end] == path
}

/// The calling process.
fn pid() -> u32 {
    // SAFETY: getpid cannot fail.
    unsafe { libc::getpid() as u32 }
}

/// The server cannot serve this process: say why and exit (never an errno: the program would
/// take it for the kernel's answer and might retry forever).
fn no_server(why: &str) -> ! {
    let path = server_path().map_or_else(String::new, |p| String::from_utf8_lossy(p).into_owned());
    eprintln!(
        "nltwin run: the model server at {path} {why}; process {} exits ({EXIT_NO_SERVER})",
        pid()
    );
    // SAFETY: ending the process is what is asked.
    unsafe { libc::_exit(EXIT_NO_SERVER) }
}

/// What a failed send or receive on connection `fd` means: the program closed the descriptor
/// (EBADF, its answer), the server refused the process (its reason waits on the connection,
/// which the server closed after it), or the server is gone.
fn connection_error(fd: c_int, e: Option<c_int>) -> Reply {
    match e {
        Some(libc::EBADF) => Reply::Err(libc::EBADF),
        Some(libc::EPIPE | libc::ECONNRESET | libc::ENOTCONN) => {
            let recv = real!("recv", fn(c_int, *mut c_void, size_t, c_int) -> ssize_t);
            let mut b = [0u8; 4096];
            // SAFETY: the buffer is valid for its length.
            let n = unsafe { recv(fd, b.as_mut_ptr().cast(), b.len(), libc::MSG_DONTWAIT) };
            if n > 0 {
                if let Ok(Some(Reply::Refused(why))) = Reply::parse(&b[..n as usize]) {
                    no_server(&format!("refused this process: {why}"));
                }
            }
            no_server("is gone (its nltwin run ended or died)")
        }
        _ => Reply::Err(libc::EIO),
    }
}

/// A byte slice from a C pointer and length (empty for a null pointer).
unsafe fn slice<'a>(p: *const c_void, len: usize) -> &'a [u8] {
    if p.is_null() || len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(p.cast(), len)
    }
}

/// One call on a connection at a time in this process: replies carry no tag, so two threads
/// calling on one socket at once could each read the other's reply. A C mutex, not a Rust one,
/// so that `pthread_atfork` can hold it across `fork` (the child then finds it free, not held
/// by a thread that does not exist there).
struct CallLock(std::cell::UnsafeCell<libc::pthread_mutex_t>);
// SAFETY: a pthread mutex is made to be shared between threads.
unsafe impl Sync for CallLock {}
static CALL_LOCK: CallLock = CallLock(std::cell::UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER));

extern "C" fn call_lock() {
    // SAFETY: the static mutex is initialized.
    unsafe { libc::pthread_mutex_lock(CALL_LOCK.0.get()) };
}

extern "C" fn call_unlock() {
    // SAFETY: called by the thread that holds it (a call's end, or fork's parent and child).
    unsafe { libc::pthread_mutex_unlock(CALL_LOCK.0.get()) };
}

/// The lock held for one call.
struct CallGuard;

impl CallGuard {
    fn take() -> CallGuard {
        static ATFORK: std::sync::Once = std::sync::Once::new();
        ATFORK.call_once(|| {
            // SAFETY: handlers with the signature pthread_atfork asks for.
            unsafe { libc::pthread_atfork(Some(call_lock), Some(call_unlock), Some(call_unlock)) };
        });
        call_lock();
        CallGuard
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        call_unlock();
    }
}

/// Send `req` on connection `fd` and wait for the reply, dropping READY packets met on the
/// way. A server that went away ends the process with a message ([`no_server`]).
fn call(fd: c_int, req: &Request) -> Reply {
    let _one_at_a_time = CallGuard::take();
    let send = real!("send", fn(c_int, *const c_void, size_t, c_int) -> ssize_t);
    let recv = real!("recv", fn(c_int, *mut c_void, size_t, c_int) -> ssize_t);
    let poll = real!("poll", fn(*mut libc::pollfd, libc::nfds_t, c_int) -> c_int);
    let frame = req.to_bytes();
    // SAFETY: the frame is a valid buffer of its length.
    if unsafe { send(fd, frame.as_ptr().cast(), frame.len(), libc::MSG_NOSIGNAL) } < 0 {
        return connection_error(fd, std::io::Error::last_os_error().raw_os_error());
    }
    // One receive buffer per thread, kept: a reply carries at most a datagram (1 MiB is the
    // server's cap) and allocating that much per call would cost an mmap each time.
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; (1 << 20) + 256]);
    }
    BUF.with(|b| recv_reply(fd, &mut b.borrow_mut(), recv, poll))
}

/// Read packets on `fd` into `buf` until the reply, dropping READY packets.
fn recv_reply(
    fd: c_int,
    buf: &mut [u8],
    recv: unsafe extern "C" fn(c_int, *mut c_void, size_t, c_int) -> ssize_t,
    poll: unsafe extern "C" fn(*mut libc::pollfd, libc::nfds_t, c_int) -> c_int,
) -> Reply {
    loop {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        unsafe { poll(&mut p, 1, -1) };
        // SAFETY: the buffer is valid for its length.
        let n = unsafe { recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
        if n < 0 {
            let e = std::io::Error::last_os_error().raw_os_error();
            if e == Some(libc::EAGAIN) || e == Some(libc::EINTR) {
                continue;
            }
            return connection_error(fd, e);
        }
        if n == 0 {
            no_server("is gone (its nltwin run ended or died)");
        }
        match Reply::parse(&buf[..n as usize]) {
            Ok(Some(r)) => return r,
            Ok(None) => continue,
            Err(_) => return Reply::Err(libc::EIO),
        }
    }
}

/// A reply as a C result: `Ok` gives its fields; an errno sets `errno`; unmodeled stops the
/// process (or, with `NLTWIN_ON_UNMODELED=errno`, is EOPNOTSUPP).
fn outcome(r: Reply) -> Result<(i64, Vec<u8>, Vec<u8>, i32), c_int> {
    match r {
        Reply::Ok {
            value,
            data,
            addr,
            msg_flags,
        } => Ok((value, data, addr, msg_flags)),
        // A recvmsg's answer where a caller has no control buffer to fill.
        Reply::Received {
            value,
            data,
            addr,
            msg_flags,
            ..
        } => Ok((value, data, addr, msg_flags)),
        Reply::Err(e) => Err(e),
        Reply::Refused(why) => no_server(&format!("refused this process: {why}")),
        Reply::Unimplemented(what) => {
            if std::env::var("NLTWIN_ON_UNMODELED").as_deref() == Ok("errno") {
                return Err(libc::EOPNOTSUPP);
            }
            // The server has noted it and `nltwin run` stops the command (this process
            // included) and names it: wait for that, so that nothing of the command runs on
            // after the call (a shell would go on to its next line if this process exited).
            std::thread::sleep(std::time::Duration::from_secs(10));
            eprintln!("nltwin run: the model does not model this: {what}");
            // SAFETY: ending the process is what is asked.
            unsafe { libc::_exit(EXIT_UNMODELED) }
        }
    }
}

/// A call that returns 0 or -1.
fn status(fd: c_int, req: Request) -> c_int {
    match outcome(call(fd, &req)) {
        Ok(_) => 0,
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// Copy an address reply into a caller's sockaddr and length.
unsafe fn put_addr(addr: &[u8], out: *mut sockaddr, len: *mut socklen_t) {
    if out.is_null() || len.is_null() {
        return;
    }
    let n = (*len as usize).min(addr.len());
    std::ptr::copy_nonoverlapping(addr.as_ptr(), out.cast::<u8>(), n);
    *len = addr.len() as socklen_t;
}

/// A new connection to the server at `path` (socket `flags` such as SOCK_CLOEXEC), or -1 with
/// errno when no socket can be made; a server that cannot be reached ends the process.
unsafe fn connect_server(path: &[u8], flags: c_int) -> c_int {
    let real_socket = real!("socket", fn(c_int, c_int, c_int) -> c_int);
    let fd = real_socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | flags, 0);
    if fd < 0 {
        return fd;
    }
    let mut sun: libc::sockaddr_un = std::mem::zeroed();
    sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, &s) in sun.sun_path.iter_mut().zip(path) {
        *d = s as libc::c_char;
    }
    let connect = real!("connect", fn(c_int, *const sockaddr, socklen_t) -> c_int);
    let len = std::mem::size_of::<libc::sockaddr_un>() as socklen_t;
    if connect(fd, (&sun as *const libc::sockaddr_un).cast(), len) != 0 {
        no_server(&format!(
            "cannot be reached ({}): its nltwin run has ended, or never ran",
            std::io::Error::last_os_error()
        ));
    }
    fd
}

#[no_mangle]
pub unsafe extern "C" fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int {
    let real_socket = real!("socket", fn(c_int, c_int, c_int) -> c_int);
    let Some(path) = server_path().filter(|_| domain == libc::AF_NETLINK) else {
        return real_socket(domain, ty, protocol);
    };
    let flags = ty & (libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK);
    let fd = connect_server(path, flags);
    if fd < 0 {
        return fd;
    }
    let req = Request::Socket {
        pid: pid(),
        ty: ty & !flags,
        protocol,
    };
    match outcome(call(fd, &req)) {
        Ok(_) => fd,
        Err(e) => {
            libc::close(fd);
            set_errno(e);
            -1
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    if !is_model_socket(fd) {
        return real!("bind", fn(c_int, *const sockaddr, socklen_t) -> c_int)(fd, addr, len);
    }
    let addr = slice(addr.cast(), len as usize).to_vec();
    status(fd, Request::Bind { pid: pid(), addr })
}

#[no_mangle]
pub unsafe extern "C" fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    if !is_model_socket(fd) {
        return real!("connect", fn(c_int, *const sockaddr, socklen_t) -> c_int)(fd, addr, len);
    }
    let addr = slice(addr.cast(), len as usize).to_vec();
    status(fd, Request::Connect { pid: pid(), addr })
}

/// getsockname and getpeername.
unsafe fn name_call(fd: c_int, req: Request, out: *mut sockaddr, len: *mut socklen_t) -> c_int {
    match outcome(call(fd, &req)) {
        Ok((_, data, _, _)) => {
            put_addr(&data, out, len);
            0
        }
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn getsockname(fd: c_int, out: *mut sockaddr, len: *mut socklen_t) -> c_int {
    if !is_model_socket(fd) {
        let f = real!(
            "getsockname",
            fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int
        );
        return f(fd, out, len);
    }
    name_call(fd, Request::GetSockName { pid: pid() }, out, len)
}

#[no_mangle]
pub unsafe extern "C" fn getpeername(fd: c_int, out: *mut sockaddr, len: *mut socklen_t) -> c_int {
    if !is_model_socket(fd) {
        let f = real!(
            "getpeername",
            fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int
        );
        return f(fd, out, len);
    }
    name_call(fd, Request::GetPeerName { pid: pid() }, out, len)
}

#[no_mangle]
pub unsafe extern "C" fn setsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    value: *const c_void,
    len: socklen_t,
) -> c_int {
    if !is_model_socket(fd) {
        let f = real!(
            "setsockopt",
            fn(c_int, c_int, c_int, *const c_void, socklen_t) -> c_int
        );
        return f(fd, level, name, value, len);
    }
    let value = sockopt_value::setsockopt_value(level, name, value, len);
    status(
        fd,
        Request::SetSockOpt {
            pid: pid(),
            level,
            name,
            value,
        },
    )
}

#[no_mangle]
pub unsafe extern "C" fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    value: *mut c_void,
    len: *mut socklen_t,
) -> c_int {
    if !is_model_socket(fd) {
        let f = real!(
            "getsockopt",
            fn(c_int, c_int, c_int, *mut c_void, *mut socklen_t) -> c_int
        );
        return f(fd, level, name, value, len);
    }
    if len.is_null() {
        set_errno(libc::EFAULT);
        return -1;
    }
    let req = Request::GetSockOpt {
        pid: pid(),
        level,
        name,
        len: *len,
    };
    match outcome(call(fd, &req)) {
        Ok((n, data, _, _)) => {
            if !value.is_null() {
                std::ptr::copy_nonoverlapping(data.as_ptr(), value.cast::<u8>(), data.len());
            }
            *len = n as socklen_t;
            0
        }
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// A send of `data` (to `to` if given).
fn do_send(fd: c_int, data: Vec<u8>, flags: c_int, to: Option<Vec<u8>>) -> ssize_t {
    let req = Request::SendTo {
        pid: pid(),
        flags,
        to,
        data,
    };
    match outcome(call(fd, &req)) {
        Ok((n, ..)) => n as ssize_t,
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t {
    if !is_model_socket(fd) {
        let f = real!("send", fn(c_int, *const c_void, size_t, c_int) -> ssize_t);
        return f(fd, buf, len, flags);
    }
    do_send(fd, slice(buf, len).to_vec(), flags, None)
}

#[no_mangle]
pub unsafe extern "C" fn sendto(
    fd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    addr: *const sockaddr,
    addrlen: socklen_t,
) -> ssize_t {
    if !is_model_socket(fd) {
        let f = real!(
            "sendto",
            fn(c_int, *const c_void, size_t, c_int, *const sockaddr, socklen_t) -> ssize_t
        );
        return f(fd, buf, len, flags, addr, addrlen);
    }
    let to = (!addr.is_null()).then(|| slice(addr.cast(), addrlen as usize).to_vec());
    do_send(fd, slice(buf, len).to_vec(), flags, to)
}

#[no_mangle]
pub unsafe extern "C" fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    if !is_model_socket(fd) {
        let f = real!("sendmsg", fn(c_int, *const msghdr, c_int) -> ssize_t);
        return f(fd, msg, flags);
    }
    let m = &*msg;
    if m.msg_controllen != 0 {
        return match outcome(Reply::Unimplemented(
            "sendmsg with control messages on a netlink socket".into(),
        )) {
            Ok(_) => 0,
            Err(e) => {
                set_errno(e);
                -1
            }
        };
    }
    let mut data = Vec::new();
    for i in 0..m.msg_iovlen {
        let v = &*m.msg_iov.add(i);
        data.extend_from_slice(slice(v.iov_base, v.iov_len));
    }
    let to = (!m.msg_name.is_null() && m.msg_namelen != 0)
        .then(|| slice(m.msg_name, m.msg_namelen as usize).to_vec());
    do_send(fd, data, flags, to)
}

/// Whether a receive on `fd` with `flags` may wait.
fn may_block(fd: c_int, flags: c_int) -> bool {
    if flags & libc::MSG_DONTWAIT != 0 {
        return false;
    }
    // SAFETY: F_GETFL on a descriptor the caller owns.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    fl >= 0 && fl & libc::O_NONBLOCK == 0
}

/// A receive's result: return value, bytes copied, sender, msg_flags, control messages.
type Got = (i64, Vec<u8>, Vec<u8>, i32, Vec<u8>);

/// A receive of at most `len` bytes. `ctl` is `None` for `recvfrom` (no control buffer) and
/// `Some(controllen)` for `recvmsg` (itself `None` when `msg_control` is NULL). The model
/// never blocks, so a receive that may wait waits here for the connection to become readable
/// (the server's READY) and asks again, for as long as the socket's SO_RCVTIMEO allows.
///
/// A receive that may wait works on a duplicate of the descriptor: as in the kernel, where a
/// blocked `recvmsg` holds the socket, another thread closing the program's descriptor
/// meanwhile neither ends the wait nor makes the receive act on whatever the number names next;
/// the socket closes when the receive returns.
fn do_recv(fd: c_int, len: usize, flags: c_int, ctl: Option<Option<u32>>) -> Result<Got, c_int> {
    let block = may_block(fd, flags);
    if !block {
        return recv_on(fd, len, flags, false, ctl);
    }
    // SAFETY: dup of a descriptor the caller passed; F_DUPFD_CLOEXEC keeps it out of an exec.
    let own = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if own < 0 {
        return Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EBADF));
    }
    let r = recv_on(own, len, flags, true, ctl);
    // SAFETY: the duplicate is this function's own.
    unsafe { libc::close(own) };
    r
}

/// [`do_recv`]'s loop on `fd`: ask, and while the answer is EAGAIN and `block`, wait (until
/// the receive timeout, asked for at the first wait, runs out: then EAGAIN, as the kernel's).
fn recv_on(
    fd: c_int,
    len: usize,
    flags: c_int,
    block: bool,
    ctl: Option<Option<u32>>,
) -> Result<Got, c_int> {
    let poll = real!("poll", fn(*mut libc::pollfd, libc::nfds_t, c_int) -> c_int);
    let mut deadline: Option<Option<std::time::Instant>> = None;
    loop {
        let (pid, flags, len) = (
            pid(),
            flags | libc::MSG_DONTWAIT,
            len.min(u32::MAX as usize) as u32,
        );
        let req = match ctl {
            None => Request::RecvFrom { pid, flags, len },
            Some(controllen) => Request::RecvMsg {
                pid,
                flags,
                len,
                controllen,
            },
        };
        let r = match call(fd, &req) {
            Reply::Received {
                value,
                data,
                addr,
                msg_flags,
                control,
            } => return Ok((value, data, addr, msg_flags, control)),
            other => outcome(other),
        };
        match r {
            Err(libc::EAGAIN) if block => {
                let until = *deadline.get_or_insert_with(|| rcv_deadline(fd));
                let wait_ms = match until {
                    None => -1,
                    Some(t) => {
                        let left = t.saturating_duration_since(std::time::Instant::now());
                        if left.is_zero() {
                            return Err(libc::EAGAIN);
                        }
                        left.as_micros().div_ceil(1000).min(i32::MAX as u128) as c_int
                    }
                };
                let mut p = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                unsafe { poll(&mut p, 1, wait_ms) };
            }
            r => return r.map(|(v, d, a, f)| (v, d, a, f, Vec::new())),
        }
    }
}

/// When a receive waiting from now gives up: the socket's SO_RCVTIMEO (`None`: never).
fn rcv_deadline(fd: c_int) -> Option<std::time::Instant> {
    match outcome(call(fd, &Request::RcvTimeo { pid: pid() })) {
        Ok((ns, ..)) if ns >= 0 => {
            Some(std::time::Instant::now() + std::time::Duration::from_nanos(ns as u64))
        }
        _ => None,
    }
}

#[no_mangle]
pub unsafe extern "C" fn recvfrom(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
) -> ssize_t {
    if !is_model_socket(fd) {
        let f = real!(
            "recvfrom",
            fn(c_int, *mut c_void, size_t, c_int, *mut sockaddr, *mut socklen_t) -> ssize_t
        );
        return f(fd, buf, len, flags, addr, addrlen);
    }
    match do_recv(fd, len, flags, None) {
        Ok((n, data, from, _, _)) => {
            if !buf.is_null() {
                std::ptr::copy_nonoverlapping(data.as_ptr(), buf.cast::<u8>(), data.len().min(len));
            }
            put_addr(&from, addr, addrlen);
            n as ssize_t
        }
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t {
    if !is_model_socket(fd) {
        let f = real!("recv", fn(c_int, *mut c_void, size_t, c_int) -> ssize_t);
        return f(fd, buf, len, flags);
    }
    recvfrom(
        fd,
        buf,
        len,
        flags,
        std::ptr::null_mut(),
        std::ptr::null_mut(),
    )
}

#[no_mangle]
pub unsafe extern "C" fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    if !is_model_socket(fd) {
        let f = real!("recvmsg", fn(c_int, *mut msghdr, c_int) -> ssize_t);
        return f(fd, msg, flags);
    }
    let m = &mut *msg;
    let total: usize = (0..m.msg_iovlen).map(|i| (*m.msg_iov.add(i)).iov_len).sum();
    let controllen =
        (!m.msg_control.is_null()).then(|| m.msg_controllen.min(u32::MAX as usize) as u32);
    match do_recv(fd, total, flags, Some(controllen)) {
        Ok((n, data, from, msg_flags, control)) => {
            let mut off = 0;
            for i in 0..m.msg_iovlen {
                let v = &*m.msg_iov.add(i);
                let k = v.iov_len.min(data.len() - off);
                if k > 0 {
                    std::ptr::copy_nonoverlapping(data[off..].as_ptr(), v.iov_base.cast::<u8>(), k);
                }
                off += k;
            }
            if !m.msg_name.is_null() {
                let mut len = m.msg_namelen;
                put_addr(&from, m.msg_name.cast(), &mut len);
                m.msg_namelen = len;
            }
            // The control messages as the kernel's put_cmsg laid them out (already cut to
            // the buffer, MSG_CTRUNC in the flags when they did not fit).
            if !m.msg_control.is_null() {
                let n = control.len().min(m.msg_controllen);
                std::ptr::copy_nonoverlapping(control.as_ptr(), m.msg_control.cast::<u8>(), n);
                m.msg_controllen = n;
            } else {
                m.msg_controllen = 0;
            }
            m.msg_flags = msg_flags;
            n as ssize_t
        }
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// Whether `cmd` on a model socket is the descriptor's or the file's own business, which the
/// real descriptor answers as the kernel's socket file would: non-blocking and async mode,
/// close-on-exec, the owner and process group, receive time stamps.
fn file_level_ioctl(cmd: u32) -> bool {
    const FIONBIO: u32 = 0x5421;
    const FIOASYNC: u32 = 0x5452;
    const FIONCLEX: u32 = 0x5450;
    const FIOCLEX: u32 = 0x5451;
    const FIOQSIZE: u32 = 0x5460;
    matches!(cmd, FIONBIO | FIOASYNC | FIONCLEX | FIOCLEX | FIOQSIZE)
        || (sockios::is_socket_ioctl_cmd(cmd) && matches!(cmd & 0xff, 1..=4 | 6 | 7))
}

/// The address family of socket `fd`, or None when `fd` is not a socket.
fn socket_family(fd: c_int) -> Option<c_int> {
    let getsockopt = real!(
        "getsockopt",
        fn(c_int, c_int, c_int, *mut c_void, *mut socklen_t) -> c_int
    );
    let mut family: c_int = 0;
    let mut len = std::mem::size_of::<c_int>() as socklen_t;
    // SAFETY: an int and its length.
    let r = unsafe {
        getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_DOMAIN,
            (&mut family as *mut c_int).cast(),
            &mut len,
        )
    };
    (r == 0).then_some(family)
}

/// An ioctl the model answers: its argument copied to the server as `cmd` needs, the reply
/// copied back.
unsafe fn model_ioctl(fd: c_int, family: c_int, cmd: u32, arg: *mut c_void) -> c_int {
    let frame_arg = match sockios::arg_kind(cmd) {
        _ if arg.is_null() => IoctlFrameArg::Other,
        sockios::IoctlArgKind::Ifreq => {
            IoctlFrameArg::Ifreq(slice(arg, sockios::IFREQ_LEN).to_vec())
        }
        sockios::IoctlArgKind::Ifconf => {
            // The program's struct need not be aligned (Python's fcntl passes a byte buffer).
            let ifc = std::ptr::read_unaligned(arg.cast::<libc::ifconf>());
            IoctlFrameArg::Ifconf {
                len: ifc.ifc_len,
                null_buf: ifc.ifc_ifcu.ifcu_buf.is_null(),
            }
        }
        sockios::IoctlArgKind::Other => IoctlFrameArg::Other,
    };
    let kind = sockios::arg_kind(cmd);
    let req = Request::Ioctl {
        pid: pid(),
        family,
        cmd,
        arg: frame_arg,
    };
    match outcome(call(fd, &req)) {
        Ok((value, data, _, _)) => {
            match kind {
                sockios::IoctlArgKind::Ifreq if !arg.is_null() => {
                    let n = data.len().min(sockios::IFREQ_LEN);
                    std::ptr::copy_nonoverlapping(data.as_ptr(), arg.cast::<u8>(), n);
                }
                sockios::IoctlArgKind::Ifconf if !arg.is_null() => {
                    let mut ifc = std::ptr::read_unaligned(arg.cast::<libc::ifconf>());
                    let buf = ifc.ifc_ifcu.ifcu_buf;
                    if !buf.is_null() {
                        std::ptr::copy_nonoverlapping(data.as_ptr(), buf.cast::<u8>(), data.len());
                    }
                    ifc.ifc_len = value as c_int;
                    std::ptr::write_unaligned(arg.cast::<libc::ifconf>(), ifc);
                    return 0;
                }
                _ => {}
            }
            value as c_int
        }
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// `ioctl`: on a model socket, everything but the file's own commands goes to the model (which
/// answers socket commands from its namespace and ENOTTY to the rest, as netlink does); on any
/// other socket, the commands that ask the namespace about its devices, addresses, routes and
/// bridges go to the model too, on a connection made for the request, since the program's
/// namespace is the model's. Everything else is the C library's.
///
/// Declared with the third argument fixed: on x86-64 a variadic call passes it where this
/// function reads it.
#[no_mangle]
pub unsafe extern "C" fn ioctl(fd: c_int, request: libc::c_ulong, arg: *mut c_void) -> c_int {
    let real = real!("ioctl", fn(c_int, libc::c_ulong, *mut c_void) -> c_int);
    let Some(path) = server_path() else {
        return real(fd, request, arg);
    };
    let cmd = request as u32;
    if is_model_socket(fd) {
        if file_level_ioctl(cmd) {
            return real(fd, request, arg);
        }
        return model_ioctl(fd, libc::AF_NETLINK, cmd, arg);
    }
    if !sockios::reaches_namespace(cmd) {
        return real(fd, request, arg);
    }
    let Some(family) = socket_family(fd) else {
        return real(fd, request, arg);
    };
    let conn = connect_server(path, libc::SOCK_CLOEXEC);
    if conn < 0 {
        return real(fd, request, arg);
    }
    let r = model_ioctl(conn, family, cmd, arg);
    let e = *libc::__errno_location();
    libc::close(conn);
    set_errno(e);
    r
}

/// Run `f` with a connection made for one request to the server at `path`, closed after
/// (errno kept).
unsafe fn with_connection<T>(path: &[u8], f: impl FnOnce(c_int) -> T) -> Option<T> {
    let conn = connect_server(path, libc::SOCK_CLOEXEC);
    if conn < 0 {
        return None;
    }
    let r = f(conn);
    let e = *libc::__errno_location();
    libc::close(conn);
    set_errno(e);
    Some(r)
}

// glibc's interface-name functions call its ioctl and netlink code internally, where no
// preloaded definition can reach them: they are answered here as glibc answers them, from the
// model (`sysdeps/unix/sysv/linux/if_index.c`).

/// `if_nametoindex`: SIOCGIFINDEX on a socket glibc opens (AF_UNIX first).
#[no_mangle]
pub unsafe extern "C" fn if_nametoindex(name: *const libc::c_char) -> libc::c_uint {
    let real = real!("if_nametoindex", fn(*const libc::c_char) -> libc::c_uint);
    let Some(path) = server_path() else {
        return real(name);
    };
    let n = std::ffi::CStr::from_ptr(name).to_bytes();
    if n.len() >= 16 {
        set_errno(libc::ENODEV);
        return 0;
    }
    let mut ifr = [0u8; sockios::IFREQ_LEN];
    ifr[..n.len()].copy_from_slice(n);
    let r = with_connection(path, |c| {
        model_ioctl(
            c,
            libc::AF_UNIX,
            sockios::SIOCGIFINDEX,
            ifr.as_mut_ptr().cast(),
        )
    });
    match r {
        Some(0) => i32::from_ne_bytes([ifr[16], ifr[17], ifr[18], ifr[19]]) as libc::c_uint,
        _ => {
            if *libc::__errno_location() == libc::EINVAL {
                set_errno(libc::ENOSYS);
            }
            0
        }
    }
}

/// `if_indextoname`: SIOCGIFNAME; a missing device is ENXIO.
#[no_mangle]
pub unsafe extern "C" fn if_indextoname(
    index: libc::c_uint,
    buf: *mut libc::c_char,
) -> *mut libc::c_char {
    let real = real!(
        "if_indextoname",
        fn(libc::c_uint, *mut libc::c_char) -> *mut libc::c_char
    );
    let Some(path) = server_path() else {
        return real(index, buf);
    };
    let mut ifr = [0u8; sockios::IFREQ_LEN];
    ifr[16..20].copy_from_slice(&(index as i32).to_ne_bytes());
    let r = with_connection(path, |c| {
        model_ioctl(
            c,
            libc::AF_UNIX,
            sockios::SIOCGIFNAME,
            ifr.as_mut_ptr().cast(),
        )
    });
    if r != Some(0) {
        if *libc::__errno_location() == libc::ENODEV {
            set_errno(libc::ENXIO);
        }
        return std::ptr::null_mut();
    }
    let end = ifr[..16].iter().position(|&c| c == 0).unwrap_or(15);
    std::ptr::copy_nonoverlapping(ifr.as_ptr(), buf.cast::<u8>(), end);
    *buf.add(end) = 0;
    buf
}

// After `real!`, which they use (a macro is in scope only below its definition).
mod glibc_netlink;
mod io;
mod raw_syscall;
mod sockopt_value;
