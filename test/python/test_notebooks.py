"""Execute every notebook in notebooks/ headlessly against the real neurolab kernel (nbclient),
fail on any error output, check the rich outputs, and export each to HTML."""
import json
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTIFACTS = ROOT / "test" / "artifacts" / "notebooks"
RASTER_MIME = "application/vnd.neurolab.raster.v1+json"


def execute(path: pathlib.Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="neurolab",
        timeout=600,
        startup_timeout=60,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return nb


def outputs(nb):
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            yield index, out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes_cleanly(path):
    nb = execute(path)
    problems = []
    for index, out in outputs(nb):
        if out.output_type == "error":
            problems.append(f"cell {index}: {out.ename}: {out.evalue}")
        elif out.output_type == "stream" and out.name == "stderr":
            problems.append(f"cell {index} wrote to stderr: {out.text[:500]}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, ARTIFACTS / path.name)
    html, _ = HTMLExporter().from_notebook_node(nb)
    (ARTIFACTS / path.with_suffix(".html").name).write_text(html, encoding="utf-8")
    assert not problems, "\n".join(problems)
    # Every rich output carries a readable fallback for places without the extension.
    for index, out in outputs(nb):
        if out.output_type in ("display_data", "execute_result") and any(k.startswith("application/vnd.neurolab.") for k in out.data):
            assert "text/plain" in out.data, f"cell {index}: no text/plain fallback"
            assert "image/svg+xml" in out.data or "text/html" in out.data, f"cell {index}: no static fallback"
            static = out.data.get("image/svg+xml", "") + out.data.get("text/html", "")
            assert "<script" not in static.lower(), f"cell {index}: static fallback contains a script"
            # The per-widget budget of the static fallback (STATIC_FALLBACK_BUDGET_BYTES, src/display/png.ts).
            assert len(static.encode()) <= 256 * 1024, f"cell {index}: static fallback of {len(static.encode())} bytes exceeds 256 KiB"


def raster_payloads(nb):
    return [
        out.data[RASTER_MIME]
        for _, out in outputs(nb)
        if out.output_type in ("display_data", "execute_result") and RASTER_MIME in out.data
    ]


def test_quickstart_shows_a_raster_and_is_reproducible():
    path = ROOT / "notebooks" / "00-quickstart.ipynb"
    first = raster_payloads(execute(path))
    assert len(first) == 1, "the quickstart's last cell should render one raster"
    payload = first[0]
    assert payload["schema"] == "neurolab.raster" and payload["version"] == 1
    assert payload["n_neurons"] == 300
    assert [p["name"] for p in payload["populations"]] == ["input", "exc"]
    # 200 Poisson sources at 20 Hz for 1 s: about 4000 input spikes; the LIF population fires too.
    assert 3000 < payload["n_spikes"] < 20000
    # Same seed, fresh kernel process: bitwise-identical spikes.
    second = raster_payloads(execute(path))
    assert json.dumps(second, sort_keys=True) == json.dumps(first, sort_keys=True)
