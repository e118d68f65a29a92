//! `nltwin fuzz`: differential fuzzing of the model against the kernel.
//!
//! A case is a seed scenario with one `send` mutated (bit and byte changes, the header's length,
//! type and flags, truncation, an extra message, an attribute's length or type). It runs on the
//! kernel (fresh sandbox) and on the model and is compared after the named normalizations, as
//! `nltwin diff` does. Four outcomes are not divergences: the model answering `unimplemented`
//! (a known gap, counted as unimplemented), the kernel disagreeing with itself on a second run
//! (the case depends on something random, e.g. a kernel-chosen MAC address: counted as
//! unstable), a divergence that goes away when the case runs again with a short sleep before
//! each receive (the kernel's deferred work, such as link watch on a worker, had not run yet
//! where the model's had: counted and reported as timing, not filed), and a case that runs into
//! the same divergence as one already filed. Every other divergence is minimized (operations
//! after the first difference cut, then earlier ones dropped while the same operation still
//! differs first), then run again [`REPRODUCE_RUNS`] times: filed as a scenario file when it
//! diverges at the same operation every time, else counted as unreproducible (the kernel's own
//! timing on a loaded machine, past the second kernel run and the sleeps: the model is
//! deterministic, so a model bug diverges every time) and reported on a line, not filed.
//!
//! The same seed gives the same cases: the generator is a seeded ChaCha8 stream.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use nltwin_wire::catalogue::FamilyHeader;
use nltwin_wire::nla;
use nltwin_wire::nlmsg;
use nltwin_wire::uapi::netlink::NLA_F_NESTED;

use crate::diff::Verdict;

/// What to fuzz and for how long.
#[derive(Clone, Debug)]
pub struct FuzzConfig {
    /// The generator's seed.
    pub seed: u64,
    /// Stop after this many cases.
    pub cases: u64,
    /// Stop after this long.
    pub time: Duration,
    /// Where divergences are written.
    pub out: PathBuf,
    /// The model's profile (none: the default profile on this host).
    pub profile: Option<nltwin::model::profile::Profile>,
}

/// Counts of one fuzzing run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuzzSummary {
    /// Cases run.
    pub cases: u64,
    /// Cases where both sides agreed.
    pub same: u64,
    /// Cases where the model answered `unimplemented`.
    pub unimplemented: u64,
    /// Cases where the kernel disagreed with itself.
    pub unstable: u64,
    /// Divergences that went away with a short sleep before each receive: the kernel's
    /// deferred work ran later than the model's (seed scenario, mutation, first differing
    /// operation), not filed.
    pub timing: Vec<(String, &'static str, usize)>,
    /// Divergences whose minimized case did not diverge at the same operation in every one of
    /// [`REPRODUCE_RUNS`] further runs (seed scenario, mutation, first differing operation),
    /// not filed.
    pub unreproducible: Vec<(String, &'static str, usize)>,
    /// New divergences, written as scenario files.
    pub filed: Vec<PathBuf>,
    /// Divergences that repeat one already filed.
    pub repeats: u64,
}

/// The mutations, by name (for the filed scenario's name and the report).
const MUTATIONS: &[&str] = &[
    "bitflip", "byte", "len", "type", "flags", "truncate", "extra", "attrlen", "attrtype",
];

/// Mutate one netlink datagram in place; returns the mutation's name. Header and attribute
/// fields are written through the wire views (`nlmsghdr` at the start, the first attribute
/// after a 16-byte family header or a 4-byte one).
pub fn mutate(rng: &mut ChaCha8Rng, b: &mut Vec<u8>) -> &'static str {
    let which = rng.gen_range(0..MUTATIONS.len());
    let n = b.len();
    match which {
        0 if n > 0 => {
            let i = rng.gen_range(0..n);
            b[i] ^= 1 << rng.gen_range(0..8);
        }
        1 if n > 0 => {
            let i = rng.gen_range(0..n);
            b[i] = [0u8, 1, 0x7f, 0x80, 0xff][rng.gen_range(0..5)];
        }
        2 if n >= 4 => {
            let len = n as u32;
            let v = [
                0,
                15,
                16,
                len.saturating_sub(1),
                len + 1,
                len + 4,
                0xffff,
                rng.gen(),
            ][rng.gen_range(0..8)];
            nlmsg::Packet::new_unchecked(&mut b[..]).set_length(v);
        }
        3 if n >= 6 => {
            let v =
                [rng.gen_range(0..48), rng.gen_range(16..20), 0x10, rng.gen()][rng.gen_range(0..4)];
            nlmsg::Packet::new_unchecked(&mut b[..]).set_msg_type(v);
        }
        4 if n >= 8 => {
            let mut m = nlmsg::Packet::new_unchecked(&mut b[..]);
            let f = m.flags() ^ (1 << rng.gen_range(0..16));
            m.set_flags(f);
        }
        5 if n > 0 => b.truncate(rng.gen_range(0..n)),
        6 => {
            let extra = b.clone();
            b.resize(b.len().next_multiple_of(4), 0);
            b.extend_from_slice(&extra);
        }
        7 | 8 => {
            // The first attribute after an ifinfomsg (rtnetlink), or after a genlmsghdr
            // (genetlink): whichever the datagram is long enough to hold.
            let after = |h: FamilyHeader| nlmsg::HEADER_LEN + h.attrs_offset();
            let link = after(FamilyHeader::IfInfoMsg);
            let at = if n >= link + nla::HEADER_LEN {
                link
            } else {
                after(FamilyHeader::GenlMsgHdr)
            };
            if at + nla::HEADER_LEN <= n {
                let mut attr = nla::Packet::new_unchecked(&mut b[at..]);
                if which == 7 {
                    let len = attr.length();
                    let v = [0, 3, 4, len.wrapping_add(4), len.wrapping_sub(1), 0xffff]
                        [rng.gen_range(0..6)];
                    attr.set_length(v);
                } else {
                    let v = rng.gen_range(0..80) | [0, NLA_F_NESTED][rng.gen_range(0..2)];
                    attr.set_raw_type(v);
                }
            }
        }
        _ => b.push(rng.gen()),
    }
    MUTATIONS[which]
}

