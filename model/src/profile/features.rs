//! Release behaviour as named features. Each [`Feature`] is one upstream change; the table
//! [`FEATURES`] says where it is: the mainline release that brought it and the stable releases
//! it was backported to (stable kernels backport: a 6.12.118 can have what 6.13 brought). This
//! table is the only place where release numbers are compared; handlers ask
//! [`FeatureSet::has`].
//!
//! Sources: a feature's mainline release is the first release whose source or recording shows
//! it (the kernel sources of 6.1, 6.12 and 7.3, and the matrix recordings of 6.17 and 6.18); a
//! backport is the stable release whose Debian changelog lists the change's subject.

use super::Release;

/// A behaviour a release has or lacks, named after the upstream change that brought it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Feature {
    /// NTF_EXT_EXT_VALIDATED in NDA_FLAGS_EXT's mask: neighbour entries validated by an
    /// external control plane, kept on carrier loss ("neighbour: Add NTF_EXT_EXT_VALIDATED flag
    /// for externally validated entries"; in 7.3's source, not in 6.12's).
    NeighExtValidated,
    /// A bridge FDB entry's message always carries NDA_FLAGS_EXT (0 unless locked), and
    /// `br_fdb_add` refuses an NDA_FLAGS_EXT with NTF_EXT_LOCKED ("Cannot add FDB entry with
    /// \"locked\" flag set") ("net: bridge: add locked entry fdb flag to extend locked port
    /// feature" and the MAB series of the same release; neither in a 6.1-based tree's
    /// br_fdb.c, both in 6.12's and 6.18's).
    FdbFlagsExt,
    /// `neigh_valid_get_req` checks a get request's device and NDA_DST first (a missing
    /// NDA_DST reported as a missing attribute, no message), and `neigh_get` checks the
    /// family and the address before the device ("neighbour: Move two validations from
    /// neigh_get() to neigh_valid_get_req()"; in 7.3's source, not in 6.12's).
    NeighGetEarlyChecks,
    /// IFLA_DEVLINK_PORT, an empty nest in every link message ("net: expose devlink port
    /// over rtnetlink").
    IflaDevlinkPort,
    /// IFLA_GSO_IPV4_MAX_SIZE and IFLA_GRO_IPV4_MAX_SIZE in link messages and requests ("net:
    /// add gso_ipv4_max_size and gro_ipv4_max_size per device").
    IflaGsoGroIpv4MaxSize,
    /// IFLA_DPLL_PIN, an empty nest in every link message ("netdev: expose DPLL pin handle
    /// for netdevice").
    IflaDpllPin,
    /// IFLA_MAX_PACING_OFFLOAD_HORIZON in link messages, and ifla_policy validating every
    /// type from IFLA_DPLL_PIN on strictly ("net: Add IFLA_MAX_PACING_OFFLOAD_HORIZON").
    IflaMaxPacingOffloadHorizon,
    /// IFLA_NETNS_IMMUTABLE in link messages, rejected in requests ("net: expose
    /// netns_immutable via netlink").
    IflaNetnsImmutable,
    /// `__dev_change_net_namespace` explains its refusals in the extended ack ("The interface
    /// netns is immutable", "An interface with the same name exists in the target netns"...).
    DevChangeNetNamespaceExtack,
    /// IFLA_HEADROOM and IFLA_TAILROOM in link messages, rejected in requests ("net: expose
    /// headroom and tailroom via netlink").
    IflaHeadroomTailroom,
    /// IFLA_TXQLEN at most S16_MAX, checked by the policy ("net: reject oversized
    /// tx_queue_len at netlink parse time").
    IflaTxqlenRange,
    /// rtnl_fill_ifinfo writes IFLA_QDISC and IFLA_MAP (with the link's netns id and
    /// IFLA_LINK) in its RCU section after IFLA_LINKINFO, instead of among the first
    /// attributes ("rtnetlink: do not depend on RTNL for IFLA_QDISC output" and the series
    /// that reduced RTNL in rtnl_fill_ifinfo).
    RtnlFillIfinfoUnderRcu,
    /// RTEXT_FILTER_NAME_ONLY: IFLA_PROP_LIST follows IFLA_IFNAME, and a request with the
    /// filter gets only the names ("rtnetlink: add RTEXT_FILTER_NAME_ONLY").
    RtextFilterNameOnly,
    /// RTEXT_FILTER_SKIP_STATS leaves IFLA_STATS64 and IFLA_STATS out of link messages too,
    /// not only the per-family statistics ("rtnetlink: skip IFLA_STATS when
    /// RTEXT_FILTER_SKIP_STATS").
    RtextFilterSkipStats,
    /// A device's IPv6 temp_valid_lft starts at 2 days, not a week ("ipv6: reduce the default
    /// temp_valid_lft to 2 days").
    Ipv6TempValidLft2Days,
    /// ifb takes TSO frames up to GSO_MAX_SIZE, not the legacy 64 KiB ("ifb: support BIG
    /// TCP").
    IfbBigTcp,
    /// Generic netlink's split operations: a command's do and dump are separate operations
    /// ("genetlink: introduce split op representation"); the policy dump typed each
    /// command's OP_POLICY nest by its do operation's command (0 for dump-only commands).
    GenlSplitOps,
    /// The policy dump types OP_POLICY nests by the real command, dump-only ones included
    /// ("genetlink: report the real command id for dump-only ops in policy dumps").
    GenlPolicyDumpRealCmd,
    /// RTM_DELLINK answers the request: the notification goes to the requester too when it
    /// asked for an echo ("rtnetlink: Honour NLM_F_ECHO flag in rtnl_delete_link", with
    /// "net: add new helper unregister_netdevice_many_notify").
    RtnlDeleteLinkEcho,
    /// A link's creation answers the request likewise ("rtnetlink: Honour NLM_F_ECHO flag in
    /// rtnl_newlink_create").
    RtnlNewlinkCreateEcho,
    /// A notification that answers a request carries the requester's portid and sequence
    /// only when it asked for an echo (on 6.1's backport of the echo changes, always).
    RtnlNotifyStampOnlyEcho,
    /// The GSO limits are checked with the rest of the request before anything changes, with
    /// ext-ack messages, and GRO limits too ("rtnetlink: move IFLA_GSO_ tb check to
    /// validate_linkmsg"); before, do_setlink refused a too big GSO size or segment count
    /// when it reached it, after the earlier changes.
    RtnlGsoChecksInValidateLinkmsg,
    /// The core turns a dump's EMSGSIZE with data in the skb into "more to come", and nlctrl's
    /// family dump returns its error, so the last chunk carries NLMSG_DONE ("netlink: handle
    /// EMSGSIZE errors in the core"); before, it returned the chunk's length and DONE came
    /// alone.
    NetlinkDumpEmsgsizeInCore,
    /// A dump's NLMSG_DONE carries the whole extended ack, as an error does (the offending
    /// attribute's offset, the policy, missing attributes: "netlink: support all extack types
    /// in dumps"); before, only the message, and only when there was one.
    NetlinkDumpDoneFullExtack,
    /// `noop_enqueue` (the qdisc of a device without carrier) counts each frame it drops in
    /// the device's core tx_dropped; before, the drop was counted nowhere a link message shows.
    NoopQdiscCountsTxDropped,
    /// RTM_NEWLINK validates the link message once, against the device it changes or creates;
    /// before, __rtnl_newlink first validated every request, with no device when none was
    /// found (the net-next follow-up to "rtnetlink: call validate_linkmsg in
    /// rtnl_create_link").
    RtnlNewlinkValidateOnce,
    /// A running device can be renamed ("net/core: Allow live renaming when an interface is
    /// up"); before, EBUSY.
    DevLiveRename,
    /// RTM_GETLINK of one device first runs its pending link watch event, so the reply shows
    /// the settled carrier and operstate ("net: core: synchronize link-watch when carrier is
    /// queried").
    RtnlGetlinkSyncsLinkwatch,
    /// IFLA_INET_CONF entries are validated strictly against a policy with each value's range
    /// (`inet_devconf_policy`), instead of only their length and number.
    InetDevconfPolicy,
    /// Small skb heads come from a cache of their own, sized by the build's MAX_TCP_HEADER
    /// ("net: add dedicated kmem_cache for typical/small skb->head"); before, from kmalloc.
    SkbSmallHeadCache,
    /// Link watch gives a device without carrier IF_OPER_LOWERLAYERDOWN only when its lower
    /// device (its iflink: a veth's peer) exists and has no carrier either, else DOWN ("net:
    /// linkwatch: only report IF_OPER_LOWERLAYERDOWN if iflink is actually down"); before,
    /// whenever the device has an iflink of its own (an unpaired veth's 0 included).
    LinkwatchLowerLayerDownOnlyIfLowerDown,
    /// IPv6 counts a packet handed to the device (`ip6_finish_output2`) as OutTransmits,
    /// `IPSTATS_MIB_OUTPKTS` at the end of the list, apart from OutRequests ("ipv4/ipv6: add
    /// ipSystemStatsOutTransmits"); before, ndisc and MLD counted OutRequests with OutOctets
    /// and the device hand-off counted nothing.
    Ipv6OutTransmits,
    /// IFLA_INET6_STATS lists the fast-path counters first (InReceives, InOctets, InDelivers,
    /// the four ECN counters, OutRequests, OutTransmits, OutOctets, OutForwDatagrams), then the
    /// rest in their old order: `IPSTATS_MIB_*` renumbered ("snmp: reorder" of the uapi
    /// enum).
    IpstatsMibFastPathFirst,
    /// The RTM_NEWADDR / RTM_DELADDR paths of IPv6 addresses (and `ipv6_add_addr`) give
    /// ext-ack messages for their errors ("ipv6: Unable to find the interface", "ipv6: address
    /// already assigned", "ipv6: Invalid prefix length", ...); before, the bare errno.
    Ipv6AddrExtackMessages,
    /// `inet6_dump_addr` walks the devices under RCU and returns its error: the chunk with
    /// the last addresses also carries NLMSG_DONE ("ipv6: convert inet6_dump_addr() to RCU");
    /// before, each chunk returned its length and DONE came alone.
    Inet6DumpAddrRcu,
    /// `ip6addrlbl_dump` walks the table under RCU and returns its error, so the last chunk
    /// carries NLMSG_DONE; before, it returned its length and DONE came alone.
    Ip6AddrlblDumpRcu,
    /// `rtnl_net_dumpid` walks the namespace ids under RCU and returns its error, so the last
    /// chunk carries NLMSG_DONE; before, it returned its length and DONE came alone.
    RtnlNetDumpidRcu,
    /// RTM_NEWADDR checks an IFA_CACHEINFO's lifetimes first, before the device is looked up,
    /// for new and changed addresses alike ("ipv6: Move lifetime validation to
    /// inet6_rtm_newaddr()."); before, `inet6_addr_add` checked them after the prefix length
    /// and `inet6_addr_modify` without a message.
    Ipv6NewaddrLifetimeFirst,
    // bridge
    /// IFLA_BRPORT_MAB in a port's attributes, after IFLA_BRPORT_LOCKED ("bridge: Add MAC
    /// Authentication Bypass (MAB) support").
    BrPortMab,
    /// IFLA_BRPORT_MCAST_N_GROUPS and IFLA_BRPORT_MCAST_MAX_GROUPS in a port's attributes,
    /// after IFLA_BRPORT_MCAST_EHT_HOSTS_CNT ("net: bridge: Add netlink knobs for number /
    /// maximum MDB entries").
    BrPortMcastMaxGroups,
    /// Per-VLAN neighbour suppression: IFLA_BRPORT_NEIGH_VLAN_SUPPRESS in a port's attributes
    /// (after IFLA_BRPORT_MAB) and BRIDGE_VLANDB_ENTRY_NEIGH_SUPPRESS in a VLAN's options
    /// ("bridge: Add per-{Port, VLAN} neighbor suppression").
    BrNeighVlanSuppress,
    /// IFLA_BR_FDB_N_LEARNED and IFLA_BR_FDB_MAX_LEARNED in a bridge's attributes, after
    /// IFLA_BR_MULTI_BOOLOPT ("net: bridge: Add netlink knobs for number / max learned FDB
    /// entries").
    BrFdbMaxLearned,
    /// BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION, a fourth bridge boolean option: the
    /// IFLA_BR_MULTI_BOOLOPT mask is 0x0f ("net: bridge: mcast: Notify on mdb offload
    /// failure").
    BrBooloptMdbOffloadFailNotification,
    /// BR_BOOLOPT_FDB_LOCAL_VLAN_0, a fifth one: mask 0x1f ("net: bridge: Introduce UAPI for
    /// BR_BOOLOPT_FDB_LOCAL_VLAN_0").
    BrBooloptFdbLocalVlan0,
    /// `br_fdb_delete` with NDA_VLAN looks the entry up whatever the port's (or bridge's)
    /// VLANs (ENOENT when missing) instead of refusing a VLAN it lacks with EINVAL ("bridge:
    /// Allow deleting FDB entries with non-existent VLAN").
    BrFdbDelAnyVlan,
    /// `br_vlan_can_enter_range` refuses a range ending at the PVID as well as the PVID
    /// itself, so the RTM_GETVLAN dump gives the PVID an entry of its own; before, only the
    /// VLAN being the PVID was refused, the next id joined the PVID's range and, the range
    /// end being left out of a PVID's entry, went missing from the dump (the bridge's fix of
    /// its VLAN dump for a PVID followed by the next id, taken into the stable trees).
    BrVlanRangeEndPvid,
    /// IFLA_BR_STP_MODE in a bridge's attributes, after IFLA_BR_FDB_MAX_LEARNED (the change
    /// that added `enum br_stp_mode` and IFLA_BR_STP_MODE).
    BrStpMode,
    /// IFLA_BR_MULTI_BOOLOPT with a mask bit beyond the release's options is EINVAL "Unknown
    /// boolean option N" before any option is applied (earlier releases ignore such bits).
    BrBooloptRejectUnknown,
    /// IFLA_BRPORT_NEIGH_FORWARD_GRAT in a port's attributes (after
    /// IFLA_BRPORT_NEIGH_VLAN_SUPPRESS) and BRIDGE_VLANDB_ENTRY_NEIGH_FORWARD_GRAT in a VLAN's
    /// options (the change that added BR_NEIGH_FORWARD_GRAT).
    BrNeighForwardGrat,
    /// A bridge computes its features from its ports with the common upper-device helper at
    /// the end of adding or removing a port, which announces them (NETDEV_FEAT_CHANGE) every
    /// time, not only when they changed ("net: add a common function to compute features for
    /// upper devices" and its use by the bridge).
    BrCommonUpperFeatures,
    /// IFLA_BRPORT_BACKUP_NHID: a port's attributes have it when a backup nexthop is set (never
    /// in the model), and the size a PF_BRIDGE message is allocated for counts it ("bridge:
    /// Add backup nexthop ID support").
    BrBackupNhid,
    /// RTM_NEWADDR and RTM_DELADDR for IPv4 explain their errors in the ext-ack ("ipv4: Invalid
    /// prefix length", "ipv4: Address already assigned", ...), and a replaced address takes
    /// the request's IFA_PROTO ("ipv4: Add extack message for invalid prefix or local address"
    /// and its series, with "ipv4: Set ifa_proto on address update").
    DevinetAddrExtack,
    /// RTM_NEWADDR checks the lifetimes of IFA_CACHEINFO with the rest of the request, before
    /// the device is looked up, and acknowledges a 0.0.0.0 local address there ("ipv4:
    /// Factorise RTM_NEWADDR validation to inet_validate_rtm()", in the per-namespace RTNL
    /// series); before, the device came first.
    InetValidateRtm,
    /// `inet_dump_ifaddr` walks devices by ifindex under RCU and returns its error, registered
    /// with RTNL_FLAG_DUMP_SPLIT_NLM_DONE ("inet: convert inet_dump_ifaddr() to RCU
    /// protection", "inet: bring NLM_DONE out to a separate recv() again"); before, it
    /// returned the length written.
    InetDumpIfaddrRcu,
    // IPv4 routes
    /// `inet_dump_fib` returns the error of the table it stopped in (0 when everything fit)
    /// and is registered with RTNL_FLAG_DUMP_SPLIT_NLM_DONE ("ipv4: use RCU protection in
    /// inet_dump_fib()", "inet: bring NLM_DONE out to a separate recv() again"); before, it
    /// returned the chunk's length when it held anything.
    InetDumpFibRcu,
    /// RTA_FLOWLABEL (31) is the last route attribute, so `rtm_ipv4_policy` reaches it (an
    /// IPv4 dump request carrying it is "Unsupported attribute in dump request" rather than
    /// an unknown attribute).
    RtaFlowlabel,
    /// The netconf dumps walk the devices by ifindex (`for_each_netdev_dump`) and return the
    /// fill's error, so NLMSG_DONE may share the last chunk ("inet: use xa_array iterator to
    /// implement inet_netconf_dump_devconf()" and its IPv6 twin); before, they walked the
    /// index hash's buckets, checked consistency per message and returned the chunk's length
    /// (NLMSG_DONE alone).
    NetconfDumpByIfindex,
    /// The IPv4 netconf get runs under RCU and answers ENODEV for a device it cannot find
    /// ("inet: use RCU in inet_netconf_get_devconf()"); before, EINVAL.
    InetNetconfGetRcu,
    /// IPv4 values set through IFLA_AF_SPEC go through `devinet_conf_post_set`, as the sysctls
    /// do: a changed rp_filter, proxy_arp, ignore_routes_with_linkdown or forwarding is
    /// announced to RTNLGRP_IPV4_NETCONF; before, the netlink path set them silently.
    InetSetLinkAfNetconf,
    /// `inet6_dump_fib` walks under RCU and returns 1 or 0, registered with
    /// RTNL_FLAG_DUMP_SPLIT_NLM_DONE ("ipv6: use RCU in inet6_dump_fib()", "inet: bring
    /// NLM_DONE out to a separate recv() again"; in 6.12's and 7.3's ip6_fib.c, not in
    /// 6.1's, which returns the length written): NLMSG_DONE comes alone after an IPv6 route
    /// dump either way.
    Inet6DumpFibSplitNlmDone,
    /// `inet6_dump_ifinfo` (RTM_GETLINK for PF_INET6) walks the devices by ifindex
    /// (`for_each_netdev_dump`) and returns the fill's error, so NLMSG_DONE may share the last
    /// chunk ("ipv6: use xarray iterator to implement inet6_dump_ifinfo()"); before, it walked
    /// the index hash's buckets and returned the chunk's length (NLMSG_DONE alone).
    Inet6DumpIfinfoByIfindex,
    /// A multicast group's address message (RTM_GETMULTICAST, and the multicast address
    /// notifications where a release has them) carries IFA_MC_USERS, the group's user count,
    /// after IFA_MULTICAST (IFA_MAX 12).
    IfaMcUsers,
    /// PF_INET has an RTM_GETMULTICAST dump (`inet_dump_ifmcaddr`: the IPv4 groups each
    /// device joined, through `inet_dump_addr`); before, the request had no handler
    /// (EOPNOTSUPP).
    InetDumpIfmcaddr,
    /// A device's multicast groups joined and left are announced (RTM_NEWMULTICAST,
    /// RTM_DELMULTICAST) to RTNLGRP_IPV4_MCADDR and RTNLGRP_IPV6_MCADDR
    /// (`inet_ifmcaddr_notify`, `inet6_ifmcaddr_notify`); before, nothing was sent to them.
    McaddrNotify,
    /// RTA_DEL_REASON (why the kernel deleted a route) after RTA_FLOWLABEL: RTA_MAX 32, so a
    /// strict route dump request with attribute 32 is "Unsupported attribute", not unknown.
    RtaDelReason,
    /// RTAX_FEATURE_TCP_USEC_TS in RTAX_FEATURE_MASK: an RTAX_FEATURES metric may carry bit 4
    /// ("tcp: add RTAX_FEATURE_TCP_USEC_TS"); before, "Unknown flag set in feature mask".
    RtaxFeatureTcpUsecTs,
    /// `ip_metrics_convert` refuses RTAX_LOCK with the CWND bit and no RTAX_CWND value
    /// ("Locked cwnd metric must be non zero"); before, it was taken.
    MetricsLockedCwndNonZero,
    /// `fib_select_multipath` prefers a next hop whose source address is the flow's (a score:
    /// the source counts above the hash) and skips dead ones by their upper bound ("ipv4:
    /// prefer multipath nexthop that matches source address"); before, the hash alone chose.
    FibMultipathSaddr,
    /// `rtm_to_fib6_config` refuses a route request with `rtm_tos` ("Invalid dsfield (tos):
    /// option not available for IPv6"); before, IPv6 ignored it.
    Fib6RejectTos,
    /// `rtm_to_fib6_config` checks an RTA_MULTIPATH before anything is made
    /// (`rtm_to_fib6_multipath_config`): no valid next hop ("Invalid nexthop configuration -
    /// no valid nexthops") and a short RTA_GATEWAY in a next hop are EINVAL for RTM_NEWROUTE
    /// and RTM_DELROUTE, a next hop without a gateway ("Device only routes can not be added
    /// for IPv6 using the multipath API.") for RTM_NEWROUTE; before, `ip6_route_multipath_add`
    /// found those while making the next hops one by one (a device-only one after making it,
    /// so its device's errors came first) and `ip6_route_multipath_del` skipped a bad one
    /// ("ipv6: Move some validation from ip6_route_info_create() to rtm_to_fib6_config()" and
    /// "ipv6: Check GATEWAY in rtm_to_fib6_multipath_config()").
    Fib6MultipathConfigValidate,
    /// A route through the loopback is an ordinary route (its device must be up); before,
    /// `fib6_is_reject` turned every route through the loopback but those of loopback, local
    /// and anycast addresses into a reject route, with no check of the device.
    Fib6LoopbackRouteNotReject,
    /// `neigh_dump_info` returns the last table's error (0 when everything fit), so NLMSG_DONE
    /// ends the last chunk; before, it returned the chunk's length and DONE came alone.
    NeighDumpReturnsError,
    /// NDTPA_INTERVAL_PROBE_TIME_MS is range-checked (1 ms to a day: ERANGE "integer out of
    /// range" outside); before, its policy's `.min = 1` had no validation type and nothing
    /// was checked.
    NeighParmMsRange,
    // routing rules
    /// `fib_nl_dumprule` returns the error of the last family's dump (0 when everything fit),
    /// so NLMSG_DONE ends the last chunk; before, it returned the chunk's length and DONE came
    /// alone (the change that let RTM_GETRULE dump without RTNL, RTNL_FLAG_DUMP_UNLOCKED).
    FibNlDumpruleReturnsError,
    /// FRA_DSCP: a DSCP selector in rule requests and messages (`dscp_full`), strictly
    /// validated (at most 63), exclusive with `tos` ("net: fib_rules: Add DSCP selector
    /// attribute"); FRA_MAX grows to 25.
    FibRuleDscp,
    /// FRA_FLOWLABEL and FRA_FLOWLABEL_MASK: an IPv6 flow label selector, refused by IPv4
    /// ("net: fib_rules: Add flow label selector attributes"); FRA_MAX 27.
    FibRuleFlowlabel,
    /// FRA_SPORT_MASK and FRA_DPORT_MASK: a single port gets mask 0xffff, shown in messages
    /// ("net: fib_rules: Add port mask attributes"); FRA_MAX 29.
    FibRulePortMask,
    /// FRA_DSCP_MASK: a DSCP rule shows its mask, 0x3f unless narrowed ("net: fib_rules: Add
    /// DSCP mask attribute"); FRA_MAX 30.
    FibRuleDscpMask,
    /// `fib_nl2rule` split in two, the part under the family's lock (`fib_nl2rule_locked`:
    /// the default priority, the backward goto check, the device lookups) after every other
    /// check ("fib: rules: Split fib_nl2rule()"); before, a backward goto was refused as soon
    /// as FRA_GOTO was read.
    FibNl2ruleLocked,
    /// The MDB messages are rtnetlink's (`rtnl_mdb_dump`, `rtnl_mdb_add`, `rtnl_mdb_del`
    /// registered by `rtnetlink_init`, validating the entry in their policies and handing it
    /// to the device's `ndo_mdb_*`), no longer the bridge module's own `br_mdb_dump`,
    /// `br_mdb_add` and `br_mdb_del` ("rtnetlink: bridge: mcast: Move MDB handlers out of
    /// bridge driver").
    RtnlMdbHandlers,
    /// RTM_GETMDB without NLM_F_DUMP gets one entry (`rtnl_mdb_get`, `br_mdb_get`) ("bridge:
    /// mcast: Add MDB get support").
    MdbGet,
    /// RTM_DELMDB with NLM_F_BULK flushes the entries that match (`br_mdb_del_bulk`)
    /// ("bridge: mdb: Add MDB bulk deletion support").
    MdbBulkDel,
    /// `br_mdb_fill_info` writes a bridge's MDBA_MDB whether or not multicast snooping is on;
    /// before, a bridge with snooping off got no MDBA_MDB in the dump ("bridge: mcast: Dump
    /// MDB entries even when snooping is disabled", b9109b5b77f0).
    MdbDumpSnoopingDisabled,
    /// RTM_NEWMDB and RTM_DELMDB are checked through `struct br_mdb_config`
    /// (`br_mdb_config_init`: the bridge's state and the entry's port before the entry's
    /// attributes) instead of `br_mdb_parse` (the request and the entry first, with the
    /// bridge module's own messages) ("bridge: mcast: Remove br_mdb_parse()", 3ee5662345f2,
    /// and the EVPN preparation series around it).
    BrMdbConfig,
    /// Nexthop group statistics: NHA_OP_FLAGS in RTM_GETNEXTHOP's get and dump policies
    /// (asking for NHA_GROUP_STATS and the hardware counters), NHA_HW_STATS_ENABLE in
    /// RTM_NEWNEXTHOP's ("net: nexthop: Add nexthop group entry stats", "net: nexthop: Add
    /// hardware statistics notifications" series; in 6.12's source, not in 6.1's).
    NexthopGroupStats,
    /// A group's statistics carry NHA_HW_STATS_ENABLE once; before, `nla_put_nh_group` wrote
    /// it too, just ahead of `nla_put_nh_group_stats`'s (twice in a row).
    NexthopHwStatsEnableOnce,
    /// A group's message carries NHA_OP_FLAGS with NHA_OP_FLAG_RESP_GRP_RESVD_0, telling that
    /// the entries' reserved bytes are cleared ("net: nexthop: Initialize all fields in dumped
    /// nexthops"; in 6.12's source, not in 6.1's).
    NexthopDumpClearsResvd,
    /// RTM_NEWNEXTHOP checks the group's members and the device only after the request
    /// itself, "Replace requires nexthop id" included (`rtm_to_nh_config_rtnl`, "nexthop:
    /// Convert RTM_NEWNEXTHOP to per-netns RTNL"); before, they were checked in
    /// `rtm_to_nh_config` as each attribute was read, and the id in `nexthop_add`.
    NexthopConfigRtnl,
    /// NHA_DST_PORT: an FDB nexthop with a gateway may carry a UDP destination port ("nexthop:
    /// Add NHA_DST_PORT"; in 7.3's source, not in 6.12's).
    NexthopDstPort,
}

