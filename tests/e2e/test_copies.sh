#!/bin/sh
# Copies at the scale of a link-heavy repository (issue 22): progress on a
# terminal while links and copies are made, and symlinks.copyLimit. Links
# are refused by a preloaded symlink() (nosymlink.c), as on Windows
# without the privilege, so every link becomes a copy; real git judges.
. "$(dirname "$0")/lib.sh"

NOSYM=${GSYM_NOSYMLINK:-$ROOT/build/tests/libnosymlink.so}
if [ ! -f "$NOSYM" ]; then
	[ "${CI:-}" != true ] || { fail "nosymlink.so missing under CI: $NOSYM"; finish; exit 1; }
	echo "SKIP - links refused: $NOSYM not built" >&2
	finish
	exit 77
fi
if ! command -v script >/dev/null; then
	[ "${CI:-}" != true ] || { fail "script (util-linux) missing under CI"; finish; exit 1; }
	echo "SKIP - script (util-linux) missing: no terminal to show progress on" >&2
	finish
	exit 77
fi
# a sanitized binary wants its runtime first; the preload comes first here
nosym() {
	env LD_PRELOAD="$NOSYM" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}
# on_tty FILE CMD: run CMD with a terminal (a real pty) as its stdin,
# stdout and stderr; what the terminal showed goes to FILE
on_tty() {
	out=$1
	shift
	script -qec "$*" /dev/null >"$out" 2>&1 </dev/null
}

# lib/: 6 directories of 10 files; 70 links to it (enough to be made on
# threads: run/run_repo.h CREATE_AHEAD_MIN), 3 links to files
src=$TMP/src
git init -q "$src"
for d in 1 2 3 4 5 6; do
	mkdir -p "$src/lib/d$d"
	for f in 1 2 3 4 5 6 7 8 9 10; do
		printf 'file %s of %s\n' "$f" "$d" >"$src/lib/d$d/f$f"
	done
done
mkdir "$src/links"
for i in $(seq 1 70); do ln -s ../lib "$src/links/l$i"; done
for i in 1 2 3; do ln -s ../lib/d1/f$i "$src/links/f$i"; done
git -C "$src" add -A
git -C "$src" commit -qm "a link-heavy tree"
nfiles=$((70 * 60 + 3))

# --- progress: on a terminal only, after the delay; --progress forces it ----
export GIT_PROGRESS_DELAY=0 # git's own knob: show at once (ours: 1 s)
clone_placeholders "$src" "$TMP/file"
nosym "$GSYM" -C "$TMP/file" restore >"$TMP/out" 2>"$TMP/err"
expect_eq "restore with stderr a file exits 0" 0 $?
check "every link is a copy" grep -q "restored 73 of 73 links (73 copies)" "$TMP/out"
check "no progress when stderr is a file" sh -c "! grep -q 'links:' '$TMP/err'"
check "git status is clean" git_clean "$TMP/file"

clone_placeholders "$src" "$TMP/tty"
on_tty "$TMP/tty.out" "env LD_PRELOAD='$NOSYM' ASAN_OPTIONS='${ASAN_OPTIONS:-}:verify_asan_link_order=0' '$GSYM' -C '$TMP/tty' restore"
expect_eq "restore on a terminal exits 0" 0 $?
check "checking shows a count" grep -q "Checking links: 100% (73/73), done\." "$TMP/tty.out"
check "making shows links, files and bytes copied" \
	grep -Eq "Making links: 100% \(73/73\), $nfiles files, [0-9.]+ KiB, done\." "$TMP/tty.out"
check "each update rewrites the line" grep -q "$(printf '\r')Making links: " "$TMP/tty.out"
check "the report still follows" grep -q "restored 73 of 73 links (73 copies)" "$TMP/tty.out"
check "git status is clean" git_clean "$TMP/tty"

clone_placeholders "$src" "$TMP/noprog"
on_tty "$TMP/noprog.out" "env LD_PRELOAD='$NOSYM' ASAN_OPTIONS='${ASAN_OPTIONS:-}:verify_asan_link_order=0' '$GSYM' -C '$TMP/noprog' restore --no-progress"
check "--no-progress: none on a terminal" sh -c "! grep -q 'links:' '$TMP/noprog.out'"
on_tty "$TMP/quiet.out" "'$GSYM' -C '$TMP/noprog' restore -q"
check "-q: none on a terminal" sh -c "! grep -q 'links:' '$TMP/quiet.out'"

