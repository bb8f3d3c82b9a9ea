"""The JSON Schema of the native bank format, generated from the pydantic models so it cannot drift."""

from __future__ import annotations

import json
from typing import Any

from question_bank.models import Bank

SCHEMA_ID = "https://tenta.invalid/schema/bank.json"


def bank_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for a bank file; editors use it for completion and checking."""
    schema = Bank.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def bank_json_schema_text() -> str:
    return json.dumps(bank_json_schema(), indent=2, ensure_ascii=False) + "\n"
