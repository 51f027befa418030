from __future__ import annotations

import subprocess
import sys

from conftest import DATA, FACTS, ROOT


def test_check_valid_file_exits_zero(run_cli):
    code, out, err = run_cli("check", DATA / "minimal.yaml")
    assert code == 0
    assert "ok: 6 facts, 8 entities, 1 sources; quotes not verified" in out
    assert "warning: fact 'sadat-signed' rests on a single source" in err


def test_check_with_sources_reports_verified_quotes(run_cli):
    code, out, _ = run_cli("check", "--sources", DATA / "sources", DATA / "minimal.yaml")
    assert code == 0
    assert "6 quotes verified against 1 source texts" in out


def test_check_strict_fails_on_warnings(run_cli):
    code, out, err = run_cli("check", "--strict", DATA / "minimal.yaml")
    assert code == 1
    assert out == ""
    assert err.splitlines()[-1] == "6 warning(s) treated as errors under --strict"
    assert "0 error(s)" not in err


def test_usage_error_is_exit_two(run_cli):
    code, _, _ = run_cli("check", "--no-such-option")
    assert code == 2


def test_missing_file_one_line(run_cli, tmp_path):
    code, out, err = run_cli("check", tmp_path / "absent.yaml")
    assert code == 1
    assert err == f"{tmp_path / 'absent.yaml'}: error: file not found (hint: check the path; the default fact file is ./facts.yaml)\n"


def test_stats_counts(run_cli):
    code, out, _ = run_cli("stats", DATA / "minimal.yaml")
    assert code == 0
    assert out.startswith("6 facts, 1 sources\n")
    assert "  signed         2\n" in out
    assert "  fixture-1978     6" in out


def test_schema_unknown_kind_is_usage_error(run_cli):
    code, _, err = run_cli("schema", "nonsense")
    assert code == 2
    assert "'nonsense' is not one of 'facts', 'questions'" in err


def test_version(run_cli):
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("quizgen ")


def test_docs_are_current(update_golden):
    """docs/cli.md comes from --help and docs/*.schema.json from the models; rerun with --update-golden."""
    from quizgen import schemas

    cli = subprocess.run([sys.executable, "-m", "typer", "quizgen.cli", "utils", "docs", "--name", "quizgen"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    expected = {"docs/cli.md": cli, "docs/facts.schema.json": schemas.render("facts"),
                "docs/questions.schema.json": schemas.render("questions")}
    for name, text in expected.items():
        path = ROOT / name
        if update_golden:
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, f"{name} is stale; run pytest --update-golden"


def test_shipped_facts_points_editors_at_the_schema():
    first = FACTS.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./docs/facts.schema.json"
    assert (ROOT / "docs" / "facts.schema.json").exists()
