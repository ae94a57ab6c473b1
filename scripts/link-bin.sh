#!/bin/sh
# Puts a `celedger` command on the user's PATH without root: a symlink in ~/.local/bin (the folder
# Debian's and Ubuntu's default ~/.profile put on PATH when it exists) to the binary built here. Says
# exactly what to do when that folder is not on PATH yet. Never replaces a `celedger` that is not its link.
set -eu
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
dir="${CELEDGER_BIN_DIR:-$HOME/.local/bin}"
link="$dir/celedger"
mkdir -p "$dir"
if [ -e "$link" ] && [ ! -L "$link" ]; then
    echo "celedger: $link exists and is not a link; left as it is (run $bin directly)" >&2
    exit 0
fi
if [ "$(readlink "$link" 2>/dev/null || true)" != "$bin" ]; then
    ln -sf "$bin" "$link"
    echo "celedger: linked $link -> $bin"
fi
case ":$PATH:" in
    *":$dir:"*) ;;
    *)
        echo "celedger: $dir is not on PATH yet. Open a new login shell (Debian's ~/.profile adds it), or run now:"
        echo "    export PATH=\"$dir:\$PATH\""
        echo "  (to keep it, add that line to ~/.profile)"
        ;;
esac
