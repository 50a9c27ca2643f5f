#!/usr/bin/env python3
"""Receive Duban's escalation notices over ZeroMQ without missing any, across your own restarts.

    python3 docs/examples/notice_subscriber.py tcp://127.0.0.1:5580 tcp://127.0.0.1:5581 position.txt [--catch-up-only]

PUB delivers only while you are connected. So: subscribe first, then ask the replay socket for everything after the
last `seq` you handled (kept in the position file), then handle live notices, skipping those already handled during
catch-up. Each notice also has a stable `id` to deduplicate by. Prints one JSON line per notice handled.
Needs pyzmq (Debian: python3-zmq; PyPI: pyzmq).
"""
import json
import os
import sys

import zmq

VERSION = b"duban-notices/1"


def read_position(path):
    try:
        with open(path, encoding="utf-8") as f:
            return int(f.read().strip() or 0)
    except FileNotFoundError:
        return 0


def save_position(path, seq):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(seq))
    os.replace(path + ".tmp", path)


def fetch(replay, after, limit=500, timeout_ms=5000):
    replay.send_multipart([VERSION, b"FETCH", str(after).encode(), str(limit).encode()])
    if not replay.poll(timeout_ms):
        raise TimeoutError("the replay socket did not answer")
    frames = replay.recv_multipart()
    if frames[1] == b"ERROR":
        raise RuntimeError(frames[2].decode() + ": " + frames[3].decode())
    return [json.loads(frame) for frame in frames[3:]]


def handle(notice, path):
    print(json.dumps({"seq": notice["seq"], "id": notice["id"], "topic": notice["topic"]}, ensure_ascii=False), flush=True)
    save_position(path, notice["seq"])


def main():
    live_endpoint, replay_endpoint, path = sys.argv[1:4]
    catch_up_only = "--catch-up-only" in sys.argv
    context = zmq.Context()
    live = context.socket(zmq.SUB)
    live.setsockopt(zmq.LINGER, 0)
    live.setsockopt(zmq.SUBSCRIBE, b"notice.")
    live.connect(live_endpoint)
    replay = context.socket(zmq.DEALER)
    replay.setsockopt(zmq.LINGER, 0)
    replay.connect(replay_endpoint)

    position = read_position(path)
    while True:
        batch = fetch(replay, position)
        for notice in batch:
            handle(notice, path)
            position = notice["seq"]
        if len(batch) < 500:
            break
    if catch_up_only:
        return
    while True:
        topic, body = live.recv_multipart()
        notice = json.loads(body)
        if notice["seq"] <= position:
            continue  # already handled while catching up
        if notice["seq"] > position + 1:
            for missed in fetch(replay, position, notice["seq"] - position - 1):
                handle(missed, path)
        handle(notice, path)
        position = notice["seq"]


if __name__ == "__main__":
    main()
