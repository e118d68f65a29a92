//! What kernel the model imitates, as data: a [`Profile`] is a release (what a kernel version
//! does: its features and limits), a build config (what is built in: bridge VLAN filtering,
//! generic netlink families, link kinds) and a host (CPUs, sysctls). Code asks the profile
//! for a [`Feature`] or a value; it never compares version numbers, since stable kernels
//! backport.
//!
//! A profile is chosen for a live kernel or a recording from what that kernel *is*
//! ([`KernelFacts`]: its release string, its config, the families and facts it offers), never
//! from its answers to the scenarios ([`choose`]).

pub mod arch;
mod families;
pub mod features;

pub use arch::*;
pub use features::{Feature, FeatureSet};

use crate::genetlink::FamilyData;

/// A kernel release (a stable point release: backports make 6.12.118 differ from 6.12.0)
/// and the limits its uapi has. What it does differently is in [`features`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// The release, e.g. `"6.18.44"`.
    pub name: &'static str,
    /// Major and minor: the series, for choosing a profile and for [`features`] only (never
    /// compared by handlers).
    pub version: (u32, u32),
    /// The stable point release within the series.
    pub point: u32,
    /// `RTM_MAX`: the highest message type rtnetlink dispatches.
    pub rtm_max: u16,
    /// `RTNLGRP_MAX`: the NETLINK_ROUTE kernel socket's groups.
    pub rtnlgrp_max: u32,
    /// `DEVCONF_MAX`: the IPv6 configuration values in IFLA_INET6_CONF.
    pub ipv6_devconf_max: usize,
    /// `IPSTATS_MIB_MAX`: the IPv6 counters in IFLA_INET6_STATS.
    pub ipstats_mib_max: usize,
    /// `IFA_MAX`: the last address attribute (IFA_MC_USERS came with the multicast address
    /// notifications).
    pub ifa_max: u16,
    /// `NETCONFA_MAX`: the last netconf attribute a get's policy knows (NETCONFA_BC_FORWARDING,
    /// then NETCONFA_FORCE_FORWARDING with IPv6's force_forwarding, DEVCONF_MAX 60).
    pub netconfa_max: u16,
}

/// A build configuration: what is built into the kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// A name for reports (`"minimal"`, `"debian"`).
    pub name: &'static str,
    /// `CONFIG_BRIDGE_VLAN_FILTERING`.
    pub bridge_vlan_filtering: bool,
    /// Link kinds built in that the model does not create: a request for one answers
    /// `unimplemented` rather than "Unknown device type".
    pub unimplemented_link_kinds: &'static [&'static str],
    /// `MAX_HEADER`: the link-layer header room the build reserves (LL_MAX_HEADER: 32, 96
    /// with wireless or AX.25, 128 with Hyper-V networking; 48 more with IP tunnels). It makes
    /// MAX_TCP_HEADER (the minimum of IFLA_GSO_MAX_SIZE is one more) and the small skb head
    /// size.
    pub max_header: usize,
    /// `CONFIG_HZ`: the timer tick, what `jiffies` count (link watch holds non-urgent events
    /// for HZ jiffies, a second).
    pub hz: u32,
    /// `CONFIG_IP_MROUTE`: the RTNL_FAMILY_IPMR rtnetlink handlers (multicast routes and
    /// the multicast routing link dump).
    pub ip_mroute: bool,
    /// `CONFIG_IPV6_MROUTE`: IPv6 netconf messages carry NETCONFA_MC_FORWARDING; the
    /// RTNL_FAMILY_IP6MR route dump.
    pub ipv6_mroute: bool,
    /// `CONFIG_IP_MROUTE_MULTIPLE_TABLES`: a namespace has RTNL_FAMILY_IPMR routing rules.
    pub ip_mroute_multiple_tables: bool,
    /// `CONFIG_IPV6_MROUTE_MULTIPLE_TABLES`: a namespace has RTNL_FAMILY_IP6MR routing rules.
    pub ipv6_mroute_multiple_tables: bool,
    /// `offsetof(struct neighbour, primary_key)`: what a neighbour table's `entry_size`
    /// (NDTA_CONFIG) is made of. The structure's layout follows the build's options and the
    /// release: each entry gives the offset from that release on (oldest first). A release
    /// before the first entry was never measured: the neighbour table dump then answers
    /// `unimplemented`.
    pub neigh_primary_key_offset: &'static [((u32, u32), usize)],
    /// The TCP congestion controls a network namespace finds registered
    /// (`tcp_available_congestion_control`), in registration order: RTAX_CC_ALGO names one
    /// (`tcp_ca_get_key_by_name`). Modules are not loaded for a request from a user namespace
    /// (`tcp_ca_find_autoload` needs CAP_NET_ADMIN in the initial one), so a build's modular
    /// ones are absent until something loads them.
    pub tcp_congestion_controls: &'static [&'static str],
    /// `CONFIG_IP_ROUTE_CLASSID`: IPv4 next hops keep a realm (RTA_FLOW, `nh_tclassid`);
    /// without it a request's realm is read and dropped.
    pub ip_route_classid: bool,
}

