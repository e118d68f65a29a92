//! Received datagrams that outlive the receive: [`Datagram`], and the pool their buffers
//! return to.
//!
//! A reader that keeps what a dump returned (the links of [`crate::requests::link`]) would
//! otherwise copy every payload out of the reused receive buffer into memory of its own. Instead
//! each datagram is received into a buffer of its own and shared; when its last holder drops
//! it, the buffer goes back to its connection's pool and the next dump receives into it. Fresh
//! memory costs more than the copy: the kernel zeroes every page on first touch, about as long
//! as the dump's own fill (6 MB for 4001 links, which the allocator gives back to the system
//! between dumps).

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

/// Free receive buffers of one connection: each fully initialized (its length is its
/// capacity), together at most `limit` bytes.
#[derive(Debug)]
pub(crate) struct BufPool {
    inner: Mutex<Free>,
}

#[derive(Debug, Default)]
struct Free {
    bufs: Vec<Vec<u8>>,
    bytes: usize,
    limit: usize,
}

impl BufPool {
    /// An empty pool keeping up to `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        BufPool {
            inner: Mutex::new(Free {
                limit,
                ..Free::default()
            }),
        }
    }

    /// The free list. A holder that panicked cannot leave it inconsistent (every change is
    /// one push or pop with its byte count), so a poisoned lock is used as it is.
    fn free(&self) -> MutexGuard<'_, Free> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many bytes the pool keeps at most.
    pub(crate) fn limit(&self) -> usize {
        self.free().limit
    }

    /// Keep at most `limit` bytes from now on, freeing what is kept beyond it.
    pub(crate) fn set_limit(&self, limit: usize) {
        let mut f = self.free();
        f.limit = limit;
        while f.bytes > limit {
            let Some(b) = f.bufs.pop() else { break };
            f.bytes -= b.len();
        }
    }

    /// A buffer of at least `len` bytes: the last one returned if it is that large, else a
    /// new one of exactly `len` (a kept one too small is freed).
    pub(crate) fn take(&self, len: usize) -> Vec<u8> {
        let kept = {
            let mut f = self.free();
            let b = f.bufs.pop();
            if let Some(b) = &b {
                f.bytes -= b.len();
            }
            b
        };
        match kept {
            Some(b) if b.len() >= len => b,
            _ => vec![0; len],
        }
    }

    /// Keep `buf` for a later [`BufPool::take`], if the limit allows.
    fn give(&self, buf: Vec<u8>) {
        let mut f = self.free();
        if f.bytes + buf.len() <= f.limit {
            f.bytes += buf.len();
            f.bufs.push(buf);
        }
    }
}

/// One received datagram in a buffer of its own, shared by its clones; it derefs to the
/// datagram's bytes. When the last clone is dropped the buffer returns to the connection that
/// received it, if that is still open (see [`crate::engine::Connection::dump_kept`]).
#[derive(Clone)]
pub struct Datagram {
    inner: Arc<Kept>,
}

struct Kept {
    buf: Vec<u8>,
    len: usize,
    pool: Weak<BufPool>,
}

impl Drop for Kept {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.upgrade() {
            pool.give(std::mem::take(&mut self.buf));
        }
    }
}

impl Datagram {
    /// The first `len` bytes of `buf`, received from `pool`'s connection.
    pub(crate) fn new(buf: Vec<u8>, len: usize, pool: &Arc<BufPool>) -> Self {
        debug_assert!(len <= buf.len());
        Datagram {
            inner: Arc::new(Kept {
                len: len.min(buf.len()),
                buf,
                pool: Arc::downgrade(pool),
            }),
        }
    }

    /// `bytes` as a datagram of their own, returned to no connection.
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        Datagram {
            inner: Arc::new(Kept {
                len: bytes.len(),
                buf: bytes,
                pool: Weak::new(),
            }),
        }
    }

    /// The datagram's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.inner.buf[..self.inner.len]
    }

    /// Whether `a` and `b` are clones of one datagram (share one buffer).
    pub fn ptr_eq(a: &Datagram, b: &Datagram) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }
}

impl Deref for Datagram {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes()
    }
}

/// Shows the datagram's length, not its bytes.
impl fmt::Debug for Datagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Datagram")
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_return_to_their_pool_within_its_limit() {
        let pool = Arc::new(BufPool::new(100));
        let d = Datagram::new(vec![7; 60], 10, &pool);
        let twin = d.clone();
        assert_eq!(d.bytes(), [7; 10]);
        assert!(Datagram::ptr_eq(&d, &twin));
        drop(d);
        assert_eq!(pool.free().bytes, 0, "a clone still holds it");
        drop(twin);
        assert_eq!(pool.free().bytes, 60);
        // Over the limit: freed, not kept.
        drop(Datagram::new(vec![0; 60], 60, &pool));
        assert_eq!(pool.free().bytes, 60);
        // Taken back: the kept one when it is large enough, else a new one.
        assert_eq!(pool.take(50), [7; 60]);
        assert_eq!(pool.free().bytes, 0);
        drop(Datagram::new(vec![1; 20], 20, &pool));
        assert_eq!(pool.take(50), [0; 50]);
        assert_eq!(pool.free().bufs.len(), 0, "the short one was freed");
        // A lower limit frees what it no longer allows; a datagram outliving its pool is
        // simply freed.
        drop(Datagram::new(vec![1; 20], 20, &pool));
        pool.set_limit(10);
        assert_eq!(pool.limit(), 10);
        assert_eq!(pool.free().bytes, 0);
        let orphan = Datagram::new(vec![1; 5], 5, &pool);
        drop(pool);
        drop(orphan);
        assert_eq!(Datagram::from_vec(vec![3; 4]).bytes(), [3; 4]);
    }
}
