//! `nltwin run --model|--kernel -- CMD [ARGS...]`: a command whose AF_NETLINK sockets talk to
//! a fresh model namespace (through the preloaded library and `nltwin::model_server`), or the
//! same command inside a fresh kernel sandbox, for comparison. The command's exit status is
//! passed through.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use nltwin::model_server::ModelServer;

/// Exit status: the model met something it does not model (the message names it); the
/// command was stopped.
pub const EXIT_RUN_UNMODELED: u8 = 120;
/// Exit status: the command cannot be served by a preloaded library (statically linked).
pub const EXIT_RUN_CANNOT_SERVE: u8 = 121;
/// Exit status: nltwin itself could not set the run up (no library, no sandbox, no server).
pub const EXIT_RUN_SETUP: u8 = 122;
/// Exit status: the model server stopped before the command ended (the message says why); the
/// command was stopped. A process of the command that finds the server gone, or is refused
/// by it, exits with this status too (the preloaded library's message says which).
pub const EXIT_RUN_SERVER_GONE: u8 = 123;

/// A directory only this user can enter (mode 0700, made new: never one that was there, which
/// someone else could have made or pointed elsewhere), for the server's socket.
fn private_dir() -> Result<PathBuf, String> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    let base = std::env::temp_dir();
    let mut last = String::new();
    for _ in 0..16 {
        let dir = base.join(format!(
            "nltwin-run-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                last = format!("{}: {e}", dir.display());
                continue;
            }
            Err(e) => return Err(format!("{}: {e}", dir.display())),
        }
        // The umask may have taken bits away, never added any; say 0700 exactly, and check
        // what was made is this user's directory and no link.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let m = std::fs::symlink_metadata(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        // SAFETY: geteuid cannot fail.
        let me = unsafe { libc::geteuid() };
        if !m.is_dir() || m.uid() != me || m.mode() & 0o7777 != 0o700 {
            return Err(format!(
                "{}: not a directory of uid {me} with mode 0700 once made",
                dir.display()
            ));
        }
        return Ok(dir);
    }
    Err(format!("no new directory could be made: {last}"))
}

/// The message of a panic payload.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// What to do when the model meets something it does not model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OnUnmodeled {
    /// Stop the command (exit status 120) with a message naming it.
    Stop,
    /// Fail that call with EOPNOTSUPP and go on (the message is still printed at the end).
    Errno,
}

/// The exit status of a finished child: its code, or 128 + the signal that ended it.
fn status_code(s: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (Some(c), _) => c as u8,
        (None, Some(sig)) => 128u8.wrapping_add(sig as u8),
        _ => 1,
    }
}

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("nltwin run: {msg}");
    ExitCode::from(code)
}

/// `nltwin run --kernel`: the command in a fresh user+network namespace (its netlink calls
/// captured into `capture`, if given). Processes of it still alive when it exits are ended
/// ([`crate::leftovers`]).
pub fn run_kernel(command: &[OsString], capture: Option<&Path>) -> ExitCode {
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..]);
    if let Some(dir) = capture {
        if let Err(e) = crate::run_capture::capture_into(&mut cmd, dir) {
            return fail(EXIT_RUN_SETUP, format!("--capture: {e}"));
        }
    }
    if let Err(e) = crate::leftovers::become_subreaper() {
        return fail(
            EXIT_RUN_SETUP,
            format!("prctl(PR_SET_CHILD_SUBREAPER): {e}"),
        );
    }
    let status = nltwin::sandbox::enter_on_spawn(&mut cmd)
        .spawn()
        .and_then(|mut c| c.wait());
    crate::leftovers::end_leftovers();
    match status {
        Ok(s) => ExitCode::from(status_code(s)),
        Err(e) => fail(EXIT_RUN_SETUP, nltwin::sandbox::spawn_error(e)),
    }
}

/// The preloaded library: `$NLTWIN_PRELOAD`, else `libnltwin_preload.so` beside this binary.
fn preload_library() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("NLTWIN_PRELOAD") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let lib = exe.with_file_name("libnltwin_preload.so");
    if lib.exists() {
        Ok(lib)
    } else {
        Err(format!(
            "{} not found: build it (`cargo build --release -p nltwin-preload`, which the \
             workspace build does) or set NLTWIN_PRELOAD",
            lib.display()
        ))
    }
}

/// The program a command name runs: a path, or the first match in PATH.
fn resolve(program: &OsString) -> Option<PathBuf> {
    let p = Path::new(program);
    if p.components().count() > 1 {
        return Some(p.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(p))
            .find(|c| c.is_file())
    })
}

