//! `nltwin diff --html FILE`: one self-contained page, rendered by a real browser. The run is a
//! recording against the model with another release's profile (Debian 6.1's answers against
//! 6.18's model), so it has differences and needs no kernel.
//!
//! The browser check needs `chromium-headless-shell` (Debian package of that name; CI installs
//! it and sets NLTWIN_REQUIRE_CHROMIUM=1 so its absence fails there). Elsewhere, without it,
//! that part says so and checks only the page's text.

use std::path::Path;
use std::process::Command;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_nltwin"))
}

const BROWSER: &str = "chromium-headless-shell";

fn browser_available() -> bool {
    let found = Command::new(BROWSER).arg("--version").output().is_ok();
    if !found && std::env::var_os("NLTWIN_REQUIRE_CHROMIUM").is_some() {
        panic!("{BROWSER} is required here (NLTWIN_REQUIRE_CHROMIUM) but cannot be run");
    }
    found
}

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn the_html_report_shows_each_difference_decoded_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let scenarios = ["getlink_dump_fresh_namespace", "nlctrl_getfamily_by_id"];
    let out = Command::new(exe())
        .args(["diff", "--profile", "6.18-minimal", "--recorded"])
        .arg(root().join("conformance/expected/debian-6.1.192"))
        .arg("--html")
        .arg(&page)
        .args(
            scenarios
                .iter()
                .map(|s| root().join(format!("conformance/scenarios/{s}.jsonl"))),
        )
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DIFFER"), "{text}");
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing fetched.
    for fetch in ["src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(fetch), "the page fetches something: {fetch}");
    }
    // The verdict table names each scenario with its verdict, linking to its section.
    assert!(html.contains("<td>getlink_dump_fresh_namespace</td><td><a href=\"#s0\">differ in"));
    // The two sides decoded: message names and attributes by name, each side its column.
    assert!(html.contains("message 1: RTM_NEWLINK"));
    assert!(html.contains("<span class=\"k\">IFLA_IFNAME</span> <span class=\"v\">&quot;lo&quot;"));
    // The kernel's explanation line and the raw bytes a click away.
    assert!(html.contains("<p class=\"explain\">"));
    assert!(html.contains("<details><summary>raw bytes</summary>"));
    // A masked field says why.
    assert!(html.contains(
        "class=\"masked\" title=\"RTM_NEWLINK IFLA_AF_SPEC/AF_INET6/IFLA_INET6_CACHEINFO"
    ));

    if !browser_available() {
        eprintln!("{BROWSER} not found: the page was not rendered in a browser");
        return;
    }
    let dom = Command::new(BROWSER)
        .args(["--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    // The page's script ran in the browser and counted what it marked.
    let at = dom
        .find("Marked fields: ")
        .expect("the summary is in the rendered page");
    let counted = &dom[at..at + 60];
    assert!(
        !counted.contains("counted by the page's script"),
        "the script did not run: {counted}"
    );
    let differing: usize = counted["Marked fields: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("a count: {counted}"));
    let marked_cells = dom.matches("class=\"f d\"").count();
    assert!(differing > 0, "{counted}");
    assert_eq!(differing, marked_cells, "{counted}");
}
