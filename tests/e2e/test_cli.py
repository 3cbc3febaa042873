"""Bad input gets one clear line and the documented exit status; reports
are never half-written."""
import json
import os
import random
import subprocess

import pytest

from conftest import BIN, SOURCE, run

DUMPS = SOURCE / "fixtures" / "dumps"


@pytest.mark.parametrize("args,rc,words", [
    (["run", "--device", "sim", "--clause", "no.such.*"], 2, "no clause matches"),
    (["run", "--device", "sim", "--exclude", "nothing"], 2, "no clause matches"),
    (["run", "--device", "sim", "--format", "yaml"], 2, "unknown format"),
    (["run", "--device", "sim", "--timeout-ms", "soon"], 2, "--timeout-ms"),
    (["run"], 2, "needs --device"),
    (["run", "--device", "floppy:0"], 2, "unknown device backend"),
    (["run", "--device", "sim:no-such-fault"], 2, "unknown sim fault"),
    (["run", "--device", "sysfs:zz:99.9"], 2, "malformed PCI address"),
    (["run", "--device", "sysfs:0000:7f:1f.7"], 3, "no PCI device"),
    (["run", "--device", "dump:/nonexistent/file"], 3, "/nonexistent/file"),
    (["frobnicate"], 2, "unknown command"),
    (["run", "--device", "sim", "--bogus"], 2, "unknown or incomplete option"),
    (["run", "--device", "sim", "extra"], 2, "unexpected argument"),
])
def test_usage_and_device_errors(args, rc, words):
    r = run(*args)
    assert r.rc == rc, r.err
    assert words in r.err
    assert len(r.err.strip().splitlines()) <= 2
    assert r.out == ""


@pytest.mark.parametrize("dump", sorted(DUMPS.glob("bad-*")), ids=lambda p: p.name)
def test_malformed_dumps(dump):
    r = run("run", "--device", f"dump:{dump}")
    assert r.rc == 3, r.err
    assert r.err.startswith("virtio-conform: ") and r.out == ""


def test_non_virtio_device(tmp_path):
    cfg = bytearray(256)
    cfg[0:4] = bytes([0x86, 0x80, 0x57, 0x0d])      # a host bridge
    f = tmp_path / "bridge.bin"
    f.write_bytes(cfg)
    r = run("run", "--device", f"dump:{f}")
    assert r.rc == 3 and "not a virtio device" in r.err


def test_capability_loop_in_a_dump(tmp_path):
    cfg = bytearray(256)
    cfg[0:4] = bytes([0xf4, 0x1a, 0x42, 0x10])
    cfg[0x06] = 0x10
    cfg[0x08] = 1
    cfg[0x2e] = 0x42
    cfg[0x34] = 0x40
    cfg[0x40:0x44] = bytes([0x09, 0x50, 16, 1])     # common cfg -> 0x50
    cfg[0x50:0x54] = bytes([0x09, 0x40, 16, 3])     # isr -> back to 0x40
    f = tmp_path / "loop.bin"
    f.write_bytes(cfg)
    r = run("run", "--device", f"dump:{f}", "--format", "json", timeout=10)
    assert r.rc == 1
    s = r.statuses()
    assert s["pci.caps.list-well-formed"] == "FAIL"
    assert s["pci.common.present"] == "PASS"


def test_report_to_unwritable_place_leaves_nothing(tmp_path):
    target = tmp_path / "no-such-dir" / "r.json"
    r = run("run", "--device", "sim", "--format", "json", "--output", target)
    assert r.rc == 2 and "cannot be written" in r.err     # found before the run
    assert not target.parent.exists()


def test_several_reports_in_one_run(tmp_path):
    r = run("run", "--device", "sim", "--format", "json", "--output", tmp_path / "r.json",
            "--report", f"junit:{tmp_path / 'r.xml'}", "--report", f"tap:{tmp_path / 'r.tap'}")
    assert r.rc == 0, r.err
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["fail"] == 0
    assert (tmp_path / "r.xml").read_text().startswith("<?xml")
    assert (tmp_path / "r.tap").read_text().startswith("TAP version 14")
    assert not [p for p in os.listdir(tmp_path) if ".tmp." in p]


def test_list_json_is_a_registry(clauses):
    c = next(c for c in clauses if c["id"] == "pci.notify.length-covers-queues")
    assert c["keyword"] == "MUST" and "PCI-NOTIFY-DEV-6" in c["covers"]
    assert "common-cfg" in c["needs"] and c["faults"]
    assert c["label"].endswith("Notification capability")


