"""The progress line: on a terminal (standard error), the device, clauses
done of how many and the clause running; erased before the report; never
when standard error is not a terminal, or with --quiet."""
import json
import os
import pty
import re
import subprocess
import threading

from conftest import BIN


def run_on_terminal(*args, env=None):
    """Run with standard error on a pseudo-terminal; returns (rc, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    got = bytearray()

    def reader():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:       # EIO once the last writer is gone
                return
            if not data:
                return
            got.extend(data)

    t = threading.Thread(target=reader)
    t.start()
    proc = subprocess.run([str(BIN), *map(str, args)], stdout=subprocess.PIPE, stderr=slave, timeout=120,
                          env={**os.environ, "TERM": "xterm", **(env or {})})
    os.close(slave)
    t.join(timeout=10)
    os.close(master)
    return proc.returncode, proc.stdout.decode(), got.decode(errors="replace")


def test_progress_on_a_terminal():
    rc, out, term = run_on_terminal("run", "--device", "sim", "--format", "json")
    assert rc == 0
    report = json.loads(out)              # the report is untouched
    total = report["summary"]["total"]
    ids = [r["id"] for r in report["devices"][0]["results"]]
    lines = [x for x in term.split("\r") if x]
    shown = [re.match(r"sim  (\d+)/(\d+)  (\S*)\x1b\[K$", x) for x in lines[:-1]]
    assert all(shown), lines[:5]
    assert {int(m.group(2)) for m in shown} == {total}
    assert [m.group(3) for m in shown if m.group(3) != ""][:len(ids)] == ids   # each clause as it runs
    assert [int(m.group(1)) for m in shown][:3] == [0, 1, 2] and int(shown[-1].group(1)) == total
    assert lines[-1] == "\x1b[K"          # erased at the end


def test_no_progress_when_quiet_or_not_a_terminal():
    rc, out, term = run_on_terminal("run", "--device", "sim", "--quiet")
    assert rc == 0 and term == ""
    proc = subprocess.run([str(BIN), "run", "--device", "sim"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""


def test_progress_of_several_devices():
    rc, out, term = run_on_terminal("run", "--device", "sim", "--device", "sim:type=1", "--format", "json")
    assert rc == 0, term
    total = json.loads(out)["summary"]["total"]
    lines = [x for x in term.split("\r") if x]
    assert lines[-1] == "\x1b[K"
    combined = [re.match(r"(\d+)/(\d+) clauses, (\d) of 2 devices done", x) for x in lines[:-1]]
    assert all(combined), lines[:3]
    assert int(combined[-1].group(2)) == total
    assert any("| sim " in x or "| sim:type=1 " in x for x in lines)


def test_dumb_terminal_erases_with_spaces():
    rc, out, term = run_on_terminal("run", "--device", "sim", "--clause", "pci.caps.*", env={"TERM": "dumb"})
    assert rc == 0 and "\x1b" not in term
    assert term.endswith("\r") and term.rstrip("\r").split("\r")[-1].strip() == ""
