"""Who signed what: which of these signed D, which did not, did X sign D, when and where."""

from __future__ import annotations

from ..questions import Question
from .binary import binary_questions
from .common import Context

FAMILY = "signing"


def generate(ctx: Context) -> list[Question]:
    return binary_questions(ctx, FAMILY)
