#!/bin/sh
# Hooks and everyday workflows, with real git: install once, and every
# clone, switch, merge, rebase and amend ends with real links (or their
# fallbacks), and no commit loses a link.
. "$(dirname "$0")/lib.sh"

"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
"$FIXTURES/make-branches.sh" "$TMP/src" >/dev/null

# --- install into a repository, keep the user's own hook -----------------------
clone_placeholders "$TMP/src" "$TMP/c"
c=$TMP/c
# shellcheck disable=SC2016 # the hook's own $1
printf '#!/bin/sh\necho "user hook $1" >> "%s"\ngit --version > "%s"\n' "$TMP/user.log" "$TMP/hook-git" > "$c/.git/hooks/post-checkout"
chmod +x "$c/.git/hooks/post-checkout"
check "install-hooks" "$GSYM" -C "$c" install-hooks
check "the block is in every hook" sh -c "for h in post-checkout post-merge post-rewrite pre-commit; do grep -q 'BEGIN git-symlinks' '$c/.git/hooks/'\$h || exit 1; done"
check "the new hooks are executable" test -x "$c/.git/hooks/pre-commit"
check "install-hooks is idempotent" "$GSYM" -C "$c" install-hooks
expect_eq "one block, not two" 1 "$(grep -c 'BEGIN git-symlinks' "$c/.git/hooks/post-checkout")"

"$GSYM" -C "$c" restore -q
check "branch switch (file link changes)" git -C "$c" checkout -q file-link-moved
expect_eq "the hook restored the moved link" "docs/README.md" "$(readlink "$c/file-link")"
check "links real after the switch" links_real "$c"
check "git status clean after the switch" git_clean "$c"
check "the user's own hook still ran" grep -q "user hook" "$TMP/user.log"
# the hooks, ours included, run under the git on PATH (GSYM_GIT_BIN's, 2.55)
expect_eq "the git running the hooks is the suite's" "$(git --version)" "$(cat "$TMP/hook-git")"
check "switch back" git -C "$c" checkout -q main
expect_eq "back to the old target" "lib/include/lib.h" "$(readlink "$c/file-link")"

# merge
git -C "$c" checkout -q -b work
echo x > "$c/new.txt" && git -C "$c" add new.txt && git -C "$c" commit -qm work
git -C "$c" checkout -q main
check "merge that changes a link" git -C "$c" merge -q --no-edit origin/dir-link-moved
expect_eq "post-merge restored the link" "docs" "$(readlink "$c/dir-link")"
check "links real after merge" links_real "$c"
# rebase
check "rebase" git -C "$c" rebase -q main work
check "links real after rebase" links_real "$c"
check "git status clean after rebase" git_clean "$c"
# amend
echo y >> "$c/new.txt"
check "commit --amend" git -C "$c" commit -q -a --amend --no-edit
check "links real after amend" links_real "$c"
check "git status clean after amend" git_clean "$c"
# a linked worktree: post-checkout runs in the new worktree
git -C "$c" config core.symlinks false
check "worktree add" git -C "$c" worktree add -q "$TMP/wt" file-link-moved
check "the new worktree's links are real" links_real "$TMP/wt"

# uninstall: only our block goes
check "uninstall-hooks" "$GSYM" -C "$c" uninstall-hooks
check "the user's hook is still there" grep -q "user hook" "$c/.git/hooks/post-checkout"
check_fails "our block is gone" grep -q "git-symlinks" "$c/.git/hooks/post-checkout"
check "hooks that were only ours are removed" test ! -e "$c/.git/hooks/pre-commit"
: > "$TMP/user.log"
git -C "$c" checkout -q main
check "the user's hook still runs after uninstall" grep -q "user hook" "$TMP/user.log"

# --- a switch costs what it changed, not the size of the tree --------------------
"$FIXTURES/make-synthetic.sh" "$TMP/syn" 3000 600 10 >/dev/null
clone_placeholders "$TMP/syn" "$TMP/sw"
s=$TMP/sw
"$GSYM" -C "$s" install-hooks >/dev/null
"$GSYM" -C "$s" restore -q
main=$(git -C "$s" rev-parse HEAD)
changed=$(git -C "$s" rev-parse origin/changed)
check "switch with the hook" git -C "$s" checkout -q "$changed"
check "the 10 retargeted links are real" links_real "$s"
check "git status clean after the switch" git_clean "$s"
# git puts back a placeholder the switch does not touch: its stamp tells
nohook() { git -C "$s" -c core.hooksPath=/dev/null "$@"; }
far=$(git -C "$s" ls-files "*/link000599")
rm "$s/$far" && nohook checkout -q -- "$far"
check_fails "git wrote a placeholder back" test -L "$s/$far"
nohook checkout -q "$main"
idx=$(sha1sum <"$s/.git/index")
( cd "$s" && ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=%file -o "$TMP/hook.strace" \
	"$GSYM" hook post-checkout "$changed" "$main" 1 )
