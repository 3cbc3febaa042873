"""virtio-iommu and virtio-mem: the registry names the targets that reach
each clause, QEMU's endpoints do DMA through the IOMMU and fault, the
machine comes back from a system reset, virtio-mem's host resize is
announced, and a property QEMU refuses is exit 3 in its words."""
from conftest import SOURCE, needs_qemu, run

MATRIX = {l.strip() for l in (SOURCE / "fixtures" / "qemu" / "matrix.txt").read_text().splitlines()
          if l.strip() and not l.startswith("#")}


def test_targets_are_the_sim_or_a_matrix_model(clauses):
    for c in clauses:
        if c["device_type"] not in (23, 24):
            continue
        assert c["targets"], f"{c['id']} names no target"
        for t in c["targets"]:
            backend, spec = t.split(":", 1)
            assert backend in ("sim", "qemu"), t
            assert backend == "sim" or spec in MATRIX, f"{c['id']}: {t} is not in the QEMU matrix"
        assert any(t.startswith("sim:") for t in c["targets"]), c["id"]


def test_sim_only_clauses_run_on_the_sim():
    for spec, ids in (("sim:type=23", ["iommu.attach.incompatible-endpoints"]),
                      ("sim:type=23,no-probe", ["iommu.probe.not-offered-untouched",
                                                "iommu.probe.not-offered-used-len-0"]),
                      ("sim:type=24", ["mem.op.suspend-keeps-blocks"])):
        st = run("run", "--device", spec, *[a for i in ids for a in ("--clause", i)], "--format", "json").statuses()
        assert {st[i] for i in ids} == {"PASS"}, (spec, st)


@needs_qemu
def test_qemu_endpoints_dma_through_the_iommu_and_fault():
    ids = ["iommu.attach.attaches", "iommu.detach.mappings-unreachable", "iommu.map.read-only-blocks-writes",
           "iommu.fault.endpoint-id", "iommu.config.bypass-restored-on-system-reset", "iommu.request.ok-status"]
    r = run("run", "--device", "qemu:virtio-iommu-pci", *[a for i in ids for a in ("--clause", i)],
            "--format", "json")
    st = r.statuses()
    # the system reset comes before ok-status: the machine is set up again
    assert {st[i] for i in ids} == {"PASS"}, r.out


@needs_qemu
def test_qemu_mem_resize_is_announced_and_blocks_reach_memory():
    ids = ["mem.config.resize-notified", "mem.config.usable-never-shrinks", "mem.op.plugged-accessible",
           "mem.init.reset-keeps-contents", "mem.op.system-reset-unplugs", "pci.common.config-generation-changes"]
    r = run("run", "--device", "qemu:virtio-mem-pci", *[a for i in ids for a in ("--clause", i)], "--format", "json")
    assert {r.statuses()[i] for i in ids} == {"PASS"}, r.out


@needs_qemu
def test_qemu_mem_property_refused_exits_3():
    r = run("run", "--device", "qemu:virtio-mem-pci,requested-size=3M", "--clause", "mem.*")
    lines = r.err.strip().splitlines()
    assert r.rc == 3 and len(lines) == 1 and "multiples of 'block-size'" in lines[0], r.err
