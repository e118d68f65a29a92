//! The CLI's recording commands: `nltwin record` (live, or `--import` of a kernel-matrix
//! result), `nltwin facts`, and `nltwin diff --recorded` / `--between`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use nltwin::model::profile::choose;
use nltwin_conformance::diff::{bundled_scenarios, render_sides};
use nltwin_conformance::exchange::{run_kernel_sandboxed_within, write_results};
use nltwin_conformance::facts::{
    choice_json, choice_line, choice_warning, gather, namespace_here, select_profile, ConfigFile,
};
use nltwin_conformance::recording::{
    debian_id, expected_root, import_matrix, model_link_kinds, scenario_name, write_info,
    KernelInfo, Package, Recording, Uname, KNOWN_DIFFERENCES,
};
use nltwin_conformance::replay::{check_known, known_of, replay, Against};
use nltwin_conformance::report::{
    coverage_lines, strip_ansi, summary_line, to_json, to_junit, totals,
};
use nltwin_conformance::requires::Probe;
use nltwin_conformance::trace::Trace;

/// What `nltwin diff --recorded` / `--between` was asked.
pub struct RecordedDiff {
    /// `--recorded DIR`.
    pub recorded: Option<PathBuf>,
    /// `--between A B`.
    pub between: Vec<PathBuf>,
    /// `--profile NAME`.
    pub profile: Option<String>,
    /// `--write-known`.
    pub write_known: bool,
    /// `--json`.
    pub json: bool,
    /// `--junit FILE`.
    pub junit: Option<PathBuf>,
    /// `--html FILE`.
    pub html: Option<PathBuf>,
    /// Scenarios at a time.
    pub jobs: usize,
}

fn fail(cmd: &str, e: impl std::fmt::Display) -> ExitCode {
    eprintln!("nltwin {cmd}: {e}");
    ExitCode::from(2)
}

/// [`fail`] for an error that may be a sandbox that could not be entered (exit status 4).
fn fail_run(cmd: &str, what: &str, e: &anyhow::Error) -> ExitCode {
    eprintln!("nltwin {cmd}: {what}{e:#}");
    ExitCode::from(nltwin_conformance::cli_error::run_failure_status(e))
}

fn suite_or(files: Vec<PathBuf>) -> Result<Vec<PathBuf>, String> {
    if !files.is_empty() {
        return Ok(files);
    }
    bundled_scenarios().map_err(|e| format!("cannot list the bundled scenarios: {e}"))
}

