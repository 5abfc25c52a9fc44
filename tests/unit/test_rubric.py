"""Tests for attune_jupyter.core.rubric: packaged rubrics, the file format, rating checks."""

from __future__ import annotations

import copy
import json
import os
import pickle
import stat
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import attune_jupyter
from attune_jupyter.core import rubric as rubric_module
from attune_jupyter.core.rating import ItemRating, SessionRating
from attune_jupyter.core.rubric import (
    FORMAT,
    FORMAT_VERSION,
    Bands,
    PassRule,
    Rubric,
    RubricError,
    RubricGroup,
    RubricItem,
    RubricSummary,
    Scale,
)

PACKAGED = {
    "rubric_default.json": Rubric.default,
    "rubric_miti_4_2_1.json": Rubric.miti,
    "rubric_fis.json": Rubric.fis,
    "rubric_cts_r.json": Rubric.cts_r,
}

DEFAULT_GROUPS = {
    "qualities": [
        "compassion",
        "clarity",
        "connectedness",
        "courage",
        "curiosity",
        "cultural-competence",
    ],
    "safety": ["emotional-safety", "relational-safety", "predictability", "cultural-sensitivity"],
    "risks": ["emotional-detachment", "rigid-boundaries", "loss-of-individualisation"],
    "balance": ["humanising-the-process", "reflective-listening", "warmth-within-professionalism"],
}


def _rating(rubric: Rubric, scores: dict[str, int | None]) -> SessionRating:
    return SessionRating(
        transcript_id="t-1",
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rater="supervisor-1",
        items=tuple(ItemRating(item_id, score) for item_id, score in scores.items()),
    )


def _small() -> Rubric:
    """A two-group rubric built in Python, with bands and a summary over a list of items."""
    return Rubric(
        "small",
        2,
        "Small rubric",
        "Two lines\nof description.",
        [RubricGroup("a", "Group A", "first"), RubricGroup("b", "Group B")],
        [
            RubricItem("x", "X", "", "a", Scale(1, 3, {1: "low", 3: "high"})),
            RubricItem("y", "Y", "why", "a", Scale(0, 4)),
            RubricItem("z", "Z", "", "b", Scale(1, 5, {}, higher_is_better=False)),
        ],
        [
            RubricSummary("a-mean", "A", "mean", group="a", bands=Bands(1.5, 2.5)),
            RubricSummary("xy-total", "X+Y", "total_if_complete", items=("y", "x")),
            RubricSummary("z", "Z", "mean_if_complete", group="b"),
        ],
    )


# --------------------------------------------------------------------------------------------
# Packaged rubrics
# --------------------------------------------------------------------------------------------


def test_default_rubric_has_the_groups_and_items_of_the_domain() -> None:
    rubric = Rubric.default()
    assert (rubric.id, rubric.version) == ("attune-default", 1)
    assert [g.id for g in rubric.groups] == list(DEFAULT_GROUPS)
    for group, items in DEFAULT_GROUPS.items():
        assert [item.id for item in rubric.items_in(group)] == items
    assert len(rubric) == 16
    assert rubric.pass_rule is None


def test_only_the_risk_items_count_higher_as_worse() -> None:
    rubric = Rubric.default()
    risky = {item.id for item in rubric if not item.scale.higher_is_better}
    assert risky == set(DEFAULT_GROUPS["risks"])
    assert "higher score means more of the risk" in rubric.group("risks").description


def test_default_rubric_anchors_every_level_of_every_item() -> None:
    rubric = Rubric.default()
    anchors: list[str] = []
    for item in rubric:
        assert (item.scale.minimum, item.scale.maximum) == (1, 5)
        assert list(item.scale.anchors) == list(item.scale.levels), item.id
        anchors.extend(item.scale.anchors.values())
        assert item.description
    # Short and each one its own: an anchor describes one level of one item.
    assert all(len(text) <= 100 for text in anchors)
    assert len(set(anchors)) == len(anchors) == 80


