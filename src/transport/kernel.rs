//! The kernel backend: real AF_NETLINK sockets in the calling process's namespaces.
//!
//! Every contract call is exactly one system call, with nothing retried, reordered or parsed.
//! It goes through `netlink-sys` and `nix` where they can express the call, and through `libc`
//! where they cannot: socket(2) with an arbitrary type (to observe ESOCKTNOSUPPORT), bind and
//! connect with a wrong family or length, and socket options by raw level, name and bytes.

use std::collections::BTreeMap;
use std::io::{self, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};

use netlink_sys::{Socket, SocketAddr};
use nix::sys::socket::{recvmsg, MsgFlags, NetlinkAddr};
use nltwin_wire::uapi::netlink::AF_NETLINK;

use super::{
    Backend, BackendInfo, BindAddr, Errno, Fd, RecvMeta, SockaddrNl, TResult, TransportError,
};

/// The socket contract over real system calls.
#[derive(Debug, Default)]
pub struct KernelBackend {
    socks: BTreeMap<i32, Socket>,
}

fn os_err(e: io::Error) -> TransportError {
    TransportError::Errno(Errno(e.raw_os_error().unwrap_or(libc::EIO)))
}

fn nix_err(e: nix::Error) -> TransportError {
    TransportError::Errno(Errno(e as i32))
}

/// A `sockaddr_storage` holding `addr` as the caller wrote it; `addr.addrlen` may cut it short
/// or leave it zero-padded.
fn raw_sockaddr(addr: &BindAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let bytes = addr.to_bytes();
    // SAFETY: `bytes` is at most 128 bytes, the size of sockaddr_storage.
    unsafe {
        std::ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            (&mut ss as *mut libc::sockaddr_storage).cast::<u8>(),
            bytes.len(),
        );
    }
    (ss, addr.addrlen.min(128) as libc::socklen_t)
}

/// Whether `addr` is what netlink-sys can pass: AF_NETLINK, `sizeof(struct sockaddr_nl)`.
fn is_plain(addr: &BindAddr) -> bool {
    addr.family == AF_NETLINK && addr.addrlen as usize == SockaddrNl::LEN
}

impl KernelBackend {
    /// A backend making system calls in the calling process's namespaces.
    pub fn new() -> Self {
        KernelBackend::default()
    }

    fn sock(&self, fd: Fd) -> TResult<&Socket> {
        self.socks
            .get(&fd.0)
            .ok_or(TransportError::Errno(Errno::EBADF))
    }

    fn sock_mut(&mut self, fd: Fd) -> TResult<&mut Socket> {
        self.socks
            .get_mut(&fd.0)
            .ok_or(TransportError::Errno(Errno::EBADF))
    }
}

impl Backend for KernelBackend {
    fn info(&self) -> BackendInfo {
        let release = nix::sys::utsname::uname()
            .map(|u| u.release().to_string_lossy().into_owned())
            .unwrap_or_default();
        BackendInfo {
            backend: "kernel",
            kernel: release,
            tgid: nix::unistd::getpid().as_raw() as u32,
        }
    }

    fn socket(&mut self, protocol: i32, ty: i32) -> TResult<Fd> {
        // netlink-sys fixes the type to SOCK_DGRAM; error cases need any type, so libc here.
        // SAFETY: plain system call.
        let fd = unsafe { libc::socket(libc::AF_NETLINK, ty | libc::SOCK_CLOEXEC, protocol) };
        if fd < 0 {
            return Err(os_err(io::Error::last_os_error()));
        }
        // SAFETY: `fd` is a fresh descriptor we own.
        self.socks.insert(fd, unsafe { Socket::from_raw_fd(fd) });
        Ok(Fd(fd))
    }

    fn bind(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
        let sock = self.sock_mut(fd)?;
        if is_plain(&addr) {
            return sock
                .bind(&SocketAddr::new(addr.pid, addr.groups))
                .map_err(os_err);
        }
        let (ss, len) = raw_sockaddr(&addr);
        // SAFETY: `ss` outlives the call and holds `len` <= 128 bytes.
        let r = unsafe {
            libc::bind(
                sock.as_raw_fd(),
                (&ss as *const libc::sockaddr_storage).cast(),
                len,
            )
        };
        if r < 0 {
            return Err(os_err(io::Error::last_os_error()));
        }
        Ok(())
    }

