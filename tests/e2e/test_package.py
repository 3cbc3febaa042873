"""The Debian package: `cpack -G DEB` in the build directory, unpacked into
a scratch root with `dpkg -x` (never installed on this machine), and run from
there: --help, the man page, explain (the spec data found next to the
binary, inside the scratch root), and a run on the simulated device."""
import gzip
import json
import shutil
import subprocess

import pytest

from conftest import BIN

BUILD = BIN.resolve().parent
pytestmark = pytest.mark.skipif(not (BUILD / "CPackConfig.cmake").exists() or not shutil.which("dpkg-deb"),
                                reason="no CPack configuration next to the binary, or no dpkg")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    work = tmp_path_factory.mktemp("package")
    proc = subprocess.run(["cpack", "-G", "DEB", "-B", str(work), "--config", str(BUILD / "CPackConfig.cmake")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    debs = list(work.glob("virtio-conform_*.deb"))
    assert len(debs) == 1, proc.stdout
    info = subprocess.run(["dpkg-deb", "-f", str(debs[0])], capture_output=True, text=True, check=True).stdout
    r = work / "root"
    subprocess.run(["dpkg", "-x", str(debs[0]), str(r)], check=True, timeout=60)
    return r, info


def tool(root, *args, env=None):
    return subprocess.run([str(root / "usr/bin/virtio-conform"), *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", **(env or {})})


def test_package_metadata(root):
    _, info = root
    fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line and not line.startswith(" "))
    assert fields["Package"] == "virtio-conform"
    assert "libpci3" in fields["Depends"] and "libc6" in fields["Depends"], fields["Depends"]


def test_files_where_the_binary_finds_them(root):
    r, _ = root
    spec = r / "usr/share/virtio-conform/spec"
    for name in ("catalog.csv", "catalog-devices.csv", "LICENSE.md", "transport-pci.tex", "content.tex",
                 "admin.tex", "device-types/net/description.tex"):
        assert (spec / name).is_file(), name
    assert (r / "usr/share/doc/virtio-conform/copyright").is_file()
    bind = subprocess.run([str(r / "usr/bin/virtio-conform-vfio-bind"), "--help"], capture_output=True, text=True,
                          timeout=30)
    assert bind.returncode == 2 and "usage:" in bind.stderr
    page = gzip.decompress((r / "usr/share/man/man1/virtio-conform.1.gz").read_bytes()).decode()
    assert page == tool(r, "help", "man").stdout           # the man page is the help text


def test_runs_from_the_scratch_root(root):
    r, _ = root
    h = tool(r, "--help")
    assert h.returncode == 0 and "--add-in-card" in h.stdout
    assert f"Spec data: {r / 'usr/share/virtio-conform/spec'}" in h.stdout    # its own, not the source tree's
    e = tool(r, "explain", "PCI-COMMON-DEV-6")
    assert e.returncode == 0 and "The spec (transport-pci.tex:455):" in e.stdout, e.stderr
    run = tool(r, "run", "--device", "sim", "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["summary"]["fail"] == 0 and report["summary"]["pass"] > 50
    assert all(x["section"] for x in report["devices"][0]["results"] if x["covers"])


def test_cmake_install_prefix(tmp_path):
    """`cmake --install` into any prefix: the binary finds the spec data it installed."""
    proc = subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(tmp_path / "usr")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    prefix = tmp_path / "usr"
    assert (prefix / "share/man/man1/virtio-conform.1.gz").is_file()
    h = tool(tmp_path, "--help")
    assert f"Spec data: {prefix.resolve() / 'share/virtio-conform/spec'}" in h.stdout
    assert tool(tmp_path, "explain", "RFB-DEV-8").returncode == 0
