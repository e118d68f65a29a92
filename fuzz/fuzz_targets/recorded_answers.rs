//! Coverage-guided fuzz target for recorded answers read back from disk (`cargo test`'s
//! replay, `nltwin diff --recorded` and `--between`): the input is a scenario and a recorded
//! exchange output, separated by a line holding only `---`. The recording is parsed as a
//! results file and, when both parse and agree in length, compared with the model's run of
//! the scenario as the replay does: normalized, explained field by field and rendered. The
//! recorded bytes are the hostile part (any message, any attribute tree). Errors are fine
//! answers; a panic, overflow, debug assertion or hang is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nltwin_conformance::diff::{compare, render, Verdict};
use nltwin_conformance::exchange::run_model_on;
use nltwin_conformance::explain::explain;
use nltwin_conformance::recording::{parse_results, Known};
use nltwin_conformance::trace::Trace;
use nltwin_model::profile::Profile;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.jsonl");
    // A KNOWN_DIFFERENCES file is read the same way: try the whole input as one.
    let _ = Known::parse(path, text);
    let Some((scenario, recorded)) = text.split_once("\n---\n") else {
        return;
    };
    let Ok(trace) = Trace::parse(scenario) else {
        return;
    };
    let Ok((header, results)) = parse_results(path, recorded) else {
        return;
    };
    let model = run_model_on(&trace, Some(&Profile::LINUX_6_18));
    let Ok(report) = compare(
        path,
        &trace,
        (&header, &results),
        (&model.header, &model.results),
    ) else {
        return;
    };
    let _ = render(&report);
    if let Verdict::Differ(diffs) = &report.verdict {
        for d in diffs {
            let _ = explain(d.protocol, &d.kernel, &d.model);
        }
    }
});
