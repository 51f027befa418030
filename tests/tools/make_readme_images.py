"""Regenerate the pictures in README.md from the shipped facts.yaml.

Quiz and key pages come from Typst's PNG output; the Anki card is rendered by the real
Anki backend and photographed with headless Chromium (Debian package `chromium`), on a desktop
and in a 400-pixel-wide frame as on a phone.
Run from the repository root: `python tests/tools/make_readme_images.py` (add `print` to make only
the quiz and key pictures).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
PHONE_HEIGHT = 690


def main(only: str = "") -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from quizgen import pipeline
    from quizgen.exporters import Settings, pdf, printed
    from quizgen.questions import QuestionBank

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        facts = tmp / "facts.yaml"
        shutil.copy(ROOT / "facts.yaml", facts)
        shutil.copy(ROOT / "facts.anki-state.json", tmp / "facts.anki-state.json")
        pipeline.build(facts, tmp / "out", formats=("json", "anki"))
        bank = QuestionBank.model_validate_json((tmp / "out" / "questions.json").read_text(encoding="utf-8"))
        papers = printed.versions(bank, Settings())
        for mode, name in (("quiz", "quiz-page.png"), ("key", "key-page.png")):
            data = printed.document([papers[0]], mode, Settings(), papers)
            pages = pdf.render(data, fmt="png", ppi=80)
            (IMAGES / name).write_bytes(pages[0] if isinstance(pages, list) else pages)
        if only == "print":
            return 0

        from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

        col = Collection(str(tmp / "c.anki2"))
        package = tmp / "out" / f"{bank.topic}.apkg"
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions()))
        target = next(q for q in bank.questions if q.kind == "multiple_choice" and q.template == "ask_subject"
                      and q.family == "signing")
        card = col.get_card(col.find_cards(f'"QuestionId:{target.id}"')[0])
        card_page = '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">' \
                    '<body class="card">{}</body>'
        # The phone picture frames the back in a 400-pixel-wide frame, so the card's phone rules apply.
        phone = ('<!doctype html><meta charset="utf-8"><body style="margin:0">'
                 f'<iframe style="width:400px;height:{PHONE_HEIGHT}px;border:0;display:block" '
                 f'srcdoc="{escape(card_page.format(card.answer()))}"></iframe></body>')
        for name, html, size in (("front", card_page.format(card.question()), "560,330"),
                                 ("back", card_page.format(card.answer()), "560,760"),
                                 ("back-phone", phone, f"400,{PHONE_HEIGHT}")):
            page = tmp / f"{name}.html"
            page.write_text(html, encoding="utf-8")
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            f"--user-data-dir={tmp / 'profile'}", "--hide-scrollbars",
                            f"--screenshot={IMAGES / f'card-{name}.png'}", f"--window-size={size}",
                            page.as_uri()], check=True, capture_output=True, timeout=120)
        col.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:2]))
