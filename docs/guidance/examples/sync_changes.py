#!/usr/bin/env python3
"""Keeps a local copy of your NPQ data in step with the change feed (GET /api/v3/changes).

    NPQ_URL=https://… NPQ_TOKEN=… python3 sync_changes.py [--state copy.json] [--once]

The copy is one JSON file: the cursor, and every resource you can see, by type and id, as the API
returned it. Each change is applied by reading the resource again at its link (a 404 removes it:
it is no longer yours). The cursor is saved after every page, with the resources it covers, so a
restart carries on where it stopped; a change seen twice is applied twice, which is harmless.
Standard library only.
"""
import argparse, json, os, sys, time, urllib.error, urllib.parse, urllib.request

URL = os.environ.get("NPQ_URL", "http://127.0.0.1:5080").rstrip("/")
TOKEN = os.environ["NPQ_TOKEN"]


def get(path):
    """GET with the token; the status and the JSON body. Retries 429 and 5xx after a pause."""
    for attempt in range(8):
        request = urllib.request.Request(URL + path, headers={"Authorization": f"Bearer {TOKEN}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            if error.code in (429, 502, 503, 504):
                time.sleep(int(error.headers.get("Retry-After", "1")) * (attempt + 1))
                continue
            return error.code, json.load(error)
        except urllib.error.URLError:
            time.sleep(attempt + 1)
    raise SystemExit(f"{path}: no answer after 8 tries")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"cursor": None, "resources": {}}


def save(path, state):
    with open(path + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(path + ".tmp", path)  # all or nothing: a crash leaves the last good copy


def apply(state, kind, resource_id, link):
    status, body = get(link)
    key = f"{kind}/{resource_id}"
    if status == 200:
        state["resources"][key] = body["data"]
    elif status == 404:
        state["resources"].pop(key, None)
    else:
        raise SystemExit(f"{link}: {status} {body}")


def sync(state_file, once):
    state = load(state_file)
    while True:
        query = {"limit": "500"}
        if state["cursor"]:
            query["cursor"] = state["cursor"]
        status, page = get("/api/v3/changes?" + urllib.parse.urlencode(query))
        if status != 200:
            raise SystemExit(f"changes: {status} {page}")
        for item in page["data"]:
            apply(state, item["resource_type"], item["resource_id"], item["links"]["self"])
            if item["links"].get("participant"):
                apply(state, "participant", item["participant_id"], item["links"]["participant"])
        state["cursor"] = page["next_cursor"]
        save(state_file, state)
        print(json.dumps({"applied": len(page["data"]), "held": len(state["resources"]), "has_more": page["has_more"]}), flush=True)
        if not page["has_more"]:
            if once:
                return
            time.sleep(30)  # caught up: poll again later


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--state", default="npq-copy.json")
    parser.add_argument("--once", action="store_true", help="stop when caught up instead of polling")
    arguments = parser.parse_args()
    sync(arguments.state, arguments.once)
