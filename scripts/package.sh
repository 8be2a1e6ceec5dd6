#!/bin/sh
# Build the packages into dist/:
#   git-symlinks_<version>_amd64.deb         (CPack; installs under /usr)
#   git-symlinks-<version>-windows-x64.zip   (the .exe, HTML help, README, licence)
#   git-symlinks-<version>-setup.exe         (NSIS: per-user Windows installer)
# Builds the Linux and the Windows program first (scripts/build.sh,
# scripts/build-windows.sh); installs what it needs from Debian's archive.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
dist=${DIST_DIR:-$root/dist}
say() { echo "package: $*" >&2; }

./scripts/deps.sh build docs package
./scripts/build.sh >/dev/null
./scripts/build-windows.sh >/dev/null

version=$(cat build/version.txt)
winversion=$(cat build-win/version.txt)
if [ "$version" != "$winversion" ]; then
	echo "package: build/ is $version but build-win/ is $winversion" >&2
	exit 1
fi
rm -rf "$dist"
mkdir -p "$dist"

# --- the .deb ----------------------------------------------------------------------
(cd build && cpack -G DEB -B "$dist/.cpack" >/dev/null)
mv "$dist"/.cpack/git-symlinks_*.deb "$dist/"
say "$(ls "$dist"/*.deb)"

# --- the Windows zip: one folder, as cmake --install lays it out ----------------
stage=$dist/.stage/git-symlinks-$version-windows-x64
cmake --install build-win --prefix "$stage" >/dev/null
(cd "$dist/.stage" && zip -q -X -r "$dist/git-symlinks-$version-windows-x64.zip" \
	"git-symlinks-$version-windows-x64")
say "$dist/git-symlinks-$version-windows-x64.zip"

# --- the Windows installer ----------------------------------------------------------
# VIProductVersion wants four numbers: the leading ones of the version
num=$(echo "$version" | sed -E 's/^([0-9]+(\.[0-9]+)*).*/\1/')
while [ "$(echo "$num" | tr -cd . | wc -c)" -lt 3 ]; do num=$num.0; done
makensis -V2 -DVERSION="$version" -DVERSION_NUM="$num" -DSTAGE="$stage" \
	-DOUTFILE="$dist/git-symlinks-$version-setup.exe" \
	packaging/windows/git-symlinks.nsi >/dev/null
say "$dist/git-symlinks-$version-setup.exe"

rm -rf "$dist/.cpack" "$dist/.stage"
