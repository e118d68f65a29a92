//! Socket ioctls that ask a network namespace about its devices (`net/socket.c`'s
//! `sock_ioctl` / `sock_do_ioctl`, `net/core/dev_ioctl.c`, and the IPv4 family's
//! `inet_ioctl` in `net/ipv4/af_inet.c`, whose address commands go to
//! [`crate::devinet::ioctl`]).
//!
//! Programs reach these through any socket: glibc's `if_nametoindex` asks SIOCGIFINDEX on
//! whatever socket it opens, `ip` asks SIOCGIFTXQLEN when a link message has no IFLA_TXQLEN.
//! A socket's family may answer a command itself (`ops->ioctl`); what it does not know and
//! is a socket command falls to `dev_ioctl`, which answers from the socket's namespace. The
//! model answers the reading commands; every command that would change the namespace or
//! reach a driver (ethtool, MII, bonding, bridges by ioctl, route and ARP ioctls) answers
//! `unimplemented` once past the kernel's permission checks.

use crate::cred::CAP_NET_ADMIN;
use crate::errno::{unimplemented, Errno, SysResult};
use crate::kernel::{Kernel, NetId, TaskId, INIT_USER_NS};
use crate::netdevice::{ifname_bytes, ifname_from_bytes, NetDevice};
use nltwin_wire::uapi::if_::IFNAMSIZ;
use nltwin_wire::uapi::netlink::AF_NETLINK;
use nltwin_wire::uapi::socket::{AF_INET, AF_INET6, AF_PACKET};
use nltwin_wire::uapi::sockios::*;

/// The argument of a socket ioctl, as far as the model reads and writes it.
#[derive(Debug)]
pub enum IoctlArg<'a> {
    /// A `struct ifreq`: read, and written back whole by the caller when the call succeeds.
    Ifreq(&'a mut [u8; IFREQ_LEN]),
    /// A `struct ifconf` (SIOCGIFCONF): `ifc_len` in and out, whether `ifc_buf` is NULL (then
    /// only the length needed is counted), and the records written (what the kernel copies
    /// to `ifc_buf`).
    Ifconf {
        /// `ifc_len`.
        len: &'a mut i32,
        /// `ifc_buf == NULL`.
        null_buf: bool,
        /// The `struct ifreq` records written to the buffer.
        out: &'a mut Vec<u8>,
    },
    /// Another argument (a route, an ARP request, a bridge name...), which the model does not
    /// read: the commands taking one answer `unimplemented` or an errno before reading it.
    Other,
}

/// `-ENOIOCTLCMD`: a family's ioctl does not know the command (never leaves the kernel).
struct NoIoctlCmd;

/// Where a socket ioctl runs: the socket's namespace and the calling task.
struct IoctlCtx {
    net: NetId,
    task: TaskId,
}

impl Kernel {
    /// `ioctl(2)` on the model netlink socket `fd` (`sock_ioctl`; `netlink_ioctl` knows no
    /// command, so socket commands reach the socket's namespace through `dev_ioctl`).
    pub fn sys_ioctl(
        &mut self,
        task: TaskId,
        fd: i32,
        cmd: u32,
        arg: IoctlArg<'_>,
    ) -> SysResult<i32> {
        let sk = self.sockfd_lookup(task, fd)?;
        let net = self.sk(sk).net;
        sock_ioctl(self, &IoctlCtx { net, task }, AF_NETLINK as i32, cmd, arg)
    }

    /// `ioctl(2)` on a socket of `family` (AF_INET, AF_INET6, AF_PACKET, AF_UNIX...) that
    /// `task` holds outside the model, in the task's namespace: the model answers only what
    /// such a socket's ioctl asks the namespace ([`reaches_namespace`]); the socket's own
    /// commands (queue sizes, time stamps, owners) are its family's, not modeled here.
    pub fn sys_ioctl_other_socket(
        &mut self,
        task: TaskId,
        family: i32,
        cmd: u32,
        arg: IoctlArg<'_>,
    ) -> SysResult<i32> {
        if family == AF_NETLINK as i32 || !reaches_namespace(cmd) {
            return Err(unimplemented(
                "an ioctl of a socket's own (not one that asks its namespace)",
            ));
        }
        let net = self.task(task).net;
        sock_ioctl(self, &IoctlCtx { net, task }, family, cmd, arg)
    }
}

