from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

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
    assert err.splitlines()[-1] == "7 warning(s) treated as errors under --strict"
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


# --- choices, lists, warnings ------------------------------------------------------------------

def test_choices_match_the_registries():
    from quizgen import cli, exporters, generators, questions

    assert cli.FAMILY_CHOICES == generators.FAMILIES
    assert cli.KIND_CHOICES == questions.KINDS
    assert cli.FORMAT_CHOICES == tuple(exporters.REGISTRY) + ("all",)


def test_choices_any_case_and_comma_lists(run_cli, tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_bytes((DATA / "minimal.yaml").read_bytes())
    code, _, err = run_cli("build", facts, "--out", tmp_path / "o", "--format", "GIFT,quizlet", "--format", "Json")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "o").iterdir() if not p.name.startswith(".")) == [
        "questions.json", "quiz.gift", "quizlet.tsv"]
    code, out, err = run_cli("quiz", facts, "--paper", "A4", "--kind", "Multiple_Choice,true_false",
                             "--family", "signing", "--out", tmp_path / "q", "--versions", "1", "--count", "3")
    assert code == 0, err
    code, out, err = run_cli("questions", facts, "--format", "JSON", "--kind", "true_false,matching")
    assert code == 0, err
    assert {q["kind"] for q in json.loads(out)["questions"]} <= {"true_false", "matching"}
    code, _, err = run_cli("questions", facts, "--kind", "true_false,essay")
    assert code == 2 and "--kind 'essay' is not one of: multiple_choice, true_false" in err
    code, _, err = run_cli("quiz", facts, "--paper", "A5")
    assert code == 2 and "'A5' is not one of 'a4', 'letter'" in err


OWN_FAMILY = """families:
  pacts: {title: Who made pacts, order: 1}
relations:
  signed:
    family: pacts
"""


@pytest.mark.parametrize("command", ["questions", "quiz"])
def test_family_accepts_the_fact_files_own_families(run_cli, tmp_path, command):
    facts = tmp_path / "facts.yaml"
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    facts.write_text(text.replace("entities:\n", OWN_FAMILY + "entities:\n", 1), encoding="utf-8")
    out = ["--out", tmp_path / "q", "--versions", "1", "--count", "2"] if command == "quiz" else ["--format", "json"]
    code, printed, err = run_cli(command, facts, "--family", "Pacts", *out)
    assert code == 0, err
    if command == "questions":
        assert {q["family"] for q in json.loads(printed)["questions"]} == {"pacts"}
    else:
        key = (tmp_path / "q" / "key-A.md").read_text(encoding="utf-8")
        assert "Version A · 2 questions" in key and key.count(" signed ") >= 2
    # a family neither shipped nor declared: one located line naming the file's families, exit 1, nothing written
    before = {p.name: p.read_bytes() for p in (tmp_path / "q").iterdir()} if command == "quiz" else {}
    code, _, err = run_cli(command, facts, "--family", "pacts,treaties", *out[:2])
    assert code == 1
    [line] = [line for line in err.splitlines() if "treaties" in line]
    assert line == (f"{facts}:11:1: error: --family 'treaties' is not a family of this fact file; its families: "
                    "pacts, signing, backing, dates, roles, figures (hint: pick one of them, or declare it under "
                    "families: with a title)")
    assert "pacts'" not in err
    if command == "quiz":
        assert {p.name: p.read_bytes() for p in (tmp_path / "q").iterdir()} == before


def test_family_unknown_in_a_file_without_families_names_the_shipped_ones(run_cli):
    code, _, err = run_cli("questions", DATA / "minimal.yaml", "--family", "crews")
    assert code == 1
    assert err.splitlines()[-1] == (f"{DATA / 'minimal.yaml'}: error: --family 'crews' is not a family of this fact "
                                    "file; its families: signing, backing, dates, roles, figures (hint: pick one of "
                                    "them, or declare it under families: with a title)")


def test_seed_is_documented_as_choosing_printed_quizzes_only(run_cli):
    for command in ("build", "quiz"):
        _, out, _ = run_cli(command, "--help")
        assert "printed quiz versions" in " ".join(out.split()), command
        assert "option order" not in out
    for command in (("questions",), ("anki", "sync")):  # the seed plays no part there
        _, out, _ = run_cli(*command, "--help")
        assert "--seed" not in out
        code, _, err = run_cli(*command, "--seed", "3")
        assert code == 2 and "No such option" in err and "--seed" in err  # wording differs across click releases


def test_help_shows_the_choices(run_cli):
    _, out, _ = run_cli("build", "--help")
    assert "[json|anki|markdown|pdf|moodle|gift|canvas|quizlet|kahoot|sheets|html|all]" in out
    _, out, _ = run_cli("quiz", "--help")
    assert "the shipped signing, backing, dates, roles, figures, or any the fact file declares" in " ".join(
        out.split()) and "a4|letter" in out
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "list[str]" not in docs and "multiple_choice|true_false" in docs


