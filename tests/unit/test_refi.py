"""REFI-QDA interchange (attune_jupyter.core.refi): .qdc and .qdpx export, reading and import.

Every project written here is validated against the REFI-QDA 1.5 Project.xsd with xmlschema, and
round trips go through real SQLite stores. Transcript text is synthetic.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
import xmlschema
from pandas.testing import assert_frame_equal

from attune_jupyter.core.annotation import Annotation
from attune_jupyter.core.codebook import RESERVED_KEYS, Code, Codebook
from attune_jupyter.core.refi import (
    PROJECT_NAMESPACE,
    RefiError,
    RefiRoundTripWarning,
    code_guid,
    export_qdc,
    export_qdpx,
    import_qdpx,
    read_qdpx,
)
from attune_jupyter.core.transcript import Transcript, Turn
from attune_jupyter.store import Store, StoreError, TranscriptConflictError, open_store
from tests.store_faults import refuse_writes

# The schema lives beside the project (tests read ../shared, the product never does).
SCHEMA_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "refi" / "Project.xsd"
)
NS = {"q": PROJECT_NAMESPACE}

# Synthetic sessions: CRLF inside turns, emoji beyond the BMP, a label the role words do not know.
SESSION_1 = Transcript(
    "session-1",
    [
        Turn(
            "c1",
            "Client",
            "client",
            "I haven't slept properly in weeks.\r\nIt's wearing me down 😞.",
        ),
        Turn("th1", "Therapist", "therapist", "That sounds exhausting 🌙.\r\nWhat keeps you up?"),
        Turn("c2", "Client", "client", "My thoughts race. Work, mostly."),
        Turn("th2", "Counsellor Ana", "therapist", "Let's fill in the sleep diary first."),
    ],
)
SESSION_2 = Transcript(
    "session-2",
    [
        Turn("u1", "Therapist", "therapist", "Where would you like to start today?"),
        Turn("u2", "Client", "client", "With my sister 👩‍👧, I think.\rShe called."),
        Turn("u3", "Therapist", "therapist", "Tell me about the call."),
    ],
)


def _at(transcript: Transcript, turn: int, covered: str) -> dict[str, int]:
    """Span offsets (in the turn's own text, CRs included) of ``covered`` in a turn."""
    text = transcript.turns[turn].text
    start = text.index(covered)
    return {"span_start": start, "span_end": start + len(covered)}


def _annotations() -> list[Annotation]:
    when = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    return [
        # whole turns, several annotators
        Annotation(
            "session-1", "th1", "attunement.validation", "sup-ana", note="Warm.", created=when
        ),
        Annotation("session-1", "th1", "attunement.warmth", "sup-ben", created=when),
        # a span after a CRLF: "What keeps you up?"
        Annotation(
            "session-1", "th1", "attunement.curiosity", "sup-ana",
            **_at(SESSION_1, 1, "What keeps you up?"),
            strength=3, note="=open question\r\nnice", created=when,
        ),
        # a span holding an emoji beyond the BMP: "wearing me down 😞"
        Annotation(
            "session-1", "c1", "detachment", "sup-ben",
            **_at(SESSION_1, 0, "wearing me down 😞"), note="<client> & \"cue\"", created=when,
        ),
        # a pair: the therapist's response to the client turn before it
        Annotation(
            "session-1", "th2", "rigidity.scripted-response", "sup-ana",
            responds_to="c2", strength=2, adjudicated=True, created=when,
        ),
        Annotation(
            "session-1", "th2", "rigidity", "sup-ben", span_start=0, span_end=36,
            note="a span that covers the whole turn", created=when,
        ),
        Annotation(
            "session-2", "u3", "attunement.following-lead", "sup-ana",
            responds_to="u2", created=when,
        ),
        Annotation(
            "session-2", "u2", "detachment.missed-cue", "sup-ben",
            **_at(SESSION_2, 1, "👩\u200d👧, I think.\rShe"), created=when,
        ),
    ]  # fmt: skip


@functools.cache
def _schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMA_PATH)


@pytest.fixture
def schema() -> xmlschema.XMLSchema:
    return _schema()


def _valid(path: Path) -> Path:
    """``path`` after checking its project.qde against the REFI-QDA Project.xsd."""
    _schema().validate(_project_xml(path).decode("utf-8"))
    return path


@pytest.fixture
def source_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "source.db") as store:
        for transcript in (SESSION_1, SESSION_2):
            store.import_transcript(transcript, "lead")
        for annotation in _annotations():
            store.add_annotation(annotation)
        yield store


def _export_store(store: Store, path: Path, codebook: Codebook | None = None) -> Path:
    transcripts = [store.transcript(t) for t in store.transcripts()["transcript_id"]]
    return _valid(
        export_qdpx(
            path,
            transcripts,
            store.annotations(),
            codebook or Codebook.default(),
            project_name="Cohort A, spring",
            created_by="lead",
        )
    )


