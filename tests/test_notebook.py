"""The notebook walkthrough runs top to bottom (nbclient), as CI runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SCENARIOS

nbformat = pytest.importorskip("nbformat", reason="install the [notebook] extra")
nbclient = pytest.importorskip("nbclient", reason="install the [notebook] extra")


def test_what_if_notebook_runs(tmp_path: Path) -> None:
    # run a copy, so the pack it exports lands in a temporary folder
    shutil.copytree(SCENARIOS / "retail_bank", tmp_path / "retail_bank")
    (tmp_path / "notebooks").mkdir()
    source = SCENARIOS / "notebooks" / "what_if.ipynb"
    notebook = nbformat.read(source, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path / "notebooks")}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("status <b>optimal</b>" in o["data"]["text/html"] for o in html)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the frontier and the robustness chart, inline
    assert (tmp_path / "notebooks" / "pack" / "deck.pptx").exists()
