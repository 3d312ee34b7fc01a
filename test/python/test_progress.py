"""Progress bars, interrupts and the memory guard of the neurolab kernel (kernel/src/progress.ts,
interrupt.ts, memory.ts), driven through jupyter_client against the real kernel.

Needs the kernelspec of this checkout (see test_kernel.py).
"""
import json
import os
import time
from datetime import datetime

import pytest

from jupyter_client.manager import KernelManager
from test_kernel import ARTIFACTS, drain, execute, iopub_until_idle, outside_repo_dir, result_text, shell_reply, start_kernel

SETUP = (
    'import { cobaNetwork } from "neurolab";\n'
    'import { interruptSignal, progress, progressBar } from "neurolab-kernel";\n'
    "const { net } = cobaNetwork({ seed: 1, nExc: 800, nInh: 200 });\n"
    "net.synapseCount"
)
LONG_MS = 1_000_000  # far longer than any test waits: only an interrupt ends it


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_kernel(outside_repo_dir())
    reply, _ = execute(kc, SETUP)
    assert reply["status"] == "ok", reply
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


@pytest.fixture
def kc(kernel):
    drain(kernel[1])
    return kernel[1]


def value(kc, expr: str) -> str:
    reply, msgs = execute(kc, expr)
    assert reply["status"] == "ok", reply
    return result_text(msgs)


def displays(msgs: list) -> list:
    """(msg_type, display_id, text/plain, text/html) of the display messages, in order."""
    return [
        (m["msg_type"], m["content"]["transient"]["display_id"], m["content"]["data"]["text/plain"], m["content"]["data"].get("text/html", ""))
        for m in msgs
        if m["msg_type"] in ("display_data", "update_display_data")
    ]


def sent_at(msg: dict) -> datetime:
    """When the kernel sent `msg` (jupyter_client may already have parsed the header date)."""
    date = msg["header"]["date"]
    return date if isinstance(date, datetime) else datetime.fromisoformat(date.replace("Z", "+00:00"))


def interrupt_after(km, kc, code: str, delay: float = 0.5):
    """Runs `code`, interrupts it (SIGINT, as JupyterLab's stop button) after `delay` s;
    returns (execute_reply content, seconds from the interrupt to the reply, iopub messages).
    The latency is recorded in test/artifacts/interrupt-latency.json under the test's name."""
    msg_id = kc.execute(code)
    time.sleep(delay)
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=10)["content"]
    latency = time.monotonic() - t0
    path = ARTIFACTS / "interrupt-latency.json"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    record = json.loads(path.read_text()) if path.exists() else {}
    record[os.environ.get("PYTEST_CURRENT_TEST", "?").split("::")[-1].split(" ")[0]] = round(latency, 3)
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return reply, latency, iopub_until_idle(kc, msg_id)


def test_run_async_shows_a_live_bar_then_a_summary(kc):
    t0 = float(value(kc, "net.t_ms"))
    # Long enough (about 1 s of wall time with the wasm kernels) for several throttled redraws.
    reply, msgs = execute(kc, 'const r1 = await net.runAsync(15000, progress("COBA"));')
    assert reply["status"] == "ok", reply
    shown = displays(msgs)
    assert shown[0][0] == "display_data" and len(shown) >= 3
    assert {d[1] for d in shown} == {shown[0][1]}, "all updates must target the bar's display id"
    assert all(t == "update_display_data" for t, *_ in shown[1:])
    # A live bar: text with the bar, percentage, simulated time, elapsed and ETA; HTML without scripts.
    _, _, text, html = shown[1]
    assert text.startswith("COBA ") and "%" in text and "s sim" in text and "elapsed" in text and "ETA" in text
    assert "█" in text or "░" in text
    assert "<progress" in html and "<script" not in html.lower()
    # Replaced by the summary.
    _, _, summary, summary_html = shown[-1]
    assert summary.startswith("COBA: 15.0 s simulated in ") and summary.endswith(" s")
    assert "COBA: 15.0 s simulated" in summary_html and "<script" not in summary_html.lower()
    assert float(value(kc, "net.t_ms")) == pytest.approx(t0 + 15000)