/// The datagram of a `send` line, whether written in hex or as readable messages.
fn send_bytes(v: &Value) -> Option<Vec<u8>> {
    match v.get("hex") {
        Some(h) => hex::decode(h.as_str()?).ok(),
        None => crate::compose::datagram(v.get("msg"), v.get("msgs")).ok(),
    }
}

/// A case: the seed scenario's lines with one send's datagram mutated (written back as hex).
fn make_case(rng: &mut ChaCha8Rng, lines: &[Value]) -> Option<(Vec<Value>, usize, &'static str)> {
    let sends: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, v)| v["op"] == "send")
        .map(|(i, _)| i)
        .collect();
    if sends.is_empty() {
        return None;
    }
    let i = sends[rng.gen_range(0..sends.len())];
    let mut bytes = send_bytes(&lines[i])?;
    let name = mutate(rng, &mut bytes);
    let mut out = lines.to_vec();
    if let Some(o) = out[i].as_object_mut() {
        o.remove("msg");
        o.remove("msgs");
        o.insert("hex".into(), Value::String(hex::encode(bytes)));
    }
    Some((out, i, name))
}

fn to_text(lines: &[Value]) -> String {
    lines.iter().map(|v| format!("{v}\n")).collect()
}

/// The time limit of each side's run of one case: cases are a few operations, so a run this
/// long is a hang.
const CASE_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The sleep before each receive that tells a timing divergence: long enough for the kernel's
/// work queued "at once" to have run on its worker, short against link watch's second.
pub const TIMING_SLEEP_MS: u64 = 20;

/// The sleep that outlasts link watch's hold: a non-urgent link event waits until a second
/// after the system-wide last run of link watch (`linkwatch_nextevent`), which any namespace's
/// link changes move, so when the kernel handles it is not the case's to know; the model's
/// clock moves only on a sleep.
pub const SETTLE_SLEEP_MS: u64 = 1200;

/// How many times a minimized divergence is run again before it is filed.
pub const REPRODUCE_RUNS: usize = 3;

/// Whether `lines` diverges first at its last operation in each of [`REPRODUCE_RUNS`] runs.
fn reproduces(
    exe: &Path,
    lines: &[Value],
    profile: Option<&nltwin::model::profile::Profile>,
) -> bool {
    (0..REPRODUCE_RUNS).all(|_| {
        matches!(judge(exe, lines, false, profile), Ok(Outcome::Diverges(f)) if f + 1 == lines.len())
    })
}

