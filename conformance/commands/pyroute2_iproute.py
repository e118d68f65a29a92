"""pyroute2's IPRoute as a program uses it: a veth pair, addresses, a route through a gateway, a
neighbour, then its dumps and deletions. Waits for the pair's operational state to settle
(polling, as a program that needs the link up would) so the kernel's deferred link work has run
before anything depends on it. Then pyroute2's default monitor (`IPRoute().bind()`: every
group, RTNLGRP_MDB among them) over a second veth pair's changes while it stays down. Run by
pyroute2_iproute.sh."""

import signal
import sys
import time

from pyroute2 import IPRoute


def until_deleted(mon, names):
    """The monitor's messages up to the RTM_DELLINK of every name in `names`."""
    out, left = [], set(names)
    signal.alarm(10)
    while left:
        for m in mon.get():
            out.append(m)
            if m["event"] == "RTM_DELLINK":
                left.discard(m.get_attr("IFLA_IFNAME"))
    signal.alarm(0)
    return out


def settle(ip, index):
    # A pause first: the kernel's link work runs on a worker, which a loaded machine delays,
    # and every extra poll would be an extra request in this process's exchange, compared
    # call for call with the model's (where the work has run when the request returns).
    time.sleep(0.3)
    for _ in range(200):
        if ip.get_links(index)[0].get_attr("IFLA_OPERSTATE") == "UP":
            return
        time.sleep(0.01)
    raise SystemExit(f"link {index} never came up")


MAC_A, MAC_B = sys.argv[1:3]

with IPRoute() as ip:
    ip.link("add", ifname="va", kind="veth", peer={"ifname": "vb"})
    a = ip.link_lookup(ifname="va")[0]
    b = ip.link_lookup(ifname="vb")[0]
    ip.link("set", index=a, address=MAC_A, state="up")
    ip.link("set", index=b, address=MAC_B, state="up")
    # vb first: its link event was queued first, so the kernel handles it first whether its
    # worker or this request gets there first (a request for one device runs that device's
    # pending event; polling va first would let va overtake vb only when this process wins
    # the race with the worker).
    settle(ip, b)
    settle(ip, a)
    ip.addr("add", index=a, address="10.0.0.1", prefixlen=24)
    ip.addr("add", index=a, address="fd00::1", prefixlen=64, flags=0x02)  # IFA_F_NODAD
    # fd00::1's local route goes into the table by the address's DAD work, which the kernel
    # queues on a worker even without DAD: let it run before the route dumps race it (a
    # pause, not a poll, so that the processes' netlink exchanges stay call for call).
    time.sleep(0.1)
    ip.route("add", dst="10.9.0.0/16", gateway="10.0.0.2")
    ip.neigh("add", dst="10.0.0.2", lladdr=MAC_B, ifindex=a, state=0x80)
    for m in ip.get_addr():
        print("addr", m["index"], m.get_attr("IFA_LABEL"), m.get_attr("IFA_ADDRESS"),
              m["prefixlen"], m["scope"], m.get_attr("IFA_FLAGS"))
    for m in ip.get_routes(table=254):
        print("route", m.get_attr("RTA_DST"), m["dst_len"], m.get_attr("RTA_GATEWAY"),
              m.get_attr("RTA_OIF"), m["proto"], m["scope"], m["type"])
    for m in ip.get_routes(family=10):
        print("route6", m.get_attr("RTA_DST"), m["dst_len"], m.get_attr("RTA_OIF"),
              m["proto"], m.get_attr("RTA_TABLE"), m.get_attr("RTA_PRIORITY"))
    # Not the NOARP entries of multicast destinations: IPv6's own reports (MLD) make them a
    # few milliseconds after the link comes up, on the kernel's timing.
    for m in ip.get_neighbours(ifindex=a):
        if m["state"] != 0x40:
            print("neigh", m.get_attr("NDA_DST"), m.get_attr("NDA_LLADDR"), m["state"])
    for m in ip.get_links():
        print("link", m["index"], m.get_attr("IFLA_IFNAME"), m.get_attr("IFLA_OPERSTATE"),
              m.get_attr("IFLA_ADDRESS"), m["flags"], m.get_attr("IFLA_MTU"))
    print("rules", [(r["family"], r.get_attr("FRA_PRIORITY"), r.get_attr("FRA_TABLE"))
                    for r in ip.get_rules(family=2) + ip.get_rules(family=10)])
    ip.neigh("del", dst="10.0.0.2", lladdr=MAC_B, ifindex=a)
    ip.route("del", dst="10.9.0.0/16", gateway="10.0.0.2")
    ip.addr("del", index=a, address="10.0.0.1", prefixlen=24)
    print("after del", [m.get_attr("IFA_ADDRESS") for m in ip.get_addr(family=2)])
    ip.link("del", index=a)
    print("links", [m.get_attr("IFLA_IFNAME") for m in ip.get_links()])

with IPRoute() as ip, IPRoute() as mon:
    mon.bind()
    ip.link("add", ifname="vc", kind="veth", peer={"ifname": "vd"})
    c = ip.link_lookup(ifname="vc")[0]
    ip.link("set", index=c, address=MAC_A, mtu=1400)
    ip.link("set", index=c, ifname="ve")
    ip.link("del", index=c)
    for m in until_deleted(mon, ["ve", "vd"]):
        print("event", m["event"], m.get("index", m.get("ifindex")),
              m.get_attr("IFLA_IFNAME") or m.get_attr("NETCONFA_IFINDEX"),
              m.get_attr("IFLA_MTU"), m.get_attr("IFLA_ADDRESS"))
