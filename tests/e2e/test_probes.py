"""Hostile-driver probes (probe.*, --profile robustness): robustness, not
spec verdicts. Conformant sim variants stay sane under every probe; each
probe has a fault that makes it fail (test_sim.py checks each fault fails
exactly what it declares); every probe ends within its bound."""
import csv
import fnmatch
import os
import re
import shutil

import pytest

from conftest import SOURCE, needs_qemu, run

CONFORMANT = ["", "packed", "queues=1", "type=4", "type=1", "type=4,packed,indirect", "notification-data,packed",
              "indirect,event-idx,in-order", "type=23", "type=24", "zoned,secure-erase",
              "wce,discard,write-zeroes,lifetime,secure-erase,indirect,packed", "type=1,nic",
              "type=1,nic,flow-filter,ipsec-sa", "type=20,ipsec", "type=32", "type=45", "type=17"]


def probes(clauses):
    return [c for c in clauses if c["id"].startswith("probe.")]


def catalog_ids():
    ids = set()
    for name in ("catalog.csv", "catalog-devices.csv"):
        with open(SOURCE / "spec" / name, newline="") as f:
            ids |= {row["id"] for row in csv.DictReader(f)}
    return ids


def test_probes_are_marked_robustness(clauses):
    ps = probes(clauses)
    assert len(ps) >= 17
    for c in ps:
        assert c["side"] == "robustness" and c["profile"] == "robustness" and c["keyword"] == "MAY", c
        assert c["faults"], f"{c['id']} has no simulated-device fault that makes it fail"


def test_each_probe_has_its_own_fault(clauses):
    """A fault names its probe first: every probe is some fault's target."""
    out = run("list", "--faults").out
    targets = {fails.split()[1] if fails.startswith("stops ") else fails.split()[0]
               for fails in re.findall(r"^\S+ .*\n\s+fails: (.*)$", out, re.M) if fails.strip() != "stops"}
    missing = [c["id"] for c in probes(clauses) if c["id"] not in targets]
    assert not missing, f"probes no fault targets first: {missing}"


def test_breaks_name_driver_rules(clauses):
    """`breaks` cites catalog ids of driver rules; a probe that breaks none
    says its input is unusual but allowed."""
    ids = catalog_ids()
    for c in probes(clauses):
        assert set(c["breaks"]) <= ids, (c["id"], set(c["breaks"]) - ids)
        assert all("-DRV-" in b for b in c["breaks"]), c
        if not c["breaks"]:
            assert "unusual but allowed input" in c["summary"], c["id"]


def test_every_probe_passes_somewhere(clauses):
    passed = set()
    for settings in CONFORMANT:
        r = run("run", "--device", f"sim:{settings}" if settings else "sim", "--clause", "probe.*", "--format", "json")
        passed |= {i for i, s in r.statuses().items() if s == "PASS"}
    assert {c["id"] for c in probes(clauses)} - passed == set()


def test_default_run_stays_spec_only():
    ids = run("run", "--device", "sim", "--format", "json").statuses()
    assert not [i for i in ids if i.startswith("probe.")]


@pytest.mark.parametrize("settings", CONFORMANT)
def test_conformant_variant_stays_sane(settings):
    r = run("run", "--device", f"sim:{settings}" if settings else "sim", "--profile", "robustness",
            "--clause", "probe.*", "--format", "json")
    assert r.rc == 0, r.out + r.err
    assert r.failing() == set()
    # bounded: a probe is a few device timeouts at most, never the watchdog
    for x in r.json()["devices"][0]["results"]:
        assert x["duration_us"] < 10_000_000, x


def test_a_wedged_device_ends_in_verdicts_not_a_hang():
    # the sim wedges on a self-loop: the probe fails, later probes skip, no ERROR
    r = run("run", "--device", "sim:probe-self-loop-wedges", "--clause", "probe.*", "--timeout-ms", "4000",
            "--format", "json", timeout=120)
    st = r.statuses()
    assert st["probe.split.desc-loop"] == "FAIL"
    assert "ERROR" not in st.values()
    assert r.rc == 1


def test_certify_includes_the_probes(tmp_path):
    r = run("certify", "--device", "sim", "--output", tmp_path / "cert")
    assert r.rc == 0, r.out + r.err
    text = (tmp_path / "cert" / "report.json").read_text()
    assert '"id": "probe.split.desc-loop"' in text and '"side": "robustness"' in text


EXPECT = SOURCE / "fixtures" / "qemu" / "qemu-7.2.expect"
MATRIX = [l.strip() for l in (SOURCE / "fixtures" / "qemu" / "matrix.txt").read_text().splitlines()
          if l.strip() and not l.startswith("#")]