/// `lines` with a sleep of `ms` before each receive.
fn with_sleeps(lines: &[Value], ms: u64) -> Vec<Value> {
    let mut out = Vec::with_capacity(lines.len() * 2);
    for v in lines {
        if v["op"] == "recv" {
            out.push(serde_json::json!({"op": "sleep", "ms": ms}));
        }
        out.push(v.clone());
    }
    out
}

/// `lines` with a sleep of `ms` before the request that the first differing operation
/// `first` answers (the last send before it; the kernel fills a reply, a dump's first part
/// too, when the request is sent), or before `first` itself when no send precedes it.
fn with_settle(lines: &[Value], first: usize, ms: u64) -> Vec<Value> {
    let first = first.min(lines.len());
    let at = lines[..first]
        .iter()
        .rposition(|v| v["op"] == "send")
        .unwrap_or(first);
    let mut out = lines.to_vec();
    out.insert(at, serde_json::json!({"op": "sleep", "ms": ms}));
    out
}

/// The outcome of one trace.
#[derive(Debug, PartialEq)]
enum Outcome {
    Same,
    Unimplemented,
    Unstable,
    /// Diverges first at this operation, but not with a short sleep before each receive.
    Timing(usize),
    /// Diverges first at this operation.
    Diverges(usize),
    /// A side overran the time limit (which, and the limit).
    TimedOut(String),
    /// The model panicked (the message and where).
    Panicked(String),
}

/// Run `lines` on both sides; a divergence is confirmed by a second kernel run and, with
/// `timing`, by a run with a short sleep before each receive.
fn judge(
    exe: &Path,
    lines: &[Value],
    timing: bool,
    profile: Option<&nltwin::model::profile::Profile>,
) -> Result<Outcome> {
    let text = &to_text(lines);
    let path = Path::new("<fuzz case>");
    let opts = crate::diff::DiffOptions {
        timeout: Some(CASE_TIME_LIMIT),
        profile,
        ..Default::default()
    };
    let r = crate::diff::diff_text_opts(exe, path, text, &opts)?;
    let d = match r.verdict {
        Verdict::Differ(d) => d,
        Verdict::TimedOut(what) => return Ok(Outcome::TimedOut(what)),
        Verdict::Panicked(what) => return Ok(Outcome::Panicked(what)),
        Verdict::Same | Verdict::Skipped(_) => return Ok(Outcome::Same),
    };
    if d.iter().any(|o| o.model.unimplemented().is_some()) {
        return Ok(Outcome::Unimplemented);
    }
    // A second kernel run: if the kernel's own answers change, the case is not reproducible.
    let again = crate::diff::diff_text_opts(exe, path, text, &opts)?;
    let same_again = match &again.verdict {
        Verdict::Differ(d2) => d2.iter().map(|o| &o.kernel).eq(d.iter().map(|o| &o.kernel)),
        _ => false,
    };
    if !same_again {
        return Ok(Outcome::Unstable);
    }
    if timing {
        let slow = to_text(&with_sleeps(lines, TIMING_SLEEP_MS));
        let r = crate::diff::diff_text_opts(exe, path, &slow, &opts)?;
        match &r.verdict {
            Verdict::Same => return Ok(Outcome::Timing(d[0].index)),
            // Given the time, the model says the kernel's deferred work here is not modeled
            // (IPv6 traffic on an ifb, say): the divergence was that work, done
            // early on the kernel.
            Verdict::Differ(slow) if slow.iter().any(|o| o.model.unimplemented().is_some()) => {
                return Ok(Outcome::Unimplemented)
            }
            _ => {}
        }
        // Given link watch's held second before the request the first difference answers:
        // a link event the kernel had already handled in the real time the case took.
        let settled = to_text(&with_settle(lines, d[0].index, SETTLE_SLEEP_MS));
        if crate::diff::diff_text_opts(exe, path, &settled, &opts)?.verdict == Verdict::Same {
            return Ok(Outcome::Timing(d[0].index));
        }
    }
    Ok(Outcome::Diverges(d[0].index))
}

