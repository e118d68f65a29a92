//! The bundled suite: every scenario in `conformance/scenarios/` must agree with the kernel
//! (run in a fresh sandbox per scenario) byte for byte, after the named normalizations only.
//!
//! Except the scenarios that sleep: they time the kernel's link watch, which is one for the
//! whole machine, so another process changing links meanwhile (another test suite on the same
//! machine, say) moves them. They are checked here against their recording of this machine's
//! kernel (`tests/recorded.rs` replays it too), and run live by `nltwin diff`, alone.

use std::path::Path;

use nltwin_conformance::diff::{bundled_scenarios, diff_file, render, Verdict};
use nltwin_conformance::trace::{Op, Trace};

/// Whether the scenario at `path` sleeps.
fn sleeps(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).expect("a scenario");
    let trace = Trace::parse(&text).expect("a valid scenario");
    trace.steps.iter().any(|s| matches!(s.op, Op::Sleep { .. }))
}

#[test]
fn every_bundled_scenario_agrees_with_the_kernel() {
    let exe = Path::new(env!("CARGO_BIN_EXE_nltwin"));
    let files = bundled_scenarios().expect("scenario directory");
    assert!(
        files.len() >= 50,
        "the bundled suite is there ({} files)",
        files.len()
    );
    let mut failures = String::new();
    let (mut compared, mut masked) = (0, 0);
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("expected/reference-6.18.44");
    for f in &files {
        if sleeps(f) {
            let name = f.file_name().expect("a file name");
            assert!(
                reference.join(name).exists(),
                "{} sleeps: it is checked against its recording in {}, which lacks it",
                f.display(),
                reference.display()
            );
            continue;
        }
        let r = diff_file(exe, f).unwrap_or_else(|e| panic!("{}: {e:#}", f.display()));
        compared += r.bytes_compared;
        masked += r.bytes_masked;
        if let Verdict::Differ(_) = r.verdict {
            failures.push_str(&render(&r));
        }
    }
    assert!(
        failures.is_empty(),
        "scenarios differ from the kernel:\n{failures}"
    );
    // Most compared bytes are compared as they are; masks are the named exceptions.
    assert!(
        masked * 10 < compared,
        "masked {masked} of {compared} bytes"
    );
}

#[test]
fn the_scenario_index_lists_every_bundled_scenario_and_nothing_else() {
    let files = bundled_scenarios().expect("scenario directory");
    let dir = files[0].parent().expect("scenario directory");
    let index = std::fs::read_to_string(dir.join("README.md")).expect("scenarios/README.md");
    let rows: Vec<&str> = index
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(" |").next())
        .filter(|name| !matches!(*name, "file" | "---"))
        .collect();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let unlisted: Vec<&String> = names
        .iter()
        .filter(|n| !rows.contains(&n.as_str()))
        .collect();
    let stale: Vec<&&str> = rows
        .iter()
        .filter(|r| !names.iter().any(|n| n == *r))
        .collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "scenarios/README.md: missing rows for {unlisted:?}; rows without a file: {stale:?}"
    );
}
