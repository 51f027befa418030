"""quizgen: turn a curated, cited fact file into Anki decks and printable quizzes."""

__version__ = "0.1.0"