/// Whether `path` is an ELF executable without an interpreter (statically linked, or making
/// raw system calls as Go programs do): a preloaded library never runs in it. Scripts and
/// dynamically linked programs are fine (their interpreter loads the library).
pub fn statically_linked(path: &Path) -> bool {
    let Ok(b) = std::fs::read(path) else {
        return false;
    };
    if b.len() < 64 || &b[..4] != b"\x7fELF" || b[4] != 2 {
        return false;
    }
    let u16_at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]) as usize;
    let u64_at = |o: usize| {
        let mut a = [0; 8];
        a.copy_from_slice(&b[o..o + 8]);
        u64::from_le_bytes(a) as usize
    };
    let (phoff, phentsize, phnum) = (u64_at(32), u16_at(54), u16_at(56));
    const PT_INTERP: u32 = 3;
    !(0..phnum).any(|i| {
        let o = phoff + i * phentsize;
        o + 4 <= b.len() && u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]) == PT_INTERP
    })
}

/// `nltwin run --model`: serve a fresh model namespace to the command through the preloaded
/// library; stop it (exit 120) at the first unmodeled call unless `on_unmodeled` is `Errno`.
/// Its netlink calls are captured into `capture`, if given; processes of it still alive when
/// it exits are ended before the server stops ([`crate::leftovers`]).
pub fn run_model(
    command: &[OsString],
    profile: Option<&nltwin::model::profile::Profile>,
    on_unmodeled: OnUnmodeled,
    capture: Option<&Path>,
) -> ExitCode {
    let lib = match preload_library() {
        Ok(l) => l,
        Err(e) => return fail(EXIT_RUN_SETUP, e),
    };
    let Some(program) = resolve(&command[0]) else {
        return fail(
            127,
            format!("{}: command not found", command[0].to_string_lossy()),
        );
    };
    if statically_linked(&program) {
        return fail(
            EXIT_RUN_CANNOT_SERVE,
            format!(
                "{} is statically linked (or makes its own system calls): a preloaded library \
                 cannot serve it, so it would talk to the real kernel; run it with --kernel",
                program.display()
            ),
        );
    }
    let dir = match private_dir() {
        Ok(d) => d,
        Err(e) => return fail(EXIT_RUN_SETUP, format!("the model server's directory: {e}")),
    };
    let sock = dir.join("model.sock");
    // A child subreaper: a process of the command whose parent exits is reparented here, not
    // to init, so it still descends from this process and the server still serves it.
    // SAFETY: prctl with integer arguments.
    if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } != 0 {
        let e = std::io::Error::last_os_error();
        let _ = std::fs::remove_dir_all(&dir);
        return fail(
            EXIT_RUN_SETUP,
            format!("prctl(PR_SET_CHILD_SUBREAPER): {e}"),
        );
    }
    let access = nltwin::model_server::Access {
        // SAFETY: geteuid cannot fail.
        uid: unsafe { libc::geteuid() },
        ancestor: std::process::id(),
    };
    let backend = nltwin_conformance::exchange::model_backend(profile);
    let mut server = match ModelServer::bind(&sock, backend.kernel, backend.task, access) {
        Ok(s) => s,
        Err(e) => {
            return fail(
                EXIT_RUN_SETUP,
                format!("model server at {}: {e}", sock.display()),
            )
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let unmodeled = server.unmodeled();
    let callers = server.callers();
    let refusals = server.refusals();
    // The server's panic, if it has one: the run then stops the command and says so.
    let server_died: Arc<std::sync::Mutex<Option<String>>> = Default::default();
    let server_thread = {
        let stop = stop.clone();
        let died = server_died.clone();
        std::thread::spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                server.serve(&|| stop.load(Ordering::Relaxed), Duration::from_millis(20));
            }));
            if let Err(p) = r {
                *died.lock().unwrap_or_else(|e| e.into_inner()) = Some(panic_message(p.as_ref()));
            }
            // The server (its listener and every connection) is dropped here, panic or not:
            // the command's processes find it gone.
        })
    };
    let preload = match std::env::var_os("LD_PRELOAD") {
        Some(old) if !old.is_empty() => {
            let mut s = lib.into_os_string();
            s.push(":");
            s.push(old);
            s
        }
        _ => lib.into_os_string(),
    };
    let mut cmd = Command::new(&program);
    cmd.arg0(&command[0])
        .args(&command[1..])
        .env("LD_PRELOAD", preload)
        .env("NLTWIN_MODEL_SOCK", &sock)
        .env(
            "NLTWIN_ON_UNMODELED",
            match on_unmodeled {
                OnUnmodeled::Stop => "stop",
                OnUnmodeled::Errno => "errno",
            },
        );
    if let Some(cap) = capture {
        if let Err(e) = crate::run_capture::capture_into(&mut cmd, cap) {
            stop.store(true, Ordering::Relaxed);
            let _ = server_thread.join();
            let _ = std::fs::remove_dir_all(&dir);
            return fail(EXIT_RUN_SETUP, format!("--capture: {e}"));
        }
    }
    let status = match cmd.spawn() {
        Ok(mut child) => loop {
            match child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) => {}
                Err(_) => break None,
            }
            let hit = unmodeled
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_some();
            if server_thread.is_finished() {
                // The server stopped under the command: its processes that use netlink find it
                // gone and exit with a message; the rest are stopped here.
                let pids = callers.lock().unwrap_or_else(|e| e.into_inner()).clone();
                for pid in std::iter::once(child.id()).chain(pids) {
                    // SAFETY: a signal to a process of the command.
                    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
                }
                let _ = child.wait();
                crate::leftovers::end_leftovers();
                let _ = std::fs::remove_dir_all(&dir);
                let why = server_died
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone()
                    .unwrap_or_else(|| "it returned".to_owned());
                return fail(
                    EXIT_RUN_SERVER_GONE,
                    format!("the model server stopped before the command ended ({why}); the command was stopped"),
                );
            }
            if hit && on_unmodeled == OnUnmodeled::Stop {
                // The process that met it has stopped; the command and every process of it
                // that used netlink stop too.
                let pids = callers.lock().unwrap_or_else(|e| e.into_inner()).clone();
                for pid in std::iter::once(child.id()).chain(pids) {
                    // SAFETY: a signal to a process of the command.
                    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
                }
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        },
        Err(e) => {
            stop.store(true, Ordering::Relaxed);
            let _ = server_thread.join();
            let _ = std::fs::remove_dir_all(&dir);
            return fail(127, format!("{}: {e}", program.display()));
        }
    };
    // The server serves until every process of the run has ended: a leftover must not find
    // it gone (and say so) where on the kernel side it would just be ended.
    crate::leftovers::end_leftovers();
    stop.store(true, Ordering::Relaxed);
    let _ = server_thread.join();
    let _ = std::fs::remove_dir_all(&dir);
    for why in refusals.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        eprintln!("nltwin run: the model server refused a connection: {why}");
    }
    if let Some(what) = unmodeled.lock().unwrap_or_else(|e| e.into_inner()).clone() {
        eprintln!("nltwin run: the model does not model this: {}", what.0);
        if on_unmodeled == OnUnmodeled::Stop {
            return ExitCode::from(EXIT_RUN_UNMODELED);
        }
    }
    match status {
        Some(s) => ExitCode::from(status_code(s)),
        None => ExitCode::from(EXIT_RUN_UNMODELED),
    }
}

