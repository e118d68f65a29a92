//! `nltwin run --capture`, the exchange comparison of `nltwin diff --commands`, and `nltwin
//! record --command`: every netlink call of every process captured on both sides without
//! changing what the programs get; a differing exchange reported by process, call and field
//! where the output agrees; a recorded command replayed as a trace; leftover processes ended
//! on both sides without a word.
//!
//! Needs iproute2's `ip` (see cli_run.rs).

use std::process::Command;

mod run_common;
use run_common::{capture_preload, exe, ip_available, preload, run, text};

use nltwin_conformance::capture::load_dir;
use nltwin_conformance::results::{OpData, Outcome};
use nltwin_conformance::trace::{Op, Trace};

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("capture-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// `nltwin ARGS` with both libraries of this test run.
fn nltwin(args: &[&str]) -> std::process::Output {
    Command::new(exe())
        .args(args)
        .env("NLTWIN_PRELOAD", preload())
        .env("NLTWIN_CAPTURE_PRELOAD", capture_preload())
        .output()
        .expect("nltwin runs")
}

#[test]
fn every_call_is_captured_on_both_sides_and_the_program_gets_the_same() {
    if !ip_available() {
        return;
    }
    let script = "ip link add va type veth peer name vb && ip -j link show va && ip link del va";
    for side in ["--kernel", "--model"] {
        let dir = scratch(&format!("both{side}"));
        let plain = run(&[side, "--", "sh", "-c", script]);
        let captured = run(&[
            side,
            "--capture",
            dir.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            script,
        ]);
        assert_eq!(
            captured.status.code(),
            Some(0),
            "{}",
            text(&captured.stderr)
        );
        assert_eq!(text(&captured.stderr), "");
        // What the program printed is the same with the capture (random MACs aside).
        let mask = |o: &[u8]| nltwin_conformance::commands::mask_random_macs(&text(o), "");
        assert_eq!(mask(&captured.stdout), mask(&plain.stdout), "{side}");
        let procs = load_dir(&dir).expect("the capture");
        let _ = std::fs::remove_dir_all(&dir);
        let lines: Vec<String> = procs.iter().map(|p| p.command()).collect();
        assert_eq!(
            lines,
            [
                "ip link add va type veth peer name vb",
                "ip -j link show va",
                "ip link del va"
            ],
            "{side}: one process each, in order of start"
        );
        let show = &procs[1];
        assert!(matches!(
            show.calls[0].step.op,
            Op::Socket { protocol: 0, ty: 3 }
        ));
        // The dump's reply names va, as read by the program.
        let got_va = show.calls.iter().any(|c| {
            matches!(&c.result.outcome, Outcome::Ok { data: OpData::Recv { bytes, .. }, .. }
                if bytes.windows(3).any(|w| w == b"va\0"))
        });
        assert!(got_va, "{side}: {:?}", show.calls);
        assert!(show.calls.iter().all(|c| c.t0 <= c.t1));
        assert!(matches!(show.calls.last().unwrap().step.op, Op::Close));
    }
}

#[test]
fn a_differing_exchange_is_reported_where_the_output_agrees() {
    if !ip_available() {
        return;
    }
    // The model runs as Debian's 6.1: `ip link show lo` prints the same, but the kernel (6.18)
    // sends attributes 6.1 has not (IFLA_NETNS_IMMUTABLE...).
    let dir = scratch("differ");
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("lo.sh");
    std::fs::write(&script, "ip link show lo\n").unwrap();
    let junit = dir.join("junit.xml");
    let s = script.to_str().unwrap();
    let out = nltwin(&[
        "diff",
        "--commands",
        "--profile",
        "debian-6.1",
        "--junit",
        junit.to_str().unwrap(),
        s,
    ]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}{}", text(&out.stderr));
    assert!(
        report.contains("netlink exchange: 1 of 1 processes differ"),
        "{report}"
    );
    assert!(
        report.contains("process ip link show lo (kernel pid"),
        "{report}"
    );
    assert!(report.contains("answered differently"), "{report}");
    assert!(report.contains("RTM_NEWLINK: IFLA_"), "{report}");
    assert!(!report.contains("stdout:"), "the output agrees: {report}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("netlink exchange differs"), "{xml}");
    let out = nltwin(&["diff", "--commands", "--json", "--profile", "debian-6.1", s]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let c = &doc["commands"][0];
    assert_eq!(c["kernel"]["stdout"], c["model"]["stdout"]);
    assert_eq!(c["exchange"]["verdict"], "differ");
    let p = &c["exchange"]["processes"][0];
    assert_eq!(p["command"], "ip link show lo");
    assert!(
        p["difference"]["results"][0]["explain"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{p}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_recorded_command_replays_as_a_trace_on_both_sides() {
    if !ip_available() {
        return;
    }
    let dir = scratch("record");
    std::fs::create_dir_all(&dir).unwrap();
    let trace = dir.join("veth.jsonl");
    let t = trace.to_str().unwrap();
    let out = nltwin(&[
        "record",
        "--command",
        "ip link add va type veth peer name vb mtu 1400; ip -d -j link show vb; ip link del va",
        "--out",
        t,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("of 3 processes"),
        "{}",
        text(&out.stderr)
    );
    let parsed = Trace::parse(&std::fs::read_to_string(&trace).unwrap()).expect("a trace");
    let socks: std::collections::BTreeSet<&str> =
        parsed.steps.iter().map(|s| s.sock.as_str()).collect();
    assert!(
        socks.contains("p1.s1") && socks.contains("p3.s1"),
        "{socks:?}"
    );
    assert!(parsed.steps.len() > 30, "{}", parsed.steps.len());
    let out = nltwin(&["diff", t]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains(": same ("),
        "{}",
        text(&out.stdout)
    );
    // Two processes at once: a monitor in the background hears another process's change.
    // The trace puts the monitor's receives after the change they read, and the pauses as
    // sleeps.
    let mon = dir.join("monitor.jsonl");
    let out = nltwin(&[
        "record",
        "--command",
        "ip -o monitor link > /dev/null & sleep 0.3; \
         ip link add va address 02:00:00:00:00:0a type veth peer name vb \
         address 02:00:00:00:00:0b; sleep 0.3; kill $!",
        "--out",
        mon.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let parsed = Trace::parse(&std::fs::read_to_string(&mon).unwrap()).expect("a trace");
    let add = parsed
        .steps
        .iter()
        .position(|s| s.sock.starts_with("p2.") && matches!(s.op, Op::Send { .. }))
        .expect("the add's request");
    let heard = parsed.steps[add..]
        .iter()
        .any(|s| s.sock.starts_with("p1.") && matches!(s.op, Op::Recv { .. }));
    assert!(heard, "{:?}", parsed.steps);
    assert!(parsed
        .steps
        .iter()
        .any(|s| matches!(s.op, Op::Sleep { ms } if ms >= 100)));
    let out = nltwin(&["diff", mon.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // A command with nothing to capture writes nothing and says why.
    let empty = dir.join("none.jsonl");
    let out = nltwin(&[
        "record",
        "--command",
        "true",
        "--out",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no netlink call"),
        "{}",
        text(&out.stderr)
    );
    assert!(!empty.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_process_left_running_is_ended_silently_on_both_sides() {
    if !ip_available() {
        return;
    }
    // The script ends while its background monitor still runs (dash's `kill %1` has no job
    // to kill): the model side used to stop its server under it, which then said so.
    let script = "ip monitor all > /dev/null & echo $!; sleep 0.3; kill %1 2>/dev/null; exit 0";
    for side in ["--kernel", "--model"] {
        let out = run(&[side, "--", "sh", "-c", script]);
        assert_eq!(out.status.code(), Some(0), "{side}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "{side}");
        let pid: i32 = text(&out.stdout).trim().parse().expect("the monitor's pid");
        // SAFETY: signal 0 only checks whether the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        assert!(!alive, "{side}: the monitor {pid} is still running");
    }
}
