#!/bin/sh
# `watch` on a real link-less file system (exFAT): copies follow their
# targets' saves, edited copies are left alone, a checkout's new links get
# copies, Ctrl-C stops it cleanly. Real git judges.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"
exfat_mount 256M

"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
"$FIXTURES/make-branches.sh" "$TMP/src" >/dev/null
# a branch that adds a link, for the checkout below
(cd "$TMP/src" && git checkout -q -b more-links &&
	ln -s docs/README.md new-link && git add new-link &&
	git commit -q -m "add a link" && git checkout -q main)

git clone -q "$TMP/src" "$EXFAT/c"
c=$EXFAT/c
expect_eq "git set core.symlinks=false itself" "false" "$(git -C "$c" config core.symlinks)"
"$GSYM" -C "$c" restore -q
expect_eq "restore made a copy" "int lib(void);" "$(cat "$c/file-link")"

# wait_for SECONDS CMD...: poll every 20 ms until CMD succeeds
wait_for() {
	limit=$(($1 * 50))
	shift
	n=0
	while ! "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -lt "$limit" ] || return 1
		sleep 0.02
	done
}
content_is() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }
# git status shows nothing but the targets the test edited ($@)
only_edited() {
	want=$(for f in "$@"; do echo " M $f"; done)
	s=$(git -C "$c" status --porcelain --untracked-files=all)
	[ "$s" = "$want" ] || { echo "$s"; return 1; }
}
# let a refresh in flight finish (it holds index.lock for a moment)
settle() {
	sleep 0.3
	wait_for 2 test ! -e "$c/.git/index.lock"
}

"$GSYM" -C "$c" watch >"$TMP/watch.out" 2>"$TMP/watch.err" &
pid=$!
check "watch starts and says what it watches" wait_for 10 grep -q "^watching" "$TMP/watch.out"
check "git status clean while watching" git_clean "$c"

# --- a save of a target refreshes its copies ---------------------------------
# save the target, then read the copy every 2 ms: milliseconds until it matches
ms=$(python3 - "$c/lib/include/lib.h" "$c/file-link" <<'PY'
import sys, time
target, copy = sys.argv[1:3]
want = b"int lib(long);\n"
t0 = time.monotonic()
with open(target, "wb") as f:
    f.write(want)
while time.monotonic() - t0 < 1.0:
    try:
        if open(copy, "rb").read() == want:
            break
    except OSError:
        pass
    time.sleep(0.002)
print(int((time.monotonic() - t0) * 1000))
PY
)
echo "watch: copy fresh $ms ms after the save" >&2
check "file copy matches the saved target within a second" \
	content_is "$c/file-link" "int lib(long);"
check "copy of a link to it too" wait_for 1 content_is "$c/link-to-link" "int lib(long);"
check "deep copy of its directory too" \
	wait_for 1 content_is "$c/dir-link/include/lib.h" "int lib(long);"
check "one line for the refresh" wait_for 1 grep -q "^refreshed file-link (copy of lib/include/lib.h)" "$TMP/watch.out"
check "git status shows only the edited target" only_edited lib/include/lib.h
expect_eq "status: every copy ok" "" \
	"$("$GSYM" -C "$c" status --porcelain | grep -v '^ok\|^unsafe\|^dangling')"

# an editor's save: a new file renamed over the target
printf 'read me, edited\n' >"$c/docs/.README.md.swp"
mv "$c/docs/.README.md.swp" "$c/docs/README.md"
check "a save by rename refreshes too" \
	wait_for 1 content_is "$c/dot-prefix" "read me, edited"
settle
check "git status shows only the edited targets" only_edited docs/README.md lib/include/lib.h
git -C "$c" checkout -q -- docs/README.md lib/include/lib.h
check "a checkout of the targets refreshes the copies" \
	wait_for 1 content_is "$c/dot-prefix" "read me"
