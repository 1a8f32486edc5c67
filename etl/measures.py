"""How a measuring command (``python -m etl.democity.eval``, ``python -m etl.reply_eval``) gives its result:
the JSON on standard output, and with ``--out`` the same JSON in the file docs/metrics.md is rendered from
(warehouse.problems_doc, warehouse.replies_doc read it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def emit_measures(result: dict[str, Any], out: str | None) -> None:
    text = json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n"
    sys.stdout.write(text)
    if out:
        Path(out).write_text(text, encoding="utf-8")
