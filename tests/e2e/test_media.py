"""The media device (media.*): its clauses in the registry, what a failure
shows of the payload, the frame and the session ids, and the chapter's
coverage figure. Which clause each sim fault fails is test_sim.py's
business; no QEMU has a virtio-media model, so the sim is the target."""
import csv

from conftest import SOURCE, device_coverage, run


def test_clauses_cite_their_chapter(clauses):
    with open(SOURCE / "spec" / "catalog-devices.csv", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    cs = [c for c in clauses if c["id"].startswith("media.")]
    assert len(cs) == 12
    for c in cs:
        assert c["device_type"] == 48 and c["faults"], c["id"]
        assert c["targets"] == ["sim:type=48"], c["id"]
        for cid in c["covers"]:
            assert cid.startswith("MEDIA-") and rows[cid]["side"] == "device", (c["id"], cid)
    covered = {cid for c in cs for cid in c["covers"]}
    testable = {i for i, r in rows.items() if i.startswith("MEDIA-") and r["testability"].startswith("dynamic")}
    assert covered == testable and len(covered) == 10


def test_the_clauses_pass_on_the_sim():
    r = run("run", "--device", "sim:type=48", "--clause", "media.*", "--format", "json")
    statuses = r.statuses()
    assert len(statuses) == 12 and set(statuses.values()) == {"PASS"}, statuses


def test_a_failure_shows_what_came_back():
    def result(fault, clause):
        r = run("run", "--device", f"sim:{fault}", "--clause", clause, "--format", "json")
        return r.json()["devices"][0]["results"][0]
    res = result("media-open-id-from-count", "media.open.unique-session-id")
    assert res["status"] == "FAIL" and "still open" in res["message"], res
    res = result("media-userptr-rewritten", "media.shared-pages.userptr-unchanged")
    assert res["status"] == "FAIL" and "0x7f5a00001000" in res["expected"], res
    res = result("media-close-drops-mappings", "media.munmap.mapping-outlives-session")
    assert res["status"] == "FAIL" and "byte 0 " in res["message"], res
    res = result("media-userptr-first-sg-only", "media.sanity.capture-shared-pages")
    assert res["status"] == "WARN" and "byte 512 " in res["message"], res     # a sanity clause warns


def test_other_types_leave_them_out():
    ids = run("run", "--device", "sim", "--format", "json").statuses()
    assert not [i for i in ids if i.startswith("media.")]


def test_coverage_of_the_media_chapter():
    media = device_coverage()["MEDIA"]
    assert (media["of"], media["covered"]) == (10, 10)
