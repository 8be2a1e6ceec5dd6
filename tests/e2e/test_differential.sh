#!/bin/sh
# Differential: one scripted day of git work, run step by step in a clone
# with real links (ext4) and in a clone on a link-less disk with the hooks
# installed as a user installs them (`git symlinks install-hooks --global`
# before cloning, in the same HOME for both clones). Three link-less disks:
#   exfat      exFAT through FUSE (copies, deep copies)
#   nosymlink  ext4 with symlink() and symlinkat() refused (EPERM) by an
#              LD_PRELOAD library (nosymlink.c), as Windows refuses links
#              without the privilege; git's clone probe then writes
#              core.symlinks=false itself
#   hardlink   the bindfs hard-link disk, symlinks.fallback=hardlink,copy
# After each step both sides must agree on:
#   rc        the step's exit code
#   stdout    byte for byte; commit ids agree because every step runs with
#   stderr    fixed GIT_AUTHOR_DATE/GIT_COMMITTER_DATE; each clone's root
#             directory is replaced by <ROOT>, the test's by <TMP>
#   status    the first `git status --porcelain --untracked-files=all`
#   diffstat  `git diff HEAD --stat`
#   links     the mode-120000 entries of `git ls-files -s`
#   view      what a build sees at each link entry's path: the file's
#             content, the files of the directory (through links), or
#             "unresolved" (a dangling link; git's placeholder where no
#             fallback can be made) -- a judge that does not ask the tool
#   gsym      the entries `git symlinks status` finds not at their best
#             (state and path; with real links: none, or `modified` where
#             the index names another link than the tree holds), and its
#             exit code unless 0 or 1; dangling is a best state, and so is
#             unsafe for d/up, whose target leaves the tree
# With DIFF_REPORT_ONLY set (by hand, to see them all) a difference
# not in the list is printed and counted, and fails nothing; the list's
# own rows, the day's setup and the clones still must hold.
# differential.expected lists the differences git itself makes unavoidable
# (disk step aspect reason; disk may be *): any other difference fails, and
# so does a listed one that no longer differs.
#
# Environment: DIFF_DISKS (default "exfat nosymlink hardlink"; a subset runs
# only those; "ext4" is a control: a second clone with real links, which
# must differ in nothing), GSYM_GIT_BIN (a directory put first on PATH: the git that
# judges), GSYM_NOSYMLINK (the preload library; built with cc when unset
# and not in build/tests/), KEEP_TMP=1 keeps every recorded output in
# $TMP/out/<disk>/<step>.<aspect>.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"

# the git that judges (lib.sh may already put it first on PATH)
if [ -n "${GSYM_GIT_BIN:-}" ]; then
	case $PATH in
	"$GSYM_GIT_BIN":*) ;;
	*) PATH=$GSYM_GIT_BIN:$PATH && export PATH ;;
	esac
fi
echo "$SUITE: judged by $(git --version) ($(command -v git)); tool $GSYM"

DISKS=${DIFF_DISKS:-exfat nosymlink hardlink}
EXPECTED=$(cd "$(dirname "$0")" && pwd)/differential.expected
JUDGE=$(cd "$(dirname "$0")" && pwd)/differential-judge.py
# the system's python3 when there is one: a version manager's shim in front
# of it costs half a second a step
PY=python3
[ ! -x /usr/bin/python3 ] || PY=/usr/bin/python3
ASPECTS="rc stdout stderr status diffstat links view gsym"
OUT=$TMP/out
UP=$TMP/up
OTHER=$TMP/other

# --- the disks -------------------------------------------------------------
for disk in $DISKS; do
	case $disk in
	exfat) exfat_mount 256M ;;
	hardlink) hardlinks_mount ;;
	ext4) ;;
	nosymlink)
		NOSYM=${GSYM_NOSYMLINK:-}
		if [ -z "$NOSYM" ] && [ -f "$ROOT/build/tests/libnosymlink.so" ]; then
			NOSYM=$ROOT/build/tests/libnosymlink.so
		fi
		if [ -z "$NOSYM" ]; then
			NOSYM=$TMP/libnosymlink.so
			cc -shared -fPIC -o "$NOSYM" "$ROOT/tests/e2e/nosymlink.c" || {
				echo "FAIL - cannot build nosymlink.c" >&2
				exit 1
			}
		fi
		if LD_PRELOAD=$NOSYM ln -s x "$TMP/.probe" 2>/dev/null; then
			echo "FAIL - $NOSYM does not refuse symlink()" >&2
			exit 1
		fi
		;;
	*)
		echo "FAIL - unknown disk '$disk' in DIFF_DISKS" >&2
		exit 1
		;;
	esac
