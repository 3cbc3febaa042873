"""The whole suite on each QEMU device model of the matrix. A failure (a
FAIL, or a WARN for a SHOULD) is either a harness bug (fixed) or QEMU 7.2
non-conformance written up in docs/findings.md and listed in
fixtures/qemu/qemu-7.2.expect, which the harness itself reads (--expect): a
listed failure is XFAIL, a new one FAIL or WARN."""
import csv
import json
import re

import pytest

from conftest import SOURCE, needs_qemu, run

EXPECT = SOURCE / "fixtures" / "qemu" / "qemu-7.2.expect"
RAN = {}           # model -> the clauses that ran on it (not SKIP), filled by test_model
MATRIX = [l.strip() for l in (SOURCE / "fixtures" / "qemu" / "matrix.txt").read_text().splitlines()
          if l.strip() and not l.startswith("#")]


@needs_qemu
@pytest.mark.parametrize("model", MATRIX)
def test_model(model, artifacts):
    name = re.sub(r"[^A-Za-z0-9.=-]", "_", model)
    r = run("run", "--device", f"qemu:{model}", "--format", "json", "--expect", EXPECT,
            "--output", artifacts / f"qemu-{name}.json",
            "--report", f"junit:{artifacts / f'qemu-{name}.xml'}", timeout=600)
    report = json.loads((artifacts / f"qemu-{name}.json").read_text())
    results = report["devices"][0]["results"]
    RAN.setdefault(model.split(",")[0], set()).update(x["id"] for x in results if x["status"] != "SKIP")
    errors = {x["id"]: x["message"] for x in results if x["status"] == "ERROR"}
    assert not errors, f"harness errors on {model}: {errors}"
    # a WARN (a SHOULD not met) is a harness bug or a finding like a FAIL:
    # the known ones are listed, so they come back XFAIL
    unexpected = {x["id"]: x["message"] for x in results if x["status"] in ("FAIL", "WARN")}
    assert not unexpected, f"new failures on {model} (fix the harness or write up a finding): {unexpected}"
    # known failures are XFAIL with their reason and keep the run green; a
    # stale expectation shows as XPASS (red only with --strict)
    assert r.rc == 0, r.err
    for x in results:
        if x["status"] == "XFAIL":
            assert x["message"].startswith("expected ") and "qemu-7.2.expect:" in x["message"], x


# Rules whose catalog row names a QEMU 7.2 model but whose condition that
# model cannot meet, with why; every other such rule must run (not SKIP) on
# its model somewhere in the matrix.
CANNOT = {
    "virtio-net-pci": ("a datagram netdev has no vnet header: QEMU offers no checksum or segmentation offload, "
                       "and one queue pair (docs/findings.md, the link partner)",
                       {"NET-TX-DEV-1", "NET-TX-DEV-4", "NET-TX-DEV-7", "NET-RX-DEV-7", "NET-RX-DEV-8", "NET-RX-DEV-9",
                        "NET-RX-DEV-10", "NET-RX-DEV-11", "NET-RX-DEV-12", "NET-RX-DEV-13", "NET-RX-DEV-14",
                        "NET-RX-DEV-16", "NET-RX-DEV-19", "NET-RX-DEV-20", "NET-RX-DEV-21", "NET-RX-DEV-25",
                        "NET-RX-DEV-27", "NET-RX-DEV-28", "NET-RX-DEV-29", "NET-RX-DEV-30", "NET-RX-DEV-31",
                        "NET-RX-DEV-33", "NET-MQ-DEV-1", "NET-MQ-DEV-2", "NET-RSS-DEV-1"}),
    "virtio-blk-pci": ("QEMU 7.2's virtio-blk has no zoned mode and never changes write_zeroes_may_unmap",
                       {"BLK-INIT-DEV-5", "BLK-INIT-DEV-6", "BLK-OP-DEV-12"}),
    "virtio-iommu-pci": ("QEMU 7.2 always offers VIRTIO_IOMMU_F_PROBE and gives every endpoint the same reserved "
                         "regions", {"IOMMU-ATTACH-DEV-11", "IOMMU-PROBE-DEV-3", "IOMMU-PROBE-DEV-4"}),
}


@needs_qemu
def test_rules_run_on_the_model_the_catalog_names(clauses):
    """After the matrix above: a rule the catalog says a QEMU 7.2 model can
    exercise, and a clause covers, runs on that model (not only SKIPs)."""
    ran = RAN
    matrix = {m.split(",")[0] for m in MATRIX}
    if not matrix <= set(ran):
        pytest.skip("the whole matrix did not run in this session (test_model above)")
    covering = {}
    for c in clauses:
        for rule in c.get("covers", []):
            covering.setdefault(rule, []).append(c["id"])
    never = {}
    with open(SOURCE / "spec" / "catalog-devices.csv") as f:
        for row in csv.DictReader(f):
            model = row["qemu72_model"]
            if model not in matrix or row["id"] not in covering or row["id"] in CANNOT.get(model, ("", set()))[1]:
                continue
            if not ran[model] & set(covering[row["id"]]):
                never[row["id"]] = (model, covering[row["id"]])
    assert not never, f"rules that never run on the model the catalog names: {never}"


@needs_qemu
def test_host_side_sees_posted_writes():
    """A host action comes after every access the driver made before it: the
    emergency writes, posted (their qtest replies collected later), are on
    the console's socket when the clause reads it (they were not, and the
    SHOULD clause WARNed on every run)."""
    r = run("run", "--device", "qemu:virtio-serial-pci", "--clause", "console.init.*", "--format", "json")
    assert r.statuses() == {"console.init.emerg-wr-unconfigured": "PASS", "console.init.emerg-wr-output": "PASS"}, r.out