impl Config {
    /// `offsetof(struct neighbour, primary_key)` on `release`, where measured.
    pub fn neigh_primary_key_offset_of(&self, release: &Release) -> Option<usize> {
        self.neigh_primary_key_offset
            .iter()
            .rev()
            .find(|(from, _)| release.version >= *from)
            .map(|&(_, offset)| offset)
    }

    /// `MAX_TCP_HEADER` of a build with `max_header`: `L1_CACHE_ALIGN(128 + MAX_HEADER)`.
    pub const fn max_tcp_header_of(max_header: usize) -> usize {
        (128 + max_header).next_multiple_of(SMP_CACHE_BYTES)
    }

    /// `MAX_TCP_HEADER`.
    pub const fn max_tcp_header(&self) -> usize {
        Config::max_tcp_header_of(self.max_header)
    }
}

/// The machine the kernel runs on: what the kernel reads from it, not its release or build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// `num_possible_cpus()`: veth takes one queue per possible CPU.
    pub num_possible_cpus: u32,
    /// `net.core.rmem_max`: the cap on SO_RCVBUF without FORCE.
    pub rmem_max: u32,
    /// `net.core.wmem_max`: the cap on SO_SNDBUF without FORCE.
    pub wmem_max: u32,
    /// `net.core.default_qdisc`: the qdisc a device that needs one gets when it comes up
    /// (the build's CONFIG_DEFAULT_NET_SCH unless the host changed it).
    pub default_qdisc: &'static str,
}

/// The kernel the model imitates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The profile's name (`"6.18-minimal"`), how users import it ([`Profile::by_name`]).
    pub name: &'static str,
    /// The release string the model reports (what `uname -r` gives on such a kernel).
    pub release_string: &'static str,
    /// The release.
    pub release: &'static Release,
    /// The build.
    pub config: &'static Config,
    /// The machine.
    pub host: Host,
    /// The generic netlink families such a kernel registers at boot, besides nlctrl (those
    /// not `netnsok` included: they take ids and groups, and GETPOLICY finds them by id).
    pub genl_families: &'static [FamilyData],
}

/// Linux 6.1 (Debian 12's kernel).
pub const R6_1_192: Release = Release {
    name: "6.1.192",
    version: (6, 1),
    point: 192,
    rtm_max: 123,
    rtnlgrp_max: crate::uapi::rtnetlink::RTNLGRP_STATS,
    ipv6_devconf_max: 59,
    ipstats_mib_max: 37,
    ifa_max: 11,
    netconfa_max: 8,
};

/// Linux 6.12 (Debian 13's kernel).
pub const R6_12_118: Release = Release {
    name: "6.12.118",
    version: (6, 12),
    point: 118,
    rtm_max: 123,
    rtnlgrp_max: crate::uapi::rtnetlink::RTNLGRP_STATS,
    ipv6_devconf_max: 59,
    ipstats_mib_max: 38,
    ifa_max: 11,
    netconfa_max: 8,
};

/// Linux 6.17.
pub const R6_17_13: Release = Release {
    name: "6.17.13",
    version: (6, 17),
    point: 13,
    rtm_max: 123,
    rtnlgrp_max: crate::uapi::rtnetlink::RTNLGRP_IPV6_ACADDR,
    ipv6_devconf_max: 60,
    ipstats_mib_max: 38,
    ifa_max: 11,
    netconfa_max: 9,
};

/// Linux 6.18.
pub const R6_18_44: Release = Release {
    name: "6.18.44",
    version: (6, 18),
    point: 44,
    // Observed: type 123 is dispatched, 124 is EOPNOTSUPP.
    rtm_max: 123,
    rtnlgrp_max: crate::uapi::rtnetlink::RTNLGRP_IPV6_ACADDR,
    ipv6_devconf_max: 60,
    ipstats_mib_max: 38,
    ifa_max: 11,
    netconfa_max: 9,
};