done

"$FIXTURES/make-differential.sh" "$TMP/pristine" >/dev/null
# the hooks, as a user installs them, for every clone of this HOME
check "install-hooks --global" "$GSYM" install-hooks --global

# what the sequence editor of the interactive rebase does: drop t2, fold
# t3 into t1
cat >"$TMP/todo.sh" <<'EOF'
sed -i -e '/ t2$/d' -e 's/^pick \([0-9a-f]*\) t3$/fixup \1 t3/' "$1"
EOF

export GIT_EDITOR=true GIT_MERGE_AUTOEDIT=no GIT_TERMINAL_PROMPT=0
export GIT_PAGER=cat PAGER=cat LC_ALL=C
unset GIT_SEQUENCE_EDITOR

# someone else, in a clone with real links on ext4, commits and pushes
# (never under the preload library: those are real links)
someone_else() { # someone_else N
	(
		unset LD_PRELOAD
		export GIT_AUTHOR_DATE="@$((1800000000 + $1 * 100)) +0000"
		export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
		rm -rf "$OTHER"
		git clone -q "$UP" "$OTHER" && cd "$OTHER" || exit 1
		case $1 in
		1)
			rm fl dl gone el && ln -s e/h fl && ln -s e dl && ln -s z2 el &&
				ln -s d/g ol && echo f3 >d/f
			;;
		2) rm s/rl vl && ln -s ../d/g s/rl && ln -s d vl && ln -s s nl2 ;;
		esac
		git add -A && git commit -q -m "someone else $1" && git push -q origin main
	) >"$TMP/other.log" 2>&1 || {
		echo "$disk: someone else's commit $1 failed:" >>"$TMP/setup-failures"
		cat "$TMP/other.log" >>"$TMP/setup-failures"
	}
}

# st NAME SNIPPET: run SNIPPET (shell, git as typed) in $W (or $RUNIN),
# record what it printed and exited with, then what git sees in $W
st() {
	name=$1
	n=$((n + 1))
	case " $names " in
	*" $name "*)
		echo "FAIL - duplicate step name $name" >&2
		exit 1
		;;
	esac
	names="$names $name"
	echo "$name" >>"$D/steps"
	f=$D/$name
	printf '%s\n' "$2" >"$f.cmd"
	t=$((1700000000 + n * 100))
	(
		cd "${RUNIN:-$W}" || exit 125
		GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000"
		export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
		eval "$2"
	) </dev/null >"$f.stdout" 2>"$f.stderr"
	echo "$?" >"$f.rc"
	(cd "$W" && git status --porcelain --untracked-files=all) >"$f.status" 2>&1
	(cd "$W" && git diff HEAD --stat) >"$f.diffstat" 2>&1
	(cd "$W" && "$GSYM" status --porcelain) >"$f.gsym.out" 2>&1
	gsym_rc=$?
	# the records git does not make: links, view, gsym; and <ROOT>, <TMP>
	(cd "$W" 2>/dev/null || cd "$TMP" && "$PY" "$JUDGE" "$R" "$TMP" "$f" "$gsym_rc")
}

