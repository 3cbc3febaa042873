"""Hostile devices at the harness level, a slow device against the watchdog,
valgrind on the simulated device, and QEMU models under the sanitizers
(tools/test runs this file again with VC_BIN an ASan+UBSan build)."""
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import BIN, needs_qemu, run

SANITIZED = os.environ.get("VC_SANITIZED") == "1"


@pytest.mark.parametrize("fault", ["cap-loop", "cap-next-low", "cap-next-unaligned", "device-cfg-end-past-4g",
                                   "device-cfg-in-empty-bar", "device-cfg-outside-bar"])
def test_hostile_layout_fails_cleanly(fault):
    t0 = time.monotonic()
    r = run("run", "--device", f"sim:{fault}", "--format", "json", timeout=60)
    assert time.monotonic() - t0 < 30
    target = {"device-cfg-end-past-4g": "pci.caps.structure-in-bar",
              "device-cfg-in-empty-bar": "pci.caps.structure-in-bar",
              "device-cfg-outside-bar": "pci.caps.structure-in-bar"}.get(fault, "pci.caps.list-well-formed")
    s = r.statuses()
    assert s[target] == "FAIL"
    assert r.rc == 1 and r.err == ""


def test_structure_end_is_computed_in_64_bits():
    """offset 0xfffffff0 + length 0x100 wraps to 0xf0 in 32 bits, inside the
    4 GiB BAR; in 64 bits it ends past it."""
    r = run("run", "--device", "sim:device-cfg-end-past-4g", "--clause", "pci.caps.structure-in-bar",
            "--format", "json")
    res = r.json()["devices"][0]["results"][0]
    assert res["status"] == "FAIL"
    assert "0xfffffff0" in res["observed"] and "0x100000000" in res["expected"]


def test_watchdog_bounds_a_slow_device():
    """Every BAR access takes 2 ms: clauses that make many overrun a 40 ms
    --timeout-ms, end in ERROR, and the run goes on with a valid report. The
    watchdog cancels the clause's device accesses first, so it unwinds and
    frees what it holds (the ASan run's leak check covers every clause)."""
    t0 = time.monotonic()
    r = run("run", "--device", "sim:latency-us=2000", "--timeout-ms", "40", "--format", "json", timeout=300)
    elapsed = time.monotonic() - t0
    report = r.json()                       # valid JSON despite the timeouts
    results = report["devices"][0]["results"]
    timed_out = [x for x in results if "did not finish within 40 ms" in x["message"]]
    assert timed_out, [x["message"] for x in results]
    assert all(x["status"] == "ERROR" for x in timed_out)
    assert any(x["status"] == "PASS" for x in results)     # the rest of the run went on
    assert r.rc == 3
    # Bounded: each clause by its watchdog, plus the reset after a driving clause.
    assert elapsed < len(results) * 0.5 + 10


def test_watchdog_jump_frees_what_the_clause_held():
    """Every doorbell blocks the driver for 2.5 s, past the watchdog's grace
    (--timeout-ms 500, then 500 ms more; the clause reaches its first
    doorbell well within the 500 ms even on a loaded machine): the watchdog
    jumps out of the clause inside the device access. The clause had its
    write buffer from
    vc_clause_alloc, which the runner frees after the jump: under ASan
    (tools/test runs this file against the sanitized build too) a leak
    would make the exit status 99 instead of 3. The next clause runs."""
    r = run("run", "--device", "sim:doorbell-stall-ms=2500", "--timeout-ms", "500",
            "--clause", "blk.config.capacity-change-notified", "--clause", "pci.common.device-feature-windows",
            "--format", "json", timeout=60)
    s = {x["id"]: x for x in r.json()["devices"][0]["results"]}
    jumped = s["blk.config.capacity-change-notified"]
    assert jumped["status"] == "ERROR" and "abandoned" in jumped["message"], jumped
    assert s["pci.common.device-feature-windows"]["status"] == "PASS"
    assert r.rc == 3, r.err


def valgrind_bin():
    if SANITIZED:
        pytest.skip("valgrind and ASan do not mix: valgrind runs against the plain build")
    if not shutil.which("valgrind"):
        pytest.skip("valgrind is not installed (tools/setup installs it)")
    return "valgrind"


@pytest.mark.parametrize("device", ["sim", "sim:packed", "sim:transitional,shm,vendor-data,sr-iov",
                                    "sim:cap-loop", "sim:device-cfg-end-past-4g", "sim:no-common-cap"])
