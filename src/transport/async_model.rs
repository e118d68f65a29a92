//! The rust-netlink async stack over the model: [`ModelSocket`] implements `netlink-sys`'s
//! [`AsyncSocket`], so `netlink-proto`, `rtnetlink` and `genetlink` connections run over a
//! model network namespace ([`ModelNet`]) instead of the kernel:
//!
//! ```no_run
//! # async fn f() -> std::io::Result<()> {
//! use nltwin::transport::async_model::ModelSocket;
//! // was: let (conn, handle, _) = rtnetlink::new_connection()?;
//! let (conn, handle, _) = rtnetlink::new_connection_with_socket::<ModelSocket>()?;
//! tokio::spawn(conn);
//! # Ok(()) }
//! ```
//!
//! ## Which namespace
//!
//! `AsyncSocket::new(protocol)` takes no namespace, so a socket made by it joins the thread's
//! current [`ModelNet`]: the one [`ModelNet::enter`] made current, else a fresh sandboxed
//! namespace created on the thread's first use ([`ModelNet::current`]; each test thread gets
//! its own). [`ModelNet::socket`] makes a socket in a given namespace, for
//! `rtnetlink::from_socket`.
//!
//! ## The `Socket` the trait hands out
//!
//! `AsyncSocket::socket_mut` must return a real `netlink_sys::Socket`, whose methods (`bind`,
//! `add_membership`, `set_netlink_get_strict_chk`, ...) are system calls on its descriptor,
//! which this crate cannot intercept. So each model socket owns a *shadow*: a real AF_NETLINK
//! socket of the same protocol that carries no traffic. Whatever the caller sets on it, the
//! model socket mirrors before every model call of the namespace (any socket's, so a
//! listener's subscription is in force before another socket's change is notified):
//!
//! - its binding (`getsockname`): the model socket is bound with the shadow's groups; the
//!   portid is the model's own choice when the kernel chose the shadow's (the caller's tgid or
//!   a negative random one: an autobind), the shadow's otherwise;
//! - its groups (`NETLINK_LIST_MEMBERSHIPS`): added and dropped one by one;
//! - its peer (`getpeername`);
//! - its netlink flags (`NETLINK_PKTINFO`, `BROADCAST_ERROR`, `NO_ENOBUFS`, `LISTEN_ALL_NSID`,
//!   `CAP_ACK`, `EXT_ACK`, `GET_STRICT_CHK`) and `SO_PASSCRED` when they change (the model
//!   answers `unimplemented` for `SO_PASSCRED`, so setting it stops the connection);
//! - `SO_RCVBUF`/`SO_SNDBUF` when they change (the value asked for is the one read back,
//!   halved, as the kernel doubles it).
//!
//! Nothing is sent or received on the shadow: what the real kernel queues on it (a
//! subscription hears the real namespace) is read and thrown away. Those calls do reach the
//! real kernel (they are the caller's own calls on a real socket): a bind takes a portid in
//! the real namespace and its permission checks are the real kernel's, so a group the real
//! kernel refuses fails there, loudly, even where the model would allow it. What cannot be
//! mirrored stops the connection with a panic naming it: a socket filter attached to the
//! shadow, a model call that fails while mirroring, and anything the model answers
//! `unimplemented`. What the shadow's `get_address()` reports is the real kernel's portid;
//! [`ModelSocket::local_addr`] is the model's.
//!
//! Mirroring costs a few system calls per live socket of the namespace on every model call:
//! nothing for a test's handful of sockets, not meant for thousands.
//!
//! ## Readiness
//!
//! The model never blocks: a receive on an empty queue is EAGAIN. `poll_recv*` then registers
//! the task's waker, and after every call on the namespace (a send from any socket, a close,
//! [`ModelNet::advance`], [`ModelNet::with_kernel`]) the sockets that have something queued
//! (or a pending error) are woken.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::BufMut;
use netlink_sys::{AsyncSocket, Socket, SocketAddr};
use nltwin_model::{Kernel, SysError, TaskId};
use nltwin_wire::sockaddr_nl::SockaddrNl;
use nltwin_wire::uapi::netlink::{
    NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP, NETLINK_LIST_MEMBERSHIPS, SOL_NETLINK,
};

