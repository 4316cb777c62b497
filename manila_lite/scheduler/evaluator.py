"""Safe evaluation of the filter and goodness functions backends report.

Operators write expressions such as ``share.size < 100 and
stats.free_capacity_gb > 50`` in a backend's ``filter_function`` or
``goodness_function``.  They arrive over the message bus as plain strings,
so they are never handed to Python's ``eval``: a small tokenizer and a
recursive-descent parser turn them into a tree that can only read the
variables offered and compute with numbers, strings and booleans.

Grammar, from the loosest binding to the tightest::

    expr        := or_expr ['?' expr ':' expr]
    or_expr     := and_expr {('or' | 'OR' | '||') and_expr}
    and_expr    := not_expr {('and' | 'AND' | '&&') not_expr}
    not_expr    := ('not' | 'NOT' | '!') not_expr | comparison
    comparison  := additive {('<' | '<=' | '>' | '>=' | '==' | '!=' | '<>')
                             additive}          (chains like Python's)
    additive    := term {('+' | '-') term}
    term        := unary {('*' | '/' | '%') unary}
    unary       := ('+' | '-') unary | power
    power       := primary ['^' unary]          (right associative)
    primary     := number | string | true | false | variable
                 | function '(' expr {',' expr} ')' | '(' expr ')'

Variables are dotted names whose first part is one of the namespaces
given to :func:`evaluate` (the scheduler offers ``share``, ``stats``,
``capabilities`` and ``extra``); further parts walk nested dictionaries.
"""

import functools
import math
import re

from manila_lite import exception

MAX_EXPRESSION_LENGTH = 4096
MAX_NESTING = 64
# Depth of the parsed tree, bounding the recursion of the evaluation
# (long chains such as 1+1+1+... nest without parentheses).
MAX_TREE_DEPTH = 200
# Results of '^' beyond this magnitude become floats (or an overflow
# error) so that a hostile expression cannot build gigantic integers.
_EXACT_POWER_LIMIT = 2 ** 63


class EvaluatorError(exception.Invalid):
    """The expression cannot be parsed or evaluated."""

    message = 'Cannot evaluate expression: %(reason)s'


_TOKEN_RE = re.compile(r'''
    (?P<space>\s+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|==|!=|<>|&&|\|\||[-+*/%^<>!?:(),])
''', re.VERBOSE)

_WORD_OPERATORS = {
    'and': '&&', 'AND': '&&',
    'or': '||', 'OR': '||',
    'not': '!', 'NOT': '!',
}
_BOOLEANS = {'true': True, 'false': False}
_COMPARISONS = {
    '<': lambda a, b: a < b,
    '<=': lambda a, b: a <= b,
    '>': lambda a, b: a > b,
    '>=': lambda a, b: a >= b,
    '==': lambda a, b: a == b,
    '!=': lambda a, b: a != b,
    '<>': lambda a, b: a != b,
}


def _tokenize(text):
    """Split the text into (kind, value, position) tuples."""
    tokens = []
    pos = 0
    while pos < len(text):
        found = _TOKEN_RE.match(text, pos)
        if not found:
            raise EvaluatorError(
                reason='unexpected character %r at position %d'
                % (text[pos], pos))
        kind = found.lastgroup
        value = found.group()
        if kind == 'number':
            is_float = any(c in value for c in '.eE')
            tokens.append(('number', float(value) if is_float
                           else int(value), pos))
        elif kind == 'string':
            body = value[1:-1]
            tokens.append(('string',
                           re.sub(r'\\(.)', r'\1', body), pos))
        elif kind == 'name':
            if value in _WORD_OPERATORS:
                tokens.append(('op', _WORD_OPERATORS[value], pos))
            elif value.lower() in _BOOLEANS:
                tokens.append(('bool', _BOOLEANS[value.lower()], pos))
            else:
                tokens.append(('name', value, pos))
        elif kind == 'op':
            tokens.append(('op', value, pos))
        pos = found.end()
    tokens.append(('end', None, pos))
    return tokens


# Tree nodes are tuples whose first item names the node kind and whose
# tuple items are child nodes; _eval dispatches on the kind.  Tuples keep
# parsed trees immutable and cacheable.

def _is_number(value):
    return isinstance(value, (int, float))


def _numbers(op, *values):
    for value in values:
        if not _is_number(value):
            raise EvaluatorError(
                reason="operator '%s' needs numbers, got %r" % (op, value))
    return values


