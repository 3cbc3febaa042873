"""Notifications in depth: the doorbell trace and its decoder, the driver-side
self-checks (and the self-test hook that makes each of them fail), the device
rules for VIRTIO_F_NOTIFICATION_DATA / VIRTIO_F_NOTIF_CONFIG_DATA on the
simulated device, the 2020 draft profile, and the cross-check of the trace
against QEMU's own record of the notifications it received."""
import json
import os
import subprocess

import pytest

from conftest import BIN, SOURCE, needs_qemu, run

SIM_ND = "sim:notification-data,packed"
DRIVER_CLAUSES = ["pci.notify.driver.width-16", "pci.notify.driver.width-32", "pci.notify.driver.vq-index",
                  "pci.notify.driver.config-data", "pci.notify.driver.next-split",
                  "pci.notify.driver.next-packed"]
DRAFT = "draft-notify-cap-data"


def results(r):
    return {x["id"]: x for x in r.json()["devices"][0]["results"]}


def test_trace_and_decode(tmp_path):
    trace = tmp_path / "t.jsonl"
    r = run("run", "--device", SIM_ND, "--clause", "pci.notif*", "--trace", trace, "--format", "json")
    assert r.rc == 0, r.out + r.err
    st = r.statuses()
    assert all(st[c] == "PASS" for c in DRIVER_CLAUSES), st
    assert all(st[c] == "PASS" for c in ("pci.notify.data.split", "pci.notify.data.packed",
                                         "pci.notify.config-data.per-queue", "pci.notify.config-data.consumed",
                                         "pci.notify.trace-matches-device")), st
    lines = trace.read_text().splitlines()
    records = [json.loads(l) for l in lines]
    assert len(records) > 400           # the split ring went past avail index 0x8000
    clauses = {x["clause"] for x in records}
    assert set(DRIVER_CLAUSES) <= clauses
    wide = [x for x in records if x["features"]["notification_data"]]
    assert wide and all(x["width"] == 4 and "next_off" in x and "next_wrap" in x for x in wide)
    assert any(x["next_wrap"] == 1 and not x["features"]["ring_packed"] for x in wide)
    assert any(x["features"]["notif_config_data"] and x["vq_notif_config_data"] == 0x100 for x in records)
    d = run("trace", "decode", trace)
    assert d.rc == 0 and d.err == ""
    out = d.out.splitlines()
    assert len(out) == len(records)     # one line per doorbell
    assert "next_off=" in d.out and "next_wrap=1" in d.out and "vq_notif_config_data=0x100" in d.out


@pytest.mark.parametrize("hook,fails", [
    ("wrong-width", {"pci.notify.driver.width-16", "pci.notify.driver.width-32"}),
    ("wrong-vqn", {"pci.notify.driver.vq-index", "pci.notify.driver.config-data"}),
    ("wrong-next-off", {"pci.notify.driver.next-split", "pci.notify.driver.next-packed"}),
    ("no-wrap", {"pci.notify.driver.next-split", "pci.notify.driver.next-packed"}),
])
def test_selftest_hook_fails_driver_clauses(hook, fails):
    """VC_SELFTEST_DOORBELL_FAULT breaks the harness's own doorbell: the
    driver clauses that judge that field fail, the others do not."""
    env = dict(os.environ, VC_SELFTEST_DOORBELL_FAULT=hook)
    r = run("run", "--device", SIM_ND, "--clause", "pci.notify.driver.*", "--format", "json", env=env)
    st = r.statuses()
    assert {c for c in DRIVER_CLAUSES if st[c] == "FAIL"} == fails, st
    assert r.rc == 1


def test_selftest_hook_fails_draft_driver_clause():
    env = dict(os.environ, VC_SELFTEST_DOORBELL_FAULT="wrong-vqn")
    r = run("run", "--device", "sim:draft-notify-data", "--profile", DRAFT, "--clause", "pci.notify.driver.draft*",
            "--format", "json", env=env)
    assert r.statuses() == {"pci.notify.driver.draft-notify-data": "FAIL"}


