#!/usr/bin/env bash
# Installs Debian's chromium, which the dashboard's browser test drives
# headless through chromedp, when it is missing. Nothing is downloaded from
# anywhere but the Debian archive.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "chromium is missing and this is not a Debian-like system: install chromium and re-run" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
echo "installing Debian's chromium for the dashboard's browser test (first time only)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
chromium --version
