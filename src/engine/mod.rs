//! The request engine: sequence numbers, reply matching, multipart dumps, acks and the errors
//! the kernel reports, over any [`Backend`].
//!
//! What it guarantees, because raw netlink code usually gets these wrong:
//! - an errno carried in a dump's NLMSG_DONE is an error, not an empty result;
//! - NLMSG_ERROR comes back as [`Error::Kernel`] with its extended ack decoded;
//! - a dump flagged NLM_F_DUMP_INTR is retried from scratch up to
//!   [`Connection::dump_intr_retries`] times, then reported as [`Error::DumpInterrupted`];
//! - ENOBUFS (the kernel dropped replies) is [`Error::Overrun`], never silent loss;
//! - every datagram's size is learned first (`MSG_PEEK | MSG_TRUNC`), so nothing is truncated;
//!   a truncation that happens anyway is [`Error::Truncated`];
//! - EINTR is retried; the receive buffer is reused across calls, and a reader that keeps what
//!   it reads ([`Connection::dump_kept`]) gets every datagram in a buffer of its own instead of a
//!   copy, which returns to the connection for the next dumps once dropped.
//!
//! The API is blocking: one call sends a request and reads its whole answer. Netlink requests
//! are short round trips to the local kernel (a 4001-link dump takes tens of milliseconds), the
//! socket contract is a set of system calls, and the model backend is a plain in-process value,
//! so a blocking engine serves both without a runtime. An async caller can run a connection on
//! a blocking thread (`tokio::task::spawn_blocking`); a native async adapter would need the
//! kernel socket registered with a reactor and the model backend wrapped to look ready, which
//! costs more than it returns here.

pub mod error;
mod pool;

pub use error::{Error, ExtAck};
use pool::BufPool;
pub use pool::Datagram;

use nltwin_wire::builder::NlBuf;
use nltwin_wire::nla::Attrs;
use nltwin_wire::nlmsgerr;
use nltwin_wire::uapi::netlink::{
    NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NLMSG_DONE, NLMSG_ERROR,
    NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST, SOL_NETLINK,
};
use nltwin_wire::uapi::socket::{MSG_PEEK, MSG_TRUNC, SOCK_RAW, SOL_SOCKET, SO_RCVBUF};

use crate::transport::{Backend, BindAddr, Errno, Fd, TransportError};
use crate::view::{Messages, MsgView};

/// The receive buffer a connection starts with: the largest dump chunk the kernel builds
/// (32 KiB - 320), rounded up, so a dump needs no buffer growth.
const INITIAL_RECV_BUF: usize = 32 * 1024;

/// The receive queue size the engine asks for once the socket joins a multicast group (the
/// kernel caps it at `rmem_max` and doubles it): notifications come in bursts the reader does not
/// pace. Until then the socket keeps the kernel's default queue (`rmem_default`): a reply to a
/// request is one datagram or a dump, and a dump is paced by the reader (the kernel fills the
/// next chunk only while the queue is at most half full, and every receive, the size peek
/// included, fills one), so a larger queue only lets the dump run further ahead of the reader,
/// whose chunks then come back from further out of the cache (a 4001-link dump was 2-3% slower
/// with 1 MiB than with the default).
const RCVBUF: i32 = 1 << 20;

/// A netlink socket with the request engine on top.
#[derive(Debug)]
pub struct Connection<B: Backend> {
    backend: B,
    protocol: i32,
    fd: Fd,
    portid: u32,
    next_seq: u32,
    buf: Vec<u8>,
    /// The request being sent (its allocation reused).
    req: NlBuf,
    /// The options set through the connection, applied again to a socket that replaces this
    /// one after an overrun (a subscriber keeps its subscription, strict mode stays on).
    opts: SockOpts,
    /// How many times a dump interrupted by a concurrent change is run again before
    /// [`Error::DumpInterrupted`] (default 5).
    pub dump_intr_retries: u32,
    /// Receive buffers that [`Connection::dump_kept`] handed out and their holders dropped,
    /// kept for the next dump.
    pool: std::sync::Arc<BufPool>,
}