use super::model::ModelBackend;

/// `SOCK_DGRAM`, what `netlink_sys::Socket::new` asks for.
const SOCK_DGRAM: i32 = libc::SOCK_DGRAM;
/// `MSG_PEEK | MSG_TRUNC`: the length of the next datagram.
const PEEK_LEN: i32 = libc::MSG_PEEK | libc::MSG_TRUNC;

/// The netlink flags that are readable with `getsockopt` and mirrored as they are.
const NETLINK_FLAGS: [(i32, &str); 7] = [
    (3, "NETLINK_PKTINFO"),
    (4, "NETLINK_BROADCAST_ERROR"),
    (5, "NETLINK_NO_ENOBUFS"),
    (8, "NETLINK_LISTEN_ALL_NSID"),
    (10, "NETLINK_CAP_ACK"),
    (11, "NETLINK_EXT_ACK"),
    (12, "NETLINK_GET_STRICT_CHK"),
];

/// A model network namespace that `netlink-sys` sockets ([`ModelSocket`]) talk to: one model
/// kernel and the task whose sockets they are, shared by every socket made in it. Cloning
/// gives another handle on the same namespace.
#[derive(Clone, Debug)]
pub struct ModelNet {
    shared: Arc<Mutex<Shared>>,
}

#[derive(Debug)]
struct Shared {
    model: ModelBackend,
    /// The live sockets, by model fd.
    socks: BTreeMap<i32, Mirror>,
}

/// What a model socket's shadow showed when last mirrored, and who waits on it.
#[derive(Debug)]
struct Mirror {
    /// The shadow's descriptor (owned by the [`ModelSocket`], which unregisters before closing it).
    shadow: RawFd,
    /// The shadow's binding has been mirrored.
    bound: bool,
    /// The shadow's peer when last mirrored.
    peer: (u32, u32),
    /// The shadow's SO_RCVBUF / SO_SNDBUF when last seen.
    rcvbuf: i32,
    sndbuf: i32,
    /// The netlink flags of [`NETLINK_FLAGS`], then SO_PASSCRED, when last mirrored.
    flags: [bool; NETLINK_FLAGS.len() + 1],
    /// The task waiting for something to receive.
    waker: Option<Waker>,
}

thread_local! {
    static CURRENT: RefCell<Option<ModelNet>> = const { RefCell::new(None) };
}

/// Makes a [`ModelNet`] the thread's current one until dropped (see [`ModelNet::enter`]).
#[derive(Debug)]
pub struct EnterGuard {
    previous: Option<ModelNet>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        CURRENT.with(|c| *c.borrow_mut() = self.previous.take());
    }
}

impl ModelNet {
    /// A fresh sandboxed namespace (see [`ModelBackend::sandboxed_on_host`]) whose task has
    /// tgid `tgid`.
    pub fn sandboxed(tgid: u32) -> ModelNet {
        ModelNet::from_backend(ModelBackend::sandboxed_on_host(tgid))
    }

    /// The namespace of an existing model kernel and task.
    pub fn new(kernel: Kernel, task: TaskId) -> ModelNet {
        ModelNet::from_backend(ModelBackend::new(kernel, task))
    }

    fn from_backend(model: ModelBackend) -> ModelNet {
        ModelNet {
            shared: Arc::new(Mutex::new(Shared {
                model,
                socks: BTreeMap::new(),
            })),
        }
    }

    /// The thread's current namespace: the one [`ModelNet::enter`] made current, else a fresh
    /// sandboxed one (tgid: this process's id), made current on first use.
    pub fn current() -> ModelNet {
        CURRENT.with(|c| {
            c.borrow_mut()
                .get_or_insert_with(|| ModelNet::sandboxed(std::process::id()))
                .clone()
        })
    }

