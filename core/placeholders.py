"""The form every placeholder takes in stored text: `<TYPE_N>` (for example `<PERSON_3>`)."""

import re

PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*?)_(\d+)>")
