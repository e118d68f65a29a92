//! Replaying recordings offline: a recorded kernel's answers against the model with the
//! profile chosen for that kernel (`nltwin diff --recorded`, and `cargo test`), or against
//! another recording (`nltwin diff --between`: what changed in netlink between two kernels).
//!
//! A scenario is compared only when both sides can answer it: recorded, unchanged since it was
//! recorded (its operations' digest), and with its stated needs met by the recorded kernel and
//! by the profile. Otherwise it is skipped with the reason, never counted as the same.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{anyhow, Result};
use nltwin::model::profile::Profile;

use crate::diff::{compare, FileReport, Verdict};
use crate::recording::{scenario_name, Known, Recording};
use crate::report::Timed;
use crate::results::{Header, OpResult};
use crate::trace::Trace;

/// What a recording is compared with.
#[derive(Clone, Copy, Debug)]
pub enum Against<'a> {
    /// The model with this profile.
    Model(&'a Profile),
    /// Another recording.
    Recording(&'a Recording),
}

/// Why `rec` cannot answer `trace` (`name`), or its results.
fn recorded(
    rec: &Recording,
    name: &str,
    trace: &Trace,
) -> Result<std::result::Result<(Header, Vec<OpResult>), String>> {
    let id = &rec.info.id;
    let Some((header, results)) = rec.results(name)? else {
        return Ok(Err(format!("not recorded on {id}")));
    };
    match rec.info.scenarios.get(name) {
        Some(d) if *d == trace.ops_digest() => {}
        Some(_) => {
            return Ok(Err(format!(
                "the scenario changed since {id} was recorded (record it again)"
            )))
        }
        None => {
            return Ok(Err(format!(
                "{id} recorded another version of the scenario (no digest of its operations)"
            )))
        }
    }
    let facts = rec.info.facts();
    let kinds = &rec.info.link_kinds;
    // A kind the recording does not list (newer than it) cannot be judged: its answers tell.
    let has = |k: &str| Ok(kinds.get(k).copied().unwrap_or(true));
    let what = format!("{id}'s kernel");
    if let Some(why) =
        crate::requires::unmet(trace, &what, Some(&facts), &has, "KERNEL.json link_kinds")
            .map_err(|e| anyhow!(e))?
    {
        return Ok(Err(why));
    }
    Ok(Ok((header, results)))
}

/// Compare scenario `path` of the suite as `rec` recorded it with `against`.
pub fn replay_one(rec: &Recording, path: &Path, against: Against<'_>) -> Result<FileReport> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let trace =
        Trace::parse(&text).map_err(|e| anyhow!("{}:{}: {}", path.display(), e.line, e.reason))?;
    let name = scenario_name(path);
    let skipped = |release: &str, why: String| FileReport {
        path: path.to_owned(),
        kernel_release: release.to_owned(),
        ops: trace.steps.len(),
        bytes_compared: 0,
        bytes_masked: 0,
        verdict: Verdict::Skipped(why),
        coverage: Default::default(),
    };
    let release = rec.info.kernel.release.as_str();
    let (kheader, kresults) = match recorded(rec, &name, &trace)? {
        Ok(r) => r,
        Err(why) => return Ok(skipped(release, why)),
    };
    let check = |n: usize, who: &str| {
        anyhow::ensure!(
            n == trace.steps.len(),
            "{}: {} operations, but {who} recorded {n} results",
            path.display(),
            trace.steps.len()
        );
        Ok(())
    };
    check(kresults.len(), &rec.info.id)?;
    match against {
        Against::Model(profile) => {
            if let Some(why) = crate::requires::unmet_by_profile(&trace, profile) {
                return Ok(skipped(release, why));
            }
            let model = crate::exchange::run_model_on(&trace, Some(profile));
            compare(
                path,
                &trace,
                (&kheader, &kresults),
                (&model.header, &model.results),
            )
        }
        Against::Recording(other) => {
            let (oheader, oresults) = match recorded(other, &name, &trace)? {
                Ok(r) => r,
                Err(why) => return Ok(skipped(release, why)),
            };
            check(oresults.len(), &other.info.id)?;
            compare(path, &trace, (&kheader, &kresults), (&oheader, &oresults))
        }
    }
}

/// Compare every scenario of `suite` as `rec` recorded it with `against`, `jobs` at a time;
/// reports in the order of `suite`. Stops at the first scenario that cannot be read.
pub fn replay(
    rec: &Recording,
    suite: &[PathBuf],
    against: Against<'_>,
    jobs: usize,
) -> Result<Vec<Timed>> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<Result<Timed>>>> =
        Mutex::new((0..suite.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, suite.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = suite.get(i) else {
                    return;
                };
                let start = Instant::now();
                let r = replay_one(rec, path, against).map(|report| Timed {
                    report,
                    time: start.elapsed(),
                });
                done.lock().expect("replay results")[i] = Some(r);
            });
        }
    });
    done.into_inner()
        .expect("replay results")
        .into_iter()
        .flatten()
        .collect()
}

