//! Running many scenarios: in parallel (each kernel run has a sandbox of its own and each model
//! run a fresh model, so scenarios share nothing but the kernel's global autobind rover, which
//! the normalizer makes symbolic, and its link watch, which is why a scenario that sleeps runs
//! alone), each within a time limit, skipped when the kernel lacks what it needs, and reported
//! in the order given.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::diff::{diff_text_opts, DiffOptions};
use crate::report::Timed;
use crate::requires::Probe;
use crate::trace::Trace;

/// How a suite runs.
#[derive(Clone, Debug)]
pub struct SuiteOptions {
    /// Scenarios run at once (at least 1).
    pub jobs: usize,
    /// The time limit of each side's run of one scenario.
    pub timeout: Option<Duration>,
    /// Probe the kernel for what scenarios need, and skip those it cannot run.
    pub check_requirements: bool,
    /// The profile the model runs with (none: the default profile on this host's CPUs).
    pub profile: Option<nltwin::model::profile::Profile>,
    /// The kernel's facts, against which scenarios' stated needs are checked (none: only
    /// the link kinds they create are probed).
    pub facts: Option<nltwin::model::profile::KernelFacts>,
}

impl Default for SuiteOptions {
    fn default() -> Self {
        SuiteOptions {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            timeout: Some(Duration::from_secs(60)),
            check_requirements: true,
            profile: None,
            facts: None,
        }
    }
}

/// A scenario the suite could not judge: unreadable, malformed, or its sandbox failed.
#[derive(Debug)]
pub struct SuiteError {
    /// The scenario.
    pub path: PathBuf,
    /// Why.
    pub error: anyhow::Error,
}

/// Compare one scenario file under `opts`.
fn one(
    exe: &Path,
    path: &Path,
    opts: &DiffOptions<'_>,
    alone: &RwLock<()>,
) -> anyhow::Result<Timed> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    // Link watch is one for the whole machine: a scenario that times it (it sleeps) runs alone,
    // so no other scenario's link events move it.
    let sleeps = Trace::parse(&text).is_ok_and(|t| {
        t.steps
            .iter()
            .any(|s| matches!(s.op, crate::trace::Op::Sleep { .. }))
    });
    let (_alone, _beside): (
        Option<RwLockWriteGuard<'_, ()>>,
        Option<RwLockReadGuard<'_, ()>>,
    ) = if sleeps {
        (Some(alone.write().unwrap_or_else(|e| e.into_inner())), None)
    } else {
        (None, Some(alone.read().unwrap_or_else(|e| e.into_inner())))
    };
    let start = Instant::now();
    let report = diff_text_opts(exe, path, &text, opts)?;
    Ok(Timed {
        report,
        time: start.elapsed(),
    })
}

/// Run `files` (kernel through `exe` in sandboxes, and the model); `each` sees every report
/// in the order of `files` as soon as it and all before it are done. Stops at the first
/// scenario that cannot be judged (no further scenario is started) and returns it.
pub fn run_suite(
    exe: &Path,
    files: &[PathBuf],
    opts: &SuiteOptions,
    mut each: impl FnMut(&Timed),
) -> Result<Vec<Timed>, SuiteError> {
    let probe = opts.check_requirements.then(|| {
        let p = Probe::kernel(exe);
        match &opts.facts {
            Some(f) => p.with_facts(f.clone()),
            None => p,
        }
    });
    let diff_opts = DiffOptions {
        timeout: opts.timeout,
        probe: probe.as_ref(),
        profile: opts.profile.as_ref(),
        ..DiffOptions::default()
    };
    let next = AtomicUsize::new(0);
    let alone = RwLock::new(());
    let stop = AtomicBool::new(false);
    let workers = opts.jobs.clamp(1, files.len().max(1));
    let mut done: Vec<Option<Timed>> = (0..files.len()).map(|_| None).collect();
    let mut first_error: Option<(usize, SuiteError)> = None;
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, stop, diff_opts, alone) = (&next, &stop, &diff_opts, &alone);
            s.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else {
                    return;
                };
                let r = one(exe, path, diff_opts, alone);
                if r.is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
                if tx.send((i, r)).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut shown = 0;
        for (i, r) in rx {
            match r {
                Ok(t) => done[i] = Some(t),
                Err(error) => {
                    if first_error.as_ref().is_none_or(|(j, _)| i < *j) {
                        let path = files[i].clone();
                        first_error = Some((i, SuiteError { path, error }));
                    }
                }
            }
            while let Some(Some(t)) = done.get(shown) {
                if first_error.as_ref().is_some_and(|(j, _)| *j <= shown) {
                    break;
                }
                each(t);
                shown += 1;
            }
        }
    });
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    Ok(done.into_iter().flatten().collect())
}
