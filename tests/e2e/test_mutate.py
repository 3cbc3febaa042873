"""Mutation testing (tools/mutate, fixtures/sim/mutants/): the catalog is
whole and applies to the sources, and the fast subset (mutants marked
`fast`, one or more per area) is caught, each by a clause the catalog
expects, quickly, without a hang. The full run is `tools/mutate`; its score
is in docs/robustness.md."""
import json
import os
import subprocess
import sys

import pytest

from conftest import BIN, SOURCE

MUTATE = SOURCE / "tools" / "mutate"


def mutate(*args, timeout=60):
    return subprocess.run([sys.executable, str(MUTATE), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=SOURCE)


def test_every_mutant_applies():
    r = mutate("--check")
    assert r.returncode == 0, r.stderr
    assert "mutants apply" in r.stdout


def test_catalog_covers_every_area():
    r = mutate("--list")
    assert r.returncode == 0, r.stderr
    rows = [l.split() for l in r.stdout.splitlines()[:-1]]
    areas = {row[1] for row in rows}
    assert len(rows) >= 80, r.stdout
    assert {"layout", "common-cfg", "features", "status", "reset", "notify", "isr", "msix", "split", "packed",
            "indirect", "event-idx", "in-order", "queue-reset", "suspend", "admin"} <= areas
    fast = mutate("--list", "--fast")
    assert {l.split()[1] for l in fast.stdout.splitlines()[:-1]} == areas    # CI plants one in each area


def test_bad_usage():
    r = mutate("no-such-mutant")
    assert r.returncode == 2 and "no mutant matches" in r.stderr


@pytest.mark.skipif(os.environ.get("VC_SANITIZED") == "1", reason="builds its own tree: the plain run covers it")
def test_fast_subset_is_caught(tmp_path):
    """Every `fast` mutant: caught, by a clause its catalog entry expects, in
    under 10 s of the suite, every run ending with a report."""
    out = tmp_path / "mutants.json"
    build = BIN.parent / "mutate"
    r = mutate("--fast", "--build", build, "--json", out, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    results = json.loads(out.read_text())["mutants"]
    assert results, r.stdout
    for m in results:
        assert m["built"], m["name"]
        assert not m["problems"], (m["name"], m["problems"])
        assert m["caught"], f"{m['name']} survived: {m['what']}"
        assert m["named_by_expected"], f"{m['name']} caught by {sorted(m['clauses'])}, not by {m['expected']}"
        assert m["seconds_to_catch"] < 10, (m["name"], m["seconds_to_catch"])