# The default run takes two models (a crash and a hang among their findings);
# VC_ROBUSTNESS_MATRIX=1 takes the whole QEMU matrix (a few minutes).
QEMU_MODELS = MATRIX if os.environ.get("VC_ROBUSTNESS_MATRIX") else ["virtio-net-pci,packed=on", "virtio-blk-pci"]


def expected(expect, spec):
    """The clause globs of an expect file that apply to a device spec."""
    globs = []
    for line in expect.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        dev = next((w[len("device="):] for w in words[1:] if w.startswith("device=")), "*")
        if words and (fnmatch.fnmatchcase(spec, dev) or fnmatch.fnmatchcase(spec.split(":", 1)[-1], dev)):
            globs.append(words[0])
    return globs


def probe_model(spec, expect=EXPECT, most=24):
    """Every probe on a device (qemu:MODEL, vhost-user:TYPE), with the
    expect file. A device one of the known findings stops (its probe XFAIL)
    is started again with that probe left out, until every probe has run;
    results by id. A device that went while a probe had no verdict of its
    own (it died from what the probe before did, later: a vhost-user
    backend's panic comes when it next notifies) blames that probe, which
    must be a listed finding too, and the innocent one runs again."""
    left_out, results = [], {}
    for _ in range(most):
        args = ["run", "--device", spec, "--profile", "robustness", "--clause", "probe.*",
                "--expect", expect, "--format", "json"]
        for x in left_out:
            args += ["--exclude", x]
        r = run(*args, timeout=900)
        dev = r.json()["devices"][0]
        ran = [x for x in dev["results"] if x["status"] not in ("BLOCKED", "SKIP")]
        results.update({x["id"]: x for x in dev["results"] if x["status"] != "BLOCKED"})
        stopped = dev.get("stopped")
        if not stopped:
            return results
        x = results[stopped["during"]]
        if x["status"] == "XFAIL" and x.get("severity"):
            left_out.append(x["id"])
            continue
        k = next(i for i, y in enumerate(ran) if y["id"] == x["id"])
        assert k > 0 and x.get("severity") is None, (spec, x)
        before = ran[k - 1]["id"]
        assert any(fnmatch.fnmatchcase(before, g) for g in expected(expect, spec)), \
            (spec, f"the device went after {before}, which the expect file does not list", x)
        del results[x["id"]]
        left_out.append(before)
    pytest.fail(f"{spec}: more than {most} probes stopped the device")


def check_under_probes(spec, results):
    errors = {i: x["message"] for i, x in results.items() if x["status"] == "ERROR"}
    assert not errors, f"harness errors on {spec}: {errors}"
    new = {i: x["message"] for i, x in results.items() if x["status"] == "FAIL"}
    assert not new, f"new robustness failures on {spec} (a harness bug, or a finding to write up): {new}"
    for x in results.values():
        assert x["duration_us"] < 30_000_000, x       # bounded: a hang costs the device timeout, no more
        if x["status"] == "XFAIL" and x.get("severity") == "crash":
            assert "killed by signal" in x["message"] or "exited with status" in x["message"], x  # last words kept


@needs_qemu
@pytest.mark.parametrize("model", QEMU_MODELS)
def test_qemu_model_under_probes(model):
    """No probe ends in ERROR or leaves the harness waiting; a FAIL is a
    known finding (findings.md, listed in the expect file, XFAIL)."""
    check_under_probes(model, probe_model(f"qemu:{model}"))


VHOST_USER = SOURCE / "fixtures" / "vhost-user"
BACKENDS = {"vhost-user:net": ("dpdk-testpmd", "dpdk.expect"),
            "vhost-user:blk": ("qemu-storage-daemon", "qemu-storage-daemon.expect"),
            "vhost-user:fs": ("/usr/lib/qemu/virtiofsd", "virtiofsd.expect")}


@needs_qemu
@pytest.mark.skipif(not os.environ.get("VC_VHOST_PROBES"),
                    reason="slow (minutes: libvhost-user drops the device on most malformed chains, and each "
                           "drop costs a fresh backend): VC_VHOST_PROBES=1 runs it")
@pytest.mark.parametrize("spec", list(BACKENDS))
def test_vhost_user_backend_under_probes(spec):
    """The probes on each vhost-user backend the harness starts: a backend
    that dies, drops the device or stops answering is a finding listed in
    its expect file (findings.md)."""
    binary, expect = BACKENDS[spec]
    if not shutil.which(binary):
        pytest.skip(f"{binary} is not installed (tools/setup installs it)")
    check_under_probes(spec, probe_model(spec, VHOST_USER / expect, most=160))