def _project_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _moment(annotation: Annotation, transcript: Transcript) -> tuple[object, ...]:
    """What must survive a round trip: turn position, span (in LF text), code, annotator, note..."""
    positions = {turn.id: i for i, turn in enumerate(transcript.turns)}
    turn = transcript.turn(annotation.turn_id)
    if annotation.span_start is None:
        span = None
    else:
        before = turn.text[: annotation.span_start]
        covered = turn.text[annotation.span_start : annotation.span_end]
        start = len(_normalised(before))
        span = (start, start + len(_normalised(covered)), _normalised(covered))
    return (
        annotation.transcript_id,
        positions[annotation.turn_id],
        span,
        annotation.code_id,
        annotation.annotator,
        annotation.note,
        annotation.strength,
        None if annotation.responds_to is None else positions[annotation.responds_to],
        annotation.adjudicated,
        annotation.created,
    )


# --------------------------------------------------------------------------------------------
# The round trip of the acceptance
# --------------------------------------------------------------------------------------------


def test_export_import_round_trip_has_no_offset_drift(
    tmp_path: Path, source_store: Store, schema: xmlschema.XMLSchema
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # these transcripts read back exactly: no warning
        first = _export_store(source_store, tmp_path / "first.qdpx")
    schema.validate(_project_xml(first).decode("utf-8"))

    with open_store(tmp_path / "fresh.db") as fresh:
        result = import_qdpx(first, fresh, by="lead")
        assert result.transcript_ids == ("session-1", "session-2")
        assert result.codebook == Codebook.default()

        originals = {t.id: t for t in (SESSION_1, SESSION_2)}
        imported = {t: fresh.transcript(t) for t in originals}
        for tid, transcript in imported.items():
            original = originals[tid]
            assert [(t.speaker, t.role) for t in transcript.turns] == [
                (t.speaker, t.role) for t in original.turns
            ]
            assert [t.text for t in transcript.turns] == [
                _normalised(t.text) for t in original.turns
            ]

        expected = [_moment(a, originals[a.transcript_id]) for a in _annotations()]
        got = [_moment(a, imported[a.transcript_id]) for a in fresh.annotation_list()]
        assert len(got) == len(expected)
        assert sorted(got, key=repr) == sorted(expected, key=repr)
        # The spans cover the same characters (emoji included).
        for a in fresh.annotation_list():
            if a.span_start is not None:
                text = imported[a.transcript_id].turn(a.turn_id).text
                assert text[a.span_start : a.span_end] in {
                    "What keeps you up?",
                    "wearing me down 😞",
                    "👩\u200d👧, I think.\nShe",
                    "Let's fill in the sleep diary first.",
                }

        second = _export_store(fresh, tmp_path / "second.qdpx", result.codebook)
    assert second.read_bytes() == first.read_bytes()


def test_the_source_text_and_selection_offsets(tmp_path: Path, source_store: Store) -> None:
    path = _export_store(source_store, tmp_path / "p.qdpx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = ElementTree.fromstring(archive.read("project.qde"))
        sources = {
            s.get("name"): (s, archive.read(f"sources/{s.get('plainTextPath')[11:]}"))
            for s in root.iterfind("q:Sources/q:TextSource", NS)
        }
    assert names[0] == "project.qde"
    assert all(re.fullmatch(r"sources/[0-9a-f-]{36}\.txt", n) for n in names[1:])
    source, raw = sources["session-1"]
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    text = raw.decode("utf-8")
    assert text.split("\n")[:2] == [
        "Client: I haven't slept properly in weeks.",
        "It's wearing me down 😞.",
    ]
    assert text.split("\n")[-1] == "Counsellor Ana: Let's fill in the sleep diary first."
    assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"

    covered = {}
    for selection in source.iterfind("q:PlainTextSelection", NS):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        code = selection.find("q:Coding/q:CodeRef", NS).get("targetGUID")
        covered[code] = (text[start:end], selection.find("q:Description", NS).text)
    # A whole turn covers its text, not the speaker label.
    assert covered[code_guid("attunement.validation")] == (
        "That sounds exhausting 🌙.\nWhat keeps you up?",
        "Warm.\n[attune-jupyter] whole turn",
    )
    assert covered[code_guid("attunement.curiosity")] == (
        "What keeps you up?",
        "=open question\r\nnice\n[attune-jupyter] span; strength 3",
    )
    assert covered[code_guid("detachment")][0] == "wearing me down 😞"
    # A pair covers the therapist turn and names the client turn in its description.
    assert covered[code_guid("rigidity.scripted-response")] == (
        "Let's fill in the sleep diary first.",
        "[attune-jupyter] response to turn 3; strength 2; adjudicated",
    )
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    assert sorted(users.values()) == ["lead", "sup-ana", "sup-ben"]
    creators = {
        users[c.get("creatingUser")] for c in source.iterfind("q:PlainTextSelection/q:Coding", NS)
    }
    assert creators == {"sup-ana", "sup-ben"}


def test_codings_are_read_per_user(tmp_path: Path, source_store: Store) -> None:
    project = read_qdpx(_export_store(source_store, tmp_path / "p.qdpx"))
    assert project.name == "Cohort A, spring"
    by_user = project.codings_by_user
    assert list(by_user) == ["sup-ana", "sup-ben"]
    assert len(by_user["sup-ana"]) == 4 and len(by_user["sup-ben"]) == 4
    assert [s.name for s in project.sources] == ["session-1", "session-2"]
    assert project.sources[0].transcript.turns[3].role == "therapist"  # from the roles variable
    assert project.skipped == ()


def test_export_is_deterministic(tmp_path: Path, source_store: Store) -> None:
    a = _export_store(source_store, tmp_path / "a.qdpx")
    b = _export_store(source_store, tmp_path / "b.qdpx")
    assert a.read_bytes() == b.read_bytes()


def test_a_transcript_that_would_not_read_back_is_exported_with_a_warning(
    tmp_path: Path, schema: xmlschema.XMLSchema
) -> None:
    merged = Transcript(
        "session-9",
        [
            Turn("a", "Client", "client", "First part."),
            Turn("b", "Client", "client", "Second part."),
        ],
    )
    annotation = Annotation("session-9", "b", "attunement", "sup", span_start=0, span_end=6)
    with pytest.warns(
        RefiRoundTripWarning,
        match=r"transcript 'session-9': it would read back as 1 turn instead of 2",
    ):
        path = export_qdpx(
            tmp_path / "p.qdpx", [merged], [annotation], Codebook.default(),
            project_name="p", created_by="lead",
        )  # fmt: skip
    schema.validate(_project_xml(path).decode("utf-8"))
    project = read_qdpx(path)
    (coding,) = project.codings
    assert project.sources[0].text[coding.start : coding.end] == "Second"


# --------------------------------------------------------------------------------------------
# Export errors
# --------------------------------------------------------------------------------------------


def _export(tmp_path: Path, annotations: list[Annotation], **kwargs: object) -> Path:
    return _valid(
        export_qdpx(
            tmp_path / "p.qdpx",
            [SESSION_1],
            annotations,
            Codebook.default(),
            project_name="p",
            created_by="lead",
            **kwargs,  # type: ignore[arg-type]
        )
    )


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        (Annotation("session-7", "t1", "attunement", "sup"), r"transcript 'session-7'.*not among"),
        (Annotation("session-1", "zz", "attunement", "sup"), r"has no turn 'zz'"),
        (Annotation("session-1", "c1", "no-such-code", "sup"), r"code 'no-such-code'"),
        (
            Annotation("session-1", "c2", "attunement", "sup", span_start=3, span_end=99),
            r"ends at 99, past the end of turn 'c2'",
        ),
        (Annotation("session-1", "c2", "attunement", "sup", note="bell\x07"), r"U\+0007"),
    ],
)
def test_export_refuses_bad_annotations_and_writes_nothing(
    tmp_path: Path, annotation: Annotation, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as info:
        _export(tmp_path, [annotation])
    assert annotation.id in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_export_does_not_replace_a_file_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "p.qdpx"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError, match=re.escape(str(target))):
        _export(tmp_path, [])
    assert target.read_bytes() == b"old"
    _export(tmp_path, [], overwrite=True)
    assert zipfile.is_zipfile(target)
    with pytest.raises(ValueError, match=r"ends with \.qdpx"):
        export_qdpx(
            tmp_path / "p.zip", [], [], Codebook.default(), project_name="p", created_by="x"
        )