@pytest.mark.parametrize(
    ("factory", "rubric_id", "count", "low", "high"),
    [
        (Rubric.miti, "miti-4.2.1", 4, 1, 5),
        (Rubric.fis, "fis", 8, 1, 5),
        (Rubric.cts_r, "cts-r", 12, 0, 6),
    ],
)
def test_instruments_ship_structure_without_level_text(
    factory: Callable[[], Rubric], rubric_id: str, count: int, low: int, high: int
) -> None:
    rubric = factory()
    assert rubric.id == rubric_id
    assert len(rubric) == count
    for item in rubric:
        assert (item.scale.minimum, item.scale.maximum) == (low, high)
        assert item.scale.higher_is_better
        # The level descriptions of published instruments belong to their manuals.
        assert dict(item.scale.anchors) == {}


def test_instrument_item_names() -> None:
    assert [i.label for i in Rubric.miti()] == [
        "Cultivating change talk",
        "Softening sustain talk",
        "Partnership",
        "Empathy",
    ]
    assert [i.id for i in Rubric.fis()] == [
        "verbal-fluency",
        "hope-and-positive-expectations",
        "persuasiveness",
        "emotional-expression",
        "warmth-acceptance-understanding",
        "empathy",
        "alliance-bond-capacity",
        "alliance-rupture-repair-responsiveness",
    ]
    assert [i.id for i in Rubric.cts_r()] == [
        "agenda-setting-and-adherence",
        "feedback",
        "collaboration",
        "pacing-and-efficient-use-of-time",
        "interpersonal-effectiveness",
        "eliciting-appropriate-emotional-expression",
        "eliciting-key-cognitions",
        "eliciting-behaviours",
        "guided-discovery",
        "conceptual-integration",
        "application-of-change-methods",
        "homework-setting",
    ]
    assert Rubric.cts_r().pass_rule == PassRule(total_at_least=36, each_item_at_least=2)


@pytest.mark.parametrize("name", sorted(PACKAGED))
def test_packaged_files_are_canonical_rubric_files(name: str) -> None:
    text = resources.files("attune_jupyter.core").joinpath("data", name).read_text("utf-8")
    rubric = PACKAGED[name]()
    assert json.loads(text)["format"] == FORMAT
    assert rubric.to_json() == text  # written by save(): loading and saving changes nothing
    assert rubric.source is not None and rubric.source.endswith(f"data/{name}")
    assert PACKAGED[name]() is rubric  # read once per process


def test_public_names_are_exported() -> None:
    for name in ("Rubric", "RubricError", "RubricItem", "Scale", "SessionRating", "ItemRating"):
        assert name in attune_jupyter.__all__
        assert name in attune_jupyter.core.__all__
    assert attune_jupyter.Rubric is Rubric
    assert issubclass(RubricError, ValueError)


# --------------------------------------------------------------------------------------------
# Saving and loading
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [*PACKAGED.values(), _small])
def test_save_then_load_gives_an_equal_rubric(
    factory: Callable[[], Rubric], tmp_path: Path
) -> None:
    rubric = factory()
    path = tmp_path / "rubric.json"
    rubric.save(path)
    loaded = Rubric.load(path)
    assert loaded == rubric
    assert loaded.source == str(path)
    assert loaded.to_json() == path.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["rubric.json"]  # no temporary file left


def test_summary_fields_round_trip_in_their_short_form(tmp_path: Path) -> None:
    doc = _small().to_dict()
    assert doc["summaries"][0] == {
        "id": "a-mean",
        "label": "A",
        "method": "mean",
        "group": "a",
        "bands": {"fair": 1.5, "good": 2.5},
    }
    assert doc["summaries"][1] == {
        "id": "xy-total",
        "label": "X+Y",
        "method": "total_if_complete",
        "items": ["y", "x"],
    }
    assert doc["items"][0]["scale"]["anchors"] == {"1": "low", "3": "high"}
    assert Rubric.cts_r().to_dict()["pass_rule"] == {"total_at_least": 36, "each_item_at_least": 2}


def test_save_keeps_the_permissions_of_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "rubric.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    _small().save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert Rubric.load(path) == _small()


