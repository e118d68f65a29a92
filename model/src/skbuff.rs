//! Socket buffers (`struct sk_buff`, `net/core/skbuff.c`) and the message and attribute builders
//! that write into them (`include/net/netlink.h`).
//!
//! An skb here is a byte buffer with a fixed capacity (the size it was allocated with), its
//! `truesize` for receive-queue accounting, and the netlink control block (`NETLINK_CB`).
//! Builders fail with `EMSGSIZE` when the tailroom is too small, as the kernel's do, which is
//! what makes dump chunking come out at the kernel's boundaries.

use crate::errno::Errno;
use crate::kernel::SockId;
use crate::profile::{skb_data_align, SIZEOF_SKB_SHARED_INFO, SIZEOF_SK_BUFF};
use crate::uapi::netlink::{nla_align, nlmsg_align, NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN};

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
}

/// `NETLINK_SKB_DST`: the sender gave an explicit destination address.
pub const NETLINK_SKB_DST: u32 = 0x8;

/// The size class of the small-head cache (`SKB_SMALL_HEAD_CACHE_SIZE`): heads up to this size
/// all take this much. 576 on x86-64 (observed: every skb of up to 256 bytes of data is charged
/// 832 bytes of truesize).
pub const SKB_SMALL_HEAD_CACHE_SIZE: usize = 576;

/// `kmalloc_reserve` as `__alloc_skb` uses it: the bytes a head of `size` data bytes (plus the
/// shared info) really takes.
pub fn skb_head_alloc(size: usize) -> usize {
    let obj = skb_data_align(size) + skb_data_align(SIZEOF_SKB_SHARED_INFO);
    if obj <= SKB_SMALL_HEAD_CACHE_SIZE {
        SKB_SMALL_HEAD_CACHE_SIZE
    } else {
        kmalloc_size_roundup(obj)
    }
}

/// A socket buffer.
#[derive(Clone, Debug)]
pub struct SkBuff {
    /// The bytes written so far (`skb->data .. skb->tail`).
    pub data: Vec<u8>,
    /// The data space (`skb_end_offset`): builders never write past it.
    pub end: usize,
    /// The memory charged to a receive queue (`skb->truesize`).
    pub truesize: usize,
    /// The sending socket (`skb->sk`), if any.
    pub sk: Option<SockId>,
    /// `NETLINK_CB(skb)`.
    pub cb: NetlinkSkbParms,
}

impl SkBuff {
    /// `alloc_skb(size)`: room for `size` bytes, rounded up the way the slab rounds the head.
    pub fn alloc_skb(size: usize) -> SkBuff {
        let end = skb_head_alloc(size) - skb_data_align(SIZEOF_SKB_SHARED_INFO);
        SkBuff {
            data: Vec::with_capacity(size.min(1 << 16)),
            end,
            truesize: skb_truesize(end),
            sk: None,
            cb: NetlinkSkbParms::default(),
        }
    }

    /// An skb holding exactly `bytes` with the given data space and truesize (used where the
    /// kernel builds an skb around an existing buffer).
    pub fn from_parts(bytes: Vec<u8>, end: usize, truesize: usize) -> SkBuff {
        SkBuff {
            data: bytes,
            end,
            truesize,
            sk: None,
            cb: NetlinkSkbParms::default(),
        }
    }

    /// `skb->len`.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the skb holds no data.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// `skb_reserve(skb, skb_tailroom(skb) - room)` on an empty skb: limit the data space to
    /// `room` bytes without changing what the skb is charged (as `netlink_dump` does).
    pub fn limit_room(&mut self, room: usize) {
        self.end = self.end.min(self.data.len() + room);
    }

    /// `netlink_trim`: give back unused data space when at least half the charge is unused
    /// (the head is reallocated at the size of the data, and truesize follows).
    pub fn netlink_trim(&mut self) {
        let delta = self.end - self.data.len();
        if delta * 2 < self.truesize {
            return;
        }
        let new_end = skb_head_alloc(self.data.len()) - skb_data_align(SIZEOF_SKB_SHARED_INFO);
        self.truesize = self.truesize + new_end - self.end;
        self.end = new_end;
    }

    /// `skb_tailroom`.
    pub fn tailroom(&self) -> usize {
        self.end.saturating_sub(self.data.len())
    }

    /// `skb_put`: append `len` zero bytes, returning their offset; EMSGSIZE if they do not fit.
    pub fn put(&mut self, len: usize) -> Result<usize, Errno> {
        if len > self.tailroom() {
            return Err(Errno::EMSGSIZE);
        }
        let at = self.data.len();
        self.data.resize(at + len, 0);
        Ok(at)
    }

    /// `nlmsg_trim`: drop everything from `mark` on (cancel a partly written message).
    pub fn trim(&mut self, mark: usize) {
        self.data.truncate(mark);
    }

    /// `nlmsg_put`: start a message with a `payload`-byte zeroed header area; returns its offset.
    pub fn nlmsg_put(
        &mut self,
        portid: u32,
        seq: u32,
        ty: u16,
        payload: usize,
        flags: u16,
    ) -> Result<usize, Errno> {
        let size = NLMSG_HDRLEN + payload;
        let at = self.data.len();
        self.put(nlmsg_align(size))?;
        let h = &mut self.data[at..];
        h[0..4].copy_from_slice(&(size as u32).to_ne_bytes());
        h[4..6].copy_from_slice(&ty.to_ne_bytes());
        h[6..8].copy_from_slice(&flags.to_ne_bytes());
        h[8..12].copy_from_slice(&seq.to_ne_bytes());
        h[12..16].copy_from_slice(&portid.to_ne_bytes());
        Ok(at)
    }

