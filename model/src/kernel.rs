//! The modeled kernel: the global state that the netlink code reaches (`nl_table`, namespaces,
//! tasks and their file tables) and boot (`netlink_proto_init`, `rtnetlink_init`, `genl_init`).

use std::collections::BTreeMap;

use crate::af_netlink::{NetlinkInput, NetlinkSock, NetlinkTable};
use crate::cred::{Cred, UserNamespace, UserNsId};
use crate::net_namespace::Net;
use crate::profile::Profile;
use crate::random::{RandomSource, SeededRandom};

/// Index of a network namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NetId(pub usize);

/// Index of a socket (user or kernel) in the kernel's socket table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SockId(pub usize);

/// Index of a task (a thread group: the model's processes are single-threaded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub usize);

/// A task: its tgid as seen in its own pid namespace, its network namespace, its credentials and
/// its file table.
#[derive(Debug)]
pub struct Task {
    /// The thread group id (`task_tgid_vnr`), which autobind tries first.
    pub tgid: u32,
    /// The network namespace the task lives in (`current->nsproxy->net_ns`).
    pub net: NetId,
    /// The task's credentials.
    pub cred: Cred,
    /// Open file descriptors: fd -> socket.
    pub files: BTreeMap<i32, SockId>,
}

/// The whole modeled kernel.
pub struct Kernel {
    /// The release and behaviour profile the model imitates.
    pub profile: Profile,
    /// `nl_table`: one entry per netlink protocol (`MAX_LINKS`).
    pub nl_table: Vec<NetlinkTable>,
    /// Every socket, user and kernel, by [`SockId`]; a closed socket's slot is `None`.
    pub socks: Vec<Option<NetlinkSock>>,
    /// Network namespaces by [`NetId`]; index 0 is `init_net`.
    pub nets: Vec<Net>,
    /// User namespaces; index 0 is `init_user_ns`.
    pub user_nss: Vec<UserNamespace>,
    /// Tasks by [`TaskId`].
    pub tasks: Vec<Task>,
    /// The random source (autobind's rover start).
    pub random: Box<dyn RandomSource>,
    /// Kernel-socket inputs the modeled subsystems provide (`rtnetlink_rcv`, `genl_rcv`), or a
    /// user installed with [`Kernel::set_netlink_input`]; other protocols keep the profile's.
    pub netlink_inputs: [Option<NetlinkInput>; crate::uapi::netlink::MAX_LINKS],
    /// `rtnl_msg_handlers`: rtnetlink's handler table, filled by `rtnl_register`.
    pub rtnl_msg_handlers: crate::rtnetlink::RtnlHandlers,
    /// The generic netlink family registry (`genl_fam_idr`).
    pub genl: crate::genetlink::GenlRegistry,
    /// `lweventlist`: devices whose carrier changed, waiting for link watch (system-wide).
    pub lweventlist: Vec<(NetId, u32)>,
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel")
            .field("profile", &self.profile)
            .field("nets", &self.nets.len())
            .field("socks", &self.socks.iter().flatten().count())
            .field("tasks", &self.tasks.len())
            .finish()
    }
}

/// `init_net`.
pub const INIT_NET: NetId = NetId(0);
/// `init_user_ns`.
pub const INIT_USER_NS: UserNsId = UserNsId(0);

impl Kernel {
    /// Boot a kernel of `profile`: `netlink_proto_init` (with `rtnetlink_init` and `genl_init`
    /// through the protocols it registers) and `init_net` with its kernel sockets.
    pub fn boot(profile: Profile, random: Box<dyn RandomSource>) -> Kernel {
        let mut k = Kernel {
            profile,
            nl_table: Vec::new(),
            socks: Vec::new(),
            nets: Vec::new(),
            user_nss: vec![UserNamespace {
                parent: None,
                owner: 0,
            }],
            tasks: Vec::new(),
            random,
            netlink_inputs: [None; crate::uapi::netlink::MAX_LINKS],
            rtnl_msg_handlers: Default::default(),
            genl: Default::default(),
            lweventlist: Vec::new(),
        };
        crate::af_netlink::netlink_proto_init(&mut k);
        crate::rtnetlink::rtnetlink_init(&mut k);
        crate::genetlink::genl_init(&mut k);
        k.nets.push(Net::new(INIT_USER_NS, true));
        k.setup_net(INIT_NET);
        k
    }

