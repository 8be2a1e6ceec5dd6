#!/bin/sh
# The fsmonitor daemon behind our fsmonitor hook (workflow/fsmonitor_daemon.c):
# asked through the hook's own protocol (`hook fsmonitor 2 TOKEN`, as git
# asks it), it must name every path that changed since the token (files,
# new and moved directories, one by one below a changed directory), never
# a copy of ours unless it was edited (an edit inside a directory copy
# names the link), and end when its tree goes away. Where git has the
# monitor (2.42.1 and later), git's own status is the judge too: what it
# prints with the daemon must be what it prints looking at everything
# (`core.fsmonitor` unset for one command), for every path but our copies.
# On ext4 with symlink() refused (GSYM_NOSYMLINK, or built here).
. "$(dirname "$0")/lib.sh"

NOSYM=${GSYM_NOSYMLINK:-}
if [ -z "$NOSYM" ]; then
	NOSYM=$TMP/libnosymlink.so
	cc -shared -fPIC -o "$NOSYM" "$ROOT/tests/e2e/nosymlink.c" || {
		echo "FAIL - cannot build nosymlink.c" >&2
		exit 1
	}
fi

src=$TMP/src
git init -q "$src"
mkdir -p "$src/a" "$src/b/c" "$src/lib"
echo x >"$src/a/x"
echo y >"$src/b/c/y"
echo t >"$src/lib/t"
echo u >"$src/lib/u"
mkdir "$src/lib/sub"
echo v >"$src/lib/sub/v"
ln -s ../lib/t "$src/a/fl"
ln -s lib "$src/dl"
git -C "$src" add -A
git -C "$src" commit -q -m base
c=$TMP/c
LD_PRELOAD=$NOSYM git clone -q "$src" "$c"
check "restore" env LD_PRELOAD="$NOSYM" "$GSYM" -C "$c" restore -q
check "a directory copy" test -f "$c/dl/t"
# the hook is what git runs: core.fsmonitor is set for it
git -C "$c" config core.fsmonitor "'$GSYM' hook fsmonitor"

# ask TOKEN: the hook's answer, a line each; the token first
ask() {
	(cd "$c" && LD_PRELOAD=$NOSYM "$GSYM" hook fsmonitor 2 "$1") | tr '\0' '\n'
}
daemon_pid() {
	ps -eo pid,args | awk -v d="$c/" '$0 ~ /hook fsmonitor-daemon/ && $NF == d { print $1 }'
}
# a token of the daemon's (the first question starts it)
tok=""
i=0
while [ "$i" -lt 50 ]; do
	tok=$(ask "${tok:-none}" | head -n 1)
	case $tok in gsymd:*) break ;; esac
	sleep 0.1
	i=$((i + 1))
done
case $tok in
gsymd:*) pass "the daemon answers" ;;
*) fail "the daemon answers" "token: $tok" ;;
esac
check "one daemon for the tree" test -n "$(daemon_pid)"

# since TOKEN DESC: the paths named since TOKEN, sorted, without the token
since() { ask "$1" | tail -n +2 | LC_ALL=C sort -u; }
named() { since "$tok" | grep -qx "$1"; }
not_named() { ! since "$tok" | grep -qx "$1"; }
# take a new token, so the next change is alone in the answer
renew() { tok=$(ask "$tok" | head -n 1); }

renew
expect_eq "nothing changed: nothing named" "" "$(since "$tok")"
echo more >>"$c/a/x"
check "an edited file is named" named a/x
renew
mkdir "$c/new"
echo n >"$c/new/n"
check "a new directory's file is named" named new/n
renew
mv "$c/b" "$c/b2"
check "a moved directory's entries are named" named b/c/y
check "and where it went" named b2/c/y
mv "$c/b2" "$c/b"
renew
touch "$c/a/fl"
check "a copy of ours touched, its bytes its target's: not named" not_named a/fl
echo edited >"$c/a/fl"
check "an edited copy is named" named a/fl
echo t >"$c/a/fl"
check "put back as it was: not named" not_named a/fl
renew
echo edited >>"$c/dl/u"
check "an edit inside a directory copy names the link" named dl
check "not the path inside it" not_named dl/u
echo u >"$c/dl/u"
# below the top, only what the daemon saw change is compared with the
# copy's stat list (the top's own stat unchanged): a file edited in a
# directory of the copy
renew
echo edited >>"$c/dl/sub/v"
check "an edit in a directory of a directory copy names the link" named dl
echo v >"$c/dl/sub/v"
# (the hooks would: this suite installs none; after git's racy window,
# so that the run notes the copy's new stats: GSYM_RACY_SECONDS)
sleep 3
check "a restore takes the copy put back as ours" env LD_PRELOAD="$NOSYM" "$GSYM" -C "$c" restore -q
renew
check "then nothing is named" not_named dl
# a file new in a directory of the copy (the list does not hold it)
echo n >"$c/dl/sub/new"
check "a new file in a directory of a directory copy names the link" named dl
rm -f "$c/dl/sub/new"
renew
echo n >"$c/dl/new"
check "a new file inside a directory copy names the link" named dl
rm -f "$c/dl/new"
sleep 3
check "a restore takes the copy as ours again" env LD_PRELOAD="$NOSYM" "$GSYM" -C "$c" restore -q
renew
echo t2 >"$c/lib/t"
check "a target edited is named" named lib/t
check "its copy is not (the hooks refresh it)" not_named a/fl
echo t >"$c/lib/t"
renew
rm -f "$c/a/x"
check "a deleted file is named" named a/x
git -C "$c" checkout -q -- a/x

