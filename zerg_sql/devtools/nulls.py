"""Where a named query accepts and returns NULL, read from its SQL (PostgreSQL's own parser,
via pglast) and the catalog; used by `zerg-sql stubs` (devtools/stubs.py) for exact `| None`s.

Parameters: one is optional only where the SQL takes a NULL for it without failing or
meaning nothing: it is the value of a nullable column (INSERT, UPDATE SET, ON CONFLICT
DO UPDATE SET), or it sits in `coalesce(...)`, `... IS [NOT] NULL`, `IS [NOT] DISTINCT
FROM` (how the queries say "None keeps the field" or "no filter"). Anywhere else (a
NOT NULL column, `id = :id`, LIMIT) None fails or selects nothing, so it is required.

Result columns: NOT NULL only when provably so: a table column that is NOT NULL in the
catalog and whose table is not on the nullable side of an outer join anywhere in the
statement, or an expression that cannot be NULL (count(*), a literal, EXISTS, IS NULL,
coalesce with a NOT NULL argument, an operator or cast of NOT NULL operands ...).
Anything we cannot tell is nullable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import ZergError

try:
    from pglast import ast, enums, parse_sql
except ImportError:  # a service's plain install: pglast is the `dev` extra
    raise ZergError("zerg-sql stubs needs PostgreSQL's parser (pglast): pip install 'zerg-sql[dev]'") from None

# (table name as written, column) -> NOT NULL; the caller resolves names in the catalog.
Catalog = Callable[[frozenset[str]], dict[str, dict[str, bool]]]

# Functions whose result is never NULL (whatever their arguments).
_NEVER_NULL_FUNCS = {"count", "now", "row_number", "rank", "dense_rank", "gen_random_uuid", "clock_timestamp",
                     "statement_timestamp", "transaction_timestamp", "pg_backend_pid", "current_database",
                     "jsonb_build_object", "jsonb_build_array", "json_build_object", "json_build_array"}
# Operators that return NULL on NOT NULL operands (a missing JSON key or array element).
_MAY_NULL_OPS = {"->", "->>", "#>", "#>>"}


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _children(item)
    elif isinstance(node, ast.Node):
        yield node


def _fields(node: ast.Node) -> Iterator[Any]:
    for name in getattr(node, "__slots__", ()):
        value = getattr(node, name, None)
        if value is not None:
            yield from _children(value)


def walk(node: Any) -> Iterator[ast.Node]:
    for n in _children(node):
        yield n
        for child in _fields(n):
            yield from walk(child)


def _param(expr: Any) -> int | None:
    """The parameter number when the expression is just a parameter (cast or not)."""
    while isinstance(expr, ast.TypeCast):
        expr = expr.arg
    return expr.number if isinstance(expr, ast.ParamRef) else None


def _params_in(node: Any) -> set[int]:
    return {n.number for n in walk(node) if isinstance(n, ast.ParamRef) and n.number is not None}


def _table(rv: ast.RangeVar | None) -> str:
    if rv is None:
        return ""
    return f"{rv.schemaname}.{rv.relname}" if rv.schemaname else (rv.relname or "")


@dataclass
class Analysis:
    optional_params: set[int] = field(default_factory=set)   # 1-based, as $n
    tables: set[str] = field(default_factory=set)             # every table the statement names
    outer_nullable: set[str] = field(default_factory=set)     # tables on the nullable side of an outer join


def _nullable_side(node: Any) -> set[str]:
    return {_table(n) for n in walk(node) if isinstance(n, ast.RangeVar)}


def analyze(sql: str, catalog: Catalog) -> tuple[Analysis, ast.Node]:
    """The statement's optional parameters and outer-join sides; `sql` uses $1..$n."""
    stmt = parse_sql(sql)[0].stmt
    if stmt is None:
        raise ValueError("no statement")
    a = Analysis()
    feeds: dict[int, list[tuple[str, str]]] = {}      # parameter -> the (table, column)s it is the value of
    tolerant: set[int] = set()
    for n in walk(stmt):
        if isinstance(n, ast.RangeVar):
            a.tables.add(_table(n))
        elif isinstance(n, ast.JoinExpr):
            kind = n.jointype
            if kind in (enums.JoinType.JOIN_LEFT, enums.JoinType.JOIN_FULL):
                a.outer_nullable |= _nullable_side(n.rarg)
            if kind in (enums.JoinType.JOIN_RIGHT, enums.JoinType.JOIN_FULL):
                a.outer_nullable |= _nullable_side(n.larg)
        elif isinstance(n, (ast.NullTest, ast.CoalesceExpr)):
            tolerant |= _params_in(n.arg if isinstance(n, ast.NullTest) else n.args)
        elif isinstance(n, ast.A_Expr) and n.kind in (enums.A_Expr_Kind.AEXPR_DISTINCT,
                                                      enums.A_Expr_Kind.AEXPR_NOT_DISTINCT):
            tolerant |= _params_in((n.lexpr, n.rexpr))
        elif isinstance(n, ast.InsertStmt):
            table = _table(n.relation)
            columns = [c.name for c in n.cols or ()]
            select = n.selectStmt
            rows = list(select.valuesLists or ()) if isinstance(select, ast.SelectStmt) else []
            if isinstance(select, ast.SelectStmt) and select.targetList:
                rows.append([t.val for t in select.targetList])
            for row in rows:
                for column, expr in zip(columns, row):
                    p = _param(expr)
                    if p is not None:
                        feeds.setdefault(p, []).append((table, column))
            conflict = n.onConflictClause
            if conflict is not None:
                for t in conflict.targetList or ():
                    p = _param(t.val)
                    if p is not None:
                        feeds.setdefault(p, []).append((table, t.name))
        elif isinstance(n, ast.UpdateStmt):
            table = _table(n.relation)
            for t in n.targetList or ():
                p = _param(t.val)
                if p is not None:
                    feeds.setdefault(p, []).append((table, t.name))
    not_null = catalog(frozenset(t for t, _ in (x for fs in feeds.values() for x in fs)))
    for p, targets in feeds.items():
        # Nullable only if every column it feeds is known and nullable.
        if all(c in not_null.get(t, {}) and not not_null[t][c] for t, c in targets):
            a.optional_params.add(p)
    a.optional_params |= tolerant
    return a, stmt


