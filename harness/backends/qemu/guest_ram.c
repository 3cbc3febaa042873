/* Guest RAM the harness maps too: a memfd it makes, which QEMU opens as the
 * machine's memory (memory-backend-file on /proc/self/fd/N, share=on). A
 * DMA access is then a memory access in the harness, not a qtest command
 * and its reply (access.c); a vhost-user backend gets the same memory from
 * QEMU (VHOST_USER_SET_MEM_TABLE). VC_QEMU_RAM=qtest leaves QEMU its own
 * anonymous RAM, reached through qtest only (tools/bench compares both). */
#include <sys/mman.h>
#include "qemu_priv.h"

bool qemu_ram_wanted(void)
{
	const char *e = getenv("VC_QEMU_RAM");

	return !e || strcmp(e, "qtest") != 0;
}

int qemu_ram_setup(struct qemu_priv *p, struct qemu_launch *l, char *err, size_t errlen)
{
	p->ramfd = memfd_create("vc-guest-ram", MFD_CLOEXEC);
	if (p->ramfd < 0 || ftruncate(p->ramfd, (off_t)RAM_SIZE)) {
		int e = errno;
		snprintf(err, errlen, "qemu: guest RAM (memfd, %llu MiB): %s", RAM_SIZE >> 20, strerror(e));
		return -e;
	}
	void *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, p->ramfd, 0);
	if (ram == MAP_FAILED) {
		int e = errno;
		snprintf(err, errlen, "qemu: mapping guest RAM: %s", strerror(e));
		return -e;
	}
	p->ram = ram;
	/* qemu_start leaves ramfd open across exec, at the same number */
	return qemu_arg(l, "-object")
	       ?: qemu_arg(l, "memory-backend-file,id=vcram,size=%llu,mem-path=/proc/self/fd/%d,share=on",
			   RAM_SIZE, p->ramfd)
	       ?: qemu_arg(l, "-machine") ?: qemu_arg(l, "memory-backend=vcram");
}

void qemu_ram_close(struct qemu_priv *p)
{
	if (p->ram)
		munmap(p->ram, RAM_SIZE);
	if (p->ramfd >= 0)
		close(p->ramfd);
	p->ram = NULL;
	p->ramfd = -1;
}
