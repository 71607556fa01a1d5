"""Benchmarks: ingest throughput, query latency and memory by index size, start-up, Chroma server, concurrency.

python -m evals.bench [--sizes 1000,10000,100000] [--out evals/results/bench.json] [--questions 30]
                      [--real ../shared/realcorpus] [--merge] [--keep /tmp/bench-indexes]

- Ingest: parsing alone (pages/s), embedding alone (chunks/s), a whole ingest of corpus/ into a
  fresh index, and a re-ingest of the unchanged corpus (a sync that should skip everything).
- Real papers (--real): `ingest build` of the real corpus end to end with the int8 and the float
  model side by side (pages/s, chunks/s), retrieval quality of each on gold_v1 and real_v1, and the
  embedding levers (int8 against float, texts sorted by length or not) on real chunk texts.
- Query: for each size, a subprocess builds an index of N chunks (the real corpus chunks copied
  under other council names and shifted dates; vectors = the real chunk's vector plus small
  gaussian noise, renormalised) and times Assistant.ask (extractive) on gold-set questions, with
  the stage split from Answer.timings_ms and the peak RSS of that process, and a timeline ask
  (the ten-year trace) over the whole index.
- Start-up: wall time of `python -m assistant ask "..." --json` in a fresh process, on the demo index
  and at the largest size up to 100k (with the saved keyword index; then after a paper is added and
  `ingest build` has brought that index in step), and
  of `python app.py` to its first answer over HTTP.
- Server: the largest size up to 100k again against a `chroma run` server on 127.0.0.1.
- Concurrency: 20 users asking while `ingest build` writes the real Bristol papers (1,313 pages)
  into the served index.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import pickle
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from .metrics import percentile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "evals" / "results" / "bench.json"
NOISE_SIGMA = 0.01
VECTORS = (
    f"synthetic: each copy's vector is its real chunk's all-MiniLM-L6-v2 vector plus gaussian noise "
    f"(sigma {NOISE_SIGMA} per dimension), renormalised to unit length; copy 0 is the real corpus"
)
TRACE_QUESTION = "How has social value reporting developed over the years?"
STAGES = ("embed_ms", "dense_ms", "keyword_ms", "fusion_ms", "compose_ms", "total_ms")
BUILT = "bench-built.json"
"""Written into a size's index folder once its build is complete: with --keep, a later run reuses the index."""


def _env() -> dict:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    return env


def _peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- ingest ------------------------------------------------------------------------------------------


def bench_ingest(corpus: Path, work: Path) -> tuple[dict, Path]:
    """Parse, embed and whole-ingest timings; writes work/papers.pkl (papers, chunks, vectors) for the workers."""
    from assistant.settings import Settings
    from ingest.chunking import chunk_paper
    from ingest.embedding import embeddings_for
    from ingest.pipeline import _pdf_files, embedding_text, ingest_corpus, parse_pdf, source_name

    settings = Settings(index_dir=work / "ingest-index", root=ROOT, chroma_url="")
    files = _pdf_files(corpus)
    started = time.perf_counter()
    papers = [parse_pdf(p.read_bytes(), source=source_name(p, ROOT), settings=settings) for p in files]
    parse_s = time.perf_counter() - started
    pages = sum(len(p.pages) for p in papers)

    chunked = [(paper, chunk_paper(paper, chunk_chars=settings.chunk_chars, overlap=settings.chunk_overlap)) for paper in papers]
    texts = [embedding_text(c) for _, chunks in chunked for c in chunks]
    embeddings = embeddings_for(settings)
    embeddings.embed_documents(["warm-up: load the model before timing"])
    started = time.perf_counter()
    vectors = embeddings.embed_documents(texts)
    embed_s = time.perf_counter() - started

    report = ingest_corpus(corpus, settings=settings, embeddings=embeddings)
    whole_s = report.seconds
    again = ingest_corpus(corpus, settings=settings, embeddings=embeddings)
    reingest_s = again.seconds

    records, offset = [], 0
    for paper, chunks in chunked:
        records.append((paper, chunks, vectors[offset : offset + len(chunks)]))
        offset += len(chunks)
    pickle_path = work / "papers.pkl"
    pickle_path.write_bytes(pickle.dumps(records))
    return (
        {
            "files": len(files),
            "pages": pages,
            "chunks": len(texts),
            "parse_s": round(parse_s, 3),
            "parse_pages_per_s": round(pages / parse_s, 1),
            "embed_s": round(embed_s, 3),
            "embed_chunks_per_s": round(len(texts) / embed_s, 1),
            "whole_ingest_s": round(whole_s, 3),
            "whole_ingest_papers": report.papers,
            "ratio_whole_to_embedding": round(whole_s / embed_s, 3),
            "reingest_s": round(reingest_s, 3),
            "reingest_skipped_unchanged": again.skipped_unchanged,
            "reingest_fraction": round(reingest_s / whole_s, 4),
            "note": "parse = read + clean + metadata of every PDF; embedding = the model alone on every chunk (model loaded "
            "beforehand); whole = ingest_corpus on a fresh index (parse, chunk, embed, write); re-ingest = the same folder again",
        },
        settings.index_dir,
    )


