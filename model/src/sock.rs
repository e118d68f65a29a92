//! The protocol-independent socket options of `net/core/sock.c` that need more than an int:
//! the send and receive timeouts (`sock_set_timeout`, `sock_get_timeout`), kept in jiffies at
//! the build's HZ as the kernel keeps them, so that reading one back gives what the kernel's
//! rounding gives.

use crate::errno::Errno;

/// `MAX_SCHEDULE_TIMEOUT`: no timeout (the value a new socket starts with).
pub const MAX_SCHEDULE_TIMEOUT: i64 = i64::MAX;
/// `USEC_PER_SEC`.
const USEC_PER_SEC: i64 = 1_000_000;
/// `sizeof(struct __kernel_old_timeval)` and `sizeof(struct __kernel_sock_timeval)`: both two
/// 64-bit fields on x86-64.
pub const TIMEVAL_LEN: usize = 16;

/// `sock_set_timeout`: a timeval into jiffies, rounding microseconds up to whole jiffies; a
/// negative time is 0 (the kernel logs a warning), zero or too large is no timeout.
pub fn sock_set_timeout(optval: &[u8], hz: u32) -> Result<i64, Errno> {
    // sock_copy_user_timeval: the old and the new timeval are the same 16 bytes here.
    if optval.len() < TIMEVAL_LEN {
        return Err(Errno::EINVAL);
    }
    let sec = nltwin_wire::scalar::get_u64(&optval[..8]).unwrap_or(0) as i64;
    let usec = nltwin_wire::scalar::get_u64(&optval[8..16]).unwrap_or(0) as i64;
    if !(0..USEC_PER_SEC).contains(&usec) {
        return Err(Errno::EDOM);
    }
    if sec < 0 {
        return Ok(0);
    }
    let hz = i64::from(hz);
    if (sec != 0 || usec != 0) && sec < MAX_SCHEDULE_TIMEOUT / hz - 1 {
        let per_jiffy = USEC_PER_SEC / hz;
        Ok(sec * hz + (usec + per_jiffy - 1) / per_jiffy)
    } else {
        Ok(MAX_SCHEDULE_TIMEOUT)
    }
}

/// `sock_get_timeout`: jiffies back into a timeval (no timeout reads as zero).
pub fn sock_get_timeout(timeo: i64, hz: u32) -> [u8; TIMEVAL_LEN] {
    let hz = i64::from(hz);
    let (sec, usec) = if timeo == MAX_SCHEDULE_TIMEOUT {
        (0, 0)
    } else {
        (timeo / hz, ((timeo % hz) * USEC_PER_SEC) / hz)
    };
    let mut tv = [0u8; TIMEVAL_LEN];
    tv[..8].copy_from_slice(&sec.to_ne_bytes());
    tv[8..].copy_from_slice(&usec.to_ne_bytes());
    tv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tv(sec: i64, usec: i64) -> Vec<u8> {
        [sec.to_ne_bytes(), usec.to_ne_bytes()].concat()
    }

    #[test]
    fn a_timeout_rounds_up_to_jiffies_and_reads_back_at_their_grain() {
        // 250 Hz: a jiffy is 4000 us; 40000 us is 10 jiffies exactly, 1 us rounds up to one.
        assert_eq!(sock_set_timeout(&tv(1, 40000), 250), Ok(260));
        assert_eq!(sock_get_timeout(260, 250).to_vec(), tv(1, 40000));
        assert_eq!(sock_set_timeout(&tv(0, 1), 250), Ok(1));
        assert_eq!(sock_get_timeout(1, 250).to_vec(), tv(0, 4000));
        // 1000 Hz keeps milliseconds.
        assert_eq!(sock_set_timeout(&tv(0, 8000), 1000), Ok(8));
    }

    #[test]
    fn edges_as_the_kernel_has_them() {
        assert_eq!(sock_set_timeout(&tv(0, 0), 250), Ok(MAX_SCHEDULE_TIMEOUT));
        assert_eq!(
            sock_get_timeout(MAX_SCHEDULE_TIMEOUT, 250).to_vec(),
            tv(0, 0)
        );
        assert_eq!(sock_set_timeout(&tv(-5, 0), 250), Ok(0));
        assert_eq!(sock_set_timeout(&tv(1, 1_000_000), 250), Err(Errno::EDOM));
        assert_eq!(sock_set_timeout(&tv(1, -1), 250), Err(Errno::EDOM));
        assert_eq!(sock_set_timeout(&[0; 8], 250), Err(Errno::EINVAL));
    }
}
