"""The whole suite on each QEMU device model of the matrix. A failure is
either a harness bug (fixed) or QEMU 7.2 non-conformance written up in
docs/findings.md and listed in fixtures/qemu/qemu-7.2.expect."""
import fnmatch
import re

import pytest

from conftest import SOURCE, needs_qemu, run

MATRIX = [l.strip() for l in (SOURCE / "fixtures" / "qemu" / "matrix.txt").read_text().splitlines()
          if l.strip() and not l.startswith("#")]


def expected_failures():
    """(clause glob, device glob) pairs from the expectations file."""
    out = []
    for line in (SOURCE / "fixtures" / "qemu" / "qemu-7.2.expect").read_text().splitlines():
        body = line.split("#", 1)[0].split()
        if not body:
            continue
        device = next((w[len("device="):] for w in body[1:] if w.startswith("device=")), "*")
        out.append((body[0], device))
    return out


def is_expected(clause, device):
    return any(fnmatch.fnmatchcase(clause, c) and fnmatch.fnmatchcase(device, d)
               for c, d in expected_failures())


@needs_qemu
@pytest.mark.parametrize("model", MATRIX)
def test_model(model, artifacts):
    name = re.sub(r"[^A-Za-z0-9.=-]", "_", model)
    r = run("run", "--device", f"qemu:{model}", "--format", "json",
            "--output", artifacts / f"qemu-{name}.json",
            "--report", f"junit:{artifacts / f'qemu-{name}.xml'}", timeout=600)
    assert r.rc in (0, 1), r.err
    import json
    report = json.loads((artifacts / f"qemu-{name}.json").read_text())
    results = report["devices"][0]["results"]
    errors = {x["id"]: x["message"] for x in results if x["status"] == "ERROR"}
    assert not errors, f"harness errors on {model}: {errors}"
    unexpected = {x["id"]: x["message"] for x in results
                  if x["status"] == "FAIL" and not is_expected(x["id"], model)}
    assert not unexpected, f"new failures on {model} (fix the harness or write up a finding): {unexpected}"