/// `sock_ioctl`: the commands every socket shares, then the family's, then `dev_ioctl`.
fn sock_ioctl(
    k: &mut Kernel,
    ctx: &IoctlCtx,
    family: i32,
    cmd: u32,
    arg: IoctlArg<'_>,
) -> SysResult<i32> {
    if (SIOCDEVPRIVATE..=SIOCDEVPRIVATE + 15).contains(&cmd) {
        return dev_ioctl(k, ctx, cmd, arg);
    }
    match cmd {
        SIOCGIFBR | SIOCSIFBR | SIOCBRADDBR | SIOCBRDELBR | SIOCBRADDIF | SIOCBRDELIF => {
            Err(unimplemented("the bridge ioctls (br_ioctl_call)"))
        }
        SIOCGIFVLAN | SIOCSIFVLAN => Err(unimplemented("the VLAN ioctls (vlan_ioctl_hook)")),
        SIOCGSKNS => Err(unimplemented(
            "SIOCGSKNS (a descriptor of the socket's network namespace)",
        )),
        SIOCGIFCONF => match arg {
            IoctlArg::Ifconf { len, null_buf, out } => {
                dev_ifconf(k, ctx.net, len, null_buf, out);
                Ok(0)
            }
            _ => Err(Errno::EFAULT.into()),
        },
        _ => sock_do_ioctl(k, ctx, family, cmd, arg),
    }
}

/// `sock_do_ioctl`: the family's `ops->ioctl`; what it does not know goes to `dev_ioctl` if it
/// is a socket command, else ENOTTY.
fn sock_do_ioctl(
    k: &mut Kernel,
    ctx: &IoctlCtx,
    family: i32,
    cmd: u32,
    mut arg: IoctlArg<'_>,
) -> SysResult<i32> {
    if let Ok(r) = family_ioctl(k, ctx, family, cmd, &mut arg) {
        return r;
    }
    if !is_socket_ioctl_cmd(cmd) {
        return Err(Errno::ENOTTY.into());
    }
    dev_ioctl(k, ctx, cmd, arg)
}

/// The family's `ops->ioctl` for the commands that reach a namespace: `inet_ioctl` (and
/// `packet_ioctl`, which hands the IPv4 ones to it), `inet6_ioctl`; netlink's and the other
/// families' know none of them.
fn family_ioctl(
    k: &mut Kernel,
    ctx: &IoctlCtx,
    family: i32,
    cmd: u32,
    arg: &mut IoctlArg<'_>,
) -> Result<SysResult<i32>, NoIoctlCmd> {
    let inet = family == AF_INET as i32
        || (family == AF_PACKET as i32 && !matches!(cmd, SIOCGIFPFLAGS | SIOCSIFPFLAGS));
    if inet {
        return inet_ioctl(k, ctx, cmd, arg);
    }
    if family == AF_INET6 as i32 {
        return match cmd {
            SIOCADDRT | SIOCDELRT => Ok(Err(unimplemented("the IPv6 route ioctls"))),
            SIOCSIFADDR | SIOCDIFADDR | SIOCSIFDSTADDR => {
                Ok(Err(unimplemented("the IPv6 address ioctls")))
            }
            _ => Err(NoIoctlCmd),
        };
    }
    Err(NoIoctlCmd)
}

