//! `nltwin exchange`: run a trace on one backend and print its results as JSON Lines; and the
//! sandboxed kernel run the diff uses.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::results::{Header, OpResult};
use crate::runner::{genl_family_names, resolve_genl_family_names, run, Run, Session};
use crate::trace::{ParseError, Step, Trace, TraceReader};
use nltwin::transport::model::ModelBackend;
use nltwin::transport::Backend;

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
    run(trace, &mut model_backend(None))
}

/// Run `trace` on the model with `profile` (a fresh sandboxed-namespace kernel); `None` is
/// [`run_model`].
pub fn run_model_on(trace: &Trace, profile: Option<&nltwin::model::profile::Profile>) -> Run {
    run(trace, &mut model_backend(profile))
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
        .map_err(|e| anyhow::Error::new(nltwin::sandbox::spawn_error(e)))?;
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

/// The model backend `exchange` and `diff` run: a fresh sandboxed-namespace kernel with
/// `profile`, or the default profile on this host's CPUs.
pub fn model_backend(profile: Option<&nltwin::model::profile::Profile>) -> ModelBackend {
    match profile {
        None => ModelBackend::sandboxed_on_host(MODEL_TGID),
        Some(p) => {
            let (kernel, task) = nltwin::model::Kernel::sandboxed_with(p.clone(), MODEL_TGID);
            ModelBackend::new(kernel, task)
        }
    }
}

/// What `nltwin exchange` is asked to do.
pub struct ExchangeArgs<'a> {
    /// The kernel backend (else the model).
    pub kernel: bool,
    /// Kernel backend: run inside a fresh sandbox (a child process entering it).
    pub sandbox: bool,
    /// Also write the datagrams as a pcap file.
    pub pcap: Option<&'a Path>,
    /// Model backend: the profile (default: 6.18-minimal on this host's CPUs).
    pub profile: Option<&'a nltwin::model::profile::Profile>,
    /// The trace file, `-` for standard input.
    pub file: &'a Path,
}

/// `nltwin exchange`: run a trace on one backend and write the results to `out`, one line per
/// operation as it runs. A trace file is read twice: once to check every line (a bad line
/// fails before anything runs, with its line number) and to learn the generic netlink families
/// it names, then again while it runs, so neither the trace nor its results are held and a
/// trace of millions of operations runs in constant memory. Standard input is read whole
/// first. The error names the input and line, or what failed.
pub fn exchange_streaming(args: &ExchangeArgs<'_>, out: impl Write) -> Result<()> {
    use std::io::BufReader;
    let stdin = args.file.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        args.file.display().to_string()
    };
    let at = |e: ParseError| anyhow!("{name}:{}: {}", e.line, e.reason);
    let open = || {
        std::fs::File::open(args.file)
            .and_then(out_of_the_way)
            .map(BufReader::new)
            .map_err(|e| anyhow!("{name}: {e}"))
    };
    // The whole trace from standard input, or a file's first pass: checked, families noted.
    let (held, families) = if stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| anyhow!("stdin: {e}"))?;
        let trace = Trace::parse(&text).map_err(at)?;
        let families: BTreeSet<String> = trace
            .steps
            .iter()
            .flat_map(genl_family_names)
            .map(str::to_owned)
            .collect();
        (Some((text, trace)), families)
    } else {
        let mut families = BTreeSet::new();
        for step in TraceReader::new(open()?) {
            families.extend(genl_family_names(&step.map_err(at)?).map(str::to_owned));
        }
        (None, families)
    };
    if args.kernel && args.sandbox && args.pcap.is_none() {
        let exe = std::env::current_exe().context("own path")?;
        return match &held {
            // The child reads the file itself and writes straight to our output.
            None => run_kernel_sandboxed_passthrough(&exe, args.file),
            Some((text, _)) => {
                let (header, results) = run_kernel_sandboxed(&exe, text)?;
                write_results(&header, &results, out).context("writing the results")
            }
        };
    }
    let mut backend: Box<dyn Backend> = if args.kernel {
        Box::new(nltwin::transport::kernel::KernelBackend::new())
    } else {
        Box::new(model_backend(args.profile))
    };
    let backend = backend.as_mut();
    let mut pcap = match args.pcap {
        Some(p) => Some((
            p,
            std::fs::File::create(p)
                .and_then(out_of_the_way)
                .map(std::io::BufWriter::new)
                .and_then(crate::pcap::PcapWriter::new)
                .map_err(|e| anyhow!("{}: {e}", p.display()))?,
        )),
        None => None,
    };
    let mut out = std::io::BufWriter::new(out);
    let write_err = |e: std::io::Error| anyhow!("writing the results: {e}");
    writeln!(out, "{}", Header::from(backend.info()).to_json()).map_err(write_err)?;
    let mut session = Session::new(resolve_genl_family_names(
        families.iter().map(String::as_str),
        backend,
    ));
    let steps: Box<dyn Iterator<Item = std::result::Result<Step, ParseError>>> = match held {
        Some((_, trace)) => Box::new(trace.steps.into_iter().map(Ok)),
        None => Box::new(TraceReader::new(open()?)),
    };
    let mut datagrams = Vec::new();
    for step in steps {
        // The file was checked whole before: an error now means it changed while running.
        let step = step.map_err(|e| anyhow!("{} (did the file change?)", at(e)))?;
        let r = session.step(&step, backend, &mut datagrams);
        writeln!(out, "{}", r.to_json()).map_err(write_err)?;
        if let Some((p, w)) = &mut pcap {
            for d in datagrams.drain(..) {
                w.write_datagram(d.op as u64, d.dir, d.protocol, &d.bytes)
                    .map_err(|e| anyhow!("{}: {e}", p.display()))?;
            }
        }
        datagrams.clear();
    }
    session.finish(backend);
    if let Some((p, w)) = pcap {
        w.finish().map_err(|e| anyhow!("{}: {e}", p.display()))?;
    }
    out.flush().map_err(write_err)
}

/// `f` moved to a descriptor of at least [`HIGH_FD`]: the trace's sockets take the lowest free
/// descriptors, which are part of its results (a socket op's `ret`), so the files `exchange`
/// keeps open while a trace runs must not take them.
fn out_of_the_way(f: std::fs::File) -> std::io::Result<std::fs::File> {
    use nix::fcntl::{fcntl, FcntlArg};
    use std::os::fd::{FromRawFd, OwnedFd};
    let high = fcntl(&f, FcntlArg::F_DUPFD_CLOEXEC(HIGH_FD))?;
    // SAFETY: fcntl just returned this descriptor, and nothing else owns it.
    Ok(std::fs::File::from(unsafe { OwnedFd::from_raw_fd(high) }))
}

/// Where [`out_of_the_way`] puts the files it moves.
const HIGH_FD: i32 = 512;

/// `exe exchange --backend kernel --no-sandbox FILE` inside a fresh sandbox, its output passed
/// straight through (the child reads the file as it runs).
fn run_kernel_sandboxed_passthrough(exe: &Path, file: &Path) -> Result<()> {
    let mut cmd = Command::new(exe);
    cmd.args(["exchange", "--backend", "kernel", "--no-sandbox"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped());
    let out = nltwin::sandbox::enter_on_spawn(&mut cmd)
        .spawn()
        .map_err(|e| anyhow::Error::new(nltwin::sandbox::spawn_error(e)))?
        .wait_with_output()
        .context("waiting for the sandboxed child")?;
    if !out.status.success() {
        bail!(
            "the sandboxed kernel run failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}
