"""vhost-user: devices whose virtqueues another process serves, behind QEMU as
the frontend. Bad sockets are one line and exit 3; a backend that goes away
is one line and stops the clock; and the default suite runs on each backend
the harness can start (fixtures/vhost-user/matrix.txt), with its own expect
file for the failures written up in docs/findings.md.

An implementation that dies during a clause (the backend exits or
disconnects, or QEMU crashes) cannot give the later clauses a verdict, so
the matrix run starts a fresh device and goes on from the clause that could
not run; every clause during which or right after which it died must be one
the matrix line names (`kills=`), each a finding, unless the backend's last
words name a death the matrix line says can come during any clause
(`dies=`: a documented finding whose timing no clause decides)."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

from conftest import SOURCE, needs_qemu, run

FIXTURES = SOURCE / "fixtures" / "vhost-user"


def matrix():
    rows = []
    for line in (FIXTURES / "matrix.txt").read_text().splitlines():
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        spec, expect, *rest = line
        kills = [g for r in rest if r.startswith("kills=") for g in r[6:].split(",")]
        dies = [w.replace("_", " ") for r in rest if r.startswith("dies=") for w in r[5:].split(",")]
        timeout = next((r[8:] for r in rest if r.startswith("timeout=")), None)
        marks = [pytest.mark.skipif("slow" in rest and not os.environ.get("VC_VHOST_ALL"),
                                    reason="a slow row: VC_VHOST_ALL=1 runs it (tools/test does)")]
        rows.append(pytest.param(spec, expect, kills, dies, timeout, id=spec, marks=marks))
    return rows


BINARIES = {"blk": "qemu-storage-daemon", "net": "dpdk-testpmd", "fs": "/usr/lib/qemu/virtiofsd"}


def have_backend(spec):
    kind = spec.split(":")[1].split(",")[0]
    return shutil.which(BINARIES[kind]) is not None


def dead_note(note):
    return bool(note) and "later operations fail" in note


@needs_qemu
@pytest.mark.parametrize("spec,expect,kills,dies,timeout", matrix())
def test_backend_runs_default_suite(spec, expect, kills, dies, timeout, artifacts):
    if not have_backend(spec):
        pytest.skip(f"the backend for {spec} is not installed (tools/setup installs it)")
    ids = [c["id"] for c in run("list", "--format", "json").json()]
    final, deaths, implementation, last_dead = {}, [], None, None
    todo = ids
    name = re.sub(r"[^A-Za-z0-9.=-]", "_", spec)
    for attempt in range(80):
        out = artifacts / f"{name}.{attempt}.json"
        args = ["run", "--device", spec, "--format", "json", "--output", out, "--expect", FIXTURES / expect]
        if timeout:
            args += ["--timeout-ms", timeout]
        batch, todo = todo[:60], todo[60:]          # the command line takes 64 globs at most
        for i in batch:
            args += ["--clause", i]
        r = run(*args, timeout=900)
        if r.rc == 2 and "no selected clause applies" in r.err:
            if not todo:          # a batch of other device types' clauses only: nothing to run
                break
            continue
        assert r.rc in (0, 1, 3) and out.exists(), r.err      # 3: a clause could not run (the device died)
        dev = json.loads(out.read_text())["devices"][0]
        implementation = implementation or dev.get("implementation")
        results = dev["results"]
        first_dead, during = None, None
        stopped = dev.get("stopped") or {}
        ran = [x["id"] for x in results]
        if stopped.get("during") in ran:
            # the runner names the clause during which the device went away
            # (that clause FAILs with the cause, its own finding first)
            first_dead = during = ran.index(stopped["during"])
        elif dead_note(dev.get("note")):
            # the first clause that could not run: the device had gone during
            # it or just before it (after the clause before had its verdict)
            for k, x in enumerate(results):
                if x["status"] in ("ERROR", "BLOCKED") or x["message"].startswith("the device stopped working"):
                    first_dead = k
                    break
        for x in results[:first_dead]:
            final[x["id"]] = x
        if first_dead is None:
            if not todo:
                break
            continue
        rest = todo
        x = results[first_dead]
        before = results[first_dead - 1]["id"] if first_dead else None
        if last_dead == x["id"]:
            # on a fresh device it dies again in the same clause: that one ends it
            final[x["id"]] = x
            deaths[-1] = (x["id"], "during", dev["note"])
            todo = [r["id"] for r in results[first_dead + 1:]] + rest
        elif during is not None:
            deaths.append((x["id"], "during", dev["note"]))
        else:
            deaths.append((before or x["id"], "after" if before else "during", dev["note"]))
            todo = [r["id"] for r in results[first_dead:]] + rest
        last_dead = x["id"]
        if not todo:
            break
    assert implementation and "QEMU" in implementation and "vhost-user backend" in implementation, implementation
    killers = {d[0] for d in deaths}
    unlisted = {d[0] for d in deaths if not any(re.fullmatch(g.replace(".", r"\.").replace("*", ".*"), d[0])
                                                for g in kills) and not any(w in d[2] for w in dies)}
    assert not unlisted, f"{spec} died in or after clauses its matrix line does not name: " \
                         f"{[d for d in deaths if d[0] in unlisted]}"
    errors = {i: x["message"] for i, x in final.items() if x["status"] == "ERROR" and i not in killers}
    assert not errors, f"harness errors on {spec}: {errors}"
    unexpected = {i: x["message"] for i, x in final.items() if x["status"] in ("FAIL", "WARN") and i not in killers}
    assert not unexpected, f"new failures on {spec} (fix the harness or write up a finding): {unexpected}"
    (artifacts / f"{name}.summary.json").write_text(json.dumps(
        {"spec": spec, "implementation": implementation, "deaths": deaths,
         "statuses": {i: x["status"] for i, x in final.items()}}, indent=1))


# ---- bad sockets: one line naming the path and what is there, exit 3 ----

def one_line(r):
    lines = [l for l in r.err.splitlines() if l.strip()]
    assert len(lines) == 1, r.err
    return lines[0]


@needs_qemu
def test_missing_socket(tmp_path):
    path = tmp_path / "nothing.sock"
    r = run("run", "--device", f"vhost-user:blk:{path}")
    assert r.rc == 3 and str(path) in one_line(r) and "no such file" in r.err


@needs_qemu
def test_not_a_socket(tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    r = run("run", "--device", f"vhost-user:net:{path}")
    assert r.rc == 3 and str(path) in one_line(r) and "regular file, not a unix socket" in r.err


@needs_qemu
def test_nothing_listening(tmp_path):
    path = tmp_path / "stale.sock"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))          # bound, never listening: as a backend that went away leaves it
    try:
        r = run("run", "--device", f"vhost-user:blk:{path}")
    finally:
        s.close()
    assert r.rc == 3 and str(path) in one_line(r) and "nothing listens" in r.err


@needs_qemu
def test_not_vhost_user(tmp_path):
    """Something that accepts the connection but never speaks vhost-user."""
    path = tmp_path / "silent.sock"
    server = subprocess.Popen([sys.executable, "-c", (
        "import socket,sys,time\n"
        "s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)\n"
        "print('ready', flush=True); c=s.accept(); time.sleep(30)\n"), str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        start = time.monotonic()
        r = run("run", "--device", f"vhost-user:blk:{path}")
        took = time.monotonic() - start
    finally:
        server.kill()
        server.wait()
    line = one_line(r)
    assert r.rc == 3 and str(path) in line and "no vhost-user answer" in line, line
    assert f"pid {server.pid}" in line, line
    assert took < 10, took


def test_usage_errors():
    for spec, words in (("vhost-user:floppy:/x", "give a device type"),
                        ("vhost-user:rng", "give the backend's socket"),
                        ("vhost-user:blk:/x,chardev=c", "leave out")):
        r = run("run", "--device", spec)
        assert r.rc == 2 and words in one_line(r), (spec, r.err)


# ---- a backend that goes away mid-run ----

@needs_qemu
def test_backend_death_is_one_line():
    """libvhost-user gives up on the device after a malformed chain
    (docs/findings.md): the run says so once, and no later clause waits out
    its timeout."""
    if not have_backend("vhost-user:blk"):
        pytest.skip("qemu-storage-daemon is not installed")
    start = time.monotonic()
    r = run("run", "--device", "vhost-user:blk", "--clause", "pci.status.needs-reset-on-error",
            "--clause", "virtqueue.split.*", "--format", "json")
    took = time.monotonic() - start
    gone = [l for l in r.err.splitlines() if "vhost-user backend" in l]
    assert len(gone) == 1 and "qemu-storage-daemon" in gone[0] and "vu_panic" in gone[0], r.err
    dev = r.json()["devices"][0]
    assert dead_note(dev["note"]) and "vu_panic" in dev["note"]
    assert took < 15, took


@needs_qemu
def test_backend_killed_mid_run():
    """The backend process killed under a run: one line with how it ended."""
    if not have_backend("vhost-user:blk"):
        pytest.skip("qemu-storage-daemon is not installed")
    proc = subprocess.Popen([str(SOURCE / "build" / "virtio-conform") if not os.environ.get("VC_BIN")
                             else os.environ["VC_BIN"], "run", "--device", "vhost-user:blk",
                             "--clause", "virtqueue.*", "--clause", "pci.*", "--format", "json",
                             "--timeout-ms", "4000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        daemon = None
        for _ in range(300):
            # the device's process, a child of the harness, starts the daemon
            runner = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
            out = [pid for r in runner for pid in subprocess.run(
                ["pgrep", "-P", r, "-f", "qemu-storage-daemon"], capture_output=True, text=True).stdout.split()]
            if out:
                daemon = int(out[0])
                break
            time.sleep(0.01)
        assert daemon, "the harness did not start qemu-storage-daemon"
        time.sleep(0.3)
        os.kill(daemon, 9)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    gone = [l for l in err.splitlines() if "qemu-storage-daemon" in l]
    assert len(gone) == 1 and "killed by signal 9" in gone[0], err
