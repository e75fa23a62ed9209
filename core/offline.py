"""Process-wide offline hardening (privacy invariant 6): no telemetry, no hub look-ups, no downloads.

Called once at start-up by every entry point, before any third-party library is imported.
"""

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "true",
    "SCARF_NO_ANALYTICS": "true",
    "UNSTRUCTURED_DISABLE_NOTICE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    # unstructured's OCR engine: Tesseract (a Debian binary). Another agent (PaddleOCR) downloads models.
    "OCR_AGENT": "unstructured.partition.utils.ocr_models.tesseract_ocr.OCRAgentTesseract",
}


def harden_environment() -> None:
    """Force the offline flags; a user's own value never turns telemetry back on."""
    os.environ.update(OFFLINE_ENV)
