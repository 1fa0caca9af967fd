import argparse
import importlib
import json
import os
import subprocess
import sys

from bench import OWN_DATABASE, names


def main(argv: list[str]) -> int:
    available = names()
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in [*available, "all"]:
        print(f"usage: python -m bench {{{','.join([*available, 'all'])}}} [options]", file=sys.stderr)
        return 2
    if argv[0] == "all":
        failed = [name for name in available if subprocess.call([sys.executable, "-m", "bench", name]) != 0]
        return 1 if failed else 0
    name = argv[0]
    if name not in OWN_DATABASE:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgiac.settings")
        import django

        django.setup()
    module = importlib.import_module(f"bench.{name}")
    parser = argparse.ArgumentParser(prog=f"python -m bench {name}", description=module.__doc__)
    module.add_arguments(parser)
    options = parser.parse_args(argv[1:])
    print(json.dumps({"benchmark": name, **module.run(options)}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
