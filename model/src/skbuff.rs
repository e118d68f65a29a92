//! Socket buffers (`struct sk_buff`, `net/core/skbuff.c`): bytes written with the wire
//! builder (`include/net/netlink.h`'s builders), their truesize and control block.
//!
//! An skb here is a byte buffer with a fixed capacity (the size it was allocated with), its
//! `truesize` for receive-queue accounting, and the netlink control block (`NETLINK_CB`).
//! Builders fail with `EMSGSIZE` when the tailroom is too small, as the kernel's do, which is
//! what makes dump chunking come out at the kernel's boundaries.

use crate::kernel::SockId;
use crate::profile::{skb_data_align, SIZEOF_SKB_SHARED_INFO, SIZEOF_SK_BUFF};
use nltwin_wire::NlBuf;

/// `kmalloc` size classes on x86-64 (`kmalloc_size_roundup`): what a data allocation really takes.
pub fn kmalloc_size_roundup(size: usize) -> usize {
    const CLASSES: [usize; 14] = [
        8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 16384,
    ];
    if let Some(c) = CLASSES.iter().find(|&&c| c >= size) {
        return *c;
    }
    if size <= 1 << 21 {
        size.next_power_of_two()
    } else {
        // Large allocations come from the page allocator: whole pages.
        size.div_ceil(4096) * 4096
    }
}

/// `SKB_TRUESIZE(X)`: the memory an skb with X bytes of data space is charged for.
pub const fn skb_truesize(x: usize) -> usize {
    x + skb_data_align(SIZEOF_SK_BUFF) + skb_data_align(SIZEOF_SKB_SHARED_INFO)
}

/// The netlink control block of an skb (`struct netlink_skb_parms`, `NETLINK_CB(skb)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetlinkSkbParms {
    /// Port id of the sender (`portid`).
    pub portid: u32,
    /// Destination group (`dst_group`).
    pub dst_group: u32,
    /// `NETLINK_SKB_*` flags.
    pub flags: u32,
    /// The task that sent it (`current` in `netlink_sendmsg`), for capability checks.
    pub sender: Option<crate::kernel::TaskId>,
    /// The sender's credentials as `scm_send` took them (`creds`): all zero for what the
    /// kernel sends (pid 0, the global root uid and gid).
    pub creds: ScmCreds,
}

/// `struct scm_creds`: a sender's tgid and kernel uid and gid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScmCreds {
    /// `pid`: the sender's thread group id.
    pub pid: u32,
    /// `uid`: the kernel uid.
    pub uid: u32,
    /// `gid`: the kernel gid.
    pub gid: u32,
}

/// `NETLINK_SKB_DST`: the sender gave an explicit destination address.
pub const NETLINK_SKB_DST: u32 = 0x8;

/// How a kernel's slab sizes skb heads (`kmalloc_reserve`): since 6.3 small heads come from a
/// cache of their own (`skb_small_head_cache`) whose size the build decides; before, from the
/// kmalloc size classes like the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkbSizing {
    /// `SKB_SMALL_HEAD_CACHE_SIZE`, when the kernel has that cache: heads up to this size all
    /// take this much.
    pub small_head_cache: Option<usize>,
}

impl SkbSizing {
    /// The reference build: a small-head cache of 576 bytes (observed: every skb of up to 256
    /// bytes of data is charged 832 bytes of truesize).
    pub const REFERENCE: SkbSizing = SkbSizing {
        small_head_cache: Some(576),
    };

    /// The sizing of a kernel with `features` built with a MAX_HEADER of `max_header`:
    /// `SKB_SMALL_HEAD_CACHE_SIZE` is `SKB_HEAD_ALIGN` of the larger of MAX_TCP_HEADER and
    /// `GRO_MAX_HEAD_PAD`, one cache line more when that is a power of two.
    pub fn of(features: crate::profile::FeatureSet, max_header: usize) -> SkbSizing {
        if !features.has(crate::profile::Feature::SkbSmallHeadCache) {
            return SkbSizing {
                small_head_cache: None,
            };
        }
        const NET_SKB_PAD: usize = 64;
        let max_tcp_header = crate::profile::Config::max_tcp_header_of(max_header);
        let gro_max_head_pad = max_header.max(128) + NET_SKB_PAD;
        let size = skb_data_align(max_tcp_header.max(gro_max_head_pad))
            + skb_data_align(SIZEOF_SKB_SHARED_INFO);
        let size = if size.is_power_of_two() {
            size + crate::profile::SMP_CACHE_BYTES
        } else {
            size
        };
        SkbSizing {
            small_head_cache: Some(size),
        }
    }

    /// `kmalloc_reserve` as `__alloc_skb` uses it: the bytes a head of `size` data bytes (plus
    /// the shared info) really takes.
    pub fn head_alloc(&self, size: usize) -> usize {
        let obj = skb_data_align(size) + skb_data_align(SIZEOF_SKB_SHARED_INFO);
        match self.small_head_cache {
            Some(cache) if obj <= cache => cache,
            _ => kmalloc_size_roundup(obj),
        }
    }

    /// The data room of a head asked for `size` bytes.
    pub fn data_room(&self, size: usize) -> usize {
        self.head_alloc(size) - skb_data_align(SIZEOF_SKB_SHARED_INFO)
    }
}

/// [`SkbSizing::head_alloc`] on the reference build.
pub fn skb_head_alloc(size: usize) -> usize {
    SkbSizing::REFERENCE.head_alloc(size)
}

