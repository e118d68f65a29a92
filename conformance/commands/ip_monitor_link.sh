# `ip monitor link` beside another process's changes: the notifications it prints.
ip -o monitor link > monitor.out &
pid=$!
sleep 0.3
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va mtu 1400
ip link set va name vx
ip link del vx
sleep 0.3
kill $pid
cat monitor.out
rm -f monitor.out
