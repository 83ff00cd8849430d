#!/usr/bin/env python3
"""Check the NPQ lead-provider API's sealed event log from the outside, over HTTP alone.

Uses Python's standard library only; Ed25519 is written below from RFC 8032, section 5.1.7.
Nothing of the operator's is trusted but the verifier key you give it (get it from DfE, or from
a checkpoint you kept, never only from the server being checked):

  1. fetches the latest checkpoint (GET /api/audit/checkpoint, anyone) and checks its Ed25519
     signature with the verifier key;
  2. fetches every level-0 hash tile (GET /api/audit/tile/0/..., anyone) and every entry bundle
     (GET /api/audit/tile/entries/..., an auditor token) of the checkpoint's tree: C2SP tlog-tiles;
  3. for every leaf: checks that SHA-256 of the event's canonical data is the leaf's data_sha256,
     and that SHA-256(0x00 || leaf input) is the hash in the tile;
  4. recomputes the tree's root from the leaves (RFC 9162) and compares it with the checkpoint's.

  python3 verify_log.py https://<host> --key '<verifier key>' --token "$AUDITOR_TOKEN" [--save DIR]

A lead provider checks its receipts (GET /api/v3/receipts/{id}, saved as a file) offline, with no
network at all: each change's data hashes to its leaf, the leaf's inclusion path (RFC 9162) leads to
the root of the signed checkpoint in the C2SP tlog-proof, and the checkpoint's signature holds:

  python3 verify_log.py --receipt receipts.json --key '<verifier key>'

Anyone, with no token, can monitor the log: each run checks the new checkpoint's signature, rebuilds
the tree from the public hash tiles, and checks that every signed checkpoint kept in the state
folder (this monitor's earlier ones, and any other party's dropped in beside them) is a prefix of
it. A rewritten history signed again, two different trees shown to two parties, or an older backup
served again, each breaks that and is named:

  python3 verify_log.py https://<host> --key '<verifier key>' --monitor STATE_DIR

With --witness '<witness verifier key>' (repeatable; --quorum N of them), each mode also requires the
checkpoint to carry that witness's valid cosignature (C2SP tlog-cosignature): a witness, run by someone
other than the operator (witness.py beside this file), cosigns only a tree that extends the one it saw
last, so a cosigned checkpoint is one that no one was shown a different history of.

Prints one JSON object; exit code 0 when everything holds, 1 when something does not (the
findings say what), 2 on a usage or network error.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import json
import struct
import sys
import time
import urllib.error
import urllib.request

# ---------------------------------------------------------------- Ed25519 (RFC 8032, 5.1)
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    """Points in extended coordinates (X, Y, Z, T), RFC 8032 5.1.4."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    pa = (y1 - x1) * (y2 - x2) % P
    pb = (y1 + x1) * (y2 + x2) % P
    pc = t1 * 2 * D * t2 % P
    pd = z1 * 2 * z2 % P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _multiply(scalar, point):
    result = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _equal(a, b):
    x1, y1, z1, _ = a
    x2, y2, z2, _ = b
    return (x1 * z2 - x2 * z1) % P == 0 and (y1 * z2 - y2 * z1) % P == 0


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def _decode_point(data):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


_GY = 4 * pow(5, P - 2, P) % P
BASE = (_recover_x(_GY, 0), _GY, 1, _recover_x(_GY, 0) * _GY % P)


def ed25519_verify(public_key, message, signature):
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decode_point(public_key)
    r = _decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % L
    return _equal(_multiply(s, BASE), _add(r, _multiply(h, a)))


# ---------------------------------------------------------------- C2SP signed notes and keys
SIGNATURE = 0x01  # a C2SP signed note's Ed25519 signature
COSIGNATURE = 0x04  # a C2SP tlog-cosignature/v1 (Ed25519) of a witness


def key_id(name, kind, public_key):
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4]


def verifier_key(name, kind, public_key):
    return f"{name}+{key_id(name, kind, public_key).hex()}+{base64.b64encode(bytes([kind]) + public_key).decode()}"


def parse_verifier_key(vkey, kind=SIGNATURE):
    """name+hex(key id)+base64(type || public key): the C2SP verifier key of an Ed25519 key (a log's, type 0x01, or a witness's, 0x04)."""
    name, key_id_hex, encoded = vkey.split("+", 2)  # a name has no "+"; base64 may
    raw = base64.b64decode(encoded)
    if raw[0] != kind or len(raw) != 33:
        raise ValueError("not an Ed25519 verifier key" if kind == SIGNATURE else "not an Ed25519 witness (cosignature/v1) key")
    expected = key_id(name, kind, raw[1:])
    if expected.hex() != key_id_hex:
        raise ValueError("the key id does not match the key")
    return name, expected, raw[1:]


