"""lspci dumps of real devices, in each format lspci writes."""
import pytest

from conftest import SOURCE, run

DUMPS = sorted(p for p in (SOURCE / "fixtures" / "dumps").iterdir()
               if p.is_file() and p.suffix in (".txt", ".bin") and not p.name.startswith("bad-"))


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_dump_runs(dump):
    r = run("run", "--device", f"dump:{dump}", "--format", "json")
    assert r.rc in (0, 1), r.err
    s = r.statuses()
    assert s["pci.discovery.vendor-id"] == "PASS"
    # BAR register access is impossible from a dump: those clauses skip, with a reason.
    assert s["pci.common.device-feature-windows"] == "SKIP"
