"""`explain ID`: a catalog id or a clause id, for someone holding a report:
the rule as the spec words it (from the LaTeX the tool carries), section and
label, the clauses checking it, the sim fault failing each, and commands that
reproduce it (which do)."""
import re
import shlex

import pytest

from conftest import run
from test_labels import RULES


def test_catalog_id():
    r = run("explain", "PCI-COMMON-DEV-6")
    assert r.rc == 0 and r.err == "", r.err
    text = " ".join(r.out.split())
    assert text.startswith("PCI-COMMON-DEV-6 MUST (device rule), section 4.1.4.3.1 Virtio Transport Options / "
                           "Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout")
    assert 'The spec (transport-pci.tex:455): "The device MUST present a changed config_generation after the ' \
           'driver has read a device-specific configuration value which has changed since any part of the ' \
           'device-specific configuration was last read."' in text
    assert "In short: " + RULES["PCI-COMMON-DEV-6"]["text"] in text
    assert "Checked by pci.common.config-generation-changes MUST" in text
    assert "Checked by pci.common.config-generation-changes-during-init MUST" in text
    assert "sim:config-generation-stuck-before-driver-ok like QEMU 7.2" in text


def test_the_reproducer_reproduces():
    out = run("explain", "pci.common.config-generation-changes-during-init").out
    line = next(x for x in out.splitlines() if x.strip().startswith("virtio-conform run --device sim:"))
    args = shlex.split(line)[1:] + ["--format", "json"]
    r = run(*args)
    assert r.rc == 1 and r.statuses() == {"pci.common.config-generation-changes-during-init": "FAIL"}
    assert "virtio-conform run --device SPEC --clause pci.common.config-generation-changes-during-init" in out


def test_clause_id_prints_its_rules():
    r = run("explain", "pci.notify.multiplier")
    assert r.rc == 0
    text = " ".join(r.out.split())
    assert text.startswith("pci.notify.multiplier MUST (device rule, since 1.0)")
    assert "Section 4.1.4.4.1: Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / " \
           "Notification capability" in text
    for rule in ("PCI-NOTIFY-DEV-3", "PCI-NOTIFY-DEV-7"):
        assert f"{rule} MUST (device rule), section 4.1.4.4.1" in text
    assert '"The device MUST either present notify_off_multiplier as an even power of 2, or present ' \
           'notify_off_multiplier as 0."' in text


def test_probe_names_what_it_breaks():
    text = " ".join(run("explain", "probe.split.desc-loop").out.split())
    assert "Breaks on purpose (a robustness probe, not a spec verdict): SPLIT-DESC-DRV-1 (section 2.7.5.2)" in text
    assert "profile robustness" in text


@pytest.mark.parametrize("rule", ["pci-common-dev-6", "BLK-OP-DEV-7", "ADMINVQ-DEV-1", "NET-RX-DEV-12"])
def test_any_catalog_id(rule):
    r = run("explain", rule)
    assert r.rc == 0, r.err
    row = RULES[rule.upper()]
    assert f"section {row['section']}" in r.out
    assert f"The spec ({row['source']}):" in r.out      # every file the catalogs cite is carried


def test_every_clause_explains():
    ids = [c["id"] for c in run("list", "--clause", "*", "--format", "json").json()]
    r = run("explain", *ids)
    assert r.rc == 0 and r.err == ""
    assert len(re.findall(r"^\S+  (MUST|SHOULD|MAY|RECOMMENDED)", r.out, re.M)) >= len(ids)


@pytest.mark.parametrize("args,rc,words", [
    (["explain"], 2, "explain takes one or more ids"),
    (["explain", "PCI-COMMON-DEV-999"], 2, "is neither a catalog id"),
    (["explain", "pci.common.*"], 2, "is neither a catalog id"),
])
def test_bad_ids(args, rc, words):
    r = run(*args)
    assert r.rc == rc and words in r.err and r.out == ""
    assert len(r.err.strip().splitlines()) <= 2


def test_without_the_spec_data(tmp_path):
    env = {"VC_SPEC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = run("explain", "PCI-COMMON-DEV-6", env=env)
    assert r.rc == 3 and "the spec data is not installed" in r.err and str(tmp_path) in r.err
    r = run("explain", "pci.notify.multiplier", env=env)     # what the binary itself knows still prints
    assert r.rc == 0 and "pci.notify.multiplier  MUST" in r.out


def test_reports_without_the_spec_data_say_so(tmp_path):
    r = run("run", "--device", "sim", "--clause", "pci.caps.*", "--format", "json",
            env={"VC_SPEC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert r.rc == 0 and r.json()["devices"][0]["results"][0]["section"] is None
    assert "the spec data is not installed" in r.err and "carry no section numbers" in r.err
    assert len(r.err.strip().splitlines()) == 1
