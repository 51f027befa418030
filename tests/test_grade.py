"""`quizgen grade`: real answer sheets from a real build, marked by a simulated hand, damaged as a
scanner or a phone would, read back. Every bubble must be read right or sent to review: a wrong
guess fails. The numbers (read accuracy, review share, time per page) are printed (-s shows them).
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time

import pytest

from conftest import FACTS
from quizgen import pipeline
from quizgen.exporters import Settings

cv2 = pytest.importorskip("cv2", reason="the grade extra is not installed: pip install -e '.[test,grade]'")
np = pytest.importorskip("numpy", reason="the grade extra is not installed: pip install -e '.[test,grade]'")
pytest.importorskip("zxingcpp", reason="the grade extra is not installed: pip install -e '.[test,grade]'")
pytest.importorskip("pypdfium2", reason="the grade extra is not installed: pip install -e '.[test,grade]'")

from omr_corpus import Truth, degrade, fill, render_pages  # noqa: E402
from quizgen.grade import mark  # noqa: E402
from quizgen.grade.read import PageError, read_page  # noqa: E402

# CI may raise it; a developer's run stays near 20 seconds on a loaded machine.
SHEETS = int(os.environ.get("QUIZGEN_OMR_SHEETS", "100"))


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grade")
    facts = tmp / "facts.yaml"
    shutil.copy(FACTS, facts)
    out = tmp / "out"
    pipeline.build(facts, out, formats=("json", "sheets"), settings=Settings(versions=3))
    layout = json.loads((out / "answer-sheets.json").read_text(encoding="utf-8"))
    pages = {dpi: render_pages(out / "answer-sheets.pdf", dpi) for dpi in (150, 200)}
    return tmp, out, layout, pages


def scan(build, index: int, dpi: int = 200, upside_down: bool = False, seed: int = 0) -> tuple[np.ndarray, Truth]:
    """Sheet ``index`` filled by a hand drawn from ``seed`` and scanned with its damage."""
    _, _, layout, pages = build
    rng = random.Random(seed)
    image = pages[dpi][index].copy()
    truth = fill(image, layout["sheets"][index], dpi / 72, rng)
    return degrade(image, rng, upside_down=upside_down), truth


def meant(truth: Truth) -> dict[str, tuple[str, ...]]:
    rows = {f"student {i}": (digit,) for i, digit in enumerate(truth.student, 1)}
    rows.update(truth.rows)
    return rows


def test_corpus_every_mark_is_read_right_or_sent_to_review(build):
    _, _, layout, _ = build
    counts = {"sheets": 0, "bubbles": 0, "right": 0, "unclear": 0, "wrong": 0, "rows": 0, "review": 0,
              "erased": 0, "erased_unclear": 0, "upside_down": 0}
    wrong, refused = [], []
    seconds = 0.0
    for i in range(SHEETS):
        index = i % len(layout["sheets"])
        dpi = 150 if i % 2 else 200
        image, truth = scan(build, index, dpi, upside_down=(i % 20 == 7), seed=10_000 + i)
        started = time.perf_counter()
        try:
            page = read_page(image, layout)
        except PageError:  # refused and reported to the teacher, never guessed: counted, and kept rare
            refused.append(i)
            continue
        finally:
            seconds += time.perf_counter() - started
        sheet = layout["sheets"][index]
        assert (page.version, page.copy, page.page) == (sheet["version"], sheet["copy"], sheet["page"])
        assert page.upside_down == (i % 20 == 7)
        counts["sheets"] += 1
        counts["upside_down"] += page.upside_down
        rows = {f"student {n}": r for n, r in enumerate(page.student_rows, 1)}
        rows.update(page.rows)
        for label, letters in meant(truth).items():
            row = rows[label]
            counts["rows"] += 1
            if row.answer is None:
                counts["review"] += 1
            else:
                # a row read without review holds exactly what the student meant
                assert len(letters) <= 1 and row.answer == (letters[0] if letters else ""), (i, label, row)
            for bubble in row.bubbles:
                counts["bubbles"] += 1
                want = "filled" if bubble.letter in letters else "empty"
                erased = bubble.letter in truth.erased.get(label, ())
                counts["erased"] += erased
                if bubble.state == want:
                    counts["right"] += 1
                elif bubble.state == "unclear":
                    counts["unclear"] += 1
                    counts["erased_unclear"] += erased
                else:
                    wrong.append((i, label, bubble, want, truth.styles.get((label, bubble.letter))))
        if page.student_number is not None:
            assert page.student_number == truth.student
    assert not wrong, wrong[:10]
    assert len(refused) <= SHEETS // 100, refused  # at most 1 in 100 damaged scans sent back for a rescan
    read = counts["right"] / counts["bubbles"]
    not_erased = counts["bubbles"] - counts["erased"]
    read_unerased = (counts["right"] - (counts["erased"] - counts["erased_unclear"])) / not_erased
    review = counts["review"] / counts["rows"]
    print(f"\nOMR corpus: {counts['sheets']} sheets (150/200 dpi, {counts['upside_down']} upside down, {len(refused)} refused), "
          f"{counts['bubbles']} bubbles: {read:.2%} read right, {counts['unclear']} unclear "
          f"({counts['erased_unclear']} of them erased marks), {len(wrong)} wrong; bubbles not erased read right "
          f"{read_unerased:.2%}; rows to review {review:.1%}; {seconds / counts['sheets'] * 1000:.0f} ms a page")
    assert read >= 0.97 and read_unerased >= 0.995
    assert review <= 0.2  # the corpus has 4% double marks and 12% erasures by design


def test_scores_equal_the_known_marks(build):
    """Marking: every row read is scored against the copy's key; rows waiting are not scored."""
    _, _, layout, _ = build
    pages = []
    truths = {}
    for index in range(3):
        image, truth = scan(build, index, seed=500 + index)
        page = read_page(image, layout)
        pages.append((f"scan{index}.png", page))
        truths[page.version] = truth
    copies = mark.results(layout, pages)
    assert [c.label for c in copies] == ["A", "B", "C"]
    for copy, sheet in zip(copies, layout["sheets"]):
        truth = truths[copy.version]
        keys = {row["label"]: (row["key"], row["points"]) for row in sheet["rows"]}
        expected = 0.0
        for row in copy.rows:
            if row.answer is None:
                assert row.review
                continue
            letters = truth.rows[row.label]
            if letters == (keys[row.label][0],):
                expected += keys[row.label][1]
        assert copy.score == expected
        assert copy.total == sum(points for _, points in keys.values())


