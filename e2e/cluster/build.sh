#!/usr/bin/env bash
# Builds the local cluster's binaries from the Go modules pinned under build/,
# into a cache outside the checkout keyed by those pins: CI clones fresh, so a
# second run on the same machine reuses the binaries and a new machine builds once.
# Prints the directory that holds the binaries.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

key=$(cat "$here"/build/*/go.mod "$here"/build/*/go.sum <(go version) | sha256sum | cut -c1-16)
bin="${KUBECTL_DEBUG_CACHE:-$HOME/.cache/kubectl-debug}/cluster-$key/bin"
components="etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl cri-dockerd"

missing=""
for c in $components; do [ -x "$bin/$c" ] || missing="$missing $c"; done
if [ -z "$missing" ]; then echo "$bin"; exit 0; fi

mkdir -p "$bin.partial"
export CGO_ENABLED=0 GOFLAGS=-trimpath
# Stamp the version as Kubernetes' own build does, so the components and
# kubectl report v1.34.4 instead of v0.0.0 and skew checks stay quiet.
k8s_version=$(sed -n 's#^\tk8s.io/kubernetes \(v[0-9.]*\)$#\1#p' "$here/build/kubernetes/go.mod")
stamp=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  stamp="$stamp -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(echo "$k8s_version" | cut -d. -f2) -X $pkg.gitTreeState=clean"
done
build() { # module-dir output package
  [ -x "$bin.partial/$2" ] && return 0
  echo "building $2 ($3)" >&2
  (cd "$here/build/$1" && go build -ldflags="-s -w $stamp" -o "$bin.partial/$2.tmp" "$3") >&2
  mv "$bin.partial/$2.tmp" "$bin.partial/$2"
}
build kubernetes etcd go.etcd.io/etcd/server/v3
build kubernetes kubectl k8s.io/kubernetes/cmd/kubectl
build kubernetes kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
build kubernetes kubelet k8s.io/kubernetes/cmd/kubelet
build kubernetes kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
build kubernetes kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler
build cri-dockerd cri-dockerd github.com/Mirantis/cri-dockerd
# Publish the directory only when every binary is there, so a build that was
# interrupted is resumed instead of mistaken for a finished one.
rm -rf "$bin" && mv "$bin.partial" "$bin"
echo "$bin"