/// `nltwin diff --recorded DIR` or `--between A B`.
pub fn diff_recorded(r: RecordedDiff, files: Vec<PathBuf>) -> ExitCode {
    if r.write_known && !files.is_empty() {
        return fail(
            "diff",
            "--write-known lists the differences of the whole suite: give no scenario files",
        );
    }
    let whole_suite = files.is_empty();
    let files = match suite_or(files) {
        Ok(f) => f,
        Err(e) => return fail("diff", e),
    };
    let (left, right) = match (&r.recorded, r.between.as_slice()) {
        (Some(d), _) => (d.clone(), None),
        (None, [a, b]) => (a.clone(), Some(b.clone())),
        _ => return fail("diff", "--between takes two recording directories"),
    };
    let rec = match Recording::open(&left) {
        Ok(x) => x,
        Err(e) => return fail("diff", format!("{e:#}")),
    };
    let other = match right.as_deref().map(Recording::open).transpose() {
        Ok(x) => x,
        Err(e) => return fail("diff", format!("{e:#}")),
    };
    let choice = match &other {
        Some(_) => None,
        None => match select_profile(&rec.info.facts(), r.profile.as_deref()) {
            Ok(c) => Some(c),
            Err(e) => return fail("diff", e),
        },
    };
    let kernel = rec.info.kernel.release.clone();
    let (against, left_name, right_name) = match (&other, &choice) {
        (Some(o), _) => (
            Against::Recording(o),
            rec.info.id.clone(),
            o.info.id.clone(),
        ),
        (None, Some(c)) => (
            Against::Model(&c.profile),
            "kernel".to_owned(),
            "model".to_owned(),
        ),
        (None, None) => return fail("diff", "nothing to compare the recording with"),
    };
    if let Some(c) = &choice {
        if let Some(w) = choice_warning(&kernel, c) {
            eprintln!("{w}");
        }
    }
    if !r.json {
        match (&other, &choice) {
            (Some(o), _) => outln!(
                "recording {} ({}, {}) vs recording {} ({}, {}); {} scenarios",
                rec.info.id,
                rec.info.kernel.release,
                rec.info.kernel.version,
                o.info.id,
                o.info.kernel.release,
                o.info.kernel.version,
                files.len()
            ),
            (None, Some(c)) => {
                outln!("{}", choice_line(&rec.label(), c));
                outln!(
                    "recording {} (kernel {kernel}) vs model profile {} ({}); {} scenarios",
                    rec.dir.display(),
                    c.profile.name,
                    c.profile.release_string,
                    files.len()
                );
            }
            _ => {}
        }
    }
    let start = Instant::now();
    let runs = match replay(&rec, &files, against, r.jobs) {
        Ok(x) => x,
        Err(e) => return fail("diff", format!("{e:#}")),
    };
    let elapsed = start.elapsed();
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let known = check_known(&runs, rec.known.as_ref());
    if r.json {
        let profile = choice.as_ref().map_or("", |c| c.profile.release_string);
        let mut doc = to_json(&runs, &kernel, profile, elapsed);
        doc["recording"] = recording_json(&rec);
        match (&other, &choice) {
            (Some(o), _) => doc["between"] = recording_json(o),
            (None, Some(c)) => {
                doc["profile"] = choice_json(c);
                doc["known_differences"] = serde_json::json!({
                    "listed": rec.known.as_ref().map_or(0, |k| k.entries.len()),
                    "exact": known.ok(),
                    "mismatches": known.lines(),
                });
            }
            _ => {}
        }
        outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        for t in &runs {
            let text = render_sides(&t.report, &left_name, &right_name);
            if color {
                out!("{text}");
            } else {
                out!("{}", strip_ansi(&text));
            }
        }
        if other.is_none() {
            for l in coverage_lines(&runs) {
                outln!("{l}");
            }
        }
        outln!("{}", summary_line(&runs, elapsed));
        if other.is_none() && !r.write_known && whole_suite {
            let path = rec.dir.join(KNOWN_DIFFERENCES);
            match &rec.known {
                None if known.ok() => {}
                None => outln!(
                    "known differences: {} has none listed ({} scenarios differ; \
                     `--write-known` lists them)",
                    path.display(),
                    known.new.len()
                ),
                Some(k) if known.ok() => outln!(
                    "known differences: the {} listed in {} are exactly the ones found",
                    k.entries.len(),
                    path.display()
                ),
                Some(_) => {
                    outln!("known differences: {} is not exact:", path.display());
                    for l in known.lines() {
                        outln!("  {l}");
                    }
                }
            }
        }
    }
    if let Some(path) = &r.junit {
        if let Err(e) = std::fs::write(path, to_junit(&runs, &kernel, elapsed)) {
            return fail("diff", format!("writing {}: {e}", path.display()));
        }
    }
    if let Some(path) = &r.html {
        let right = match (&other, &choice) {
            (Some(o), _) => o.label(),
            (None, Some(c)) => c.profile.release_string.to_owned(),
            (None, None) => "model".to_owned(),
        };
        let page = nltwin_conformance::html::to_html(&runs, &kernel, &right, elapsed);
        if let Err(e) = std::fs::write(path, page) {
            return fail("diff", format!("writing {}: {e}", path.display()));
        }
    }
    if r.write_known {
        let Some(c) = choice.as_ref() else {
            return fail("diff", "--write-known needs --recorded");
        };
        let list = known_of(&runs);
        let shown = match rec.dir.file_name() {
            Some(n) if *n == *rec.info.id => format!("conformance/expected/{}", rec.info.id),
            _ => rec.dir.display().to_string(),
        };
        let header = format!(
            "Scenarios where the model (profile {}) does not agree with this recording yet, each\n\
             with its first difference. Written by `nltwin diff --recorded {} --write-known`;\n\
             cargo test (conformance/tests/recorded.rs) fails when this list is not exact,\n\
             so it only shrinks as the model improves. {} of {} scenarios listed.",
            c.profile.name,
            shown,
            list.entries.len(),
            runs.len()
        );
        let path = rec.dir.join(KNOWN_DIFFERENCES);
        if list.entries.is_empty() {
            if path.exists() {
                if let Err(e) = std::fs::remove_file(&path) {
                    return fail("diff", format!("removing {}: {e}", path.display()));
                }
            }
            eprintln!("no differences: {} removed", path.display());
        } else if let Err(e) = std::fs::write(&path, list.render(&header)) {
            return fail("diff", format!("writing {}: {e}", path.display()));
        } else {
            eprintln!("wrote {}: {} scenarios", path.display(), list.entries.len());
        }
    }
    ExitCode::from(if totals(&runs).ok() { 0 } else { 1 })
}

fn recording_json(r: &Recording) -> serde_json::Value {
    serde_json::json!({
        "dir": r.dir.display().to_string(),
        "id": r.info.id,
        "release": r.info.kernel.release,
        "version": r.info.kernel.version,
    })
}

