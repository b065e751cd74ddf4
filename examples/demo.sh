#!/usr/bin/env bash
# `make demo`: the whole audit cycle on the synthetic local area in examples/, into out/.
# Usage: bash examples/demo.sh PATH/TO/qactl
set -euo pipefail
QACTL=${1:-qactl}
cd "$(dirname "$0")/.."
export QACTL_KEY=${QACTL_KEY:-demo-key-not-for-real-data}
rm -rf out && mkdir -p out/forms out/scored
step() { printf '\n== %s\n' "$*"; }

step "Rubrics"
"$QACTL" rubrics list
for id in $("$QACTL" rubrics list --ids); do "$QACTL" form "$id" -o "out/forms/$id.xlsx"; done

echo
echo "Done. Open out/ to see the results."
