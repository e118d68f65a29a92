# Neighbour tables and the bridge forwarding database with iproute2, devices down (a device
# that has been up has multicast lists the model does not follow).
ip link add va address 02:00:00:00:00:01 type veth peer name vb address 02:00:00:00:00:02
ip link add vc address 02:00:00:00:00:03 type veth peer name vd address 02:00:00:00:00:04
ip link add br0 address 02:00:00:00:00:10 type bridge
ip link set va master br0
ip link set vc master br0
ip ntable change name arp_cache dev va queue 10 locktime 5 ucast_probes 7
ip ntable change name ndisc_cache dev vc retrans 2003 app_probes 2
ip ntable change name arp_cache thresh1 10
echo "thresholds outside init_net: $?"
ip ntable show dev va | grep -v reachable
ip ntable show name ndisc_cache dev vc | grep -v reachable
bridge fdb add 02:00:00:00:00:aa dev va master static
bridge fdb add 02:00:00:00:00:bb dev vc master permanent
bridge fdb add 02:00:00:00:00:aa dev va master static
echo "again: $?"
bridge fdb replace 02:00:00:00:00:aa dev vc master static sticky
bridge fdb show
bridge -j fdb show br br0
bridge fdb show dev vc
bridge fdb del 02:00:00:00:00:aa dev vc master
bridge fdb del 02:00:00:00:00:aa dev vc master
echo "twice: $?"
ip link set vc address 02:00:00:00:00:33
ip link set va nomaster
bridge fdb show br br0
ip link del br0
bridge fdb show
