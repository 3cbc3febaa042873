"""This machine's own virtio-pci devices, read-only through sysfs: the run
completes and its reports are kept. Nothing here writes to them."""
import pathlib

import pytest

from conftest import run

SYSFS = pathlib.Path("/sys/bus/pci/devices")


def host_virtio_devices():
    if not SYSFS.exists():
        return []
    return sorted(d.name for d in SYSFS.iterdir()
                  if (d / "vendor").read_text().strip() == "0x1af4")


DEVICES = host_virtio_devices()


@pytest.mark.skipif(not DEVICES, reason="this machine has no virtio-pci devices")
@pytest.mark.parametrize("bdf", DEVICES)
def test_sysfs_run_completes(bdf, artifacts):
    r = run("run", "--device", f"sysfs:{bdf}", "--format", "json",
            "--output", artifacts / f"host-{bdf}.json", "--report", f"text:{artifacts / f'host-{bdf}.txt'}")
    assert r.rc in (0, 1), r.err
    text = (artifacts / f"host-{bdf}.txt").read_text()
    assert "clauses:" in text


@pytest.mark.skipif(not DEVICES, reason="this machine has no virtio-pci devices")
def test_devices_lists_them():
    r = run("devices", "--format", "json")
    assert r.rc == 0
    listed = {d["bdf"] for d in r.json()}
    assert set(DEVICES) <= listed