def test_failed_save_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rubric.json"
    _small().save(path)
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        Rubric.default().save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["rubric.json"]


def test_load_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + _small().to_json().encode("utf-8"))
    assert Rubric.load(path) == _small()


@pytest.mark.parametrize("factory", [*PACKAGED.values(), _small])
def test_rubrics_pickle_copy_and_hash(factory: Callable[[], Rubric]) -> None:
    rubric = factory()
    again = pickle.loads(pickle.dumps(rubric))
    assert again == rubric and again.item(rubric.items[0].id) == rubric.items[0]
    assert copy.deepcopy(rubric) == rubric
    assert hash(again) == hash(rubric)


def test_rubric_error_pickles() -> None:
    error = RubricError("bad", "f.json", "items[0].id")
    again = pickle.loads(pickle.dumps(error))
    assert (again.reason, again.source, again.where, str(again)) == (
        "bad",
        "f.json",
        "items[0].id",
        "f.json: items[0].id: bad",
    )


# --------------------------------------------------------------------------------------------
# Malformed files: every error names the file and the field
# --------------------------------------------------------------------------------------------


def _walk(doc: Any, parts: list[str]) -> Any:
    for part in parts:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets the field at ``path`` (dotted; list positions as numbers)."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = _walk(doc, parents)
        target[int(last) if isinstance(target, list) else last] = value

    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        del _walk(doc, parents)[last]

    return change


