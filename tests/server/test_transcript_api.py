"""The transcript endpoint, served by a real Jupyter server with authentication required and a
non-root base URL (pytest-jupyter)."""

from __future__ import annotations

import json
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from tests.ts_interfaces import interface_keys

VTT = (
    "WEBVTT\n\n"
    "1\n00:00:01.000 --> 00:00:04.000\nTherapist: How has the week been?\n\n"
    "2\n00:00:04.500 --> 00:00:09.000\nClient: Long. I barely slept.\n\n"
    "3\n00:00:09.000 --> 00:00:12.000\nClient: Work has been relentless.\n"
)


class DenyingAuthorizer(Authorizer):  # type: ignore[misc]
    """Denies whatever resources the test lists in ``denied``."""

    denied: ClassVar[set[str]] = set()

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource not in self.denied


@pytest.fixture
def jp_base_url() -> str:
    return "/course-a/"


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    DenyingAuthorizer.denied = set()
    return {
        "ServerApp": {
            "jpserver_extensions": {"attune_jupyter": True},
            "authorizer_class": DenyingAuthorizer,
        }
    }


@pytest.fixture
def session_file(jp_root_dir: Any) -> str:
    (jp_root_dir / "sessions").mkdir()
    (jp_root_dir / "sessions" / "week 1.vtt").write_text(VTT, encoding="utf-8")
    return "sessions/week 1.vtt"


async def test_returns_parsed_turns(jp_fetch: Any, session_file: str) -> None:
    response = await jp_fetch("attune", "api", "transcripts", params={"path": session_file})
    assert response.code == 200
    reply = json.loads(response.body)
    assert set(reply) == interface_keys("ITranscriptReply")
    assert reply["path"] == session_file
    assert reply["format"] == "webvtt"
    turns = reply["transcript"]["turns"]
    assert [(t["speaker"], t["role"]) for t in turns] == [
        ("Therapist", "therapist"),
        ("Client", "client"),
    ]
    # The two client cues merged into one turn spanning both.
    assert turns[1]["text"] == "Long. I barely slept. Work has been relentless."
    assert (turns[1]["start"], turns[1]["end"]) == (4.5, 12.0)
    assert set(turns[0]) == interface_keys("ITurn")


def _url(jp_base_url: str, session_file: str) -> str:
    return f"{jp_base_url}attune/api/transcripts?path={quote(session_file)}"


async def test_unauthenticated_request_is_refused(
    http_server_client: Any, jp_serverapp: Any, jp_base_url: str, session_file: str
) -> None:
    with pytest.raises(HTTPClientError) as caught:
        await http_server_client.fetch(_url(jp_base_url, session_file))
    assert caught.value.code == 403
    body = caught.value.response.body.decode() if caught.value.response else ""
    assert "Therapist" not in body and "slept" not in body


async def test_wrong_token_is_refused(
    http_server_client: Any, jp_serverapp: Any, jp_base_url: str, session_file: str
) -> None:
    with pytest.raises(HTTPClientError) as caught:
        await http_server_client.fetch(
            _url(jp_base_url, session_file), headers={"Authorization": "token not-the-token"}
        )
    assert caught.value.code == 403


@pytest.mark.parametrize("resource", ["attune", "contents"])
async def test_unauthorized_user_is_refused(
    jp_fetch: Any, session_file: str, resource: str
) -> None:
    DenyingAuthorizer.denied = {resource}
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("attune", "api", "transcripts", params={"path": session_file})
    assert caught.value.code == 403


async def test_bad_file_names_file_and_line(jp_fetch: Any, jp_root_dir: Any) -> None:
    (jp_root_dir / "broken.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nClient: a private sentence\n", encoding="utf-8"
    )
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("attune", "api", "transcripts", params={"path": "broken.vtt"})
    assert caught.value.code == 422
    assert caught.value.response is not None
    reply = json.loads(caught.value.response.body)
    assert set(reply) == interface_keys("IErrorReply")
    assert reply["line"] == 3
    assert "broken.vtt" in reply["message"] and "line 3" in reply["message"]
    assert "private sentence" not in reply["message"]


async def test_missing_file_is_404(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("attune", "api", "transcripts", params={"path": "nowhere.vtt"})
    assert caught.value.code == 404


async def test_missing_path_is_400(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("attune", "api", "transcripts")
    assert caught.value.code == 400
    assert caught.value.response is not None
    assert "path" in json.loads(caught.value.response.body)["message"]


async def test_file_outside_root_is_refused(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("attune", "api", "transcripts", params={"path": "../../etc/passwd"})
    assert caught.value.code in (400, 403, 404)


async def test_oversized_file_is_refused_quickly(
    jp_fetch: Any, jp_root_dir: Any, jp_serverapp: Any
) -> None:
    app = jp_serverapp.extension_manager.extension_points["attune_jupyter"].app
    app.max_transcript_bytes = 1_000
    (jp_root_dir / "long.txt").write_text("Client: words words\n" * 200, encoding="utf-8")
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("attune", "api", "transcripts", params={"path": "long.txt"})
    assert caught.value.code == 422
    assert caught.value.response is not None
    assert "max_transcript_bytes" in json.loads(caught.value.response.body)["message"]


def test_bad_configuration_fails_loudly() -> None:
    from traitlets import TraitError

    from attune_jupyter.server.app import AttuneServerApp

    with pytest.raises(TraitError, match="max_transcript_bytes must be positive"):
        AttuneServerApp(max_transcript_bytes=0)


PLANTED = "Therapist: Hello.\nClient: Call Aisha on 07700 900123 — she knows.\n"


async def test_possible_identifiers_are_listed_masked(jp_fetch: Any, jp_root_dir: Any) -> None:
    (jp_root_dir / "intake.txt").write_text(PLANTED, encoding="utf-8")
    response = await jp_fetch("attune", "api", "transcripts", params={"path": "intake.txt"})
    reply = json.loads(response.body)
    identifiers = reply["identifiers"]
    assert [(f["turn_id"], f["category"]) for f in identifiers] == [
        ("t2", "person_name"),
        ("t2", "phone"),
    ]
    text = reply["transcript"]["turns"][1]["text"]
    assert [text[f["start"] : f["end"]] for f in identifiers] == ["Aisha", "07700 900123"]
    assert identifiers[1]["masked"] == "••••• ••••••"
    assert all(set(f) == interface_keys("IIdentifierFinding") for f in identifiers)


async def test_the_course_file_above_allows_its_words(jp_fetch: Any, jp_root_dir: Any) -> None:
    (jp_root_dir / "course" / "week1").mkdir(parents=True)
    (jp_root_dir / "course" / "week1" / "intake.txt").write_text(PLANTED, encoding="utf-8")
    (jp_root_dir / "course" / "attune-course.toml").write_text(
        'format_version = 1\n[deid]\nallow = ["Aisha"]\n', encoding="utf-8"
    )
    params = {"path": "course/week1/intake.txt"}
    response = await jp_fetch("attune", "api", "transcripts", params=params)
    assert [f["category"] for f in json.loads(response.body)["identifiers"]] == ["phone"]

    (jp_root_dir / "course" / "attune-course.toml").write_text("format_version = [", "utf-8")
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("attune", "api", "transcripts", params=params)
    assert caught.value.code == 422
    reply = json.loads(caught.value.response.body)
    assert reply["reason"] == "course file"
    assert reply["message"].startswith("course/attune-course.toml: is not valid TOML")
