#!/usr/bin/env bash
# Benchmarks of DESIGN.md §6 and issue 2: they print figures, side by side with their
# references, and never fail on timing. Usage: bash Tests/Performance/run.sh [name…]
# (names: callcore journal intake memory; default all).
set -euo pipefail
cd "$(dirname "$0")/../.."
source Provisioning/deps.sh
ensure_packages "${BUILD_PACKAGES[@]}" wrk nginx baresip python3
ensure_swift
wanted=${*:-callcore journal intake memory}

swift build -c release --static-swift-stdlib 2>&1 | grep -E "error|Build" | tail -3
bin=$(swift build -c release --show-bin-path)
for name in $wanted; do
    case $name in
        callcore) echo "== Heap allocations per state-machine event"; "$bin/CallCoreBench" ;;
        journal)  echo "== Journal commits";  "$bin/JournalBench" ;;
        intake)   echo "== Webhook intake (wrk, 32 connections) vs nginx"; python3 Tests/Performance/bench.py intake "$bin/callbox" ;;
        memory)   echo "== Idle memory vs baresip"; python3 Tests/Performance/bench.py memory "$bin/callbox" ;;
        *) echo "unknown benchmark $name" >&2; exit 2 ;;
    esac
done
