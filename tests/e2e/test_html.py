"""The HTML certificate in a real browser: Debian's chromium, headless.

A run on the simulated device with two faults writes JSON and HTML; Chromium
loads the page from disk and dumps its DOM, which must hold the report's
tables and the same totals as the JSON report. A screenshot is kept as a CI
artifact."""
import html.parser
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(tools/setup installs Debian's chromium package)")

FAULTS = "sim:bad-vendor-id,revision-zero"
KEYS = ("total", "pass", "fail", "warn", "skip", "error", "xfail", "xpass", "blocked")


def chromium(profile, *args):
    """Headless Chromium that talks to nobody: the background-networking
    flags keep it from trying connections this machine refuses."""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


class Dom(html.parser.HTMLParser):
    """Attributes by element id, the text of elements with an id, and the tags seen."""

    def __init__(self, text):
        super().__init__()
        self.attrs, self.text, self.tags, self._open = {}, {}, [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.attrs[a["id"]] = a
            self._open = a["id"]

    def handle_data(self, data):
        if self._open:
            self.text[self._open] = self.text.get(self._open, "") + data
            self._open = None


@pytest.fixture(scope="module")
def certificate(vc, tmp_path_factory):
    d = tmp_path_factory.mktemp("html")
    page = d / "report.html"
    r = vc("run", "--device", FAULTS, "--format", "json", "--report", f"html:{page}")
    assert r.rc == 1, r.err
    return page, r.json(), d


def test_renders_with_the_json_totals(certificate):
    page, report, d = certificate
    dom = Dom(chromium(d / "profile", "--dump-dom", page.as_uri()))
    summary = report["summary"]
    assert summary["fail"] > 0   # the faults show
    totals = dom.attrs["totals"]
    assert {k: int(totals[f"data-{k}"]) for k in KEYS} == summary
    assert {k: int(dom.text[f"totals-{k}"]) for k in KEYS} == summary
    # every clause of the JSON report has its row in a clause table
    ids = {r["id"] for r in report["devices"][0]["results"]}
    assert {i[len("d0-"):] for i in dom.attrs if i.startswith("d0-")} >= ids
    assert any(t == "table" and a.get("class") == "clauses" for t, a in dom.tags)
    failing = [r["id"] for r in report["devices"][0]["results"] if r["status"] == "FAIL"]
    links = [a["href"] for t, a in dom.tags if t == "a" and a.get("href", "").startswith("#d0-")]
    assert links[:len(failing)] == [f"#d0-{i}" for i in failing]
    assert f"run --device {FAULTS} --format json --report html:" in dom.text["command"]


def test_screenshot(certificate, artifacts):
    page, _, d = certificate
    shot = artifacts / "certificate.png"
    shot.unlink(missing_ok=True)
    chromium(d / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
