# The bridge's multicast database on fresh bridges: `bridge mdb show` (text, `-d -j`, `-s`,
# one device), with and without snooping, down and up, with a port; `bridge mdb add/del`
# refused before any entry would be installed: a bridge down, snooping off, a local or
# unicast group, a device that is not a bridge, a missing one.
ip link add br0 type bridge
ip link add br1 type bridge mcast_snooping 0
ip link set br1 addrgenmode none
ip link add v0 address 02:00:00:00:00:0a type veth peer name v1 address 02:00:00:00:00:0b
ip link set v0 master br0
bridge mdb show; echo rc=$?
bridge -d -j mdb show; echo rc=$?
ip link set br1 up
bridge -d -j -s mdb show; echo rc=$?
bridge mdb show dev br1; echo rc=$?
bridge mdb add dev br0 port v0 grp 239.1.1.1; echo rc=$?
bridge mdb add dev br0 port v0 grp 239.1.1.1 permanent vid 0; echo rc=$?
bridge mdb add dev br1 port v0 grp 239.1.1.1; echo rc=$?
bridge mdb add dev br1 port v0 grp 224.0.0.1; echo rc=$?
bridge mdb add dev br1 port v0 grp 10.0.0.1; echo rc=$?
bridge mdb add dev br1 port v0 grp ff02::1; echo rc=$?
bridge mdb add dev br1 port v0 grp 00:11:22:33:44:55 permanent; echo rc=$?
bridge mdb del dev br0 port v0 grp 239.1.1.1; echo rc=$?
bridge mdb del dev br1 port v0 grp ff0e::1; echo rc=$?
bridge mdb add dev v0 port v0 grp 239.1.1.1; echo rc=$?
bridge mdb add dev br9 port v0 grp 239.1.1.1; echo rc=$?
# A permanent router port, shown; by query again, gone.
ip link set v0 type bridge_slave mcast_router 2; echo rc=$?
bridge mdb show; echo rc=$?
bridge -d -s -j mdb show; echo rc=$?
ip link set v0 type bridge_slave mcast_router 1; echo rc=$?
bridge -d -j mdb show; echo rc=$?
