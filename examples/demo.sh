#!/usr/bin/env bash
# `make demo`: the whole audit cycle on the synthetic local area in examples/, into out/.
# Usage: bash examples/demo.sh [PATH/TO/qactl]
set -euo pipefail
QACTL=${1:-qactl}
cd "$(dirname "$0")/.."
# A fixed key, so the demo's pseudonymous references are the same on every machine. Never use it for real data:
# a real key lives in your config folder (qactl makes one on first use) or in QACTL_KEY.
export QACTL_KEY=${QACTL_KEY:-demo-key-not-for-real-data}
rm -rf out && mkdir -p out/forms out/scored out/previous
first() { for x in "$@"; do if [ -e "$x" ]; then echo "$x"; return; fi; done; }
step() { printf '\n== %s\n' "$*"; }
# score exits 1 when some audits have errors (the examples have a few bad cells on purpose): that is not a failure here
score() { "$QACTL" score "$@" || [ $? -eq 1 ]; }

AUDITS="eps-advice health-advice ehcna-file annual-review ehcp-quality sen-information-report ap-quality"

step "1. The rubrics, and a blank audit workbook for each"
"$QACTL" rubrics list
for id in $("$QACTL" rubrics list --ids); do "$QACTL" form "$id" -o "out/forms/$id.xlsx"; done

step "2. Allocate the autumn round: the sample, two plans each, a moderation sample"
"$QACTL" allocate --plans examples/plans.xlsx --cohort examples/cohort.yaml --round "2025 Autumn" --moderation 6 \
  --history examples/previous-allocation.json --seed 20251001 -o out/allocation.xlsx --mail-merge out/mail-merge.csv
"$QACTL" allocate --plans examples/plans.xlsx --cohort examples/cohort.yaml --round "2025 Autumn" --moderation 6 \
  --history examples/previous-allocation.json --seed 20251001 -o out/allocation.json

step "3. Score every export (this round, and the previous one beside it in the workbook)"
for id in $AUDITS; do
  f=$(first examples/exports/$id.xlsx examples/exports/$id.csv)
  p=$(first examples/exports/previous/$id.xlsx examples/exports/previous/$id.csv)
  score "$id" "$p" --round "2025 Summer" -o "out/previous/$id.json" --quiet
  score "$id" "$f" --round "2025 Autumn" -o "out/scored/$id.json" --quiet
  score "$id" "$f" --round "2025 Autumn" -o "out/scored/$id.xlsx" --previous "out/previous/$id.json" --quiet
done
for id in family-feedback practice-conversation; do
  score "$id" "examples/$id.xlsx" --round "2025 Autumn" -o "out/scored/$id.json" --quiet
  score "$id" "examples/$id.xlsx" --round "2025 Autumn" -o "out/scored/$id.xlsx" --quiet
done
score eps-advice examples/exports/eps-advice.xlsx --round "2025 Autumn" -o out/scored/eps-advice.json

step "4. Three weeks in (22 October 2025): who has not returned their EHCP quality audits"
SOURCE_DATE_EPOCH=1761091200 "$QACTL" chase out/scored/ehcp-quality.json --allocation out/allocation.json \
  --cohort examples/cohort.yaml -o out/chase.xlsx --mail-merge out/reminders.csv

step "5. Moderation: how far two auditors of the same plan agreed"
"$QACTL" moderate out/scored/eps-advice.json -o out/moderation.json
"$QACTL" moderate out/scored/eps-advice.json -o out/moderation.md > /dev/null

step "6. The QA calendar and a statutory timeline"
"$QACTL" schedule --from 2025-09-01 --to 2026-08-31 -o out/qa-calendar.ics > /dev/null
echo "Wrote out/qa-calendar.ics"
"$QACTL" timeline ehcna --received 2025-03-03

step "7. The Practice Report"
# out/scored/*.json holds family-feedback.json and practice-conversation.json: the family and practice views of each theme.
# --previous takes the folder of the earlier round; the earlier allocation gives completion its change.
mkdir -p out/service-packs
"$QACTL" report out/scored/*.json --previous out/previous --allocation out/allocation.json \
  --allocation examples/previous-allocation.json --moderation out/moderation.json --evidence examples/evidence.yaml \
  --actions examples/actions-previous.xlsx --write-actions out/actions.xlsx --service-packs out/service-packs \
  -o out/practice-report.html
"$QACTL" report out/scored/*.json --previous out/previous --allocation out/allocation.json \
  --allocation examples/previous-allocation.json --moderation out/moderation.json --evidence examples/evidence.yaml \
  -o out/practice-report.md

printf '\nDone. In out/: the allocation (allocation.xlsx, mail-merge.csv), scored workbooks (scored/*.xlsx),\n'
printf 'the chase list (chase.xlsx, reminders.csv), moderation.md, qa-calendar.ics, the Practice Report\n'
printf '(practice-report.html, practice-report.md) and the next improvement plan (actions.xlsx).\n'