    /// A 6.18 kernel with a fixed seed, and a task of tgid `tgid` that is root of a fresh user
    /// namespace and lives in a fresh network namespace owned by it: the state the kernel side of
    /// nltwin's sandbox starts from (`unshare -Urn`).
    pub fn sandboxed(tgid: u32) -> (Kernel, TaskId) {
        Kernel::sandboxed_with(Profile::default(), tgid)
    }

    /// [`Kernel::sandboxed`] on a given profile.
    pub fn sandboxed_with(profile: Profile, tgid: u32) -> (Kernel, TaskId) {
        let mut k = Kernel::boot(profile, Box::new(SeededRandom::new(0)));
        let user_ns = k.create_user_ns(INIT_USER_NS, 1000);
        let net = k.copy_net_ns(user_ns);
        let task = k.spawn_task(
            tgid,
            net,
            Cred {
                euid: 0,
                user_ns,
                cap_effective: Cred::CAP_FULL_SET,
            },
        );
        (k, task)
    }

    /// `create_user_ns`: a user namespace below `parent`, created by `owner` (euid in the parent).
    pub fn create_user_ns(&mut self, parent: UserNsId, owner: u32) -> UserNsId {
        self.user_nss.push(UserNamespace {
            parent: Some(parent),
            owner,
        });
        UserNsId(self.user_nss.len() - 1)
    }

    /// `copy_net_ns`: a fresh network namespace owned by `user_ns`, with every pernet init run.
    pub fn copy_net_ns(&mut self, user_ns: UserNsId) -> NetId {
        self.nets.push(Net::new(user_ns, false));
        let net = NetId(self.nets.len() - 1);
        self.setup_net(net);
        net
    }

    /// `setup_net`: run the pernet init of every subsystem the model has, in the kernel's order.
    fn setup_net(&mut self, net: NetId) {
        crate::af_netlink::netlink_net_init(self, net);
        crate::netdevice::loopback_net_init(self, net);
    }

    /// A new task with the given tgid, namespace and credentials, and an empty file table.
    pub fn spawn_task(&mut self, tgid: u32, net: NetId, cred: Cred) -> TaskId {
        self.tasks.push(Task {
            tgid,
            net,
            cred,
            files: BTreeMap::new(),
        });
        TaskId(self.tasks.len() - 1)
    }

    /// Put a new socket in the socket table.
    pub fn sock_alloc(&mut self, sk: NetlinkSock) -> SockId {
        match self.socks.iter().position(Option::is_none) {
            Some(i) => {
                self.socks[i] = Some(sk);
                SockId(i)
            }
            None => {
                self.socks.push(Some(sk));
                SockId(self.socks.len() - 1)
            }
        }
    }

    /// `ns_capable` for `task`: does it hold `cap` over the user namespace `target`?
    pub fn ns_capable(&self, task: TaskId, target: UserNsId, cap: u32) -> bool {
        crate::cred::cap_capable(&self.user_nss, &self.tasks[task.0].cred, target, cap)
    }

    /// Make `input` the kernel-socket input of `protocol`, in every namespace now and later:
    /// how a test plugs a protocol handler of its own into the socket layer.
    pub fn set_netlink_input(&mut self, protocol: usize, input: NetlinkInput) {
        self.netlink_inputs[protocol] = Some(input);
        for net in &self.nets {
            if let Some(sk) = net.kernel_sock[protocol] {
                if let Some(s) = self.socks[sk.0].as_mut() {
                    s.netlink_rcv = Some(input);
                }
            }
        }
    }

    /// The socket behind `id`. Panics on a closed id: callers hold only live ids.
    pub fn sk(&self, id: SockId) -> &NetlinkSock {
        self.socks[id.0].as_ref().expect("live socket")
    }

    /// The socket behind `id`, mutably.
    pub fn sk_mut(&mut self, id: SockId) -> &mut NetlinkSock {
        self.socks[id.0].as_mut().expect("live socket")
    }
}
