# A veth end moved to another network namespace (a background `unshare -n` process's, named by
# a link to its /proc file: IFLA_NET_NS_FD) under a new name, heard by a monitor of links and namespace
# ids in the old namespace; each namespace's view, a refusal (lo stays), the move back, and a
# veth created with its peer in the other namespace.
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
# Paths without pids, so that each command reads alike on both sides.
ln -s /proc/$other/ns/net ns.other
ln -s /proc/$$/ns/net ns.self
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip -o monitor link nsid > monitor.out &
mon=$!
sleep 0.3
ip link set vb netns ./ns.other name vb2
ip -o link show
nsenter --net=./ns.other ip -o link show
ip link set lo netns ./ns.other
echo "lo: $?"
nsenter --net=./ns.other ip link set vb2 netns ./ns.self
ip -o link show
ip link del va
ip link add vc address 02:00:00:00:00:0c type veth peer name vd address 02:00:00:00:00:0d netns ./ns.other
ip -o link show vc
nsenter --net=./ns.other ip -o link show vd
ip link del vc
sleep 0.3
kill $mon
kill $other
cat monitor.out
cd /
rm -rf "$work"