def test_valgrind_clean_on_the_simulated_device(device, tmp_path):
    # 99, not 1: exit status 1 already means "a clause failed".
    proc = subprocess.run([valgrind_bin(), "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=all",
                           "-q", str(BIN), "run", "--device", device, "--format", "json",
                           "--output", tmp_path / "r.json"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1, 3), proc.stderr
    assert proc.stderr == "", proc.stderr
    json.loads((tmp_path / "r.json").read_text())


@needs_qemu
@pytest.mark.parametrize("model", ["virtio-rng-pci", "virtio-net-pci,packed=on"])
def test_qemu_model_runs_clean(model):
    """Under tools/test's ASan+UBSan build, a sanitizer report makes the exit
    status 99 and prints to stderr."""
    r = run("run", "--device", f"qemu:{model}", "--format", "json", timeout=600)
    assert r.rc in (0, 1, 3), r.err       # verdicts are test_qemu's business; crashes are ours
    assert "Sanitizer" not in r.err and "runtime error" not in r.err
    assert r.json()["devices"][0]["results"]


def test_a_device_that_stops_working_stops_the_clock(tmp_path):
    """A device whose reset is lost: the run says once during which clause the
    device went away and what was seen, the later clauses that need the
    device are BLOCKED without waiting out their timeouts, and every report
    format shows it; BLOCKED makes the exit status 1."""
    t0 = time.monotonic()
    reports = {f: tmp_path / f"r.{f}" for f in ("text", "tap", "junit", "html", "summary")}
    r = run("run", "--device", "sim:reset-lost-at-driver-ok", "--format", "json",
            *[a for f, p in reports.items() for a in ("--report", f"{f}:{p}")], timeout=60)
    assert time.monotonic() - t0 < 10
    dev = r.json()["devices"][0]
    stopped = dev["stopped"]
    assert stopped and "did not complete" in stopped["cause"]
    st = r.statuses()
    assert st["pci.reset.status-reads-zero"] == "FAIL"
    assert st[stopped["during"]] == "FAIL"
    blocked = [i for i, s in st.items() if s == "BLOCKED"]
    assert blocked and dev["summary"]["blocked"] == len(blocked)
    assert st["pci.caps.list-well-formed"] == "PASS"         # config space only: still runs
    assert all(stopped["during"] in x["message"] for x in dev["results"] if x["status"] == "BLOCKED")
    assert r.rc == 1
    text = {f: p.read_text() for f, p in reports.items()}
    assert "stopped working during " + stopped["during"] in text["text"]
    assert f"{len(blocked)} blocked" in text["summary"]
    assert "severity: blocked" in text["tap"] and f"not ok" in text["tap"]
    assert f'errors="{len(blocked)}"' in text["junit"]
    assert f'data-blocked="{len(blocked)}"' in text["html"] and 'id="stopped"' in text["html"]


@needs_qemu
def test_a_vhost_user_backend_that_gives_up_stops_the_clock(tmp_path):
    """libvhost-user (qemu-storage-daemon) stops serving the device for good
    after one malformed chain: one FAIL names the cause, the rest that need
    the device are BLOCKED, and the run does not wait out every timeout."""
    qsd = shutil.which("qemu-storage-daemon")
    if not qsd:
        pytest.skip("qemu-storage-daemon is not installed (tools/setup installs qemu-system-x86)")
    sock = tmp_path / "vu.sock"
    daemon = subprocess.Popen([qsd, "--blockdev", "driver=null-co,node-name=d,size=1048576,read-zeroes=on",
                               "--export", f"type=vhost-user-blk,id=e,node-name=d,addr.type=unix,"
                               f"addr.path={sock},writable=on"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        env = dict(os.environ, VC_QEMU_ARGS="-object memory-backend-memfd,id=mem,size=256M,share=on "
                   f"-machine memory-backend=mem -chardev socket,id=vu,path={sock}")
        t0 = time.monotonic()
        r = run("run", "--device", "qemu:vhost-user-blk-pci,chardev=vu", "--format", "json", env=env,
                timeout=120)
        elapsed = time.monotonic() - t0
    finally:
        daemon.terminate()
        _, err = daemon.communicate(timeout=10)
    assert "vu_panic" in err                                  # the backend gave up
    assert elapsed < 15
    dev = r.json()["devices"][0]
    assert dev["stopped"] and "no longer used requests" in dev["stopped"]["cause"]
    st = r.statuses()
    assert st[dev["stopped"]["during"]] == "FAIL"
    assert list(st.values()).count("BLOCKED") >= 10
    assert not any("not used within" in x["message"] for x in dev["results"]
                   if x["status"] == "FAIL" and x["id"] != dev["stopped"]["during"])


def run_processes_under(path):
    """The processes whose command line names path (a zombie's is empty)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if path.encode() in f.read():
                        found.append(int(pid))
            except OSError:
                pass
    return found


@needs_qemu
def test_no_qemu_outlives_the_run(tmp_path):
    """A VC_QEMU that forks QEMU instead of exec'ing it (a wrapper such as
    time or a tracer): the device's close still takes QEMU with it, as QEMU
    runs in a process group of its own. Nothing of the run is left running."""
    wrapper = tmp_path / "qemu-wrapper"
    wrapper.write_text('#!/bin/sh\n/usr/bin/qemu-system-x86_64 "$@"\nexit $?\n')   # sh forks, waits
    wrapper.chmod(0o755)
    tmp = tempfile.mkdtemp(prefix="vc-o-", dir="/tmp")     # short: the harness's sockets live under it
    try:
        env = dict(os.environ, VC_QEMU=str(wrapper), TMPDIR=tmp)
        r = run("run", "--device", "qemu:virtio-net-pci", "--clause", "pci.discovery.*", "--format", "json",
                env=env)
        assert r.rc == 0, r.err
        deadline = time.monotonic() + 5
        while run_processes_under(tmp) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = run_processes_under(tmp)
        for pid in left:
            os.kill(pid, 9)
        assert not left, "QEMU outlived the run"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