def _power(base, exponent):
    _numbers('^', base, exponent)
    try:
        result = math.pow(base, exponent)
    except (OverflowError, ValueError) as err:
        raise EvaluatorError(reason='%s ^ %s: %s' % (base, exponent, err))
    exact = (isinstance(base, int) and isinstance(exponent, int)
             and exponent >= 0 and abs(result) < _EXACT_POWER_LIMIT)
    return base ** exponent if exact else result


def _arith(op, left, right):
    left, right = _numbers(op, left, right)
    if op == '+':
        return left + right
    if op == '-':
        return left - right
    if op == '*':
        return left * right
    if right == 0:
        raise EvaluatorError(reason='division by zero')
    if op == '/':
        return left / right
    return left % right


def _compare(op, left, right):
    if op not in ('==', '!=', '<>'):
        both_numbers = _is_number(left) and _is_number(right)
        both_strings = isinstance(left, str) and isinstance(right, str)
        if not (both_numbers or both_strings):
            raise EvaluatorError(
                reason='cannot compare %r %s %r' % (left, op, right))
    return _COMPARISONS[op](left, right)


def _call(name, args):
    _numbers(name + '()', *args)
    if name == 'abs':
        if len(args) != 1:
            raise EvaluatorError(reason='abs() takes exactly one argument')
        return abs(args[0])
    return (max if name == 'max' else min)(args)


_FUNCTIONS = ('abs', 'max', 'min')


def _lookup(path, namespaces):
    parts = path.split('.')
    if len(parts) < 2 or parts[0] not in namespaces:
        raise EvaluatorError(
            reason="unknown variable '%s' (known namespaces: %s)"
            % (path, ', '.join(sorted(namespaces)) or 'none'))
    value = namespaces[parts[0]]
    for depth, part in enumerate(parts[1:], start=1):
        if not isinstance(value, dict) or part not in value:
            raise EvaluatorError(
                reason="unknown variable '%s'" % '.'.join(parts[:depth + 1]))
        value = value[part]
    return _coerce(path, value)


def _coerce(path, value):
    """Make a looked-up value usable by the operators.

    Capabilities often arrive as strings ("100", "True"); numeric strings
    become numbers, as operators expect when comparing capacities.
    """
    if value is None:
        raise EvaluatorError(reason="variable '%s' has no value" % path)
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
        try:
            return float(value)
        except ValueError:
            return value
    raise EvaluatorError(
        reason="variable '%s' is a %s, not a number, string or boolean"
        % (path, type(value).__name__))


def _eval(node, namespaces):
    kind = node[0]
    if kind == 'const':
        return node[1]
    if kind == 'var':
        return _lookup(node[1], namespaces)
    if kind == 'ternary':
        chosen = node[2] if _eval(node[1], namespaces) else node[3]
        return _eval(chosen, namespaces)
    if kind == 'or':
        left = _eval(node[1], namespaces)
        return left if left else _eval(node[2], namespaces)
    if kind == 'and':
        left = _eval(node[1], namespaces)
        return _eval(node[2], namespaces) if left else left
    if kind == 'not':
        return not _eval(node[1], namespaces)
    if kind == 'neg':
        (value,) = _numbers('-', _eval(node[1], namespaces))
        return -value
    if kind == 'pos':
        (value,) = _numbers('+', _eval(node[1], namespaces))
        return value
    if kind == 'pow':
        return _power(_eval(node[1], namespaces), _eval(node[2], namespaces))
    if kind == 'arith':
        return _arith(node[1], _eval(node[2], namespaces),
                      _eval(node[3], namespaces))
    if kind == 'compare':
        left = _eval(node[1], namespaces)
        for op, operand in zip(node[2::2], node[3::2]):
            right = _eval(operand, namespaces)
            if not _compare(op, left, right):
                return False
            left = right
        return True
    if kind == 'call':
        return _call(node[1], [_eval(arg, namespaces) for arg in node[2:]])
    raise AssertionError('unknown node %r' % (kind,))


