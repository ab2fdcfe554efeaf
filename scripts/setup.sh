#!/usr/bin/env bash
# Install what reportgen needs on Debian with Python 3.11 (as root). Safe and quick to run again.
#   bash scripts/setup.sh        the tool
#   bash scripts/setup.sh --dev  the tool and its test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
debian_packages=(libharfbuzz-subset0 poppler-utils)
if [ "${1:-}" = "--dev" ]; then
  debian_packages+=(chromium)  # the browser the accessibility tests drive (never a browser download)
  command -v npm >/dev/null || debian_packages+=(nodejs npm)
fi
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -e ".${extra}"
# The accessibility engine the tests run in Chromium (tests/a11y), as its lock file pins it; again only when that changed.
if [ "${1:-}" = "--dev" ] && ! cmp -s tests/a11y/package-lock.json tests/a11y/node_modules/.reportgen-lock; then
  (cd tests/a11y && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.reportgen-lock)
fi
# Compiled modules: Python reads them even where PYTHONDONTWRITEBYTECODE stops it writing them.
python3 -m compileall -q reportgen tasks.py
