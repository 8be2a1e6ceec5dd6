#!/bin/sh
# Install once, every repository (issue 26). With git 2.55, hooks read
# from config: `install-hooks --global` covers clones made before it, hook
# managers' folders (core.hooksPath) included, and clones made after;
# `hook.git-symlinks.enabled=false` opts one repository out; uninstalling
# leaves the config byte for byte as it was. With the system's git (Debian
# 12: 2.39), the template and the hooks folder, as before.
# GSYM_GIT255_BIN: the bin directory of git 2.55 (tests/CMakeLists.txt).
. "$(dirname "$0")/lib.sh"

G255=${GSYM_GIT255_BIN:-}
if [ -z "$G255" ] || [ ! -x "$G255/git" ] ||
	[ "$("$G255/git" --version)" != "git version 2.55.0" ]; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL - git 2.55 missing under CI (scripts/build-git.sh; GSYM_GIT255_BIN='$G255')" >&2
		exit 1
	fi
	echo "SKIP - git 2.55 missing (scripts/build-git.sh)" >&2
	exit 77
fi
SYS_PATH=$PATH
SYS_GIT=$(git --version | sed 's/^git version //')

"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
"$FIXTURES/make-branches.sh" "$TMP/src" >/dev/null

# a husky-style folder: its own post-checkout, never to be changed
husky() {
	mkdir -p "$1/.husky"
	printf '#!/bin/sh\necho "husky $*" >> "%s"\n' "$TMP/husky.log" >"$1/.husky/post-checkout"
	chmod +x "$1/.husky/post-checkout"
	git -C "$1" config core.hooksPath .husky
	echo /.husky/ >>"$1/.git/info/exclude"
}
folder() { (cd "$1" && find . -printf '%y %m %s %p\n' | LC_ALL=C sort && find . -type f -exec sha1sum {} + | LC_ALL=C sort); }
# a placeholder clone whose own post-checkout is kept from restoring
clone_nohook() { git -c hook.git-symlinks.enabled=false clone -q -c core.symlinks=false "$1" "$2"; }
placeholders() { test -f "$1/file-link" && test ! -L "$1/file-link" && test ! -L "$1/dir-link"; }

# ============================ git 2.55: hooks from config ============================
PATH=$G255:$SYS_PATH
export PATH
expect_eq "git 2.55 on PATH" "git version 2.55.0" "$(git --version)"
cp "$HOME/.gitconfig" "$TMP/gitconfig.before"

# --- a placeholder clone made before the install, with a hook manager ------------
clone_placeholders "$TMP/src" "$TMP/old"
old=$TMP/old
husky "$old"
husky_before=$(folder "$old/.husky")
check "a placeholder clone" placeholders "$old"
(cd "$old" && "$GSYM" doctor) >"$TMP/doc"
check "doctor: never restored" grep -q "^links restored: *never: .* links are still git's placeholders" "$TMP/doc"
check "doctor: not covered" grep -q "^hooks here: *no" "$TMP/doc"

"$GSYM" install-hooks --global >"$TMP/out" 2>&1
expect_eq "install-hooks --global exits 0" 0 $?
check "it says: the global config, git 2.55 reads hooks from config" \
	grep -q "in the global git config '$HOME/.gitconfig' as hook.git-symlinks: git 2.55.0 reads hooks from config" "$TMP/out"
expect_eq "no template set" "" "$(git config --global init.templateDir)"
expect_eq "an event line per hook" "post-checkout post-merge post-rewrite post-index-change post-commit pre-commit" \
	"$(git config --global --get-all hook.git-symlinks.event | tr '\n' ' ' | sed 's/ $//')"
expect_eq "git hook list names it with its scope" "global	git-symlinks" \
	"$(git -C "$old" hook list post-checkout --show-scope | grep git-symlinks)"
