#!/usr/bin/env bash
# Builds kubectl-debug.local/busybox:1, the image of sample workloads and test
# pods, from Debian's statically linked busybox.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
name=kubectl-debug.local/busybox:1
hash=$(image_hash "$here/busybox.sh")
image_current "$name" "$hash" && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download needs package lists; a machine whose lists were cleaned
# gets them once.
(cd "$work" && { apt-get download -qq busybox-static 2>/dev/null || { apt-get update -qq && apt-get download -qq busybox-static; }; })
dpkg-deb -x "$work"/busybox-static_*.deb "$work/deb"

root="$work/root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/www,proc,sys,dev}
chmod 1777 "$root/tmp"
cp "$work/deb/bin/busybox" "$root/bin/busybox"
# One link per applet, where busybox itself would install it.
"$root/bin/busybox" --list-full | while read -r applet; do
  [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
import_rootfs "$root" "$name" "$hash" \
  'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["sh"]'