impl Feature {
    /// Every feature, in declaration order.
    pub const ALL: &'static [Feature] = &[
        Feature::NeighExtValidated,
        Feature::FdbFlagsExt,
        Feature::NeighGetEarlyChecks,
        Feature::IflaDevlinkPort,
        Feature::IflaGsoGroIpv4MaxSize,
        Feature::IflaDpllPin,
        Feature::IflaMaxPacingOffloadHorizon,
        Feature::IflaNetnsImmutable,
        Feature::DevChangeNetNamespaceExtack,
        Feature::IflaHeadroomTailroom,
        Feature::IflaTxqlenRange,
        Feature::RtnlFillIfinfoUnderRcu,
        Feature::RtextFilterNameOnly,
        Feature::RtextFilterSkipStats,
        Feature::Ipv6TempValidLft2Days,
        Feature::IfbBigTcp,
        Feature::GenlSplitOps,
        Feature::GenlPolicyDumpRealCmd,
        Feature::RtnlDeleteLinkEcho,
        Feature::RtnlNewlinkCreateEcho,
        Feature::RtnlNotifyStampOnlyEcho,
        Feature::RtnlGsoChecksInValidateLinkmsg,
        Feature::NetlinkDumpEmsgsizeInCore,
        Feature::NetlinkDumpDoneFullExtack,
        Feature::NoopQdiscCountsTxDropped,
        Feature::RtnlNewlinkValidateOnce,
        Feature::DevLiveRename,
        Feature::RtnlGetlinkSyncsLinkwatch,
        Feature::InetDevconfPolicy,
        Feature::SkbSmallHeadCache,
        Feature::LinkwatchLowerLayerDownOnlyIfLowerDown,
        Feature::Ipv6OutTransmits,
        Feature::IpstatsMibFastPathFirst,
        Feature::Ipv6AddrExtackMessages,
        Feature::Inet6DumpAddrRcu,
        Feature::Ip6AddrlblDumpRcu,
        Feature::RtnlNetDumpidRcu,
        Feature::Ipv6NewaddrLifetimeFirst,
        Feature::BrPortMab,
        Feature::BrPortMcastMaxGroups,
        Feature::BrNeighVlanSuppress,
        Feature::BrFdbMaxLearned,
        Feature::BrBooloptMdbOffloadFailNotification,
        Feature::BrBooloptFdbLocalVlan0,
        Feature::BrFdbDelAnyVlan,
        Feature::BrVlanRangeEndPvid,
        Feature::BrStpMode,
        Feature::BrBooloptRejectUnknown,
        Feature::BrNeighForwardGrat,
        Feature::BrCommonUpperFeatures,
        Feature::BrBackupNhid,
        Feature::DevinetAddrExtack,
        Feature::InetValidateRtm,
        Feature::InetDumpIfaddrRcu,
        Feature::InetDumpFibRcu,
        Feature::RtaFlowlabel,
        Feature::NetconfDumpByIfindex,
        Feature::InetNetconfGetRcu,
        Feature::InetSetLinkAfNetconf,
        Feature::Inet6DumpFibSplitNlmDone,
        Feature::Inet6DumpIfinfoByIfindex,
        Feature::IfaMcUsers,
        Feature::InetDumpIfmcaddr,
        Feature::McaddrNotify,
        Feature::RtaDelReason,
        Feature::RtaxFeatureTcpUsecTs,
        Feature::MetricsLockedCwndNonZero,
        Feature::FibMultipathSaddr,
        Feature::Fib6RejectTos,
        Feature::Fib6MultipathConfigValidate,
        Feature::Fib6LoopbackRouteNotReject,
        Feature::NeighDumpReturnsError,
        Feature::NeighParmMsRange,
        Feature::FibNlDumpruleReturnsError,
        Feature::FibRuleDscp,
        Feature::FibRuleFlowlabel,
        Feature::FibRulePortMask,
        Feature::FibRuleDscpMask,
        Feature::FibNl2ruleLocked,
        Feature::RtnlMdbHandlers,
        Feature::MdbGet,
        Feature::MdbBulkDel,
        Feature::MdbDumpSnoopingDisabled,
        Feature::BrMdbConfig,
        Feature::NexthopGroupStats,
        Feature::NexthopHwStatsEnableOnce,
        Feature::NexthopDumpClearsResvd,
        Feature::NexthopConfigRtnl,
        Feature::NexthopDstPort,
    ];
}

