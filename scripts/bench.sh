#!/bin/sh
# Measure git-symlinks on a synthetic repository, next to git's own work
# measured in the same run, and print each ratio next to its goal.
# Usage: scripts/bench.sh [FILES LINKS | 50k | 100k | 1m] [RUNS]
#   50k = 50000 files, 5000 links (the default); 100k = 100000, 10000;
#   1m = 1000000, 50000 (fixtures/make-synthetic.sh); RUNS defaults to 5.
# Steps that can be repeated as they are (a no-op restore, git status, the
# hook after a switch, the guard, a commit) are timed with hyperfine, with
# --prepare where the step needs its input set up first. Steps that destroy
# their own input (restore from placeholders against git's own way to the
# same links; on exFAT a restore of copies against cp -r of the same trees)
# are timed alternated in one loop. Peak memory: /usr/bin/time -v.
# Environment: BENCH_DIR work directory (removed unless BENCH_KEEP is set),
# BENCH_BIN the binary (default: build/git-symlinks, built if missing),
# BENCH_EXFAT=0 skips the exFAT step (it needs root, FUSE and a loop device),
# BENCH_JOBS="1 2 4" also times restore from placeholders with each
# symlinks.jobs (in the same alternated loop).
# Under CI=true a missing prerequisite fails; otherwise the run skips (77).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
case ${1:-50k} in
50k) files=50000 links=5000 ;;
100k) files=100000 links=10000 ;;
1m) files=1000000 links=50000 ;;
*) files=$1 links=${2:?"usage: scripts/bench.sh [FILES LINKS | 50k | 100k | 1m] [RUNS]"}
	shift ;;
