# Routing rules and netconf with iproute2.
ip rule show
ip -6 rule show
ip rule add from 10.0.0.0/24 table 100 priority 100
ip rule add to 192.168.0.0/16 lookup main priority 200
ip rule add iif lo table 7
ip -j rule show
ip rule del priority 100
ip rule del from 10.0.0.0/24 table 100 || echo "gone: $?"
ip rule show
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip netconf show
ip -6 netconf show dev va
ip link del va
ip netconf show
