//! Running a test body inside a fresh sandbox from `cargo test`.
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
