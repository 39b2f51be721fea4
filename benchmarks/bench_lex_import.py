"""Time and peak memory of a Lex V2 bot import of a generated 1,000-intent archive.

The archive is a LexJson bot with one en_US locale of N intents, each with 5 slots (two
custom slot types, three built-in) and 3 sample utterances. Prints, measured in this one
run (in fresh Python processes, one timed and one traced by tracemalloc):

- wall time from CreateUploadUrl (upload and StartImport included) to the imported bot's
  intents being listable (immediate mode);
- peak resident memory of that process above its baseline (after imports and the client
  were set up, before the archive was built), and the peak of traced Python allocations.

Targets: at most 2 s and 200 MB. Usage:
    python benchmarks/bench_lex_import.py [--intents N]
"""

from __future__ import annotations

import argparse
import io
import json
import time
import tracemalloc
import zipfile
from typing import Any

from measure import current_rss_mib, peak_rss_mib, print_import, run_child

TARGET_SECONDS = 2.0
TARGET_MB = 200  # megabytes (10**6 bytes), as docs/performance.md states it

ROLE = "arn:aws:iam::123456789012:role/lex"
LOCALE = "Bench/BotLocales/en_US"
SLOT_TYPES = ("Size", "Colour", "AMAZON.Number", "AMAZON.City", "AMAZON.Date")


def _prompt(text: str) -> dict[str, Any]:
    return {
        "messageGroupsList": [{"message": {"plainTextMessage": {"value": text}}}],
        "maxRetries": 2,
    }


def generate(intents: int) -> bytes:
    """The zipped archive."""
    files: dict[str, Any] = {
        "manifest.json": {
            "metadata": {"schemaVersion": "1.0", "fileFormat": "LexJson", "resourceType": "Bot"}
        },
        "Bench/Bot.json": {
            "name": "Bench",
            "dataPrivacy": {"childDirected": False},
            "idleSessionTTLInSeconds": 300,
        },
        f"{LOCALE}/BotLocale.json": {
            "name": "English (US)",
            "identifier": "en_US",
            "nluConfidenceThreshold": 0.4,
        },
    }
    for name, values in (("Size", ["small", "large"]), ("Colour", ["red", "blue"])):
        files[f"{LOCALE}/SlotTypes/{name}/SlotType.json"] = {
            "name": name,
            "slotTypeValues": [{"sampleValue": {"value": v}} for v in values],
            "valueSelectionSetting": {"resolutionStrategy": "ORIGINAL_VALUE"},
        }
    for n in range(intents):
        folder = f"{LOCALE}/Intents/Intent{n}"
        slots = [f"slot{k}" for k in range(5)]
        files[f"{folder}/Intent.json"] = {
            "name": f"Intent{n}",
            "description": f"Generated intent {n}",
            "sampleUtterances": [
                {"utterance": f"do thing {n}"},
                {"utterance": f"please do thing {n} with {{slot0}}"},
                {"utterance": f"thing {n} {{slot1}} {{slot2}}"},
            ],
            "slotPriorities": [{"priority": k + 1, "slotName": s} for k, s in enumerate(slots)],
        }
        for slot, slot_type in zip(slots, SLOT_TYPES):
            files[f"{folder}/Slots/{slot}/Slot.json"] = {
                "name": slot,
                "slotTypeName": slot_type,
                "valueElicitationSetting": {
                    "slotConstraint": "Required",
                    "promptSpecification": _prompt(f"Which {slot} for thing {n}?"),
                },
            }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, json.dumps(body))
    return buffer.getvalue()


def child(intents: int, trace: bool) -> dict[str, Any]:
    import boto3
    import requests

    from importmock import mock_imports

    with mock_imports():
        lex = boto3.client("lexv2-models", region_name="us-east-1")
        lex.list_bots()  # models loaded, validators compiled for the listing
        baseline = current_rss_mib()
        if trace:
            tracemalloc.start()
        body = generate(intents)
        size_kib = len(body) / 1024
        started = time.perf_counter()
        upload = lex.create_upload_url()
        requests.put(upload["uploadUrl"], data=body).raise_for_status()
        del body
        lex.start_import(
            importId=upload["importId"],
            mergeStrategy="FailOnConflict",
            resourceSpecification={
                "botImportSpecification": {
                    "botName": "Bench",
                    "roleArn": ROLE,
                    "dataPrivacy": {"childDirected": False},
                }
            },
        )
        done = lex.describe_import(importId=upload["importId"])
        listed = lex.list_intents(
            botId=done["importedResourceId"],
            botVersion="DRAFT",
            localeId="en_US",
            maxResults=1000,
        )
        elapsed = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] / (1024 * 1024) if trace else None
        assert done["importStatus"] == "Completed", done
        assert len(listed["intentSummaries"]) == min(1000, intents + 1)  # + FallbackIntent
        return {
            "zip_kib": size_kib,
            "seconds": elapsed,
            "rss_peak_over_baseline_mib": peak_rss_mib() - baseline,
            "traced_peak_mib": traced,
        }


def run(intents: int, trace: bool) -> dict[str, Any]:
    flags = ["--trace"] if trace else []
    return run_child(__file__, ["--intents", str(intents), "--child", *flags])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intents", type=int, default=1000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.intents, args.trace)))
        return
    timed = run(args.intents, trace=False)
    traced = run(args.intents, trace=True)
    print_import(
        f"Lex V2 bot import of {args.intents:,} intents x 5 slots "
        f"({timed['zip_kib']:,.0f} KiB zip)",
        "CreateUploadUrl to intents listable",
        timed,
        traced,
        TARGET_SECONDS,
        TARGET_MB,
    )


if __name__ == "__main__":
    main()