    /// Make this namespace the thread's current one (what `AsyncSocket::new` and so
    /// `rtnetlink::new_connection_with_socket::<ModelSocket>()` use) until the guard drops.
    pub fn enter(&self) -> EnterGuard {
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        EnterGuard { previous }
    }

    /// A socket of `protocol` in this namespace.
    pub fn socket(&self, protocol: isize) -> io::Result<ModelSocket> {
        let shadow = Socket::new(protocol)?;
        shadow.set_non_blocking(true)?;
        let raw = shadow.as_raw_fd();
        let rcvbuf = sockopt_int(raw, libc::SOL_SOCKET, libc::SO_RCVBUF)?;
        let sndbuf = sockopt_int(raw, libc::SOL_SOCKET, libc::SO_SNDBUF)?;
        let protocol = i32::try_from(protocol).map_err(|_| errno_io(libc::EINVAL))?;
        let mut s = self.lock();
        let task = s.model.task;
        let fd = match s.model.kernel.sys_socket(task, SOCK_DGRAM, protocol) {
            Ok(fd) => fd,
            Err(e) => return Err(sys_io(e, "socket")),
        };
        s.socks.insert(
            fd,
            Mirror {
                shadow: raw,
                bound: false,
                peer: (0, 0),
                rcvbuf,
                sndbuf,
                flags: [false; NETLINK_FLAGS.len() + 1],
                waker: None,
            },
        );
        drop(s);
        Ok(ModelSocket {
            net: self.clone(),
            fd,
            shadow,
        })
    }

    /// Run `f` on the model kernel and the namespace's task (to inspect it, or to act on it
    /// beside the sockets); sockets with something to receive afterwards are woken. The
    /// namespace is locked while `f` runs: `f` must not use this namespace's sockets (that
    /// would deadlock).
    pub fn with_kernel<R>(&self, f: impl FnOnce(&mut Kernel, TaskId) -> R) -> R {
        let mut s = self.lock();
        s.sync_all();
        let task = s.model.task;
        let r = f(&mut s.model.kernel, task);
        s.wake_ready();
        r
    }

