//! The modeled kernel: its state in owned parts (the netlink socket layer, namespaces, tasks,
//! the registries subsystems fill at boot, link watch, the clock with its timers and deferred
//! work, the profile) and boot, which runs the subsystems' initcalls in the kernel's order.
//!
//! A subsystem plugs in the way the kernel's do: its init registers rtnetlink handlers
//! (`rtnl_register`), link kinds (`rtnl_link_register`), address families
//! (`rtnl_af_register`), netdevice notifiers (`register_netdevice_notifier`) and per-namespace
//! operations (`register_pernet_subsys`, which is how kernel sockets are made); adding one is
//! a line in `INITCALLS`.

use std::collections::BTreeMap;

use crate::af_netlink::{NetlinkSock, NetlinkTable};
use crate::cred::{Cred, UserNamespace, UserNsId};
use crate::net_namespace::{Net, PernetOperations};
use crate::netdevice::NetDevice;
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
    /// The other files it holds open that requests may name (`IFLA_NET_NS_FD`): fd -> file.
    pub ns_files: BTreeMap<i32, crate::net_namespace::OpenFile>,
}

/// The netlink socket layer's global state (`af_netlink.c`).
#[derive(Debug, Default)]
pub(crate) struct NetlinkState {
    /// `nl_table`: one entry per netlink protocol (`MAX_LINKS`).
    pub(crate) nl_table: Vec<NetlinkTable>,
    /// Every socket, user and kernel, by [`SockId`]; a closed socket's slot is `None`.
    pub(crate) socks: Vec<Option<NetlinkSock>>,
}

/// What subsystems register at boot (the kernel's global lists and tables).
#[derive(Debug, Default)]
pub(crate) struct Registry {
    /// `rtnl_msg_handlers`: rtnetlink's handler table, filled by `rtnl_register`.
    pub(crate) rtnl_msg_handlers: crate::rtnetlink::RtnlHandlers,
    /// `link_ops`: the link kinds, by `rtnl_link_register`.
    pub(crate) link_ops: Vec<&'static crate::rtnetlink::ops::RtnlLinkOps>,
    /// `rtnl_af_ops`: the address families' link operations, by `rtnl_af_register`.
    pub(crate) af_ops: Vec<&'static crate::rtnetlink::ops::RtnlAfOps>,
    /// `netdev_chain`: the netdevice notifiers, by `register_netdevice_notifier`.
    pub(crate) netdev_chain: Vec<crate::dev::NotifierBlock>,
    /// `pernet_list`: what runs for every new namespace, by `register_pernet_subsys`.
    pub(crate) pernet: Vec<PernetOperations>,
    /// `ifla_policy`: the link attribute policy of the release and build, set by
    /// `rtnetlink_init`.
    pub(crate) ifla_policy: &'static [crate::nlattr::NlaPolicy],
}

/// The whole modeled kernel. It is `Send`: a fake kernel can be shared by the tasks of an
/// async runtime (behind a mutex).
pub struct Kernel {
    /// The release and behaviour profile the model imitates.
    pub(crate) profile: Profile,
    /// The release's features, computed once from the profile.
    pub(crate) features: crate::profile::FeatureSet,
    /// How the slab sizes skb heads on this release and build.
    pub(crate) skb_sizing: crate::skbuff::SkbSizing,
    /// The netlink socket layer.
    pub(crate) netlink: NetlinkState,
    /// Network namespaces by [`NetId`]; index 0 is `init_net`.
    pub(crate) nets: Vec<Net>,
    /// User namespaces; index 0 is `init_user_ns`.
    pub(crate) user_nss: Vec<UserNamespace>,
    /// Tasks by [`TaskId`].
    pub(crate) tasks: Vec<Task>,
    /// Whether processes exist that are not tasks of the model (`nltwin run`): a pid the model
    /// does not know is then not absent but unknown.
    pub(crate) foreign_pids: bool,
    /// What subsystems registered.
    pub(crate) registry: Registry,
    /// The generic netlink family registry (`genl_fam_idr`).
    pub(crate) genl: crate::genetlink::GenlRegistry,
    /// Link watch: devices whose carrier changed, waiting for the link watch work.
    pub(crate) linkwatch: crate::link_watch::LinkWatch,
    /// The clock and the pending timers.
    pub(crate) timers: crate::timer::TimerBase,
    /// Work queued to run (deferred work).
    pub(crate) workqueue: crate::workqueue::Workqueue,
    /// The random source (autobind's rover start, random addresses, reachable times).
    pub(crate) random: Box<dyn RandomSource>,
    /// The neighbour tables' machine-wide state (thresholds, default parameters, counters).
    pub(crate) neigh_tbls: crate::neighbour::neightbl::NeighTblGlobal,
    /// The frames devices received and the receive softirq has yet to take
    /// (`softnet_data.input_pkt_queue`, see [`crate::dev::netif_rx`]).
    pub(crate) backlog: std::collections::VecDeque<(NetId, u32, crate::netdevice::Frame)>,
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel")
            .field("profile", &self.profile)
            .field("nets", &self.nets.len())
            .field("socks", &self.netlink.socks.iter().flatten().count())
            .field("tasks", &self.tasks.len())
            .finish()
    }
}