expect_eq "the hook made 11 links: the 10 changed, the placeholder" 11 "$(grep -c '^[0-9]* *symlink(' "$TMP/hook.strace")"
check "the placeholder git put back is a link again" test -L "$s/$far"
check "every link real" links_real "$s"
looked=$(grep -c '/link[0-9]*"' "$TMP/hook.strace")
check "the hook looked at the changed links only, not all 600 ($looked stat calls)" test "$looked" -lt 100
expect_eq "the hook left the index for git to restamp" "$idx" "$(sha1sum <"$s/.git/index")"
check "git status clean after the hook" git_clean "$s"
check "a full restore stamps them" "$GSYM" -C "$s" restore -q
idx=$(sha1sum <"$s/.git/index")
check "then a no-op" "$GSYM" -C "$s" restore -q
expect_eq "and the no-op leaves the index" "$idx" "$(sha1sum <"$s/.git/index")"

# the guard looks only where the commit changes something: git's cache-tree
links_of() { git -C "$1" ls-tree -r "$2" | awk '$1 == "120000"'; }
one=$(git -C "$s" ls-files '*.txt' | head -n 1)
echo change >>"$s/$one" && git -C "$s" add "$one"
expect_eq "the index has git's cache-tree" TREE "$(index_ext "$s" | grep TREE)"
( cd "$s" && ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat -o "$TMP/guard.strace" "$GSYM" hook pre-commit )
expect_eq "the guard passes an unrelated change" 0 $?
expect_eq "and reads the index once (no full comparison)" 1 "$(grep -c '/\.git/index"' "$TMP/guard.strace")"
for how in cache-tree full; do
	ph=$(git -C "$s" ls-files "*/link00010$([ $how = full ] && echo 2 || echo 1)")
	want=$(git -C "$s" ls-files -s "$ph")
	echo "$how" >>"$s/$one" && git -C "$s" add "$one"
	"$GSYM" -C "$s" reset -q -- "$ph"
	git -C "$s" rm -q --cached "$ph" && git -C "$s" add "$ph"
	# what git commit does before pre-commit: build the cache-tree
	git -C "$s" write-tree >/dev/null
	[ $how = cache-tree ] || index_ext "$s" drop TREE
	expect_eq "$how: cache-tree as expected" "$([ $how = full ] || echo TREE)" "$(index_ext "$s" | grep TREE)"
	( cd "$s" && "$GSYM" hook pre-commit ) 2>"$TMP/guard.err"
	expect_eq "$how: the guard lets the commit go on" 0 $?
	check "$how: the guard kept the staged placeholder a link" grep -q "kept '$ph' a link" "$TMP/guard.err"
	expect_eq "$how: the entry is the link again" "$want" "$(git -C "$s" ls-files -s "$ph")"
	check "$how: the commit goes through" git -C "$s" commit -q -m "$how"
	expect_eq "$how: every link keeps its mode and blob" "$(links_of "$s" "$main")" "$(links_of "$s" HEAD)"
	"$GSYM" -C "$s" restore -q
done

# --- a missing binary never makes git fail -----------------------------------------
clone_placeholders "$TMP/src" "$TMP/gone"
cp "$GSYM" "$TMP/gsym-copy"
"$TMP/gsym-copy" -C "$TMP/gone" install-hooks >/dev/null
rm "$TMP/gsym-copy"
out=$(env PATH=/usr/bin:/bin git -C "$TMP/gone" checkout -q origin/file-link-moved 2>&1)
expect_eq "checkout works with the tool gone" 0 $?
case $out in
*"git-symlinks: not found"*) pass "and says why links were not checked" ;;
*) fail "and says why links were not checked" "$out" ;;
esac

