#!/bin/sh
# The Windows build under Wine, judged from Linux by real git. Wine's
# CreateSymbolicLinkW reports success and makes nothing, and junctions fail
# with ERROR_NOT_SUPPORTED, so the whole chain must end in copies.
. "$(dirname "$0")/lib.sh"

EXE=${GSYM_EXE:-$ROOT/build-win/git-symlinks.exe}
if [ ! -f "$EXE" ] || ! command -v wine >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL - Windows build or Wine missing under CI (scripts/build-windows.sh)" >&2
		exit 1
	fi
	echo "SKIP - no Windows build; run scripts/build-windows.sh" >&2
	exit 77
fi

win() { # win DIR ARGS...: the .exe under Wine, in DIR
	dir=$1
	shift
	(cd "$dir" && "$ROOT/scripts/wine-run.sh" "$EXE" "$@")
}

jget() { jfield "$TMP/st.json" "$1" type kind state; }

# --- the .exe needs only what every Windows has --------------------------------
dlls=$(x86_64-w64-mingw32-objdump -p "$EXE" | sed -n 's/.*DLL Name: //p' | tr '[:upper:]' '[:lower:]' | sort -u)
odd=$(echo "$dlls" | grep -vxE 'kernel32.dll|advapi32.dll|msvcrt.dll|ws2_32.dll|rpcrt4.dll|crypt32.dll|ole32.dll|secur32.dll|user32.dll|bcrypt.dll|shell32.dll|api-ms-win-.*' || true)
expect_eq "the .exe imports only system DLLs" "" "$odd"
check "the .exe runs" win "$TMP" --version

# --- a clone made by Linux git -------------------------------------------------
"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
clone_placeholders "$TMP/src" "$TMP/c"
c=$TMP/c
before=$(snapshot "$c")

win "$c" restore >"$TMP/out" 2>"$TMP/err"
expect_eq "restore exits 1 (unsafe entries listed)" 1 $?
check "wine: the summary counts copies" grep -q "copies" "$TMP/out"
win "$c" status --json >"$TMP/st.json"
expect_eq "file link -> copy (links and junctions fail under Wine)" "file copy ok" "$(jget file-link)"
expect_eq "dir link -> deep copy" "dir copy ok" "$(jget dir-link)"
expect_eq "link to link -> copy" "file copy ok" "$(jget link-to-link)"
expect_eq "deep link pointing up -> deep copy" "dir copy ok" "$(jget sub/deep/er/up)"
expect_eq "non-ASCII names" "file copy ok" "$(jget ünïcode-link)"
expect_eq "escaping: placeholder, unsafe" "unknown placeholder unsafe" "$(jget escaping)"
expect_eq "absolute: placeholder, unsafe" "unknown placeholder unsafe" "$(jget absolute)"
expect_eq "dangling: placeholder, dangling" "missing placeholder dangling" "$(jget dangling)"
expect_eq "cycle: placeholder, unsafe" "unknown placeholder unsafe" "$(jget cycle-a)"
expect_eq "file copy content" "int lib(void);" "$(cat "$c/file-link")"
check "deep copy content" cmp "$c/lib/include/lib.h" "$c/dir-link/include/lib.h"
expect_eq "escaping placeholder untouched" "../outside-of-tree" "$(cat "$c/escaping")"
check "linux git: status clean" git_clean "$c"
check "linux git: add -A keeps every link" tree_kept "$c"
check "linux git: status clean after add -A" git_clean "$c"

# --- the guard from the .exe (junction checks on), after the bits are gone ----
cp "$c/.git/index" "$TMP/index.before-guard"
git -C "$c" ls-files -z | xargs -0 git -C "$c" update-index --no-skip-worktree
git -C "$c" rm -r -q --cached .
git -C "$c" add -A
# the sparse block (a deep copy is here) keeps git rm and add off every
# fallback; the escaping link's placeholder is staged as a file
expect_eq "the file copy stays a link entry (sparse block)" 120000 "$(git -C "$c" ls-files -s file-link | cut -d' ' -f1)"
expect_eq "the placeholder is staged as a file" 100644 "$(git -C "$c" ls-files -s escaping | cut -d' ' -f1)"
win "$c" hook pre-commit >"$TMP/out" 2>"$TMP/err"
expect_eq "wine guard: the commit may go on" 0 $?
check "wine guard: kept a placeholder's link" grep -q "kept 'escaping' a link" "$TMP/err"
expect_eq "wine guard: the index writes HEAD's tree again" "$(git -C "$c" rev-parse 'HEAD^{tree}')" "$(git -C "$c" write-tree)"
cp "$TMP/index.before-guard" "$c/.git/index"
check "skip-worktree bits set for the copies" test -n "$(skip_bits "$c")"
check "exclude lines for the deep copies" grep -qx "/dir-link" "$c/.git/info/exclude"
check "stamps in Git for Windows' form (ino 0)" sh -c "git -C '$c' ls-files --debug file-link | grep -q 'ino: 0'"