def _append(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        _walk(doc, path.split(".")).append(value)

    return change


MALFORMED: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("missing format", _delete("format"), "format", "required field is missing"),
    ("other format", _set("format", "attune-codebook"), "format", "not a rubric file"),
    ("version text", _set("format_version", "1"), "format_version", "whole number"),
    ("unknown top", _set("colour", "red"), "colour", "unknown field 'colour'"),
    ("misspelt top", _set("titel", "x"), "titel", "did you mean 'title'?"),
    ("missing items", _delete("items"), "items", "required field is missing"),
    ("bad id", _set("id", "Attune Default"), "id", "not a valid id"),
    ("version zero", _set("version", 0), "version", "whole number >= 1"),
    ("version bool", _set("version", True), "version", "whole number >= 1"),
    ("empty title", _set("title", " "), "title", "must not be empty"),
    ("two-line title", _set("title", "a\nb"), "title", "single line"),
    ("groups object", _set("groups", {}), "groups", "must be a list"),
    ("no groups", _set("groups", []), "groups", "at least one group"),
    ("group not object", _set("groups.1", "safety"), "groups[1]", "must be an object"),
    ("group extra", _set("groups.1.colour", "red"), "groups[1].colour", "unknown field"),
    ("group no label", _delete("groups.2.label"), "groups[2].label", "required field"),
    ("group dup", _set("groups.1.id", "qualities"), "groups[1].id", "already the id"),
    (
        "empty group",
        _append("groups", {"id": "e", "label": "E", "description": ""}),
        "groups[4]",
        "has no items",
    ),
    ("no items", _set("items", []), "items", "at least one item"),
    ("item dup", _set("items.3.id", "compassion"), "items[3].id", "already the id of items[0]"),
    ("item bad id", _set("items.3.id", "Courage"), "items[3].id", "not a valid id"),
    (
        "item group",
        _set("items.3.group", "qualitys"),
        "items[3].group",
        "did you mean 'qualities'?",
    ),
    ("item label", _set("items.3.label", 5), "items[3].label", "must be a string"),
    ("item desc", _set("items.3.description", "a\rb"), "items[3].description", "single line"),
    ("item extra", _set("items.3.anchors", {}), "items[3].anchors", "unknown field"),
    ("scale list", _set("items.3.scale", [1, 5]), "items[3].scale", "must be an object"),
    ("scale extra", _set("items.3.scale.step", 1), "items[3].scale.step", "unknown field"),
    ("scale no max", _delete("items.3.scale.maximum"), "items[3].scale.maximum", "missing"),
    (
        "scale min float",
        _set("items.3.scale.minimum", 1.0),
        "items[3].scale.minimum",
        "whole number",
    ),
    ("scale flat", _set("items.3.scale.maximum", 1), "items[3].scale.maximum", "two levels"),
    (
        "scale huge",
        _set("items.3.scale.maximum", 500),
        "items[3].scale.maximum",
        "more than 101 levels",
    ),
    (
        "scale direction",
        _set("items.3.scale.higher_is_better", "yes"),
        "items[3].scale.higher_is_better",
        "true or false",
    ),
    (
        "anchors list",
        _set("items.3.scale.anchors", []),
        "items[3].scale.anchors",
        "map levels to descriptions",
    ),
    (
        "anchor off scale",
        _set("items.3.scale.anchors.7", "x"),
        "items[3].scale.anchors",
        "level 7 is not on the scale 1-5",
    ),
    (
        "anchor padded",
        _set("items.3.scale.anchors.03", "x"),
        "items[3].scale.anchors",
        "'03' is not a level",
    ),
    (
        "anchor word",
        _set("items.3.scale.anchors.high", "x"),
        "items[3].scale.anchors",
        "'high' is not a level",
    ),
    (
        "anchor empty",
        _set("items.3.scale.anchors.2", ""),
        "items[3].scale.anchors",
        "the anchor of level 2 must not be empty",
    ),
    (
        "anchor number",
        _set("items.3.scale.anchors.2", 2),
        "items[3].scale.anchors",
        "the anchor of level 2 must be a string",
    ),
    ("summaries null", _set("summaries", None), "summaries", "must be a list"),
    ("summary extra", _set("summaries.0.weight", 2), "summaries[0].weight", "unknown field"),
    ("summary no method", _delete("summaries.0.method"), "summaries[0].method", "missing"),
    (
        "summary method",
        _set("summaries.0.method", "median"),
        "summaries[0].method",
        "not a summary method",
    ),
    ("summary both", _set("summaries.0.items", ["compassion"]), "summaries[0].items", "not both"),
    (
        "summary neither",
        _delete("summaries.0.group"),
        "summaries[0].items",
        "either a group or a non-empty list",
    ),
    (
        "summary group",
        _set("summaries.0.group", "nope"),
        "summaries[0].group",
        "no group has the id 'nope'",
    ),
    ("summary dup", _set("summaries.1.id", "qualities"), "summaries[1].id", "already the id"),
    (
        "summary items text",
        _append("summaries", {"id": "s", "label": "S", "method": "mean", "items": "compassion"}),
        "summaries[4].items",
        "must be a list",
    ),
    (
        "summary item unknown",
        _append(
            "summaries",
            {"id": "s", "label": "S", "method": "mean", "items": ["compassion", "kindness"]},
        ),
        "summaries[4].items[1]",
        "no item has the id",
    ),
    (
        "summary item twice",
        _append(
            "summaries",
            {"id": "s", "label": "S", "method": "mean", "items": ["clarity", "clarity"]},
        ),
        "summaries[4].items[1]",
        "listed twice",
    ),
    (
        "summary mixes risk",
        _append(
            "summaries",
            {"id": "s", "label": "S", "method": "mean", "items": ["clarity", "rigid-boundaries"]},
        ),
        "summaries[4].items",
        "mixes",
    ),
    (
        "bands on risk",
        _set("summaries.2.bands", {"fair": 2, "good": 3}),
        "summaries[2].bands",
        "higher is better",
    ),
    ("bands missing", _set("summaries.0.bands", {"fair": 2}), "summaries[0].bands.good", "missing"),
    (
        "bands text",
        _set("summaries.0.bands", {"fair": "2", "good": 3}),
        "summaries[0].bands.fair",
        "must be a number",
    ),
    (
        "bands order",
        _set("summaries.0.bands", {"fair": 4, "good": 3}),
        "summaries[0].bands.fair",
        "must not be above",
    ),
    (
        "pass rule on risks",
        _set("pass_rule", {"total_at_least": 40}),
        "pass_rule",
        "'emotional-detachment' measures a risk",
    ),
    ("pass rule extra", _set("pass_rule", {"total": 40}), "pass_rule.total", "unknown field"),
    ("pass rule empty", _set("pass_rule", {}), "pass_rule", "give total_at_least"),
    ("pass rule list", _set("pass_rule", [36]), "pass_rule", "must be an object"),
]


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [pytest.param(change, where, reason, id=name) for name, change, where, reason in MALFORMED],
)
def test_malformed_file_is_refused_naming_file_and_field(
    change: Callable[[dict[str, Any]], None], where: str, reason: str, tmp_path: Path
) -> None:
    doc = Rubric.default().to_dict()
    change(doc)
    path = tmp_path / "course-rubric.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(RubricError) as info:
        Rubric.load(path)
    assert info.value.where == where
    assert info.value.source == str(path)
    assert str(info.value).startswith(f"{path}: {where}: ")
    assert reason in info.value.reason


