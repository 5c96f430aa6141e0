"""The scope guard: what it flags, what it leaves alone, its rule files and batch command."""

import io
import json
import re
import tomllib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from peerwell.notes import scope


@pytest.mark.parametrize(
    "text, category, span",
    [
        (
            "We talked about work. I told her to stop taking her Seroquel.",
            "medication",
            "told her to stop taking her Seroquel",
        ),
        ("Pt is clearly bipolar.", "diagnosis", "is clearly bipolar"),
        ("Conducted a CBT session on cognitive distortions.", "therapy", "Conducted a CBT"),
        (
            "His blood pressure looked high but I said it's fine.",
            "medical",
            "blood pressure looked high",
        ),
        ("I restrained him until staff arrived.", "crisis_command", "restrained"),
        (
            "Le dije que dejara de tomar su medicamento.",
            "medication",
            "Le dije que dejara de tomar su medicamento",
        ),
        ("SPS recommended pt start taking St. John's Wort with her Lexapro.", "medication", None),
    ],
)
def test_out_of_scope_spans_are_flagged_where_they_are(text, category, span):
    flags = scope.check(text)
    assert category in {f.category for f in flags}
    flag = next(f for f in flags if f.category == category)
    assert text[flag.start : flag.end] == flag.text
    if span:
        assert flag.text == span
    assert flag.why and flag.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "She shared that her psychiatrist diagnosed her with bipolar disorder last year.",
        "He says he takes Suboxone daily and it helps.",
        "Encouraged him to ask his prescriber about the side effects of his dose.",
        "We practiced the 5-4-3-2-1 grounding exercise and she rated her mood 6/10.",
        "Gave naloxone training and fentanyl test strips; reviewed never using alone.",
        "We called 988 together and I stayed until the mobile crisis team arrived.",
        "She is on hold with the housing office.",
        "I shared how therapy helped me in my own recovery.",
        "La participante comentó que su psiquiatra le diagnosticó depresión.",
        "Practicamos la respiración profunda y llamamos juntos a la línea 988.",
        "He restrained himself from drinking at the party.",
        "Stopped by the pharmacy with him to pick up his prescription.",
    ],
)
def test_what_peers_do_is_not_flagged(text):
    assert scope.check(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Shared that when I was using, I threatened my family, and talked about making amends.",
        "Threatened to hit his brother if he took his stuff again; we talked through options.",
        "I told him I'd call his probation officer with him if he didn't hear back by Friday.",
        "We hugged and I held her while we both cried.",
        "I patted him on the shoulder and told him I was proud of him.",
        "Her psychiatrist signed a pink slip and she was admitted to the unit.",
        "She signed her pink slip at work, so we started her unemployment application.",
        "Started trauma therapy for her PTSD at the clinic this week, and she likes her counselor.",
        "She said I'm like her therapist, and I explained I'm a peer, not a clinician.",
        "The nurse said she does not need to see the midwife again until 36 weeks.",
        "We called 988 together instead of going to the hospital, and she stayed with her sister.",
        "She asked if I could drive her to pick up her prescription, and I said yes.",
        "I made her a meal plan for the week within her SNAP budget.",
        "She got stitches at the ER and is resting at home now.",
        "I took her phone number so I can text her reminders about group.",
        "Hablamos de cómo pedirle a su ex que no la amenace más.",
        "Le expliqué que si no se siente segura en casa puede llamar a la policía o al 988.",
        "Me quedé con sus llaves mientras se bañaba en el albergue, como me pidió.",
        "La psicóloga de la clínica le dio terapia de exposición y dice que le ayudó.",
        "Quiere estudiar para trabajar como terapeuta algún día.",
        "El médico dijo que no necesita puntos, solo mantener la herida limpia.",
        "Preparamos una bolsita para guardar sus pastillas según lo que acordamos con su enfermera.",
        "Evalué su avance como positivo en la meta de vivienda.",
        "Hacía una temperatura de 35 grados, así que buscamos un lugar fresco para platicar.",
        "Ya tiene fecha límite para entregar los papeles de vivienda.",
    ],
)
def test_rules_leave_alone_what_a_review_of_round_five_found_them_flagging(settings, text):
    # In-scope sentences that rules of round five flagged until a review narrowed them
    # (docs/scope-guard.md). The rules alone: a few still score high with the classifier.
    _assert_the_rules_leave_alone(settings, text)


