//! The `nltwin` binary: exchange's input checking and output shape, and diff's exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn nltwin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that fails on its arguments exits before reading: the pipe may close first.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

const SOCKET: &str = r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#;

#[test]
fn malformed_lines_exit_2_with_file_and_line() {
    let cases = [
        "{oops",
        "42",
        r#"{"op":"teleport","sock":"a"}"#,
        r#"{"op":"recv","sock":"a","len":-5}"#,
        r#"{"op":"send","sock":"a","hex":"xyz"}"#,
        r#"{"op":"close","sock":"zz"}"#,
        r#"{"op":"getsockname"}"#,
    ];
    for backend in ["kernel", "model"] {
        for bad in cases {
            let out = nltwin(
                &["exchange", "--backend", backend, "-"],
                &format!("{SOCKET}\n{bad}\n{SOCKET}\n"),
            );
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
            assert!(err.contains("<stdin>:2:"), "{bad}: {err}");
            assert!(
                out.stdout.is_empty(),
                "nothing runs before the input is checked"
            );
        }
    }
    let out = nltwin(
        &["exchange", "--backend", "model", "/nonexistent/trace.jsonl"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/trace.jsonl"));
}

#[test]
fn model_exchange_prints_a_header_then_one_line_per_op() {
    let trace = format!("{SOCKET}\n{}\n", r#"{"op":"getsockname","sock":"a"}"#);
    let out = nltwin(&["exchange", "--backend", "model", "-"], &trace);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["backend"], "model");
    assert_eq!(lines[0]["kernel"], "6.18.44");
    assert_eq!(lines[0]["tgid"], 1000);
    assert_eq!(
        (&lines[1]["op"], &lines[1]["sock"]),
        (&"socket".into(), &"a".into())
    );
    assert_eq!(lines[2]["op"], "getsockname");
    // Every result is a return value, an errno or an honest "unimplemented".
    for l in &lines[1..] {
        assert!(
            l.get("ret").is_some() || l.get("errno").is_some() || l.get("unimplemented").is_some(),
            "{l}"
        );
    }
}

#[test]
fn sleep_takes_no_socket_and_answers_ret_0_on_both_backends_and_a_profile_is_chosen_by_name() {
    let trace = format!("{}\n{SOCKET}\n", r#"{"op":"sleep","ms":20}"#);
    for args in [
        &["exchange", "--backend", "kernel", "-"][..],
        &[
            "exchange",
            "--backend",
            "model",
            "--profile",
            "debian-6.1",
            "-",
        ],
    ] {
        let out = nltwin(args, &trace);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], r#"{"op":"sleep","ret":0}"#, "{args:?}");
    }
    let out = nltwin(
        &[
            "exchange",
            "--backend",
            "model",
            "--profile",
            "debian-6.1",
            "-",
        ],
        &trace,
    );
    let header: serde_json::Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kernel"], "6.1.0-57-amd64");
    let out = nltwin(
        &["exchange", "--backend", "model", "--profile", "nope", "-"],
        &trace,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("debian-6.1"));
}

#[test]
fn kernel_exchange_runs_in_a_fresh_sandbox() {
    let trace = format!(
        "{SOCKET}\n{}\n{}\n",
        r#"{"op":"bind","sock":"a","pid":0,"groups":0}"#, r#"{"op":"getsockname","sock":"a"}"#
    );
    let out = nltwin(&["exchange", "--backend", "kernel", "-"], &trace);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["backend"], "kernel");
    // The first autobind in the sandboxed child takes the child's tgid, which the header reports.
    assert_eq!(lines[3]["pid"], lines[0]["tgid"]);
    assert_ne!(
        lines[0]["tgid"].as_u64(),
        Some(std::process::id() as u64),
        "ran in a child"
    );
}

#[test]
fn diff_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let out = nltwin(&["diff", empty.to_str().unwrap()], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("same"));

    // A SOCK_DIAG request: the model does not implement sock_diag, so the traces must differ.
    let diag = dir.path().join("diag.jsonl");
    std::fs::write(
        &diag,
        concat!(
            r#"{"op":"socket","sock":"d","protocol":4,"type":"raw"}"#, "\n",
            r#"{"op":"send","sock":"d","hex":"1c000000140001030100000000000000100000000000000000000000"}"#, "\n",
            r#"{"op":"recv","sock":"d","len":8192}"#, "\n",
        ),
    )
    .unwrap();
    let out = nltwin(&["diff", diag.to_str().unwrap()], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("DIFFER"), "{text}");
    // Piped output is plain: no color sequences, the diff markers kept.
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("Diff < left / right >"), "{text}");
    // The coverage block names what the model left unimplemented.
    assert!(text.contains("unimplemented (1 ops):"), "{text}");

    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"op\":\"socket\"}\n").unwrap();
    let out = nltwin(&["diff", bad.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.jsonl:1:"));
}
