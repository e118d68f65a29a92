//! `nltwin diff`: each trace on both backends, normalized, compared operation by operation.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use nltwin::model::profile::Profile;

use crate::exchange::{run_kernel_sandboxed_within, run_model_on};
use crate::normalize::{normalize_with, NormResult};
use crate::results::{Header, OpResult};
use crate::side_guard::{run_caught, run_guarded, Finished};
use crate::trace::Trace;

/// One operation whose results differ.
#[derive(Clone, Debug, PartialEq)]
pub struct OpDiff {
    /// 0-based index of the operation.
    pub index: usize,
    /// Its line in the trace file.
    pub line: usize,
    /// Normalized kernel result.
    pub kernel: NormResult,
    /// Normalized model result.
    pub model: NormResult,
    /// The netlink protocol of the operation's socket (for naming what differs).
    pub protocol: u16,
}

/// The outcome for one file.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Every operation agreed.
    Same,
    /// Some operations differ.
    Differ(Vec<OpDiff>),
    /// The scenario cannot run on this kernel (why): not run, not passed.
    Skipped(String),
    /// A side did not finish within the time limit (which, and the limit).
    TimedOut(String),
    /// The model panicked (its message and where): a bug in the model, never a time-out.
    Panicked(String),
}

/// How [`diff_text_opts`] runs a scenario.
pub struct DiffOptions<'a> {
    /// The time limit of each side's run.
    pub timeout: Option<std::time::Duration>,
    /// Checks that the kernel has what the scenario needs (none: run it regardless).
    pub probe: Option<&'a crate::requires::Probe>,
    /// Applied to the model's run before the comparison (harness tests plant answers here; a
    /// panic in it is reported as the model's).
    pub model_hook: &'a (dyn Fn(&mut crate::runner::Run) + Sync),
    /// The profile the model runs with (none: the default profile on this host's CPUs).
    pub profile: Option<&'a Profile>,
}

impl Default for DiffOptions<'_> {
    fn default() -> Self {
        DiffOptions {
            timeout: None,
            probe: None,
            model_hook: &|_| {},
            profile: None,
        }
    }
}

/// The report for one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileReport {
    /// The trace file.
    pub path: PathBuf,
    /// The kernel's release as it reported it.
    pub kernel_release: String,
    /// Operations run.
    pub ops: usize,
    /// Bytes compared / masked by the named normalizations (kernel side).
    pub bytes_compared: usize,
    /// See `bytes_compared`.
    pub bytes_masked: usize,
    /// Same or differ (or skipped, timed out, panicked).
    pub verdict: Verdict,
    /// What each side sent, and what the model did not model.
    pub coverage: crate::coverage::Coverage,
}

/// Compare one trace file: kernel (sandboxed, through `exe`) against the model.
pub fn diff_file(exe: &Path, path: &Path) -> anyhow::Result<FileReport> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    diff_text(exe, path, &text)
}

/// Compare a trace given as text (`path` names it in the report and in errors).
pub fn diff_text(exe: &Path, path: &Path, text: &str) -> anyhow::Result<FileReport> {
    diff_text_with(exe, path, text, &|_| {})
}

/// [`diff_text`] with `model_hook` applied to the model's run before the comparison: the way
/// the harness's own tests plant a wrong answer and check that it is reported where it is.
pub fn diff_text_with(
    exe: &Path,
    path: &Path,
    text: &str,
    model_hook: &(dyn Fn(&mut crate::runner::Run) + Sync),
) -> anyhow::Result<FileReport> {
    diff_text_opts(
        exe,
        path,
        text,
        &DiffOptions {
            model_hook,
            ..DiffOptions::default()
        },
    )
}

/// Run the model (and then `hook`, which stands in for the model's last step: the harness's
/// tests plant answers and faults there) within `limit`, catching a panic with its message
/// and place.
fn run_model_within(
    trace: &Trace,
    profile: Option<&Profile>,
    limit: Option<std::time::Duration>,
    hook: &(dyn Fn(&mut crate::runner::Run) + Sync),
) -> Finished<crate::runner::Run> {
    let trace = trace.clone();
    let profile = profile.cloned();
    match run_guarded(move || run_model_on(&trace, profile.as_ref()), limit) {
        Finished::Done(mut run) => run_caught(|| {
            hook(&mut run);
            run
        }),
        other => other,
    }
}