/// A socket buffer: the bytes and their room (an [`NlBuf`], whose builders are the kernel's
/// `nlmsg_put` / `nla_put` family: an skb derefs to it), what it is charged, and the netlink
/// control block.
#[derive(Clone, Debug)]
pub struct SkBuff {
    buf: NlBuf,
    /// The memory charged to a receive queue (`skb->truesize`), by the reference sizing until a
    /// queue takes it ([`SkBuff::netlink_trim`], [`SkBuff::size_for`]).
    pub truesize: usize,
    /// The head size `alloc_skb` was asked for (none for a head built around a buffer).
    head_request: Option<usize>,
    /// The sending socket (`skb->sk`), if any.
    pub sk: Option<SockId>,
    /// `NETLINK_CB(skb)`.
    pub cb: NetlinkSkbParms,
    /// `skb_dst`: the route the skb holds a reference to until it is freed.
    pub dst: Option<DstRef>,
}

/// A reference to a route (`struct dst_entry`'s reference count): whoever holds one keeps the
/// route counted, as a queued reply of an IPv4 route get holds the route it describes until
/// it is read. Clones are references.
#[derive(Clone, Debug, Default)]
pub struct DstRef(std::sync::Arc<()>);

impl DstRef {
    /// The references held now (`rcuref_read(&dst->__rcuref)`).
    pub fn refcnt(&self) -> usize {
        std::sync::Arc::strong_count(&self.0)
    }
}

impl std::ops::Deref for SkBuff {
    type Target = NlBuf;
    fn deref(&self) -> &NlBuf {
        &self.buf
    }
}

impl std::ops::DerefMut for SkBuff {
    fn deref_mut(&mut self) -> &mut NlBuf {
        &mut self.buf
    }
}

impl SkBuff {
    /// `alloc_skb(size)`: room for `size` bytes, rounded up the way the slab rounds the head.
    pub fn alloc_skb(size: usize) -> SkBuff {
        let end = skb_head_alloc(size) - skb_data_align(SIZEOF_SKB_SHARED_INFO);
        SkBuff {
            buf: NlBuf::with_room(end),
            truesize: skb_truesize(end),
            head_request: Some(size),
            sk: None,
            cb: NetlinkSkbParms::default(),
            dst: None,
        }
    }

    /// An skb holding exactly `bytes` with the given data space and truesize (used where the
    /// kernel builds an skb around an existing buffer).
    pub fn from_parts(bytes: Vec<u8>, end: usize, truesize: usize) -> SkBuff {
        SkBuff {
            buf: NlBuf::from_vec(bytes, end),
            truesize,
            head_request: None,
            sk: None,
            cb: NetlinkSkbParms::default(),
            dst: None,
        }
    }

    /// `skb->data`: the bytes written.
    pub fn data(&self) -> &[u8] {
        self.buf.as_slice()
    }

    /// The truesize this kernel's slab gives the head (`sizing`).
    pub fn size_for(&mut self, sizing: &SkbSizing) {
        if let Some(size) = self.head_request {
            self.truesize = skb_truesize(sizing.data_room(size));
        }
    }

    /// `netlink_trim`: give back unused data space when at least half the charge is unused
    /// (the head is reallocated at the size of the data, and truesize follows).
    pub fn netlink_trim(&mut self, sizing: &SkbSizing) {
        self.size_for(sizing);
        let delta = self.buf.end() - self.buf.len();
        if delta * 2 < self.truesize {
            return;
        }
        let new_end = sizing.data_room(self.buf.len());
        self.truesize = self.truesize + new_end - self.buf.end();
        self.buf.set_end(new_end);
        self.head_request = Some(self.buf.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errno::Errno;

    #[test]
    fn goodsize_skb_has_goodsize_room() {
        let skb = SkBuff::alloc_skb(crate::profile::NLMSG_GOODSIZE);
        assert_eq!(skb.end(), 3776);
        assert_eq!(skb.truesize, 4096 + 256);
    }

    #[test]
    fn truesize_follows_the_observed_size_classes() {
        // Observed with /proc/net/netlink Rmem on 6.18 (error acks of growing size, each
        // alone in the queue): data bytes -> truesize.
        for (len, truesize) in [
            (36, 832),
            (236, 832),
            (436, 1280),
            (1036, 2304),
            (2036, 4352),
            (3736, 4352),
            (3836, 8448),
            (8036, 16640),
            (16036, 16640),
            (30036, 33024),
            (60036, 65792),
        ] {
            let mut skb = SkBuff::alloc_skb(len);
            skb.put(len).unwrap();
            skb.netlink_trim(&SkbSizing::REFERENCE);
            assert_eq!(skb.truesize, truesize, "{len}");
        }
    }

    #[test]
    fn the_small_head_cache_follows_the_build() {
        use crate::profile::{FeatureSet, Profile};
        let of = |p: &Profile| SkbSizing::of(FeatureSet::of(p.release), p.config.max_header);
        // The reference build: MAX_TCP_HEADER 192, a 512-byte head made 576.
        assert_eq!(of(&Profile::LINUX_6_18), SkbSizing::REFERENCE);
        // Debian: MAX_TCP_HEADER 320, 640 bytes.
        assert_eq!(of(&Profile::DEBIAN_6_18).small_head_cache, Some(640));
        // 6.1 has no such cache: a 40-byte ack takes kmalloc's 512.
        let old = of(&Profile::DEBIAN_6_1);
        assert_eq!(old.small_head_cache, None);
        assert_eq!(old.head_alloc(40), 512);
    }

    #[test]
    fn builders_fail_with_emsgsize_when_full() {
        let mut skb = SkBuff::alloc_skb(32);
        let room = skb.end();
        let at = skb.nlmsg_put(1, 2, 16, 0, 0).unwrap();
        assert_eq!(at, 0);
        assert_eq!(skb.nla_put(1, &vec![0; room]), Err(Errno::EMSGSIZE));
        skb.nla_put_u32(1, 7).unwrap();
        skb.nlmsg_end(at);
        assert_eq!(skb.len(), 24);
    }
}