def test_export_never_logs_text_or_notes(
    tmp_path: Path, source_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path = _export_store(source_store, tmp_path / "p.qdpx")
    with open_store(tmp_path / "fresh.db") as fresh:
        import_qdpx(path, fresh, by="lead")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("slept", "sister", "open question", "Warm.", "exhausting"):
        assert secret not in logged


# --------------------------------------------------------------------------------------------
# Codebook exchange file (.qdc)
# --------------------------------------------------------------------------------------------


def _qdc_as_project(qdc: bytes) -> str:
    """The .qdc's codes inside a Project, so that Project.xsd checks them (same CodeType)."""
    body = qdc.decode("utf-8").split("?>", 1)[1]
    body = body.replace(' xmlns="urn:QDA-XML:codebook:1.0" origin="attune-jupyter"', "", 1)
    return f'<Project xmlns="{PROJECT_NAMESPACE}" name="check">{body}</Project>'


def test_qdc_has_nested_codes_with_stable_guids(
    tmp_path: Path, schema: xmlschema.XMLSchema
) -> None:
    book = Codebook.default()
    first = export_qdc(book, tmp_path / "a.qdc")
    second = export_qdc(book, tmp_path / "b.qdc")
    assert first.read_bytes() == second.read_bytes()
    schema.validate(_qdc_as_project(first.read_bytes()))

    root = ElementTree.fromstring(first.read_bytes())
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    families = root.findall("c:Codes/c:Code", ns)
    assert [f.get("name") for f in families] == [c.label for c in book.families()]
    attunement = families[0]
    assert attunement.get("guid") == code_guid("attunement")
    assert attunement.get("color") == book.code("attunement").colour
    children = [c.get("name") for c in attunement.findall("c:Code", ns)]
    assert children == [c.label for c in book.children("attunement")]
    description = attunement.find("c:Description", ns).text
    assert description.startswith(book.code("attunement").definition)

    with pytest.raises(FileExistsError):
        export_qdc(book, first)


def test_qdc_guids_follow_code_ids_not_labels(tmp_path: Path) -> None:
    book = Codebook.default()
    renamed = book.renamed("attunement.validation", "Validation of feelings")
    a = ElementTree.fromstring(export_qdc(book, tmp_path / "a.qdc").read_bytes())
    b = ElementTree.fromstring(export_qdc(renamed, tmp_path / "b.qdc").read_bytes())

    def guids(root: ElementTree.Element) -> list[str | None]:
        return [c.get("guid") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]

    assert guids(a) == guids(b)


# --------------------------------------------------------------------------------------------
# Reading projects written by other programs
# --------------------------------------------------------------------------------------------

G = "{:08x}-0000-4000-8000-000000000000".format


def _foreign_project(text: str, selections: str, **extra: str) -> bytes:
    """A .qdpx as another program might write it: CRLF text, no attune descriptions."""
    source_path = extra.get("path", f"internal://{G(20)}.txt")
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{PROJECT_NAMESPACE}" name="Interviews" origin="OtherQDA 1.0">
  <Users><User guid="{G(1)}" name="Rosa"/><User guid="{G(2)}" name="Tom"/></Users>
  <CodeBook><Codes>
    <Code guid="{G(10)}" name="Warmth" isCodable="true" color="#0a0">
      <Description>Any warm reply.</Description>
      <Code guid="{G(11)}" name="Warm question" isCodable="true"/>
    </Code>
    <Code guid="{G(12)}" name="Cold" isCodable="true" color="#123456"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{G(20)}" name="interview-1" plainTextPath="{source_path}">
      {selections}
    </TextSource>
    <PDFSource guid="{G(21)}" name="consent form"/>
  </Sources>
</Project>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr(f"sources/{G(20)}.txt", text.encode("utf-8"))
    return buffer.getvalue()


FOREIGN_TEXT = (
    "Interviewer: How are you?\r\nClient: Tired.\r\nStill tired 😴.\r\nInterviewer: Go on."
)


def _selection(guid: int, start: int, end: int, code: int, user: int | None = 1) -> str:
    creator = f' creatingUser="{G(user)}"' if user else ""
    return (
        f'<PlainTextSelection guid="{G(guid)}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{G(guid + 1000)}"{creator}><CodeRef targetGUID="{G(code)}"/></Coding>'
        "</PlainTextSelection>"
    )


def test_a_foreign_project_with_crlf_text_maps_to_turns(tmp_path: Path) -> None:
    # Offsets count the text with line endings normalised to LF.
    normalised = _normalised(FOREIGN_TEXT)
    tired = normalised.index("Tired.")
    still = normalised.index("Still tired 😴.") + len("Still tired 😴.")
    selections = (
        _selection(30, tired, still, 10)  # the client's whole turn
        + _selection(40, normalised.index("tired 😴"), normalised.index(" 😴.") + 2, 12, user=2)
        + _selection(50, normalised.index("Go on"), normalised.index("Go on") + 5, 11, user=None)
    )
    path = tmp_path / "foreign.qdpx"
    path.write_bytes(_foreign_project(FOREIGN_TEXT, selections))

    project = read_qdpx(path)
    assert project.skipped == ("PDFSource 'consent form' (" + G(21) + "): not a text source",)
    assert [c.id for c in project.codebook.codes] == ["warmth", "warmth.warm-question", "cold"]
    assert project.codebook.code("warmth").colour == "#00aa00"
    assert project.codebook.code("warmth.warm-question").definition == "Warm question"

    with open_store(tmp_path / "x.db") as store:
        result = import_qdpx(path, store, by="importer")
        transcript = store.transcript("interview-1")
        assert [(t.speaker, t.role) for t in transcript.turns] == [
            ("Interviewer", "other"),
            ("Client", "client"),
            ("Interviewer", "other"),
        ]
        got = sorted(
            (
                (a.turn_id, a.span_start, a.span_end, a.code_id, a.annotator)
                for a in result.annotations
            ),
            key=repr,
        )
    assert got == sorted(
        [
            ("t2", 13, 20, "cold", "Tom"),  # "tired 😴" inside "Tired.\nStill tired 😴."
            ("t2", None, None, "warmth", "Rosa"),
            ("t3", 0, 5, "warmth.warm-question", "importer"),
        ],
        key=repr,
    )
    assert transcript.turns[1].text[13:20] == "tired 😴"


def _many_codes_project(count: int) -> bytes:
    """A project of another program with ``count`` codes (every tenth one nested under the code
    before it) and one coding with the last code."""
    codes = []
    for n in range(count):
        inner = f'<Code guid="{G(1000 + n)}" name="Theme {n}" isCodable="true"/>'
        if n % 10 == 9:
            codes[-1] = codes[-1].replace("/>", f">{inner}</Code>")
        else:
            codes.append(inner)
    text = "Interviewer: How are you?\nClient: Tired."
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{PROJECT_NAMESPACE}" name="Big NVivo project">
  <CodeBook><Codes>{"".join(codes)}</Codes></CodeBook>
  <Sources>
    <TextSource guid="{G(20)}" name="interview-1" plainTextPath="internal://{G(20)}.txt">
      <PlainTextSelection guid="{G(30)}" startPosition="34" endPosition="40">
        <Coding guid="{G(31)}"><CodeRef targetGUID="{G(1000 + count - 1)}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr(f"sources/{G(20)}.txt", text.encode("utf-8"))
    return buffer.getvalue()


def test_a_codebook_with_more_codes_than_keyboard_keys_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "big.qdpx"
    path.write_bytes(_many_codes_project(120))
    with open_store(tmp_path / "x.db") as store:
        result = import_qdpx(path, store, by="importer")
        (annotation,) = store.annotation_list()
    book = result.codebook
    assert len(book) == 120
    assert annotation.code_id == book.codes[-1].id == "theme-118.theme-119"
    keys = [code.key for code in book.codes]
    assert len(set(keys)) == 120 and not set(keys) & set(RESERVED_KEYS)
    # The first codes get the keyboard's keys, in codebook order; the rest letters beyond ASCII
    # (documented in attune_jupyter.core.refi), which the codebook panel applies.
    keyboard = [key for key in keys if key.isascii()]
    assert keys[: len(keyboard)] == keyboard and len(keyboard) > 80
    assert keys[:3] == ["0", "1", "2"]
    assert keys[len(keyboard) : len(keyboard) + 3] == ["À", "Á", "Â"]
    assert book.by_key("À") == book.codes[len(keyboard)]
    # The codebook saves and loads, and an export keeps the keys.
    book.save(tmp_path / "big.json")
    assert Codebook.load(tmp_path / "big.json") == book
    with open_store(tmp_path / "x.db") as store:
        transcripts = [store.transcript("interview-1")]
        again = export_qdpx(
            tmp_path / "again.qdpx",
            transcripts,
            store.annotations(),
            book,
            project_name="p",
            created_by="lead",
        )
    assert read_qdpx(_valid(again)).codebook == book


def test_a_selection_crossing_turns_is_refused_or_split(tmp_path: Path) -> None:
    normalised = _normalised(FOREIGN_TEXT)
    selection = _selection(30, 0, normalised.index("Tired.") + 3, 10)
    path = tmp_path / "crossing.qdpx"
    path.write_bytes(_foreign_project(FOREIGN_TEXT, selection))
    with open_store(tmp_path / "x.db") as store:
        with pytest.raises(RefiError, match=rf"PlainTextSelection {G(30)}: it crosses turns 1, 2"):
            import_qdpx(path, store, by="importer")
        assert store.transcripts().empty and store.annotations().empty  # nothing written

        result = import_qdpx(path, store, by="importer", on_crossing="split")
    assert sorted((a.turn_id, a.span_start, a.span_end) for a in result.annotations) == [
        ("t1", None, None),
        ("t2", 0, 3),
    ]


def test_a_selection_of_only_a_speaker_label_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "label.qdpx"
    path.write_bytes(_foreign_project(FOREIGN_TEXT, _selection(30, 0, 11, 10)))
    with pytest.raises(RefiError, match=rf"{G(30)}: characters 0\.\.11 .* hold no turn's text"):
        read_qdpx(path).annotations()


# --------------------------------------------------------------------------------------------
# Importing into a store that already holds things
# --------------------------------------------------------------------------------------------


def _rewrite(path: Path, target: Path, edit: Callable[[str], str]) -> Path:
    """A copy of the package ``path`` at ``target`` with ``edit`` applied to its project.qde."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["project.qde"] = edit(entries["project.qde"].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return target


def _source_text(path: Path, name: str) -> str:
    """The plain text of the source ``name`` as the package holds it."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("project.qde"))
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            if source.get("name") == name:
                member = "sources/" + source.get("plainTextPath", "")[len("internal://") :]
                return archive.read(member).decode("utf-8")
    raise AssertionError(f"no source {name!r}")


def _coded_elsewhere(path: Path, target: Path, codings: list[tuple[str, str, int, str]]) -> Path:
    """``path`` after another program added codings: ``(source, covered text, guid number,
    code id)``, by the user sup-ana, at the offsets of ``covered`` in the source's text."""
    user = re.findall(r'<User guid="([^"]+)" name="sup-ana"', _project_xml(path).decode())[0]
    added: dict[str, str] = {}
    for source, covered, number, code_id in codings:
        text = _source_text(path, source)
        start = text.index(covered)
        added[source] = added.get(source, "") + (
            f'<PlainTextSelection guid="{G(number)}" startPosition="{start}" '
            f'endPosition="{start + len(covered)}"><Coding guid="{G(number + 1000)}" '
            f'creatingUser="{user}"><CodeRef targetGUID="{code_guid(code_id)}"/>'
            "</Coding></PlainTextSelection>"
        )

    def edit(xml: str) -> str:
        for source, selections in added.items():
            opening = re.search(rf'<TextSource [^>]*name="{re.escape(source)}"[^>]*>', xml)
            assert opening is not None
            xml = xml[: opening.end()] + selections + xml[opening.end() :]
        return xml

    return _rewrite(path, target, edit)


def _state(store: Store) -> tuple[pd.DataFrame, ...]:
    """Everything an import may write."""
    return (store.transcripts(), store.annotations(), store.history(), store.audit_events())


def _assert_unchanged(store: Store, before: tuple[pd.DataFrame, ...]) -> None:
    for old, new in zip(before, _state(store), strict=True):
        assert_frame_equal(new, old)


def test_codings_made_elsewhere_come_back_into_the_store_the_file_came_from(
    tmp_path: Path, source_store: Store
) -> None:
    # Export, code the sessions in another program, bring the codings back.
    exported = _export_store(source_store, tmp_path / "p.qdpx")
    coded = _coded_elsewhere(
        exported,
        tmp_path / "coded.qdpx",
        [
            # after a CRLF inside turn th1
            ("session-1", "keeps you", 60, "attunement.curiosity"),
            # across that CRLF
            ("session-1", "exhausting 🌙.\nWhat", 61, "attunement.warmth"),
            # after a lone CR inside turn u2
            ("session-2", "She called", 62, "detachment.missed-cue"),
        ],
    )
    before = {t: source_store.transcript(t) for t in ("session-1", "session-2")}
    registered = source_store.transcripts()
    originals = {a.id: a for a in source_store.annotation_list()}

    result = import_qdpx(coded, source_store, by="lead")

    assert result.transcript_ids == ("session-1", "session-2")
    assert (result.added, result.skipped) == (3, len(originals))
    assert sorted(result.already_there) == sorted(originals)
    assert result.deleted_in_store == ()
    assert result.summary() == "2 transcripts: 3 codings added, 8 already in the store"
    # The transcripts are the stored ones, untouched (CRLF and turn ids included).
    assert_frame_equal(source_store.transcripts(), registered)
    assert {t: source_store.transcript(t) for t in before} == before
    # The new codings sit on the stored turns, at the stored text's code points.
    covered = {
        a.code_id: (
            a.turn_id,
            before[a.transcript_id].turn(a.turn_id).text[a.span_start : a.span_end],
        )
        for a in result.annotations
        if a.span_start is not None
    }
    assert covered == {
        "attunement.curiosity": ("th1", "keeps you"),
        "attunement.warmth": ("th1", "exhausting 🌙.\r\nWhat"),
        "detachment.missed-cue": ("u2", "She called"),
    }
    assert {a.annotator for a in result.annotations} == {"sup-ana"}
    # The annotations that were there are unchanged.
    assert {a.id: a for a in source_store.annotation_list() if a.id in originals} == originals

    # Importing the same file again is harmless.
    state = _state(source_store)
    again = import_qdpx(coded, source_store, by="lead")
    assert (again.added, again.skipped) == (0, len(originals) + 3)
    assert again.summary() == "2 transcripts: 0 codings added, 11 already in the store"
    _assert_unchanged(source_store, state)


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    tmp_path: Path, source_store: Store
) -> None:
    path = _export_store(source_store, tmp_path / "p.qdpx")
    with open_store(tmp_path / "fresh.db") as fresh:
        first = import_qdpx(path, fresh, by="lead")
        assert (first.added, first.skipped) == (8, 0)
        state = _state(fresh)
        second = import_qdpx(path, fresh, by="lead")
        assert (second.added, second.skipped) == (0, 8)
        assert sorted(second.already_there) == sorted(a.id for a in first.annotations)
        _assert_unchanged(fresh, state)


