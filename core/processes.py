"""Process trees from /proc, for the tests and tools that start workers and kill them."""

from pathlib import Path


def descendants(pid: int) -> list[int]:
    """The process's children, theirs, and so on (from /proc): an RQ worker forks a work horse
    per job into a session of its own, which a signal to the worker's group would miss."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found
