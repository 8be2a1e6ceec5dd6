/* An LD_PRELOAD library for the differential suite: symlink() and
 * symlinkat() fail with EPERM, the way Windows refuses a link without the
 * privilege, on an ext4 disk that otherwise has everything. git's clone
 * probe then writes core.symlinks=false, as Git for Windows' does. */
#include <errno.h>
#include <unistd.h>

int symlink(const char *target, const char *path)
{
	(void)target;
	(void)path;
	errno = EPERM;
	return -1;
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	(void)target;
	(void)dirfd;
	(void)path;
	errno = EPERM;
	return -1;
}
