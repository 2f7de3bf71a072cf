"""Verifies captured Switchboard deliveries with the reference Standard Webhooks library.

Usage: verify_standard_webhooks.py CASES.json
CASES.json: [{"secret": "whsec_...", "headers": {...}, "body": "<raw body>", "expect_valid": true}, ...]
Exits 0 when every case is judged as expected, 1 otherwise (printing each mismatch).
"""
import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        cases = json.load(handle)
    failures = 0
    for index, case in enumerate(cases):
        try:
            Webhook(case["secret"]).verify(case["body"].encode("utf-8"), case["headers"])
            valid = True
        except WebhookVerificationError as error:
            valid = False
            reason = str(error)
        if valid != case["expect_valid"]:
            failures += 1
            print(f"case {index}: expected valid={case['expect_valid']}, got {valid}" + ("" if valid else f" ({reason})"))
    print(f"verified {len(cases)} cases with standardwebhooks, {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
