"""\"Would Linux accept this device?\": Linux's virtio_pci_modern probe checks
run beside the spec clauses, as a note on the related clause's result in
every report format. The spec and Linux disagree both ways."""
from conftest import run


def linux(device, fmt="json"):
    r = run("run", "--device", device, "--format", fmt)
    return r if fmt != "json" else {x["id"]: x for x in r.json()["devices"][0]["results"]}


def test_conformant_sim_has_no_linux_note():
    assert not [x for x in linux("sim").values() if x["linux"]]


def test_spec_passes_linux_refuses():
    res = linux("sim:type=4,device-cfg-empty")
    assert not [x for x in res.values() if x["status"] in ("FAIL", "WARN", "ERROR")]
    assert res["pci.device-cfg.present"]["linux"].startswith("Linux 6.x would refuse to bind: device cfg capability length 0")


def test_spec_fails_linux_binds():
    res = linux("sim:notify-multiplier-not-power-of-2")
    assert res["pci.notify.multiplier"]["status"] == "FAIL"
    assert res["pci.notify.multiplier"]["linux"].startswith("Linux 6.x would still bind")


def test_both_refuse_with_numbers():
    res = linux("sim:notify-length-short-for-last-queue")
    note = res["pci.notify.length-covers-queues"]["linux"]
    assert "would refuse to bind" in note and "+ 2" in note
    assert "would refuse" in linux("sim:common-length-no-queue-reset")["pci.common.length-for-features"]["linux"]


def test_text_and_html_show_it():
    assert "linux: Linux 6.x would refuse to bind" in linux("sim:type=4,device-cfg-empty", "text").out
    assert '<div class="linux"><b>Linux:</b> Linux 6.x would refuse' in linux("sim:type=4,device-cfg-empty", "html").out
