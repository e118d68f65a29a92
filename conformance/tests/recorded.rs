//! Every recording in `conformance/expected/` replayed against the model, offline: the profile
//! chosen from the recording's `KERNEL.json` (through `choose`, so profile choice is checked
//! too), every scenario both the suite and the recording have compared after normalization.
//!
//! Until the model agrees with every kernel, a recording's `KNOWN_DIFFERENCES` lists the
//! scenarios that differ, each with its first difference; the test fails on a difference the
//! list lacks, on a listed scenario that now agrees (remove it: the list only shrinks), and on
//! a listed first difference that changed. `nltwin diff --recorded DIR --write-known` writes
//! the list again.

use std::time::Instant;

use nltwin::model::profile::choose;
use nltwin_conformance::diff::{bundled_scenarios, Verdict};
use nltwin_conformance::recording::{all_under, expected_root, Recording};
use nltwin_conformance::replay::{check_known, replay, Against};
use nltwin_conformance::report::totals;

/// The profile each recording's facts must choose.
const EXPECTED_PROFILES: &[(&str, &str)] = &[
    ("reference-6.18.44", "6.18-minimal"),
    ("debian-6.1.192", "debian-6.1"),
    ("debian-6.12.118", "debian-6.12"),
    ("debian-6.17.13", "debian-6.17"),
    ("debian-6.18.15", "debian-6.18"),
    ("debian-7.3.4", "debian-7.3"),
];

#[test]
fn every_recording_replays_against_the_model_as_its_known_differences_say() {
    let start = Instant::now();
    let suite = bundled_scenarios().expect("the bundled scenarios");
    let dirs = all_under(&expected_root()).expect("conformance/expected");
    assert!(
        dirs.len() >= EXPECTED_PROFILES.len(),
        "recordings missing: found {dirs:?}"
    );
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for dir in &dirs {
        let rec = Recording::open(dir).unwrap_or_else(|e| panic!("{e:#}"));
        let id = rec.info.id.clone();
        let choice = choose(&rec.info.facts());
        match EXPECTED_PROFILES.iter().find(|(d, _)| *d == id) {
            Some((_, want)) => {
                if choice.profile.name != *want || !choice.exact_release {
                    failures.push(format!(
                        "{id}: chose profile {} ({}), expected {want}",
                        choice.profile.name, choice.reason
                    ));
                    continue;
                }
            }
            None => {
                failures.push(format!(
                    "{id}: no expected profile (add it to EXPECTED_PROFILES in {}); choose() \
                     picked {}",
                    file!(),
                    choice.profile.name
                ));
                continue;
            }
        }
        let runs = replay(&rec, &suite, Against::Model(&choice.profile), jobs)
            .unwrap_or_else(|e| panic!("{id}: {e:#}"));
        let t = totals(&runs);
        let compared = t.same + t.differ;
        let skipped: Vec<String> = runs
            .iter()
            .filter_map(|r| match &r.report.verdict {
                Verdict::Skipped(why) => Some(format!(
                    "{}: {why}",
                    r.report
                        .path
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                )),
                _ => None,
            })
            .collect();
        summary.push(format!(
            "{id} (profile {}): {}/{} same, {} known differences, {} skipped",
            choice.profile.name,
            t.same,
            compared,
            t.differ,
            skipped.len()
        ));
        for s in &skipped {
            summary.push(format!("  skipped {s}"));
        }
        let check = check_known(&runs, rec.known.as_ref());
        for l in check.lines() {
            failures.push(format!("{id}: {l}"));
        }
        if !check.ok() {
            failures.push(format!(
                "{id}: `nltwin diff --recorded conformance/expected/{id} --write-known` writes \
                 the list again"
            ));
        }
    }
    for l in &summary {
        println!("{l}");
    }
    println!(
        "replayed {} recordings in {:.1} s",
        dirs.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
