"""``python -m bench [part …] [--option value …]`` (``make bench``): runs the named benchmark
parts, or all of them. A part is a module ``bench/<name>.py`` with a ``main()``; a part whose
``main`` takes an argument gets the ``--options`` (e.g. ``python -m bench dispatch --visits 5000``)."""

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def parts() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def split(argv: list[str]) -> tuple[list[str], list[str]]:
    names, options = [], []
    args = iter(argv)
    for arg in args:
        if arg.startswith("--"):
            options.append(arg)
            if "=" not in arg:
                options.append(next(args, ""))
        else:
            names.append(arg)
    return names, options


def run(argv: list[str]) -> int:
    names, options = split(argv)
    unknown = [n for n in names if n not in parts()]
    if unknown:
        print(f"Unknown benchmark part(s): {', '.join(unknown)}; known: {', '.join(parts())}")
        return 2
    for name in names or parts():
        print(f"== bench: {name}")
        main = importlib.import_module(f"bench.{name}").main
        if inspect.signature(main).parameters:
            main(options)
        else:
            main()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
