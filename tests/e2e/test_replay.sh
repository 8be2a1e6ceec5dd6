#!/bin/sh
# Replay a real history on a link-less disk (exFAT) with the hooks
# installed: visit every commit in a shuffled order with plain
# `git checkout`, then again with `git reset --hard`, and after each
# compare every link entry with a checkout of the same commit on ext4 with
# real links: the best fallback here (a copy equal to what the link shows
# there; the placeholder only for a dangling or unsafe link), git status
# clean, every git command exiting 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"
exfat_mount 256M

"$FIXTURES/make-history.sh" "$TMP/src" 36
git clone -q "$TMP/src" "$EXFAT/c"
c=$EXFAT/c
git clone -q -c core.symlinks=true "$TMP/src" "$TMP/ref"
ref=$TMP/ref
check "install the hooks" "$GSYM" -C "$c" install-hooks
"$GSYM" -C "$c" restore -q

# compare REV: every link entry here is what the real link shows there
compare() {
	bad=""
	for p in $(git -C "$ref" ls-files -s | awk '$1 == 120000 { print $4 }'); do
		if [ -d "$ref/$p" ]; then
			[ -d "$c/$p" ] && [ ! -L "$c/$p" ] &&
				diff -r "$ref/$p" "$c/$p" >/dev/null 2>&1 || bad="$bad $p(dir)"
		elif [ -f "$ref/$p" ]; then
			[ -f "$c/$p" ] && cmp -s "$ref/$p" "$c/$p" || bad="$bad $p(file)"
		else # dangling or looping: git's placeholder stays
			[ "$(cat "$c/$p" 2>/dev/null)" = "$(readlink "$ref/$p")" ] ||
				bad="$bad $p(placeholder)"
		fi
	done
	# regular files and directories of files are git's, as there
	for p in $(git -C "$ref" ls-files -s | awk '$1 != 120000 { print $4 }'); do
		cmp -s "$ref/$p" "$c/$p" || bad="$bad $p(tracked)"
	done
	[ -z "$bad" ] || { echo "differs:$bad"; return 1; }
	st=$("$GSYM" -C "$c" status --porcelain | grep -Ev '^(ok|dangling|unsafe) ')
	[ -z "$st" ] || { echo "$st"; return 1; }
	git_clean "$c"
}

revs=$(git -C "$TMP/src" rev-list main | awk 'BEGIN { srand(42) } { print rand() "\t" $0 }' |
	sort | cut -f2)
expect_eq "the history has at least 30 commits" true \
	"$([ "$(echo "$revs" | wc -l)" -ge 30 ] && echo true)"
for how in checkout reset; do
	n=0
	for rev in $revs; do
		n=$((n + 1))
		if [ $how = checkout ]; then
			check "checkout $n" git -C "$c" checkout -q --detach "$rev"
		else
			check "reset --hard $n" git -C "$c" reset -q --hard "$rev"
		fi
		git -C "$ref" checkout -q --detach "$rev"
		check "$how $n ($(git -C "$ref" log -1 --format=%s)): as on ext4 with links" compare
	done
done

finish
