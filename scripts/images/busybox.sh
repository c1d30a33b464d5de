#!/usr/bin/env bash
# Builds a tiny OCI image archive holding Debian's static busybox, for tests that
# need a real container but have no registry to pull from.
#
# usage: scripts/images/busybox.sh OUT.tar [REF]
set -euo pipefail

out=${1:?usage: busybox.sh OUT.tar [REF]}
ref=${2:-coffer.test/busybox:latest}
bin=$(command -v busybox || true)
[ -n "$bin" ] || { echo "busybox not found: install busybox-static" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The root filesystem: busybox, one link per applet, and the usual directories.
root="$work/rootfs"
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/data"
cp "$bin" "$root/bin/busybox"
for applet in $("$bin" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# Deterministic layer: fixed owner and mtime, sorted names.
layer="$work/layer.tar"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2024-01-01 00:00Z' \
  -C "$root" -cf "$layer" .
gzip -n -9 < "$layer" > "$layer.gz"

sha() { sha256sum "$1" | cut -d' ' -f1; }
diff_id=$(sha "$layer")
layer_digest=$(sha "$layer.gz")
layer_size=$(stat -c %s "$layer.gz")

oci="$work/oci"
mkdir -p "$oci/blobs/sha256"
cp "$layer.gz" "$oci/blobs/sha256/$layer_digest"

cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/bin"],"Cmd":["sh"],"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
JSON
config_digest=$(sha "$work/config.json")
config_size=$(stat -c %s "$work/config.json")
cp "$work/config.json" "$oci/blobs/sha256/$config_digest"

cat > "$work/manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json",
  "digest":"sha256:$config_digest","size":$config_size},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",
  "digest":"sha256:$layer_digest","size":$layer_size}]}
JSON
manifest_digest=$(sha "$work/manifest.json")
manifest_size=$(stat -c %s "$work/manifest.json")
cp "$work/manifest.json" "$oci/blobs/sha256/$manifest_digest"

echo '{"imageLayoutVersion":"1.0.0"}' > "$oci/oci-layout"
cat > "$oci/index.json" <<JSON
{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "digest":"sha256:$manifest_digest","size":$manifest_size,
 "annotations":{"org.opencontainers.image.ref.name":"$ref",
  "io.containerd.image.name":"$ref"}}]}
JSON

tar --sort=name --owner=0 --group=0 --numeric-owner -C "$oci" -cf "$out" .