/// `inet_ioctl`: route and ARP ioctls, and the address commands of `devinet_ioctl`.
fn inet_ioctl(
    k: &mut Kernel,
    ctx: &IoctlCtx,
    cmd: u32,
    arg: &mut IoctlArg<'_>,
) -> Result<SysResult<i32>, NoIoctlCmd> {
    Ok(match cmd {
        SIOCADDRT | SIOCDELRT => Err(unimplemented("the IPv4 route ioctls (ip_rt_ioctl)")),
        SIOCRTMSG => Err(Errno::EINVAL.into()),
        SIOCDARP | SIOCGARP | SIOCSARP => Err(unimplemented("the ARP ioctls (arp_ioctl)")),
        SIOCGIFADDR | SIOCGIFBRDADDR | SIOCGIFNETMASK | SIOCGIFDSTADDR | SIOCGIFPFLAGS
        | SIOCSIFADDR | SIOCSIFBRDADDR | SIOCSIFNETMASK | SIOCSIFDSTADDR | SIOCSIFPFLAGS
        | SIOCSIFFLAGS => match arg {
            IoctlArg::Ifreq(ifr) => {
                crate::devinet::ioctl::devinet_ioctl(k, ctx.task, ctx.net, cmd, ifr)
            }
            _ => Err(Errno::EFAULT.into()),
        },
        _ => return Err(NoIoctlCmd),
    })
}

/// The name an ifreq carries, NUL-terminated within IFNAMSIZ (the kernel writes the NUL at
/// the last byte first), and where a `:` alias suffix starts.
pub(crate) fn ifr_name(ifr: &mut [u8; IFREQ_LEN]) -> (String, Option<usize>) {
    ifr[IFNAMSIZ - 1] = 0;
    let name = &ifr[ifreq::NAME];
    let end = name.iter().position(|&c| c == 0).unwrap_or(IFNAMSIZ);
    let colon = name[..end].iter().position(|&c| c == b':');
    let base = colon.unwrap_or(end);
    (ifname_from_bytes(&name[..base]), colon)
}

/// `dev_ioctl`: the device commands, from the namespace's devices.
fn dev_ioctl(k: &mut Kernel, ctx: &IoctlCtx, cmd: u32, arg: IoctlArg<'_>) -> SysResult<i32> {
    let IoctlArg::Ifreq(ifr) = arg else {
        return Err(Errno::EFAULT.into());
    };
    if cmd == SIOCGIFNAME {
        return dev_ifname(k, ctx.net, ifr);
    }
    let (name, _colon) = ifr_name(ifr);
    let net_admin = || k.ns_capable(ctx.task, k.net(ctx.net).user_ns, CAP_NET_ADMIN);
    match cmd {
        SIOCGIFHWADDR => {
            let dev = k.net(ctx.net).devices.by_name(&name).ok_or(Errno::ENODEV)?;
            dev_get_mac_address(dev, ifr);
            Ok(0)
        }
        SIOCGIFFLAGS | SIOCGIFMETRIC | SIOCGIFMTU | SIOCGIFSLAVE | SIOCGIFMAP | SIOCGIFINDEX
        | SIOCGIFTXQLEN => {
            let dev = k.net(ctx.net).devices.by_name(&name).ok_or(Errno::ENODEV)?;
            dev_ifsioc_locked(dev, ifr, cmd)
        }
        SIOCETHTOOL => Err(unimplemented("the ethtool ioctl (dev_ethtool)")),
        SIOCGMIIPHY | SIOCGMIIREG | SIOCSIFNAME => {
            if !net_admin() {
                return Err(Errno::EPERM.into());
            }
            dev_ifsioc(k, ctx.net, &name, cmd)
        }
        SIOCSIFMAP | SIOCSIFTXQLEN if !k.ns_capable(ctx.task, INIT_USER_NS, CAP_NET_ADMIN) => {
            Err(Errno::EPERM.into())
        }
        SIOCSIFMAP | SIOCSIFTXQLEN | SIOCSIFFLAGS | SIOCSIFMETRIC | SIOCSIFMTU | SIOCSIFHWADDR
        | SIOCSIFSLAVE | SIOCADDMULTI | SIOCDELMULTI | SIOCSIFHWBROADCAST | SIOCSMIIREG
        | SIOCBONDENSLAVE | SIOCBONDRELEASE | SIOCBONDSETHWADDR | SIOCBONDCHANGEACTIVE
        | SIOCSHWTSTAMP => {
            if !net_admin() {
                return Err(Errno::EPERM.into());
            }
            dev_ifsioc(k, ctx.net, &name, cmd)
        }
        SIOCBONDSLAVEINFOQUERY | SIOCBONDINFOQUERY => dev_ifsioc(k, ctx.net, &name, cmd),
        SIOCGIFMEM | SIOCSIFMEM | SIOCSIFLINK => Err(Errno::ENOTTY.into()),
        c if c == SIOCWANDEV
            || c == SIOCGHWTSTAMP
            || (SIOCDEVPRIVATE..=SIOCDEVPRIVATE + 15).contains(&c) =>
        {
            dev_ifsioc(k, ctx.net, &name, cmd)
        }
        _ => Err(Errno::ENOTTY.into()),
    }
}