/// Where a feature is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Availability {
    /// The feature.
    pub feature: Feature,
    /// The first mainline release (major, minor) that has it.
    pub mainline: (u32, u32),
    /// Stable releases (major, minor, point) of older series that got it: from that point on
    /// within the series.
    pub backports: &'static [(u32, u32, u32)],
}

/// Every feature's availability.
pub const FEATURES: &[Availability] = &[
    Availability {
        // Upstream in 6.10 (Petr Machata's nexthop statistics series); absent from 6.1's
        // source, present in 6.12's.
        feature: Feature::NexthopGroupStats,
        mainline: (6, 10),
        backports: &[],
    },
    Availability {
        // As the recordings show it: Debian's 6.17.13 and 6.18.15 write NHA_HW_STATS_ENABLE
        // twice in a group's statistics, this machine's 6.18.44 and Debian's 6.12.118 and
        // 7.3.4 once (the 6.12.118 and 7.3.4 trees too). A fix after 6.18 (taken as 6.19)
        // with stable backports; the first points seen with it are named, the exact ones are
        // not known.
        feature: Feature::NexthopHwStatsEnableOnce,
        mainline: (6, 19),
        backports: &[(6, 18, 44), (6, 12, 118)],
    },
    Availability {
        // Upstream in 6.10 (a fix to the statistics series of the same release); absent from
        // 6.1's source, present in 6.12's.
        feature: Feature::NexthopDumpClearsResvd,
        mainline: (6, 10),
        backports: &[],
    },
    Availability {
        // Upstream in 6.15 (the per-netns RTNL conversion of nexthop.c); absent from 6.12's
        // source, present in 7.3's and in this machine's 6.18 (the order of its answers).
        feature: Feature::NexthopConfigRtnl,
        mainline: (6, 15),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not in 6.12's; this machine's 6.18 refuses the attribute as
        // unknown, so after 6.18.
        feature: Feature::NexthopDstPort,
        mainline: (6, 19),
        backports: &[],
    },
    Availability {
        // Upstream in 6.2 (locked FDB entries for MAC authentication bypass); absent from a
        // 6.1-based tree, present in 6.18's source.
        feature: Feature::FdbFlagsExt,
        mainline: (6, 2),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not in 6.12's; upstream in 6.17 (the series adding externally
        // validated neighbours), present in this machine's 6.18.
        feature: Feature::NeighExtValidated,
        mainline: (6, 17),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not in 6.12's; upstream in 6.16 (RTM_GETNEIGH under RCU), present
        // in this machine's 6.18.
        feature: Feature::NeighGetEarlyChecks,
        mainline: (6, 16),
        backports: &[],
    },
    Availability {
        feature: Feature::IflaDevlinkPort,
        mainline: (6, 2),
        backports: &[],
    },
    Availability {
        feature: Feature::IflaGsoGroIpv4MaxSize,
        mainline: (6, 3),
        backports: &[],
    },
    Availability {
        feature: Feature::IflaDpllPin,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        feature: Feature::IflaMaxPacingOffloadHorizon,
        mainline: (6, 13),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source, in 6.12's (upstream in 6.7, with IFLA_NEW_IFINDEX's checks).
        feature: Feature::DevChangeNetNamespaceExtack,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        feature: Feature::IflaNetnsImmutable,
        mainline: (6, 13),
        backports: &[],
    },
    Availability {
        feature: Feature::IflaHeadroomTailroom,
        mainline: (6, 18),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not in 6.18.44's behaviour; Debian's 6.12 changelog lists it in
        // 6.12.111.
        feature: Feature::IflaTxqlenRange,
        mainline: (7, 3),
        backports: &[(6, 12, 111)],
    },
    Availability {
        // Not in 6.1's source, in 6.12's; upstream in 6.9.
        feature: Feature::RtnlFillIfinfoUnderRcu,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not in 6.18.44's behaviour.
        feature: Feature::RtextFilterNameOnly,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not in 6.18.44's behaviour.
        feature: Feature::RtextFilterSkipStats,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // TEMP_VALID_LIFETIME in 7.3's source; a week on 6.18.44.
        feature: Feature::Ipv6TempValidLft2Days,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // In 7.3's source and on 6.17.13 and 6.18.44, not in 6.12's source.
        feature: Feature::IfbBigTcp,
        mainline: (6, 17),
        backports: &[],
    },
    Availability {
        // 6.1's genetlink has one operation per command, 6.12's split ones.
        feature: Feature::GenlSplitOps,
        mainline: (6, 2),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not on 6.18.44; Debian's 6.12 changelog lists it in 6.12.112.
        feature: Feature::GenlPolicyDumpRealCmd,
        mainline: (7, 3),
        backports: &[(6, 12, 112)],
    },
    Availability {
        // Debian's 6.1 changelog lists it in 6.1.168.
        feature: Feature::RtnlDeleteLinkEcho,
        mainline: (6, 3),
        backports: &[(6, 1, 168)],
    },
    Availability {
        // Not in 6.1.192's source.
        feature: Feature::RtnlNewlinkCreateEcho,
        mainline: (6, 3),
        backports: &[],
    },
    Availability {
        // In 6.12's source; 6.1.192's stamps every notification that answers a request.
        feature: Feature::RtnlNotifyStampOnlyEcho,
        mainline: (6, 3),
        backports: &[],
    },
    Availability {
        // Upstream in 6.4, backported to 6.3.7; not in 6.1.192's source.
        feature: Feature::RtnlGsoChecksInValidateLinkmsg,
        mainline: (6, 4),
        backports: &[(6, 3, 7)],
    },
    Availability {
        // Not in 6.1.192's source (hash buckets, skb->len), in 6.12's; upstream with the
        // RTNL-free dumps of early 2024 (6.9, not checked against a 6.9 tree: no profile lies
        // between 6.1 and 6.12, so the exact release changes no answer).
        feature: Feature::NetconfDumpByIfindex,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // EINVAL in 6.1.192's source and on Debian's 6.1 under qemu, ENODEV in 6.12's; the
        // series that converted the netconf dump to the ifindex walk (6.9).
        feature: Feature::InetNetconfGetRcu,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // Not on 6.18 (6.18.44 here and Debian's 6.18.15 set silently), in 7.3's source and
        // on Debian's 7.3.4 under qemu; no modeled release in between.
        feature: Feature::InetSetLinkAfNetconf,
        mainline: (6, 19),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source, in 6.12's.
        feature: Feature::NetlinkDumpEmsgsizeInCore,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source (netlink_dump_done puts NLMSGERR_ATTR_MSG alone), in 6.12's
        // (netlink_ack_tlv_fill); the series after 6.1, first seen here in 6.12.
        feature: Feature::NetlinkDumpDoneFullExtack,
        mainline: (6, 2),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source (noop_enqueue only drops), in 6.12's
        // (dev_core_stats_tx_dropped_inc); first seen here in 6.12, seen live on 6.12.118,
        // 6.17.13, 6.18.15, 6.18.44 and 7.3.4.
        feature: Feature::NoopQdiscCountsTxDropped,
        mainline: (6, 12),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source, in 6.12's; the follow-up came after 6.4's fixes.
        feature: Feature::RtnlNewlinkValidateOnce,
        mainline: (6, 5),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source, in 6.12's.
        feature: Feature::DevLiveRename,
        mainline: (6, 2),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source, in 6.12's.
        feature: Feature::RtnlGetlinkSyncsLinkwatch,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source (ndisc and mcast count IPSTATS_MIB_OUT), in 6.12's.
        feature: Feature::Ipv6OutTransmits,
        mainline: (6, 3),
        backports: &[],
    },
    Availability {
        // Not in 6.12.118's source; in 7.3's, and observed on 6.17.13, 6.18.15 and 6.18.44
        // (their recordings of veth_pair_up_eui64_ipv6_traffic: IFLA_INET6_STATS after
        // traffic); first seen here in 6.17.
        feature: Feature::IpstatsMibFastPathFirst,
        mainline: (6, 17),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not in 6.18's behaviour.
        feature: Feature::InetDevconfPolicy,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // Upstream in 6.3; not in 6.1.192's source.
        feature: Feature::SkbSmallHeadCache,
        mainline: (6, 3),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source, in 6.12's.
        feature: Feature::Ipv6AddrExtackMessages,
        mainline: (6, 3),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source (returns skb->len), in 6.12's; upstream in 6.9.
        feature: Feature::Inet6DumpAddrRcu,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source (returns skb->len), in 6.12's (RTNL_FLAG_DUMP_UNLOCKED); the
        // RTNL-free dumps of early 2024 (6.9, not checked against a 6.9 tree: no profile lies
        // between 6.1 and 6.12).
        feature: Feature::Ip6AddrlblDumpRcu,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source (returns skb->len), in 6.12's (returns its error); one of the
        // same RTNL-free dumps of early 2024 as Ip6AddrlblDumpRcu (6.9, not checked against a
        // 6.9 tree).
        feature: Feature::RtnlNetDumpidRcu,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not in 6.12.118's; upstream in 6.14 (the per-namespace RTNL
        // series).
        feature: Feature::Ipv6NewaddrLifetimeFirst,
        mainline: (6, 14),
        backports: &[],
    },
    // bridge
    Availability {
        // Not in 6.1's source, in 6.12's.
        feature: Feature::BrPortMab,
        mainline: (6, 2),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source, in 6.12's.
        feature: Feature::BrPortMcastMaxGroups,
        mainline: (6, 3),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source, in 6.12's.
        feature: Feature::BrNeighVlanSuppress,
        mainline: (6, 4),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source, in 6.12's.
        feature: Feature::BrFdbMaxLearned,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        // Mask 0x07 in 6.12's source, 0x0f on 6.17.13.
        feature: Feature::BrBooloptMdbOffloadFailNotification,
        mainline: (6, 16),
        backports: &[],
    },
    Availability {
        // Mask 0x0f on 6.17.13, 0x1f on 6.18.
        feature: Feature::BrBooloptFdbLocalVlan0,
        mainline: (6, 18),
        backports: &[],
    },
    Availability {
        // The check is in 6.12's source, gone from 7.3's; seen live on 6.18.44 (ENOENT for a
        // VLAN the port lacks) and under qemu on Debian's 6.17.13, 6.18.15 and 7.3.4 (an
        // NDA_VLAN the port no longer has deleted, bridge_vlan_afspec_setlink_dellink), while
        // 6.1.192 and 6.12.118 answer EINVAL: first seen here in 6.17.
        feature: Feature::BrFdbDelAnyVlan,
        mainline: (6, 17),
        backports: &[],
    },
    Availability {
        // Both PVID checks in br_vlan_can_enter_range in the sources of 6.1.192, 6.12 and
        // 7.3 (and dumps to match under qemu on Debian's 6.1.192, 6.12.118 and 7.3.4, a PVID
        // followed by the next id in bridge_vlan_rtm_getvlan_dump); Debian's 6.17.13 and
        // 6.18.15 fold the next id into the PVID's entry, as the dump loop's own PVID check
        // alone (the older code) does: a fix taken into the stable trees after those point
        // releases. Neither its mainline release nor each tree's first point release with it
        // is at hand: the releases seen are where it is known from.
        feature: Feature::BrVlanRangeEndPvid,
        mainline: (7, 3),
        backports: &[(6, 1, 192), (6, 12, 118)],
    },
    Availability {
        // Not in 6.1's source, in 6.12's; the release in between that brought it is not
        // pinned down (no modeled release lies between them).
        feature: Feature::BrBooloptRejectUnknown,
        mainline: (6, 12),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not on 6.18.
        feature: Feature::BrStpMode,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // In 7.3's source, not on 6.18.
        feature: Feature::BrNeighForwardGrat,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // netdev_compute_master_upper_features in 7.3's source, netdev_update_features in
        // 6.12's and on 6.18.
        feature: Feature::BrCommonUpperFeatures,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source, in 6.12's.
        feature: Feature::BrBackupNhid,
        mainline: (6, 6),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source, in 6.12's; upstream in 6.7.
        feature: Feature::LinkwatchLowerLayerDownOnlyIfLowerDown,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        feature: Feature::DevinetAddrExtack,
        mainline: (6, 3),
        backports: &[],
    },
    Availability {
        feature: Feature::InetValidateRtm,
        mainline: (6, 14),
        backports: &[],
    },
    Availability {
        feature: Feature::InetDumpIfaddrRcu,
        mainline: (6, 10),
        backports: &[],
    },
    Availability {
        // 6.1.192's `inet_dump_fib` returns skb->len and registers with no flag; 6.12's
        // returns the error with RTNL_FLAG_DUMP_UNLOCKED | RTNL_FLAG_DUMP_SPLIT_NLM_DONE,
        // the pair of changes of 6.10 that the address dump's feature also names.
        feature: Feature::InetDumpFibRcu,
        mainline: (6, 10),
        backports: &[],
    },
    Availability {
        // Not in 6.12's uapi (RTA_MAX is RTA_NH_ID), in 7.3's; the reference 6.18.44 kernel
        // answers a dump request with attribute 31 as the policy's (see
        // ipv4_routes_dump_requests.jsonl). "ipv6: Add RTA_FLOWLABEL" came in 6.15 (upper
        // bound checked on 6.18).
        feature: Feature::RtaFlowlabel,
        mainline: (6, 15),
        backports: &[],
    },
    Availability {
        feature: Feature::Inet6DumpFibSplitNlmDone,
        mainline: (6, 10),
        backports: &[],
    },
    // routing rules
    Availability {
        // Not in 6.1.192's source (it returns skb->len), in 6.12's (with
        // RTNL_FLAG_DUMP_UNLOCKED); no modeled release lies between them, 6.9 is the
        // release the unlocked rtnetlink dumps came in.
        feature: Feature::FibNlDumpruleReturnsError,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source, in 6.12's.
        feature: Feature::FibRuleDscp,
        mainline: (6, 12),
        backports: &[],
    },
    Availability {
        // Not in 6.12.118's source, in 7.3's; its ext-ack messages are in Debian's 6.17.13
        // image, seen live on 6.18.44; upstream in 6.14 (no modeled release in between).
        feature: Feature::FibRuleFlowlabel,
        mainline: (6, 14),
        backports: &[],
    },
    Availability {
        // Not in 6.12.118's source, in 7.3's; its ext-ack messages are in Debian's 6.17.13
        // image, seen live on 6.18.44; upstream in 6.15 (no modeled release in between).
        feature: Feature::FibRulePortMask,
        mainline: (6, 15),
        backports: &[],
    },
    Availability {
        // Not in 6.12.118's source, in 7.3's; its ext-ack messages are in Debian's 6.17.13
        // image, seen live on 6.18.44; upstream in 6.15 (no modeled release in between).
        feature: Feature::FibRuleDscpMask,
        mainline: (6, 15),
        backports: &[],
    },
    Availability {
        // Not in 6.12.118's source, in 7.3's; on 6.18.44 an invalid uid range is reported
        // before a backward goto; upstream in 6.15 (per-netns RTNL for rules).
        feature: Feature::FibNl2ruleLocked,
        mainline: (6, 15),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source (br_mdb.c registers its own handlers), in 6.12's and 7.3's
        // (rtnetlink.c's rtnl_mdb_*); upstream with VXLAN's MDB (6.4).
        feature: Feature::RtnlMdbHandlers,
        mainline: (6, 4),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source, in 6.12's and 7.3's (rtnl_mdb_get, br_mdb_get); upstream in
        // 6.7 (the "Networking for 6.7" pull lists the MDB get series: "Support netlink GET
        // for MDB").
        feature: Feature::MdbGet,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        // Not in 6.1's source, in 6.12's and 7.3's (br_mdb_del_bulk); upstream 6.8.
        feature: Feature::MdbBulkDel,
        mainline: (6, 8),
        backports: &[],
    },
    Availability {
        // The snooping check is in 6.1's br_mdb_fill_info, gone from 6.12's and 7.3's; Debian's
        // 6.1.192 under qemu dumps a bridge with snooping off without MDBA_MDB. Commit
        // b9109b5b77f0, the first patch of the MDB get series, in the "Networking for 6.7"
        // pull.
        feature: Feature::MdbDumpSnoopingDisabled,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        // br_mdb_parse in 6.1's br_mdb.c, br_mdb_config_init in 6.12's; commit 3ee5662345f2,
        // in the "Networking for 6.2" pull ("Extensions for Ethernet VPN bridging").
        feature: Feature::BrMdbConfig,
        mainline: (6, 2),
        backports: &[],
    },
    Availability {
        // Not in 6.1.192's source (hash buckets, skb->len), in 6.12's and 7.3's; upstream in
        // the same RTNL-free dump series of early 2024 (6.9).
        feature: Feature::Inet6DumpIfinfoByIfindex,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // Not in 6.1's nor 6.12's source, nor in 6.18.44's answers (this machine); in 7.3's
        // source (inet6_fill_ifmcaddr, inet_fill_ifmcaddr). No tree between 6.18 and 7.3 is
        // at hand, so 7.3 is where it is known from.
        feature: Feature::IfaMcUsers,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // Not in 6.12's source (nor answered by Debian's 6.12.118 under qemu); Debian's
        // 6.17.13 answers it under qemu, as do 6.18 (here and Debian's) and 7.3. No tree
        // between 6.12 and 6.17 is at hand: 6.17 is where it is known from.
        feature: Feature::InetDumpIfmcaddr,
        mainline: (6, 17),
        backports: &[],
    },
    Availability {
        // Not in 6.12's source (nor sent by Debian's 6.12.118 under qemu); sent to a bound
        // listener by Debian's 6.17.13 under qemu, this machine's 6.18.44 and 7.3.4 (scenario
        // multicast_address_listeners_through_link_and_address_changes; an unbound listener
        // hears no notification at all, its portid 0 being the sender's). 6.17 is where it is
        // known from.
        feature: Feature::McaddrNotify,
        mainline: (6, 17),
        backports: &[],
    },
    Availability {
        // In 7.3's uapi, not in 6.12's; Debian's 6.17.13 and 6.18.15 under qemu and 6.18.44
        // here answer attribute 32 as unknown, 7.3.4 as unsupported. No tree in between.
        feature: Feature::RtaDelReason,
        mainline: (7, 3),
        backports: &[],
    },
    Availability {
        // In 6.12's uapi rtnetlink.h, not in 6.1's; the TCP usec timestamps series of 6.7.
        feature: Feature::RtaxFeatureTcpUsecTs,
        mainline: (6, 7),
        backports: &[],
    },
    Availability {
        // A fix of late 2025 and its stable backports, as the recordings show it: Debian's
        // 6.17.13 and 6.18.15 accept a locked cwnd of 0 (under qemu), this machine's 6.18.44,
        // Debian's 6.12.118 (its source tree too) and 7.3.4 refuse it, 6.1.192 accepts it (its
        // tree lacks it). So mainline after 6.18 (taken as 6.19) and backported to 6.18 between
        // .16 and .44 and to 6.12 by .118: the first points seen with it are named, the exact
        // ones are not known.
        feature: Feature::MetricsLockedCwndNonZero,
        mainline: (6, 19),
        backports: &[(6, 18, 44), (6, 12, 118)],
    },
    Availability {
        // In 7.3's fib_semantics.c, not in 6.12's; the reference 6.18.44 kernel answers 16 of
        // 16 `ip route get ... from` through a two-way multipath route with the next hop of
        // the source's device. Merged for 6.15 (not checked against a 6.13-6.17 tree).
        feature: Feature::FibMultipathSaddr,
        mainline: (6, 15),
        backports: &[],
    },
    Availability {
        // "ipv6: Reject routes configurations that specify dsfield (tos)", 6.15's net-next;
        // 6.18.44 here answers with its message, and so do Debian's 6.12.118 and 6.1.192 under
        // qemu (taken into those stable trees; their first point releases with it are not
        // known: the ones seen are where it is known from).
        feature: Feature::Fib6RejectTos,
        mainline: (6, 15),
        backports: &[(6, 1, 192), (6, 12, 118)],
    },
    Availability {
        // Kuniyuki Iwashima's series taking RTNL out of IPv6 route changes: in 7.3's source,
        // not in 6.12's; 6.18.44 here refuses a device-only next hop on a missing device with
        // the multipath message, not ENODEV, and a multipath delete without a valid next hop
        // with "no valid nexthops". 6.16 is the release the series is believed to have merged
        // for (no tree between 6.12 and 7.3 is at hand; Debian's 6.17.13 not yet asked).
        feature: Feature::Fib6MultipathConfigValidate,
        mainline: (6, 16),
        backports: &[],
    },
    Availability {
        // Seen on 6.18.44 here and under qemu on Debian's 7.3.4, 6.12.118 and 6.1.192 (a route
        // through lo that is down: "Nexthop device is not up"; up, `ip -6 route get` through
        // it answers); Debian's 6.18.15 and 6.17.13 still make it a reject route, as the 2025
        // source read does: a fix taken into the stable trees after those point releases.
        // Neither the mainline release nor the first point release of each tree is at hand:
        // the releases seen are where it is known from.
        feature: Feature::Fib6LoopbackRouteNotReject,
        mainline: (7, 3),
        backports: &[(6, 1, 192), (6, 12, 118), (6, 18, 44)],
    },
    Availability {
        // `return skb->len` in 6.1.192's source and on Debian's 6.1 under qemu, `return err`
        // in 6.12's; the unlocked rtnetlink dumps came in 6.9.
        feature: Feature::NeighDumpReturnsError,
        mainline: (6, 9),
        backports: &[],
    },
    Availability {
        // `.min = 1` without a type in 6.12's source, and 0 accepted by this machine's 6.18.44
        // and Debian's 6.18.15 and earlier under qemu; NLA_POLICY_FULL_RANGE in 7.3's source,
        // and Debian's 7.3.4 answers ERANGE. No tree between 6.18 and 7.3 is at hand.
        feature: Feature::NeighParmMsRange,
        mainline: (7, 3),
        backports: &[],
    },
];

