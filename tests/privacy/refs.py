"""The example round's pseudonymous references, scored under the demo key: what tests/data/example-refs.json pins.

Run ``python tests/privacy/refs.py`` to print them; only do so to *add* an export. A change in an existing ref
means this year's audits no longer link to last year's in every council that upgrades: that is a bug.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "demo-key-not-for-real-data"
EXPORTS = [
    *[(p.stem, p) for p in sorted((ROOT / "examples" / "exports").glob("*.*"))],
    *[(p.stem, p) for p in sorted((ROOT / "examples" / "exports" / "previous").glob("*.*"))],
    ("family-feedback", ROOT / "examples" / "family-feedback.xlsx"),
    ("practice-conversation", ROOT / "examples" / "practice-conversation.xlsx"),
]


def example_refs() -> dict[str, dict[str, str | None]]:
    """``{"exports/eps-advice.xlsx": {"2": "a3f9…", …}, …}``: row → ref of every audit of every example export."""
    from qactl.scoring.run import score_file

    os.environ["QACTL_KEY"] = KEY
    out: dict[str, dict[str, str | None]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rubric, path in EXPORTS:
            target = Path(tmp) / f"{rubric}.json"
            target.unlink(missing_ok=True)
            score_file(rubric, path, target)
            doc = json.loads(target.read_text(encoding="utf-8"))
            out[str(path.relative_to(ROOT / "examples"))] = {str(a["row"]): a["ref"] for a in doc["audits"]}
    return out


if __name__ == "__main__":
    json.dump(example_refs(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
