//! `nltwin fuzz` end to end: cases run on both sides, the same seed gives the same report, a
//! divergence is filed as a scenario that `nltwin diff` then reports as differing.

use std::process::Command;

fn fuzz(dir: &std::path::Path, seed: &str, seeds: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args([
            "fuzz", "--seed", seed, "--cases", "40", "--time", "60", "--out",
        ])
        .arg(dir)
        .args(seeds)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The summary line without its timing.
fn counts(report: &str) -> String {
    let line = report.lines().next().unwrap();
    let (cases, rest) = line.split_once(" cases in ").unwrap();
    let (_, verdicts) = rest.split_once("): ").unwrap();
    format!("{cases} {verdicts}")
}

#[test]
fn the_same_seed_gives_the_same_cases_and_verdicts() {
    let scenarios = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let seeds = [
        format!("{scenarios}/getlink_doit_index1_ack.jsonl"),
        format!("{scenarios}/nlctrl_getfamily_by_name_ack.jsonl"),
    ];
    let seeds: Vec<&str> = seeds.iter().map(String::as_str).collect();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let ra = fuzz(a.path(), "11", &seeds);
    let rb = fuzz(b.path(), "11", &seeds);
    assert!(ra.starts_with("40 cases in "), "{ra}");
    assert_eq!(counts(&ra), counts(&rb));
    // Every filed divergence is a scenario the differ reports as differing.
    for entry in std::fs::read_dir(a.path()).unwrap() {
        let path = entry.unwrap().path();
        let d = Command::new(env!("CARGO_BIN_EXE_nltwin"))
            .arg("diff")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(d.status.code(), Some(1), "{}", path.display());
    }
}