    /// Let `time` pass on the model's clock (timers and deferred work run, notifications are
    /// queued and their listeners woken).
    pub fn advance(&self, time: Duration) -> io::Result<()> {
        let ns = u64::try_from(time.as_nanos()).unwrap_or(u64::MAX);
        self.with_kernel(|k, _| k.advance(ns))
            .map_err(|e| sys_io(e, "advance"))
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A panic while mirroring poisons the lock; the state is still the model's own.
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Shared {
    /// Mirror every live socket's shadow into the model.
    fn sync_all(&mut self) {
        let fds: Vec<i32> = self.socks.keys().copied().collect();
        for fd in fds {
            if let Err(what) = self.sync(fd) {
                panic!("nltwin ModelSocket (model fd {fd}): {what}");
            }
        }
    }

    /// Mirror one shadow's state into its model socket; `Err` names what could not be.
    fn sync(&mut self, fd: i32) -> Result<(), String> {
        let task = self.model.task;
        let k = &mut self.model.kernel;
        let m = self.socks.get_mut(&fd).expect("registered socket");
        let shadow = m.shadow;
        drain(shadow);

        if real(
            sockopt_int(shadow, libc::SOL_SOCKET, libc::SO_GET_FILTER),
            "SO_GET_FILTER",
        )? != 0
        {
            return Err(
                "a socket filter is attached to its shadow socket; the model runs no \
                        filters"
                    .into(),
            );
        }

        // Binding and the first 32 groups.
        let (pid, groups) = real(getsockname(shadow), "getsockname")?;
        if pid != 0 && !m.bound {
            let mine = model(k.sys_getsockname(task, fd), "getsockname")?;
            let autobound = pid == std::process::id() || (pid as i32) < 0;
            let want = if mine.pid != 0 {
                mine.pid
            } else if autobound {
                0
            } else {
                pid
            };
            let addr = SockaddrNl::new(want, groups).to_bytes();
            model(k.sys_bind(task, fd, &addr), "bind")?;
            m.bound = true;
        }

        // Every group, through the membership bitmap.
        let theirs = real(memberships(shadow), "getsockopt(NETLINK_LIST_MEMBERSHIPS)")?;
        let ours = model_memberships(k, task, fd)
            .map_err(|e| format!("NETLINK_LIST_MEMBERSHIPS on the model failed: {e}"))?;
        let words = theirs.len().max(ours.len());
        for w in 0..words {
            let t = theirs.get(w).copied().unwrap_or(0);
            let o = ours.get(w).copied().unwrap_or(0);
            for bit in 0..32 {
                let group = (w * 32 + bit + 1) as u32;
                let (in_t, in_o) = (t >> bit & 1 == 1, o >> bit & 1 == 1);
                let opt = match (in_t, in_o) {
                    (true, false) => NETLINK_ADD_MEMBERSHIP,
                    (false, true) => NETLINK_DROP_MEMBERSHIP,
                    _ => continue,
                };
                model(
                    k.sys_setsockopt(task, fd, SOL_NETLINK, opt, &group.to_ne_bytes()),
                    &format!("membership of group {group}"),
                )?;
            }
        }

        // The peer.
        let peer = real(getpeername(shadow), "getpeername")?;
        if peer != m.peer {
            let addr = SockaddrNl::new(peer.0, peer.1).to_bytes();
            model(k.sys_connect(task, fd, &addr), "connect")?;
            m.peer = peer;
        }

        // Flags (all off on a new socket, on both sides), when the caller changed them.
        let flags = NETLINK_FLAGS
            .iter()
            .map(|&(opt, name)| (SOL_NETLINK, opt, name))
            .chain([(libc::SOL_SOCKET, libc::SO_PASSCRED, "SO_PASSCRED")]);
        for (i, (level, opt, name)) in flags.enumerate() {
            let on = real(sockopt_int(shadow, level, opt), name)? != 0;
            if on != m.flags[i] {
                let v = i32::from(on).to_ne_bytes();
                model(k.sys_setsockopt(task, fd, level, opt, &v), name)?;
                m.flags[i] = on;
            }
        }

        // Buffer sizes, when the caller changed them.
        for (opt, name) in [
            (libc::SO_RCVBUF, "SO_RCVBUF"),
            (libc::SO_SNDBUF, "SO_SNDBUF"),
        ] {
            let t = real(sockopt_int(shadow, libc::SOL_SOCKET, opt), name)?;
            let seen = if opt == libc::SO_RCVBUF {
                &mut m.rcvbuf
            } else {
                &mut m.sndbuf
            };
            if t != *seen {
                let v = (t / 2).to_ne_bytes();
                model(k.sys_setsockopt(task, fd, libc::SOL_SOCKET, opt, &v), name)?;
                *seen = t;
            }
        }
        Ok(())
    }

    /// Wake the sockets waiting to receive that now have something queued or an error.
    fn wake_ready(&mut self) {
        let task = self.model.task;
        let k = &self.model.kernel;
        for (&fd, m) in self.socks.iter_mut() {
            if m.waker.is_none() {
                continue;
            }
            let ready = k.sockfd_lookup(task, fd).is_ok_and(|id| {
                k.sockets()
                    .find(|(s, _)| *s == id)
                    .is_some_and(|(_, sk)| !sk.receive_queue.is_empty() || sk.sk_err != 0)
            });
            if ready {
                if let Some(w) = m.waker.take() {
                    w.wake();
                }
            }
        }
    }

    /// One model call by socket `fd`, with every shadow mirrored first and the ready woken
    /// after. `Unimplemented` stops the caller loudly.
    fn call<R>(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut Kernel, TaskId) -> Result<R, SysError>,
    ) -> io::Result<R> {
        self.sync_all();
        let task = self.model.task;
        let r = f(&mut self.model.kernel, task);
        self.wake_ready();
        r.map_err(|e| sys_io(e, what))
    }
}

/// A netlink socket in a [`ModelNet`], for `netlink-proto` and the crates built on it
/// (`rtnetlink`, `genetlink`): see the [module documentation](self).
#[derive(Debug)]
pub struct ModelSocket {
    net: ModelNet,
    fd: i32,
    shadow: Socket,
}

impl ModelSocket {
    /// The namespace this socket is in.
    pub fn net(&self) -> &ModelNet {
        &self.net
    }

