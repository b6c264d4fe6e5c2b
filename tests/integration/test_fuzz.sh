#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The libFuzzer harnesses (tools/fuzz: CIDR and address parsing, fabric and
# node name validation, the state-record parser) each run 10 s under
# ASan+UBSan and find nothing. Skipped when clang's fuzzer runtime is
# missing. Needs no root and touches nothing on the host but
# $BUILD_DIR/fuzz (the build directory of $FABRICCTL).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

[[ -z ${FUZZ_SKIP:-} ]] || skip "FUZZ_SKIP set: ${FUZZ_SKIP}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export FUZZ_BUILD
FUZZ_BUILD="$(dirname "$FABRICCTL")/fuzz"
rc=0
"$ROOT/tools/fuzz/run.sh" "${FUZZ_TEST_SECONDS:-10}" || rc=$?
case $rc in
0) exit 0 ;;
77) skip "clang's libFuzzer runtime is missing (libclang-rt-dev)" ;;
*) fail "a fuzz harness found a crash or did not build (tools/fuzz/run.sh exit $rc)" ;;
esac
