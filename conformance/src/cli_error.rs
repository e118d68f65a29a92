//! The query commands' errors (`link`, `addr`, `route`, `family`, `monitor`): what failed and why, with an exit
//! status per kind, documented in `nltwin --help` and the README.

use std::process::ExitCode;

use nltwin::engine::Error;
use nltwin::wire::Errno;

/// Exit status: something failed that has no status of its own (a netlink error not listed
/// below, an I/O error).
pub const EXIT_FAILURE: u8 = 1;
/// Exit status: a bad command line (clap's own status for its errors): a bad address, an
/// unknown word.
pub const EXIT_USAGE: u8 = 2;
/// Exit status: the thing asked for does not exist (a generic netlink family, a link, a
/// multicast group, an operation, a policy, an address to delete, a route to a destination).
pub const EXIT_NOT_FOUND: u8 = 3;
/// Exit status: `--sandbox` could not enter a fresh user+network namespace (user namespaces
/// disabled or restricted).
pub const EXIT_NO_SANDBOX: u8 = 4;
/// Exit status: the kernel refused the request for lack of permission (EPERM, EACCES).
pub const EXIT_PERMISSION: u8 = 5;
/// Exit status: the model backend does not implement what was asked (it says what).
pub const EXIT_UNIMPLEMENTED: u8 = 6;

/// The exit statuses as `--help` and the README list them.
pub const EXIT_STATUS_HELP: &str = "\
Exit status of link, addr, route, family and monitor:
  0  success
  1  failure without a status of its own (another netlink error such as EEXIST, I/O)
  2  bad command line or input file (a bad address or prefix, an unknown word)
  3  not found: no such generic netlink family, link, multicast group, operation or policy;
     no such address (addr del); no route to the destination (route get)
  4  --sandbox could not enter a fresh user+network namespace (user namespaces unavailable)
  5  permission denied by the kernel (EPERM, EACCES)
  6  --backend model: the model does not implement what was asked (named in the message)
The other commands: see their own descriptions (exchange, diff: 0 ok, 1 differ, 2 bad input,
4 no sandbox for the kernel side, as above).";

/// The exit status of a failed run of `exchange`, `diff`, `record` or `fuzz`: 4 when the
/// cause is a sandbox that could not be entered (as for the query commands), else 2 (bad
/// input).
pub fn run_failure_status(e: &anyhow::Error) -> u8 {
    if e.chain().any(|c| c.is::<nltwin::sandbox::SandboxError>()) {
        EXIT_NO_SANDBOX
    } else {
        2
    }
}

/// A query command's failure: the message (what failed and why) and the exit status.
#[derive(Debug)]
pub struct CliError {
    /// The exit status.
    pub status: u8,
    /// What failed and why.
    pub message: String,
}

impl CliError {
    /// A failure with `status`.
    pub fn new(status: u8, message: impl Into<String>) -> Self {
        CliError {
            status,
            message: message.into(),
        }
    }

    /// A request's failure, `what` naming the request: the status from the errno.
    pub fn request(what: &str, e: &Error) -> Self {
        let status = match (e, errno_of(e)) {
            (_, Some(Errno::EPERM) | Some(Errno::EACCES)) => EXIT_PERMISSION,
            (Error::Transport(nltwin::transport::TransportError::Unimplemented(_)), _) => {
                EXIT_UNIMPLEMENTED
            }
            _ => EXIT_FAILURE,
        };
        CliError::new(status, format!("{what}: {e}"))
    }

    /// Print the message (none for a closed standard output) and give the status.
    pub fn report(&self) -> ExitCode {
        if !self.message.is_empty() {
            eprintln!("nltwin: {}", self.message);
        }
        ExitCode::from(self.status)
    }
}

/// The errno a request failed with, from the kernel's answer or the socket call.
pub fn errno_of(e: &Error) -> Option<Errno> {
    match e {
        Error::Kernel { errno, .. } => Some(*errno),
        Error::Transport(nltwin::transport::TransportError::Errno(e)) => Some(*e),
        _ => None,
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // `nltwin ... | head`: the reader has what it wanted.
            return CliError::new(EXIT_FAILURE, "");
        }
        CliError::new(EXIT_FAILURE, format!("writing the output: {e}"))
    }
}

/// Run this very command again inside a fresh user+network namespace (`--sandbox`), its
/// standard streams inherited, and give its exit status. The namespace is entered by a fresh
/// single-threaded child, since `unshare(CLONE_NEWUSER)` refuses a multi-threaded caller.
pub fn rerun_sandboxed() -> Result<ExitCode, CliError> {
    let exe = std::env::current_exe()
        .map_err(|e| CliError::new(EXIT_FAILURE, format!("own path: {e}")))?;
    let args: Vec<std::ffi::OsString> = std::env::args_os()
        .skip(1)
        .filter(|a| a != "--sandbox")
        .collect();
    let mut cmd = std::process::Command::new(exe);
    cmd.args(args);
    let status = nltwin::sandbox::enter_on_spawn(&mut cmd)
        .status()
        .map_err(|e| {
            CliError::new(
                EXIT_NO_SANDBOX,
                format!("--sandbox: {}", nltwin::sandbox::spawn_error(e)),
            )
        })?;
    Ok(match status.code() {
        Some(c) => ExitCode::from(c as u8),
        None => ExitCode::from(EXIT_FAILURE),
    })
}
