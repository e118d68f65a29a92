//! `nltwin monitor`: on the kernel (in a fresh sandbox) beside `ip monitor link`, byte for
//! byte; its overrun report against a second monitor that lost nothing; generic netlink
//! groups; and on the model, driven by a trace.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Start `nltwin monitor ARGS` and wait until it says it listens.
fn start_monitor(args: &[&str]) -> (Child, BufReader<ChildStderr>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .arg("monitor")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nltwin runs");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.starts_with("nltwin monitor: listening"), "{line}");
    (child, err)
}

/// Send `sig` to `child`.
fn signal(child: &Child, sig: i32) {
    // SAFETY: a plain kill(2) on our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

/// End a monitor with Ctrl-C: it must exit 0; its standard output and the rest of its
/// standard error.
fn interrupt(mut child: Child, mut err: BufReader<ChildStderr>) -> (String, String) {
    signal(&child, libc::SIGINT);
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}: {rest}");
    (out, rest)
}

fn ip(args: &str) {
    let st = Command::new("ip")
        .args(args.split(' '))
        .status()
        .expect("ip runs");
    assert!(st.success(), "ip {args}");
}

/// Wait until link watch has announced what it holds (veth events are urgent: at once).
fn settle() {
    std::thread::sleep(Duration::from_millis(300));
}

nltwin::sandbox_test!(
    fn link_events_as_ip_monitor_link_writes_them_and_ctrl_c_ends_cleanly() {
        let mut theirs = Command::new("ip")
            .args(["monitor", "link"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("ip monitor runs");
        let (ours, ours_err) = start_monitor(&["link"]);
        let (json, json_err) = start_monitor(&["link", "--json"]);
        // ip says nothing when it listens.
        std::thread::sleep(Duration::from_millis(300));
        for cmd in [
            "link add va type veth peer name vb",
            "link set va up",
            "link set vb up",
            "link set va mtu 1400",
            "link add br0 type bridge",
            "link set vb master br0",
            "link del va",
        ] {
            ip(cmd);
        }
        settle();
        let (text, summary) = interrupt(ours, ours_err);
        let (json, _) = interrupt(json, json_err);
        signal(&theirs, libc::SIGTERM);
        let mut expected = String::new();
        theirs
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut expected)
            .unwrap();
        let _ = theirs.wait();
        let events = expected.lines().filter(|l| !l.starts_with("    ")).count();
        assert!(events >= 8, "{expected}");
        pretty_assertions::assert_eq!(text, expected);
        assert!(
            summary.contains(&format!("{events} notifications")),
            "{summary}"
        );
        // The JSON: one object per event, the same events.
        let objs: Vec<Value> = json
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(objs.len(), events);
        let names = |o: &Value| {
            format!(
                "{} {}",
                o["event"].as_str().unwrap(),
                o["ifname"].as_str().unwrap()
            )
        };
        let from_text: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with("    "))
            .map(|l| {
                let del = l.starts_with("Deleted ");
                let name = l.split(": ").nth(1).unwrap().split('@').next().unwrap();
                format!("{} {name}", if del { "RTM_DELLINK" } else { "RTM_NEWLINK" })
            })
            .collect();
        assert_eq!(objs.iter().map(names).collect::<Vec<_>>(), from_text);
        assert!(objs.iter().any(|o| o["master"] == "br0"), "{json}");
    }
);