/// Linux 6.18.15 (Debian's trixie-backports build).
pub const R6_18_15: Release = Release {
    name: "6.18.15",
    point: 15,
    ..R6_18_44
};

/// Linux 7.3.
pub const R7_3_4: Release = Release {
    name: "7.3.4",
    version: (7, 3),
    point: 4,
    rtm_max: 123,
    rtnlgrp_max: crate::uapi::rtnetlink::RTNLGRP_IPV6_ACADDR,
    ipv6_devconf_max: 60,
    ipstats_mib_max: 38,
    ifa_max: 12,
    netconfa_max: 9,
};

/// The releases the model knows, oldest first.
pub const RELEASES: &[&Release] = &[
    &R6_1_192, &R6_12_118, &R6_17_13, &R6_18_15, &R6_18_44, &R7_3_4,
];

/// The reference machine's build: veth and bridge, no bridge VLAN filtering, no dummy or vlan.
pub const CONFIG_MINIMAL: Config = Config {
    name: "minimal",
    bridge_vlan_filtering: false,
    unimplemented_link_kinds: &["macvlan", "macvtap", "vxlan"],
    // No tunnels, no wireless: LL_MAX_HEADER 32 (MAX_TCP_HEADER 192, observed as the
    // minimum of IFLA_GSO_MAX_SIZE, 193).
    max_header: 32,
    // CONFIG_HZ_250 in the reference machine's /proc/config.gz.
    hz: 250,
    // Neither is set in the reference machine's /proc/config.gz (an AF_UNSPEC route dump
    // there has no multicast routing part).
    ip_mroute: false,
    ipv6_mroute: false,
    // CONFIG_IP_MROUTE and CONFIG_IPV6_MROUTE are not set.
    ip_mroute_multiple_tables: false,
    ipv6_mroute_multiple_tables: false,
    // The reference machine's tables report entry_size 336 (ARP, ALIGN(offset + 4, 8)) and
    // 344 (NDISC, ALIGN(offset + 16, 8)): only 328 gives both.
    neigh_primary_key_offset: &[((6, 18), 328)],
    // `unshare -Urn cat /proc/sys/net/ipv4/tcp_available_congestion_control` on the
    // reference machine: "reno bbr cubic" (all three built in).
    tcp_congestion_controls: &["reno", "bbr", "cubic"],
    // CONFIG_IP_ROUTE_CLASSID=y in the reference machine's /proc/config.gz.
    ip_route_classid: true,
};

/// Debian's build (the same options from bookworm's 6.1 to trixie-backports' 7.x): bridge
/// VLAN filtering, the link kinds the model lacks as modules, and a MAX_TCP_HEADER grown by the
/// link layers built in.
pub const CONFIG_DEBIAN: Config = Config {
    name: "debian",
    bridge_vlan_filtering: true,
    unimplemented_link_kinds: &[
        "dummy",
        "vlan",
        "macvlan",
        "macvtap",
        "ipvlan",
        "ipvtap",
        "vxlan",
        "geneve",
        "bond",
        "team",
        "gre",
        "gretap",
        "ip6gre",
        "ip6gretap",
        "ipip",
        "sit",
        "ip6tnl",
        "vti",
        "vti6",
        "vrf",
        "macsec",
        "nlmon",
        "wireguard",
        "bareudp",
        "netkit",
        "gtp",
        "hsr",
        "xfrm",
    ],
    // Hyper-V networking and IP tunnels: 128 + 48 (MAX_TCP_HEADER 320, observed as 321).
    max_header: 176,
    // CONFIG_HZ_250 in the config of every Debian build of the kernel matrix (6.1 to 7.3).
    hz: 250,
    // CONFIG_IP_MROUTE=y and CONFIG_IPV6_MROUTE=y in the same configs.
    ip_mroute: true,
    ipv6_mroute: true,
    // Both =y in the configs of the kernel matrix's Debian builds.
    ip_mroute_multiple_tables: true,
    ipv6_mroute_multiple_tables: true,
    // The kernel matrix's tables: 408 and 416 on 6.1.192 and 6.12.118 (offset 400), 432 and
    // 440 on 6.17.13, 6.18.15 and 7.3.4 (offset 424); no build between 6.12 and 6.17 seen.
    neigh_primary_key_offset: &[((6, 1), 400), ((6, 17), 424)],
    // CONFIG_TCP_CONG_CUBIC=y with reno always there; the others (bbr, dctcp, ...) are
    // modules, not loaded in a fresh guest.
    tcp_congestion_controls: &["reno", "cubic"],
    // Selected by CONFIG_NET_CLS_ROUTE4 (a module in Debian's configs).
    ip_route_classid: true,
};

