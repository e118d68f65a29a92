//! Command scenarios: a shell script of ordinary commands (`ip`, `bridge`, `genl`, ...) run
//! under `nltwin run --kernel` (a fresh sandbox) and `nltwin run --model` (a fresh model
//! namespace), compared on standard output, standard error and exit status. Random MAC
//! addresses the script did not set are masked (the text form of the catalogue's random-MAC
//! rule); nothing else is. Each side's netlink calls are captured too (`nltwin run
//! --capture`) and compared process by process ([`crate::command_exchange`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

/// One side's run of a command scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandRun {
    /// Standard output, masked.
    pub stdout: String,
    /// Standard error, masked.
    pub stderr: String,
    /// The exit status (`None`: ended by a signal).
    pub status: Option<i32>,
}

/// The comparison of a command scenario's two runs.
#[derive(Clone, Debug)]
pub struct CommandReport {
    /// The script.
    pub path: PathBuf,
    /// The kernel sandbox's run.
    pub kernel: CommandRun,
    /// The model's run.
    pub model: CommandRun,
    /// The processes' netlink exchanges compared, one report per process (in order of start
    /// on the kernel side, then those only the model side ran).
    pub exchange: Vec<crate::command_exchange::ProcessReport>,
}

impl CommandReport {
    /// Whether both runs agree.
    pub fn same(&self) -> bool {
        self.kernel == self.model && self.exchange.iter().all(|p| p.same())
    }

    /// Whether the exchanges agree (every process's).
    pub fn exchange_same(&self) -> bool {
        self.exchange.iter().all(|p| p.same())
    }

    /// The report as JSON (`nltwin diff --json` of command scenarios).
    pub fn to_json(&self) -> serde_json::Value {
        let side =
            |r: &CommandRun| json!({"stdout": r.stdout, "stderr": r.stderr, "status": r.status});
        json!({
            "scenario": self.path.display().to_string(),
            "verdict": if self.same() { "same" } else { "differ" },
            "kernel": side(&self.kernel),
            "model": side(&self.model),
            "exchange": {
                "verdict": if self.exchange_same() { "same" } else { "differ" },
                "processes": self.exchange.iter().map(|p| p.to_json()).collect::<Vec<_>>(),
            },
        })
    }

    /// The report as text: the verdict, then for each stream that differs its first
    /// differing lines, `<` kernel and `>` model.
    pub fn render(&self) -> String {
        let name = self.path.display();
        let calls: usize = self.exchange.iter().map(|p| p.calls.0).sum();
        if self.same() {
            return format!(
                "{name}: same (output, and the netlink exchange: {} processes, {calls} calls)\n",
                self.exchange.len()
            );
        }
        let mut out = format!("{name}: DIFFER\n");
        if self.kernel.status != self.model.status {
            out += &format!(
                "  exit status: kernel {:?}, model {:?}\n",
                self.kernel.status, self.model.status
            );
        }
        for (what, k, m) in [
            ("stdout", &self.kernel.stdout, &self.model.stdout),
            ("stderr", &self.kernel.stderr, &self.model.stderr),
        ] {
            if k == m {
                continue;
            }
            out += &format!("  {what}:\n");
            let (kl, ml): (Vec<&str>, Vec<&str>) = (k.lines().collect(), m.lines().collect());
            let mut shown = 0;
            for i in 0..kl.len().max(ml.len()) {
                let (a, b) = (kl.get(i), ml.get(i));
                if a == b {
                    continue;
                }
                if let Some(a) = a {
                    out += &format!("    {:>4} < {a}\n", i + 1);
                }
                if let Some(b) = b {
                    out += &format!("    {:>4} > {b}\n", i + 1);
                }
                shown += 1;
                if shown == 10 {
                    out += "    ...\n";
                    break;
                }
            }
        }
        if !self.exchange_same() {
            let differ = self.exchange.iter().filter(|p| !p.same()).count();
            out += &format!(
                "  netlink exchange: {differ} of {} processes differ\n",
                self.exchange.len()
            );
            for p in &self.exchange {
                out += &p.render();
            }
        }
        out
    }
}

