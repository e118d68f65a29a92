//! The system-call surface (`net/socket.c`): `socket`, `bind`, `connect`, `getsockname`,
//! `getpeername`, `setsockopt`, `getsockopt`, `sendto`, `recvfrom`, `close`, for a task and its
//! file descriptors. Each resolves the descriptor and calls the netlink `proto_ops` in
//! [`crate::af_netlink`], as the kernel's `__sys_*` functions do. A system call takes no
//! time on the model's clock; what it leaves due runs before it returns.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, SockId, TaskId};
use crate::uapi::netlink::SockaddrNl;

/// What `recvfrom` returns besides the bytes it copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecvFrom {
    /// The system call's return value: bytes copied, or the datagram length with `MSG_TRUNC`.
    pub ret: usize,
    /// `msg_flags` (`MSG_TRUNC` when the datagram did not fit).
    pub msg_flags: i32,
    /// The sender's address.
    pub from: SockaddrNl,
    /// The control messages, as the caller's `msg_control` receives them (empty for
    /// `recvfrom`, which has no control buffer).
    pub control: Vec<u8>,
}

impl Kernel {
    /// The end of a system call: what it left due runs (deferred work queued for "at once",
    /// such as link watch after an urgent carrier change, which the kernel runs on a worker
    /// right after the request). When that work answers `unimplemented`, so does the call.
    fn syscall_exit<T>(&mut self, r: SysResult<T>) -> SysResult<T> {
        self.run_due()?;
        r
    }

    /// `sockfd_lookup`: the socket behind `fd` in `task`'s file table, or EBADF.
    pub fn sockfd_lookup(&self, task: TaskId, fd: i32) -> Result<SockId, Errno> {
        self.tasks[task.0]
            .files
            .get(&fd)
            .copied()
            .ok_or(Errno::EBADF)
    }

    /// `__sys_socket(AF_NETLINK, ty, protocol)`: a new descriptor (the lowest free one from 3, as a
    /// process with only stdio open gets).
    pub fn sys_socket(&mut self, task: TaskId, ty: i32, protocol: i32) -> SysResult<i32> {
        let r = crate::af_netlink::sys_socket(self, task, ty, protocol);
        self.syscall_exit(r)
    }

    /// `__sys_bind`: `addr` is the raw sockaddr as passed, its length is the addrlen.
    pub fn sys_bind(&mut self, task: TaskId, fd: i32, addr: &[u8]) -> SysResult<()> {
        let sk = self.sockfd_lookup(task, fd)?;
        let r = crate::af_netlink::netlink_bind(self, task, sk, addr);
        self.syscall_exit(r)
    }

    /// `__sys_connect`: `addr` is the raw sockaddr as passed, its length is the addrlen.
    pub fn sys_connect(&mut self, task: TaskId, fd: i32, addr: &[u8]) -> SysResult<()> {
        let sk = self.sockfd_lookup(task, fd)?;
        let r = crate::af_netlink::netlink_connect(self, task, sk, addr);
        self.syscall_exit(r)
    }

    /// `__sys_getsockname`.
    pub fn sys_getsockname(&mut self, task: TaskId, fd: i32) -> SysResult<SockaddrNl> {
        let sk = self.sockfd_lookup(task, fd)?;
        crate::af_netlink::netlink_getname(self, sk, false)
    }

    /// `__sys_getpeername`.
    pub fn sys_getpeername(&mut self, task: TaskId, fd: i32) -> SysResult<SockaddrNl> {
        let sk = self.sockfd_lookup(task, fd)?;
        crate::af_netlink::netlink_getname(self, sk, true)
    }

    /// `__sys_setsockopt`: `optval` is the option buffer, its length is optlen.
    pub fn sys_setsockopt(
        &mut self,
        task: TaskId,
        fd: i32,
        level: i32,
        optname: i32,
        optval: &[u8],
    ) -> SysResult<()> {
        let sk = self.sockfd_lookup(task, fd)?;
        let r = crate::af_netlink::sys_setsockopt(self, task, sk, level, optname, optval);
        self.syscall_exit(r)
    }

    /// `__sys_getsockopt`: fills `optval` (its length is the optlen passed in) and returns the
    /// optlen the kernel writes back.
    pub fn sys_getsockopt(
        &mut self,
        task: TaskId,
        fd: i32,
        level: i32,
        optname: i32,
        optval: &mut [u8],
    ) -> SysResult<usize> {
        let sk = self.sockfd_lookup(task, fd)?;
        let r = crate::af_netlink::sys_getsockopt(self, task, sk, level, optname, optval);
        self.syscall_exit(r)
    }

    /// `__sys_sendto`: `to` is the raw destination sockaddr, if any.
    pub fn sys_sendto(
        &mut self,
        task: TaskId,
        fd: i32,
        buf: &[u8],
        flags: i32,
        to: Option<&[u8]>,
    ) -> SysResult<usize> {
        let sk = self.sockfd_lookup(task, fd)?;
        let r = crate::af_netlink::netlink_sendmsg(self, task, sk, buf, flags, to);
        self.syscall_exit(r)
    }

    /// `__sys_recvfrom`: copies at most `buf.len()` bytes. The model never blocks: an empty
    /// queue gives EAGAIN whatever the flags.
    pub fn sys_recvfrom(
        &mut self,
        task: TaskId,
        fd: i32,
        buf: &mut [u8],
        flags: i32,
    ) -> SysResult<RecvFrom> {
        let sk = self.sockfd_lookup(task, fd)?;
        let r = crate::af_netlink::netlink_recvmsg(self, task, sk, buf, None, flags);
        self.syscall_exit(r)
    }

    /// How long a blocking receive on `fd` waits (`sock_rcvtimeo`), in nanoseconds of the
    /// clock: `None` for ever (no SO_RCVTIMEO), `Some(0)` not at all.
    pub fn sock_rcvtimeo_ns(&self, task: TaskId, fd: i32) -> Result<Option<u64>, Errno> {
        let sk = self.sockfd_lookup(task, fd)?;
        let timeo = self.sk(sk).rcvtimeo;
        if timeo == crate::sock::MAX_SCHEDULE_TIMEOUT {
            return Ok(None);
        }
        let ns_per_jiffy = 1_000_000_000 / u64::from(self.profile.config.hz);
        Ok(Some((timeo as u64).saturating_mul(ns_per_jiffy)))
    }

    /// `recvmsg(2)` with a control buffer of `controllen` bytes (`None`: `msg_control` NULL);
    /// the control messages come back in [`RecvFrom::control`], `MSG_CTRUNC` in its flags
    /// when they did not fit.
    pub fn sys_recvmsg(
        &mut self,
        task: TaskId,
        fd: i32,
        buf: &mut [u8],
        controllen: Option<usize>,
        flags: i32,
    ) -> SysResult<RecvFrom> {
        let sk = self.sockfd_lookup(task, fd)?;
        let r = crate::af_netlink::netlink_recvmsg(self, task, sk, buf, controllen, flags);
        self.syscall_exit(r)
    }

    /// `close(2)`: drops the descriptor and releases the socket (`netlink_release`).
    pub fn sys_close(&mut self, task: TaskId, fd: i32) -> SysResult<()> {
        let sk = self.sockfd_lookup(task, fd)?;
        self.tasks[task.0].files.remove(&fd);
        let r = crate::af_netlink::netlink_release(self, sk);
        self.syscall_exit(r)
    }
}
