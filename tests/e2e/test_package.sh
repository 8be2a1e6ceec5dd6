#!/bin/sh
# scripts/package.sh, and what it makes: the .deb (dpkg-deb -I/-c, and its
# binary runs), the Windows zip (unzip -l), and the Windows installer run
# silently under Wine in a fresh prefix, install then uninstall, judged
# from the prefix's files and registry.
. "$(dirname "$0")/lib.sh"

missing() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL - $1 missing under CI" >&2
		exit 1
	fi
	echo "SKIP - $1 missing (scripts/deps.sh package wine; scripts/build-windows.sh)" >&2
	exit 77
}
for tool in dpkg-deb unzip makensis wine wineserver cpack; do
	command -v "$tool" >/dev/null 2>&1 || missing "$tool"
done
[ -f "$ROOT/build-win/git-symlinks.exe" ] || missing "the Windows build"

# --- build them ------------------------------------------------------------------------
D=$TMP/dist
if ! DIST_DIR=$D "$ROOT/scripts/package.sh" >"$TMP/pkg.log" 2>&1; then
	fail "scripts/package.sh" "$(tail -n 30 "$TMP/pkg.log")"
	finish
	exit 1
fi
version=$(cat "$ROOT/build/version.txt")
deb=$D/git-symlinks_${version}_amd64.deb
zip=$D/git-symlinks-$version-windows-x64.zip
setup=$D/git-symlinks-$version-setup.exe
expect_eq "dist/ holds the three packages, named by version" \
	"$(printf '%s\n' "$(basename "$deb")" "$(basename "$setup")" "$(basename "$zip")" | LC_ALL=C sort)" \
	"$(cd "$D" && printf '%s\n' * | LC_ALL=C sort)"

# --- the .deb -------------------------------------------------------------------------------
dpkg-deb -I "$deb" >"$TMP/info"
check "deb: package name" grep -qx " Package: git-symlinks" "$TMP/info"
check "deb: version" grep -qx " Version: $version" "$TMP/info"
check "deb: amd64" grep -qx " Architecture: amd64" "$TMP/info"
check "deb: depends on git" grep -Eq "^ Depends: .*\bgit\b" "$TMP/info"
dpkg-deb -c "$deb" | awk '{print $6}' >"$TMP/files"
for f in ./usr/bin/git-symlinks ./usr/share/man/man1/git-symlinks.1.gz \
	./usr/share/doc/git-symlinks/git-symlinks.html \
	./usr/share/bash-completion/completions/git-symlinks; do
	check "deb: $f" grep -qx "$f" "$TMP/files"
done
expect_eq "deb: everything under /usr" "" "$(grep -v '^\./usr/' "$TMP/files" | grep -vx './' || true)"
dpkg-deb -x "$deb" "$TMP/deb"
expect_eq "deb: its binary runs" "git-symlinks version $version" "$("$TMP/deb/usr/bin/git-symlinks" --version)"

# --- the zip ----------------------------------------------------------------------------------
unzip -Z1 "$zip" | LC_ALL=C sort >"$TMP/zip"
top=git-symlinks-$version-windows-x64
expect_eq "zip: the .exe, HTML help, README and licence in one folder" \
	"$(printf '%s\n' "$top/" "$top/LICENSE.txt" "$top/README.txt" "$top/git-symlinks.exe" "$top/git-symlinks.html" | LC_ALL=C sort)" \
	"$(cat "$TMP/zip")"
unzip -q "$zip" -d "$TMP/unzip"
check "zip: the .exe is the Windows build" cmp "$TMP/unzip/$top/git-symlinks.exe" "$ROOT/build-win/git-symlinks.exe"

