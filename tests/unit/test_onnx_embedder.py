"""The ONNX int8 MiniLM (exported by scripts/install.sh): the torch model's space within quantisation
noise, vectors in the caller's order whatever the batching, its own identity, a clear error without it."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from retrieval.identity import PACKAGED_MINILM
from retrieval.onnx_embedder import OnnxEmbedder
from retrieval.onnx_export import default_export_dir, is_current
from retrieval.sentence_transformers import SentenceTransformerEmbedder

TEXTS = ["What dose of apixaban was prescribed?",
         "The patient was discharged on apixaban 5 mg twice daily after an episode of atrial fibrillation.",
         "Refunds are paid within 14 days to the account the customer named.",
         "Short.",
         "The court held that the interference with the applicant's private life was not necessary in a "
         "democratic society, and found a violation of Article 8 of the Convention. " * 6]


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbedder:
    assert is_current(default_export_dir()), "scripts/install.sh exports the ONNX MiniLM; run it again"
    return OnnxEmbedder()


def test_vectors_stay_in_the_torch_model_space(onnx):
    torch_vectors = SentenceTransformerEmbedder(None).embed_documents(TEXTS)
    onnx_vectors = onnx.embed_documents(TEXTS)
    assert onnx_vectors.shape == torch_vectors.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    same_text = (onnx_vectors * torch_vectors).sum(axis=1)
    assert same_text.min() > 0.98, same_text  # int8 weights: close to torch, not equal
    # and a question scores each text as torch does, within quantisation noise (an exact order among
    # unrelated texts a few thousandths apart is not a property of the model and differed between exports)
    onnx_scores = onnx_vectors[1:] @ onnx.embed_query(TEXTS[0])
    torch_scores = torch_vectors[1:] @ torch_vectors[0]
    assert np.abs(onnx_scores - torch_scores).max() < 0.03, (onnx_scores, torch_scores)
    assert onnx_scores.argmax() == torch_scores.argmax() == 0


def test_a_vector_never_depends_on_what_it_was_embedded_beside(onnx):
    together = onnx.embed_documents(TEXTS)
    alone = np.stack([onnx.embed_query(t) for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-6)  # dynamic int8 would scale a padded batch jointly
    assert np.allclose(onnx.embed_documents(TEXTS[::-1])[::-1], together, atol=1e-6)
    assert onnx.embed_documents([]).shape == (0, 384)


def test_a_single_thread_session_gives_the_same_vectors(onnx):
    """bench/ingest_cpu.py embeds on one thread to measure the CPU cost: it must be the same embedder."""
    one_thread = OnnxEmbedder(intra_op_threads=1)
    assert one_thread._session.get_session_options().intra_op_num_threads == 1
    assert np.allclose(one_thread.embed_documents(TEXTS), onnx.embed_documents(TEXTS), atol=1e-5)
    assert one_thread.identity == onnx.identity


def test_its_identity_is_the_source_weights_and_the_recipe(onnx):
    identity = onnx.identity
    assert (identity.name, identity.backend, identity.dim) == (PACKAGED_MINILM, "onnx", 384)
    torch_identity = SentenceTransformerEmbedder(None).identity
    assert not identity.accepts(torch_identity) and not torch_identity.accepts(identity)
    assert identity.fingerprint.startswith(torch_identity.fingerprint)  # the source weights, then the recipe


def test_a_missing_export_is_a_clear_configuration_error(tmp_path):
    with pytest.raises(ConfigError, match="scripts/install.sh"):
        OnnxEmbedder(str(tmp_path)).embed_query("anything")


def test_a_collection_recorded_with_onnx_gets_its_embedder_back_and_reindex_names_it(onnx, tmp_path):
    from api.reindex_cli import embedding_settings
    from api.wiring import build_embedder, embedder_for
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path)
    rebuilt = embedder_for(settings, onnx.identity)
    assert isinstance(rebuilt, OnnxEmbedder) and rebuilt.identity == onnx.identity
    assert onnx.identity.accepts(rebuilt.identity)
    target = build_embedder(embedding_settings(settings, "onnx"))
    assert isinstance(target, OnnxEmbedder) and target.identity == onnx.identity


def test_loading_onnxruntime_leaves_no_telemetry_session_file(tmp_path):
    """onnxruntime's bundled telemetry SDK may write $TMPDIR/.ses on import; Veil's import leaves nothing."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("from retrieval.onnx_embedder import OnnxEmbedder; import os; "
            "OnnxEmbedder().embed_query('x'); print(os.environ['TMPDIR'])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "TMPDIR": str(tmp_path)})
    assert out.stdout.strip() == str(tmp_path)  # TMPDIR is the caller's again
    # A bare `import onnxruntime` wrote `.ses` here on the development machine but not on CI's, so the
    # test pins Veil's behaviour only, not the SDK's.
    assert list(tmp_path.iterdir()) == []
