//! Every command that runs the kernel side in a sandbox exits 4 when no fresh user+network
//! namespace can be entered, with the message saying what to check. The refusal is made real
//! (not simulated): the commands run in a user namespace whose `user.max_user_namespaces` is
//! 0, so their own unshare(CLONE_NEWUSER) fails with ENOSPC, as on a host that disables them.

use std::process::Command;

/// Run `nltwin ARGS` inside a user namespace that allows no nested one; None when this
/// machine cannot make such a namespace at all (then there is nothing to test).
fn nltwin_without_userns(args: &[&str]) -> Option<(i32, String)> {
    let exe = env!("CARGO_BIN_EXE_nltwin");
    let script = "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$@\"";
    let out = Command::new("unshare")
        .args(["-Ur", "sh", "-c", script, "sh", exe])
        .args(args)
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if stderr.contains("unshare failed") || stderr.contains("max_user_namespaces: ") {
        eprintln!("skipped: cannot make a restricted user namespace here: {stderr}");
        return None;
    }
    Some((out.status.code().unwrap_or(-1), stderr))
}

fn scenario() -> String {
    format!(
        "{}/scenarios/autobind_tgid.jsonl",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn kernel_side_commands_exit_4_without_user_namespaces() {
    let s = scenario();
    let tmp = std::env::temp_dir().join(format!("nltwin-nosandbox-{}", std::process::id()));
    let out = tmp.to_string_lossy().into_owned();
    let cases: [&[&str]; 6] = [
        &["exchange", "--backend", "kernel", &s],
        &["diff", &s],
        &["record", "--out", &out, &s],
        &["facts"],
        &["link", "list", "--sandbox"],
        &["family", "list", "--sandbox"],
    ];
    for args in cases {
        let Some((code, stderr)) = nltwin_without_userns(args) else {
            return;
        };
        assert_eq!(code, 4, "nltwin {args:?}: {stderr}");
        assert!(
            stderr.contains("cannot enter a fresh user+network namespace")
                && stderr.contains("max_user_namespaces"),
            "nltwin {args:?} says what failed and what to check: {stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
    // The model side needs no sandbox: the same restriction leaves it working.
    let (code, stderr) = nltwin_without_userns(&["exchange", "--backend", "model", &s]).unwrap();
    assert_eq!(code, 0, "{stderr}");
}
