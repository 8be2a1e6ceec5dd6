#!/bin/sh
# Junction bookkeeping, with a bind mount standing in for a junction (to
# git, both are a directory whose contents are another directory's, as Git
# for Windows' lstat() reports a junction). The directory link's fallback
# is made, then replaced by a bind mount of its target, and plain git
# commands run over it with the target's files checksummed: the ones this
# tool's bookkeeping covers never touch the target; the ones that do are
# why junctions are not the Windows default (README, "Windows").
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"
if [ -z "${GSYM_IN_NS:-}" ]; then
	command -v unshare >/dev/null 2>&1 || exfat_missing "unshare missing"
	[ "$(id -u)" = 0 ] || exfat_missing "needs root for mount --bind"
	rm -rf "$TMP"
	GSYM_IN_NS=1 exec unshare -m sh "$0" "$@"
fi
exfat_mount 128M

"$FIXTURES/make-workflows.sh" "$TMP/src" >/dev/null
# (no link inside the linked directory: the bind mount plays a copy here,
# proven by its content, where a real junction is proven by its type)
(cd "$TMP/src" && git rm -q d/gen && git commit -qm "no inner link" &&
	for b in retarget delete; do git checkout -q "$b" && git rm -q d/gen && git commit -qm "no inner link"; done &&
	git checkout -q main)
# a branch whose dl conflicts with retarget's
(cd "$TMP/src" && git checkout -q -b dl-conflict main && rm dl && ln -s z dl &&
	git commit -qam "dl elsewhere" && git checkout -q main)
git clone -q "$TMP/src" "$EXFAT/c"
c=$EXFAT/c
for b in retarget delete dl-conflict; do git -C "$c" branch -q "$b" "origin/$b"; done
# A junction fallback is kept behind the skip-worktree bit and the sparse
# block, never git's fsmonitor marks (git replacing a path it trusts
# deletes through it: git/stamp.c). No junction can be made here, so the
# copy's record stands in for one: this repository hides its fallbacks
# the way junctions are hidden.
git -C "$c" config symlinks.hide sparse
"$GSYM" -C "$c" restore -q
sums() { (cd "$c" && find d -type f | LC_ALL=C sort | xargs md5sum); }
before=$(sums)
# the fallback of dl (-> d) becomes a "junction" to d
rm -rf "$c/dl" && mkdir "$c/dl" && mount --bind "$c/d" "$c/dl"
check "the junction shows the target" test -f "$c/dl/f"
check "status: the junction counts as the unedited fallback" "$GSYM" -C "$c" status
check "git status clean over it" git_clean "$c"

check "switch where the link changes" git -C "$c" checkout -q retarget
expect_eq "target intact" "$before" "$(sums)"
check "reset --hard over it" git -C "$c" reset -q --hard
expect_eq "target intact after reset --hard" "$before" "$(sums)"
check "checkout -f back" git -C "$c" checkout -q -f main
expect_eq "target intact after checkout -f" "$before" "$(sums)"
check "switch where the link is deleted" git -C "$c" checkout -q delete
expect_eq "target intact after the deletion" "$before" "$(sums)"
check "and back" git -C "$c" checkout -q main
check "mixed reset, then reset --hard" sh -c "git -C '$c' reset -q retarget && git -C '$c' update-index --skip-worktree dl && git -C '$c' reset -q --hard main"
expect_eq "target intact after mixed reset and reset --hard" "$before" "$(sums)"

git -C "$c" checkout -q retarget -- dl 2>/dev/null
expect_eq "checkout REV -- <link>: the sparse block keeps git out" "$before" "$(sums)"
check "checkout REV -- ." git -C "$c" checkout -q retarget -- .
expect_eq "target intact after checkout REV -- ." "$before" "$(sums)"
git -C "$c" reset -q --hard main

# what no bookkeeping can stop: a merge conflict on the link entry makes
# git write it with force and delete through the directory
# (merge-ort.c record_conflicted_index_entries, entry.c remove_subtree)
git -C "$c" checkout -q -b mine retarget
umount "$c/dl" && rm -rf "$c/dl" && mkdir "$c/dl" && mount --bind "$c/e" "$c/dl"
git -C "$c" merge -q --no-edit dl-conflict >/dev/null 2>&1
check "a conflict on the link empties the junction's target" test ! -e "$c/e/h"
umount "$c/dl" 2>/dev/null

finish