# --- the installer, silently under Wine ----------------------------------------------------
export WINEPREFIX="$TMP/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine() { env -u HOME WINEPREFIX="$WINEPREFIX" wine "$@"; }
mkdir -p "$WINEPREFIX"
wineboot -i >/dev/null 2>&1
wineserver -w
user=$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 ! -name Public -printf '%f\n' | LC_ALL=C sort | head -1)
profile=$WINEPREFIX/drive_c/users/$user
inst=$profile/AppData/Local/Programs/git-symlinks
winst="C:\\users\\$user\\AppData\\Local\\Programs\\git-symlinks"
# a PATH of the user's own, which must survive both ways
wine reg add 'HKCU\Environment' /v Path /t REG_EXPAND_SZ /d 'C:\mytools' /f >/dev/null 2>&1
wineserver -w
userpath() {
	wine reg query 'HKCU\Environment' /v Path 2>/dev/null | tr -d '\r' |
		sed -n 's/^ *Path *REG_EXPAND_SZ *//p'
}
regkey() { # the user.reg section of a key, e.g. 'Software\\git-symlinks'
	python3 - "$WINEPREFIX/user.reg" "$1" <<'PY'
import sys
cur = None
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if line.startswith("["):
        cur = line[1:line.index("]")]
    elif cur is not None and cur.lower() == sys.argv[2].lower() and line.startswith('"'):
        print(line.rstrip())
PY
}

(cd "$TMP" && wine "$setup" /S)
wineserver -w
check "installed: the program" test -f "$inst/git-symlinks.exe"
check "installed: the HTML help" test -f "$inst/git-symlinks.html"
check "installed: README and licence" test -f "$inst/README.txt" -a -f "$inst/LICENSE.txt"
check "installed: the uninstaller" test -f "$inst/uninstall.exe"
expect_eq "the user's PATH gains the folder, keeps its own" "C:\\mytools;$winst" "$(userpath)"
check "user.reg: Environment has the folder" sh -c "grep -A3 -i '^\[Environment\]' '$WINEPREFIX/user.reg' | grep -qi 'git-symlinks'"
check "Apps: an uninstall entry" grep -qi "Uninstall.\\\\git-symlinks\\]" "$WINEPREFIX/user.reg"
expect_eq "the hooks were installed (recorded)" '"HooksInstalled"=dword:00000001' \
	"$(regkey 'Software\\git-symlinks' | grep HooksInstalled)"
check "install-hooks --global ran: init.templateDir" grep -qi "templateDir" "$profile/.gitconfig"
check "install-hooks --global ran: post-checkout" grep -q "BEGIN git-symlinks" "$profile/.git-templates/git-symlinks/hooks/post-checkout"
check "the hook calls the installed program" grep -q "Programs.git-symlinks.git-symlinks.exe" "$profile/.git-templates/git-symlinks/hooks/post-checkout"
out=$(cd "$TMP" && wine "$inst/git-symlinks.exe" --version 2>&1 | tr -d '\r')
expect_eq "the installed program runs" "git-symlinks version $version" "$out"

(cd "$TMP" && wine "$inst/uninstall.exe" /S)
wineserver -w
check "uninstalled: the folder is gone" test ! -e "$inst"
expect_eq "uninstalled: the PATH entry is gone, the user's kept" 'C:\mytools' "$(userpath)"
expect_eq "uninstalled: no uninstall entry" "" "$(grep -i 'Uninstall\\\\git-symlinks\]' "$WINEPREFIX/user.reg" || true)"
expect_eq "uninstalled: no settings key" "" "$(regkey 'Software\\git-symlinks')"
check "uninstalled: the hooks are gone" test ! -e "$profile/.git-templates/git-symlinks/hooks/post-checkout"
check_fails "uninstalled: init.templateDir unset" grep -qi "templateDir" "$profile/.gitconfig"

# /NOHOOKS: the option is off, nothing is installed for clones
(cd "$TMP" && wine "$setup" /S /NOHOOKS)
wineserver -w
check "/NOHOOKS: installed" test -f "$inst/git-symlinks.exe"
check "/NOHOOKS: no hooks" test ! -e "$profile/.git-templates/git-symlinks/hooks/post-checkout"
(cd "$TMP" && wine "$inst/uninstall.exe" /S)
wineserver -w
check "/NOHOOKS: uninstalled" test ! -e "$inst"
expect_eq "/NOHOOKS: the user's PATH as it was" 'C:\mytools' "$(userpath)"
wineserver -k 2>/dev/null || true

finish
