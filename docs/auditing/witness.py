#!/usr/bin/env python3
"""A witness for the NPQ lead-provider API's sealed log: C2SP tlog-witness, run by someone who is not the operator.

Uses Python's standard library only (and verify_log.py beside it, for Ed25519, notes and RFC 9162
proofs). Whoever runs it (a lead provider, DfE finance, an auditor) keeps its own key and its own
state; for each log it trusts it remembers the size and root of the last checkpoint it cosigned, and
cosigns a new checkpoint only when it is signed by the log's key and a consistency proof shows that
the remembered tree is a prefix of it. So once it has cosigned a tree, it refuses:

  - a history rewritten and signed again (the proof does not verify: 422),
  - a different tree of the same size shown to someone else (409),
  - an older copy of the log (a smaller size than it has seen: 409 with the size it has, or 400).

The operator's log asks it for a cosignature (POST /add-checkpoint) after each checkpoint and serves the
cosignature with the checkpoint; verify_log.py --witness checks it. Every refused checkpoint that the
log's key signed is kept in STATE/evidence: a signed statement of misbehaviour, for a monitor or a court.

  python3 witness.py init  --state DIR --name witness.example.org/dfe-finance   # prints the witness's verifier key
  python3 witness.py serve --state DIR --log-key '<log verifier key>' [--listen 127.0.0.1:7380]
  python3 witness.py show  --state DIR

The state folder holds the private key (witness.key, mode 0600): back it up with the state, and never
give the same state to two witnesses at once (serve refuses to start on a folder another holds). A
witness whose state is lost must take a new key, or it could be made to cosign a fork.
"""

import argparse
import base64
import fcntl
import hashlib
import http.server
import json
import os
import re
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verify_log import (BASE, COSIGNATURE, L, P, _multiply, consistent, cosignature_message,  # noqa: E402
                        parse_checkpoint, parse_verifier_key, read_signed, verifier_key)

MAX_BODY = 1 << 20
OLD_LINE = re.compile(r"old (0|[1-9][0-9]{0,18})")


# ---------------------------------------------------------------- Ed25519 signing (RFC 8032, 5.1.5 and 5.1.6)
def _encode_point(point):
    x, y, z, _ = point
    inverse = pow(z, P - 2, P)
    x, y = x * inverse % P, y * inverse % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _expand(seed):
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    return scalar, digest[32:]


def public_key_of(seed):
    return _encode_point(_multiply(_expand(seed)[0], BASE))


def ed25519_sign(seed, message):
    scalar, prefix = _expand(seed)
    public_key = _encode_point(_multiply(scalar, BASE))
    r = int.from_bytes(hashlib.sha512(prefix + message).digest(), "little") % L
    encoded_r = _encode_point(_multiply(r, BASE))
    k = int.from_bytes(hashlib.sha512(encoded_r + public_key + message).digest(), "little") % L
    return encoded_r + ((r + k * scalar) % L).to_bytes(32, "little")