def test_draft_profile_passes_on_the_draft_sim(tmp_path):
    trace = tmp_path / "d.jsonl"
    r = run("run", "--device", "sim:draft-notify-data", "--profile", DRAFT, "--trace", trace, "--format", "json")
    assert r.rc == 0, r.out
    st = r.statuses()
    assert st["pci.notify.draft.normal-operation"] == "PASS"
    assert st["pci.notify.draft.notify-data-accepted"] == "PASS"
    assert st["pci.notify.driver.draft-notify-data"] == "PASS"
    draft = [json.loads(l) for l in trace.read_text().splitlines() if '"draft_notify_data":true' in l]
    assert draft and all(x["notify_data"] == 0x2020 for x in draft)
    assert "notify_data=0x2020" in run("trace", "decode", trace).out


def test_draft_clauses_skip_without_the_fields():
    r = run("run", "--device", "sim", "--profile", DRAFT, "--clause", "pci.notify.draft.*", "--format", "json")
    assert set(r.statuses().values()) == {"SKIP"}
    assert "cap_len 20" in r.out


def test_plain_index_is_information_not_failure():
    r = run("run", "--device", "sim", "--clause", "pci.notify.config-data.consumed", "--format", "json")
    res = results(r)["pci.notify.config-data.consumed"]
    assert res["status"] == "PASS"
    assert "plain index" in res["message"] and "did not use the buffer" in res["message"]


@pytest.mark.parametrize("content,why", [
    ("{", "expected a string"),
    ("[]", "not a JSON object"),
    ('{"t_ns":1}', "missing"),
    ('{"t_ns":-1}', "negative"),
    ('{"t_ns":1.5}', "integer"),
    ('{"t_ns":99999999999999999999999}', "out of range"),
    ('{"t_ns":1,"clause":"x","queue":0,"bar":9,"offset":0,"width":2,"value":0,"features":{}}', "out of range"),
    ('{"t_ns":1,"clause":"x","queue":0,"bar":0,"offset":0,"width":3,"value":0,"features":{}}', "width"),
    ('{"t_ns":1,"clause":"x","queue":0,"bar":0,"offset":0,"width":2,"value":0,"features":{}}', "features"),
    ('{"t_ns":1,"clause":"x","queue":0,"bar":0,"offset":0,"width":2,"value":5,"vq_index":4,'
     '"features":{"notification_data":false,"notif_config_data":false,"ring_packed":false}}', "disagree"),
    ('{"clause":"\\q"}', "escape"),
    ('{"clause":"abc', "unterminated"),
    ('{"x":' + "[" * 100 + "]" * 100 + "}", "nested"),
    ('{"t_ns":1} trailing', "after the object"),
    ("\x00\x01\x02", "NUL"),
])
def test_decode_rejects_malformed_lines(tmp_path, content, why):
    f = tmp_path / "bad.jsonl"
    f.write_bytes(content.encode() + b"\n")
    r = run("trace", "decode", f)
    assert r.rc == 3 and r.out == ""
    assert r.err.startswith("virtio-conform: ") and ":1: " in r.err and why in r.err, r.err


def test_decode_usage_and_missing_file(tmp_path):
    assert run("trace").rc == 2
    assert run("trace", "encode", "x").rc == 2
    assert run("trace", "decode").rc == 2
    r = run("trace", "decode", tmp_path / "none.jsonl")
    assert r.rc == 3 and "cannot read" in r.err


def test_decode_takes_unknown_keys_and_blank_lines(tmp_path):
    f = tmp_path / "ok.jsonl"
    f.write_text('\n{"t_ns":5,"clause":"c\\u0041","queue":1,"bar":0,"offset":12292,"width":4,"value":2147876865,'
                 '"extra":{"a":[1,-2.5e3,null,true]},"features":{"notification_data":true,'
                 '"notif_config_data":false,"ring_packed":true}}\n\n')
    r = run("trace", "decode", f)
    assert r.rc == 0, r.err
    assert "cA queue 1 BAR0+0x3004 32-bit 0x80060001 vq_index=1 next_off=6 next_wrap=1" in r.out


