//! Coverage-guided fuzz target for the trace reader (`nltwin exchange` / `diff` input): any
//! text, as JSON Lines with every operation and the readable `msg` syntax, is parsed; a trace
//! that parses is run on a fresh model (the reference profile, so no host values are read)
//! and its results are written in the exchange format and normalized as `diff` does. A parse
//! error is a fine answer; a panic, overflow, debug assertion or hang is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nltwin_conformance::exchange::{run_model_on, write_run};
use nltwin_conformance::normalize::{normalize_with, sent_by_scenario};
use nltwin_conformance::trace::{Op, Trace};
use nltwin_model::profile::Profile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(trace) = Trace::parse(text) else {
        return;
    };
    // The digest and the requirements are read from every trace the suite loads.
    let _ = trace.ops_digest();
    let run = run_model_on(&trace, Some(&Profile::LINUX_6_18));
    write_run(&run, std::io::sink()).expect("writing to a sink cannot fail");
    let protocol_of = |sock: &str| {
        trace
            .steps
            .iter()
            .find_map(|s| match s.op {
                Op::Socket { protocol, .. } if s.sock == sock => Some(protocol as u16),
                _ => None,
            })
            .unwrap_or(0)
    };
    let _ = normalize_with(
        run.header.tgid,
        &run.results,
        &protocol_of,
        &sent_by_scenario(&trace),
    );
});
