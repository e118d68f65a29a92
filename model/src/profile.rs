//! The kernel profile: the release the model imitates and the build constants that shape its
//! answers (x86-64, 4 KiB pages).

/// A kernel release the model targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The release string the model reports (what `uname -r` gives on the reference machine).
    pub release: &'static str,
    /// Major and minor version, for version-dependent behaviour.
    pub version: (u32, u32),
}

impl Profile {
    /// Linux 6.18, the profile every conformance case is checked against.
    pub const LINUX_6_18: Profile = Profile {
        release: "6.18.44",
        version: (6, 18),
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
/// `sizeof(struct sk_buff)` on x86-64.
pub const SIZEOF_SK_BUFF: usize = 232;
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
/// `SK_RMEM_MAX` / `SK_WMEM_MAX` default (`net.core.rmem_default` here): 212992.
pub const SK_RMEM_DEFAULT: u32 = 212_992;
/// `net.core.rmem_max` / `wmem_max` default: the cap on SO_RCVBUF / SO_SNDBUF without FORCE.
pub const SYSCTL_RMEM_MAX: u32 = 212_992;
