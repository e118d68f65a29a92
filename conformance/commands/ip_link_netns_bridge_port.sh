# A bridge port moved to another namespace leaves its bridge on the way (as when it is
# unregistered), heard by a monitor of links in the old namespace; a bridge itself stays
# (netns immutable).
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
ip link add br0 address 02:00:00:00:01:00 type bridge mcast_snooping 0
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set vb master br0
ip -o monitor link > monitor.out &
mon=$!
sleep 0.3
ip link set vb netns ./ns.other
ip link set br0 netns ./ns.other
echo "br0: $?"
sleep 0.3
ip -o link show
bridge link show
nsenter --net=./ns.other ip -o link show
kill $mon
kill $other
cat monitor.out
cd /
rm -rf "$work"
