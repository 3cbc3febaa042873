"""The README's quick start says what the first run shows: it runs the
commands it gives and checks the outcome it describes (the exit status, and
each FAIL and WARN it names, no more), so the page cannot drift from the tool."""
import re
import shlex

from conftest import SOURCE, needs_qemu, run

README = (SOURCE / "README.md").read_text()
QUICK = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def commands():
    block = re.search(r"```sh\n(.*?)```", QUICK, re.S).group(1)
    return [line.split("#")[0].split() for line in block.splitlines() if line.startswith("build/virtio-conform")]


def test_sim_passes_as_the_readme_says():
    cmd = next(c for c in commands() if "sim" in c)
    assert run(*cmd[1:]).rc == 0


@needs_qemu
def test_qemu_shows_what_the_readme_says():
    cmd = next(c for c in commands() if any(x.startswith("qemu:") for x in c))
    r = run(*cmd[1:], "--format", "json", timeout=300)
    assert r.rc == 1
    said = set(re.findall(r"^- (FAIL|WARN) `([\w.-]+)`", QUICK, re.M))
    seen = {(s, i) for i, s in r.statuses().items() if s in ("FAIL", "WARN", "ERROR", "BLOCKED")}
    assert seen == said, "the README's quick start no longer says what the first QEMU run shows"
    # and with the expectations file, as the README says: the FAIL is expected, exit 0
    ci = re.search(r"^(build/virtio-conform run --device qemu:\S+ --expect \S+)", QUICK, re.M).group(1)
    r = run(*shlex.split(ci)[1:], "--format", "json", timeout=300)
    assert r.rc == 0 and "XFAIL" in r.statuses().values()