PASS_RULE_CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"total_at_least": 85}, "pass_rule.total_at_least", "totals on this rubric run from 0 to 72"),
    ({"total_at_least": 0}, "pass_rule.total_at_least", "cannot decide anything"),
    ({"each_item_at_least": 7}, "pass_rule.each_item_at_least", "not on the scale of item"),
    ({"each_item_at_least": 2.5}, "pass_rule.each_item_at_least", "whole number or null"),
]


@pytest.mark.parametrize(("rule", "where", "reason"), PASS_RULE_CASES)
def test_pass_rule_that_cannot_decide_is_refused(
    rule: dict[str, Any], where: str, reason: str
) -> None:
    doc = Rubric.cts_r().to_dict()
    doc["pass_rule"] = rule
    with pytest.raises(RubricError) as info:
        Rubric.from_dict(doc, source="cts.json")
    assert (info.value.source, info.value.where) == ("cts.json", where)
    assert reason in info.value.reason


def test_newer_format_version_is_refused(tmp_path: Path) -> None:
    doc = Rubric.default().to_dict()
    doc["format_version"] = FORMAT_VERSION + 1
    path = tmp_path / "new.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(RubricError, match="written by a newer attune-jupyter; upgrade") as info:
        Rubric.load(path)
    assert info.value.where == "format_version"
    assert str(path) in str(info.value)


def test_older_format_goes_through_the_upgrade_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pretend the current format is 2 and that version 1 called the title "name".
    def step(doc: dict[str, Any]) -> dict[str, Any]:
        doc["title"] = doc.pop("name")
        return doc

    monkeypatch.setattr(rubric_module, "FORMAT_VERSION", 2)
    monkeypatch.setattr(rubric_module, "_UPGRADES", {1: step})
    doc = _small().to_dict()
    doc["format_version"] = 1
    doc["name"] = doc.pop("title")
    original = copy.deepcopy(doc)
    assert Rubric.from_dict(doc) == _small()
    assert doc == original  # the caller's document is not changed
    doc["format_version"] = 0
    with pytest.raises(RubricError, match="knows how to upgrade") as info:
        Rubric.from_dict(doc)
    assert info.value.where == "format_version"


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ('{"format": "attune-rubric",', "line 1, column 28", "not valid JSON"),
        ('{"format": 1, "format": 2}', None, "'format' appears twice"),
        ("[1, 2]", None, "top level must be a JSON object"),
        ('{"format": "attune-rubric", "format_version": 1e999}', "format_version", "whole number"),
        ("[" * 100_000 + "]" * 100_000, None, "not a JSON document this reader accepts"),
        ('{"x": ' + "9" * 5000 + "}", None, "not a JSON document this reader accepts"),
    ],
    ids=["truncated", "duplicate", "list", "infinite", "deep", "long-number"],
)
def test_text_that_is_not_a_rubric_document(text: str, where: str | None, reason: str) -> None:
    with pytest.raises(RubricError) as info:
        Rubric.from_json(text, source="r.json")
    assert (info.value.source, info.value.where) == ("r.json", where)
    assert reason in info.value.reason


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(_small().to_json().replace("Small", "Sm\u00e4ll").encode("latin-1"))
    with pytest.raises(RubricError, match="not UTF-8 text") as info:
        Rubric.load(path)
    assert info.value.source == str(path)


