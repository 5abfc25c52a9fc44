"""The server extension application: configuration (traitlets) and handler registration."""

from __future__ import annotations

from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import Int, TraitError, validate

from attune_jupyter._version import __version__
from attune_jupyter.server.handlers import TranscriptHandler


class AttuneServerApp(ExtensionApp):
    """attune-jupyter's server extension.

    Configure it like any Jupyter app, e.g. in ``jupyter_server_config.py``::

        c.AttuneServerApp.max_transcript_bytes = 5_000_000
    """

    name = "attune_jupyter"
    version = __version__
    description = "attune-jupyter: supervised clinical training in JupyterLab"

    max_transcript_bytes = Int(
        20_000_000,
        config=True,
        help=(
            "Largest transcript file, in bytes, that the Transcript viewer will parse. Larger "
            "files are refused with a clear message instead of tying up the server."
        ),
    )

    @validate("max_transcript_bytes")
    def _positive_size(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        if value <= 0:
            raise TraitError(f"AttuneServerApp.max_transcript_bytes must be positive, got {value}")
        return value

    def initialize_handlers(self) -> None:
        self.handlers.extend(_handlers())


def _handlers() -> list[tuple[str, Any]]:
    return [(r"/attune/api/transcripts", TranscriptHandler)]
