#!/usr/bin/env python3
"""Send a case to Duban's ZeroMQ ingress and print the answer.

    DUBAN_API_KEY=dbk_… python3 docs/examples/ingress_client.py tcp://127.0.0.1:5590 cases.jsonl

Each line of the file is a case as JSON (the body of POST /v1/cases). The reply comes only after the case is stored.
An idempotency key per case (here: the line's "ref", or its number) makes a resend after a timeout safe: intake
answers with the same case instead of storing it twice. Needs pyzmq (Debian: python3-zmq; PyPI: pyzmq).

On CURVE (docs/INGRESS.md), set DUBAN_SERVER_KEY_FILE to intake's public key (deploy/keys/intake.pub) and
DUBAN_CLIENT_KEY_FILE to this system's secret key (its .key from `duban keygen`), whose public key is registered on its
API key; DUBAN_API_KEY may then be left out, since the connection is the key.
"""
import json
import os
import sys

import zmq


def submit(socket, api_key, key, case, timeout_ms=5000):
    socket.send_multipart([api_key.encode(), key.encode(), json.dumps(case, ensure_ascii=False).encode()])
    if not socket.poll(timeout_ms):
        raise TimeoutError("no answer; resend with the same key")
    return json.loads(socket.recv())


def main():
    endpoint, path = sys.argv[1], sys.argv[2]
    server_key_file = os.environ.get("DUBAN_SERVER_KEY_FILE")
    # A key with the submit scope (intake keys create --name … --scope submit); on CURVE, empty: the connection is the key.
    api_key = os.environ["DUBAN_API_KEY"] if not server_key_file else os.environ.get("DUBAN_API_KEY", "")
    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    if server_key_file:
        with open(server_key_file, "rb") as server, open(os.environ["DUBAN_CLIENT_KEY_FILE"], "rb") as client:
            secret = client.read().strip()
            socket.curve_serverkey = server.read().strip()
            socket.curve_secretkey = secret
            socket.curve_publickey = zmq.curve_public(secret)
    socket.connect(endpoint)
    failures = 0
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            case = json.loads(line)
            key = case.pop("ref", None) or f"line-{number}"
            case = {k: v for k, v in case.items() if k in ("title", "description", "channel", "enterprise", "category", "location", "submitter")}
            answer = submit(socket, api_key, key, case)
            if "error" in answer:
                failures += 1
                print(f"{key}\terror\t{answer['error']['code']}\t{answer['error']['message']}")
            else:
                print(f"{key}\t{answer['id']}\t{answer['status']}")
    socket.close()
    context.term()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
