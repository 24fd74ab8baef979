"""A synthetic registry of N observances that mixes every rule type, for benchmarks."""

from __future__ import annotations

RULES = (
    '{{date: "{md}"}}',
    "{{nth: second, weekday: saturday, month: may}}",
    '{{start: "02-01", end: "02-07"}}',
    '{{week_containing: "11-11"}}',
    '{{any_of: [{{nth: first, weekday: monday, month: october}}, {{date: "{md}"}}]}}',
)


def synthetic_registry(count: int) -> str:
    lines = ["revision: 2026-01-01", "tags:", "  t: a tag", "observances:"]
    for i in range(count):
        md = f"{i % 12 + 1:02d}-{i % 28 + 1:02d}"
        rule = RULES[i % len(RULES)].format(md=md)
        lines += [
            f"  - id: observance-{i}",
            f"    name: Observance number {i}",
            "    kind: day",
            "    body: General Assembly",
            '    first_year: {basis: stated, sources: ["https://undocs.org/A/RES/1"]}',
            "    tags: [t]",
            f"    citations: [{{symbol: A/RES/{i}, url: 'https://undocs.org/A/RES/{i}'}}]",
            "    dates:",
            f"      - {{since: {1990 + i % 14}, until: 2011, rule: {{date: '12-19'}},",
            f"         cite: A/RES/{i}}}",
            f"      - {{since: 2012, rule: {rule}, cite: A/RES/{i}}}",
        ]
    return "\n".join(lines) + "\n"
