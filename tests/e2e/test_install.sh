#!/bin/sh
# cmake --install into a temporary prefix (and DESTDIR), then use what was
# installed the way a user does: git's help (man page and HTML), bash
# completion through git's own, `doctor` and the core.symlinks notices.
. "$(dirname "$0")/lib.sh"

BUILD=$(cd "$(dirname "$GSYM")" && pwd)

missing() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL - $1 missing under CI (scripts/deps.sh docs install)" >&2
		exit 1
	fi
	echo "SKIP - $1 missing (scripts/deps.sh docs install)" >&2
	exit 77
}
[ -f "$BUILD/git-symlinks.1" ] || missing "the man page (asciidoctor)"
command -v man >/dev/null 2>&1 || missing "man"
[ -f /usr/share/bash-completion/bash_completion ] || missing "bash-completion"
command -v bash >/dev/null 2>&1 || missing "bash"

# --- the layout, under --prefix and under DESTDIR ---------------------------------
P=$TMP/prefix
cmake --install "$BUILD" --prefix "$P" >"$TMP/out" 2>&1 || fail "cmake --install" "$(cat "$TMP/out")"
for f in bin/git-symlinks share/man/man1/git-symlinks.1.gz \
	share/doc/git-symlinks/git-symlinks.html share/doc/git-symlinks/LICENSE \
	share/doc/git-symlinks/README.md share/bash-completion/completions/git-symlinks; do
	check "installed $f" test -s "$P/$f"
done
DESTDIR=$TMP/dest cmake --install "$BUILD" --prefix /usr >/dev/null 2>&1
check "DESTDIR honoured" test -x "$TMP/dest/usr/bin/git-symlinks"
check "DESTDIR: the man page" test -s "$TMP/dest/usr/share/man/man1/git-symlinks.1.gz"

export PATH="$P/bin:$PATH" MANPATH="$P/share/man:" MANPAGER=cat PAGER=cat MANWIDTH=80
version=$(cat "$BUILD/version.txt")
expect_eq "git runs the installed binary" "git-symlinks version $version" \
	"$(git symlinks --version)"

# --- help: man, git help, git symlinks --help, git help -w -----------------------
expect_eq "man -w finds the page" "$P/share/man/man1/git-symlinks.1.gz" "$(man -w git-symlinks)"
man git-symlinks >"$TMP/man" 2>&1
check "man git-symlinks shows the page" grep -q "make git's symbolic links real" "$TMP/man"
git help symlinks >"$TMP/help" 2>&1
check "git help symlinks shows the man page" grep -q "GIT-SYMLINKS(1)" "$TMP/help"
check "the man page documents doctor" grep -q "doctor" "$TMP/help"
git symlinks --help >"$TMP/help2" 2>&1
check "git symlinks --help shows the man page" grep -q "GIT-SYMLINKS(1)" "$TMP/help2"
html=$(git -c help.htmlPath="$P/share/doc/git-symlinks" -c help.browser=show \
	-c browser.show.cmd=echo help -w symlinks 2>&1)
expect_eq "git help -w symlinks opens the installed HTML" \
	"$P/share/doc/git-symlinks/git-symlinks.html" "$html"
check "the HTML is the page" grep -q "<title>git-symlinks(1)</title>" "$html"
expect_eq "restore --help keeps its short usage" \
	"usage: git-symlinks restore [-n] [-f] [--fallback=<list>] [--allow-outside]" \
	"$(git symlinks restore --help | head -1)"
expect_eq "doctor --help keeps its short usage" "usage: git-symlinks doctor [--json]" \
	"$(git symlinks doctor --help | head -1)"