def _grade_folder(build, tmp_path):
    """Three filled copies: A as a JPEG photo, B and C as a two-page PDF (C upside down)."""
    scans = tmp_path / "scans"
    scans.mkdir()
    truths = {}
    images = []
    for index, letter in enumerate("ABC"):
        image, truth = scan(build, index, upside_down=(letter == "C"), seed=900 + index)
        truths[letter] = truth
        images.append(image)
    cv2.imwrite(str(scans / "a.jpg"), images[0], [cv2.IMWRITE_JPEG_QUALITY, 80])
    from PIL import Image

    first, second = (Image.fromarray(i) for i in images[1:])
    first.save(scans / "bc.pdf", save_all=True, append_images=[second], resolution=200)
    return scans, truths


def test_grade_command_writes_grades_review_pictures_and_analysis(build, tmp_path, run_cli):
    _, out, layout, _ = build
    scans, truths = _grade_folder(build, tmp_path)
    result = tmp_path / "grades"
    code, stdout, stderr = run_cli("grade", scans / "a.jpg", scans / "bc.pdf", "--sheets",
                                   out / "answer-sheets.json", "--out", result)
    assert code == 0, stderr
    with open(result / "grades.csv", encoding="utf-8") as f:
        grades = {row["sheet"]: row for row in csv.DictReader(f)}
    assert sorted(grades) == ["A", "B", "C"]
    for letter, truth in truths.items():
        assert grades[letter]["student"] in ("", truth.student)
    with open(result / "review" / "review.csv", encoding="utf-8") as f:
        review = list(csv.DictReader(f))
    for item in review:
        assert (result / item["image"]).is_file()
        assert item["reason"]
    two_marks = {(letter, label) for letter, t in truths.items() for label, letters in t.rows.items()
                 if len(letters) > 1}
    assert two_marks <= {(item["sheet"], item["row"]) for item in review}
    assert sorted(p.name for p in (result / "sheets").iterdir()) == ["A.png", "B.png", "C.png"]
    analysis = json.loads((result / "item-analysis.json").read_text(encoding="utf-8"))
    bubbled = {row["question_id"] for sheet in layout["sheets"] for row in sheet["rows"]}  # short answers are not
    assert analysis["build"] == layout["build"] and {q["question_id"] for q in analysis["questions"]} == bubbled
    assert "to review" in stdout or "nothing to review" in stdout

    # the teacher decides every reviewed row, and the final run scores them
    decisions = tmp_path / "decisions.csv"
    with open(decisions, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["sheet", "row", "answer", "reason"])
        for item in review:
            truth = truths[item["sheet"]]
            if item["row"] == "student":
                writer.writerow([item["sheet"], "student", truth.student, item["reason"]])
            else:
                writer.writerow([item["sheet"], item["row"], (truth.rows[item["row"]] or ("",))[0], item["reason"]])
    code, stdout, stderr = run_cli("grade", scans / "a.jpg", scans / "bc.pdf", "--sheets",
                                   out / "answer-sheets.json", "--out", result, "--corrections", decisions)
    assert code == 0, stderr
    assert "nothing to review" in stdout
    with open(result / "grades.csv", encoding="utf-8") as f:
        final = {row["sheet"]: row for row in csv.DictReader(f)}
    for sheet in layout["sheets"]:
        truth = truths[sheet["version"]]
        expected = sum(row["points"] for row in sheet["rows"]
                       if (truth.rows[row["label"]] or ("",))[0] == row["key"])
        assert float(final[sheet["label"]]["score"]) == expected
        assert final[sheet["label"]]["student"] == truth.student
        assert final[sheet["label"]]["to_review"] == "0"