# --------------------------------------------------------------------------------------------
# Building in Python
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "where", "reason"),
    [
        (lambda: Scale(1, 1), "maximum", "two levels"),
        (lambda: Scale(True, 5), "minimum", "whole number"),
        (lambda: Scale(1, 5, {6: "x"}), "anchors", "level 6 is not on the scale 1-5"),
        (lambda: Scale(1, 5, {"1": "x"}), "anchors", "not a whole number"),
        (lambda: Scale(1, 5, {}, higher_is_better=1), "higher_is_better", "true or false"),
        (lambda: RubricGroup("Bad Id", "x"), "id", "not a valid id"),
        (lambda: RubricItem("x", "X", "", "g", (1, 5)), "scale", "must be a Scale"),
        (lambda: RubricSummary("s", "S", "mean"), "items", "either a group"),
        (lambda: RubricSummary("s", "S", "sum", group="g"), "method", "not a summary method"),
        (lambda: Bands(4, 3), "fair", "must not be above"),
        (lambda: Bands(float("nan"), 3), "fair", "finite"),
        (lambda: PassRule(), None, "give total_at_least"),
    ],
)
def test_parts_validate_their_own_fields(
    build: Callable[[], object], where: str | None, reason: str
) -> None:
    with pytest.raises(RubricError) as info:
        build()
    assert info.value.where == where
    assert reason in info.value.reason


def test_rubric_built_in_python_names_itself_in_errors() -> None:
    item = RubricItem("x", "X", "", "nope", Scale(1, 5))
    with pytest.raises(RubricError) as info:
        Rubric("mine", 1, "Mine", "", [RubricGroup("g", "G")], [item])
    assert str(info.value) == "rubric 'mine': items[0].group: no group has the id 'nope'"


def test_parts_are_frozen_and_anchors_read_only() -> None:
    scale = Rubric.default().item("compassion").scale
    with pytest.raises(TypeError):
        scale.anchors[1] = "changed"  # type: ignore[index]
    assert 3 in scale and 0 not in scale and True not in scale and 3.0 not in scale
    assert np.int64(3) in scale
    assert scale.describe() == "1-5"
    assert Rubric.default().item("rigid-boundaries").scale.describe() == (
        "1-5, higher means more of the risk"
    )


def test_looking_items_up() -> None:
    rubric = Rubric.default()
    assert rubric.item("courage").label == "Courage"
    assert "courage" in rubric and "bravery" not in rubric and 3 not in rubric
    with pytest.raises(KeyError, match="did you mean 'curiosity'"):
        rubric.item("curiosty")
    with pytest.raises(KeyError):
        rubric.group("nope")
    assert rubric.items_in("nope") == ()
    assert [i.id for i in rubric.summary_items("risks")] == DEFAULT_GROUPS["risks"]
    assert [i.id for i in _small().summary_items("xy-total")] == ["y", "x"]
    assert repr(rubric) == "Rubric(id='attune-default', version=1, items=16)"


# --------------------------------------------------------------------------------------------
# Ratings against a rubric
# --------------------------------------------------------------------------------------------


def test_check_rating_accepts_scores_on_scale_and_unrated_items() -> None:
    rubric = Rubric.default()
    rating = _rating(rubric, {"compassion": 1, "clarity": 5, "courage": None})
    rubric.check_rating(rating)
    rubric.check_rating(_rating(rubric, {}))


def test_check_rating_names_an_unknown_item_and_its_score() -> None:
    rubric = Rubric.default()
    rating = _rating(rubric, {"compassion": 4, "kindness": 3})
    with pytest.raises(RubricError) as info:
        rubric.check_rating(rating)
    assert info.value.where == "item 'kindness'"
    assert info.value.source == f"rating {rating.id}"
    assert "has no such item (score 3)" in info.value.reason


