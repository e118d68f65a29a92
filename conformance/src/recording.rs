//! Recordings: a kernel's answers to the bundled scenarios, kept in the repository
//! (`conformance/expected/<kernel-id>/`) so that `cargo test` replays them against the model
//! anywhere, and `nltwin diff --between` compares two kernels.
//!
//! A recording directory holds one `<scenario>.jsonl` per scenario (the `nltwin exchange
//! --backend kernel` output, as is), a `KERNEL.json` ([`KernelInfo`]: which build it came from,
//! its facts, when and how it was recorded, and a digest of each scenario's operations), and
//! optionally `KNOWN_DIFFERENCES` ([`Known`]): the scenarios where the model does not agree yet.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use nltwin::model::profile::KernelFacts;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::facts::{config_default_qdisc, cpu_count, recorded_lines, ConfigFile, Gathered};
use crate::results::{Header, OpResult};

/// The file describing a recording's kernel.
pub const KERNEL_JSON: &str = "KERNEL.json";
/// The file listing the scenarios where the model differs from a recording.
pub const KNOWN_DIFFERENCES: &str = "KNOWN_DIFFERENCES";
/// The version of the `KERNEL.json` layout.
pub const FORMAT: u32 = 1;

/// `KERNEL.json`: the exact kernel build a recording came from, and how it was recorded. Fields
/// are only ever added (unknown ones are ignored when read); a change of meaning is a new
/// [`FORMAT`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelInfo {
    /// The layout's version ([`FORMAT`]).
    pub format: u32,
    /// The recording's name (its directory's name).
    pub id: String,
    /// `uname`.
    pub kernel: Uname,
    /// The distribution package the kernel came from, when known.
    pub package: Option<Package>,
    /// The build config, when it was readable.
    pub config: Option<ConfigInfo>,
    /// The host values the kernel read.
    pub host: HostInfo,
    /// The generic netlink families the kernel offered.
    pub genl_families: Families,
    /// The model's link kinds, and whether this kernel creates them.
    pub link_kinds: BTreeMap<String, bool>,
    /// When, how and by what the recording was made.
    pub recorded: Recorded,
    /// Per recorded scenario, the digest of its operations ([`crate::trace::Trace::ops_digest`])
    /// when it was recorded: a scenario changed since is not compared.
    pub scenarios: BTreeMap<String, String>,
}

/// `uname -r`, `-v`, `-m`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uname {
    /// `uname -r`.
    pub release: String,
    /// `uname -v`.
    pub version: String,
    /// `uname -m`.
    pub machine: String,
}

/// A distribution package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// The kernel image package.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The suite it came from (`bookworm-security`, `trixie-backports`).
    pub suite: Option<String>,
    /// Every package installed for the kernel (image, modules).
    pub packages: Vec<String>,
}

impl Package {
    /// Read a `package.txt` as the kernel matrix writes it (`package=`, `version=`, `suite=`,
    /// `packages=` lines).
    pub fn from_key_values(text: &str) -> Package {
        let kv = key_values(text);
        Package {
            name: kv.get("package").cloned().unwrap_or_default(),
            version: kv.get("version").cloned().unwrap_or_default(),
            suite: kv.get("suite").cloned(),
            packages: kv
                .get("packages")
                .map(|p| p.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
        }
    }
}

/// The build config: its digest pins it; the options profile choice and scenario needs read
/// are kept ([`crate::facts::RECORDED_CONFIG`]; options not set are absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigInfo {
    /// Where it was read.
    pub source: String,
    /// SHA-256 of the whole uncompressed config.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// The kept options that are set.
    pub options: BTreeMap<String, String>,
}

/// What the kernel read from its machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostInfo {
    /// `/sys/devices/system/cpu/possible` as written.
    pub cpus_possible: Option<String>,
    /// `net.core.rmem_max` in the scenarios' namespace.
    pub rmem_max: Option<u32>,
    /// `net.core.wmem_max`.
    pub wmem_max: Option<u32>,
    /// `net.core.default_qdisc`.
    pub default_qdisc: Option<String>,
    /// Where `default_qdisc` was read.
    pub default_qdisc_from: Option<String>,
}

