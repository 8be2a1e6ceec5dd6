#!/bin/sh
# restore / status / reset on a file system with links, judged by real git.
. "$(dirname "$0")/lib.sh"

"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
nlinks=$(git -C "$TMP/src" ls-files -s | grep -c '^120000')

# --- a fresh placeholder clone --------------------------------------------
clone_placeholders "$TMP/src" "$TMP/c"
c=$TMP/c
before=$(snapshot "$c")
expect_rc "status before restore exits 1 (pending)" 1 "$GSYM" -C "$c" status
expect_eq "status lists every link as pending" "$nlinks" \
	"$("$GSYM" -C "$c" status --porcelain | grep -c '^pending placeholder ')"

expect_rc "dry run exits 0" 0 "$GSYM" -C "$c" restore --dry-run
expect_eq "dry run changes nothing" "$before" "$(snapshot "$c")"
check "dry run lists what it would do" grep -q "would restore" "$TMP/out"

expect_rc "restore exits 0" 0 "$GSYM" -C "$c" restore
check "every link is real with its exact target" links_real "$c"
check "git status is clean after restore" git_clean "$c"
check "git add -A keeps every link entry" tree_kept "$c"
expect_eq "no skip-worktree bit for real links" "" "$(skip_bits "$c")"

# each case of the fixture, as git and the kernel see it
expect_eq "file link reads through" "int lib(void);" "$(cat "$c/file-link")"
check "directory link reaches inside" test -f "$c/dir-link/include/lib.h"
expect_eq "link to a link reads through" "int lib(void);" "$(cat "$c/link-to-link")"
expect_eq "target later in index order" "zz" "$(cat "$c/aa-later")"
expect_eq "trailing slash target kept" "lib/" "$(readlink "$c/trailing-slash")"
expect_eq "./ prefix kept" "./docs/README.md" "$(readlink "$c/dot-prefix")"
expect_eq "name with spaces" "spaced" "$(cat "$c/space link")"
expect_eq "non-ASCII names" "accent" "$(cat "$c/ünïcode-link")"
check "deep link pointing up" test -f "$c/sub/deep/er/up/lib.h"
expect_eq "absolute target made as git would" "/etc/hostname" "$(readlink "$c/absolute")"
expect_eq "escaping target made as git would" "../outside-of-tree" "$(readlink "$c/escaping")"
expect_eq "self link made" "self" "$(readlink "$c/self")"
expect_eq "cycle made" "cycle-b" "$(readlink "$c/cycle-a")"

# --- types resolved through the index, reported in JSON ---------------------
"$GSYM" -C "$c" status --json >"$TMP/status.json"
jtype() { jfield "$TMP/status.json" "$1" type kind state; }
expect_eq "json: file link" "file symlink ok" "$(jtype file-link)"
expect_eq "json: dir link" "dir symlink ok" "$(jtype dir-link)"
expect_eq "json: link to link" "file symlink ok" "$(jtype link-to-link)"
expect_eq "json: later in index" "file symlink ok" "$(jtype aa-later)"
expect_eq "json: dangling" "missing symlink dangling" "$(jtype dangling)"
expect_eq "json: absolute never probed" "unknown symlink ok" "$(jtype absolute)"
expect_eq "json: escaping" "unknown symlink ok" "$(jtype escaping)"
expect_eq "json: cycle" "unknown symlink ok" "$(jtype cycle-a)"
expect_eq "json: self" "unknown symlink ok" "$(jtype self)"
expect_eq "json: deep up" "dir symlink ok" "$(jtype sub/deep/er/up)"
expect_eq "json: trailing slash" "dir symlink ok" "$(jtype trailing-slash)"
expect_eq "json: unicode" "file symlink ok" "$(jtype ünïcode-link)"
expect_eq "json: summary total" "$nlinks" "$(jfield "$TMP/status.json" :summary total)"

# --- types are right even before anything is checked out -------------------
clone_placeholders "$TMP/src" "$TMP/typed"
rm -rf "$TMP/typed/lib" "$TMP/typed/zz"
"$GSYM" -C "$TMP/typed" status --json >"$TMP/status.json"
expect_eq "dir type from the index when the tree lacks it" "dir placeholder pending" "$(jtype dir-link)"
expect_eq "file type from the index when the tree lacks it" "file placeholder pending" "$(jtype aa-later)"

# --- a second run is a no-op --------------------------------------------------
idx1=$(sha1sum < "$c/.git/index")
snap1=$(snapshot "$c")
expect_rc "second restore exits 0" 0 "$GSYM" -C "$c" restore
check "second restore reports nothing to do" grep -q "nothing to restore" "$TMP/out"
expect_eq "second restore leaves the index byte for byte" "$idx1" "$(sha1sum < "$c/.git/index")"
expect_eq "second restore leaves the tree" "$snap1" "$(snapshot "$c")"

