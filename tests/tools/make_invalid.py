"""Regenerate tests/data/invalid/ from tests/data/minimal.yaml, one defect per file.

expected.json maps each file to the exact first message quizgen must print for it (after
the file name). Run after changing messages, then review the diff:
`python tests/tools/make_invalid.py`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
BASE = (DATA / "minimal.yaml").read_text(encoding="utf-8")


def sub(old: str, new: str, count: int = 1):
    def apply(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)
    return apply


CASES = {
    "yaml-syntax-unclosed-quote": sub("title: The Camp David Accords, 1978", 'title: "The Camp David Accords, 1978'),
    "yaml-syntax-bad-indent": sub("    publisher: quizgen test fixture", "   publisher: quizgen test fixture"),
    "tab-indentation": sub("    publisher: quizgen test fixture", "\tpublisher: quizgen test fixture"),
    "duplicate-key": sub("    publisher: quizgen test fixture", "    publisher: quizgen test fixture\n    publisher: another"),
    "unknown-key-typo": sub("      - source: fixture-1978\n        quote: President Anwar Sadat of Egypt\n",
                            "      - sorce: fixture-1978\n        quote: President Anwar Sadat of Egypt\n"),
    "unknown-top-level-key": sub("format: 1", "format: 1\nauthor: me"),
    "missing-format": sub("format: 1\n", ""),
    "wrong-format-version": sub("format: 1", "format: 2"),
    "missing-quote": sub("        quote: after twelve days of secret talks at Camp David\n", ""),
    "no-citations": sub("    citations:\n      - source: fixture-1978\n        quote: Prime Minister Menachem Begin of Israel signed the Camp David Accords\n",
                        "    citations: []\n"),
    "wrong-type-aliases": sub("aliases: [Sadat]", "aliases: {short: Sadat}"),
    "wrong-type-negated": sub("    object: accords\n    citations:", "    object: accords\n    negated: perhaps\n    citations:"),
    "wrong-type-quantity-value": sub("value: 12", "value: twelve"),
    "negative-quantity": sub("value: 12", "value: -12"),
    "bad-entity-kind": sub("kind: country}\n  - {id: israel", "kind: nation}\n  - {id: israel"),
    "bad-qualifier": sub("qualifier: exactly", "qualifier: roughly"),
    "bad-id": sub("id: sadat-signed", "id: Sadat Signed"),
    "bad-url": sub("    text_file: camp-david.txt", "    url: www.example.org/article\n    text_file: camp-david.txt"),
    "impossible-date": sub("date: 1978-09-17", "date: 1978-02-30"),
    "ambiguous-date": sub("date: 1978-09-17", "date: 17/09/1978"),
    "impossible-month": sub("as_of: 1978-09\n    citations:\n      - source: fixture-1978\n        quote: President Anwar Sadat",
                            "as_of: 1978-13\n    citations:\n      - source: fixture-1978\n        quote: President Anwar Sadat"),
    "duplicate-entity-id": sub("  - {id: israel, name: Israel, kind: country}", "  - {id: egypt, name: Israel, kind: country}"),
    "duplicate-fact-id": sub("id: begin-signed", "id: sadat-signed"),
    "dangling-subject": sub("    subject: begin\n    object: accords", "    subject: begins\n    object: accords"),
    "dangling-place": sub("place: white-house", "place: camp-david"),
    "unknown-source": sub("      - source: fixture-1978\n        quote: Prime Minister Menachem Begin of Israel signed",
                          "      - source: fixture-1979\n        quote: Prime Minister Menachem Begin of Israel signed"),
    "unknown-relation": sub("relation: mediated\n    subject: carter", "relation: mediatd\n    subject: carter"),
    "wrong-kind-object": sub("    subject: begin\n    object: accords", "    subject: begin\n    object: egypt"),
    "missing-object": sub("    subject: begin\n    object: accords\n", "    subject: begin\n"),
    "forbidden-field": sub("    role: Prime Minister\n", "    role: Prime Minister\n    object: accords\n"),
    "quote-not-in-source": sub("quote: after twelve days of secret talks at Camp David", "quote: after thirteen days of secret talks at Camp David"),
    "contradiction": sub("    subject: begin\n    object: accords\n", "    subject: begin\n    object: accords\n    negated: false\n",) ,
    "empty-file": lambda text: "",
    "bare-scalar": lambda text: "just some text\n",
    "top-level-list": lambda text: "- format: 1\n- topic: x\n",
    "python-object-tag": sub("title: The Camp David Accords, 1978", "title: !!python/object/apply:os.system ['echo pwned']"),
    "unknown-relation-in-closure": sub("  - relation: mediated\n    kind: complete", "  - relation: witnessed\n    kind: complete"),
    "closure-contradicted": sub("among: [carter, sadat, begin]", "among: [sadat, begin]"),
    "unknown-template-placeholder": sub("closures:", "relations:\n  signed:\n    templates:\n      ask_subject: \"Who put their name to {document}?\"\nclosures:"),
    "new-relation-without-shape": sub("closures:", "relations:\n  ratified:\n    label: ratified\nclosures:"),
}

# A contradiction needs a second, negated fact about the same pair.
CASES["contradiction"] = sub(
    "  - id: sadat-president\n",
    "  - id: begin-did-not-sign\n    relation: signed\n    negated: true\n    subject: begin\n    object: accords\n"
    "    citations:\n      - source: fixture-1978\n        quote: signed the Camp David Accords\n  - id: sadat-president\n")

CASES.update({
    "wrong-type-title": sub("title: The Camp David Accords, 1978", "title: 1978"),
    "wrong-type-published": sub("published: 1978-09-17", "published: [1978, 9, 17]"),
    "wrong-type-citations": sub("    citations:\n      - source: fixture-1978\n        quote: President Anwar Sadat of Egypt\n",
                                "    citations: {source: fixture-1978, quote: President Anwar Sadat of Egypt}\n"),
    "wrong-type-among": sub("among: [carter, sadat, begin]", "among: carter"),
    "wrong-type-templates": sub("closures:", "relations:\n  signed:\n    templates: [ask_subject]\nclosures:"),
    "wrong-type-entity": sub("  - {id: sadat, name: Anwar Sadat, kind: person, aliases: [Sadat]}", "  - sadat"),
    "closure-functional-contradicted": sub(
        "closures:",
        "  - id: egypt-backs-sadat\n    relation: backs\n    subject: egypt\n    object: sadat\n"
        "    citations: [{source: fixture-1978, quote: Egypt}]\n"
        "  - id: egypt-backs-begin\n    relation: backs\n    subject: egypt\n    object: begin\n"
        "    citations: [{source: fixture-1978, quote: Egypt}]\n"
        "closures:\n  - relation: backs\n    kind: functional\n    reason: one side each\n"),
    "two-dates-for-one-event": sub(
        "closures:",
        "  - id: talks-date\n    relation: occurred\n    subject: talks\n    date: 1978-09-05\n"
        "    citations: [{source: fixture-1978, quote: twelve days}]\n"
        "  - id: talks-date-again\n    relation: occurred\n    subject: talks\n    date: 1978-09-06\n"
        "    citations: [{source: fixture-1978, quote: twelve days}]\nclosures:"),
    "missing-topic-id": sub("  id: camp-david-1978\n", ""),
    "yaml-syntax-stray-colon": sub("  title: The Camp David Accords, 1978", "  title: The Camp: David: Accords"),
    "yaml-anchor-unknown": sub("aliases: [Sadat]", "aliases: *sadat"),
    "custom-tag": sub("title: The Camp David Accords, 1978", "title: !shout The Camp David Accords"),
})

# YAML 1.1 typing: plain words and numbers are read as they look (YAML 1.2), and types are strict.
CASES.update({
    "yaml11-yes-as-negated": sub("    object: accords\n    citations:", "    object: accords\n    negated: yes\n    citations:"),
    "yaml11-yes-as-format": sub("format: 1", "format: yes"),
    "yaml11-true-as-format": sub("format: 1", "format: true"),
    "decimal-as-format": sub("format: 1", "format: 1.0"),
    "yaml11-on-as-figure": sub("value: 12", "value: on"),
    "yaml11-true-as-figure": sub("value: 12", "value: true"),
    "yaml11-octal-figure": sub("value: 12", "value: 0476"),
    "yaml11-hex-date": sub("published: 1978-09-17", "published: 0x7B6"),
    "yaml11-sexagesimal-figure": sub("value: 12", "value: 1:30"),
    "yaml11-merge-key": sub("  - id: begin-signed\n    relation: signed\n",
                            "  - id: begin-signed\n    <<: {relation: signed}\n    relation: signed\n"),
    "yaml11-yes-key": sub("  title: The Camp David Accords, 1978", "  title: The Camp David Accords, 1978\n  yes: 1"),
    "yaml11-explicit-int-tag": sub("value: 12", "value: !!int 0x0C"),
})

# Characters: refused wherever they stand, raw or written as an escape in double quotes.
CASES.update({
    "char-bell-escape": sub("title: The Camp David Accords, 1978", 'title: "The Camp David Accords\\a, 1978"'),
    "char-nul-escape": sub("title: The Camp David Accords, 1978", 'title: "The Camp David\\0 Accords, 1978"'),
    "char-noncharacter-escape": sub("quote: Prime Minister Menachem Begin of Israel\n",
                                    'quote: "Prime Minister Menachem Begin\\uFFFE of Israel"\n'),
    "char-surrogate-escape": sub("name: Anwar Sadat,", 'name: "Anwar \\uD800Sadat",'),
    "char-bell-raw": sub("title: The Camp David Accords, 1978", "title: The Camp David Accords\a, 1978"),
    "char-escape-raw": sub("    title: Camp David Accords signed", "    title: Camp David \x1b[31mAccords signed"),
    "char-line-separator-raw": sub("  title: The Camp David Accords, 1978", "  title: The Camp David\u2028Accords, 1978"),
    "char-next-line-raw": sub("  title: The Camp David Accords, 1978", "  title: The Camp David\x85Accords, 1978"),
    "char-bidi-in-id": sub("id: sadat-signed", "id: sadat\u202e-signed"),
    "char-zero-width-in-id": sub("  - {id: israel, name: Israel", "  - {id: isr\u200bael, name: Israel"),
    "char-bidi-in-reference": sub("    subject: begin\n    object: accords", "    subject: \u2066begin\u2069\n    object: accords"),
})

# Values the outputs cannot show faithfully.
CASES.update({
    "figure-infinite": sub("value: 12", "value: .inf"),
    "figure-nan": sub("value: 12", "value: .nan"),
    "figure-400-digits": sub("value: 12", "value: " + "9" * 400),
    "figure-5000-digits": sub("value: 12", "value: " + "9" * 5000),
    "figure-too-precise": sub("value: 12", "value: 0.001"),
    "date-year-0001": sub("date: 1978-09-17", "date: 0001-01-01"),
    "date-year-9999": sub("published: 1978-09-17", "published: 9999-12-31"),
    "blank-name": sub("name: Anwar Sadat,", 'name: "   ",'),
    "blank-quote": sub("        quote: after twelve days of secret talks at Camp David",
                       '        quote: " \\t "'),
    "blank-role": sub("    role: Prime Minister\n", '    role: " "\n'),
    "blank-reason": sub("reason: Sadat and Begin were the parties to the talks; Carter mediated them.", 'reason: "  "'),
    "blank-description": sub("title: The Camp David Accords, 1978", 'title: The Camp David Accords, 1978\n  description: "   "'),
    "long-word": sub("title: The Camp David Accords, 1978",
                     "title: The Camp David Accords, 1978\n  description: The " + "x" * 1000 + " talks"),
    "url-too-long": sub("    text_file: camp-david.txt", "    url: https://example.org/" + "a" * 2100 + "\n    text_file: camp-david.txt"),
})

# Templates and labels (what a generator would stumble on).
TEMPLATES = "relations:\n  signed:\n    templates:\n      {key}: {value}\nclosures:"
CASES.update({
    "template-unknown-key": sub("closures:", TEMPLATES.format(key="ask_subjcet", value='"Who signed {object}?"')),
    "template-blank": sub("closures:", TEMPLATES.format(key="ask_subject", value='"  "')),
    "template-no-placeholder": sub("closures:", TEMPLATES.format(key="ask_subject", value='"Who signed it?"')),
    "template-malformed": sub("closures:", TEMPLATES.format(key="ask_subject", value='"Who signed {object?"')),
    "label-with-brace": sub("closures:", "relations:\n  signed:\n    label: signed {x}\nclosures:"),
})

# What generation needs: families, wording and skips that fit, questions that read differently.
CASES.update({
    "same-question": sub("closures:", "  - id: accords-length\n    relation: figure\n    subject: accords\n"
                                      "    quantity: {value: 13, unit: days, measure: the length of the Camp David talks}\n"
                                      "    citations: [{source: fixture-1978, quote: after twelve days}]\nclosures:"),
    "family-without-title": sub("entities:\n", "families:\n  pacts: {order: 2}\nentities:\n"),
    "wording-unknown": sub("entities:\n", "wording:\n  acording_to: \"Per {source}, {text}\"\nentities:\n"),
    "wording-placeholder": sub("entities:\n", "wording:\n  according_to: \"According to {publisher}, {text}\"\n"
                                               "entities:\n"),
    "skip-unknown-question": sub("entities:\n", "relations:\n  signed:\n    skip: [order]\nentities:\n"),
})

# Look-alike names: two entities a reader cannot tell apart.
CASES.update({
    "same-name-twice": sub("  - {id: israel, name: Israel, kind: country}",
                           "  - {id: israel, name: Israel, kind: country}\n  - {id: israel-state, name: Israel, kind: country}"),
    "look-alike-case": sub("  - {id: israel, name: Israel, kind: country}",
                           "  - {id: israel, name: Israel, kind: country}\n  - {id: israel-state, name: ISRAEL, kind: country}"),
    "look-alike-normalisation": sub("  - {id: israel, name: Israel, kind: country}",
                                    "  - {id: israel, name: Isra\u00ebl, kind: country}\n"
                                    "  - {id: israel-state, name: Israe\u0308l, kind: country}"),
    "look-alike-zero-width": sub("  - {id: israel, name: Israel, kind: country}",
                                 "  - {id: israel, name: Israel, kind: country}\n  - {id: israel-state, name: Isr\u200bael, kind: country}"),
    "look-alike-bidi": sub("  - {id: israel, name: Israel, kind: country}",
                           "  - {id: israel, name: Israel, kind: country}\n  - {id: israel-state, name: \u202aIsrael\u202c, kind: country}"),
    "look-alike-alias": sub("aliases: [Begin]", "aliases: [Begin, sadat]"),
})

# Source texts: confined to the --sources folder, regular UTF-8 text files.
CASES.update({
    "text-file-absolute": sub("text_file: camp-david.txt", "text_file: /etc/passwd"),
    "text-file-parent": sub("text_file: camp-david.txt", "text_file: ../../../../etc/passwd"),
    "text-file-pdf": sub("text_file: camp-david.txt", "text_file: camp-david.pdf"),
})

# Dates that are bounds or open starts, figures at several dates, posts not held.
CASES.update({
    "by-and-date": sub("    date: 1978-09-17\n", "    date: 1978-09-17\n    by: 1978-09-30\n"),
    "by-on-a-binary-fact": sub("    date: 1978-09-17\n", "    by: 1978-09-30\n"),
    "by-beside-a-date": sub("closures:", "  - id: talks-held\n    relation: occurred\n    subject: talks\n"
                            "    date: 1978-09-05\n    citations: [{source: fixture-1978, quote: after twelve days}]\n"
                            "  - id: talks-over\n    relation: occurred\n    subject: talks\n"
                            "    by: 1978-09-17\n    citations: [{source: fixture-1978, quote: after twelve days}]\nclosures:"),
    "ongoing-without-date": sub("closures:", "  - id: talks-held\n    relation: occurred\n    subject: talks\n"
                                "    ongoing: true\n    citations: [{source: fixture-1978, quote: x}]\nclosures:"),
    "ongoing-and-until": sub("closures:", "  - id: talks-held\n    relation: occurred\n    subject: talks\n"
                             "    date: 1978-09-05\n    until: 1978-09-17\n    ongoing: true\n"
                             "    citations: [{source: fixture-1978, quote: x}]\nclosures:"),
    "ongoing-on-a-binary-fact": sub("    date: 1978-09-17\n", "    date: 1978-09-17\n    ongoing: true\n"),
    "ongoing-not-true-or-false": sub("closures:", "  - id: talks-held\n    relation: occurred\n    subject: talks\n"
                                     "    date: 1978-09-05\n    ongoing: yes\n"
                                     "    citations: [{source: fixture-1978, quote: x}]\nclosures:"),
    "figures-at-one-date": sub("closures:", "  - id: talks-length-2\n    relation: figure\n    subject: talks\n"
                               "    as_of: 1978-09\n    quantity: {value: 13, unit: days, measure: the length of the "
                               "Camp David talks}\n    citations: [{source: fixture-1978, quote: x}]\n"
                               "  - id: talks-length-3\n    relation: figure\n    subject: talks\n"
                               "    as_of: 1978\n    quantity: {value: 14, unit: days, measure: the length of the "
                               "Camp David talks}\n    citations: [{source: fixture-1978, quote: x}]\nclosures:"),
    "post-held-and-not-held": sub("closures:", "  - id: sadat-not-president\n    relation: holds_role\n"
                                  "    subject: sadat\n    role: President\n    of: egypt\n    as_of: 1978-09\n"
                                  "    negated: true\n    citations: [{source: fixture-1978, quote: President Anwar Sadat}]\nclosures:"),
})

# Cases that are bytes, not a mutation of the text.
ALIAS_BOMB = "\n".join(['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] + [
    f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 10)]) + "\n"
RAW = {
    "utf16-with-bom.yaml": BASE.encode("utf-16"),
    "latin1-bytes.yaml": BASE.replace("Anwar Sadat", "Anwar S\u00e1dat").encode("latin-1"),
    "binary-garbage.yaml": bytes(range(256)) * 4,
    "alias-bomb.yaml": ALIAS_BOMB.encode(),
    "deep-nesting.yaml": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(),
    "pdf-as-fact-file.yaml": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "nul-byte-late.yaml": BASE.replace("Anwar Sadat,", "Anwar\x00 Sadat,").encode(),
    "crlf-with-bell.yaml": BASE.replace("\n", "\r\n").replace("Anwar Sadat,", "Anwar\x07 Sadat,").encode(),
}


def expected_message(path: Path) -> str:
    sys.path.insert(0, str(HERE.parent.parent / "src"))
    from quizgen import pipeline
    from quizgen.errors import QuizgenError

    try:
        pipeline.check_facts(path, DATA / "sources")
    except QuizgenError as exc:
        first = str(exc.problems[0])
        prefix = f"{path}:"
        return first[len(prefix):] if first.startswith(prefix) else first
    raise SystemExit(f"{path.name}: no error")


def main() -> int:
    out = DATA / "invalid"
    out.mkdir(exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    expected = {}
    for name, mutate in sorted(CASES.items()):
        path = out / f"{name}.yaml"
        path.write_text(mutate(BASE), encoding="utf-8")
        expected[path.name] = expected_message(path)
    for name, data in sorted(RAW.items()):
        path = out / name
        path.write_bytes(data)
        expected[path.name] = expected_message(path)
    (out / "expected.json").write_text(json.dumps(dict(sorted(expected.items())), indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    docs = HERE.parent.parent / "docs" / "errors.md"
    docs.write_text(with_catalogue(docs.read_text(encoding="utf-8"), expected), encoding="utf-8")
    for name, message in sorted(expected.items()):
        print(f"{name}: {message}")
    return 0


def catalogue(expected: dict[str, str]) -> str:
    rows = ["| test file | message |", "|---|---|"]
    for name, message in sorted(expected.items()):
        rows.append(f"| `{name}` | `{message.strip().replace('|', '&#124;').replace('`', '&#96;')}` |")
    return "\n".join(rows)


def with_catalogue(text: str, expected: dict[str, str]) -> str:
    start, end = "<!-- catalogue:start -->", "<!-- catalogue:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{catalogue(expected)}\n{end}{tail}"


if __name__ == "__main__":
    raise SystemExit(main())