/// `nltwin diff --commands [SCRIPT...]`: each command scenario run on both sides and compared;
/// exit 0 when all agree, 1 when any differs, 2 for bad input.
pub fn diff_commands(
    files: Vec<PathBuf>,
    json: bool,
    junit: Option<PathBuf>,
    profile: Option<String>,
) -> ExitCode {
    let started = std::time::Instant::now();
    use nltwin_conformance::commands::{bundled_commands, diff_command};
    let files = if files.is_empty() {
        match bundled_commands() {
            Ok(f) => f,
            Err(e) => return fail(2, format!("cannot list the bundled command scenarios: {e}")),
        }
    } else {
        files
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return fail(2, format!("own path: {e}")),
    };
    let model_args: Vec<String> = profile
        .map(|p| vec!["--profile".into(), p])
        .unwrap_or_default();
    let mut reports = Vec::new();
    for f in &files {
        match diff_command(&exe, f, &model_args) {
            Ok(r) => {
                if !json {
                    print!("{}", r.render());
                }
                reports.push(r);
            }
            Err(e) => {
                eprintln!("nltwin diff: {e:#}");
                return ExitCode::from(2);
            }
        }
    }
    let differ = reports.iter().filter(|r| !r.same()).count();
    if let Some(path) = junit {
        let xml = nltwin_conformance::commands::to_junit(&reports, started.elapsed());
        if let Err(e) = std::fs::write(&path, xml) {
            eprintln!("nltwin diff: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if json {
        let doc = serde_json::json!({
            "commands": reports.iter().map(|r| r.to_json()).collect::<Vec<_>>(),
            "same": reports.len() - differ,
            "differ": differ,
        });
        println!("{}", serde_json::to_string_pretty(&doc).expect("json"));
    } else {
        println!("{} same, {differ} differ", reports.len() - differ);
    }
    ExitCode::from(u8::from(differ > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_programs_and_scripts_are_not_static() {
        assert!(!statically_linked(Path::new("/bin/sh")));
        assert!(!statically_linked(Path::new("/nonexistent")));
        let exe = std::env::current_exe().expect("own path");
        assert!(!statically_linked(&exe));
    }
}
