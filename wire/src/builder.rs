//! Writing netlink: [`NlBuf`], the one message and attribute builder (the kernel's
//! `nlmsg_put` / `nla_put` / `nla_nest_start` family, failing with `EMSGSIZE` when the room
//! runs out, which is what makes the model's dump chunks end where the kernel's do), and
//! [`MessageBuilder`], a chaining front for requests in tests, traces and benchmarks.

use crate::nlmsg;
use crate::uapi::errno::Errno;
use crate::uapi::netlink::{nla_align, nlmsg_align, NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN};

/// A byte buffer with a fixed room (`skb_end_offset`): builders never write past it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NlBuf {
    data: Vec<u8>,
    end: usize,
}

impl NlBuf {
    /// A buffer with room for `end` bytes.
    pub fn with_room(end: usize) -> NlBuf {
        NlBuf {
            data: Vec::with_capacity(end.min(1 << 16)),
            end,
        }
    }

    /// A buffer without a limit (requests, tests).
    pub fn unlimited() -> NlBuf {
        NlBuf {
            data: Vec::new(),
            end: usize::MAX,
        }
    }

    /// A buffer holding `bytes`, with room `end` (at least their length).
    pub fn from_vec(bytes: Vec<u8>, end: usize) -> NlBuf {
        let end = end.max(bytes.len());
        NlBuf { data: bytes, end }
    }

    /// The bytes written.
    pub fn as_slice(&self) -> &[u8] {
        &self.data
    }

    /// The bytes written, mutably (in-place fixes of what was written).
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// The bytes written, taken.
    pub fn into_vec(self) -> Vec<u8> {
        self.data
    }

    /// How many bytes are written (`skb->len`).
    #[inline]
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The room (`skb_end_offset`).
    pub fn end(&self) -> usize {
        self.end
    }

    /// Set the room (a head reallocated at another size).
    pub fn set_end(&mut self, end: usize) {
        self.end = end.max(self.data.len());
    }

    /// `skb_tailroom`.
    #[inline(always)]
    pub fn tailroom(&self) -> usize {
        self.end.saturating_sub(self.data.len())
    }

    /// `skb_reserve(skb, skb_tailroom(skb) - room)` on an empty buffer: limit the room to
    /// `room` more bytes.
    pub fn limit_room(&mut self, room: usize) {
        self.end = self.end.min(self.data.len() + room);
    }

    /// `skb_put`: append `len` zero bytes, returning their offset; EMSGSIZE if they do not fit.
    #[inline]
    pub fn put(&mut self, len: usize) -> Result<usize, Errno> {
        if len > self.tailroom() {
            return Err(Errno::EMSGSIZE);
        }
        let at = self.data.len();
        self.data.resize(at + len, 0);
        Ok(at)
    }

    /// `skb_put_data`: append `bytes`; EMSGSIZE if they do not fit.
    pub fn put_data(&mut self, bytes: &[u8]) -> Result<usize, Errno> {
        let at = self.put(bytes.len())?;
        self.data[at..].copy_from_slice(bytes);
        Ok(at)
    }

    /// `nlmsg_trim`: drop everything from `mark` on (cancel a partly written message).
    pub fn trim(&mut self, mark: usize) {
        self.data.truncate(mark);
    }

    /// `nlmsg_put`: start a message with a `payload`-byte zeroed family header; returns its
    /// offset.
    pub fn nlmsg_put(
        &mut self,
        portid: u32,
        seq: u32,
        ty: u16,
        payload: usize,
        flags: u16,
    ) -> Result<usize, Errno> {
        let size = NLMSG_HDRLEN + payload;
        let at = self.put(nlmsg_align(size))?;
        nlmsg::Repr {
            length: size as u32,
            msg_type: ty,
            flags,
            seq,
            pid: portid,
        }
        .emit(&mut nlmsg::Packet::new_unchecked(&mut self.data[at..]));
        Ok(at)
    }

    /// `nlmsg_end`: the message started at `at` covers everything written after it.
    pub fn nlmsg_end(&mut self, at: usize) {
        let len = (self.data.len() - at) as u32;
        self.nlmsg_mut(at).set_length(len);
    }

    /// The header of the message at `at`, to change in place.
    pub fn nlmsg_mut(&mut self, at: usize) -> nlmsg::Packet<&mut [u8]> {
        nlmsg::Packet::new_unchecked(&mut self.data[at..])
    }

    /// The payload of the message at `at` (after its header), to fill in place.
    pub fn nlmsg_data_mut(&mut self, at: usize) -> &mut [u8] {
        &mut self.data[at + NLMSG_HDRLEN..]
    }

