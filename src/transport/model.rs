//! The model backend: the socket contract over an in-process `nltwin-model` kernel.

use std::time::Duration;

use nltwin_model::{Kernel, TaskId};

use super::{Backend, BackendInfo, BindAddr, Fd, RecvMeta, SockaddrNl, TResult};

/// A task in a modeled kernel, speaking the socket contract.
#[derive(Debug)]
pub struct ModelBackend {
    /// The modeled kernel (public: tests inspect and drive it directly).
    pub kernel: Kernel,
    /// The task whose system calls this backend makes.
    pub task: TaskId,
}

impl ModelBackend {
    /// A kernel in the state of a fresh sandbox namespace, the caller root of its user
    /// namespace, with tgid `tgid` (see [`Kernel::sandboxed`]).
    pub fn sandboxed(tgid: u32) -> Self {
        let (kernel, task) = Kernel::sandboxed(tgid);
        ModelBackend { kernel, task }
    }

    /// [`ModelBackend::sandboxed`] with the profile's machine-dependent values read from this
    /// host (the number of possible CPUs, which sets a veth's queue count), so the model is
    /// compared with the kernel it runs beside.
    pub fn sandboxed_on_host(tgid: u32) -> Self {
        let mut profile = nltwin_model::profile::Profile::default();
        if let Some(n) = host_possible_cpus() {
            profile.host.num_possible_cpus = n;
        }
        let (kernel, task) = Kernel::sandboxed_with(profile, tgid);
        ModelBackend { kernel, task }
    }

    /// The backend over an existing kernel and task.
    pub fn new(kernel: Kernel, task: TaskId) -> Self {
        ModelBackend { kernel, task }
    }
}

/// `num_possible_cpus()` from `/sys/devices/system/cpu/possible` (a list such as `0-3,8`).
pub fn host_possible_cpus() -> Option<u32> {
    let text = std::fs::read_to_string("/sys/devices/system/cpu/possible").ok()?;
    parse_cpu_list(text.trim())
}

/// The number of CPUs in a kernel CPU list (`0-3,8` is 5).
fn parse_cpu_list(list: &str) -> Option<u32> {
    list.split(',').try_fold(0u32, |n, part| {
        let c = match part.split_once('-') {
            Some((a, b)) => b.parse::<u32>().ok()?.checked_sub(a.parse().ok()?)? + 1,
            None => part.parse::<u32>().map(|_| 1).ok()?,
        };
        n.checked_add(c)
    })
}

impl Backend for ModelBackend {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            backend: "model",
            kernel: self.kernel.profile().release_string.to_string(),
            tgid: self.kernel.task(self.task).tgid,
        }
    }

    fn socket(&mut self, protocol: i32, ty: i32) -> TResult<Fd> {
        Ok(Fd(self.kernel.sys_socket(self.task, ty, protocol)?))
    }

    fn bind(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
        Ok(self.kernel.sys_bind(self.task, fd.0, &addr.to_bytes())?)
    }

    fn connect(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
        Ok(self.kernel.sys_connect(self.task, fd.0, &addr.to_bytes())?)
    }

    fn getsockname(&mut self, fd: Fd) -> TResult<SockaddrNl> {
        Ok(self.kernel.sys_getsockname(self.task, fd.0)?)
    }

    fn getpeername(&mut self, fd: Fd) -> TResult<SockaddrNl> {
        Ok(self.kernel.sys_getpeername(self.task, fd.0)?)
    }

    fn setsockopt(&mut self, fd: Fd, level: i32, name: i32, value: &[u8]) -> TResult<()> {
        Ok(self
            .kernel
            .sys_setsockopt(self.task, fd.0, level, name, value)?)
    }

    fn getsockopt(&mut self, fd: Fd, level: i32, name: i32, buf: &mut [u8]) -> TResult<usize> {
        Ok(self
            .kernel
            .sys_getsockopt(self.task, fd.0, level, name, buf)?)
    }

    fn sendto(
        &mut self,
        fd: Fd,
        data: &[u8],
        flags: i32,
        to: Option<SockaddrNl>,
    ) -> TResult<usize> {
        let to = to.map(|a| a.to_bytes());
        Ok(self
            .kernel
            .sys_sendto(self.task, fd.0, data, flags, to.as_ref().map(|a| &a[..]))?)
    }

    fn recvfrom(&mut self, fd: Fd, buf: &mut [u8], flags: i32) -> TResult<RecvMeta> {
        let r = self.kernel.sys_recvfrom(self.task, fd.0, buf, flags)?;
        Ok(RecvMeta {
            ret: r.ret,
            msg_flags: r.msg_flags,
            from: r.from,
        })
    }

    fn close(&mut self, fd: Fd) -> TResult<()> {
        Ok(self.kernel.sys_close(self.task, fd.0)?)
    }

    fn sleep(&mut self, time: Duration) -> TResult<()> {
        let ns = u64::try_from(time.as_nanos()).unwrap_or(u64::MAX);
        Ok(self.kernel.advance(ns)?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_lists_count_their_members() {
        assert_eq!(super::parse_cpu_list("0"), Some(1));
        assert_eq!(super::parse_cpu_list("0-1"), Some(2));
        assert_eq!(super::parse_cpu_list("0-3,8,10-11"), Some(7));
        assert_eq!(super::parse_cpu_list("x"), None);
        assert_eq!(super::parse_cpu_list("3-1"), None);
    }
}