# git as the judge (2.42.1 and later use the monitor)
monitor=no
[ "$(printf '%s\n' "$(git --version | sed 's/git version //')" 2.42.1 |
	sort -V | head -n 1)" != 2.42.1 ] || monitor=yes
if [ "$monitor" = yes ]; then
	gstatus() {
		LD_PRELOAD=$NOSYM git -C "$c" "$@" status --porcelain --untracked-files=all |
			grep -v -e ' a/fl$' -e ' dl$' -e ' dl/'
	}
	LD_PRELOAD=$NOSYM git -C "$c" status >/dev/null
	marked() { fsmn_links "$c" | tr '\n' ' '; }
	expect_eq "our copies marked valid in the index" "a/fl dl " "$(marked)"
	for step in "echo z >>$c/a/x" "mkdir -p $c/q/r && echo q >$c/q/r/s" \
		"mv $c/b $c/b3" "rm -rf $c/b3 && git -C $c checkout -q -- b" \
		"rm -rf $c/q" "chmod +x $c/b/c/y" "git -C $c checkout -q -- ."; do
		sh -c "$step"
		# (the judge writes no index: that would drop the marks)
		expect_eq "git status with the daemon, after: $step" \
			"$(GIT_OPTIONAL_LOCKS=0 gstatus -c core.fsmonitor=)" \
			"$(gstatus)"
		expect_eq "and our marks kept, after: $step" "a/fl dl " "$(marked)"
	done
	echo edited >>"$c/a/fl"
	expect_eq "git sees an edited copy" " M a/fl" \
		"$(LD_PRELOAD=$NOSYM git -C "$c" status --porcelain a/fl)"
	echo t >"$c/a/fl"
fi

# a no-op reads no content (issue 22): once the stats are noted (after
# git's racy window), a restore and a hook open nothing in the tree but
# .git (strace: every open, by every thread)
sleep 3
check "a restore notes the stats" env LD_PRELOAD="$NOSYM" "$GSYM" -C "$c" restore -q
for run in "restore -q" "hook post-index-change 0 0"; do
	# (a daemon started meanwhile would keep strace -f waiting: 60 s)
	# shellcheck disable=SC2086 # $run is the command's words
	(cd "$c" && LD_PRELOAD=$NOSYM timeout 60 strace -f -qq \
		-e trace=open,openat -o "$TMP/trace" "$GSYM" $run) >/dev/null 2>&1
	opened=$(grep -o "\"$c/[^\"]*\"" "$TMP/trace" | grep -v "^\"$c/\.git/" |
		sort -u)
	expect_eq "a no-op $run opens nothing in the tree" "" "$opened"
	check "strace saw the run" grep -q "$c/.git/" "$TMP/trace"
done

# an index change that touches no link and nothing a fallback was made
# from (`git add` of another file): the hook walks the index for its link
# entries, asks the daemon, and stops there, without the state; one that
# touches a target refreshes its copy
pic() { (cd "$c" && LD_PRELOAD=$NOSYM "$GSYM" hook post-index-change 0 0); }
git -C "$c" status --porcelain >/dev/null # git's own marks written
check "a hook notes the link entries" pic
echo x2 >>"$c/a/x"
git -C "$c" add a/x
(cd "$c" && LD_PRELOAD=$NOSYM timeout 60 strace -f -qq -e trace=open,openat \
	-o "$TMP/trace" "$GSYM" hook post-index-change 0 0) >/dev/null 2>&1
