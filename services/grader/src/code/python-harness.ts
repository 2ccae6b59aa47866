// The Python side of code-exec: runs the solution, then each test, and prints one result line
// tagged with a per-run nonce as its last act. Kept as a constant so the sandbox only needs
// files it is given (no Python package of ours to install).
//
// NOTE: the nonce stops a program from passing by printing a fake line or exiting 0 early, but
// a program written to game the grader could read its own harness; see README "Sandbox".

// NOTE: it imports neither json nor traceback up front (re alone costs ~25 ms of start-up per
// program); tests arrive as a Python literal and the report is JSON written by hand.

/** Source of harness.py: argv[1] = nonce; reads solution.py and tests.py (TESTS = [...]) beside it. */
export const PYTHON_HARNESS = String.raw`
import os as _fm_os, sys as _fm_sys

_fm_dir = _fm_os.path.dirname(_fm_os.path.abspath(__file__))
_fm_nonce = _fm_sys.argv[1]
_fm_out = _fm_os.fdopen(_fm_os.dup(1), "w")
with open(_fm_os.path.join(_fm_dir, "solution.py"), encoding="utf-8") as f:
    _fm_solution = f.read()
with open(_fm_os.path.join(_fm_dir, "tests.py"), encoding="utf-8") as f:
    _fm_tests = eval(f.read(), {"__builtins__": {}})

def _fm_q(s):
    # A JSON string, ASCII only, so any code point (even a lone surrogate) survives stdout.
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else "\\u%04x" % ord(c) if ord(c) < 0x10000 else "\\u%04x\\u%04x" % (0xD800 + ((ord(c) - 0x10000) >> 10), 0xDC00 + ((ord(c) - 0x10000) & 0x3FF)) for c in s) + '"'

def _fm_report(status, test="", reason=""):
    try:
        _fm_sys.stdout.flush()
    except BaseException:
        pass
    _fm_out.write("\n%s {\"status\": %s, \"test\": %s, \"reason\": %s}\n" % (_fm_nonce, _fm_q(status), _fm_q(test), _fm_q(reason[:2000])))
    _fm_out.flush()
    _fm_os._exit(0)

def _fm_where(exc, sources):
    import traceback as _fm_tb
    # The innermost frame in one of the given files (name -> source): (name, line, text).
    for frame in reversed(_fm_tb.extract_tb(exc.__traceback__)):
        lines = sources.get(frame.filename, "").splitlines()
        if frame.lineno and 0 < frame.lineno <= len(lines):
            return frame.filename, frame.lineno, lines[frame.lineno - 1].strip()
    return "", 0, ""

def _fm_exc(exc):
    import traceback as _fm_tb
    return "".join(_fm_tb.format_exception_only(type(exc), exc)).strip()

_fm_globals = {"__name__": "__main__", "__builtins__": __builtins__}
try:
    exec(compile(_fm_solution, "solution.py", "exec"), _fm_globals)
except BaseException as e:
    _, line, text = _fm_where(e, {"solution.py": _fm_solution})
    _fm_report("crashed", "solution.py:%d" % line if line else "solution", _fm_exc(e) + ((" at: " + text) if text else ""))

_fm_sources = {t["name"]: t["source"] for t in _fm_tests}
for _fm_t in _fm_tests:
    try:
        exec(compile(_fm_t["source"], _fm_t["name"], "exec"), _fm_globals)
    except BaseException as e:
        name, line, text = _fm_where(e, _fm_sources)
        if name and _fm_sources.get(name) and any(t["program"] and t["name"] == name for t in _fm_tests):
            test = "%s line %d" % (name, line)
        else:
            test = _fm_t["name"]
        what = text or _fm_t["source"].strip()[:300]
        if isinstance(e, AssertionError):
            _fm_report("failed", test, what + ((" -- " + str(e)) if str(e) else ""))
        _fm_report("failed", test, _fm_exc(e) + " in: " + what)
_fm_report("passed", "", "%d test(s) passed" % len(_fm_tests))
`;
