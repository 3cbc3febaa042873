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
    # the spec clauses and the robustness probes, but other device types' suites
    virtio_type = report["devices"][0]["identity"]["virtio_type"]
    every = {c["id"] for c in vc("list", "--clause", "*", "--format", "json").json()
             if c["device_type"] in (0, None, virtio_type) and c["profile"] in (None, "robustness")}
    results = report["devices"][0]["results"]
    assert {x["id"] for x in results} == every
    # and the reports say so
    assert report["profiles"] == ["default", "robustness"]
    assert (out / "report.txt").read_text().splitlines()[0].startswith(
        "virtio-conform 0.1.0, virtio 1.4, profiles default, robustness, started ")
    assert '<span id="profiles">default, robustness</span>' in (out / "report.html").read_text()
    assert "# virtio-conform 0.1.0, virtio 1.4, profiles default, robustness\n" in (out / "report.tap").read_text()
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
    for extra in (["--clause", "pci.*"], ["--exclude", "pci.*"], ["--profile", "x"],
                  ["--report", f"json:{tmp_path}/x"], ["--trace", f"{tmp_path}/t"], ["--format", "json"]):
        r = vc("certify", "--device", "sim", "--output", tmp_path / "c", *extra)
        assert r.rc == 2, (extra, r.err)
        assert len(r.err.strip().splitlines()) <= 2
    r = vc("certify", "--output", tmp_path / "c")
    assert r.rc == 2 and "--device" in r.err


def test_certify_add_in_card_only_when_told(vc, tmp_path):
    """The add-in-card profile runs when the user says the device is a card."""
    r = vc("certify", "--device", "sim", "--output", tmp_path / "a")
    ids = {x["id"] for x in json.loads((tmp_path / "a" / "report.json").read_text())["devices"][0]["results"]}
    assert "pci.features.add-in-card-platform-bits" not in ids and r.rc == 0
    r = vc("certify", "--device", "sim", "--add-in-card", "--output", tmp_path / "b")
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    assert report["profiles"] == ["default", "add-in-card", "robustness"]
    status = {x["id"]: x["status"] for x in report["devices"][0]["results"]}
    assert status["pci.features.add-in-card-platform-bits"] == "WARN"      # the sim offers neither bit
    # a card that offers both passes it
    r = vc("certify", "--device", "sim:add-in-card", "--add-in-card", "--output", tmp_path / "c")
    status = {x["id"]: x["status"] for x in
              json.loads((tmp_path / "c" / "report.json").read_text())["devices"][0]["results"]}
    assert status["pci.features.add-in-card-platform-bits"] == "PASS" and r.rc == 0


def test_certify_folder_and_failure_lines(vc, tmp_path):
    """`--output cert/` prints as cert/, and a failure line is cut between words."""
    out = tmp_path / "cert"
    r = vc("certify", "--device", "sim", "--add-in-card", "--output", f"{out}/")
    assert r.out.splitlines()[-1].startswith(f"Reports in {out}/: report.txt"), r.out
    assert "//" not in r.out
    messages = {x["id"]: x["message"] for x in
                json.loads((out / "report.json").read_text())["devices"][0]["results"]}
    cut = 0
    lines = r.out.splitlines()
    for k, line in enumerate(lines):
        words = line.split()
        if len(words) < 2 or words[0] not in ("FAIL", "WARN", "ERROR") or not words[1].endswith(":"):
            continue
        # the message after the id, or on the next line under a long id
        shown = line.split(": ", 1)[1] if len(words) > 2 else lines[k + 1].strip()
        assert len(line) <= 100 and (len(words) > 2 or len(lines[k + 1]) <= 100)
        full = messages[words[1][:-1]]
        if shown.endswith(" ..."):
            cut += 1
            shown = shown[:-4]
            assert full.startswith(shown) and full[len(shown)] == " ", (shown, full)
        else:
            assert shown == full.splitlines()[0]
    assert cut, r.out       # the add-in-card warning is longer than the line
