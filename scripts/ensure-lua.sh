#!/usr/bin/env bash
# Makes sure the `lua5.1` interpreter is on PATH: Argo CD runs health.lua scripts
# with gopher-lua (Lua 5.1), and test/argocd runs them under the real thing.
# Installs Debian's lua5.1 package only when the interpreter is missing, so it is
# safe to call on every build. Prints what it did.
set -euo pipefail

if command -v lua5.1 >/dev/null 2>&1; then
  echo "lua5.1 already installed: $(command -v lua5.1) ($(lua5.1 -v 2>&1))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "lua5.1 is missing and apt-get is not available: install Lua 5.1 with your package manager" >&2
  exit 1
fi

# apt-get needs root; use sudo when we are not root and sudo exists.
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "lua5.1 is missing and installing it needs root (no sudo found): run 'apt-get install lua5.1' as root" >&2
    exit 1
  fi
fi

echo "lua5.1 not found: installing Debian package lua5.1"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends lua5.1 >/dev/null
echo "installed lua5.1: $(command -v lua5.1) ($(lua5.1 -v 2>&1))"
