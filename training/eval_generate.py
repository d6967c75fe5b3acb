"""Generate and score: the same as `tunix-rt-train eval CONFIG [checkpoint=RUN_DIR] [k=v ...]`.

Kept as a script for notebooks and older instructions: `python training/eval_generate.py ...`.
"""

import sys

from tunix_rt_training.cli import main

if __name__ == "__main__":
    sys.exit(main(["eval", *sys.argv[1:]]))
