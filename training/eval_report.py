"""Before/after report: the same as `tunix-rt-train report BEFORE_DIR AFTER_DIR [--out FILE]`.

Kept as a script for notebooks and older instructions: `python training/eval_report.py ...`.
"""

import sys

from tunix_rt_training.cli import main

if __name__ == "__main__":
    sys.exit(main(["report", *sys.argv[1:]]))
