#!/usr/bin/env bash
# Runs every test of Callbox on a fresh Debian 12 machine: installs what the tests need
# (Debian packages with apt-get, Python tools with pip in .venv), builds, then runs the
# Swift tests, short fuzz runs over the seed corpora, and the interop tests in Python.
# Idempotent; CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
source Provisioning/deps.sh
ensure_packages "${BUILD_PACKAGES[@]}" python3-venv python3-pip libclang-rt-14-dev chromium
ensure_swift
export SWIFT_BACKTRACE=enable=no
fuzz_seconds=${FUZZ_SECONDS:-20}

step() { printf '\n== %s\n' "$*"; }

step "Build"
swift build --build-tests 2>&1 | grep -E "error|warning: |Build" | tail -20

step "Swift tests"
swift test --skip-build 2>&1 | tee .build/swift-test.log | grep -E "✘|Test run with|error:" || true
grep -qE "✔ Test run with [0-9]+ tests? (in [0-9]+ suites? )?passed" .build/swift-test.log || { echo "Swift tests failed"; exit 1; }

step "Fuzz (${fuzz_seconds}s each)"
# Seeds: each parser's own fixtures; the webhook decoder and the SDP parser also start from the
# whole conformance corpus (Meta's samples and real captures, Tests/Fixtures/conformance/).
conformance="Tests/Fixtures/conformance/meta-docs,Tests/Fixtures/conformance/captures,Tests/Fixtures/conformance/spec-written"
fuzz_targets="WebhookFuzz:Tests/Fixtures/webhooks,$conformance ConfigFuzz:Tests/Fixtures/config SDPFuzz:Tests/Fixtures/sdp,$conformance STUNFuzz:Tests/Fixtures/stun RTPFuzz:Tests/Fixtures/rtp"
for target in $fuzz_targets; do
    swift build --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz \
        --product "${target%%:*}" 2>&1 | grep -E "error|Build" | tail -3
done
mkdir -p .build/fuzz-artifacts
for target in $fuzz_targets; do
    name=${target%%:*}; seeds=${target#*:}
    corpus=.build/fuzz-corpus/$name; mkdir -p "$corpus"
    .build-fuzz/debug/$name -max_total_time="$fuzz_seconds" -artifact_prefix=.build/fuzz-artifacts/ \
        "$corpus" ${seeds//,/ } 2>&1 | grep -E "^(Done|==|SUMMARY)|ERROR|crash" || true
    [ -z "$(ls .build/fuzz-artifacts 2>/dev/null)" ] || { echo "fuzzer $name found a crash: .build/fuzz-artifacts"; exit 1; }
done

step "Interop tests (Python)"
[ -x .venv/bin/python ] || python3 -m venv .venv
# aiortc plays the WhatsApp user's phone (wheels only, no compiler needed); numpy analyses audio;
# Playwright drives Debian's /usr/bin/chromium as the agent's browser (never `playwright install`).
.venv/bin/pip install -q --disable-pip-version-check pytest aiortc numpy playwright
.venv/bin/python -m pytest -q Tests/Interop
