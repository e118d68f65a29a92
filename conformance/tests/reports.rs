//! `nltwin diff --json` and `--junit`: the documents parse and say what happened.

use std::process::Command;

const SAME: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/getlink_doit_index1_ack.jsonl"
);

#[test]
fn json_and_junit_report_a_same_and_a_differing_scenario() {
    let dir = tempfile::tempdir().unwrap();
    // The model does not implement SOCK_DIAG: this trace differs.
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
    let junit = dir.path().join("junit.xml");
    let out = Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args(["diff", "--json", "--junit"])
        .arg(&junit)
        .arg(SAME)
        .arg(&diag)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["summary"]["scenarios"], 2);
    assert_eq!(doc["summary"]["same"], 1);
    assert_eq!(doc["summary"]["differ"], 1);
    assert!(doc["summary"]["bytes_compared"].as_u64().unwrap() > 1000);
    assert_eq!(doc["scenarios"][0]["verdict"], "same");
    let d = &doc["scenarios"][1];
    assert_eq!(d["verdict"], "differ");
    assert!(!d["differences"].as_array().unwrap().is_empty());
    assert!(d["differences"][0]["op"].as_u64().unwrap() >= 2);

    let xml = std::fs::read_to_string(&junit).unwrap();
    let tree = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = tree.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("2"));
    assert_eq!(root.attribute("failures"), Some("1"));
    let suite = root
        .children()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].attribute("name"), Some("getlink_doit_index1_ack"));
    assert!(cases[0].children().all(|n| !n.has_tag_name("failure")));
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure
        .attribute("message")
        .unwrap()
        .starts_with("differs from the kernel in"));
    let body = failure.text().unwrap_or("");
    assert!(
        body.contains("kernel /") && !body.contains('\u{1b}'),
        "{body}"
    );
}