class _Parser:
    """Recursive descent over the token list; one instance per parse."""

    def __init__(self, text):
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    def parse(self):
        node = self.expr()
        kind, value, pos = self.tokens[self.index]
        if kind != 'end':
            raise self.error('unexpected %r' % (value,), pos)
        return node

    def error(self, what, pos):
        return EvaluatorError(reason='%s at position %d in %r'
                              % (what, pos, self.text))

    def peek_op(self, *ops):
        kind, value, _pos = self.tokens[self.index]
        return value if kind == 'op' and value in ops else None

    def advance(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, op):
        kind, value, pos = self.advance()
        if kind != 'op' or value != op:
            shown = 'end of expression' if kind == 'end' else repr(value)
            raise self.error("expected '%s' but found %s" % (op, shown), pos)

    def enter(self):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error('expression nested too deeply',
                             self.tokens[self.index][2])

    def expr(self):
        self.enter()
        condition = self.or_expr()
        if self.peek_op('?'):
            self.advance()
            if_true = self.expr()
            self.expect(':')
            if_false = self.expr()
            condition = ('ternary', condition, if_true, if_false)
        self.depth -= 1
        return condition

    def or_expr(self):
        node = self.and_expr()
        while self.peek_op('||'):
            self.advance()
            node = ('or', node, self.and_expr())
        return node

    def and_expr(self):
        node = self.not_expr()
        while self.peek_op('&&'):
            self.advance()
            node = ('and', node, self.not_expr())
        return node

    def not_expr(self):
        if self.peek_op('!'):
            self.advance()
            self.enter()
            node = ('not', self.not_expr())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self):
        node = self.additive()
        chain = []
        while True:
            op = self.peek_op(*_COMPARISONS)
            if not op:
                break
            self.advance()
            chain.extend((op, self.additive()))
        return ('compare', node) + tuple(chain) if chain else node

    def additive(self):
        node = self.term()
        while True:
            op = self.peek_op('+', '-')
            if not op:
                return node
            self.advance()
            node = ('arith', op, node, self.term())

    def term(self):
        node = self.unary()
        while True:
            op = self.peek_op('*', '/', '%')
            if not op:
                return node
            self.advance()
            node = ('arith', op, node, self.unary())

    def unary(self):
        op = self.peek_op('+', '-')
        if op:
            self.advance()
            self.enter()
            node = ('neg' if op == '-' else 'pos', self.unary())
            self.depth -= 1
            return node
        return self.power()

    def power(self):
        node = self.primary()
        if self.peek_op('^'):
            self.advance()
            node = ('pow', node, self.unary())
        return node

    def primary(self):
        kind, value, pos = self.advance()
        if kind in ('number', 'string', 'bool'):
            return ('const', value)
        if kind == 'name':
            if value in _FUNCTIONS:
                return self.call(value, pos)
            if self.peek_op('('):
                raise self.error("unknown function '%s'" % value, pos)
            return ('var', value)
        if kind == 'op' and value == '(':
            node = self.expr()
            self.expect(')')
            return node
        if kind == 'end':
            raise self.error('unexpected end of expression', pos)
        raise self.error('unexpected %r' % (value,), pos)

    def call(self, name, pos):
        self.expect('(')
        if self.peek_op(')'):
            raise self.error('%s() needs at least one argument' % name, pos)
        args = [self.expr()]
        while self.peek_op(','):
            self.advance()
            args.append(self.expr())
        self.expect(')')
        return ('call', name) + tuple(args)


def parse(expression):
    """Return the tree of ``expression``, raising EvaluatorError if bad."""
    if not isinstance(expression, str):
        raise EvaluatorError(reason='expression must be a string, got %r'
                             % (expression,))
    return _parse(expression)


@functools.lru_cache(maxsize=256)
def _parse(expression):
    # Cached because backends report the same few functions over and
    # over, and every scheduling request evaluates them for every pool.
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise EvaluatorError(reason='expression longer than %d characters'
                             % MAX_EXPRESSION_LENGTH)
    if not expression.strip():
        raise EvaluatorError(reason='expression is empty')
    tree = _Parser(expression).parse()
    if _depth(tree) > MAX_TREE_DEPTH:
        raise EvaluatorError(reason='expression nested too deeply')
    return tree


def _depth(tree):
    """Depth of a tree, walked without recursion."""
    deepest = 0
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in node[1:]
                       if isinstance(child, tuple))
    return deepest


def evaluate(expression, **namespaces):
    """Evaluate ``expression`` with variables read from ``namespaces``.

    Every failure, from a typo to a division by zero, raises
    :class:`EvaluatorError`, so callers need to handle one error only.
    """
    tree = parse(expression)
    try:
        return _eval(tree, namespaces)
    except RecursionError:
        raise EvaluatorError(reason='expression nested too deeply')
