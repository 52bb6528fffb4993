#!/usr/bin/env bash
# Starts, or keeps when healthy, the control plane: etcd, kube-apiserver,
# kube-controller-manager and kube-scheduler, each listening on 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
. "$here/lib.sh"
bin=$(readlink -f "$CLUSTER_BIN")
pki=$CLUSTER_PKI

# The same checks curl would make with the admin identity, for the API server
# and for the TLS endpoints of the other components (self-signed there, hence -k).
admin_curl() { curl -sf --max-time 5 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$@"; }
healthz() { curl -sfk --max-time 5 "$1" | grep -qx ok; }

# etcd: client, peer and metrics traffic on loopback; plain HTTP is enough
# for a store no other machine can reach.
ensure_daemon etcd 60 curl -sf --max-time 5 http://127.0.0.1:2379/health -- \
  "$bin/etcd" --name=local --data-dir="$CLUSTER_DIR/etcd" \
  --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379 \
  --listen-peer-urls=http://127.0.0.1:2380 --initial-advertise-peer-urls=http://127.0.0.1:2380 \
  --initial-cluster=local=http://127.0.0.1:2380 --listen-metrics-urls=http://127.0.0.1:2381 \
  --log-level=warn

# kube-apiserver: the node is 127.0.0.1 too, so the API server reaches the
# kubelet (exec, logs, attach) on loopback, authenticating with a client
# certificate and checking the kubelet's serving certificate against the CA.
# --endpoint-reconciler-type=none: the `kubernetes` Service gets no endpoints
# pointing at a machine address.
ensure_daemon kube-apiserver 120 admin_curl https://127.0.0.1:6443/readyz -- \
  "$bin/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port=6443 \
  --endpoint-reconciler-type=none --service-cluster-ip-range=10.96.0.0/16 \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NodeRestriction \
  --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$pki/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --allow-privileged=true --profiling=false

# One instance of each: leader election would only add a wait for the lease
# of a previous instance to expire after a restart.
ensure_daemon kube-controller-manager 60 healthz https://127.0.0.1:10257/healthz -- \
  "$bin/kube-controller-manager" --kubeconfig="$pki/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10257 --leader-elect=false \
  --use-service-account-credentials=true --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" --cluster-signing-cert-file="$pki/ca.crt" \
  --cluster-signing-key-file="$pki/ca.key" --profiling=false

ensure_daemon kube-scheduler 60 healthz https://127.0.0.1:10259/healthz -- \
  "$bin/kube-scheduler" --kubeconfig="$pki/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10259 --leader-elect=false --profiling=false
