#!/bin/sh
# A true merge, many times over, on the disk with hard links and no
# symlinks: each round rewrites the target of a hard-link fallback (git
# writes a new file, the hook links it again, which moves the inode's
# ctime past the target's index stamp), then merges. git's merge runs
# `git stash create`, which compares the index with the tree without
# refreshing it (builtin/stash.c check_changes_tracked_files): a ctime
# that moved after the stamp once made it fail ("fatal: stash failed",
# about 2 rounds in 40). MERGE_ROUNDS rounds (200 by default).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"
hardlinks_mount
rounds=${MERGE_ROUNDS:-200}

src=$TMP/src
git init -q "$src"
mkdir "$src/d"
printf 'x\n' >"$src/d/f"
: >"$src/z"
ln -s z "$src/el"
ln -s d/f "$src/fl"
git -C "$src" add -A
git -C "$src" commit -q -m base
git clone -q "$src" "$HLFS/c"
c=$HLFS/c
git -C "$c" config symlinks.fallback hardlink,copy
check "install the hooks" "$GSYM" -C "$c" install-hooks
check "first restore" "$GSYM" -C "$c" restore -q
expect_eq "a hard link to the empty target" "$(stat -c %i "$c/z")" "$(stat -c %i "$c/el")"
expect_eq "core.trustctime off while hard links are here, marked ours" "false true" \
	"$(git -C "$c" config core.trustctime) $(git -C "$c" config symlinks.trustctime)"

# theirs: another file; mine: the target rewritten (a new inode to link)
git -C "$c" checkout -q -b theirs
echo theirs >"$c/theirs.txt" && git -C "$c" add theirs.txt
git -C "$c" commit -q -m theirs
git -C "$c" checkout -q -b mine main
echo mine >"$c/z" && git -C "$c" commit -q -a -m mine
git -C "$c" checkout -q main

refused=0
i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	# main -> work (mine): git writes z anew, the hook links el to it
	git -C "$c" checkout -q -B work mine ||
		{ fail "round $i: checkout"; break; }
	if ! git -C "$c" merge -q --no-edit theirs >"$TMP/merge.out" 2>&1; then
		refused=$((refused + 1))
		fail "round $i: the merge failed" "$(cat "$TMP/merge.out"; git -C "$c" status --porcelain)"
		git -C "$c" merge --abort 2>/dev/null
	fi
	git -C "$c" checkout -q main ||
		{ fail "round $i: back to main"; break; }
done
expect_eq "true merges refused in $rounds rounds" 0 "$refused"
check "links at their best" "$GSYM" -C "$c" status
check "git status clean" git_clean "$c"
check "reset to placeholders" "$GSYM" -C "$c" reset -q
expect_eq "core.trustctime taken out with the hard links" "" \
	"$(git -C "$c" config core.trustctime; git -C "$c" config symlinks.trustctime)"
finish