/// `dev_ifsioc`: the commands that change a device or reach its driver. The model's devices
/// have no driver ioctls but a bridge's `ndo_siocdevprivate` (`dev_eth_ioctl`,
/// `dev_siocbond`, `dev_siocwandev` and the legacy hardware time stamp get are EOPNOTSUPP for
/// them, as on the kernel); the changes themselves answer `unimplemented`.
fn dev_ifsioc(k: &Kernel, net: NetId, name: &str, cmd: u32) -> SysResult<i32> {
    let dev = k.net(net).devices.by_name(name).ok_or(Errno::ENODEV)?;
    match cmd {
        SIOCSIFMETRIC | SIOCGMIIPHY | SIOCGMIIREG | SIOCSMIIREG | SIOCGHWTSTAMP | SIOCWANDEV
        | SIOCBONDENSLAVE | SIOCBONDRELEASE | SIOCBONDSETHWADDR | SIOCBONDSLAVEINFOQUERY
        | SIOCBONDINFOQUERY | SIOCBONDCHANGEACTIVE => Err(Errno::EOPNOTSUPP.into()),
        // dev_setifmap: no modeled kind has ndo_set_config.
        SIOCSIFMAP => Err(Errno::EOPNOTSUPP.into()),
        c if (SIOCDEVPRIVATE..=SIOCDEVPRIVATE + 15).contains(&c) => {
            if dev.netdev_ops.ndo_siocdevprivate {
                Err(unimplemented("a driver's private ioctls (ndo_siocdevprivate)"))
            } else {
                Err(Errno::EOPNOTSUPP.into())
            }
        }
        SIOCSIFFLAGS | SIOCSIFMTU | SIOCSIFHWADDR | SIOCSIFHWBROADCAST | SIOCADDMULTI
        | SIOCDELMULTI | SIOCSIFTXQLEN | SIOCSIFNAME | SIOCSHWTSTAMP => Err(unimplemented(
            "device changes by ioctl (dev_ifsioc: flags, MTU, addresses, multicast, queue length, name, time stamping)",
        )),
        _ => Err(Errno::EINVAL.into()),
    }
}

/// `dev_ifname` (`netdev_get_name`): the name of the device whose ifindex the ifreq holds.
fn dev_ifname(k: &Kernel, net: NetId, ifr: &mut [u8; IFREQ_LEN]) -> SysResult<i32> {
    ifr[IFNAMSIZ - 1] = 0;
    let ifindex = read_int(ifr);
    let dev = u32::try_from(ifindex)
        .ok()
        .and_then(|i| k.net(net).devices.by_index(i))
        .ok_or(Errno::ENODEV)?;
    // strcpy: the name and its NUL; the bytes after stay as the caller left them.
    let name = ifname_bytes(&dev.name);
    ifr[..name.len()].copy_from_slice(&name);
    ifr[name.len()] = 0;
    Ok(0)
}