def test_check_rating_names_an_off_scale_score() -> None:
    rubric = Rubric.cts_r()
    rating = _rating(rubric, {"feedback": 7})
    with pytest.raises(RubricError) as info:
        rubric.check_rating(rating)
    assert str(info.value) == (
        f"rating {rating.id}: item 'feedback': score 7 is off the item's scale (0-6)"
    )
    with pytest.raises(RubricError, match="score -1 is off"):
        rubric.check_rating(_rating(rubric, {"feedback": -1}))


@pytest.mark.parametrize(
    ("rubric_id", "version", "where"),
    [("attune-default", 2, "rubric_version"), ("cts-r", 1, "rubric_id")],
)
def test_check_rating_refuses_another_rubric_or_version(
    rubric_id: str, version: int, where: str
) -> None:
    rating = SessionRating("t-1", rubric_id, version, "rater", (ItemRating("compassion", 3),))
    with pytest.raises(RubricError) as info:
        Rubric.default().check_rating(rating)
    assert info.value.where == where
    assert f"made on rubric {rubric_id!r} version {version}" in info.value.reason


def test_check_scores_accepts_numpy_integers_but_not_fractions() -> None:
    rubric = Rubric.miti()
    rubric.check_scores({"empathy": np.int64(4), "partnership": None})
    with pytest.raises(
        RubricError, match=r"whole number or None \(unrated\), got a number \(3.5\)"
    ):
        rubric.check_scores({"empathy": 3.5})  # type: ignore[dict-item]
    with pytest.raises(RubricError, match="got true/false"):
        rubric.check_scores({"empathy": True})


def test_default_summary_is_group_means_with_risks_apart() -> None:
    rubric = Rubric.default()
    rating = _rating(
        rubric,
        {
            "compassion": 4,
            "clarity": 5,
            "curiosity": 2,  # the other three qualities unrated
            "emotional-safety": 3,
            "relational-safety": 4,
            "predictability": 4,
            "cultural-sensitivity": 5,
            "emotional-detachment": 5,  # a risk: high here means worse
            "rigid-boundaries": 1,
        },
    )
    assert rubric.summary(rating) == {
        "qualities": pytest.approx(11 / 3),
        "safety": 4.0,
        "risks": 3.0,
        "balance": None,  # nothing rated
    }


def test_unrated_and_lowest_score_are_different_in_summaries() -> None:
    rubric = Rubric.default()
    unrated = _rating(rubric, dict.fromkeys(DEFAULT_GROUPS["qualities"]))
    lowest = _rating(rubric, dict.fromkeys(DEFAULT_GROUPS["qualities"], 1))
    assert rubric.summary(unrated)["qualities"] is None
    assert rubric.summary(lowest)["qualities"] == 1.0
    # One unrated item does not pull a mean down as a lowest score would.
    partly = _rating(rubric, {"compassion": 5, "clarity": None})
    low = _rating(rubric, {"compassion": 5, "clarity": 1})
    assert rubric.summary(partly)["qualities"] == 5.0
    assert rubric.summary(low)["qualities"] == 3.0


def test_summary_checks_the_rating_first() -> None:
    rubric = Rubric.default()
    with pytest.raises(RubricError, match="score 6 is off"):
        rubric.summary(_rating(rubric, {"compassion": 6}))
    with pytest.raises(RubricError, match="score 6 is off"):
        rubric.passes(_rating(rubric, {"compassion": 6}))


def test_summary_methods_that_need_every_item() -> None:
    rubric = _small()
    assert rubric.summary(_rating(rubric, {"x": 3})) == {"a-mean": 3.0, "xy-total": None, "z": None}
    assert rubric.summary(_rating(rubric, {"x": 1, "y": 0, "z": 5})) == {
        "a-mean": 0.5,
        "xy-total": 1,
        "z": 5.0,
    }
    assert rubric.summary_bands(_rating(rubric, {"x": 1, "y": 0})) == {"a-mean": "below fair"}
    assert rubric.summary_bands(_rating(rubric, {"x": 2, "y": 1})) == {"a-mean": "fair"}
    assert rubric.summary_bands(_rating(rubric, {"x": 3, "y": 2})) == {"a-mean": "good"}
    assert rubric.summary_bands(_rating(rubric, {})) == {"a-mean": None}


