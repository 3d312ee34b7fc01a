"""The API reference builds from the TSDoc comments without a warning: every public export of
`neurolab`, `neurolab/schema` and `neurolab-kernel` is documented, every {@link} resolves and
no public signature refers to an unexported type (TypeDoc, configured in typedoc.json)."""
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_api_reference_builds_without_warnings():
    node = shutil.which("node")
    assert node, "node is not on PATH"
    typedoc = ROOT / "node_modules" / "typedoc" / "bin" / "typedoc"
    res = subprocess.run(
        [node, str(typedoc), "--emit", "none", "--treatWarningsAsErrors"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert res.returncode == 0, f"typedoc failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
