"""README.md stays true: its capability matrix is the one the code declares."""

from __future__ import annotations

from pathlib import Path

from connectors.matrix import capability_matrix

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_the_current_capability_matrix() -> None:
    text = README.read_text()
    start = text.index("<!-- capability-matrix:start")
    body = text[text.index("\n", start) + 1 : text.index("<!-- capability-matrix:end -->")]
    assert body.strip() == capability_matrix().strip(), "run `ponte connectors` and paste the table"


def test_the_readme_gives_the_two_commands() -> None:
    text = README.read_text()
    assert "make run" in text and "make test" in text