    /// `nlmsg_end`: set the length of the message started at `at` to cover everything after it.
    pub fn nlmsg_end(&mut self, at: usize) {
        let len = (self.data.len() - at) as u32;
        self.data[at..at + 4].copy_from_slice(&len.to_ne_bytes());
    }

    /// The mutable payload of the message at `at` (after its header).
    pub fn nlmsg_data_mut(&mut self, at: usize) -> &mut [u8] {
        &mut self.data[at + NLMSG_HDRLEN..]
    }

    /// `nla_put`: an attribute of type `ty` with `payload`, padded to 4 bytes.
    pub fn nla_put(&mut self, ty: u16, payload: &[u8]) -> Result<(), Errno> {
        let len = NLA_HDRLEN + payload.len();
        let at = self.data.len();
        self.put(nla_align(len))?;
        self.data[at..at + 2].copy_from_slice(&(len as u16).to_ne_bytes());
        self.data[at + 2..at + 4].copy_from_slice(&ty.to_ne_bytes());
        self.data[at + 4..at + len].copy_from_slice(payload);
        Ok(())
    }

    /// `nla_reserve`: an attribute of type `ty` with `len` zeroed payload bytes to fill in place.
    pub fn nla_reserve(&mut self, ty: u16, len: usize) -> Result<&mut [u8], Errno> {
        let total = NLA_HDRLEN + len;
        let at = self.data.len();
        self.put(nla_align(total))?;
        self.data[at..at + 2].copy_from_slice(&(total as u16).to_ne_bytes());
        self.data[at + 2..at + 4].copy_from_slice(&ty.to_ne_bytes());
        Ok(&mut self.data[at + NLA_HDRLEN..at + total])
    }

    /// `nla_put_u8`.
    pub fn nla_put_u8(&mut self, ty: u16, v: u8) -> Result<(), Errno> {
        self.nla_put(ty, &[v])
    }

    /// `nla_put_u16`.
    pub fn nla_put_u16(&mut self, ty: u16, v: u16) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }

    /// `nla_put_u32`.
    pub fn nla_put_u32(&mut self, ty: u16, v: u32) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }

    /// `nla_put_s32`.
    pub fn nla_put_s32(&mut self, ty: u16, v: i32) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }

    /// `nla_put_u64_64bit` on x86-64 (no pad attribute needed: 64-bit access is unaligned-safe).
    pub fn nla_put_u64(&mut self, ty: u16, v: u64) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }

    /// `nla_put_string`: the string and its terminating NUL.
    pub fn nla_put_string(&mut self, ty: u16, s: &str) -> Result<(), Errno> {
        let mut b = Vec::with_capacity(s.len() + 1);
        b.extend_from_slice(s.as_bytes());
        b.push(0);
        self.nla_put(ty, &b)
    }

    /// `nla_put_flag`: an attribute with no payload.
    pub fn nla_put_flag(&mut self, ty: u16) -> Result<(), Errno> {
        self.nla_put(ty, &[])
    }

    /// `nla_nest_start_noflag`: open a nest of type `ty` (no `NLA_F_NESTED`); returns its offset.
    pub fn nla_nest_start_noflag(&mut self, ty: u16) -> Result<usize, Errno> {
        let at = self.data.len();
        self.nla_put(ty, &[])?;
        Ok(at)
    }

    /// `nla_nest_start`: open a nest of type `ty` with `NLA_F_NESTED`; returns its offset.
    pub fn nla_nest_start(&mut self, ty: u16) -> Result<usize, Errno> {
        self.nla_nest_start_noflag(ty | NLA_F_NESTED)
    }

    /// `nla_nest_end`: close the nest opened at `at`.
    pub fn nla_nest_end(&mut self, at: usize) {
        let len = (self.data.len() - at) as u16;
        self.data[at..at + 2].copy_from_slice(&len.to_ne_bytes());
    }

    /// `nla_nest_cancel`: drop the nest opened at `at` and everything in it.
    pub fn nla_nest_cancel(&mut self, at: usize) {
        self.trim(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goodsize_skb_has_goodsize_room() {
        let skb = SkBuff::alloc_skb(crate::profile::NLMSG_GOODSIZE);
        assert_eq!(skb.end, 3776);
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
            skb.netlink_trim();
            assert_eq!(skb.truesize, truesize, "{len}");
        }
    }

    #[test]
    fn builders_fail_with_emsgsize_when_full() {
        let mut skb = SkBuff::alloc_skb(32);
        let room = skb.end;
        let at = skb.nlmsg_put(1, 2, 16, 0, 0).unwrap();
        assert_eq!(at, 0);
        assert_eq!(skb.nla_put(1, &vec![0; room]), Err(Errno::EMSGSIZE));
        skb.nla_put_u32(1, 7).unwrap();
        skb.nlmsg_end(at);
        assert_eq!(&skb.data[0..4], &24u32.to_ne_bytes());
    }
}
