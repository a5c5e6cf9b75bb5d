"""SECURITY.md's promises that are about the repository and the CLI as a whole: no secrets in
tracked files, analyst CLI options parsed before they reach SQL, the analyst SQL read-only."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from claimwatch.cli import main

ROOT = Path(__file__).resolve().parents[1]

# What a leaked credential looks like. A value that names a variable (${SMTP_PASSWORD}) or is
# an obvious placeholder is not one.
SECRETS = [
    re.compile(r"AKIA[0-9A-Z]{16}"),                                   # AWS access key id
    re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |)PRIVATE KEY-----"),
    re.compile(r"xox[abpr]-[0-9A-Za-z-]{10,}"),                         # Slack token
    re.compile(r"gh[pousr]_[0-9A-Za-z]{30,}"),                          # GitHub token
    # A quoted literal assigned to a password, secret or token ("password": "hunter22!").
    re.compile(r"(?i)(?:password|passwd|secret|api_key|token)\w*[\"']?\s*[:=]\s*[\"']"
               r"(?!\$\{|<|changeme|change-me|example|placeholder|your[-_]|test|demo|airflow[\"'])"
               r"[^\"'\s]{8,}[\"']"),
    # The same unquoted, in env and YAML files only (SMTP_PASSWORD=hunter22!).
    CONFIG_ONLY := re.compile(r"(?im)^\s*[\w.]*(?:password|passwd|secret|token)\w*\s*[:=][ \t]*"
               r"(?![\"'$<{]|changeme|change-me|example|placeholder|your[-_])[^\s#]{8,}$"),
]
ALLOWED = {"SECURITY.md", "tests/test_security.py"}  # they describe the patterns


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / p for p in out.stdout.splitlines() if p not in ALLOWED]


def test_no_tracked_file_holds_a_secret():
    leaks = []
    for path in tracked_files():
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        config = path.suffix in {".yaml", ".yml", ".env", ".example", ".ini", ".cfg"} or \
            path.name.startswith(".env")
        for pattern in SECRETS:
            if pattern is CONFIG_ONLY and not config:
                continue
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                leaks.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)[:40]}")
    assert leaks == []


@pytest.mark.parametrize("argv", [
    ["report", "--week", "2026-W47'; DROP TABLE documents; --"],
    ["reprocess", "--since", "2026-01-01' OR 1=1 --"],
    ["rules", "--since", "'; DELETE FROM claims; --"],
])
def test_cli_options_are_parsed_before_they_reach_sql(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2  # argparse refused the value; nothing was run
    assert "error: argument" in capsys.readouterr().err


def test_analyst_sql_cannot_change_the_warehouse(tmp_path, capsys):
    from warehouse.db import connect, migrate

    db = tmp_path / "snapshot.duckdb"
    with connect(db) as con:
        migrate(con)
    assert main(["sql", "--database", str(db), "DROP TABLE documents"]) == 1
    assert "read-only" in capsys.readouterr().err
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (0,)
