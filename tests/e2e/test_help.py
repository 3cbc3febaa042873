"""--help and the man page say everything the parser accepts (they are
printed from its tables), and a selection that leaves nothing is a usage
error naming the option that did it."""
import re
import shutil
import subprocess

import pytest

from conftest import BIN, run


def help_text():
    r = run("--help")
    assert r.rc == 0 and r.err == ""
    return r.out


def test_help_lists_every_option_the_parser_takes():
    text = help_text()
    options = re.findall(r"^  -(\w), --([\w-]+)( [A-Z:]+)?", text, re.M)
    assert len(options) >= 15
    for short, name, arg in options:
        for flag in (f"--{name}", f"-{short}"):
            r = run("run", flag, *(["x"] if arg else []))
            assert "unknown or incomplete option" not in r.err, (flag, r.err)
    # and nothing the parser takes is missing: an unknown one is refused
    assert "unknown or incomplete option" in run("run", "--no-such-option").err


def test_help_lists_formats_profiles_and_backends(clauses):
    text = help_text()
    formats = run("run", "--device", "sim", "--format", "yaml").err.split("use ", 1)[1].split("\n")[0]
    assert formats.split(", ") == ["text", "tap", "junit", "json", "html", "summary"]
    assert formats in text
    profiles = text.split("\nProfiles", 1)[1].split("\n\n", 1)[0]
    entries = re.split(r"\n  (?=\S)", profiles)[1:]
    assert len(entries) == len({c["profile"] for c in clauses} - {None})
    for profile in {c["profile"] for c in clauses} - {None}:
        n = sum(c["profile"] == profile for c in clauses)
        entry = " ".join(next(e for e in entries if e.startswith(profile + " ")).split())
        assert entry.endswith(f" {n} clause{'s' if n > 1 else ''}"), entry
    backends = run("run", "--device", "floppy:0").err.split("use one of ", 1)[1].split()
    assert "sim[:FAULT|SETTING,...]" in backends and "qemu:DEVICE[,props]" in backends
    devices = text.split("\nDevices", 1)[1].split("\n\n", 1)[0]
    entries = {e.split()[0]: e.split()[1:] for e in re.split(r"\n  (?=\S)", devices)[1:]}
    assert set(entries) == set(backends)
    for usage in backends:
        assert len(entries[usage]) > 3, f"{usage} has no description in --help"


def test_command_help():
    r = run("certify", "--help")
    assert r.rc == 0 and r.out.startswith("usage: virtio-conform certify --device SPEC")
    assert "--add-in-card" in r.out and "--clause" not in r.out
    r = run("help", "explain")
    assert r.rc == 0 and r.out.startswith("usage: virtio-conform explain ID")
    assert run("help", "nonsense").rc == 2
    r = run()
    assert r.rc == 2 and r.err.startswith("usage: virtio-conform") and r.out == ""


def test_man_page_is_the_help():
    r = run("help", "man")
    assert r.rc == 0 and r.out.startswith(".TH VIRTIO-CONFORM 1")
    for name in re.findall(r"^  -\w, --([\w-]+)", help_text(), re.M):
        roff = "\\-\\-" + name.replace("-", "\\-")
        assert roff in r.out, name
    if not shutil.which("groff"):
        pytest.skip("groff is not installed")
    page = subprocess.run(["groff", "-man", "-Tutf8", "-P", "-c"], input=r.out, capture_output=True, text=True,
                          timeout=30)
    assert page.returncode == 0 and "warning" not in page.stderr, page.stderr
    plain = re.sub(r".\x08", "", page.stdout)
    for section in ("NAME", "SYNOPSIS", "OPTIONS", "DEVICES", "EXIT STATUS", "ENVIRONMENT", "FILES"):
        assert re.search(rf"^{section}", plain, re.M), section
    assert "--add-in-card" in plain and "qemu:DEVICE[,props]" in plain


@pytest.mark.parametrize("args,words", [
    (["run", "--device", "sim", "--exclude", "*"], "--exclude '*' leaves no clause to run"),
    (["run", "--device", "sim", "--clause", "pci.notify.*", "--exclude", "pci.caps.*", "--exclude", "pci.n*"],
     "--exclude 'pci.n*' leaves no clause to run"),
    (["list", "--exclude", "*"], "--exclude '*' leaves no clause to run"),
    (["run", "--device", "sim:type=1", "--clause", "entropy.*"],
     "no selected clause applies to sim:type=1 (network device): the selection holds entropy clauses only"),
])
def test_selecting_nothing_is_a_usage_error(args, words):
    r = run(*args)
    assert r.rc == 2, r.out + r.err
    assert words in r.err and r.out == ""
    assert len(r.err.strip().splitlines()) <= 2


def test_profiles_and_add_in_card_options(clauses):
    r = run("run", "--device", "sim", "--add-in-card", "--clause", "pci.features.*", "--format", "json")
    assert r.json()["profiles"] == ["default", "add-in-card"]
    r = run("run", "--device", "sim", "--profile", "robustness,add-in-card", "--format", "json")
    assert r.json()["profiles"] == ["default", "add-in-card", "robustness"]
    r = run("run", "--device", "sim", "--profile", "robustness", "--profile", "nope")
    assert r.rc == 2 and "unknown profile 'nope'" in r.err
    r = run("run", "--device", "sim", "--format", "json")
    assert r.json()["profiles"] == ["default"]
