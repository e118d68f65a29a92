//! The file calls a program may make on a netlink socket besides the socket calls: `read`,
//! `write`, `readv`, `writev` (the kernel's `sock_read_iter`/`sock_write_iter`: a receive or
//! send without flags or address) and `splice` between a pipe and the socket. Each passes
//! every other descriptor to the C library untouched.

use std::ffi::{c_int, c_void};

use libc::{iovec, loff_t, msghdr, size_t, ssize_t};

use super::{do_recv, do_send, is_model_socket, set_errno, slice};

#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t {
    if !is_model_socket(fd) {
        return real!("read", fn(c_int, *mut c_void, size_t) -> ssize_t)(fd, buf, count);
    }
    super::recv(fd, buf, count, 0)
}

#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, count: size_t) -> ssize_t {
    if !is_model_socket(fd) {
        return real!("write", fn(c_int, *const c_void, size_t) -> ssize_t)(fd, buf, count);
    }
    super::send(fd, buf, count, 0)
}

/// A `msghdr` over `iov` without name or control, as `readv`/`writev` make for a socket.
fn plain_msghdr(iov: *const iovec, iovcnt: c_int) -> msghdr {
    // SAFETY: a zeroed msghdr is valid (null pointers, zero lengths).
    let mut m: msghdr = unsafe { std::mem::zeroed() };
    m.msg_iov = iov as *mut iovec;
    m.msg_iovlen = iovcnt.max(0) as usize;
    m
}

#[no_mangle]
pub unsafe extern "C" fn readv(fd: c_int, iov: *const iovec, iovcnt: c_int) -> ssize_t {
    if !is_model_socket(fd) {
        return real!("readv", fn(c_int, *const iovec, c_int) -> ssize_t)(fd, iov, iovcnt);
    }
    let mut m = plain_msghdr(iov, iovcnt);
    super::recvmsg(fd, &mut m, 0)
}

#[no_mangle]
pub unsafe extern "C" fn writev(fd: c_int, iov: *const iovec, iovcnt: c_int) -> ssize_t {
    if !is_model_socket(fd) {
        return real!("writev", fn(c_int, *const iovec, c_int) -> ssize_t)(fd, iov, iovcnt);
    }
    let m = plain_msghdr(iov, iovcnt);
    super::sendmsg(fd, &m, 0)
}

/// Whether `fd` is a pipe (splice needs one on one side).
fn is_pipe(fd: c_int) -> bool {
    // SAFETY: a zeroed stat is valid output space.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat into a valid stat.
    unsafe { libc::fstat(fd, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFIFO }
}

fn fail(e: c_int) -> ssize_t {
    set_errno(e);
    -1
}

/// `splice` with a model socket on one side. Pipe to socket is the kernel's
/// `splice_to_socket`: what the pipe holds, up to `len`, goes out in one `sendmsg` (one
/// datagram), and an empty pipe without writers gives 0. Socket to pipe is `copy_splice_read`
/// (netlink has no `splice_read` of its own): one receive of up to `len` bytes, written into
/// the pipe.
#[no_mangle]
pub unsafe extern "C" fn splice(
    fd_in: c_int,
    off_in: *mut loff_t,
    fd_out: c_int,
    off_out: *mut loff_t,
    len: size_t,
    flags: libc::c_uint,
) -> ssize_t {
    let (model_in, model_out) = (is_model_socket(fd_in), is_model_socket(fd_out));
    if !model_in && !model_out {
        let f = real!(
            "splice",
            fn(c_int, *mut loff_t, c_int, *mut loff_t, size_t, libc::c_uint) -> ssize_t
        );
        return f(fd_in, off_in, fd_out, off_out, len, flags);
    }
    let nonblock = flags & libc::SPLICE_F_NONBLOCK != 0;
    let real_read = real!("read", fn(c_int, *mut c_void, size_t) -> ssize_t);
    let real_write = real!("write", fn(c_int, *const c_void, size_t) -> ssize_t);
    if model_out {
        // do_splice: a socket has no offset; the other side must be a pipe, without one.
        if !off_out.is_null() || !off_in.is_null() {
            return fail(libc::ESPIPE);
        }
        if !is_pipe(fd_in) {
            return fail(libc::EINVAL);
        }
        if nonblock {
            let mut p = libc::pollfd {
                fd: fd_in,
                events: libc::POLLIN,
                revents: 0,
            };
            if real!("poll", fn(*mut libc::pollfd, libc::nfds_t, c_int) -> c_int)(&mut p, 1, 0) == 0
            {
                return fail(libc::EAGAIN);
            }
        }
        let mut buf = vec![0u8; len.min(1 << 20)];
        let n = real_read(fd_in, buf.as_mut_ptr().cast(), buf.len());
        if n <= 0 {
            return n;
        }
        buf.truncate(n as usize);
        let send_flags = if nonblock { libc::MSG_DONTWAIT } else { 0 };
        return do_send(fd_out, buf, send_flags, None);
    }
    if !off_in.is_null() || !off_out.is_null() {
        return fail(libc::ESPIPE);
    }
    if !is_pipe(fd_out) {
        return fail(libc::EINVAL);
    }
    let recv_flags = if nonblock { libc::MSG_DONTWAIT } else { 0 };
    match do_recv(fd_in, len.min(1 << 20), recv_flags, None) {
        Ok((n, data, ..)) => {
            let data = slice(data.as_ptr().cast(), (n.max(0) as usize).min(data.len()));
            if data.is_empty() {
                return 0;
            }
            real_write(fd_out, data.as_ptr().cast(), data.len())
        }
        Err(e) => fail(e),
    }
}
