"""Write a synthetic file share: many small office files with invented people in them, a few broken ones.

    .venv/bin/python bench/synthetic_share.py /tmp/share --files 10000

For measuring what an admin sees on a large folder (`veil ingest /tmp/share --workers 2`). Every name,
address and number is invented from small lists here; nothing comes from a real data set.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

GIVEN = ["Amara", "Tomasz", "Ingrid", "Kwame", "Lucia", "Farid", "Mei", "Oskar", "Priya", "Rafael"]
FAMILY = ["Okonkwo", "Lindqvist", "Moreau", "Haddad", "Novak", "Castellano", "Brennan", "Takahashi"]
TOPICS = ["the quarterly budget", "the office move", "the supplier contract", "the safety audit",
          "the hiring plan", "the warranty claim", "the training schedule", "the server upgrade"]
SENTENCES = [
    "{name} asked whether {topic} can be reviewed before Friday.",
    "Please send the signed copy of {topic} to {email}.",
    "{name} can be reached on {phone} about {topic}.",
    "The team agreed that {topic} needs one more round of comments.",
    "Minutes: {name} presented {topic}; no objections were raised.",
    "Reminder: {topic} is due at the end of the month.",
]
FOLDERS = ["finance", "hr", "legal", "ops", "it", "sales"]


def person(rng: random.Random) -> dict:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    return {"name": f"{given} {family}", "email": f"{given.lower()}.{family.lower()}@example.org",
            "phone": f"+44 20 7946 {rng.randint(0, 999):03d}{rng.randint(0, 9)}"}


def document(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(1, 4)):
        who = person(rng)
        paragraphs.append(" ".join(rng.choice(SENTENCES).format(topic=rng.choice(TOPICS), **who)
                                   for _ in range(rng.randint(2, 6))))
    return "\n\n".join(paragraphs)


def write_share(root: Path, files: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    broken = {0: b"", 1: rng.randbytes(2048), 2: b"%PDF-1.7\n" + rng.randbytes(512)}
    for i in range(files):
        folder = root / rng.choice(FOLDERS) / f"{2020 + i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 1000 in broken:  # an empty note, binary junk under .docx, a truncated PDF, per thousand files
            suffix = {0: ".txt", 1: ".docx", 2: ".pdf"}[i % 1000]
            (folder / f"file{i:05}{suffix}").write_bytes(broken[i % 1000])
        else:
            suffix = ".md" if i % 3 == 0 else ".txt"
            (folder / f"note{i:05}{suffix}").write_text(document(rng))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    write_share(args.out, args.files)


if __name__ == "__main__":
    main()