@pytest.mark.parametrize("args,words", [
    (["run", "--device", "sim", "--format", "json", "--format", "tap"], "--format given twice"),
    (["run", "--devices", str(DUMPS.parent / "qemu" / "matrix.txt"), "--devices", str(DUMPS.parent / "qemu" / "matrix.txt")], "--devices given twice"),
    (["run", "--device", "sim", "--report", "yaml:r.yaml"], "unknown report format 'yaml'"),
    (["run", "--device", "sim", "--report", "json:"], "--report needs a file name"),
    (["run", "--device", "sim", "--output", ""], "--output needs a file name"),
    (["run", "--device", "sim", "--output", "/proc/vc-report.json"], "cannot be written"),
    (["run", "--device", "sim", "--clause", ""], "no clause matches ''"),
    # A profile nobody defines selects nothing: a typo, so an error.
    (["run", "--device", "sim", "--profile", "no-such-profile"], "unknown profile"),
    (["list", "--device", "sim"], "--device: not an option of `list`"),
    (["list", "--timeout-ms", "5"], "--timeout-ms: not an option of `list`"),
    (["list", "--trace", "t.jsonl"], "--trace: not an option of `list`"),
    (["run", "--device", "sim", "--trace", "a.jsonl", "--trace", "b.jsonl"], "--trace given twice"),
    (["run", "--device", "sim", "--faults"], "--faults: not an option of `run`"),
    (["devices", "--clause", "pci.*"], "not an option of `devices`"),
])
def test_more_usage_errors(args, words):
    r = run(*args)
    assert r.rc == 2, r.err
    assert words in r.err
    assert len(r.err.strip().splitlines()) <= 2 and r.out == ""


def test_known_profile_is_accepted(clauses):
    profiles = {c["profile"] for c in clauses} - {None}
    if not profiles:
        pytest.skip("no clause belongs to a profile")
    r = run("run", "--device", "sim", "--profile", profiles.pop(), "--clause", "pci.caps.*")
    assert r.rc == 0, r.err


def unwritable_outputs(tmp_path):
    (tmp_path / "dir").mkdir()
    yield "a directory", tmp_path / "dir"
    yield "two outputs, one file", tmp_path / "same.json"
    if os.geteuid() != 0:      # root writes into a mode 0555 directory anyway
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        yield "a read-only directory", ro / "r.json"


@pytest.mark.parametrize("what", ["a directory", "two outputs, one file", "a read-only directory"])
def test_unwritable_output_is_refused_before_the_run(tmp_path, what):
    places = dict(unwritable_outputs(tmp_path))
    if what not in places:
        pytest.skip("running as root: permission bits do not stop root")
    before = sorted(os.listdir(tmp_path))
    extra = ["--report", f"junit:{places[what]}"] if what.startswith("two") else []
    r = run("run", "--device", "sim", "--format", "json", "--output", places[what], *extra)
    assert r.rc == 2 and r.out == "", r.err
    assert len(r.err.strip().splitlines()) <= 2
    assert sorted(os.listdir(tmp_path)) == before
    assert not list(tmp_path.rglob("*.tmp.*"))


def test_report_to_a_full_disk():
    with open("/dev/full", "w") as full:
        proc = subprocess.run([str(BIN), "run", "--device", "sim"], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60)
    assert proc.returncode == 3
    assert "cannot write the report to standard output" in proc.stderr


def hostile_dumps(tmp_path):
    (tmp_path / "a-directory").mkdir()
    yield "directory", tmp_path / "a-directory", "is a directory"
    os.mkfifo(tmp_path / "fifo")
    yield "fifo-nobody-writes", tmp_path / "fifo", "empty"
    yield "dev-zero", "/dev/zero", "not a file"
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(4 << 30)        # sparse: 4 GiB without the disk space
    yield "huge", huge, "more than 1 MiB"
    rnd = tmp_path / "random.bin"
    rnd.write_bytes(random.Random(6).randbytes(4096))
    yield "random-4096", rnd, "not a virtio device"
    zero = tmp_path / "zero.bin"
    zero.write_bytes(bytes(256))
    yield "all-zero", zero, "no device answers"
    text = tmp_path / "prose.txt"
    text.write_text("this is a bug report, not a dump\n" * 100)
    yield "prose", text, "no hex lines"
    yield "missing", tmp_path / "nope", "No such file"
    if os.geteuid() != 0:
        secret = tmp_path / "secret.txt"
        secret.write_text("00: f4 1a\n")
        secret.chmod(0)
        yield "unreadable", secret, "Permission denied"


@pytest.mark.parametrize("name", ["directory", "fifo-nobody-writes", "dev-zero", "huge", "random-4096",
                                  "all-zero", "prose", "missing", "unreadable"])
def test_hostile_dump_files(tmp_path, name):
    dumps = {n: (p, w) for n, p, w in hostile_dumps(tmp_path)}
    if name not in dumps:
        pytest.skip("running as root: permission bits do not stop root")
    path, words = dumps[name]
    r = run("run", "--device", f"dump:{path}", timeout=30)
    assert r.rc == 3, r.err
    assert words in r.err and r.out == ""
    assert len(r.err.strip().splitlines()) == 1


def test_dump_through_a_pipe():
    dump = (DUMPS / "firecracker-blk-1042.lspci.txt").read_bytes()
    proc = subprocess.run([str(BIN), "run", "--device", "dump:/dev/stdin", "--format", "json"],
                          input=dump, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["fail"] == 0