    /// The socket's descriptor in the model.
    pub fn model_fd(&self) -> i32 {
        self.fd
    }

    /// The model socket's own address (`getsockname` on the model), after mirroring.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        let fd = self.fd;
        let a = self
            .net
            .lock()
            .call("getsockname", |k, t| k.sys_getsockname(t, fd))?;
        Ok(SocketAddr::new(a.pid, a.groups))
    }

    fn send(&self, cx: &mut Context<'_>, buf: &[u8], to: Option<&SocketAddr>) -> io::Result<usize> {
        let _ = cx;
        let fd = self.fd;
        let to = to.map(|a| SockaddrNl::new(a.port_number(), a.multicast_groups()).to_bytes());
        self.net.lock().call("sendto", |k, t| {
            k.sys_sendto(t, fd, buf, libc::MSG_DONTWAIT, to.as_ref().map(|a| &a[..]))
        })
    }

    /// Receive one datagram into at most `room` bytes, or register the waker and pend.
    fn recv(
        &self,
        cx: &mut Context<'_>,
        room: usize,
        peek_len: bool,
    ) -> Poll<io::Result<(Vec<u8>, SocketAddr)>> {
        let fd = self.fd;
        let mut s = self.net.lock();
        let r = s.call("recvfrom", |k, t| {
            let room = if peek_len {
                let r = k.sys_recvfrom(t, fd, &mut [], PEEK_LEN | libc::MSG_DONTWAIT)?;
                r.ret
            } else {
                room
            };
            let mut buf = vec![0u8; room];
            let r = k.sys_recvfrom(t, fd, &mut buf, libc::MSG_DONTWAIT)?;
            buf.truncate(r.ret.min(room));
            Ok((buf, r.from))
        });
        match r {
            Ok((buf, from)) => Poll::Ready(Ok((buf, SocketAddr::new(from.pid, from.groups)))),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                s.socks.get_mut(&fd).expect("registered socket").waker = Some(cx.waker().clone());
                Poll::Pending
            }
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl Drop for ModelSocket {
    fn drop(&mut self) {
        let mut s = self.net.lock();
        // Unregistered before `shadow` closes, so no one reads a reused descriptor.
        s.socks.remove(&self.fd);
        let task = s.model.task;
        let _ = s.model.kernel.sys_close(task, self.fd);
        s.wake_ready();
    }
}

impl AsyncSocket for ModelSocket {
    fn socket_ref(&self) -> &Socket {
        &self.shadow
    }

    fn socket_mut(&mut self) -> &mut Socket {
        &mut self.shadow
    }

    fn new(protocol: isize) -> io::Result<Self> {
        ModelNet::current().socket(protocol)
    }

    fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(self.send(cx, buf, None))
    }

    fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        addr: &SocketAddr,
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(self.send(cx, buf, Some(addr)))
    }

