//! Test support: running a test body inside a fresh sandbox from `cargo test`, and a backend
//! that lets a test act between the calls of an exchange ([`Hooked`]).
//!
//! The test harness is multi-threaded, and `unshare(CLONE_NEWUSER)` refuses a multi-threaded
//! caller, so the body cannot enter the sandbox in place. Instead the test re-executes its own
//! binary, filtered to exactly this test, through [`crate::sandbox::enter_on_spawn`]; the child
//! sees [`CHILD_ENV`] and runs the body, and the parent asserts the child passed.
//!
//! ```no_run
//! nltwin::sandbox_test!(fn lo_is_there() {
//!     // runs as root of a fresh user namespace, in a fresh network namespace
//! });
//! ```

use std::process::Command;

use crate::transport::{Backend, BackendInfo, BindAddr, Fd, RecvMeta, SockaddrNl, TResult};

/// Set (to the test's name) in the environment of the re-executed child.
pub const CHILD_ENV: &str = "NLTWIN_SANDBOX_TEST";

/// Run `body` inside a fresh user + network namespace. `name` is the test's path as the
/// harness knows it (what `--exact` matches).
pub fn in_sandbox(name: &str, body: impl FnOnce()) {
    if std::env::var(CHILD_ENV).as_deref() == Ok(name) {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("path of the test binary");
    let mut cmd = Command::new(exe);
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, name);
    let out = crate::sandbox::enter_on_spawn(&mut cmd)
        .output()
        .map_err(crate::sandbox::spawn_error)
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "sandboxed run of {name} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    // A filter that matched nothing would pass silently: make sure the body really ran.
    assert!(
        stdout.contains("1 passed"),
        "sandboxed child did not run {name}:\n{stdout}\n{stderr}"
    );
}

/// Declare a `#[test]` whose body runs inside a fresh sandbox (see [`in_sandbox`]).
#[macro_export]
macro_rules! sandbox_test {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[test]
        fn $name() {
            // The harness names a test by its path below the crate root.
            let path = module_path!();
            let below_root = path.split_once("::").map(|(_, rest)| rest);
            let name = match below_root {
                Some(m) => format!("{m}::{}", stringify!($name)),
                None => stringify!($name).to_string(),
            };
            $crate::testing::in_sandbox(&name, || $body);
        }
    };
}

/// A call that moves data, as a [`Hooked`] backend's hook sees it before it runs.
#[derive(Clone, Copy, Debug)]
pub enum Call<'a> {
    /// `sendto` with these bytes and flags.
    Send(&'a [u8], i32),
    /// `recvfrom` with these flags.
    Recv(i32),
}

/// What a [`Hooked`] backend runs before each send and receive.
pub trait Hook<B> {
    /// Called with the backend underneath, before `call` reaches it.
    fn before(&mut self, backend: &mut B, call: Call<'_>);
}

/// A backend that runs a [`Hook`] before each send and receive, handing it the backend
/// underneath: how a test changes the other side in the middle of an exchange (the model's
/// links churned between two chunks of a dump, say). Every other call passes straight through.
#[derive(Debug)]
pub struct Hooked<B, H> {
    /// The backend underneath.
    pub inner: B,
    /// The hook.
    pub hook: H,
}

impl<B: Backend, H: Hook<B>> Backend for Hooked<B, H> {
    fn info(&self) -> BackendInfo {
        self.inner.info()
    }
    fn socket(&mut self, protocol: i32, ty: i32) -> TResult<Fd> {
        self.inner.socket(protocol, ty)
    }
    fn bind(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
        self.inner.bind(fd, addr)
    }
    fn connect(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
        self.inner.connect(fd, addr)
    }
    fn getsockname(&mut self, fd: Fd) -> TResult<SockaddrNl> {
        self.inner.getsockname(fd)
    }
    fn getpeername(&mut self, fd: Fd) -> TResult<SockaddrNl> {
        self.inner.getpeername(fd)
    }
    fn setsockopt(&mut self, fd: Fd, level: i32, name: i32, value: &[u8]) -> TResult<()> {
        self.inner.setsockopt(fd, level, name, value)
    }
    fn getsockopt(&mut self, fd: Fd, level: i32, name: i32, buf: &mut [u8]) -> TResult<usize> {
        self.inner.getsockopt(fd, level, name, buf)
    }
    fn sendto(
        &mut self,
        fd: Fd,
        data: &[u8],
        flags: i32,
        to: Option<SockaddrNl>,
    ) -> TResult<usize> {
        self.hook.before(&mut self.inner, Call::Send(data, flags));
        self.inner.sendto(fd, data, flags, to)
    }
    fn recvfrom(&mut self, fd: Fd, buf: &mut [u8], flags: i32) -> TResult<RecvMeta> {
        self.hook.before(&mut self.inner, Call::Recv(flags));
        self.inner.recvfrom(fd, buf, flags)
    }
    fn close(&mut self, fd: Fd) -> TResult<()> {
        self.inner.close(fd)
    }
    fn sleep(&mut self, time: std::time::Duration) -> TResult<()> {
        self.inner.sleep(time)
    }
}
