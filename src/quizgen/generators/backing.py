"""Who backs whom: which side does X back, which of these backs S, match backers to sides."""

from __future__ import annotations

from ..questions import Question
from .binary import binary_questions
from .common import Context

FAMILY = "backing"


def generate(ctx: Context) -> list[Question]:
    return binary_questions(ctx, FAMILY)
