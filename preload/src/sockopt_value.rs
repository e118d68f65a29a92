//! The bytes a `setsockopt` on a model socket sends: the option's value as the program passed
//! it, except where the kernel reads further memory through a pointer inside the value (what
//! `copy_from_user` would read, the library copies, since the server cannot reach the
//! program's memory).

use std::ffi::c_void;

use libc::socklen_t;

/// `sizeof(struct sock_fprog)`: a u16 length, padding, the instructions' address.
const SOCK_FPROG_LEN: usize = 16;
/// `sizeof(struct sock_filter)`.
const SOCK_FILTER_LEN: usize = 8;

/// The value to send for `setsockopt(level, name, value, len)`.
///
/// SO_ATTACH_FILTER: the `struct sock_fprog` followed by the instructions it points to. An
/// option of another length than a `sock_fprog` is sent cut below one, which the model refuses
/// with EINVAL as the kernel does before reading anything; so is no instruction read through
/// a NULL pointer (the model answers EINVAL for it too).
pub(crate) unsafe fn setsockopt_value(
    level: i32,
    name: i32,
    value: *const c_void,
    len: socklen_t,
) -> Vec<u8> {
    let raw = super::slice(value, len as usize).to_vec();
    if level != libc::SOL_SOCKET || name != libc::SO_ATTACH_FILTER {
        return raw;
    }
    if raw.len() != SOCK_FPROG_LEN {
        let mut cut = raw;
        cut.truncate(SOCK_FPROG_LEN - 1);
        return cut;
    }
    let count = u16::from_ne_bytes([raw[0], raw[1]]) as usize;
    let mut ptr = [0u8; 8];
    ptr.copy_from_slice(&raw[8..16]);
    let insns = usize::from_ne_bytes(ptr) as *const c_void;
    let mut out = raw;
    if !insns.is_null() {
        out.extend_from_slice(super::slice(insns, count * SOCK_FILTER_LEN));
    }
    out
}
