"""The package installs: a wheel built from a clean copy of the tree works from any folder.

`coach serve` is the exception: it runs app.py from a checkout (see the README).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _tracked_files() -> list[str]:
    """What a clean copy holds: committed files and new ones not ignored, not build debris."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for name in _tracked_files():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, tree / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--wheel-dir", str(dist), str(tree)],
        check=True, capture_output=True,
    )
    (built,) = dist.glob("escalation_coach-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    return target


def _run(installed: Path, folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(installed),
        "COACH_LLM": "offline",
        "COACH_DATA_DIR": os.environ["COACH_DATA_DIR"],  # the session's: the index is reused
    }
    return subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_wheel_holds_the_code_and_the_content_and_not_the_tools(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(REPO).as_posix() for p in (REPO / "coach").rglob("*.py")}
    content = {
        f"coach/content/{p.relative_to(REPO).as_posix()}"
        for folder in ("knowledge", "prompts")
        for p in (REPO / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert code - names == set()
    assert content - names == set()
    assert not any(n.startswith(("tools/", "tests/")) for n in names)


def test_the_installed_coach_reads_its_own_copy_from_any_folder(
    installed: Path, tmp_path: Path
) -> None:
    probe = _run(
        installed, tmp_path, sys.executable, "-c",
        "import coach; from coach.settings import Settings; s = Settings(_env_file=None); "
        "print(coach.__file__); print(s.knowledge_dir); print(s.prompts_dir)",
    )
    assert probe.returncode == 0, probe.stderr
    assert all(Path(line).is_relative_to(installed) for line in probe.stdout.split())


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["ask", "how often do we update the customer?"], "lessons/communication.md"),
        (["classify", "the whole platform is down for every customer"], "Severity 1 (Critical)"),
        (["ticket", "draft", "--text", "Account: Globex. Checkout is down."], "ACCOUNT: Globex"),
        (["framework", "show"], "| 4 | Low |"),
    ],
    ids=["ask", "classify", "ticket", "framework"],
)
def test_each_command_works_from_the_installed_wheel(
    installed: Path, tmp_path: Path, words: list[str], expected: str
) -> None:
    result = _run(installed, tmp_path, str(installed / "bin" / "coach"), *words)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_chat_replays_a_script_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    script = tmp_path / "turns.txt"
    script.write_text("what does severity 2 mean?\n", encoding="utf-8")
    result = _run(installed, tmp_path, str(installed / "bin" / "coach"), "chat", "--script",
                  str(script))
    assert result.returncode == 0, result.stderr
    assert "Severity 2 (High) means" in result.stdout
