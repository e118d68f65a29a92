//! The build's architecture constants (x86-64, 4 KiB pages): what sizes socket buffers and
//! the chunks of dumps. The same on every profile the model has.

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
/// `SOCK_MIN_RCVBUF`: 2048 + sizeof(struct sk_buff).
pub const SOCK_MIN_RCVBUF: u32 = 2048 + SIZEOF_SK_BUFF as u32;
/// `SOCK_MIN_SNDBUF`: twice `SOCK_MIN_RCVBUF`.
pub const SOCK_MIN_SNDBUF: u32 = 2 * SOCK_MIN_RCVBUF;
