# shellcheck shell=sh
# Debian source packages, for building dependencies from Debian's own
# sources: sourced by build-windows.sh and build-libgit2.sh.
# Needs: $deps (the cache directory) and say().

# deb-src entries for Debian's archive, added once
debsrc_enable() {
	apt-cache showsrc libgit2 2>/dev/null | grep -q '^Version:' && return 0
	say "adding deb-src entries for Debian's archive"
	cat >/etc/apt/sources.list.d/git-symlinks-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt-get update -qq
}

# versions newest first (the security pool may refuse some sources)
debsrc_versions() {
	apt-cache showsrc "$1" | sed -n 's/^Version: //p' | sort -rV | uniq
}

# debsrc_key PKG...: one short name for the newest versions of PKGs
debsrc_key() {
	key=""
	for pkg in "$@"; do
		key="$key$pkg-$(debsrc_versions "$pkg" | head -1)_"
	done
	echo "$key" | sha1sum | cut -c1-12
}

# debsrc_fetch PKG: unpack the newest source that downloads under
# $deps/src, print its directory
# shellcheck disable=SC2154 # $deps is the sourcing script's (Needs, above)
debsrc_fetch() {
	for v in $(debsrc_versions "$1"); do
		if (cd "$deps/src" && apt-get source -qq --download-only "$1=$v" >/dev/null 2>&1); then
			(cd "$deps/src" && { dpkg-source -x --no-check ./*"$(echo "$1" | tr -d ' ')"_"${v#*:}".dsc "$1-src" >/dev/null 2>&1 ||
				dpkg-source -x ./"$1"_*.dsc "$1-src" >/dev/null; })
			echo "$deps/src/$1-src"
			return 0
		fi
		say "source $1=$v did not download; trying an older one"
	done
	say "no source of $1 could be downloaded"
	return 1
}
