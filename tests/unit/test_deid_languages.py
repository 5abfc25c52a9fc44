"""The language guard of the name screen: in a transcript that is mostly not English, a
capitalised word is not a name just because it is not an English word ("Bonjour", "Gracias",
"Danke"), while cues, the given-name list and the structured patterns still find identifiers.
All dialogues are synthetic."""

from __future__ import annotations

import pytest

from attune_jupyter.core import Transcript, Turn
from attune_jupyter.core.deid import deidentify, screen, screen_text, screening
from attune_jupyter.core.deid.names import mostly_not_english

FRENCH = (
    "Bonjour. Merci d'être venue aujourd'hui, comment allez-vous ?",
    "Ça va, je suis un peu fatiguée. Je dors mal depuis quelques semaines.",
    "Qu'est-ce qui vous empêche de dormir, à votre avis ?",
    "Je pense beaucoup au travail. Mon chef me demande toujours plus.",
    "D'accord. Et quand vous pensez au travail, qu'est-ce que vous ressentez ?",
    "De l'angoisse, surtout le dimanche soir. Après je bois un verre de vin pour me calmer.",
    "Un verre, ou parfois plus ?",
    "Parfois deux ou trois. Ma femme dit que c'est trop.",
    "Elle s'inquiète pour vous. Et vous, qu'en pensez-vous ?",
    "Honnêtement, je ne sais pas. Peut-être qu'elle a raison.",
    "Voilà. C'est déjà important de le reconnaître.",
    "Oui. Merci, ça me fait du bien d'en parler.",
)
SPANISH = (
    "Buenos días. Gracias por venir, ¿cómo se encuentra hoy?",
    "Bien, gracias. Bueno, más o menos. Estoy muy cansado últimamente.",
    "¿Qué cree usted que le está cansando tanto?",
    "El trabajo, sobre todo. Mi jefe siempre quiere más y no puedo decir que no.",
    "Entiendo. ¿Y qué hace usted cuando se siente así por la noche?",
    "Fumo. Antes fumaba cinco cigarrillos al día, ahora casi un paquete.",
    "Claro. ¿Y eso le preocupa?",
    "Sí, mi hija me lo dice siempre. Quiere que lo deje antes del verano.",
    "Parece que ella es importante para usted en esto.",
    "Mucho. Pero no sé por dónde empezar, la verdad.",
    "Vale. Podemos pensar juntos en un primer paso pequeño.",
    "De acuerdo. Gracias, me ayuda hablar de esto.",
)
GERMAN = (
    "Guten Tag. Danke, dass Sie gekommen sind. Wie geht es Ihnen heute?",
    "Ganz gut, danke. Ich bin nur etwas müde, ich schlafe seit Wochen schlecht.",
    "Was hält Sie nachts wach, was meinen Sie?",
    "Die Arbeit, glaube ich. Mein Chef verlangt immer mehr von mir.",
    "Verstehe. Und was machen Sie dann am Abend, wenn Sie so angespannt sind?",
    "Meistens trinke ich ein Bier, manchmal auch zwei oder drei.",
    "Genau. Und wie sehen Sie das selbst?",
    "Ehrlich gesagt, meine Frau findet das zu viel. Vielleicht hat sie recht.",
    "Sie machen sich also selbst auch Gedanken darüber.",
    "Ja, schon. Aber ich weiß nicht, wie ich anfangen soll.",
    "Gut. Wir können gemeinsam überlegen, was ein erster kleiner Schritt wäre.",
    "Einverstanden. Danke, das Gespräch tut mir gut.",
)
ENGLISH = (
    "Hi, thanks for coming in today. How have things been since last week?",
    "Honestly, not great. I've been drinking more than I'd like to admit.",
    "What does a typical evening look like at the moment?",
    "I get home, I open a bottle of wine, and then it's gone before I notice.",
    "It sounds like that worries you, and part of you wants something different.",
    "Yeah. Me and Tarquin used to go running together, and I miss that.",
)


def _transcript(lines: tuple[str, ...] | list[str]) -> Transcript:
    turns = [
        Turn(f"t{i}", "C" if i % 2 else "T", "client" if i % 2 else "therapist", text, i, i + 1)
        for i, text in enumerate(lines, 1)
    ]
    return Transcript("s1", turns)