# -- query at size (runs in its own process) -----------------------------------------------------------


def _copies(records, size: int, seed: int = 7, start_copy: int = 0):
    """(paper, chunks, vectors) copies of the real corpus until `size` chunks: copy 0 is the corpus itself."""
    import numpy as np

    from ingest.records import Meeting

    rng = np.random.default_rng(seed)
    total, copy = 0, start_copy
    while total < size:
        for paper, chunks, vectors in records:
            if total >= size:
                return
            take = min(len(chunks), size - total)
            if copy == 0:
                yield paper, chunks[:take], vectors[:take]
            else:
                pid = hashlib.sha256(f"{paper.paper_id}:{copy}".encode()).hexdigest()[:16]
                shifted = ""
                if paper.meeting.meeting_date:
                    shifted = (date.fromisoformat(paper.meeting.meeting_date) - timedelta(days=(copy * 37) % 3650 + 1)).isoformat()
                council = f"Replica Borough Council {copy:04d}"
                meeting = Meeting(council=council, committee=paper.meeting.committee, meeting_date=shifted)
                copied = replace(paper, paper_id=pid, sha256=hashlib.sha256(pid.encode()).hexdigest(), meeting=meeting)
                new_chunks = [
                    replace(c, chunk_id=f"{pid}-{c.ordinal:04d}", paper_id=pid, council=council, meeting_date=shifted)
                    for c in chunks[:take]
                ]
                base = np.asarray(vectors[:take], dtype=np.float32)
                noisy = base + rng.normal(0.0, NOISE_SIGMA, base.shape).astype(np.float32)
                noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
                yield copied, new_chunks, noisy.tolist()
            total += take
        copy += 1


