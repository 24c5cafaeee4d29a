"""The frozen desktop program's entry (packaging/legalaid.spec): ``legalaid_desktop.gui.main``.

``multiprocessing.freeze_support()`` comes first: the demo generator makes rows in a second
process (the ``spawn`` method), which in a frozen build is this same executable started again.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from legalaid_desktop.gui.main import main

    sys.exit(main())
