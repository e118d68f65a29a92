//! The kernel profile: the release the model imitates and the build constants that shape its
//! answers (x86-64, 4 KiB pages).

/// A kernel release the model targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The release string the model reports (what `uname -r` gives on the reference machine).
    pub release: &'static str,
    /// Major and minor version, for version-dependent behaviour.
    pub version: (u32, u32),
    /// `num_possible_cpus()` of the machine: veth takes one queue per possible CPU. 2 on the
    /// reference machine; a harness comparing with another machine sets the host's value.
    pub num_possible_cpus: u32,
    /// `net.core.default_qdisc` of the host: the qdisc a device that needs one gets when it
    /// comes up.
    pub default_qdisc: &'static str,
    /// Link kinds the kernel has built in that the model does not create: a request for one
    /// answers `unimplemented` rather than the kernel's "Unknown device type".
    pub unimplemented_link_kinds: &'static [&'static str],
}

impl Profile {
    /// Linux 6.18, the profile every conformance case is checked against.
    pub const LINUX_6_18: Profile = Profile {
        release: "6.18.44",
        version: (6, 18),
        num_possible_cpus: 2,
        default_qdisc: "pfifo_fast",
        unimplemented_link_kinds: &["macvlan", "macvtap", "vxlan"],
    };
}

impl Default for Profile {
    fn default() -> Self {
        Profile::LINUX_6_18
    }
}

/// `PAGE_SIZE` on x86-64.
pub const PAGE_SIZE: usize = 4096;
/// `SMP_CACHE_BYTES` on x86-64: the alignment of skb data.
pub const SMP_CACHE_BYTES: usize = 64;
/// `sizeof(struct sk_buff)` on the profile's build (observed: SOCK_MIN_RCVBUF = 2048 + 256).
pub const SIZEOF_SK_BUFF: usize = 256;
/// `sizeof(struct skb_shared_info)` on x86-64.
pub const SIZEOF_SKB_SHARED_INFO: usize = 320;
/// `SKB_DATA_ALIGN`: align to the cache line.
pub const fn skb_data_align(x: usize) -> usize {
    (x + SMP_CACHE_BYTES - 1) & !(SMP_CACHE_BYTES - 1)
}
/// `SKB_WITH_OVERHEAD(X)`: what is left of an allocation of X bytes once the shared info is in it.
pub const fn skb_with_overhead(x: usize) -> usize {
    x - skb_data_align(SIZEOF_SKB_SHARED_INFO)
}
/// `NLMSG_GOODSIZE`: a page minus the skb overhead (3776 on x86-64).
pub const NLMSG_GOODSIZE: usize = skb_with_overhead(PAGE_SIZE);
/// `net.core.rmem_default` / `wmem_default`: a new socket's SO_RCVBUF / SO_SNDBUF.
pub const SK_RMEM_DEFAULT: u32 = 212_992;
/// `net.core.rmem_max` / `wmem_max` on the reference machine: the cap on SO_RCVBUF /
/// SO_SNDBUF without FORCE.
pub const SYSCTL_RMEM_MAX: u32 = 4_194_304;
/// `SOCK_MIN_RCVBUF`: 2048 + sizeof(struct sk_buff).
pub const SOCK_MIN_RCVBUF: u32 = 2048 + SIZEOF_SK_BUFF as u32;
/// `SOCK_MIN_SNDBUF`: twice `SOCK_MIN_RCVBUF`.
pub const SOCK_MIN_SNDBUF: u32 = 2 * SOCK_MIN_RCVBUF;