/// The bundled command scenarios (`conformance/commands/*.sh`, or `$NLTWIN_COMMANDS`).
pub fn bundled_commands() -> std::io::Result<Vec<PathBuf>> {
    let dir = std::env::var_os("NLTWIN_COMMANDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("commands"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    v.sort();
    Ok(v)
}

/// Run `script` under `nltwin run` (`exe`) with `side` (`--kernel` or `--model`) and the extra
/// arguments, from the script's directory.
fn run_side(
    exe: &Path,
    script: &Path,
    side: &str,
    extra: &[String],
    text: &str,
    capture: &Path,
) -> std::io::Result<CommandRun> {
    let script = std::fs::canonicalize(script)?;
    let mut cmd = Command::new(exe);
    cmd.arg("run")
        .arg(side)
        .arg("--capture")
        .arg(capture)
        .args(extra)
        .arg("--")
        .arg("sh")
        .arg(&script)
        // A scenario may run nltwin's own commands (`"$NLTWIN" addr list`): the same binary.
        .env("NLTWIN", exe);
    if let Some(d) = script.parent() {
        cmd.current_dir(d);
    }
    let out = cmd.output()?;
    Ok(CommandRun {
        stdout: mask_random_macs(&String::from_utf8_lossy(&out.stdout), text),
        stderr: mask_random_macs(&String::from_utf8_lossy(&out.stderr), text),
        status: out.status.code(),
    })
}

/// Run one command scenario on both sides.
pub fn diff_command(
    exe: &Path,
    script: &Path,
    model_args: &[String],
) -> anyhow::Result<CommandReport> {
    let text = std::fs::read_to_string(script)
        .map_err(|e| anyhow::anyhow!("{}: {e}", script.display()))?;
    let base = std::env::temp_dir().join(format!(
        "nltwin-commands-{}-{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let (kdir, mdir) = (base.join("kernel"), base.join("model"));
    let runs = (|| {
        let kernel = run_side(exe, script, "--kernel", &[], &text, &kdir)?;
        let model = run_side(exe, script, "--model", model_args, &text, &mdir)?;
        Ok::<_, std::io::Error>((kernel, model))
    })();
    // A side that stopped before its command ran (a statically linked program refused, a run
    // that could not be set up) made no directory: it captured nothing.
    let load = |d: &Path| {
        if d.exists() {
            crate::capture::load_dir(d)
        } else {
            Ok(Vec::new())
        }
    };
    let captures = (|| Ok::<_, String>((load(&kdir)?, load(&mdir)?)))();
    let _ = std::fs::remove_dir_all(&base);
    let (kernel, model) = runs?;
    let (kprocs, mprocs) =
        captures.map_err(|e| anyhow::anyhow!("{}: the capture: {e}", script.display()))?;
    Ok(CommandReport {
        path: script.to_path_buf(),
        kernel,
        model,
        exchange: crate::command_exchange::compare(&kprocs, &mprocs),
    })
}

/// The JUnit XML report of command scenarios: one test case per script, a failure with the
/// readable report (output and exchange) for each that differs.
pub fn to_junit(reports: &[CommandReport], elapsed: std::time::Duration) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new("nltwin diff --commands");
    for r in reports {
        let name = r.path.file_stem().map_or_else(
            || r.path.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        let status = if r.same() {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let what = match (r.kernel == r.model, r.exchange_same()) {
                (false, false) => "output and netlink exchange differ",
                (false, true) => "output differs",
                _ => "netlink exchange differs",
            };
            s.set_message(what);
            s.set_type("divergence");
            s.set_description(crate::report::strip_ansi(&r.render()));
            s
        };
        let mut case = TestCase::new(name, status);
        case.set_classname("nltwin.commands");
        suite.add_test_case(case);
    }
    suite.set_time(elapsed);
    let mut report = Report::new("nltwin");
    report.set_time(elapsed);
    report.add_test_suite(suite);
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- cannot serialize the JUnit report: {e} -->"))
}

/// Replace each MAC address in `s` (six groups of one or two hex digits, as `ip` prints them,
/// bridge ids' unpadded form included) that looks random (locally administered, unicast) and
/// does not appear in the script with `<random-mac>`.
pub fn mask_random_macs(s: &str, script: &str) -> String {
    let script = script.to_ascii_lowercase();
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if let Some((len, octets)) = mac_at(&b[i..]) {
            let boundary_before = i == 0 || !(b[i - 1].is_ascii_hexdigit() || b[i - 1] == b':');
            let text = &s[i..i + len];
            let random = octets[0] & 0x02 != 0 && octets[0] & 0x01 == 0;
            if boundary_before && random && !script.contains(&text.to_ascii_lowercase()) {
                out.push_str("<random-mac>");
                i += len;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

/// A MAC address at the start of `b`: its length and octets.
fn mac_at(b: &[u8]) -> Option<(usize, [u8; 6])> {
    let mut octets = [0u8; 6];
    let mut i = 0;
    for (n, o) in octets.iter_mut().enumerate() {
        let start = i;
        while i < b.len() && i - start < 2 && b[i].is_ascii_hexdigit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        *o = u8::from_str_radix(std::str::from_utf8(&b[start..i]).ok()?, 16).ok()?;
        if n < 5 {
            if b.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
        }
    }
    if b.get(i)
        .is_some_and(|c| c.is_ascii_hexdigit() || *c == b':')
    {
        return None;
    }
    Some((i, octets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_macs_are_masked_unless_the_script_set_them() {
        let out =
            "link/ether 3e:13:ee:f0:40:9b brd ff:ff:ff:ff:ff:ff\nbridge_id 8000.72:a:77:3f:5:23\n\
                   link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff";
        let masked = mask_random_macs(out, "ip link add va address 02:00:00:00:00:01 type veth");
        assert_eq!(
            masked,
            "link/ether <random-mac> brd ff:ff:ff:ff:ff:ff\nbridge_id 8000.<random-mac>\n\
             link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff"
        );
        // Times and IPv6 addresses are not MACs.
        let t = "12:30:45 fe80::1:2:3:4:5";
        assert_eq!(mask_random_macs(t, ""), t);
    }
}
