import json
import sys

from django.core.management.base import BaseCommand, CommandError

from peerwell.notes import scope_train
from peerwell.notes.scope import RulesError, check


class Command(BaseCommand):
    help = (
        'Scope guard tools. `scope check FILE` reads JSON lines {"id": ..., "text": ...} '
        "(FILE may be -) and writes one JSON line per input with its flags. `scope train` "
        "rebuilds the classifier from labelled sentences (docs/scope-guard.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        checker = sub.add_parser("check", help="flag out-of-scope spans in JSON lines")
        checker.add_argument("file", help="a JSON lines file, or - for standard input")
        trainer = sub.add_parser("train", help="rebuild the classifier from labelled sentences")
        scope_train.add_arguments(trainer)

    def handle(self, *args, subcommand, **options):
        if subcommand == "train":
            try:
                failed = scope_train.run(
                    options["data"], options["out"], options["check"], self.stdout
                )
            except (OSError, ValueError, ImportError) as error:
                raise CommandError(f"scope train: {error}") from error
            if failed:
                raise CommandError("the model file is not what training gives: run `scope train`")
            return
        file = options["file"]
        try:
            source = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from error
        bad = 0
        with source:
            for number, line in enumerate(source, start=1):
                if not line.strip():
                    continue
                result = self._one(line, number)
                bad += "error" in result
                self.stdout.write(json.dumps(result, ensure_ascii=False))
        if bad:
            raise CommandError(f'{bad} line(s) were not {{"id": ..., "text": ...}} objects')

    def _one(self, line: str, number: int) -> dict:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            return {"id": None, "line": number, "error": f"not JSON: {error.msg}"}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            return {
                "id": item.get("id") if isinstance(item, dict) else None,
                "line": number,
                "error": 'needs a string "text"',
            }
        try:
            flags = check(item["text"])
        except RulesError as error:
            raise CommandError(f"scope rules: {error}") from error
        return {
            "id": item.get("id"),
            "flags": [
                {
                    "category": f.category,
                    "start": f.start,
                    "end": f.end,
                    "text": f.text,
                    "why": f.why,
                }
                for f in flags
            ],
        }
