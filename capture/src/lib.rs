//! The library `nltwin run --capture DIR` preloads (`LD_PRELOAD`) into a command and every
//! process it starts: it writes down every call each process makes on a netlink socket
//! (socket, bind, connect, getsockname, getpeername, setsockopt, getsockopt, send, sendto,
//! sendmsg, recv, recvfrom, recvmsg, close) with its arguments, the bytes sent and received
//! and the result, then hands the call on unchanged to the next definition: the C library's
//! on the kernel side, `libnltwin_preload.so`'s on the model side (this library is preloaded
//! first there, so the model is captured at the same point as the kernel: the calls the
//! program made, not the frames the preload exchanges with the server).
//!
//! `read` and `write` on a descriptor already known as a netlink socket are captured as the
//! `recv` and `send` with no flags they are (marked `"read":1`, `"write":1`).
//!
//! One file per process, `DIR/<pid>.jsonl`: a header line (pid, parent, command line, start
//! time, wall-clock time), then one line per call, in the order the process's calls
//! completed, each with its monotonic start and end times (`t0`, `t1`, ns) so that the calls of
//! several processes can be put back in the order they happened. Each line is one `write` to a
//! file opened with `O_APPEND` (opened and closed per line: a program that closes every
//! descriptor, or a `fork`, cannot make a line go elsewhere). The files are read by
//! `nltwin_conformance::capture`; their fields are raw (numbers and hex), the exchange format's
//! names are given there.
//!
//! A netlink socket is one this process opened with `socket(AF_NETLINK, ...)` (named `s1`,
//! `s2`, ... in order of creation, names kept across `fork`), or, first met otherwise (inherited
//! across `exec`, or a `dup` of one), a descriptor whose `SO_DOMAIN` is AF_NETLINK or that is a
//! connection to the model server (`$NLTWIN_MODEL_SOCK`); such a socket is named when first met
//! and its first line says `"inherited":1`. A name is forgotten when its descriptor is closed,
//! by `close` or by `dup2`/`dup3` onto it.
//!
//! The library's own I/O (the capture files, its checks) uses raw system calls, so that it never
//! enters the interposed functions, its own or the model preload's.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_int, c_long, c_void};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use libc::{msghdr, size_t, sockaddr, socklen_t, ssize_t};

/// The next definition of `name` after this library's (the model preload's, or the C
/// library's).
macro_rules! next {
    ($name:literal, fn($($t:ty),*) -> $r:ty) => {{
        static P: OnceLock<usize> = OnceLock::new();
        let p = *P.get_or_init(|| {
            // SAFETY: dlsym with a NUL-terminated name.
            unsafe { libc::dlsym(libc::RTLD_NEXT, concat!($name, "\0").as_ptr().cast()) as usize }
        });
        assert!(p != 0, concat!("nltwin-capture: no ", $name, " after this library"));
        // SAFETY: the symbol is a function of this signature (libc's, or the preload's).
        unsafe { std::mem::transmute::<usize, unsafe extern "C" fn($($t),*) -> $r>(p) }
    }};
}

/// `$NLTWIN_CAPTURE_DIR`, if set: where the capture files go.
fn capture_dir() -> Option<&'static [u8]> {
    static DIR: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    DIR.get_or_init(|| {
        use std::os::unix::ffi::OsStrExt;
        std::env::var_os("NLTWIN_CAPTURE_DIR")
            .filter(|d| !d.is_empty())
            .map(|d| d.as_bytes().to_vec())
    })
    .as_deref()
}

/// `$NLTWIN_MODEL_SOCK`, if set (the model side: its connections are netlink sockets).
fn model_sock() -> Option<&'static [u8]> {
    static PATH: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    PATH.get_or_init(|| {
        use std::os::unix::ffi::OsStrExt;
        std::env::var_os("NLTWIN_MODEL_SOCK").map(|d| d.as_bytes().to_vec())
    })
    .as_deref()
}

/// Descriptors below this are tracked in [`NAMES`]; a netlink socket above it is not
/// captured (no program of the suite comes near).
const MAX_FD: usize = 65536;

/// The socket number of each descriptor (0: not a netlink socket this library knows). Atomics
/// rather than a lock: a `fork` while another thread held a lock would leave it held forever
/// in the child.
static NAMES: [AtomicU32; MAX_FD] = [const { AtomicU32::new(0) }; MAX_FD];
/// The last socket number given.
static LAST_NAME: AtomicU32 = AtomicU32::new(0);
/// The process whose header the capture file has (a child after `fork` writes its own).
static HEADER_FOR: AtomicU32 = AtomicU32::new(0);