/// A Debian host as the kernel matrix boots it: the reference machine's CPUs and buffer
/// caps, and Debian's CONFIG_DEFAULT_NET_SCH, fq_codel.
pub const HOST_DEBIAN: Host = Host {
    default_qdisc: "fq_codel",
    ..HOST_REFERENCE
};

/// The reference machine: 2 CPUs, a 4 MiB socket buffer cap, pfifo_fast.
pub const HOST_REFERENCE: Host = Host {
    num_possible_cpus: 2,
    rmem_max: 4_194_304,
    wmem_max: 4_194_304,
    default_qdisc: "pfifo_fast",
};

impl Profile {
    /// Linux 6.18.44 as built on the reference machine (minimal config), the profile every
    /// bundled scenario is checked against live.
    pub const LINUX_6_18: Profile = Profile {
        name: "6.18-minimal",
        release_string: "6.18.44",
        release: &R6_18_44,
        config: &CONFIG_MINIMAL,
        host: HOST_REFERENCE,
        genl_families: families::reference_6_18::FAMILIES,
    };

    /// Debian 12's 6.1 (6.1.192, `6.1.0-57-amd64`).
    pub const DEBIAN_6_1: Profile = Profile {
        name: "debian-6.1",
        release_string: "6.1.0-57-amd64",
        release: &R6_1_192,
        config: &CONFIG_DEBIAN,
        host: HOST_DEBIAN,
        genl_families: families::debian_6_1::FAMILIES,
    };

    /// Debian's 6.12 (6.12.118, `6.12.118+deb12-amd64`).
    pub const DEBIAN_6_12: Profile = Profile {
        name: "debian-6.12",
        release_string: "6.12.118+deb12-amd64",
        release: &R6_12_118,
        config: &CONFIG_DEBIAN,
        host: HOST_DEBIAN,
        genl_families: families::debian_6_12::FAMILIES,
    };

    /// Debian's 6.17 (6.17.13, `6.17.13+deb13-amd64`).
    pub const DEBIAN_6_17: Profile = Profile {
        name: "debian-6.17",
        release_string: "6.17.13+deb13-amd64",
        release: &R6_17_13,
        config: &CONFIG_DEBIAN,
        host: HOST_DEBIAN,
        genl_families: families::debian_6_17::FAMILIES,
    };

    /// Debian's 6.18 (6.18.15, `6.18.15+deb13-amd64`).
    pub const DEBIAN_6_18: Profile = Profile {
        name: "debian-6.18",
        release_string: "6.18.15+deb13-amd64",
        release: &R6_18_15,
        config: &CONFIG_DEBIAN,
        host: HOST_DEBIAN,
        genl_families: families::debian_6_18::FAMILIES,
    };

    /// Debian's 7.3 (7.3.4, `7.3.4+deb13-amd64`).
    pub const DEBIAN_7_3: Profile = Profile {
        name: "debian-7.3",
        release_string: "7.3.4+deb13-amd64",
        release: &R7_3_4,
        config: &CONFIG_DEBIAN,
        host: HOST_DEBIAN,
        genl_families: families::debian_7_3::FAMILIES,
    };

    /// Every profile the model has, by name.
    pub const ALL: &'static [Profile] = &[
        Profile::LINUX_6_18,
        Profile::DEBIAN_6_1,
        Profile::DEBIAN_6_12,
        Profile::DEBIAN_6_17,
        Profile::DEBIAN_6_18,
        Profile::DEBIAN_7_3,
    ];

    /// The profile called `name`.
    pub fn by_name(name: &str) -> Option<Profile> {
        Profile::ALL.iter().find(|p| p.name == name).cloned()
    }

    /// Whether the release has `feature`.
    pub fn has(&self, feature: Feature) -> bool {
        FeatureSet::of(self.release).has(feature)
    }

    /// This profile on another host.
    pub fn on_host(mut self, host: Host) -> Profile {
        self.host = host;
        self
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::LINUX_6_18
    }
}