# --- core.hooksPath ------------------------------------------------------------------
# git 2.54 and later read hooks from config: there the repository's config
# gets them and nothing is written into core.hooksPath (test_install_once)
case $(git --version | sed 's/^git version //') in
2.5[4-9]* | 2.[6-9]* | [3-9]*) config_hooks=yes ;;
*) config_hooks= ;;
esac
clone_placeholders "$TMP/src" "$TMP/hp"
git -C "$TMP/hp" config core.hooksPath .githooks
check "install-hooks honours core.hooksPath" "$GSYM" -C "$TMP/hp" install-hooks
if [ -n "$config_hooks" ]; then
	check "hooks went to the repository's config" sh -c "git -C '$TMP/hp' hook list post-checkout --show-scope | grep -qx 'local	git-symlinks'"
	check "nothing written into core.hooksPath" test ! -e "$TMP/hp/.githooks"
else
	check "hooks went there" test -f "$TMP/hp/.githooks/post-checkout"
fi
git -C "$TMP/hp" checkout -q origin/file-link-moved 2>/dev/null
check "and they run from there" links_real "$TMP/hp"

# --- a clone with the template, and --global --------------------------------------------
check "install-hooks --template" "$GSYM" install-hooks --template "$TMP/tpl"
git clone -q -c core.symlinks=false --template="$TMP/tpl" "$TMP/src" "$TMP/tc"
check "a clone with the template is restored as part of the clone" links_real "$TMP/tc"
check "and git status is clean" git_clean "$TMP/tc"
check "install-hooks --global" "$GSYM" install-hooks --global
if [ -n "$config_hooks" ]; then
	expect_eq "hook.git-symlinks in the global config" post-checkout \
		"$(git config --global --get-all hook.git-symlinks.event | head -1)"
	expect_eq "no template" "" "$(git config --global init.templateDir)"
else
	expect_eq "init.templateDir set" "$HOME/.git-templates/git-symlinks" "$(git config --global init.templateDir)"
fi
git clone -q -c core.symlinks=false "$TMP/src" "$TMP/gc"
check "every later clone is restored" links_real "$TMP/gc"
check "uninstall-hooks --global" "$GSYM" uninstall-hooks --global
expect_eq "init.templateDir unset again" "" "$(git config --global init.templateDir)"
expect_eq "no hook.git-symlinks left" "" "$(git config --global --get-all hook.git-symlinks.event)"

# --- submodules ------------------------------------------------------------------------
git init -q "$TMP/super"
git -C "$TMP/super" submodule add -q "$TMP/src" links-sub 2>/dev/null
git -C "$TMP/super" commit -qm "with a submodule"
git clone -q -c core.symlinks=false "$TMP/super" "$TMP/sc"
git -C "$TMP/sc" -c core.symlinks=false submodule update -q --init 2>/dev/null
git -C "$TMP/sc/links-sub" config core.symlinks false
check "the submodule has placeholders" test ! -L "$TMP/sc/links-sub/file-link"
"$GSYM" -C "$TMP/sc" restore -q
check "without --recurse-submodules the submodule is left alone" test ! -L "$TMP/sc/links-sub/file-link"
check "restore --recurse-submodules" "$GSYM" -C "$TMP/sc" restore -q --recurse-submodules
check "the submodule's links are real" links_real "$TMP/sc/links-sub"
check "git status clean in the submodule" git_clean "$TMP/sc/links-sub"
check "git status clean in the superproject" git_clean "$TMP/sc"
"$GSYM" -C "$TMP/sc/links-sub" reset -q
git -C "$TMP/sc" config submodule.recurse true
"$GSYM" -C "$TMP/sc" restore -q
check "submodule.recurse=true descends too" links_real "$TMP/sc/links-sub"

# --- sparse checkout ------------------------------------------------------------------------
clone_placeholders "$TMP/src" "$TMP/sp"
git -C "$TMP/sp" sparse-checkout set --cone docs sub 2>/dev/null
bits_before=$(skip_bits "$TMP/sp")
check "sparse: files outside the cone are gone" test ! -e "$TMP/sp/lib"
"$GSYM" -C "$TMP/sp" restore -q
check "sparse: the link inside the cone is real" test -L "$TMP/sp/sub/deep/er/up"
check "sparse: top-level links (always in the cone) are real" test -L "$TMP/sp/file-link"
expect_eq "sparse: no skip-worktree bit set or cleared" "$bits_before" "$(skip_bits "$TMP/sp")"
check "sparse: nothing made outside the cone" test ! -e "$TMP/sp/lib"
check "sparse: git status clean" git_clean "$TMP/sp"

