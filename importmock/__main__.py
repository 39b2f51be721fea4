"""Command line: ``python -m importmock demo`` and ``python -m importmock coverage``."""

from __future__ import annotations

import argparse
import csv
import io
import sys

DEMO_FILE = """name,content,Shortcut key,contentType,channels
Greeting,"Hello, thanks for contacting us!",hello,plain,Chat;Email
Refund policy,**Refunds** take 5 to 7 business days.,refund,markdown,Email
Farewell,Goodbye and have a nice day.,hello,plain,Chat
"""


def demo() -> None:
    """Import quick responses into a knowledge base and print the job as it moves."""
    import boto3
    import requests

    from importmock import mock_imports

    # `reads` progression: every GetImportJob moves the job one stage, like polling AWS.
    with mock_imports(progression="reads") as mock:
        client = boto3.client("qconnect", region_name="us-east-1")
        kb = client.create_knowledge_base(name="demo", knowledgeBaseType="QUICK_RESPONSES")
        kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
        print(f"knowledge base {kb_id} is {kb['knowledgeBase']['status']}")

        upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        put = requests.put(
            upload["url"], data=DEMO_FILE.encode(), headers=upload["headersToInclude"]
        )
        print(f"uploaded quick-responses.csv: HTTP {put.status_code}")

        job = client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]
        print(f"import job {job['importJobId']}: {job['status']}")
        while job["status"] not in ("COMPLETE", "FAILED"):
            job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
                "importJob"
            ]
            print(f"import job {job['importJobId']}: {job['status']}")

        for summary in client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]:
            print(f"created quick response '{summary['name']}' ({summary['status']})")
        if "failedRecordReport" in job:
            report = requests.get(job["failedRecordReport"]).text
            for row in csv.DictReader(io.StringIO(report)):
                print(f"failed row '{row['name']}': {row['error']}")
        print(f"{len(mock.calls)} calls intercepted; nothing left this process.")


def coverage() -> None:
    """Print, per mocked client, which operations importmock implements (Markdown)."""
    from importmock.coverage import coverage_table

    sys.stdout.write(coverage_table())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m importmock")
    parser.add_argument("command", choices=("demo", "coverage"))
    args = parser.parse_args(argv)
    {"demo": demo, "coverage": coverage}[args.command]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