impl Availability {
    /// Whether `release` has the feature.
    pub fn in_release(&self, release: &Release) -> bool {
        let (major, minor) = release.version;
        (major, minor) >= self.mainline
            || self
                .backports
                .iter()
                .any(|&(ma, mi, point)| (ma, mi) == (major, minor) && release.point >= point)
    }
}

/// A set of features: what one release has, computed once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FeatureSet(u128);

impl FeatureSet {
    /// The features `release` has.
    pub fn of(release: &Release) -> FeatureSet {
        let mut set = FeatureSet::default();
        for a in FEATURES {
            if a.in_release(release) {
                set.0 |= 1u128 << a.feature as u8;
            }
        }
        set
    }

    /// Whether the set holds `feature`.
    #[inline]
    pub fn has(self, feature: Feature) -> bool {
        self.0 & (1u128 << feature as u8) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_has_one_availability() {
        for f in Feature::ALL {
            assert_eq!(
                FEATURES.iter().filter(|a| a.feature == *f).count(),
                1,
                "{f:?}"
            );
        }
        assert_eq!(FEATURES.len(), Feature::ALL.len());
        assert!(Feature::ALL.len() <= 128, "FeatureSet holds 128");
    }

    #[test]
    fn backports_count_from_their_point_release() {
        let mut r = super::super::R6_12_118.clone();
        r.point = 110;
        assert!(!FeatureSet::of(&r).has(Feature::IflaTxqlenRange));
        r.point = 111;
        assert!(FeatureSet::of(&r).has(Feature::IflaTxqlenRange));
        assert!(!FeatureSet::of(&super::super::R6_18_44).has(Feature::IflaTxqlenRange));
        assert!(FeatureSet::of(&super::super::R6_18_44).has(Feature::IflaHeadroomTailroom));
        assert!(!FeatureSet::of(&super::super::R6_17_13).has(Feature::IflaHeadroomTailroom));
    }
}