check "hook.git-symlinks runs for post-index-change too" sh -c "git -C '$old' hook list post-index-change | grep -qx git-symlinks"
(cd "$old" && "$GSYM" doctor) >"$TMP/doc"
check "doctor: covered by the global config" grep -q "^hooks here: *yes, hook.git-symlinks in the global config" "$TMP/doc"
check "doctor: for clones too" grep -q "^hooks for clones: *yes, the global config" "$TMP/doc"
(cd "$old" && "$GSYM" doctor --json) >"$TMP/doc.json"
jq() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print(json.dumps(d))' "$TMP/doc.json" "$1"; }
expect_eq "doctor --json: every hook from config" "$(jq hooks.of)" "$(jq hooks.config)"
expect_eq "doctor --json: its scope" '"global"' "$(jq hooks.config_scope)"
expect_eq "doctor --json: never restored" false "$(jq restored)"

: >"$TMP/husky.log"
check "git checkout <other branch> in the old clone" git -C "$old" checkout -q file-link-moved
check "every link real after the checkout" links_real "$old"
check "git status clean" git_clean "$old"
check "husky's own post-checkout still ran" grep -q "^husky .* 1$" "$TMP/husky.log"
expect_eq "no file in the husky folder changed" "$husky_before" "$(folder "$old/.husky")"
(cd "$old" && "$GSYM" doctor) >"$TMP/doc"
check "doctor: restored now" grep -q "^links restored: *yes, nothing left" "$TMP/doc"

# --- a clone made after: links during git clone ------------------------------------
clone_placeholders "$TMP/src" "$TMP/new"
check "a clone made after gets its links during git clone" links_real "$TMP/new"
check "and git status is clean" git_clean "$TMP/new"

# --- any index write restores an existing clone (post-index-change) ----------------
clone_nohook "$TMP/src" "$TMP/iw"
check "(a placeholder clone, made without our hook)" placeholders "$TMP/iw"
check "git reset (an index write)" git -C "$TMP/iw" reset -q
check "post-index-change restored every link" links_real "$TMP/iw"

# --- opting one repository out ------------------------------------------------------
clone_nohook "$TMP/src" "$TMP/off"
off=$TMP/off
check "git config hook.git-symlinks.enabled false" git -C "$off" config hook.git-symlinks.enabled false
expect_eq "git hook list: disabled here" "global	disabled	git-symlinks" \
	"$(git -C "$off" hook list post-checkout --show-scope | grep git-symlinks)"
git -C "$off" checkout -q file-link-moved
git -C "$off" reset -q
echo x >"$off/new.txt" && git -C "$off" add new.txt && git -C "$off" commit -qm opted-out
check "the opted-out clone keeps its placeholders (checkout, reset, commit)" placeholders "$off"
(cd "$off" && "$GSYM" doctor) >"$TMP/doc"
check "doctor: off here" grep -q "^hooks here: *off: hook.git-symlinks.enabled=false here" "$TMP/doc"
# a block in its hooks folder honours the opt-out as well
"$GSYM" -C "$off" install-hooks --force >/dev/null 2>&1
git -C "$off" checkout -q main
check "a hooks folder's block honours hook.git-symlinks.enabled=false" placeholders "$off"