def _bad(build, tmp_path, kind: str):
    tmp, out, layout, pages = build
    if kind == "blank page":
        path = tmp_path / "blank.png"
        cv2.imwrite(str(path), np.full((2339, 1654), 250, np.uint8))
        return [path], "no registration marks"
    if kind == "unreadable file":
        path = tmp_path / "notes.png"
        path.write_text("not a picture", encoding="utf-8")
        return [path], "not an image or PDF"
    if kind == "another build":
        other = tmp_path / "other.yaml"
        other.write_text(FACTS.read_text(encoding="utf-8") + "\n# another edition\n", encoding="utf-8")
        pipeline.build(other, tmp_path / "other-out", formats=("json", "sheets"), settings=Settings(versions=1))
        image = render_pages(tmp_path / "other-out" / "answer-sheets.pdf", 200)[0]
        path = tmp_path / "other.png"
        cv2.imwrite(str(path), image)
        return [path], "another build"
    if kind == "duplicated copy":
        paths = []
        for n in range(2):
            image, _ = scan(build, 1, seed=70 + n)
            paths.append(tmp_path / f"copy{n}.jpg")
            cv2.imwrite(str(paths[-1]), image)
        return paths, "sheet B (page 1) was scanned already"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["blank page", "unreadable file", "another build", "duplicated copy"])
def test_bad_input_is_a_clear_message_and_changes_nothing(build, tmp_path, run_cli, kind):
    _, out, _, _ = build
    good, _ = scan(build, 0, seed=33)
    good_path = tmp_path / "good.png"
    cv2.imwrite(str(good_path), good)
    result = tmp_path / "grades"
    code, _, stderr = run_cli("grade", good_path, "--sheets", out / "answer-sheets.json", "--out", result)
    assert code == 0, stderr
    before = {p.relative_to(result): p.read_bytes() for p in result.rglob("*") if p.is_file()}
    paths, message = _bad(build, tmp_path, kind)
    code, stdout, stderr = run_cli("grade", good_path, *paths, "--sheets", out / "answer-sheets.json",
                                   "--out", result)
    assert code == 1
    assert message in stderr and "Traceback" not in stderr
    assert str(paths[-1]) in stderr and "(hint:" in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert all(": error: " in line for line in lines), lines
    after = {p.relative_to(result): p.read_bytes() for p in result.rglob("*") if p.is_file()}
    assert after == before


