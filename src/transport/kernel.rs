//! The kernel backend: real AF_NETLINK sockets in the caller's network namespace.
//!
//! SKELETON: the contract calls are filled in by the foundation work (issue 2).

use super::{Backend, BackendInfo, BindAddr, Fd, RecvMeta, SockaddrNl, TResult};

/// The socket contract over real system calls.
#[derive(Debug, Default)]
pub struct KernelBackend {}

impl KernelBackend {
    /// A backend making system calls in the calling process's namespaces.
    pub fn new() -> Self {
        KernelBackend {}
    }
}

impl Backend for KernelBackend {
    fn info(&self) -> BackendInfo {
        unimplemented!("kernel backend")
    }
    fn socket(&mut self, _protocol: i32, _ty: i32) -> TResult<Fd> {
        unimplemented!("kernel backend")
    }
    fn bind(&mut self, _fd: Fd, _addr: BindAddr) -> TResult<()> {
        unimplemented!("kernel backend")
    }
    fn connect(&mut self, _fd: Fd, _addr: BindAddr) -> TResult<()> {
        unimplemented!("kernel backend")
    }
    fn getsockname(&mut self, _fd: Fd) -> TResult<SockaddrNl> {
        unimplemented!("kernel backend")
    }
    fn getpeername(&mut self, _fd: Fd) -> TResult<SockaddrNl> {
        unimplemented!("kernel backend")
    }
    fn setsockopt(&mut self, _fd: Fd, _level: i32, _name: i32, _value: &[u8]) -> TResult<()> {
        unimplemented!("kernel backend")
    }
    fn getsockopt(&mut self, _fd: Fd, _level: i32, _name: i32, _buf: &mut [u8]) -> TResult<usize> {
        unimplemented!("kernel backend")
    }
    fn sendto(
        &mut self,
        _fd: Fd,
        _data: &[u8],
        _flags: i32,
        _to: Option<SockaddrNl>,
    ) -> TResult<usize> {
        unimplemented!("kernel backend")
    }
    fn recvfrom(&mut self, _fd: Fd, _buf: &mut [u8], _flags: i32) -> TResult<RecvMeta> {
        unimplemented!("kernel backend")
    }
    fn close(&mut self, _fd: Fd) -> TResult<()> {
        unimplemented!("kernel backend")
    }
}
