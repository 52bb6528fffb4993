#!/usr/bin/env bash
# Starts, or keeps when healthy, the node: cri-dockerd (the kubelet's CRI
# runtime, running pods as Docker containers) and the kubelet, registered as
# node "127.0.0.1" and listening on loopback only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
. "$here/lib.sh"
bin=$(readlink -f "$CLUSTER_BIN")
pki=$CLUSTER_PKI
cri_socket=/var/run/cri-dockerd.sock
node_dir=$CLUSTER_DIR/node

# Node state (containers, mounts) left by another cluster state — another
# checkout, or this one before its certificates and etcd were recreated —
# belongs to pods the API server has never heard of: clear it first.
owner=/var/lib/kubelet/kubectl-debug-cluster
cluster_id=$(sha256sum <"$pki/ca.crt" | cut -c1-16)
if [ "$(cat "$owner" 2>/dev/null)" != "$cluster_id" ]; then
  for c in kubelet cri-dockerd; do stop_component "$c"; stop_strays "$c"; done
  clean_node
  mkdir -p /var/lib/kubelet && echo "$cluster_id" >"$owner"
fi

# Each pod gets a network namespace of its own with `lo` and an eth0 that
# holds a 127.x address and connects to nothing (cni/loopback-eth0): pods
# reach only themselves, and nothing leaves the machine.
mkdir -p "$node_dir/cni" "$node_dir/cni-bin"
cmp -s "$here/cni/loopback-eth0" "$node_dir/cni-bin/loopback-eth0" ||
  install -m 755 "$here/cni/loopback-eth0" "$node_dir/cni-bin/loopback-eth0"
cat >"$node_dir/cni/10-loopback-eth0.conflist" <<'CNI'
{"cniVersion": "1.0.0", "name": "loopback-eth0", "plugins": [{"type": "loopback-eth0"}]}
CNI

# Answers a gRPC call (CRI Version) on the socket, not just exists.
cri_ok() {
  curl -sf --max-time 5 --unix-socket "$cri_socket" --http2-prior-knowledge \
    -H 'content-type: application/grpc' -H 'te: trailers' --data-binary @<(printf '\0\0\0\0\0') \
    http://localhost/runtime.v1.RuntimeService/Version -o /dev/null
}
# The streaming server (exec, attach, port-forward) takes a free loopback port.
ensure_daemon cri-dockerd 60 cri_ok -- \
  "$bin/cri-dockerd" --container-runtime-endpoint="unix://$cri_socket" \
  --docker-endpoint=unix:///var/run/docker.sock --streaming-bind-addr=127.0.0.1 \
  --pod-infra-container-image=registry.k8s.io/pause:3.10 \
  --network-plugin=cni --cni-bin-dir="/usr/lib/cni,$node_dir/cni-bin" --cni-conf-dir="$node_dir/cni" \
  --hairpin-mode=none

# The kubelet must use the cgroup driver Docker uses.
cgroup_driver=$(docker info -f '{{.CgroupDriver}}')
kubelet_config() {
  cat <<KUBELET
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# Loopback only: API (10250), healthz (10248), no read-only port.
address: 127.0.0.1
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $pki/kubelet.crt
tlsPrivateKeyFile: $pki/kubelet.key
# The API server proves itself with its kubelet client certificate; callers
# are then authorized by asking the API server.
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$cri_socket
cgroupDriver: $cgroup_driver
failSwapOn: false
# Pods get an empty resolv.conf: there is no DNS to reach.
resolvConf: ""
clusterDomain: cluster.local
# Images are imported locally and cannot be pulled again: never collect
# them, and evict only when the disk is really full.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
serializeImagePulls: false
KUBELET
}
# The file name carries a hash of the content, so a changed configuration
# changes the kubelet's command line and the running kubelet is replaced.
config="$node_dir/kubelet-$(kubelet_config | sha256sum | cut -c1-12).yaml"
[ -f "$config" ] || { rm -f "$node_dir"/kubelet-*.yaml; kubelet_config >"$config"; }

ensure_daemon kubelet 60 curl -sf --max-time 5 http://127.0.0.1:10248/healthz -- \
  "$bin/kubelet" --config="$config" --kubeconfig="$pki/kubelet.kubeconfig" \
  --hostname-override=127.0.0.1