esac
[ $# -eq 0 ] || shift
runs=${1:-5}
[ "$runs" -ge 2 ] || runs=2 # hyperfine's least

missing() {
	if [ "${CI:-}" = true ]; then
		echo "bench: FAIL - $1 (under CI nothing is skipped)" >&2
		exit 1
	fi
	echo "bench: SKIP - $1" >&2
	exit 77
}
[ "$(id -u)" != 0 ] || ./scripts/deps.sh bench >/dev/null ||
	missing "could not install hyperfine and time"
for tool in hyperfine python3 git; do
	command -v "$tool" >/dev/null 2>&1 || missing "$tool not installed (scripts/deps.sh bench)"
done
[ -x /usr/bin/time ] || missing "/usr/bin/time not installed (scripts/deps.sh bench)"

bin=${BENCH_BIN:-$root/build/git-symlinks}
[ -x "$bin" ] || ./scripts/build.sh >/dev/null
work=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/gsym-bench.XXXXXX")}
mkdir -p "$work"
exfat_dir="" exfat_loop=""
cleanup() {
	if [ -n "$exfat_dir" ] && mountpoint -q "$exfat_dir" 2>/dev/null; then
		fusermount -u "$exfat_dir" 2>/dev/null || umount -l "$exfat_dir" 2>/dev/null || true
	fi
	[ -z "$exfat_loop" ] || losetup -d "$exfat_loop" 2>/dev/null || true
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# git and the tool with a configuration of their own, not the runner's
for v in $(env | sed -n 's/^\(GIT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset XDG_CONFIG_HOME
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home"
mkdir -p "$HOME"
# a login's private runtime directory, as /run/user/UID is on a desktop:
# where our daemon turns git's own monitor protocol on (git 2.55 and later)
export XDG_RUNTIME_DIR="$work/run"
# shellcheck disable=SC2174 # $work exists: only run/ is made, mode 700
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
git config --global user.name bench
git config --global user.email bench@example.invalid
git config --global init.defaultBranch main

# --- the repository -------------------------------------------------------
"$root/fixtures/make-synthetic.sh" "$work/src" "$files" "$links" 10
rm -rf "$work/c"
git clone -q -c core.symlinks=false --branch main "$work/src" "$work/c"
c=$work/c

now_ns() { date +%s%N; }
# median of the numbers on stdin (ns), in ms
median() { sort -n | awk '{ a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; printf "%.1f", m / 1e6 }'; }

time_it() { # time_it SETUP CMD...: run SETUP untimed, CMD timed; prints ns
	eval "$1" >/dev/null 2>&1 || true
	shift
	t0=$(now_ns)
	"$@" >/dev/null 2>&1 || true
	t1=$(now_ns)
	echo $((t1 - t0))
}

# hf NAME [hyperfine options...] CMD: the median in ms of RUNS runs
hf() {
	name=$1
	shift
	hyperfine --style none --ignore-failure --runs "$runs" \
		--export-json "$work/$name.json" "$@" >/dev/null 2>"$work/$name.err" || {
		cat "$work/$name.err" >&2
		echo "bench: hyperfine failed for $name" >&2
		exit 1
	}
	python3 -c 'import json, sys
print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$work/$name.json"
}

# peak_kb CMD...: the largest resident set of one run, in kB
peak_kb() {
	/usr/bin/time -v "$@" 2>&1 >/dev/null |
		awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# beyond A B: how many ms A takes past B
beyond() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

row() { printf '%-50s %10s\n' "$1" "$2"; }

goals=""
goal() { # goal DESC RATIO LIMIT: one line of the goal table
	met=$(awk -v r="$2" -v g="$3" 'BEGIN { print (r != "n/a" && r <= g) ? "yes" : "NO" }')
	goals="$goals$(printf '%-50s %7s  <= %-5s %s' "$1" "$2" "$3" "$met")
"
}

git -C "$c" ls-files -s | awk '$1 == "120000" { print $4 }' >"$work/links.txt"
# git's own way to the same end: remove the placeholders, check out links
git_links() { (cd "$c" && xargs rm -f <"$work/links.txt" && git -c core.symlinks=true checkout -q -- .); }

# --- destroying their input: alternated in one loop -------------------------
git_runs="" restore_runs=""
i=0
while [ "$i" -lt "$runs" ]; do
	git_runs="$git_runs $(time_it "$bin -C $c reset -q" git_links)"
	restore_runs="$restore_runs $(time_it "$bin -C $c reset -q" "$bin" -C "$c" restore -q)"
	for j in ${BENCH_JOBS:-}; do
		time_it "$bin -C $c reset -q && git -C $c config symlinks.jobs $j" \
			"$bin" -C "$c" restore -q >>"$work/restore-jobs$j.ns"
		git -C "$c" config --unset symlinks.jobs
	done
	i=$((i + 1))
done
# shellcheck disable=SC2086 # the runs are space-separated numbers
git_ms=$(echo $git_runs | tr ' ' '\n' | median)
# shellcheck disable=SC2086 # (the same)
restore_ms=$(echo $restore_runs | tr ' ' '\n' | median)

# --- repeatable: hyperfine ---------------------------------------------------
"$bin" -C "$c" reset -q
status_ph_ms=$(hf status-placeholders --warmup 1 "git -C $c status --porcelain")
mem_restore=$(peak_kb "$bin" -C "$c" restore -q)
[ -z "$(git -C "$c" status --porcelain)" ] || echo "WARNING: git status not clean after restore" >&2
mem_status=$(peak_kb git -C "$c" status --porcelain)
mem_noop=$(peak_kb "$bin" -C "$c" restore -q)
ls_ms=$(hf ls-files --warmup 1 "git -C $c ls-files -s")
status_ms=$(hf status --warmup 1 "git -C $c status --porcelain")

# a branch switch that changes 10 links: git's checkout, then the hook
old=$(git -C "$c" rev-parse HEAD)
new=$(git -C "$c" rev-parse origin/changed)
back="git -C $c checkout -q $old && $bin -C $c hook post-checkout $new $old 1"
switch_git_ms=$(hf switch-git --prepare "$back" "git -C $c checkout -q $new")
switch_hook_ms=$(hf switch-hook --prepare "$back && git -C $c checkout -q $new" \
	"$bin -C $c hook post-checkout $old $new 1")
eval "$back"
"$bin" -C "$c" restore -q # the hook leaves its links for git to restamp
noop_ms=$(hf noop --warmup 1 "$bin -C $c restore -q")
[ -z "$(git -C "$c" status --porcelain)" ] || echo "WARNING: git status not clean after the switches" >&2

# a commit of one unrelated file: the pre-commit guard, then git's commit
one=$(git -C "$c" ls-files '*.txt' | head -n 1)
stage="echo x >>$c/$one && git -C $c add $one"
eval "$stage"
guard_ms=$(hf guard --warmup 1 "$bin -C $c hook pre-commit")
commit_ms=$(hf commit --prepare "$stage" "git -C $c -c core.hooksPath=/dev/null commit -q -m bench")

# --- git's own commands with the hooks, against a placeholder clone ---------
# Two clones of the same commit on ext4 with symlink() refused (a preloaded
# library: the way Windows refuses a link without the privilege): one as
# git leaves it, one with the hooks installed and restored. Each command a
# user types, hook time included, alternated in one hyperfine run.
gitcmd_note=""
gitcmds=""
# the branches both disks' clones switch to: "changed" (10 links, the
# synthetic repository's) and "files" (10 files), made here once
gitcmd_branches() {
	rm -rf "$work/mk"
	git clone -q --no-checkout "$work/src" "$work/mk"
	git -C "$work/mk" read-tree HEAD
	git -C "$work/mk" ls-files -s '*.txt' | head -n 10 |
		while read -r mode _ stage path; do
			printf '%s %s %s\t%s\n' "$mode" \
				"$(echo changed | git -C "$work/mk" hash-object -w --stdin)" \
				"$stage" "$path"
		done | git -C "$work/mk" update-index --index-info
	git -C "$work/mk" push -q origin \
		"$(git -C "$work/mk" commit-tree -p HEAD -m '10 files' "$(git -C "$work/mk" write-tree)"):refs/heads/files"
}
# gitcmd_pair DISK DIR PRELOAD: clones DIR/gp (as git leaves it) and DIR/gf
# (the hooks installed, restored), each command timed on both
gitcmd_pair() {
	disk=$1 dir=$2 pre=$3
	for side in p f; do
		rm -rf "$dir/g$side"
		LD_PRELOAD=$pre git clone -q --branch main "$work/src" "$dir/g$side"
		git -C "$dir/g$side" branch -q changed origin/changed
		git -C "$dir/g$side" branch -q files origin/files
	done
	LD_PRELOAD=$pre "$bin" -C "$dir/gf" install-hooks >/dev/null
	LD_PRELOAD=$pre "$bin" -C "$dir/gf" restore -q
	LD_PRELOAD=$pre git -C "$dir/gf" status >/dev/null
	sleep 1 # the daemon the status started serves git's protocol
	[ -z "$(LD_PRELOAD=$pre git -C "$dir/gf" status --porcelain)" ] ||
		echo "WARNING: git status not clean in the clone with the hooks ($disk)" >&2
	case $(git -C "$dir/gf" config core.fsmonitor) in
	true) mech="our daemon, through git's own monitor protocol" ;;
	"") mech="sparse block" ;;
	*) mech="our fsmonitor hook" ;;
	esac
	gitcmd_note="$gitcmd_note
git commands on $disk: $(git --version), fallbacks hidden by: $mech"
	txt=$(git -C "$dir/gp" ls-files "*.txt" | tail -n 1)
	for cmd in "status:git status" \
		"checkout, 10 links:git checkout -q changed && git checkout -q main" \
		"checkout, 10 files:git checkout -q files && git checkout -q main" \
		"reset --hard:git reset -q --hard" \
		"merge, fast-forward:git checkout -q -B m main && git merge -q --ff-only changed" \
		"stash and pop:echo x >>$txt && git stash -q && git stash pop -q && git checkout -q -- $txt"; do
		name=${cmd%%:*}
		run=${cmd#*:}
		hyperfine --style none --ignore-failure --runs "$runs" --warmup 1 \
			--export-json "$work/gitcmd.json" \
			"cd $dir/gp && LD_PRELOAD=$pre sh -c '$run'" \
			"cd $dir/gf && LD_PRELOAD=$pre sh -c '$run'" >/dev/null 2>&1 || {
			echo "bench: hyperfine failed for $name ($disk)" >&2
			exit 1
		}
		pair=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("%.1f %.1f" % (r[0]["median"] * 1000, r[1]["median"] * 1000))' "$work/gitcmd.json")
		gitcmds="$gitcmds$name ($disk):$pair
"
	done
}
gitcmd_step() {
	nosym=${BENCH_NOSYMLINK:-$work/nosymlink.so}
	if [ ! -f "$nosym" ] && ! cc -shared -fPIC -o "$nosym" "$root/tests/e2e/nosymlink.c" 2>/dev/null; then
		gitcmd_note="git commands step skipped: no C compiler for tests/e2e/nosymlink.c"
		return
	fi
	gitcmd_branches
	gitcmd_pair "ext4, links refused" "$work" "$nosym"
}
if [ "${BENCH_GITCMDS:-1}" != 0 ]; then
	gitcmd_step
else
	gitcmd_note="git commands step skipped: BENCH_GITCMDS=0"
fi

# --- a hook in a repository without links (issue 26) ------------------------
# Installed globally, our hooks run in every repository, most of which have
# no links: a hook that finds the index as its last run left it returns
# without reading the index; after an index change that wrote the work
# tree (a checkout) it reads the cache-tree's root from the index's last
# bytes and walks the entries only where that tree is not known without
# links (a diff from the one last known so adds none); after one that
# did not (`git add`, a commit) it reads nothing, and the guard reads no
# index where HEAD's tree is known without links.
# Timed next to `git status` there; and on an index of BENCH_NOLINKS_BIG
# entries (default 1000000, 0 skips; entries only, no files), next to
# the process alone and the `git add` of one file whose index write the
# hook would follow.
# ("sed" makes the checksum the hook noted differ: an index change.)
changed_index="sed -i 's/^./x/' .git/symlinks/fsmonitor-token"
"$root/fixtures/make-synthetic.sh" "$work/nl" "$files" 0
git -C "$work/nl" reset -q --hard
"$bin" -C "$work/nl" hook post-index-change 0 0
nl_hook=$(hf nolinks-hook --warmup 1 "$bin -C $work/nl hook post-checkout 0 0 1")
nl_changed=$(cd "$work/nl" && hf nolinks-changed --warmup 1 \
	--prepare "$changed_index" "$bin hook post-index-change 1 0")
nl_status=$(hf nolinks-status --warmup 1 "git -C $work/nl status --porcelain")
rm -rf "$work/nl"
big=${BENCH_NOLINKS_BIG:-1000000}
nl_big_hook="" nl_big_wt="" nl_big_guard="" nl_big_proc="" nl_big_add=""
if [ "$big" != 0 ]; then
	git init -q "$work/nlbig"
	blob=$(echo big | git -C "$work/nlbig" hash-object -w --stdin)
	awk -v n="$big" -v b="$blob" 'BEGIN { for (i = 0; i < n; i++)
		printf "100644 %s 0\td%03d/s%02d/f%07d\n", b, i / 10000, (i / 100) % 100, i }' |
		git -C "$work/nlbig" update-index --index-info
	git -C "$work/nlbig" -c core.hooksPath=/dev/null commit -q -m big
	echo one >"$work/nlbig/one"
	# a command that wrote the work tree: the index walked, HEAD's tree
	# noted as one without links (the guard's proof)
	"$bin" -C "$work/nlbig" hook post-index-change 1 0
	nl_big_hook=$(cd "$work/nlbig" && hf nolinks-big --warmup 1 \
		--prepare "$changed_index" "$bin hook post-index-change 0 0")
	nl_big_wt=$(cd "$work/nlbig" && hf nolinks-big-wt --warmup 1 \
		--prepare "$changed_index" "$bin hook post-index-change 1 0")
	nl_big_guard=$(cd "$work/nlbig" && hf nolinks-big-guard --warmup 1 \
		"$bin hook pre-commit")
	nl_big_proc=$(hf nolinks-big-proc --warmup 1 "$bin --version")
	nl_big_add=$(cd "$work/nlbig" && hf nolinks-big-add --warmup 1 \
		--prepare "git rm -q --cached --ignore-unmatch one" "git -c core.hooksPath=/dev/null add one")
	rm -rf "$work/nlbig"
fi

# --- a link-heavy repository (issue 22's shape) -----------------------------
# Half the entries links, directory links to directories of thousands of
# files, some of those holding directory links again
# (fixtures/make-linkheavy.sh), on ext4 with symlink() refused and (a
# smaller shape) on exFAT: restore from placeholders against `cp -rL` of
# a clone with real links (the copying limit), a no-op restore and `git
# status` with the hooks against `git status` in a placeholder clone, and
# a switch between the two releases with the hooks against the same
# switch in the placeholder clone. BENCH_LINKHEAVY=DIRSxFILES (default
# 20x1000 from 50k files up, else 4x50; 0 skips),
# BENCH_LINKHEAVY_EXFAT=DIRSxFILES (default 5x500 from 50k up, else 2x50).
heavy_note=""
heavy_rows=""
# heavy_on DISK DIR PRELOAD SHAPE: the shape's clones in DIR, timed
heavy_on() {
	disk=$1 hdir=$2 pre=$3 shape=$4
	hd=${shape%x*} hp=${shape#*x}
	lh=$work/lh-$shape
	[ -d "$lh" ] || "$root/fixtures/make-linkheavy.sh" "$lh" "$hd" "$hp"
	rm -rf "$work/lr" "$hdir/lp" "$hdir/lf" "$hdir/lcp"
	git clone -q --branch main "$lh" "$work/lr"
	for side in p f; do
		LD_PRELOAD=$pre git clone -q --branch main "$lh" "$hdir/l$side"
		git -C "$hdir/l$side" branch -q release2 origin/release2
	done
	LD_PRELOAD=$pre "$bin" -C "$hdir/lf" install-hooks >/dev/null
	# restore from placeholders against cp -rL of the tree with links,
	# alternated (each destroys its input)
	h_restore="" h_cp=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		h_cp="$h_cp $(time_it "rm -rf $hdir/lcp" cp -rL "$work/lr" "$hdir/lcp")"
		h_restore="$h_restore $(time_it "LD_PRELOAD=$pre $bin -C $hdir/lf reset -q" \
			env LD_PRELOAD="$pre" "$bin" -C "$hdir/lf" restore -q)"
		i=$((i + 1))
	done
	rm -rf "$hdir/lcp"
	# shellcheck disable=SC2086 # the runs are space-separated numbers
	h_restore=$(echo $h_restore | tr ' ' '\n' | median)
	# shellcheck disable=SC2086 # (the same)
	h_cp=$(echo $h_cp | tr ' ' '\n' | median)
	LD_PRELOAD=$pre git -C "$hdir/lf" status >/dev/null
	[ -z "$(LD_PRELOAD=$pre git -C "$hdir/lf" status --porcelain)" ] ||
		echo "WARNING: link-heavy clone not clean after restore ($disk)" >&2
	h_files=$(find "$hdir/lf" -path "$hdir/lf/.git" -prune -o -type f -print | wc -l)
	h_ph_files=$(find "$hdir/lp" -path "$hdir/lp/.git" -prune -o -type f -print | wc -l)
	h_status_p=$(hf heavy-status-p --warmup 1 "env LD_PRELOAD=$pre git -C $hdir/lp status --porcelain")
	h_status_f=$(hf heavy-status-f --warmup 1 "env LD_PRELOAD=$pre git -C $hdir/lf status --porcelain")
	h_noop=$(hf heavy-noop --warmup 1 "env LD_PRELOAD=$pre $bin -C $hdir/lf restore -q")
	h_sw_p=$(hf heavy-switch-p --warmup 1 "cd $hdir/lp && LD_PRELOAD=$pre sh -c 'git checkout -q release2 && git checkout -q main'")
	h_sw_f=$(hf heavy-switch-f --warmup 1 "cd $hdir/lf && LD_PRELOAD=$pre sh -c 'git checkout -q release2 && git checkout -q main'")
	[ -z "$(LD_PRELOAD=$pre git -C "$hdir/lf" status --porcelain)" ] ||
		echo "WARNING: link-heavy clone not clean after the switches ($disk)" >&2
	heavy_rows="$heavy_rows$disk:$h_restore $h_cp $h_status_p $h_status_f $h_noop $h_sw_p $h_sw_f
"
	heavy_note="${heavy_note}link-heavy ($disk): $hd directories of $hp files, $(git -C "$hdir/lf" ls-files | wc -l) index entries; files on disk: $h_ph_files with placeholders, $h_files with copies
"
}
heavy_step() {
	shape=${BENCH_LINKHEAVY:-}
	[ -n "$shape" ] || { [ "$files" -ge 50000 ] && shape=20x1000 || shape=4x50; }
	nosym=${BENCH_NOSYMLINK:-$work/nosymlink.so}
	[ -f "$nosym" ] || cc -shared -fPIC -o "$nosym" "$root/tests/e2e/nosymlink.c" 2>/dev/null ||
		{ heavy_note="link-heavy step skipped: no C compiler"; return; }
	heavy_on "ext4, links refused" "$work" "$nosym" "$shape"
}
if [ "${BENCH_LINKHEAVY:-}" != 0 ]; then
	heavy_step
else
	heavy_note="link-heavy step skipped: BENCH_LINKHEAVY=0"
fi

# --- exFAT: a restore of copies against cp -r of the same trees --------------
exfat_note=""
exfat_restore_ms="" exfat_cp_ms=""
exfat_step() {
	why=""
	for tool in mkfs.exfat mount.exfat-fuse losetup fusermount mountpoint; do
		command -v "$tool" >/dev/null 2>&1 || why="$tool not installed (scripts/deps.sh exfat)"
	done
	[ -e /dev/fuse ] || why="/dev/fuse missing"
	[ "$(id -u)" = 0 ] || why="needs root for losetup"
	if [ -n "$why" ]; then
		[ "${CI:-}" != true ] || missing "exFAT step: $why"
		exfat_note="exFAT step skipped: $why"
		return 0
	fi
	exfat_dir=$work/exfat
	mkdir -p "$exfat_dir"
	# small clusters: tens of thousands of small files fit
	# shellcheck disable=SC2017 # 60 MB per whole thousand files
	truncate -s "$((files / 1000 * 60 + 1024))M" "$work/exfat.img"
	mkfs.exfat -c 4K "$work/exfat.img" >/dev/null
	exfat_loop=$(losetup -f --show "$work/exfat.img")
	mount.exfat-fuse "$exfat_loop" "$exfat_dir" >/dev/null
	e=$exfat_dir/c
	# git's clone probe finds no links here and sets core.symlinks=false
	git clone -q --branch main "$work/src" "$e"
	"$bin" -C "$e" restore -q || true
	# the resolved target of every link (the trees its copies hold), in
	# lists cp -r --parents can take: a target that several links name
	# is copied once per link, as restore does (one list per repeat),
	# and files and directories go to separate trees, so a file is not
	# copied over the same file inside a directory's copy
	rm -rf "$work/rounds"
	mkdir -p "$work/rounds"
	git -C "$e" ls-files -s | awk '$1 == "120000"' | python3 -c '
import os, subprocess, sys
rows = [l.split(None, 3) for l in sys.stdin]
blobs = subprocess.run(["git", "-C", sys.argv[1], "cat-file", "--batch"],
	input="".join(r[1] + "\n" for r in rows).encode(), capture_output=True).stdout
p = 0
seen = {}
for r in rows:
	head = blobs[p:blobs.index(b"\n", p)].split()
	size = int(head[2])
	p = blobs.index(b"\n", p) + 1
	target = blobs[p:p + size].decode()
	p += size + 1
	path = r[3].rstrip("\n")
	t = os.path.normpath(os.path.join(os.path.dirname(path), target))
	n = seen[t] = seen.get(t, 0) + 1
	kind = "d" if os.path.isdir(os.path.join(sys.argv[1], t)) else "f"
	with open(os.path.join(sys.argv[2], "%s%d" % (kind, n)), "a") as f:
		f.write(t + "\n")
' "$e" "$work/rounds"
	cp_all() {
		for list in "$work"/rounds/*; do
			(cd "$e" && xargs cp -r --parents -t "$exfat_dir/cp/${list##*/}" <"$list") ||
				return 1
		done
	}
	cp_setup() {
		rm -rf "$exfat_dir/cp"
		for list in "$work"/rounds/*; do
			mkdir -p "$exfat_dir/cp/${list##*/}"
		done
	}
	copy_runs="" cp_runs=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		copy_runs="$copy_runs $(time_it "$bin -C $e reset -q" "$bin" -C "$e" restore -q)"
		for j in ${BENCH_JOBS:-}; do
			time_it "$bin -C $e reset -q" "$bin" -C "$e" restore -q \
				--jobs "$j" >>"$work/exfat-jobs$j.ns"
		done
		cp_runs="$cp_runs $(time_it cp_setup cp_all)"
		i=$((i + 1))
	done
	[ -z "$(git -C "$e" status --porcelain)" ] ||
		echo "WARNING: git status not clean after the exFAT restore" >&2
	# both sides made the same files (a failed cp would time nothing)
	cp_files=$(find "$exfat_dir/cp" -type f | wc -l)
	copy_files=$(git -C "$e" ls-files -s | awk '$1 == "120000" { print $4 }' |
		(cd "$e" && xargs sh -c 'find "$@" -type f' sh) | wc -l)
	if [ "$cp_files" != "$copy_files" ]; then
		echo "bench: cp -r made $cp_files files, the copies hold $copy_files" >&2
		exit 1
	fi
	# shellcheck disable=SC2086 # the runs are space-separated numbers
	exfat_restore_ms=$(echo $copy_runs | tr ' ' '\n' | median)
	# shellcheck disable=SC2086 # (the same)
	exfat_cp_ms=$(echo $cp_runs | tr ' ' '\n' | median)
	# git's own commands on the exFAT disk, as on ext4 above
	if [ "${BENCH_GITCMDS:-1}" != 0 ]; then
		rm -rf "$exfat_dir/cp" "$e"
		[ -d "$work/mk" ] || gitcmd_branches
		gitcmd_pair exFAT "$exfat_dir" ""
		rm -rf "$exfat_dir/gp" "$exfat_dir/gf"
	fi
	# the link-heavy shape, smaller (FUSE serves one request at a time)
	if [ "${BENCH_LINKHEAVY:-}" != 0 ]; then
		shape=${BENCH_LINKHEAVY_EXFAT:-}
		[ -n "$shape" ] || { [ "$files" -ge 50000 ] && shape=5x500 || shape=2x50; }
		heavy_on exFAT "$exfat_dir" "" "$shape"
	fi
}
if [ "${BENCH_EXFAT:-1}" != 0 ]; then
	exfat_step
