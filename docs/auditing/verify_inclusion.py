#!/usr/bin/env python3
"""Checks, with the log's public key and the API only, that one event is in the signed audit log.

    verify_inclusion.py --url http://127.0.0.1:5080 --token $AT --sequence 100 [--checkpoint N] [--vkey VKEY]

Independent of the service's code: RFC 9162 (Merkle inclusion, section 2.1.3.2), C2SP signed notes
and Ed25519 (with the `cryptography` package: apt-get install python3-cryptography). Without --vkey
the key is fetched from /api/audit/log-key: compare it with the one you were given out of band.
Exit 0 when the proof holds, 1 when it does not.
"""
import argparse, base64, hashlib, json, sys, urllib.request


def get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["data"]


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index, size, leaf_hash, path):
    """RFC 9162 section 2.1.3.2: the root the path leads to, or None when the path does not fit the tree."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def check_note(note, vkey):
    """C2SP signed note: the body's Ed25519 signature by the verifier key; returns (origin, size, root)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    name, key_id, key = vkey.split("+", 2)
    key = base64.b64decode(key)
    if key[0] != 1:
        raise SystemExit("not an Ed25519 verifier key")
    body, signatures = note.split("\n\n", 1)
    body += "\n"
    expected_id = hashlib.sha256(name.encode() + b"\n\x01" + key[1:]).digest()[:4]
    if expected_id.hex() != key_id:
        raise SystemExit("the verifier key's id does not match its name and key")
    for line in signatures.splitlines():
        signer, blob = line[len("\u2014 "):].split(" ")
        blob = base64.b64decode(blob)
        if signer == name and blob[:4] == expected_id:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(blob[4:], body.encode())  # raises when forged
            origin, size, root = body.split("\n")[:3]
            return origin, int(size), base64.b64decode(root)
    raise SystemExit("the checkpoint carries no signature by this key")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True, help="an auditor token")
    parser.add_argument("--sequence", type=int, required=True, help="the event's global sequence")
    parser.add_argument("--checkpoint", type=int, help="a checkpoint's tree size (default: the latest)")
    parser.add_argument("--vkey", help="the log's verifier key, as you were given it")
    a = parser.parse_args()

    vkey = a.vkey or get(f"{a.url}/api/audit/log-key")["verifier_key"]
    checkpoints = get(f"{a.url}/api/audit/checkpoints?limit=1000", a.token)
    size = a.checkpoint or checkpoints[-1]["tree_size"]
    note = next(c["note"] for c in checkpoints if c["tree_size"] == size)
    origin, signed_size, signed_root = check_note(note, vkey)
    proof = get(f"{a.url}/api/audit/events/{a.sequence}/proof?checkpoint={size}", a.token)
    leaf_input = base64.b64decode(proof["leaf_input"])
    leaf = json.loads(leaf_input)
    leaf_hash = hashlib.sha256(b"\x00" + leaf_input).digest()
    path = [base64.b64decode(p) for p in proof["inclusion_path"]]
    root = root_from_inclusion(proof["leaf_index"], signed_size, leaf_hash, path)
    ok = leaf["sequence"] == a.sequence and root == signed_root
    print(json.dumps({"ok": ok, "origin": origin, "checkpoint": signed_size, "sequence": a.sequence, "leaf_index": proof["leaf_index"],
                      "event": {k: leaf[k] for k in ("id", "stream_id", "version", "type", "timestamp")}, "path_length": len(path)}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
