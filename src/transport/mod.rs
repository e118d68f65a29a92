//! The socket contract: one seam, shaped like the system calls (and `sleep`, the one way time
//! passes for the model), with a kernel backend (real
//! AF_NETLINK sockets) and a model backend (`nltwin-model`). Everything above this module (the
//! request engine, the exchange runner, the harness) speaks only this trait.
//!
//! Errors are errno values on both backends ([`Errno`]); the model may also answer
//! [`TransportError::Unimplemented`] for a path it does not model, never a made-up errno.

pub mod async_model;
pub mod kernel;
pub mod model;

use std::fmt;
use std::time::Duration;

pub use nltwin_model::Unimplemented;
pub use nltwin_wire::sockaddr_nl::SockaddrNl;
pub use nltwin_wire::Errno;

/// A socket handle: the file descriptor on either backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fd(pub i32);

/// The address given to bind/connect, including what error cases need: a wrong family, or an
/// address length other than `sizeof(struct sockaddr_nl)` (12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BindAddr {
    /// `nl_family` (16 = AF_NETLINK).
    pub family: u16,
    /// `nl_pid`.
    pub pid: u32,
    /// `nl_groups`.
    pub groups: u32,
    /// The addrlen passed to the system call (0..=128).
    pub addrlen: u32,
}

impl BindAddr {
    /// A well-formed AF_NETLINK address of length 12.
    pub fn new(pid: u32, groups: u32) -> Self {
        BindAddr {
            family: nltwin_wire::uapi::netlink::AF_NETLINK,
            pid,
            groups,
            addrlen: SockaddrNl::LEN as u32,
        }
    }

    /// The bytes a caller passes: `sockaddr_nl` zero-padded or cut to `addrlen`
    /// (at most `sizeof(struct sockaddr_storage)`, 128).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = SockaddrNl {
            family: self.family,
            pid: self.pid,
            groups: self.groups,
        }
        .to_bytes()
        .to_vec();
        b.resize(self.addrlen.min(128) as usize, 0);
        b
    }
}

/// What a receive returns besides the bytes copied into the caller's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvMeta {
    /// The system call's return value: bytes copied, or the full datagram length with MSG_TRUNC
    /// in the input flags.
    pub ret: usize,
    /// `msg_flags` (MSG_TRUNC = 0x20 when the datagram did not fit).
    pub msg_flags: i32,
    /// The sender's address.
    pub from: SockaddrNl,
}

impl RecvMeta {
    /// How many bytes of the caller's buffer hold data.
    pub fn copied(&self, buf_len: usize) -> usize {
        self.ret.min(buf_len)
    }
}

/// An error from a contract call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The errno the system call returned (kernel) or the model computed.
    Errno(Errno),
    /// The model does not implement the path this call took (what is missing, named).
    Unimplemented(Unimplemented),
}

impl From<Errno> for TransportError {
    fn from(e: Errno) -> Self {
        TransportError::Errno(e)
    }
}

impl From<nltwin_model::SysError> for TransportError {
    fn from(e: nltwin_model::SysError) -> Self {
        match e {
            nltwin_model::SysError::Errno(e) => TransportError::Errno(e),
            nltwin_model::SysError::Unimplemented(u) => TransportError::Unimplemented(u),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Errno(e) => write!(f, "{e}"),
            TransportError::Unimplemented(u) => write!(f, "{u}"),
        }
    }
}

impl std::error::Error for TransportError {}

/// The result of a contract call.
pub type TResult<T> = Result<T, TransportError>;

/// Who answers: reported in the exchange header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendInfo {
    /// `"kernel"` or `"model"`.
    pub backend: &'static str,
    /// `uname -r`, or the model's profile release.
    pub kernel: String,
    /// The caller's tgid (the portid autobind tries first).
    pub tgid: u32,
}

