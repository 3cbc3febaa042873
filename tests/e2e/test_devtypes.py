"""Device types: what the report says about the suites a device does not
run, the host side of each type's model (sim and QEMU), and a QEMU model
that refuses its properties."""
import os

import pytest

from conftest import needs_qemu, run


def test_other_types_suites_are_named_not_run():
    r = run("run", "--device", "sim:type=4", "--clause", "pci.caps.*", "--format", "json")
    note = r.json()["devices"][0]["note"]
    assert "not run: the " in note and "pmem" in note and "(the device is entropy)" in note, note
    assert "entropy" not in note.split("(the device")[0], note


def test_a_type_without_suites_says_so():
    r = run("run", "--device", "sim:type=42", "--clause", "pci.caps.*", "--format", "json")
    assert r.rc == 0, r.err
    note = r.json()["devices"][0]["note"]
    assert "the harness has no driver for this device type, transport clauses only" in note, note
    assert r.statuses()                     # the transport clauses ran


@needs_qemu
def test_refused_properties_exit_3_in_qemus_words():
    r = run("run", "--device", "qemu:virtio-blk-pci,num-queues=0")
    assert r.rc == 3, r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and "num-queues property must be larger than 0" in lines[0], r.err


@needs_qemu
def test_pmem_region_is_the_hosts():
    r = run("run", "--device", "qemu:virtio-pmem-pci", "--clause", "pmem.*", "--format", "json")
    st = r.statuses()
    assert st["pmem.config.physical-range"] == "PASS" and st["pmem.flush.ret"] == "PASS", r.out


@needs_qemu
@pytest.mark.skipif(not os.access("/usr/lib/qemu/virtiofsd", os.X_OK), reason="no /usr/lib/qemu/virtiofsd")
def test_virtiofsd_open_waits_for_the_hosts_hold():
    # the harness's virtiofsd shares a directory the harness holds a file of
    # (a write lease): FUSE_OPEN waits on the request queue, hiprio goes on
    r = run("run", "--device", "vhost-user:fs", "--clause", "fs.*", "--format", "json")
    st = r.statuses()
    assert st["fs.hiprio.not-stalled"] == "PASS" and st["fs.request.read-write"] == "PASS", r.out + r.err
