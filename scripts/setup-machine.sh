#!/usr/bin/env bash
# Installs the system packages the test suite needs, if they are missing, and
# checks the tools that cannot be installed from a package registry here.
set -euo pipefail

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
# Browser tests: Debian's Chromium driven by playwright-core, and a Korean font for readable screenshots.
command -v chromium >/dev/null || missing+=(chromium chromium-driver)
fc-list 2>/dev/null | grep -qi nanum || missing+=(fonts-nanum)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v terraform >/dev/null; then
  echo "error: terraform is not on PATH. Install Terraform 1.11 (it is not a Debian package): https://developer.hashicorp.com/terraform/install" >&2
  exit 1
fi
echo "machine ready: node $(node --version), $(terraform version | head -n1)"
