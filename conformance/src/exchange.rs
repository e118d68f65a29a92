//! `nltwin exchange`: run a trace on one backend and print its results as JSON Lines; and the
//! sandboxed kernel run the diff uses.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::results::{Header, OpResult};
use crate::runner::{run, Run};
use crate::trace::Trace;

/// The tgid the model backend models by default.
pub const MODEL_TGID: u32 = 1000;

/// Write a run as the exchange output: the header, then one line per operation.
pub fn write_run(r: &Run, out: impl Write) -> std::io::Result<()> {
    write_results(&r.header, &r.results, out)
}

/// Write the exchange output: the header line, then one line per result.
pub fn write_results(
    header: &Header,
    results: &[OpResult],
    mut out: impl Write,
) -> std::io::Result<()> {
    writeln!(out, "{}", header.to_json())?;
    for r in results {
        writeln!(out, "{}", r.to_json())?;
    }
    out.flush()
}

/// Run `trace` on the model (a fresh sandboxed-namespace kernel, the default profile on this
/// host's CPUs).
pub fn run_model(trace: &Trace) -> Run {
    let mut b = nltwin::transport::model::ModelBackend::sandboxed_on_host(MODEL_TGID);
    run(trace, &mut b)
}

/// Run `trace` on the model with `profile` (a fresh sandboxed-namespace kernel); `None` is
/// [`run_model`].
pub fn run_model_on(trace: &Trace, profile: Option<&nltwin::model::profile::Profile>) -> Run {
    let Some(profile) = profile else {
        return run_model(trace);
    };
    let (kernel, task) = nltwin::model::Kernel::sandboxed_with(profile.clone(), MODEL_TGID);
    let mut b = nltwin::transport::model::ModelBackend::new(kernel, task);
    run(trace, &mut b)
}

/// Run `trace` on the kernel in the current namespaces (what the sandboxed child does).
pub fn run_kernel_here(trace: &Trace) -> Run {
    let mut b = nltwin::transport::kernel::KernelBackend::new();
    run(trace, &mut b)
}

/// Run `text` (an already validated trace) on the kernel inside a fresh sandbox, by running
/// `exe exchange --backend kernel --no-sandbox -` in it; returns the header and the results.
pub fn run_kernel_sandboxed(exe: &Path, text: &str) -> Result<(Header, Vec<OpResult>)> {
    run_kernel_sandboxed_within(exe, text, None)?
        .ok_or_else(|| anyhow!("the sandboxed kernel run timed out"))
}

/// [`run_kernel_sandboxed`] with a time limit: `None` when the child did not finish within
/// `limit` (it is killed then).
pub fn run_kernel_sandboxed_within(
    exe: &Path,
    text: &str,
    limit: Option<Duration>,
) -> Result<Option<(Header, Vec<OpResult>)>> {
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
    // The child's output is where JSON comes in: read into results here.
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines().map(|l| {
        serde_json::from_str::<Value>(l)
            .map_err(|e| e.to_string())
            .map(|v| (l, v))
            .map_err(|e| anyhow!("bad output line from the child: {l}: {e}"))
    });
    let Some(first) = lines.next() else {
        bail!("the sandboxed kernel run printed nothing");
    };
    let (l, v) = first?;
    let header =
        Header::from_json(&v).map_err(|e| anyhow!("bad header line from the child: {l}: {e}"))?;
    let mut results = Vec::new();
    for line in lines {
        let (l, v) = line?;
        results.push(
            OpResult::from_json(&v)
                .map_err(|e| anyhow!("bad output line from the child: {l}: {e}"))?,
        );
    }
    Ok(Some((header, results)))
}
