"""Every API route under a case, sent with the token of someone who may not see the case
(an investigator outside its team, a recused supervisor), must answer 404 and nothing else,
whatever the method and body. The case and its records' ids come from the lead's token; the
routes come from the API's own OpenAPI description, so a new route is checked without
editing this file."""

import json
import re
import sys
import urllib.error
import urllib.request

base, lead, *outsiders = sys.argv[1:]


def call(method, path, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    request.add_header("If-Match", '"1"')
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


status, listing = call("GET", "/api/v1/cases", lead)
assert status == 200, (status, listing)
# The demo's highly confidential case: the outsiders are off its team or recused from it.
DEMO_TITLE = "Disclosure of detainee custody information to federal agents"
cases = [case for case in json.loads(listing)["items"] if case["title"] == DEMO_TITLE]
assert len(cases) == 1, "the demo case is loaded once"
case_id = cases[0]["id"]
ids = {"case_id": case_id}
for name, key in [("parties", "party_id"), ("allegations", "allegation_id"), ("notes", "note_id")]:
    status, items = call("GET", f"/api/v1/cases/{case_id}/{name}", lead)
    assert status == 200, (name, status)
    items = json.loads(items)
    ids[key] = items[0]["id"] if items else 1

status, raw = call("GET", "/api/v1/openapi.json", lead)
description = json.loads(raw)
failures = []
checked = 0
for path, item in description["paths"].items():
    if "{case_id}" not in path:
        continue
    concrete = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
    for method in ("get", "post", "put", "patch", "delete"):
        if method not in item:
            continue
        body = None if method == "get" else {}
        for token in outsiders:
            status, answer = call(method.upper(), concrete, token, body)
            checked += 1
            if status != 404:
                failures.append(f"{method.upper()} {concrete} -> {status} {answer[:200]!r}")
if failures:
    print("routes that told an outsider something:\n" + "\n".join(failures))
    sys.exit(1)
print(f"{checked} requests by outsiders, every one 404")