else
	exfat_note="exFAT step skipped: BENCH_EXFAT=0"
fi

# --- the report -------------------------------------------------------------
echo "repository: $files files, $links links ($(git -C "$c" ls-files | wc -l) index entries), $runs runs, median ms"
row "step" "median ms"
row "git status (placeholders, baseline)" "$status_ph_ms"
row "rm placeholders + git checkout of the links" "$git_ms"
row "git-symlinks restore (from placeholders)" "$restore_ms"
for j in ${BENCH_JOBS:-}; do
	row "git-symlinks restore, symlinks.jobs=$j" "$(median <"$work/restore-jobs$j.ns")"
done
row "git ls-files -s" "$ls_ms"
row "git status (after restore)" "$status_ms"
row "git checkout changing 10 links (git's work)" "$switch_git_ms"
row "post-checkout hook after it (incremental)" "$switch_hook_ms"
row "full no-op restore, same tree" "$noop_ms"
row "git commit of one file (git's work)" "$commit_ms"
row "pre-commit guard before it" "$guard_ms"
if [ -n "$exfat_restore_ms" ]; then
	row "exFAT: restore of copies (from placeholders)" "$exfat_restore_ms"
	for j in ${BENCH_JOBS:-}; do
		row "exFAT: restore of copies, symlinks.jobs=$j" "$(median <"$work/exfat-jobs$j.ns")"
	done
	row "exFAT: cp -r of the same trees" "$exfat_cp_ms"