impl<B: Backend> Connection<B> {
    /// Open a `protocol` socket on `backend`, with extended acks on and an autobound portid. The
    /// receive queue is the kernel's default until the socket joins a multicast group, which
    /// asks for a large one (1 MiB) unless [`Connection::set_recv_queue`] chose a size.
    pub fn open(mut backend: B, protocol: i32) -> Result<Self, Error> {
        let opts = SockOpts::default();
        let (fd, portid) = open_socket(&mut backend, protocol, &opts)?;
        Ok(Connection {
            backend,
            protocol,
            fd,
            portid,
            next_seq: 1,
            buf: vec![0; INITIAL_RECV_BUF],
            req: NlBuf::from_vec(Vec::with_capacity(256), usize::MAX),
            opts,
            dump_intr_retries: 5,
            pool: std::sync::Arc::new(BufPool::new(KEPT_BUFFERS_LIMIT)),
        })
    }

    /// How many bytes of dropped [`Datagram`] buffers the connection keeps for its next dumps
    /// (default 8 MiB; 0 keeps none).
    pub fn kept_buffers_limit(&self) -> usize {
        self.pool.limit()
    }

    /// Set how many bytes of dropped [`Datagram`] buffers the connection keeps for its next
    /// dumps; what it keeps beyond that is freed now.
    pub fn set_kept_buffers_limit(&mut self, bytes: usize) {
        self.pool.set_limit(bytes);
    }

    /// After an overrun the socket may still hold parts of an old reply and a dump the kernel
    /// considers running: replace it with a fresh one so the next request starts clean.
    fn reset_after(&mut self, e: Error) -> Error {
        if e == Error::Overrun {
            let _ = self.backend.close(self.fd);
            match open_socket(&mut self.backend, self.protocol, &self.opts) {
                Ok((fd, portid)) => (self.fd, self.portid) = (fd, portid),
                Err(reopen) => return reopen,
            }
        }
        e
    }

    /// The backend underneath.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The backend underneath, mutably (e.g. to drive the model between requests).
    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    /// The socket's portid.
    pub fn portid(&self) -> u32 {
        self.portid
    }

    /// The socket underneath (for options the engine has no method for).
    pub fn fd(&self) -> Fd {
        self.fd
    }

    /// The capacity of the reused receive buffer: it only grows, to the largest datagram seen.
    pub fn recv_buffer_capacity(&self) -> usize {
        self.buf.len()
    }

    /// Ask for a receive queue of `bytes` (`SO_RCVBUF`; the kernel doubles it and caps an
    /// unprivileged caller at `rmem_max`). Kept for a socket that replaces this one.
    pub fn set_recv_queue(&mut self, bytes: i32) -> Result<(), Error> {
        self.backend
            .setsockopt(self.fd, SOL_SOCKET, SO_RCVBUF, &int_opt(bytes))?;
        self.opts.rcvbuf = Some(bytes);
        Ok(())
    }

    /// Join multicast group `group` (e.g. 1 = `RTNLGRP_LINK`). Kept for a socket that replaces
    /// this one after an overrun. The first membership also asks for a large receive queue
    /// (1 MiB, what the kernel allows of it) unless [`Connection::set_recv_queue`] chose one.
    pub fn add_membership(&mut self, group: u32) -> Result<(), Error> {
        if self.opts.rcvbuf.is_none() {
            self.set_recv_queue(RCVBUF)?;
        }
        self.backend.setsockopt(
            self.fd,
            SOL_NETLINK,
            NETLINK_ADD_MEMBERSHIP,
            &uint_opt(group),
        )?;
        if !self.opts.groups.contains(&group) {
            self.opts.groups.push(group);
        }
        Ok(())
    }

