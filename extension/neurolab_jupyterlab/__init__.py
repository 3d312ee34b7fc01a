"""neurolab-jupyterlab: JupyterLab 4 prebuilt MIME renderer for neurolab spike rasters.

The JavaScript assets are installed as shared data into
``share/jupyter/labextensions/neurolab-jupyterlab``; JupyterLab finds them there without
importing this package. ``_jupyter_labextension_paths`` serves tools that locate the
extension from the Python package (e.g. ``jupyter labextension develop``).
"""

__all__ = ["__version__", "_jupyter_labextension_paths"]

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("neurolab_jupyterlab")
except Exception:  # not installed (running from a source checkout)
    __version__ = "0.0.0+unknown"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "neurolab-jupyterlab"}]
