"""The translation catalogues are complete and keep up with the code.

1. `makemessages`, run on a copy of the source, finds no string that a committed catalogue
   lacks, or has untranslated or fuzzy (`msgcmp` of the catalogue against the fresh
   template): a string added to a template or to Python without its translations fails.
2. `msgfmt --check --statistics` on each committed catalogue: no error, no fuzzy entry, no
   untranslated entry.

    python3 -m uv run python .ci/catalogues_check.py

Exits non-zero, naming each problem, when either fails.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCE = ["manage.py", "bali_followup", "commitments", "templates", "locale"]
LANGUAGES = ["id", "fr", "zh_Hans"]
DOMAINS = ["django"]


def catalogue(folder: Path, language: str, domain: str) -> Path:
    return folder / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def fresh_catalogues(folder: Path) -> None:
    for name in SOURCE:
        source = ROOT / name
        if not source.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, folder / name)
    locales = [arg for language in LANGUAGES for arg in ("--locale", language)]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *locales, "--keep-pot", "--no-obsolete",
         "--ignore", "commitments/static/*"],
        cwd=folder, check=True, capture_output=True, env={"SECRET_KEY": "catalogue-check",
                                                          "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def main() -> int:
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        fresh_catalogues(Path(folder))
        for language in LANGUAGES:
            for domain in DOMAINS:
                committed = catalogue(ROOT, language, domain)
                if not committed.exists():
                    problems.append(f"{committed.relative_to(ROOT)}: missing")
                    continue
                template = Path(folder) / "locale" / f"{domain}.pot"
                problems += missing_problems(committed, template, language)
                problems += statistics_problems(committed, language)
    for problem in problems:
        print(problem)
    print(f"catalogues: {len(problems)} problem(s) in {', '.join(LANGUAGES)}")
    return 1 if problems else 0


def missing_problems(po: Path, template: Path, language: str) -> list[str]:
    """The template's strings the catalogue lacks, or has untranslated or fuzzy."""
    result = subprocess.run(["msgcmp", str(po), str(template)], capture_output=True, text=True)
    if result.returncode == 0:
        return []
    return [f"{language}: {line}" for line in result.stderr.splitlines() if line.strip()]


def statistics_problems(po: Path, language: str) -> list[str]:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True, text=True,
    )  # fmt: skip
    report = (result.stderr or result.stdout).strip()
    print(f"{language}: {report}")
    if result.returncode != 0:
        return [f"{language}: msgfmt --check failed: {report}"]
    if re.search(r"fuzzy|untranslated", report):
        return [f"{language}: {report}"]
    return []


if __name__ == "__main__":
    sys.exit(main())