fi
row "peak memory kB: restore (from placeholders)" "$mem_restore"
row "peak memory kB: no-op restore" "$mem_noop"
row "peak memory kB: git status" "$mem_status"
[ -z "$exfat_note" ] || echo "$exfat_note"

goal "restore / git's own way to the links" "$(ratio "$restore_ms" "$git_ms")" 0.7
for j in ${BENCH_JOBS:-}; do
	goal "restore (symlinks.jobs=$j) / git's own way" \
		"$(ratio "$(median <"$work/restore-jobs$j.ns")" "$git_ms")" 0.7
done
if [ -n "$exfat_restore_ms" ]; then
	goal "exFAT: restore of copies / cp -r" "$(ratio "$exfat_restore_ms" "$exfat_cp_ms")" 1.2
	for j in ${BENCH_JOBS:-}; do
		goal "exFAT (symlinks.jobs=$j) / cp -r" \
			"$(ratio "$(median <"$work/exfat-jobs$j.ns")" "$exfat_cp_ms")" 1.2
	done
fi
echo "$gitcmds" | while IFS=: read -r name pair; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086 # two numbers, split on purpose
	set -- $pair
	row "git $name: placeholder clone" "$1"
	row "git $name: with the hooks" "$2"
done
[ -z "$gitcmd_note" ] || echo "$gitcmd_note" | sed "/^$/d"
row "no links: a hook with nothing to do" "$nl_hook"
row "no links: a hook after a checkout's index write" "$nl_changed"
row "no links: git status" "$nl_status"
goal "no links: a hook with nothing to do / git status" "$(ratio "$nl_hook" "$nl_status")" 0.1
goal "no links: a hook after a checkout / git status" "$(ratio "$nl_changed" "$nl_status")" 0.1
if [ -n "$nl_big_hook" ]; then
	row "no links, $big entries: the process alone" "$nl_big_proc"
	row "no links, $big entries: hook after git add" "$nl_big_hook"
	row "no links, $big entries: pre-commit hook" "$nl_big_guard"
	row "no links, $big entries: hook after a checkout" "$nl_big_wt"
	row "no links, $big entries: git add of one file" "$nl_big_add"
	goal "no links, $big: hook after git add, ms past process" "$(beyond "$nl_big_hook" "$nl_big_proc")" 5
	goal "no links, $big: pre-commit, ms past the process" "$(beyond "$nl_big_guard" "$nl_big_proc")" 5
	goal "no links, $big: after a checkout, ms past process" "$(beyond "$nl_big_wt" "$nl_big_proc")" 5
