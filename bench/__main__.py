"""``python -m bench [part …]`` (``make bench``): runs the named benchmark parts, or all of them.
A part is a module ``bench/<name>.py`` with a ``main()``."""

import importlib
import pkgutil
import sys
from pathlib import Path


def parts() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def run(names: list[str]) -> int:
    unknown = [n for n in names if n not in parts()]
    if unknown:
        print(f"Unknown benchmark part(s): {', '.join(unknown)}; known: {', '.join(parts())}")
        return 2
    for name in names or parts():
        print(f"== bench: {name}")
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
