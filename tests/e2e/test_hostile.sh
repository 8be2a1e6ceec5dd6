#!/bin/sh
# Hostile repositories (security.md): nothing outside the working tree is
# ever created, changed, removed or copied in, good entries next to bad
# ones are still restored, and bad entries are reported, not followed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"

# everything in the sandbox but the working tree under test
outside_sum() { # outside_sum SANDBOX WORKTREE-NAME
	(cd "$1" && find . -path "./$2" -prune -o -print0 | LC_ALL=C sort -z |
		xargs -0 -r stat -c '%n %F %s %Y %a' 2>/dev/null
	 cd "$1" && find . -path "./$2" -prune -o -type f -print0 | LC_ALL=C sort -z |
		xargs -0 -r sha1sum) | sha1sum
}

make_sandbox() { # make_sandbox DIR: files a hostile repo would love to touch
	mkdir -p "$1/outside/sub"
	printf 'TOPSECRET\n' > "$1/outside/secret.txt"
	printf 'more\n' > "$1/outside/sub/more.txt"
}

# jq-free JSON access: kind and state of one entry
jget() { jfield "$TMP/st.json" "$1" type kind state; }

# --- on ext4: links are made as git would make them ------------------------------
sb=$TMP/sb
make_sandbox "$sb"
python3 "$FIXTURES/make-hostile.py" "$sb/src" "$sb/outside" 10000
git clone -q -c core.symlinks=false "$sb/src" "$sb/wt" 2>/dev/null
before=$(outside_sum "$sb" wt)
# LeakSanitizer cannot run under ptrace; the untraced runs check leaks
ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=%file -o "$TMP/strace.log" "$GSYM" -C "$sb/wt" restore >"$TMP/out" 2>"$TMP/err"
expect_eq "restore exits 1 (bad entries listed)" 1 $?
expect_eq "nothing outside the tree changed" "$before" "$(outside_sum "$sb" wt)"
expect_eq "good file link restored" "the target" "$(cat "$sb/wt/good/file")"
check "good dir link restored" test -f "$sb/wt/good/dir/readme.txt"
check "good deep link restored" test -L "$sb/wt/good/deep/x"
expect_eq "escaping link made as git would" "../outside/secret.txt" "$(readlink "$sb/wt/esc")"
expect_eq "absolute link made as git would" "/etc/passwd" "$(readlink "$sb/wt/etc")"
expect_eq "UNC-looking link made verbatim" '\\host\share' "$(readlink "$sb/wt/unc-back")"
check "a .git target is made with a warning-free real link" test -L "$sb/wt/gitcfg"
# every file call but symlink() itself, which only writes the text
grep -v '^[0-9]* *symlink(' "$TMP/strace.log" > "$TMP/probes.log"
check "strace saw the run's file calls" grep -q 'newfstatat\|lstat' "$TMP/probes.log"
for t in /etc/passwd //host/share 'C:\\Windows' 'host\\share' "$sb/outside/secret.txt"; do
	check_fails "never opened or stat'ed: $t" grep -F -e "\"$t" "$TMP/probes.log"
done
check_fails "nothing outside probed through a relative path" grep -F -e "outside/secret" -e 'outside"' "$TMP/probes.log"
check "NUL target is an error" grep -q "error .*nul -> .*NUL byte" "$TMP/err"
check "empty target is an error" grep -q "error .*empty -> .*empty target" "$TMP/err"
check "5000-byte target is an error" grep -q "error .*long -> .*longer than 4095 bytes" "$TMP/err"
"$GSYM" -C "$sb/wt" status --json >"$TMP/st.json"
expect_eq "10 000-level chain: limit 40, then unknown" "unknown symlink ok" "$(jget chain/l00001)"
expect_eq "chain within 40 hops resolves" "file symlink ok" "$(jget chain/l09970)"
expect_eq "cycle: unknown" "unknown symlink ok" "$(jget cyc-a)"
expect_eq "self: unknown" "unknown symlink ok" "$(jget self)"
expect_eq "dir/up -> .. is a dir" "dir symlink ok" "$(jget dir/up)"
expect_eq "absolute never typed" "unknown symlink ok" "$(jget unc-fwd)"

