#!/usr/bin/env bash
# Installs the Debian packages the tests use and starts the services they need.
# Each area lists its packages in scripts/system.d/<area>.packages (one a line)
# and may start a service with scripts/system.d/<area>.start.sh.
set -euo pipefail
cd "$(dirname "$0")/system.d"
shopt -s nullglob
missing=()
for list in *.packages; do
  while read -r pkg; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done < "$list"
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for start in *.start.sh; do
  bash "$start"
done