/// Generic netlink families by name, and which namespace they were seen from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Families {
    /// `"initial namespace"` or `"fresh namespace"`.
    pub seen_from: String,
    /// The names, in id order.
    pub names: Vec<String>,
}

/// When and how a recording was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// The command that wrote it.
    pub by: String,
    /// The nltwin version that wrote it.
    pub nltwin: String,
    /// When (UTC, RFC 3339).
    pub date: String,
    /// How the kernel ran the scenarios.
    pub how: String,
}

impl KernelInfo {
    /// The facts profile choice reads.
    pub fn facts(&self) -> KernelFacts {
        KernelFacts {
            release: self.kernel.release.clone(),
            version: self.kernel.version.clone(),
            config: self
                .config
                .as_ref()
                .map(|c| c.options.clone())
                .unwrap_or_default(),
            genl_families: self.genl_families.names.clone(),
            num_possible_cpus: self.host.cpus_possible.as_deref().and_then(cpu_count),
            rmem_max: self.host.rmem_max,
            wmem_max: self.host.wmem_max,
            default_qdisc: self.host.default_qdisc.clone(),
        }
    }

    /// The recording's info for a live kernel's facts.
    pub fn of_live(id: &str, g: &Gathered, link_kinds: BTreeMap<String, bool>) -> KernelInfo {
        let qdisc_from = if g.namespace.default_qdisc.is_some() {
            "the sandbox namespace's net.core.default_qdisc"
        } else {
            "net.core.default_qdisc outside the sandbox"
        };
        KernelInfo {
            format: FORMAT,
            id: id.to_owned(),
            kernel: Uname {
                release: g.release.clone(),
                version: g.version.clone(),
                machine: g.machine.clone(),
            },
            package: None,
            config: g.config.as_ref().map(config_info),
            host: HostInfo {
                cpus_possible: g.cpus_possible.clone(),
                rmem_max: g.namespace.rmem_max,
                wmem_max: g.namespace.wmem_max,
                default_qdisc: g.default_qdisc(),
                default_qdisc_from: g.default_qdisc().map(|_| qdisc_from.to_owned()),
            },
            genl_families: Families {
                seen_from: "fresh namespace".into(),
                names: g.namespace.genl_families.clone(),
            },
            link_kinds,
            recorded: Recorded {
                by: "nltwin record".into(),
                nltwin: env!("CARGO_PKG_VERSION").into(),
                date: now_utc(),
                how: "each scenario run by `nltwin exchange --backend kernel` in a fresh user+net \
                      namespace of its own, one after another"
                    .into(),
            },
            scenarios: BTreeMap::new(),
        }
    }
}

fn config_info(c: &ConfigFile) -> ConfigInfo {
    ConfigInfo {
        source: c.source.clone(),
        sha256: c.sha256.clone(),
        bytes: c.bytes,
        options: recorded_lines(&c.options),
    }
}

/// Days since 1970-01-01 to a civil date (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A time as RFC 3339 UTC.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

fn now_utc() -> String {
    rfc3339(std::time::SystemTime::now())
}

/// Read a recorded exchange output: the header line, then one result per line; errors name
/// the file and line.
pub fn read_results(path: &Path) -> Result<(Header, Vec<OpResult>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    parse_results(path, &text)
}

/// [`read_results`] of text (`path` names it in errors).
pub fn parse_results(path: &Path, text: &str) -> Result<(Header, Vec<OpResult>)> {
    let mut header = None;
    let mut results = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let at = || format!("{}:{}", path.display(), i + 1);
        let v: Value = serde_json::from_str(l).map_err(|e| anyhow!("{}: not JSON: {e}", at()))?;
        if header.is_none() {
            header = Some(Header::from_json(&v).map_err(|e| anyhow!("{}: {e}", at()))?);
        } else {
            results.push(OpResult::from_json(&v).map_err(|e| anyhow!("{}: {e}", at()))?);
        }
    }
    let header = header.ok_or_else(|| anyhow!("{}: empty (no header line)", path.display()))?;
    Ok((header, results))
}

/// The scenarios listed in a `KNOWN_DIFFERENCES` file: name -> the first difference.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Known {
    /// Scenario name -> `op N: <the explanation line naming the first difference>`.
    pub entries: BTreeMap<String, String>,
}