def test_a_coding_deleted_in_the_store_is_not_brought_back(
    tmp_path: Path, source_store: Store
) -> None:
    path = _export_store(source_store, tmp_path / "p.qdpx")
    victim = source_store.annotation_list()[0]
    source_store.delete_annotation(victim.id, by="lead")
    state = _state(source_store)
    result = import_qdpx(path, source_store, by="lead")
    assert result.deleted_in_store == (victim.id,)
    assert (result.added, result.skipped) == (0, 8)
    assert "1 deleted in the store (not brought back)" in result.summary()
    _assert_unchanged(source_store, state)


def test_a_coding_whose_annotation_changed_in_the_store_is_refused(
    tmp_path: Path, source_store: Store
) -> None:
    exported = _export_store(source_store, tmp_path / "p.qdpx")
    coded = _coded_elsewhere(
        exported, tmp_path / "coded.qdpx", [("session-1", "keeps you", 60, "attunement.curiosity")]
    )
    edited = next(a for a in source_store.annotation_list() if a.note == "Warm.")
    source_store.update_annotation(edited.edited(note="Warm, and specific.", strength=2))
    state = _state(source_store)
    guid = str(uuid.UUID(edited.id))
    with pytest.raises(
        StoreError, match=rf"coding {guid}: .*with this GUID .*but another note, strength"
    ) as info:
        import_qdpx(coded, source_store, by="lead")
    assert "Warm" not in str(info.value)  # never the note itself
    _assert_unchanged(source_store, state)  # the new coding was not written either


