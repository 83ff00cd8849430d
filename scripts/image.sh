#!/usr/bin/env bash
# The service's image as an OCI image layout, built on this machine without Docker or a registry
# (issue 28; docs/operations/container.md). The layout is the Dockerfile's: the .NET and ASP.NET Core
# runtimes at /usr/share/dotnet, the published service at /app, the non-root user 'app' (uid 1654),
# ENTRYPOINT ["dotnet", "/app/Npq.Api.dll"], ports 8080 (API) and 9464 (metrics and probes).
#
#   scripts/image.sh [OUT_DIR]      default artifacts/image; writes OUT_DIR/oci (an OCI image layout)
#   scripts/image.sh --base-only    only make (or find) the cached Debian base; the tests start this early
#
# Layers:
#   1. Debian 12 "minbase" from Debian's packages (mmdebstrap), cached in .data/image by its package list;
#   2. the .NET runtime this machine's SDK runs on (the same major version as the Dockerfile's base);
#   3. the service, published in Release, and the 'app' user.
# Needs root (mmdebstrap, installed from Debian's packages when missing). Take the image elsewhere with
# skopeo (`skopeo copy oci:OUT_DIR/oci:latest docker://<registry>/npq-lead-provider-api:<tag>`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
base_only=
if [ "${1:-}" = "--base-only" ]; then base_only=1; shift; fi
out="$(realpath -m "${1:-artifacts/image}")"

log() { echo "image.sh: $*" >&2; }
if [ "$(id -u)" -ne 0 ]; then
  log "needs root (mmdebstrap makes the Debian base as root)"; exit 3
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
  log "installing mmdebstrap from Debian's packages…"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The base: what the runtime needs (libc, libstdc++, OpenSSL, zlib, CA certificates, time zones).
packages="ca-certificates,libssl3,zlib1g,tzdata"
cache="$repo/.data/image"
mkdir -p "$cache"
base="$cache/debian-bookworm-minbase-$(printf '%s' "$packages" | sha256sum | cut -c1-12).tar"
exec 9>"$cache/.lock"
flock 9 # one mmdebstrap at a time (the tests start --base-only in the background)
if [ ! -f "$base" ]; then
  log "making the Debian base (mmdebstrap)…"
  mmdebstrap --quiet --variant=minbase --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    bookworm "$cache/partial.tar" >&2 # mmdebstrap chooses the format by the name's extension
  mv "$cache/partial.tar" "$base"
fi
if [ -n "$base_only" ]; then
  log "the Debian base is ready: $base"; exit 0
fi

# 2. The runtime: the dotnet host and the two shared frameworks of the version this machine runs.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { print $2 }' | sort -V | tail -n 1)
mkdir -p "$work/runtime/usr/share/dotnet/shared" "$work/runtime/usr/share/dotnet/host/fxr" "$work/runtime/usr/bin"
cp "$dotnet_root/dotnet" "$dotnet_root/LICENSE.txt" "$work/runtime/usr/share/dotnet/" 2>/dev/null || cp "$dotnet_root/dotnet" "$work/runtime/usr/share/dotnet/"
cp -r "$dotnet_root/host/fxr/$version" "$work/runtime/usr/share/dotnet/host/fxr/"
for framework in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
  mkdir -p "$work/runtime/usr/share/dotnet/shared/$framework"
  cp -r "$dotnet_root/shared/$framework/$version" "$work/runtime/usr/share/dotnet/shared/$framework/"
done
ln -s ../share/dotnet/dotnet "$work/runtime/usr/bin/dotnet"

# 3. The service and its user.
log "publishing the service (Release)…"
scripts/tools.sh npm
dotnet publish src/Api/Npq.Api.csproj -c Release -nologo -v quiet --disable-build-servers -o "$work/app/app" -p:UseAppHost=false >&2
mkdir -p "$work/app/etc"
tar -xOf "$base" ./etc/passwd > "$work/app/etc/passwd"
tar -xOf "$base" ./etc/group > "$work/app/etc/group"
echo "app:x:1654:1654:app:/home/app:/usr/sbin/nologin" >> "$work/app/etc/passwd"
echo "app:x:1654:" >> "$work/app/etc/group"
mkdir -p "$work/app/home/app"

layer() { # a reproducible tarball of a folder's contents, owned by root (the user's home by the user)
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2" .
}
layer "$work/runtime" "$work/runtime.tar"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/app" -cf "$work/app.tar" --exclude=./home .
tar --sort=name --mtime=@0 --owner=1654 --group=1654 --numeric-owner -C "$work/app" -rf "$work/app.tar" ./home

python3 scripts/oci_layout.py "$out/oci" \
  --layer "$base" --layer "$work/runtime.tar" --layer "$work/app.tar" \
  --user 1654:1654 --workdir /app --port 8080 --port 9464 \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env APP_UID=1654 --env DOTNET_RUNNING_IN_CONTAINER=true \
  --env ASPNETCORE_ENVIRONMENT=Production --env ASPNETCORE_HTTP_PORTS=8080 \
  --env Npq__Metrics__Port=9464 --env Npq__Metrics__Address=0.0.0.0 \
  --entrypoint dotnet --entrypoint /app/Npq.Api.dll \
  --created "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
log "wrote $out/oci ($(du -sh "$out/oci" | cut -f1)); runtime $version"
echo "$out/oci"
