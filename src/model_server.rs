//! The model server of `nltwin run --model`: one model kernel with one fresh network namespace,
//! serving the AF_NETLINK sockets of every process of a command through the preloaded library
//! (`preload/`), one Unix SOCK_SEQPACKET connection per socket (the frames are
//! `nltwin_wire::shim`'s).
//!
//! Each process is a model task of its own tgid (its real pid) in the one namespace, root of
//! its user namespace as in the kernel sandbox `nltwin run --kernel` makes. A connection is a
//! socket: the library hands the connection's descriptor to the program as the socket, so
//! `dup`, `fork`, `close`, `fcntl(O_NONBLOCK)`, `poll`, `select` and `epoll` act on it
//! natively. Readiness follows the model socket: after every call the server sends a
//! [`READY`](nltwin_wire::shim::READY) packet on each connection whose socket has something
//! to read (data or a pending error) and has none outstanding; the library drops those it
//! meets while waiting for a reply, so a connection is readable exactly when a receive would
//! find something.
//!
//! The model's clock follows the wall clock: before each call it advances by the time that
//! passed, and the server wakes when the model's next timer is due (link watch's held events,
//! IPv6 bring-up, address lifetimes), as the kernel's timers run whether or not a program is
//! calling.
//!
//! Who may talk to it: [`Access`]. Each connection's peer credentials (SO_PEERCRED, taken by
//! the kernel at `connect`) must name the run's user and a process descending from the run;
//! any other peer is answered [`Reply::Refused`] with the reason, its connection closed, and
//! noted for the run to print ([`ModelServer::refusals`]).

use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::sockopt::PeerCredentials;
use nix::sys::socket::{
    accept, bind, getsockopt, listen, recv, send, socket, AddressFamily, Backlog, MsgFlags,
    SockFlag, SockType, UnixAddr,
};
use nltwin_model::dev_ioctl::IoctlArg;
use nltwin_model::net_namespace::OpenFile;
use nltwin_model::{Kernel, SysError, TaskId};
use nltwin_wire::shim::{IoctlFrameArg, Reply, Request, READY};
use nltwin_wire::uapi::netlink::AF_NETLINK;
use nltwin_wire::uapi::sockios::IFREQ_LEN;

/// Which peers the server serves: processes of user `uid` descending from process `ancestor`
/// (`nltwin run`, a child subreaper, so that a process of the command whose parent exits is
/// still its descendant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    /// The user the run runs as (the effective uid).
    pub uid: u32,
    /// The process whose descendants are served.
    pub ancestor: u32,
}

impl Access {
    /// Why the peer `cred` (pid, uid) is refused, if it is.
    pub fn refuses(&self, pid: u32, uid: u32) -> Option<String> {
        if uid != self.uid {
            return Some(format!(
                "pid {pid} runs as uid {uid}, not the run's uid {}",
                self.uid
            ));
        }
        if !crate::process_tree::descends_from(pid, self.ancestor) {
            return Some(format!(
                "pid {pid} is not a process of this run (it does not descend from nltwin run, \
                 pid {})",
                self.ancestor
            ));
        }
        None
    }
}

/// What the server saw that the model does not model (the first occurrence).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmodeled(pub String);

/// A program's socket as the model sees it: the task that made it and its model descriptor
/// (none before its `socket` request).
#[derive(Clone, Copy, Debug, Default)]
pub struct ConnState {
    task: Option<TaskId>,
    model_fd: Option<i32>,
}

/// The served model: the kernel, a task per process, and what the command's runner watches
/// (the processes that called, the first unmodeled call). No sockets: [`ModelServer`] carries
/// the frames, and the fuzz target drives this directly.
pub struct Served {
    kernel: Kernel,
    /// The first task (the namespace's and credentials' source for the others).
    first: TaskId,
    tasks: HashMap<u32, TaskId>,
    unmodeled: Arc<Mutex<Option<Unmodeled>>>,
    callers: Arc<Mutex<Vec<u32>>>,
    /// The run's own effective capabilities, when the processes' capability drops are
    /// mirrored onto their tasks (`crate::task_caps`).
    caps_baseline: Option<u64>,
    /// The run's user namespace (its inode) and the model user namespace made for each other
    /// one a process entered.
    user_nss: Option<(u64, HashMap<u64, nltwin_model::cred::UserNsId>)>,
    /// The processes' network namespaces followed onto their tasks (`crate::task_netns`).
    netns: Option<crate::task_netns::NetnsMirror>,
}

