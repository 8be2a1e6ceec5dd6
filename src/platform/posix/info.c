/*
 * The POSIX backend's facts about the machine: the file system under a
 * path (for `doctor`), running a command, the console.
 */
#include "platform/platform.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__linux__)
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>
#elif defined(__APPLE__) || defined(__FreeBSD__)
#include <sys/param.h>
#include <sys/mount.h>
#endif

/* Copy `s` into `out`, cut to fit. */
static void copy_cut(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

#if defined(__linux__)
/* statfs() f_type values of the file systems users meet */
static const struct {
	unsigned long magic;
	const char *name;
} magics[] = {
	{ 0xEF53, "ext4" },
	{ 0x9123683E, "btrfs" },
	{ 0x58465342, "xfs" },
	{ 0x01021994, "tmpfs" },
	{ 0x794C7630, "overlay" },
	{ 0x2011BAB0, "exfat" },
	{ 0x4D44, "vfat" },
	{ 0x5346544E, "ntfs" },
	{ 0x7366746E, "ntfs3" },
	{ 0x6969, "nfs" },
	{ 0xFE534D42, "smb2" },
	{ 0xFF534D42, "cifs" },
	{ 0x517B, "smb" },
	{ 0x01021997, "9p" },
	{ 0x786F4256, "vboxsf" },
	{ 0x65735546, "fuse" },
	{ 0x2FC12FC1, "zfs" },
	{ 0xF2F52010, "f2fs" },
};

/*
 * The mount's type and source from /proc/self/mountinfo, for the mount
 * whose device is `dev` (FUSE mounts say only "fuseblk" to statfs).
 */
static bool mountinfo(char *type, size_t tsize, char *source, size_t ssize,
	dev_t dev)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned int major, minor;
		char *sep = strstr(line, " - ");
		char t[64], s[1024];

		if (sscanf(line, "%*s %*s %u:%u", &major, &minor) != 2 ||
			!sep || sscanf(sep + 3, "%63s %1023s", t, s) != 2)
			continue;
		if (major == major(dev) && minor == minor(dev)) {
			copy_cut(type, tsize, t);
			copy_cut(source, ssize, s);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* A FUSE block device's own file system, from its boot sector. */
static const char *boot_sector(const char *device)
{
	unsigned char b[512];
	int fd = open(device, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n != (ssize_t)sizeof(b))
		return NULL;
	if (!memcmp(b + 3, "EXFAT   ", 8))
		return "exfat";
	if (!memcmp(b + 3, "NTFS    ", 8))
		return "ntfs";
	if (!memcmp(b + 82, "FAT32   ", 8) || !memcmp(b + 54, "FAT1", 4))
		return "vfat";
	return NULL;
}

void gsym_platform_link_facts(gsym_link_facts *out, const char *path)
{
	struct statfs fs;
	struct stat st;
	char type[64] = "", source[1024] = "";
	size_t i;

	memset(out, 0, sizeof(*out));
	out->volume_links = out->developer_mode = GSYM_TRI_UNKNOWN;
	out->link_privilege = out->elevated = GSYM_TRI_UNKNOWN;
	if (statfs(path, &fs) == 0) {
		for (i = 0; i < GSYM_ARRAY_SIZE(magics); i++)
			if ((unsigned long)fs.f_type == magics[i].magic)
				copy_cut(out->fs_type, sizeof(out->fs_type),
					magics[i].name);
	}
	if (stat(path, &st) == 0 &&
		mountinfo(type, sizeof(type), source, sizeof(source),
			st.st_dev)) {
		const char *real = NULL;

		if (!strncmp(type, "fuse", 4) && source[0] == '/')
			real = boot_sector(source);
		if (!strncmp(type, "fuse.", 5))
			real = type + 5;
		if (real) {
			copy_cut(out->fs_type, sizeof(out->fs_type), real);
			copy_cut(out->fs_driver, sizeof(out->fs_driver), type);
		} else if (!out->fs_type[0] || !strcmp(out->fs_type, "ext4")) {
			/* ext2/3/4 share one magic; the mount names it */
			copy_cut(out->fs_type, sizeof(out->fs_type), type);
		}
	}
}

bool gsym_platform_fs_remote(const char *path)
{
	/* git's list: compat/fsmonitor/fsm-path-utils-linux.c is_remote_fs */
	static const unsigned long remote[] = { 0xFF534D42, 0x517B, 0xFE534D42,
		0x6969, 0x5346414F, 0x73757245, 0x65735546 };
	struct statfs fs;
	size_t i;

	if (statfs(path, &fs) < 0)
		return false;
	for (i = 0; i < GSYM_ARRAY_SIZE(remote); i++)
		if ((unsigned long)fs.f_type == remote[i])
			return true;
	return false;
}
#else
bool gsym_platform_fs_remote(const char *path)
{
	(void)path;
	return false;
}

void gsym_platform_link_facts(gsym_link_facts *out, const char *path)
{
	memset(out, 0, sizeof(*out));
	out->volume_links = out->developer_mode = GSYM_TRI_UNKNOWN;
	out->link_privilege = out->elevated = GSYM_TRI_UNKNOWN;
#if defined(__APPLE__) || defined(__FreeBSD__)
	{
		struct statfs fs;

		if (statfs(path, &fs) == 0)
			copy_cut(out->fs_type, sizeof(out->fs_type),
				fs.f_fstypename);
	}
#endif
}
#endif

bool gsym_platform_private_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		st.st_uid == geteuid() && (st.st_mode & 077) == 0;
}

FILE *gsym_platform_popen(const char *cmd)
{
	gsym_buf quiet = GSYM_BUF_INIT;
	FILE *p;

	gsym_buf_printf(&quiet, "%s 2>/dev/null", cmd);
	p = popen(quiet.ptr, "r");
	gsym_buf_dispose(&quiet);
	return p;
}

int gsym_platform_pclose(FILE *p)
{
	return pclose(p);
}

void gsym_platform_console_init(void)
{
}

bool gsym_platform_stderr_is_terminal(void)
{
	return isatty(STDERR_FILENO) == 1;
}
