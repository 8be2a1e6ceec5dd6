# shellcheck shell=sh
# Shared helpers for the end-to-end suites: real git is the judge.
# A suite sources this, calls the checks, and ends with `finish`.
set -u

GSYM=${GSYM:-$(cd "$(dirname "$0")/../.." && pwd)/build/git-symlinks}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIXTURES=$ROOT/fixtures
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gsym-e2e.XXXXXX")
PASSED=0
FAILED=0
SUITE=$(basename "$0" .sh)

# nothing of the runner's git setup leaks in: no GIT_* variable (a suite run
# from a hook would get GIT_DIR, GIT_INDEX_FILE...; GIT_CONFIG_GLOBAL would
# replace the HOME below), no XDG config; GIT_TRACE* kept for debugging
for v in $(env | sed -n 's/^\(GIT_[A-Za-z0-9_]*\)=.*/\1/p'); do
	case $v in GIT_TRACE*) ;; *) unset "$v" ;; esac
done
unset XDG_CONFIG_HOME
export GIT_CONFIG_NOSYSTEM=1
export HOME="$TMP/home"
mkdir -p "$HOME"
# a login's runtime directory (/run/user/UID), private: where the daemon
# turns git's own monitor protocol on (git/fsmonitor.h); GSYM_NO_RUNTIME=1
# runs a suite without one (our hook alone answers git)
if [ -z "${GSYM_NO_RUNTIME:-}" ]; then
	export XDG_RUNTIME_DIR="$TMP/run"
	mkdir -m 700 "$XDG_RUNTIME_DIR"
else
	unset XDG_RUNTIME_DIR
fi
# GSYM_GIT_BIN=DIR: the suite runs with the git in DIR (tests/CMakeLists.txt
# registers a second run of some suites with git 2.55 this way), and with
# GSYM_GIT_VERSION set, git --version must say it
if [ -n "${GSYM_GIT_BIN:-}" ]; then
	PATH=$GSYM_GIT_BIN:$PATH
	export PATH
fi
if [ -n "${GSYM_GIT_VERSION:-}" ] &&
	[ "$(git --version)" != "git version $GSYM_GIT_VERSION" ]; then
	echo "FAIL - $SUITE: expected git version $GSYM_GIT_VERSION on PATH, got '$(git --version)'" >&2
	rm -rf "$TMP"
	exit 1
fi
git config --global user.name tester
git config --global user.email tester@example.invalid
git config --global init.defaultBranch main
git config --global protocol.file.allow always
git config --global core.quotepath false
# the checkout may belong to another user than the runner (a CI container),
# whose own safe.directory the HOME above hides (test_package builds in it)
git config --global --add safe.directory "$ROOT"
# GSYM_GIT_FEATURE=manyFiles: every repository of the suite with git's
# feature.<that> (manyFiles: an index of version 4, and from git 2.40 on
# one without a checksum, index.skipHash)
if [ -n "${GSYM_GIT_FEATURE:-}" ]; then
	git config --global "feature.$GSYM_GIT_FEATURE" true
fi

cleanup() {
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP" ${USER_DIR:+"$USER_DIR"}
}

# user_dir: sets USER_DIR to a fresh mode-755 directory below /tmp, for
# what another user (user 65534 by as_user) must reach: not TMP (mode 0700
# from mktemp), nor the build tree (the checkout may sit below a private
# home directory). Holds USER_DIR/bin/git-symlinks, a copy of $GSYM, and
# the LSan suppressions of a sanitized run; sets USER_LSAN, the LSAN_OPTIONS
# as_user gives. Removed on exit.
user_dir() {
	USER_DIR=$(mktemp -d /tmp/gsym-user.XXXXXX) && chmod 755 "$USER_DIR" &&
		mkdir "$USER_DIR/bin" && cp "$GSYM" "$USER_DIR/bin/git-symlinks" &&
		chmod 755 "$USER_DIR/bin" "$USER_DIR/bin/git-symlinks" || return 1
	USER_LSAN=$(user_lsan "$USER_DIR")
}

# user_lsan DIR: LSAN_OPTIONS, its suppressions file copied into DIR
user_lsan() (
	supp=$(printf '%s\n' "${LSAN_OPTIONS:-}" | sed -n 's/.*suppressions=\([^:]*\).*/\1/p')
	[ -n "$supp" ] || { printf '%s\n' "${LSAN_OPTIONS:-}"; exit 0; }
	cp "$supp" "$1/lsan.supp" && chmod 644 "$1/lsan.supp" || exit 1
	printf '%s\n' "${LSAN_OPTIONS:-}" | sed "s|suppressions=[^:]*|suppressions=$1/lsan.supp|"
)

# as_user CMD...: run CMD as user 65534 (root passes every permission
# check), with USER_DIR as its HOME and USER_DIR/gitconfig as its global
# config; user_dir first
as_user() {
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$USER_DIR" \
		GIT_CONFIG_GLOBAL="$USER_DIR/gitconfig" LSAN_OPTIONS="$USER_LSAN" "$@"
}
trap cleanup EXIT