# --- one run per event, with the blocks of an earlier install ----------------------
clone_nohook "$TMP/src" "$TMP/both"
both=$TMP/both
"$GSYM" -C "$both" install-hooks >"$TMP/out" 2>&1
check "install-hooks here: covered already, nothing written" grep -q "cover this repository: nothing written" "$TMP/out"
check_fails "no block written" grep -qs "BEGIN git-symlinks" "$both/.git/hooks/post-checkout"
check "install-hooks --force writes the blocks anyway" "$GSYM" -C "$both" install-hooks --force
check "the block is there" grep -q "BEGIN git-symlinks" "$both/.git/hooks/post-checkout"
# every hook's git-symlinks through a wrapper that traces it alone (no
# -f: the fsmonitor daemon it may start is not followed), noting how it was
# run ("hook config" or "hook <event>") and what it opened
W=$TMP/traced-git-symlinks
cat >"$W" <<EOF
#!/bin/sh
n=\$(mktemp "$TMP/run.XXXXXX")
echo "\$2" >"\$n.how"
exec strace -qq -s 1024 -e trace=openat -o "\$n.trace" "$GSYM" "\$@"
EOF
chmod +x "$W"
sed -i "s|$GSYM|$W|" "$HOME/.gitconfig" "$both/.git/hooks/post-checkout" "$both/.git/hooks/post-index-change"
check "git checkout with both" git -C "$both" checkout -q file-link-moved
sed -i "s|$W|$GSYM|" "$HOME/.gitconfig" "$both/.git/hooks/post-checkout" "$both/.git/hooks/post-index-change"
check "links real with both" links_real "$both"
# each run: how it was run, and whether it read the index (did the work)
runs() {
	for how in "$TMP"/run.*.how; do
		n=$(grep -c '/\.git/index", O_RDONLY' "${how%.how}.trace")
		[ "$n" = 0 ] || n=1
		echo "$(cat "$how") $n"
	done | LC_ALL=C sort | uniq -c | sed 's/^ *//'
}
expect_eq "each event ran the tool once: the configured hook works, the blocks step aside" \
	"2 config 1
1 post-checkout 0
1 post-index-change 0" "$(runs)"
(cd "$both" && "$GSYM" doctor) >"$TMP/doc"
check "doctor: the blocks that remain" grep -q "^hooks folder: *the block in 6 hooks in '$both/.git/hooks' too" "$TMP/doc"
(cd "$both" && "$GSYM" install-hooks --global) >"$TMP/out"
check "install-hooks --global says the blocks remain" grep -q "still has the git-symlinks block in 6 hooks" "$TMP/out"
(cd "$both" && "$GSYM" install-hooks --global --migrate) >"$TMP/out"
check "--migrate takes them out" grep -q "took the git-symlinks block out" "$TMP/out"
"$GSYM" -C "$both" uninstall-hooks >"$TMP/out"
check "uninstall-hooks here says the global hooks still run, and how to opt out" \
	grep -q "still run here: 'git config hook.git-symlinks.enabled false'" "$TMP/out"
check "no hook left in the folder" sh -c "! ls '$both/.git/hooks' | grep -v sample"
check_fails "doctor: no blocks now" sh -c "cd '$both' && '$GSYM' doctor | grep -q '^hooks folder'"

# --- a fallback clone: core.fsmonitor set by the first hook's restore --------------
NOSYM=${GSYM_NOSYMLINK:-}
if [ -z "$NOSYM" ] && [ -f "$ROOT/build/tests/libnosymlink.so" ]; then
	NOSYM=$ROOT/build/tests/libnosymlink.so
fi
if [ -n "$NOSYM" ]; then
	clone_nohook "$TMP/src" "$TMP/fb"
	check_fails "(a placeholder clone without core.fsmonitor)" git -C "$TMP/fb" config core.fsmonitor
	(
		export LD_PRELOAD="$NOSYM"
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
		git -C "$TMP/fb" checkout -q file-link-moved
	)
	check "no links on this disk: copies" sh -c "test -f '$TMP/fb/file-link' && ! test -L '$TMP/fb/file-link' && test -d '$TMP/fb/dir-link' && ! test -L '$TMP/fb/dir-link'"
	check "the copy is the target's content" cmp "$TMP/fb/file-link" "$TMP/fb/docs/README.md"
	check "core.fsmonitor set by the hook's restore" sh -c "git -C '$TMP/fb' config --no-includes core.fsmonitor | grep -q 'hook fsmonitor'"
	check "git status clean with copies" git_clean "$TMP/fb"
else
	[ "${CI:-}" != true ] || fail "the nosymlink preload library is missing under CI"
	echo "SKIP - fallback clone (no nosymlink preload library)" >&2
fi