/// The first difference of a report, as `KNOWN_DIFFERENCES` lists it: `op N: <the first line
/// of the explanation that names what differs>` (no line number: a `requires` line added to
/// the scenario moves those, not its operations) (a return value or a message
/// length that differs is a consequence: the line after it names the cause, when there is one).
pub fn first_difference(r: &FileReport) -> Option<String> {
    let Verdict::Differ(d) = &r.verdict else {
        return None;
    };
    let o = d.first()?;
    let why = crate::explain::explain(o.protocol, &o.kernel, &o.model);
    let consequence = |l: &str| {
        l.starts_with("ret: ")
            || l.split_once(": ")
                .is_some_and(|(head, rest)| head.starts_with("msg ") && rest.starts_with("len: "))
    };
    let line = why
        .iter()
        .find(|l| !consequence(l))
        .or(why.first())
        .map_or("", String::as_str);
    Some(format!("op {}: {line}", o.index + 1))
}

/// The differences of a replay as a `KNOWN_DIFFERENCES` list.
pub fn known_of(runs: &[Timed]) -> Known {
    Known {
        entries: runs
            .iter()
            .filter_map(|t| first_difference(&t.report).map(|d| (scenario_name(&t.report.path), d)))
            .collect(),
    }
}

/// How a replay compares with its `KNOWN_DIFFERENCES`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownCheck {
    /// Differences the list does not have: (scenario, first difference).
    pub new: Vec<(String, String)>,
    /// Listed scenarios that now agree (or were not compared: skipped).
    pub fixed: Vec<(String, String)>,
    /// Listed scenarios whose first difference is another now: (scenario, listed, found).
    pub changed: Vec<(String, String, String)>,
    /// Listed scenarios the replay did not compare, with why.
    pub not_compared: Vec<(String, String)>,
}

impl KnownCheck {
    /// Whether the list is exact.
    pub fn ok(&self) -> bool {
        self.new.is_empty()
            && self.fixed.is_empty()
            && self.changed.is_empty()
            && self.not_compared.is_empty()
    }

    /// One line per mismatch.
    pub fn lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        for (n, d) in &self.new {
            v.push(format!("new difference: {n}: {d}"));
        }
        for (n, d) in &self.fixed {
            v.push(format!("listed but now the same (remove it): {n}: {d}"));
        }
        for (n, old, new) in &self.changed {
            v.push(format!(
                "first difference changed: {n}: listed {old}; now {new}"
            ));
        }
        for (n, why) in &self.not_compared {
            v.push(format!("listed but not compared: {n}: {why}"));
        }
        v
    }
}

/// Check a replay against `known` (none: an empty list).
pub fn check_known(runs: &[Timed], known: Option<&Known>) -> KnownCheck {
    let empty = Known::default();
    let known = known.unwrap_or(&empty);
    let found = known_of(runs);
    let mut c = KnownCheck::default();
    for (name, d) in &found.entries {
        match known.entries.get(name) {
            None => c.new.push((name.clone(), d.clone())),
            Some(listed) if listed != d => {
                c.changed.push((name.clone(), listed.clone(), d.clone()))
            }
            Some(_) => {}
        }
    }
    for (name, listed) in &known.entries {
        if found.entries.contains_key(name) {
            continue;
        }
        let report = runs.iter().find(|t| scenario_name(&t.report.path) == *name);
        match report.map(|t| &t.report.verdict) {
            Some(Verdict::Skipped(why))
            | Some(Verdict::TimedOut(why))
            | Some(Verdict::Panicked(why)) => c.not_compared.push((name.clone(), why.clone())),
            Some(_) => c.fixed.push((name.clone(), listed.clone())),
            None => c
                .not_compared
                .push((name.clone(), "not in the suite".to_owned())),
        }
    }
    c
}