impl Served {
    /// Serve `kernel`, whose task `task` gives the namespace and credentials every process
    /// gets.
    pub fn new(kernel: Kernel, task: TaskId) -> Served {
        Served {
            kernel,
            first: task,
            tasks: HashMap::new(),
            unmodeled: Default::default(),
            callers: Default::default(),
            caps_baseline: None,
            user_nss: None,
            netns: None,
        }
    }

    /// Follow each process's network namespace (`unshare(CLONE_NEWNET)`, `setns`) onto its
    /// task: the run's own namespace, `run_ns` (its `/proc/self/ns/net` inode), is the served
    /// one; each other namespace a process enters is a fresh model namespace of its own.
    pub fn mirror_netns(&mut self, run_ns: u64) {
        let first = self.kernel.task(self.first).net;
        self.netns = Some(crate::task_netns::NetnsMirror::new(run_ns, first));
        // Processes the model never serves exist: a pid it does not know is unknown.
        self.kernel.set_foreign_pids(true);
    }

    /// Before `socket`: the task's namespace as its process's now is (`sock_create` takes
    /// `current`'s).
    fn sync_netns(&mut self, task: TaskId, pid: u32) {
        let Some(mirror) = self.netns.as_mut() else {
            return;
        };
        let Some(ino) = crate::task_netns::net_ns_inode(Some(pid)) else {
            return;
        };
        let k = &mut self.kernel;
        let user_ns = k.task(task).cred.user_ns;
        let net = mirror.model_net(ino, || k.copy_net_ns(user_ns));
        k.switch_task_namespaces(task, net);
    }

    /// Before a send: the files the process holds open, for a request naming a namespace by
    /// descriptor (IFLA_NET_NS_FD); a namespace's file never seen before stands for a fresh
    /// model namespace, the same one its processes will get.
    fn sync_files(&mut self, task: TaskId, pid: u32) {
        let Some(mirror) = self.netns.as_mut() else {
            return;
        };
        let k = &mut self.kernel;
        let user_ns = k.task(task).cred.user_ns;
        let files = crate::task_netns::open_files(pid)
            .into_iter()
            .map(|(fd, ns)| {
                let file = match ns {
                    Some(ino) => OpenFile::Net(mirror.model_net(ino, || k.copy_net_ns(user_ns))),
                    None => OpenFile::Other,
                };
                (fd, file)
            })
            .collect();
        k.set_task_files(task, files);
    }

    /// Mirror each calling process's capability drops onto its task, against `baseline`
    /// (the run's own effective set).
    pub fn mirror_caps(&mut self, baseline: u64) {
        self.caps_baseline = Some(baseline);
        self.user_nss = crate::task_caps::user_ns_inode(None).map(|ino| (ino, HashMap::new()));
    }

