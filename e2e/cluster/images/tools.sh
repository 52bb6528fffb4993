#!/usr/bin/env bash
# Builds kubectl-debug/tools:1, the default debug image: a minimal Debian
# bookworm with the usual tools for looking into a running container.
# The root file system is cached as a tarball outside the checkout, so a
# Docker whose images were wiped gets the image back without debootstrap.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
name=kubectl-debug/tools:1
hash=$(image_hash "$here/tools.sh")
image_current "$name" "$hash" && exit 0

# gdb is left out: with libpython3.11 and the Python standard library it
# pulls in, it would add about 42 MB (178 MB instead of 136 MB).
packages="bash procps psmisc iproute2 curl ca-certificates tcpdump strace dnsutils
iputils-ping netcat-openbsd lsof less vim-tiny"

# The archive this machine's apt uses (deb822 or one-line sources), so the
# image is built from the same mirror; DEBIAN_MIRROR overrides.
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  # awk reads every line (no early exit: with pipefail, cat's SIGPIPE would
  # count as a failure) and prints the first archive that serves the codename.
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
    awk -v want="$codename" -v fallback=http://deb.debian.org/debian '
      /^deb[ \t]/ { sub(/\[[^]]*\]/, ""); if ($3 == want && found == "") found = $2 }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == want && uri != "" && found == "") found = uri }
      /^$/ { uri = "" }
      END { print (found != "" ? found : fallback) }'
}

cache="${KUBECTL_DEBUG_CACHE:-$HOME/.cache/kubectl-debug}/images"
tarball="$cache/tools-$hash.tar"
if [ ! -f "$tarball" ]; then
  mkdir -p "$cache"
  rm -f "$cache"/tools-*.tar  # earlier definitions
  root=$(mktemp -d)
  trap 'umount -R "$root/proc" "$root/sys" 2>/dev/null || true; rm -rf --one-file-system "$root"' EXIT
  mirror=$(debian_mirror)
  echo "tools image: debootstrap bookworm from $mirror" >&2
  # debootstrap lays down the base system; apt inside it installs the tools,
  # since apt resolves dependencies (alternatives included) where
  # debootstrap's --include does not.
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 30 "$cache/debootstrap.log" >&2; exit 1; }
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  # shellcheck disable=SC2086
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
    "apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends $(echo $packages) && apt-get clean" \
    >"$cache/apt.log" 2>&1 || { tail -n 30 "$cache/apt.log" >&2; exit 1; }
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"
  # Package lists, caches, logs and documentation are of no use in a debug
  # container and make up a good part of the image.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
    "$root"/var/log/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/etc/resolv.conf "$root"/etc/hostname
  tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
fi
changes=(--change "LABEL $source_label=$hash" --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]')
old=$(docker image inspect -f '{{.Id}}' "$name" 2>/dev/null || true)
docker import "${changes[@]}" "$tarball" "$name" >/dev/null
remove_replaced "$old" "$name"
echo "image $name: $(docker image inspect -f '{{.Size}}' "$name" | numfmt --to=iec)" >&2