/// The socket contract. Every method is one system call on the kernel backend, with nothing
/// retried, reordered or parsed on the way.
pub trait Backend {
    /// Who answers.
    fn info(&self) -> BackendInfo;
    /// `socket(AF_NETLINK, ty, protocol)`.
    fn socket(&mut self, protocol: i32, ty: i32) -> TResult<Fd>;
    /// `bind(fd, addr, addrlen)`.
    fn bind(&mut self, fd: Fd, addr: BindAddr) -> TResult<()>;
    /// `connect(fd, addr, addrlen)`.
    fn connect(&mut self, fd: Fd, addr: BindAddr) -> TResult<()>;
    /// `getsockname(fd)`.
    fn getsockname(&mut self, fd: Fd) -> TResult<SockaddrNl>;
    /// `getpeername(fd)`.
    fn getpeername(&mut self, fd: Fd) -> TResult<SockaddrNl>;
    /// `setsockopt(fd, level, name, value)`; `value.len()` is the optlen.
    fn setsockopt(&mut self, fd: Fd, level: i32, name: i32, value: &[u8]) -> TResult<()>;
    /// `getsockopt(fd, level, name, buf)`: returns the optlen written back; `buf.len()` is the
    /// optlen passed in.
    fn getsockopt(&mut self, fd: Fd, level: i32, name: i32, buf: &mut [u8]) -> TResult<usize>;
    /// `sendto(fd, data, flags, to)`; `to = None` sends to the connected peer (or the kernel).
    fn sendto(&mut self, fd: Fd, data: &[u8], flags: i32, to: Option<SockaddrNl>)
        -> TResult<usize>;
    /// `recvfrom(fd, buf, flags)`.
    fn recvfrom(&mut self, fd: Fd, buf: &mut [u8], flags: i32) -> TResult<RecvMeta>;
    /// `close(fd)`.
    fn close(&mut self, fd: Fd) -> TResult<()>;
    /// Let `time` pass (`nanosleep`): the kernel backend sleeps; the model's clock advances,
    /// its timers firing and its deferred work running as they fall due.
    fn sleep(&mut self, time: Duration) -> TResult<()>;
}

/// Implements [`Backend`] for a pointer type by forwarding every call to what it points to.
macro_rules! forward_backend {
    ($(#[$doc:meta])* $ty:ty) => {
        $(#[$doc])*
        impl<B: Backend + ?Sized> Backend for $ty {
            fn info(&self) -> BackendInfo {
                (**self).info()
            }
            fn socket(&mut self, protocol: i32, ty: i32) -> TResult<Fd> {
                (**self).socket(protocol, ty)
            }
            fn bind(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
                (**self).bind(fd, addr)
            }
            fn connect(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
                (**self).connect(fd, addr)
            }
            fn getsockname(&mut self, fd: Fd) -> TResult<SockaddrNl> {
                (**self).getsockname(fd)
            }
            fn getpeername(&mut self, fd: Fd) -> TResult<SockaddrNl> {
                (**self).getpeername(fd)
            }
            fn setsockopt(&mut self, fd: Fd, level: i32, name: i32, value: &[u8]) -> TResult<()> {
                (**self).setsockopt(fd, level, name, value)
            }
            fn getsockopt(
                &mut self,
                fd: Fd,
                level: i32,
                name: i32,
                buf: &mut [u8],
            ) -> TResult<usize> {
                (**self).getsockopt(fd, level, name, buf)
            }
            fn sendto(
                &mut self,
                fd: Fd,
                data: &[u8],
                flags: i32,
                to: Option<SockaddrNl>,
            ) -> TResult<usize> {
                (**self).sendto(fd, data, flags, to)
            }
            fn recvfrom(&mut self, fd: Fd, buf: &mut [u8], flags: i32) -> TResult<RecvMeta> {
                (**self).recvfrom(fd, buf, flags)
            }
            fn close(&mut self, fd: Fd) -> TResult<()> {
                (**self).close(fd)
            }
            fn sleep(&mut self, time: Duration) -> TResult<()> {
                (**self).sleep(time)
            }
        }
    };
}

forward_backend!(
    /// A borrowed backend is a backend: a short-lived connection can run over a backend that
    /// something else owns (e.g. a test backend driving the model between receives).
    &mut B
);
forward_backend!(
    /// A boxed backend is a backend: lets callers choose kernel or model at run time.
    Box<B>
);