# --- a parent that is a link to outside ---------------------------------------------
git clone -q -c core.symlinks=false "$sb/src" "$sb/wt2" 2>/dev/null
rm -rf "$sb/wt2/good/deep"
ln -s "$sb/outside/sub" "$sb/wt2/good/deep"
before=$(outside_sum "$sb" wt2)
"$GSYM" -C "$sb/wt2" restore >/dev/null 2>"$TMP/err"
expect_eq "linked parent: nothing written outside" "$before" "$(outside_sum "$sb" wt2)"
check "linked parent: refused with the reason" grep -q "leading path 'good/deep' is a link" "$TMP/err"
check "linked parent: neighbours restored" test -L "$sb/wt2/good/file"

# --- a parent that becomes a link earlier in the same run ----------------------------
git init -q "$sb/df"
printf '120000\tevil\t%s\n120000\tevil/payload\tPWNED\n120000\tok\tevil\n' "$sb/outside/sub" |
	python3 "$FIXTURES/craft-index.py" "$sb/df"
before=$(outside_sum "$sb" df)
"$GSYM" -C "$sb/df" restore >/dev/null 2>"$TMP/err"
expect_eq "parent made a link in the same run: nothing written outside" "$before" "$(outside_sum "$sb" df)"
check "the later entry is refused" grep -q "unsafe .*evil/payload.*leading path 'evil' is a link" "$TMP/err"
check "nothing named payload outside" test ! -e "$sb/outside/sub/payload"

# --- entry paths git refuses ------------------------------------------------------------
git init -q "$sb/bad"
printf '120000\tgood\ttarget\n100644\ttarget\tx\n120000\t.GIT/x\ttarget\n' |
	python3 "$FIXTURES/craft-index.py" "$sb/bad"
expect_rc "index with a .git alias path: exit 128" 128 "$GSYM" -C "$sb/bad" restore
check "the message names the entry" grep -q "'.GIT/x' (path component is a git directory alias)" "$TMP/err"
check "nothing was created" test ! -e "$sb/bad/good"
# shellcheck disable=SC2016 # an NTFS stream name, not a variable
for p in 'git~1/x' '.git./x' 'a/../b' '.git::$INDEX_ALLOCATION/y'; do
	rm -f "$sb/bad/.git/index"
	printf '120000\tgood\ttarget\n120000\t%s\ttarget\n' "$p" | python3 "$FIXTURES/craft-index.py" "$sb/bad"
	expect_rc "refused path $p: exit 128" 128 "$GSYM" -C "$sb/bad" restore
	check "refused path $p: named" grep -qF "'$p'" "$TMP/err"
done
rm -f "$sb/bad/.git/index"
printf '120000\tgood\ttarget\n100644\ttarget\tx\n120000\t.gitmodules\ttarget\n120000\t.g\\xe2\\x80\\x8cit/x\ttarget\n' |
	python3 "$FIXTURES/craft-index.py" "$sb/bad"
printf 'x' > "$sb/bad/target"
expect_rc "a link named .gitmodules: the rest proceed (exit 1)" 1 "$GSYM" -C "$sb/bad" restore
check ".gitmodules link refused" grep -q "unsafe .*\.gitmodules.*refused" "$TMP/err"
check "HFS .git alias refused" grep -q "unsafe .*git directory alias" "$TMP/err"
check "the good entry next to them restored" test -L "$sb/bad/good"
check "no .gitmodules link made" test ! -L "$sb/bad/.gitmodules"

