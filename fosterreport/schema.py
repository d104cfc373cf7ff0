"""The extract contract printed from the models: text, JSON and Markdown.

``fosterreport schema`` and ``docs/extracts.md`` both come from here, so the documented
contract is the enforced one. Regenerate the doc with ``fosterreport schema --format
markdown > docs/extracts.md`` (a test fails when it drifts).
"""

from __future__ import annotations

import json

from fosterreport.contract import EXTRACTS, DateOrder, NotBoth, RequiredWhen, columns


def _rule_text(rule) -> str:
    if isinstance(rule, DateOrder):
        return "dates in order where present: " + " ≤ ".join(rule.fields)
    if isinstance(rule, RequiredWhen):
        condition = f"{rule.when} is {rule.equals}" if rule.equals else f"{rule.when} is set"
        return f"{rule.field} is required when {condition}"
    if isinstance(rule, NotBoth):
        return f"not both {rule.first} and {rule.second}"
    raise TypeError(rule)


def contract() -> dict:
    """The whole contract as plain data (the JSON format)."""
    files = {}
    for name, model in EXTRACTS.items():
        files[model.file] = {
            "summary": model.summary,
            "required": model.required_file,
            "columns": [{
                "name": spec.name,
                "type": spec.cell.kind,
                "required": spec.required,
                "default": None if spec.default is None else str(getattr(spec.default, "value", spec.default)),
                "expected": spec.cell.expected,
                "aliases": list(spec.aliases),
                "unique": spec.unique,
                "references": f"{EXTRACTS[spec.references].file}" if spec.references else None,
                "notes": spec.notes,
                "codes": [{"code": m.value, "label": m.label, "meaning": m.meaning, "aliases": list(m.aliases)}
                          for m in spec.cell.codes] if spec.cell.codes else None,
            } for spec in columns(model)],
            "rules": [_rule_text(rule) for rule in model.rules],
        }
    return files


def as_json() -> str:
    return json.dumps(contract(), indent=2, ensure_ascii=False) + "\n"


def _column_notes(column: dict) -> str:
    notes = []
    if column["unique"]:
        notes.append("unique")
    if column["references"]:
        notes.append(f"must exist in {column['references']}")
    if column["default"] is not None:
        notes.append(f"blank = {column['default']}")
    if column["notes"]:
        notes.append(column["notes"])
    if column["codes"]:
        notes.append("codes: " + ", ".join(c["code"] for c in column["codes"]))
    return "; ".join(notes)


def as_text() -> str:
    lines = []
    for file, spec in contract().items():
        lines.append(f"{file}{' (required)' if spec['required'] else ''} — {spec['summary']}")
        for column in spec["columns"]:
            flag = "req" if column["required"] else "opt"
            aliases = f"  aliases: {', '.join(column['aliases'])}" if column["aliases"] else ""
            lines.append(f"  {column['name']:<24} {column['type']:<6} {flag}  {_column_notes(column)}{aliases}")
        for rule in spec["rules"]:
            lines.append(f"  rule: {rule}")
        lines.append("")
    return "\n".join(lines)


def _files_read() -> str:
    from fosterreport.contract import DELIMITERS, READ

    names = {",": "commas", ";": "semicolons", "|": "pipes (`|`)", "\t": "tabs"}
    return ("Each extract is one file named as below, found case-insensitively in the data folder, as "
            + ", ".join(f"`.{suffix}`" for suffix in READ)
            + " (an Excel workbook: its first sheet, or the one `[data.sheets]` names; problems are then "
            "located `file.xlsx[Sheet]:row:column`). A CSV is UTF-8 (another encoding is read with a warning "
            "naming the first line that is not UTF-8); its cells may be separated by "
            + ", ".join(names[d] for d in DELIMITERS)
            + " (one other than the suffix's is read with a warning naming it). Numbers and dates are "
            "written with ASCII digits only.")





def as_markdown() -> str:
    out = ["# The extract contract", "",
           "Generated from the pydantic models in `fosterreport/contract.py` by "
           "`fosterreport schema --format markdown`; do not edit by hand.", "",
           _files_read(), ""]
    for file, spec in contract().items():
        out += [f"## {file}{' (required)' if spec['required'] else ''}", "", spec["summary"].capitalize() + ".", "",
                "| column | type | required | notes | built-in aliases |", "| --- | --- | --- | --- | --- |"]
        for column in spec["columns"]:
            out.append(f"| {column['name']} | {column['type']} | {'yes' if column['required'] else ''} | "
                       f"{_column_notes(column)} | {', '.join(column['aliases'])} |")
        if spec["rules"]:
            out += ["", "Rules: " + "; ".join(spec["rules"]) + "."]
        coded = [c for c in spec["columns"] if c["codes"]]
        for column in coded:
            out += ["", f"`{column['name']}` codes:", ""]
            for code in column["codes"]:
                extra = f" — {code['meaning']}" if code["meaning"] else ""
                aliases = f" (also: {', '.join(code['aliases'])})" if code["aliases"] else ""
                out.append(f"- `{code['code']}` {code['label']}{extra}{aliases}")
        out.append("")
    return "\n".join(out)
