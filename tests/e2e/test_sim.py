"""The simulated device: conformant variants pass every clause that applies,
and every fault fails exactly the clauses it declares."""
import re

import pytest

from conftest import run

CONFORMANT = ["", "transitional", "shm", "vendor-data", "sr-iov", "notification-data",
              "type=1", "type=4", "queues=1", "queues=64", "transitional,type=1",
              "shm,vendor-data,sr-iov,notification-data", "notification-data,packed",
              "draft-notify-data", "packed", "indirect,event-idx,in-order", "in-order-batch",
              "type=4,packed,indirect", "suspend", "suspend,packed", "admin-vq",
              "type=1,nic", "type=1,nic,packed,indirect,event-idx", "type=1,mrg-rxbuf,csum",
              "type=27", "type=27,shmem-region", "type=18", "type=3", "type=5", "type=8",
              "type=16", "type=16,host-visible", "type=19",
              "type=23", "type=23,no-probe", "type=24", "type=24,unplugged-inaccessible",
              "ro", "wce,discard,write-zeroes,lifetime,secure-erase,indirect,packed", "zoned,secure-erase",
              "zoned=ha", "transitional,zoned=ha",
              "type=20", "type=20,stateless", "type=26", "type=26,dax",
              "type=26,notification", "type=17", "type=17,packed,indirect,event-idx", "type=17,alarm-kept",
              "type=28", "type=28,keyed", "type=41", "type=41,packed,indirect", "type=25", "type=25,packed,indirect", "type=34",
              "type=32", "type=32,shm", "type=32,no-p2a,packed", "type=32,out-of-order,indirect",
              "type=45", "type=36", "type=36,packed,indirect,event-idx", "type=48", "type=48,packed,indirect,event-idx",
              "type=1,nic,flow-filter,ipsec-sa", "type=20,ipsec"]


def faults():
    out = run("list", "--faults").out
    return re.findall(r"^(\S+) .*\n\s+fails: (.*)$", out, re.M)


@pytest.mark.parametrize("settings", CONFORMANT)
def test_conformant_variant_passes(settings):
    r = run("run", "--device", f"sim:{settings}" if settings else "sim", "--format", "json")
    assert r.rc == 0, r.out + r.err
    assert r.failing() == set()


def test_every_clause_passes_somewhere():
    passed = set()
    for settings in CONFORMANT:
        r = run("run", "--device", f"sim:{settings}" if settings else "sim", "--format", "json")
        passed |= {i for i, s in r.statuses().items() if s == "PASS"}
    ids = {c["id"] for c in run("list", "--format", "json").json() if c["profile"] is None}
    assert ids - passed == set()


@pytest.mark.parametrize("fault,declared", faults())
def test_fault_fails_exactly_what_it_declares(fault, declared, clauses):
    # a fault that fails a profile's clause is run with that profile
    profiles = {c["id"]: c["profile"] for c in clauses}
    profile = next((profiles[d] for d in declared_clauses(declared) if profiles.get(d)), None)
    # The sim answers at once, so a short watchdog changes no verdict; it
    # bounds the hostile faults (a reset that never completes waits a
    # quarter of it in every clause that resets).
    r = run("run", "--device", f"sim:{fault}", *(["--profile", profile] if profile else []),
            "--timeout-ms", "400", "--format", "json")
    if declared.startswith("stops"):
        # a device that stops working: the run says during which clause,
        # that clause and the listed ones fail, every later one is BLOCKED
        stopped = r.json()["devices"][0]["stopped"]
        assert stopped, r.out
        wanted = set(declared.split()[1:])
        assert wanted | {stopped["during"]} >= r.failing() >= wanted
        assert "ERROR" not in r.statuses().values() and r.rc == 1
        return
    assert r.failing() == set(declared.split())
    hard = {i for i, s in r.statuses().items() if s in ("FAIL", "ERROR")}
    assert r.rc == (1 if hard else 0), r.err


@pytest.mark.parametrize("fault", ["reset-never-completes", "status-ignores-writes", "never-uses-buffers",
                                   "used-idx-jumps", "unasked-interrupts"])
def test_hostile_device_ends_cleanly(fault):
    """A broken device as a whole: the run ends within its bounds, no clause
    is an ERROR (each verdict lands on a clause that owns the rule or is a
    SKIP that says why), and the report is whole."""
    import time
    t0 = time.monotonic()
    r = run("run", "--device", f"sim:{fault}", "--timeout-ms", "400", "--format", "json", timeout=120)
    clauses = len(r.statuses())
    assert time.monotonic() - t0 < clauses * 0.4 + 5      # every clause within its watchdog
    assert "ERROR" not in r.statuses().values()
    assert r.json()["summary"]["total"] == clauses


def test_every_device_clause_has_a_fault(clauses):
    for c in clauses:
        if c["side"] == "device":
            assert c["faults"], f"{c['id']} has no simulated-device fault that makes it fail"


def declared_clauses(declared):
    """A fault's clause list, without the "stops" that marks a device that stops working."""
    return [w for w in declared.split() if w != "stops"]


def test_faults_name_existing_clauses(clauses):
    ids = {c["id"] for c in clauses}
    for fault, declared in faults():
        assert set(declared_clauses(declared)) <= ids, fault


def test_fault_target_comes_first(clauses):
    """The clause a fault is for is listed first; list --format json agrees."""
    by_id = {c["id"]: c for c in clauses}
    for fault, declared in faults():
        if declared_clauses(declared):
            assert fault in by_id[declared_clauses(declared)[0]]["faults"]


def test_should_level_failures_are_warnings():
    r = run("run", "--device", "sim:revision-zero", "--format", "json")
    assert r.statuses()["pci.discovery.modern-revision"] == "WARN"
    assert r.rc == 0          # a SHOULD alone is not a failure...
    r = run("run", "--device", "sim:revision-zero", "--strict", "--format", "json")
    assert r.rc == 1          # ...unless asked


def test_clause_selection():
    r = run("run", "--device", "sim", "--clause", "pci.notify.*", "--exclude", "*length*",
            "--exclude", "pci.notify.*.*", "--exclude", "*trace*", "--format", "json")
    assert set(r.statuses()) == {"pci.notify.present", "pci.notify.offset-aligned", "pci.notify.multiplier"}