    /// Before a call that checks capabilities (creating, binding, connecting, setting an
    /// option, sending): the task's capabilities as its process now has them.
    fn sync_caps(&mut self, task: TaskId, req: &Request) {
        let Some(baseline) = self.caps_baseline else {
            return;
        };
        let checks = matches!(
            req,
            Request::Socket { .. }
                | Request::Bind { .. }
                | Request::Connect { .. }
                | Request::SetSockOpt { .. }
                | Request::SendTo { .. }
        );
        if !checks {
            return;
        }
        let Some(now) = crate::task_caps::cap_eff(Some(req.pid())) else {
            return;
        };
        let own_ns = crate::task_caps::user_ns_inode(Some(req.pid()));
        if let (Some((run_ns, made)), Some(ino)) = (self.user_nss.as_mut(), own_ns) {
            if ino != *run_ns {
                // unshare(CLONE_NEWUSER): the task lives in a namespace of its own below the
                // one it had, with the capabilities the process holds there.
                let k = &mut self.kernel;
                let cred = k.task(task).cred.clone();
                let ns = *made.entry(ino).or_insert_with(|| {
                    k.create_user_ns(k.task(self.first).cred.user_ns, cred.euid)
                });
                if cred.user_ns != ns {
                    let overflow = nltwin_model::cred::OVERFLOWUID;
                    k.commit_creds(
                        task,
                        nltwin_model::cred::Cred {
                            euid: overflow,
                            egid: overflow,
                            user_ns: ns,
                            cap_effective: now,
                        },
                    );
                } else {
                    k.sys_capset(task, now);
                }
                return;
            }
        }
        let full = nltwin_model::cred::Cred::CAP_FULL_SET;
        let caps = crate::task_caps::mirrored(full, baseline, now);
        self.kernel.sys_capset(task, caps);
    }

    /// The task of process `pid` (made on its first call).
    fn task_of(&mut self, pid: u32) -> TaskId {
        if let Some(&t) = self.tasks.get(&pid) {
            return t;
        }
        let first = self.kernel.task(self.first);
        let (net, cred) = (first.net, first.cred.clone());
        let t = self.kernel.spawn_task(pid, net, cred);
        self.tasks.insert(pid, t);
        self.callers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(pid);
        t
    }

    fn note_unmodeled(&self, what: String) {
        let mut slot = self.unmodeled.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(Unmodeled(what));
        }
    }

    /// Answer one request on the socket `conn`. The socket lives in its creator's file table;
    /// later calls act on it whichever process makes them, as on the shared kernel socket.
    pub fn answer(&mut self, conn: &mut ConnState, req: Request) -> Reply {
        let task = self.task_of(req.pid());
        self.sync_caps(task, &req);
        if matches!(req, Request::Socket { .. }) {
            self.sync_netns(task, req.pid());
        }
        if matches!(req, Request::SendTo { .. }) {
            self.sync_files(task, req.pid());
        }
        let k = &mut self.kernel;
        let reply = if let Request::Socket { ty, protocol, .. } = req {
            match (conn.model_fd, k.sys_socket(task, ty, protocol)) {
                (Some(_), _) => Reply::Err(libc::EINVAL),
                (None, Ok(fd)) => {
                    conn.task = Some(task);
                    conn.model_fd = Some(fd);
                    ok(0, vec![])
                }
                (None, Err(e)) => err(e),
            }
        } else if let Request::Ioctl {
            family, cmd, arg, ..
        } = req
        {
            match (conn.task, conn.model_fd) {
                (Some(task), Some(fd)) if family == i32::from(AF_NETLINK) => {
                    ioctl(arg, |a| k.sys_ioctl(task, fd, cmd, a))
                }
                (None, None) if family != i32::from(AF_NETLINK) => {
                    ioctl(arg, |a| k.sys_ioctl_other_socket(task, family, cmd, a))
                }
                _ => Reply::Err(libc::EBADF),
            }
        } else if let (Some(task), Some(fd)) = (conn.task, conn.model_fd) {
            syscall(k, task, fd, req).unwrap_or_else(err)
        } else {
            Reply::Err(libc::EBADF)
        };
        if let Reply::Unimplemented(what) = &reply {
            self.note_unmodeled(what.clone());
        }
        reply
    }

    /// The socket closed: its model descriptor too.
    pub fn close(&mut self, conn: ConnState) {
        if let (Some(task), Some(fd)) = (conn.task, conn.model_fd) {
            let _ = self.kernel.sys_close(task, fd);
        }
    }

    /// Whether the socket has something to read (data or a pending error).
    pub fn readable(&self, conn: &ConnState) -> bool {
        let (Some(task), Some(fd)) = (conn.task, conn.model_fd) else {
            return false;
        };
        let k = &self.kernel;
        k.sockfd_lookup(task, fd).is_ok_and(|id| {
            k.sockets()
                .find(|(s, _)| *s == id)
                .is_some_and(|(_, sk)| !sk.receive_queue.is_empty() || sk.sk_err != 0)
        })
    }

    /// Let `ns` of model time pass (timers and deferred work run).
    pub fn advance(&mut self, ns: u64) {
        if let Err(SysError::Unimplemented(u)) = self.kernel.advance(ns) {
            self.note_unmodeled(u.what().to_string());
        }
    }
}