nltwin::sandbox_test!(
    fn an_overrun_says_how_many_were_lost() {
        // One monitor with a tiny queue, stopped while the links change; one with the
        // default queue sees everything.
        let (small, small_err) = start_monitor(&["link", "--json", "--rcvbuf", "1"]);
        let (big, big_err) = start_monitor(&["link", "--json"]);
        signal(&small, libc::SIGSTOP);
        for i in 0..20 {
            ip(&format!("link add a{i} type veth peer name b{i}"));
        }
        settle();
        signal(&small, libc::SIGCONT);
        std::thread::sleep(Duration::from_millis(300));
        let (small_out, small_sum) = interrupt(small, small_err);
        let (big_out, _) = interrupt(big, big_err);
        let parse = |s: &str| -> Vec<Value> {
            s.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let all = parse(&big_out);
        assert!(all.iter().all(|o| o["event"] != "overrun"));
        assert_eq!(all.len(), 40, "two RTM_NEWLINK per pair");
        let seen = parse(&small_out);
        let overruns: Vec<&Value> = seen.iter().filter(|o| o["event"] == "overrun").collect();
        assert!(!overruns.is_empty(), "{small_out}");
        let lost: u64 = overruns.iter().map(|o| o["lost"].as_u64().unwrap()).sum();
        let shown = seen.len() - overruns.len();
        // The drop counter accounts for every notification the small queue did not get.
        assert_eq!(shown as u64 + lost, 40, "{small_out}");
        assert!(
            small_sum.contains(&format!("{lost} lost to overruns")),
            "{small_sum}"
        );
        // Text: the message says so.
        let (txt, txt_err) = start_monitor(&["link", "--rcvbuf", "1"]);
        signal(&txt, libc::SIGSTOP);
        for i in 0..5 {
            ip(&format!("link add c{i} type veth peer name d{i}"));
        }
        settle();
        signal(&txt, libc::SIGCONT);
        std::thread::sleep(Duration::from_millis(300));
        let (out, _) = interrupt(txt, txt_err);
        assert!(
            out.contains("overrun (link): the receive queue was full (ENOBUFS), ")
                && out.contains(" notifications lost; what follows comes after the gap"),
            "{out}"
        );
    }
);

nltwin::sandbox_test!(
    fn generic_netlink_groups_and_count() {
        // netdev's mgmt group announces every new and deleted device.
        let (mon, mut err) = start_monitor(&["genl", "netdev:mgmt", "--count", "2", "--json"]);
        ip("link add va type veth peer name vb");
        let start = Instant::now();
        let mut mon = mon;
        let status = loop {
            if let Some(s) = mon.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "--count 2 did not end it"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success());
        let mut out = String::new();
        mon.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        let mut rest = String::new();
        err.read_to_string(&mut rest).unwrap();
        let objs: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(objs.len(), 2, "{out}");
        for o in &objs {
            assert_eq!(o["family"], "netdev");
            assert_eq!(o["group"], "mgmt");
            // NETDEV_CMD_DEV_ADD_NTF.
            assert_eq!(o["cmd"], 2);
        }
        assert!(rest.contains("2 notifications"), "{rest}");
    }
);

/// A trace creating a veth pair and deleting it, on the model.
const TRACE: &str = r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}
{"op":"send","sock":"a","msg":{"type":"RTM_NEWLINK","flags":["REQUEST","ACK","CREATE","EXCL"],"seq":1,"ifinfomsg":{},"attrs":[{"type":"IFLA_IFNAME","str":"va"},{"type":"IFLA_ADDRESS","hex":"020000000001"},{"type":"IFLA_LINKINFO","nested":[{"type":"IFLA_INFO_KIND","str":"veth"},{"type":"IFLA_INFO_DATA","hex":"280001000000000000000000000000000000000007000300766200000a0001000200000000020000"}]}]}}
{"op":"recv","sock":"a","len":32768,"flags":0}
{"op":"send","sock":"a","msg":{"type":"RTM_DELLINK","flags":["REQUEST","ACK"],"seq":2,"ifinfomsg":{},"attrs":[{"type":"IFLA_IFNAME","str":"va"}]}}
{"op":"recv","sock":"a","len":32768,"flags":0}
"#;

#[test]
fn on_the_model_a_trace_drives_what_the_monitor_shows() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("veth.jsonl");
    std::fs::write(&trace, TRACE).unwrap();
    let trace = trace.to_str().unwrap();
    let run = |extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_nltwin"))
            .args([
                "monitor",
                "link",
                "--backend",
                "model",
                "--model-trace",
                trace,
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
        (
            String::from_utf8(o.stdout).unwrap(),
            String::from_utf8(o.stderr).unwrap(),
        )
    };
    let (text, err) = run(&[]);
    assert_eq!(
        text,
        "2: vb@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \n    link/ether 02:00:00:00:00:02 brd ff:ff:ff:ff:ff:ff\n\
         3: va@vb: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group default \n    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n\
         Deleted 3: va@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \n    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n\
         Deleted 2: vb@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \n    link/ether 02:00:00:00:00:02 brd ff:ff:ff:ff:ff:ff\n"
    );
    assert!(err.contains("ran the 5 operations"), "{err}");
    assert!(err.contains("4 notifications"), "{err}");
    let (json, _) = run(&["--json", "--count", "3"]);
    let objs: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 3);
    assert_eq!(objs[1]["ifname"], "va");
    assert_eq!(objs[1]["link"], "vb");
    assert_eq!(
        objs[1]["flags"],
        serde_json::json!(["BROADCAST", "MULTICAST", "M-DOWN"])
    );
    assert_eq!(objs[2]["event"], "RTM_DELLINK");
    // A queue too small for the burst: the overrun is reported with what the model's drop
    // counter (SO_MEMINFO) says, and the shown and the lost add up to what was sent.
    let mut many = String::from(r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#);
    many.push('\n');
    for i in 0..30 {
        many.push_str(&format!(
            r#"{{"op":"send","sock":"a","msg":{{"type":"RTM_NEWLINK","flags":["REQUEST","CREATE","EXCL"],"seq":{i},"ifinfomsg":{{}},"attrs":[{{"type":"IFLA_IFNAME","str":"x{i}"}},{{"type":"IFLA_LINKINFO","nested":[{{"type":"IFLA_INFO_KIND","str":"veth"}}]}}]}}}}"#
        ));
        many.push('\n');
    }
    let many_path = dir.path().join("many.jsonl");
    std::fs::write(&many_path, many).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args([
            "monitor",
            "--json",
            "--backend",
            "model",
            "--rcvbuf",
            "1",
            "--model-trace",
        ])
        .arg(&many_path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let out = String::from_utf8(o.stdout).unwrap();
    let objs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lost: u64 = objs
        .iter()
        .filter(|o| o["event"] == "overrun")
        .map(|o| o["lost"].as_u64().unwrap())
        .sum();
    let shown = objs.iter().filter(|o| o["event"] != "overrun").count() as u64;
    assert!(lost > 0, "{out}");
    assert_eq!(shown + lost, 60, "two RTM_NEWLINK per pair: {out}");
    // Without a trace there is nothing to show, and it says why.
    let o = Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args(["monitor", "--backend", "model"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--model-trace FILE"));
    // --model-trace is for the model.
    let o = Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args(["monitor", "--model-trace", trace])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