/// What a kernel is, as read without sending it a scenario's requests: what profile choice
/// reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelFacts {
    /// `uname -r`.
    pub release: String,
    /// `uname -v`: distributions name the stable point release there when `uname -r` does
    /// not (Debian 12: `6.1.0-57-amd64`, `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 ...`).
    pub version: String,
    /// The build config's lines that are known (`CONFIG_X=y`), from `/proc/config.gz` or the
    /// build's config file; empty when unknown.
    pub config: std::collections::BTreeMap<String, String>,
    /// The generic netlink families a fresh namespace sees, by name.
    pub genl_families: Vec<String>,
    /// `num_possible_cpus()` (from `/sys/devices/system/cpu/possible`).
    pub num_possible_cpus: Option<u32>,
    /// `net.core.rmem_max`.
    pub rmem_max: Option<u32>,
    /// `net.core.wmem_max`.
    pub wmem_max: Option<u32>,
    /// `net.core.default_qdisc`.
    pub default_qdisc: Option<String>,
}

/// The profile chosen for a kernel, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileChoice {
    /// The profile, on the kernel's host.
    pub profile: Profile,
    /// Why it was chosen, for people.
    pub reason: String,
    /// Whether the kernel's release series is one the model knows (else the nearest was
    /// taken, with a warning).
    pub exact_release: bool,
}

