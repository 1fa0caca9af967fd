import argparse
import importlib
import json
import os
import sys

from bench import names


def main(argv: list[str]) -> int:
    available = names()
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in [*available, "all"]:
        print(f"usage: python -m bench {{{','.join([*available, 'all'])}}} [options]", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgiac.settings")
    import django

    django.setup()
    for name in available if argv[0] == "all" else [argv[0]]:
        module = importlib.import_module(f"bench.{name}")
        parser = argparse.ArgumentParser(prog=f"python -m bench {name}", description=module.__doc__)
        module.add_arguments(parser)
        options = parser.parse_args(argv[1:] if argv[0] == name else [])
        print(json.dumps({"benchmark": name, **module.run(options)}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
