"""REST handlers. Each parses the request, calls the core, and returns JSON; nothing else.

Every handler requires an authenticated user (``@tornado.web.authenticated``) and checks the
server's authorizer for the ``attune`` resource (``@authorized``); handlers that read files also
check ``contents`` read permission, so the API never reveals a file the user could not open.
Domain errors become HTTP statuses in :meth:`AttuneHandler.write_error`, the one place they map.
"""

from __future__ import annotations

import base64
import json
import posixpath
from typing import TYPE_CHECKING, Any, cast

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from jupyter_server.utils import ensure_async

from attune_jupyter.core.course import COURSE_FILE_NAME, CourseFileError, CourseSettings
from attune_jupyter.core.deid import Finding, screen
from attune_jupyter.core.readers import format_for_path, parse_transcript_bytes
from attune_jupyter.core.transcript import TranscriptError

if TYPE_CHECKING:
    from attune_jupyter.server.app import AttuneServerApp

#: The authorizer resource name for every attune-jupyter endpoint.
AUTH_RESOURCE = "attune"


class AttuneHandler(ExtensionHandlerMixin, APIHandler):
    """Base for attune-jupyter handlers: authorization resource and error replies."""

    auth_resource = AUTH_RESOURCE

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Reply ``{message, reason, line}`` (the TypeScript ``IErrorReply``) for every error."""
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        message = self._reason
        if isinstance(error, tornado.web.HTTPError) and error.log_message:
            message = error.log_message % error.args if error.args else error.log_message
        self._reply_error(status_code, message, self._reason, None)

    def reply_transcript_error(self, error: TranscriptError) -> None:
        """422 with the reader's message; it names the file and line, never turn text."""
        self.set_status(422)
        self._reply_error(422, str(error), error.reason, error.line)

    def _reply_error(self, status: int, message: str, reason: str, line: int | None) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "reason": reason, "line": line}))

    def check_contents_read(self) -> None:
        """Refuse users who may not read files: the API must not reveal what they can't open."""
        if not self.authorizer.is_authorized(self, self.current_user, "read", "contents"):
            raise tornado.web.HTTPError(403, "You may not read files on this server.")


class TranscriptHandler(AttuneHandler):
    """``GET /attune/api/transcripts?path=P``: parse the transcript file P (server-relative).

    The reply also lists the possible identifiers the screen finds (masked, with their offsets),
    taking the allow-list of the nearest ``attune-course.toml`` at or above P's folder into
    account, so that the viewer can warn before a transcript that still identifies someone is
    shared or annotated.
    """

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        self.check_contents_read()
        path = self.get_query_argument("path", "").strip("/")
        if not path:
            raise tornado.web.HTTPError(400, "Give the transcript file as ?path=...")
        try:
            data = await self._read_file(path)
            format_name = self.get_query_argument("format", None) or format_for_path(path)
            transcript = parse_transcript_bytes(data, format_name, path=path)
            course = await self._course_for(path)
        except TranscriptError as error:
            self.reply_transcript_error(error)
            return
        except CourseFileError as error:
            self.set_status(422)
            self._reply_error(422, str(error), "course file", None)
            return
        findings = screen(transcript, allow=course.allow)
        self.finish(
            {
                "path": path,
                "format": format_name,
                "transcript": transcript.to_dict(),
                "identifiers": [_finding_reply(finding) for finding in findings],
            }
        )

    async def _course_for(self, path: str) -> CourseSettings:
        """The settings of the nearest course file at or above ``path``'s folder, if any."""
        cm = self.contents_manager
        folder = posixpath.dirname(path)
        while True:
            candidate = posixpath.join(folder, COURSE_FILE_NAME) if folder else COURSE_FILE_NAME
            if await ensure_async(cm.file_exists(candidate)):  # type: ignore[no-untyped-call]
                model = await ensure_async(
                    cm.get(candidate, content=True, type="file", format="base64")  # type: ignore[no-untyped-call]
                )
                return CourseSettings.parse(base64.b64decode(model["content"]), candidate)
            if not folder:
                return CourseSettings()
            folder = posixpath.dirname(folder)

    async def _read_file(self, path: str) -> bytes:
        app = cast("AttuneServerApp", self.extensionapp)
        limit = app.max_transcript_bytes
        cm = self.contents_manager
        # A 404 or 403 from the contents manager (missing, hidden, outside the root) passes through.
        info = await ensure_async(cm.get(path, content=False, type="file"))  # type: ignore[no-untyped-call]
        size = info.get("size")
        if size is not None and size > limit:
            raise TranscriptError(
                f"the file is {size:,} bytes; the Transcript viewer reads at most {limit:,} "
                "(AttuneServerApp.max_transcript_bytes)",
                path,
            )
        model = await ensure_async(
            cm.get(path, content=True, type="file", format="base64")  # type: ignore[no-untyped-call]
        )
        return base64.b64decode(model["content"])


def _finding_reply(finding: Finding) -> dict[str, Any]:
    """A finding as the TypeScript ``IIdentifierFinding``: masked, never the matched text."""
    return {
        "turn_id": finding.turn_id,
        "start": finding.start,
        "end": finding.end,
        "category": finding.category,
        "masked": finding.masked,
    }