def test_a_transcript_id_with_other_content_is_refused(tmp_path: Path, source_store: Store) -> None:
    path = _export_store(source_store, tmp_path / "p.qdpx")
    other = Transcript("session-2", [Turn("t1", "Client", "client", "Different words.")])
    with open_store(tmp_path / "fresh.db") as fresh:
        fresh.import_transcript(other, "lead")
        with pytest.raises(
            TranscriptConflictError,
            match=r"source 'session-2' \(.*\): the store already holds a transcript 'session-2', "
            r"and the text of this source differs from it \(it has 3 turns, the stored "
            r"transcript 1\)",
        ):
            import_qdpx(path, fresh, by="lead")
        assert list(fresh.transcripts()["transcript_id"]) == ["session-2"]
        assert fresh.annotations().empty


def test_a_source_edited_elsewhere_is_refused_naming_the_turn(
    tmp_path: Path, source_store: Store
) -> None:
    path = _export_store(source_store, tmp_path / "p.qdpx")
    edited = Transcript(
        "session-1",
        [
            *SESSION_1.turns[:2],
            Turn("c2", "Client", "client", "My thoughts race."),
            SESSION_1.turns[3],
        ],
    )
    with open_store(tmp_path / "fresh.db") as fresh:
        fresh.import_transcript(edited, "lead")
        state = _state(fresh)
        with pytest.raises(
            TranscriptConflictError, match=r"source 'session-1' .*the text of turn 3 differs"
        ) as info:
            import_qdpx(path, fresh, by="lead")
        assert "thoughts" not in str(info.value)
        _assert_unchanged(fresh, state)  # session-2, new, was not imported either