check "and the other copies" wait_for 1 content_is "$c/file-link" "int lib(void);"
settle
check "git status clean" git_clean "$c"

# --- an edited copy is left alone and reported once --------------------------
printf 'my edit\n' >"$c/tool-link"
printf '#!/bin/sh\necho tool 2\n' >"$c/lib/tool.sh"
check "the deep copy still follows" \
	wait_for 1 content_is "$c/dir-link/tool.sh" "#!/bin/sh
echo tool 2"
sleep 0.3
printf '#!/bin/sh\necho tool 3\n' >"$c/lib/tool.sh"
check "the deep copy follows again" \
	wait_for 1 content_is "$c/dir-link/tool.sh" "#!/bin/sh
echo tool 3"
sleep 0.3
expect_eq "edited copy left alone" "my edit" "$(cat "$c/tool-link")"
expect_eq "and reported once" "1" "$(grep -c "^left alone tool-link" "$TMP/watch.err")"
expect_eq "status says modified" "modified copy file tool-link" \
	"$("$GSYM" -C "$c" status --porcelain -- tool-link)"
git -C "$c" checkout -q -- lib/tool.sh
check "the deep copy follows the checkout" \
	wait_for 1 content_is "$c/dir-link/tool.sh" "#!/bin/sh
echo tool"
settle
expect_eq "git sees the edited copy, as any local change" " M tool-link" \
	"$(git -C "$c" status --porcelain)"
"$GSYM" -C "$c" restore -q --force -- tool-link
expect_eq "restore --force puts the copy back" "#!/bin/sh
echo tool" "$(cat "$c/tool-link")"
settle

# --- a checkout that adds a link: it gets a copy, and is followed ------------
check "checkout of a branch adding a link" git -C "$c" checkout -q more-links
check "the new link becomes a copy" \
	wait_for 2 content_is "$c/new-link" "read me"
check "state records it" wait_for 1 grep -q "	new-link$" "$c/.git/symlinks/state"
settle
check "git status clean after the checkout" git_clean "$c"
printf 'read me again\n' >"$c/docs/README.md"
check "the new copy follows its target" \
	wait_for 1 content_is "$c/new-link" "read me again"
git -C "$c" checkout -q -- docs/README.md
check "a checkout of the target refreshes too" \
	wait_for 1 content_is "$c/new-link" "read me"
settle
check "back to main (the link goes)" git -C "$c" checkout -q main
check "the removed link's record goes" \
	wait_for 2 sh -c "! grep -q '	new-link$' '$c/.git/symlinks/state'"
settle
check "git status clean on main" git_clean "$c"

# --- Ctrl-C stops it cleanly ---------------------------------------------------
check "still running" kill -0 "$pid"
kill -INT "$pid"
wait "$pid"
expect_eq "Ctrl-C exits 0" "0" "$?"
check "no index.lock left" test ! -e "$c/.git/index.lock"
check "no journal left" test ! -e "$c/.git/symlinks/journal"
check "git status clean at the end" git_clean "$c"
check "git add -A keeps every link entry" tree_kept "$c"

# -q prints no line per refresh; SIGTERM stops it too
"$GSYM" -C "$c" watch -q >"$TMP/quiet.out" 2>&1 &
pid=$!
sleep 0.5
printf 'int lib(short);\n' >"$c/lib/include/lib.h"
check "quiet watch refreshes" wait_for 2 content_is "$c/file-link" "int lib(short);"
kill -TERM "$pid"
wait "$pid"
expect_eq "SIGTERM exits 0" "0" "$?"
git -C "$c" checkout -q -- lib/include/lib.h
"$GSYM" -C "$c" restore -q
check "git status clean" git_clean "$c"
expect_eq "and -q printed nothing" "" "$(cat "$TMP/quiet.out")"

expect_rc "a pathspec is a usage error" 129 "$GSYM" -C "$c" watch file-link
expect_rc "watch outside a repository is fatal" 128 "$GSYM" -C "$TMP" watch

finish
