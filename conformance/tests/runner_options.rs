//! The suite runner's promises: a scenario the kernel cannot run is skipped with its reason
//! (and shows as skipped in JUnit, not passed); a side that overruns the time limit is
//! reported as timed out, and a model that panics as panicked, with the message and where;
//! scenarios run in parallel are reported in the order given; an
//! attribute only the kernel sends is named as a coverage gap.

use std::path::{Path, PathBuf};
use std::time::Duration;

use nltwin_conformance::diff::{diff_text_opts, DiffOptions, Verdict};
use nltwin_conformance::report::{coverage_lines, summary_line, to_junit, totals, Timed};
use nltwin_conformance::requires::Probe;
use nltwin_conformance::suite::{run_suite, SuiteOptions};

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_nltwin"))
}

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn timed(report: nltwin_conformance::diff::FileReport) -> Timed {
    Timed {
        report,
        time: Duration::from_millis(1),
    }
}

#[test]
fn a_scenario_needing_a_link_kind_the_kernel_lacks_is_skipped_not_passed() {
    let path = scenario("veth_create_then_dump.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let probe = Probe::with(|kind| Ok(kind != "veth"));
    let opts = DiffOptions {
        probe: Some(&probe),
        ..DiffOptions::default()
    };
    let r = diff_text_opts(exe(), &path, &text, &opts).unwrap();
    assert_eq!(
        r.verdict,
        Verdict::Skipped(
            "the kernel lacks link kind veth (creating one answers EOPNOTSUPP)".into()
        )
    );
    let runs = [timed(r)];
    let t = totals(&runs);
    assert_eq!((t.same, t.differ, t.skipped), (0, 0, 1));
    assert!(t.ok(), "a skip is not a failure");
    assert!(summary_line(&runs, Duration::ZERO).starts_with("0 same, 0 differ, 1 skipped;"));
    let xml = to_junit(&runs, "test", Duration::ZERO);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    let skipped = case.children().find(|n| n.has_tag_name("skipped")).unwrap();
    assert!(skipped.attribute("message").unwrap().contains("veth"));

    // The real probe: this kernel has veth (the bundled suite needs it), so it runs.
    let real = Probe::kernel(exe());
    assert_eq!(real.has_link_kind("veth"), Ok(true));
    assert_eq!(real.has_link_kind("nltwin-no-such-kind"), Ok(false));
}

#[test]
fn a_run_over_the_time_limit_is_timed_out() {
    let path = scenario("getlink_doit_index1_ack.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    // No sandboxed child starts, runs and answers within a microsecond.
    let opts = DiffOptions {
        timeout: Some(Duration::from_micros(1)),
        ..DiffOptions::default()
    };
    let r = diff_text_opts(exe(), &path, &text, &opts).unwrap();
    let Verdict::TimedOut(what) = &r.verdict else {
        panic!("{:?}", r.verdict);
    };
    assert!(what.starts_with("the kernel run took over"), "{what}");
    let runs = [timed(r)];
    assert!(!totals(&runs).ok(), "a time-out fails the run");
    // With a generous limit the same scenario is judged.
    let opts = DiffOptions {
        timeout: Some(Duration::from_secs(30)),
        ..DiffOptions::default()
    };
    let r = diff_text_opts(exe(), &path, &text, &opts).unwrap();
    assert_eq!(r.verdict, Verdict::Same);
}

#[test]
fn a_model_that_panics_is_reported_as_a_panic_with_its_place_not_as_a_time_out() {
    let path = scenario("getlink_doit_index1_ack.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    // The hook is the model's last step: a panic planted there stands for one in the model,
    // without a panic path in the model that a user could reach.
    let hook = |_: &mut nltwin_conformance::runner::Run| panic!("planted: index {} of 3", 9);
    // With a time limit (the model on a thread of its own, as the suite and the fuzzer run
    // it) and without one (on the caller's thread).
    for timeout in [Some(Duration::from_secs(30)), None] {
        let opts = DiffOptions {
            timeout,
            model_hook: &hook,
            ..DiffOptions::default()
        };
        let r = diff_text_opts(exe(), &path, &text, &opts).unwrap();
        let Verdict::Panicked(what) = &r.verdict else {
            panic!("{timeout:?}: {:?}", r.verdict);
        };
        assert!(
            what.starts_with("the model panicked: planted: index 9 of 3 at "),
            "{what}"
        );
        assert!(
            what.contains("runner_options.rs:"),
            "where it panicked: {what}"
        );
        let shown = nltwin_conformance::diff::render(&r);
        assert!(
            shown.contains(": PANICKED: the model panicked: planted"),
            "{shown}"
        );
        assert!(!shown.contains("TIMED OUT"), "{shown}");
        let runs = [timed(r)];
        let t = totals(&runs);
        assert_eq!((t.panicked, t.timed_out, t.differ), (1, 0, 0));
        assert!(!t.ok(), "a panic fails the run");
        assert!(summary_line(&runs, Duration::ZERO).starts_with("0 same, 0 differ, 1 panicked;"));
        let xml = to_junit(&runs, "test", Duration::ZERO);
        assert!(xml.contains("type=\"panic\""), "{xml}");
    }
}

#[test]
fn parallel_runs_are_reported_in_the_order_given() {
    let mut files: Vec<PathBuf> = nltwin_conformance::diff::bundled_scenarios()
        .unwrap()
        .into_iter()
        .take(12)
        .collect();
    files.reverse();
    let opts = SuiteOptions {
        jobs: 4,
        ..SuiteOptions::default()
    };
    let mut seen = Vec::new();
    let runs = run_suite(exe(), &files, &opts, |t| seen.push(t.report.path.clone())).unwrap();
    assert_eq!(seen, files);
    let got: Vec<_> = runs.iter().map(|t| t.report.path.clone()).collect();
    assert_eq!(got, files);
    assert!(runs.iter().all(|t| t.report.verdict == Verdict::Same));
}

#[test]
fn a_malformed_scenario_stops_the_suite_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"op\":\"socket\"}\n").unwrap();
    let files = vec![scenario("getlink_doit_index1_ack.jsonl"), bad.clone()];
    let e = run_suite(exe(), &files, &SuiteOptions::default(), |_| {}).unwrap_err();
    assert_eq!(e.path, bad);
    assert!(
        format!("{:#}", e.error).contains("bad.jsonl:1:"),
        "{:#}",
        e.error
    );
}

#[test]
fn an_attribute_only_the_kernel_sends_is_a_coverage_gap() {
    let path = scenario("getlink_doit_index1_ack.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    // Make the model's reply carry IFLA_MTU (4) as type 0 instead.
    let hook = |run: &mut nltwin_conformance::runner::Run| {
        let b = run.results[2].recv_bytes_mut().unwrap();
        let d = nltwin_wire::catalogue::decode(nltwin_wire::uapi::netlink::NETLINK_ROUTE, b);
        if let Some(mtu) = d.attr(nltwin_wire::uapi::if_link::IFLA_MTU) {
            let at = mtu.offset;
            nltwin_wire::nla::Packet::new_unchecked(&mut b[at..]).set_raw_type(0);
        }
    };
    let opts = DiffOptions {
        model_hook: &hook,
        ..DiffOptions::default()
    };
    let r = diff_text_opts(exe(), &path, &text, &opts).unwrap();
    assert!(matches!(r.verdict, Verdict::Differ(_)));
    let lines = coverage_lines(&[timed(r)]);
    assert_eq!(lines[0], "coverage: 1 gaps");
    assert_eq!(
        lines[1],
        "  RTM_NEWLINK: the kernel sent IFLA_MTU (4); the model never did"
    );
}
