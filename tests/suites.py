"""Fail the test command when one of the four suites ran no test.

pytest exits 5 only when it collects nothing at all; a suite that silently vanished (a moved
folder, a deselected marker) would still pass. This reads the JUnit report of the one pytest run
and requires each suite to have run, with no failures and no unexplained skips.

Usage: python tests/suites.py REPORT.xml
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter

SUITES = {
    "unit": lambda c: c.startswith("tests.unit."),
    "server": lambda c: c.startswith("tests.server."),
    "browser": lambda c: c.startswith("tests.ui."),
    "notebooks": lambda c: c.startswith("example_notebooks."),
}


def main(report: str) -> int:
    ran: Counter[str] = Counter()
    problems: list[str] = []
    for case in ET.parse(report).getroot().iter("testcase"):
        classname = case.get("classname", "")
        suite = next((name for name, match in SUITES.items() if match(classname)), None)
        skipped = case.find("skipped")
        if skipped is not None:
            reason = (skipped.get("message") or "").strip()
            if not reason or reason.lower() in {"unconditional skip", "skipped"}:
                problems.append(f"{classname}.{case.get('name')} skipped without a reason")
            continue
        if suite is not None:
            ran[suite] += 1
    for suite in SUITES:
        print(f"{suite:>10}: {ran[suite]} tests ran")
        if ran[suite] == 0:
            problems.append(f"the {suite} suite ran no test")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