# --- add -----------------------------------------------------------------------------------
git init -q "$TMP/ad"
(cd "$TMP/ad" && mkdir -p d/sub && echo f > d/sub/f && git add -A && git commit -qm init &&
	ln -s d/sub/f fl && ln -s d dl && mkdir -p x/y && ln -s "$TMP/ad/d/sub" x/y/abs)
check "add of a file link" "$GSYM" -C "$TMP/ad" add fl
check "add of a directory link" "$GSYM" -C "$TMP/ad" add dl
expect_eq "recorded as a link entry" "120000" "$(git -C "$TMP/ad" ls-files -s fl | cut -d' ' -f1)"
expect_eq "directory link recorded" "d" "$(git -C "$TMP/ad" cat-file blob :dl)"
check "an absolute target inside the tree is made relative" "$GSYM" -C "$TMP/ad" add x/y/abs
expect_eq "relative, forward slashes" "../../d/sub" "$(git -C "$TMP/ad" cat-file blob :x/y/abs)"
ln -s /etc "$TMP/ad/outl"
expect_rc "an absolute target outside is refused" 1 "$GSYM" -C "$TMP/ad" add outl
check "with a message" grep -q "outside the working tree" "$TMP/err"
check "add --target makes the link" "$GSYM" -C "$TMP/ad" add --target d/sub/f made
expect_eq "made and recorded" "d/sub/f" "$(readlink "$TMP/ad/made")"
expect_eq "its entry" "d/sub/f" "$(git -C "$TMP/ad" cat-file blob :made)"
check "git status shows only the new links as staged" sh -c "test -z \"\$(git -C '$TMP/ad' status --porcelain | grep -v '^A ' | grep -v '^?? outl')\""
expect_eq "the link on disk now holds the recorded relative text" "../../d/sub" "$(readlink "$TMP/ad/x/y/abs")"
expect_rc "add of a plain file is refused" 1 "$GSYM" -C "$TMP/ad" add d/sub/f

# --- the guard, on a link-less disk -------------------------------------------------------
. "$(dirname "$0")/exfat.sh"
exfat_mount 256M
git clone -q "$TMP/src" "$EXFAT/g"
g=$EXFAT/g
"$GSYM" -C "$g" install-hooks >/dev/null
"$GSYM" -C "$g" restore -q 2>/dev/null
head=$(git -C "$g" rev-parse HEAD)

# switches on a link-less disk: the hook refreshes copies incrementally
check "switch where only a target changes" git -C "$g" checkout -q origin/target-changed
expect_eq "the hook refreshed the copy" "int lib(int);" "$(cat "$g/file-link")"
expect_eq "and the deep copy" "int lib(int);" "$(cat "$g/dir-link/include/lib.h")"
check "git status clean" git_clean "$g"
check "switch where a file link moves" git -C "$g" checkout -q origin/file-link-moved
expect_eq "the hook re-copied the new target" "read me" "$(cat "$g/file-link")"
check "back to main" git -C "$g" checkout -q main
expect_eq "copy back to the main target" "int lib(void);" "$(cat "$g/file-link")"
check "git status clean on main" git_clean "$g"
links_of() { git -C "$1" ls-tree -r "$2" | awk '$1 == "120000"'; }

# commit -a: GIT_INDEX_FILE is .git/index.lock, held by git
echo change >> "$g/docs/README.md"
check "commit -a goes through" git -C "$g" commit -q -a -m "commit -a"
expect_eq "commit -a keeps every link" "$(links_of "$g" "$head")" "$(links_of "$g" HEAD)"

