"""Every clause cites its normative label as the spec spells it, catalog ids
that exist, and gets a section number computed from the spec (no hand-kept
table), so a typo'd label or id fails here, for clauses that land later too.

Spelling is the spec's own: the packed driver block's label really reads
"PAcked Virtqueues" (spec/catalog.md), so it is right on a driver clause and
a typo on a device clause, whose block is spelled "Packed"."""
import csv
import re

import pytest

from conftest import SOURCE

SPEC = SOURCE / "spec"


def catalog():
    rows = {}
    for name in ("catalog.csv", "catalog-devices.csv"):
        with open(SPEC / name, newline="") as f:
            rows.update({r["id"]: r for r in csv.DictReader(f)})
    return rows


def latex_labels():
    """The LaTeX's section labels (sec:) and normative-block labels, as LaTeX reads them (line breaks are
    spaces)."""
    sections, blocks = set(), set()
    for tex in SPEC.rglob("*.tex"):
        text = re.sub(r"(?<!\\)%.*", "", tex.read_text())
        for m in re.finditer(r"\\label\{sec:([^}]*)\}", text):
            sections.add(" ".join(m.group(1).split()))
        for m in re.finditer(r"\\(?:device|driver)normative\{\\\w+\}\{[^}]*\}\{([^}]*)\}", text):
            blocks.add(" ".join(m.group(1).split()))
    return sections, blocks


RULES = catalog()
BLOCK_SIDES = {}
for r in RULES.values():
    if r["in_block"] == "yes":
        BLOCK_SIDES.setdefault(r["label"], set()).add(r["side"])
SECTIONS, BLOCKS = latex_labels()
SPEC_LABELS = set(BLOCK_SIDES) | {r["label"] for r in RULES.values()} | SECTIONS | BLOCKS


def wrong_side(label, side):
    """A label that names only normative blocks (no section of that name), none of them for this side."""
    return label in BLOCK_SIDES and label not in SECTIONS and side in ("device", "driver") and \
        not BLOCK_SIDES[label] & {side, "both"}


def spec_label(label):
    """A label that reads like a path in the spec ("A / B") claims to be the spec's."""
    return " / " in label or label in SPEC_LABELS


def test_the_catalog_keeps_the_specs_spelling():
    assert "Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table" in BLOCK_SIDES
    assert BLOCK_SIDES["Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table"] \
        == {"driver"}


def test_labels_are_the_specs(clauses):
    bad = []
    for c in clauses:
        label = c["label"]
        if not spec_label(label):
            # a label of our own (robustness probes, a never-standardised draft) cites no spec rule
            if c["covers"]:
                bad.append(f"{c['id']}: '{label}' is not a spec label, yet it covers {c['covers']}")
            continue
        if label not in SPEC_LABELS:
            close = [x for x in SPEC_LABELS if x.lower() == label.lower()]
            bad.append(f"{c['id']}: '{label}' is not a label of the spec" + (f" (the spec spells it '{close[0]}')"
                                                                             if close else ""))
        elif wrong_side(label, c["side"]):
            bad.append(f"{c['id']}: a {c['side']} clause citing '{label}', the spec's "
                       f"{'/'.join(sorted(BLOCK_SIDES[label]))} block")
    assert not bad, "\n".join(bad)


def test_catalog_ids_exist(clauses):
    bad = [f"{c['id']}: {i}" for c in clauses for i in c["covers"] + c["breaks"] if i not in RULES]
    assert not bad, "catalog ids no catalog has: " + ", ".join(bad)


def test_sections_come_from_the_spec(clauses):
    for c in clauses:
        covered = [RULES[i] for i in c["covers"] if i in RULES]
        if covered:
            same = [r for r in covered if r["label"] == c["label"]]
            assert c["section"] == (same or covered)[0]["section"], c["id"]
        elif spec_label(c["label"]):
            assert re.fullmatch(r"\d+(\.\d+)*", c["section"] or ""), (c["id"], c["section"])
        else:
            assert c["section"] is None, c["id"]


@pytest.mark.parametrize("label,side,typo", [
    ("Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table", "device", True),
    ("Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table", "driver", False),
    ("Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table", "device", False),
    ("Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification Capability", "device", True),
    ("Robustness: a hostile driver (not a spec rule)", "robustness", False),
])
def test_the_check_catches_typos(label, side, typo):
    """The rule above, on labels a clause might carry: it objects to the typos only."""
    ok = not spec_label(label) or (label in SPEC_LABELS and not wrong_side(label, side))
    assert ok != typo