/// A name safe as a directory name.
fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-+".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The default id of a live kernel: `debian-<version>` when `uname -v` names a Debian package
/// version, else `kernel-<uname -r>`.
fn live_id(release: &str, version: &str) -> String {
    let mut words = version.split_whitespace();
    while let Some(w) = words.next() {
        if w == "Debian" {
            if let Some(v) = words.next() {
                return sanitize(&debian_id(v));
            }
        }
    }
    sanitize(&format!("kernel-{release}"))
}

/// Where a live recording reads what the kernel cannot tell itself.
pub struct LiveSources {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--package-file FILE`.
    pub package_file: Option<PathBuf>,
}

/// `nltwin record`.
pub fn record(
    out: Option<PathBuf>,
    id: Option<String>,
    import: Option<PathBuf>,
    timeout: Option<Duration>,
    force: bool,
    live: LiveSources,
    files: Vec<PathBuf>,
) -> ExitCode {
    let files = match suite_or(files) {
        Ok(f) => f,
        Err(e) => return fail("record", e),
    };
    if let Some(src) = import {
        let id = id.unwrap_or_else(|| {
            let pkg = std::fs::read_to_string(src.join("package.txt")).unwrap_or_default();
            let version = pkg.lines().find_map(|l| l.strip_prefix("version="));
            let release = std::fs::read_to_string(src.join("uname-r")).unwrap_or_default();
            match version {
                Some(v) => sanitize(&debian_id(v.trim())),
                None => sanitize(&format!("kernel-{}", release.trim())),
            }
        });
        let dest = out.unwrap_or_else(|| expected_root().join(&id));
        let read = |f: &str| {
            std::fs::read_to_string(src.join(f))
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        let kernel = Uname {
            release: read("uname-r"),
            version: read("uname-v"),
            machine: "x86_64".into(),
        };
        if let Err(e) = check_dest(&dest, force, Some(&kernel)) {
            return fail("record", e);
        }
        return match import_matrix(&src, &dest, &id, &files) {
            Ok((info, report)) => {
                outln!(
                    "imported {} scenarios of {} ({}) into {}",
                    report.copied,
                    info.kernel.release,
                    info.package
                        .as_ref()
                        .map_or("no package", |p| p.version.as_str()),
                    dest.display()
                );
                for n in &report.unmatched {
                    outln!("  {n}: the recording does not fit today's scenario (not compared)");
                }
                for n in &report.not_in_suite {
                    outln!("  {n}: not in the suite (kept, not compared)");
                }
                let choice = choose(&info.facts());
                outln!("{}", choice_line(&info.kernel.release, &choice));
                ExitCode::SUCCESS
            }
            Err(e) => fail("record", format!("{e:#}")),
        };
    }
    record_live(out, id, timeout, force, live, &files)
}

/// Refuse to mix two kernels' answers in one directory unless `force`; with `force`, the old
/// recording's scenarios are removed.
fn check_dest(dest: &Path, force: bool, kernel: Option<&Uname>) -> Result<(), String> {
    let Ok(old) = Recording::open(dest) else {
        return Ok(());
    };
    let same = kernel.is_some_and(|k| *k == old.info.kernel);
    if same {
        return Ok(());
    }
    if !force {
        return Err(format!(
            "{} holds a recording of kernel {} ({}): give --force to replace it, or another --out",
            dest.display(),
            old.info.kernel.release,
            old.info.kernel.version
        ));
    }
    let entries = std::fs::read_dir(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            std::fs::remove_file(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    Ok(())
}

fn record_live(
    out: Option<PathBuf>,
    id: Option<String>,
    timeout: Option<Duration>,
    force: bool,
    live: LiveSources,
    files: &[PathBuf],
) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return fail("record", format!("cannot find my own executable: {e}")),
    };
    let mut gathered = match gather(&exe) {
        Ok(g) => g,
        Err(e) => return fail_run("record", "reading the kernel's facts: ", &e),
    };
    if let Some(path) = &live.config {
        match std::fs::read(path) {
            Ok(text) => {
                gathered.config = Some(ConfigFile::from_text(path.display().to_string(), &text))
            }
            Err(e) => return fail("record", format!("{}: {e}", path.display())),
        }
    }
    let package = match &live.package_file {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => Some(Package::from_key_values(&t)),
            Err(e) => return fail("record", format!("{}: {e}", path.display())),
        },
        None => None,
    };
    // Every scenario is read before anything runs.
    let mut traces = Vec::new();
    for f in files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => return fail("record", format!("{}: {e}", f.display())),
        };
        match Trace::parse(&text) {
            Ok(t) => traces.push((f, text, t)),
            Err(e) => {
                return fail(
                    "record",
                    format!("{}:{}: {}", f.display(), e.line, e.reason),
                )
            }
        }
    }
    let probe = Probe::kernel(&exe);
    let mut link_kinds = BTreeMap::new();
    for kind in model_link_kinds() {
        match probe.has_link_kind(&kind) {
            Ok(has) => {
                link_kinds.insert(kind, has);
            }
            Err(e) => return fail("record", e),
        }
    }
    let id = id.unwrap_or_else(|| match &package {
        Some(p) if !p.version.is_empty() => sanitize(&debian_id(&p.version)),
        _ => live_id(&gathered.release, &gathered.version),
    });
    let mut info = KernelInfo::of_live(&id, &gathered, link_kinds);
    info.package = package;
    let dest = out.unwrap_or_else(|| expected_root().join(&id));
    if let Err(e) = check_dest(&dest, force, Some(&info.kernel)) {
        return fail("record", e);
    }
    if let Err(e) = std::fs::create_dir_all(&dest) {
        return fail("record", format!("{}: {e}", dest.display()));
    }
    // Scenarios recorded before on this same kernel and not run now are kept.
    if let Ok(old) = Recording::open(&dest) {
        if old.info.kernel == info.kernel {
            info.scenarios = old.info.scenarios;
        }
    }
    let choice = choose(&gathered.facts());
    outln!("{}", choice_line(&gathered.release, &choice));
    outln!(
        "recording {} scenarios of kernel {} ({}) into {}",
        traces.len(),
        gathered.release,
        gathered.version,
        dest.display()
    );
    let mut failed = 0;
    for (path, text, trace) in &traces {
        let name = scenario_name(path);
        let file = dest.join(format!("{name}.jsonl"));
        let r = run_kernel_sandboxed_within(&exe, text, timeout);
        let (header, results) = match r {
            Ok(Some(x)) => x,
            Ok(None) => {
                eprintln!("{name}: timed out (not recorded)");
                failed += 1;
                continue;
            }
            Err(e) => {
                eprintln!("{name}: {e:#} (not recorded)");
                failed += 1;
                continue;
            }
        };
        let written = std::fs::File::create(&file)
            .and_then(|f| write_results(&header, &results, std::io::BufWriter::new(f)));
        if let Err(e) = written {
            return fail("record", format!("{}: {e}", file.display()));
        }
        info.scenarios.insert(name.clone(), trace.ops_digest());
        outln!("{name}: {} ops", results.len());
    }
    if let Err(e) = write_info(&dest, &info) {
        return fail("record", format!("{e:#}"));
    }
    outln!(
        "recorded {} of {} scenarios; {} written",
        traces.len() - failed,
        traces.len(),
        dest.join("KERNEL.json").display()
    );
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `nltwin facts`.
pub fn facts(json: bool, profile: Option<String>, here: bool) -> ExitCode {
    if here {
        return match namespace_here() {
            Ok(f) => {
                outln!("{}", serde_json::to_string(&f).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Err(e) => fail("facts", format!("{e:#}")),
        };
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return fail("facts", format!("cannot find my own executable: {e}")),
    };
    let g = match gather(&exe) {
        Ok(g) => g,
        Err(e) => return fail_run("facts", "", &e),
    };
    let facts = g.facts();
    let choice = match select_profile(&facts, profile.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail("facts", e),
    };
    let info = KernelInfo::of_live("live", &g, BTreeMap::new());
    if json {
        let doc = serde_json::json!({
            "kernel": info.kernel,
            "config": info.config,
            "host": info.host,
            "genl_families": info.genl_families,
            "profile": choice_json(&choice),
        });
        outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    if let Some(w) = choice_warning(&g.release, &choice) {
        eprintln!("{w}");
    }
    outln!("release      {} ({})", g.release, g.version);
    match &g.config {
        Some(c) => outln!(
            "config       {} (sha256 {}, {} options set)",
            c.source,
            c.sha256,
            c.options.len()
        ),
        None => outln!(
            "config       not readable (no /proc/config.gz or /boot/config-{})",
            g.release
        ),
    }
    let opt = |v: Option<u32>| v.map_or("?".to_owned(), |v| v.to_string());
    outln!(
        "host         {} possible CPUs ({}), rmem_max {}, wmem_max {}, default_qdisc {}",
        facts
            .num_possible_cpus
            .map_or("?".to_owned(), |n| n.to_string()),
        g.cpus_possible.as_deref().unwrap_or("?"),
        opt(facts.rmem_max),
        opt(facts.wmem_max),
        facts.default_qdisc.as_deref().unwrap_or("?")
    );
    outln!(
        "genl         {} families in a fresh namespace: {}",
        facts.genl_families.len(),
        facts.genl_families.join(" ")
    );
    outln!("{}", choice_line(&g.release, &choice));
    ExitCode::SUCCESS
}
