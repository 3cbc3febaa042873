"""Bad input gets one clear line and the documented exit status; reports
are never half-written."""
import json
import os

import pytest

from conftest import SOURCE, run

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
    assert r.rc == 3 and "cannot write report" in r.err
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
