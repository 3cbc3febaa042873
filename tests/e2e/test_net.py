"""The network device's link partner: on QEMU a datagram socket pair the
harness owns, never a host network; a peer that cannot be made is exit 3;
the transport ring checks read the frame off the wire; the sim's loopback
runs every net clause."""
import os
import resource
import shutil
import stat

from conftest import needs_qemu, run

NET = "net.tx.plain-unmodified"


def wrapped_qemu(tmp_path):
    """A QEMU that writes its arguments down before it runs."""
    log = tmp_path / "argv"
    wrapper = tmp_path / "qemu"
    wrapper.write_text('#!/bin/sh\nprintf "%%s\\n" "$@" > %s\nexec %s "$@"\n'
                       % (log, shutil.which("qemu-system-x86_64")))
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return wrapper, log


@needs_qemu
def test_no_frame_reaches_a_host_network(tmp_path):
    wrapper, log = wrapped_qemu(tmp_path)
    env = dict(os.environ, VC_QEMU=str(wrapper))
    env.pop("VC_QEMU_ARGS", None)
    r = run("run", "--device", "qemu:virtio-net-pci", "--clause", NET, "--format", "json", env=env)
    assert r.rc == 0, r.err
    assert r.statuses() == {NET: "PASS"}          # frames went both ways through the peer
    argv = log.read_text().split("\n")
    assert "-nodefaults" in argv                  # no default NIC either
    netdevs = [argv[i + 1] for i, a in enumerate(argv) if a == "-netdev"]
    assert len(netdevs) == 1, netdevs
    assert netdevs[0].startswith("dgram,id=vcnet,local.type=fd,local.str="), netdevs
    assert "remote" not in netdevs[0]             # no address: the socket pair is all there is
    for a in argv:
        for word in ("tap", "user", "bridge", "vhost", "socket,", "stream", "-nic", "hostfwd", "inet"):
            assert word not in a or a.startswith(("-chardev", "socket,id=vcqmp", "unix:")), a


@needs_qemu
def test_peer_socket_that_cannot_be_made_is_exit_3():
    # stdin/out/err, the pipe the results go back through, the qtest and QMP
    # listening sockets: no room for the pair
    r = run_limited(7, "run", "--device", "qemu:virtio-net-pci", "--clause", NET)
    assert r.returncode == 3
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert lines == ["virtio-conform: qemu: cannot create the packet peer's socket pair: Too many open files"], lines


def run_limited(nofile, *args):
    import subprocess
    from conftest import BIN

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=60, preexec_fn=limit)


def test_net_clauses_need_the_peer(clauses):
    needs = {c["id"]: c["needs"] for c in clauses}
    assert "peer" in needs["net.rx.single-buffer"]
    assert "peer" in needs["net.tx.plain-unmodified"]
    assert "peer" not in needs["net.config.mtu-range"]


def test_sim_wire_carries_every_net_clause():
    r = run("run", "--device", "sim:type=1,nic,flow-filter,ipsec-sa", "--clause", "net.*", "--format", "json")
    assert r.rc == 0, r.err
    assert set(r.statuses().values()) == {"PASS"}


def test_ring_checks_read_the_frame_off_the_wire():
    """The transport's arrangement checks on a NIC compare the frame the
    peer captured with the bytes posted: a device that sends a chain's
    pieces out of order fails them, though every buffer comes back used."""
    r = run("run", "--device", "sim:net-tx-first-piece-last", "--clause", "virtqueue.split.*", "--format", "json")
    results = {x["id"]: x for x in r.json()["devices"][0]["results"]}
    bad = results["virtqueue.split.framing.any-arrangement"]
    assert bad["status"] == "FAIL" and "frame on the wire" in bad["message"], bad


def wrapped_testpmd(tmp_path):
    """A dpdk-testpmd that writes its arguments down before it runs."""
    log = tmp_path / "testpmd-argv"
    wrapper = tmp_path / "testpmd"
    wrapper.write_text('#!/bin/sh\nprintf "%%s\\n" "$@" > %s\nexec %s "$@"\n' % (log, shutil.which("dpdk-testpmd")))
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return wrapper, log


@needs_qemu
def test_dpdk_nic_has_a_link_partner_off_any_network(tmp_path):
    """vhost-user:net: testpmd forwards its vhost port to a pcap port on the
    harness's FIFOs; frames go both ways, the tagged frames arrive whole,
    and testpmd has no port on an interface, a tap or a socket."""
    if not shutil.which("dpdk-testpmd"):
        import pytest
        pytest.skip("dpdk-testpmd is not installed (tools/setup installs it)")
    wrapper, log = wrapped_testpmd(tmp_path)
    env = dict(os.environ, VC_TESTPMD=str(wrapper))
    ids = ["net.tx.plain-unmodified", "net.rx.merged.num-buffers", "net.rx.merged.together", "net.filter.promisc"]
    args = ["run", "--device", "vhost-user:net", "--format", "json", "--timeout-ms", "2000"]
    r = run(*args, *[a for i in ids for a in ("--clause", i)], env=env, timeout=120)
    assert r.statuses() == {i: "PASS" for i in ids}, r.out + r.err
    argv = log.read_text().split("\n")
    vdevs = [a[len("--vdev="):] for a in argv if a.startswith("--vdev=")]
    assert [v.split(",")[0] for v in vdevs] == ["net_vhost0", "net_pcap0"], vdevs
    pcap = dict(kv.split("=", 1) for kv in vdevs[1].split(",")[1:])
    assert set(pcap) == {"rx_pcap", "tx_pcap"}, pcap          # files, not iface=/rx_iface=
    for a in argv:
        for word in ("iface=eth", "rx_iface", "tx_iface", "net_tap", "net_af_packet", "net_af_xdp", "virtio_user"):
            assert word not in a, a
