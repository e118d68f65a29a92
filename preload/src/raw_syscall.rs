//! `syscall(2)`, the C library's door for a system call by number: a program that sends with
//! `syscall(SYS_sendmsg, fd, ...)` instead of `sendmsg(fd, ...)` reaches the same kernel
//! socket, so the socket calls on a model socket made this way are served as the named calls
//! are (without this, their bytes would reach the server unframed). Every other call, and
//! every call on another descriptor, goes to the C library's `syscall` untouched.
//!
//! The C function is variadic; it is defined here with its six possible arguments, which is
//! how x86-64 passes them either way (registers, the sixth on the stack, read whether or not
//! the caller put it there, as the C library's own `syscall` does).

use std::ffi::{c_int, c_long, c_void};

use libc::{msghdr, sockaddr, socklen_t};

use super::is_model_socket;

/// The C library's `syscall`.
fn real_syscall() -> unsafe extern "C" fn(c_long, ...) -> c_long {
    static P: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let p = *P.get_or_init(|| {
        // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT finds libc's definition.
        unsafe { libc::dlsym(libc::RTLD_NEXT, c"syscall".as_ptr()) as usize }
    });
    assert!(p != 0, "nltwin-preload: no syscall in the C library");
    // SAFETY: the symbol is the C library's variadic syscall.
    unsafe { std::mem::transmute::<usize, unsafe extern "C" fn(c_long, ...) -> c_long>(p) }
}

/// # Safety
/// As the C library's `syscall`: the arguments are the named call's.
#[no_mangle]
pub unsafe extern "C" fn syscall(
    num: c_long,
    a1: c_long,
    a2: c_long,
    a3: c_long,
    a4: c_long,
    a5: c_long,
    a6: c_long,
) -> c_long {
    let fd = a1 as c_int;
    let on_model = || is_model_socket(fd);
    let r: Option<c_long> = match num {
        libc::SYS_socket if a1 as c_int == libc::AF_NETLINK => {
            Some(super::socket(a1 as c_int, a2 as c_int, a3 as c_int) as c_long)
        }
        libc::SYS_sendmsg if on_model() => {
            Some(super::sendmsg(fd, a2 as *const msghdr, a3 as c_int) as c_long)
        }
        libc::SYS_recvmsg if on_model() => {
            Some(super::recvmsg(fd, a2 as *mut msghdr, a3 as c_int) as c_long)
        }
        libc::SYS_sendto if on_model() => Some(super::sendto(
            fd,
            a2 as *const c_void,
            a3 as usize,
            a4 as c_int,
            a5 as *const sockaddr,
            a6 as socklen_t,
        ) as c_long),
        libc::SYS_recvfrom if on_model() => Some(super::recvfrom(
            fd,
            a2 as *mut c_void,
            a3 as usize,
            a4 as c_int,
            a5 as *mut sockaddr,
            a6 as *mut socklen_t,
        ) as c_long),
        libc::SYS_bind if on_model() => {
            Some(super::bind(fd, a2 as *const sockaddr, a3 as socklen_t) as c_long)
        }
        libc::SYS_connect if on_model() => {
            Some(super::connect(fd, a2 as *const sockaddr, a3 as socklen_t) as c_long)
        }
        libc::SYS_getsockname if on_model() => {
            Some(super::getsockname(fd, a2 as *mut sockaddr, a3 as *mut socklen_t) as c_long)
        }
        libc::SYS_getpeername if on_model() => {
            Some(super::getpeername(fd, a2 as *mut sockaddr, a3 as *mut socklen_t) as c_long)
        }
        libc::SYS_setsockopt if on_model() => Some(super::setsockopt(
            fd,
            a2 as c_int,
            a3 as c_int,
            a4 as *const c_void,
            a5 as socklen_t,
        ) as c_long),
        libc::SYS_getsockopt if on_model() => Some(super::getsockopt(
            fd,
            a2 as c_int,
            a3 as c_int,
            a4 as *mut c_void,
            a5 as *mut socklen_t,
        ) as c_long),
        libc::SYS_read if on_model() => {
            Some(super::io::read(fd, a2 as *mut c_void, a3 as usize) as c_long)
        }
        libc::SYS_write if on_model() => {
            Some(super::io::write(fd, a2 as *const c_void, a3 as usize) as c_long)
        }
        _ => None,
    };
    match r {
        Some(v) => v,
        None => real_syscall()(num, a1, a2, a3, a4, a5, a6),
    }
}
