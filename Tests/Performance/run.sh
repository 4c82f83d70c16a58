#!/usr/bin/env bash
# Benchmarks of DESIGN.md §6 and issue 2: they print figures, side by side with their
# references, and never fail on timing. Usage: bash Tests/Performance/run.sh [name…]
# (names: callcore journal intake memory comms opus handset offhook outbox widget; default all). handset and
# offhook drive aiortc, so they run on .venv's Python (as Provisioning/test.sh makes it), or
# on $PYTHON; BENCH_CALL_SECONDS shortens handset's 60 s call.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Provisioning/deps.sh
ensure_packages "${BUILD_PACKAGES[@]}" wrk nginx baresip python3 chromium
ensure_swift
wanted=${*:-callcore journal intake memory comms opus handset offhook outbox widget}
python=${PYTHON:-.venv/bin/python}
media_python() {
    if [ ! -x "$python" ]; then
        python3 -m venv .venv
        .venv/bin/pip install -q --disable-pip-version-check pytest aiortc numpy playwright
    fi
    "$python" "$@"
}

swift build -c release --static-swift-stdlib 2>&1 | grep -E "error|Build" | tail -3
bin=$(swift build -c release --show-bin-path)
for name in $wanted; do
    case $name in
        callcore) echo "== Heap allocations per state-machine event"; "$bin/CallCoreBench" ;;
        journal)  echo "== Journal commits";  "$bin/JournalBench" ;;
        intake)   echo "== Webhook intake (wrk, 32 connections) vs nginx"; python3 Tests/Performance/bench.py intake "$bin/callbox" ;;
        memory)   echo "== Idle memory vs baresip"; python3 Tests/Performance/bench.py memory "$bin/callbox" ;;
        comms)    echo "== Comms-log ingest of batched message webhooks; memory before and after"
                  python3 Tests/Performance/bench.py comms "$bin/callbox" ;;
        opus)     echo "== Opus encode/decode per 20 ms frame"; "$bin/MediaBench" ;;
        handset)  echo "== Handset call: CPU and memory per endpoint vs two baresips in a call, delay the box adds"
                  media_python Tests/Performance/bench.py handset "$bin/callbox" ;;
        offhook)  echo "== Off-hook to first audio played"; media_python Tests/Performance/bench.py offhook "$bin/callbox" ;;
        outbox)   echo "== Outbox drain to HubSpot (fake, loopback)"; python3 Tests/Performance/bench.py outbox "$bin/callbox" ;;
        widget)   echo "== Signed connect webhook to the widget's incoming screen in Chromium"
                  CALLBOX_BIN="$bin/callbox" media_python Tests/Performance/widget_incoming_latency.py 100 ;;
        *) echo "unknown benchmark $name" >&2; exit 2 ;;
    esac
done