fn pid() -> u32 {
    // SAFETY: getpid cannot fail.
    unsafe { libc::getpid() as u32 }
}

fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn set_errno(e: c_int) {
    // SAFETY: the thread's errno location is always valid.
    unsafe { *libc::__errno_location() = e };
}

/// The C library's own `syscall`, not the one a library preloaded after this one may define
/// (`nltwin run --model`'s serves socket calls made by number, and would answer these
/// questions about the model's sockets by calling back into this library: endless recursion).
unsafe fn kernel_syscall(
    num: c_long,
    a1: c_long,
    a2: c_long,
    a3: c_long,
    a4: c_long,
    a5: c_long,
) -> c_long {
    static P: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let p = *P.get_or_init(|| {
        // SAFETY: dlopen of the already loaded C library (no load), dlsym of a NUL-terminated
        // name.
        unsafe {
            let h = libc::dlopen(c"libc.so.6".as_ptr(), libc::RTLD_LAZY | libc::RTLD_NOLOAD);
            if h.is_null() {
                return 0;
            }
            libc::dlsym(h, c"syscall".as_ptr()) as usize
        }
    });
    if p == 0 {
        set_errno(libc::ENOSYS);
        return -1;
    }
    // SAFETY: the C library's variadic syscall, called with six long arguments as x86-64
    // passes them.
    let f = std::mem::transmute::<
        usize,
        unsafe extern "C" fn(c_long, c_long, c_long, c_long, c_long, c_long) -> c_long,
    >(p);
    f(num, a1, a2, a3, a4, a5)
}

/// A raw system call's result as (value, errno).
fn raw(r: c_long) -> Result<c_long, c_int> {
    if r < 0 {
        Err(errno())
    } else {
        Ok(r)
    }
}

/// Whether `fd` is a netlink socket (its domain is AF_NETLINK) or a connection to the model
/// server, asked of the kernel directly.
fn is_netlink(fd: c_int) -> bool {
    let mut v: c_int = 0;
    let mut len = std::mem::size_of::<c_int>() as socklen_t;
    // SAFETY: valid pointers to an int and its length.
    let r = unsafe {
        kernel_syscall(
            libc::SYS_getsockopt,
            fd as c_long,
            libc::SOL_SOCKET as c_long,
            libc::SO_DOMAIN as c_long,
            &mut v as *mut c_int as c_long,
            &mut len as *mut socklen_t as c_long,
        )
    };
    if raw(r).is_err() {
        return false;
    }
    if v == libc::AF_NETLINK {
        return true;
    }
    let Some(path) = model_sock().filter(|_| v == libc::AF_UNIX) else {
        return false;
    };
    // SAFETY: a zeroed sockaddr_un is valid; the length says how much the kernel may write.
    let mut sun: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_un>() as socklen_t;
    // SAFETY: valid pointers to a sockaddr_un and its length.
    let r = unsafe {
        kernel_syscall(
            libc::SYS_getpeername,
            fd as c_long,
            &mut sun as *mut libc::sockaddr_un as c_long,
            &mut len as *mut socklen_t as c_long,
            0,
            0,
        )
    };
    if raw(r).is_err() {
        return false;
    }
    let bytes: Vec<u8> = sun.sun_path.iter().map(|&c| c as u8).collect();
    let end = bytes.iter().position(|&c| c == 0).unwrap_or(bytes.len());
    &bytes[..end] == path
}

/// The name of `fd` if it is a netlink socket (named now if first met: `inherited`).
fn name_of(fd: c_int) -> Option<(u32, bool)> {
    capture_dir()?;
    let slot = NAMES.get(usize::try_from(fd).ok()?)?;
    match slot.load(Ordering::Relaxed) {
        0 if is_netlink(fd) => {
            let n = LAST_NAME.fetch_add(1, Ordering::Relaxed) + 1;
            slot.store(n, Ordering::Relaxed);
            Some((n, true))
        }
        0 => None,
        n => Some((n, false)),
    }
}

/// Hex of `b`.
fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// A byte slice from a C pointer and length (empty for a null pointer).
unsafe fn slice<'a>(p: *const c_void, len: usize) -> &'a [u8] {
    if p.is_null() || len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(p.cast(), len)
    }
}