# day DISK ROOT [CLONE-OPTIONS]: the day's work in a clone at ROOT/c
day() {
	disk=$1 R=$2 copts=${3:-}
	D=$OUT/$disk
	n=0 names=""
	mkdir -p "$D"
	rm -rf "$UP" "$OTHER" "$R/c" "$R/wt"
	git clone -q --bare "$TMP/pristine" "$UP"

	W=$R/c
	RUNIN=$R
	st clone "git clone $copts '$UP' c"
	RUNIN=
	st status-clone "git status"

	# --- checkout and switch ------------------------------------------------
	st switch-c-work "git switch -c work"
	st checkout-retarget "git checkout retarget"
	st checkout-retarget-back "git checkout work"
	st checkout-delete "git checkout delete"
	st checkout-delete-back "git checkout work"
	st checkout-add "git checkout add"
	st checkout-add-back "git checkout work"
	st checkout-types "git checkout types"
	st status-types "git status"
	st checkout-types-back "git checkout work"
	st checkout-content "git checkout content"
	st checkout-content-back "git checkout work"
	st switch-detach "git switch --detach origin/conflict"
	st switch-minus "git switch -"
	st checkout-f-delete "git checkout -f origin/delete"
	st checkout-f-back "git checkout -f work"

	# --- paths from another commit ------------------------------------------
	st checkout-rev-paths "git checkout origin/retarget -- fl dl el kl"
	st restore-staged "git restore --staged fl dl el kl"
	st restore-worktree "git restore fl dl el kl"
	st restore-source "git restore --source=origin/retarget fl dl"
	st restore-source-back "git restore --source=HEAD fl dl"
	st restore-source-staged "git restore --source=origin/delete --staged fl dl e2"
	st reset-paths "git reset -q -- fl dl e2"
	st restore-source-both "git restore --source=origin/types --staged --worktree tl ul vl e2"
	st reset-hard-head "git reset --hard"

	# --- reset ---------------------------------------------------------------
	st reset-soft "git reset --soft origin/retarget"
	st reset-mixed "git reset origin/retarget"
	st reset-hard "git reset --hard"
	st reset-keep "echo local >>README && git reset --keep base"
	st checkout-file "git checkout -- README"
	st reset-hard-delete "git reset --hard origin/delete"
	st reset-hard-base "git reset --hard base"
	st reset-mixed-delete "git reset origin/delete"
	st clean-untracked-links "git clean -fd"
	st reset-hard-base-again "git reset --hard base"

	# --- merge ---------------------------------------------------------------
	st merge-ff "git merge --ff-only origin/retarget"
	st merge-ff-undo "git reset --hard base"
	st switch-c-tm "git switch -c tm origin/side"
	st merge-true "git merge --no-edit origin/retarget"
	st switch-c-cf "git switch -c cf origin/retarget"
	st merge-conflict "git merge --no-edit origin/conflict"
	st merge-abort "git merge --abort"
	st merge-conflict-theirs "git merge --no-edit origin/conflict"
	st checkout-theirs "git checkout --theirs -- fl dl"
	st add-resolved-theirs "git add fl dl"
	st commit-merge-theirs "git commit --no-edit"
	st switch-c-cf2 "git switch -c cf2 origin/retarget"
	st merge-conflict-ours "git merge --no-edit origin/conflict"
	st checkout-ours "git checkout --ours -- fl dl"
	st add-resolved-ours "git add fl dl"
	st commit-merge-ours "git commit --no-edit"

	# --- cherry-pick, revert, rebase -----------------------------------------
	st switch-c-cp "git switch -c cp base"
	st cherry-pick "git cherry-pick origin/retarget"
	st revert "git revert --no-edit HEAD"
	st switch-c-cp2 "git switch -c cp2 origin/retarget"
	st cherry-pick-conflict "git cherry-pick origin/conflict"
	st cherry-pick-abort "git cherry-pick --abort"
	st switch-c-rb "git switch -c rb origin/topic"
	st rebase "git rebase origin/side"
	st switch-c-rbi "git switch -c rbi origin/topic"
	st rebase-i "GIT_SEQUENCE_EDITOR='sh $TMP/todo.sh' git rebase -i origin/side"
	st switch-c-rbc "git switch -c rbc origin/retarget"
	st rebase-conflict "git rebase origin/conflict"
	st rebase-abort "git rebase --abort"
	st switch-c-rbe "git switch -c rbe origin/topic"
	st rebase-i-edit "GIT_SEQUENCE_EDITOR='sed -i 1s/^pick/edit/' git rebase -i origin/side"
	st rebase-edit-amend "echo amended >>README && git commit -q -a --amend --no-edit"
	st rebase-edit-continue "git rebase --continue"
	st switch-c-rbx "git switch -c rbx origin/topic"
	st rebase-exec "git rebase -x 'cat fl && find dl/ -type f | sort' origin/side"

	# --- patches by mail: git am ---------------------------------------------
	st switch-c-ap "git switch -c ap base"
	st am "git format-patch --stdout base..origin/topic~ | git am -q"
	st am-dir-link "git format-patch --stdout origin/topic~..origin/topic | git am -q"
	st am-dir-link-undo "git am --abort 2>/dev/null; git reset -q --hard origin/topic"
	st switch-c-ap2 "git switch -c ap2 base"
	st am-types "git format-patch --stdout base..origin/types | git am -q"
	st am-types-undo "git am --abort 2>/dev/null; git reset -q --hard origin/types"
	st switch-c-ap3 "git switch -c ap3 origin/retarget"
	st am-conflict "git format-patch --stdout base..origin/conflict -- fl | git am -q"
	st am-abort "git am --abort"

	# --- stash with an edited target -----------------------------------------
	st switch-work "git switch work"
	st stash-push "echo edited >>d/f && git stash push"
	st stash-pop "git stash pop"
	st stash-push-again "git stash push"
	st stash-apply "git stash apply"
	st stash-drop "git checkout -- d/f && git stash drop"

	# --- add, rm, mv, commit (on a branch of their own) ----------------------
	st switch-c-am "git switch -c am base"
	st add-links "git add -- fl dl el kl"
	st add-all "git add -A"
	st rm-file-link "git rm fl"
	st mv-file-link "git mv tl tl2"
	st commit-rm-mv "git commit -m 'rm and mv file links'"
	# a directory where git expects a link: git rm and git mv stop, as
	# they would at any directory (see differential.expected); undone so
	# that the rest of the day does not inherit the difference
	st rm-dir-link "git rm dl"
	st rm-dir-link-undo "git reset --hard"
	st mv-dir-link "git mv vl vl2"
	st mv-dir-link-undo "git reset --hard"
	st commit-a "echo h3 >e/h && git commit -a -m 'edit a target'"
	st switch-work-again "git switch work"

	# --- clean, worktree -----------------------------------------------------
	st clean-fdx "echo t >tmp.txt && mkdir -p junk && echo j >junk/x && git clean -fdx"
	st worktree-add "git worktree add ../wt origin/retarget"
	W=$R/wt
	st wt-checkout-delete "git checkout --detach origin/delete"
	st wt-checkout-types "git checkout --detach origin/types"
	W=$R/c
	st worktree-remove "git worktree remove ../wt"

	# --- bisect across link changes ------------------------------------------
	st bisect-start "git bisect start origin/line base"
	st bisect-run "git bisect run sh -c 'test ! -f dl/h'"
	st bisect-reset "git bisect reset"

	# --- pull what someone else committed ------------------------------------
	st switch-main "git switch main"
	someone_else 1
	st pull-ff "git pull --ff-only"
	st commit-local "echo mine >>README && git commit -a -m mine"
	someone_else 2
	st pull-rebase "git pull --rebase"
	st status-end "git status"
}