win "$c" restore >"$TMP/out" 2>&1
check "a second run restores nothing" grep -q "nothing to restore" "$TMP/out"

# a stale copy is refreshed, an edited one kept
printf 'int lib(long);\n' > "$c/lib/include/lib.h"
win "$c" restore -q >/dev/null 2>&1
expect_eq "stale copy refreshed" "int lib(long);" "$(cat "$c/file-link")"
git -C "$c" checkout -q -- lib/include/lib.h
win "$c" restore -q >/dev/null 2>&1
printf 'mine\n' > "$c/tool-link"
win "$c" restore >/dev/null 2>&1
expect_eq "edited copy kept" "mine" "$(cat "$c/tool-link")"
win "$c" status --json >"$TMP/st.json"
expect_eq "edited copy is modified" "file copy modified" "$(jget tool-link)"
win "$c" restore -q --force >/dev/null 2>&1
expect_eq "--force backs up the edit" "mine" "$(cat "$c/.git/symlinks/backup/tool-link")"

# reset: exactly what git wrote
win "$c" reset >"$TMP/out" 2>&1
expect_eq "reset exits 0" 0 $?
expect_eq "reset: exactly git's placeholders" "$before" "$(snapshot "$c")"
expect_eq "reset: no skip-worktree bit left" "" "$(skip_bits "$c")"
check "reset: no exclude lines left" sh -c "! grep -q git-symlinks '$c/.git/info/exclude'"
check "reset: git status clean" git_clean "$c"

# hard links: CreateHardLinkW works under Wine, so this path runs for real
win "$c" restore -q --fallback=hardlink,copy >/dev/null 2>&1
win "$c" status --json >"$TMP/st.json"
expect_eq "file link -> hard link" "file hardlink ok" "$(jget file-link)"
expect_eq "dir link still a deep copy" "dir copy ok" "$(jget dir-link)"
expect_eq "a real hard link: the target's inode" "$(stat -c %i "$c/lib/include/lib.h")" "$(stat -c %i "$c/file-link")"
check "linux git: status clean with hard links" git_clean "$c"
check "linux git: add -A keeps every link" tree_kept "$c"
win "$c" restore --fallback=hardlink,copy >"$TMP/out" 2>&1
check "a second run with hard links restores nothing" grep -q "nothing to restore" "$TMP/out"
win "$c" reset -q >/dev/null 2>&1
expect_eq "reset after hard links: exactly git's placeholders" "$before" "$(snapshot "$c")"
expect_eq "the target is untouched" "int lib(void);" "$(cat "$c/lib/include/lib.h")"

# a dry run and the exit codes
win "$c" restore --dry-run >"$TMP/out" 2>&1
check "dry run lists what it would do" grep -q "would restore" "$TMP/out"
expect_eq "dry run changes nothing" "$before" "$(snapshot "$c")"
win "$c" frobnicate >/dev/null 2>&1
expect_eq "usage error: 129" 129 $?
mkdir -p "$TMP/norepo"
win "$TMP/norepo" status >/dev/null 2>&1
expect_eq "not a repository: 128" 128 $?

# --- symlinks.jobs: lstat() ahead on Windows threads, same answers -------------
"$FIXTURES/make-synthetic.sh" "$TMP/syn" 600 520 >/dev/null
for j in 1 4; do
	clone_placeholders "$TMP/syn" "$TMP/wj$j"
	git -C "$TMP/wj$j" config symlinks.jobs $j
	win "$TMP/wj$j" restore -q >/dev/null 2>&1
	win "$TMP/wj$j" status --porcelain >"$TMP/wst.$j" 2>/dev/null
