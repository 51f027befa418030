"""Entry point (``quizgen`` and ``python -m quizgen``).

Ctrl-C during start-up ends the process quietly: this handler is installed before the
command line's libraries are imported, and ``cli.main`` replaces it with its own.
"""

import os
import signal


def _leave(signum, frame) -> None:
    os.write(2, b"quizgen: interrupted\n")
    os._exit(130)


signal.signal(signal.SIGINT, _leave)


def main() -> None:
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