/// Append `b` to this process's capture file (made, with its header, on the first line).
fn append(line: &str) {
    let Some(dir) = capture_dir() else { return };
    let me = pid();
    let mut path = dir.to_vec();
    path.extend_from_slice(format!("/{me}.jsonl\0").as_bytes());
    let mut text = String::new();
    if HEADER_FOR.swap(me, Ordering::Relaxed) != me {
        text = header(me);
    }
    text.push_str(line);
    text.push('\n');
    // SAFETY: a NUL-terminated path; the descriptor is this function's own.
    unsafe {
        let Ok(fd) = raw(kernel_syscall(
            libc::SYS_openat,
            libc::AT_FDCWD as c_long,
            path.as_ptr() as c_long,
            (libc::O_WRONLY | libc::O_APPEND | libc::O_CREAT | libc::O_CLOEXEC) as c_long,
            0o600,
            0,
        )) else {
            return;
        };
        let _ = kernel_syscall(
            libc::SYS_write,
            fd,
            text.as_ptr() as c_long,
            text.len() as c_long,
            0,
            0,
        );
        let _ = kernel_syscall(libc::SYS_close, fd, 0, 0, 0, 0);
    }
}

/// The header line of process `me`: pid, parent, command line (hex of /proc/self/cmdline, its
/// arguments NUL-separated), start time in clock ticks after boot (/proc/self/stat), and the
/// wall clock in seconds (what a program's `time()` gave about then).
fn header(me: u32) -> String {
    let cmdline = std::fs::read("/proc/self/cmdline").unwrap_or_default();
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_comm = stat.rfind(')').map_or("", |i| &stat[i + 1..]);
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    // After "(comm)": state is field 0, ppid 1, starttime 19.
    let ppid: u64 = fields.get(1).and_then(|f| f.parse().ok()).unwrap_or(0);
    let start: u64 = fields.get(19).and_then(|f| f.parse().ok()).unwrap_or(0);
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{{\"process\":{me},\"ppid\":{ppid},\"cmdline\":\"{}\",\"start_ticks\":{start},\"unix_time\":{unix},\"t\":{}}}\n",
        hex(&cmdline),
        now_ns()
    )
}

/// One call's line: its fields, with times and result.
struct Line {
    s: String,
}

impl Line {
    fn new(op: &str, sock: u32, inherited: bool, t0: u64) -> Line {
        let mut s = format!("{{\"op\":\"{op}\",\"sock\":\"s{sock}\",\"t0\":{t0}");
        if inherited {
            s.push_str(",\"inherited\":1");
        }
        Line { s }
    }

    fn int(mut self, k: &str, v: i64) -> Line {
        let _ = write!(self.s, ",\"{k}\":{v}");
        self
    }

    fn bytes(mut self, k: &str, b: &[u8]) -> Line {
        let _ = write!(self.s, ",\"{k}\":\"{}\"", hex(b));
        self
    }

    /// The result (`ret`, and `errno` when it failed), the end time, and the line written.
    fn done(mut self, ret: i64, e: c_int) {
        let _ = write!(self.s, ",\"t1\":{},\"ret\":{ret}", now_ns());
        if ret < 0 {
            let _ = write!(self.s, ",\"errno\":{e}");
        }
        self.s.push('}');
        append(&self.s);
    }
}

/// Run `call`, then write its line (the result and errno it left), and give its result back
/// with errno as it was.
fn record<R: Copy + Into<i64>>(
    line: Line,
    call: impl FnOnce() -> R,
    extra: impl FnOnce(Line, R) -> Line,
) -> R {
    let r = call();
    let e = errno();
    let v: i64 = r.into();
    let line = extra(line, r);
    line.done(v, e);
    set_errno(e);
    r
}

#[no_mangle]
pub unsafe extern "C" fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int {
    let f = next!("socket", fn(c_int, c_int, c_int) -> c_int);
    if domain != libc::AF_NETLINK || capture_dir().is_none() {
        return f(domain, ty, protocol);
    }
    let n = LAST_NAME.fetch_add(1, Ordering::Relaxed) + 1;
    let line = Line::new("socket", n, false, now_ns())
        .int("type", ty as i64)
        .int("protocol", protocol as i64);
    record(
        line,
        || f(domain, ty, protocol),
        |l, fd| {
            if let Some(slot) = usize::try_from(fd).ok().and_then(|i| NAMES.get(i)) {
                slot.store(n, Ordering::Relaxed);
            }
            l
        },
    )
}

#[no_mangle]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    let f = next!("close", fn(c_int) -> c_int);
    let slot = usize::try_from(fd).ok().and_then(|i| NAMES.get(i));
    let Some(n) = slot
        .map(|s| s.swap(0, Ordering::Relaxed))
        .filter(|&n| n != 0)
    else {
        return f(fd);
    };
    record(Line::new("close", n, false, now_ns()), || f(fd), |l, _| l)
}

