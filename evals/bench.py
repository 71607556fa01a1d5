"""Benchmarks: ingest throughput, query latency and memory by index size, start-up, Chroma server.

python -m evals.bench [--sizes 1000,10000] [--out evals/results/bench.json] [--questions 30]

- Ingest: parsing alone (pages/s), embedding alone (chunks/s), a whole ingest of corpus/ into a
  fresh index, and a re-ingest of the unchanged corpus (a sync that should skip everything).
- Query: for each size, a subprocess builds an index of N chunks (the real corpus chunks copied
  under other council names and shifted dates; vectors = the real chunk's vector plus small
  gaussian noise, renormalised) and times Assistant.ask (extractive) on gold-set questions, with
  the stage split from Answer.timings_ms and the peak RSS of that process.
- Start-up: wall time of `python -m assistant ask "..." --json` in a fresh process.
- Server: the smallest size again against a `chroma run` server on 127.0.0.1 (settings.chroma_url).
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
STAGES = ("embed_ms", "dense_ms", "keyword_ms", "fusion_ms", "compose_ms", "total_ms")


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
    from ingest.embedding import SentenceTransformerEmbeddings
    from ingest.pipeline import _pdf_files, embedding_text, ingest_corpus, parse_pdf, source_name

    settings = Settings(index_dir=work / "ingest-index", root=ROOT, chroma_url="")
    files = _pdf_files(corpus)
    started = time.perf_counter()
    papers = [parse_pdf(p.read_bytes(), source=source_name(p, ROOT), settings=settings) for p in files]
    parse_s = time.perf_counter() - started
    pages = sum(len(p.pages) for p in papers)

    chunked = [(paper, chunk_paper(paper, chunk_chars=settings.chunk_chars, overlap=settings.chunk_overlap)) for paper in papers]
    texts = [embedding_text(c) for _, chunks in chunked for c in chunks]
    embeddings = SentenceTransformerEmbeddings(settings.model_path, batch_size=settings.embed_batch)
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


def _copies(records, size: int, seed: int = 7):
    """(paper, chunks, vectors) copies of the real corpus until `size` chunks: copy 0 is the corpus itself."""
    import numpy as np

    from ingest.records import Meeting

    rng = np.random.default_rng(seed)
    total, copy = 0, 0
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
    from assistant.service import Assistant
    from assistant.settings import Settings
    from ingest.embedding import SentenceTransformerEmbeddings
    from ingest.pipeline import EMBED_AT_ONCE
    from ingest.store import Store

    records = pickle.loads(pickle_path.read_bytes())
    settings = Settings(index_dir=index_dir, root=ROOT, chroma_url=chroma_url)
    store = Store.from_settings(settings)
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

    # As the app runs: questions embedded on settings.embed_threads, and after the warm-up the heap
    # (model, index) frozen out of the collector's passes (app.main).
    embeddings = SentenceTransformerEmbeddings(settings.model_path, batch_size=settings.embed_batch, threads=settings.embed_threads)
    assistant = Assistant(settings, store=store, embeddings=embeddings)
    started = time.perf_counter()
    assistant.ask(questions[0])  # model load, keyword index build, catalogue
    first_s = time.perf_counter() - started
    gc.freeze()
    totals, stages, answered = [], {s: [] for s in STAGES}, 0
    for question in questions:
        started = time.perf_counter()
        answer = assistant.ask(question)
        totals.append((time.perf_counter() - started) * 1000)
        answered += answer.answered
        for stage in STAGES:
            stages[stage].append(float(answer.timings_ms.get(stage, 0.0)))
    out = {
        "chunks": chunks,
        "papers": papers,
        "client": "http" if chroma_url else "embedded",
        "build_s": round(build_s, 1),
        "first_ask_s": round(first_s, 2),
        "asks": len(questions),
        "answered": answered,
        "p50_ms": round(percentile(totals, 50), 1),
        "p95_ms": round(percentile(totals, 95), 1),
        "rss_mb": round(_peak_rss_mb(), 1),
    }
    for stage in STAGES:
        name = stage.removesuffix("_ms")
        out[f"{name}_p50_ms"] = round(percentile(stages[stage], 50), 2)
        out[f"{name}_ms"] = round(sum(stages[stage]) / len(stages[stage]), 2)
    return out


def _worker(args) -> int:
    questions = json.loads(Path(args.questions_file).read_text())
    result = run_size(args.worker_size, Path(args.pickle), Path(args.index_dir), questions, chroma_url=args.chroma_url)
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    return 0


def _run_worker(size: int, pickle_path: Path, index_dir: Path, questions_file: Path, chroma_url: str = "") -> dict:
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
        f"Query (Assistant.ask, extractive; {result['query_questions']} gold questions per size). Vectors: {result['vectors']}",
        "",
        f"{'chunks':>8} {'client':>8} {'p50 ms':>8} {'p95 ms':>8} {'RSS MB':>8} {'embed':>7} {'dense':>7} {'keyword':>8} {'fusion':>7} {'compose':>8} {'build s':>8}",
    ]
    rows = [(size, row) for size, row in result["query"].items()]
    if result.get("server", {}).get("server"):
        rows.append((str(result["server"]["size"]), result["server"]["server"]))
    for size, row in rows:
        lines.append(
            f"{size:>8} {row['client']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['rss_mb']:>8} {row['embed_ms']:>7} "
            f"{row['dense_ms']:>7} {row['keyword_ms']:>8} {row['fusion_ms']:>7} {row['compose_ms']:>8} {row['build_s']:>8}"
        )
    lines += ["", "(stage columns are mean ms per ask)", ""]
    s = result["startup"]
    lines.append(f"Start-up to first answer (python -m assistant ask --json): best {s['best_s']} s of {s['runs_s']}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    """Run the benchmarks and write bench.json."""
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="Index sizes in chunks, comma-separated (100000 takes a few minutes more).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--questions", type=int, default=30, help="Timed asks per size.")
    parser.add_argument("--no-server", action="store_true", help="Skip the Chroma server comparison.")
    parser.add_argument("--worker-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pickle", help=argparse.SUPPRESS)
    parser.add_argument("--index-dir", help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", help=argparse.SUPPRESS)
    parser.add_argument("--chroma-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    if args.worker_size:
        return _worker(args)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="council-bench-", dir=ROOT / ".index" if (ROOT / ".index").is_dir() else None))
    try:
        print("ingest ...", file=sys.stderr, flush=True)
        ingest, index_dir = bench_ingest(args.corpus, work)
        questions = bench_questions(args.questions)
        questions_file = work / "questions.json"
        questions_file.write_text(json.dumps(questions))
        query = {}
        for size in sizes:
            print(f"query at {size} chunks ...", file=sys.stderr, flush=True)
            query[str(size)] = _run_worker(size, work / "papers.pkl", work / f"size-{size}", questions_file)
        print("start-up ...", file=sys.stderr, flush=True)
        startup = bench_startup(index_dir, questions[0])
        server: dict = {}
        if not args.no_server and sizes:
            size = min(sizes)
            print(f"chroma server at {size} chunks ...", file=sys.stderr, flush=True)
            process, url = start_chroma(work / "server-data")
            try:
                server = {
                    "size": size,
                    "command": "chroma run --path <tmp> --host 127.0.0.1 --port <free>",
                    "embedded": query[str(size)],
                    "server": _run_worker(size, work / "papers.pkl", work / "unused", questions_file, chroma_url=url),
                    "note": "same chunks and questions; RSS is the assistant process only (the server is a separate process)",
                }
            finally:
                stop(process)
        result = {
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, no GPU",
            "command": "python -m evals.bench" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:])),
            "ingest": ingest,
            "vectors": VECTORS,
            "query_questions": len(questions),
            "query": query,
            "startup_s_to_first_answer": startup["best_s"],
            "startup": startup,
            "server": server,
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
