#!/usr/bin/env bash
# Creates the cluster's certificate authority, the certificates of every
# component and their kubeconfigs under .cluster/pki, once. All of it is
# made in a scratch directory and moved in place at the end, so an
# interrupted run leaves either nothing or a complete set.
# Prints "new" when it created a set (the running cluster no longer matches).
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"

[ -f "$CLUSTER_PKI/complete" ] && exit 0
mkdir -p "$CLUSTER_DIR"
rm -rf "$CLUSTER_PKI" "$CLUSTER_PKI.tmp"
mkdir -m 700 "$CLUSTER_PKI.tmp"
cd "$CLUSTER_PKI.tmp"
exec 3>openssl.log
trap 'echo "cluster: certs.sh failed, see $CLUSTER_PKI.tmp/openssl.log" >&2' ERR

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>&3; }

key ca
openssl req -x509 -new -key ca.key -subj "/CN=kubectl-debug-local-ca" -days 3650 -out ca.crt \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>&3

# Signs a certificate for one identity; the subject's CN is the user name and
# O the group that the API server's RBAC and Node authorizers see.
cert() { # name usage(clientAuth|serverAuth) subject [subjectAltName]
  key "$1"
  openssl req -new -key "$1.key" -subj "$3" -out "$1.csr" 2>&3
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$2"
    [ -z "${4:-}" ] || echo "subjectAltName=$4"
  } >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile "$1.ext" -out "$1.crt" 2>&3
  rm -f "$1.csr" "$1.ext"
}
cert apiserver serverAuth "/CN=kube-apiserver" \
  "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
cert apiserver-kubelet-client clientAuth "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert admin clientAuth "/O=system:masters/CN=kubernetes-admin"
cert controller-manager clientAuth "/CN=system:kube-controller-manager"
cert scheduler clientAuth "/CN=system:kube-scheduler"
cert kubelet-client clientAuth "/O=system:nodes/CN=system:node:127.0.0.1"
cert kubelet serverAuth "/CN=127.0.0.1" "IP:127.0.0.1,DNS:localhost"
# Service account tokens are signed with this key pair.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>&3
openssl pkey -in sa.key -pubout -out sa.pub 2>&3

# Self-contained kubeconfigs (certificates embedded), so a copy works anywhere.
kubeconfig() { # file cert-name
  cat >"$1" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: $(base64 -w0 ca.crt)
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "$2.crt")
    client-key-data: $(base64 -w0 "$2.key")
contexts:
- name: local
  context: {cluster: local, user: $2, namespace: default}
current-context: local
KUBECONFIG
}
kubeconfig admin.kubeconfig admin
kubeconfig controller-manager.kubeconfig controller-manager
kubeconfig scheduler.kubeconfig scheduler
kubeconfig kubelet.kubeconfig kubelet-client

chmod 600 ./*.key ./*.kubeconfig
rm -f openssl.log ca.srl
touch complete
cd / && mv "$CLUSTER_PKI.tmp" "$CLUSTER_PKI"
echo new
