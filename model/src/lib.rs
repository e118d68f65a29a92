//! # nltwin-model: the Linux netlink socket layer as a pure-Rust model
//!
//! A deterministic model of `net/netlink/af_netlink.c`, `net/core/rtnetlink.c` and
//! `net/netlink/genetlink.c`, checked against the running kernel byte for byte by the nltwin
//! conformance suite. It makes no OS calls: import it as a fake kernel to test netlink code
//! without root, without Linux.
//!
//! The shape follows the kernel: [`Kernel::boot`] runs `netlink_proto_init` (which builds
//! `nl_table`), `rtnetlink_init` and `genl_init`; a network namespace gets its kernel sockets at
//! portid 0; user sockets are made by `netlink_create`, bound by `netlink_bind` /
//! `netlink_autobind`, and send through `netlink_sendmsg` -> `netlink_unicast` -> the kernel
//! socket's input. The system-call surface is in [`socket`] (`sys_socket`, `sys_bind`, ...).
//!
//! ```
//! use nltwin_model::Kernel;
//! use nltwin_model::uapi::{netlink::*, socket::*};
//!
//! // A fresh network namespace with the caller as root of its user namespace.
//! let (mut k, task) = Kernel::sandboxed(4242);
//! let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
//! k.sys_bind(task, fd, &SockaddrNl::new(0, 0).to_bytes()).unwrap();
//! assert_eq!(k.sys_getsockname(task, fd).unwrap().pid, 4242); // autobind takes the tgid
//! ```
#![deny(missing_docs)]

pub mod addrconf;
pub mod af_netlink;
pub mod cred;
pub mod dev;
pub mod dev_flags;
pub mod devinet;
pub mod drivers;
pub mod errno;
pub mod ethernet;
pub mod genetlink;
pub mod kernel;
pub mod link_watch;
pub mod net_namespace;
pub mod netdevice;
pub mod nlattr;
pub mod other_netlink;
pub mod policy;
pub mod profile;
pub mod random;
pub mod rtnetlink;
pub mod sch_generic;
pub mod skbuff;
pub mod socket;
pub mod uapi;

pub use errno::{Errno, SysError, SysResult, Unimplemented};
pub use kernel::{Kernel, NetId, SockId, TaskId};