# --- the tool gone: git carries on, the commit too (pre-commit) ---------------------
mkdir "$TMP/gone" && cp "$GSYM" "$TMP/gone/git-symlinks"
"$TMP/gone/git-symlinks" install-hooks --global >/dev/null
rm "$TMP/gone/git-symlinks"
echo x >"$TMP/new/gone.txt"
git -C "$TMP/new" add gone.txt
out=$(env PATH="$G255:/usr/bin:/bin" git -C "$TMP/new" commit -qm "tool gone" 2>&1)
expect_eq "a commit goes on with the tool gone" 0 $?
case $out in
*"git-symlinks: not found"*) pass "and says why links were not checked" ;;
*) fail "and says why links were not checked" "$out" ;;
esac
"$GSYM" install-hooks --global >/dev/null
check "install-hooks again: one section, the new binary" sh -c "[ \$(grep -c 'hook \"git-symlinks\"' '$HOME/.gitconfig') = 1 ] && grep -q '$GSYM' '$HOME/.gitconfig'"

# --- uninstall: the global config byte for byte as before --------------------------
check "uninstall-hooks --global" "$GSYM" uninstall-hooks --global
check "the global config is byte-identical to before the install" cmp "$TMP/gitconfig.before" "$HOME/.gitconfig"
clone_placeholders "$TMP/src" "$TMP/after"
check "a clone after uninstall keeps its placeholders" placeholders "$TMP/after"

# --- a repository with core.hooksPath: its own config, nothing in the folder -------
clone_placeholders "$TMP/src" "$TMP/lh"
lh=$TMP/lh
husky "$lh"
husky_before=$(folder "$lh/.husky")
cp "$lh/.git/config" "$TMP/lh.config.before"
"$GSYM" -C "$lh" install-hooks >"$TMP/out" 2>&1
expect_eq "install-hooks with core.hooksPath exits 0" 0 $?
check "it says: the repository's config, nothing in the folder" grep -q "in the repository's git config .*nothing was written there" "$TMP/out"
expect_eq "git hook list: local scope" "local	git-symlinks" \
	"$(git -C "$lh" hook list post-checkout --show-scope | grep git-symlinks)"
: >"$TMP/husky.log"
git -C "$lh" checkout -q --detach origin/dir-link-moved
check "links real with repository-scope hooks" links_real "$lh"
check "husky's hook ran" grep -q husky "$TMP/husky.log"
expect_eq "the husky folder unchanged" "$husky_before" "$(folder "$lh/.husky")"
check "uninstall-hooks here" "$GSYM" -C "$lh" uninstall-hooks
check "the repository's config byte-identical to before" cmp "$TMP/lh.config.before" "$lh/.git/config"

# --- --system: every user's (git's system config, here GIT_CONFIG_SYSTEM) ---------
printf '[core]\n\tautocrlf = false\n' >"$TMP/sysconfig"
cp "$TMP/sysconfig" "$TMP/sysconfig.before"
# shellcheck disable=SC2030,SC2031 # a sub-suite: its own count, one failure in ours
(
	FAILED=0
	unset GIT_CONFIG_NOSYSTEM
	export GIT_CONFIG_SYSTEM="$TMP/sysconfig"
	check "install-hooks --system" "$GSYM" install-hooks --system
	expect_eq "git hook list: system scope" "system	git-symlinks" \
		"$(git -C "$TMP/after" hook list post-merge --show-scope | grep git-symlinks)"
	git -C "$TMP/after" checkout -q target-changed
	check "a system hook restores" links_real "$TMP/after"
	check "uninstall-hooks --system" "$GSYM" uninstall-hooks --system
	check "the system config byte-identical" cmp "$TMP/sysconfig.before" "$TMP/sysconfig"
	finish >/dev/null
) || FAILED=$((FAILED + 1))