/// Compare a trace given as text under `opts`: skipped when the kernel lacks what it needs,
/// timed out when a side overruns the limit, panicked when the model panics (with the
/// message and where), else same or differ.
pub fn diff_text_opts(
    exe: &Path,
    path: &Path,
    text: &str,
    opts: &DiffOptions<'_>,
) -> anyhow::Result<FileReport> {
    let trace = Trace::parse(text)
        .map_err(|e| anyhow::anyhow!("{}:{}: {}", path.display(), e.line, e.reason))?;
    let report = |kernel_release: String, verdict| FileReport {
        path: path.to_owned(),
        kernel_release,
        ops: trace.steps.len(),
        bytes_compared: 0,
        bytes_masked: 0,
        verdict,
        coverage: Default::default(),
    };
    if let Some(probe) = opts.probe {
        if let Some(why) = probe
            .why_skip(&trace)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        {
            return Ok(report("?".into(), Verdict::Skipped(why)));
        }
    }
    let limit = opts.timeout;
    let secs = |l: Option<std::time::Duration>| l.map_or(0.0, |l| l.as_secs_f64());
    let Some((kheader, kresults)) = run_kernel_sandboxed_within(exe, text, limit)? else {
        return Ok(report(
            "?".into(),
            Verdict::TimedOut(format!("the kernel run took over {} s", secs(limit))),
        ));
    };
    let kernel_release = kheader.kernel.clone();
    let model = match run_model_within(&trace, opts.profile, limit, opts.model_hook) {
        Finished::Done(model) => model,
        Finished::TimedOut => {
            return Ok(report(
                kernel_release,
                Verdict::TimedOut(format!("the model run took over {} s", secs(limit))),
            ))
        }
        Finished::Panicked(what) => {
            return Ok(report(
                kernel_release,
                Verdict::Panicked(format!("the model panicked: {what}")),
            ))
        }
    };
    compare(
        path,
        &trace,
        (&kheader, &kresults),
        (&model.header, &model.results),
    )
}

/// Compare two sides' results of `trace` (the kernel's on the left, the model's or another
/// kernel's on the right), normalized, operation by operation: same or differ.
pub fn compare(
    path: &Path,
    trace: &Trace,
    kernel: (&Header, &[OpResult]),
    model: (&Header, &[OpResult]),
) -> anyhow::Result<FileReport> {
    let ((kheader, kresults), (mheader, mresults)) = (kernel, model);
    let n = trace.steps.len();
    anyhow::ensure!(
        kresults.len() == n && mresults.len() == n,
        "{}: {} operations, but the kernel gave {} results and the model {}",
        path.display(),
        n,
        kresults.len(),
        mresults.len()
    );
    let (ktgid, mtgid) = (kheader.tgid, mheader.tgid);
    let protocols: std::collections::HashMap<&str, u16> = trace
        .steps
        .iter()
        .filter_map(|s| match s.op {
            crate::trace::Op::Socket { protocol, .. } => Some((s.sock.as_str(), protocol as u16)),
            _ => None,
        })
        .collect();
    let protocol_of = |sock: &str| protocols.get(sock).copied().unwrap_or(0);
    let set = crate::normalize::sent_by_scenario(trace);
    let k = normalize_with(ktgid, kresults, &protocol_of, &set);
    let m = normalize_with(mtgid, mresults, &protocol_of, &set);
    let mut diffs = Vec::new();
    for ((i, step), (kv, mv)) in trace
        .steps
        .iter()
        .enumerate()
        .zip(k.results.into_iter().zip(m.results))
    {
        if kv != mv {
            diffs.push(OpDiff {
                index: i,
                line: step.line,
                kernel: kv,
                model: mv,
                protocol: protocol_of(&step.sock),
            });
        }
    }
    let coverage = crate::coverage::Coverage {
        kernel: crate::coverage::sent_by(kresults, &protocol_of),
        model: crate::coverage::sent_by(mresults, &protocol_of),
        unimplemented: crate::coverage::unimplemented_ops(mresults),
    };
    Ok(FileReport {
        path: path.to_owned(),
        kernel_release: kheader.kernel.clone(),
        ops: trace.steps.len(),
        bytes_compared: k.bytes_compared,
        bytes_masked: k.bytes_masked,
        verdict: if diffs.is_empty() {
            Verdict::Same
        } else {
            Verdict::Differ(diffs)
        },
        coverage,
    })
}

/// The human report of one file: "same" with its counts, or each differing operation as a
/// pretty_assertions diff of the normalized results (kernel on the left).
pub fn render(r: &FileReport) -> String {
    render_sides(r, "kernel", "model")
}

/// `line` of an explanation with its sides named `left` and `right` instead of "kernel" and
/// "model" (whole words only).
pub fn relabel(line: &str, left: &str, right: &str) -> String {
    if (left, right) == ("kernel", "model") {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "kernel" => left,
            "model" => right,
            w => w,
        });
        word.clear();
    };
    for c in line.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// [`render`] with the sides named `left` and `right` (two recordings compared).