/// `dev_ifsioc_locked`: the reading commands anyone may ask.
fn dev_ifsioc_locked(dev: &NetDevice, ifr: &mut [u8; IFREQ_LEN], cmd: u32) -> SysResult<i32> {
    match cmd {
        // The flags as a short: IFF_LOWER_UP and IFF_DORMANT do not fit and are lost.
        SIOCGIFFLAGS => {
            ifr[ifreq::FLAGS].copy_from_slice(&(dev.dev_get_flags() as u16).to_ne_bytes())
        }
        SIOCGIFMETRIC => write_int(ifr, 0),
        SIOCGIFMTU => write_int(ifr, dev.mtu as i32),
        SIOCGIFSLAVE => return Err(Errno::EINVAL.into()),
        SIOCGIFMAP => dev_getifmap(ifr),
        SIOCGIFINDEX => write_int(ifr, dev.ifindex as i32),
        SIOCGIFTXQLEN => write_int(ifr, dev.txqlen as i32),
        _ => return Err(Errno::ENOTTY.into()),
    }
    Ok(0)
}

/// `dev_getifmap`: `struct ifmap` (mem_start, mem_end, base_addr, irq, dma, port): every
/// field 0 for the model's virtual devices; the union's last 3 bytes (padding) untouched.
fn dev_getifmap(ifr: &mut [u8; IFREQ_LEN]) {
    ifr[16..37].fill(0);
}

/// `dev_get_mac_address`: the device's type as the family, its address in `sa_data` (zeros
/// for a device with no address length; the bytes past the address untouched).
fn dev_get_mac_address(dev: &NetDevice, ifr: &mut [u8; IFREQ_LEN]) {
    let data = &mut ifr[ifreq::SA_DATA];
    if dev.addr.is_empty() {
        data.fill(0);
    } else {
        let n = dev.addr.len().min(data.len());
        data[..n].copy_from_slice(&dev.addr[..n]);
    }
    ifr[ifreq::SA_FAMILY].copy_from_slice(&dev.ty.to_ne_bytes());
}

/// `dev_ifconf`: an ifreq per IPv4 address of every device, in list order (`inet_gifconf`);
/// with a NULL buffer only the length they need.
fn dev_ifconf(k: &Kernel, net: NetId, len: &mut i32, null_buf: bool, out: &mut Vec<u8>) {
    let mut total = 0i32;
    for dev in k.net(net).devices.for_each_netdev() {
        let room = if null_buf { None } else { Some(*len - total) };
        total += crate::devinet::ioctl::inet_gifconf(dev, room, out);
    }
    *len = total;
}

/// The union's int (`ifr_ifindex`, `ifr_mtu`, ...).
fn read_int(ifr: &[u8; IFREQ_LEN]) -> i32 {
    i32::from_ne_bytes(ifr[ifreq::INT].try_into().expect("4 bytes"))
}