@pytest.mark.parametrize(
    "text",
    [
        "We definitely did the budget worksheet together before the hearing.",
        "Sounds like she did great at the interview at Target.",
        "Caregiver stress: mom's dementia is getting worse and ppt isn't sleeping.",
        "He texted: I'm thinking it's PTSD from the accident, can you help me find a therapist?",
        "He asked me if I think he's bipolar; told him that's a question for his doctor, not me.",
        "We believe the psychology students' free clinic could help with testing.",
        "Modality: Phone",
        "Intervention: Family therapy referral made per mom's request; warm handoff to clinic intake.",
        "No therapy was provided by this writer; peer support only.",
        "I shared my own story, not as a clinical intervention but as a peer.",
        "I'm treating the PTSD support group to pizza for their graduation night.",
        "We left an empty chair at group for Marcus, who passed last week.",
        "She's been tolerating the flooding in her unit; we called code enforcement together.",
        "Per my protocol I called my supervisor before leaving the visit.",
        "She plans to ride it out at home during the hurricane; we made a go-bag list and saved the shelter number.",
        "Reassured her that it's okay to ask for help.",
        "We changed the dressing for the potluck salad at the last minute.",
        "Encouraged her to lower the pressure on herself this week and take one thing at a time.",
        "I checked the cut-off date for the LIHEAP application with her.",
        "Her prescriber swapped her Zoloft for Lexapro last month and she's still adjusting.",
        "Her boss signed off on her taking Fridays off for IOP.",
        "She should drop the script off at Walgreens by 5 so it's ready tomorrow.",
        "Showed her one of my pill organizers; she's going to buy one at Dollar Tree.",
        "The police came and took the gun, and I stayed with his mom on the porch.",
        "She's scared of getting 5150'd if she tells her therapist about the thoughts.",
        'Her landlord texted her "pay by Friday or I\'m calling the police" and she was shaking.',
        "Pink-slipped her at the plant on Friday; she's applying at Amazon now.",
        "Su límite de crédito está al máximo, así que hicimos un presupuesto juntas.",
        "Cuando yo andaba maníaco no dormía, le conté de mi propia recuperación.",
        "No se le brindó terapia ni consejería; solo apoyo de pares.",
        "Lo estuve tratando por teléfono toda la semana y no contesta.",
        "Modalidad: presencial en el centro comunitario.",
        "En urgencias dijeron que no necesita puntadas, solo una venda.",
        "Los nervios de la entrevista se le van a pasar solos cuando empiece, le dije riéndonos.",
        "La etiqueta dice una tableta cada seis horas; le ayudé a poner alarmas en el teléfono.",
        "Acordamos que vamos juntas para recoger sus medicamentos el viernes.",
        "Que tome el bus a la farmacia por sus medicinas el martes.",
        "Revisé la bolsa de donaciones que dejaron en la oficina y separé la ropa de invierno.",
        "Saqué las jeringas nuevas del kit de reducción de daños y se las ofrecí.",
        "Le ayudé a llenar la solicitud para que no se fuera a perder el plazo.",
        "Le aclaré a la familia que yo no firmé ninguna orden involuntaria.",
        "Le ayudé a solicitar el seguro de niños para sus hijos.",
        "Encerré en un círculo las citas de la semana en su agenda.",
        "En la clínica le drenaron el absceso y le dieron antibióticos; la llevé a la farmacia.",
    ],
)
def test_rules_leave_alone_what_a_review_of_round_six_found_them_flagging(settings, text):
    # In-scope sentences that the first draft of round six (or an older rule it touched)
    # flagged until a review narrowed them (docs/scope-guard.md).
    _assert_the_rules_leave_alone(settings, text)