# --- an earlier template install (older git) moves to config hooks ----------------
# shellcheck disable=SC2030,SC2031 # (the same; its own HOME)
(
	FAILED=0
	export HOME="$TMP/home2"
	mkdir -p "$HOME"
	git config --global user.name tester
	PATH=$SYS_PATH "$GSYM" install-hooks --global >/dev/null
	check "(older git: a template)" test -n "$(git config --global init.templateDir)"
	"$GSYM" install-hooks --global >"$TMP/out"
	check "the template's hooks taken out" grep -q "took the hooks out of the template" "$TMP/out"
	expect_eq "init.templateDir unset" "" "$(git config --global init.templateDir)"
	check_fails "no block left in the template" grep -rqs "BEGIN git-symlinks" "$HOME/.git-templates"
	# uninstalled under an older git (a downgrade): found all the same
	PATH=$SYS_PATH "$GSYM" uninstall-hooks --global >/dev/null
	expect_eq "uninstall-hooks --global under the older git takes the section out" "" \
		"$(grep 'git-symlinks' "$HOME/.gitconfig")"
	finish >/dev/null
) || FAILED=$((FAILED + 1))

# ==================== the system's git: the template and the folder ===================
PATH=$SYS_PATH
export PATH
case $SYS_GIT in
2.5[4-9]* | 2.[6-9]* | [3-9]*)
	echo "SKIP - the system's git ($SYS_GIT) reads hooks from config: no older-git path here" >&2
	finish
	exit
	;;
esac
"$GSYM" install-hooks --global >"$TMP/out" 2>&1
expect_eq "older git: install-hooks --global exits 0" 0 $?
check "it says: a template, and why" grep -q "in the template '.*' (init.templateDir): git $SYS_GIT reads no hooks from config (2.54 and later do), so only clones made from now on get them" \
	"$TMP/out"
# shellcheck disable=SC2031 # HOME, the suite's: home2 was the sub-suite's above
check "no hook in the global config" sh -c "! grep -q 'hook \"git-symlinks\"' '$HOME/.gitconfig'"
clone_placeholders "$TMP/src" "$TMP/t39"
check "older git: a clone made after gets its links (template)" links_real "$TMP/t39"
check "older git: git status clean" git_clean "$TMP/t39"
clone_placeholders "$TMP/src" "$TMP/off39"
git -C "$TMP/off39" config hook.git-symlinks.enabled false
# (the clone already ran post-checkout; put the placeholders back)
"$GSYM" -C "$TMP/off39" reset >/dev/null 2>&1
git -C "$TMP/off39" checkout -q file-link-moved
check "older git: hook.git-symlinks.enabled=false honoured by the template's hooks" placeholders "$TMP/off39"
expect_rc "older git: --system refused" 128 "$GSYM" install-hooks --system
check "  with the reason" grep -q "needs git 2.54 or later" "$TMP/err"

# core.hooksPath with a tracked hook: say what would change, ask for --force
clone_placeholders "$TMP/src" "$TMP/tr"
tr=$TMP/tr
mkdir "$tr/.githooks"
printf '#!/bin/sh\necho team hook\n' >"$tr/.githooks/post-checkout"
chmod +x "$tr/.githooks/post-checkout"
git -C "$tr" add .githooks && git -C "$tr" commit -qm "team hooks"
git -C "$tr" config core.hooksPath .githooks
before=$(folder "$tr/.githooks")
expect_rc "older git, core.hooksPath, a tracked hook: refused without --force" 1 "$GSYM" -C "$tr" install-hooks
check "  it names the tracked hook" grep -q "$tr/.githooks/post-checkout: a block added at its top (tracked" "$TMP/out"
check "  and asks for --force" grep -q "install-hooks --force" "$TMP/out"
expect_eq "  nothing written" "$before" "$(folder "$tr/.githooks")"
check "install-hooks --force writes it" "$GSYM" -C "$tr" install-hooks --force
check "  the block is in the tracked hook" grep -q "BEGIN git-symlinks" "$tr/.githooks/post-checkout"
check "uninstall-hooks --global (older git)" "$GSYM" uninstall-hooks --global
expect_eq "init.templateDir unset" "" "$(git config --global init.templateDir)"

finish
