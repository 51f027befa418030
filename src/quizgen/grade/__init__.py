"""Marking scanned answer sheets (`quizgen grade`): needs the optional extra quizgen[grade]."""