done
check "wine jobs=4 reports what jobs=1 does" cmp "$TMP/wst.1" "$TMP/wst.4"
expect_eq "wine jobs=4: every link is a copy" 520 "$(grep -c '^ok copy ' "$TMP/wst.4")"
check "wine jobs=4: linux git status clean" git_clean "$TMP/wj4"
# --- plain git over the .exe's fallbacks ----------------------------------------
# the rows the .exe can run: Linux git switches, the .exe restores (the
# hooks would run it; here it is run by hand), Linux git judges
"$FIXTURES/make-workflows.sh" "$TMP/wf" >/dev/null
clone_placeholders "$TMP/wf" "$TMP/w"
w=$TMP/w
for b in retarget delete add types content side; do git -C "$w" branch -q "$b" "origin/$b"; done
git -C "$w" checkout -q -b work
wbest() {
	win "$w" status >"$TMP/wst" 2>&1 || { cat "$TMP/wst"; return 1; }
	git_clean "$w"
}
# wrow DESC GIT-ARGS...: git passes over the fallbacks, the .exe restores
wrow() {
	desc=$1
	shift
	check "wine rows: $desc" git -C "$w" "$@"
	win "$w" restore -q >/dev/null 2>&1
	check "wine rows: $desc: links at their best, git status clean" wbest
}
win "$w" restore -q >/dev/null 2>&1
check "wine rows: a directory copy holding a dangling link is ok" wbest
wrow "links retargeted" checkout -q retarget
expect_eq "wine rows: file copy follows" "h1" "$(cat "$w/fl")"
check "wine rows: directory copy follows" test -f "$w/dl/h"
wrow "back" checkout -q work
wrow "links deleted" checkout -q delete
check "wine rows: directory copy gone" test ! -e "$w/dl"
wrow "links added" checkout -q add
wrow "types change" checkout -q types
expect_eq "wine rows: link became a file" "regular" "$(cat "$w/tl")"
wrow "types back" checkout -q work
wrow "only targets change" checkout -q content
expect_eq "wine rows: directory copy refreshed" "f2" "$(cat "$w/dl/f")"
wrow "empty target again" checkout -q -f work
wrow "reset --hard" reset -q --hard retarget
wrow "reset --hard back" reset -q --hard base
wrow "merge" merge -q --no-edit side
wrow "rebase" rebase -q retarget

# --- the console: UTF-8 text through WriteConsoleW, plain bytes redirected ----
# Wine gives a program on a terminal a console whose code page is 437
# here, so bytes written as they are would show as mojibake.
clone_placeholders "$TMP/src" "$TMP/con"
ontty() { # ontty DIR ARGS...: the .exe on a pseudo-terminal, its output
	dir=$1
	shift
	(cd "$dir" && LANG=C.UTF-8 python3 - "$ROOT/scripts/wine-run.sh" "$EXE" "$@" <<'PY'
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        r, _, _ = select.select([fd], [], [], 60)
        if not r:
            break
        d = os.read(fd, 4096)
        if not d:
            break
        out += d
    except OSError:
        break
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
PY
	)
}
ontty "$TMP/con" restore -v >"$TMP/tty.out"
check "console: a non-ASCII path shows as itself" \
	grep -q "ünïcode-link -> é-dir/fïle.txt (copy)" "$TMP/tty.out"
win "$TMP/con" reset -q >/dev/null 2>&1
win "$TMP/con" restore -v >"$TMP/pipe.out" 2>&1
check "redirected: the same path as UTF-8 bytes" \
	grep -q "ünïcode-link -> é-dir/fïle.txt (copy)" "$TMP/pipe.out"
ontty "$TMP/con" frobnicate >"$TMP/tty.err"
check "console: stderr too" grep -q "'frobnicate' is not a git-symlinks command" "$TMP/tty.err"

# --- paths longer than MAX_PATH (260): the \\?\ form ---------------------------
deep=$(python3 -c "print('/'.join('d%02d-abcdefghijklmnopqrstuvwxyz' % i for i in range(10)))")
mkdir -p "$TMP/long/src/$deep"
(cd "$TMP/long/src" && git init -q && echo hi >"$deep/target.txt" &&
	ln -s target.txt "$deep/link-ü.txt" && ln -s "$deep" deep-dir-link &&
	git add -A && git commit -qm long)