/// Shrink a diverging case: cut what follows the first differing operation, then drop earlier
/// operations one at a time while that same operation (now the last) still differs first. A
/// removal that moves the first difference elsewhere is a different divergence and is undone.
fn minimize(
    exe: &Path,
    lines: &[Value],
    first: usize,
    budget: &mut usize,
    profile: Option<&nltwin::model::profile::Profile>,
) -> Vec<Value> {
    let mut cur: Vec<Value> = lines[..=first.min(lines.len() - 1)].to_vec();
    let mut i = 0;
    while i + 1 < cur.len() && *budget > 0 {
        let mut cand = cur.clone();
        cand.remove(i);
        *budget -= 1;
        match judge(exe, &cand, false, profile) {
            Ok(Outcome::Diverges(f)) if f + 1 == cand.len() => cur = cand,
            _ => i += 1,
        }
    }
    cur
}

/// Load the seed scenarios as JSON lines.
fn load_seeds(files: &[PathBuf]) -> Result<Vec<(String, Vec<Value>)>> {
    let mut seeds = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).with_context(|| format!("{}", f.display()))?;
        let mut lines = Vec::new();
        for (n, l) in text.lines().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not JSON", f.display(), n + 1))?;
            // A `requires` line is no operation: cases keep one line per operation (the fuzzer
            // runs on the kernel it is given, so the needs are not checked).
            if v.get("requires").is_some() {
                continue;
            }
            lines.push(v);
        }
        let stem = f
            .file_stem()
            .map_or("case".into(), |s| s.to_string_lossy().into_owned());
        seeds.push((stem, lines));
    }
    Ok(seeds)
}