/// One system call on the model socket `fd` of `task`.
fn syscall(k: &mut Kernel, task: TaskId, fd: i32, req: Request) -> Result<Reply, SysError> {
    Ok(match req {
        Request::Socket { .. } | Request::Ioctl { .. } => Reply::Err(libc::EINVAL),
        Request::Bind { addr, .. } => {
            k.sys_bind(task, fd, &addr)?;
            ok(0, vec![])
        }
        Request::Connect { addr, .. } => {
            k.sys_connect(task, fd, &addr)?;
            ok(0, vec![])
        }
        Request::GetSockName { .. } => ok(12, k.sys_getsockname(task, fd)?.to_bytes().to_vec()),
        Request::GetPeerName { .. } => ok(12, k.sys_getpeername(task, fd)?.to_bytes().to_vec()),
        Request::SetSockOpt {
            level, name, value, ..
        } => {
            k.sys_setsockopt(task, fd, level, name, &value)?;
            ok(0, vec![])
        }
        Request::GetSockOpt {
            level, name, len, ..
        } => {
            let mut b = vec![0u8; (len as usize).min(MAX_BUF)];
            let n = k.sys_getsockopt(task, fd, level, name, &mut b)?;
            b.truncate(n);
            ok(n as i64, b)
        }
        Request::SendTo {
            flags, to, data, ..
        } => ok(
            k.sys_sendto(task, fd, &data, flags, to.as_deref())? as i64,
            vec![],
        ),
        Request::RecvFrom { flags, len, .. } => {
            let mut b = vec![0u8; (len as usize).min(MAX_BUF)];
            let m = k.sys_recvfrom(task, fd, &mut b, flags)?;
            b.truncate(m.ret.min(b.len()));
            Reply::Ok {
                value: m.ret as i64,
                data: b,
                addr: m.from.to_bytes().to_vec(),
                msg_flags: m.msg_flags,
            }
        }
        Request::RcvTimeo { .. } => match k.sock_rcvtimeo_ns(task, fd)? {
            Some(ns) => ok(ns.min(i64::MAX as u64) as i64, vec![]),
            None => ok(-1, vec![]),
        },
        Request::RecvMsg {
            flags,
            len,
            controllen,
            ..
        } => {
            let mut b = vec![0u8; (len as usize).min(MAX_BUF)];
            let controllen = controllen.map(|c| (c as usize).min(MAX_BUF));
            let m = k.sys_recvmsg(task, fd, &mut b, controllen, flags)?;
            b.truncate(m.ret.min(b.len()));
            Reply::Received {
                value: m.ret as i64,
                data: b,
                addr: m.from.to_bytes().to_vec(),
                msg_flags: m.msg_flags,
                control: m.control,
            }
        }
    })
}

