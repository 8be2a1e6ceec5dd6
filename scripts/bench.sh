#!/bin/sh
# Measure git-symlinks on a synthetic repository.
# Usage: scripts/bench.sh [FILES] [LINKS] [RUNS]   (default 50000 5000 5)
# Builds FILES regular files and LINKS links spread over many directories
# (with git fast-import), clones it with core.symlinks=false, and prints
# the median wall time of RUNS runs of each step, with `git status` on the
# same tree as the baseline measured in the same run.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
files=${1:-50000}
links=${2:-5000}
runs=${3:-5}
[ -x build/git-symlinks ] || ./scripts/build.sh >/dev/null
bin=$root/build/git-symlinks
work=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/gsym-bench.XXXXXX")}
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.invalid

# --- the repository -------------------------------------------------------
"$root/fixtures/make-synthetic.sh" "$work/src" "$files" "$links" 10
git clone -q -c core.symlinks=false --branch main "$work/src" "$work/c"
c=$work/c

now_ns() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; printf "%.1f", m / 1e6 }'; }

time_it() { # time_it SETUP CMD...: run SETUP untimed, CMD timed; prints ns
	setup=$1
	shift
	eval "$setup" >/dev/null 2>&1
	t0=$(now_ns)
	"$@" >/dev/null 2>&1 || true
	t1=$(now_ns)
	echo $((t1 - t0))
}

git -C "$c" ls-files -s | awk '$1 == "120000" { print $4 }' >"$work/links.txt"
# git's own way to the same end: remove the placeholders, check out links
git_links() { (cd "$c" && xargs rm -f <"$work/links.txt" && git -c core.symlinks=true checkout -q -- .); }

restore_runs="" noop_runs="" status_runs="" status_ph_runs="" git_runs=""
i=0
while [ "$i" -lt "$runs" ]; do
	git_runs="$git_runs $(time_it "$bin -C $c reset -q" git_links)"
	status_ph_runs="$status_ph_runs $(time_it "$bin -C $c reset -q" git -C "$c" status --porcelain)"
	restore_runs="$restore_runs $(time_it ":" "$bin" -C "$c" restore -q)"
	noop_runs="$noop_runs $(time_it ":" "$bin" -C "$c" restore -q)"
	status_runs="$status_runs $(time_it ":" git -C "$c" status --porcelain)"
	i=$((i + 1))
done

[ -z "$(git -C "$c" status --porcelain)" ] || echo "WARNING: git status not clean after restore" >&2

# a branch switch that changes 10 links: git's checkout, then the hook
old=$(git -C "$c" rev-parse HEAD)
new=$(git -C "$c" rev-parse origin/changed)
switch_git_runs="" switch_hook_runs="" full_runs=""
i=0
while [ "$i" -lt "$runs" ]; do
	switch_git_runs="$switch_git_runs $(time_it : git -C "$c" checkout -q "$new")"
	switch_hook_runs="$switch_hook_runs $(time_it : "$bin" -C "$c" hook post-checkout "$old" "$new" 1)"
	git -C "$c" checkout -q "$old" && "$bin" -C "$c" hook post-checkout "$new" "$old" 1
	# the hook leaves its links for git to restamp: settle, then a no-op
	full_runs="$full_runs $(time_it "$bin -C $c restore -q" "$bin" -C "$c" restore -q)"
	i=$((i + 1))
done
[ -z "$(git -C "$c" status --porcelain)" ] || echo "WARNING: git status not clean after the switches" >&2

# a commit of one unrelated file: git's commit, then the pre-commit guard
one=$(git -C "$c" ls-files '*.txt' | head -n 1)
commit_runs="" guard_runs=""
i=0
while [ "$i" -lt "$runs" ]; do
	echo "$i" >>"$c/$one" && git -C "$c" add "$one"
	guard_runs="$guard_runs $(time_it : "$bin" -C "$c" hook pre-commit)"
	commit_runs="$commit_runs $(time_it : git -C "$c" -c core.hooksPath=/dev/null commit -q -m "bench $i")"
	i=$((i + 1))
done

echo "repository: $files files, $links links ($(git -C "$c" ls-files | wc -l) index entries), $runs runs, median ms"
printf '%-44s %10s\n' "step" "median ms"
printf '%-44s %10s\n' "git status (placeholders, baseline)" "$(echo $status_ph_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "rm placeholders + git checkout of the links" "$(echo $git_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "git-symlinks restore (from placeholders)" "$(echo $restore_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "git-symlinks restore (no-op)" "$(echo $noop_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "git status (after restore)" "$(echo $status_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "git checkout changing 10 links (git's work)" "$(echo $switch_git_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "post-checkout hook after it (incremental)" "$(echo $switch_hook_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "full no-op restore, same tree" "$(echo $full_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "git commit of one file (git's work)" "$(echo $commit_runs | tr ' ' '\n' | median)"
printf '%-44s %10s\n' "pre-commit guard before it" "$(echo $guard_runs | tr ' ' '\n' | median)"
