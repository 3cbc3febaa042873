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
    transport = {"layout", "common-cfg", "features", "status", "reset", "notify", "isr", "msix", "split", "packed",
                 "indirect", "event-idx", "in-order", "queue-reset", "suspend", "admin"}
    models = {"entropy", "pmem", "input", "blk", "net-rx", "net-tx", "net-ctrl", "net-mq", "net-rss", "iommu", "mem",
              "crypto", "scsi", "console", "balloon", "gpu", "vsock", "fs"}
    assert transport | models <= areas
    for area in models - {"entropy", "pmem", "input"}:          # device types: several mutants each
        assert sum(row[1] == area for row in rows) >= (3 if area in {"blk", "iommu", "mem", "crypto", "scsi"} else 1)
    # CI plants one in each transport area and in a few device-type models: under 3 minutes on 2 cores
    fast = [l.split() for l in mutate("--list", "--fast").stdout.splitlines()[:-1]]
    fast_areas = {row[1] for row in fast}
    assert transport <= fast_areas and len(fast_areas & models) >= 3, fast_areas
    assert len(fast) == len(fast_areas) <= 24, fast


def test_permitted_mutants_quote_the_spec():
    """A mutant set aside as permitted names a catalog rule (tools/mutate
    checks the id) and quotes the spec's sentence; it expects no clause."""
    r = mutate("--list")
    assert r.returncode == 0, r.stderr
    permitted = [l for l in r.stdout.splitlines() if "[permitted by the spec: " in l]
    assert permitted, "the catalog has permitted mutants (iommu-detach-any-domain)"
    for path in (SOURCE / "fixtures" / "sim" / "mutants").glob("*.mut"):
        for line in path.read_text().splitlines():
            if line.startswith("permitted "):
                spec_id, _, why = line[len("permitted "):].partition(":")
                assert spec_id.strip() and why.count('"') >= 2, (path.name, line)


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