# --- bash completion, through git's own ---------------------------------------------
cat >"$TMP/comp.bash" <<'SH'
. /usr/share/bash-completion/bash_completion
_completion_loader git
comp() {
	COMP_LINE=$1
	COMP_POINT=${#COMP_LINE}
	read -ra COMP_WORDS <<<"$1"
	[ "${1% }" = "$1" ] || COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	__git_wrap__git_main
	printf '%s\n' "${COMPREPLY[@]}" | sed 's/ *$//' | LC_ALL=C sort | tr '\n' ' '
	echo
}
case $1 in
defined) comp "git symlinks " >/dev/null; declare -f _git_symlinks >/dev/null && echo yes ;;
*) comp "$1" ;;
esac
SH
comp() { XDG_DATA_DIRS="$P/share:/usr/share" bash --norc --noprofile "$TMP/comp.bash" "$1"; }
expect_eq "_git_symlinks is loaded for git symlinks" yes "$(comp defined)"
commands=$(git symlinks help | sed -n 's/^  \([a-z-]*\) .*/\1/p' | grep -vx hook | LC_ALL=C sort | tr '\n' ' ')
expect_eq "git symlinks <TAB>: every command" "$commands" "$(comp 'git symlinks ')"
expect_eq "git symlinks re<TAB>" "reset restore " "$(comp 'git symlinks re')"
expect_eq "git symlinks doctor --<TAB>" "--help --json " "$(comp 'git symlinks doctor --')"
# every command's options as its --help lists them (plus --help; the
# hidden --no-recurse-submodules completes too)
for cmd in $commands; do
	[ "$cmd" != help ] || continue
	want=$( (git symlinks "$cmd" --help | sed -n 's/^  \(-., \)\{0,1\}\(--[a-z-]*=\{0,1\}\).*/\2/p'; echo --help) |
		LC_ALL=C sort | tr '\n' ' ')
	have=$(comp "git symlinks $cmd --" | tr ' ' '\n' | grep -vx -- --no-recurse-submodules |
		grep . | LC_ALL=C sort | tr '\n' ' ')
	expect_eq "git symlinks $cmd --<TAB>: the options of its --help" "$want" "$have"
done
expect_eq "git symlinks restore --fallback=<TAB>" "copy hardlink,copy junction,copy junction,hardlink,copy none " \
	"$(comp 'git symlinks restore --fallback=')"