# --- the index stamp: git does not re-read restored links ---------------------
stamp=$(git -C "$c" ls-files --debug file-link | sed -n 's/.*ino: *\([0-9]*\).*/\1/p')
expect_eq "index holds the link's inode" "$(stat -c %i "$c/file-link")" "$stamp"

# --- an index written by restore keeps git's cache-tree --------------------------
expect_eq "the written index has a cache-tree (git's checkout needs it)" TREE "$(index_ext "$c" | grep TREE)"
check "and git agrees with it" sh -c "[ \"\$(git -C '$c' write-tree)\" = \"\$(git -C '$c' rev-parse 'HEAD^{tree}')\" ]"


# --- an index written by restore keeps git's racy-git check ----------------------
# A file edited in the tick its entry was stamped has the stamp's stat; only
# the index's own mtime (not older than the entry) tells git to look inside.
# (ctime is ignored so the edit can keep every stat field; exFAT's coarse
# clock gives the same in real life.)
clone_placeholders "$TMP/src" "$TMP/racy"
r=$TMP/racy
git -C "$r" config core.trustctime false
touch -d @1700000000 "$r/docs/README.md" && git -C "$r" update-index --refresh >/dev/null
touch -d @1700000000 "$r/.git/index"
cp "$r/docs/README.md" "$TMP/readme" && tr '[:lower:]' '[:upper:]' <"$TMP/readme" >"$r/docs/README.md"
touch -d @1700000000 "$r/docs/README.md"
idx_before=$(sha1sum <"$r/.git/index")
"$GSYM" -C "$r" restore -q
check "restore made the links" links_real "$r"
check "and wrote the index (the case under test)" test "$(sha1sum <"$r/.git/index")" != "$idx_before"
expect_eq "git still sees the racily edited file" " M docs/README.md" "$(git -C "$r" status --porcelain docs/README.md)"
# --- the index is read once, by our own reader, when nothing changes -----------
ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat -o "$TMP/open.strace" "$GSYM" -C "$c" restore -q
expect_eq "a no-op restore opens the index once" 1 "$(grep -c '/\.git/index"' "$TMP/open.strace")"

# --- every index version git writes ---------------------------------------------
iversion() { python3 "$FIXTURES/gitindex.py" version "$1/.git/index"; }
for v in 2 3 4; do
	clone_placeholders "$TMP/src" "$TMP/v$v"
	git -C "$TMP/v$v" update-index --index-version "$v"
	# git writes v3 only when an entry has extended flags
	[ "$v" != 3 ] || git -C "$TMP/v$v" update-index --skip-worktree docs/README.md
	expect_eq "index v$v: git wrote version $v" "$v" "$(iversion "$TMP/v$v")"
	rm -rf "$TMP/v$v/lib" "$TMP/v$v/zz"
	"$GSYM" -C "$TMP/v$v" status --json >"$TMP/status.json"
	expect_eq "index v$v: dir type looked up in the index" "dir placeholder pending" "$(jtype dir-link)"
	expect_eq "index v$v: file type looked up in the index" "file placeholder pending" "$(jtype aa-later)"
	git -C "$TMP/v$v" checkout -q -- lib zz
	check "index v$v: restore" "$GSYM" -C "$TMP/v$v" restore -q
	check "index v$v: links real" links_real "$TMP/v$v"
	check "index v$v: git status clean" git_clean "$TMP/v$v"
done
expect_eq "index v3: a bit that is not ours is kept" "S docs/README.md" "$(git -C "$TMP/v3" ls-files -t docs/README.md)"

# --- symlinks.jobs: lstat()s gathered on several threads, same answers --------
"$FIXTURES/make-synthetic.sh" "$TMP/syn" 1000 600 >/dev/null
for j in 1 4; do
	clone_placeholders "$TMP/syn" "$TMP/j$j"
	git -C "$TMP/j$j" config symlinks.jobs $j
	# one placeholder edited, one gone: the gathered lstat must tell them
	ed=$(git -C "$TMP/j$j" ls-files '*/link000007')
	echo edited >"$TMP/j$j/$ed"
	rm "$TMP/j$j/$(git -C "$TMP/j$j" ls-files '*/link000008')"
	"$GSYM" -C "$TMP/j$j" status --porcelain >"$TMP/status.j$j"
	expect_rc "jobs=$j: restore leaves the edited one (exit 1)" 1 "$GSYM" -C "$TMP/j$j" restore -q
	"$GSYM" -C "$TMP/j$j" status --porcelain >"$TMP/after.j$j"
