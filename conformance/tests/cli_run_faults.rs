//! `nltwin run` under faults, and who may talk to its model server: the socket's directory is
//! private (0700) and gone with the run, a process left running ends with it, and nothing
//! answers after it; a process of another
//! run is refused, and two runs at once do not see each other's links; a program killed in
//! the middle of a dump, one that never reads (ENOBUFS, as from the kernel), and one that
//! closes a socket under a blocked receive leave the rest as the kernel does; a server that
//! dies makes a blocked program exit with a clear message instead of hanging; two threads
//! calling on one socket at once each get their own answers.
//!
//! The misbehaving programs are `nltwin fault-probe` (hidden), which makes its calls through
//! the C library like any program. Needs iproute2's `ip` (see `run_common`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod run_common;
use run_common::{exe, ip_available, preload, text};

/// `nltwin run SIDE -- sh -c SCRIPT` with `$P` the nltwin binary and `$T` a directory of
/// the test's.
fn run_script(side: &str, dir: &Path, script: &str) -> Output {
    Command::new(exe())
        .args(["run", side, "--", "sh", "-c", script])
        .env("NLTWIN_PRELOAD", preload())
        .env("P", exe())
        .env("T", dir)
        .output()
        .expect("nltwin runs")
}

/// Run `script` under `nltwin run --model` and `--kernel`: both exit 0, the model prints
/// `expected`, and the kernel the same.
fn same_on_both_sides(dir: &Path, script: &str, expected: &str) {
    let model = run_script("--model", dir, script);
    let kernel = run_script("--kernel", dir, script);
    assert_eq!(model.status.code(), Some(0), "{}", text(&model.stderr));
    assert_eq!(kernel.status.code(), Some(0), "{}", text(&kernel.stderr));
    assert_eq!(text(&model.stdout), expected);
    assert_eq!(text(&model.stdout), text(&kernel.stdout));
}

fn tempdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    // The kernel side runs as root of a user namespace: let it write here whoever it maps to.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    d
}

/// Wait until `path` exists (at most `secs`), then its contents.
fn wait_for_file(path: &Path, secs: u64) -> Option<String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if let Ok(s) = std::fs::read_to_string(path) {
            if !s.is_empty() {
                return Some(s);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// A batch file for `ip -batch` adding `n` veth pairs named `{prefix}N`/`{prefix}pN`.
fn veth_batch(dir: &Path, prefix: &str, n: usize) -> PathBuf {
    let path = dir.join(format!("{prefix}.batch"));
    let lines: String = (0..n)
        .map(|i| format!("link add {prefix}{i} type veth peer name {prefix}p{i}\n"))
        .collect();
    std::fs::write(&path, lines).unwrap();
    path
}

#[test]
fn the_socket_directory_is_private_and_nothing_answers_after_the_run() {
    let t = tempdir();
    let script = r#"echo "$NLTWIN_MODEL_SOCK"
        stat -c '%a %u %F' "$(dirname "$NLTWIN_MODEL_SOCK")"
        stat -c '%F' "$NLTWIN_MODEL_SOCK"
        ( sleep 1; "$P" fault-probe block-recv "$T/ready" 2> "$T/err"; echo $? > "$T/status" ) \
            > /dev/null 2>&1 &"#;
    let out = run_script("--model", t.path(), script);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    assert_eq!(lines[1], format!("700 {me} directory"), "{stdout}");
    assert_eq!(lines[2], "socket", "{stdout}");
    let sock = Path::new(lines[0]);
    assert!(
        !sock.parent().unwrap().exists(),
        "the directory outlived the run"
    );
    // A process of the command still running when it exits is ended with it, as on the
    // kernel side (src/leftovers.rs): it never gets to its netlink call, nor to a word.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !t.path().join("status").exists() && !t.path().join("err").exists(),
        "the leftover process ran on after the command"
    );
    // A process that uses the socket after the run (here one started outside it, with the
    // run's environment): no server answers; it says so and exits 123 rather than waiting or
    // taking an errno for the kernel's.
    let late = Command::new(exe())
        .args(["fault-probe", "block-recv"])
        .arg(t.path().join("ready"))
        .env("LD_PRELOAD", preload())
        .env("NLTWIN_MODEL_SOCK", sock)
        .output()
        .expect("the late process runs");
    assert_eq!(late.status.code(), Some(123), "{}", text(&late.stderr));
    let err = text(&late.stderr);
    assert!(
        err.contains("nltwin run: the model server at") && err.contains("cannot be reached"),
        "{err}"
    );
}

#[test]
fn two_runs_at_once_see_only_their_own_links_and_refuse_each_others_processes() {
    if !ip_available() {
        return;
    }
    let t = tempdir();
    let a_script = r#"echo "$NLTWIN_MODEL_SOCK" > "$T/a_sock"
        ip link add a0 type veth peer name a1 || exit 9
        n=0; while [ ! -e "$T/b_done" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n+1)); done
        ip -o link show | cut -d: -f2 | cut -d@ -f1"#;
    let a = Command::new(exe())
        .args(["run", "--model", "--", "sh", "-c", a_script])
        .env("NLTWIN_PRELOAD", preload())
        .env("T", t.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let a_sock = wait_for_file(&t.path().join("a_sock"), 30).expect("run A started");
    // Run B, while A runs: its own links only; then one of its processes aims at A's server.
    let b_script = format!(
        r#"ip link add b0 type veth peer name b1 || exit 9
        ip -o link show | cut -d: -f2 | cut -d@ -f1
        NLTWIN_MODEL_SOCK={} ip link show; echo "intruder: $?"
        touch "$T/b_done""#,
        a_sock.trim()
    );
    let b = run_script("--model", t.path(), &b_script);
    let a = a.wait_with_output().unwrap();
    assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    assert_eq!(text(&b.stdout), " lo\n b1\n b0\nintruder: 123\n");
    assert_eq!(text(&a.stdout), " lo\n a1\n a0\n");
    let b_err = text(&b.stderr);
    assert!(
        b_err.contains("refused this process")
            && b_err.contains("is not a process of this run")
            && b_err.contains("exits (123)"),
        "{b_err}"
    );
    let a_err = text(&a.stderr);
    assert!(
        a_err.contains("nltwin run: the model server refused a connection: pid "),
        "{a_err}"
    );
}

#[test]
fn a_program_killed_in_the_middle_of_a_dump_leaves_the_others_as_the_kernel_does() {
    if !ip_available() {
        return;
    }
    let t = tempdir();
    veth_batch(t.path(), "k", 20);
    let script = r#"ip -batch "$T/k.batch" || exit 9
        "$P" fault-probe dump-then-die; echo "probe: $?"
        ip -o link show | wc -l
        ip link add last0 type veth peer name last1 && echo added
        ip -o link show | wc -l"#;
    same_on_both_sides(
        t.path(),
        script,
        "first datagram: yes\nprobe: 137\n41\nadded\n43\n",
    );
}

#[test]
fn a_listener_that_never_reads_gets_enobufs_as_from_the_kernel_and_the_others_go_on() {
    if !ip_available() {
        return;
    }
    let sides = ["--model", "--kernel"].map(|side| {
        let t = tempdir();
        veth_batch(t.path(), "n", 12);
        let script = r#""$P" fault-probe never-read 1024 "$T/ready" "$T/go" > "$T/out" &
            n=0; while [ ! -e "$T/ready" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n+1)); done
            ip -batch "$T/n.batch"; echo "batch: $?"
            touch "$T/go"; wait; echo "listener: $?"
            cat "$T/out"
            ip -o link show | wc -l"#;
        let out = run_script(side, t.path(), script);
        assert_eq!(out.status.code(), Some(0), "{side}: {}", text(&out.stderr));
        text(&out.stdout)
    });
    let [model, kernel] = sides;
    assert!(
        model.starts_with("batch: 0\nlistener: 0\nENOBUFS "),
        "{model}"
    );
    assert!(model.ends_with(" EAGAIN\n25\n"), "{model}");
    assert_eq!(model, kernel);
}