pub fn render_sides(r: &FileReport, left: &str, right: &str) -> String {
    let mut s = String::new();
    match &r.verdict {
        Verdict::Skipped(why) => {
            let _ = writeln!(s, "{}: SKIPPED: {why}", r.path.display());
        }
        Verdict::TimedOut(what) => {
            let _ = writeln!(s, "{}: TIMED OUT: {what}", r.path.display());
        }
        Verdict::Panicked(what) => {
            let _ = writeln!(s, "{}: PANICKED: {what}", r.path.display());
        }
        Verdict::Same => {
            let _ = writeln!(
                s,
                "{}: same ({} ops, {} bytes compared, {} masked)",
                r.path.display(),
                r.ops,
                r.bytes_compared,
                r.bytes_masked
            );
        }
        Verdict::Differ(d) => {
            let _ = writeln!(
                s,
                "{}: DIFFER in {} of {} ops",
                r.path.display(),
                d.len(),
                r.ops
            );
            for o in d {
                let _ = writeln!(
                    s,
                    "  op {} (line {}): < {left} / {right} >",
                    o.index + 1,
                    o.line
                );
                for line in crate::explain::explain(o.protocol, &o.kernel, &o.model) {
                    let _ = writeln!(s, "    {}", relabel(&line, left, right));
                }
                let k = wrap_hex(
                    &serde_json::to_string_pretty(&o.kernel.to_json()).unwrap_or_default(),
                );
                let m =
                    wrap_hex(&serde_json::to_string_pretty(&o.model.to_json()).unwrap_or_default());
                let _ = writeln!(s, "{}", pretty_assertions::StrComparison::new(&k, &m));
            }
        }
    }
    s
}

/// Bytes per line of a hex string in the readable side-by-side results.
const HEX_LINE_BYTES: usize = 32;

/// The pretty JSON of a result with every long hex string (masked bytes `xx` included) cut into lines of
/// [`HEX_LINE_BYTES`] bytes, aligned under its opening quote: the side-by-side diff then shows
/// which bytes differ, and stays fast on dumps of many kilobytes (a character diff of two
/// whole-payload lines is quadratic). For people only: `--json` keeps the strings whole.
pub fn wrap_hex(pretty: &str) -> String {
    let mut out = String::with_capacity(pretty.len() + pretty.len() / 16);
    for line in pretty.lines() {
        let split = line.find(": \"").and_then(|at| {
            let value = &line[at + 3..];
            let (hex, tail) = value.split_once('"')?;
            (hex.len() > 2 * HEX_LINE_BYTES
                && hex.bytes().all(|b| b.is_ascii_hexdigit() || b == b'x')
                && (tail.is_empty() || tail == ","))
                .then_some((at + 3, hex, tail))
        });
        let Some((start, hex, tail)) = split else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        out.push_str(&line[..start]);
        let pad = " ".repeat(start);
        for (i, chunk) in hex.as_bytes().chunks(2 * HEX_LINE_BYTES).enumerate() {
            if i > 0 {
                out.push('\n');
                out.push_str(&pad);
            }
            out.push_str(&String::from_utf8_lossy(chunk));
        }
        out.push('"');
        out.push_str(tail);
        out.push('\n');
    }
    out
}

/// The bundled scenarios: `conformance/scenarios/*.jsonl`, sorted (or `NLTWIN_SCENARIOS`).
pub fn bundled_scenarios() -> std::io::Result<Vec<PathBuf>> {
    let dir = std::env::var_os("NLTWIN_SCENARIOS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    v.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_hex_strings_are_cut_into_aligned_lines() {
        let hex = "ab".repeat(70);
        let text = format!("{{\n  \"hex\": \"{hex}\",\n  \"short\": \"abcd\"\n}}");
        let w = wrap_hex(&text);
        let lines: Vec<&str> = w.lines().collect();
        assert_eq!(lines.len(), 6, "{w}");
        assert_eq!(lines[1], format!("  \"hex\": \"{}", "ab".repeat(32)));
        assert_eq!(lines[2], format!("          {}", "ab".repeat(32)));
        assert_eq!(lines[3], format!("          {}\",", "ab".repeat(6)));
        assert_eq!(lines[4], "  \"short\": \"abcd\"");
        let joined: String = lines[1..4]
            .iter()
            .map(|l| {
                l.trim()
                    .trim_start_matches("\"hex\": \"")
                    .trim_end_matches("\",")
            })
            .collect();
        assert_eq!(joined, hex);
    }
}
