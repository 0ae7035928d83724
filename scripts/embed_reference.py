"""An independent reference for chorus-embed: the sentence-transformers forward pass of a
BERT model folder (config.json, model.safetensors, tokenizer.json) written out in NumPy from
the published architecture (BERT encoder, mean pooling over the attention mask, unit length),
with the Hugging Face `tokenizers` package for the word pieces. It shares no code with the
Rust crate but the tokenizer's rules.

    pip install numpy tokenizers
    python3 scripts/embed_reference.py MODEL_DIR SENTENCES.txt OUT.json   # one sentence a line
    python3 scripts/embed_reference.py MODEL_DIR --jsonl IN.jsonl FIELD OUT.npy

The first form writes {"model", "max_tokens", "sentences": [{"text", "ids", "vector"}]}.
"""

import json
import math
import struct
import sys

import numpy as np
from tokenizers import Tokenizer


def load_safetensors(path):
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        arr = np.frombuffer(data[start:end], dtype=dtypes[meta["dtype"]]).reshape(meta["shape"])
        tensors[name.removeprefix("bert.")] = arr.astype(np.float32) if arr.dtype != np.int64 else arr
    return tensors


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def erf(x):
    # Abramowitz and Stegun 7.1.26: absolute error below 1.5e-7, vectorised (math.erf one
    # element at a time made the whole forward pass a hundred times slower).
    x = np.asarray(x, dtype=np.float64)
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return s * (1.0 - poly * np.exp(-a * a))


def gelu(x):
    # The exact (erf) GELU that BERT's "gelu" names.
    return (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(np.float32)


class Reference:
    def __init__(self, model_dir):
        self.cfg = json.load(open(f"{model_dir}/config.json"))
        self.w = load_safetensors(f"{model_dir}/model.safetensors")
        self.tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
        self.tok.no_padding()
        try:
            st = json.load(open(f"{model_dir}/sentence_bert_config.json"))
            self.max_tokens = int(st["max_seq_length"])
        except (OSError, KeyError):
            self.max_tokens = self.cfg["max_position_embeddings"]
        self.tok.enable_truncation(self.max_tokens)

    def ids(self, text):
        return self.tok.encode(text).ids

    def embed_ids(self, ids):
        w, cfg = self.w, self.cfg
        eps = cfg["layer_norm_eps"]
        n = len(ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        heads = cfg["num_attention_heads"]
        d = cfg["hidden_size"] // heads
        for i in range(cfg["num_hidden_layers"]):
            p = f"encoder.layer.{i}."

            def lin(name, v):
                return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q = lin("attention.self.query", x).reshape(n, heads, d).transpose(1, 0, 2)
            k = lin("attention.self.key", x).reshape(n, heads, d).transpose(1, 0, 2)
            v = lin("attention.self.value", x).reshape(n, heads, d).transpose(1, 0, 2)
            s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = (s @ v).transpose(1, 0, 2).reshape(n, heads * d)
            x = layer_norm(
                lin("attention.output.dense", a) + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                eps,
            )
            h = gelu(lin("intermediate.dense", x))
            x = layer_norm(
                lin("output.dense", h) + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                eps,
            )
        pooled = x.mean(0)
        return pooled / max(np.linalg.norm(pooled), 1e-12)

    def embed(self, text):
        return self.embed_ids(self.ids(text))


def main():
    model_dir = sys.argv[1]
    ref = Reference(model_dir)
    if sys.argv[2] == "--jsonl":
        field, out = sys.argv[4], sys.argv[5]
        rows = [json.loads(line) for line in open(sys.argv[3]) if line.strip()]
        vecs = np.stack([ref.embed(r[field]) for r in rows]).astype(np.float32)
        np.save(out, vecs)
        return
    sentences = [line.rstrip("\n") for line in open(sys.argv[2]) if line.strip()]
    result = {
        "model": json.load(open(f"{model_dir}/config.json")).get("_name_or_path", ""),
        "max_tokens": ref.max_tokens,
        "sentences": [
            {
                "text": s,
                "ids": ref.ids(s),
                "vector": [round(float(v), 7) for v in ref.embed(s)],
            }
            for s in sentences
        ],
    }
    json.dump(result, open(sys.argv[3], "w"), indent=1)


if __name__ == "__main__":
    main()
