"""`certify`: every clause, every report and the trace in one folder, and a
one-screen summary."""
import json
import xml.etree.ElementTree as ET

FILES = ["report.txt", "report.tap", "report.xml", "report.json", "report.html", "doorbells.jsonl"]


def test_certify_writes_everything(vc, tmp_path):
    out = tmp_path / "cert"
    r = vc("certify", "--device", "sim:bad-vendor-id,revision-zero", "--output", out)
    assert r.rc == 1, r.err
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    report = json.loads((out / "report.json").read_text())
    # every clause, profile clauses included, but other device types' suites
    virtio_type = report["devices"][0]["identity"]["virtio_type"]
    every = {c["id"] for c in vc("list", "--clause", "*", "--format", "json").json()
             if c["device_type"] in (0, None, virtio_type)}
    results = report["devices"][0]["results"]
    assert {x["id"] for x in results} == every
    assert report["command"].split()[1:] == ["certify", "--device", "sim:bad-vendor-id,revision-zero",
                                             "--output", str(out)]
    ET.parse(out / "report.xml")
    assert (out / "report.tap").read_text().startswith("TAP version 14\n")
    page = (out / "report.html").read_text()
    s = report["summary"]
    assert f'data-total="{s["total"]}" data-pass="{s["pass"]}" data-fail="{s["fail"]}"' in page
    doorbells = (out / "doorbells.jsonl").read_text().splitlines()
    assert ('id="doorbell-chart"' in page) == bool(doorbells)
    assert ("No doorbells recorded" in page) == (not doorbells)

    # the summary: one screen, every failure by id, the verdict and the folder
    lines = r.out.splitlines()
    assert len(lines) <= 24, r.out
    for x in results:
        if x["status"] in ("FAIL", "WARN", "ERROR"):
            assert any(line.split()[:2] == [x["status"], x["id"] + ":"] for line in lines), x["id"]
    assert f"FAIL  {s['total']} clauses: {s['pass']} passed, {s['fail']} failed" in r.out
    assert lines[-1] == f"Reports in {out}/: " + " ".join(FILES)


def test_certify_conformant(vc, tmp_path):
    r = vc("certify", "--device", "sim", "--output", tmp_path / "c")
    assert r.rc == 0, r.err
    assert "  PASS  " in r.out and "FAIL" not in r.out


def test_certify_takes_no_selection(vc, tmp_path):
    for extra in (["--clause", "pci.*"], ["--profile", "x"], ["--report", f"json:{tmp_path}/x"],
                  ["--trace", f"{tmp_path}/t"], ["--format", "json"]):
        r = vc("certify", "--device", "sim", "--output", tmp_path / "c", *extra)
        assert r.rc == 2, (extra, r.err)
    r = vc("certify", "--output", tmp_path / "c")
    assert r.rc == 2 and "--device" in r.err
