"""The import graph of manila_lite has no circles, and no manila_lite
import hides inside a function (where one usually dodges a circle).

Read from the source with ast, not by importing: a circle that happens
to import fine in today's order still fails here.
"""

import ast
import pathlib

import manila_lite

ROOT = pathlib.Path(manila_lite.__file__).parent
# Imports inside functions kept on purpose, each for a reason of its own
# that is not a circle: {(module, imported module)}.
DEFERRED_ON_PURPOSE = {
    # The API's gunicorn master imports nothing it does not need; the
    # database layer (SQLAlchemy, oslo.db) loads in the workers.
    ('manila_lite.cmd.common', 'manila_lite.db.api'),
}


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix('').parts)
    if parts[-1] == '__init__':
        parts = parts[:-1]
    return '.'.join(parts)


def _modules():
    return {_module_name(path): path for path in ROOT.rglob('*.py')
            if 'tests' not in path.relative_to(ROOT).parts}


def _targets(node, module, known):
    """manila_lite modules an import statement names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    package = module if known[module].name == '__init__.py' else \
        module.rpartition('.')[0]
    if node.level:
        base = package.split('.')
        base = base[:len(base) - node.level + 1]
        source = '.'.join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ''
    found = []
    for alias in node.names:
        candidate = '%s.%s' % (source, alias.name)
        if candidate in known:
            found.append(candidate)
        elif source in known:
            found.append(source)
    return found


def _graph():
    known = _modules()
    edges, hidden = {}, set()
    for module, path in known.items():
        tree = ast.parse(path.read_text(), str(path))
        edges[module] = set()
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges[module].update(_targets(node, module, known))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        hidden.update((module, target) for target in
                                      _targets(inner, module, known))
    return edges, hidden


def _cycles(edges):
    """Strongly connected components with more than one module
    (Tarjan's algorithm, iteratively)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(root):
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_the_graph_is_read():
    edges, _hidden = _graph()
    assert len(edges) > 100
    assert 'manila_lite.db.api' in edges['manila_lite.db.shares']


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}) == [
        ['a', 'b', 'c']]
    assert _cycles({'a': {'b'}, 'b': set()}) == []


def test_no_import_circles():
    edges, _hidden = _graph()
    assert _cycles(edges) == []


def test_no_manila_lite_import_inside_a_function():
    _edges, hidden = _graph()
    assert sorted(hidden - DEFERRED_ON_PURPOSE) == []