# the side with real links, once
t0=$(date +%s)
mkdir -p "$TMP/ref"
day ref "$TMP/ref"
echo "ref (real links, ext4): $(wc -l <"$OUT/ref/steps") steps in $(($(date +%s) - t0)) s"

# the same day on each link-less disk
for disk in $DISKS; do
	t0=$(date +%s)
	case $disk in
	exfat) day exfat "$EXFAT" ;;
	ext4)
		mkdir -p "$TMP/ext4"
		day ext4 "$TMP/ext4"
		;;
	hardlink) day hardlink "$HLFS" "-c symlinks.fallback=hardlink,copy" ;;
	nosymlink)
		mkdir -p "$TMP/nosymlink"
		(
			export LD_PRELOAD="$NOSYM"
			# the preload library is not ASan's runtime, which must come first
			export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
			day nosymlink "$TMP/nosymlink"
		)
		;;
	esac
	echo "$disk: $(wc -l <"$OUT/$disk/steps") steps in $(($(date +%s) - t0)) s"
done

# --- the judgement -----------------------------------------------------------
[ ! -s "$TMP/setup-failures" ] || fail "the day's setup" "$(cat "$TMP/setup-failures")"
# expected rows: DISK STEP ASPECT REASON...
# rows whose DISK ends in @VERSION hold with that git or later only, in
# @<VERSION with a git older than that only; a DISK ending in "?" (after
# any @VERSION) marks a difference git's own timing decides (whether the
# first `git status` writes the index): listed, but not required
: >"$TMP/optional"
gitver=$(git --version | sed 's/^git version //; s/ .*//')
atleast() { [ "$(printf '%s\n' "$1" "$gitver" | sort -V | head -n 1)" = "$1" ]; }
tab=$(printf '\t')
{ grep -v '^[[:space:]]*\(#\|$\)' "$EXPECTED" 2>/dev/null || :; } |
	while IFS= read -r row; do
		d=${row%%"$tab"*}
		opt=
		case $d in
		*\?)
			opt=1
			row=${d%\?}${row#"$d"}
			d=${d%\?}
			;;
		esac
		case $d in
		*@\<*)
			! atleast "${d#*@<}" || continue
			row=${d%@*}${row#"$d"}
			;;
		*@*)
			atleast "${d#*@}" || continue
			row=${d%@*}${row#"$d"}
			;;
		esac
		printf '%s\n' "$row"
		[ -z "$opt" ] || printf '%s\n' "$row" >>"$TMP/optional"
	done >"$TMP/expected"
expected() { # expected DISK STEP ASPECT: the row's reason, if listed
	awk -v d="$1" -v s="$2" -v a="$3" '($1 == d || $1 == "*" && d != "ext4") && $2 == s && $3 == a {
		$1 = $2 = $3 = ""; sub(/^ +/, ""); print; found = 1; exit } END { exit !found }' \
		"$TMP/expected"
}
: >"$TMP/seen"
: >"$TMP/unexpected"
for disk in $DISKS; do
	RUN=$disk
	steps=0 same=0 known=0
	while IFS= read -r s; do
		steps=$((steps + 1))
		for a in $ASPECTS; do
			r=$OUT/ref/$s.$a
			x=$OUT/$disk/$s.$a
			if cmp -s "$r" "$x"; then
				same=$((same + 1))
				continue
			fi
			echo "$disk $s $a" >>"$TMP/seen"
			if expected "$disk" "$s" "$a" >/dev/null; then
				known=$((known + 1))
				continue
			fi
			echo "$disk $s $a" >>"$TMP/unexpected"
			if [ -n "${DIFF_REPORT_ONLY:-}" ]; then
				# open work (issue 21): said, counted, not failed
				echo "differs - $disk: step $s: $a" >&2
				continue
			fi
			body="\$ $(cat "$OUT/ref/$s.cmd")
