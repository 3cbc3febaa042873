"""Shared fixtures: where the binary and the sources are, and a runner."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

SOURCE = pathlib.Path(os.environ.get("VC_SOURCE", pathlib.Path(__file__).resolve().parents[2]))
BIN = pathlib.Path(os.environ.get("VC_BIN", SOURCE / "build" / "virtio-conform"))
# Reports that CI keeps (sysfs runs on the host's own devices, and so on).
ARTIFACTS = pathlib.Path(os.environ.get("VC_ARTIFACTS", SOURCE / "build" / "artifacts"))


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def statuses(self, device=0):
        return {r["id"]: r["status"] for r in self.json()["devices"][device]["results"]}

    def failing(self, device=0):
        return {i for i, s in self.statuses(device).items() if s in ("FAIL", "WARN", "ERROR")}


def run(*args, timeout=120, env=None):
    if not BIN.exists():
        pytest.fail(f"{BIN} is not built: run tools/setup or cmake --build build")
    proc = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)
    return Result(proc)


def device_coverage():
    """tools/coverage's figures for the device types' rules, by area (BLK, CAN, ...)."""
    out = subprocess.run([str(SOURCE / "tools" / "coverage"), "--binary", str(BIN), "--json"], capture_output=True,
                         text=True, check=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return next(v for k, v in figures.items() if k.startswith("device-type"))["areas"]


@pytest.fixture(scope="session")
def vc():
    return run


@pytest.fixture(scope="session")
def clauses():
    """Every clause, the profiles' included (named by a glob, they are listed)."""
    return run("list", "--clause", "*", "--format", "json").json()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def have_qemu():
    return shutil.which(os.environ.get("VC_QEMU", "qemu-system-x86_64")) is not None


needs_qemu = pytest.mark.skipif(not have_qemu(), reason="qemu-system-x86_64 is not installed "
                                "(tools/setup installs qemu-system-x86)")


# Facts a run wants in its output whatever the outcome (the guest kernel
# the vfio tests ran on, say): tests add lines, pytest prints them at the end.
NOTES = []


def pytest_terminal_summary(terminalreporter):
    for line in NOTES:
        terminalreporter.write_line(line)