def test_a_missing_layout_and_a_bad_corrections_file_are_located(build, tmp_path, run_cli):
    _, out, _, _ = build
    good, _ = scan(build, 0, seed=34)
    path = tmp_path / "good.png"
    cv2.imwrite(str(path), good)
    code, _, stderr = run_cli("grade", path, "--sheets", tmp_path / "nope.json", "--out", tmp_path / "g")
    assert code == 1 and "nope.json: error: no such file" in stderr
    layout = json.loads((out / "answer-sheets.json").read_text(encoding="utf-8"))
    for damage in ("sheets", "rows", "x", "marks"):
        broken = json.loads(json.dumps(layout))
        if damage == "sheets":
            broken["sheets"] = {}
        elif damage == "rows":
            del broken["sheets"][0]["rows"][0]["key"]
        elif damage == "x":
            broken["sheets"][1]["rows"][2]["choices"][0]["x"] = "12"
        else:
            broken["marks"].pop()
        bad = tmp_path / f"broken-{damage}.json"
        bad.write_text(json.dumps(broken), encoding="utf-8")
        code, _, stderr = run_cli("grade", path, "--sheets", bad, "--out", tmp_path / "g")
        assert code == 1 and f"{bad}: error: not an answer-sheet layout" in stderr, (damage, stderr)
    fixes = tmp_path / "fixes.csv"
    fixes.write_text("sheet,row,answer\nA,1,Z\nQ,1,A\nA,99,A\nA,student,12x\n", encoding="utf-8")
    code, _, stderr = run_cli("grade", path, "--sheets", out / "answer-sheets.json", "--out", tmp_path / "g",
                              "--corrections", fixes)
    assert code == 1
    assert f"{fixes}:2:1: error: row 1 of sheet A has no choice 'Z'" in stderr
    assert f"{fixes}:3:1: error: no sheet 'Q'" in stderr
    assert f"{fixes}:4:1: error: sheet A has no row '99'" in stderr
    assert f"{fixes}:5:1: error: the student number '12x'" in stderr
    assert not (tmp_path / "g").exists()


def test_a_page_turned_a_quarter_is_read(build):
    _, _, layout, _ = build
    image, truth = scan(build, 2, seed=41)
    page = read_page(cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE), layout)
    assert page.version == "C"
    page = read_page(cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE), layout)
    assert page.version == "C"


def test_a_page_that_is_not_a_sheet_is_refused(build):
    _, _, layout, _ = build
    noise = np.random.default_rng(1).integers(0, 256, (1200, 900), dtype=np.uint8)
    with pytest.raises(PageError):
        read_page(noise, layout)
    white = np.full((1200, 900), 255, np.uint8)
    with pytest.raises(PageError, match="registration marks"):
        read_page(white, layout)


def _copy(label: str, answers: dict[str, str], keys: dict[str, str]) -> mark.CopyResult:
    rows = [mark.RowResult(q, q, "multiple_choice", int(q[1:]) if q[1:].isdigit() else 1, None, "", keys[q],
                           f"text {keys[q]}", 1.0, answers[q],
                           choices=tuple((letter, f"text {letter}") for letter in "ABCD")) for q in keys]
    return mark.CopyResult(label, "A", 0, student="1", rows=rows)