$(diff -u --label "real links (ext4)" --label "$disk" "$r" "$x")"
			if [ "$a" = gsym ]; then
				body="$body
git symlinks status --porcelain on $disk:
$(sed 's/^/  /' "$OUT/$disk/$s.gsym.out")"
			fi
			fail "step $s: $a differs" "$body"
		done
	done <"$OUT/ref/steps"
	[ "$steps" -gt 0 ] && pass "$disk: $steps steps compared"
	echo "$disk: $steps steps; $(grep -c "^$disk " "$TMP/unexpected") unexpected differences, $known expected"
done
RUN=

# a listed difference that no longer differs makes the list wrong
while read -r d s a reason; do
	for disk in $DISKS; do
		[ "$d" = "*" ] && [ "$disk" != ext4 ] || [ "$d" = "$disk" ] || continue
		grep -qxF "$disk $s $a" "$TMP/seen" && continue
		awk -v d="$d" -v s="$s" -v a="$a" '$1 == d && $2 == s && $3 == a { f = 1 }
			END { exit !f }' "$TMP/optional" && continue
		if grep -qxF "$s" "$OUT/ref/steps"; then
			fail "$disk: listed in differential.expected but no longer differs: $s $a ($reason)"
		else
			fail "$disk: differential.expected names no such step: $s"
		fi
	done
done <"$TMP/expected"

if [ -s "$TMP/unexpected" ]; then
	[ -z "${DIFF_REPORT_ONLY:-}" ] ||
		echo "DIFF_REPORT_ONLY: $(wc -l <"$TMP/unexpected") differences not in differential.expected, reported, not failed"
	echo "unexpected differences, by disk and step (details above):"
	awk '{ k = $1 "  " $2; if (!(k in a)) o[++n] = k; a[k] = a[k] " " $3 }
		END { for (i = 1; i <= n; i++) printf "  %-40s%s\n", o[i] ":", a[o[i]] }' "$TMP/unexpected"
fi
finish
