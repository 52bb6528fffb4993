#!/usr/bin/env bash
# Brings up the local single-node Kubernetes cluster, or checks that it is up:
# Docker, the local images, etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, cri-dockerd and the kubelet (node "127.0.0.1"), everything
# listening on 127.0.0.1 only. Healthy components are kept, anything missing,
# dead or left over from an earlier run is replaced. Logs go to
# .cluster/logs/<component>.log. The last line printed is `export KUBECONFIG=...`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || { say "must run as root (it runs dockerd and the kubelet)"; exit 1; }
mkdir -p "$CLUSTER_DIR" "$CLUSTER_LOGS" "$CLUSTER_RUN" "$CLUSTER_CACHE"
# The state directory is never part of the repository.
echo '*' >"$CLUSTER_DIR/.gitignore"
# One up or down at a time on this machine: the cluster's ports are fixed.
exec 9>"$CLUSTER_CACHE/cluster.lock"
flock -w 900 9 || { say "another cluster up/down still runs"; exit 1; }

"$here/packages.sh" || { say "FAILED: installing Debian packages"; exit 1; }
"$here/start-docker.sh"
# Pods must find their images before the node takes any.
"$here/images/build.sh"
bin=$("$here/build.sh") || { say "FAILED: building the cluster binaries (e2e/cluster/build.sh, needs Go)"; exit 1; }
ln -sfn "$bin" "$CLUSTER_BIN"

# New certificates invalidate everything signed or stored with the old ones:
# the cluster then starts from empty.
certs=$("$here/certs.sh") || { say "FAILED: making certificates"; exit 1; }
if [ "$certs" = new ]; then
  for c in kubelet cri-dockerd kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_component "$c"; stop_strays "$c"
  done
  rm -rf "$CLUSTER_DIR/etcd"
fi
cp "$CLUSTER_PKI/admin.kubeconfig" "$KUBECONFIG.tmp" && mv "$KUBECONFIG.tmp" "$KUBECONFIG"

"$here/start-control-plane.sh"
"$here/start-node.sh"

kubectl() { "$CLUSTER_BIN/kubectl" --kubeconfig="$KUBECONFIG" --request-timeout=10s "$@"; }
node_ready() {
  [ "$(kubectl get node 127.0.0.1 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}
wait_until 120 node_ready || fail kubelet "node 127.0.0.1 not Ready after 120s"
# The ServiceAccount admission plugin refuses pods in a namespace until the
# controller-manager has made its `default` ServiceAccount.
wait_until 60 kubectl -n default get serviceaccount default ||
  fail kube-controller-manager "no default ServiceAccount after 60s"
say "ready: node 127.0.0.1, logs in $CLUSTER_LOGS"
echo "export KUBECONFIG=$KUBECONFIG"
