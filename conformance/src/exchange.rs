//! `nltwin exchange`: run a trace on one backend and print its results as JSON Lines; and the
//! sandboxed kernel run the diff uses.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

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
    let mut cmd = Command::new(exe);
    cmd.args(["exchange", "--backend", "kernel", "--no-sandbox", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = nltwin::sandbox::enter_on_spawn(&mut cmd)
        .spawn()
        .map_err(|e| anyhow!("{}", nltwin::sandbox::spawn_error(e)))?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(text.as_bytes())
        .context("feeding the trace to the sandboxed child")?;
    let out = child
        .wait_with_output()
        .context("waiting for the sandboxed child")?;
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
    Ok((header, lines))
}
