#!/usr/bin/env bash
# Installs or upgrades Callbox on a Debian 12 box. Safe to run again: existing config and
# secrets are never overwritten, and the service is (re)started only when the config passes
# `callbox check-config` as the service's own user.
#
# Usage (as root): Provisioning/install.sh PATH-TO-CALLBOX-BINARY
set -euo pipefail

readonly runtime_packages=(libmicrohttpd12 libopus0 libasound2 libsqlite3-0 libcurl4 libssl3 libsrtp2-1)
readonly user=callbox
readonly config_dir=/etc/callbox
readonly config=$config_dir/callbox.conf
readonly secrets=$config_dir/secrets.conf
readonly state_dir=/var/lib/callbox
readonly binary_target=/usr/local/bin/callbox
readonly unit_target=/etc/systemd/system/callbox.service

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here

fail() { echo "install.sh: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || fail "usage: install.sh PATH-TO-CALLBOX-BINARY"
readonly binary=$1
[[ $EUID -eq 0 ]] || fail "run as root (sudo $0 $binary)"
[[ -f $binary && -x $binary ]] || fail "$binary is not an executable file"

echo "Installing runtime libraries"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${runtime_packages[@]}"

if ! getent passwd "$user" >/dev/null; then
    echo "Creating system user $user"
    useradd --system --user-group --home-dir "$state_dir" --no-create-home --shell /usr/sbin/nologin "$user"
fi

# The service reads its config through its group and owns its secrets and state.
install -d -o root -g "$user" -m 0750 "$config_dir"
install -d -o "$user" -g "$user" -m 0750 "$state_dir"

fresh_files=()
if [[ ! -e $config ]]; then
    install -o root -g "$user" -m 0640 "$here/callbox.conf.example" "$config"
    fresh_files+=("$config")
fi
if [[ ! -e $secrets ]]; then
    install -o "$user" -g "$user" -m 0600 "$here/secrets.conf.example" "$secrets"
    fresh_files+=("$secrets")
fi

install -o root -g root -m 0755 "$binary" "$binary_target"
install -o root -g root -m 0644 "$here/callbox.service" "$unit_target"
systemctl daemon-reload

if [[ ${#fresh_files[@]} -gt 0 ]] || grep -q 'replace-with-' "$secrets"; then
    echo "Installed. Fill in ${fresh_files[*]:-$secrets} (the example values are placeholders),"
    echo "then run this script again to check the config and start the service."
    exit 0
fi

echo "Checking $config"
if ! runuser -u "$user" -- "$binary_target" check-config "$config"; then
    fail "fix the problems above, then run this script again; the service was not started"
fi

if systemctl is-active --quiet callbox.service; then
    systemctl restart callbox.service
else
    systemctl enable --now callbox.service
fi
echo "Callbox is running: systemctl status callbox.service"
