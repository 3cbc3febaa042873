"""Hostile-driver probes (probe.*, --profile robustness): robustness, not
spec verdicts. Conformant sim variants stay sane under every probe; each
probe has a fault that makes it fail (test_sim.py checks each fault fails
exactly what it declares); every probe ends within its bound."""
import pytest

from conftest import run

CONFORMANT = ["", "packed", "queues=1", "type=4", "type=1", "type=4,packed,indirect", "notification-data,packed"]


def probes(clauses):
    return [c for c in clauses if c["id"].startswith("probe.")]


def test_probes_are_marked_robustness(clauses):
    ps = probes(clauses)
    assert len(ps) >= 17
    for c in ps:
        assert c["side"] == "robustness" and c["profile"] == "robustness" and c["keyword"] == "MAY", c
        assert c["faults"], f"{c['id']} has no simulated-device fault that makes it fail"


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
