"""Checks of AMATO's own for schemathesis (loaded with SCHEMATHESIS_HOOKS=fuzz.hooks).

Beside schemathesis' `not_a_server_error` (no 5xx), every rejection must say what is wrong: a
4xx answers with the API's error body, whose `message` names the problem.
"""

import schemathesis

# A message shorter than this cannot name a field and what it must be.
SHORTEST_MESSAGE = 12


@schemathesis.check
def rejection_names_the_problem(ctx, response, case):
    """A 4xx has a JSON body with a message that says what was refused."""
    status = response.status_code
    if not 400 <= status < 500:
        return
    try:
        body = response.json()
    except ValueError as err:
        raise AssertionError(f"{status} without a JSON error body") from err
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, list):
        message = "; ".join(str(m) for m in message)
    if not isinstance(message, str) or len(message.strip()) < SHORTEST_MESSAGE:
        raise AssertionError(f"{status} whose message names no problem: {message!r}")
