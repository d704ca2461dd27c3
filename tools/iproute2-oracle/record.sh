#!/bin/sh
# Records what iproute2 answers to the ip route / ip link / ip neigh commands of CASES (one per
# line) in a scratch namespace: eth0 10.0.0.1/24 and eth1 203.0.113.1/24 (veth, peers up),
# default via 203.0.113.254. Output: "$ CMD", "rc=N", then "| " + each stdout/stderr line.
# Usage: tools/iproute2-oracle/record.sh CASES > OUT   (root; creates and deletes netns hpiproute-rec)
set -e
cases=$1
ns=hpiproute-rec
ip netns del $ns 2>/dev/null || true
ip netns add $ns
trap 'ip netns del $ns' EXIT
ip netns exec $ns sh -c '
ip link add eth0 type veth peer name p0; ip link add eth1 type veth peer name p1
for d in lo eth0 eth1 p0 p1; do ip link set $d up; done
ip addr add 10.0.0.1/24 dev eth0; ip addr add 203.0.113.1/24 dev eth1
ip route add default via 203.0.113.254'
echo "# iproute2 $(ip -V | sed 's/.*iproute2-//'), Linux $(uname -r); eth0 10.0.0.1/24, eth1 203.0.113.1/24, default via 203.0.113.254"
grep -v '^#' "$cases" | grep -v '^$' | while read -r cmd; do
  out=$(ip netns exec $ns sh -c "$cmd" 2>&1) && rc=0 || rc=$?
  echo "\$ $cmd"
  echo "rc=$rc"
  [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/| /'
done
