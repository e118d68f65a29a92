//! `nltwin run --capture DIR`: the command runs with `libnltwin_capture.so` preloaded ahead of
//! everything else, which writes each process's netlink calls to `DIR/<pid>.jsonl` and passes
//! them on unchanged (to the kernel, or to the model preload). See `capture/` and
//! `nltwin_conformance::capture`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The capture library: `$NLTWIN_CAPTURE_PRELOAD`, else `libnltwin_capture.so` beside this
/// binary.
pub fn capture_library() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("NLTWIN_CAPTURE_PRELOAD") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let lib = exe.with_file_name("libnltwin_capture.so");
    if lib.exists() {
        Ok(lib)
    } else {
        Err(format!(
            "{} not found: build it (`cargo build --release -p nltwin-capture`, which the \
             workspace build does) or set NLTWIN_CAPTURE_PRELOAD",
            lib.display()
        ))
    }
}

/// Make `cmd` capture into `dir` (made if missing; it must be empty, so that the capture is
/// this run's alone): the capture library goes first in `LD_PRELOAD`, before the model preload
/// if `cmd` has one, so it sees the calls the program makes.
pub fn capture_into(cmd: &mut Command, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if entries.next().is_some() {
        return Err(format!(
            "{}: not empty (a capture directory holds one run's capture)",
            dir.display()
        ));
    }
    let dir = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let lib = capture_library()?;
    let old = cmd
        .get_envs()
        .find(|(k, _)| *k == "LD_PRELOAD")
        .and_then(|(_, v)| v.map(|v| v.to_owned()))
        .or_else(|| std::env::var_os("LD_PRELOAD"));
    let mut preload: OsString = lib.into_os_string();
    if let Some(old) = old.filter(|o| !o.is_empty()) {
        preload.push(":");
        preload.push(old);
    }
    cmd.env("LD_PRELOAD", preload)
        .env("NLTWIN_CAPTURE_DIR", dir);
    Ok(())
}