    fn poll_recv<B>(&self, cx: &mut Context<'_>, buf: &mut B) -> Poll<io::Result<()>>
    where
        B: BufMut,
    {
        let room = buf.chunk_mut().len();
        self.recv(cx, room, false)
            .map_ok(|(data, _)| buf.put_slice(&data))
    }

    fn poll_recv_from<B>(&self, cx: &mut Context<'_>, buf: &mut B) -> Poll<io::Result<SocketAddr>>
    where
        B: BufMut,
    {
        let room = buf.chunk_mut().len();
        self.recv(cx, room, false).map_ok(|(data, from)| {
            buf.put_slice(&data);
            from
        })
    }

    fn poll_recv_from_full(&self, cx: &mut Context<'_>) -> Poll<io::Result<(Vec<u8>, SocketAddr)>> {
        self.recv(cx, 0, true)
    }
}

/// A real call on a shadow socket, its failure named.
fn real<T>(r: io::Result<T>, call: &str) -> Result<T, String> {
    r.map_err(|e| format!("{call} on its shadow socket failed: {e}"))
}

/// A model call made while mirroring, its failure named.
fn model<T>(r: Result<T, SysError>, call: &str) -> Result<T, String> {
    r.map_err(|e| format!("mirroring {call} into the model failed: {e}"))
}

/// An errno as an `io::Error`.
fn errno_io(e: i32) -> io::Error {
    io::Error::from_raw_os_error(e)
}

/// A model result's error as an `io::Error`; `unimplemented` stops the caller with a panic
/// naming what the model does not model (never a made-up errno).
fn sys_io(e: SysError, call: &str) -> io::Error {
    match e {
        SysError::Errno(e) => errno_io(e.0),
        SysError::Unimplemented(u) => {
            panic!("nltwin ModelSocket: {call}: the model does not model this: {u}")
        }
    }
}

/// Read and discard what the real kernel queued on a shadow socket.
fn drain(fd: RawFd) {
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: a receive into a live stack buffer of its stated length.
        let n = unsafe {
            libc::recv(
                fd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            )
        };
        if n < 0 && io::Error::last_os_error().raw_os_error() != Some(libc::ENOBUFS) {
            return;
        }
    }
}

/// An int socket option of a real socket.
fn sockopt_int(fd: RawFd, level: i32, opt: i32) -> io::Result<i32> {
    let mut v: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt into a live int of the stated length.
    let r = unsafe { libc::getsockopt(fd, level, opt, (&raw mut v).cast(), &raw mut len) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(v)
}

/// A real socket's `getsockname` or `getpeername`: (pid, groups).
fn sockname(
    fd: RawFd,
    f: unsafe extern "C" fn(i32, *mut libc::sockaddr, *mut libc::socklen_t) -> i32,
) -> io::Result<(u32, u32)> {
    // SAFETY: sockaddr_nl is plain data; the call writes at most `len` bytes into it.
    let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // SAFETY: as above.
    let r = unsafe { f(fd, (&raw mut addr).cast(), &raw mut len) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((addr.nl_pid, addr.nl_groups))
}

fn getsockname(fd: RawFd) -> io::Result<(u32, u32)> {
    sockname(fd, libc::getsockname)
}

fn getpeername(fd: RawFd) -> io::Result<(u32, u32)> {
    sockname(fd, libc::getpeername)
}

/// A real socket's group bitmap (`NETLINK_LIST_MEMBERSHIPS`).
fn memberships(fd: RawFd) -> io::Result<Vec<u32>> {
    let mut words = vec![0u32; 32];
    loop {
        let mut len = (words.len() * 4) as libc::socklen_t;
        // SAFETY: getsockopt into a live buffer of the stated length.
        let r = unsafe {
            libc::getsockopt(
                fd,
                SOL_NETLINK,
                NETLINK_LIST_MEMBERSHIPS,
                words.as_mut_ptr().cast(),
                &raw mut len,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        let need = len as usize / 4;
        if need <= words.len() {
            words.truncate(need);
            return Ok(words);
        }
        words = vec![0u32; need];
    }
}

/// A model socket's group bitmap.
fn model_memberships(k: &mut Kernel, task: TaskId, fd: i32) -> Result<Vec<u32>, SysError> {
    let mut buf = vec![0u8; 128];
    loop {
        let len = k.sys_getsockopt(task, fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, &mut buf)?;
        if len <= buf.len() {
            buf.truncate(len);
            return Ok(buf
                .chunks_exact(4)
                .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
                .collect());
        }
        buf = vec![0u8; len];
    }
}
