"""The block device (virtio-blk): its clauses in the registry, the sim's block
model in its variants, QEMU's virtio-blk-pci on a temporary raw image (read-write
and read-only, image= copies and leaves the original alone, a bad path is exit 3),
the ring clauses' data check, and the BLK coverage figure. Which clause each sim
fault fails is test_sim.py's business."""
import hashlib

import pytest

from conftest import device_coverage, needs_qemu, run


def blk_clauses(clauses):
    return [c for c in clauses if c["id"].startswith("blk.") or c["id"].startswith("probe.blk.")]


def test_block_clauses_are_the_block_types(clauses):
    cs = blk_clauses(clauses)
    assert len(cs) >= 50
    for c in cs:
        assert c["device_type"] == 2, c["id"]
        assert c["faults"], f"{c['id']} has no simulated-device fault that makes it fail"
        if c["side"] == "device":
            assert c["covers"] and all(x.startswith(("BLK-", "SPLIT-")) for x in c["covers"]), c
        elif c["side"] == "sanity":
            # where the spec says nothing: never a spec verdict, and it says so
            assert not c["covers"] and c["summary"].startswith("Not a spec rule"), c
            assert c["label"].startswith("Sanity:"), c
        else:
            assert c["side"] == "robustness" and c["profile"] == "robustness" and c["breaks"], c


def test_block_clauses_stay_off_other_types():
    ids = run("run", "--device", "sim:type=1", "--format", "json").statuses()
    assert not [i for i in ids if i.startswith("blk.")]
    ids = run("run", "--device", "sim", "--format", "json").statuses()
    assert "blk.get-id.used-len" in ids


def test_sim_settings_are_listed():
    out = run("list", "--faults").out
    for s in ("ro", "wce", "discard", "write-zeroes", "lifetime", "secure-erase", "zoned[=ha]"):
        assert s in out


@pytest.mark.parametrize("settings,passing", [
    ("zoned", {"blk.zoned.unaligned-wp", "blk.zoned.append-sector", "blk.features.zoned-declined-hm",
               "blk.zoned.max-open-zones", "blk.zoned.offline-zone"}),
    ("zoned=ha", {"blk.features.zoned-declined-ha", "blk.zoned.append-swr-only", "blk.zoned.open-resources"}),
    ("ro", {"blk.ro.write-ioerr", "blk.ro.write-no-data"}),
    ("wce,write-zeroes,lifetime", {"blk.config.writeback-starts-0", "blk.write-zeroes.reads-zeroes",
                                   "blk.lifetime.no-reserved-values", "blk.config.may-unmap-change-notified"}),
])
def test_sim_variant_runs_its_clauses(settings, passing):
    st = run("run", "--device", f"sim:{settings}", "--clause", "blk.*", "--format", "json").statuses()
    assert {i for i in passing if st.get(i) != "PASS"} == set(), st


def test_a_host_managed_device_still_gets_the_transport_suites():
    """It refuses FEATURES_OK without VIRTIO_BLK_F_ZONED: the harness, a
    zoned-capable driver, accepts the bit then instead of skipping."""
    st = run("run", "--device", "sim:zoned", "--clause", "virtqueue.split.*", "--format", "json").statuses()
    assert st["virtqueue.split.used.len-written"] == "PASS"


def test_data_check_catches_a_mangled_chain():
    """The pieces of a chain put back in the wrong order: the used length
    is right, the sector is not."""
    r = run("run", "--device", "sim:blk-data-pieces-swapped", "--clause", "virtqueue.split.framing.any-arrangement",
            "--format", "json")
    res = r.json()["devices"][0]["results"][0]
    assert res["status"] == "FAIL" and "did not reach the disk as sent" in res["message"], res


@needs_qemu
def test_qemu_indirect_after_direct_fails_on_the_sector_bytes():
    r = run("run", "--device", "qemu:virtio-blk-pci", "--clause", "virtqueue.split.indirect.after-direct",
            "--timeout-ms", "1000", "--format", "json")
    res = r.json()["devices"][0]["results"][0]
    assert res["status"] == "FAIL"
    assert "sector 2048 reads" in res["message"] and "never reached the disk" in res["message"], res


@needs_qemu
def test_qemu_image_is_a_copy(tmp_path):
    img = tmp_path / "disk.raw"
    img.write_bytes(bytes((i * 7 + 3) & 0xff for i in range(4 << 20)))
    before = hashlib.sha256(img.read_bytes()).hexdigest()
    r = run("run", "--device", f"qemu:virtio-blk-pci,image={img}", "--clause", "blk.sanity.read-back",
            "--clause", "blk.write-zeroes.*", "--format", "json")
    assert r.rc == 0, r.out + r.err
    assert set(r.statuses().values()) == {"PASS"}
    assert hashlib.sha256(img.read_bytes()).hexdigest() == before       # written only in the copy
    assert r.json()["devices"][0]["identity"]["virtio_type"] == 2


@needs_qemu
def test_qemu_read_only_and_resize():
    st = run("run", "--device", "qemu:virtio-blk-pci,read-only=on", "--clause", "blk.ro.*", "--clause",
             "blk.config.capacity-change-notified", "--format", "json").statuses()
    assert st == {"blk.ro.write-ioerr": "PASS", "blk.ro.write-no-data": "PASS",
                  "blk.config.capacity-change-notified": "SKIP"}
    st = run("run", "--device", "qemu:virtio-blk-pci", "--clause", "blk.config.capacity-change-notified",
             "--clause", "blk.ro.*", "--format", "json").statuses()
    assert st == {"blk.config.capacity-change-notified": "PASS", "blk.ro.write-ioerr": "SKIP",
                  "blk.ro.write-no-data": "SKIP"}


@needs_qemu
@pytest.mark.parametrize("spec,rc,words", [
    ("qemu:virtio-blk-pci,image=/nonexistent/disk.raw", 3, "No such file"),
    ("qemu:virtio-blk-pci,image=/etc", 3, "not a regular file"),
    ("qemu:virtio-blk-pci,read-only=maybe", 2, "on or off"),
])
def test_qemu_bad_image_options(spec, rc, words):
    r = run("run", "--device", spec, "--clause", "blk.*")
    assert r.rc == rc and words in r.err, r.err
    assert len(r.err.strip().splitlines()) <= 2 and not r.out


def test_coverage_of_the_block_chapter():
    blk = device_coverage()["BLK"]
    assert blk["of"] == 46 and blk["covered"] >= 38, blk
