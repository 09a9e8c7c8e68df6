"""`ctxlint server`: the language server, a front end over the same engine as the CLI.

    projects.py   settings, project facts kept warm, one document's lint (no LSP)
    text.py       positions, fix and `# noqa` edits in a document's text (no LSP)
    protocol.py   the LSP adapter on pygls: diagnostics, code actions, hover

pygls and lsprotocol are the optional extra `ctxlint[server]`, imported only here, when
the server starts, so `import ctxlint.cli` stays fast.
"""

from __future__ import annotations

import sys

from ctxlint.errors import UsageError

INSTALL_HINT = "pip install 'ctxlint[server]'"


def serve() -> int:
    """Speak LSP on standard input and output until the client says `exit`."""
    try:
        import lsprotocol.types  # noqa: F401
        import pygls.lsp.server  # noqa: F401  (pygls 2)
    except ImportError:
        raise UsageError(f"`ctxlint server` needs pygls 2 and lsprotocol: {INSTALL_HINT}") from None
    from ctxlint.server.protocol import create_server

    server = create_server()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # only the protocol may write to the client's pipe
    server.start_io(stdin, stdout)
    return 0