/// `newfd` no longer names what it named (dup2/dup3 closed it): forget its name, so that a
/// socket of another kind at that number is not taken for the netlink one. (The closed
/// netlink socket gets no `close` line: the program did not call close.)
fn forget(newfd: c_int) {
    if let Some(slot) = usize::try_from(newfd).ok().and_then(|i| NAMES.get(i)) {
        slot.store(0, Ordering::Relaxed);
    }
}

#[no_mangle]
pub unsafe extern "C" fn dup2(oldfd: c_int, newfd: c_int) -> c_int {
    let f = next!("dup2", fn(c_int, c_int) -> c_int);
    let r = f(oldfd, newfd);
    if r >= 0 && oldfd != newfd {
        forget(newfd);
    }
    r
}

#[no_mangle]
pub unsafe extern "C" fn dup3(oldfd: c_int, newfd: c_int, flags: c_int) -> c_int {
    let f = next!("dup3", fn(c_int, c_int, c_int) -> c_int);
    let r = f(oldfd, newfd, flags);
    if r >= 0 {
        forget(newfd);
    }
    r
}

/// The name of `fd` if this library already knows it as a netlink socket. `read` and
/// `write` go to every kind of descriptor: asking the kernel about each one (as [`name_of`]
/// does) would cost a system call per file read, so they are captured on known sockets only.
fn known(fd: c_int) -> Option<u32> {
    capture_dir()?;
    let n = NAMES
        .get(usize::try_from(fd).ok()?)?
        .load(Ordering::Relaxed);
    (n != 0).then_some(n)
}

/// `read` on a socket is `recv` with no flags: captured as that.
#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, len: size_t) -> ssize_t {
    let f = next!("read", fn(c_int, *mut c_void, size_t) -> ssize_t);
    let Some(n) = known(fd) else {
        return f(fd, buf, len);
    };
    let line = Line::new("recv", n, false, now_ns())
        .int("len", len as i64)
        .int("flags", 0)
        .int("read", 1);
    record(
        line,
        || f(fd, buf, len) as i64,
        |l, r| {
            let got = usize::try_from(r).unwrap_or(0).min(len);
            recv_done(l, r, slice(buf, got), None, None)
        },
    ) as ssize_t
}

/// `write` on a socket is `send` with no flags: captured as that.
#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, len: size_t) -> ssize_t {
    let f = next!("write", fn(c_int, *const c_void, size_t) -> ssize_t);
    let Some(n) = known(fd) else {
        return f(fd, buf, len);
    };
    let line = Line::new("send", n, false, now_ns())
        .int("flags", 0)
        .int("write", 1)
        .bytes("hex", slice(buf, len));
    record(line, || f(fd, buf, len) as i64, |l, _| l) as ssize_t
}

/// bind and connect.
unsafe fn addr_call(
    op: &str,
    f: unsafe extern "C" fn(c_int, *const sockaddr, socklen_t) -> c_int,
    fd: c_int,
    addr: *const sockaddr,
    len: socklen_t,
) -> c_int {
    let Some((n, inh)) = name_of(fd) else {
        return f(fd, addr, len);
    };
    let line = Line::new(op, n, inh, now_ns()).bytes("addr", slice(addr.cast(), len as usize));
    record(line, || f(fd, addr, len), |l, _| l)
}

#[no_mangle]
pub unsafe extern "C" fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    let f = next!("bind", fn(c_int, *const sockaddr, socklen_t) -> c_int);
    addr_call("bind", f, fd, addr, len)
}

#[no_mangle]
pub unsafe extern "C" fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    let f = next!("connect", fn(c_int, *const sockaddr, socklen_t) -> c_int);
    addr_call("connect", f, fd, addr, len)
}

/// getsockname and getpeername.
unsafe fn name_call(
    op: &str,
    f: unsafe extern "C" fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int,
    fd: c_int,
    out: *mut sockaddr,
    len: *mut socklen_t,
) -> c_int {
    let Some((n, inh)) = name_of(fd) else {
        return f(fd, out, len);
    };
    let cap = if len.is_null() { 0 } else { *len as usize };
    record(
        Line::new(op, n, inh, now_ns()),
        || f(fd, out, len),
        |l, r| {
            if r == 0 && !len.is_null() {
                let got = (*len as usize).min(cap);
                l.bytes("out", slice(out.cast(), got))
            } else {
                l
            }
        },
    )
}