check "strace saw the hook" grep -q "$c/.git/index" "$TMP/trace"
if [ "$monitor" = yes ]; then # (older git: no daemon, a full run)
	check "after git add of another file, the hook leaves the state unread" \
		test -z "$(grep "$c/.git/symlinks/state" "$TMP/trace")"
fi
check "git diff clean after it" git -C "$c" diff --quiet
echo t2 >>"$c/lib/t"
git -C "$c" add lib/t
check "after git add of a target" pic
expect_eq "its file copy follows" "t
t2" "$(cat "$c/a/fl")"
expect_eq "its directory copy follows" "t
t2" "$(cat "$c/dl/t")"
check "git diff clean after that" git -C "$c" diff --quiet
git -C "$c" commit -q -m "t2"

# git's own monitor protocol (2.55 and later): the daemon serves it while
# the file the config includes (in the private runtime directory) sets
# core.fsmonitor=true; git then asks it with no hook started
if [ "$(printf '%s\n' "$(git --version | sed 's/git version //')" 2.55.0 |
	sort -V | head -n 1)" = 2.55.0 ] && [ -n "${XDG_RUNTIME_DIR:-}" ]; then
	sock=$c/.git/fsmonitor--daemon.ipc
	rm -rf "$c/new"
	inc=$(git -C "$c" config symlinks.fsmonitorInclude)
	wait_for() { # wait_for TEST...: up to 5 s
		i=0
		while ! "$@" && [ "$i" -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	}
	wait_for test -f "$inc"
	check "the config includes the daemon's file" test -n "$inc"
	check "the daemon writes it" test -f "$inc"
	expect_eq "git takes core.fsmonitor=true from it" true \
		"$(git -C "$c" config core.fsmonitor)"
	check "the daemon listens where git looks" test -S "$sock"
	GIT_TRACE2_EVENT=$TMP/t2 LD_PRELOAD=$NOSYM git -C "$c" status --porcelain >/dev/null
	check "git asks through its own protocol" grep -q '"category":"fsm_client"' "$TMP/t2"
	check_fails "and starts no hook for it" grep -q '"category":"fsm_hook"' "$TMP/t2"
	expect_eq "git status clean through it" "" \
		"$(LD_PRELOAD=$NOSYM git -C "$c" status --porcelain)"
	echo z >>"$c/a/x"
	expect_eq "an edited file seen through it" " M a/x" \
		"$(LD_PRELOAD=$NOSYM git -C "$c" status --porcelain)"
	git -C "$c" checkout -q -- a/x
	# the daemon ends: the include first, so git asks our hook again
	pid=$(daemon_pid)
	kill "$pid"
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	check_fails "the include goes with the daemon" test -f "$inc"
	check_fails "and the socket" test -S "$sock"
	GIT_TRACE2_EVENT=$TMP/t2b LD_PRELOAD=$NOSYM git -C "$c" status --porcelain >/dev/null
	check "git asks the hook again" grep -q '"category":"fsm_hook"' "$TMP/t2b"
	check_fails "and starts no monitor of its own" grep -q '"fsmonitor--daemon"' "$TMP/t2b"
	wait_for test -f "$inc"
	check "the hook's question started the daemon again" test -f "$inc"
	expect_eq "git status clean again" "" \
		"$(LD_PRELOAD=$NOSYM git -C "$c" status --porcelain)"
	# git's own monitor on the socket (started while ours was away): a
	# new daemon of ours asks it to end, and serves in its place
	pid=$(daemon_pid)
	kill "$pid"
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	(cd "$c" && git -c core.fsmonitor=true fsmonitor--daemon start) >/dev/null 2>&1
	check "git's own monitor serves the socket" test -S "$sock"
	gitd=$(git -C "$c" -c core.fsmonitor=true fsmonitor--daemon status 2>&1)
	gpid=$(pgrep -n -f "fsmonitor--daemon run")
	ask x >/dev/null
	wait_for test -f "$inc"
	check "ours serves in its place" test -f "$inc"
	wait_for sh -c "! kill -0 $gpid 2>/dev/null"
	check_fails "git's own monitor ended" kill -0 "$gpid"
	expect_eq "git status clean after the take-over" "" \
		"$(LD_PRELOAD=$NOSYM git -C "$c" status --porcelain)"
	GIT_TRACE2_EVENT=$TMP/t2c LD_PRELOAD=$NOSYM git -C "$c" status --porcelain >/dev/null
	check "answered by ours: no trivial answer" \
		test -z "$(grep '"query/trivial-response"' "$TMP/t2c")"
	case $gitd in
	*watching*) pass "(git's own monitor was watching: $gitd)" ;;
	*) fail "git's own monitor was watching" "$gitd" ;;
	esac
