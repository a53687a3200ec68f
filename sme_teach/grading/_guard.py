"""The in-kernel guard of a grading kernel (nbgrader mode's second line of defence).

Installed in every student kernel before any notebook code (``install``). It

- caps what one cell can print (``max_chars``; a 50 MB print would flood the message channel);
- remembers the functions of ``sme_teach``, ``numpy``, ``pandas``, ``networkx`` and ``builtins`` and
  the names the instructor's setup cells bind, and puts them back before every locked cell
  (``check``), so a notebook that *rebinds* ``expect_frame`` or ``isinstance`` gains nothing and is named.

It stops rebinding, not a student determined to subvert the interpreter (``__code__`` or class
patches, frames): that is what trusted checking (:mod:`sme_teach.grading._checker`) and the OS sandbox
(:mod:`sme_teach.grading._sandbox`) are for. The grader talks to it through user expressions on
``sys.modules[MODULE]``.
"""

MODULE = "_sme_teach_guard"

def install(max_chars: int = 100_000, cut_mark: str = "... output cut ..."):
    """Install the guard in this interpreter (a grading kernel, before any notebook code).

    Returns the module registered as ``sys.modules[MODULE]`` whose ``check(ns)`` puts back what was
    replaced (and returns what it had to restore) and ``after_setup(ns)`` remembers the names an
    instructor's setup cell bound (sme_teach, numpy, pandas, networkx callables and modules).
    """
    import builtins, importlib, os, sys, types
    import sme_teach
    watched = ("builtins", "numpy", "numpy.random", "pandas", "networkx")
    root = os.path.dirname(sme_teach.__file__)
    pristine, names = {}, {}
    # rebound by IPython/ipykernel around every execution
    skip = {"_", "__", "___", "get_ipython", "input", "raw_input", "display", "exit", "quit", "getpass"}
    # cap what one cell can print (a 50 MB print would otherwise flood the message channel)
    budget = {"left": max_chars}
    def _capped(stream):
        write = stream.write
        def capped_write(text):
            left = budget["left"]
            if left <= 0:
                return len(text)
            if len(text) > left:
                write(text[:left] + "\n" + cut_mark + "\n")
                budget["left"] = 0
                return len(text)
            budget["left"] = left - len(text)
            return write(text)
        stream.write = capped_write
    for stream in (sys.stdout, sys.stderr):
        try:
            _capped(stream)
        except Exception:
            pass
    def _reset(*args):
        budget["left"] = max_chars
    try:
        __import__("IPython").get_ipython().events.register("pre_run_cell", _reset)
    except Exception:
        pass
    def _is_watched(name):
        return name == "sme_teach" or name.startswith("sme_teach.") or name in watched
    def _keep(v):
        return callable(v) or isinstance(v, types.ModuleType)
    def _foreign(mod):
        for v in list(vars(mod).values()):
            code = getattr(v, "__code__", None)
            if isinstance(v, types.FunctionType) and code is not None and not code.co_filename.startswith(root):
                if str(getattr(v, "__module__", None) or "__main__").startswith("__main__"):
                    return True
        return False
    def snapshot():
        found = []
        for name, mod in list(sys.modules.items()):
            if mod is None or name in pristine or not _is_watched(name):
                continue
            if name.startswith("sme_teach") and _foreign(mod):
                mod = importlib.reload(mod)
                found.append(name + " (reloaded)")
            pristine[name] = (mod, {k: v for k, v in vars(mod).items() if _keep(v) and k not in skip})
        return found
    def check(ns=None):
        restored = snapshot()
        for name, (mod, saved) in pristine.items():
            if sys.modules.get(name) is not mod:
                sys.modules[name] = mod
                restored.append("sys.modules[%r]" % name)
            d = vars(mod)
            for k, v in saved.items():
                if d.get(k, restored) is not v:
                    d[k] = v
                    restored.append(name + "." + k)
        if ns is not None:
            for k, v in names.items():
                if ns.get(k, restored) is not v:
                    ns[k] = v
                    restored.append(k)
        return restored
    def after_setup(ns):
        snapshot()
        for k, v in list(ns.items()):
            if k.startswith("_"):
                continue
            try:
                if isinstance(v, types.ModuleType):
                    ok = _is_watched(v.__name__) or v.__name__.split(".")[0] in ("numpy", "pandas", "networkx")
                else:
                    mod = getattr(v, "__module__", None)
                    ok = callable(v) and isinstance(mod, str) and mod.split(".")[0] in (
                        "sme_teach", "numpy", "pandas", "networkx")
            except Exception:
                ok = False
            if ok:
                names[k] = v
        return []
    guard = types.ModuleType(MODULE)
    guard.check, guard.after_setup = check, after_setup
    sys.modules[MODULE] = guard
    snapshot()
    return guard
