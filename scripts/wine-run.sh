#!/bin/sh
# Run a Windows program under Wine, quietly, in the project's own prefix
# (build-win/wineprefix, made on first use). Usage: wine-run.sh PROG.exe ARGS...
root=$(cd "$(dirname "$0")/.." && pwd)
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEPREFIX="${WINEPREFIX:-$root/build-win/wineprefix}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
if [ ! -d "$WINEPREFIX" ]; then
	mkdir -p "$WINEPREFIX"
	wineboot -i >/dev/null 2>&1 || true
fi
exec wine "$@"
