# The two commands of the README. Both install whatever is missing first (scripts/install.sh).
.PHONY: run test install

install:
	@bash scripts/install.sh

# Ingest the bundled sample documents, then serve the API on 127.0.0.1:8000.
run: install
	.venv/bin/veil ingest examples/documents
	.venv/bin/veil serve

test: install
	.venv/bin/python -m pytest
