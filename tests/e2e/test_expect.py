"""--expect FILE: known failures become XFAIL with their reason, a listed
clause that passes is XPASS, and only new failures turn the run red; every
report format shows both."""
import json
import xml.etree.ElementTree as ET

import pytest

from conftest import run

FAULT = "sim:revision-zero,notify-multiplier-not-power-of-2"


@pytest.fixture()
def expect(tmp_path):
    f = tmp_path / "known.expect"
    f.write_text("# known failures\n"
                 "pci.discovery.modern-revision device=sim:revision-zero*  # rev 0 shipped (ticket 1)\n"
                 "pci.notify.multiplier device=revision-zero*  # multiplier fixed in rev 2\n"
                 "pci.discovery.vendor-id  # a stale one\n"
                 "pci.caps.* device=qemu:*  # another device\n")
    return f


def statuses(r):
    return {x["id"]: x for x in r.json()["devices"][0]["results"]}


def test_failures_become_xfail(expect):
    plain = run("run", "--device", FAULT, "--format", "json")
    assert plain.rc == 1
    r = run("run", "--device", FAULT, "--format", "json", "--expect", expect)
    res = statuses(r)
    assert res["pci.discovery.modern-revision"]["status"] == "XFAIL"   # a WARN
    assert res["pci.notify.multiplier"]["status"] == "XFAIL"           # a FAIL
    assert "multiplier fixed in rev 2" in res["pci.notify.multiplier"]["message"]
    assert res["pci.discovery.vendor-id"]["status"] == "XPASS"
    assert "stale" in res["pci.discovery.vendor-id"]["message"]
    # the device glob kept the qemu-only line off this device
    assert all(x["status"] in ("PASS", "SKIP", "XFAIL", "XPASS") for x in res.values()), res
    s = r.json()["summary"]
    assert s["xfail"] >= 2 and s["xpass"] == 1 and s["fail"] == 0
    assert r.rc == 0, r.err                      # only new failures are red
    assert run("run", "--device", FAULT, "--expect", expect, "--strict").rc == 1   # XPASS with --strict


def test_new_failure_is_still_red(expect):
    r = run("run", "--device", "sim:notify-multiplier-not-power-of-2,no-isr-cap", "--format", "json", "--expect", expect)
    assert r.rc == 1
    assert "FAIL" in {x["status"] for x in statuses(r).values()}


def test_every_format_shows_them(expect):
    args = ("run", "--device", FAULT, "--clause", "pci.discovery.*", "--clause", "pci.notify.multiplier",
            "--expect", expect, "--format")
    tap = run(*args, "tap").out
    assert "not ok" in tap and "# TODO expected FAIL (multiplier fixed in rev 2" in tap
    assert "ok 1 - pci.discovery.vendor-id # TODO passed, but" in tap
    junit = ET.fromstring(run(*args, "junit").out)
    case = {c.get("name"): c for c in junit.iter("testcase")}
    assert "multiplier fixed" in case["pci.notify.multiplier"].find("skipped").get("message")
    assert case["pci.discovery.vendor-id"].find("failure") is None
    assert "stale" in case["pci.discovery.vendor-id"].find("system-out").text
    assert junit.get("failures") == "0"
    text = run(*args, "text").out
    assert "XFAIL pci.notify.multiplier: expected FAIL (multiplier fixed in rev 2" in text
    assert "XPASS pci.discovery.vendor-id" in text and "1 unexpected passes" in text
    html = run(*args, "html").out
    assert 'data-xfail="2"' in html and 'data-xpass="1"' in html and "multiplier fixed in rev 2" in html
    assert "XPASS" in run(*args, "summary").out


@pytest.mark.parametrize("line,why", [
    ("no.such.clause.*  # x", "no clause matches"),
    ("pci.notify.multiplier", "no reason"),
    ("pci.notify.multiplier devices=x  # x", "not understood"),
])
def test_bad_file_is_a_usage_error(tmp_path, line, why):
    f = tmp_path / "bad.expect"
    f.write_text(line + "\n")
    r = run("run", "--device", "sim", "--expect", f)
    assert r.rc == 2 and why in r.err and f"{f}:1:" in r.err
    assert run("run", "--device", "sim", "--expect", tmp_path / "missing").rc == 2
