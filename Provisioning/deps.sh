# Sourced by demo.sh and test.sh: installs the Debian packages a command needs, once.
# Idempotent: packages already present are not touched, so a second run costs a second.

ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: run as root (or with sudo) so apt-get can install: ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What the box links against and builds with.
BUILD_PACKAGES=(pkg-config libmicrohttpd-dev libopus-dev libasound2-dev libsqlite3-dev
                libcurl4-openssl-dev libssl-dev libsrtp2-dev alsa-utils ca-certificates)

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        for candidate in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
            [ -x "$candidate/swift" ] && export PATH="$candidate:$PATH" && break
        done
    fi
    command -v swift >/dev/null 2>&1 || {
        echo "error: Swift 6 toolchain not found (expected at /opt/swift); install it from swift.org first" >&2
        exit 1
    }
}
