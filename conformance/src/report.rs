//! Machine-readable reports of a diff run: one JSON document (`--json`) and JUnit XML
//! (`--junit FILE`, through `quick-junit`) for CI systems.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_json::{json, Value};

use crate::diff::{render, FileReport, Verdict};

/// One scenario's report and how long it took.
#[derive(Clone, Debug)]
pub struct Timed {
    /// The report.
    pub report: FileReport,
    /// Wall time of both runs and the comparison.
    pub time: Duration,
}

/// Totals over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Scenarios that agreed.
    pub same: usize,
    /// Scenarios that differ.
    pub differ: usize,
    /// Scenarios not run: the kernel lacks what they need.
    pub skipped: usize,
    /// Scenarios where a side overran the time limit.
    pub timed_out: usize,
    /// Scenarios where the model panicked.
    pub panicked: usize,
    /// Bytes compared / masked over all scenarios.
    pub bytes_compared: usize,
    /// See `bytes_compared`.
    pub bytes_masked: usize,
}

/// Add up `runs`.
pub fn totals(runs: &[Timed]) -> Totals {
    let mut t = Totals::default();
    for r in runs {
        match r.report.verdict {
            Verdict::Same => t.same += 1,
            Verdict::Differ(_) => t.differ += 1,
            Verdict::Skipped(_) => t.skipped += 1,
            Verdict::TimedOut(_) => t.timed_out += 1,
            Verdict::Panicked(_) => t.panicked += 1,
        }
        t.bytes_compared += r.report.bytes_compared;
        t.bytes_masked += r.report.bytes_masked;
    }
    t
}

impl Totals {
    /// True when nothing differs, nothing timed out and nothing panicked (skips are not
    /// failures, and are reported as such).
    pub fn ok(&self) -> bool {
        self.differ == 0 && self.timed_out == 0 && self.panicked == 0
    }
}

/// The human summary line.
pub fn summary_line(runs: &[Timed], elapsed: Duration) -> String {
    let t = totals(runs);
    let mut s = format!("{} same, {} differ", t.same, t.differ);
    if t.skipped > 0 {
        s.push_str(&format!(", {} skipped", t.skipped));
    }
    if t.timed_out > 0 {
        s.push_str(&format!(", {} timed out", t.timed_out));
    }
    if t.panicked > 0 {
        s.push_str(&format!(", {} panicked", t.panicked));
    }
    s.push_str(&format!(
        "; {} bytes compared, {} masked; {:.2} s",
        t.bytes_compared,
        t.bytes_masked,
        elapsed.as_secs_f64()
    ));
    s
}

/// The coverage gaps of a run (see [`crate::coverage`]).
pub fn gaps(runs: &[Timed]) -> crate::coverage::Gaps {
    crate::coverage::gaps(runs.iter().map(|r| &r.report.coverage))
}

/// The human coverage block: "coverage: no gaps" or one line per gap.
pub fn coverage_lines(runs: &[Timed]) -> Vec<String> {
    let lines = crate::coverage::render_gaps(&gaps(runs));
    if lines.is_empty() {
        return vec![
            "coverage: no gaps (every message and attribute type the kernel sent, the model sent too)"
                .to_owned(),
        ];
    }
    let mut out = vec![format!("coverage: {} gaps", lines.len())];
    out.extend(lines.into_iter().map(|l| format!("  {l}")));
    out
}

/// Remove terminal color sequences (the readable diff is colored for terminals).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ ... final byte in @..~
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) && d != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The `--json` document.
pub fn to_json(runs: &[Timed], kernel: &str, profile: &str, elapsed: Duration) -> Value {
    let t = totals(runs);
    let scenarios: Vec<Value> = runs
        .iter()
        .map(|r| {
            let f = &r.report;
            let mut reason = Value::Null;
            let (verdict, diffs) = match &f.verdict {
                Verdict::Same => ("same", Vec::new()),
                Verdict::Skipped(why) => {
                    reason = Value::String(why.clone());
                    ("skipped", Vec::new())
                }
                Verdict::TimedOut(what) => {
                    reason = Value::String(what.clone());
                    ("timed out", Vec::new())
                }
                Verdict::Panicked(what) => {
                    reason = Value::String(what.clone());
                    ("panicked", Vec::new())
                }
                Verdict::Differ(d) => (
                    "differ",
                    d.iter()
                        .map(|o| {
                            json!({
                                "op": o.index + 1,
                                "line": o.line,
                                "explanation": crate::explain::explain(o.protocol, &o.kernel, &o.model),
                                "kernel": o.kernel.to_json(),
                                "model": o.model.to_json(),
                            })
                        })
                        .collect(),
                ),
            };
            json!({
                "file": f.path.display().to_string(),
                "verdict": verdict,
                "reason": reason,
                "ops": f.ops,
                "bytes_compared": f.bytes_compared,
                "bytes_masked": f.bytes_masked,
                "seconds": r.time.as_secs_f64(),
                "differences": diffs,
            })
        })
        .collect();
    json!({
        "kernel": kernel,
        "model_profile": profile,
        "summary": {
            "scenarios": runs.len(),
            "same": t.same,
            "differ": t.differ,
            "skipped": t.skipped,
            "timed_out": t.timed_out,
            "panicked": t.panicked,
            "bytes_compared": t.bytes_compared,
            "bytes_masked": t.bytes_masked,
            "seconds": elapsed.as_secs_f64(),
        },
        "coverage_gaps": crate::coverage::render_gaps(&gaps(runs)),
        "scenarios": scenarios,
    })
}

/// The JUnit XML report: one test suite, one test case per scenario, a failure with the
/// readable diff for each that differs.
pub fn to_junit(runs: &[Timed], kernel: &str, elapsed: Duration) -> String {
    let mut suite = TestSuite::new(format!("nltwin diff (kernel {kernel})"));
    for r in runs {
        let name = r.report.path.file_stem().map_or_else(
            || r.report.path.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        let status = match &r.report.verdict {
            Verdict::Same => TestCaseStatus::success(),
            Verdict::Skipped(why) => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(why.clone());
                s
            }
            Verdict::TimedOut(what) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(what.clone());
                s.set_type("timeout");
                s
            }
            Verdict::Panicked(what) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(what.clone());
                s.set_type("panic");
                s
            }
            Verdict::Differ(d) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(format!(
                    "differs from the kernel in {} of {} operations",
                    d.len(),
                    r.report.ops
                ));
                s.set_type("divergence");
                s.set_description(strip_ansi(&render(&r.report)));
                s
            }
        };
        let mut case = TestCase::new(name, status);
        case.set_classname("nltwin.scenarios");
        case.set_time(r.time);
        suite.add_test_case(case);
    }
    suite.set_time(elapsed);
    let mut report = Report::new("nltwin");
    report.set_time(elapsed);
    report.add_test_suite(suite);
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- cannot serialize the JUnit report: {e} -->"))
}

#[cfg(test)]
mod tests {
    use super::strip_ansi;

    #[test]
    fn color_sequences_are_removed_and_text_kept() {
        assert_eq!(strip_ansi("\u{1b}[1;48;5;52;31mab\u{1b}[0m c"), "ab c");
        assert_eq!(strip_ansi("plain"), "plain");
    }
}