def _duplicate_coding_guid(xml: str) -> str:
    guids = re.findall(r'<Coding guid="([^"]+)"', xml)
    return xml.replace(f'<Coding guid="{guids[-1]}"', f'<Coding guid="{guids[0]}"')


@pytest.mark.parametrize("case", ["duplicate coding guid", "text differs", "coding differs"])
def test_a_refused_file_writes_nothing(tmp_path: Path, source_store: Store, case: str) -> None:
    # session-1 is new to the target store and comes first in the file, so a late check would
    # have imported it (and its codings) before refusing.
    path = _export_store(source_store, tmp_path / "p.qdpx")
    held = SESSION_2
    if case == "text differs":
        held = Transcript(
            "session-2", [*SESSION_2.turns[:2], Turn("u3", "Therapist", "therapist", "Hm.")]
        )
    with open_store(tmp_path / "target.db") as target:
        target.import_transcript(held, "lead")
        for a in source_store.annotation_list(transcript_id="session-2"):
            target.add_annotation(a)
        error: type[Exception]
        if case == "duplicate coding guid":
            # Two codings (one per source) share a GUID: the reviewer's half-written import.
            path = _rewrite(path, tmp_path / "dup.qdpx", _duplicate_coding_guid)
            error = RefiError
            expected = (
                r"dup\.qdpx: project\.qde: PlainTextSelection [0-9a-f-]{36}: Coding "
                r"[0-9a-f-]{36}: another Coding of the project has the same guid"
            )
        elif case == "text differs":
            error = TranscriptConflictError
            expected = r"source 'session-2' .*the text of turn 3 differs"
        else:
            changed = next(a for a in target.annotation_list() if a.span_start is not None)
            target.update_annotation(changed.edited(code_id="detachment"))
            error = StoreError
            expected = rf"coding {uuid.UUID(changed.id)}: .*but another code;"
        state = _state(target)
        with pytest.raises(error, match=expected):
            import_qdpx(path, target, by="lead")
        _assert_unchanged(target, state)
        assert list(target.transcripts()["transcript_id"]) == ["session-2"]