def test_updates_are_throttled(kc):
    reply, msgs = execute(kc, 'const r2 = await net.runAsync(1000, progress("fast", { progressEvery_steps: 1 }));')
    assert reply["status"] == "ok"
    # 10000 progress reports, but at most one redraw per 150 ms (then the summary).
    draws = [m for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
    assert 2 <= len(draws) < 60, len(draws)
    stamps = [sent_at(m) for m in draws[:-1]]
    gaps = [(b - a).total_seconds() for a, b in zip(stamps, stamps[1:])]
    assert all(g >= 0.14 for g in gaps), gaps


def test_sync_run_with_progress_ends_with_the_summary(kc):
    reply, msgs = execute(kc, 'net.run(300, progress("sync"))')
    assert reply["status"] == "ok"
    shown = displays(msgs)
    assert shown[0][0] == "display_data" and shown[-1][2].startswith("sync: 300 ms simulated in ")


def test_progress_bar_for_user_loops(kc):
    code = (
        'const bar = progressBar(20, "training", { unit: "epochs" });\n'
        "for (let e = 0; e < 20; e++) { await new Promise((r) => setTimeout(r, 15)); bar.update(e + 1, `loss ${(1 / (e + 1)).toFixed(2)}`); }\n"
        "bar.done();"
    )
    reply, msgs = execute(kc, code)
    assert reply["status"] == "ok"
    shown = displays(msgs)
    assert shown[0][0] == "display_data" and shown[0][2].startswith("training ") and "0/20 epochs" in shown[0][2]
    assert any("loss" in text for _, _, text, _ in shown[1:-1])
    assert shown[-1][2].startswith("training: 20 epochs in ")


def test_interrupting_run_async_stops_at_a_step_boundary_and_can_continue(kernel, kc):
    km, _ = kernel
    t0 = float(value(kc, "net.t_ms"))
    reply, latency, msgs = interrupt_after(km, kc, f'await net.runAsync({LONG_MS}, progress("long"));')
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    assert reply["evalue"].startswith("run interrupted at t = ")
    assert latency < 1.0, f"interrupt took {latency:.2f} s"
    # The bar says where it stopped.
    assert displays(msgs)[-1][2].startswith("long: interrupted at ")
    # The network stopped at a step boundary and continues from there.
    stopped = float(value(kc, "net.t_ms"))
    assert t0 < stopped < t0 + LONG_MS
    assert f"{stopped:.3f}" in reply["evalue"]
    reply, _ = execute(kc, "const r3 = await net.runAsync(10, progress());")
    assert reply["status"] == "ok"
    assert float(value(kc, "net.t_ms")) == pytest.approx(stopped + 10)


def test_interrupt_signal_without_a_bar(kernel, kc):
    km, _ = kernel
    reply, latency, msgs = interrupt_after(km, kc, f"await net.runAsync({LONG_MS}, {{ signal: interruptSignal() }});")
    assert reply["ename"] == "KeyboardInterrupt" and reply["evalue"].startswith("run interrupted at t = ")
    assert latency < 1.0 and not displays(msgs)
    assert value(kc, "'still usable'") == "'still usable'"


def test_interrupting_a_sync_run(kernel, kc):
    km, _ = kernel
    reply, latency, msgs = interrupt_after(km, kc, f'net.run({LONG_MS}, progress("sync"))')
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    assert "interrupted by `SIGINT`" in reply["evalue"]
    assert latency < 1.0, f"interrupt took {latency:.2f} s"
    assert displays(msgs)[-1][2].startswith("sync: interrupted at ")
    # The kernel stays usable; the network may be mid-step, so start over.
    assert float(value(kc, "net.reset(); net.run(20); net.t_ms")) == 20


def test_interrupting_an_async_training_loop(kernel, kc):
    km, _ = kernel
    code = (
        "const loop = progressBar(1000, 'loop');\n"
        "for (let i = 0; i < 1000; i++) { await new Promise((r) => setTimeout(r, 10)); loop.update(i + 1); }"
    )
    reply, latency, msgs = interrupt_after(km, kc, code)
    assert reply["ename"] == "KeyboardInterrupt" and reply["evalue"].startswith("interrupted at ")
    assert latency < 1.0
    assert displays(msgs)[-1][2].startswith("loop: interrupted at ")


def test_huge_allocation_is_a_clean_error(kc):
    reply, _ = execute(kc, "const huge = new Float64Array(5e9);")
    assert reply["status"] == "error" and reply["ename"] == "RangeError"
    assert value(kc, "1 + 1") == "2"


def start_small_kernel():
    """A kernel whose memory guard fires at 600 MB (NEUROLAB_KERNEL_MEMORY_MB)."""
    km = KernelManager(kernel_name="neurolab")
    km.start_kernel(cwd=outside_repo_dir(), env={**os.environ, "NEUROLAB_KERNEL_MEMORY_MB": "600"})
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    drain(kc)
    reply, _ = execute(kc, 'import { interruptSignal } from "neurolab-kernel";')
    assert reply["status"] == "ok"
    return km, kc


@pytest.fixture(scope="module")
def small_kernel():
    km, kc = start_small_kernel()
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


@pytest.mark.parametrize(
    "code",
    [
        # Typed arrays live outside the V8 heap.
        "{ const chunks: Float64Array[] = []; while (true) chunks.push(new Float64Array(1e6).fill(1)); }",
        # JavaScript heap.
        "{ const rows: number[][] = []; while (true) rows.push(new Array(1e5).fill(Math.random())); }",
        # Asynchronous code that stops when interrupted.
        "{ const stop = interruptSignal(); const chunks: Float64Array[] = [];\n"
        "  while (true) { stop.throwIfAborted(); chunks.push(new Float64Array(1e6).fill(1)); await new Promise((r) => setImmediate(r)); } }",
    ],
    ids=["typed-arrays", "js-heap", "async"],
)
def test_memory_guard_interrupts_the_cell_and_the_kernel_survives(small_kernel, code):
    km, kc = small_kernel
    drain(kc)
    t0 = time.monotonic()
    reply, _ = execute(kc, code, timeout=20)
    assert reply["status"] == "error" and reply["ename"] == "MemoryError", reply
    assert "memory limit of 600 MB" in reply["evalue"] and "NEUROLAB_KERNEL_MEMORY_MB" in reply["evalue"]
    assert time.monotonic() - t0 < 10
    assert km.is_alive()
    assert value(kc, "'alive'") == "'alive'"


def test_memory_guard_ends_a_kernel_that_keeps_allocating_in_the_background():
    """An async loop that ignores the interrupt keeps running after its cell was interrupted:
    above 1.25 x the limit the guard ends the kernel with a message (Jupyter restarts it)
    instead of leaving it to the OOM killer."""
    km, kc = start_small_kernel()
    try:
        code = "{ const chunks: Float64Array[] = []; while (true) { chunks.push(new Float64Array(1e6).fill(1)); await new Promise((r) => setImmediate(r)); } }"
        msg_id = kc.execute(code)
        assert shell_reply(kc, msg_id, timeout=20)["content"]["ename"] == "MemoryError"
        t0 = time.monotonic()
        stderr = ""
        while km.is_alive() and time.monotonic() - t0 < 8:
            try:
                msg = kc.get_iopub_msg(timeout=0.2)
            except Exception:
                continue
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stderr":
                stderr += msg["content"]["text"]
        assert not km.is_alive(), "the kernel should have ended"
        assert "more than 1.25 × its memory limit of 600 MB" in stderr and "Jupyter restarts it" in stderr
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def error_outputs(msgs: list) -> list:
    return [m["content"] for m in msgs if m["msg_type"] == "error"]


def test_memory_guard_message_reaches_the_cell_after_one_uninterruptible_allocation(small_kernel):
    """One builtin call (a typed-array fill) cannot be interrupted: it runs past the hard limit
    (1.25 x the limit) with the kernel's main thread blocked. The watchdog used to kill the
    process 2 s later, before the cell got any output (the frontend showed it busy forever).
    Now the operation may finish, the cell gets an error output naming the limit and what to do,
    and the kernel goes on once the memory is unreachable again."""
    km, kc = small_kernel
    drain(kc)
    reply, msgs = execute(kc, "{ const big = new Float64Array(4e8).fill(1); }", timeout=60)
    assert reply["status"] == "error" and reply["ename"] == "MemoryError", reply
    (err,) = error_outputs(msgs)
    assert err["ename"] == "MemoryError"
    assert "memory limit of 600 MB" in err["evalue"] and "NEUROLAB_KERNEL_MEMORY_MB" in err["evalue"]
    assert "raise the limit" in err["evalue"] and "smaller pieces" in err["evalue"]
    assert km.is_alive()
    assert value(kc, "'alive'") == "'alive'"
    # The guard is armed again: the next cell that overflows is interrupted too.
    reply, _ = execute(kc, "{ const chunks: Float64Array[] = []; while (true) chunks.push(new Float64Array(1e6).fill(1)); }", timeout=20)
    assert reply["ename"] == "MemoryError", reply
    assert value(kc, "2 + 2") == "4"


def test_memory_guard_ending_the_kernel_says_so_in_the_cell():
    """Memory that stays referenced above the hard limit (a top-level array) ends the kernel,
    and the interrupted cell's error output says so and what to do, before the process ends;
    after the restart (what Jupyter does) the kernel works."""
    km, kc = start_small_kernel()
    try:
        reply, msgs = execute(kc, "const kept = new Float64Array(1.2e8);\nkept.fill(1);", timeout=60)
        assert reply["ename"] == "MemoryError", reply
        (err,) = error_outputs(msgs)
        assert "memory limit of 600 MB" in err["evalue"] and "NEUROLAB_KERNEL_MEMORY_MB" in err["evalue"]
        assert "the kernel ends now and Jupyter restarts it" in err["evalue"] and "raise the limit" in err["evalue"]
        t0 = time.monotonic()
        while km.is_alive() and time.monotonic() - t0 < 10:
            time.sleep(0.1)
        assert not km.is_alive(), "the kernel should have ended"
        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=30)
        drain(kc)
        assert value(kc, "'restarted'") == "'restarted'"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