def test_miti_globals_summaries_and_bands() -> None:
    rubric = Rubric.miti()
    rating = _rating(
        rubric,
        {"cultivating-change-talk": 3, "softening-sustain-talk": 4, "partnership": 4, "empathy": 3},
    )
    assert rubric.summary(rating) == {"technical": 3.5, "relational": 3.5}
    assert rubric.summary_bands(rating) == {"technical": "fair", "relational": "fair"}
    partial = _rating(rubric, {"cultivating-change-talk": 5, "partnership": 5, "empathy": 4})
    assert rubric.summary(partial) == {"technical": None, "relational": 4.5}
    assert rubric.summary_bands(partial) == {"technical": None, "relational": "good"}


def _cts(scores: list[int | None]) -> SessionRating:
    rubric = Rubric.cts_r()
    return _rating(rubric, {item.id: score for item, score in zip(rubric, scores, strict=True)})


@pytest.mark.parametrize(
    ("scores", "total", "passes"),
    [
        ([3] * 12, 36, True),  # exactly the total, every item at least 2
        ([2] * 12, 24, False),  # every item fine, total too low
        ([1, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3], 36, False),  # total met, one item below 2
        ([2, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 2], 36, True),
        ([6] * 11 + [0], 66, False),
        ([3] * 11 + [2], 35, False),
        ([6] * 11 + [None], None, None),  # one item unrated: no verdict, no total
        ([None] * 12, None, None),
    ],
)
def test_cts_r_total_and_pass_rule(
    scores: list[int | None], total: int | None, passes: bool | None
) -> None:
    rating = _cts(scores)
    assert Rubric.cts_r().summary(rating) == {"total": total}
    assert Rubric.cts_r().passes(rating) is passes


def test_rubric_without_pass_rule_passes_nothing() -> None:
    rubric = Rubric.default()
    assert rubric.passes(_rating(rubric, {item.id: 5 for item in rubric})) is None


# --------------------------------------------------------------------------------------------
# Properties: any JSON gives a rubric or a RubricError, never another exception
# --------------------------------------------------------------------------------------------

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found.extend(_paths(child, (*prefix, i)))
    return found


_DEFAULT_DOC = Rubric.default().to_dict()
_CTS_DOC = Rubric.cts_r().to_dict()
_DOC_PATHS = [(0, p) for p in _paths(_DEFAULT_DOC) if p] + [(1, p) for p in _paths(_CTS_DOC) if p]


def _outcome(build: Callable[[], Rubric]) -> None:
    try:
        rubric = build()
    except RubricError as error:
        assert str(error)
        return
    # A document that passed validation is a complete rubric that saves and loads back.
    assert Rubric.from_json(rubric.to_json()) == rubric


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_any_json_value_gives_a_rubric_or_a_rubric_error(value: Any) -> None:
    _outcome(lambda: Rubric.from_dict(value))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({"format": st.just(FORMAT), "format_version": st.just(1)}), _JSON)
def test_any_document_with_the_format_marker(header: dict[str, Any], body: Any) -> None:
    doc = {**body, **header} if isinstance(body, dict) else {**header, "items": body}
    _outcome(lambda: Rubric.from_dict(doc))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_DOC_PATHS), _JSON, st.booleans())
def test_a_valid_rubric_with_one_field_replaced_or_removed(
    where: tuple[int, tuple[Any, ...]], value: Any, remove: bool
) -> None:
    which, path = where
    doc = copy.deepcopy(_CTS_DOC if which else _DEFAULT_DOC)
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    if remove and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = value
    _outcome(lambda: Rubric.from_json(json.dumps(doc)))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_rubric_or_a_rubric_error(text: str) -> None:
    _outcome(lambda: Rubric.from_json(text))
