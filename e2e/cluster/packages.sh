#!/usr/bin/env bash
# Installs the Debian packages the local cluster needs, only those missing, so
# a fresh machine works and a prepared one does not touch apt at all.
set -euo pipefail

# docker.io: the container runtime behind cri-dockerd.
# containernetworking-plugins: the CNI loopback plugin that gives pods a network namespace.
# iproute2, util-linux, mount: ip/nsenter/mount used by cri-dockerd and the kubelet.
# iptables, conntrack: looked up by the kubelet and dockerd at start-up.
# socat: cri-dockerd runs it in the pod's network namespace for port-forward.
# openssl, curl: the cluster's certificates and health checks.
# debootstrap: builds the debug tools image (no registry exists).
# asciinema, tmux: recording and driving interactive sessions in tests.
wanted="docker.io containernetworking-plugins iproute2 util-linux mount iptables conntrack
socat openssl curl ca-certificates debootstrap asciinema tmux"

missing=""
for p in $wanted; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "cluster: installing Debian packages:$missing" >&2
# needrestart (if installed) would ask about or restart services after the install.
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
apt-get update -qq
# policy-rc.d keeps package scripts from starting services (there is no init
# system here; up.sh starts dockerd itself, with loopback-only settings).
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
trap '[ -z "$created_policy" ] || rm -f "$policy"' EXIT
# shellcheck disable=SC2086
apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $missing >&2