fi

# restore and status take the daemon's word as a hook does (issue 22): a
# copy it saw nothing change in, at its target, nor through the links its
# target holds, is not looked at; a change anywhere there is
if [ "$monitor" = yes ]; then
	n=$TMP/nest
	git init -q "$n"
	mkdir -p "$n/l2" "$n/l3"
	echo w >"$n/l2/w"
	echo z >"$n/l3/z"
	ln -s ../l3 "$n/l2/in"
	ln -s l2 "$n/top"
	git -C "$n" add -A
	git -C "$n" commit -q -m nest
	c2=$TMP/c2
	LD_PRELOAD=$NOSYM git clone -q "$n" "$c2"
	git -C "$c2" config core.fsmonitor "'$GSYM' hook fsmonitor"
	r2() { LD_PRELOAD=$NOSYM "$GSYM" -C "$c2" "$@"; }
	check "nested: restore" r2 restore -q
	check "nested: the copy holds the copy" test -f "$c2/top/in/z"
	sleep 3 # past the racy window: the stats are noted
	r2 restore -q
	sleep 0.5 # the daemon started by that run is up
	r2 restore -q
	for run in "restore -q" "status -q"; do
		# shellcheck disable=SC2086 # $run is the command's words
		(cd "$c2" && LD_PRELOAD=$NOSYM timeout 60 strace -f -qq \
			-e trace=stat,lstat,newfstatat,statx,open,openat \
			-o "$TMP/trace" "$GSYM" $run) >/dev/null 2>&1
		expect_eq "nested: a no-op $run looks at no copy nor target" "" \
			"$(grep -o "\"$c2/\(top\|l2\|l3\)/[^\"]*\"" "$TMP/trace" | sort -u)"
		check "nested: strace saw the run" grep -q "$c2/.git/" "$TMP/trace"
	done
	expect_eq "nested: git status after them, as with real links" "" \
		"$(LD_PRELOAD=$NOSYM git -C "$c2" status --porcelain --untracked-files=all)"
	echo edited >"$c2/top/in/z"
	sleep 0.3
	check_fails "nested: an edit in the copy's copy: status says so" r2 status -q
	check_fails "nested: restore leaves it" r2 restore -q
	expect_eq "nested: the edit kept" edited "$(cat "$c2/top/in/z")"
	echo z >"$c2/top/in/z"
	check "nested: put back as it was, ours again" r2 restore -q
	echo z2 >"$c2/l3/z"
	sleep 0.3
	check "nested: the inner target edited" r2 restore -q
	expect_eq "nested: the copy's copy follows" z2 "$(cat "$c2/top/in/z")"
	# the daemon's word reports what a full look reports, field by field
	r2 restore -q
	r2 status --json >"$TMP/word.json"
	# symlinks.fsmonitorDaemon=false: no daemon's word, a full look
	git -C "$c2" config symlinks.fsmonitorDaemon false
	r2 status --json >"$TMP/full.json"
	expect_eq "nested: status by the daemon's word is a full look's" \
		"$(cat "$TMP/full.json")" "$(cat "$TMP/word.json")"
	(cd "$c2" && LD_PRELOAD=$NOSYM timeout 60 strace -f -qq \
		-e trace=stat,lstat,newfstatat,statx -o "$TMP/trace" \
		"$GSYM" restore -q) >/dev/null 2>&1
	check "nested: no daemon wanted, a restore looks at the copy" \
		grep -q "\"$c2/top/in/z\"" "$TMP/trace"
	git -C "$c2" config --unset symlinks.fsmonitorDaemon
fi

# killed: the next question starts another, and is answered meanwhile
pid=$(daemon_pid)
kill "$pid" 2>/dev/null
sleep 0.3
check "a killed daemon's question is answered by looking" test -n "$(ask "$tok" | head -n 1)"
# the tree removed: the daemon ends
i=0
while [ -z "$(daemon_pid)" ] && [ "$i" -lt 50 ]; do
	ask x >/dev/null
	sleep 0.1
	i=$((i + 1))
done
pid=$(daemon_pid)
check "a daemon again" test -n "$pid"
rm -rf "$c"
i=0
while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check_fails "the daemon ends with its tree" kill -0 "$pid"
finish
