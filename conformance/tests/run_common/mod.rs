//! What the tests of `nltwin run` share: the binary, the preloaded library built for the test
//! run, whether iproute2 is there, and running `nltwin run`.
// Each test binary compiles this module and uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_nltwin"))
}

/// The cdylib `file` of package `package`, built for this test run (`cargo test` does not
/// build cdylibs); where cargo cannot run (the unprivileged rerun of the test binaries), the one
/// already built.
fn built_cdylib(package: &str, file: &str) -> PathBuf {
    let profile_dir = exe().parent().expect("target/<profile>");
    let target_dir = profile_dir.parent().expect("target");
    let lib = profile_dir.join(file);
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "-q", "-p", package, "--target-dir"])
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    let built = build.status().is_ok_and(|s| s.success());
    assert!(
        built || lib.exists(),
        "could not build {package} and {} does not exist",
        lib.display()
    );
    lib
}

/// The preloaded library (`nltwin run --model`).
pub fn preload() -> &'static Path {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| built_cdylib("nltwin-preload", "libnltwin_preload.so"))
}

/// The capture library (`nltwin run --capture`).
pub fn capture_preload() -> &'static Path {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| built_cdylib("nltwin-capture", "libnltwin_capture.so"))
}

pub fn ip_available() -> bool {
    let found = Command::new("ip").arg("-V").output().is_ok();
    if !found && std::env::var_os("NLTWIN_REQUIRE_IPROUTE2").is_some() {
        panic!("iproute2's ip is required here (NLTWIN_REQUIRE_IPROUTE2) but cannot be run");
    }
    if !found {
        eprintln!("iproute2's ip is not installed: nothing checked");
    }
    found
}

pub fn run(args: &[&str]) -> Output {
    Command::new(exe())
        .arg("run")
        .args(args)
        .env("NLTWIN_PRELOAD", preload())
        .env("NLTWIN_CAPTURE_PRELOAD", capture_preload())
        .output()
        .expect("nltwin runs")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
