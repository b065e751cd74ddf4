#!/usr/bin/env bash
# `make demo`: the whole audit cycle on the synthetic local area in examples/, into out/ (or into FOLDER, which must
# be empty or not yet exist: tests/foundation/test_demo.py runs it into a temporary folder).
# Usage: bash examples/demo.sh [PATH/TO/qactl] [FOLDER]
set -euo pipefail
QACTL=${1:-qactl}
OUT=${2:-}
case "$OUT" in "" | /*) ;; *) OUT="$PWD/$OUT" ;; esac  # a folder named from where you are, before the cd below
cd "$(dirname "$0")/.."
if [ -z "$OUT" ]; then
  OUT=out
  rm -rf out
elif [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then
  echo "demo.sh: $OUT is not empty; give an empty or new folder" >&2
  exit 2
fi
# A fixed key, so the demo's pseudonymous references are the same on every machine. Never use it for real data:
# a real key lives in your config folder (qactl makes one on first use) or in QACTL_KEY.
export QACTL_KEY=${QACTL_KEY:-demo-key-not-for-real-data}
mkdir -p "$OUT/forms" "$OUT/scored" "$OUT/previous"
first() { for x in "$@"; do if [ -e "$x" ]; then echo "$x"; return; fi; done; }
step() { printf '\n== %s\n' "$*"; }
# score exits 1 when some audits have errors (the examples have a few bad cells on purpose): that is not a failure here
score() { "$QACTL" score "$@" || [ $? -eq 1 ]; }

AUDITS="eps-advice health-advice ehcna-file annual-review ehcp-quality sen-information-report ap-quality"

step "1. The rubrics, and a blank audit workbook for each"
"$QACTL" rubrics list
for id in $("$QACTL" rubrics list --ids); do "$QACTL" form "$id" -o "$OUT/forms/$id.xlsx"; done

step "2. Allocate the autumn round: the sample, two plans each, a moderation sample"
"$QACTL" allocate --plans examples/plans.xlsx --cohort examples/cohort.yaml --round "2025 Autumn" --moderation 6 \
  --history examples/previous-allocation.json --seed 20251001 -o "$OUT"/allocation.xlsx --mail-merge "$OUT"/mail-merge.csv
"$QACTL" allocate --plans examples/plans.xlsx --cohort examples/cohort.yaml --round "2025 Autumn" --moderation 6 \
  --history examples/previous-allocation.json --seed 20251001 -o "$OUT"/allocation.json

step "3. Score every export (this round, and the previous one beside it in the workbook)"
for id in $AUDITS; do
  f=$(first examples/exports/$id.xlsx examples/exports/$id.csv)
  p=$(first examples/exports/previous/$id.xlsx examples/exports/previous/$id.csv)
  score "$id" "$p" --round "2025 Summer" -o "$OUT/previous/$id.json" --quiet
  score "$id" "$f" --round "2025 Autumn" -o "$OUT/scored/$id.json" --quiet
  score "$id" "$f" --round "2025 Autumn" -o "$OUT/scored/$id.xlsx" --previous "$OUT/previous/$id.json" --quiet
done
for id in family-feedback practice-conversation; do
  score "$id" "examples/$id.xlsx" --round "2025 Autumn" -o "$OUT/scored/$id.json" --quiet
  score "$id" "examples/$id.xlsx" --round "2025 Autumn" -o "$OUT/scored/$id.xlsx" --quiet
done
score eps-advice examples/exports/eps-advice.xlsx --round "2025 Autumn" -o "$OUT"/scored/eps-advice.json

step "4. Three weeks in (22 October 2025): who has not returned their EHCP quality audits"
SOURCE_DATE_EPOCH=1761091200 "$QACTL" chase "$OUT"/scored/ehcp-quality.json --allocation "$OUT"/allocation.json \
  --cohort examples/cohort.yaml -o "$OUT"/chase.xlsx --mail-merge "$OUT"/reminders.csv

step "5. Moderation: how far two auditors of the same plan agreed"
"$QACTL" moderate "$OUT"/scored/eps-advice.json -o "$OUT"/moderation.json
"$QACTL" moderate "$OUT"/scored/eps-advice.json -o "$OUT"/moderation.md > /dev/null

step "6. The QA calendar and a statutory timeline"
"$QACTL" schedule --from 2025-09-01 --to 2026-08-31 -o "$OUT"/qa-calendar.ics > /dev/null
echo "Wrote $OUT/qa-calendar.ics"
"$QACTL" timeline ehcna --received 2025-03-03

step "7. The Practice Report"
# out/scored/*.json holds family-feedback.json and practice-conversation.json: the family and practice views of each theme.
# --previous takes the folder of the earlier round; the earlier allocation gives completion its change.
mkdir -p "$OUT"/service-packs
"$QACTL" report "$OUT"/scored/*.json --previous "$OUT"/previous --allocation "$OUT"/allocation.json \
  --allocation examples/previous-allocation.json --moderation "$OUT"/moderation.json --evidence examples/evidence.yaml \
  --actions examples/actions-previous.xlsx --write-actions "$OUT"/actions.xlsx --service-packs "$OUT"/service-packs \
  -o "$OUT"/practice-report.html
"$QACTL" report "$OUT"/scored/*.json --previous "$OUT"/previous --allocation "$OUT"/allocation.json \
  --allocation examples/previous-allocation.json --moderation "$OUT"/moderation.json --evidence examples/evidence.yaml \
  -o "$OUT"/practice-report.md

printf '\nDone. In %s/: the allocation (allocation.xlsx, mail-merge.csv), scored workbooks (scored/*.xlsx),\n' "$OUT"
printf 'the chase list (chase.xlsx, reminders.csv), moderation.md, qa-calendar.ics, the Practice Report\n'
printf '(practice-report.html, practice-report.md) and the next improvement plan (actions.xlsx).\n'
