"""Answer sheets: what answer-sheets.json says is what answer-sheets.pdf draws.

The PDF is rendered to pixels (pypdfium2) and every bubble, mark and barcode is looked for where
the layout file puts it; the barcode is read by a real reader (zxing-cpp).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil

import pytest

from conftest import FACTS
from quizgen import pipeline
from quizgen.exporters import Settings, answer_sheet, code128, printed
from quizgen.questions import QuestionBank

np = pytest.importorskip("numpy", reason="the grade extra is not installed: pip install -e '.[test,grade]'")
pdfium = pytest.importorskip("pypdfium2", reason="the grade extra is not installed: pip install -e '.[test,grade]'")
zxingcpp = pytest.importorskip("zxingcpp", reason="the grade extra is not installed: pip install -e '.[test,grade]'")

DPI = 150
SCALE = DPI / 72


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sheets")
    facts = tmp / "facts.yaml"
    shutil.copy(FACTS, facts)
    out = tmp / "out"
    pipeline.build(facts, out, formats=("json", "pdf", "sheets"), settings=Settings(versions=3))
    bank = QuestionBank.model_validate_json((out / "questions.json").read_text(encoding="utf-8"))
    layout = json.loads((out / "answer-sheets.json").read_text(encoding="utf-8"))
    pdf = pdfium.PdfDocument(str(out / "answer-sheets.pdf"))
    images = [np.asarray(page.render(scale=SCALE, grayscale=True).to_pil().convert("L")) for page in pdf]
    return out, bank, layout, images


def px(value: float) -> float:
    return value * SCALE


def ring_darkness(image, x: float, y: float, r: float) -> float:
    """Share of 48 points on the circle of radius r around (x, y) (points) that are dark."""
    hits = 0
    for k in range(48):
        a = 2 * math.pi * k / 48
        u, v = px(x + r * math.cos(a)), px(y + r * math.sin(a))
        patch = image[int(v) - 1:int(v) + 2, int(u) - 1:int(u) + 2]
        hits += patch.min() < 110
    return hits / 48


def test_one_page_per_version_and_the_files_named(shipped):
    out, bank, layout, images = shipped
    assert (out / "answer-sheets.pdf").exists() and (out / "answer-sheets.json").exists()
    assert [(s["version"], s["copy"], s["page"]) for s in layout["sheets"]] == [("A", 0, 1), ("B", 0, 1), ("C", 0, 1)]
    assert len(images) == 3
    assert layout["build"] == bank.input_sha256[:8] and layout["input_sha256"] == bank.input_sha256
    w, h = layout["page"]["width"], layout["page"]["height"]
    assert abs(images[0].shape[0] - px(h)) <= 1 and abs(images[0].shape[1] - px(w)) <= 1


def test_every_bubble_is_drawn_where_the_layout_says(shipped):
    _, _, layout, images = shipped
    checked = 0
    for sheet, image in zip(layout["sheets"], images):
        bubbles = [b for row in sheet["rows"] for b in row["choices"]]
        bubbles += [b for digit in sheet["student_number"] for b in digit["bubbles"]]
        for b in bubbles:
            assert ring_darkness(image, b["x"], b["y"], b["r"]) >= 0.9, b
            # a ring, not a disc: light between the letter and the ring, light just outside
            assert ring_darkness(image, b["x"], b["y"], b["r"] + 2.2) <= 0.1, b
            assert ring_darkness(image, b["x"], b["y"], b["r"] - 1.6) <= 0.35, b
            checked += 1
    assert checked > 3 * 60


def test_registration_marks_are_solid_squares_at_the_corners(shipped):
    _, _, layout, images = shipped
    image = images[0]
    for mark in layout["marks"]:
        x, y, half = px(mark["x"]), px(mark["y"]), px(mark["size"]) / 2
        inside = image[int(y - half + 2):int(y + half - 2), int(x - half + 2):int(x + half - 2)]
        assert inside.max() < 100, mark
        around = image[int(y - half - 6):int(y + half + 6), int(x - half - 6):int(x + half + 6)]
        assert (around > 200).sum() >= around.size - (2 * half + 4) ** 2, mark  # white paper around
    corners = {m["corner"]: (m["x"], m["y"]) for m in layout["marks"]}
    assert corners["top-left"][0] < corners["top-right"][0] and corners["top-left"][1] < corners["bottom-left"][1]


def test_the_code_reads_back_as_the_layout_says(shipped):
    _, _, layout, images = shipped
    for sheet, image in zip(layout["sheets"], images):
        found = zxingcpp.read_barcodes(image)
        assert [b.text for b in found] == [sheet["code"]["content"]]
        code = sheet["code"]
        position = found[0].position
        xs = [p.x / SCALE for p in (position.top_left, position.top_right, position.bottom_left, position.bottom_right)]
        assert code["x"] - 2 <= min(xs) and max(xs) <= code["x"] + code["width"] + 2
        assert answer_sheet.parse_code(code["content"]) == (layout["build"], sheet["version"], sheet["copy"],
                                                           sheet["page"])
        assert found[0].format == zxingcpp.BarcodeFormat.Code128


def test_rows_and_keys_match_the_printed_versions(shipped):
    _, bank, layout, _ = shipped
    chosen = printed.versions(bank, Settings(versions=3))
    for sheet, version in zip(layout["sheets"], chosen):
        rows = iter(sheet["rows"])
        for item in version.items:
            kind = item.question.kind
            if kind == "short_answer":
                continue
            if kind in ("multiple_choice", "true_false"):
                row = next(rows)
                assert row["label"] == str(item.number) and row["question_id"] == item.question.id
                assert row["key"] == next(c.letter for c in item.choices if c.correct)
                assert [c["letter"] for c in row["choices"]] == [c.letter for c in item.choices]
            elif kind == "matching":
                # the printed key "1-C, 2-A, ..." part by part
                for part in item.key.split(", "):
                    index, letter = part.split("-")
                    row = next(rows)
                    assert (row["label"], row["key"]) == (f"{item.number}.{index}", letter)
            else:
                for index, letter in enumerate(item.key.split(", "), 1):
                    row = next(rows)
                    assert (row["label"], row["key"]) == (f"{item.number}.{index}", letter)
        assert next(rows, None) is None
    kinds = {row["kind"] for sheet in layout["sheets"] for row in sheet["rows"]}
    assert kinds == {i.question.kind for v in chosen for i in v.items} - {"short_answer"}
    assert kinds >= {"multiple_choice", "true_false", "ordering"}


def test_numbered_copies_get_their_own_sheet_and_code(shipped, tmp_path, monkeypatch):
    _, bank, _, _ = shipped
    real = printed.versions

    def with_copies(bank, settings):
        return [*real(bank, settings), *(dataclasses.replace(v, copy=n) for v in real(bank, settings)
                                        for n in (1, 123))]

    monkeypatch.setattr(printed, "versions", with_copies)
    monkeypatch.setattr(answer_sheet, "versions", with_copies)
    answer_sheet.export(bank, tmp_path, Settings(versions=1))
    layout = json.loads((tmp_path / "answer-sheets.json").read_text(encoding="utf-8"))
    assert [s["label"] for s in layout["sheets"]] == ["A", "A-1", "A-123"]
    pdf = pdfium.PdfDocument(str(tmp_path / "answer-sheets.pdf"))
    assert len(pdf) == 3
    image = np.asarray(pdf[2].render(scale=SCALE, grayscale=True).to_pil().convert("L"))
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [f"{layout['build']}-A-123-1"]
    from quizgen.grade.read import read_page

    # a longer code (a three-digit copy) is still found where the grader looks
    assert [(p.version, p.copy) for p in (read_page(image, layout),)] == [("A", 123)]


def test_the_same_input_gives_the_same_bytes(shipped, tmp_path):
    out, bank, _, _ = shipped
    answer_sheet.export(bank, tmp_path, Settings(versions=3))
    for name in ("answer-sheets.pdf", "answer-sheets.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


def test_many_rows_continue_on_a_second_page(shipped, monkeypatch):
    _, bank, _, _ = shipped
    monkeypatch.setattr(answer_sheet, "ROW", 60.0)  # fewer rows per page than the 49 of the whole bank
    data, _ = answer_sheet.layout(bank, Settings(count=200, versions=1))
    assert [s["page"] for s in data["sheets"]] == [1, 2]
    assert all(s["pages"] == 2 for s in data["sheets"])
    labels = [row["label"] for s in data["sheets"] for row in s["rows"]]
    assert len(labels) == len(set(labels))
    height = data["page"]["height"]
    for sheet in data["sheets"]:
        for row in sheet["rows"]:
            for c in row["choices"]:
                assert c["y"] + c["r"] < height - 50 and c["x"] + c["r"] < data["page"]["width"] - 40


def test_no_answer_sheet_switch(run_cli, tmp_path):
    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)
    code, _, err = run_cli("quiz", facts, "--out", tmp_path / "with", "--versions", "1")
    assert code == 0, err
    assert (tmp_path / "with" / "answer-sheets.pdf").exists()
    code, _, err = run_cli("quiz", facts, "--out", tmp_path / "without", "--versions", "1", "--no-answer-sheet")
    assert code == 0, err
    assert not list((tmp_path / "without").glob("answer-sheets*"))
    assert (tmp_path / "without" / "quiz-A.pdf").exists()


@pytest.mark.parametrize("text", ["a", "398ccdc4-A-0-1", "0123456789", "~ !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}",
                                  "abcdefghijklmnopqrstuvwxyz-Z-26-3"])
def test_code128_bars_decode_with_a_real_reader(text):
    width = code128.modules(text) + 2 * code128.QUIET
    row = np.full(width * 3, 255, np.uint8)
    for start, bar in code128.bars(text):
        row[(code128.QUIET + start) * 3:(code128.QUIET + start + bar) * 3] = 0
    image = np.tile(row, (60, 1))
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [text]
    last, bar = code128.bars(text)[-1]
    assert last + bar == code128.modules(text)  # the stop symbol ends on a bar, at the symbol's width
    with pytest.raises(ValueError):
        code128.values("é")


def test_letter_paper_and_a_quiz_without_bubbled_questions(run_cli, tmp_path):
    from quizgen.grade.read import read_page

    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)
    code, _, err = run_cli("quiz", facts, "--out", tmp_path / "letter", "--versions", "1", "--paper", "letter")
    assert code == 0, err
    layout = json.loads((tmp_path / "letter" / "answer-sheets.json").read_text(encoding="utf-8"))
    assert (layout["page"]["width"], layout["page"]["height"]) == (612.0, 792.0)
    pdf = pdfium.PdfDocument(str(tmp_path / "letter" / "answer-sheets.pdf"))
    assert tuple(round(v) for v in pdf[0].get_size()) == (612, 792)
    image = np.asarray(pdf[0].render(scale=SCALE, grayscale=True).to_pil().convert("L"))
    page = read_page(image, layout)
    assert page.version == "A" and all(row.answer == "" for row in page.rows.values())
    # short answers only: nothing to bubble, no sheet
    code, _, err = run_cli("quiz", facts, "--out", tmp_path / "short", "--kind", "short_answer")
    assert code == 0, err
    assert not list((tmp_path / "short").glob("answer-sheets*"))


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=24))
def test_code128_any_printable_text_reads_back(text):
    width = code128.modules(text) + 2 * code128.QUIET
    row = np.full(width * 2, 255, np.uint8)
    for start, bar in code128.bars(text):
        row[(code128.QUIET + start) * 2:(code128.QUIET + start + bar) * 2] = 0
    found = zxingcpp.read_barcodes(np.tile(row, (30, 1)), formats=zxingcpp.BarcodeFormat.Code128)
    assert [b.text for b in found] == [text]


@pytest.fixture(scope="module")
def bank():
    checked = pipeline.check_facts(FACTS)
    return pipeline.bank(checked.facts, 1, pipeline.make_questions(checked.facts, 1))


@settings(max_examples=25, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(count=st.integers(1, 60), versions=st.integers(1, 4), seed=st.integers(1, 50),
       paper=st.sampled_from(["a4", "letter"]))
def test_bubbles_never_touch_and_stay_clear_of_the_marks_and_the_code(bank, count, versions, seed, paper):
    data, _ = answer_sheet.layout(bank, Settings(count=count, versions=versions, seed=seed, paper=paper))
    width, height = data["page"]["width"], data["page"]["height"]
    marks = data["marks"]
    for sheet in data["sheets"]:
        bubbles = [b for row in sheet["rows"] for b in row["choices"]]
        bubbles += [b for digit in sheet["student_number"] for b in digit["bubbles"]]
        centres = np.array([(b["x"], b["y"]) for b in bubbles])
        gaps = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
        np.fill_diagonal(gaps, np.inf)
        assert gaps.min() >= 2 * answer_sheet.RADIUS + 4  # room between two bubbles' outlines
        code = sheet["code"]
        for b in bubbles:
            assert 50 < b["x"] < width - 50 and 50 < b["y"] < height - 50
            for m in marks:
                assert max(abs(b["x"] - m["x"]), abs(b["y"] - m["y"])) > m["size"] / 2 + b["r"] + 8
            assert not (code["x"] - 10 < b["x"] < code["x"] + code["width"] + 10
                        and code["y"] - 10 < b["y"] < code["y"] + code["height"] + 10)
        labels = [row["label"] for row in sheet["rows"]]
        assert len(labels) == len(set(labels))
        for row in sheet["rows"]:
            assert row["key"] in [c["letter"] for c in row["choices"]]
