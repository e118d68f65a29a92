//! glibc's functions that make netlink requests through glibc's own internal calls, which no
//! preloaded definition reaches: `if_nameindex` and `getifaddrs`
//! (`sysdeps/unix/sysv/linux/if_index.c`, `ifaddrs.c`). They are answered here as glibc
//! builds them, from the same dumps made on a model socket (`__netlink_open`: bound, its
//! portid read back; `__netlink_request`: an AF_UNSPEC dump, the messages of this socket and
//! sequence kept, an NLMSG_ERROR its errno).

use super::{call, outcome, pid, recv_on, server_path, set_errno, with_connection};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::shim::Request;
use std::ffi::{c_int, c_void};

/// `NLM_F_DUMP_INTR`.
const NLM_F_DUMP_INTR: u16 = 0x10;
/// `RTM_NEWLINK`, `RTM_GETLINK`, `RTM_NEWADDR`, `RTM_GETADDR`.
const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_NEWADDR: u16 = 20;
const RTM_GETADDR: u16 = 22;
/// `IFLA_ADDRESS`, `IFLA_BROADCAST`, `IFLA_IFNAME`, `IFLA_STATS`.
const IFLA_ADDRESS: u16 = 1;
const IFLA_BROADCAST: u16 = 2;
const IFLA_IFNAME: u16 = 3;
const IFLA_STATS: u16 = 7;
/// `IFA_ADDRESS`, `IFA_LOCAL`, `IFA_LABEL`, `IFA_BROADCAST`.
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_LABEL: u16 = 3;
const IFA_BROADCAST: u16 = 4;

/// A model netlink socket opened as glibc's `__netlink_open` does, and its dumps.
struct Handle {
    conn: c_int,
    portid: u32,
    seq: u32,
}

impl Handle {
    /// `__netlink_open`: a NETLINK_ROUTE socket, bound, its portid read back.
    fn open(conn: c_int) -> Result<Handle, c_int> {
        let p = pid();
        outcome(call(
            conn,
            &Request::Socket {
                pid: p,
                ty: libc::SOCK_RAW,
                protocol: libc::NETLINK_ROUTE,
            },
        ))?;
        let mut nl = vec![0u8; 12];
        nl[0..2].copy_from_slice(&(libc::AF_NETLINK as u16).to_ne_bytes());
        outcome(call(conn, &Request::Bind { pid: p, addr: nl }))?;
        let (_, addr, _, _) = outcome(call(conn, &Request::GetSockName { pid: p }))?;
        let portid = addr
            .get(4..8)
            .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
        // SAFETY: time with a null argument only returns the time.
        let seq = unsafe { libc::time(std::ptr::null_mut()) } as u32;
        Ok(Handle { conn, portid, seq })
    }