/// Run the fuzzer over `seeds`; `progress` gets a line per filed divergence and periodic counts.
pub fn fuzz(
    exe: &Path,
    seeds: &[PathBuf],
    cfg: &FuzzConfig,
    mut progress: impl FnMut(&str),
) -> Result<FuzzSummary> {
    let mut seeds = load_seeds(seeds)?;
    seeds.retain(|(_, lines)| lines.iter().any(|v| v["op"] == "send"));
    anyhow::ensure!(
        !seeds.is_empty(),
        "no seed scenario sends anything: there is nothing to mutate"
    );
    std::fs::create_dir_all(&cfg.out).with_context(|| format!("{}", cfg.out.display()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut sum = FuzzSummary::default();
    let mut seen = std::collections::HashSet::new();
    let start = Instant::now();
    let mut last_report = Instant::now();
    while sum.cases < cfg.cases && start.elapsed() < cfg.time {
        let (stem, lines) = &seeds[rng.gen_range(0..seeds.len())];
        let Some((case, at, name)) = make_case(&mut rng, lines) else {
            continue;
        };
        sum.cases += 1;
        match judge(exe, &case, true, cfg.profile.as_ref())? {
            Outcome::Same => sum.same += 1,
            Outcome::Unimplemented => sum.unimplemented += 1,
            Outcome::Unstable => sum.unstable += 1,
            Outcome::Timing(first) => {
                progress(&format!(
                    "timing: case {} ({stem} with {name} at op {}) differs first at op {} and \
                     agrees with a {TIMING_SLEEP_MS} ms sleep before each receive or a \
                     {SETTLE_SLEEP_MS} ms one before its request",
                    sum.cases,
                    at + 1,
                    first + 1
                ));
                sum.timing.push((stem.clone(), name, first));
            }
            Outcome::TimedOut(what) => {
                // Filed as it is: shrinking would run it into the limit again and again.
                let file = cfg.out.join(format!(
                    "fuzz-{}-{}-{}-timeout.jsonl",
                    cfg.seed, sum.cases, name
                ));
                std::fs::write(&file, to_text(&case))
                    .with_context(|| format!("{}", file.display()))?;
                progress(&format!("timed out: {} ({what})", file.display()));
                sum.filed.push(file);
            }
            Outcome::Panicked(what) => {
                // Filed as it is: a panic is a model bug whatever the kernel answers, and the
                // case is a few operations already.
                let file = cfg.out.join(format!(
                    "fuzz-{}-{}-{}-panic.jsonl",
                    cfg.seed, sum.cases, name
                ));
                std::fs::write(&file, to_text(&case))
                    .with_context(|| format!("{}", file.display()))?;
                progress(&format!("model panic: {} ({what})", file.display()));
                sum.filed.push(file);
            }
            Outcome::Diverges(first) => {
                // One file per (seed scenario, mutation, first differing operation's kind).
                let key = (stem.clone(), name, case[first]["op"].to_string());
                if seen.contains(&key) {
                    sum.repeats += 1;
                    continue;
                }
                let mut budget = 40;
                let small = minimize(exe, &case, first, &mut budget, cfg.profile.as_ref());
                if !reproduces(exe, &small, cfg.profile.as_ref()) {
                    progress(&format!(
                        "unreproducible: case {} ({stem} with {name} at op {}) differs first at \
                         op {}, but its minimized case ({} ops) not in each of {REPRODUCE_RUNS} \
                         further runs: not filed",
                        sum.cases,
                        at + 1,
                        first + 1,
                        small.len()
                    ));
                    sum.unreproducible.push((stem.clone(), name, first));
                    continue;
                }
                // Only a filed divergence makes later ones like it repeats: an unreproducible
                // one must not hide a real one of the same kind.
                seen.insert(key);
                let file = cfg.out.join(format!(
                    "fuzz-{}-{}-{}-op{}.jsonl",
                    cfg.seed,
                    sum.cases,
                    name,
                    at + 1
                ));
                std::fs::write(&file, to_text(&small))
                    .with_context(|| format!("{}", file.display()))?;
                progress(&format!(
                    "divergence: {} ({} ops, from {stem} with {name} at op {})",
                    file.display(),
                    small.len(),
                    at + 1
                ));
                sum.filed.push(file);
            }
        }
        if last_report.elapsed() > Duration::from_secs(5) {
            last_report = Instant::now();
            progress(&format!(
                "{} cases, {:.0}/s, {} filed",
                sum.cases,
                sum.cases as f64 / start.elapsed().as_secs_f64(),
                sum.filed.len()
            ));
        }
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_mutations() {
        let msg = hex::decode("20000000120001030100000000000000000000000000000000000000").unwrap();
        let run = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..200)
                .map(|_| {
                    let mut b = msg.clone();
                    let name = mutate(&mut rng, &mut b);
                    (name, b)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let names: std::collections::HashSet<_> = run(7).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), MUTATIONS.len(), "every mutation is drawn");
    }

    #[test]
    fn the_settled_rerun_sleeps_once_before_the_request_of_the_first_difference() {
        let lines: Vec<Value> = [
            r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#,
            r#"{"op":"send","sock":"a","hex":"00"}"#,
            r#"{"op":"recv","sock":"a","len":64}"#,
            r#"{"op":"send","sock":"a","hex":"01"}"#,
            r#"{"op":"recv","sock":"a","len":64}"#,
            r#"{"op":"recv","sock":"a","len":64}"#,
        ]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
        let ops = |v: &[Value]| -> Vec<String> {
            v.iter()
                .map(|v| v["op"].as_str().unwrap().to_string())
                .collect()
        };
        // The second part of the second request's answer differs: the sleep goes before that
        // request, once.
        let settled = with_settle(&lines, 5, 1200);
        assert_eq!(
            ops(&settled),
            ["socket", "send", "recv", "sleep", "send", "recv", "recv"]
        );
        assert_eq!(settled[3], serde_json::json!({"op": "sleep", "ms": 1200}));
        // No request before it: the sleep goes right before the difference.
        assert_eq!(ops(&with_settle(&lines, 0, 5))[0], "sleep");
        crate::trace::Trace::parse(&to_text(&settled)).expect("a valid trace");
    }

    #[test]
    fn the_timing_rerun_sleeps_before_every_receive_and_nothing_else() {
        let lines: Vec<Value> = [
            r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#,
            r#"{"op":"send","sock":"a","hex":"00"}"#,
            r#"{"op":"recv","sock":"a","len":64}"#,
            r#"{"op":"recv","sock":"a","len":64}"#,
        ]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
        let slow = with_sleeps(&lines, 20);
        let ops: Vec<&str> = slow.iter().map(|v| v["op"].as_str().unwrap()).collect();
        assert_eq!(ops, ["socket", "send", "sleep", "recv", "sleep", "recv"]);
        assert_eq!(slow[2], serde_json::json!({"op": "sleep", "ms": 20}));
        crate::trace::Trace::parse(&to_text(&slow)).expect("a valid trace");
    }

    #[test]
    fn mutations_never_panic_on_short_inputs() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for len in 0..40 {
            for _ in 0..50 {
                let mut b = vec![0xa5; len];
                mutate(&mut rng, &mut b);
            }
        }
    }
}