done
check "jobs=4 reports what jobs=1 does" cmp "$TMP/status.j1" "$TMP/status.j4"
check "and after restore too" cmp "$TMP/after.j1" "$TMP/after.j4"
check "jobs=4: the edited placeholder kept" grep -q "^modified other .*link000007" "$TMP/after.j4"
expect_eq "jobs=4: every other link is real" 599 "$(find "$TMP/j4" -type l | wc -l)"
check "jobs=4: git status shows only the edit" sh -c "[ \"\$(git -C '$TMP/j4' status --porcelain)\" = ' M $ed' ]"

# --- reset puts back exactly what git wrote ----------------------------------
expect_rc "reset exits 0" 0 "$GSYM" -C "$c" reset
expect_eq "reset restores git's placeholders exactly" "$before" "$(snapshot "$c")"
check "git status clean after reset" git_clean "$c"
expect_rc "status after reset is pending again" 1 "$GSYM" -C "$c" status -q
check "restore works again after reset" "$GSYM" -C "$c" restore -q
check "links real again" links_real "$c"

# --- pathspecs -------------------------------------------------------------------
clone_placeholders "$TMP/src" "$TMP/ps"
check "restore with a pathspec" "$GSYM" -C "$TMP/ps" restore -q -- sub
check "the named link is real" test -L "$TMP/ps/sub/deep/er/up"
check_fails "others are untouched" test -L "$TMP/ps/file-link"
check "pathspec relative to a subdirectory" sh -c "cd '$TMP/ps/docs' && '$GSYM' restore -q ../file-link"
check "relative pathspec reached its link" test -L "$TMP/ps/file-link"
check_fails "and only it" test -L "$TMP/ps/dir-link"

# --- an edited placeholder ---------------------------------------------------------
clone_placeholders "$TMP/src" "$TMP/ed"
printf 'my notes\n' > "$TMP/ed/file-link"
expect_rc "restore leaves an edited placeholder (exit 1)" 1 "$GSYM" -C "$TMP/ed" restore
check "it is reported as modified" grep -q "modified.*file-link" "$TMP/err"
expect_eq "its content is untouched" "my notes" "$(cat "$TMP/ed/file-link")"
check "the other links were restored" test -L "$TMP/ed/dir-link"
expect_rc "restore --force replaces it" 0 "$GSYM" -C "$TMP/ed" restore --force
check "now a link" test -L "$TMP/ed/file-link"
expect_eq "the edit was backed up first" "my notes" "$(cat "$TMP/ed/.git/symlinks/backup/file-link")"
check "git status clean after --force" git_clean "$TMP/ed"

# --- a link pointing elsewhere -----------------------------------------------------
ln -sfn docs "$TMP/ed/dir-link"
expect_rc "a link retargeted by the user is left alone" 1 "$GSYM" -C "$TMP/ed" restore
expect_eq "still pointing where the user put it" "docs" "$(readlink "$TMP/ed/dir-link")"

# --- a linked parent directory is never written through ---------------------------
clone_placeholders "$TMP/src" "$TMP/lp"
mkdir -p "$TMP/victim"
rm -rf "$TMP/lp/sub/deep"
ln -s "$TMP/victim" "$TMP/lp/sub/deep"
expect_rc "restore refuses to write through a linked parent" 1 "$GSYM" -C "$TMP/lp" restore
expect_eq "nothing was written outside" "" "$(ls -A "$TMP/victim")"
check "it says why" grep -q "leading path 'sub/deep' is a link" "$TMP/err"

check "file link restored next to it" test -L "$TMP/lp/file-link"

# --- a linked worktree -----------------------------------------------------------------
git -C "$c" worktree add -q "$TMP/wt" -b wt-branch 2>/dev/null ||
	git -C "$c" worktree add "$TMP/wt" -b wt-branch >/dev/null 2>&1
git -C "$TMP/wt" config core.symlinks false
check "worktree has placeholders" test ! -L "$TMP/wt/file-link"
expect_rc "restore in a linked worktree" 0 "$GSYM" -C "$TMP/wt" restore
check "worktree links real" links_real "$TMP/wt"
check "worktree status clean" git_clean "$TMP/wt"
check "main worktree untouched" links_real "$c"

# --- GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE ----------------------------------------------
clone_placeholders "$TMP/src" "$TMP/env"
check "GIT_DIR and GIT_WORK_TREE honoured" env GIT_DIR="$TMP/env/.git" GIT_WORK_TREE="$TMP/env" sh -c "cd / && '$GSYM' restore -q"
check "links real via the environment" links_real "$TMP/env"
cp "$TMP/env/.git/index" "$TMP/alt-index"
check "GIT_INDEX_FILE honoured by status" env GIT_INDEX_FILE="$TMP/alt-index" "$GSYM" -C "$TMP/env" status -q

