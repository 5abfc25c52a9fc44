"""GPL-3 packages (krippendorff, pingouin) may serve the tests as oracles, never the product.

attune-jupyter is BSD-3-Clause; importing a GPL package at run time would change what users may
do with it. The test extra installs them, so a stray import would go unnoticed without this test.
"""

from __future__ import annotations

import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import attune_jupyter

GPL_TEST_ORACLES = ("krippendorff", "pingouin")


def _every_module() -> list[str]:
    root = Path(attune_jupyter.__file__).parent
    return sorted(
        info.name
        for info in pkgutil.walk_packages([str(root)], prefix="attune_jupyter.")
        if ".labextension" not in info.name
    )


def test_the_walk_finds_the_analysis_modules() -> None:
    modules = _every_module()
    assert "attune_jupyter.core.cohort" in modules
    assert "attune_jupyter.widgets.annotator" in modules


def test_no_module_of_the_product_imports_a_gpl_package() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {_every_module()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}
    assert not loaded & set(GPL_TEST_ORACLES)


def test_the_oracles_are_installed_for_the_tests() -> None:
    # Guards the test above: it would pass vacuously if importing them were impossible anyway.
    code = "import krippendorff, pingouin, sys; print('pingouin' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr


def test_no_source_file_names_a_gpl_package() -> None:
    # Catches imports made lazily inside a function, which importing every module would miss.
    root = Path(attune_jupyter.__file__).parent
    pattern = re.compile(rf"^\s*(import|from)\s+({'|'.join(GPL_TEST_ORACLES)})\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if "labextension" not in path.parts and pattern.search(path.read_text("utf-8"))
    ]
    assert offenders == []