# commit -a of a target (issue 21): git writes the index it commits under
# its lock, so post-index-change leaves it; post-commit refreshes the
# copies, with no other git command after it (git status would rewrite a
# racily clean index, and its hook refresh them: not when the edit and the
# commit fall in two seconds)
commit_a_target() { # commit_a_target CLONE CONTENT
	printf '%s\n' "$2" >"$1/lib/include/lib.h"
	check "commit -a of a target ($1)" git -C "$1" commit -q -a -m "$2"
	expect_eq "the copy has the committed target" "$2" "$(cat "$1/file-link")"
	expect_eq "and the deep copy" "$2" "$(cat "$1/dir-link/include/lib.h")"
}
commit_a_target "$g" "int lib(long);"
commit_a_target "$g" "int lib(void);"
# the same with our hook in the repository's config (git 2.54 and later;
# a core.hooksPath folder before): post-commit, told from pre-commit by
# nothing, runs the guard, then the restore
git clone -q "$TMP/src" "$EXFAT/gh"
git -C "$EXFAT/gh" config core.hooksPath "$TMP/gh-hooks"
"$GSYM" -C "$EXFAT/gh" install-hooks >/dev/null
"$GSYM" -C "$EXFAT/gh" restore -q 2>/dev/null
commit_a_target "$EXFAT/gh" "int lib(long);"
check "git status clean after it" git_clean "$EXFAT/gh"

# the common recipe that strips the protection
git -C "$g" rm -r -q --cached .
git -C "$g" add -A
echo more >> "$g/docs/README.md" && git -C "$g" add docs/README.md
git -C "$g" commit -q -m "after rm --cached" 2>"$TMP/guard.err"
expect_eq "the commit of an unrelated change goes through" 0 $?
check "the guard said what it kept (a placeholder)" grep -q "kept 'escaping' a link in this commit (its placeholder" "$TMP/guard.err"
expect_eq "every link keeps its mode and blob" "$(links_of "$g" "$head")" "$(links_of "$g" HEAD)"
check_fails "no file below a directory link was committed" sh -c "git -C '$g' ls-tree -r HEAD --name-only | grep -q '^dir-link/'"
check "git status clean after the guarded commit" git_clean "$g"

# a mixed reset, then add -A
git -C "$g" reset -q HEAD~1
git -C "$g" add -A
echo again >> "$g/docs/README.md" && git -C "$g" add docs/README.md
check "commit after a mixed reset goes through" git -C "$g" commit -q -m "after mixed reset" 2>/dev/null
expect_eq "links kept after a mixed reset" "$(links_of "$g" "$head")" "$(links_of "$g" HEAD)"

# the same when the skip-worktree bits were stripped first (older git,
# other tools): the copies themselves get staged. While the sparse block
# is on, git rm and add pass over every fallback; with it turned off
# (by hand, or another tool) the guard is what keeps the links
# (and with no post-index-change hook to heal it at once: hooks off)
nohooks() { git -c core.hooksPath="$TMP/no-hooks" "$@"; }
# and a commit that runs the guard alone (no post-index-change before it)
mkdir -p "$TMP/guard-only" && cp "$g/.git/hooks/pre-commit" "$TMP/guard-only/"
guarded() { git -c core.hooksPath="$TMP/guard-only" "$@"; }
git -C "$g" config core.sparseCheckout false
git -C "$g" ls-files -z | xargs -0 git -C "$g" -c core.hooksPath="$TMP/no-hooks" update-index --no-skip-worktree
nohooks -C "$g" rm -r -q --cached .
nohooks -C "$g" add -A
echo once-more >> "$g/docs/README.md" && nohooks -C "$g" add docs/README.md
guarded -C "$g" commit -q -m "after stripping the bits" 2>"$TMP/guard.err"
expect_eq "the commit goes through" 0 $?
check "the guard kept a copy's link" grep -q "kept 'file-link' a link in this commit (its copy" "$TMP/guard.err"
check "the guard kept a directory copy's link" grep -q "kept 'dir-link' a link in this commit (its directory copy" "$TMP/guard.err"
expect_eq "every link keeps its mode and blob" "$(links_of "$g" "$head")" "$(links_of "$g" HEAD)"
check_fails "no file below a directory link committed" sh -c "git -C '$g' ls-tree -r HEAD --name-only | grep -q '^dir-link/'"
"$GSYM" -C "$g" restore -q 2>/dev/null
check "restore re-protects afterwards" git_clean "$g"

# an edited copy staged in place of the link stops the commit
git -C "$g" config core.sparseCheckout false
nohooks -C "$g" update-index --no-skip-worktree tool-link
printf 'edited\n' > "$g/tool-link"
nohooks -C "$g" add tool-link
expect_rc "an edited copy staged as the link stops the commit" 1 guarded -C "$g" commit -q -m "bad"
check "with the command that resolves it" grep -q "git symlinks restore --force" "$TMP/err"
git -C "$g" reset -q && git -C "$g" checkout -q -- tool-link 2>/dev/null
"$GSYM" -C "$g" restore -q --force 2>/dev/null
if [ "$(hide_mech)" = fsmonitor ]; then
	check "restore hides the fallbacks from git again (its fsmonitor marks)" fsmn_ours "$g"
