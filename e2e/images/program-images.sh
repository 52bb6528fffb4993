#!/usr/bin/env bash
# Builds the operator and agent images with no registry: a root filesystem
# holding the Node.js runtime this package installs (with the shared
# libraries it links), the program's bundle, and nothing else, imported into
# the local Docker. config/images/*.Dockerfile describe the same images for a
# normal build (distroless Node.js 24 plus the bundle).
#   program-images.sh [TAG]   (default: dev)   prints the two image names
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tag=${1:-dev}
node="$root/node_modules/node/bin/node"
[ -x "$node" ] || { echo "run npm ci first: $node is missing" >&2; exit 1; }
node "$root/scripts/build.mjs"

# Copies a binary and every library it links to the same paths under $1.
copy_with_libs() { # rootfs binary dest
  local rootfs=$1 bin=$2 dest=$3
  install -D -m 0755 "$bin" "$rootfs$dest"
  ldd "$bin" | grep -o '/[^ ]*' | while read -r lib; do
    install -D -m 0755 "$(readlink -f "$lib")" "$rootfs$lib"
  done
}

build() { # program bundle user "node flags" extra-binaries...
  local program=$1 bundle=$2 user=$3 flags=$4; shift 4
  local rootfs entrypoint=/usr/bin/node
  for flag in $flags; do entrypoint+="\", \"$flag"; done
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' RETURN
  chmod 0755 "$rootfs"
  mkdir -p "$rootfs/app" "$rootfs/tmp" "$rootfs/etc"
  chmod 1777 "$rootfs/tmp"
  copy_with_libs "$rootfs" "$node" /usr/bin/node
  for extra in "$@"; do copy_with_libs "$rootfs" "$(command -v "$extra")" "/usr/bin/$extra"; done
  install -m 0644 "$root/dist/$bundle" "$rootfs/app/$bundle"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
  tar -C "$rootfs" -c . | docker import \
    -c "USER $user" \
    -c "ENTRYPOINT [\"$entrypoint\", \"/app/$bundle\"]" \
    -c "LABEL org.opencontainers.image.source=kubectl-debug" \
    - "kubectl-debug/$program:$tag" >/dev/null
  echo "kubectl-debug/$program:$tag"
}

build operator operator.cjs 65532:65532 ""
build agent node-agent.cjs 0:0 "$(grep -v '^#' "$root/config/images/agent.node-flags")"
