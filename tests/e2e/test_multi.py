"""Several devices in one run: each gets its own results in every report
format, and they run in parallel processes (one device runs in a process of
its own too)."""
import json
import os
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

from conftest import BIN, run


def test_each_device_has_its_own_results(tmp_path):
    devices = ["sim", "sim:revision-zero", "sim:no-isr-cap"]
    args = ["run", "--format", "json", "--output", tmp_path / "r.json",
            "--report", f"junit:{tmp_path / 'r.xml'}", "--report", f"tap:{tmp_path / 'r.tap'}"]
    for d in devices:
        args += ["--device", d]
    r = run(*args)
    assert r.rc == 1, r.err                       # no-isr-cap fails a MUST
    report = json.loads((tmp_path / "r.json").read_text())
    assert [d["spec"] for d in report["devices"]] == devices
    status = {d["spec"]: {x["id"]: x["status"] for x in d["results"]} for d in report["devices"]}
    assert status["sim"]["pci.isr.present"] == "PASS"
    assert status["sim:no-isr-cap"]["pci.isr.present"] == "FAIL"
    assert status["sim:revision-zero"]["pci.discovery.modern-revision"] == "WARN"
    assert len(ET.parse(tmp_path / "r.xml").getroot().findall("testsuite")) == 3
    assert (tmp_path / "r.tap").read_text().count("# Subtest:") == 3


def test_device_list_file(tmp_path):
    lst = tmp_path / "devices.txt"
    lst.write_text("# the lab\nsim\n\n  sim:type=4   # entropy\n")
    r = run("run", "--devices", lst, "--format", "json")
    assert r.rc == 0, r.err
    assert [d["spec"] for d in r.json()["devices"]] == ["sim", "sim:type=4"]


def test_a_device_that_cannot_be_opened_is_reported_not_fatal():
    r = run("run", "--device", "sim", "--device", "dump:/nonexistent", "--format", "json")
    assert r.rc == 3
    devs = r.json()["devices"]
    assert devs[0]["summary"]["fail"] == 0
    assert "not run" in devs[1]["note"]
    assert "/nonexistent" in r.err


def test_empty_device_list(tmp_path):
    (tmp_path / "none.txt").write_text("# nothing\n")
    r = run("run", "--devices", tmp_path / "none.txt")
    assert r.rc == 2 and "names no device" in r.err


def test_a_device_process_that_dies_is_reported():
    """The process running the only device is killed mid-run: the harness
    says so in one line and exits 3, without waiting for anything more."""
    proc = subprocess.Popen([str(BIN), "run", "--device", "sim:latency-us=2000", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        runner = []
        deadline = time.monotonic() + 10
        while not runner and time.monotonic() < deadline:
            runner = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
            time.sleep(0.01)
        assert runner, "no process runs the device"
        time.sleep(0.2)
        os.kill(int(runner[0]), signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 3, err
    assert err.splitlines() == ["virtio-conform: the process running sim:latency-us=2000 ended without its "
                                "results (status 0x9)"], err