#[no_mangle]
pub unsafe extern "C" fn getsockname(fd: c_int, out: *mut sockaddr, len: *mut socklen_t) -> c_int {
    let f = next!(
        "getsockname",
        fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int
    );
    name_call("getsockname", f, fd, out, len)
}

#[no_mangle]
pub unsafe extern "C" fn getpeername(fd: c_int, out: *mut sockaddr, len: *mut socklen_t) -> c_int {
    let f = next!(
        "getpeername",
        fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int
    );
    name_call("getpeername", f, fd, out, len)
}

#[no_mangle]
pub unsafe extern "C" fn setsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    value: *const c_void,
    len: socklen_t,
) -> c_int {
    let f = next!(
        "setsockopt",
        fn(c_int, c_int, c_int, *const c_void, socklen_t) -> c_int
    );
    let Some((n, inh)) = name_of(fd) else {
        return f(fd, level, name, value, len);
    };
    let line = Line::new("setsockopt", n, inh, now_ns())
        .int("level", level as i64)
        .int("name", name as i64)
        .bytes("hex", slice(value, len as usize));
    record(line, || f(fd, level, name, value, len), |l, _| l)
}

#[no_mangle]
pub unsafe extern "C" fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    value: *mut c_void,
    len: *mut socklen_t,
) -> c_int {
    let f = next!(
        "getsockopt",
        fn(c_int, c_int, c_int, *mut c_void, *mut socklen_t) -> c_int
    );
    let Some((n, inh)) = name_of(fd) else {
        return f(fd, level, name, value, len);
    };
    let cap = if len.is_null() { 0 } else { *len as usize };
    let line = Line::new("getsockopt", n, inh, now_ns())
        .int("level", level as i64)
        .int("name", name as i64)
        .int("len", cap as i64);
    record(
        line,
        || f(fd, level, name, value, len),
        |l, r| {
            if r == 0 && !len.is_null() {
                let written = *len as usize;
                l.bytes("out", slice(value, written.min(cap)))
                    .int("outlen", written as i64)
            } else {
                l
            }
        },
    )
}

/// A send of `data` with `flags` (to `to`, if given), made by `call`.
fn send_line(fd: c_int, data: &[u8], flags: c_int, to: Option<&[u8]>) -> Option<Line> {
    let (n, inh) = name_of(fd)?;
    let mut l = Line::new("send", n, inh, now_ns()).int("flags", flags as i64);
    if let Some(to) = to {
        l = l.bytes("to", to);
    }
    Some(l.bytes("hex", data))
}

#[no_mangle]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t {
    let f = next!("send", fn(c_int, *const c_void, size_t, c_int) -> ssize_t);
    match send_line(fd, slice(buf, len), flags, None) {
        Some(l) => record(l, || f(fd, buf, len, flags) as i64, |l, _| l) as ssize_t,
        None => f(fd, buf, len, flags),
    }
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
    let f = next!(
        "sendto",
        fn(c_int, *const c_void, size_t, c_int, *const sockaddr, socklen_t) -> ssize_t
    );
    let to = (!addr.is_null()).then(|| slice(addr.cast(), addrlen as usize));
    match send_line(fd, slice(buf, len), flags, to) {
        Some(l) => record(l, || f(fd, buf, len, flags, addr, addrlen) as i64, |l, _| l) as ssize_t,
        None => f(fd, buf, len, flags, addr, addrlen),
    }
}

#[no_mangle]
pub unsafe extern "C" fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    let f = next!("sendmsg", fn(c_int, *const msghdr, c_int) -> ssize_t);
    if msg.is_null() || name_of(fd).is_none() {
        return f(fd, msg, flags);
    }
    let m = &*msg;
    let mut data = Vec::new();
    for i in 0..m.msg_iovlen {
        let v = &*m.msg_iov.add(i);
        data.extend_from_slice(slice(v.iov_base, v.iov_len));
    }
    let to = (!m.msg_name.is_null() && m.msg_namelen != 0)
        .then(|| slice(m.msg_name, m.msg_namelen as usize));
    let Some(mut l) = send_line(fd, &data, flags, to) else {
        return f(fd, msg, flags);
    };
    if m.msg_controllen != 0 {
        l = l.bytes("control", slice(m.msg_control, m.msg_controllen));
    }
    record(l, || f(fd, msg, flags) as i64, |l, _| l) as ssize_t
}