@pytest.mark.parametrize("command", [["build", "--format", "json"], ["quiz"], ["questions"], ["stats"]])
def test_every_command_counts_warnings_in_one_line(run_cli, tmp_path, command):
    facts = tmp_path / "facts.yaml"
    facts.write_bytes((DATA / "minimal.yaml").read_bytes())
    out = ["--out", tmp_path / "o"] if command[0] in ("build", "quiz") else []
    code, _, err = run_cli(command[0], facts, *command[1:], *out)
    assert code == 0, err
    assert err == (f"{facts}: 7 warning(s) (6 single-source, 1 uncited-closure); add --verbose or run 'quizgen check {facts}' "
                   "to list them\n")
    code, _, err = run_cli(command[0], facts, *command[1:], *out, "--verbose")
    assert code == 0
    assert len(err.splitlines()) == 7 and all(": warning: " in line for line in err.splitlines())


def test_license_file_matches_the_metadata():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 quizgen developers\n")
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


# --- real processes: terminals, environment, state file, optional packages ---------------------

def quizgen(*args, env=None, prelude=""):
    code = f"{prelude}\nimport sys\nfrom quizgen.__main__ import main\nsys.argv = ['quizgen'] + sys.argv[1:]\nmain()"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}, timeout=120,
                          encoding="latin-1")


def test_a_latin1_terminal_gets_escapes_not_a_crash():
    result = quizgen("questions", FACTS, env={"PYTHONIOENCODING": "latin-1"})
    assert result.returncode == 0, result.stderr
    assert "\\u2019" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["-1", "99999999999999999999", "soon", "1e9", "0"])
