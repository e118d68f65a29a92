//! IPv4's socket ioctls on devices (`net/ipv4/devinet.c`: `devinet_ioctl`, `inet_gifconf`):
//! an address, broadcast, peer or mask by label, and SIOCGIFCONF's records. The commands that
//! change addresses or flags answer `unimplemented` once past the kernel's checks.

use super::ifaddr::InIfaddr;
use crate::cred::CAP_NET_ADMIN;
use crate::dev_ioctl::ifr_name;
use crate::errno::{unimplemented, Errno, SysResult};
use crate::kernel::{Kernel, NetId, TaskId};
use crate::netdevice::NetDevice;
use nltwin_wire::uapi::socket::AF_INET;
use nltwin_wire::uapi::sockios::*;

/// `devinet_ioctl`: `cmd` on the ifreq `ifr` in `net` for `task`.
pub fn devinet_ioctl(
    k: &mut Kernel,
    task: TaskId,
    net: NetId,
    cmd: u32,
    ifr: &mut [u8; IFREQ_LEN],
) -> SysResult<i32> {
    let (name, _) = ifr_name(ifr);
    let orig_family = u16::from_ne_bytes([ifr[16], ifr[17]]);
    let orig_addr: [u8; 4] = ifr[ifreq::SIN_ADDR].try_into().expect("4 bytes");
    let net_admin = || k.ns_capable(task, k.net(net).user_ns, CAP_NET_ADMIN);
    let try_addr_match = match cmd {
        SIOCGIFADDR | SIOCGIFBRDADDR | SIOCGIFDSTADDR | SIOCGIFNETMASK => {
            // The answer is a sockaddr_in zeroed but for its family.
            ifr[16..32].fill(0);
            ifr[ifreq::SA_FAMILY].copy_from_slice(&(AF_INET as u16).to_ne_bytes());
            orig_family == AF_INET as u16
        }
        SIOCSIFFLAGS => {
            if !net_admin() {
                return Err(Errno::EPERM.into());
            }
            false
        }
        SIOCSIFADDR | SIOCSIFBRDADDR | SIOCSIFDSTADDR | SIOCSIFNETMASK => {
            if !net_admin() {
                return Err(Errno::EPERM.into());
            }
            if orig_family != AF_INET as u16 {
                return Err(Errno::EINVAL.into());
            }
            false
        }
        _ => return Err(Errno::EINVAL.into()),
    };
    let dev = k.net(net).devices.by_name(&name).ok_or(Errno::ENODEV)?;
    // The label compared is the name as given, alias included.
    let end = ifr[..16].iter().position(|&c| c == 0).unwrap_or(16);
    let label = &ifr[..end];
    let ifa = dev.ip_ptr.as_ref().and_then(|in_dev| {
        let by_addr = try_addr_match
            .then(|| {
                in_dev
                    .ifa_list
                    .iter()
                    .find(|a| a.label == label && a.local.to_be_bytes() == orig_addr)
            })
            .flatten();
        by_addr.or_else(|| in_dev.ifa_list.iter().find(|a| a.label == label))
    });
    let Some(ifa) = ifa.cloned() else {
        if cmd != SIOCSIFADDR && cmd != SIOCSIFFLAGS {
            return Err(Errno::EADDRNOTAVAIL.into());
        }
        return Err(unimplemented(
            "IPv4 address and flag changes by ioctl (devinet_ioctl)",
        ));
    };
    let value = match cmd {
        SIOCGIFADDR => ifa.local,
        SIOCGIFBRDADDR => ifa.broadcast,
        SIOCGIFDSTADDR => ifa.address,
        SIOCGIFNETMASK => ifa.mask,
        _ => {
            return Err(unimplemented(
                "IPv4 address and flag changes by ioctl (devinet_ioctl)",
            ))
        }
    };
    ifr[ifreq::SIN_ADDR].copy_from_slice(&value.to_be_bytes());
    Ok(0)
}

/// `inet_gifconf`: an ifreq (label, AF_INET, local address) per address of `dev`, appended to
/// `out` while `room` (None: a NULL buffer, count only) holds one; returns the bytes counted.
pub fn inet_gifconf(dev: &NetDevice, room: Option<i32>, out: &mut Vec<u8>) -> i32 {
    let Some(in_dev) = &dev.ip_ptr else {
        return 0;
    };
    let size = IFREQ_LEN as i32;
    let mut done = 0;
    let mut left = room;
    for ifa in &in_dev.ifa_list {
        match &mut left {
            None => {}
            Some(l) if *l < size => break,
            Some(l) => {
                out.extend_from_slice(&gifconf_record(ifa));
                *l -= size;
            }
        }
        done += size;
    }
    done
}

/// One SIOCGIFCONF record: the label, then a sockaddr_in with the local address.
fn gifconf_record(ifa: &InIfaddr) -> [u8; IFREQ_LEN] {
    let mut r = [0u8; IFREQ_LEN];
    let n = ifa.label.len().min(15);
    r[..n].copy_from_slice(&ifa.label[..n]);
    r[ifreq::SA_FAMILY].copy_from_slice(&(AF_INET as u16).to_ne_bytes());
    r[ifreq::SIN_ADDR].copy_from_slice(&ifa.local.to_be_bytes());
    r
}
