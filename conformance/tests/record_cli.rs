//! `nltwin record --import`, `nltwin diff --recorded` (with `--write-known` and `--profile`)
//! and `nltwin diff --between`, offline: a kernel-matrix result directory is made from this
//! machine's recording.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nltwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const SCENARIOS: [&str; 3] = [
    "autobind_tgid",
    "getlink_doit_index1_ack",
    "nlctrl_family_dump",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_owned()
}

/// A matrix result directory holding three of the reference recording's scenarios.
fn fake_matrix(dir: &Path) {
    let reference = root().join("expected/reference-6.18.44");
    for s in SCENARIOS {
        std::fs::copy(
            reference.join(format!("{s}.jsonl")),
            dir.join(format!("{s}.jsonl")),
        )
        .unwrap();
    }
    let write = |name: &str, content: &str| std::fs::write(dir.join(name), content).unwrap();
    write("uname-r", "6.18.44-fc-v1147\n");
    write("uname-v", "#1 SMP PREEMPT_DYNAMIC @0\n");
    write(
        "facts.txt",
        "/proc/sys/net/core/rmem_max=4194304\n/proc/sys/net/core/wmem_max=4194304\n\
         /sys/devices/system/cpu/possible=0-1\n",
    );
    write(
        "families.json",
        r#"[{"id":16,"name":"nlctrl"},{"id":20,"name":"netdev"},{"id":21,"name":"ethtool"}]"#,
    );
    write(
        "config",
        "CONFIG_VETH=y\nCONFIG_BRIDGE=y\nCONFIG_DEFAULT_NET_SCH=\"pfifo_fast\"\n",
    );
    write("modules.txt", "");
}

fn scenario_args(files: &mut Vec<String>) {
    for s in SCENARIOS {
        files.push(
            root()
                .join(format!("scenarios/{s}.jsonl"))
                .display()
                .to_string(),
        );
    }
}

#[test]
fn import_then_replay_plant_a_difference_and_keep_the_known_list_honest() {
    let tmp = tempfile::tempdir().unwrap();
    let matrix = tmp.path().join("6.18");
    std::fs::create_dir(&matrix).unwrap();
    fake_matrix(&matrix);
    let rec = tmp.path().join("rec");
    let rec_s = rec.display().to_string();
    let out = nltwin(&[
        "record",
        "--import",
        &matrix.display().to_string(),
        "--out",
        &rec_s,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("imported 3 scenarios"));
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rec.join("KERNEL.json")).unwrap()).unwrap();
    assert_eq!(info["id"], "kernel-6.18.44-fc-v1147");
    assert_eq!(info["host"]["default_qdisc"], "pfifo_fast");
    assert_eq!(info["link_kinds"]["veth"], true);
    assert_eq!(info["link_kinds"]["ifb"], false);
    assert_eq!(info["scenarios"].as_object().unwrap().len(), 3);

    // The recording against the model: the profile line first, every scenario the same.
    let mut args = vec!["diff".to_owned(), "--recorded".to_owned(), rec_s.clone()];
    scenario_args(&mut args);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = nltwin(&argv);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.starts_with("profile 6.18-minimal for kernel kernel-6.18.44-fc-v1147"),
        "{stdout}"
    );
    assert!(stdout.contains("3 same, 0 differ"), "{stdout}");

    // A wrong answer planted in the recording is a difference, listed by --write-known.
    let file = rec.join("autobind_tgid.jsonl");
    let good = std::fs::read_to_string(&file).unwrap();
    let bad = good.replacen(
        r#""op":"bind","sock":"a","ret":0"#,
        r#""op":"bind","sock":"a","errno":"EINVAL""#,
        1,
    );
    assert_ne!(good, bad, "the scenario binds");
    std::fs::write(&file, &bad).unwrap();
    let out = nltwin(&argv);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let out = nltwin(&["diff", "--recorded", &rec_s, "--write-known", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let known = std::fs::read_to_string(rec.join("KNOWN_DIFFERENCES")).unwrap();
    assert!(
        known.contains("autobind_tgid: op 2: errno: kernel \"EINVAL\""),
        "{known}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["profile"]["name"], "6.18-minimal");
    assert_eq!(doc["summary"]["same"], 2);
    // Scenarios the recording lacks are skipped with the reason, never passed.
    let skipped = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verdict"] == "skipped")
        .count();
    assert_eq!(
        skipped,
        doc["summary"]["scenarios"].as_u64().unwrap() as usize - 3
    );
    let out = nltwin(&["diff", "--recorded", &rec_s]);
    assert!(
        text(&out.stdout).contains("known differences: the 1 listed in"),
        "{}",
        text(&out.stdout)
    );

    // Fixed: the list is no longer exact, and says which entry to remove.
    std::fs::write(&file, &good).unwrap();
    let out = nltwin(&["diff", "--recorded", &rec_s]);
    assert!(
        text(&out.stdout).contains("listed but now the same (remove it): autobind_tgid"),
        "{}",
        text(&out.stdout)
    );

    // Two recordings: the sides are named by their ids.
    let reference = root().join("expected/reference-6.18.44");
    std::fs::write(&file, &bad).unwrap();
    let out = nltwin(&[
        "diff",
        "--between",
        &reference.display().to_string(),
        &rec_s,
        &root()
            .join("scenarios/autobind_tgid.jsonl")
            .display()
            .to_string(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("< reference-6.18.44 / kernel-6.18.44-fc-v1147 >"),
        "{stdout}"
    );
    assert!(
        stdout.contains("errno: reference-6.18.44 (none), kernel-6.18.44-fc-v1147 \"EINVAL\""),
        "{stdout}"
    );
}

#[test]
fn bad_input_is_an_error_naming_what_and_where() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = root().join("expected/reference-6.18.44");
    let out = nltwin(&[
        "diff",
        "--recorded",
        &reference.display().to_string(),
        "--profile",
        "no-such-profile",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("unknown profile \"no-such-profile\"") && err.contains("debian-6.12"),
        "{err}"
    );

    let rec = tmp.path().join("broken");
    std::fs::create_dir(&rec).unwrap();
    std::fs::write(rec.join("KERNEL.json"), "{\"format\":1}").unwrap();
    let out = nltwin(&["diff", "--recorded", &rec.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("broken/KERNEL.json") && err.contains("missing field"),
        "{err}"
    );

    let out = nltwin(&["diff", "--recorded", &tmp.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is "), "{}", text(&out.stderr));

    let out = nltwin(&["record", "--import", &tmp.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("uname-r (not a kernel matrix result directory?)"),
        "{}",
        text(&out.stderr)
    );

    // A directory holding another kernel's recording is not overwritten without --force.
    let matrix = tmp.path().join("m");
    std::fs::create_dir(&matrix).unwrap();
    fake_matrix(&matrix);
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::copy(
        root().join("expected/debian-6.1.192/KERNEL.json"),
        other.join("KERNEL.json"),
    )
    .unwrap();
    std::fs::write(other.join("autobind_tgid.jsonl"), "kept").unwrap();
    let out = nltwin(&[
        "record",
        "--import",
        &matrix.display().to_string(),
        "--out",
        &other.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(other.join("autobind_tgid.jsonl")).unwrap(),
        "kept"
    );
}
