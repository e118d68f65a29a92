# A running veth end with addresses moved to another namespace: what the old namespace's
# monitor of links, addresses, routes, netconf and namespace ids hears (the device going down,
# its addresses and routes flushed, its netconf deleted, the move), and both views after.
# A directory of its own for the files it writes (the bundled scripts' directory need not be
# writable). The model side makes a real network namespace and enters it with nsenter, which
# only root can do on the host (the kernel side is root of its sandbox):
# nltwin-needs: host-root
work=$(mktemp -d)
cd "$work"
unshare -n sleep 30 &
other=$!
# Until its namespace exists: making one takes a busy kernel a while (RCU grace periods).
until [ "$(readlink /proc/$other/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
ln -s /proc/$other/ns/net ns.other
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va addrgenmode none
ip link set vb addrgenmode none
ip addr add 10.9.0.1/24 dev vb
ip link set va up
ip link set vb up
sleep 0.3
ip -o monitor link address route netconf nsid > monitor.out &
mon=$!
sleep 0.3
ip link set vb netns ./ns.other
sleep 0.3
ip -o link show
ip -o addr show
ip route show
nsenter --net=./ns.other ip -o link show
nsenter --net=./ns.other ip -o addr show
nsenter --net=./ns.other ip netconf show dev vb
kill $mon
kill $other
cat monitor.out
cd /
rm -rf "$work"