def _found(lines: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    return [(f.category, f.text) for f in screen(_transcript(lines))]


@pytest.mark.parametrize("dialogue", [FRENCH, SPANISH, GERMAN], ids=["fr", "es", "de"])
def test_ordinary_words_of_other_languages_are_not_names(dialogue: tuple[str, ...]) -> None:
    assert mostly_not_english("\n".join(dialogue))
    assert _found(dialogue) == []
    for text in dialogue:  # judged alone, the longer turns are recognised too
        if mostly_not_english(text):
            assert screen_text(text) == []


@pytest.mark.parametrize("dialogue", [FRENCH, SPANISH, GERMAN], ids=["fr", "es", "de"])
def test_without_the_guard_the_same_dialogues_would_be_flooded(
    dialogue: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the reason for the guard: judged as English, sentence-initial words become names
    monkeypatch.setattr(screening, "mostly_not_english", lambda text: False)
    found = _found(dialogue)
    assert len(found) >= 8
    assert {category for category, _ in found} == {"person_name"}


def test_a_short_turn_is_judged_by_the_whole_transcript() -> None:
    assert [f.text for f in screen_text("Ça va, merci.")] == ["Ça"]  # too few words to judge
    assert _found([*FRENCH, "Ça va, merci."]) == []


def test_english_is_english() -> None:
    assert not mostly_not_english("\n".join(ENGLISH))
    assert not mostly_not_english("Ça va, merci.")  # too few lower-case words to judge
    assert not mostly_not_english("")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Bonjour, je m'appelle Élise, je viens pour mon alcool.", [("person_name", "Élise")]),
        ("Mon frère Karim ne me parle plus depuis des mois.", [("person_name", "Karim")]),
        ("Ma petite sœur Anaïs vient me voir ce soir.", [("person_name", "Anaïs")]),
        ("Le Dr Moreau m'a prescrit un traitement.", [("person_name", "Moreau")]),
        ("Mme Lefèvre m'a appelée hier soir.", [("person_name", "Lefèvre")]),
        ("Merci, Élodie.", [("person_name", "Élodie")]),
        ("Vous pouvez m'appeler au 06 12 34 56 78.", [("phone", "06 12 34 56 78")]),
        ("Mon adresse mail est claire.dupont@example.fr.", [("email", "claire.dupont@example.fr")]),
    ],
)
def test_french_cues_and_patterns_still_find_identifiers(
    line: str, expected: list[tuple[str, str]]
) -> None:
    assert _found([*FRENCH, line]) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Hola, me llamo Lucía y vengo por el tabaco.", [("person_name", "Lucía")]),
        ("Mi hermana Ximena dice que fumo demasiado.", [("person_name", "Ximena")]),
        ("La Dra. Fernández me dio su número.", [("person_name", "Fernández")]),
        ("Gracias, Mateo.", [("person_name", "Mateo")]),
        ("Nací el 14/03/1987 en un pueblo pequeño.", [("date", "14/03/1987")]),
    ],
)
def test_spanish_cues_and_patterns_still_find_identifiers(
    line: str, expected: list[tuple[str, str]]
) -> None:
    assert _found([*SPANISH, line]) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Ich heiße Jonas und komme wegen dem Alkohol.", [("person_name", "Jonas")]),
        ("Meine Tochter Leonie wohnt jetzt bei ihrer Mutter.", [("person_name", "Leonie")]),
        ("Frau Schneider hat mich überwiesen.", [("person_name", "Schneider")]),
        ("Ich habe mit Priya darüber gesprochen.", [("person_name", "Priya")]),  # listed name
        ("Meine Nummer ist +49 30 12345678.", [("phone", "+49 30 12345678")]),
    ],
)
def test_german_cues_and_patterns_still_find_identifiers(
    line: str, expected: list[tuple[str, str]]
) -> None:
    assert _found([*GERMAN, line]) == expected


def test_english_with_a_french_sentence_still_finds_unlisted_names() -> None:
    lines = [*ENGLISH, "My mum always says 'je ne sais pas quoi faire avec toi'."]
    assert ("person_name", "Tarquin") in _found(lines)
    assert not mostly_not_english("\n".join(lines))


def test_deidentify_a_french_transcript_tags_only_the_identifiers() -> None:
    lines = [*FRENCH, "Mon frère Karim ne me parle plus.", "Merci, Karim, à jeudi."]
    result = deidentify(_transcript(lines))
    assert [t.text for t in result.turns][: len(FRENCH)] == list(FRENCH)
    assert [t.text for t in result.turns][len(FRENCH) :] == [
        "Mon frère [PERSON_1] ne me parle plus.",
        "Merci, [PERSON_1], à jeudi.",
    ]
    assert screen(result) == []
