# Namespace ids: `ip netns list-id` (the RTM_GETNSID dump; with target-nsid, NETNSA_CURRENT_NSID
# beside each; with nsid, the get) in each of two namespaces (the other a background `unshare -n`
# process's, named by a link to its /proc file) before and after a veth with its peer there
# gives each namespace an id for the other, heard by a monitor of namespace ids. (`ip netns set`
# takes names under /var/run/netns only, which neither side has.)
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
ip -o monitor nsid > monitor.out &
mon=$!
sleep 0.3
ip netns list-id
ip -j netns list-id
nsenter --net=./ns.other ip netns list-id
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b netns ./ns.other
ip -o link show va
nsenter --net=./ns.other ip -o link show vb
nsenter --net=./ns.other ip netns list-id
ip netns list-id
ip netns list-id target-nsid 0
ip netns list-id nsid 0
ip netns list-id target-nsid 0 nsid 0
nsenter --net=./ns.other ip netns list-id target-nsid 0
ip netns list-id target-nsid 5
ip netns list-id nsid 5
ip link del va
sleep 0.3
kill $mon
kill $other
cat monitor.out
cd /
rm -rf "$work"