def run_size(size: int, pickle_path: Path, index_dir: Path, questions: list[str], chroma_url: str = "") -> dict:
    """Build an index of `size` chunks and time Assistant.ask on the questions (this process only)."""
    from assistant.prompts import ERROR
    from assistant.service import Assistant
    from assistant.settings import Settings
    from ingest.embedding import embeddings_for
    from ingest.pipeline import EMBED_AT_ONCE
    from ingest.store import Store

    settings = Settings(index_dir=index_dir, root=ROOT, chroma_url=chroma_url)
    store = Store.from_settings(settings)
    built = index_dir / BUILT
    kept = None
    if built.is_file() and not chroma_url:
        # --keep: an index of this size built by an earlier run (the 1M build is over an hour on 2 cores).
        kept = json.loads(built.read_text())
        chunks, papers, build_s = kept["chunks"], kept["papers"], kept["build_s"]
    else:
        records = pickle.loads(pickle_path.read_bytes())
        started = time.perf_counter()
        chunks = 0
        papers = 0
        # Written in groups, as ingest writes them.
        group: list = []
        for paper, paper_chunks, vectors in _copies(records, size):
            group.append((paper, paper_chunks, vectors))
            if sum(len(c) for _, c, _ in group) >= EMBED_AT_ONCE:
                store.write_papers(group)
                group = []
            chunks += len(paper_chunks)
            papers += 1
        if group:
            store.write_papers(group)
        build_s = time.perf_counter() - started
        if not chroma_url:
            built.write_text(json.dumps({"chunks": chunks, "papers": papers, "build_s": round(build_s, 1), "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}))

    # As the app runs: questions embedded on settings.embed_threads, and after the warm-up the heap
    # (model, index) frozen out of the collector's passes (app.main).
    embeddings = embeddings_for(settings, threads=settings.embed_threads)
    assistant = Assistant(settings, store=store, embeddings=embeddings)
    started = time.perf_counter()
    assistant.ask(questions[0])  # model load, keyword index built from Chroma and saved, catalogue
    first_s = time.perf_counter() - started
    gc.freeze()
    # The researcher's trace: a timeline over every year of the index (the copies' dates span ten years).
    trace_s = []
    for _ in range(5):
        started = time.perf_counter()
        trace = assistant.ask(TRACE_QUESTION, mode="timeline")
        trace_s.append(time.perf_counter() - started)
    years = sorted({e.meeting_date[:4] for e in trace.events if e.meeting_date})
    totals, stages, answered, errors = [], {s: [] for s in STAGES}, 0, 0
    for question in questions:
        started = time.perf_counter()
        answer = assistant.ask(question)
        totals.append((time.perf_counter() - started) * 1000)
        answered += answer.answered
        errors += answer.answer == ERROR
        for stage in STAGES:
            if stage in answer.timings_ms:  # a fail-closed notice searched nothing: it has a total only
                stages[stage].append(float(answer.timings_ms[stage]))
    out = {
        "chunks": chunks,
        "papers": papers,
        "client": "http" if chroma_url else "embedded",
        "build_s": round(build_s, 1),
        "build": f"kept from an earlier run ({kept.get('finished', '')}; {kept.get('note', 'bench --keep')})" if kept else "this run",
        "first_ask_s": round(first_s, 2),
        "trace_p50_s": round(percentile(trace_s, 50), 3),
        "trace_max_s": round(max(trace_s), 3),
        "trace_meetings": len(trace.events),
        "trace_years": f"{years[0]}-{years[-1]}" if years else "",
        "asks": len(questions),
        "answered": answered,
        "errors": errors,
        "p50_ms": round(percentile(totals, 50), 1),
        "p95_ms": round(percentile(totals, 95), 1),
        "rss_mb": round(_peak_rss_mb(), 1),
    }
    for stage in STAGES:
        # Over the asks that ran the stage; summed over a question's searches (a narrowed or widened second search).
        name, values = stage.removesuffix("_ms"), stages[stage] or [0.0]
        out[f"{name}_p50_ms"] = round(percentile(values, 50), 2)
        out[f"{name}_ms"] = round(sum(values) / len(values), 2)
        out[f"{name}_asks"] = len(stages[stage])
    return out


def _worker(args) -> int:
    questions = json.loads(Path(args.questions_file).read_text())
    result = run_size(args.worker_size, Path(args.pickle), Path(args.index_dir), questions, chroma_url=args.chroma_url)
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    return 0


def _run_worker(size: int, pickle_path: Path, index_dir: Path, questions_file: Path, chroma_url: str = "") -> dict:
    models = pickle_path.parent / "ingest-index" / "models"
    if models.is_dir() and not (index_dir / "models").exists():
        shutil.copytree(models, index_dir / "models")  # the int8 export of bench_ingest: no worker exports it again
    command = [
        sys.executable, "-m", "evals.bench", "--worker-size", str(size), "--pickle", str(pickle_path),
        "--index-dir", str(index_dir), "--questions-file", str(questions_file), "--chroma-url", chroma_url,
    ]
    done = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    raise RuntimeError(f"bench worker for {size} chunks failed ({done.returncode}):\n{done.stderr[-3000:]}")


# -- start-up and server -------------------------------------------------------------------------------


def bench_startup(index_dir: Path, question: str, runs: int = 2) -> dict:
    """Seconds from starting `python -m assistant ask ... --json` to its output, in a fresh process."""
    env = _env() | {"COUNCIL_INDEX_DIR": str(index_dir), "COUNCIL_CHROMA_URL": ""}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "assistant", "ask", question, "--json"], cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"assistant ask failed: {done.stderr[-2000:]}")
        answered = json.loads(done.stdout)["answered"]
    return {"runs_s": [round(t, 2) for t in times], "best_s": round(min(times), 2), "answered": answered, "question": question}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_chroma(path: Path) -> tuple[subprocess.Popen, str]:
    """`chroma run` on 127.0.0.1 and a free port; returns once its heartbeat answers."""
    chroma = Path(sys.executable).parent / "chroma"
    port = _free_port()
    log = open(path.parent / "chroma-server.log", "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited with {process.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("chroma run gave no heartbeat within 60 s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server this run started."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


# -- real papers: ingest with each backend, retrieval quality with each -------------------------------


def _export_once(work: Path) -> tuple[Path, float]:
    """The int8 model exported once for the run (timed); each index gets a copy, so ingest timings exclude it."""
    from ingest.embedding import OnnxEmbeddings
    from ingest.settings import Settings

    settings = Settings(index_dir=work / "export")
    started = time.perf_counter()
    OnnxEmbeddings(settings.model_path, settings.model_cache).embed_query("export")
    return settings.model_cache, time.perf_counter() - started


def _index_env(index_dir: Path, backend: str, models: Path | None, chroma_url: str = "") -> dict:
    if models is not None and not (index_dir / "models").exists():
        shutil.copytree(models, index_dir / "models")
    return _env() | {"COUNCIL_INDEX_DIR": str(index_dir), "COUNCIL_EMBED_BACKEND": backend, "COUNCIL_CHROMA_URL": chroma_url}


def _ingest_build(folder: Path, env: dict) -> dict:
    """`python -m ingest build FOLDER --json` in a fresh process: its report, wall seconds and pages indexed."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ingest", "build", str(folder), "--json"], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"ingest build failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(lines[-1])
    from ingest.settings import Settings
    from ingest.store import Store

    settings = Settings(index_dir=Path(env["COUNCIL_INDEX_DIR"]), embed_backend=env["COUNCIL_EMBED_BACKEND"], chroma_url="")
    pages = sum(int(meta.get("pages", 0)) for meta in Store.from_settings(settings).registry().values())
    print(f"    {report['papers']} papers, {pages} pages, {report['chunks']} chunks in {wall:.1f} s", file=sys.stderr, flush=True)
    return {
        "papers": report["papers"], "chunks": report["chunks"], "pages": pages, "failed": len(report["failed"]),
        "wall_s": round(wall, 1), "ingest_s": round(report["seconds"], 1),
        "pages_per_s": round(pages / wall, 2), "chunks_per_s": round(report["chunks"] / wall, 2), "seconds_note": "wall = process start to exit",
    }


def _retrieval_quality(settings, dataset: Path) -> dict:
    """recall@5 and nDCG@10 (meeting level, as python -m evals scores them) of hybrid and dense retrieval."""
    from assistant.service import Assistant

    from .run import _retrieval_scores, load_cases

    assistant = Assistant(settings)
    cases = [c for c in load_cases(dataset) if c.answerable]
    out = {"dataset": dataset.name, "cases": len(cases)}
    for method in ("hybrid", "dense"):
        scores = [_retrieval_scores(assistant, case, method) for case in cases]
        for name in ("recall@5", "ndcg@10"):
            out[f"{method}_{name}"] = round(sum(s[name] for s in scores) / len(scores), 4)
    return out


def _levers(index_dir: Path, backend_models: Path, sample: int = 2000) -> dict:
    """Embedding alone on real chunk texts: the int8 model against the float one, and sorted by length against not."""
    from ingest.embedding import OnnxEmbeddings, SentenceTransformerEmbeddings
    from ingest.pipeline import embedding_text
    from ingest.settings import Settings
    from ingest.store import Store

    settings = Settings(index_dir=index_dir, chroma_url="")
    chunks, _ = Store.from_settings(settings).all_chunks()
    texts = [embedding_text(c) for c in chunks[:: max(1, len(chunks) // sample)][:sample]]
    onnx = OnnxEmbeddings(settings.model_path, backend_models, batch_size=settings.embed_batch)
    onnx_one = OnnxEmbeddings(settings.model_path, backend_models, batch_size=settings.embed_batch, threads=1)
    torch_model = SentenceTransformerEmbeddings(settings.model_path, batch_size=settings.embed_batch)
    onnx.embed_documents(texts[:8])
    torch_model.embed_documents(texts[:8])
    timings = {}
    # Alternating, so that the other users of the cores weigh on each alike.
    for name, run in (
        ("torch_sorted", lambda: torch_model.embed_documents(texts)),
        ("onnx_int8_two_at_once", lambda: onnx.embed_documents(texts)),
        ("torch_unsorted", lambda: [torch_model.embed_documents(texts[i : i + 64]) for i in range(0, len(texts), 64)]),
        ("onnx_int8_one_at_once", lambda: onnx_one.embed_documents(texts)),
        ("torch_sorted_again", lambda: torch_model.embed_documents(texts)),
        ("onnx_int8_two_at_once_again", lambda: onnx.embed_documents(texts)),
    ):
        started = time.perf_counter()
        run()
        timings[name] = round(len(texts) / (time.perf_counter() - started), 1)
    return {
        "chunks": len(texts),
        "chunks_per_s": timings,
        "note": "embedding alone on real chunk texts (chunks/s). torch: sorted = one call (sentence-transformers sorts by length "
        "into batches of 64), unsorted = calls of 64 in paper order. int8: each text run alone (no padding; its vector does "
        "not depend on its neighbours), two at once on two onnxruntime threads or one at a time",
    }


def bench_real(real: Path, work: Path, backends: list[str]) -> dict:
    """Ingest of the real papers end to end with each backend, then retrieval quality on gold_v1 and real_v1 with each."""
    from assistant.settings import Settings
    from ingest.pipeline import ingest_corpus

    from .run import DEFAULT_DATASET

    models, export_s = _export_once(work)
    out: dict = {"corpus": str(real), "export_int8_s": round(export_s, 1), "ingest": {}, "quality": {}}
    for backend in backends:
        print(f"  ingest build {real} with {backend} ...", file=sys.stderr, flush=True)
        out["ingest"][backend] = _ingest_build(real, _index_env(work / f"real-{backend}", backend, models if backend != "torch" else None))
    if "onnx-int8" in backends:
        # Scanned pages cost tesseract ~3 s each on one core: the same run without OCR shows what the text layers alone take.
        print(f"  ingest build {real} with onnx-int8, no OCR ...", file=sys.stderr, flush=True)
        env = _index_env(work / "real-onnx-int8-no-ocr", "onnx-int8", models) | {"COUNCIL_OCR": "false"}
        out["ingest"]["onnx-int8, no OCR"] = _ingest_build(real, env)
    real_set = ROOT / "evals" / "datasets" / "real_v1.yaml"
    for backend in backends:
        print(f"  quality with {backend} ...", file=sys.stderr, flush=True)
        gold_dir = work / f"gold-{backend}"
        _index_env(gold_dir, backend, models if backend != "torch" else None)
        gold_settings = Settings(index_dir=gold_dir, root=ROOT, chroma_url="", embed_backend=backend)
        ingest_corpus(ROOT / "corpus", settings=gold_settings)
        quality = {"gold_v1": _retrieval_quality(gold_settings, DEFAULT_DATASET)}
        if real_set.is_file():
            real_settings = Settings(index_dir=work / f"real-{backend}", root=ROOT, chroma_url="", embed_backend=backend)
            quality["real_v1"] = _retrieval_quality(real_settings, real_set)
        out["quality"][backend] = quality
        print(f"    {json.dumps(quality)}", file=sys.stderr, flush=True)
    if "torch" in backends and "onnx-int8" in backends:
        ingest = out["ingest"]
        out["speedup_pages_per_s"] = round(ingest["onnx-int8"]["wall_s"] and ingest["torch"]["wall_s"] / ingest["onnx-int8"]["wall_s"], 2)
        out["quality_delta"] = {
            dataset: {key: round(out["quality"]["onnx-int8"][dataset][key] - out["quality"]["torch"][dataset][key], 4)
                      for key in out["quality"]["torch"][dataset] if key.startswith(("hybrid", "dense"))}
            for dataset in out["quality"]["torch"]
        }
        print("  levers ...", file=sys.stderr, flush=True)
        out["levers"] = _levers(work / "real-onnx-int8", models)
    return out


# -- start-up at size, the app, and papers added after the keyword index was saved -----------------------


def bench_startup_at(index_dir: Path, question: str, records_path: Path, runs: int = 2) -> dict:
    """CLI start-up on a built index: with its saved keyword index, then after one paper is added as `ingest build` adds it.

    `ingest build` brings the saved keyword index in step when it finishes (keyword_update_s), so the
    start-up after it loads the index rather than updating it.
    """
    from assistant.retrieve import save_keyword_index
    from assistant.settings import Settings
    from ingest.store import Store

    saved = bench_startup(index_dir, question, runs=runs)
    records = pickle.loads(records_path.read_bytes())
    paper, chunks, vectors = next(_copies(records, 10**9, seed=99, start_copy=9999))
    settings = Settings(index_dir=index_dir, root=ROOT, chroma_url="")
    store = Store.from_settings(settings)
    store.write_papers([(paper, chunks, vectors)])
    keyword_update_s = save_keyword_index(settings, store)
    after_one = bench_startup(index_dir, question, runs=1)
    again = bench_startup(index_dir, question, runs=1)
    # The index as built again, for a --keep run to reuse, and its saved keyword index in step with it.
    store.remove_paper(paper.paper_id)
    save_keyword_index(settings, store)
    return {
        "saved_s": saved["runs_s"], "best_s": saved["best_s"], "answered": saved["answered"],
        "keyword_update_s": round(keyword_update_s, 2), "after_one_paper_added_s": after_one["best_s"],
        "next_start_s": again["best_s"], "question": question,
    }


def bench_app_startup(index_dir: Path, question: str) -> dict:
    """Seconds from starting `python app.py` to the first answer over HTTP (gradio_client, the /ask API)."""
    from gradio_client import Client

    port = _free_port()
    env = _env() | {"COUNCIL_INDEX_DIR": str(index_dir), "COUNCIL_CHROMA_URL": "", "COUNCIL_PORT": str(port)}
    log = open(index_dir / "app.log", "wb")  # noqa: SIM115 (closed with the process)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                chat = client.predict(question, [], "auto", [], [], "Any", "Any", api_name="/ask")[0]
                return {"s": round(time.perf_counter() - started, 2), "answered": "[[1]]" in str(chat[-1]["content"])}
            except Exception:  # noqa: BLE001 (not up yet)
                if process.poll() is not None:
                    raise RuntimeError(f"app.py exited with {process.returncode}; see {log.name}") from None
                time.sleep(0.2)
        raise RuntimeError("the app gave no answer within 180 s")
    finally:
        stop(process)


# -- 20 users while a 1,000-page ingest runs into the served index ----------------------------------------


def bench_concurrent(folder: Path, work: Path, questions: list[str], models: Path | None, users: int = 20) -> dict:
    """Users ask in a loop while `ingest build FOLDER` writes into the Chroma server the assistant reads.

    Every cited paper is checked against the registry: done, and held in full (its registry chunk
    count) by the keyword index that answered. A paper still pending must never be cited.
    """
    from concurrent.futures import ThreadPoolExecutor

    from assistant.service import Assistant
    from assistant.settings import Settings
    from ingest.pipeline import ingest_corpus
    from ingest.store import DONE

    process, url = start_chroma(work / "concurrent-data")
    try:
        index_dir = work / "concurrent-index"
        env = _index_env(index_dir, "onnx-int8", models, chroma_url=url)
        settings = Settings(index_dir=index_dir, root=ROOT, chroma_url=url, refresh_seconds=1.0)
        ingest_corpus(ROOT / "corpus", settings=settings)
        assistant = Assistant(settings)
        assistant.ask(questions[0])
        latencies: list[float] = []
        half_written: list[str] = []
        cited_during: set[str] = set()
        ingesting = subprocess.Popen(
            [sys.executable, "-m", "ingest", "build", str(folder), "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        started = time.perf_counter()
        refreshes = 0

        def user(n: int) -> None:
            nonlocal refreshes
            i = n
            while ingesting.poll() is None or i < n + users * 2:
                question = questions[i % len(questions)]
                keyword = assistant.retriever.keyword
                began = time.perf_counter()
                answer = assistant.ask(question)
                latencies.append(time.perf_counter() - began)
                held = assistant.retriever.keyword
                registry = assistant.store.registry()
                by_source = {str(m["source"]): (pid, m) for pid, m in registry.items()}
                for citation in answer.citations:
                    pid, meta = by_source.get(citation.source, ("", {}))
                    counts = [k.papers().get(pid, 0) for k in (keyword, held)]
                    if meta.get("status") != DONE or int(meta.get("chunks", -1)) not in counts:
                        half_written.append(citation.source)
                    if not citation.source.startswith("corpus/"):
                        cited_during.add(citation.source)
                i += users

        with ThreadPoolExecutor(max_workers=users) as pool:
            list(pool.map(user, range(users)))
        report = json.loads([line for line in ingesting.communicate()[0].splitlines() if line.startswith("{")][-1])
        seconds = time.perf_counter() - started
    finally:
        stop(process)
    ordered = sorted(latencies)
    return {
        "users": users, "asks": len(latencies), "seconds": round(seconds, 1),
        "ingest": {"folder": str(folder), "papers": report["papers"], "chunks": report["chunks"], "seconds": round(report["seconds"], 1)},
        "p50_s": round(percentile(ordered, 50), 3), "p95_s": round(percentile(ordered, 95), 3), "max_s": round(ordered[-1], 3),
        "citations_of_unfinished_papers": len(half_written),
        "papers_from_the_ingest_cited_while_it_ran": len(cited_during),
        "note": "Chroma server on 127.0.0.1; the demo corpus first, then `ingest build FOLDER` in another process; the assistant "
        "checks the registry every second and takes in papers once done; users ask gold questions in a loop until the ingest ends",
    }


# -- the run ---------------------------------------------------------------------------------------------


def bench_questions(n: int) -> list[str]:
    """Answerable gold-set questions without history, in file order, repeated up to n."""
    from .run import load_cases

    pool = [c.question for c in load_cases() if c.answerable and not c.history]
    return [pool[i % len(pool)] for i in range(n)]


def render(result: dict) -> str:
    """The benchmark as a readable table."""
    i = result["ingest"]
    lines = [
        f"Benchmarks ({result['machine']}), {result['finished']}",
        "",
        f"Ingest of {i['files']} PDFs ({i['pages']} pages, {i['chunks']} chunks):",
        f"  parse alone       {i['parse_pages_per_s']:>8} pages/s  ({i['parse_s']} s)",
        f"  embedding alone   {i['embed_chunks_per_s']:>8} chunks/s ({i['embed_s']} s)",
        f"  whole ingest      {i['whole_ingest_s']:>8} s  = {i['ratio_whole_to_embedding']} x embedding alone",
        f"  re-ingest         {i['reingest_s']:>8} s  = {i['reingest_fraction']:.1%} of the whole ingest ({i['reingest_skipped_unchanged']} skipped unchanged)",
        "",
    ]
    if real := result.get("real"):
        lines.append(f"Real papers ({real['corpus']}), ingest build end to end:")
        for backend, row in real["ingest"].items():
            lines.append(f"  {backend:<18} {row['pages_per_s']:>7} pages/s {row['chunks_per_s']:>7} chunks/s  ({row['pages']} pages, {row['chunks']} chunks, {row['wall_s']} s)")
        for backend, sets in real["quality"].items():
            for name, q in sets.items():
                lines.append(f"  {backend:<10} {name:<8} hybrid recall@5 {q['hybrid_recall@5']:.3f} nDCG@10 {q['hybrid_ndcg@10']:.3f}  dense {q['dense_recall@5']:.3f} / {q['dense_ndcg@10']:.3f}")
        lines.append("")
    lines += [
        f"Query (Assistant.ask, extractive; {result['query_questions']} gold questions per size). Vectors: {result['vectors']}",
        "",
        f"{'chunks':>8} {'client':>8} {'p50 ms':>8} {'p95 ms':>8} {'RSS MB':>8} {'embed':>7} {'dense':>7} {'keyword':>8} {'fusion':>7} {'compose':>8} {'build s':>8} {'trace s':>8}",
    ]
    rows = [(size, row) for size, row in result["query"].items()]
    if result.get("server", {}).get("server"):
        rows.append((str(result["server"]["size"]), result["server"]["server"]))
    for size, row in rows:
        lines.append(
            f"{size:>8} {row['client']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['rss_mb']:>8} {row['embed_ms']:>7} "
            f"{row['dense_ms']:>7} {row['keyword_ms']:>8} {row['fusion_ms']:>7} {row['compose_ms']:>8} {row['build_s']:>8} {row.get('trace_p50_s', ''):>8}"
        )
    lines += ["", "(stage columns are mean ms per ask)", ""]
    if s := result.get("startup"):
        lines.append(f"Start-up to first answer (python -m assistant ask --json), demo index: best {s['best_s']} s of {s['runs_s']}")
    if s := result.get("startup_at_size"):
        lines.append(
            f"  at {s['size']} chunks: best {s['best_s']} s of {s['saved_s']}; after a paper was added {s['after_one_paper_added_s']} s (ingest's keyword update {s.get('keyword_update_s', '-')} s), then {s['next_start_s']} s"
        )
    if a := result.get("app_startup"):
        lines.append(f"  the app (python app.py to the first answer over HTTP) at {a['size']} chunks: {a['s']} s")
    if c := result.get("concurrent"):
        lines.append(
            f"Concurrency: {c['users']} users, {c['asks']} asks while {c['ingest']['papers']} papers ({c['ingest']['chunks']} chunks) were ingested: "
            f"p50 {c['p50_s']} s, p95 {c['p95_s']} s; citations of unfinished papers: {c['citations_of_unfinished_papers']}"
        )
    return "\n".join(lines) + "\n"


SECTIONS = ("real", "query", "startup", "app", "server", "concurrent")


def main(argv=None) -> int:
    """Run the benchmarks and write bench.json."""
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="Index sizes in chunks, comma-separated (100000 takes a few minutes more).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "realcorpus", help="Real papers for the ingest and quality runs.")
    parser.add_argument("--backends", default="onnx-int8,torch", help="Embedding backends compared on the real papers.")
    parser.add_argument("--questions", type=int, default=30, help="Timed asks per size.")
    parser.add_argument("--skip", default="", help=f"Sections to leave out, comma-separated: {', '.join(SECTIONS)}.")
    parser.add_argument("--no-server", action="store_true", help="Skip the Chroma server comparison (= --skip server).")
    parser.add_argument("--merge", action="store_true", help="Keep what --out holds and replace only what this run measured.")
    parser.add_argument(
        "--keep", type=Path, default=None,
        help="Keep each size's index in KEEP/size-N (not a temporary folder) and reuse one an earlier run finished there (its build_s is that run's).",
    )
    parser.add_argument("--worker-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pickle", help=argparse.SUPPRESS)
    parser.add_argument("--index-dir", help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", help=argparse.SUPPRESS)
    parser.add_argument("--chroma-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    if args.worker_size:
        return _worker(args)

    skip = {s.strip() for s in args.skip.split(",") if s.strip()} | ({"server"} if args.no_server else set())
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="council-bench-"))

    def sized(size: int) -> Path:
        return (args.keep if args.keep else work) / f"size-{size}"

    result: dict = json.loads(args.out.read_text()) if args.merge and args.out.is_file() else {}
    runs = result.setdefault("runs", [])
    command = "python -m evals.bench" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    try:
        print("ingest ...", file=sys.stderr, flush=True)
        ingest, index_dir = bench_ingest(args.corpus, work)
        result["ingest"] = ingest
        questions = bench_questions(args.questions)
        questions_file = work / "questions.json"
        questions_file.write_text(json.dumps(questions))
        if "real" not in skip and args.real.is_dir():
            print("real papers ...", file=sys.stderr, flush=True)
            result["real"] = bench_real(args.real, work, [b for b in args.backends.split(",") if b])
        query = result.setdefault("query", {})
        for size in sizes if "query" not in skip else []:
            print(f"query at {size} chunks ...", file=sys.stderr, flush=True)
            query[str(size)] = _run_worker(size, work / "papers.pkl", sized(size), questions_file)
        result["vectors"] = VECTORS
        result["query_questions"] = len(questions)
        # Start-up, the app and the server at the largest size up to 100k chunks.
        at = max((s for s in sizes if s <= 100_000 and sized(s).is_dir()), default=0)  # built now, or kept (--skip query --keep)
        if "startup" not in skip:
            print("start-up ...", file=sys.stderr, flush=True)
            result["startup"] = bench_startup(index_dir, questions[0])
            result["startup_s_to_first_answer"] = result["startup"]["best_s"]
            if at:
                result["startup_at_size"] = {"size": at} | bench_startup_at(sized(at), questions[0], work / "papers.pkl")
        if "app" not in skip and at:
            print("app start-up ...", file=sys.stderr, flush=True)
            result["app_startup"] = {"size": at} | bench_app_startup(sized(at), questions[0])
        if "server" not in skip and at:
            print(f"chroma server at {at} chunks ...", file=sys.stderr, flush=True)
            process, url = start_chroma(work / "server-data")
            try:
                result["server"] = {
                    "size": at,
                    "command": "chroma run --path <tmp> --host 127.0.0.1 --port <free>",
                    "embedded": query[str(at)],
                    "server": _run_worker(at, work / "papers.pkl", work / "served", questions_file, chroma_url=url),
                    "note": "same chunks and questions; RSS is the assistant process only (the server is a separate process)",
                }
            finally:
                stop(process)
        if "concurrent" not in skip and (args.real / "bristol").is_dir():
            print("20 users during an ingest ...", file=sys.stderr, flush=True)
            models = (work / "export" / "models") if (work / "export" / "models").is_dir() else _export_once(work)[0]
            result["concurrent"] = bench_concurrent(args.real / "bristol", work, questions, models)
        runs.append({"command": command, "seconds": round(time.perf_counter() - started, 1), "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
        result |= {
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, no GPU",
            "command": command,
            "embedding": "onnx-int8 (default; COUNCIL_EMBED_BACKEND=torch is the float model)",
            "seconds": round(time.perf_counter() - started, 1),
            "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        tmp.replace(args.out)
        print(render(result))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