def parse_checkpoint(note):
    """The signed text, origin, size, root and signatures (name, key id, signature) of a signed note."""
    split = note.index("\n\n")
    body = note[: split + 1]
    lines = body.split("\n")
    signatures = []
    for line in note[split + 2:].split("\n"):
        if not line:
            continue
        if not line.startswith("\u2014 "):
            raise ValueError("a line after the blank line is not a signature")
        name, encoded = line[2:].split(" ")
        raw = base64.b64decode(encoded)
        signatures.append((name, raw[:4], raw[4:]))
    return body, lines[0], int(lines[1]), base64.b64decode(lines[2]), signatures


def read_signed(note, key):
    """A checkpoint's origin, size and root, and whether the key (name, key id, public key) signed it."""
    name, kid, public_key = key
    body, origin, size, root, signatures = parse_checkpoint(note)
    ok = any(s[0] == name and s[1] == kid and ed25519_verify(public_key, body.encode("utf-8"), s[2]) for s in signatures)
    return ok, origin, size, root


def cosignature_message(body, timestamp):
    """What a witness signs (C2SP tlog-cosignature, Ed25519): a header line, its time, and the checkpoint's body."""
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode("utf-8")


def cosigned_by(note, witnesses):
    """The witnesses (name, key id, public key) whose cosignature on the note verifies, with the time each signed."""
    body, _, _, _, signatures = parse_checkpoint(note)
    found = {}
    for name, kid, public_key in witnesses:
        for signer, signer_kid, raw in signatures:
            if signer != name or signer_kid != kid or len(raw) != 72:
                continue
            (timestamp,) = struct.unpack(">Q", raw[:8])
            if ed25519_verify(public_key, cosignature_message(body, timestamp), raw[8:]):
                found[name] = timestamp
    return found


def witness_findings(note, witnesses, quorum):
    """Findings when fewer than the quorum of trusted witnesses cosigned the note."""
    if not witnesses:
        return [], {}
    found = cosigned_by(note, witnesses)
    if len(found) >= quorum:
        return [], found
    missing = sorted(name for name, _, _ in witnesses if name not in found)
    return [{"kind": "NotWitnessed", "detail": f"{len(found)} of the {quorum} cosignatures needed; none valid from {', '.join(missing)}"}], found


# ---------------------------------------------------------------- tlog-tiles
def tile_path(index, width):
    digits = str(index)
    digits = digits.zfill((len(digits) + 2) // 3 * 3)
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    path = "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])
    return path if width == 256 else f"{path}.p/{width}"


def leaf_hash(leaf_input):
    return hashlib.sha256(b"\x00" + leaf_input).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_of(hashes):
    """RFC 9162 Merkle tree hash of the leaves' hashes, in one pass with a stack of full subtrees."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    stack = []  # (height, hash) of complete subtrees, left to right
    for h in hashes:
        height = 0
        while stack and stack[-1][0] == height:
            h = node_hash(stack.pop()[1], h)
            height += 1
        stack.append((height, h))
    root = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        root = node_hash(left, root)
    return root


def consistent(first, second, first_root, second_root, proof):
    """RFC 9162 section 2.1.4.2: is the tree of the first size and root a prefix of the second's?"""
    if first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_root] + list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


def included(leaf, index, size, path, root):
    """RFC 9162 section 2.1.3.2: is the leaf hash at index in the tree of that size and root?"""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def parse_tlog_proof(text):
    """C2SP tlog-proof: the header, an optional extra line, the index, the path, a blank line, the checkpoint."""
    lines = text.split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        raise ValueError("not a c2sp.org/tlog-proof@v1")
    at = 1
    if lines[at].startswith("extra "):
        at += 1
    if not lines[at].startswith("index "):
        raise ValueError("the proof has no index line")
    index = int(lines[at][len("index "):])
    path = []
    at += 1
    while lines[at] != "":
        path.append(base64.b64decode(lines[at]))
        at += 1
    return index, path, "\n".join(lines[at + 1:])


def verify_receipts(receipts, vkey, witnesses=(), quorum=0):
    key = parse_verifier_key(vkey)
    results = []
    for receipt in receipts:
        findings = []
        leaf_input = base64.b64decode(receipt["leaf_input"])
        data = base64.b64decode(receipt["data"])
        leaf = json.loads(leaf_input)
        if hashlib.sha256(data).hexdigest() != leaf["data_sha256"]:
            findings.append("the data does not hash to the leaf's data_sha256")
        index, path, note = parse_tlog_proof(receipt["proof"])
        signed, origin, size, root = read_signed(note, key)
        if not signed:
            findings.append("the checkpoint is not signed by the key given")
        if not included(leaf_hash(leaf_input), index, size, path, root):
            findings.append("the inclusion path does not lead to the checkpoint's root")
        missing, cosigned = witness_findings(note, witnesses, quorum)
        findings.extend(f["detail"] for f in missing)
        results.append({"ok": not findings, "sequence": leaf["sequence"], "type": leaf["type"], "recorded_at": leaf["timestamp"],
                        "leaf_index": index, "tree_size": size, "origin": origin, "witnessed_by": sorted(cosigned), "findings": findings})
    return {"ok": bool(results) and all(r["ok"] for r in results), "receipts": results}


