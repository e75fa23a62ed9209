"""Export the packaged all-MiniLM-L6-v2 to ONNX and quantise its weights to int8, once, at install time.

`scripts/install.sh` runs `python -m retrieval.onnx_export`; nothing is downloaded (the weights come
from the packaged model) and nothing lands in git (the result sits in the virtual environment, under
`share/veil/`). The folder holds `model.onnx` (int8 MatMul weights, dynamic batch and sequence axes), the
tokenizer, and `veil-onnx.json`: the source weights' fingerprint and this recipe's version, which
together are the embedder's identity (`retrieval.onnx_embedder`) — so a re-export on another machine
of the same weights by the same recipe is the same embedder, and stored collections stay valid.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

RECIPE = "minilm-onnx-opset17-matmul-int8-per-channel-v1"  # bump when the export or the quantisation changes
MANIFEST = "veil-onnx.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def default_export_dir() -> Path:
    return Path(sys.prefix) / "share" / "veil" / "all-MiniLM-L6-v2-onnx-int8"


def is_current(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    return manifest.get("recipe") == RECIPE and (folder / "model.onnx").is_file()


def export(source: Path, target: Path) -> Path:
    """Export `source` (a sentence-transformers MiniLM folder) into `target`, replacing it atomically."""
    import torch
    from transformers import AutoModel

    from retrieval.identity import folder_fingerprint
    from retrieval.onnx_runtime import onnxruntime_module

    onnxruntime_module()  # first, so its telemetry SDK leaves no session file in TMPDIR
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = AutoModel.from_pretrained(str(source), local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):  # keyword arguments: BertModel's positional order varies by version
        def __init__(self) -> None:
            super().__init__()
            self.bert = model  # a sub-module: its weights export as weights, not as traced constants

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        work = Path(tmp)
        dummy = torch.ones((2, 8), dtype=torch.long)
        dynamic = {0: "batch", 1: "sequence"}
        with torch.no_grad():
            torch.onnx.export(LastHiddenState(), (dummy, dummy, torch.zeros_like(dummy)), str(work / "float.onnx"),
                              input_names=["input_ids", "attention_mask", "token_type_ids"],
                              output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                              dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic,
                                            "token_type_ids": dynamic, "last_hidden_state": dynamic})
        built = work / "built"
        built.mkdir()
        # Only the MatMul weights, one scale per output channel: cosine to torch ≥ 0.98 on long and short
        # texts, against 0.93 for the defaults (which also quantise the embedding tables); as fast.
        quantize_dynamic(str(work / "float.onnx"), str(built / "model.onnx"), weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul"], per_channel=True)
        for name in TOKENIZER_FILES:
            if (source / name).is_file():
                shutil.copy2(source / name, built / name)
        (built / MANIFEST).write_text(json.dumps({
            "recipe": RECIPE, "source_fingerprint": folder_fingerprint(source),
            "dim": int(model.config.hidden_size), "max_length": _max_length(source)}, indent=1))
        if target.exists():
            shutil.rmtree(target)
        built.rename(target)
    return target


def _max_length(source: Path) -> int:
    """sentence-transformers truncates MiniLM at 256 tokens (sentence_bert_config.json); the same here."""
    try:
        return int(json.loads((source / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return 256


def main() -> None:
    from retrieval.sentence_transformers import packaged_minilm_path

    target = default_export_dir()
    if is_current(target):
        print(f"ONNX int8 MiniLM is current in {target}")
        return
    print("exporting the packaged MiniLM to ONNX int8 (once, about a minute)...", flush=True)
    export(Path(packaged_minilm_path()), target)
    print(f"ONNX int8 MiniLM written to {target}")


if __name__ == "__main__":
    main()