/// `init_net`.
pub const INIT_NET: NetId = NetId(0);
/// `init_user_ns`.
pub const INIT_USER_NS: UserNsId = UserNsId(0);

/// The subsystems' inits, in the kernel's order: the order they register pernet operations
/// in is the order a new namespace gets its kernel sockets and devices.
const INITCALLS: &[fn(&mut Kernel)] = &[
    crate::af_netlink::netlink_proto_init,
    crate::rtnetlink::rtnetlink_init,
    crate::net_namespace::net_ns_init,
    crate::other_netlink::other_netlink_init,
    crate::genetlink::genl_init,
    crate::drivers::loopback::loopback_init,
    crate::devinet::devinet_init,
    crate::neighbour::neigh_init,
    crate::arp::arp_init,
    crate::fib_rules::fib_rules_init,
    crate::ip6_fib::ip6_route_init,
    crate::fib_rules::ipv4::ip_fib_init,
    crate::fib::ip_fib_init,
    crate::nexthop::nexthop_init,
    crate::ipmr::ip_mr_init,
    crate::ip6mr::ip6_mr_init,
    crate::fib_rules::ipv6::fib6_rules_init,
    crate::addrconf::addrconf_init,
    crate::ndisc::ndisc_late_init,
    crate::drivers::bridge::br_init,
    crate::drivers::veth::veth_init,
    crate::drivers::ifb::ifb_init_module,
];