# --------------------------------------------------------------------------------------------
# Unsafe or broken packages
# --------------------------------------------------------------------------------------------


def _package(tmp_path: Path, entries: dict[str, bytes]) -> Path:
    path = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "sources/../../evil.txt"])
def test_entries_outside_the_package_are_refused(tmp_path: Path, name: str) -> None:
    path = _package(tmp_path, {"project.qde": b"<Project/>", name: b"x"})
    with pytest.raises(RefiError, match=r"absolute path or '\.\.'"):
        read_qdpx(path)


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    path = _package(tmp_path, {"project.qde": bomb})
    with pytest.raises(RefiError, match=r"bad\.qdpx: project\.qde: .*DOCTYPE"):
        read_qdpx(path)


def test_broken_packages_get_clear_errors(tmp_path: Path) -> None:
    not_zip = tmp_path / "plain.qdpx"
    not_zip.write_text("hello")
    with pytest.raises(RefiError, match="not a zip package"):
        read_qdpx(not_zip)
    with pytest.raises(RefiError, match=r"no project\.qde"):
        read_qdpx(_package(tmp_path, {"other.txt": b"x"}))
    with pytest.raises(RefiError, match=r"project\.qde: line 1, column \d+: not well-formed"):
        read_qdpx(_package(tmp_path, {"project.qde": b"<Project"}))
    with pytest.raises(RefiError, match="root element"):
        read_qdpx(_package(tmp_path, {"project.qde": b"<Other/>"}))