# ---------------------------------------------------------------- state
def _write_atomically(path, text):
    """Written beside, flushed to disk, then renamed over: a crash leaves the old state or the new, never half."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class Witness:
    def __init__(self, state, log_keys):
        self.state = state
        with open(os.path.join(state, "witness.json"), encoding="utf-8") as file:
            identity = json.load(file)
        with open(os.path.join(state, "witness.key"), encoding="utf-8") as file:
            self.seed = base64.b64decode(file.read().strip())
        self.name = identity["name"]
        self.key_id = parse_verifier_key(identity["vkey"], COSIGNATURE)[1]
        self.logs = {}  # origin -> the log's key (name, key id, public key)
        for vkey in log_keys:
            key = parse_verifier_key(vkey)
            self.logs[key[0]] = key
        self.lock = threading.Lock()  # the check of the old size and the write of the new one are one step
        os.makedirs(os.path.join(state, "logs"), exist_ok=True)
        os.makedirs(os.path.join(state, "evidence"), exist_ok=True)

    def _path(self, origin):
        return os.path.join(self.state, "logs", hashlib.sha256(origin.encode()).hexdigest()[:32] + ".json")

    def latest(self, origin):
        try:
            with open(self._path(origin), encoding="utf-8") as file:
                saved = json.load(file)
            return saved["size"], base64.b64decode(saved["root"])
        except FileNotFoundError:
            return 0, None

    def _keep_evidence(self, origin, size, reason, body, note):
        stamp = f"{int(time.time())}-{hashlib.sha256(origin.encode()).hexdigest()[:8]}-{size}-{reason}"
        folder = os.path.join(self.state, "evidence")
        with open(os.path.join(folder, stamp + ".request"), "w", encoding="utf-8") as file:
            file.write(body)
        with open(os.path.join(folder, stamp + ".txt"), "w", encoding="utf-8") as file:
            file.write(note)  # the log-signed checkpoint alone: a monitor's state folder takes it as it is

    def add_checkpoint(self, raw):
        """One add-checkpoint request body: (HTTP status, content type, response body)."""
        try:
            text = raw.decode("utf-8")
            head, note = text.split("\n\n", 1)
            lines = head.split("\n")
            old_line = OLD_LINE.fullmatch(lines[0])
            if not old_line or len(lines) > 64:
                return 400, "text/plain", "the body must start with an 'old <size>' line and at most 63 proof lines\n"
            old = int(old_line.group(1))
            proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
            if any(len(hash_) != 32 for hash_ in proof):
                return 400, "text/plain", "a proof line is not a base64 SHA-256 hash\n"
            body, origin, size, root, _ = parse_checkpoint(note)
            if len(root) != 32 or not body.endswith("\n") or len(body.split("\n")) < 4:
                return 400, "text/plain", "not a checkpoint\n"
        except (UnicodeDecodeError, ValueError, IndexError):
            return 400, "text/plain", "not an add-checkpoint request\n"

        key = self.logs.get(origin)
        if key is None:
            return 404, "text/plain", "unknown log\n"
        if not read_signed(note, key)[0]:
            return 403, "text/plain", "the checkpoint is not signed by the log's key\n"
        with self.lock:
            known_size, known_root = self.latest(origin)
            if old > size:
                if size < known_size:
                    self._keep_evidence(origin, size, "smaller", text, note)
                return 400, "text/plain", "the old size is larger than the checkpoint's\n"
            if old != known_size:
                if size < known_size:
                    self._keep_evidence(origin, size, "smaller", text, note)
                return 409, "text/x.tlog.size", f"{known_size}\n"
            if old == size and known_root is not None and root != known_root:
                self._keep_evidence(origin, size, "fork", text, note)
                return 409, "text/x.tlog.size", f"{known_size}\n"
            if old == 0 and proof:
                return 400, "text/plain", "the proof must be empty when the old size is 0\n"
            if old > 0 and old != size and not consistent(old, size, known_root, root, proof):
                self._keep_evidence(origin, size, "inconsistent", text, note)
                return 422, "text/plain", "the consistency proof does not verify from the checkpoint cosigned last\n"
            _write_atomically(self._path(origin), json.dumps({
                "origin": origin, "size": size, "root": base64.b64encode(root).decode(), "checkpoint": note,
            }))
            timestamp = int(time.time())
            signature = ed25519_sign(self.seed, cosignature_message(body, timestamp))
            line = base64.b64encode(self.key_id + struct.pack(">Q", timestamp) + signature).decode()
            return 200, "text/plain; charset=utf-8", f"\u2014 {self.name} {line}\n"


class Handler(http.server.BaseHTTPRequestHandler):
    witness = None
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        if self.path.split("?")[0] != "/add-checkpoint":
            return self._answer(404, "text/plain", "not found\n")
        length = int(self.headers.get("Content-Length") or "0")
        if length <= 0 or length > MAX_BODY:
            return self._answer(400, "text/plain", "a body of at most 1 MiB is required\n")
        status, content_type, body = self.witness.add_checkpoint(self.rfile.read(length))
        self._answer(status, content_type, body)

    def _answer(self, status, content_type, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        sys.stderr.write("witness: " + (format % args) + "\n")


def init(state, name):
    if not name or any(c in name for c in " +\n\u2014"):
        raise ValueError("the name must not hold spaces or '+'; a schema-less URL is usual, e.g. witness.example.org/dfe-finance")
    os.makedirs(state, exist_ok=True)
    key_file = os.path.join(state, "witness.key")
    if os.path.exists(key_file):
        raise ValueError(f"{key_file} exists: this folder already has a witness")
    seed = os.urandom(32)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(base64.b64encode(seed).decode() + "\n")
    vkey = verifier_key(name, COSIGNATURE, public_key_of(seed))
    _write_atomically(os.path.join(state, "witness.json"), json.dumps({"name": name, "vkey": vkey}))
    return vkey


def serve(state, log_keys, listen):
    lock = open(os.path.join(state, "lock"), "w")  # held while serving: one witness per state folder
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ValueError(f"another witness is serving from {state}")
    Handler.witness = Witness(state, log_keys)
    host, _, port = listen.rpartition(":")
    server = http.server.ThreadingHTTPServer((host or "127.0.0.1", int(port)), Handler)
    print(json.dumps({"listening": f"http://{server.server_address[0]}:{server.server_address[1]}",
                      "name": Handler.witness.name, "logs": sorted(Handler.witness.logs)}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def show(state):
    with open(os.path.join(state, "witness.json"), encoding="utf-8") as file:
        identity = json.load(file)
    logs = []
    folder = os.path.join(state, "logs")
    for file_name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if file_name.endswith(".json"):
            with open(os.path.join(folder, file_name), encoding="utf-8") as file:
                saved = json.load(file)
            logs.append({"origin": saved["origin"], "size": saved["size"], "root": saved["root"]})
    evidence = os.path.join(state, "evidence")
    refused = sorted(f for f in os.listdir(evidence) if f.endswith(".txt")) if os.path.isdir(evidence) else []
    return {"name": identity["name"], "vkey": identity["vkey"], "logs": logs, "evidence": refused}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    first = commands.add_parser("init", help="make a key and a state folder; prints the witness's verifier key")
    first.add_argument("--state", required=True)
    first.add_argument("--name", required=True, help="the witness's name, e.g. witness.example.org/dfe-finance")
    run = commands.add_parser("serve", help="answer POST /add-checkpoint")
    run.add_argument("--state", required=True)
    run.add_argument("--log-key", action="append", required=True, help="a log's verifier key (name+id+key); repeat for more logs")
    run.add_argument("--listen", default="127.0.0.1:7380", help="host:port (port 0 takes a free one, printed)")
    look = commands.add_parser("show", help="print the witness's key, the logs it follows and the evidence it kept")
    look.add_argument("--state", required=True)
    arguments = parser.parse_args()
    try:
        if arguments.command == "init":
            print(init(arguments.state, arguments.name))
        elif arguments.command == "serve":
            serve(arguments.state, arguments.log_key, arguments.listen)
        else:
            print(json.dumps(show(arguments.state)))
    except (OSError, ValueError, KeyError) as error:
        print(json.dumps({"ok": False, "error": str(error)}), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