/// Write the union's int.
fn write_int(ifr: &mut [u8; IFREQ_LEN], v: i32) {
    ifr[ifreq::INT].copy_from_slice(&v.to_ne_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errno::SysError;
    use nltwin_wire::uapi::socket::AF_UNIX;

    fn ifreq(name: &[u8]) -> [u8; IFREQ_LEN] {
        let mut r = [0xaa; IFREQ_LEN];
        r[..16].fill(0);
        r[..name.len()].copy_from_slice(name);
        r
    }

    fn ioctl(
        k: &mut Kernel,
        t: TaskId,
        family: u8,
        cmd: u32,
        ifr: &mut [u8; IFREQ_LEN],
    ) -> SysResult<i32> {
        k.sys_ioctl_other_socket(t, i32::from(family), cmd, IoctlArg::Ifreq(ifr))
    }

    #[test]
    fn lo_answers_the_reading_commands_and_a_missing_device_is_enodev() {
        let (mut k, t) = Kernel::sandboxed(5);
        let mut r = ifreq(b"lo");
        ioctl(&mut k, t, AF_UNIX, SIOCGIFINDEX, &mut r).unwrap();
        assert_eq!(&r[16..24], &[1, 0, 0, 0, 0xaa, 0xaa, 0xaa, 0xaa]);
        let mut r = ifreq(b"lo");
        ioctl(&mut k, t, AF_INET, SIOCGIFFLAGS, &mut r).unwrap();
        assert_eq!(&r[16..18], &0x8u16.to_ne_bytes(), "LOOPBACK, down");
        let mut r = ifreq(b"lo:1");
        ioctl(&mut k, t, AF_INET6, SIOCGIFMTU, &mut r).unwrap();
        assert_eq!(&r[16..20], &65536i32.to_ne_bytes());
        let mut r = ifreq(b"eth0");
        assert_eq!(
            ioctl(&mut k, t, AF_UNIX, SIOCGIFTXQLEN, &mut r),
            Err(SysError::Errno(Errno::ENODEV))
        );
        let mut r = ifreq(b"");
        r[16..20].copy_from_slice(&1i32.to_ne_bytes());
        ioctl(&mut k, t, AF_UNIX, SIOCGIFNAME, &mut r).unwrap();
        assert_eq!(&r[..3], b"lo\0");
    }

    #[test]
    fn ipv4_commands_are_the_inet_familys_and_lo_down_has_no_address() {
        let (mut k, t) = Kernel::sandboxed(5);
        let mut r = ifreq(b"lo");
        assert_eq!(
            ioctl(&mut k, t, AF_INET, SIOCGIFADDR, &mut r),
            Err(SysError::Errno(Errno::EADDRNOTAVAIL))
        );
        let mut r = ifreq(b"lo");
        assert_eq!(
            ioctl(&mut k, t, AF_UNIX, SIOCGIFADDR, &mut r),
            Err(SysError::Errno(Errno::ENOTTY))
        );
    }

    #[test]
    fn changes_are_refused_without_the_capability_or_unmodeled_with_it() {
        let (mut k, t) = Kernel::sandboxed(5);
        let mut r = ifreq(b"lo");
        // SIOCSIFTXQLEN asks for CAP_NET_ADMIN in the initial user namespace.
        assert_eq!(
            ioctl(&mut k, t, AF_INET, SIOCSIFTXQLEN, &mut r),
            Err(SysError::Errno(Errno::EPERM))
        );
        let mut r = ifreq(b"lo");
        assert!(matches!(
            ioctl(&mut k, t, AF_INET, SIOCSIFMTU, &mut r),
            Err(SysError::Unimplemented(_))
        ));
        let mut r = ifreq(b"lo");
        assert_eq!(
            ioctl(&mut k, t, AF_INET, SIOCGMIIPHY, &mut r),
            Err(SysError::Errno(Errno::EOPNOTSUPP))
        );
    }

    #[test]
    fn ifconf_counts_with_a_null_buffer_and_lists_nothing_while_lo_is_down() {
        let (mut k, t) = Kernel::sandboxed(5);
        let (mut len, mut out) = (400, Vec::new());
        let arg = IoctlArg::Ifconf {
            len: &mut len,
            null_buf: true,
            out: &mut out,
        };
        k.sys_ioctl_other_socket(t, i32::from(AF_INET), SIOCGIFCONF, arg)
            .unwrap();
        assert_eq!((len, out.len()), (0, 0));
    }

    #[test]
    fn a_sockets_own_commands_are_not_the_namespaces() {
        let (mut k, t) = Kernel::sandboxed(5);
        let mut r = ifreq(b"lo");
        assert!(matches!(
            ioctl(&mut k, t, AF_INET, SIOCGSTAMP_OLD, &mut r),
            Err(SysError::Unimplemented(_))
        ));
    }
}