/// A receive's line once done: the bytes copied (at most `cap` of the `ret`), the sender, the
/// message flags.
fn recv_done(
    l: Line,
    ret: i64,
    data: &[u8],
    from: Option<&[u8]>,
    msg_flags: Option<c_int>,
) -> Line {
    if ret < 0 {
        return l;
    }
    let mut l = l.bytes("out", data);
    if let Some(from) = from {
        l = l.bytes("from", from);
    }
    if let Some(fl) = msg_flags {
        l = l.int("msg_flags", fl as i64);
    }
    l
}

#[no_mangle]
pub unsafe extern "C" fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    let f = next!("recvmsg", fn(c_int, *mut msghdr, c_int) -> ssize_t);
    if msg.is_null() {
        return f(fd, msg, flags);
    }
    let Some((n, inh)) = name_of(fd) else {
        return f(fd, msg, flags);
    };
    let m = &mut *msg;
    let cap: usize = (0..m.msg_iovlen).map(|i| (*m.msg_iov.add(i)).iov_len).sum();
    let line = Line::new("recv", n, inh, now_ns())
        .int("len", cap as i64)
        .int("flags", flags as i64);
    record(
        line,
        || f(fd, msg, flags) as i64,
        |l, r| {
            let m = &*msg;
            let mut data = Vec::new();
            let mut left = usize::try_from(r).unwrap_or(0).min(cap);
            for i in 0..m.msg_iovlen {
                let v = &*m.msg_iov.add(i);
                let k = v.iov_len.min(left);
                data.extend_from_slice(slice(v.iov_base, k));
                left -= k;
            }
            let from = (!m.msg_name.is_null()).then(|| slice(m.msg_name, m.msg_namelen as usize));
            recv_done(l, r, &data, from, Some(m.msg_flags))
        },
    ) as ssize_t
}

/// recv and recvfrom: made as one `recvmsg` of the next library (what the program gets is the
/// same: one buffer, the sender if asked), so that the sender and message flags are seen even
/// when the program does not ask for them.
#[allow(clippy::too_many_arguments)] // recvfrom's six, and the socket's name
unsafe fn recv_as_msg(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    n: u32,
    inh: bool,
) -> ssize_t {
    let f = next!("recvmsg", fn(c_int, *mut msghdr, c_int) -> ssize_t);
    let mut iov = libc::iovec {
        iov_base: buf,
        iov_len: len,
    };
    // SAFETY: a zeroed sockaddr_nl-sized buffer (any sender address fits in sockaddr_storage).
    let mut from: libc::sockaddr_storage = std::mem::zeroed();
    let mut m: msghdr = std::mem::zeroed();
    m.msg_iov = &mut iov;
    m.msg_iovlen = 1;
    m.msg_name = (&mut from as *mut libc::sockaddr_storage).cast();
    m.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as socklen_t;
    let line = Line::new("recv", n, inh, now_ns())
        .int("len", len as i64)
        .int("flags", flags as i64);
    let mp: *mut msghdr = &mut m;
    record(
        line,
        || f(fd, mp, flags) as i64,
        |l, r| {
            let m = &*mp;
            let got = usize::try_from(r).unwrap_or(0).min(len);
            let name = slice(
                (&from as *const libc::sockaddr_storage).cast(),
                m.msg_namelen as usize,
            );
            if r >= 0 && !addr.is_null() && !addrlen.is_null() {
                let k = (*addrlen as usize).min(name.len());
                std::ptr::copy_nonoverlapping(name.as_ptr(), addr.cast::<u8>(), k);
                *addrlen = name.len() as socklen_t;
            }
            recv_done(l, r, slice(buf, got), Some(name), Some(m.msg_flags))
        },
    ) as ssize_t
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
    let Some((n, inh)) = name_of(fd) else {
        let f = next!(
            "recvfrom",
            fn(c_int, *mut c_void, size_t, c_int, *mut sockaddr, *mut socklen_t) -> ssize_t
        );
        return f(fd, buf, len, flags, addr, addrlen);
    };
    recv_as_msg(fd, buf, len, flags, addr, addrlen, n, inh)
}

#[no_mangle]
pub unsafe extern "C" fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t {
    let Some((n, inh)) = name_of(fd) else {
        let f = next!("recv", fn(c_int, *mut c_void, size_t, c_int) -> ssize_t);
        return f(fd, buf, len, flags);
    };
    recv_as_msg(
        fd,
        buf,
        len,
        flags,
        std::ptr::null_mut(),
        std::ptr::null_mut(),
        n,
        inh,
    )
}