fi
# (a here-document, not a pipe: the goals are kept in this shell)
while IFS=: read -r disk figures; do
	[ -n "$disk" ] || continue
	# shellcheck disable=SC2086 # seven numbers, split on purpose
	set -- $figures
	row "link-heavy ($disk): restore (from placeholders)" "$1"
	row "link-heavy ($disk): cp -rL of a clone with links" "$2"
	row "link-heavy ($disk): git status, placeholder clone" "$3"
	row "link-heavy ($disk): git status, with the hooks" "$4"
	row "link-heavy ($disk): no-op restore" "$5"
	row "link-heavy ($disk): switch and back, placeholder clone" "$6"
	row "link-heavy ($disk): switch and back, with the hooks" "$7"
	goal "link-heavy ($disk): restore / cp -rL" "$(ratio "$1" "$2")" 1.0
	goal "link-heavy ($disk): no-op restore / git status" "$(ratio "$5" "$3")" 1.0
	goal "link-heavy ($disk): git status with the hooks / without" "$(ratio "$4" "$3")" 1.0
	goal "link-heavy ($disk): switch with the hooks / without" "$(ratio "$7" "$6")" 1.5
done <<EOF
$heavy_rows
EOF
[ -z "$heavy_note" ] || echo "$heavy_note" | sed "/^$/d"
goal "peak memory: restore / git status" "$(ratio "$mem_restore" "$mem_status")" 1.0
goal "no-op restore / git ls-files -s" "$(ratio "$noop_ms" "$ls_ms")" 1.0
goal "no-op restore / git status (issue 22)" "$(ratio "$noop_ms" "$status_ph_ms")" 0.3
while IFS=: read -r name pair; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086 # two numbers, split on purpose
	set -- $pair
	goal "git $name with the hooks / without" "$(ratio "$2" "$1")" 1.1
done <<EOF2
$gitcmds
EOF2
goal "hook after a switch / git's checkout" "$(ratio "$switch_hook_ms" "$switch_git_ms")" 1.0
echo
printf '%-50s %7s  %-8s %s\n' "goal (issue 13)" "ratio" "goal" "met"
printf '%s' "$goals"