    /// `nla_put`: an attribute of type `ty` with `payload`, padded to 4 bytes.
    #[inline]
    pub fn nla_put(&mut self, ty: u16, payload: &[u8]) -> Result<(), Errno> {
        let total = NLA_HDRLEN + payload.len();
        let aligned = nla_align(total);
        if aligned > self.tailroom() {
            return Err(Errno::EMSGSIZE);
        }
        self.data.reserve(aligned);
        self.data.extend_from_slice(&(total as u16).to_ne_bytes());
        self.data.extend_from_slice(&ty.to_ne_bytes());
        self.data.extend_from_slice(payload);
        self.extend_zeros(aligned - total);
        Ok(())
    }

    /// `nla_reserve`: an attribute of type `ty` with `len` zeroed payload bytes to fill in
    /// place.
    #[inline]
    pub fn nla_reserve(&mut self, ty: u16, len: usize) -> Result<&mut [u8], Errno> {
        let total = NLA_HDRLEN + len;
        let aligned = nla_align(total);
        if aligned > self.tailroom() {
            return Err(Errno::EMSGSIZE);
        }
        let at = self.data.len();
        self.data.reserve(aligned);
        self.data.extend_from_slice(&(total as u16).to_ne_bytes());
        self.data.extend_from_slice(&ty.to_ne_bytes());
        self.extend_zeros(aligned - NLA_HDRLEN);
        Ok(&mut self.data[at + NLA_HDRLEN..at + total])
    }

    /// Append `n` zero bytes.
    #[inline]
    fn extend_zeros(&mut self, n: usize) {
        self.data.resize(self.data.len() + n, 0);
    }

    /// An attribute of type `ty` holding `values` in their native-endian bytes, copied whole
    /// (the kernel copies such structs out with one `nla_put`).
    #[inline]
    fn nla_put_values<T: bytemuck::Pod>(&mut self, ty: u16, values: &[T]) -> Result<(), Errno> {
        self.nla_put(ty, bytemuck::cast_slice(values))
    }

    /// A whole attribute of `M` bytes (header, a `V`-byte value, padding to `M`) written at
    /// once: the scalar puts, the bulk of every fill. Both sizes are constants so the copy is
    /// a few moves, not a call.
    #[inline(always)]
    fn nla_put_scalar<const V: usize, const M: usize>(
        &mut self,
        ty: u16,
        value: [u8; V],
    ) -> Result<(), Errno> {
        debug_assert_eq!(M, nla_align(NLA_HDRLEN + V));
        if M > self.tailroom() {
            return Err(Errno::EMSGSIZE);
        }
        let mut a = [0u8; M];
        a[..2].copy_from_slice(&((NLA_HDRLEN + V) as u16).to_ne_bytes());
        a[2..4].copy_from_slice(&ty.to_ne_bytes());
        a[NLA_HDRLEN..NLA_HDRLEN + V].copy_from_slice(&value);
        self.data.extend_from_slice(&a);
        Ok(())
    }

    /// `nla_put_u8`.
    #[inline(always)]
    pub fn nla_put_u8(&mut self, ty: u16, v: u8) -> Result<(), Errno> {
        self.nla_put_scalar::<1, 8>(ty, [v])
    }

    /// `nla_put_u16`.
    #[inline(always)]
    pub fn nla_put_u16(&mut self, ty: u16, v: u16) -> Result<(), Errno> {
        self.nla_put_scalar::<2, 8>(ty, v.to_ne_bytes())
    }

    /// `nla_put_u32`.
    #[inline(always)]
    pub fn nla_put_u32(&mut self, ty: u16, v: u32) -> Result<(), Errno> {
        self.nla_put_scalar::<4, 8>(ty, v.to_ne_bytes())
    }

    /// `nla_put_s32`.
    #[inline(always)]
    pub fn nla_put_s32(&mut self, ty: u16, v: i32) -> Result<(), Errno> {
        self.nla_put_scalar::<4, 8>(ty, v.to_ne_bytes())
    }

    /// `nla_put_u64_64bit` on x86-64 (no pad attribute needed).
    #[inline(always)]
    pub fn nla_put_u64(&mut self, ty: u16, v: u64) -> Result<(), Errno> {
        self.nla_put_scalar::<8, 12>(ty, v.to_ne_bytes())
    }

