"""Train (SFT) with Tunix: the same as `tunix-rt-train sft CONFIG [key=value ...]`.

Kept as a script for notebooks and older instructions: `python training/train_sft_tunix.py ...`.
"""

import sys

from tunix_rt_training.cli import main

if __name__ == "__main__":
    sys.exit(main(["sft", *sys.argv[1:]]))