# The checks print what failed and where, count it (PASSED, FAILED) and
# return 0 when it passed, 1 when not; they set no other variable (the
# work is done in a subshell), so what a suite reads after one is its own.
# A suite can set RUN: it prefixes each failure.

pass() {
	PASSED=$((PASSED + 1))
	[ -z "${VERBOSE:-}" ] || echo "ok - $1"
}

# fail DESC [DETAIL]: count a failure and print it
fail() {
	FAILED=$((FAILED + 1))
	said "$1" "" ${2+"$2"}
	return 1
}

# said DESC NOTE [DETAIL]: print a failure (counted by the caller): DESC
# and NOTE, the suite's line that checked DESC, then DETAIL indented
said() {
	echo "FAIL - ${RUN:+$RUN: }$1$2$(where "$1")" >&2
	[ $# -lt 3 ] || printf '%s\n' "$3" | sed 's/^/    /' >&2
}

# where DESC: " (at test_x.sh:LINE)", the line of the suite that checked
# DESC: dash (Debian's /bin/sh) has no LINENO and nothing like bash's
# `caller`, so the line is found by the description. Each check's first
# argument, "..." or '...', is read as a pattern ($var, ${...} and $(...)
# match anything); lines whose pattern matches DESC are named, nothing
# when none does (a description made all of variables matches nothing).
where() {
	GSYM_WHERE_DESC=$1 awk '
	function pattern(s,    re, i, c, n, depth, lit) {
		re = "^"; lit = 0; n = length(s)
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (c == "\\" && i < n) {
				c = substr(s, ++i, 1)
			} else if (c == "$" && i < n) {
				c = substr(s, i + 1, 1)
				if (c == "{" || c == "(") {
					depth = 0
					for (i++; i <= n; i++) {
						c = substr(s, i, 1)
						if (c == "{" || c == "(") depth++
						else if ((c == "}" || c == ")") && --depth == 0) break
					}
				} else if (c ~ /[A-Za-z_]/) {
					while (i < n && substr(s, i + 1, 1) ~ /[A-Za-z0-9_]/) i++
				} else {
					i++
				}
				re = re ".*"
				continue
			}
			lit++
			if (c == "\\") re = re "\\\\"
			else if (c == "^") re = re "\\^"
			else if (index("[].*+?(){}|$/", c)) re = re "[" c "]"
			else re = re c
		}
		return lit ? re "$" : ""
	}
	BEGIN { want = ENVIRON["GSYM_WHERE_DESC"]; found = "" }
	{
		line = $0
		if (!match(line, /(^|[^A-Za-z0-9_])(check|check_fails|expect_eq|expect_rc|fail)[ \t]+("([^"\\]|\\.)*"|\047[^\047]*\047)/))
			next
		arg = substr(line, RSTART, RLENGTH)
		sub(/^[^"\047]*/, "", arg)
		q = substr(arg, 1, 1)
		arg = substr(arg, 2, length(arg) - 2)
		re = (q == "\047") ? "" : pattern(arg)
		if (q == "\047" ? arg == want : (re != "" && want ~ re))
			found = found (found == "" ? "" : ",") NR
	}
	END { if (found != "") printf " (at %s:%s)", FILENAME, found }
	' "$0" 2>/dev/null | sed 's|(at .*/|(at |'
}

# words CMD...: CMD as it would be typed, each word quoted where needed
words() (
	sep=""
	for w; do
		case $w in
		'' | *[!A-Za-z0-9_./:=,+@%^-]*) w="'$(printf '%s' "$w" | sed "s/'/'\\\\''/g")'" ;;
		esac
		printf '%s%s' "$sep" "$w"
		sep=" "
	done
)

# ran WANT DESC CMD...: run CMD, its output captured; when it did not
# WANT (succeed or fail), print the failure: DESC, CMD, its output
ran() (
	want=$1 desc=$2
	shift 2
	if out=$("$@" 2>&1); then got=succeed; else got=fail; fi
	[ "$got" != "$want" ] || exit 0
	if [ "$want" = fail ]; then note=" (succeeded)"; else note=""; fi
	said "$desc" "$note" "\$ $(words "$@")${out:+
$out}"
	exit 1
)

# check DESC CMD...: the command must succeed
check() {
	if ran succeed "$@"; then pass "$1"; else FAILED=$((FAILED + 1)); return 1; fi
}

# check_fails DESC CMD...: the command must fail
check_fails() {
	if ran fail "$@"; then pass "$1"; else FAILED=$((FAILED + 1)); return 1; fi
}

# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected: $2
actual:   $3"; fi
}

# exits DESC RC CMD...: run CMD, its stdout in $TMP/out and its stderr
# in $TMP/err (for the checks after it); when its exit code is not RC,
# print the failure: DESC, CMD, what it printed
exits() (
	desc=$1 want=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" != "$want" ] || exit 0
	out=$(cat "$TMP/out" "$TMP/err")
	said "$desc" ": exit $rc, expected $want" "\$ $(words "$@")${out:+
$out}"
	exit 1
)

# expect_rc DESC RC CMD...: run CMD, expect exit code RC; its stdout is
# left in $TMP/out, its stderr in $TMP/err
expect_rc() {
	if exits "$@"; then pass "$1"; else FAILED=$((FAILED + 1)); return 1; fi
}

# The clone a Windows user, or a user on a link-less disk, gets.
clone_placeholders() {
	git clone -q -c core.symlinks=false "$1" "$2"
}

# jfield FILE PATH FIELD...: the FIELDs of the entry for PATH in the
# `--json` report FILE, space-separated ("no entry" when it has none);
# jfield FILE :summary FIELD...: fields of the report's summary
jfield() {
	python3 - "$@" <<'PY'
import json, sys
report, path, fields = sys.argv[1], sys.argv[2], sys.argv[3:]
d = json.load(open(report, encoding="utf-8"))
if path == ":summary":
    e = d["summary"]
else:
    e = next((x for x in d["entries"] if x["path"] == path), None)
if e is None:
    print("no entry")
else:
    print(" ".join(str(e[f]) for f in fields))
PY
}

# git status --porcelain is empty
git_clean() (
	s=$(git -C "$1" status --porcelain --untracked-files=all)
	[ -z "$s" ] || { echo "$s"; exit 1; }
)

# `git add -A` then write-tree equals HEAD's tree: no link lost
tree_kept() {
	git -C "$1" add -A &&
		[ "$(git -C "$1" write-tree)" = "$(git -C "$1" rev-parse 'HEAD^{tree}')" ]
}

# every mode-120000 entry is a real link with exactly its blob's text
links_real() {
	git -C "$1" ls-files -s | while IFS= read -r line; do
		mode=${line%% *}
		[ "$mode" = 120000 ] || continue
		rest=${line#* }
		oid=${rest%% *}
		path=${line#*	}
		[ -L "$1/$path" ] || { echo "not a link: $path"; return 1; }
		git -C "$1" cat-file blob "$oid" >"$TMP/want"
		readlink -n "$1/$path" >"$TMP/have"
		cmp -s "$TMP/want" "$TMP/have" ||
			{ echo "wrong target: $path"; return 1; }
	done
}

# the skip-worktree bits git sees
skip_bits() {
	git -C "$1" ls-files -v | sed -n 's/^S //p'
}

# a listing of what is in a tree: type, mode, target, content hashes
snapshot() {
	(cd "$1" && {
		find . -path ./.git -prune -o \( -type l -printf 'L %p -> %l\n' \) \
			-o \( -type d -printf 'D %p\n' \) \
			-o \( -type f -printf 'F %p %m %s\n' \) | LC_ALL=C sort
		find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z |
			xargs -0 -r sha1sum
	})
}

finish() {
	# another process removing TMP shows as dozens of unrelated failures
	[ -d "$HOME" ] || fail "the suite's directory $TMP was removed while it ran (by another process)"
	echo "$SUITE: $PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
}

# index_ext DIR: the index's extension signatures, one per line;
# index_ext DIR drop SIG: rewrite the index without that extension
index_ext() {
	if [ "${2:-}" = drop ]; then
		python3 "$FIXTURES/gitindex.py" drop "$1/.git/index" "$3"
	else
		python3 "$FIXTURES/gitindex.py" extensions "$1/.git/index"
	fi
}

# the link entries git's fsmonitor trusts unchanged (lowercase tags of
# `git ls-files -f`): where the tool hides its fallbacks from git's checks
fsmn_links() {
	git -C "$1" ls-files -s | awk -F '\t' '$1 ~ /^120000 / { print $2 }' >"$TMP/fsmn.links"
	git -C "$1" ls-files -f | sed -n 's/^[a-z] //p' | grep -Fx -f "$TMP/fsmn.links"
}

# core.fsmonitor runs this tool's hook
fsmn_ours() {
	git -C "$1" config --no-includes core.fsmonitor | grep -q "' hook fsmonitor\$"
}

# how the tool hides fallbacks from the git on PATH: "fsmonitor" (git
# 2.42.1 and later) or "sparse" (older git: its `git diff <commit>` may
# call an entry the fsmonitor vouches for deleted)
hide_mech() {
	# git's untracked cache (feature.manyFiles turns it on) keeps the
	# sparse block
	if [ "$(git config --global --get feature.manyFiles)" = true ]; then
		echo sparse
		return
	fi
	git --version | awk '{ split($3, v, "."); n = v[1] * 10000 + v[2] * 100 + v[3];
		print (n >= 24201) ? "fsmonitor" : "sparse" }'
}
