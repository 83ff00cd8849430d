#!/usr/bin/env python3
"""Writes an OCI image layout (image-spec v1.1) from layer tarballs, with the standard library only.

    oci_layout.py OUT_DIR --layer base.tar --layer runtime.tar --layer app.tar
                  --user 1654:1654 --workdir /app --port 8080 --port 9464
                  --env KEY=VALUE ... --entrypoint dotnet --entrypoint /app/Npq.Api.dll
                  [--tag latest] [--created 2026-12-05T00:00:00Z]

Layers are stored uncompressed (application/vnd.oci.image.layer.v1.tar): nothing is pushed anywhere,
and compressing ~250 MB costs more than it saves on one machine. `skopeo copy oci:OUT_DIR:latest
docker-archive:…` or a registry push compresses them when the image leaves this machine.
"""
import argparse
import hashlib
import json
import os
import shutil


def blob(out, data_or_path):
    """Stores bytes or a file under blobs/sha256/<digest>; returns (digest, size)."""
    folder = os.path.join(out, "blobs", "sha256")
    os.makedirs(folder, exist_ok=True)
    digest = hashlib.sha256()
    if isinstance(data_or_path, bytes):
        digest.update(data_or_path)
        name = digest.hexdigest()
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data_or_path)
        return "sha256:" + name, len(data_or_path)
    with open(data_or_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    name = digest.hexdigest()
    shutil.copyfile(data_or_path, os.path.join(folder, name))
    return "sha256:" + name, os.path.getsize(data_or_path)


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--layer", action="append", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--port", action="append", default=[])
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--entrypoint", action="append", required=True)
    parser.add_argument("--tag", default="latest")
    parser.add_argument("--created", default="1970-01-01T00:00:00Z")
    args = parser.parse_args()

    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    layers = [blob(args.out, path) for path in args.layer]
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": args.created,
        "config": {
            "User": args.user,
            "WorkingDir": args.workdir,
            "Env": args.env,
            "Entrypoint": args.entrypoint,
            "ExposedPorts": {f"{p}/tcp": {} for p in args.port},
        },
        # Uncompressed layers: each diff id is the layer's own digest.
        "rootfs": {"type": "layers", "diff_ids": [digest for digest, _ in layers]},
    }
    config_digest, config_size = blob(args.out, canonical(config))
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": s} for d, s in layers],
    }
    manifest_digest, manifest_size = blob(args.out, canonical(manifest))
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest_size,
            "annotations": {"org.opencontainers.image.ref.name": args.tag},
        }],
    }
    with open(os.path.join(args.out, "index.json"), "wb") as f:
        f.write(canonical(index))
    with open(os.path.join(args.out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    print(manifest_digest)


if __name__ == "__main__":
    main()
