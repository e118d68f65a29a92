//! # nltwin-model: the Linux netlink socket layer as a pure-Rust model
//!
//! A deterministic model of `net/netlink/af_netlink.c`, `net/core/rtnetlink.c`,
//! `net/netlink/genetlink.c` and the device core behind them, checked against the running
//! kernel byte for byte by the nltwin conformance suite. It makes no OS calls: import it as a
//! fake kernel to test netlink code without root, without Linux.
//!
//! The shape follows the kernel: [`Kernel::boot`] runs the subsystems' initcalls, which
//! register rtnetlink handlers, link kinds, address families, netdevice notifiers and
//! per-namespace operations; a network namespace gets its kernel sockets at portid 0 from
//! those; user sockets are made by `netlink_create`, bound by `netlink_bind` /
//! `netlink_autobind`, and send through `netlink_sendmsg` -> `netlink_unicast` -> the kernel
//! socket's input.
//!
//! ## The public API
//!
//! - [`Kernel`]: boot ([`Kernel::sandboxed`], [`Kernel::boot`]), namespaces and tasks, and
//!   the system calls (`sys_socket`, `sys_bind`, `sys_connect`, `sys_getsockname`,
//!   `sys_getpeername`, `sys_setsockopt`, `sys_getsockopt`, `sys_sendto`, `sys_recvfrom`,
//!   `sys_close`, in [`socket`]);
//! - time: [`Kernel::advance`] lets the model's clock move (timers fire, deferred work such as
//!   link watch runs when due; nothing else moves it), [`Kernel::now_ns`], [`Kernel::jiffies`],
//!   [`Kernel::next_timer_ns`] (see [`timer`] and [`workqueue`]);
//! - read-only inspection for tests: [`Kernel::net`], [`Kernel::dev`], [`Kernel::devices`]
//!   ([`netdevice::NetDevice`]), [`Kernel::task`], [`Kernel::sockets`], [`Kernel::mc_list`],
//!   [`Kernel::link_kinds`], [`Kernel::proc_net_netlink`], [`Kernel::linkwatch_pending`];
//! - [`profile::Profile`]: the kernel release and host the model imitates;
//! - generic netlink families of one's own ([`genetlink`], with [`nlattr`] policies and
//!   [`skbuff::SkBuff`] replies);
//! - link kinds and address families of one's own ([`rtnetlink::ops`]);
//! - errors: [`Errno`], [`SysError`], [`Unimplemented`]; the uapi constants ([`uapi`], from
//!   `nltwin-wire`).
//!
//! Everything else is the kernel's inside and may change from one release to the next.
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

pub(crate) mod addrconf;
pub(crate) mod addrlabel;
pub mod af_netlink;
pub(crate) mod arp;
pub mod cred;
pub(crate) mod dev;
pub(crate) mod dev_flags;
pub mod dev_ioctl;
pub(crate) mod devinet;
pub(crate) mod drivers;
pub(crate) mod errno;
pub mod ethernet;
pub(crate) mod fib;
pub(crate) mod fib_rules;
pub mod filter;
pub mod genetlink;
pub(crate) mod igmp;
pub(crate) mod ip6_fib;
pub(crate) mod ip6_input;
pub(crate) mod ip6_output;
pub(crate) mod ip6_route;
pub(crate) mod ip6mr;
pub(crate) mod ipmr;
pub mod kernel;
pub(crate) mod link_watch;
pub(crate) mod mcast;
pub(crate) mod metrics;
pub(crate) mod ndisc;
pub(crate) mod neighbour;
pub mod net_namespace;
pub mod netdevice;
pub(crate) mod nexthop;
pub mod nlattr;
pub(crate) mod other_netlink;
pub(crate) mod policy;
pub mod profile;
pub mod random;
pub mod rtnetlink;
pub(crate) mod sch_generic;
pub(crate) mod scm;
pub mod skbuff;
pub mod sock;
pub mod socket;
pub mod timer;
pub mod uapi;
pub mod workqueue;

pub use errno::{Errno, SysError, SysResult, Unimplemented};
pub use kernel::{Kernel, NetId, SockId, TaskId};