    fn connect(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
        let sock = self.sock(fd)?;
        if is_plain(&addr) {
            return sock
                .connect(&SocketAddr::new(addr.pid, addr.groups))
                .map_err(os_err);
        }
        let (ss, len) = raw_sockaddr(&addr);
        // SAFETY: `ss` outlives the call and holds `len` <= 128 bytes.
        let r = unsafe {
            libc::connect(
                sock.as_raw_fd(),
                (&ss as *const libc::sockaddr_storage).cast(),
                len,
            )
        };
        if r < 0 {
            return Err(os_err(io::Error::last_os_error()));
        }
        Ok(())
    }

    fn getsockname(&mut self, fd: Fd) -> TResult<SockaddrNl> {
        let mut a = SocketAddr::new(0, 0);
        self.sock(fd)?.get_address(&mut a).map_err(os_err)?;
        Ok(SockaddrNl::new(a.port_number(), a.multicast_groups()))
    }

    fn getpeername(&mut self, fd: Fd) -> TResult<SockaddrNl> {
        let a: NetlinkAddr =
            nix::sys::socket::getpeername(self.sock(fd)?.as_raw_fd()).map_err(nix_err)?;
        Ok(SockaddrNl::new(a.pid(), a.groups()))
    }

    fn setsockopt(&mut self, fd: Fd, level: i32, name: i32, value: &[u8]) -> TResult<()> {
        // nix's options are typed; the contract passes raw bytes (short ones for EINVAL cases).
        let raw = self.sock(fd)?.as_raw_fd();
        // SAFETY: `value` is live for the call and its length is passed.
        let r = unsafe {
            libc::setsockopt(
                raw,
                level,
                name,
                value.as_ptr().cast(),
                value.len() as libc::socklen_t,
            )
        };
        if r < 0 {
            return Err(os_err(io::Error::last_os_error()));
        }
        Ok(())
    }

    fn getsockopt(&mut self, fd: Fd, level: i32, name: i32, buf: &mut [u8]) -> TResult<usize> {
        let raw = self.sock(fd)?.as_raw_fd();
        let mut len = buf.len() as libc::socklen_t;
        // SAFETY: `buf` is live and `len` is its length; the kernel writes at most that much.
        let r = unsafe { libc::getsockopt(raw, level, name, buf.as_mut_ptr().cast(), &mut len) };
        if r < 0 {
            return Err(os_err(io::Error::last_os_error()));
        }
        Ok(len as usize)
    }

    fn sendto(
        &mut self,
        fd: Fd,
        data: &[u8],
        flags: i32,
        to: Option<SockaddrNl>,
    ) -> TResult<usize> {
        let sock = self.sock(fd)?;
        match to {
            Some(a) => sock.send_to(data, &SocketAddr::new(a.pid, a.groups), flags),
            None => sock.send(data, flags),
        }
        .map_err(os_err)
    }

    fn recvfrom(&mut self, fd: Fd, buf: &mut [u8], flags: i32) -> TResult<RecvMeta> {
        // recvmsg rather than recvfrom: the contract reports msg_flags (MSG_TRUNC).
        let raw = self.sock(fd)?.as_raw_fd();
        let mut iov = [IoSliceMut::new(buf)];
        let m = recvmsg::<NetlinkAddr>(raw, &mut iov, None, MsgFlags::from_bits_retain(flags))
            .map_err(nix_err)?;
        let from = m
            .address
            .map(|a| SockaddrNl::new(a.pid(), a.groups()))
            .unwrap_or_default();
        Ok(RecvMeta {
            ret: m.bytes,
            msg_flags: m.flags.bits(),
            from,
        })
    }

    fn close(&mut self, fd: Fd) -> TResult<()> {
        let sock = self
            .socks
            .remove(&fd.0)
            .ok_or(TransportError::Errno(Errno::EBADF))?;
        nix::unistd::close(sock.into_raw_fd()).map_err(nix_err)
    }

    fn sleep(&mut self, time: std::time::Duration) -> TResult<()> {
        std::thread::sleep(time);
        Ok(())
    }
}