def test_decode_survives_random_bytes(tmp_path):
    import random
    rnd = random.Random(4)
    good = ('{"t_ns":5,"clause":"c","queue":1,"bar":0,"offset":12292,"width":2,"value":1,'
            '"features":{"notification_data":false,"notif_config_data":false,"ring_packed":false}}')
    for i in range(200):
        b = bytearray(good.encode())
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        f = tmp_path / f"r{i}.jsonl"
        f.write_bytes(bytes(b))
        r = subprocess.run([str(BIN), "trace", "decode", str(f)], capture_output=True)
        assert r.returncode in (0, 3), (bytes(b), r.stderr)


def qemu_has_notification_data():
    qemu = os.environ.get("VC_QEMU", "qemu-system-x86_64")
    out = subprocess.run([qemu, "-device", "virtio-net-pci,help"], capture_output=True, text=True).stdout
    return "notification_data" in out


def has_ioeventfd(model):
    qemu = os.environ.get("VC_QEMU", "qemu-system-x86_64")
    name = model.split(",")[0]
    return "ioeventfd=" in subprocess.run([qemu, "-device", f"{name},help"], capture_output=True, text=True).stdout


MATRIX = [l.strip() for l in (SOURCE / "fixtures" / "qemu" / "matrix.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]


@needs_qemu
@pytest.mark.parametrize("model", MATRIX)
def test_qemu_trace_matches_device(model):
    """QEMU's own record (virtio_pci_notify_write / virtio_queue_notify)
    agrees with the harness's trace. ioeventfd=off where the model has it:
    through ioeventfd QEMU records only coalesced queue notifications."""
    spec = f"qemu:{model},ioeventfd=off" if has_ioeventfd(model) else f"qemu:{model}"
    r = run("run", "--device", spec, "--clause", "pci.notify.*", "--format", "json", timeout=300)
    res = results(r)
    assert res["pci.notify.trace-matches-device"]["status"] in ("PASS", "SKIP"), res
    if res["pci.notify.trace-matches-device"]["status"] == "SKIP":
        assert "no request" in res["pci.notify.trace-matches-device"]["message"]
    assert not {i for i, x in res.items() if x["status"] in ("FAIL", "ERROR")}, res


@needs_qemu
def test_qemu_trace_skips_through_ioeventfd():
    r = run("run", "--device", "qemu:virtio-net-pci", "--clause", "pci.notify.trace-matches-device",
            "--format", "json")
    assert r.statuses() == {"pci.notify.trace-matches-device": "SKIP"}
    assert "ioeventfd" in r.out


@needs_qemu
def test_qemu_notification_data():
    """QEMU 9.0+ offers VIRTIO_F_NOTIFICATION_DATA as notification_data=on;
    7.2 has no such property and offers neither feature."""
    if not qemu_has_notification_data():
        r = run("run", "--device", "qemu:virtio-net-pci", "--clause", "pci.notify.data.*", "--clause",
                "pci.notify.config-data.*", "--format", "json")
        assert set(r.statuses().values()) == {"SKIP"}
        pytest.skip("this QEMU has no notification_data property (it arrived in QEMU 9.0): "
                    "the NOTIFICATION_DATA clauses SKIP on every model")
    for model in ("virtio-net-pci,notification_data=on", "virtio-net-pci,packed=on,notification_data=on"):
        r = run("run", "--device", f"qemu:{model}", "--clause", "pci.notif*", "--format", "json", timeout=600)
        st = r.statuses()
        assert st["pci.notify.data.split"] == "PASS" and st["pci.notify.driver.width-32"] == "PASS", st
