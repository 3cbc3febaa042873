/* Host actions on the directory a vhost-user file system backend the
 * harness started shares (virtiofsd): a file held so that the backend's
 * open of it waits. The hold is a write lease (fcntl F_SETLEASE): an open
 * by another process blocks until the lease is given up (or the kernel's
 * lease-break-time, 45 s by default, passes). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vhost_user.h"
#include "vc/devtypes/host.h"

static int hold(const char *shared, const char *name, char *out, size_t outlen)
{
	char path[320];
	int fd;

	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", shared, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	/* No break signal: the default owner (the harness) would get SIGIO. */
	if (fcntl(fd, F_SETLEASE, F_WRLCK) || fcntl(fd, F_SETOWN, 0)) {
		int e = errno;
		close(fd);
		return -e;                   /* EAGAIN: someone has the file open */
	}
	snprintf(out, outlen, "%d", fd);
	return 0;
}

static int release(const char *handle)
{
	char *end;
	long fd = strtol(handle, &end, 10);

	/* Being broken, the lease reads as what it is to become (F_RDLCK). */
	if (end == handle || *end || fd < 0 || fd > 65535)
		return -EINVAL;
	int lease = fcntl((int)fd, F_GETLEASE);
	if (lease != F_WRLCK && lease != F_RDLCK)
		return -EINVAL;
	fcntl((int)fd, F_SETLEASE, F_UNLCK);
	close((int)fd);
	return 0;
}

int vhost_fs_host(const char *shared, const char *what, const char *arg, char *out, size_t outlen)
{
	if (!strcmp(what, VC_HOST_FS_HOLD_OPEN))
		return out ? hold(shared, arg, out, outlen) : -EINVAL;
	if (!strcmp(what, VC_HOST_FS_RELEASE_OPEN))
		return release(arg);
	return -ENOTSUP;
}
