//! `--pcap` writes what Wireshark reads: tshark opens the file of a run and decodes every
//! datagram the run moved as netlink, with the lengths and sequence numbers the run saw.
//!
//! Needs `tshark` (Debian package `tshark`; CI installs it and sets NLTWIN_REQUIRE_TSHARK=1 so
//! its absence fails there). Elsewhere, without tshark, the test says so and checks nothing.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_nltwin"))
}

fn tshark_available() -> bool {
    let found = Command::new("tshark").arg("-v").output().is_ok();
    if !found && std::env::var_os("NLTWIN_REQUIRE_TSHARK").is_some() {
        panic!("tshark is required here (NLTWIN_REQUIRE_TSHARK) but cannot be run");
    }
    found
}

/// (first message's nlmsg_len, its seq) of each datagram a run moved, from its results.
fn expected(scenario: &str, results: &[Value]) -> Vec<(u32, u32)> {
    let trace = nltwin_conformance::trace::Trace::parse(scenario).unwrap();
    let mut out = Vec::new();
    for (step, r) in trace.steps.iter().zip(results) {
        let bytes = match &step.op {
            nltwin_conformance::trace::Op::Send { data, .. } if r.get("ret").is_some() => {
                data.clone()
            }
            nltwin_conformance::trace::Op::Recv { .. } => match r.get("hex") {
                Some(h) => hex::decode(h.as_str().unwrap()).unwrap(),
                None => continue,
            },
            _ => continue,
        };
        let h = nltwin_wire::nlmsg::Repr::parse_bytes(&bytes).unwrap();
        out.push((h.length, h.seq));
    }
    out
}

fn check(backend: &str, scenario_file: &str) {
    let scenario = std::fs::read_to_string(scenario_file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("run.pcap");
    let out = Command::new(exe())
        .args(["exchange", "--backend", backend, "--pcap"])
        .arg(&pcap)
        .arg(scenario_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let want = expected(&scenario, &results);
    assert!(want.len() >= 3, "the scenario moves datagrams");

    let t = Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args(["-T", "fields", "-E", "separator=;"])
        .args([
            "-e",
            "frame.protocols",
            "-e",
            "netlink.hdr_len",
            "-e",
            "netlink.hdr_seq",
        ])
        .output()
        .unwrap();
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
    let text = String::from_utf8_lossy(&t.stdout);
    let got: Vec<(String, u32, u32)> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            // Several messages in a frame are listed comma-separated: the first is compared.
            let first = |s: &str| s.split(',').next().unwrap().parse::<u32>().unwrap();
            (f[0].to_owned(), first(f[1]), first(f[2]))
        })
        .collect();
    assert_eq!(got.len(), want.len(), "one frame per datagram:\n{text}");
    for ((protocols, len, seq), (wlen, wseq)) in got.iter().zip(&want) {
        assert!(
            protocols.starts_with("netlink"),
            "decoded as netlink: {protocols}"
        );
        assert_eq!((*len, *seq), (*wlen, *wseq), "\n{text}");
    }
}

#[test]
fn tshark_reads_a_model_run_and_a_kernel_run() {
    if !tshark_available() {
        eprintln!("tshark not installed: nothing checked");
        return;
    }
    let dir = env!("CARGO_MANIFEST_DIR");
    check(
        "model",
        &format!("{dir}/scenarios/getlink_doit_index1_ack.jsonl"),
    );
    check(
        "kernel",
        &format!("{dir}/scenarios/getlink_doit_index1_ack.jsonl"),
    );
    check(
        "kernel",
        &format!("{dir}/scenarios/nlctrl_getfamily_by_name_ack.jsonl"),
    );
}
