#!/usr/bin/env bash
# Records or checks the committed allocation/memory thresholds in Benchmarks/Thresholds/.
#
#   Benchmarks/thresholds.sh check     run the suite, compare with Thresholds/ (exit 2: regression,
#                                      4: only improvements, 0: within tolerance)
#   Benchmarks/thresholds.sh update    run the suite, rewrite Thresholds/ (commit the result)
#
# Only mallocCountTotal and peakMemoryResident are recorded: wall clock and throughput on these
# shared machines are reported by `swift package benchmark`, never checked.
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-check}" in
  update)
    swift package --allow-writing-to-package-directory benchmark thresholds update \
      --metric mallocCountTotal --metric peakMemoryResident --no-progress "${@:2}"
    ;;
  check)
    swift package benchmark thresholds check --metric mallocCountTotal --metric peakMemoryResident \
      --no-progress "${@:2}"
    ;;
  *)
    echo "usage: $0 [check|update] [extra benchmark options]" >&2
    exit 64
    ;;
esac