clone_placeholders "$src" "$TMP/forced"
nosym "$GSYM" -C "$TMP/forced" restore --progress >"$TMP/out" 2>"$TMP/err"
check "--progress shows it when stderr is a file" \
	grep -q "Making links: 100% (73/73), $nfiles files" "$TMP/err"

# the delay: a run shorter than it shows nothing, even on a terminal
clone_placeholders "$src" "$TMP/delay"
on_tty "$TMP/delay.out" "env GIT_PROGRESS_DELAY=30 LD_PRELOAD='$NOSYM' ASAN_OPTIONS='${ASAN_OPTIONS:-}:verify_asan_link_order=0' '$GSYM' -C '$TMP/delay' restore"
check "nothing within the delay" sh -c "! grep -q 'links:' '$TMP/delay.out'"
unset GIT_PROGRESS_DELAY


# --- symlinks.copyLimit: a directory copy past it keeps the placeholder ------
clone_placeholders "$src" "$TMP/lim"
lim=$TMP/lim
git -C "$lim" config symlinks.copyLimit "50 files"
nosym "$GSYM" -C "$lim" restore >"$TMP/out" 2>"$TMP/err"
expect_eq "a copy past the limit: exit 1 (left alone, listed)" 1 $?
check "the message names the limit and the choices" \
	grep -q "unsafe .*links/l1 -> ../lib (placeholder; not copied: 'lib' holds more than 50 files, past symlinks.copyLimit '50 files, 2g'; real links .* or a higher limit (git config symlinks.copyLimit '100 files, 4g') would make it)" "$TMP/err"
expect_eq "git's placeholder stays" "../lib" "$(cat "$lim/links/l1")"
check "no copy was begun" sh -c "! ls -a '$lim/links' | grep -q gsym"
check "file links are still copied" test "$(cat "$lim/links/f1")" = "file 1 of 1"
check "git status is clean" git_clean "$lim"
check "git add -A keeps every link entry" tree_kept "$lim"
nosym "$GSYM" -C "$lim" status --json >"$TMP/st.json"
expect_eq "json: placeholder, unsafe" "placeholder unsafe" \
	"$(jfield "$TMP/st.json" links/l1 kind state)"
case $(jfield "$TMP/st.json" links/l1 reason) in
*"past symlinks.copyLimit '50 files, 2g'"*) pass "json: the reason names the limit" ;;
*) fail "json: the reason names the limit" "$(jfield "$TMP/st.json" links/l1 reason)" ;;
esac

nosym "$GSYM" -C "$lim" restore --dry-run >"$TMP/out" 2>"$TMP/err"
check "a dry run says the same" grep -q "unsafe .*links/l1 .*past symlinks.copyLimit '50 files, 2g'" "$TMP/err"

git -C "$lim" config symlinks.copyLimit "512"
nosym "$GSYM" -C "$lim" restore >"$TMP/out" 2>"$TMP/err"
check "a byte limit too" grep -q "holds more than 512 bytes, past symlinks.copyLimit '100000 files, 512'" "$TMP/err"

git -C "$lim" config symlinks.copyLimit "60 files, 2g"
expect_rc "raising the limit makes the copies" 0 nosym "$GSYM" -C "$lim" restore
check "the directory is copied" test -f "$lim/links/l1/d6/f10"
check "git status is clean" git_clean "$lim"

git -C "$lim" config symlinks.copyLimit "lots"
expect_rc "a bad limit is fatal" 128 nosym "$GSYM" -C "$lim" restore
check "and says what it takes" grep -q "bad symlinks.copyLimit 'lots'" "$TMP/err"

# --- a target changed in one file: its copies follow file by file (issue 22) --
# what the copy made before still holds as made, from a source still as it
# was, is taken over (a hard link); the changed file alone is copied again
up=$TMP/up
clone_placeholders "$src" "$up"
# (a source counts as unchanged by its stat only once older than its copy
# by the coarsest clock a disk keeps: GSYM_RACY_SECONDS)
sleep 3
nosym "$GSYM" -C "$up" restore -q
ino() { stat -c %i "$1"; }
before_same=$(ino "$up/links/l5/d3/f4")
before_changed=$(ino "$up/links/l5/d2/f7")
echo "file 7 of 2, changed" >"$src/lib/d2/f7"
git -C "$src" commit -qam "one file of lib changed"
git -C "$up" pull -q
nosym "$GSYM" -C "$up" restore -q
expect_eq "the copy follows its target" "file 7 of 2, changed" "$(cat "$up/links/l5/d2/f7")"
expect_eq "an unchanged file is taken over, not copied" "$before_same" "$(ino "$up/links/l5/d3/f4")"
expect_eq "the changed file is written over where it is, as git writes its own" \
	"$before_changed" "$(ino "$up/links/l5/d2/f7")"