impl Kernel {
    /// Boot a kernel of `profile`: every initcall, then `init_net`.
    pub fn boot(profile: Profile, random: Box<dyn RandomSource>) -> Kernel {
        let mut k = Kernel {
            features: crate::profile::FeatureSet::of(profile.release),
            skb_sizing: crate::skbuff::SkbSizing::of(
                crate::profile::FeatureSet::of(profile.release),
                profile.config.max_header,
            ),
            timers: crate::timer::TimerBase::new(profile.config.hz),
            linkwatch: Default::default(),
            profile,
            netlink: NetlinkState::default(),
            nets: Vec::new(),
            user_nss: vec![UserNamespace {
                parent: None,
                owner: 0,
                // init_user_ns maps every uid to itself ("0 0 4294967295").
                uid_map: vec![(0, 0, u32::MAX)],
                gid_map: vec![(0, 0, u32::MAX)],
            }],
            tasks: Vec::new(),
            foreign_pids: false,
            registry: Registry::default(),
            genl: Default::default(),
            workqueue: Default::default(),
            random,
            neigh_tbls: Default::default(),
            backlog: Default::default(),
        };
        for init in INITCALLS {
            init(&mut k);
        }
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
    ///
    /// The sandbox is not the machine's first: nltwin runs scenarios one after another (and
    /// the kernel's link watch is one for the whole machine), and the namespace of the one
    /// before went away with its devices, whose carriers went off. So link watch has just run:
    /// the scenario's first non-urgent link event waits a second (`linkwatch_nextevent`),
    /// where a freshly booted kernel ([`Kernel::boot`]) handles it at once.
    pub fn sandboxed_with(profile: Profile, tgid: u32) -> (Kernel, TaskId) {
        let mut k = Kernel::boot(profile, Box::new(SeededRandom::new(0)));
        crate::link_watch::linkwatch_run_queue(&mut k).expect("nothing queued at boot");
        let user_ns = k.create_user_ns(INIT_USER_NS, 1000);
        // `unshare -U -r` maps root of the new namespace to its creator ("0 1000 1").
        k.user_nss[user_ns.0].uid_map = vec![(0, 1000, 1)];
        // ... and root's group to the creator's group ("0 1000 1" in gid_map).
        k.user_nss[user_ns.0].gid_map = vec![(0, 1000, 1)];
        let net = k.copy_net_ns(user_ns);
        let task = k.spawn_task(
            tgid,
            net,
            Cred {
                euid: 0,
                egid: 0,
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
            uid_map: Vec::new(),
            gid_map: Vec::new(),
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

    /// `setup_net`: run every registered pernet init, in registration order.
    fn setup_net(&mut self, net: NetId) {
        for i in 0..self.registry.pernet.len() {
            (self.registry.pernet[i].init)(self, net);
        }
    }

    /// A new task with the given tgid, namespace and credentials, and an empty file table.
    pub fn spawn_task(&mut self, tgid: u32, net: NetId, cred: Cred) -> TaskId {
        self.tasks.push(Task {
            tgid,
            net,
            cred,
            files: BTreeMap::new(),
            ns_files: BTreeMap::new(),
        });
        TaskId(self.tasks.len() - 1)
    }

    /// The profile the kernel runs.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Whether the profile's release has `feature`.
    #[inline]
    pub fn has(&self, feature: crate::profile::Feature) -> bool {
        self.features.has(feature)
    }

    /// A task.
    pub fn task(&self, task: TaskId) -> &Task {
        &self.tasks[task.0]
    }

    /// `capset(2)` of the effective set: the capabilities `task` now holds in its user
    /// namespace (the model keeps no permitted or inheritable sets to check it against).
    pub fn sys_capset(&mut self, task: TaskId, effective: u64) {
        self.tasks[task.0].cred.cap_effective = effective & Cred::CAP_FULL_SET;
    }

    /// `commit_creds`: `task`'s credentials from now on (after a `setuid`, `capset` or
    /// `unshare(CLONE_NEWUSER)` of its own).
    pub fn commit_creds(&mut self, task: TaskId, cred: Cred) {
        self.tasks[task.0].cred = cred;
    }

    /// `switch_task_namespaces` for the network namespace (what `unshare(CLONE_NEWNET)` and
    /// `setns` end with): the sockets `task` creates from now on live in `net`.
    pub fn switch_task_namespaces(&mut self, task: TaskId, net: NetId) {
        self.tasks[task.0].net = net;
    }

    /// `open` of a namespace's nsfs file (`/proc/<pid>/ns/net`): `task` holds `net` as `fd`
    /// (a request may name it by IFLA_NET_NS_FD).
    pub fn fd_install_netns(&mut self, task: TaskId, fd: i32, net: NetId) {
        self.tasks[task.0]
            .ns_files
            .insert(fd, crate::net_namespace::OpenFile::Net(net));
    }

    /// The files other than its netlink sockets `task` holds open, as its process has them
    /// now (`nltwin run`: read from `/proc/<pid>/fd`).
    pub fn set_task_files(
        &mut self,
        task: TaskId,
        files: BTreeMap<i32, crate::net_namespace::OpenFile>,
    ) {
        self.tasks[task.0].ns_files = files;
    }

    /// Processes exist beyond the model's tasks (`nltwin run`): a request naming a pid the
    /// model does not know answers `unimplemented` rather than ESRCH.
    pub fn set_foreign_pids(&mut self, foreign: bool) {
        self.foreign_pids = foreign;
    }

    /// A network namespace.
    pub fn net(&self, net: NetId) -> &Net {
        &self.nets[net.0]
    }

    /// A network namespace, to change it.
    pub(crate) fn net_mut(&mut self, net: NetId) -> &mut Net {
        &mut self.nets[net.0]
    }

    /// The device `ifindex` of `net` (`__dev_get_by_index`).
    pub fn dev(&self, net: NetId, ifindex: u32) -> Option<&NetDevice> {
        self.nets[net.0].devices.by_index(ifindex)
    }

    /// The device `ifindex` of `net`, to change it.
    pub(crate) fn dev_mut(&mut self, net: NetId, ifindex: u32) -> Option<&mut NetDevice> {
        self.nets[net.0].devices.by_index_mut(ifindex)
    }

    /// The devices of `net`, in ifindex order.
    pub fn devices(&self, net: NetId) -> impl Iterator<Item = &NetDevice> {
        self.nets[net.0].devices.devs.values()
    }

    /// The link kinds this kernel can create (registered `rtnl_link_ops`), in registration
    /// order.
    pub fn link_kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.registry.link_ops.iter().map(|o| o.kind)
    }

    /// Whether link watch has work pending (devices queued on `lweventlist`).
    pub fn linkwatch_pending(&self) -> bool {
        !self.linkwatch.is_empty()
    }

    /// Put a new socket in the socket table.
    pub(crate) fn sock_alloc(&mut self, sk: NetlinkSock) -> SockId {
        let socks = &mut self.netlink.socks;
        match socks.iter().position(Option::is_none) {
            Some(i) => {
                socks[i] = Some(sk);
                SockId(i)
            }
            None => {
                socks.push(Some(sk));
                SockId(socks.len() - 1)
            }
        }
    }

    /// `ns_capable` for `task`: does it hold `cap` over the user namespace `target`?
    pub fn ns_capable(&self, task: TaskId, target: UserNsId, cap: u32) -> bool {
        crate::cred::cap_capable(&self.user_nss, &self.tasks[task.0].cred, target, cap)
    }

    /// The socket behind `id`. Panics on a closed id: callers hold only live ids.
    pub(crate) fn sk(&self, id: SockId) -> &NetlinkSock {
        self.netlink.socks[id.0].as_ref().expect("live socket")
    }

    /// The socket behind `id`, mutably.
    pub(crate) fn sk_mut(&mut self, id: SockId) -> &mut NetlinkSock {
        self.netlink.socks[id.0].as_mut().expect("live socket")
    }

    /// Every open socket, user and kernel (for invariant checks).
    pub fn sockets(&self) -> impl Iterator<Item = (SockId, &NetlinkSock)> {
        self.netlink
            .socks
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((SockId(i), s.as_ref()?)))
    }

    /// The sockets of `protocol` subscribed to at least one group (`mc_list`).
    pub fn mc_list(&self, protocol: usize) -> &[SockId] {
        &self.netlink.nl_table[protocol].mc_list
    }
}

/// The kernel stays `Send` (async runtimes move it between threads behind a mutex).
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Kernel>();
};
