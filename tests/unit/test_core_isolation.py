"""The core must work without Jupyter, widget or plotting libraries (architecture principle 1)."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("jupyter_server", "tornado", "ipywidgets", "anywidget", "matplotlib", "traitlets")


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_core_imports_no_framework() -> None:
    loaded = _modules_after(
        "import attune_jupyter.core as core\n"
        "core.Codebook.default()\n"
        "core.parse_transcript('Therapist: hello\\nClient: hi', 'text')"
    )
    leaked = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN)
    assert leaked == [], f"attune_jupyter.core pulled in {leaked}"


def test_top_level_package_is_lazy_about_widgets() -> None:
    loaded = _modules_after("import attune_jupyter\nattune_jupyter.load_transcript")
    assert not {"anywidget", "ipywidgets", "jupyter_server", "matplotlib"} & {
        m.split(".")[0] for m in loaded
    }


def test_the_forbidden_list_would_catch_a_leak() -> None:
    # Guards the test above against passing vacuously: importing a widget does load anywidget.
    loaded = _modules_after("import attune_jupyter\nattune_jupyter.Annotator")
    assert "anywidget" in loaded


def test_analysis_and_agreement_work_without_plotting_or_widgets() -> None:
    # An educator's script or a course service computes tables without a display stack.
    loaded = _modules_after(
        "import attune_jupyter as aj\n"
        "cohort = aj.synthetic_cohort(trainees=2, sessions=2)\n"
        "aj.analysis.progress(cohort.ratings, cohort.sessions)\n"
        "aj.agreement.agreement_report(cohort.annotations, cohort.turns, cohort.ratings)"
    )
    leaked = sorted({m.split(".")[0] for m in loaded} & set(FORBIDDEN))
    assert leaked == []


def test_plots_are_reached_lazily_and_bring_matplotlib() -> None:
    loaded = _modules_after("import attune_jupyter as aj\naj.plots.session_timeline")
    assert "matplotlib" in loaded
