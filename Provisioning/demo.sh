#!/usr/bin/env bash
# Builds Callbox and starts it on the built-in demo config (Provisioning/demo.conf):
# simulated handset board, data in ./demo-data, the sandbox Graph API, the HubSpot host
# simulator. Safe to run again: it installs only what is missing and rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."
source Provisioning/deps.sh
ensure_packages "${BUILD_PACKAGES[@]}"
ensure_swift

echo "Building (release)…"
swift build -c release --static-swift-stdlib --product callbox 2>&1 | grep -E "error|warning: |Compiling|Build" | tail -5
bin=.build/release/callbox

cat <<TEXT

Callbox demo is starting on http://127.0.0.1:8080 (stop it with Ctrl-C).

Open:  http://127.0.0.1:8080/healthz          the box is up
       http://127.0.0.1:8080/metrics          what it counts
Try, in another terminal in this folder:
  $bin simulate incoming-call          a WhatsApp user calls; the box rings
  $bin journal open                    the call, ringing
  $bin journal                         after 45 s unanswered: a missed call
  $bin journal call <call id>          every transition of that call
  echo offhook > demo-data/hook        or lift the simulated handset: the call is answered and
                                       the user's tone is written to demo-data/speaker.raw
  echo onhook > demo-data/hook         …and hang up
  $bin simulate dial 34600111222       a business-initiated call, answered by the sandbox
  $bin simulate message "Hello"        a WhatsApp text arrives
Everything the sandbox "sent to Meta" is in the log below, marked sandbox-graph.

TEXT
exec "$bin" run
