"""The RTC device's leap seconds (rtc.leap.*): the host action rtc-leap moves
the sim's time across a leap second; without it the clauses SKIP naming
what the backend cannot do. Which clause each sim fault fails is
test_sim.py's business."""
import json
import subprocess

from conftest import BIN, SOURCE, run


def leap(device):
    r = run("run", "--device", device, "--clause", "rtc.leap.*", "--format", "json")
    return {res["id"]: res for res in r.json()["devices"][0]["results"]}


def test_leap_seconds_pass_on_the_sim_and_skip_without_the_host_action():
    got = leap("sim:type=17")
    assert len(got) == 5 and {r["status"] for r in got.values()} == {"PASS"}, got
    got = leap("sim:type=17,no-leap")
    assert {r["status"] for r in got.values()} == {"SKIP"}, got
    assert all("move the host's time across a leap second" in r["message"] for r in got.values()), got


def test_a_leap_failure_shows_the_reading_against_the_hosts_time():
    got = leap("sim:rtc-leap-utc-no-step")["rtc.leap.utc-step"]
    assert got["status"] == "FAIL" and "after the midnight ending a positive leap second's day" in got["message"]
    assert got["observed"].startswith("reading midnight +0.01") and "1 s back" in got["expected"], got


def test_coverage_of_the_rtc_chapter():
    out = subprocess.run([str(SOURCE / "tools" / "coverage"), "--binary", str(BIN), "--json"], capture_output=True,
                         text=True, check=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    areas = next(v for k, v in figures.items() if k.startswith("device-type"))["areas"]
    assert (areas["RTC"]["of"], areas["RTC"]["covered"]) == (78, 75)
