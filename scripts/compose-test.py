#!/usr/bin/env python3
"""`make compose-test`: docker-compose.yml, unchanged, brought up in real containers with podman-compose and fed cases.

Builds the image from deploy/Dockerfile (on stand-in base images, deploy/podman/standin-images.sh), generates keys
with the image's own `duban keygen` when deploy/keys/ has none, brings the stack up, waits for every service's
/health, submits cases through intake's published port, restarts the routing container mid-stream, checks that every
accepted case reaches reporting routed exactly once, reads the logs for errors, and tears everything down (volumes
included), also when a step fails. Standard library only.
"""
import html
from http.client import HTTPConnection
import json
import re
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT = "duban-compose-test"
IMAGE = "duban:latest"
SERVICES = {"intake": 8080, "routing": 8081, "escalation": 8082, "reporting": 8083}
COMPOSE = ["podman-compose", "-p", PROJECT, "-f", os.path.join(ROOT, "docker-compose.yml")]


def step(text):
    print(f"[compose-test {time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(args, **kw):
    return subprocess.run(args, cwd=ROOT, check=True, **kw)


def http(method, url, body=None, timeout=5, headers=None):
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json", **(headers or {})}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def http_text(method, path, body=None, headers=None):
    """One request to reporting without following redirects: (status, headers, text)."""
    connection = HTTPConnection("127.0.0.1", 8083, timeout=10)
    try:
        form = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        connection.request(method, path, body=body, headers={**form, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_until(what, check, seconds):
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline:
        try:
            if check():
                return
        except (OSError, ValueError) as error:  # not up yet
            last = error
        time.sleep(1)
    raise SystemExit(f"compose-test: timed out waiting for {what} ({last})")


def healthy(port):
    status, _ = http("GET", f"http://127.0.0.1:{port}/health", timeout=2)
    return status == 200


def submit(case, key, attempts=30):
    # Accepted means stored: retry only when the request did not get an answer (intake restarting), never after a 201.
    for _ in range(attempts):
        try:
            status, body = http("POST", "http://127.0.0.1:8080/v1/cases", case, headers={"Authorization": f"Bearer {key}"})
            if status == 201:
                return body["id"]
            raise SystemExit(f"compose-test: intake refused a case: {status} {body}")
        except OSError:
            time.sleep(1)
    raise SystemExit("compose-test: intake did not answer")


def main():
    cases = [json.loads(line) for line in open(os.path.join(ROOT, "deploy/demo/cases.jsonl"), encoding="utf-8")]
    step("stand-in base images")
    run([os.path.join(ROOT, "deploy/podman/standin-images.sh")])
    if os.environ.get("COMPOSE_TEST_REUSE_IMAGE") and subprocess.run(["podman", "image", "exists", IMAGE]).returncode == 0:
        step(f"reusing {IMAGE} (COMPOSE_TEST_REUSE_IMAGE is set)")
    else:
        step(f"building {IMAGE} from deploy/Dockerfile (a release build: many minutes on 2 cores)")
        run(["podman", "build", "-q", "-f", "deploy/Dockerfile", "-t", IMAGE, "."], stdout=subprocess.DEVNULL)
    keys = os.path.join(ROOT, "deploy/keys")
    if not os.path.exists(os.path.join(keys, "intake.key")):
        step("generating keys into deploy/keys/ with the image's duban keygen")
        os.makedirs(keys, exist_ok=True)
        run(["podman", "run", "--rm", "-v", f"{keys}:/keys", IMAGE, "duban", "keygen", "--dir", "/keys"])

    failed = True
    try:
        step("podman-compose up (podman's complaints about systemd healthcheck timers go to the log: none run here)")
        with open(os.path.join(ROOT, ".build-compose-test.log"), "w") as log:
            run(COMPOSE + ["up", "-d"], stdout=log, stderr=subprocess.STDOUT)
        for name, port in SERVICES.items():
            wait_until(f"{name} /health", lambda: healthy(port), 120)
        step("all four services healthy")
        key = subprocess.run(["podman", "exec", f"{PROJECT}_intake_1", "intake", "keys", "create", "--name", "compose-test",
                              "--scope", "submit", "--scope", "read"], check=True, capture_output=True, text=True).stdout.strip()
        step("API key created inside the intake container (intake keys create)")

        auth = {"Authorization": f"Bearer {key}"}  # reporting answers only a session or a key
        status, _ = http("GET", "http://127.0.0.1:8083/v1/cases")
        if status != 401:
            raise SystemExit(f"compose-test: reporting answered {status} to a request without a key")
        ids, titles = [], []
        for n in range(60):
            source = cases[n % len(cases)]
            case = {k: source[k] for k in ("title", "description", "channel", "enterprise") if source.get(k)}
            case["title"] = f"{case['title']}（{n + 1}）"
            titles.append(case["title"])
            ids.append(submit(case, key))
            if n == 20:
                step("restarting the routing container mid-stream")
                run(["podman", "restart", "-t", "0", f"{PROJECT}_routing_1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if n == 40:
                step("restarting the intake container mid-stream")
                run(["podman", "restart", "-t", "0", f"{PROJECT}_intake_1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        step(f"{len(ids)} cases accepted; waiting for all of them in reporting")

        def all_routed():
            for case_id in ids:
                status, view = http("GET", f"http://127.0.0.1:8083/v1/cases/{case_id}", headers=auth)
                if status != 200 or not view.get("bureau") or not view.get("deadline"):
                    return False
            return True
        wait_until("every case routed in reporting", all_routed, 120)
        if len(set(ids)) != len(ids):
            raise SystemExit("compose-test: intake gave the same id twice")
        status, listed = http("GET", "http://127.0.0.1:8083/v1/cases?limit=500", headers=auth)
        listed_ids = [item["id"] for item in listed["cases"]]
        if status != 200 or listed["total"] != len(ids) or sorted(listed_ids) != sorted(ids):
            raise SystemExit(f"compose-test: reporting lists {listed.get('total')} cases, intake accepted {len(ids)}")
        step(f"all {len(ids)} cases routed in reporting, each once")

        # The dashboard inside the containers: a person made with intake's command signs in through reporting's page
        # (reporting's container reaches intake's at INTAKE_URL, http://intake:8080), changes the temporary password,
        # and lands on the bureau's workbench; a case's page renders for them.
        status, view = http("GET", f"http://127.0.0.1:8083/v1/cases/{ids[0]}", headers=auth)
        bureau = view["bureau"]
        created = subprocess.run(["podman", "exec", f"{PROJECT}_intake_1", "intake", "accounts", "create", "--login", "compose.clerk",
                                  "--name", "测试承办人", "--role", "bureau-clerk", "--unit", bureau],
                                 check=True, capture_output=True, text=True).stdout
        temporary = next(line.split()[2] for line in created.splitlines() if "temporary password:" in line)
        form = http_text("GET", "/dashboard/sign-in")
        sign_in_cookie = next(part.split(";")[0] for part in form[1].get_all("Set-Cookie") if part.startswith("duban_sign_in="))
        csrf = re.search(r'name="csrf" value="([^"]+)"', form[2]).group(1)
        signed = http_text("POST", "/dashboard/sign-in", urllib.parse.urlencode({"login": "compose.clerk", "password": temporary, "csrf": csrf}),
                           headers={"Cookie": sign_in_cookie})
        session = next((part for part in signed[1].get_all("Set-Cookie") or [] if part.startswith("duban_session=")), "")
        if signed[0] != 303 or signed[1].get("Location") != "/dashboard/password" or "HttpOnly" not in session:
            raise SystemExit(f"compose-test: sign-in answered {signed[0]} to {signed[1].get('Location')} with cookie {session!r}")
        cookie = session.split(";")[0]
        page = http_text("GET", "/dashboard/password", headers={"Cookie": cookie})
        csrf = re.search(r'name="csrf" value="([^"]+)"', page[2]).group(1)
        changed = http_text("POST", "/dashboard/password", urllib.parse.urlencode(
            {"current": temporary, "new": "Compose-test-2026!", "confirm": "Compose-test-2026!", "csrf": csrf}), headers={"Cookie": cookie})
        cookie = next(part for part in changed[1].get_all("Set-Cookie") if part.startswith("duban_session=")).split(";")[0]
        workbench = http_text("GET", "/dashboard/workbench", headers={"Cookie": cookie})
        if workbench[0] != 200 or f'data-case="{ids[0]}"' not in workbench[2] or "测试承办人" not in workbench[2]:
            raise SystemExit(f"compose-test: the clerk's workbench answered {workbench[0]} without the bureau's case")
        page = http_text("GET", f"/dashboard/cases/{ids[0]}", headers={"Cookie": cookie})
        if page[0] != 200 or ids[0] not in page[2] or html.escape(titles[0], quote=False) not in page[2]:
            raise SystemExit(f"compose-test: the case page of {ids[0]} answered {page[0]} without the case")
        refused = http_text("GET", "/dashboard/workbench")
        if refused[0] != 303 or not refused[1].get("Location", "").startswith("/dashboard/sign-in"):
            raise SystemExit("compose-test: the workbench opened without a session")
        step("dashboard: a clerk signs in through intake, changes the password, sees the bureau's case; no session, no page")

        logs = subprocess.run(COMPOSE + ["logs"], cwd=ROOT, capture_output=True, text=True)
        lines = (logs.stdout + logs.stderr).splitlines()
        errors = [line for line in lines if " error " in line or " critical " in line]
        if errors:
            raise SystemExit("compose-test: errors in the logs:\n" + "\n".join(errors[:20]))
        step(f"logs read ({len(lines)} lines): no errors")
        running = subprocess.run(["podman", "ps", "--filter", f"name={PROJECT}_", "--format", "{{.Names}} {{.State}}"],
                                 capture_output=True, text=True, check=True).stdout.split("\n")
        # podman 4.3 prints the state as "Up 12 seconds ago", later versions as "running".
        up = sorted(line.split()[0] for line in running if line.split()[1:2] in (["Up"], ["running"]))
        if up != sorted(f"{PROJECT}_{name}_1" for name in SERVICES):
            raise SystemExit(f"compose-test: not every container is running: {running}")
        step("all four containers still running")
        failed = False
    finally:
        if failed:
            subprocess.run(COMPOSE + ["logs"], cwd=ROOT)
        step("podman-compose down, volumes included")
        subprocess.run(COMPOSE + ["down", "-v"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    step("passed")


if __name__ == "__main__":
    main()
