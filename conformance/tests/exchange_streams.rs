//! `nltwin exchange` streams a trace file: it checks the whole file before running anything,
//! then runs it as it reads, writing each result as it comes, so its memory does not grow
//! with the trace (held, a trace's results grow with it).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const NLTWIN: &str = env!("CARGO_BIN_EXE_nltwin");

/// A trace of `requests` link gets of `lo`, each with its answer and ack read: 3 operations
/// each, after one socket.
fn write_trace(path: &std::path::Path, requests: usize, last_line: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        f,
        r#"{{"op":"socket","sock":"a","protocol":0,"type":"raw"}}"#
    )
    .unwrap();
    for seq in 0..requests {
        writeln!(
            f,
            r#"{{"op":"send","sock":"a","msg":{{"type":"RTM_GETLINK","flags":["REQUEST","ACK"],"seq":{seq},"ifinfomsg":{{"index":1}}}}}}"#
        )
        .unwrap();
        for _ in 0..2 {
            writeln!(f, r#"{{"op":"recv","sock":"a","len":65536,"flags":0}}"#).unwrap();
        }
    }
    writeln!(f, "{last_line}").unwrap();
    f.flush().unwrap();
}

#[test]
fn a_long_trace_runs_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jsonl");
    let requests = 20_000;
    write_trace(&path, requests, "");
    let mut child = Command::new(NLTWIN)
        .args(["exchange", "--backend", "model"])
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = 0usize;
    let mut link_replies = 0usize;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        lines += 1;
        // Each link reply carries lo's whole RTM_NEWLINK, about 1.5 kB.
        if line.len() > 2000 {
            link_replies += 1;
        }
    }
    assert!(child.wait().unwrap().success());
    // The header, the socket, and three results per request.
    assert_eq!(lines, 2 + 3 * requests);
    assert_eq!(link_replies, requests);
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes the struct it is given.
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) },
        0
    );
    // SAFETY: initialized by getrusage above.
    let peak_kib = unsafe { usage.assume_init() }.ru_maxrss;
    // Streaming, the debug build peaks under 10 MiB here; held, the replies' bytes alone
    // are 30 MB, twice over with the datagrams kept for pcap (before streaming, with each
    // receive buffer kept whole, 60,000 operations took 2.5 GB).
    assert!(peak_kib < 24 * 1024, "peak RSS {peak_kib} KiB");
}

#[test]
fn a_bad_line_at_the_end_stops_the_trace_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad_end.jsonl");
    write_trace(&path, 3, r#"{"op":"recv","sock":"b","len":64,"flags":0}"#);
    let out = Command::new(NLTWIN)
        .args(["exchange", "--backend", "model"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "results were written before the check"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:11: no socket \"b\" is open", path.display())),
        "{err}"
    );
}
