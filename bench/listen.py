#!/usr/bin/env python3
"""Listen to a handout as a screen reader reads it: its structure tree's text, in order.

    python bench/listen.py handout.pdf [--wav handout.wav] [--words 400]

Prints what a reader would say (headings, tables and list items named, as most screen
readers name them) and, with espeak-ng installed, speaks it into a WAV file and prints
its length. A validator checks that the tags are there; only listening tells whether
the reading order and the words make sense. The text comes from poppler's
``pdfinfo -struct-text`` (poppler-utils).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

SPOKEN_ROLE = {"H1": "Heading 1.", "H2": "Heading 2.", "H3": "Heading 3.", "Table": "Table."}
SPOKEN_ROLE |= {"Figure": "Graphic.", "L": "List.", "Link": "Link."}
_ELEMENT = re.compile(r"^(\s*)([A-Za-z0-9]+)(?: \(.*\))?:?$")
_TEXT = re.compile(r'^\s*"(.*)"$')


def reading(pdf: Path) -> list[str]:
    """Lines a screen reader would speak, from the structure tree in reading order."""
    out = subprocess.run(
        ["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    spoken: list[str] = []
    for line in out.splitlines():
        if text := _TEXT.match(line):
            words = " ".join(text[1].split())
            if words:
                spoken.append(words)
        elif (element := _ELEMENT.match(line)) and (role := SPOKEN_ROLE.get(element[2])):
            spoken.append(role)
    return spoken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--wav", type=Path, help="Speak the text into this WAV (espeak-ng).")
    parser.add_argument("--words", type=int, default=0, help="Speak only the first N words.")
    args = parser.parse_args()
    if not shutil.which("pdfinfo"):
        print("pdfinfo not found: install poppler-utils", file=sys.stderr)
        return 1
    lines = reading(args.pdf)
    print("\n".join(lines))
    if args.wav:
        if not shutil.which("espeak-ng"):
            print("espeak-ng not found: install espeak-ng to listen", file=sys.stderr)
            return 1
        text = "\n".join(lines)
        if args.words:
            text = " ".join(text.split()[: args.words])
        subprocess.run(["espeak-ng", "-v", "en-gb", "-w", str(args.wav), text], check=True)
        with wave.open(str(args.wav)) as sound:
            seconds = sound.getnframes() / sound.getframerate()
        words = len(text.split())
        print(f"\n{args.wav}: {seconds:.0f} s spoken, {words} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