expect_eq "and not shared with another copy" 1 "$(stat -c %h "$up/links/l5/d2/f7")"
expect_eq "the old copy's files are gone (one name each)" 1 "$(stat -c %h "$up/links/l5/d3/f4")"
check "git status is clean" git_clean "$up"
nosym "$GSYM" -C "$up" status >"$TMP/out" 2>&1
expect_eq "every link at its best" 0 $?
printf 'edited\n' >"$up/links/l9/d1/f1"
echo "file 1 of 1, changed" >"$src/lib/d1/f1"
git -C "$src" commit -qam "another file of lib changed"
git -C "$up" -c core.hooksPath=/dev/null pull -q
nosym "$GSYM" -C "$up" restore -q 2>/dev/null
expect_eq "a copy edited is left as the user left it" "edited" "$(cat "$up/links/l9/d1/f1")"
expect_eq "its sibling copies follow" "file 1 of 1, changed" "$(cat "$up/links/l8/d1/f1")"
git -C "$src" reset -q --hard HEAD~2

# killed while copies were written over where they are with fewer bytes
# than they held, before each is cut to length (the first one left torn,
# new bytes then old; the last, the file link's): the journal said so,
# and the next run makes them again rather than take them for edited
FAILNTH=${GSYM_FAILNTH:-$ROOT/build/tests/libfailnth.so}
if [ -f "$FAILNTH" ]; then
	kc=$TMP/kc
	clone_placeholders "$src" "$kc"
	nosym "$GSYM" -C "$kc" restore -q
	for n in 1 71; do
		echo "file 2 of 1, a longer version, to be cut short $n" >"$src/lib/d1/f2"
		git -C "$src" commit -qam "lib/d1/f2, longer"
		git -C "$kc" -c core.hooksPath=/dev/null pull -q
		nosym "$GSYM" -C "$kc" restore -q
		echo "file 2 of 1, version $n" >"$src/lib/d1/f2"
		git -C "$src" add -A
		git -C "$src" commit -qm "lib/d1/f2, version $n"
		git -C "$kc" -c core.hooksPath=/dev/null pull -q
		env LD_PRELOAD="$NOSYM:$FAILNTH" GSYM_KILL_TRUNCATE=$n \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
			"$GSYM" -C "$kc" restore -q >/dev/null 2>&1
		expect_eq "killed at write $n: killed there" 137 $?
		expect_rc "killed at write $n: the next run ends well" 0 \
			nosym "$GSYM" -C "$kc" restore -q
		expect_eq "killed at write $n: every copy holds the new version" \
			"71 file 2 of 1, version $n" \
			"$(cat "$kc/links/f2" "$kc"/links/l*/d1/f2 | sort | uniq -c | sed 's/^ *//')"
		check "killed at write $n: git status is clean" git_clean "$kc"
	done
	git -C "$src" reset -q --hard HEAD~4

	# killed while git's placeholder of a file link was being written over
	# with its target (a first restore): the copy left torn, the target's
	# first bytes alone; the journal said so, and the next run makes it
	bsrc=$TMP/bigsrc
	git init -q "$bsrc"
	seq 1 40000 >"$bsrc/big.txt" # 229 kB: written in several writes
	ln -s big.txt "$bsrc/lbig"
	git -C "$bsrc" add -A
	git -C "$bsrc" commit -qm "a link to a large file"
	kb=$TMP/kb
	clone_placeholders "$bsrc" "$kb"
	env LD_PRELOAD="$NOSYM:$FAILNTH" GSYM_KILL_WRITE=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$GSYM" -C "$kb" restore -q >/dev/null 2>&1
	expect_eq "killed writing over a placeholder: killed there" 137 $?
	check "killed writing over a placeholder: left torn" \
		test "$(wc -c <"$kb/lbig")" -lt "$(wc -c <"$kb/big.txt")"
	expect_rc "killed writing over a placeholder: the next run ends well" 0 \
		nosym "$GSYM" -C "$kb" restore -q
	check "killed writing over a placeholder: the copy holds its target" \
		cmp -s "$kb/lbig" "$kb/big.txt"
	check "killed writing over a placeholder: git status is clean" git_clean "$kb"

	# a write over the placeholder that fails half way, and the copy the
	# long way failing too: the tree as it was, git's placeholder
	kf=$TMP/kf
	clone_placeholders "$bsrc" "$kf"
	env LD_PRELOAD="$NOSYM:$FAILNTH" GSYM_FAIL_WRITE=1,3 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$GSYM" -C "$kf" restore >"$TMP/out" 2>&1
	expect_eq "a failed write over a placeholder: the run fails" 1 $?
	check "and says so on the link's line" grep -q "^error .*lbig -> big.txt.*Input/output error" "$TMP/out"
	expect_eq "and git's placeholder is back" "big.txt" "$(cat "$kf/lbig")"
	check "and git status is clean" git_clean "$kf"
	expect_rc "the next run makes the copy" 0 nosym "$GSYM" -C "$kf" restore -q
	check "the copy holds its target" cmp -s "$kf/lbig" "$kf/big.txt"