# --- held lock, truncated index, unsupported extension ------------------------------------
git clone -q -c core.symlinks=false "$sb/src" "$sb/wt3" 2>/dev/null
snap=$(snapshot "$sb/wt3" | sha1sum)
: > "$sb/wt3/.git/index.lock"
expect_rc "held index.lock: 128" 128 "$GSYM" -C "$sb/wt3" restore
expect_eq "held index.lock: tree untouched" "$snap" "$(snapshot "$sb/wt3" | sha1sum)"
rm "$sb/wt3/.git/index.lock"
cp "$sb/wt3/.git/index" "$TMP/index.good"
head -c 5000 "$TMP/index.good" > "$sb/wt3/.git/index"
expect_rc "truncated index: 128" 128 "$GSYM" -C "$sb/wt3" restore
expect_eq "truncated index: tree untouched" "$snap" "$(snapshot "$sb/wt3" | sha1sum)"
cp "$TMP/index.good" "$sb/wt3/.git/index"
git -C "$sb/wt3" config index.sparse true
git -C "$sb/wt3" config core.sparseCheckout true
git -C "$sb/wt3" config core.sparseCheckoutCone true
git -C "$sb/wt3" config extensions.worktreeConfig false
git -C "$sb/wt3" config core.splitIndex true
git -C "$sb/wt3" update-index --split-index 2>/dev/null
expect_rc "split index (unsupported extension): 128" 128 "$GSYM" -C "$sb/wt3" restore
check "with a clear message" grep -qi "index" "$TMP/err"
expect_eq "split index: tree untouched" "$snap" "$(snapshot "$sb/wt3" | sha1sum)"

# --- on exFAT: the copy fallback never reaches outside or into .git -------------------------
exfat_mount 512M
xs=$EXFAT/sb
make_sandbox "$xs"
python3 "$FIXTURES/make-hostile.py" "$xs/src" "$xs/outside" 100
git clone -q "$xs/src" "$xs/wt" 2>/dev/null
before=$(outside_sum "$xs" wt)
"$GSYM" -C "$xs/wt" restore >/dev/null 2>"$TMP/err"
expect_eq "exFAT: nothing outside the tree changed" "$before" "$(outside_sum "$xs" wt)"
check "exFAT: no secret copied in" sh -c "! grep -rq TOPSECRET --exclude-dir=.git '$xs/wt'"
check "exFAT: .git/config never copied in" sh -c "! grep -rqx '\[core\]' --exclude-dir=.git '$xs/wt'"
"$GSYM" -C "$xs/wt" status --json >"$TMP/st.json"
expect_eq "exFAT: escaping stays a placeholder" "unknown placeholder unsafe" "$(jget esc)"
expect_eq "exFAT: escaping dir stays a placeholder" "unknown placeholder unsafe" "$(jget esc-dir)"
expect_eq "exFAT: absolute stays a placeholder" "unknown placeholder unsafe" "$(jget abs)"
expect_eq "exFAT: .git target stays a placeholder" "unknown placeholder unsafe" "$(jget gitcfg)"
expect_eq "exFAT: GIT~1 target stays a placeholder" "unknown placeholder unsafe" "$(jget gitalias)"
expect_eq "exFAT: .git dir target stays a placeholder" "unknown placeholder unsafe" "$(jget gitdir)"
expect_eq "exFAT: ancestor never copied into itself" "dir placeholder unsafe" "$(jget dir/up)"
expect_eq "exFAT: ancestor via /. never copied" "dir placeholder unsafe" "$(jget dir/top)"
expect_eq "exFAT: cycle stays a placeholder" "unknown placeholder unsafe" "$(jget cyc-a)"
expect_eq "exFAT: good file copied" "file copy ok" "$(jget good/file)"
expect_eq "exFAT: good dir copied" "dir copy ok" "$(jget good/dir)"
expect_eq "exFAT: chain end copied" "file copy ok" "$(jget chain/l00100)"
check "exFAT: git status clean" git_clean "$xs/wt"
check "exFAT: no link lost" tree_kept "$xs/wt"

finish
