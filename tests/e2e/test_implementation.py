"""Every report names what implements the tested device and its version:
the sim, QEMU (QMP query-version), a vhost-user backend, the driver bound to
a sysfs device and this machine's kernel."""
import json
import xml.etree.ElementTree as ET

import pytest

from conftest import needs_qemu, run

SIM = "virtio-conform 0.1.0 simulated device"


def test_every_format_names_the_implementation(tmp_path):
    r = run("run", "--device", "sim", "--clause", "pci.caps.*", "--format", "json",
            *[x for f, n in (("text", "r.txt"), ("tap", "r.tap"), ("junit", "r.xml"), ("html", "r.html"),
                             ("summary", "r.sum")) for x in ("--report", f"{f}:{tmp_path / n}")])
    assert r.rc == 0, r.err
    assert r.json()["devices"][0]["implementation"] == SIM
    assert f"\n  implementation: {SIM}\n" in (tmp_path / "r.txt").read_text()
    assert f"\n  implementation: {SIM}\n" in (tmp_path / "r.sum").read_text()
    assert f"\n# implementation: {SIM}\n" in (tmp_path / "r.tap").read_text()
    props = {p.get("name"): p.get("value") for p in ET.parse(tmp_path / "r.xml").iter("property")}
    assert props["implementation"] == SIM
    assert f"<dt>Implementation</dt><dd>{SIM}</dd>" in (tmp_path / "r.html").read_text()


@needs_qemu
def test_qemu_version():
    r = run("run", "--device", "qemu:virtio-rng-pci", "--clause", "pci.caps.*", "--format", "json")
    assert r.rc == 0, r.err
    assert r.json()["devices"][0]["implementation"].startswith("QEMU ")


def test_sysfs_kernel_and_driver():
    devices = run("devices", "--format", "json").json()
    bound = [d for d in devices if d.get("driver")]
    if not bound:
        pytest.skip("no virtio-pci device with a driver on this machine")
    d = bound[0]
    r = run("run", "--device", f"sysfs:{d['bdf']}", "--clause", "pci.discovery.*", "--format", "json")
    impl = r.json()["devices"][0]["implementation"]
    assert f"bound to {d['driver']} on Linux " in impl, impl
