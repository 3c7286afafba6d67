#!/usr/bin/env bash
# Usage: hack/install-deb.sh COMMAND PACKAGE...
#
# Installs the Debian PACKAGEs when COMMAND is missing from PATH: chromium,
# which the dashboard's browser test drives headless through chromedp, and
# promtool (package prometheus), which checks and unit-tests the alert
# rules. Nothing is downloaded from anywhere but the Debian archive.
set -euo pipefail

command=$1
shift
if command -v "$command" >/dev/null 2>&1; then
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "$command is missing and this is not a Debian-like system: install $* and re-run" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
echo "installing Debian's $* for $command (first time only)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
command -v "$command"
