"""The filter/goodness function evaluator: grammar, variables, errors."""

import pytest

from manila_lite.scheduler import evaluator

NAMESPACES = {
    'share': {'size': 10, 'share_proto': 'NFS', 'name': None},
    'stats': {'free_capacity_gb': '250', 'total_capacity_gb': 1000.0,
              'thin_provisioning': True, 'ratio': '1.5'},
    'capabilities': {'vendor_name': 'Acme', 'nested': {'depth': 3},
                     'pools': [1, 2]},
    'extra': {'tier': 'gold'},
}


@pytest.mark.parametrize('expression, expected', [
    # literals
    ('42', 42),
    ('4.5', 4.5),
    ('.5', 0.5),
    ('1e3', 1000.0),
    ('"text"', 'text'),
    ("'single'", 'single'),
    (r'"esc\"aped"', 'esc"aped'),
    ('true', True),
    ('False', False),
    ('TRUE', True),
    # arithmetic and precedence
    ('1 + 2 * 3', 7),
    ('(1 + 2) * 3', 9),
    ('10 - 4 - 3', 3),
    ('10 / 4', 2.5),
    ('7 % 3', 1),
    ('2 ^ 10', 1024),
    ('2 ^ 3 ^ 2', 512),
    ('-2 ^ 2', -4),
    ('2 ^ -1', 0.5),
    ('- -3', 3),
    ('+3', 3),
    ('3 * -2', -6),
    ('2 ^ 0.5 > 1.41', True),
    # comparisons, including chains
    ('1 < 2', True),
    ('2 <= 2', True),
    ('3 > 4', False),
    ('4 >= 5', False),
    ('1 == 1.0', True),
    ('1 != 2', True),
    ('1 <> 1', False),
    ('1 < 2 < 3', True),
    ('3 > 2 > 2', False),
    ('"abc" < "abd"', True),
    ('"a" == 1', False),
    # logic
    ('true and false', False),
    ('true AND true', True),
    ('false or true', True),
    ('false OR false', False),
    ('1 && 0', 0),
    ('0 || 7', 7),
    ('not true', False),
    ('NOT 0', True),
    ('!false', True),
    ('not 1 == 2', True),
    ('1 < 2 and 2 < 3 or false', True),
    # ternary
    ('true ? 1 : 2', 1),
    ('0 ? 1 : 2', 2),
    ('1 > 2 ? 10 : 2 > 1 ? 20 : 30', 20),
    ('1 < 2 and 3 < 4 ? "y" : "n"', 'y'),
    # functions
    ('abs(-3)', 3),
    ('max(1, 5, 3)', 5),
    ('min(4, 2.5)', 2.5),
    ('max(3)', 3),
    ('abs(min(-1, -7)) + 1', 8),
    # variables
    ('share.size', 10),
    ('share.share_proto == "NFS"', True),
    ('stats.free_capacity_gb - share.size', 240),   # numeric string
    ('stats.ratio * 2', 3.0),
    ('stats.thin_provisioning ? 100 : 0', 100),
    ('capabilities.vendor_name', 'Acme'),
    ('capabilities.nested.depth', 3),
    ('extra.tier == "gold"', True),
    ('share.size < 5 and share.missing', False),     # short circuit
    ('share.size > 5 or share.missing', True),
    ('stats.free_capacity_gb / stats.total_capacity_gb * 100', 25.0),
])
def test_evaluates(expression, expected):
    result = evaluator.evaluate(expression, **NAMESPACES)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize('expression, complaint', [
    ('', 'empty'),
    ('   ', 'empty'),
    ('1 +', 'unexpected end'),
    ('(1 + 2', "expected ')'"),
    ('1 2', 'unexpected 2'),
    ('1 = 2', "unexpected character '='"),
    ('$x', "unexpected character '$'"),
    ('true ? 1', "expected ':'"),
    ('foo', "unknown variable 'foo'"),
    ('nothere.size', "unknown variable 'nothere.size'"),
    ('share.nosuch', "unknown variable 'share.nosuch'"),
    ('capabilities.nested.depth.more', 'unknown variable'),
    ('share.name', 'has no value'),
    ('capabilities.pools', 'is a list'),
    ('pow(2, 3)', "unknown function 'pow'"),
    ('abs(1, 2)', 'exactly one argument'),
    ('max()', 'at least one argument'),
    ('1 / 0', 'division by zero'),
    ('1 % 0', 'division by zero'),
    ('"a" * 3', "operator '*' needs numbers"),
    ('"a" + "b"', "operator '+' needs numbers"),
    ('-"a"', "operator '-' needs numbers"),
    ('"a" < 1', 'cannot compare'),
    ('max("a", 1)', 'needs numbers'),
    ('9 ^ 9 ^ 9', 'range error'),
    ('(' * 100 + '1' + ')' * 100, 'nested too deeply'),
    ('-' * 100 + '1', 'nested too deeply'),
    ('not ' * 100 + '1', 'nested too deeply'),
    ('1' + '+1' * 1500, 'nested too deeply'),
    ('1' * 5000, 'longer than'),
])
def test_errors_are_evaluator_errors(expression, complaint):
    with pytest.raises(evaluator.EvaluatorError) as caught:
        evaluator.evaluate(expression, **NAMESPACES)
    assert complaint in str(caught.value)


def test_non_string_expression_is_rejected():
    with pytest.raises(evaluator.EvaluatorError):
        evaluator.evaluate(['1'], **NAMESPACES)


def test_python_is_not_reachable():
    for expression in ('__import__("os")', 'share.__class__',
                       'open("/etc/passwd")', '().__class__'):
        with pytest.raises(evaluator.EvaluatorError):
            evaluator.evaluate(expression, **NAMESPACES)


def test_parse_is_cached_and_reusable():
    first = evaluator.parse('share.size * 2')
    assert evaluator.parse('share.size * 2') is first
    assert evaluator.evaluate('share.size * 2', share={'size': 3}) == 6
    assert evaluator.evaluate('share.size * 2', share={'size': 4}) == 8


def test_without_namespaces_every_variable_is_unknown():
    with pytest.raises(evaluator.EvaluatorError, match='none'):
        evaluator.evaluate('share.size')