else
	expect_eq "restore turns git's sparse checkout back on" true "$(git -C "$g" config core.sparseCheckout)"
fi
check "and git status is clean" git_clean "$g"

# --- git rm --cached of a copied link, with every hook on: the copy stays
git -C "$g" reset -q --hard
"$GSYM" -C "$g" restore -q 2>/dev/null
# (as of a real link; behind the sparse block, a directory link's path
# needs --sparse, as git says)
sparse_opt=
[ "$(hide_mech)" = fsmonitor ] || sparse_opt=--sparse
check "rm --cached of a file link" git -C "$g" rm -q --cached file-link
check "the copy stays in the tree, as a link would" test -f "$g/file-link"
check "rm --cached of a directory link" git -C "$g" rm -q $sparse_opt --cached dir-link
check "the directory copy stays in the tree" test -d "$g/dir-link"
git -C "$g" reset -q
"$GSYM" -C "$g" restore -q 2>/dev/null
check "reset and restore: at their best again" sh -c "! '$GSYM' -C '$g' status --porcelain | grep -Ev '^(ok|unsafe|dangling) '"
check "git status clean" git_clean "$g"

# --- an index of git's own making (git stash's index.stash.<pid>), the
# work tree untouched: its post-index-change leaves everything alone
# (as git stash does: a copy of the index, then update-index --add)
rm "$g/file-link"
cp "$g/.git/index" "$g/.git/index.stash.1"
echo new >"$g/stashed.txt"
check "git writes a scratch index" env GIT_INDEX_FILE="$g/.git/index.stash.1" git -C "$g" update-index --add stashed.txt
check "its hook made nothing" test ! -e "$g/file-link"
rm -f "$g/.git/index.stash.1" "$g/stashed.txt"
# (restore exits 1 here: the fixture's unsafe link is left alone)
"$GSYM" -C "$g" restore -q 2>/dev/null
check "the work tree's own restore makes the copy again" test -f "$g/file-link"
check "git status clean after" git_clean "$g"

# --- a repository without links (issue 26): an index write that left the
# work tree as it was walks no index, a commit runs no guard, and the
# first link a commit brings is guarded at the next commit
# (feature.manyFiles: an index of version 4, and from git 2.40 on one
# whose checksum git leaves zero, index.skipHash)
n=$EXFAT/nl
git init -q "$n"
git -C "$n" config feature.manyFiles true
echo a >"$n/a" && git -C "$n" add a && git -C "$n" commit -q -m a
"$GSYM" -C "$n" install-hooks >/dev/null
check "reset --hard in a repository without links" git -C "$n" reset -q --hard
expect_eq "its hook noted HEAD's tree as one without links" "$(git -C "$n" rev-parse 'HEAD^{tree}')" "$(cat "$n/.git/symlinks/fsmonitor-link-free")"
blob=$(printf a | git -C "$n" hash-object -w --stdin)
check "a link staged alone (update-index)" git -C "$n" update-index --add --cacheinfo "120000,$blob,la"
check "its hook leaves the work tree as git did (no file, as with real links)" test ! -e "$n/la"
check "commit the link" git -C "$n" commit -q -m "a link"
check "a checkout away from it" git -C "$n" checkout -q HEAD~1
check "and back" git -C "$n" checkout -q -
check "the checkout that brought the link made its copy, not git's placeholder (the tree known without links was no proof)" cmp -s "$n/la" "$n/a"
"$GSYM" -C "$n" restore -q
check "restore leaves the copy" cmp -s "$n/la" "$n/a"
git -C "$n" rm -q --cached la
git -C "$n" add la
check "commit with the copy staged as a file" sh -c "git -C '$n' commit -q -m copy 2>'$TMP/nl.err'"
expect_eq "the guard kept the link the last commit brought" "120000" "$(git -C "$n" ls-tree HEAD la | cut -c1-6)"
check "and said so" grep -q "kept 'la' a link in this commit" "$TMP/nl.err"

finish