/// The major and minor numbers at the start of a release string (`"6.18.44-fc"` is 6.18).
pub fn parse_series(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The stable point release of a kernel of series `series`: the third number of the first
/// `major.minor.point` of that series in `uname -v` (where distributions put it), else in
/// `uname -r`; 0 when neither says.
pub fn parse_point(facts: &KernelFacts, series: (u32, u32)) -> u32 {
    let find = |text: &str| {
        let prefix = format!("{}.{}.", series.0, series.1);
        text.match_indices(&prefix).find_map(|(i, _)| {
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_digit() || c == '.') {
                return None;
            }
            let digits: String = text[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            digits.parse::<u32>().ok()
        })
    };
    find(&facts.version)
        .filter(|&p| p > 0)
        .or_else(|| find(&facts.release))
        .unwrap_or(0)
}

/// How far a profile's build is from what the facts show (0: nothing contradicts it), and what
/// was compared, for people.
fn config_fit(p: &Profile, facts: &KernelFacts) -> (usize, Vec<String>) {
    let mut misfit = 0;
    let mut evidence = Vec::new();
    if facts.genl_families.is_empty() {
        evidence.push("no genl families known".to_owned());
    } else {
        // The facts may list the families of the initial namespace or of a fresh one (where
        // only `netnsok` families show): the better fit of the two views counts.
        let misfit_of = |view: Vec<&str>| {
            facts
                .genl_families
                .iter()
                .filter(|f| !view.contains(&f.as_str()))
                .count()
                + view
                    .iter()
                    .filter(|k| !facts.genl_families.iter().any(|f| f == *k))
                    .count()
        };
        let names = |all: bool| {
            std::iter::once("nlctrl")
                .chain(
                    p.genl_families
                        .iter()
                        .filter(|f| all || f.netnsok)
                        .map(|f| f.name),
                )
                .collect::<Vec<_>>()
        };
        let families = misfit_of(names(true)).min(misfit_of(names(false)));
        misfit += families;
        evidence.push(if families == 0 {
            format!(
                "the {} genl families seen are its build's",
                facts.genl_families.len()
            )
        } else {
            format!("{families} genl families differ from its build's")
        });
    }
    match facts.config.get("CONFIG_BRIDGE_VLAN_FILTERING") {
        Some(v) if (v == "y") != p.config.bridge_vlan_filtering => {
            misfit += 100;
            evidence.push(format!("CONFIG_BRIDGE_VLAN_FILTERING={v} unlike its build"));
        }
        Some(v) => evidence.push(format!("CONFIG_BRIDGE_VLAN_FILTERING={v}")),
        None if facts.config.is_empty() => evidence.push("no build config read".to_owned()),
        None if p.config.bridge_vlan_filtering => {
            misfit += 100;
            evidence.push("CONFIG_BRIDGE_VLAN_FILTERING not set, unlike its build".to_owned());
        }
        None => evidence.push("CONFIG_BRIDGE_VLAN_FILTERING not set".to_owned()),
    }
    (misfit, evidence)
}

/// Choose the profile for a kernel from its facts: the release series (the nearest known one,
/// older preferred, when it is not known), the build config that matches what it offers, and
/// its host values.
pub fn choose(facts: &KernelFacts) -> ProfileChoice {
    let series = parse_series(&facts.release);
    let candidates: Vec<&Profile> = Profile::ALL.iter().collect();
    let by_series = |want: (u32, u32)| {
        candidates
            .iter()
            .copied()
            .filter(|p| p.release.version == want)
            .collect::<Vec<_>>()
    };
    let (mut pool, exact_release, release_why) = match series {
        Some(s) if !by_series(s).is_empty() => (
            by_series(s),
            true,
            format!("release {}.{} is known", s.0, s.1),
        ),
        Some(s) => {
            let nearest = RELEASES
                .iter()
                .min_by_key(|r| {
                    let d = (i64::from(r.version.0) * 1000 + i64::from(r.version.1))
                        - (i64::from(s.0) * 1000 + i64::from(s.1));
                    // Older releases first on a tie: their behaviour is the base of newer ones.
                    (d.abs(), d > 0)
                })
                .expect("a release");
            (
                by_series(nearest.version),
                false,
                format!(
                    "release {}.{} is not known: the nearest known one is {}",
                    s.0, s.1, nearest.name
                ),
            )
        }
        None => (
            by_series(Profile::LINUX_6_18.release.version),
            false,
            format!("release {:?} unreadable: taking 6.18", facts.release),
        ),
    };
    let point = series.map_or(0, |s| parse_point(facts, s));
    // The build whose boot families and VLAN filtering fit the facts best, then the nearest
    // stable point release of the series.
    pool.sort_by_key(|p| (config_fit(p, facts).0, p.release.point.abs_diff(point)));
    let base = pool[0].clone();
    let host = Host {
        num_possible_cpus: facts
            .num_possible_cpus
            .unwrap_or(base.host.num_possible_cpus),
        rmem_max: facts.rmem_max.unwrap_or(base.host.rmem_max),
        wmem_max: facts.wmem_max.unwrap_or(base.host.wmem_max),
        // The sysctl when it was read, else the build's default.
        default_qdisc: match facts.default_qdisc.as_deref().or_else(|| {
            facts
                .config
                .get("CONFIG_DEFAULT_NET_SCH")
                .map(|v| v.trim_matches('"'))
        }) {
            Some("pfifo_fast") => "pfifo_fast",
            Some("fq_codel") => "fq_codel",
            Some("fq") => "fq",
            Some("noqueue") => "noqueue",
            _ => base.host.default_qdisc,
        },
    };
    let (_, evidence) = config_fit(&base, facts);
    let reason = format!(
        "{release_why}; config {} ({}); host: {} CPUs, rmem_max {}",
        base.config.name,
        evidence.join(", "),
        host.num_possible_cpus,
        host.rmem_max
    );
    ProfileChoice {
        profile: base.on_host(host),
        reason,
        exact_release,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_read_from_release_strings() {
        assert_eq!(parse_series("6.18.44-fc-v669"), Some((6, 18)));
        assert_eq!(parse_series("7.3.4+deb13-amd64"), Some((7, 3)));
        assert_eq!(parse_series("6.1.0-57-amd64"), Some((6, 1)));
        assert_eq!(parse_series("linux"), None);
        let debian = KernelFacts {
            release: "6.1.0-57-amd64".into(),
            version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-02)".into(),
            ..KernelFacts::default()
        };
        assert_eq!(parse_point(&debian, (6, 1)), 192);
        let plain = KernelFacts {
            release: "6.18.44-fc".into(),
            version: "#1 SMP 16.18.3".into(),
            ..KernelFacts::default()
        };
        assert_eq!(parse_point(&plain, (6, 18)), 44);
    }

    #[test]
    fn the_host_comes_from_the_facts_and_unknown_releases_are_flagged() {
        let facts = KernelFacts {
            release: "6.18.44-fc".into(),
            num_possible_cpus: Some(8),
            rmem_max: Some(212992),
            ..KernelFacts::default()
        };
        let c = choose(&facts);
        assert!(c.exact_release);
        assert_eq!(c.profile.host.num_possible_cpus, 8);
        assert_eq!(c.profile.host.rmem_max, 212992);
        let far = choose(&KernelFacts {
            release: "9.9.0".into(),
            ..KernelFacts::default()
        });
        assert!(!far.exact_release);
        assert!(far.reason.contains("not known"), "{}", far.reason);
    }
}
