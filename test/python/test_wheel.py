"""The extension ships as a Python wheel the standard way (pyproject + hatch-jupyter-builder):
build it from extension/ (with the already built labextension), install it under a separate
prefix, and JupyterLab must list it there as enabled."""
import json
import os
import pathlib
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXT = ROOT / "extension"
PREFIX = "share/jupyter/labextensions/neurolab-jupyterlab/"


def test_wheel_carries_the_prebuilt_labextension(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(EXT)],
        check=True,
        timeout=600,
    )
    wheels = list(tmp_path.glob("neurolab_jupyterlab-*.whl"))
    assert len(wheels) == 1, wheels
    version = json.loads((EXT / "package.json").read_text())["version"]
    assert wheels[0].name.startswith(f"neurolab_jupyterlab-{version}-py3-none-any")
    with zipfile.ZipFile(wheels[0]) as z:
        names = z.namelist()
        data = [n.split(".data/data/", 1)[1] for n in names if ".data/data/" in n]
        assert PREFIX + "package.json" in data
        assert PREFIX + "install.json" in data
        assert any(n.startswith(PREFIX + "static/remoteEntry.") for n in data)
        assert "neurolab_jupyterlab/__init__.py" in names
        meta = json.loads(z.read(next(n for n in names if n.endswith(PREFIX + "package.json"))))
        assert meta["name"] == "neurolab-jupyterlab"
        assert meta["jupyterlab"]["mimeExtension"] is True

    # Installed on its own under a separate prefix, JupyterLab finds it there, enabled and OK.
    prefix = tmp_path / "prefix"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--prefix", str(prefix), str(wheels[0])],
        check=True,
        timeout=300,
    )
    data_dir = prefix / "share" / "jupyter"
    assert (data_dir / "labextensions" / "neurolab-jupyterlab" / "package.json").is_file()
    listing = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "JUPYTER_PATH": str(data_dir)},
    )
    out = listing.stdout + listing.stderr
    section = out.split(str(data_dir / "labextensions"), 1)
    assert len(section) == 2, out
    first_block = section[1].split("\n\n", 1)[0]
    assert "neurolab-jupyterlab" in first_block and "enabled" in first_block and "OK" in first_block, out