def monitor(client, vkey, state, witnesses=(), quorum=0):
    """Checks the latest checkpoint against every signed checkpoint kept in the state folder, from public tiles only."""
    import os
    key = parse_verifier_key(vkey)

    def signed(note):
        ok, _, size, root = read_signed(note, key)
        return ok, size, root

    findings = []
    note = client.get("/api/audit/checkpoint").decode("utf-8")
    ok, size, root = signed(note)
    if not ok:
        return {"ok": False, "size": size, "findings": [{"kind": "BadSignature", "detail": "the served checkpoint is not signed by the key given"}]}
    missing, cosigned = witness_findings(note, witnesses, quorum)
    findings.extend(missing)

    # The tree the log serves now, from its public level-0 tiles.
    hashes = []
    for tile in range((size + 255) // 256):
        width = min(256, size - tile * 256)
        data = client.get(f"/api/audit/tile/0/{tile_path(tile, width)}")
        hashes.extend(data[i:i + 32] for i in range(0, len(data), 32))
    if len(hashes) != size or root_of(hashes) != root:
        findings.append({"kind": "TilesDoNotMakeTheRoot", "detail": f"the public tiles do not make the signed root of {size}"})

    kept = 0
    os.makedirs(state, exist_ok=True)
    for file in sorted(os.listdir(state)):
        if not file.endswith(".txt"):
            continue
        with open(os.path.join(state, file), encoding="utf-8") as saved:
            old_ok, old_size, old_root = signed(saved.read())
        if not old_ok:
            continue  # not the log's: proves nothing either way
        kept += 1
        if old_size > size:
            findings.append({"kind": "RolledBack", "checkpoint": file,
                             "detail": f"a checkpoint of {old_size} was signed, but the log now serves {size}: an older copy is being served"})
        elif root_of(hashes[:old_size]) != old_root:
            findings.append({"kind": "Inconsistent", "checkpoint": file,
                             "detail": f"the signed tree of {old_size} is not the first {old_size} leaves of the tree served now: history was rewritten, or two parties were shown different trees"})
    if not findings:
        with open(os.path.join(state, f"checkpoint-{size}.txt"), "w", encoding="utf-8") as keep:
            keep.write(note)
    return {"ok": not findings, "size": size, "root": base64.b64encode(root).decode(), "checked_against": kept,
            "witnessed_by": sorted(cosigned), "requests": client.requests, "findings": findings}


class Client:
    def __init__(self, base, token):
        self.base = base.rstrip("/")
        self.token = token
        self.requests = 0  # counted from several threads: an estimate, not a ledger

    def get(self, path, auditor=False):
        for attempt in range(10):
            request = urllib.request.Request(self.base + path)
            if auditor and self.token:
                request.add_header("Authorization", "Bearer " + self.token)
            try:
                self.requests += 1
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.read()
            except urllib.error.HTTPError as error:
                if error.code in (429, 503) and attempt < 9:
                    time.sleep(int(error.headers.get("Retry-After", "1")))
                    continue
                raise


def verify(client, vkey, save=None, witnesses=(), quorum=0):
    started = time.monotonic()
    findings = []
    key = parse_verifier_key(vkey)
    note = client.get("/api/audit/checkpoint").decode("utf-8")
    signed, origin, size, root = read_signed(note, key)
    if not signed:
        findings.append({"kind": "BadSignature", "detail": "the checkpoint is not signed by the key given"})
    missing, cosigned = witness_findings(note, witnesses, quorum)
    findings.extend(missing)
    if save:
        with open(f"{save}/checkpoint-{size}.txt", "w", encoding="utf-8") as kept:
            kept.write(note)

    def fetch(tile):
        width = min(256, size - tile * 256)
        path = tile_path(tile, width)
        return tile, width, client.get(f"/api/audit/tile/0/{path}"), client.get(f"/api/audit/tile/entries/{path}", auditor=True)

    hashes = []
    leaves = 0
    marker = b'"data_sha256":"'
    erased_plain = set()  # events sealed before commitments whose personal values an erasure in the log removed
    # Tiles are fetched a few at a time (the network and the server wait, not this process), checked in order.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for tile, width, tile_hashes, bundle in pool.map(fetch, range((size + 255) // 256)):
            if len(tile_hashes) != 32 * width:
                findings.append({"kind": "ShortTile", "tile": tile, "detail": f"{len(tile_hashes)} bytes for {width} hashes"})
                break
            offset = 0
            for i in range(width):
                index = tile * 256 + i
                (length,) = struct.unpack_from(">H", bundle, offset)
                leaf_input = bundle[offset + 2: offset + 2 + length]
                offset += 2 + length
                (data_length,) = struct.unpack_from(">I", bundle, offset)
                data = bundle[offset + 4: offset + 4 + data_length]
                offset += 4 + data_length
                # The leaf input is canonical JSON (RFC 8785): its data_sha256 member is found as written.
                at = leaf_input.find(marker) + len(marker)
                if hashlib.sha256(data).hexdigest().encode() != leaf_input[at: at + 64]:
                    findings.append({"kind": "DataDoesNotMatchLeaf", "leaf": index, "sequence": json.loads(leaf_input)["sequence"]})
                if b'"type":"personal_data_erased"' in leaf_input:
                    erased_plain.update(item["Sequence"] for item in json.loads(data).get("SealedPlain") or [])
                computed = leaf_hash(leaf_input)
                if computed != tile_hashes[32 * i: 32 * i + 32]:
                    findings.append({"kind": "LeafDoesNotMatchTile", "leaf": index, "sequence": json.loads(leaf_input)["sequence"]})
                hashes.append(computed)
                leaves += 1
            if offset != len(bundle):
                findings.append({"kind": "BundleTooLong", "tile": tile})

    # An erasure recorded in the log explains the data of the plain-form events it names, and nothing else:
    # their leaves still hash to the tiles (the leaf keeps its data_sha256), their data can no longer be checked.
    explained = [f for f in findings if f["kind"] == "DataDoesNotMatchLeaf" and f["sequence"] in erased_plain]
    findings = [f for f in findings if f not in explained]
    computed_root = root_of(hashes)
    if computed_root != root:
        findings.append({"kind": "RootDiffers", "detail": "the leaves do not make the checkpoint's root",
                         "checkpoint_root": base64.b64encode(root).decode(), "computed_root": base64.b64encode(computed_root).decode()})
    seconds = time.monotonic() - started
    return {
        "ok": not findings, "origin": origin, "size": size, "root": base64.b64encode(root).decode(),
        "witnessed_by": sorted(cosigned), "leaves_checked": leaves, "erased_before_commitments": len(explained), "requests": client.requests, "seconds": round(seconds, 3),
        "leaves_per_second": round(leaves / seconds) if seconds > 0 else None, "findings": findings,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", nargs="?", help="the API's address, e.g. https://host")
    parser.add_argument("--receipt", help="a saved answer of GET /api/v3/receipts/{id} (or one receipt): checked offline")
    parser.add_argument("--key", required=True, help="the log's verifier key (name+id+key), from DfE")
    parser.add_argument("--token", help="an auditor token, for the entry bundles")
    parser.add_argument("--save", help="a folder to keep the checkpoint in, to compare with the next run")
    parser.add_argument("--monitor", metavar="STATE_DIR", help="monitor from public data only: check the new checkpoint against those kept in STATE_DIR")
    parser.add_argument("--witness", action="append", default=[], metavar="VKEY",
                        help="a witness's verifier key (name+id+base64(0x04 || key)) whose cosignature the checkpoint must carry; repeat for more")
    parser.add_argument("--quorum", type=int, help="how many of the --witness keys must have cosigned (default: all of them)")
    arguments = parser.parse_args()
    try:
        witnesses = [parse_verifier_key(w, COSIGNATURE) for w in arguments.witness]
    except (ValueError, IndexError) as error:
        parser.error(f"--witness: {error}")
    quorum = len(witnesses) if arguments.quorum is None else arguments.quorum
    if arguments.receipt:
        try:
            with open(arguments.receipt, encoding="utf-8") as saved:
                document = json.load(saved)
            report = verify_receipts(document["data"] if "data" in document else [document], arguments.key, witnesses, quorum)
        except (OSError, ValueError, KeyError, IndexError) as error:
            print(json.dumps({"ok": False, "error": str(error)}))
            return 2
        print(json.dumps(report))
        return 0 if report["ok"] else 1
    if not arguments.base:
        parser.error("give the API's address, or --receipt")
    try:
        if arguments.monitor:
            report = monitor(Client(arguments.base, None), arguments.key, arguments.monitor, witnesses, quorum)
        else:
            report = verify(Client(arguments.base, arguments.token), arguments.key, arguments.save, witnesses, quorum)
    except (urllib.error.URLError, ValueError, OSError) as error:
        print(json.dumps({"ok": False, "error": str(error)}))
        return 2
    print(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