    /// Receive one datagram of notifications (blocking) and pass each of its messages to
    /// `each`; returns how many there were. An overrun since the last receive is
    /// [`Error::Overrun`]: notifications were lost, and the caller must resynchronize (dump).
    pub fn recv_events(&mut self, mut each: impl FnMut(MsgView<'_>)) -> Result<usize, Error> {
        let r = (|| {
            let n = self.recv_datagram()?;
            let mut msgs = Messages::new(&self.buf[..n]);
            let count = msgs.by_ref().map(&mut each).count();
            if msgs.malformed() {
                return Err(Error::Malformed("datagram ends inside a message".into()));
            }
            Ok(count)
        })();
        r.map_err(|e| self.reset_after(e))
    }

    /// Turn strict checking of GET requests (`NETLINK_GET_STRICT_CHK`) on or off.
    pub fn set_strict_check(&mut self, on: bool) -> Result<(), Error> {
        let v = int_opt(i32::from(on));
        self.backend
            .setsockopt(self.fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v)?;
        self.opts.strict = on;
        Ok(())
    }

    /// Send one request message of `ty` with `flags` (NLM_F_REQUEST is added) and `payload`;
    /// returns its sequence number.
    fn send(&mut self, ty: u16, flags: u16, payload: &[u8]) -> Result<u32, Error> {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1).max(1);
        self.req.trim(0);
        let at = self
            .req
            .nlmsg_put(0, seq, ty, payload.len(), flags | NLM_F_REQUEST)
            .expect("the request buffer has no limit");
        self.req.nlmsg_data_mut(at)[..payload.len()].copy_from_slice(payload);
        loop {
            match self.backend.sendto(self.fd, self.req.as_slice(), 0, None) {
                Err(TransportError::Errno(Errno::EINTR)) => continue,
                r => return r.map(|_| seq).map_err(Error::from),
            }
        }
    }

    /// Receive one datagram into the reused buffer, sized first so it is never truncated;
    /// returns its length.
    fn recv_datagram(&mut self) -> Result<usize, Error> {
        let len = peek_len(&mut self.backend, self.fd)?;
        if len > self.buf.len() {
            self.buf.resize(len.next_power_of_two(), 0);
        }
        recv_whole(&mut self.backend, self.fd, &mut self.buf)
    }

    /// Run a dump of `ty` with `payload`, folding every reply message into a state made by
    /// `init`. A dump flagged NLM_F_DUMP_INTR is run again from a fresh `init()`, up to
    /// [`Connection::dump_intr_retries`] times. Messages are borrowed views of the receive
    /// buffer: the zero-copy path.
    pub fn dump_with<T>(
        &mut self,
        ty: u16,
        payload: &[u8],
        init: impl FnMut() -> T,
        each: impl FnMut(&mut T, MsgView<'_>) -> Result<(), Error>,
    ) -> Result<T, Error> {
        self.dump_inner(ty, payload, init, each)
            .map_err(|e| self.reset_after(e))
    }

    fn dump_inner<T>(
        &mut self,
        ty: u16,
        payload: &[u8],
        mut init: impl FnMut() -> T,
        mut each: impl FnMut(&mut T, MsgView<'_>) -> Result<(), Error>,
    ) -> Result<T, Error> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut state = init();
            let seq = self.send(ty, NLM_F_DUMP, payload)?;
            let mut interrupted = false;
            loop {
                let n = self.recv_datagram()?;
                let reply = (seq, self.portid);
                let end = dump_datagram(&self.buf[..n], reply, &mut interrupted, |m, _| {
                    each(&mut state, m)
                })?;
                if end {
                    break;
                }
            }
            if !interrupted {
                return Ok(state);
            }
            if attempts > self.dump_intr_retries {
                return Err(Error::DumpInterrupted { attempts });
            }
        }
    }