    /// `__netlink_request`: a dump of `ty` (family AF_UNSPEC, NLM_F_ROOT | NLM_F_MATCH), the
    /// messages addressed to this socket and sequence until NLMSG_DONE (not included).
    fn request(&mut self, ty: u16) -> Result<Vec<Vec<u8>>, c_int> {
        let mut req = vec![0u8; 20];
        req[0..4].copy_from_slice(&20u32.to_ne_bytes());
        req[4..6].copy_from_slice(&ty.to_ne_bytes());
        req[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        req[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        outcome(call(
            self.conn,
            &Request::SendTo {
                pid: pid(),
                flags: 0,
                to: Some(vec![
                    libc::AF_NETLINK as u8,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                ]),
                data: req,
            },
        ))?;
        let mut msgs = Vec::new();
        loop {
            let (_, data, _, _, _) = recv_on(self.conn, 1 << 16, 0, true, None)?;
            for m in Messages::new(&data) {
                if m.pid() != self.portid || m.seq() != self.seq {
                    continue;
                }
                match m.msg_type() {
                    3 => return Ok(msgs),
                    2 => {
                        let p = m.payload();
                        return Err(if p.len() < 20 {
                            libc::EIO
                        } else {
                            -i32::from_ne_bytes([p[0], p[1], p[2], p[3]])
                        });
                    }
                    _ => msgs.push(m.bytes().to_vec()),
                }
            }
        }
    }
}

/// The attributes of a message after a family header of `hdrlen` bytes: (type, payload).
fn attrs(msg: &[u8], hdrlen: usize) -> Vec<(u16, Vec<u8>)> {
    Messages::new(msg)
        .next()
        .map(|m| {
            m.attrs(hdrlen)
                .map(|a| (a.kind(), a.payload().to_vec()))
                .collect()
        })
        .unwrap_or_default()
}

/// The link messages' (ifindex, name), as `if_nameindex` lists them.
fn link_names(path: &[u8]) -> Result<Vec<(u32, Vec<u8>)>, c_int> {
    // SAFETY: a connection of this function's own, closed by with_connection.
    let r = unsafe {
        with_connection(path, |c| {
            let mut h = Handle::open(c)?;
            let links = h.request(RTM_GETLINK)?;
            Ok(links
                .iter()
                .filter(|m| u16::from_ne_bytes([m[4], m[5]]) == RTM_NEWLINK && m.len() >= 32)
                .filter_map(|m| {
                    let index = i32::from_ne_bytes([m[20], m[21], m[22], m[23]]) as u32;
                    let name = attrs(m, 16).into_iter().find(|(t, _)| *t == IFLA_IFNAME)?.1;
                    let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
                    Some((index, name[..end].to_vec()))
                })
                .collect())
        })
    };
    r.unwrap_or(Err(libc::ENOBUFS))
}

/// `if_nameindex`: every link's index and name, from the model; freed by glibc's
/// `if_freenameindex` (the array and each name come from `malloc`).
#[no_mangle]
pub unsafe extern "C" fn if_nameindex() -> *mut libc::if_nameindex {
    let real = real!("if_nameindex", fn() -> *mut libc::if_nameindex);
    let Some(path) = server_path() else {
        return real();
    };
    let links = match link_names(path) {
        Ok(l) => l,
        Err(e) => {
            set_errno(e);
            return std::ptr::null_mut();
        }
    };
    let size = std::mem::size_of::<libc::if_nameindex>() * (links.len() + 1);
    let arr = libc::malloc(size).cast::<libc::if_nameindex>();
    if arr.is_null() {
        set_errno(libc::ENOBUFS);
        return arr;
    }
    for (i, (index, name)) in links.iter().enumerate() {
        let s = libc::malloc(name.len() + 1).cast::<u8>();
        if !s.is_null() {
            std::ptr::copy_nonoverlapping(name.as_ptr(), s, name.len());
            *s.add(name.len()) = 0;
        }
        *arr.add(i) = libc::if_nameindex {
            if_index: *index,
            if_name: s.cast(),
        };
    }
    *arr.add(links.len()) = libc::if_nameindex {
        if_index: 0,
        if_name: std::ptr::null_mut(),
    };
    arr
}

/// Room for the largest address an entry holds (glibc's `sockaddr_ll_max`: 24 bytes of
/// hardware address after a 12-byte head).
const SA_LEN: usize = 36;
type Sa = [u8; SA_LEN];

/// One `struct ifaddrs` before it is laid out.
#[derive(Clone, Default)]
struct Entry {
    name: Option<Vec<u8>>,
    flags: u32,
    addr: Option<Sa>,
    netmask: Option<Sa>,
    broadaddr: Option<Sa>,
    data: Option<Vec<u8>>,
}

/// `IN6_IS_ADDR_LINKLOCAL || IN6_IS_ADDR_MC_LINKLOCAL`.
fn scoped(a: &[u8]) -> bool {
    (a[0] == 0xfe && a[1] & 0xc0 == 0x80) || (a[0] == 0xff && a[1] & 0x0f == 2)
}

/// An address attribute's payload written into a sockaddr of `family` as glibc does.
fn put_addr(sa: &mut Sa, family: u8, payload: &[u8], ifindex: u32) {
    sa[0..2].copy_from_slice(&u16::from(family).to_ne_bytes());
    match i32::from(family) {
        libc::AF_INET => {
            if payload.len() == 4 {
                sa[4..8].copy_from_slice(payload);
            }
        }
        libc::AF_INET6 => {
            if payload.len() == 16 {
                sa[8..24].copy_from_slice(payload);
                if scoped(payload) {
                    sa[24..28].copy_from_slice(&ifindex.to_ne_bytes());
                }
            }
        }
        _ => {
            let n = payload.len().min(SA_LEN - 2);
            if payload.len() <= SA_LEN {
                sa[2..2 + n].copy_from_slice(&payload[..n]);
            }
        }
    }
}

/// A link's hardware address as glibc's `sockaddr_ll_max`.
fn sll(ifi: &[u8], payload: &[u8]) -> Sa {
    let mut sa = [0u8; SA_LEN];
    sa[0..2].copy_from_slice(&(libc::AF_PACKET as u16).to_ne_bytes());
    sa[4..8].copy_from_slice(&ifi[4..8]);
    sa[8..10].copy_from_slice(&ifi[2..4]);
    sa[11] = payload.len() as u8;
    let n = payload.len().min(24);
    sa[12..12 + n].copy_from_slice(&payload[..n]);
    sa
}

/// Slot of kernel index `index` among the link entries (`map_newlink`): its own, else the
/// next free one; None when every slot is taken (the links changed between the dumps).
fn map_newlink(map: &mut [Option<i32>], index: i32) -> Option<usize> {
    for (i, m) in map.iter_mut().enumerate() {
        match m {
            None => {
                *m = Some(index);
                return Some(i);
            }
            Some(x) if *x == index => return Some(i),
            _ => {}
        }
    }
    None
}

/// The entries of `getifaddrs_internal` from the two dumps: links first in the order received,
/// then addresses; None when the dumps disagree (glibc tries again).
fn entries(links: &[Vec<u8>], addrs: &[Vec<u8>]) -> Option<Vec<Entry>> {
    let links: Vec<&Vec<u8>> = links
        .iter()
        .filter(|m| u16::from_ne_bytes([m[4], m[5]]) == RTM_NEWLINK)
        .collect();
    let addrs: Vec<&Vec<u8>> = addrs
        .iter()
        .filter(|m| u16::from_ne_bytes([m[4], m[5]]) == RTM_NEWADDR)
        .collect();
    let newlink = links.len();
    let mut map = vec![None; newlink];
    let mut out = vec![Entry::default(); newlink + addrs.len()];
    for m in &links {
        let ifi = m.get(16..32)?;
        let index = i32::from_ne_bytes([ifi[4], ifi[5], ifi[6], ifi[7]]);
        let i = map_newlink(&mut map, index - 1)?;
        let e = &mut out[i];
        e.flags = u32::from_ne_bytes([ifi[8], ifi[9], ifi[10], ifi[11]]);
        for (ty, p) in attrs(m, 16) {
            match ty {
                IFLA_ADDRESS if p.len() <= SA_LEN => e.addr = Some(sll(ifi, &p)),
                IFLA_BROADCAST if p.len() <= SA_LEN => e.broadaddr = Some(sll(ifi, &p)),
                IFLA_IFNAME if p.len() < 17 => {
                    let end = p.iter().position(|&c| c == 0).unwrap_or(p.len());
                    e.name = Some(p[..end].to_vec());
                }
                IFLA_STATS => e.data = Some(p),
                _ => {}
            }
        }
    }
    for (n, m) in addrs.iter().enumerate() {
        let ifa = m.get(16..24)?;
        let (family, prefixlen) = (ifa[0], ifa[1]);
        let index = u32::from_ne_bytes([ifa[4], ifa[5], ifa[6], ifa[7]]);
        let link = map_newlink(&mut map, index as i32 - 1)?;
        let mut e = Entry {
            flags: out[link].flags,
            ..Entry::default()
        };
        for (ty, p) in attrs(m, 8) {
            match ty {
                IFA_ADDRESS => {
                    let slot = if e.addr.is_some() {
                        &mut e.broadaddr
                    } else {
                        &mut e.addr
                    };
                    let sa = slot.get_or_insert([0; SA_LEN]);
                    put_addr(sa, family, &p, index);
                }
                IFA_LOCAL => {
                    // An IFA_LOCAL after IFA_ADDRESS: point to point, the address was the peer.
                    if let Some(a) = e.addr.take() {
                        e.broadaddr = Some(a);
                    }
                    let mut sa = [0u8; SA_LEN];
                    put_addr(&mut sa, family, &p, index);
                    e.addr = Some(sa);
                }
                IFA_BROADCAST => {
                    let mut sa = [0u8; SA_LEN];
                    put_addr(&mut sa, family, &p, index);
                    e.broadaddr = Some(sa);
                }
                IFA_LABEL => {
                    if p.len() >= 17 {
                        return None;
                    }
                    let end = p.iter().position(|&c| c == 0).unwrap_or(p.len());
                    e.name = Some(p[..end].to_vec());
                }
                _ => {}
            }
        }
        if e.name.is_none() {
            e.name = out[link].name.clone();
        }
        if let Some(a) = &e.addr {
            let fam = u16::from_ne_bytes([a[0], a[1]]);
            if fam != libc::AF_UNSPEC as u16 && fam != libc::AF_PACKET as u16 {
                let mut mask = [0u8; SA_LEN];
                mask[0..2].copy_from_slice(&fam.to_ne_bytes());
                let (at, max) = match i32::from(fam) {
                    libc::AF_INET => (Some(4), 32),
                    libc::AF_INET6 => (Some(8), 128),
                    _ => (None, 0),
                };
                if let Some(at) = at {
                    let len = usize::from(prefixlen).min(max);
                    mask[at..at + len / 8].fill(0xff);
                    if len % 8 != 0 {
                        mask[at + len / 8] = 0xffu8 << (8 - len % 8);
                    }
                }
                e.netmask = Some(mask);
            }
        }
        out[newlink + n] = e;
    }
    Some(out)
}

/// Lay `entries` out in one `calloc` block, the first `struct ifaddrs` at its start (glibc's
/// `freeifaddrs` frees that pointer), chained in order.
unsafe fn lay_out(entries: &[Entry]) -> *mut libc::ifaddrs {
    const IFA: usize = std::mem::size_of::<libc::ifaddrs>();
    // ifaddrs, three sockaddrs, a name of IF_NAMESIZE + 1, rounded to 8.
    const STORAGE: usize = (IFA + 3 * SA_LEN + 17).div_ceil(8) * 8;
    let data_len: usize = entries
        .iter()
        .filter_map(|e| e.data.as_ref())
        .map(Vec::len)
        .sum();
    let base = libc::calloc(1, entries.len() * STORAGE + data_len).cast::<u8>();
    if base.is_null() {
        return std::ptr::null_mut();
    }
    let mut data_at = base.add(entries.len() * STORAGE);
    for (i, e) in entries.iter().enumerate() {
        let st = base.add(i * STORAGE);
        let ifa = &mut *st.cast::<libc::ifaddrs>();
        let sa_at = |k: usize| st.add(IFA + k * SA_LEN);
        let put = |k: usize, v: &Option<Sa>| -> *mut libc::sockaddr {
            match v {
                Some(sa) => {
                    std::ptr::copy_nonoverlapping(sa.as_ptr(), sa_at(k), SA_LEN);
                    sa_at(k).cast()
                }
                None => std::ptr::null_mut(),
            }
        };
        ifa.ifa_addr = put(0, &e.addr);
        ifa.ifa_netmask = put(1, &e.netmask);
        ifa.ifa_ifu = put(2, &e.broadaddr);
        ifa.ifa_flags = e.flags;
        if let Some(n) = &e.name {
            let name = st.add(IFA + 3 * SA_LEN);
            std::ptr::copy_nonoverlapping(n.as_ptr(), name, n.len().min(16));
            ifa.ifa_name = name.cast();
        }
        if let Some(d) = &e.data {
            std::ptr::copy_nonoverlapping(d.as_ptr(), data_at, d.len());
            ifa.ifa_data = data_at.cast::<c_void>();
            data_at = data_at.add(d.len());
        }
        if i + 1 < entries.len() {
            ifa.ifa_next = base.add((i + 1) * STORAGE).cast();
        }
    }
    base.cast()
}

/// `getifaddrs`: the links and addresses of the model's namespace, as glibc builds them (an
/// interrupted dump is asked again).
#[no_mangle]
pub unsafe extern "C" fn getifaddrs(ifap: *mut *mut libc::ifaddrs) -> c_int {
    let real = real!("getifaddrs", fn(*mut *mut libc::ifaddrs) -> c_int);
    let Some(path) = server_path() else {
        return real(ifap);
    };
    *ifap = std::ptr::null_mut();
    loop {
        let dumps = with_connection(path, |c| -> Result<_, c_int> {
            let mut h = Handle::open(c)?;
            let links = h.request(RTM_GETLINK)?;
            h.seq = h.seq.wrapping_add(1);
            let addrs = h.request(RTM_GETADDR)?;
            Ok((links, addrs))
        })
        .unwrap_or(Err(libc::ENOBUFS));
        let (links, addrs) = match dumps {
            Ok(d) => d,
            Err(e) => {
                set_errno(e);
                return -1;
            }
        };
        let interrupted = links
            .iter()
            .chain(&addrs)
            .any(|m| u16::from_ne_bytes([m[6], m[7]]) & NLM_F_DUMP_INTR != 0);
        if interrupted {
            continue;
        }
        let Some(entries) = entries(&links, &addrs) else {
            continue;
        };
        if entries.is_empty() {
            return 0;
        }
        let list = lay_out(&entries);
        if list.is_null() {
            set_errno(libc::ENOMEM);
            return -1;
        }
        *ifap = list;
        return 0;
    }
}
