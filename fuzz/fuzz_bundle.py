"""Fuzz the bundle reader: ``--target=`` bundle_file (default), bundle_contents, import_parse or
strictjson (see ``fuzztargets.py``). Make the seeds and keys first with ``make_corpus.py``.

Example::

    PYTHONPATH=src python fuzz/make_corpus.py
    PYTHONPATH=src python fuzz/fuzz_bundle.py --target=bundle_contents -runs=100000 \\
        fuzz/.work/corpus/bundle_contents fuzz/.work/seeds/bundle_contents
"""

from __future__ import annotations

import sys

from atheris_main import run

if __name__ == "__main__":
    run(sys.argv, ("bundle_file", "bundle_contents", "import_parse", "strictjson"))