def test_sources_outside_the_package_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    path.write_bytes(_foreign_project(FOREIGN_TEXT, "", path="absolute:///home/x/interview.txt"))
    with pytest.raises(RefiError, match=rf"TextSource {G(20)}: its text is at .*outside"):
        read_qdpx(path)


def test_selection_past_the_end_names_the_selection(tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    path.write_bytes(_foreign_project(FOREIGN_TEXT, _selection(30, 5, 500, 10)))
    with pytest.raises(RefiError, match=rf"PlainTextSelection {G(30)}: endPosition 500 is past"):
        read_qdpx(path)


def test_unknown_code_reference_names_the_coding(tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    path.write_bytes(_foreign_project(FOREIGN_TEXT, _selection(30, 0, 5, 99)))
    with pytest.raises(RefiError, match=rf"Coding {G(1030)}: its CodeRef names no code"):
        read_qdpx(path)


def test_codebook_with_edited_codes_round_trips(tmp_path: Path) -> None:
    book = Codebook.default().with_code(
        Code("rigidity.rules", "Rules first", "Quotes a rule.", "", "#ABCDEF", "=", "rigidity")
    )
    path = _valid(
        export_qdpx(tmp_path / "p.qdpx", [SESSION_2], [], book, project_name="p", created_by="lead")
    )
    assert read_qdpx(path).codebook == book


def test_a_store_failure_while_importing_leaves_nothing_behind(
    source_store: Store, tmp_path: Path
) -> None:
    # The file is valid; the database fails once the first annotation is written, after the
    # transcripts were: as a full disk would. The import is one transaction, so none is kept.
    package = _export_store(source_store, tmp_path / "project.qdpx")
    path = tmp_path / "target.db"
    with open_store(path) as target:
        before = (target.transcripts(), target.annotations(), target.audit_events())
    refuse_writes(path, "annotations")
    with open_store(path) as target:
        with pytest.raises(StoreError, match="disk I/O error"):
            import_qdpx(package, target, by="lead")
        after = (target.transcripts(), target.annotations(), target.audit_events())
    for earlier, later in zip(before, after, strict=True):
        assert_frame_equal(earlier, later)
