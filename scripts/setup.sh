#!/usr/bin/env bash
# Install what reportgen needs on Debian with Python 3.11 (as root). Safe and quick to run again.
#   bash scripts/setup.sh        the tool
#   bash scripts/setup.sh --dev  the tool and its test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
debian_packages=(libharfbuzz-subset0 poppler-utils)
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
# Compiled modules: Python reads them even where PYTHONDONTWRITEBYTECODE stops it writing them.
python3 -m compileall -q reportgen tasks.py