# ------------------------------------------------------------------ result columns

@dataclass(frozen=True)
class Scope:
    """The FROM items of one SELECT: alias -> table (None: a subquery, function or CTE)."""
    items: dict[str, str | None]
    not_null: dict[str, dict[str, bool]]
    outer_nullable: frozenset[str]

    def column(self, ref: ast.ColumnRef) -> bool:
        """True when this column reference is certainly NOT NULL."""
        fields = ref.fields or ()
        names = [f.sval or "" for f in fields if isinstance(f, ast.String)]
        if len(names) != len(fields) or not names:
            return False
        column = names[-1]
        if len(names) >= 2:
            candidates = [self.items.get(names[-2])] if names[-2] in self.items else []
        else:
            candidates = [t for t in self.items.values() if t is None or column in self.not_null.get(t, {})]
        if len(candidates) != 1 or candidates[0] is None:
            return False
        table = candidates[0]
        return table not in self.outer_nullable and self.not_null.get(table, {}).get(column, False)


def _scope(select: Any, not_null: dict[str, dict[str, bool]], outer: frozenset[str]) -> Scope:
    items: dict[str, str | None] = {}
    targets: list[Any] = []
    if isinstance(select, ast.SelectStmt):
        targets = list(select.fromClause or ())
    elif isinstance(select, (ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
        targets = [select.relation] + list(getattr(select, "fromClause", None) or getattr(select, "usingClause", None)
                                           or ())
    todo = list(targets)
    while todo:
        item = todo.pop()
        if isinstance(item, ast.JoinExpr):
            todo += [item.larg, item.rarg]
        elif isinstance(item, ast.RangeVar):
            alias = item.alias.aliasname if item.alias else item.relname
            items[alias or ""] = _table(item)
        elif isinstance(item, (ast.RangeSubselect, ast.RangeFunction)) and item.alias:
            items[item.alias.aliasname or ""] = None
    return Scope(items, not_null, outer)


def never_null(expr: Any, scope: Scope) -> bool:
    """True when the expression cannot be NULL (by what the parser and catalog show)."""
    if isinstance(expr, ast.A_Const):
        return not expr.isnull
    if isinstance(expr, ast.ColumnRef):
        return scope.column(expr)
    if isinstance(expr, ast.TypeCast):
        return never_null(expr.arg, scope)
    if isinstance(expr, (ast.NullTest, ast.BooleanTest)):
        return True
    if isinstance(expr, ast.SubLink):
        return expr.subLinkType == enums.SubLinkType.EXISTS_SUBLINK
    if isinstance(expr, ast.CoalesceExpr):
        return any(never_null(x, scope) for x in expr.args or ())
    if isinstance(expr, ast.BoolExpr):
        return all(never_null(x, scope) for x in expr.args or ())
    if isinstance(expr, ast.A_Expr):
        op = expr.name[0].sval if expr.name and isinstance(expr.name[0], ast.String) else ""
        if expr.kind in (enums.A_Expr_Kind.AEXPR_DISTINCT, enums.A_Expr_Kind.AEXPR_NOT_DISTINCT):
            return True
        if expr.kind != enums.A_Expr_Kind.AEXPR_OP or op in _MAY_NULL_OPS:
            return False
        return all(never_null(x, scope) for x in (expr.lexpr, expr.rexpr) if x is not None)
    if isinstance(expr, ast.CaseExpr):
        return expr.defresult is not None and never_null(expr.defresult, scope) and \
            all(never_null(w.result, scope) for w in expr.args or ())
    if isinstance(expr, ast.FuncCall):
        last = (expr.funcname or (None,))[-1]
        name = last.sval if isinstance(last, ast.String) else ""
        return name in _NEVER_NULL_FUNCS
    if isinstance(expr, ast.SQLValueFunction):
        return True
    return False


def _target_lists(stmt: Any) -> list[tuple[list[Any], Any]]:
    """The result target lists of the statement (each branch of a UNION) with their statement."""
    if isinstance(stmt, ast.SelectStmt):
        if stmt.op != enums.SetOperation.SETOP_NONE:
            return _target_lists(stmt.larg) + _target_lists(stmt.rarg)
        return [(list(stmt.targetList or ()), stmt)]
    returning = getattr(stmt, "returningClause", None)
    if returning is not None:
        return [(list(returning.exprs or ()), stmt)]
    return []


def never_null_columns(stmt: Any, ncolumns: int, catalog: Catalog, outer: set[str]) -> list[bool]:
    """Per result column: True when its expression cannot be NULL (False where unknown, e.g. `*`)."""
    branches = _target_lists(stmt)
    if not branches:
        return [False] * ncolumns
    tables = frozenset(t for _, s in branches for t in _scope(s, {}, frozenset()).items.values() if t)
    not_null = catalog(tables)
    result = [True] * ncolumns
    for targets, s in branches:
        scope = _scope(s, not_null, frozenset(outer))
        stars = [i for i, t in enumerate(targets) if isinstance(t.val, ast.ColumnRef)
                 and isinstance((t.val.fields or (None,))[-1], ast.A_Star)]
        if len(stars) > 1 or (not stars and len(targets) != ncolumns):
            return [False] * ncolumns
        if stars:  # the star's columns come from the catalog (describe), not from here
            k = stars[0]
            width = ncolumns - (len(targets) - 1)
            flags = [never_null(t.val, scope) for t in targets[:k]] + [False] * width + \
                [never_null(t.val, scope) for t in targets[k + 1:]]
        else:
            flags = [never_null(t.val, scope) for t in targets]
        result = [a and b for a, b in zip(result, flags)]
    return result
