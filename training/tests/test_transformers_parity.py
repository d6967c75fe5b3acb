"""The loaders and the exporter against an independent implementation: Hugging Face
``transformers`` (PyTorch, CPU).

For each family a small random model is built with ``transformers`` (Gemma 3 with sliding and
global layers, Gemma 2 with soft-capping and alternating layers, both with a window shorter
than the inputs), saved as safetensors and loaded through ``model.weights_dir`` with preset
``custom``. Required: the same logits on the same token ids (float32, max abs diff <= 1e-4),
the same greedy tokens from ``tunix-rt-train eval``, identical logits with fresh LoRA adapters
(B = 0), and an exported run that ``transformers`` loads with the trained model's logits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest
import torch
import transformers as _transformers
from flax import nnx

from tunix_rt_training import data as data_lib
from tunix_rt_training import export as export_lib
from tunix_rt_training import loading, orbax_weights
from tunix_rt_training import model as model_lib
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.architectures import HF_MODEL
from tunix_rt_training.cli import main as cli
from tunix_rt_training.config import Config, ConfigError, load_config
from tunix_rt_training.runs import read_jsonl

from .conftest import SAMPLE_DATA, TINY_CONFIG

transformers: Any = _transformers  # its partial annotations are not this suite's subject

VOCAB = 512  # the BPE below (400 pieces) padded to a multiple of 128
TOLERANCE = 1e-4
DIMS = {"embed_dim": 64, "hidden_dim": 128, "num_heads": 4, "head_dim": 16, "num_kv_heads": 2}
FAMILIES: dict[str, dict[str, Any]] = {
    # 7 layers: five sliding-window layers, a global one, then a sliding one again; a window
    # shorter than the inputs.
    "gemma3": {"num_layers": 7, "window": 8, "rope": {"local": 10_000.0, "global": 1e6}},
    # Tunix's Gemma 2 is right only where its window covers the sequence (the config refuses
    # anything else; see test_gemma2_window_shorter_than_a_row_is_refused).
    "gemma2": {
        "num_layers": 4,
        "window": 512,
        "attn_logit_softcap": 50.0,
        "final_logit_softcap": 30.0,
    },
}


@dataclass(frozen=True)
class Reference:
    family: str
    hf: Any
    weights_dir: Path
    tokenizer_path: Path
    overrides: list[str]


def _hf_model(family: str) -> Any:
    spec = FAMILIES[family]
    common = {
        "vocab_size": VOCAB,
        "hidden_size": DIMS["embed_dim"],
        "intermediate_size": DIMS["hidden_dim"],
        "num_hidden_layers": spec["num_layers"],
        "num_attention_heads": DIMS["num_heads"],
        "num_key_value_heads": DIMS["num_kv_heads"],
        "head_dim": DIMS["head_dim"],
        "query_pre_attn_scalar": DIMS["head_dim"],
        "sliding_window": spec["window"],
    }
    if family == "gemma3":
        config = transformers.Gemma3TextConfig(
            **common,
            rope_parameters={
                "full_attention": {"rope_type": "default", "rope_theta": spec["rope"]["global"]},
                "sliding_attention": {"rope_type": "default", "rope_theta": spec["rope"]["local"]},
            },
        )
        assert {"full_attention", "sliding_attention"} <= set(config.layer_types)
        model = transformers.Gemma3ForCausalLM(config)
    else:
        config = transformers.Gemma2Config(
            **common,
            attn_logit_softcapping=spec["attn_logit_softcap"],
            final_logit_softcapping=spec["final_logit_softcap"],
            # transformers applies the attention soft-cap only in its eager attention.
            attn_implementation="eager",
        )
        model = transformers.Gemma2ForCausalLM(config)
    torch.manual_seed(0)
    with torch.no_grad():  # non-trivial norms too: a transposition mistake cannot hide
        for name, parameter in model.named_parameters():
            parameter.normal_(0.0, 0.3 if "norm" in name else 0.2)
    return model.eval()


def _overrides(family: str, weights_dir: Path, tokenizer_path: Path) -> list[str]:
    spec = FAMILIES[family]
    out = [
        "model.preset=custom",
        f"model.custom.family={family}",
        f"model.custom.num_layers={spec['num_layers']}",
        f"model.custom.sliding_window={spec['window']}",
        *(f"model.custom.{key}={value}" for key, value in DIMS.items()),
        f"model.weights_dir={weights_dir}",
        f"tokenizer.path={tokenizer_path}",
        "training.seq_len=256",
    ]
    if family == "gemma2":
        out += [
            f"model.custom.attn_logit_softcap={spec['attn_logit_softcap']}",
            f"model.custom.final_logit_softcap={spec['final_logit_softcap']}",
        ]
    return out


@pytest.fixture(scope="module")
def tokenizer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = [row["prompt"] + row["completion"] for row in read_jsonl(SAMPLE_DATA)]
    processor = tokenizer_lib.train_bpe(texts, 400)
    assert processor.vocab_size() == VOCAB
    path = tmp_path_factory.mktemp("tokenizer") / "tokenizer.model"
    tokenizer_lib.save(processor, path)
    return path


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def reference(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    tokenizer_path: Path,
) -> Reference:
    family = request.param
    hf = _hf_model(family)
    weights = tmp_path_factory.mktemp(f"{family}-weights")
    hf.save_pretrained(weights, safe_serialization=True)
    overrides = _overrides(family, weights, tokenizer_path)
    return Reference(family, hf, weights, tokenizer_path, overrides)


def _config(reference: Reference, *extra: str) -> Config:
    return load_config(TINY_CONFIG, [f"data.path={SAMPLE_DATA}", *reference.overrides, *extra])


def _token_batch(seed: int = 0, length: int = 40) -> np.ndarray:
    # Longer than the window: the sliding layers must mask what the global ones see.
    rng = np.random.default_rng(seed)
    tokens = rng.integers(3, VOCAB, size=(2, length)).astype(np.int32)
    tokens[:, 0] = 2
    return tokens


def _ours(model: Any, mesh: Any, tokens: np.ndarray) -> np.ndarray:
    rows = data_lib.Rows(
        tokens,
        np.ones_like(tokens),
        np.ones_like(tokens),
        np.broadcast_to(np.arange(tokens.shape[1], dtype=np.int32), tokens.shape).copy(),
    )
    batch = {key: getattr(rows, key) for key in data_lib.BATCH_KEYS}
    with mesh:
        return np.asarray(model_lib.forward_logits(model, batch), dtype=np.float32)


def _theirs(hf: Any, tokens: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        logits: np.ndarray = hf(torch.tensor(tokens, dtype=torch.long)).logits.float().numpy()
    return logits


def _build(config: Config) -> tuple[Any, Any, model_lib.ModelSpec]:
    mesh = model_lib.make_mesh(config.mesh)
    spec = model_lib.model_spec(config, vocab_size=VOCAB)
    return model_lib.build_model(config, spec, mesh), mesh, spec


def test_loaded_model_has_the_logits_of_transformers(reference: Reference) -> None:
    model, mesh, spec = _build(_config(reference))
    assert spec.arch.vocab_size == VOCAB  # read from the weights
    tokens = _token_batch()
    ours, theirs = _ours(model, mesh, tokens), _theirs(reference.hf, tokens)
    difference = float(np.abs(ours - theirs).max())
    print(f"{reference.family}: max |logit difference| vs transformers = {difference:.2e}")
    assert difference <= TOLERANCE
    assert float(np.abs(theirs).max()) > 1.0  # the comparison is not of near-zero logits

    if reference.family == "gemma3":  # without the window the outputs differ: the test sees it
        wide = model_lib.model_spec(_config(reference, "model.custom.sliding_window=64"), VOCAB)
        unmasked = model_lib.model_class(wide.family)(wide.config, rngs=nnx.Rngs(0))
        nnx.update(unmasked, nnx.state(model, nnx.Param))
        assert float(np.abs(_ours(unmasked, mesh, tokens) - theirs).max()) > 1e-2


def test_fresh_lora_adapters_start_from_identical_logits(reference: Reference) -> None:
    model, mesh, _ = _build(_config(reference, "model.lora={rank: 4, alpha: 8}"))
    assert model_lib.is_lora(model)
    tokens = _token_batch(1)
    assert float(np.abs(_ours(model, mesh, tokens) - _theirs(reference.hf, tokens)).max()) <= (
        TOLERANCE
    )


def test_eval_generates_the_greedy_tokens_of_transformers(
    reference: Reference, tmp_path: Path
) -> None:
    out = tmp_path / "eval"
    code = cli(
        [
            "eval",
            str(TINY_CONFIG),
            f"data.path={SAMPLE_DATA}",
            *reference.overrides,
            "eval.limit=3",
            "eval.max_new_tokens=20",
            "eval.batch_size=3",
            f"output.dir={out}",
        ]
    )
    assert code == 0
    tokenizer = tokenizer_lib.load(reference.tokenizer_path)
    stop = tokenizer_lib.stop_ids(tokenizer)
    rows = read_jsonl(out / "eval_outputs.jsonl")
    assert len(rows) == 3
    for row in rows:
        prompt = [tokenizer.bos_id(), *tokenizer.encode(row["prompt"])]
        with torch.no_grad():
            generated = reference.hf.generate(
                torch.tensor([prompt]),
                max_new_tokens=20,
                do_sample=False,
                eos_token_id=stop,
                pad_token_id=tokenizer.pad_id(),
            )[0, len(prompt) :].tolist()
        cut = next((i for i, token in enumerate(generated) if token in stop), len(generated))
        assert len(generated[:cut]) > 8  # enough tokens past the prompt to be a real check
        assert row["response"] == tokenizer.decode(generated[:cut]), row["id"]


def test_weights_of_another_shape_are_refused_naming_the_difference(
    reference: Reference,
) -> None:
    window = FAMILIES[reference.family]["window"]
    config = _config(reference, f"model.custom.sliding_window={2 * window}")
    with pytest.raises(model_lib.ModelError) as caught:
        _build(config)
    message = str(caught.value)
    assert f"sliding_window: the weights have {window}, the config {2 * window}" in message
    config = _config(reference, "model.custom.num_layers=8", "model.custom.num_kv_heads=1")
    with pytest.raises(model_lib.ModelError) as caught:
        _build(config)
    assert "num_layers: the weights have" in str(caught.value)
    assert "num_kv_heads: the weights have 2, the config 1" in str(caught.value)


def test_gemma2_window_shorter_than_a_row_is_refused(tokenizer_path: Path) -> None:
    overrides = _overrides("gemma2", Path("unused"), tokenizer_path)
    with pytest.raises(ConfigError, match=r"sliding_window \(128\) must be >= training\.seq_len"):
        load_config(TINY_CONFIG, [*overrides, "model.custom.sliding_window=128"])


@pytest.mark.slow
def test_export_reaches_transformers_and_orbax_with_the_trained_logits(
    reference: Reference, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    code = cli(
        [
            "sft",
            str(TINY_CONFIG),
            f"data.path={SAMPLE_DATA}",
            *reference.overrides,
            "model.lora={rank: 4, alpha: 8}",
            "data.limit=4",
            "training.batch_size=2",
            "training.max_steps=3",
            "training.learning_rate=0.05",
            f"output.dir={run}",
        ]
    )
    assert code == 0
    tokens = _token_batch(2)
    mesh = model_lib.make_mesh(_config(reference).mesh)
    trained = loading.build_run_model(run, mesh)  # adapters kept, not merged
    expected = _ours(trained.model, mesh, tokens)
    assert float(np.abs(expected - _theirs(reference.hf, tokens)).max()) > 1e-2  # it trained

    hf_dir = tmp_path / "hf"
    assert cli(["export", str(run), "--format", "safetensors", "--out", str(hf_dir)]) == 0
    manifest = json.loads((hf_dir / export_lib.EXPORT_MANIFEST).read_text())
    assert manifest["lora_merged"]
    assert manifest["step"] == 3
    exported = transformers.AutoModelForCausalLM.from_pretrained(hf_dir).eval()
    assert type(exported).__name__ == HF_MODEL[reference.family][0]
    difference = float(np.abs(_theirs(exported, tokens) - expected).max())
    print(f"{reference.family}: exported model vs trained, max |logit difference| {difference:.2e}")
    assert difference <= TOLERANCE

    orbax_dir = tmp_path / "orbax"
    assert cli(["export", str(run), "--format", "orbax", "--out", str(orbax_dir)]) == 0
    checkpoint = orbax_dir / export_lib.ORBAX_DIR
    reloaded, mesh, _ = _build(
        _config(reference, f"model.weights_dir={checkpoint}", "model.weights_format=orbax")
    )
    assert float(np.abs(_ours(reloaded, mesh, tokens) - expected).max()) <= TOLERANCE
    # Tunix's own reader of the upstream layout sees the same model.
    upstream = _tunix_upstream_reader(reference.family, checkpoint, reloaded)
    assert float(np.abs(_ours(upstream, mesh, tokens) - expected).max()) <= TOLERANCE
    assert not (tmp_path / ".orbax.partial").exists()
    assert cli(["export", str(run), "--format", "orbax", "--out", str(orbax_dir)]) == 2


def _tunix_upstream_reader(family: str, checkpoint: Path, like: Any) -> Any:
    """The model Tunix's own upstream-layout code builds from ``checkpoint``."""
    if family == "gemma3":
        from tunix.models.gemma3 import params as g3_params

        return g3_params.create_model_from_checkpoint(
            str(checkpoint), like.config, dtype=jnp.float32
        )
    from tunix.models.gemma import model as g2_model
    from tunix.models.gemma import params as g2_params
    from tunix.models.gemma.model import (
        _assign_linen_params_to_nnx_state,
        _map_linen_var_names,
        module_from_linen_variables,
    )

    params = g2_params.load_and_format_params(str(checkpoint))
    return module_from_linen_variables(
        module_factory=lambda: g2_model.Gemma(like.config, rngs=nnx.Rngs(params=0)),
        variables=params["transformer"],
        map_key_fn=_map_linen_var_names,
        assign_val_fn=_assign_linen_params_to_nnx_state,
    )


def test_orbax_round_trip_keeps_every_parameter(reference: Reference, tmp_path: Path) -> None:
    model, _, spec = _build(_config(reference))
    orbax_weights.save(model, spec.family, tmp_path / "ckpt")
    reloaded, _, _ = _build(
        _config(reference, f"model.weights_dir={tmp_path / 'ckpt'}", "model.weights_format=orbax")
    )
    ours = nnx.to_pure_dict(nnx.state(model, nnx.Param))
    theirs = nnx.to_pure_dict(nnx.state(reloaded, nnx.Param))
    flat_ours = dict(_flatten(ours))
    flat_theirs = dict(_flatten(theirs))
    assert flat_ours.keys() == flat_theirs.keys()
    for key, value in flat_ours.items():
        np.testing.assert_array_equal(np.asarray(value), np.asarray(flat_theirs[key]), key)


def _flatten(tree: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _flatten(value, f"{prefix}/{key}")
    else:
        yield prefix, tree