def test_source_date_epoch_out_of_range_is_located(tmp_path, value):
    facts = tmp_path / "facts.yaml"
    facts.write_bytes((DATA / "minimal.yaml").read_bytes())
    result = quizgen("build", facts, "--out", tmp_path / "o", env={"SOURCE_DATE_EPOCH": value})
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("SOURCE_DATE_EPOCH: error: ") and "(hint: unset it or give whole seconds" in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("damage, where", [
    (lambda text: re.sub(r'"changed_at": (\d+)', r'"changed_at": "\1"', text, count=1),
     r":{line}: error: the Anki state file is damaged: note '[^']+' has no whole-seconds \"changed_at\""),
    (lambda text: re.sub(r'"retired_at": null', '"retired_at": true', text, count=1),
     r":{line}: error: the Anki state file is damaged: note '[^']+' has a \"retired_at\" that is neither"),
    (lambda text: text[: len(text) // 2], r":\d+:\d+: error: the Anki state file is damaged: not valid JSON \("),
    (lambda text: text.replace('"format": 1', '"format": "1"', 1), r":1: error: the Anki state file is damaged: expected"),
    (lambda text: "[]", r": error: the Anki state file is damaged: expected an object"),
    (lambda text: "", r":1:1: error: the Anki state file is damaged: not valid JSON \(Expecting value\)"),
    (lambda text: "\udcff", r": error: the Anki state file is damaged: not UTF-8 text"),
])
def test_a_damaged_state_file_is_a_located_error(tmp_path, damage, where):
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(FACTS.read_bytes())
    state = tmp_path / "facts.anki-state.json"
    state.write_text(damage((ROOT / "facts.anki-state.json").read_text(encoding="utf-8")), encoding="utf-8",
                     errors="surrogateescape")
    damaged = state.read_bytes()
    text = damaged.decode("utf-8", "replace").splitlines()
    line = next((n for n, t in enumerate(text, 1) if '"changed_at": "' in t or '"retired_at": true' in t), 0)
    where = where.replace("{line}", str(line))
    result = quizgen("build", facts, "--out", tmp_path / "o")
    assert result.returncode == 1, result.stderr
    assert re.match(re.escape(str(state)) + where, result.stderr), result.stderr
    assert "(hint: restore it from version control (git checkout -- facts.anki-state.json), or delete it" in result.stderr
    assert state.read_bytes() == damaged and not (tmp_path / "o").exists()


def test_a_missing_state_file_beside_a_built_deck_is_a_loud_warning(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(FACTS.read_bytes())
    out = tmp_path / "o"
    first = quizgen("build", facts, "--out", out)
    assert first.returncode == 0 and "state file is missing" not in first.stderr
    (tmp_path / "facts.anki-state.json").unlink()
    again = quizgen("build", facts, "--out", out)
    assert again.returncode == 0
    assert again.stderr.startswith(f"{tmp_path / 'facts.anki-state.json'}: warning: the Anki state file is missing, "
                                   f"but {out / 'libya-moscow-talks-2020.apkg'} was built before")
    assert "(hint: restore it from version control (git checkout -- facts.anki-state.json)" in again.stderr


NO_OPENPYXL = "import sys; sys.modules['openpyxl'] = None"


def test_format_all_skips_kahoot_without_openpyxl(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_bytes((DATA / "minimal.yaml").read_bytes())
    result = quizgen("build", facts, "--out", tmp_path / "o", "--format", "all", prelude=NO_OPENPYXL)
    assert result.returncode == 0, result.stderr
    assert "skipping kahoot: it needs openpyxl (pip install 'quizgen[kahoot]')" in result.stderr
    assert {"moodle.xml", "quizlet.tsv", "questions.json"} <= {p.name for p in (tmp_path / "o").iterdir()}
    assert not (tmp_path / "o" / "kahoot.xlsx").exists()
    result = quizgen("build", facts, "--out", tmp_path / "k", "--format", "kahoot", prelude=NO_OPENPYXL)
    assert result.returncode == 1
    assert result.stderr.startswith("--format: error: kahoot needs the Python package openpyxl, which is not installed")
    result = quizgen("build", facts, "--out", tmp_path / "a", "--format", "all")
    assert result.returncode == 0 and (tmp_path / "a" / "kahoot.xlsx").exists()


def test_typst_then_a_full_build_in_one_process_does_not_hang(tmp_path):
    """Exporters once ran in a forked child, which hung forever when Typst had run in the parent."""
    code = ("import shutil, sys\nfrom pathlib import Path\nfrom quizgen import pipeline\n"
            "facts = Path(sys.argv[1])\n"
            "pipeline.build(facts, facts.parent / 'first', formats=('pdf',))\n"
            "pipeline.build(facts, facts.parent / 'second')\nprint('done')\n")
    facts = tmp_path / "facts.yaml"
    facts.write_bytes((DATA / "minimal.yaml").read_bytes())
    result = subprocess.run([sys.executable, "-c", code, str(facts)], capture_output=True, text=True, timeout=120)
    assert result.stdout == "done\n", result.stderr


def test_ci_tests_the_declared_floors():
    """Each runtime dependency's floor in pyproject.toml is the version .ci/min-constraints.txt pins."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    floors = {}
    extras = project["project"]["optional-dependencies"]
    for requirement in project["project"]["dependencies"] + extras["kahoot"] + extras["anki"]:
        name, _, rest = requirement.partition(">=")
        floors[name.strip().lower()] = rest.split(",")[0].strip()
    pins = {}
    for line in (ROOT / ".ci" / "min-constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    def version(text: str) -> tuple[int, ...]:
        parts = [int(p) for p in text.split(".")]
        while parts and parts[-1] == 0:
            parts.pop()
        return tuple(parts)

    assert {n: version(v) for n, v in pins.items()} == {n: version(v) for n, v in floors.items()}
    assert project["build-system"]["requires"] == ["setuptools>=77"]  # the first to read license = "MIT"
    assert "-c .ci/min-constraints.txt" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_a_state_file_note_that_is_not_an_object_is_located_not_a_crash(run_cli, tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_bytes((DATA / "minimal.yaml").read_bytes())
    state = tmp_path / "facts.anki-state.json"
    state.write_text('{"format": 1,\n "topic": "camp-david-1978",\n "notes": {"x": 3}}\n', encoding="utf-8")
    code, _, err = run_cli("build", facts, "--out", tmp_path / "o", "--format", "anki")
    assert code == 1, err
    assert err.splitlines()[-1].startswith(f"{state}:3: error: the Anki state file is damaged: note 'x' is not an "
                                           "object (hint: restore it from version control")
    assert not (tmp_path / "o").exists()


def test_readme_command_table_lists_each_commands_options_exactly(run_cli):
    """Every row of the README's command table names exactly the options its command has."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("The full reference", 1)[0]
    rows = re.findall(r"^\| `quizgen ((?:anki )?[a-z]+)([^`]*)` \|", table, re.M)
    assert {name for name, _ in rows} == {"check", "build", "quiz", "questions", "stats", "schema", "anki sync",
                                          "grade", "review"}
    for name, usage in rows:
        _, out, _ = run_cli(*name.split(), "--help")
        options = set(re.findall(r"^\s+(?:-\w, )?(--[a-z-]+)", out, re.M)) - {"--help"}
        assert set(re.findall(r"--[a-z-]+", usage)) == options, name


def test_help_imports_no_heavy_library():
    """--help (which lists the shipped families and the choices) loads no other quizgen module: not the
    fact model, the families' data or a generator (typer itself may load pydantic)."""
    code = ("import sys\nfrom quizgen.cli import app\ntry:\n    app(['quiz', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'genanki', 'typst')"
            " or m.startswith('quizgen.') and m != 'quizgen.cli'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--family" in result.stdout and result.stdout.splitlines()[-1] == "[]"
