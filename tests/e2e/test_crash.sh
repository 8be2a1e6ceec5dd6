#!/bin/sh
# Crash safety: restore killed with SIGKILL at several points of a large
# run, then run again, ends exactly where an uninterrupted run ends, with
# no temporary file left and git status clean. On ext4 (links) with 20 000
# links, and on exFAT (copies and deep copies) with fewer.
. "$(dirname "$0")/lib.sh"

LINKS=${CRASH_LINKS:-20000}

# leftovers of ours anywhere in the tree
leftovers() {
	find "$1" -path "$1/.git" -prune -o -name '.*.gsym-*' -print
	ls "$1/.git/index.lock" 2>/dev/null || true
}

# kill_runs DIR: start restore, kill -9 it after a growing delay, until a
# run finishes by itself; prints how many runs were killed mid-way
kill_runs() {
	killed=0
	for delay in 0.02 0.05 0.1 0.2 0.3 0.5 0.8 1.2 1.7 2.5 3.5; do
		"$GSYM" -C "$1" restore -q >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		if kill -9 "$pid" 2>/dev/null; then
			killed=$((killed + 1))
		fi
		wait "$pid" 2>/dev/null
	done
	echo "$killed"
}

crash_case() { # crash_case NAME SRC PARENT
	name=$1
	ref=$3/$name-ref
	c=$3/$name-killed
	git clone -q -c core.symlinks=false "$2" "$ref"
	git clone -q -c core.symlinks=false "$2" "$c"
	"$GSYM" -C "$ref" restore -q 2>/dev/null

	killed=$(kill_runs "$c")
	check "$name: several runs were killed mid-way ($killed)" test "$killed" -ge 3
	"$GSYM" -C "$c" restore -q 2>"$TMP/err"
	rc=$?
	ref_rc=$("$GSYM" -C "$ref" restore -q 2>/dev/null; echo $?)
	if [ "$rc" = "$ref_rc" ]; then
		pass "$name: the final run ends like an uninterrupted one (exit)"
	else
		# (what it said, and what it and the killed runs left: the
		# failure seen now and then under load is not reproduced yet)
		fail "$name: the final run ends like an uninterrupted one (exit)" \
			"exit $rc, expected $ref_rc; it said: $(head -c 2000 "$TMP/err")
state: $(grep -c . "$c/.git/symlinks/state" 2>/dev/null) lines; journal: $(tr '\0' ' ' <"$c/.git/symlinks/journal" 2>/dev/null | head -c 600)"
	fi
	snapshot "$ref" >"$TMP/ref.snap"
	snapshot "$c" >"$TMP/killed.snap"
	if cmp -s "$TMP/ref.snap" "$TMP/killed.snap"; then
		pass "$name: same tree as an uninterrupted run"
	else
		fail "$name: same tree as an uninterrupted run" \
			"$(diff "$TMP/ref.snap" "$TMP/killed.snap" | head -20; cat "$TMP/err")"
	fi
	expect_eq "$name: no temporary file or lock left" "" "$(leftovers "$c")"
	check "$name: git status clean" git_clean "$c"
	expect_eq "$name: same skip-worktree bits" "$(skip_bits "$ref")" "$(skip_bits "$c")"
	check "$name: no link lost" tree_kept "$c"
	check "$name: no journal left" test ! -e "$c/.git/symlinks/journal"
}

if [ "${CRASH_ONLY:-}" != copies ]; then
	"$FIXTURES/make-synthetic.sh" "$TMP/src" $((LINKS * 2)) "$LINKS"
	crash_case links "$TMP/src" "$TMP"
fi

# killed while the index was being written: only names of ours are left
# (our marked lock, the new index beside the old one), and they go
"$FIXTURES/make-links.sh" "$TMP/small" >/dev/null
git clone -q -c core.symlinks=false "$TMP/small" "$TMP/iw"
sh -c 'exit 0' &
dead=$!
wait "$dead"
printf 'git-symlinks lock pid=%s\n' "$dead" >"$TMP/iw/.git/index.lock"
echo partial >"$TMP/iw/.git/index.gsym-new"
echo partial >"$TMP/iw/.git/index.gsym-new.lock"
expect_rc "index write killed: the next run goes on" 0 "$GSYM" -C "$TMP/iw" restore -q
expect_eq "index write killed: nothing of it left" "" "$(find "$TMP/iw/.git" -maxdepth 1 -printf '%f\n' | grep -E 'index\.(lock|gsym)')"
check "index write killed: git status clean" git_clean "$TMP/iw"
check "index write killed: links real" links_real "$TMP/iw"

# killed the instant its lock exists: the lock already names the run (the
# mark is written under a name of its own and linked into place), so the
# next run takes it for a killed run's and goes on; an empty lock would
# stop every later run as git's own would
FAILNTH=${GSYM_FAILNTH:-$ROOT/build/tests/libfailnth.so}
# (a sanitized binary wants its runtime first; the preload comes first)
inject() {
	env LD_PRELOAD="$FAILNTH" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}
if [ -f "$FAILNTH" ]; then
	git clone -q -c core.symlinks=false "$TMP/small" "$TMP/kl"
	GSYM_KILL_LOCK=1 inject "$GSYM" -C "$TMP/kl" restore -q 2>/dev/null
	check "killed at its lock: the run was killed there" test -e "$TMP/kl/.git/index.lock"
	expect_rc "killed at its lock: the next run goes on" 0 "$GSYM" -C "$TMP/kl" restore -q
	expect_eq "killed at its lock: nothing of it left" "" "$(find "$TMP/kl/.git" -maxdepth 1 -name 'index.lock*')"
	check "killed at its lock: links real" links_real "$TMP/kl"
elif [ "${CI:-}" = true ]; then
	fail "failnth.so missing under CI: $FAILNTH"
fi

. "$(dirname "$0")/exfat.sh"
exfat_mount 512M
# killed right after journaling a copy, before putting it in place (its
# temporary made, git's placeholder still there, the copy's record in the
# journal): the next run removes what it left and ends where an
# uninterrupted run ends (a crash point of its own; the journal's cleanup
# is what removes the temporary)
if [ -f "$FAILNTH" ]; then
	git clone -q "$TMP/small" "$EXFAT/kj-ref"
	git clone -q "$TMP/small" "$EXFAT/kj"
	"$GSYM" -C "$EXFAT/kj-ref" restore -q 2>/dev/null
	GSYM_KILL_JOURNAL=1 inject "$GSYM" -C "$EXFAT/kj" restore -q 2>/dev/null
	check "killed after journaling: a temporary was left" test -n "$(leftovers "$EXFAT/kj")"
	"$GSYM" -C "$EXFAT/kj" restore -q 2>/dev/null
	expect_eq "killed after journaling: the next run leaves nothing of it" "" "$(leftovers "$EXFAT/kj")"
	snapshot "$EXFAT/kj-ref" >"$TMP/ref.snap"
	snapshot "$EXFAT/kj" >"$TMP/killed.snap"
	check "killed after journaling: same tree as an uninterrupted run" cmp -s "$TMP/ref.snap" "$TMP/killed.snap"
	check "killed after journaling: git status clean" git_clean "$EXFAT/kj"
fi
"$FIXTURES/make-synthetic.sh" "$TMP/src-small" 3000 "${CRASH_COPIES:-1500}"
crash_case copies "$TMP/src-small" "$EXFAT"

finish
