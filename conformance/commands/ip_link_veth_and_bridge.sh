# Links with iproute2: a veth pair and a bridge with a port, shown in every form, then gone.
# IPv6 address generation and multicast snooping are off on the devices brought up (their
# bring-up traffic and its timing would show in the counters; a bridge's is not modeled), and
# the bridge is shown in detail while down (a running bridge's garbage collection timer moves).
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link add br0 address 02:00:00:00:00:b0 type bridge stp_state 0 forward_delay 400 mcast_snooping 0
ip -d -j link show br0
for d in va vb br0; do ip link set $d addrgenmode none; done
ip link set va master br0
ip link set va up
ip link set vb up
ip link set br0 up
sleep 1.2
ip -br link
ip -s link show va
bridge -j -d link show
bridge link show
ip link set va nomaster
ip link del br0
ip link del va
ip -j link