# --- doctor, in a clone with core.symlinks=false on a disk with links -------------
# everything in the tree and .git, content and modes (not times)
state() {
	(cd "$1" && find . -printf '%y %m %s %p %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha1sum)
}
"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
clone_placeholders "$TMP/src" "$TMP/c"
c=$TMP/c
before=$(state "$c")
(cd "$c" && git symlinks doctor) >"$TMP/doc" 2>"$TMP/doc.err"
expect_eq "doctor exits 0" 0 $?
expect_eq "doctor changed nothing (tree and .git byte-identical)" "$before" "$(state "$c")"
check "doctor: links can be made here" grep -q "^links here: *yes" "$TMP/doc"
check "doctor: core.symlinks" grep -q "^core.symlinks: *false" "$TMP/doc"
check "doctor: the file system" grep -Eq "^file system: *[a-z0-9]+" "$TMP/doc"
check "doctor: the fallback" grep -q "^fallback: *copy (platform default)" "$TMP/doc"
check "doctor: hooks here" grep -q "^hooks here: *no" "$TMP/doc"
check "doctor: hooks for clones" grep -q "^hooks for clones: *no (init.templateDir unset)" "$TMP/doc"
check "doctor: git's version" grep -q "^git: *git version" "$TMP/doc"
check "doctor: the tool's version" grep -q "^git-symlinks: *$version" "$TMP/doc"
check "doctor: next, enable core.symlinks" grep -q "^next: links work here but core.symlinks=false.*--enable-symlinks" "$TMP/doc"
expect_eq "doctor fits one screen" yes "$([ "$(wc -l <"$TMP/doc")" -le 24 ] && echo yes)"

(cd "$c" && git symlinks doctor --json) >"$TMP/doc.json"
expect_eq "doctor --json exits 0" 0 $?
expect_eq "doctor --json changed nothing" "$before" "$(state "$c")"
jq() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print(json.dumps(d))' "$TMP/doc.json" "$1"; }
expect_eq "json: links ok" true "$(jq links.ok)"
expect_eq "json: core_symlinks" false "$(jq core_symlinks)"
expect_eq "json: fallback" '"copy"' "$(jq fallback)"
expect_eq "json: hooks here" 0 "$(jq hooks.here)"
expect_eq "json: not Windows" null "$(jq windows)"
expect_eq "json: tool version" "\"$version\"" "$(jq tool_version)"
check "json: next" sh -c "python3 -c 'import json,sys; assert \"--enable-symlinks\" in json.load(open(sys.argv[1]))[\"next\"]' '$TMP/doc.json'"

# restore says so on stderr, unless -q
(cd "$c" && git symlinks restore) >"$TMP/out" 2>"$TMP/err"
check "restore: the hint on stderr" grep -qx "hint: links work here but core.symlinks=false; run 'git symlinks install-hooks --enable-symlinks' so git writes links itself" "$TMP/err"
expect_eq "restore: the hint is one line" 1 "$(grep -c hint "$TMP/err")"
(cd "$c" && git symlinks restore -q) >"$TMP/out" 2>"$TMP/err"
expect_eq "restore -q: no hint" "" "$(cat "$TMP/err")"

# install-hooks offers, never sets, core.symlinks without the flag
(cd "$c" && git symlinks install-hooks) >"$TMP/out" 2>"$TMP/err"
check "install-hooks offers --enable-symlinks" grep -q -- "--enable-symlinks" "$TMP/err"
expect_eq "install-hooks leaves core.symlinks alone" false "$(git -C "$c" config core.symlinks)"
check "install-hooks --enable-symlinks" sh -c "cd '$c' && git symlinks install-hooks --enable-symlinks"
expect_eq "core.symlinks set to true" true "$(git -C "$c" config --local core.symlinks)"
expect_rc "--enable-symlinks is for this repository only" 129 sh -c "cd '$c' && git symlinks install-hooks --global --enable-symlinks"
(cd "$c" && git symlinks restore) >"$TMP/out" 2>"$TMP/err"
expect_eq "restore: no hint once core.symlinks=true" "" "$(grep hint "$TMP/err")"
check "every link real" links_real "$c"
check "git status clean with core.symlinks=true" git_clean "$c"
(cd "$c" && git symlinks doctor) >"$TMP/doc"
check "doctor: hooks here now" grep -q "^hooks here: *yes" "$TMP/doc"
check "doctor: next, the hooks for new clones" grep -q "^next: run 'git symlinks install-hooks --global'" "$TMP/doc"
(cd "$c" && git symlinks install-hooks --global) >/dev/null
(cd "$c" && git symlinks doctor --json) >"$TMP/doc.json"
expect_eq "json: hooks for clones: all of them" "$(jq hooks.of)" "$(jq hooks.clones)"
check "json: nothing to do" sh -c "grep -q 'nothing to do' '$TMP/doc.json'"
expect_rc "doctor outside a repository: fatal" 128 sh -c "cd '$TMP' && git symlinks doctor"

# --- doctor on a disk without links (exFAT) --------------------------------------
if [ "$(id -u)" = 0 ] && [ -e /dev/fuse ] && command -v mount.exfat-fuse >/dev/null 2>&1; then
	# shellcheck source=exfat.sh
	. "$ROOT/tests/e2e/exfat.sh"
	exfat_mount 64M
	git clone -q "$TMP/src" "$EXFAT/c" 2>/dev/null
	e=$EXFAT/c
	expect_eq "exFAT: git's clone probe set core.symlinks=false" false "$(git -C "$e" config core.symlinks)"
	before=$(state "$e")
	(cd "$e" && git symlinks doctor) >"$TMP/doc" 2>&1
	expect_eq "exFAT: doctor exits 0" 0 $?
	expect_eq "exFAT: doctor changed nothing" "$before" "$(state "$e")"
	check "exFAT: no links here" grep -q "^links here: *no" "$TMP/doc"
	check "exFAT: named" grep -q "^file system: *exfat" "$TMP/doc"
	check "exFAT: why" grep -q "^why not: *exfat does not support symbolic links" "$TMP/doc"
	check "exFAT: the probe's error" grep -q "^error: *could not create symlink '.*/\.git-symlinks-probe-[0-9]*'" "$TMP/doc"
	check "exFAT: the clone got the hooks (--global above)" grep -q "^hooks here: *yes" "$TMP/doc"
	check "exFAT: next, nothing better than fallbacks" grep -q "^next: nothing more to set up: links cannot be made on exfat, so restore makes copy" "$TMP/doc"
	(cd "$e" && git symlinks restore) >"$TMP/out" 2>"$TMP/err"
	expect_eq "exFAT: restore gives no core.symlinks hint" "" "$(grep hint "$TMP/err")"
	expect_rc "exFAT: --enable-symlinks refused" 128 sh -c "cd '$e' && git symlinks install-hooks --enable-symlinks"
	expect_eq "exFAT: core.symlinks left false" false "$(git -C "$e" config core.symlinks)"
else
	[ "${CI:-}" != true ] || fail "exFAT test bed unavailable under CI (root, /dev/fuse, exfat-fuse)"
	echo "SKIP - doctor on exFAT (needs root, /dev/fuse and exfat-fuse)" >&2
fi

finish