/// An ioctl with the argument the library copied: the reply carries what to copy back (the
/// ifreq on success; for SIOCGIFCONF the records, and `ifc_len` as the value).
fn ioctl(arg: IoctlFrameArg, call: impl FnOnce(IoctlArg<'_>) -> Result<i32, SysError>) -> Reply {
    match arg {
        IoctlFrameArg::Ifreq(bytes) => {
            let Ok(mut ifr) = <[u8; IFREQ_LEN]>::try_from(bytes.as_slice()) else {
                return Reply::Err(libc::EFAULT);
            };
            match call(IoctlArg::Ifreq(&mut ifr)) {
                Ok(v) => ok(i64::from(v), ifr.to_vec()),
                Err(e) => err(e),
            }
        }
        IoctlFrameArg::Ifconf { mut len, null_buf } => {
            let mut out = Vec::new();
            let r = call(IoctlArg::Ifconf {
                len: &mut len,
                null_buf,
                out: &mut out,
            });
            match r {
                Ok(_) => ok(i64::from(len), out),
                Err(e) => err(e),
            }
        }
        IoctlFrameArg::Other => {
            call(IoctlArg::Other).map_or_else(err, |v| ok(i64::from(v), vec![]))
        }
    }
}

/// The largest buffer a request may ask for (a receive's or an option's): larger asks get this
/// much, as no netlink datagram or option is bigger.
const MAX_BUF: usize = 1 << 20;

/// A program's socket: its connection and its state.
struct Conn {
    fd: OwnedFd,
    state: ConnState,
    /// A READY packet was sent and the library has not replied since (so has not read it).
    ready_sent: bool,
}

/// The server: a listening socket, the connections, the served model, the clock's origin.
pub struct ModelServer {
    listener: OwnedFd,
    access: Access,
    /// Each refused connection: why.
    refusals: Arc<Mutex<Vec<String>>>,
    served: Served,
    conns: Vec<Conn>,
    started: Instant,
    started_ns: u64,
    /// The buffer requests are read into (kept: a request carries at most a datagram).
    buf: Vec<u8>,
}

impl ModelServer {
    /// A server listening at `path` over `kernel`, whose task `task` gives the namespace and
    /// credentials every process gets, serving the peers `access` admits. `path` should lie
    /// in a directory only the caller can reach (`nltwin run` makes one, mode 0700): the
    /// peer check is the second wall, not the only one.
    pub fn bind(
        path: &Path,
        kernel: Kernel,
        task: TaskId,
        access: Access,
    ) -> nix::Result<ModelServer> {
        let listener = socket(
            AddressFamily::Unix,
            SockType::SeqPacket,
            SockFlag::SOCK_CLOEXEC,
            None,
        )?;
        bind(listener.as_raw_fd(), &UnixAddr::new(path)?)?;
        listen(&listener, Backlog::new(64)?)?;
        let started_ns = kernel.now_ns();
        let mut served = Served::new(kernel, task);
        if let Some(baseline) = crate::task_caps::cap_eff(None) {
            served.mirror_caps(baseline);
        }
        if let Some(run_ns) = crate::task_netns::net_ns_inode(None) {
            served.mirror_netns(run_ns);
        }
        Ok(ModelServer {
            listener,
            access,
            refusals: Default::default(),
            served,
            conns: Vec::new(),
            started: Instant::now(),
            started_ns,
            buf: vec![0u8; MAX_BUF + 4096],
        })
    }

    /// Each refused connection's reason, readable from another thread while it serves.
    pub fn refusals(&self) -> Arc<Mutex<Vec<String>>> {
        self.refusals.clone()
    }

    /// The processes that made calls, readable from another thread while it serves.
    pub fn callers(&self) -> Arc<Mutex<Vec<u32>>> {
        self.served.callers.clone()
    }

    /// Where the server notes the first unmodeled call (readable from another thread while it
    /// serves).
    pub fn unmodeled(&self) -> Arc<Mutex<Option<Unmodeled>>> {
        self.served.unmodeled.clone()
    }

    /// Serve until `stop` says so (checked at least every `tick`), then return.
    pub fn serve(&mut self, stop: &dyn Fn() -> bool, tick: Duration) {
        while !stop() {
            self.advance_clock();
            let wait = self.next_timer_wait().map_or(tick, |w| w.min(tick));
            let timeout = PollTimeout::try_from(wait.as_millis().min(60_000) as i32)
                .unwrap_or(PollTimeout::ZERO);
            let (listener_ready, readable) = {
                let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(self.conns.len() + 1);
                fds.push(PollFd::new(self.listener.as_fd(), PollFlags::POLLIN));
                for c in &self.conns {
                    fds.push(PollFd::new(c.fd.as_fd(), PollFlags::POLLIN));
                }
                if poll(&mut fds, timeout).is_err() {
                    continue;
                }
                let hit = |f: &PollFd<'_>| f.revents().is_some_and(|r| !r.is_empty());
                let readable: Vec<usize> = fds[1..]
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| hit(f))
                    .map(|(i, _)| i)
                    .collect();
                (hit(&fds[0]), readable)
            };
            if listener_ready {
                self.accept_one();
            }
            let mut closed = Vec::new();
            for i in readable {
                if !self.serve_one(i) {
                    closed.push(i);
                }
            }
            for i in closed.into_iter().rev() {
                let c = self.conns.remove(i);
                self.served.close(c.state);
            }
            self.signal_ready();
        }
    }

    /// Accept a connection and serve it if its peer is admitted; else answer why not and
    /// close it.
    fn accept_one(&mut self) {
        let Ok(fd) = accept(&self.listener) else {
            return;
        };
        let why = match getsockopt(&fd, PeerCredentials) {
            Ok(c) => self.access.refuses(c.pid() as u32, c.uid()),
            Err(e) => Some(format!("its credentials cannot be read: {e}")),
        };
        if let Some(why) = why {
            send_packet(fd.as_fd(), &Reply::Refused(why.clone()).to_bytes());
            self.refusals
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(why);
            return;
        }
        self.conns.push(Conn {
            fd,
            state: ConnState::default(),
            ready_sent: false,
        });
    }

    /// The model's clock catches up with the wall clock.
    fn advance_clock(&mut self) {
        let target = self.started_ns + self.started.elapsed().as_nanos() as u64;
        let now = self.served.kernel.now_ns();
        if target > now {
            self.served.advance(target - now);
        }
    }

    /// How long until the model's next timer is due.
    fn next_timer_wait(&self) -> Option<Duration> {
        let k = &self.served.kernel;
        let next = k.next_timer_ns()?;
        Some(Duration::from_nanos(next.saturating_sub(k.now_ns())))
    }

    /// Read one request on connection `i` and answer it; false when the connection closed.
    fn serve_one(&mut self, i: usize) -> bool {
        let n = match recv(
            self.conns[i].fd.as_raw_fd(),
            &mut self.buf,
            MsgFlags::MSG_DONTWAIT,
        ) {
            Ok(0) => return false,
            Ok(n) => n,
            Err(nix::errno::Errno::EAGAIN) => return true,
            Err(_) => return false,
        };
        self.advance_clock();
        let reply = match Request::parse(&self.buf[..n]) {
            Ok(req) => self.served.answer(&mut self.conns[i].state, req),
            Err(e) => {
                let what = format!("a malformed request from the library: {}", e.0);
                self.served.note_unmodeled(what.clone());
                Reply::Unimplemented(what)
            }
        };
        self.conns[i].ready_sent = false;
        send_packet(self.conns[i].fd.as_fd(), &reply.to_bytes())
    }

    /// A READY packet on each connection whose socket has something to read and none
    /// outstanding.
    fn signal_ready(&mut self) {
        for c in &mut self.conns {
            if !c.ready_sent
                && self.served.readable(&c.state)
                && send_packet(c.fd.as_fd(), &[READY])
            {
                c.ready_sent = true;
            }
        }
    }
}

fn ok(value: i64, data: Vec<u8>) -> Reply {
    Reply::Ok {
        value,
        data,
        addr: vec![],
        msg_flags: 0,
    }
}

fn err(e: SysError) -> Reply {
    match e {
        SysError::Errno(e) => Reply::Err(e.as_neg().abs()),
        SysError::Unimplemented(u) => Reply::Unimplemented(u.what().to_string()),
    }
}

/// Send one packet; false when the peer is gone.
fn send_packet(fd: BorrowedFd<'_>, bytes: &[u8]) -> bool {
    send(fd.as_raw_fd(), bytes, MsgFlags::MSG_NOSIGNAL).is_ok()
}
