"""The README's command reference is generated from ``--help`` (cog): it must not drift."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

from conftest import ROOT


def test_readme_command_reference_matches_the_help() -> None:
    from cogapp import Cog

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = Cog().main(["cog", "--check", str(ROOT / "README.md")])
    assert status == 0, (
        "README.md's command reference is out of date; run `make readme`.\n" + out.getvalue()
    )
