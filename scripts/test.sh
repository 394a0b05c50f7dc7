#!/usr/bin/env bash
# Install what the tests need (Python and Node packages; Debian packages when missing
# and we may install them) and run every test: lint, extension unit tests, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql: the class server's tests start a throwaway PostgreSQL server of their own.
system_packages=(chromium firefox-esr xvfb trayer imagemagick xdotool openssl strace postgresql)
missing=()
for package in "${system_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages (install them first): ${missing[*]}" >&2
    exit 1
  fi
fi

echo "Installing Python packages"
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
if [ -f package-lock.json ]; then
  echo "Installing Node packages"
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent --no-audit --no-fund
fi

echo "Lint"
python3 -m ruff check .
echo "Architecture (import contracts in pyproject.toml)"
PYTHONPATH=src lint-imports
echo "Types (mypy)"
python3 -m mypy
echo "JavaScript lint"
npx --no-install eslint .
if [ -d tests/extension ]; then
  echo "Extension unit tests"
  node --test tests/extension/
fi
echo "Python tests (daemon, CLI, tray, dashboard, class sharing, end-to-end)"
python3 -m pytest -q -p no:cacheprovider "$@"