    /// [`Connection::dump_with`] for a reader that keeps what it reads without copying it: every
    /// datagram of the reply is received into a buffer of its own, `each` sees its messages
    /// with their offsets in it, and `keep` then receives it as a shared [`Datagram`] (which the
    /// state may hold on to, e.g. to slice payloads out of it; an error from `keep` ends the
    /// dump like one from `each`). A datagram's buffer returns to the connection when its last
    /// holder drops it, and the next dumps receive into it (up to
    /// [`Connection::kept_buffers_limit`] bytes are kept), so repeated dumps neither allocate
    /// nor fault in fresh memory. Errors, NLM_F_DUMP_INTR retries and overruns are handled as
    /// in `dump_with`.
    pub fn dump_kept<T>(
        &mut self,
        ty: u16,
        payload: &[u8],
        init: impl FnMut() -> T,
        each: impl FnMut(&mut T, MsgView<'_>, usize) -> Result<(), Error>,
        keep: impl FnMut(&mut T, Datagram) -> Result<(), Error>,
    ) -> Result<T, Error> {
        self.dump_kept_inner(ty, payload, init, each, keep)
            .map_err(|e| self.reset_after(e))
    }

    fn dump_kept_inner<T>(
        &mut self,
        ty: u16,
        payload: &[u8],
        mut init: impl FnMut() -> T,
        mut each: impl FnMut(&mut T, MsgView<'_>, usize) -> Result<(), Error>,
        mut keep: impl FnMut(&mut T, Datagram) -> Result<(), Error>,
    ) -> Result<T, Error> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut state = init();
            let seq = self.send(ty, NLM_F_DUMP, payload)?;
            let mut interrupted = false;
            loop {
                let len = peek_len(&mut self.backend, self.fd)?;
                let mut buf = self.pool.take(len.max(INITIAL_RECV_BUF));
                let n = recv_whole(&mut self.backend, self.fd, &mut buf)?;
                let datagram = Datagram::new(buf, n, &self.pool);
                let reply = (seq, self.portid);
                let end = dump_datagram(&datagram, reply, &mut interrupted, |m, at| {
                    each(&mut state, m, at)
                })?;
                keep(&mut state, datagram)?;
                if end {
                    break;
                }
            }
            if !interrupted {
                return Ok(state);
            }
            if attempts > self.dump_intr_retries {
                return Err(Error::DumpInterrupted { attempts });
            }
        }
    }

    /// Send a request (`NLM_F_ACK` added) and pass every reply message before the ack to `each`;
    /// an error ack is [`Error::Kernel`].
    pub fn request(
        &mut self,
        ty: u16,
        flags: u16,
        payload: &[u8],
        each: impl FnMut(MsgView<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.request_inner(ty, flags, payload, each)
            .map_err(|e| self.reset_after(e))
    }

    fn request_inner(
        &mut self,
        ty: u16,
        flags: u16,
        payload: &[u8],
        mut each: impl FnMut(MsgView<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let seq = self.send(ty, flags | NLM_F_ACK, payload)?;
        loop {
            let n = self.recv_datagram()?;
            let mut msgs = Messages::new(&self.buf[..n]);
            for m in msgs.by_ref() {
                if m.seq() != seq || m.pid() != self.portid {
                    continue;
                }
                if m.msg_type() == NLMSG_ERROR {
                    return match error_status(&m)? {
                        None => Ok(()),
                        Some(e) => Err(e),
                    };
                }
                each(m)?;
            }
            if msgs.malformed() {
                return Err(Error::Malformed("datagram ends inside a message".into()));
            }
        }
    }
}

impl<B: Backend> Drop for Connection<B> {
    fn drop(&mut self) {
        let _ = self.backend.close(self.fd);
    }
}

/// How many bytes of dropped [`Datagram`] buffers a connection keeps by default: a little more
/// than a dump of 4000 links.
const KEPT_BUFFERS_LIMIT: usize = 8 << 20;

/// The size of the next datagram waiting on `fd` (`MSG_PEEK | MSG_TRUNC`, EINTR retried).
fn peek_len<B: Backend>(backend: &mut B, fd: Fd) -> Result<usize, Error> {
    loop {
        match backend.recvfrom(fd, &mut [], MSG_PEEK | MSG_TRUNC) {
            Err(TransportError::Errno(Errno::EINTR)) => continue,
            r => return Ok(r?.ret),
        }
    }
}

/// Receive the next datagram on `fd` into `buf`, which the caller sized with [`peek_len`]; a
/// datagram cut short anyway is [`Error::Truncated`]. Returns its length.
fn recv_whole<B: Backend>(backend: &mut B, fd: Fd, buf: &mut [u8]) -> Result<usize, Error> {
    let meta = loop {
        match backend.recvfrom(fd, buf, 0) {
            Err(TransportError::Errno(Errno::EINTR)) => continue,
            r => break r?,
        }
    };
    if meta.msg_flags & MSG_TRUNC != 0 {
        return Err(Error::Truncated { len: meta.ret });
    }
    Ok(meta.ret)
}

/// Walk one datagram of the dump answering `(seq, portid)`: every reply message but the last
/// goes to `each` with its offset in the datagram; NLMSG_DONE ends the dump (`true`), with its
/// errno if it carries one; NLMSG_ERROR is the dump's error; other messages (notifications,
/// stale replies) are skipped. NLM_F_DUMP_INTR on any reply message sets `interrupted`.
fn dump_datagram(
    datagram: &[u8],
    (seq, portid): (u32, u32),
    interrupted: &mut bool,
    mut each: impl FnMut(MsgView<'_>, usize) -> Result<(), Error>,
) -> Result<bool, Error> {
    let mut msgs = Messages::new(datagram);
    for m in msgs.by_ref() {
        if m.seq() != seq || m.pid() != portid {
            continue; // a notification or a stale reply
        }
        *interrupted |= m.flags() & NLM_F_DUMP_INTR != 0;
        match m.msg_type() {
            NLMSG_DONE => {
                done_status(&m)?;
                return Ok(true);
            }
            NLMSG_ERROR => {
                return Err(error_status(&m)?.unwrap_or_else(|| {
                    Error::Malformed("a success ack where a dump reply was due".into())
                }))
            }
            _ => {
                // The message's offset: where its bytes start in the datagram's.
                let at = m.bytes().as_ptr() as usize - datagram.as_ptr() as usize;
                each(m, at)?
            }
        }
    }
    if msgs.malformed() {
        return Err(Error::Malformed("datagram ends inside a message".into()));
    }
    Ok(false)
}

/// The bytes of an `int` socket option value.
fn int_opt(v: i32) -> [u8; 4] {
    v.to_ne_bytes()
}

/// The bytes of an `unsigned int` socket option value (a multicast group).
fn uint_opt(v: u32) -> [u8; 4] {
    v.to_ne_bytes()
}

/// Socket options a connection keeps across a socket replacement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct SockOpts {
    /// `SO_RCVBUF` asked for; `None`: the kernel's default.
    rcvbuf: Option<i32>,
    groups: Vec<u32>,
    strict: bool,
}

/// A `protocol` socket with extended acks on and `opts` applied, autobound; and its portid.
fn open_socket<B: Backend>(
    backend: &mut B,
    protocol: i32,
    opts: &SockOpts,
) -> Result<(Fd, u32), Error> {
    let fd = backend.socket(protocol, SOCK_RAW)?;
    let setup = |b: &mut B| -> Result<u32, Error> {
        b.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &int_opt(1))?;
        // An unprivileged caller is capped at rmem_max (then doubled), which is fine.
        if let Some(bytes) = opts.rcvbuf {
            b.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &int_opt(bytes))?;
        }
        if opts.strict {
            b.setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &int_opt(1))?;
        }
        b.bind(fd, BindAddr::new(0, 0))?;
        // After bind: bind() sets groups 1-32 to its nl_groups mask, so a membership joined
        // before it would be dropped again (netlink_bind, seen on kernel and model alike).
        for g in &opts.groups {
            b.setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &uint_opt(*g))?;
        }
        Ok(b.getsockname(fd)?.pid)
    };
    match setup(backend) {
        Ok(portid) => Ok((fd, portid)),
        Err(e) => {
            let _ = backend.close(fd);
            Err(e)
        }
    }
}