def test_item_analysis_difficulty_discrimination_and_flags():
    keys = {"q1": "A", "q2": "B", "q3": "C", "q4": "D", "q5": "A"}
    copies = []
    for n in range(12):
        strong = n < 6
        copies.append(_copy(f"A-{n + 1}", {
            "q1": "A" if strong else "B",              # tells strong from weak: high discrimination
            "q2": "C" if strong or n % 2 else "B",     # the strong get it wrong: flagged
            "q3": "C" if n % 3 else "A",               # D never chosen: flagged
            "q4": "D" if strong else "A",
            "q5": "A" if strong or n == 11 else "C",
        }, keys))
    analysis = {a["question_id"]: a for a in mark.item_analysis(copies)}
    q1 = analysis["q1"]
    assert q1["difficulty"] == 0.5
    scores = [1.0 if n < 6 else 0.0 for n in range(12)]
    rests = [c.score - s for c, s in zip(copies, scores)]
    assert q1["discrimination"] == pytest.approx(float(np.corrcoef(scores, rests)[0, 1]), abs=1e-4)
    assert q1["discrimination"] > 0.5
    assert "most strong students get it wrong" in analysis["q2"]["flags"]
    assert "most strong students get it wrong" not in q1["flags"]
    assert analysis["q2"]["wrong_options"][""]["text C"] == 9
    assert "options nobody chose: text B; text D" in analysis["q3"]["flags"]
    # fewer than ten students: numbers only
    small = mark.item_analysis(copies[:5])
    assert all(not a["flags"] for a in small)


def test_a_missing_extra_names_the_install_and_help_stays_light(tmp_path, run_cli, monkeypatch):
    probe = ("import sys; from typer.testing import CliRunner; from quizgen.cli import app; "
             "r = CliRunner().invoke(app, ['grade', '--help']); assert r.exit_code == 0, r.output; "
             "print(sorted(m for m in ('cv2', 'zxingcpp', 'pypdfium2', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    monkeypatch.setitem(sys.modules, "zxingcpp", None)
    image = tmp_path / "x.png"
    image.write_bytes(b"")
    code, _, stderr = run_cli("grade", image, "--out", tmp_path / "g")
    assert code == 1
    assert "zxing-cpp" in stderr and "pip install 'quizgen[grade]'" in stderr


def test_a_copy_on_two_pages_is_graded_as_one(build, tmp_path, monkeypatch):
    from quizgen import grade
    from quizgen.exporters import answer_sheet
    from quizgen.questions import QuestionBank

    _, out, _, _ = build
    bank = QuestionBank.model_validate_json((out / "questions.json").read_text(encoding="utf-8"))
    monkeypatch.setattr(answer_sheet, "ROW", 150.0)  # fewer rows a page: the copy takes two or more
    folder = tmp_path / "two"
    folder.mkdir()
    answer_sheet.export(bank, folder, Settings(versions=1))
    layout = json.loads((folder / "answer-sheets.json").read_text(encoding="utf-8"))
    pages = [s["page"] for s in layout["sheets"]]
    assert len(pages) >= 2 and pages == list(range(1, len(pages) + 1))
    paths, truths = [], []
    for index, image in enumerate(render_pages(folder / "answer-sheets.pdf", 150)):
        rng = random.Random(80 + index)
        truths.append(fill(image, layout["sheets"][index], 150 / 72, rng))
        paths.append(tmp_path / f"p{index}.png")
        cv2.imwrite(str(paths[-1]), degrade(image, rng))
    graded = grade.grade(paths[::-1], folder / "answer-sheets.json")  # in any order
    assert [c.label for c in graded.copies] == ["A"]
    copy = graded.copies[0]
    assert [r.label for r in copy.rows] == [r["label"] for s in layout["sheets"] for r in s["rows"]]
    assert copy.student in (None, truths[0].student)
    for row in copy.rows:
        truth = next(t for t in truths if row.label in t.rows)
        if row.answer is not None:
            assert (row.answer,) == truth.rows[row.label] or (row.answer == "" and not truth.rows[row.label])


def test_a_sheet_filled_everywhere_is_all_review_never_all_empty(build):
    from omr_corpus import _mark

    _, _, layout, pages = build
    image = pages[200][0].copy()
    sheet = layout["sheets"][0]
    bubbles = [b for row in sheet["rows"] for b in row["choices"]]
    bubbles += [b for digit in sheet["student_number"] for b in digit["bubbles"]]
    rng = random.Random(5)
    for b in bubbles:
        _mark(image, b["x"] * 200 / 72, b["y"] * 200 / 72, b["r"] * 200 / 72, "fill", rng)
    page = read_page(image, layout)
    assert all(row.problem == "more than one mark" for row in page.rows.values())
    assert page.student_number is None
