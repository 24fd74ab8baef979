"""The docs: the generated references match the code, the site builds with no broken link,
anchor or page left out of the navigation, and the README is a short front door whose links
all lead somewhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_generated_references_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    """mkdocs.yml sets strict and makes a missing page, a broken link and a broken anchor
    warnings, so any of them fails this build."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "install" / "index.html").is_file()


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    """The check above can fail: the same build over a copy with one broken link."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "docs", copy / "docs")
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    with (copy / "docs" / "install.md").open("a", encoding="utf-8") as page:
        page.write("\nSee [the settings](settings.md#no-such-heading).\n")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "s")],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode != 0
    assert "#no-such-heading" in done.stderr


def test_the_readme_fits_on_two_screens_and_its_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 60  # two screens of a 30-line terminal
    assert max(len(line) for line in text.splitlines()) <= 100
    links = re.findall(r"\]\(([^)]+)\)", text)
    local = [link for link in links if not link.startswith(("http://", "https://"))]
    assert local  # the README points into docs/
    for link in local:
        assert (ROOT / link.split("#")[0]).is_file(), link
    for command in ("make run", "make test"):
        assert command in text
