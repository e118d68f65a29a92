//! `nltwin run`: unmodified programs on the model (through the preloaded library and the model
//! server) and in a kernel sandbox, with the same output; unmodeled calls stop the command
//! (exit 120) or fail with EOPNOTSUPP; statically linked programs are refused (121); exit
//! statuses pass through.
//!
//! Needs iproute2's `ip` (CI installs it and sets NLTWIN_REQUIRE_IPROUTE2=1 so its absence
//! fails there). Elsewhere, without it, the tests that need it say so and check nothing.

use std::process::Command;

mod run_common;
use run_common::{capture_preload, exe, ip_available, preload, run, text};

#[test]
fn ip_on_the_model_answers_as_in_a_kernel_sandbox() {
    if !ip_available() {
        return;
    }
    let script = "ip link add va type veth peer name vb mtu 1400 && \
                  ip addr add 10.1.2.3/24 dev va && \
                  ip addr add 10.1.2.4/24 brd + dev va label va:two && \
                  ip link set lo up && \
                  ip -4 -j addr show && \
                  ip addr del 10.1.2.3/24 dev va && \
                  ip -4 addr show dev va && \
                  ip -j link show lo";
    let model = run(&["--model", "--", "sh", "-c", script]);
    let kernel = run(&["--kernel", "--", "sh", "-c", script]);
    assert_eq!(model.status.code(), Some(0), "{}", text(&model.stderr));
    assert_eq!(kernel.status.code(), Some(0), "{}", text(&kernel.stderr));
    let out = text(&model.stdout);
    assert!(out.contains("\"local\":\"10.1.2.4\""), "{out}");
    assert!(out.contains("127.0.0.1"), "{out}");
    pretty_assertions::assert_eq!(out, text(&kernel.stdout));
}

#[test]
fn an_unmodeled_call_stops_the_command_or_fails_with_an_errno() {
    if !ip_available() {
        return;
    }
    // A bridge's forwarding entry get is not modeled: the command stops at `bridge fdb get`,
    // before `echo`.
    const FDB_GET: &str = "ip link add br0 type bridge; bridge fdb get 02:00:00:00:00:01 br br0";
    let stopped = run(&[
        "--model",
        "--",
        "sh",
        "-c",
        &format!("{FDB_GET}; echo after"),
    ]);
    assert_eq!(stopped.status.code(), Some(120));
    assert!(!text(&stopped.stdout).contains("after"));
    let err = text(&stopped.stderr);
    assert!(
        err.contains("does not model") && err.contains("rtnl_fdb_get"),
        "{err}"
    );
    // With --on-unmodeled errno the call fails and the command goes on.
    let errno = run(&[
        "--model",
        "--on-unmodeled",
        "errno",
        "--",
        "sh",
        "-c",
        &format!("{FDB_GET}; echo after=$?"),
    ]);
    assert_eq!(errno.status.code(), Some(0), "{}", text(&errno.stderr));
    assert!(text(&errno.stdout).contains("after="));
}

#[test]
fn exit_statuses_pass_through_on_both_sides() {
    for side in ["--model", "--kernel"] {
        let r = run(&[side, "--", "sh", "-c", "exit 7"]);
        assert_eq!(r.status.code(), Some(7), "{side}: {}", text(&r.stderr));
    }
    let missing = run(&["--model", "--", "no-such-command-nltwin"]);
    assert_eq!(missing.status.code(), Some(127));
}

#[test]
fn a_statically_linked_program_is_refused_not_run_against_the_kernel() {
    let dir = std::env::temp_dir().join(format!("nltwin-static-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // An ELF64 header with no program headers: no interpreter, so nothing would load the
    // library. It is refused before it is started.
    let mut elf = vec![0u8; 64];
    elf[..4].copy_from_slice(b"\x7fELF");
    elf[4] = 2;
    elf[5] = 1;
    let path = dir.join("static-prog");
    std::fs::write(&path, &elf).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = run(&["--model", "--", path.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(121));
    assert!(
        text(&r.stderr).contains("statically linked"),
        "{}",
        text(&r.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether the Python the pyroute2 command scenario runs (`$NLTWIN_PYTHON`, else `python3`)
/// has pyroute2; CI makes one (ci/pyroute2-venv.sh) and sets NLTWIN_REQUIRE_PYROUTE2=1.
fn pyroute2_available() -> bool {
    let python = std::env::var("NLTWIN_PYTHON").unwrap_or_else(|_| "python3".into());
    let found = Command::new(&python)
        .args(["-c", "import pyroute2"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("NLTWIN_REQUIRE_PYROUTE2").is_some() {
        panic!("pyroute2 is required here (NLTWIN_REQUIRE_PYROUTE2) but {python} lacks it");
    }
    if !found {
        eprintln!("{python} has no pyroute2: the pyroute2 command scenario is left out");
    }
    found
}

#[test]
fn the_bundled_command_scenarios_agree() {
    if !ip_available() {
        return;
    }
    let mut scripts = nltwin_conformance::commands::bundled_commands().expect("the scripts");
    if !pyroute2_available() {
        scripts.retain(|s| !s.to_string_lossy().contains("pyroute2"));
    }
    // Scripts whose model side makes and enters real network namespaces need root on the host
    // (the kernel side is root of its sandbox); the unprivileged rerun of the tests leaves them
    // out, saying so.
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        scripts.retain(|s| {
            let needs_root = std::fs::read_to_string(s)
                .is_ok_and(|t| t.lines().any(|l| l.trim() == "# nltwin-needs: host-root"));
            if needs_root {
                eprintln!("{}: needs root on the host: left out", s.display());
            }
            !needs_root
        });
    }
    let out = Command::new(exe())
        .args(["diff", "--commands", "--json"])
        .args(&scripts)
        .env("NLTWIN_PRELOAD", preload())
        .env("NLTWIN_CAPTURE_PRELOAD", capture_preload())
        .output()
        .expect("nltwin runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["differ"], 0, "{}", text(&out.stdout));
    assert_eq!(doc["same"].as_u64(), Some(scripts.len() as u64), "{doc}");
    assert!(scripts.len() >= 5, "{scripts:?}");
    // Each script ran to its end on the kernel: a scenario that fails the same way on both
    // sides (a missing program, a module that does not import) proves nothing.
    for c in doc["commands"].as_array().expect("commands") {
        assert_eq!(c["kernel"]["status"], 0, "{c}");
        // And its netlink exchange was captured and compared: every script runs programs
        // that talk netlink.
        let procs = c["exchange"]["processes"].as_array().expect("processes");
        assert!(!procs.is_empty(), "no process captured: {c}");
        assert_eq!(c["exchange"]["verdict"], "same", "{c}");
    }
    assert_eq!(out.status.code(), Some(0));
}
