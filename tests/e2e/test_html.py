"""The HTML certificate in a real browser: Debian's chromium, headless.

A run on the simulated device with two faults writes JSON and HTML; Chromium
loads the page from disk and dumps its DOM, which must hold the report's
tables and the same totals as the JSON report. A screenshot is kept as a CI
artifact."""
import html.parser
import json
import re
import shutil
import subprocess

import pytest

from conftest import SOURCE
from test_labels import RULES, SPEC_LABELS

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(tools/setup installs Debian's chromium package)")

FAULTS = "sim:bad-vendor-id,revision-zero"
SOURCE_DUMPS = SOURCE / "fixtures" / "dumps"
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
    """Attributes by element id, the text of elements with an id (first text node), the whole text of
    elements with an id (all of it), and the tags seen."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "path", "polyline"}

    def __init__(self, text):
        super().__init__()
        self.attrs, self.text, self.full, self.tags, self._open, self._stack = {}, {}, {}, [], None, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag not in self.VOID:
            self._stack.append((tag, a.get("id")))
        if "id" in a:
            self.attrs[a["id"]] = a
            self.full[a["id"]] = ""
            self._open = a["id"]

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if self._open:
            self.text[self._open] = self.text.get(self._open, "") + data
            self._open = None
        for _, i in self._stack:
            if i:
                self.full[i] += data


@pytest.fixture(scope="module")
def certificate(vc, tmp_path_factory):
    d = tmp_path_factory.mktemp("html")
    page = d / "report.html"
    r = vc("run", "--device", FAULTS, "--profile", "robustness", "--format", "json", "--report", f"html:{page}")
    assert r.rc == 1, r.err
    return page, r.json(), d


@pytest.fixture(scope="module")
def dom(certificate):
    """The page as Chromium parsed it (one browser run for the tests that read the DOM)."""
    page, _, d = certificate
    return Dom(chromium(d / "profile", "--dump-dom", page.as_uri()))


def test_renders_with_the_json_totals(certificate, dom):
    page, report, d = certificate
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
    assert f"run --device {FAULTS} --profile robustness --format json --report html:" in dom.text["command"]


def test_screenshot(certificate, artifacts):
    page, _, d = certificate
    shot = artifacts / "certificate.png"
    shot.unlink(missing_ok=True)
    chromium(d / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# Layout, in the browser: the text of every status badge and keyword cell on
# one line (no "WAR"/"N", no "RECOMMEND"/"ED"), in a narrow window (where
# the clause tables squeeze their columns most).
MEASURE = """<script>
const wrapped = [];
function lines(el) {
  const r = document.createRange(); r.selectNodeContents(el);
  return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size;
}
const all = document.querySelectorAll('.badge, .kw');
for (const el of all) if (lines(el) > 1) wrapped.push(el.textContent);
const control = document.createElement('div');
control.style.width = '30px';
control.innerHTML = '<span>RECOMMENDED SHOULD NOT</span>';
document.body.appendChild(control);
const pre = document.createElement('pre');
pre.id = 'measure';
pre.textContent = JSON.stringify({n: all.length, wrapped: wrapped, control: lines(control.firstChild)});
document.body.appendChild(pre);
</script>"""


def test_badges_and_keywords_do_not_wrap(certificate, width=720):
    page, report, d = certificate
    probe = d / f"measure-{width}.html"
    probe.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    dom = Dom(chromium(d / f"profile-{width}", f"--window-size={width},1000", "--dump-dom", probe.as_uri()))
    m = json.loads(dom.text["measure"])
    assert m["control"] > 1            # the measure sees a wrap when there is one
    assert m["n"] > len(report["devices"][0]["results"])
    assert m["wrapped"] == [], m["wrapped"]


def test_sections_in_spec_order_one_per_label(certificate, dom):
    page, report, d = certificate
    sections = [a for t, a in dom.tags if t == "section" and a.get("class") == "area"]
    labels = [a["data-label"] for a in sections]
    assert len({x.lower() for x in labels}) == len(labels)                 # one per label
    kinds = [a["data-kind"] for a in sections]
    assert kinds == sorted(kinds, key=lambda k: k == "robustness")        # the probes last
    assert kinds[-1] == "robustness"
    numbered = [a["data-section"] for a in sections if a["data-kind"] == "spec" and a["data-section"]]
    key = [tuple(int(x) for x in n.split(".")) for n in numbered]
    assert key == sorted(key) and len(numbered) > 20                      # spec order
    for a in sections:
        if a["data-kind"] == "spec":
            assert a["data-label"] in SPEC_LABELS, a["data-label"]
            # the number is next to the label
            assert dom.full[a["id"]].lstrip().startswith(a["data-section"] + a["data-label"]), a["id"]
    # every clause row names its section
    for r in report["devices"][0]["results"]:
        if r["section"]:
            assert f"section {r['section']};" in dom.full[f"d0-{r['id']}"] or \
                dom.full[f"d0-{r['id']}"].split("; section ")[1].startswith(r["section"]), r["id"]


def test_cited_rules_are_in_the_page(certificate, dom):
    page, report, d = certificate
    links = {a["href"][len("#rule-"):] for t, a in dom.tags if t == "a" and a.get("href", "").startswith("#rule-")}
    cited = {i for r in report["devices"][0]["results"] for i in r["covers"]}
    assert cited and cited <= links
    for i in links:
        assert f"rule-{i}" in dom.attrs, f"#rule-{i} leads nowhere"
        text = " ".join(dom.full[f"rule-{i}"].split())
        assert RULES[i]["section"] in text and RULES[i]["text"] in text
    # the spec's own sentence, from the LaTeX the tool carries
    assert "The device MUST present a changed config_generation after the driver has read a device-specific " \
           "configuration value" in " ".join(dom.full["rule-PCI-COMMON-DEV-6"].split())
    assert not [t for t, a in dom.tags if t in ("script", "link", "img", "iframe")]   # still self-contained


def test_run_html_has_the_doorbell_chart(vc, tmp_path):
    """run --format html charts the doorbells (no --trace needed); a backend that rings none says so."""
    r = vc("run", "--device", "sim", "--clause", "virtqueue.*", "--format", "html")
    assert r.rc == 0 and 'id="doorbell-chart"' in r.out
    dump = SOURCE_DUMPS / "firecracker-blk-1042.lspci.txt"
    r = vc("run", "--device", f"dump:{dump}", "--format", "html")
    assert 'id="doorbell-chart"' not in r.out and "No doorbells were rung" in r.out


def test_spec_and_robustness_verdicts_apart(certificate, dom):
    """The spec's rules and the hostile-driver probes each get their own line."""
    _, report, _ = certificate
    results = report["devices"][0]["results"]
    spec = [r for r in results if r["side"] in ("device", "driver")]
    probes = [r for r in results if r not in spec]
    failed = [r for r in spec if r["status"] in ("FAIL", "WARN")]
    must = sum(r["status"] == "FAIL" for r in spec)
    assert " ".join(dom.full["spec-verdict"].split()) == \
        f"Spec rules: FAIL, {len(failed)} of {len(spec)} not met ({must} MUST-level, " \
        f"{len(failed) - must} SHOULD-level), 0 blocked"
    findings = sum(r["status"] in ("FAIL", "WARN", "ERROR") for r in probes)
    assert " ".join(dom.full["robustness-verdict"].split()).startswith(
        f"Robustness probes (a hostile driver, not spec rules): {findings} findings in {len(probes)} probes")