    /// `nla_put_s64`.
    pub fn nla_put_s64(&mut self, ty: u16, v: i64) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }

    /// An attribute holding an array of native-endian u32 (a `struct` of counters or
    /// configuration values the kernel copies out whole).
    #[inline]
    pub fn nla_put_u32_array(&mut self, ty: u16, values: &[u32]) -> Result<(), Errno> {
        self.nla_put_values(ty, values)
    }

    /// An attribute holding an array of native-endian i32.
    #[inline]
    pub fn nla_put_i32_array(&mut self, ty: u16, values: &[i32]) -> Result<(), Errno> {
        self.nla_put_values(ty, values)
    }

    /// An attribute holding an array of native-endian u64.
    #[inline]
    pub fn nla_put_u64_array(&mut self, ty: u16, values: &[u64]) -> Result<(), Errno> {
        self.nla_put_values(ty, values)
    }

    /// `nla_put_string`: the bytes and a terminating NUL.
    #[inline]
    pub fn nla_put_string(&mut self, ty: u16, s: impl AsRef<[u8]>) -> Result<(), Errno> {
        let s = s.as_ref();
        let p = self.nla_reserve(ty, s.len() + 1)?;
        p[..s.len()].copy_from_slice(s);
        Ok(())
    }

    /// `nla_put_flag`: an attribute with no payload.
    #[inline]
    pub fn nla_put_flag(&mut self, ty: u16) -> Result<(), Errno> {
        self.nla_put(ty, &[])
    }

    /// `nla_nest_start_noflag`: open a nest of type `ty` (no `NLA_F_NESTED`); returns its
    /// offset.
    #[inline]
    pub fn nla_nest_start_noflag(&mut self, ty: u16) -> Result<usize, Errno> {
        let at = self.data.len();
        self.nla_put_scalar::<0, 4>(ty, [])?;
        Ok(at)
    }

    /// `nla_nest_start`: open a nest of type `ty` with `NLA_F_NESTED`; returns its offset.
    #[inline]
    pub fn nla_nest_start(&mut self, ty: u16) -> Result<usize, Errno> {
        self.nla_nest_start_noflag(ty | NLA_F_NESTED)
    }

    /// `nla_nest_end`: close the nest opened at `at`.
    #[inline]
    pub fn nla_nest_end(&mut self, at: usize) {
        let len = (self.data.len() - at) as u16;
        crate::nla::Packet::new_unchecked(&mut self.data[at..]).set_length(len);
    }

    /// `nla_nest_cancel`: drop the nest opened at `at` and everything in it.
    pub fn nla_nest_cancel(&mut self, at: usize) {
        self.trim(at);
    }

    /// An attribute written as given: its raw type (flags included), its payload, and a
    /// length field that may lie (requests made wrong on purpose); padded to 4 bytes.
    pub fn nla_put_raw(
        &mut self,
        raw_type: u16,
        payload: &[u8],
        length: Option<u16>,
    ) -> Result<(), Errno> {
        let at = self.data.len();
        self.nla_put(raw_type, payload)?;
        if let Some(len) = length {
            crate::nla::Packet::new_unchecked(&mut self.data[at..]).set_length(len);
        }
        Ok(())
    }

    /// Pad what is written to the attribute alignment.
    pub fn align(&mut self) -> Result<(), Errno> {
        let pad = nla_align(self.data.len()) - self.data.len();
        self.put(pad).map(|_| ())
    }
}

/// Builds one request message: the header, a family header, attributes and nests.
///
/// ```
/// use nltwin_wire::MessageBuilder;
/// use nltwin_wire::uapi::if_link::IFLA_IFNAME;
/// use nltwin_wire::uapi::netlink::{NLM_F_ACK, NLM_F_REQUEST};
/// use nltwin_wire::uapi::rtnetlink::RTM_GETLINK;
/// use nltwin_wire::ifinfomsg;
///
/// let msg = MessageBuilder::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, 0)
///     .header(&ifinfomsg::Repr::default().to_bytes())
///     .str(IFLA_IFNAME, "lo")
///     .build();
/// assert_eq!(msg.len(), 40);
/// ```
#[derive(Clone, Debug)]
pub struct MessageBuilder {
    buf: NlBuf,
    length: Option<u32>,
}

impl MessageBuilder {
    /// A message of type `ty` with these flags, sequence number and port id.
    pub fn new(ty: u16, flags: u16, seq: u32, pid: u32) -> Self {
        let mut buf = NlBuf::unlimited();
        buf.nlmsg_put(pid, seq, ty, 0, flags)
            .expect("an unlimited buffer has room");
        MessageBuilder { buf, length: None }
    }

    /// Append bytes as they are (a family header, or a payload of one's own).
    pub fn payload(mut self, bytes: &[u8]) -> Self {
        self.buf.put_data(bytes).expect("unlimited");
        self
    }

    /// Append a family header (its bytes, e.g. `ifinfomsg::Repr::to_bytes`).
    pub fn header(self, bytes: &[u8]) -> Self {
        self.payload(bytes)
    }

