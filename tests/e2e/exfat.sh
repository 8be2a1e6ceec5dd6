# shellcheck shell=sh
# Mount a real exFAT file system (FUSE, on a loop device) for a suite.
# Sets EXFAT to the mount point; unmounts and detaches on exit. Without
# the tools, a local run skips the suite (exit 77); under CI=true it fails.

exfat_missing() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL - exFAT test bed unavailable under CI: $1" >&2
		exit 1
	fi
	echo "SKIP - exFAT test bed unavailable: $1 (run scripts/test.sh as root)" >&2
	exit 77
}

exfat_umount() {
	if [ -n "${EXFAT:-}" ] && mountpoint -q "$EXFAT" 2>/dev/null; then
		cd /
		fusermount -u "$EXFAT" 2>/dev/null || umount "$EXFAT" 2>/dev/null ||
			umount -l "$EXFAT" 2>/dev/null || true
	fi
	[ -z "${EXFAT_LOOP:-}" ] || losetup -d "$EXFAT_LOOP" 2>/dev/null || true
}

exfat_mount() {
	for tool in mkfs.exfat mount.exfat-fuse losetup; do
		command -v "$tool" >/dev/null 2>&1 || exfat_missing "$tool not installed"
	done
	[ -e /dev/fuse ] || exfat_missing "/dev/fuse missing"
	[ "$(id -u)" = 0 ] || exfat_missing "needs root for losetup"
	EXFAT=$TMP/exfat
	mkdir -p "$EXFAT"
	truncate -s "${1:-256M}" "$TMP/exfat.img"
	mkfs.exfat "$TMP/exfat.img" >/dev/null 2>&1 || exfat_missing "mkfs.exfat failed"
	EXFAT_LOOP=$(losetup -f --show "$TMP/exfat.img" 2>/dev/null) ||
		exfat_missing "no loop device"
	trap 'exfat_umount; cleanup' EXIT
	mount.exfat-fuse "$EXFAT_LOOP" "$EXFAT" >/dev/null 2>&1 ||
		exfat_missing "mount.exfat-fuse failed"
	# the point of the test bed: links really cannot be made here
	if ln -s x "$EXFAT/.probe" 2>/dev/null; then
		rm -f "$EXFAT/.probe"
		exfat_missing "symlinks work on the mount; not a link-less disk"
	fi
}

# A second link-less disk that has hard links: a bindfs view that refuses
# symlink() (EPERM) and passes link() through. Sets HLFS; unmounted on exit.
hardlinks_mount() {
	command -v bindfs >/dev/null 2>&1 || exfat_missing "bindfs not installed"
	HLFS=$TMP/hlfs
	mkdir -p "$TMP/under-hl" "$HLFS"
	bindfs --resolve-symlinks "$TMP/under-hl" "$HLFS" >/dev/null 2>&1 ||
		exfat_missing "bindfs failed"
	trap 'fusermount -u "$HLFS" 2>/dev/null || umount -l "$HLFS" 2>/dev/null; exfat_umount; cleanup' EXIT
	if ln -s x "$HLFS/.probe" 2>/dev/null; then
		rm -f "$HLFS/.probe"
		exfat_missing "symlinks work on the bindfs view"
	fi
	{ echo x >"$HLFS/.a" && ln "$HLFS/.a" "$HLFS/.b" 2>/dev/null; } ||
		exfat_missing "no hard links on the bindfs view"
	rm -f "$HLFS/.a" "$HLFS/.b"
}