/// The status of a NLMSG_DONE: its errno (with ext-ack) is an error.
fn done_status(m: &MsgView<'_>) -> Result<(), Error> {
    let p = m.payload();
    // A DONE without payload is what very old kernels sent: success.
    let Some(code) = nlmsgerr::error_code(p) else {
        return Ok(());
    };
    if code == 0 {
        return Ok(());
    }
    // The extended ack follows the code directly (nothing is quoted in a DONE).
    let ext_ack = if m.flags() & NLM_F_ACK_TLVS != 0 {
        ExtAck::from_attrs(Attrs::with_base(&p[4..], 4))
    } else {
        ExtAck::default()
    };
    Err(Error::Kernel {
        errno: Errno(-code),
        ext_ack,
        in_done: true,
    })
}

/// The status of a NLMSG_ERROR: `None` for a success ack, else the error.
fn error_status(m: &MsgView<'_>) -> Result<Option<Error>, Error> {
    let (code, ext_ack) =
        ExtAck::from_error_msg(m).ok_or_else(|| Error::Malformed("short NLMSG_ERROR".into()))?;
    Ok((code != 0).then(|| Error::Kernel {
        errno: Errno(-code),
        ext_ack,
        in_done: false,
    }))
}

#[cfg(test)]
mod tests;