# --- fatal conditions: 128, nothing touched --------------------------------------------------
mkdir -p "$TMP/norepo"
expect_rc "outside a repository: 128" 128 "$GSYM" -C "$TMP/norepo" status
check "one-line message" test "$(wc -l < "$TMP/err")" -eq 1
git init -q --bare "$TMP/bare.git"
expect_rc "bare repository: 128" 128 "$GSYM" -C "$TMP/bare.git" restore
clone_placeholders "$TMP/src" "$TMP/locked"
snap=$(snapshot "$TMP/locked")
: > "$TMP/locked/.git/index.lock"
expect_rc "held index.lock: 128" 128 "$GSYM" -C "$TMP/locked" restore
check "the message names the lock" grep -q "index.lock" "$TMP/err"
expect_eq "tree untouched under a held lock" "$snap" "$(snapshot "$TMP/locked")"
check "the lock is not ours to remove" test -e "$TMP/locked/.git/index.lock"
rm -f "$TMP/locked/.git/index.lock"
head -c 100 "$TMP/locked/.git/index" > "$TMP/locked/.git/index.new" &&
	mv "$TMP/locked/.git/index.new" "$TMP/locked/.git/index"
expect_rc "corrupt index: 128" 128 "$GSYM" -C "$TMP/locked" restore
expect_eq "tree untouched with a corrupt index" "$snap" "$(snapshot "$TMP/locked")"
check "no lock left behind" test ! -e "$TMP/locked/.git/index.lock"
expect_rc "missing -C directory: 128" 128 "$GSYM" -C "$TMP/nope" status

# --- a directory that refuses writes is that entry's error, not "no links" ----
# (as a user without root: root passes every permission check)
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	# the user reaches neither TMP nor (below a private home) the build
	# tree: a directory of its own below /tmp, with a copy of the binary
	user_dir || fail "a directory user 65534 can reach (user_dir)"
	perm=$USER_DIR
	clone_placeholders "$TMP/src" "$perm/c"
	git config --global --add safe.directory "$perm/c"
	cp "$HOME/.gitconfig" "$perm/gitconfig"
	chown -R 65534:65534 "$perm"
	chmod 555 "$perm/c/sub/deep/er"
	as_user "$perm/bin/git-symlinks" -C "$perm/c" restore >"$TMP/out" 2>"$TMP/err"
	expect_eq "an unwritable directory: exit 1" 1 $?
	check "its entry is an error naming the path" grep -q "error .*sub/deep/er/up.*ermission denied" "$TMP/err"
	check "the other links are real links" test -L "$perm/c/file-link"
	check "and links are not given up on" sh -c "! grep -q 'caps links=0' '$perm/c/.git/symlinks/state' 2>/dev/null"
	chmod 755 "$perm/c/sub/deep/er"
	as_user "$perm/bin/git-symlinks" -C "$perm/c" restore -q >/dev/null 2>&1
	check "once writable, the next run makes it a link" test -L "$perm/c/sub/deep/er/up"
fi

# --- usage: 129, help everywhere -------------------------------------------------------------
expect_rc "unknown command: 129" 129 "$GSYM" frobnicate
expect_rc "unknown option: 129" 129 "$GSYM" -C "$c" restore --bogus
expect_rc "bad fallback list: 129" 129 "$GSYM" -C "$c" restore --fallback=teleport
expect_rc "no command: 129" 129 "$GSYM"
expect_rc "--version" 0 "$GSYM" --version
check "--version prints the version" grep -q "git-symlinks version" "$TMP/out"
for cmd in restore status reset add install-hooks uninstall-hooks help; do
	expect_rc "$cmd --help" 0 "$GSYM" "$cmd" --help
	check "$cmd --help prints usage" grep -q "git-symlinks $cmd" "$TMP/out"
done
expect_rc "help restore" 0 "$GSYM" help restore
expect_rc "--help" 0 "$GSYM" --help

# a bad setting: one line, what failed and why, said once
git -C "$c" config symlinks.fallback bogus
"$GSYM" -C "$c" status >/dev/null 2>"$TMP/err"
expect_eq "a bad symlinks.fallback is one line that says it once" \
	"git-symlinks: bad symlinks.fallback: unknown fallback 'bogus' in 'bogus'; use junction, hardlink, copy or none" \
	"$(cat "$TMP/err")"
git -C "$c" config --unset symlinks.fallback

finish