elif [ "${CI:-}" = true ]; then
	fail "failnth.so missing under CI: $FAILNTH"
fi

# --- copies made as their sources were written are read once, then not ------
# A file of a directory copy made within the clock's tick of its source
# (a restore right after the clone wrote the sources) is compared by its
# bytes the first time its copy is updated; when that was is noted, and
# from then on its stat proves it, as git's racy-clean rule has it.
if command -v strace >/dev/null 2>&1; then
	rc=$TMP/racy
	clone_placeholders "$src" "$rc"
	# (the sources written now, whatever the clone took: every copy made
	# next is within the clock's tick of its source)
	find "$rc/lib" -type f -exec touch {} +
	nosym "$GSYM" -C "$rc" restore -q
	echo "file 3 of 4, changed" >"$src/lib/d4/f3"
	git -C "$src" commit -qam "lib/d4/f3 changed"
	git -C "$rc" pull -q
	sleep 3
	(cd "$rc" && LD_PRELOAD=$NOSYM ASAN_OPTIONS=detect_leaks=0 strace -f -qq \
		-e trace=open,openat -o "$TMP/racy1.strace" "$GSYM" restore -q)
	check "the first update compares the racy copies by their bytes" \
		test "$(grep -c '/links/l[0-9]*/d[0-9]*/f[0-9]*", O_RDONLY' "$TMP/racy1.strace")" -gt 1000
	echo "file 3 of 4, changed again" >"$src/lib/d4/f3"
	git -C "$src" commit -qam "lib/d4/f3 changed again"
	git -C "$rc" pull -q
	(cd "$rc" && LD_PRELOAD=$NOSYM ASAN_OPTIONS=detect_leaks=0 strace -f -qq \
		-e trace=open,openat -o "$TMP/racy.strace" "$GSYM" restore -q)
	check "strace saw the update" grep -q '/links/l70/d4/f3", O_RDWR' "$TMP/racy.strace"
	expect_eq "the next update reads no file of a copy it keeps" 0 \
		"$(grep -c '/links/l[0-9]*/d[0-9]*/f[0-9]*", O_RDONLY' "$TMP/racy.strace")"
	expect_eq "the copies follow" "70 file 3 of 4, changed again" \
		"$(cat "$rc"/links/l*/d4/f3 | sort | uniq -c | sed 's/^ *//')"
	check "git status is clean" git_clean "$rc"
	git -C "$src" reset -q --hard HEAD~2
elif [ "${CI:-}" = true ]; then
	fail "strace missing under CI"
fi

# --- hooks: git's stderr is the hook's, a terminal here ----------------------
export GIT_PROGRESS_DELAY=0
expect_rc "install the hooks for every clone" 0 "$GSYM" install-hooks --global
on_tty "$TMP/hook.out" "env LD_PRELOAD='$NOSYM' ASAN_OPTIONS='${ASAN_OPTIONS:-}:verify_asan_link_order=0' git clone -q '$src' '$TMP/hooked'"
check "the hooked clone made the copies" test -f "$TMP/hooked/links/l1/d6/f10"
check "a hook shows progress on git's terminal" \
	grep -Eq "Making links: 100% \(73/73\), $nfiles files, [0-9.]+ KiB, done\." "$TMP/hook.out"
check "git status is clean after the hooked clone" git_clean "$TMP/hooked"
git config --global --unset init.templateDir
unset GIT_PROGRESS_DELAY

finish