clone_placeholders "$TMP/long/src" "$TMP/long/c"
lc=$TMP/long/c
expect_eq "the test path is longer than MAX_PATH" yes \
	"$([ "$(printf 'Z:%s' "$lc/$deep/link-ü.txt" | wc -c)" -gt 260 ] && echo yes)"
# as with Git for Windows, long paths need core.longpaths (libgit2 obeys it)
git -C "$lc" config core.longpaths true
win "$lc" restore >"$TMP/out" 2>&1
expect_eq "long paths: restore exits 0" 0 $?
expect_eq "long paths: the file link is a copy" hi "$(cat "$lc/$deep/link-ü.txt")"
check "long paths: the dir link is a deep copy" test -f "$lc/deep-dir-link/target.txt"
check "long paths: linux git status clean" git_clean "$lc"
check "long paths: add -A keeps every link" tree_kept "$lc"
win "$lc" reset -q >/dev/null 2>&1
expect_eq "long paths: reset puts the placeholder back" target.txt "$(cat "$lc/$deep/link-ü.txt")"

# --- doctor on Windows (Wine): links refused, what to do ------------------------
before=$(snapshot "$TMP/con")
win "$TMP/con" doctor >"$TMP/doc" 2>/dev/null
expect_eq "wine doctor exits 0" 0 $?
expect_eq "wine doctor changed nothing" "$before" "$(snapshot "$TMP/con")"
check "wine doctor: no links here" grep -q "^links here: *no" "$TMP/doc"
check "wine doctor: Developer Mode reported" grep -q "^Developer Mode: *o" "$TMP/doc"
check "wine doctor: the volume" grep -q "^volume links:" "$TMP/doc"
check "wine doctor: the platform's fallback" grep -q "^fallback: *[a-z,]* (platform default)" "$TMP/doc"
win "$TMP/con" doctor --json >"$TMP/doc.json" 2>/dev/null
check "wine doctor --json: the Windows facts" python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
assert d["links"]["ok"] is False and d["windows"]["developer_mode"] is not None' "$TMP/doc.json"


# --- watch: ReadDirectoryChangesW and Ctrl-C, as far as Wine runs them --------
clone_placeholders "$TMP/src" "$TMP/wt"
w=$TMP/wt
win "$w" restore -q >/dev/null 2>&1
poll() { # poll SECONDS CMD...: until CMD succeeds, every 50 ms
	n=$(($1 * 20))
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.05
	done
}
(cd "$w" && exec "$ROOT/scripts/wine-run.sh" "$EXE" watch >"$TMP/wwatch.out" 2>"$TMP/wwatch.err") &
wpid=$!
check "wine: watch starts" poll 30 grep -q "^watching" "$TMP/wwatch.out"
printf 'int lib(long);\n' >"$w/lib/include/lib.h"
check "wine: a saved target refreshes its copy" \
	poll 3 sh -c "[ \"\$(cat '$w/file-link')\" = 'int lib(long);' ]"
check "wine: and the deep copy" \
	poll 3 sh -c "[ \"\$(cat '$w/dir-link/include/lib.h')\" = 'int lib(long);' ]"
printf 'my edit\n' >"$w/tool-link"
printf '#!/bin/sh\necho tool 2\n' >"$w/lib/tool.sh"
check "wine: an edited copy is reported" poll 3 grep -q "^left alone tool-link" "$TMP/wwatch.err"
expect_eq "wine: and left alone" "my edit" "$(cat "$w/tool-link")"
sleep 0.5
poll 3 test ! -e "$w/.git/index.lock"
check "wine: checkout of the targets" git -C "$w" checkout -q -- lib
check "wine: a checkout of the targets refreshes the copies" \
	poll 3 sh -c "[ \"\$(cat '$w/file-link')\" = 'int lib(void);' ]"
sleep 0.5
kill -INT "$wpid"
wait "$wpid"
expect_eq "wine: Ctrl-C (SetConsoleCtrlHandler) exits 0" 0 $?
check "wine: no index.lock left" test ! -e "$w/.git/index.lock"
check "wine: linux git status clean" git_clean "$w"
finish
