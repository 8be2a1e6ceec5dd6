#!/bin/sh
# The main job on a built-in example: build, make a repository with links,
# clone it the way a Windows user (or a link-less disk) gets it, and let
# git-symlinks make the links real while git keeps seeing them unchanged.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
./scripts/build.sh >/dev/null
bin=$root/build/git-symlinks
demo=${DEMO_DIR:-$root/demo}
rm -rf "$demo"
mkdir -p "$demo"
# git and the tool with a configuration of their own, not the user's (a
# global init.templateDir with our hooks would make the links at clone)
for v in $(env | sed -n 's/^\(GIT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset XDG_CONFIG_HOME
export GIT_CONFIG_NOSYSTEM=1 HOME="$demo/home"
mkdir -p "$HOME"
git config --global init.defaultBranch main

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@" || true; }

"$root/fixtures/make-links.sh" "$demo/origin" >/dev/null
echo "demo repository with $(git -C "$demo/origin" ls-files -s | grep -c '^120000') links: $demo/origin"

say "git clone -c core.symlinks=false origin work   # what Windows users get"
git clone -q -c core.symlinks=false "$demo/origin" "$demo/work"
cd "$demo/work"
run cat file-link
echo "(a placeholder: a text file holding the link's target)"

run "$bin" status
run "$bin" restore
run "$bin" status
run ls -l file-link dir-link sub/deep/er/up
run cat file-link
say "git status --porcelain"
s=$(git status --porcelain)
if [ -z "$s" ]; then echo "(clean: git sees exactly the committed links)"; else echo "$s"; fi
say "git add -A && git write-tree   # equals HEAD's tree: no link lost"
git add -A
echo "index tree: $(git write-tree)"
echo "HEAD tree:  $(git rev-parse 'HEAD^{tree}')"