impl Known {
    /// Parse the file's text: `#` comments and blank lines skipped, else `name: difference`.
    pub fn parse(path: &Path, text: &str) -> Result<Known> {
        let mut entries = BTreeMap::new();
        for (i, l) in text.lines().enumerate() {
            let l = l.trim_end();
            if l.trim().is_empty() || l.starts_with('#') {
                continue;
            }
            let Some((name, what)) = l.split_once(": ") else {
                bail!(
                    "{}:{}: expected `scenario: first difference`",
                    path.display(),
                    i + 1
                );
            };
            if entries.insert(name.to_owned(), what.to_owned()).is_some() {
                bail!("{}:{}: {name} is listed twice", path.display(), i + 1);
            }
        }
        Ok(Known { entries })
    }

    /// The file's text, with a header saying what it is and how it was made.
    pub fn render(&self, header: &str) -> String {
        let mut s = String::new();
        for l in header.lines() {
            s.push_str("# ");
            s.push_str(l);
            s.push('\n');
        }
        for (name, what) in &self.entries {
            s.push_str(&format!("{name}: {what}\n"));
        }
        s
    }
}

/// A recording directory, opened.
#[derive(Clone, Debug)]
pub struct Recording {
    /// The directory.
    pub dir: PathBuf,
    /// Its `KERNEL.json`.
    pub info: KernelInfo,
    /// Its `KNOWN_DIFFERENCES`, if it has one.
    pub known: Option<Known>,
}

impl Recording {
    /// Open `dir`: read and check its `KERNEL.json` and `KNOWN_DIFFERENCES`.
    pub fn open(dir: &Path) -> Result<Recording> {
        let path = dir.join(KERNEL_JSON);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{} (is {} a recording? `nltwin record` writes them)",
                path.display(),
                dir.display()
            )
        })?;
        let info: KernelInfo =
            serde_json::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        if info.format != FORMAT {
            bail!(
                "{}: format {} (this nltwin reads format {FORMAT})",
                path.display(),
                info.format
            );
        }
        let kpath = dir.join(KNOWN_DIFFERENCES);
        let known = match std::fs::read_to_string(&kpath) {
            Ok(t) => Some(Known::parse(&kpath, &t)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => bail!("{}: {e}", kpath.display()),
        };
        Ok(Recording {
            dir: dir.to_owned(),
            info,
            known,
        })
    }

    /// The file of scenario `name` (its results may be absent).
    pub fn scenario_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.jsonl"))
    }

    /// The recorded results of scenario `name`, `None` when it was not recorded.
    pub fn results(&self, name: &str) -> Result<Option<(Header, Vec<OpResult>)>> {
        let path = self.scenario_path(name);
        if !path.exists() {
            return Ok(None);
        }
        read_results(&path).map(Some)
    }

    /// A short name for reports: the id and the release.
    pub fn label(&self) -> String {
        format!("{} ({})", self.info.id, self.info.kernel.release)
    }
}