#[test]
fn a_socket_closed_under_a_blocked_receive_acts_as_in_the_kernel() {
    if !ip_available() {
        return;
    }
    let t = tempdir();
    let script = r#""$P" fault-probe close-from-thread"#;
    // The receive holds the socket, as recvmsg holds it in the kernel: the notification of
    // the new link still reaches it, and the number closed is not asked about.
    same_on_both_sides(
        t.path(),
        script,
        "close: 0; ip: 0; the blocked receive: data 16\n",
    );
}

#[test]
fn two_threads_calling_on_one_socket_at_once_each_get_their_own_answers() {
    let t = tempdir();
    let script = r#""$P" fault-probe threads-share-socket"#;
    same_on_both_sides(
        t.path(),
        script,
        "answers not theirs: 0 of 300 names, 0 of 300 links\n",
    );
}

#[test]
fn a_dead_server_makes_a_blocked_program_exit_with_a_clear_error() {
    let t = tempdir();
    let script = r#"echo "$NLTWIN_MODEL_SOCK" > "$T/sock"
        ( "$P" fault-probe block-recv "$T/ready" 2> "$T/err"; echo $? > "$T/status" ) &
        wait"#;
    let mut run = Command::new(exe())
        .args(["run", "--model", "--", "sh", "-c", script])
        .env("NLTWIN_PRELOAD", preload())
        .env("P", exe())
        .env("T", t.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_file(&t.path().join("ready"), 30).expect("the probe listens");
    std::thread::sleep(Duration::from_millis(200));
    // nltwin (and its server with it) dies at once.
    run.kill().unwrap();
    let _ = run.wait();
    let status = wait_for_file(&t.path().join("status"), 15)
        .expect("the blocked program ended instead of hanging");
    // A killed nltwin cannot remove its socket's directory: the test does.
    if let Ok(sock) = std::fs::read_to_string(t.path().join("sock")) {
        if let Some(dir) = Path::new(sock.trim()).parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    assert_eq!(status.trim(), "123");
    let err = std::fs::read_to_string(t.path().join("err")).unwrap();
    assert!(
        err.contains("nltwin run: the model server at")
            && err.contains("is gone (its nltwin run ended or died)"),
        "{err}"
    );
}
