"""tools/bench runs and prints its figures (a smoke test: no timing is judged)."""
import shutil
import subprocess
import sys

import pytest

from conftest import BIN, SOURCE


def test_bench_quick_prints_every_figure():
    if not shutil.which("qemu-system-x86_64"):
        pytest.skip("QEMU is not installed")
    proc = subprocess.run([sys.executable, str(SOURCE / "tools" / "bench"), "--quick", "--build", str(BIN.parent)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for figure in ("full suite wall time", "doorbell traced / untraced", "QEMU start-to-quit",
                   "suite / QEMU start-to-quit", "qtest commands", "qtest waits", "4 devices", "peak memory",
                   "reply wait asleep", "guest RAM through qtest", "QEMU start-to-quit alone, 2 at once",
                   "2 devices / 1 device", "robustness profile wall time", "the conversation's floor"):
        assert figure in proc.stdout, figure
