//! `nltwin exchange`: run a trace on one backend and print its results as JSON Lines; and the
//! sandboxed kernel run the diff uses.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::runner::{run, Run};
use crate::trace::Trace;

/// The tgid the model backend models by default.
pub const MODEL_TGID: u32 = 1000;

/// Write a run as the exchange output: the header, then one line per operation.
pub fn write_run(r: &Run, mut out: impl Write) -> std::io::Result<()> {
    writeln!(out, "{}", r.header)?;
    for v in &r.results {
        writeln!(out, "{v}")?;
    }
    out.flush()
}

/// Run `trace` on the model (a fresh sandboxed-namespace kernel).
pub fn run_model(trace: &Trace) -> Run {
    let mut b = nltwin::transport::model::ModelBackend::sandboxed_on_host(MODEL_TGID);
    run(trace, &mut b)
}

/// Run `trace` on the kernel in the current namespaces (what the sandboxed child does).
pub fn run_kernel_here(trace: &Trace) -> Run {
    let mut b = nltwin::transport::kernel::KernelBackend::new();
    run(trace, &mut b)
}

/// Run `text` (an already validated trace) on the kernel inside a fresh sandbox, by running
/// `exe exchange --backend kernel --no-sandbox -` in it; returns the header and result lines.
pub fn run_kernel_sandboxed(exe: &Path, text: &str) -> Result<(Value, Vec<Value>)> {
    run_kernel_sandboxed_within(exe, text, None)?
        .ok_or_else(|| anyhow!("the sandboxed kernel run timed out"))
}

/// [`run_kernel_sandboxed`] with a time limit: `None` when the child did not finish within
/// `limit` (it is killed then).
pub fn run_kernel_sandboxed_within(
    exe: &Path,
    text: &str,
    limit: Option<Duration>,
) -> Result<Option<(Value, Vec<Value>)>> {
    let mut cmd = Command::new(exe);
    cmd.args(["exchange", "--backend", "kernel", "--no-sandbox", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = nltwin::sandbox::enter_on_spawn(&mut cmd)
        .spawn()
        .map_err(|e| anyhow!("{}", nltwin::sandbox::spawn_error(e)))?;
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Fed and read on their own threads, so a child that stops reading or writes more than a
    // pipe holds cannot block the time limit.
    let text = text.to_owned();
    let feeder = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match limit {
        Some(l) => match rx.recv_timeout(l) {
            Ok(out) => out,
            Err(_) => {
                // The child is ours and still running: its pid cannot have been reused.
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid as i32),
                    nix::sys::signal::Signal::SIGKILL,
                );
                let _ = rx.recv();
                return Ok(None);
            }
        },
        None => rx
            .recv()
            .map_err(|_| anyhow!("the thread waiting for the sandboxed child died"))?,
    }
    .context("waiting for the sandboxed child")?;
    // A child that exits before reading all of its input leaves the feeder with EPIPE: its
    // exit status below says what happened.
    let _ = feeder.join();
    if !out.status.success() {
        bail!(
            "the sandboxed kernel run failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let mut lines = Vec::new();
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        lines.push(
            serde_json::from_str::<Value>(l)
                .with_context(|| format!("bad output line from the child: {l}"))?,
        );
    }
    if lines.is_empty() {
        bail!("the sandboxed kernel run printed nothing");
    }
    let header = lines.remove(0);
    Ok(Some((header, lines)))
}
