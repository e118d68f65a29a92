//! `nltwin record --command 'CMD ...' --out FILE.jsonl`: run a command on the kernel (a fresh
//! sandbox, as `nltwin run --kernel`), capture every netlink call of every process of it, and
//! write the requests as a trace in the exchange format ([`nltwin_conformance::capture::to_trace`]),
//! which `nltwin diff FILE.jsonl` then replays on both sides.

use std::path::Path;
use std::process::{Command, ExitCode};

use nltwin_conformance::capture::{load_dir, to_trace};

/// Record `command` (run by `sh -c`) into the trace `out`.
pub fn record_command(command: &str, out: &Path) -> ExitCode {
    let fail = |msg: String| {
        eprintln!("nltwin record: {msg}");
        ExitCode::from(2)
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return fail(format!("own path: {e}")),
    };
    let dir = std::env::temp_dir().join(format!(
        "nltwin-record-{}-{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let status = Command::new(&exe)
        .args(["run", "--kernel", "--capture"])
        .arg(&dir)
        .args(["--", "sh", "-c", command])
        .status();
    let procs = load_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let status = match status {
        Ok(s) => s,
        Err(e) => return fail(format!("{}: {e}", exe.display())),
    };
    let procs = match procs {
        Ok(p) => p,
        Err(e) => return fail(format!("reading the capture: {e}")),
    };
    let merged = to_trace(&procs);
    for n in &merged.notes {
        eprintln!("nltwin record: note: {n}");
    }
    if merged.lines.is_empty() {
        return fail(format!(
            "the command made no netlink call that could be captured (exit status {status}); \
             nothing written (a statically linked program, or one making its own system \
             calls, cannot be captured)"
        ));
    }
    let mut text = String::new();
    for l in &merged.lines {
        text.push_str(&l.to_string());
        text.push('\n');
    }
    if let Err(e) = std::fs::write(out, text) {
        return fail(format!("{}: {e}", out.display()));
    }
    let commands: Vec<String> = procs
        .iter()
        .filter(|p| !p.calls.is_empty())
        .map(|p| p.command())
        .collect();
    eprintln!(
        "nltwin record: {} operations of {} processes ({}) written to {} (the command exited: \
         {status}); `nltwin diff {}` replays them on both sides",
        merged.lines.len(),
        commands.len(),
        commands.join("; "),
        out.display(),
        out.display()
    );
    ExitCode::SUCCESS
}