    /// An attribute with raw payload bytes.
    pub fn attr(mut self, ty: u16, payload: &[u8]) -> Self {
        self.buf.align().expect("unlimited");
        self.buf.nla_put(ty, payload).expect("unlimited");
        self
    }

    /// An attribute written as given (raw type with flags, a length that may lie).
    pub fn raw_attr(mut self, raw_type: u16, payload: &[u8], length: Option<u16>) -> Self {
        self.buf.align().expect("unlimited");
        self.buf
            .nla_put_raw(raw_type, payload, length)
            .expect("unlimited");
        self
    }

    /// A u8 attribute.
    pub fn u8(self, ty: u16, v: u8) -> Self {
        self.attr(ty, &[v])
    }

    /// A u16 attribute.
    pub fn u16(self, ty: u16, v: u16) -> Self {
        self.attr(ty, &v.to_ne_bytes())
    }

    /// A u32 attribute.
    pub fn u32(self, ty: u16, v: u32) -> Self {
        self.attr(ty, &v.to_ne_bytes())
    }

    /// An s32 attribute.
    pub fn i32(self, ty: u16, v: i32) -> Self {
        self.attr(ty, &v.to_ne_bytes())
    }

    /// A u64 attribute.
    pub fn u64(self, ty: u16, v: u64) -> Self {
        self.attr(ty, &v.to_ne_bytes())
    }

    /// A string attribute with its NUL.
    pub fn str(mut self, ty: u16, s: impl AsRef<[u8]>) -> Self {
        self.buf.align().expect("unlimited");
        self.buf.nla_put_string(ty, s).expect("unlimited");
        self
    }

    /// A flag attribute (no payload).
    pub fn flag(self, ty: u16) -> Self {
        self.attr(ty, &[])
    }

    /// A nest of type `ty` (without `NLA_F_NESTED`, as most requests send it), filled by `f`.
    pub fn nest(mut self, ty: u16, f: impl FnOnce(Self) -> Self) -> Self {
        self.buf.align().expect("unlimited");
        let at = self.buf.nla_nest_start_noflag(ty).expect("unlimited");
        let mut b = f(self);
        b.buf.nla_nest_end(at);
        b
    }

    /// A nest with `NLA_F_NESTED` set.
    pub fn nest_flagged(self, ty: u16, f: impl FnOnce(Self) -> Self) -> Self {
        self.nest(ty | NLA_F_NESTED, f)
    }

    /// Write `nlmsg_len` as this value instead of the real length (malformed requests).
    pub fn length(mut self, length: u32) -> Self {
        self.length = Some(length);
        self
    }

    /// The message's bytes (not padded at the end).
    pub fn build(mut self) -> Vec<u8> {
        let len = self.length.unwrap_or(self.buf.len() as u32);
        self.buf.nlmsg_mut(0).set_length(len);
        self.buf.into_vec()
    }
}

/// Several messages in one datagram, each but the last padded to 4 bytes.
pub fn datagram<I: IntoIterator<Item = Vec<u8>>>(messages: I) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        out.resize(nlmsg_align(out.len()), 0);
        out.extend(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_fail_with_emsgsize_when_full() {
        let mut b = NlBuf::with_room(64);
        let at = b.nlmsg_put(1, 2, 16, 0, 0).unwrap();
        assert_eq!(b.nla_put(1, &[0; 64]), Err(Errno::EMSGSIZE));
        b.nla_put_u32(1, 7).unwrap();
        b.nlmsg_end(at);
        assert_eq!(nlmsg::Repr::parse_bytes(b.as_slice()).unwrap().length, 24);
    }

    #[test]
    fn a_getlink_by_name_is_the_bytes_one_would_write() {
        let m = MessageBuilder::new(18, 5, 3, 0)
            .header(&[0; 16])
            .str(3, "lo")
            .build();
        let hex: String = m.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "2800000012000500030000000000000000000000000000000000000000000000070003006c6f0000"
        );
    }

    #[test]
    fn nests_and_overrides() {
        let m = MessageBuilder::new(16, 1, 0, 0)
            .header(&[0; 16])
            .nest(18, |b| b.str(1, "veth").nest(2, |b| b.attr(1, &[0])))
            .length(99)
            .build();
        assert_eq!(nlmsg::Repr::parse_bytes(&m).unwrap().length, 99);
        let li = crate::nla::Attrs::new(&m[32..]).find(18).unwrap();
        let kinds: Vec<u16> = li.nested().map(|a| a.kind()).collect();
        assert_eq!(kinds, [1, 2]);
        assert_eq!(li.len(), 28);
    }
}
