"""Fuzz the enrollment-file reader (requests, responses and the roster; see ``fuzztargets.py``).

Example::

    PYTHONPATH=src python fuzz/make_corpus.py
    PYTHONPATH=src python fuzz/fuzz_enrollment.py -runs=100000 \\
        fuzz/.work/corpus/enrollment fuzz/.work/seeds/enrollment
"""

from __future__ import annotations

import sys

from atheris_main import run

if __name__ == "__main__":
    run(sys.argv, ("enrollment",))
