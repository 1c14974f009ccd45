"""Tool-call arguments on the full-level trace page (issue 21's leak): every shape of tool call
Zerg stores (docs/dashboards.md, "Tool-call arguments") comes back as json with each secret
redacted, through trace_llm_details, zerg_sql.dashboards.trace and zerg_api.get_trace."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.dashboards.test_dashboards_data import MIN, T, Data
from zerg_sql import dashboards, zerg_api
from zerg_sql.queries import queries

SHAPES = {
    # Zerg's AIMessage.tool_calls, what llm_audit_log.response_tool_calls holds.
    "langchain": (
        {"name": "web_fetch", "id": "call_1", "type": "tool_call",
         "args": {"url": "https://x.test/?token=tok-live-1", "headers": {"Authorization": "Bearer abc.def"},
                  "max_tokens": 5, "items": [{"name": "a", "client_secret": "cs-live-1"}]}},
        "web_fetch",
        {"url": "https://x.test/?token=[REDACTED]", "headers": {"Authorization": "[REDACTED]"},
         "max_tokens": 5, "items": [{"name": "a", "client_secret": "[REDACTED]"}]}),
    # LangChain's invalid_tool_calls / tool_call_chunks: args is the model's raw string.
    "langchain args string, valid JSON": (
        {"name": "login", "id": "call_2", "type": "invalid_tool_call", "error": "bad args",
         "args": json.dumps({"user": "bob", "password": "pw-live-2"})},
        "login", {"user": "bob", "password": "[REDACTED]"}),
    "langchain args string, cut off": (
        {"name": "login", "id": "call_3", "type": "invalid_tool_call", "error": "truncated",
         "args": '{"user": "bob", "password": "pw-live-3'},
        "login", '{"user": "bob", "password": [REDACTED]'),
    # OpenAI's own shape (additional_kwargs.tool_calls, raw API responses): arguments is a string.
    "openai": (
        {"id": "call_4", "type": "function",
         "function": {"name": "login", "arguments": json.dumps({"apikey": "sk-live-4", "user": "bob"})}},
        "login", {"apikey": "[REDACTED]", "user": "bob"}),
    "openai, arguments cut off": (
        {"id": "call_5", "type": "function", "function": {"name": "login", "arguments": '{"api_key": "sk-live-5", "u'}},
        "login", '{"api_key": [REDACTED], "u'),
    # Anthropic-style content blocks: the arguments are the input dict.
    "anthropic tool_use": (
        {"type": "tool_use", "id": "toolu_6", "name": "db_query",
         "input": {"sql": "select 1", "credentials": {"user": "u", "pass": "x"}, "x-api-key": "ak-live-6"}},
        "db_query", {"sql": "select 1", "credentials": "[REDACTED]", "x-api-key": "[REDACTED]"}),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_tool_call_shape_is_redacted_on_the_full_trace_page(db, shape):
    call, name, args = SHAPES[shape]
    data, trace = Data(db), uuid.uuid4()
    data.run(trace_id=trace, created_at=T - 10 * MIN, started_at=T - 10 * MIN)
    data.llm(trace_id=trace, created_at=T - 9 * MIN, response_tool_calls=[call])

    [row] = queries.list_trace_llm_details(db, trace_id=trace, max_rows=100)
    assert row["tool_calls"] == [{"name": name, "args": args}]
    page = dashboards.trace(db, trace, level="full")
    zerg = zerg_api.get_trace(db, str(trace), level="full")
    assert zerg["llm_details"][0]["tool_calls"] == [{"name": name, "args": args}]
    for text in (json.dumps(row["tool_calls"]), json.dumps(page, default=str), json.dumps(zerg)):
        assert "live-" not in text and "abc.def" not in text, text


def test_redact_json_keeps_what_is_not_a_secret(db):
    value = {"max_tokens": 50, "tokens": [1, 2], "keyboard": "qwerty", "flag": True, "none": None,
             "note": "password=hunter2 and Bearer xyz", "nested": [[{"ACCESS_TOKEN": "t"}]], "empty": {}}
    out = db.execute("SELECT redact_json(%s::jsonb) AS r", (json.dumps(value),)).fetchone()["r"]
    assert out == {"max_tokens": 50, "tokens": [1, 2], "keyboard": "qwerty", "flag": True, "none": None,
                   "note": "password=[REDACTED] and Bearer [REDACTED]", "nested": [[{"ACCESS_TOKEN": "[REDACTED]"}]],
                   "empty": {}}
    assert db.execute("SELECT redact_tool_args(NULL) AS r").fetchone()["r"] is None
    # A string that is not JSON and not cut inside a quote keeps its own last quote.
    assert db.execute("""SELECT redact_tool_args(to_jsonb('token=abc "x"'::text)) AS r""").fetchone()["r"] == \
        'token=[REDACTED] "x"'
