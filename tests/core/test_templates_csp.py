"""The content-security policy allows no inline scripts or style attributes; templates that used
them would silently break in the browser (a chart without height, a progress bar that never moves)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "renda"
INLINE = re.compile(r"""\sstyle=["']|<script(?![^>]*\bsrc=)[^>]*>\s*\S|\son[a-z]+=["']""", re.IGNORECASE)


def test_no_inline_styles_scripts_or_event_handlers_in_templates():
    offenders = []
    for path in SRC.glob("*/templates/**/*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if INLINE.search(line) and "json_script" not in line:
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()[:100]}")
    assert offenders == [], "inline style/script/handler blocked by the CSP:\n" + "\n".join(offenders)