def _assert_the_rules_leave_alone(settings, text):
    settings.PEERWELL_SCOPE_CLASSIFIER = False  # the rules alone
    assert scope.check(text) == []


def test_sentences_split_without_breaking_abbreviations_or_numbers():
    text = "Dr. Lee said 0.5 mg is fine. St. John's Wort came up; we moved on\nNext line"
    parts = [part.strip() for _, part in scope.sentences(text)]
    assert parts == [
        "Dr. Lee said 0.5 mg is fine.",
        "St. John's Wort came up;",
        "we moved on",
        "Next line",
    ]


def test_an_organization_adds_its_own_rules(settings, tmp_path):
    extra = tmp_path / "ours.toml"
    extra.write_text(
        '[[flag]]\ncategory = "medical"\nwhy = "Program rule"\nsuggest = "Ask the nurse"\n'
        "patterns = ['''\\bblood draw\\b''']\n"
    )
    assert scope.check("Helped with a blood draw.") == []
    settings.PEERWELL_SCOPE_RULES = str(extra)
    (flag,) = scope.check("Helped with a blood draw.")
    assert (flag.category, flag.why) == ("medical", "Program rule")


@pytest.mark.parametrize(
    "body, message",
    [
        (
            '[[flag]]\ncategory = "wizardry"\nwhy = "x"\nsuggest = "y"\npatterns = [\'a\']',
            "unknown category",
        ),
        ("[[flag]]\ncategory = \"medical\"\npatterns = ['a']", "needs `why` and `suggest`"),
        ('[[flag]]\ncategory = "medical"\nwhy = "x"\nsuggest = "y"\npatterns = [\'(\']', "flag 1"),
        (
            '[[flag]]\ncategory = "medical"\nwhy = "x"\nsuggest = "y"\npatterns = [\'{NOPE}\']',
            "no term {NOPE}",
        ),
        ("this is = not toml [", "ours.toml"),
    ],
)
def test_a_broken_rules_file_is_named_with_the_rule(settings, tmp_path, body, message):
    extra = tmp_path / "ours.toml"
    extra.write_text(body)
    settings.PEERWELL_SCOPE_RULES = str(extra)
    with pytest.raises(scope.RulesError, match=message.replace("{", r"\{").replace("}", r"\}")):
        scope.check("anything")


