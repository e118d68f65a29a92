//! What a live kernel is, read without sending it a scenario's requests: its release, its build
//! config (`/proc/config.gz` or `/boot/config-<release>`, when readable), the host values it
//! reads (`/sys/devices/system/cpu/possible`, `net.core.rmem_max`/`wmem_max`,
//! `net.core.default_qdisc`) and the generic netlink families a fresh namespace sees. The
//! namespace's part is read inside a sandbox of its own (`nltwin facts --here`, run by
//! [`gather`]), since `rmem_max` is read per namespace and families may be hidden from one.
//!
//! [`Gathered::facts`] gives the model's [`KernelFacts`], from which
//! [`nltwin::model::profile::choose`] picks a profile.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};
use nltwin::model::profile::{choose, parse_series, KernelFacts, Profile, ProfileChoice};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The config options a recording keeps in its `KERNEL.json` (the full config is pinned by
/// its digest): what profile choice reads, the link kinds, the default qdisc, and the options
/// that decide which generic netlink families a build registers. An option a scenario
/// `requires` must be one of these, so that a recording can answer for it.
pub const RECORDED_CONFIG: &[&str] = &[
    "CONFIG_LOCALVERSION",
    "CONFIG_NR_CPUS",
    "CONFIG_INET",
    "CONFIG_IPV6",
    "CONFIG_BRIDGE",
    "CONFIG_BRIDGE_VLAN_FILTERING",
    "CONFIG_BRIDGE_IGMP_SNOOPING",
    "CONFIG_BRIDGE_MRP",
    "CONFIG_BRIDGE_CFM",
    "CONFIG_VETH",
    "CONFIG_IFB",
    "CONFIG_DUMMY",
    "CONFIG_VLAN_8021Q",
    "CONFIG_MACVLAN",
    "CONFIG_MACVTAP",
    "CONFIG_IPVLAN",
    "CONFIG_VXLAN",
    "CONFIG_GENEVE",
    "CONFIG_BONDING",
    "CONFIG_NET_TEAM",
    "CONFIG_WIREGUARD",
    "CONFIG_MACSEC",
    "CONFIG_NET_L3_MASTER_DEV",
    "CONFIG_NET_SCHED",
    "CONFIG_NET_SCH_DEFAULT",
    "CONFIG_DEFAULT_NET_SCH",
    "CONFIG_NET_SCH_FQ_CODEL",
    "CONFIG_NETLINK_DIAG",
    "CONFIG_ETHTOOL_NETLINK",
    "CONFIG_NET_DEVLINK",
    "CONFIG_DPLL",
    "CONFIG_MPTCP",
    "CONFIG_IPV6_SEG6_LWTUNNEL",
    "CONFIG_IPV6_IOAM6_LWTUNNEL",
    "CONFIG_TASKSTATS",
    "CONFIG_THERMAL_NETLINK",
    "CONFIG_QUOTA_NETLINK_INTERFACE",
    "CONFIG_NET_SHAPER",
    "CONFIG_HANDSHAKE",
    // The tick: what the model's jiffies count (link watch holds events for HZ of them).
    "CONFIG_HZ",
];

/// The set options of a kernel `.config` (`CONFIG_X=value`; `# CONFIG_X is not set` lines
/// and comments are left out), values as written (strings keep their quotes).
pub fn parse_config(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.trim().split_once('=')?;
            k.starts_with("CONFIG_")
                .then(|| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// The options of `config` that recordings keep ([`RECORDED_CONFIG`]).
pub fn recorded_lines(config: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    config
        .iter()
        .filter(|(k, _)| RECORDED_CONFIG.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The SHA-256 of `bytes`, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The number of CPUs in a kernel CPU list (`0-3,8` is 5).
pub fn cpu_count(list: &str) -> Option<u32> {
    list.trim().split(',').try_fold(0u32, |n, part| {
        let c = match part.split_once('-') {
            Some((a, b)) => b.parse::<u32>().ok()?.checked_sub(a.parse().ok()?)? + 1,
            None => part.parse::<u32>().map(|_| 1).ok()?,
        };
        n.checked_add(c)
    })
}

/// The boot default of `net.core.default_qdisc`: `CONFIG_DEFAULT_NET_SCH` without its quotes.
pub fn config_default_qdisc(config: &BTreeMap<String, String>) -> Option<String> {
    config
        .get("CONFIG_DEFAULT_NET_SCH")
        .map(|v| v.trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// A kernel build config as read: where from, its digest, its set options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigFile {
    /// Where it was read (`/proc/config.gz`, `/boot/config-6.1.0-57-amd64`, ...).
    pub source: String,
    /// SHA-256 of the uncompressed text.
    pub sha256: String,
    /// Its size, uncompressed.
    pub bytes: usize,
    /// Every set option.
    pub options: BTreeMap<String, String>,
}

impl ConfigFile {
    /// A config from its uncompressed text.
    pub fn from_text(source: impl Into<String>, text: &[u8]) -> ConfigFile {
        ConfigFile {
            source: source.into(),
            sha256: sha256_hex(text),
            bytes: text.len(),
            options: parse_config(&String::from_utf8_lossy(text)),
        }
    }
}

/// Read the running kernel's config: `/proc/config.gz`, else `/boot/config-<release>`; `None`
/// when neither is readable (profile choice then goes by the other facts).
pub fn read_live_config(release: &str) -> Option<ConfigFile> {
    if let Ok(gz) = std::fs::read("/proc/config.gz") {
        let mut text = Vec::new();
        if flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut text)
            .is_ok()
        {
            return Some(ConfigFile::from_text("/proc/config.gz", &text));
        }
    }
    let boot = format!("/boot/config-{release}");
    std::fs::read(&boot)
        .ok()
        .map(|text| ConfigFile::from_text(boot, &text))
}

/// What a fresh network namespace shows: read inside the sandbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceFacts {
    /// `net.core.rmem_max` as the namespace reads it.
    pub rmem_max: Option<u32>,
    /// `net.core.wmem_max`.
    pub wmem_max: Option<u32>,
    /// `net.core.default_qdisc` (only the initial namespace has it on most kernels).
    pub default_qdisc: Option<String>,
    /// The generic netlink families the namespace sees, by name, in id order.
    pub genl_families: Vec<String>,
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_owned())
}

/// The sysctls of the namespace this process is in.
fn sysctls() -> (Option<u32>, Option<u32>, Option<String>) {
    let num = |p: &str| read_trimmed(p).and_then(|v| v.parse().ok());
    (
        num("/proc/sys/net/core/rmem_max"),
        num("/proc/sys/net/core/wmem_max"),
        read_trimmed("/proc/sys/net/core/default_qdisc").filter(|q| !q.is_empty()),
    )
}

/// Read the namespace's facts here (what `nltwin facts --here` prints, inside the sandbox).
pub fn namespace_here() -> Result<NamespaceFacts> {
    use nltwin::engine::Connection;
    use nltwin::requests::family::FamilyRequests;
    let (rmem_max, wmem_max, default_qdisc) = sysctls();
    let backend = nltwin::transport::kernel::KernelBackend::new();
    let mut c = Connection::open(backend, nltwin_wire::uapi::netlink::NETLINK_GENERIC)
        .map_err(|e| anyhow!("opening a NETLINK_GENERIC socket: {e}"))?;
    let genl_families = c
        .families()
        .map_err(|e| anyhow!("listing the generic netlink families: {e}"))?
        .iter()
        .filter_map(|f| f.name().map(str::to_owned))
        .collect();
    Ok(NamespaceFacts {
        rmem_max,
        wmem_max,
        default_qdisc,
        genl_families,
    })
}

/// Run `exe facts --here` inside a fresh sandbox and read what it printed.
pub fn namespace_sandboxed(exe: &Path) -> Result<NamespaceFacts> {
    let mut cmd = Command::new(exe);
    cmd.args(["facts", "--here"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = nltwin::sandbox::enter_on_spawn(&mut cmd)
        .output()
        .map_err(|e| anyhow::Error::new(nltwin::sandbox::spawn_error(e)))?;
    if !out.status.success() {
        bail!(
            "reading the namespace's facts in a sandbox failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "bad output from `nltwin facts --here`: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        )
    })
}

/// Everything read about a live kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gathered {
    /// `uname -r`.
    pub release: String,
    /// `uname -v`.
    pub version: String,
    /// `uname -m` (the architecture this binary runs on).
    pub machine: String,
    /// The build config, when readable.
    pub config: Option<ConfigFile>,
    /// `/sys/devices/system/cpu/possible`, as written.
    pub cpus_possible: Option<String>,
    /// What a fresh namespace shows.
    pub namespace: NamespaceFacts,
    /// `net.core.default_qdisc` read in this process's namespace (the namespace's own value
    /// wins when it has one).
    pub default_qdisc_outside: Option<String>,
}

impl Gathered {
    /// The facts profile choice reads.
    pub fn facts(&self) -> KernelFacts {
        KernelFacts {
            release: self.release.clone(),
            version: self.version.clone(),
            config: self
                .config
                .as_ref()
                .map(|c| c.options.clone())
                .unwrap_or_default(),
            genl_families: self.namespace.genl_families.clone(),
            num_possible_cpus: self.cpus_possible.as_deref().and_then(cpu_count),
            rmem_max: self.namespace.rmem_max,
            wmem_max: self.namespace.wmem_max,
            default_qdisc: self.default_qdisc(),
        }
    }

    /// `net.core.default_qdisc`: the namespace's, else this process's.
    pub fn default_qdisc(&self) -> Option<String> {
        self.namespace
            .default_qdisc
            .clone()
            .or_else(|| self.default_qdisc_outside.clone())
    }
}

/// Gather the facts of the running kernel: files read here, the namespace's part through
/// `exe facts --here` in a fresh sandbox.
pub fn gather(exe: &Path) -> Result<Gathered> {
    let release = read_trimmed("/proc/sys/kernel/osrelease")
        .ok_or_else(|| anyhow!("cannot read /proc/sys/kernel/osrelease (is /proc mounted?)"))?;
    let version = read_trimmed("/proc/sys/kernel/version").unwrap_or_default();
    let namespace = namespace_sandboxed(exe)?;
    Ok(Gathered {
        config: read_live_config(&release),
        release,
        version,
        machine: std::env::consts::ARCH.to_owned(),
        cpus_possible: read_trimmed("/sys/devices/system/cpu/possible"),
        namespace,
        default_qdisc_outside: sysctls().2,
    })
}

/// The profile for a kernel with `facts`: the one [`choose`] picks, or the one called `name`
/// (`--profile`) on the kernel's host values. An unknown name is an error listing the names.
pub fn select_profile(facts: &KernelFacts, name: Option<&str>) -> Result<ProfileChoice, String> {
    let auto = choose(facts);
    let Some(name) = name else {
        return Ok(auto);
    };
    let Some(p) = Profile::by_name(name) else {
        let names: Vec<&str> = Profile::ALL.iter().map(|p| p.name).collect();
        return Err(format!(
            "unknown profile \"{name}\" (known: {})",
            names.join(", ")
        ));
    };
    let exact_release = parse_series(&facts.release) == Some(p.release.version);
    Ok(ProfileChoice {
        reason: format!(
            "--profile {name} (the automatic choice was {}: {})",
            auto.profile.name, auto.reason
        ),
        profile: p.on_host(auto.profile.host),
        exact_release,
    })
}

/// The line saying which profile was chosen for which kernel, and why.
pub fn choice_line(kernel: &str, c: &ProfileChoice) -> String {
    format!(
        "profile {} for kernel {kernel}: {}",
        c.profile.name, c.reason
    )
}

/// The warning to show when the profile's release is not the kernel's.
pub fn choice_warning(kernel: &str, c: &ProfileChoice) -> Option<String> {
    (!c.exact_release).then(|| {
        let nearest = if c.reason.starts_with("--profile") {
            ""
        } else {
            " (the model has no profile of that release: this is the nearest)"
        };
        format!(
            "warning: profile {} models release {}, not kernel {kernel}'s{nearest}; expect \
             differences",
            c.profile.name, c.profile.release.name
        )
    })
}

/// [`ProfileChoice`] as JSON (`"profile"` in reports).
pub fn choice_json(c: &ProfileChoice) -> serde_json::Value {
    serde_json::json!({
        "name": c.profile.name,
        "release": c.profile.release_string,
        "reason": c.reason,
        "exact_release": c.exact_release,
        "host": {
            "num_possible_cpus": c.profile.host.num_possible_cpus,
            "rmem_max": c.profile.host.rmem_max,
            "wmem_max": c.profile.host.wmem_max,
            "default_qdisc": c.profile.host.default_qdisc,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_lines_cpu_lists_and_the_default_qdisc_are_read() {
        let text = "#\n# comment\nCONFIG_BRIDGE=y\n# CONFIG_VXLAN is not set\n\
                    CONFIG_DEFAULT_NET_SCH=\"fq_codel\"\nCONFIG_NR_CPUS=8192\nCONFIG_FOO=m\n";
        let c = ConfigFile::from_text("t", text.as_bytes());
        assert_eq!(c.options.len(), 4);
        assert_eq!(c.options["CONFIG_BRIDGE"], "y");
        assert!(!c.options.contains_key("CONFIG_VXLAN"));
        assert_eq!(
            config_default_qdisc(&c.options).as_deref(),
            Some("fq_codel")
        );
        let kept = recorded_lines(&c.options);
        assert!(kept.contains_key("CONFIG_BRIDGE") && !kept.contains_key("CONFIG_FOO"));
        assert_eq!(c.sha256.len(), 64);
        assert_eq!(cpu_count("0-1"), Some(2));
        assert_eq!(cpu_count("0-3,8\n"), Some(5));
        assert_eq!(cpu_count("x"), None);
        assert_eq!(cpu_count("3-1"), None);
    }

    #[test]
    fn profiles_are_chosen_or_named_and_unknown_names_list_the_known_ones() {
        let facts = KernelFacts {
            release: "6.1.0-57-amd64".into(),
            num_possible_cpus: Some(4),
            ..KernelFacts::default()
        };
        let auto = select_profile(&facts, None).unwrap();
        assert_eq!(auto.profile.release.version, (6, 1));
        let named = select_profile(&facts, Some("debian-6.18")).unwrap();
        assert_eq!(named.profile.name, "debian-6.18");
        assert_eq!(named.profile.host.num_possible_cpus, 4);
        assert!(!named.exact_release);
        assert!(choice_warning("6.1.0-57-amd64", &named).is_some());
        let e = select_profile(&facts, Some("nope")).unwrap_err();
        assert!(
            e.contains("debian-6.1") && e.contains("6.18-minimal"),
            "{e}"
        );
    }
}