/// Every recording under `root` (its subdirectories with a `KERNEL.json`), sorted by name.
pub fn all_under(root: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .with_context(|| format!("{}", root.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(KERNEL_JSON).is_file())
        .collect();
    v.sort();
    Ok(v)
}

/// The recordings kept in this source tree: `conformance/expected/` (or `NLTWIN_EXPECTED`).
pub fn expected_root() -> PathBuf {
    std::env::var_os("NLTWIN_EXPECTED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("expected"))
}

/// A scenario's name: its file's stem.
pub fn scenario_name(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into(),
    )
}

/// Write a recording's `KERNEL.json`.
pub fn write_info(dir: &Path, info: &KernelInfo) -> Result<()> {
    let path = dir.join(KERNEL_JSON);
    let mut text = serde_json::to_string_pretty(info)?;
    text.push('\n');
    std::fs::write(&path, text).with_context(|| format!("{}", path.display()))
}

/// A `key=value` file (the matrix's `package.txt`, `facts.txt`).
fn key_values(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// The recording id of a Debian kernel: `debian-<upstream version>` from the package version
/// (`6.18.15-1~bpo13+1` is `debian-6.18.15`).
pub fn debian_id(package_version: &str) -> String {
    let upstream = package_version
        .split(['-', '~', '+'])
        .next()
        .unwrap_or(package_version);
    format!("debian-{upstream}")
}

/// What an import found, besides the recording it wrote.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Scenarios copied.
    pub copied: usize,
    /// Scenarios whose results do not fit today's scenario (another number of operations):
    /// copied without a digest, so they are not compared.
    pub unmatched: Vec<String>,
    /// Recorded results of scenarios the suite no longer has (copied, never compared).
    pub not_in_suite: Vec<String>,
}

/// Turn a kernel-matrix result directory (`ci/kernel-matrix`: `<scenario>.jsonl`, `uname-r`,
/// `uname-v`, `config`, `facts.txt`, `families.json`, `package.txt`, `modules.txt`) into a
/// recording in `dest`. `suite` is the scenarios whose digests are recorded.
pub fn import_matrix(
    src: &Path,
    dest: &Path,
    id: &str,
    suite: &[PathBuf],
) -> Result<(KernelInfo, ImportReport)> {
    let read = |name: &str| -> Result<String> {
        std::fs::read_to_string(src.join(name)).with_context(|| {
            format!(
                "{} (not a kernel matrix result directory?)",
                src.join(name).display()
            )
        })
    };
    let optional = |name: &str| std::fs::read_to_string(src.join(name)).ok();
    let release = read("uname-r")?.trim().to_owned();
    let version = read("uname-v")?.trim().to_owned();
    if release.is_empty() {
        bail!("{}: empty", src.join("uname-r").display());
    }
    let package = optional("package.txt").map(|t| Package::from_key_values(&t));
    let config = std::fs::read(src.join("config")).ok().map(|t| {
        ConfigFile::from_text("the build's config (the kernel matrix's `config` file)", &t)
    });
    let facts = key_values(&optional("facts.txt").unwrap_or_default());
    let num = |k: &str| facts.get(k).and_then(|v| v.parse().ok());
    let (default_qdisc, default_qdisc_from) = match facts.get("/proc/sys/net/core/default_qdisc") {
        Some(q) => (
            Some(q.clone()),
            Some("net.core.default_qdisc in the guest".into()),
        ),
        None => match config
            .as_ref()
            .and_then(|c| config_default_qdisc(&c.options))
        {
            Some(q) => (
                Some(q),
                Some(
                    "CONFIG_DEFAULT_NET_SCH (the guest's init sets no sysctl, so the boot \
                         default holds)"
                        .into(),
                ),
            ),
            None => (None, None),
        },
    };
    let families_path = src.join("families.json");
    let names = match std::fs::read_to_string(&families_path) {
        Ok(t) => {
            let v: Value = serde_json::from_str(&t)
                .map_err(|e| anyhow!("{}: {e}", families_path.display()))?;
            v.as_array()
                .ok_or_else(|| anyhow!("{}: expected a JSON array", families_path.display()))?
                .iter()
                .filter_map(|f| f["name"].as_str().map(str::to_owned))
                .collect()
        }
        Err(_) => Vec::new(),
    };
    // A kind is there when built in, or a module the guest loaded.
    let loaded: Vec<String> = optional("modules.txt")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_suffix(" loaded").map(str::to_owned))
        .collect();
    let mut link_kinds = BTreeMap::new();
    for kind in model_link_kinds() {
        let (option, module) = match kind.as_str() {
            "veth" => ("CONFIG_VETH", "veth"),
            "bridge" => ("CONFIG_BRIDGE", "bridge"),
            "ifb" => ("CONFIG_IFB", "ifb"),
            _ => continue,
        };
        let built_in = config
            .as_ref()
            .is_some_and(|c| c.options.get(option).is_some_and(|v| v == "y"));
        link_kinds.insert(kind, built_in || loaded.iter().any(|m| m == module));
    }
    let date = std::fs::metadata(src.join("complete"))
        .or_else(|_| std::fs::metadata(src.join("uname-r")))
        .and_then(|m| m.modified())
        .map(rfc3339)
        .unwrap_or_default();
    let mut info = KernelInfo {
        format: FORMAT,
        id: id.to_owned(),
        kernel: Uname {
            release,
            version,
            machine: "x86_64".into(),
        },
        package,
        config: config.as_ref().map(config_info),
        host: HostInfo {
            cpus_possible: facts.get("/sys/devices/system/cpu/possible").cloned(),
            rmem_max: num("/proc/sys/net/core/rmem_max"),
            wmem_max: num("/proc/sys/net/core/wmem_max"),
            default_qdisc,
            default_qdisc_from,
        },
        genl_families: Families {
            seen_from: "initial namespace".into(),
            names,
        },
        link_kinds,
        recorded: Recorded {
            by: format!(
                "nltwin record --import (the kernel matrix's result directory {:?})",
                src.file_name().map_or_else(
                    || src.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
            nltwin: env!("CARGO_PKG_VERSION").into(),
            date,
            how: "ci/kernel-matrix: the Debian kernel package booted under qemu (TCG) with a \
                  busybox initramfs, each scenario run in the guest by `nltwin exchange --backend \
                  kernel` in a fresh user+net namespace; facts.txt, families.json (initial \
                  namespace) and the config read in the guest"
                .into(),
        },
        scenarios: BTreeMap::new(),
    };
    std::fs::create_dir_all(dest).with_context(|| format!("{}", dest.display()))?;
    let by_name: BTreeMap<String, &PathBuf> = suite.iter().map(|p| (scenario_name(p), p)).collect();
    let mut report = ImportReport::default();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(src)
        .with_context(|| format!("{}", src.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    entries.sort();
    for path in entries {
        let name = scenario_name(&path);
        let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
        let (header, results) = parse_results(&path, &text)?;
        if header.backend != "kernel" {
            bail!(
                "{}: recorded by the {} backend, not the kernel",
                path.display(),
                header.backend
            );
        }
        match by_name.get(&name) {
            Some(scenario) => {
                let stext = std::fs::read_to_string(scenario)
                    .with_context(|| format!("{}", scenario.display()))?;
                let trace = crate::trace::Trace::parse(&stext)
                    .map_err(|e| anyhow!("{}:{}: {}", scenario.display(), e.line, e.reason))?;
                if trace.steps.len() == results.len() {
                    info.scenarios.insert(name.clone(), trace.ops_digest());
                } else {
                    report.unmatched.push(name.clone());
                }
            }
            None => report.not_in_suite.push(name.clone()),
        }
        let out = dest.join(format!("{name}.jsonl"));
        std::fs::write(&out, &text).with_context(|| format!("{}", out.display()))?;
        report.copied += 1;
    }
    write_info(dest, &info)?;
    Ok((info, report))
}

/// The link kinds the model creates.
pub fn model_link_kinds() -> Vec<String> {
    nltwin::model::Kernel::sandboxed(1)
        .0
        .link_kinds()
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_ids_and_known_lists() {
        assert_eq!(
            rfc3339(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_961_274)),
            "2025-12-05T19:01:14Z"
        );
        assert_eq!(rfc3339(std::time::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(debian_id("6.18.15-1~bpo13+1"), "debian-6.18.15");
        assert_eq!(debian_id("6.1.192-3"), "debian-6.1.192");
        let p = Path::new("K");
        let k = Known::parse(p, "# c\n\na: op 1 (line 2): x: y\nb: op 3 (line 4): z\n").unwrap();
        assert_eq!(k.entries["a"], "op 1 (line 2): x: y");
        assert_eq!(Known::parse(p, &k.render("c")).unwrap(), k);
        let e = Known::parse(p, "a: x\nnocolon\n").unwrap_err().to_string();
        assert!(e.contains("K:2:"), "{e}");
        let e = Known::parse(p, "a: x\na: y\n").unwrap_err().to_string();
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn results_files_name_the_bad_line() {
        let p = Path::new("r.jsonl");
        let ok = "{\"backend\":\"kernel\",\"kernel\":\"6.1\",\"tgid\":7}\n\
                  {\"op\":\"socket\",\"sock\":\"a\",\"ret\":3}\n";
        let (h, r) = parse_results(p, ok).unwrap();
        assert_eq!((h.tgid, r.len()), (7, 1));
        let e = parse_results(p, &format!("{ok}{{\"op\":\"fly\"}}\n")).unwrap_err();
        assert!(e.to_string().starts_with("r.jsonl:3:"), "{e}");
        assert!(parse_results(p, "\n").is_err());
    }
}