def test_scope_check_reads_and_writes_json_lines(tmp_path):
    source = tmp_path / "notes.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "Advised pt to double his lithium."})
        + "\n"
        + json.dumps({"id": 7, "text": "Practicamos journaling."})
        + "\n"
    )
    out = io.StringIO()
    call_command("scope", "check", str(source), stdout=out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["id"] == "a"
    (flag,) = first["flags"]
    assert set(flag) == {"category", "start", "end", "text", "why"}
    assert flag["category"] == "medication"
    assert "Advised pt to double his lithium."[flag["start"] : flag["end"]] == flag["text"]
    assert second == {"id": 7, "flags": []}


def test_scope_check_reports_bad_lines_and_fails(tmp_path):
    source = tmp_path / "notes.jsonl"
    source.write_text('{"id": 1, "text": "fine"}\nnot json\n{"id": 2}\n')
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 line"):
        call_command("scope", "check", str(source), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line.get("error") is not None for line in lines] == [False, True, True]


@pytest.mark.parametrize(
    "text, category, span",
    [
        # Hedged advice, an imperative, terse shorthand, a reading with its number.
        ("You might want to cut the Lexapro in half.", "medication", None),
        ("Dont take the naltrexone before the party, I said.", "medication", None),
        ("Dejá de tomar el clonazepam, no te hace falta.", "medication", None),
        ("Pt presents w/ MDD, recurrent.", "diagnosis", "presents w/ MDD"),
        ("Blood glucose 310, advised more water.", "medical", "glucose 310"),
        ("El pulso estaba en 120.", "medical", None),
        ("Provided schema therapy targeting her abandonment schema.", "therapy", None),
        ("I held his arms so he couldn't hit the wall.", "crisis_command", None),
        ("Llamamos a la policía para obligarlo a ir al hospital.", "crisis_command", None),
    ],
)
def test_general_patterns_flag_phrasings_they_were_not_written_from(text, category, span):
    flags = [f for f in scope.check(text) if f.category == category]
    assert flags, scope.check(text)
    assert span is None or flags[0].text == span


def test_an_allow_rule_covers_its_own_clause_only():
    reported = "She says she feels fine and her doctor told her to stop the lithium."
    advised = "She says she feels fine, so I told her she can stop the lithium."
    assert scope.check(reported) == []
    assert [f.category for f in scope.check(advised)] == ["medication"]


def test_the_writers_own_therapy_is_flagged_whoever_else_is_named():
    (flag,) = scope.check("I provided CBT for his panic, as his therapist suggested.")
    assert flag.category == "therapy"
    assert scope.check("She does CBT with her therapist on Thursdays.") == []


def test_a_hold_is_flagged_only_as_the_writers_act():
    assert scope.check("We talked about her fears around the involuntary hold she had.") == []
    assert scope.check("Placed a hold on a library book for her.") == []
    (flag,) = scope.check("Placed him on a 72-hour hold.")
    assert flag.category == "crisis_command"


def test_words_with_other_senses_need_a_person_to_be_a_reading():
    assert scope.check("The temperature was 95 degrees so we met inside.") == []
    assert scope.check("Session lasted 1 hr 15 min; we sat 20 minutes in the park.") == []
    assert [f.category for f in scope.check("Her temperature was 103.")] == ["medical"]


def test_a_term_may_name_another_but_not_itself(settings, tmp_path):
    extra = tmp_path / "ours.toml"
    extra.write_text(
        "[terms]\nPET = '''cat|dog'''\nANIMAL = '''{PET}|horse'''\n"
        '[[flag]]\ncategory = "medical"\nwhy = "x"\nsuggest = "y"\n'
        "patterns = ['''\\bvet for (?:the|his) {ANIMAL}\\b''']\n"
    )
    settings.PEERWELL_SCOPE_RULES = str(extra)
    assert [f.text for f in scope.check("Drove him to the vet for his dog.")] == ["vet for his dog"]
    loop = tmp_path / "loop.toml"
    loop.write_text(
        "[terms]\nLOOP = '''a|{LOOP}'''\n"
        '[[flag]]\ncategory = "medical"\nwhy = "x"\nsuggest = "y"\npatterns = [\'{LOOP}\']\n'
    )
    settings.PEERWELL_SCOPE_RULES = str(loop)
    with pytest.raises(scope.RulesError, match="names itself"):
        scope.check("anything")


def test_faster_patterns_match_the_same_sentences_as_written():
    data = Path(__file__).resolve().parent / "data" / "scope_dev.jsonl"
    sentences = [json.loads(line)["text"].lower() for line in data.read_text().splitlines()]
    for path in scope.rule_files():
        rules = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        loaded = scope._compile(Path(path), scope._modified(path))
        for kind, compiled in zip(scope.KINDS, loaded, strict=True):
            for rule, fast_rule in zip(rules.get(kind, []), compiled, strict=True):
                for pattern, fast in zip(rule["patterns"], fast_rule.patterns, strict=True):
                    written = re.compile(_expand(pattern, rules["terms"]), re.IGNORECASE)
                    for sentence in sentences[::2]:
                        assert bool(written.search(sentence)) == bool(fast.search(sentence)), (
                            pattern,
                            sentence,
                        )


def _expand(pattern: str, terms: dict) -> str:
    return scope.TERM.sub(lambda m: f"(?:{_expand(terms[m.group(1)], terms)})", pattern)


def test_results_kept_for_autosave_hold_no_note_text():
    text = "Advised pt to double his lithium."
    assert scope.check(text) == scope.check(text)
    assert all(isinstance(digest, bytes) for _, digest in scope._SEEN)
