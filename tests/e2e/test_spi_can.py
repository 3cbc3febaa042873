"""The SPI controller and CAN devices (spi.*, can.*): their clauses in the
registry, what a failure shows of the transfer or the bus, and their
coverage figures. Which clause each sim fault fails is test_sim.py's
business; no QEMU has a model of either, so the sim is the target."""
import csv

from conftest import SOURCE, device_coverage, run


def of_type(clauses, prefix):
    return [c for c in clauses if c["id"].startswith(prefix)]


def test_clauses_cite_their_chapter(clauses):
    with open(SOURCE / "spec" / "catalog-devices.csv", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    for prefix, kind, type_ in (("spi.", "SPI-", 45), ("can.", "CAN-", 36), ("probe.spi.", "SPI-", 45)):
        cs = of_type(clauses, prefix)
        assert cs
        for c in cs:
            assert c["device_type"] == type_ and c["faults"], c["id"]
            assert c["targets"] == [f"sim:type={type_}"], c["id"]     # no QEMU model: the sim
            for cid in c["covers"] + c["breaks"]:
                assert cid.startswith(kind) and cid in rows, (c["id"], cid)
            assert all(rows[cid]["side"] == "device" for cid in c["covers"]), c["id"]


def test_a_failure_shows_the_bytes_and_the_frames():
    r = run("run", "--device", "sim:spi-loop-shifted", "--clause", "spi.sanity.loopback", "--format", "json")
    res = r.json()["devices"][0]["results"][0]
    assert res["status"] == "WARN" and res["observed"].startswith("rx ff c3 e8 "), res   # a sanity clause warns
    r = run("run", "--device", "sim:can-rejected-sent", "--clause", "can.tx.invalid-not-sent", "--format", "json")
    res = r.json()["devices"][0]["results"][0]
    assert res["status"] == "FAIL" and "can_id 0x800" in res["message"], res


def test_other_types_leave_them_out():
    ids = run("run", "--device", "sim", "--format", "json").statuses()
    assert not [i for i in ids if i.startswith(("spi.", "can."))]


def test_coverage_of_the_spi_and_can_chapters():
    areas = device_coverage()
    # SPI-OP-DEV-5/6 are reached only by breaking SPI-OP-DRV-4 (the probe): not counted
    assert (areas["SPI"]["of"], areas["SPI"]["covered"]) == (6, 4)
    assert (areas["CAN"]["of"], areas["CAN"]["covered"]) == (5, 5)
