"""The whole suite on each QEMU device model of the matrix. A failure is
either a harness bug (fixed) or QEMU 7.2 non-conformance written up in
docs/findings.md and listed in fixtures/qemu/qemu-7.2.expect, which the
harness itself reads (--expect): a listed failure is XFAIL, a new one FAIL."""
import json
import re

import pytest

from conftest import SOURCE, needs_qemu, run

EXPECT = SOURCE / "fixtures" / "qemu" / "qemu-7.2.expect"
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
    errors = {x["id"]: x["message"] for x in results if x["status"] == "ERROR"}
    assert not errors, f"harness errors on {model}: {errors}"
    unexpected = {x["id"]: x["message"] for x in results if x["status"] == "FAIL"}
    assert not unexpected, f"new failures on {model} (fix the harness or write up a finding): {unexpected}"
    # known failures are XFAIL with their reason and keep the run green; a
    # stale expectation shows as XPASS (red only with --strict)
    assert r.rc == 0, r.err
    for x in results:
        if x["status"] == "XFAIL":
            assert x["message"].startswith("expected ") and "qemu-7.2.expect:" in x["message"], x
