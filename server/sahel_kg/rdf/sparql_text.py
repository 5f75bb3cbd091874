"""Reading SPARQL query text: the one tokenizer behind every decision taken from it.

The server decides a few things from a query's text before, or instead of,
handing it to the engine: whether it calls a SERVICE (refused unless allowed),
whether it names its own dataset with FROM / FROM NAMED (then our union default
graph steps aside), which form it has (SELECT, CONSTRUCT, DESCRIBE, ASK), which
prefixes it declares. Each of them is read from :func:`tokenize`, and nowhere
else reads query text.

The tokens follow the terminals of SPARQL 1.1 (§19.8): whitespace is exactly
space, tab, CR and LF; a comment runs from ``#`` to the next CR *or* LF; strings
in all four quote forms with their ``ECHAR`` and ``UCHAR`` escapes; ``IRIREF``;
prefixed names with ``PLX`` escapes (``ex:it\\'s`` holds no string); variables;
blank node labels; language tags; numbers. Anything else is a one-character
``error`` token, and reading goes on after it, so a keyword after a broken
string is still seen.

The engine that evaluates (pyoxigraph 0.5, a PEG parser) reads some text
differently from the grammar. What matters is what gets evaluated, so these
readers follow the engine, and ``tests/unit/test_sparql_text.py`` checks each point
against it:

1. ``<`` is less-than where an expression expects an operator
   (``FILTER(?a<?b)``), an IRI elsewhere. A longest-match lexer would read
   ``<?b) SERVICE:x #>`` as one IRI there.
2. Keywords are matched by their letters, with no token boundary after them:
   ``SERVICE:x``, ``SERVICEex:y`` and ``SERVICESILENT<…>`` are the keyword
   followed by the rest, as are ``FROMNAMED<…>`` and ``FROM:g``; the engine
   tries the prefixed name first, so a name whose prefix is declared stays a
   name (:func:`keyword_split`).
3. A prefixed name's local part takes at most one run of dots:
   ``ex:a.b.SERVICE`` is ``ex:a.b`` then ``.`` then ``SERVICE``.
4. Codepoint escapes outside strings and IRIs (§19.2) are *not* applied:
   ``SERV\\u0049CE`` is no keyword (the build lacks ``standard-unicode-escaping``);
   inside IRIs they are, so a SERVICE target is compared unescaped.

>>> [t.text for t in tokenize("SELECT ?x { ?x a 'SERVICE' } # SERVICE")]
['SELECT', '?x', '{', '?x', 'a', "'SERVICE'", '}']
>>> read_query("SELECT * { # x\\rSERVICE <http://h/> { } }").services
[ServiceCall(target='<http://h/>', iri='http://h/', silent=False)]
>>> read_query("SELECT ?from WHERE { ?i ?p ?from }").has_dataset_clause
False
>>> read_query("select * from named <http://g> { }").has_dataset_clause
True
>>> read_query("PREFIX a: <http://a#> CONSTRUCT WHERE { ?s a:p 'ASK' }").form
'CONSTRUCT'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

TokenKind = Literal["iri", "pname", "var", "bnode", "string", "langtag", "number", "word", "punct", "error"]

# ---------------------------------------------------------------- terminals (§19.8)

_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                  "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}][{_PN_CHARS}]*+(?:\.+[{_PN_CHARS}]++)*+"
# The engine's PN_LOCAL: one run of dots at most (point 3 above); the grammar allows any.
_PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:[{_PN_CHARS}:]|{_PLX})*+(?:\.+(?:[{_PN_CHARS}:]|{_PLX})++)?+"
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"
_LONG_CHAR = rf"[^'\\]|{_ECHAR}|{_UCHAR}"
_LONG_CHAR2 = rf'[^"\\]|{_ECHAR}|{_UCHAR}'

#: String literals as the engine tries them, long forms first (§19.8, 156-159): the opening quote,
#: the whole literal, and the literal without its closing quote (how far a failed attempt reads).
_STRING_FORMS = [("'''", rf"(?:''|')?(?:{_LONG_CHAR})"), ('"""', rf'(?:""|")?(?:{_LONG_CHAR2})'),
                 ("'", rf"[^'\\\n\r]|{_ECHAR}|{_UCHAR}"), ('"', rf'[^"\\\n\r]|{_ECHAR}|{_UCHAR}')]
_STRINGS: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    (quote, re.compile(rf"{quote}(?:{body})*+{quote}"), re.compile(rf"{quote}(?:{body})*+"))
    for quote, body in _STRING_FORMS
]
_TERMINALS: list[tuple[TokenKind, str]] = [
    ("iri", rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*+>"),
    ("var", rf"[?$]{_VARNAME}"),
    ("bnode", rf"_:[{_PN_CHARS_U}0-9][{_PN_CHARS}]*+(?:\.+[{_PN_CHARS}]++)*+"),
    ("pname", rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("langtag", r"@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+(?:--[a-zA-Z]++)?+"),
    ("number", r"(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+"),
    ("word", r"[A-Za-z][A-Za-z0-9_]*+"),
    ("punct", r"\^\^|\|\||&&|!=|<=|>=|<<\(|\)>>|<<|>>|\{\||\|\}|[{}()\[\],;.*/|^+\-!=<>?~]"),
]
_TOKEN = re.compile("|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(_TERMINALS)))
#: The same without prefixed names, inside a run of name characters known to hold none.
_TOKEN_NO_PNAME = re.compile("|".join(f"(?P<t{i}>{pattern})" for i, (kind, pattern) in enumerate(_TERMINALS)
                                      if kind != "pname"))
_KIND_OF_GROUP: dict[str, TokenKind] = {f"t{i}": kind for i, (kind, _) in enumerate(_TERMINALS)}
_NAME_START = re.compile(f"[{_PN_CHARS_BASE}]")
_NAME_RUN = re.compile(rf"[{_PN_CHARS}.]*+")
_UCHAR_RE = re.compile(_UCHAR)
#: Runs of what no decision reads, whitespace (§19.8's WS: exactly these four) and comments (to the next
#: CR or LF), and the characters they start with. Possessive: a greedy repeat of the alternation keeps
#: backtracking state for each comment (about 190 MB for a 1 MB body of ``#\n``).
_SKIPPED = re.compile(r"(?:[ \t\r\n]++|#[^\r\n]*+)++")
_SKIPPED_START = frozenset(" \t\r\n#")

#: Tokens after which an expression expects an operator, not an operand.
_OPERAND_END = {"iri", "pname", "var", "bnode", "string", "langtag", "number"}
#: Words that open an expression with the parenthesis after them (the rest are function names).
_NOT_EXPRESSION_WORDS = {"values", "a"}


class Token(NamedTuple):
    """One terminal of the query: its kind, its text as written, and where it starts (a str index).

    A named tuple, not a frozen dataclass: a lookup's query makes dozens, and the
    tuple is built in a third of the time.
    """

    kind: TokenKind
    text: str
    start: int


class TooManyTokens(ValueError):
    """The query holds more than ``limit`` tokens (reading stopped there)."""

    def __init__(self, limit: int):
        super().__init__(f"the query holds more than {limit} tokens")
        self.limit = limit


def tokenize(query: str, *, max_tokens: int | None = None) -> list[Token]:
    """The query's tokens, whitespace and comments left out; :class:`TooManyTokens` past ``max_tokens``.

    ``<`` is read as an operator where an expression expects one (point 1 of
    the module notes), as an IRI elsewhere.

    >>> [(t.kind, t.text) for t in tokenize("FILTER(?a<?b)")]
    [('word', 'FILTER'), ('punct', '('), ('var', '?a'), ('punct', '<'), ('var', '?b'), ('punct', ')')]
    >>> [(t.kind, t.text) for t in tokenize("?s <p> ex:it\\\\'s")]
    [('var', '?s'), ('iri', '<p>'), ('pname', "ex:it\\\\'s")]
    """
    tokens = []
    for token in _tokens(query):
        tokens.append(token)
        if max_tokens is not None and len(tokens) > max_tokens:
            raise TooManyTokens(max_tokens)
    return tokens


def _tokens(query: str) -> Iterator[Token]:
    brackets: list[tuple[str, bool]] = []  # each open bracket, and whether it holds an expression
    last: list[Token] = []  # the two tokens before this one, latest last
    scanner = _Scanner(query)
    pos, end = 0, len(query)
    while pos < end:
        if query[pos] in _SKIPPED_START:  # whitespace and comments: read past, no token made
            skipped = _SKIPPED.match(query, pos)
            assert skipped is not None, "it matches wherever one of its first characters stands"
            pos = skipped.end()
            continue
        previous = last[-1] if last else None
        if query.startswith("<", pos) and _is_operator_position(previous, brackets):
            token = Token("punct", "<=" if query.startswith("<=", pos) else "<", pos)
        else:
            token = scanner.terminal(pos)
        pos += len(token.text)
        _track_brackets(token, last, brackets)
        yield token
        last = [last[-1], token] if last else [token]


class _Scanner:
    """Reads one terminal at a position, in linear time over the whole query.

    Two kinds of attempt could read far and fail, again at each next position:
    a prefixed name in a run of name characters and dots (``a.a.a…``, which
    can only end at the run's end), and a string that never closes (in
    ``'\\'\\'\\'…`` every later quote mark was escaped in the first attempt, and
    its own attempt fails the same way). After one such failure no position
    before where it stopped tries again.
    """

    def __init__(self, query: str) -> None:
        self.query = query
        self.no_pname_before = 0
        self.no_string_before = {quote: 0 for quote, _, _ in _STRINGS}

    def terminal(self, pos: int) -> Token:
        if self.query[pos] in "'\"":
            return self._string(pos)
        pattern = _TOKEN if pos >= self.no_pname_before else _TOKEN_NO_PNAME
        match = pattern.match(self.query, pos)
        if match is None or match.end() == pos:
            return Token("error", self.query[pos], pos)
        kind = _KIND_OF_GROUP[match.lastgroup]  # type: ignore[index]  # every alternative is a named group
        if kind != "pname" and pos >= self.no_pname_before and _NAME_START.match(self.query, pos):
            run = _NAME_RUN.match(self.query, pos)
            assert run is not None, "a starred pattern matches anywhere"
            self.no_pname_before = run.end()
        if kind == "iri" and not _valid_escapes(match.group()):
            return Token("error", "<", pos)  # the engine does not read it as an IRI: read what is inside
        return Token(kind, match.group(), pos)

    def _string(self, pos: int) -> Token:
        """A string literal as the engine's ordered choice reads one: a form whose escapes name no
        character fails, and the next form is tried (so a long string holding ``\\uD800`` is read
        as an empty short string, then whatever follows)."""
        for quote, whole, opened in _STRINGS:
            if not self.query.startswith(quote, pos) or pos < self.no_string_before[quote]:
                continue
            match = whole.match(self.query, pos)
            if match is not None and _valid_escapes(match.group()):
                return Token("string", match.group(), pos)
            if match is None:
                start = opened.match(self.query, pos)
                assert start is not None, "the opening quote is there, and the rest is starred"
                self.no_string_before[quote] = start.end()
        return Token("error", self.query[pos], pos)


def _valid_escapes(text: str) -> bool:
    """Whether every ``\\u``/``\\U`` escape names a character (no surrogate, nothing past U+10FFFF)."""
    for escape in _UCHAR_RE.finditer(text):
        code = int(escape.group()[2:], 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            return False
    return True


def _is_operator_position(previous: Token | None, brackets: list[tuple[str, bool]]) -> bool:
    """Inside an expression, right after an operand: where ``<`` compares."""
    if not brackets or not brackets[-1][1] or previous is None:
        return False
    if previous.kind in _OPERAND_END:
        return True
    return previous.text == ")" or previous.text.lower() in ("true", "false")


_CLOSERS = {")": "(", "}": "{", "]": "[", ">>": "<<", ")>>": "<<("}
_OPENERS = set(_CLOSERS.values())


def _track_brackets(token: Token, last: list[Token], brackets: list[tuple[str, bool]]) -> None:
    text = token.text
    if text == "(":
        brackets.append((text, _opens_expression(last, brackets)))
    elif text in ("{", "[", "<<", "<<("):  # groups, property lists and triple terms hold no expression
        brackets.append((text, False))
    elif text in _CLOSERS and brackets and brackets[-1][0] == _CLOSERS[text]:
        brackets.pop()


def _opens_expression(last: list[Token], brackets: list[tuple[str, bool]]) -> bool:
    """Whether a ``(`` starts an expression (not a collection, a path group or a VALUES list)."""
    if brackets and brackets[-1][1]:
        return True
    if not last:
        return False
    previous = last[-1]
    if previous.kind == "word":
        return previous.text.lower() not in _NOT_EXPRESSION_WORDS
    if previous.kind in ("iri", "pname") and len(last) == 2 and last[0].kind == "word":
        return True  # FILTER <f>( … ) and FILTER ex:f( … ): a function call right after a keyword
    # At the top level ( follows SELECT's projection or a solution modifier: an expression.
    return not brackets


# ---------------------------------------------------------------- engine keyword reading

def keyword_split(token: Token, keyword: str, declared: Iterable[str]) -> str | None:
    """What follows ``keyword`` when the engine reads ``token`` as that keyword, else None.

    The engine matches a keyword by its letters (point 2 of the module notes)
    after trying a prefixed name, which wins when its prefix is declared.

    >>> keyword_split(Token("word", "SERVICE", 0), "service", ())
    ''
    >>> keyword_split(Token("pname", "SERVICE:x", 0), "service", ())
    ':x'
    >>> keyword_split(Token("pname", "serviceType:x", 0), "service", {"serviceType"}) is None
    True
    >>> keyword_split(Token("var", "?service", 0), "service", ()) is None
    True
    """
    if token.kind not in ("word", "pname") or not token.text.lower().startswith(keyword):
        return None
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in declared and "\\" not in local:
            return None
    return token.text[len(keyword):]


def unescape_iri(iri: str) -> str:
    r"""An IRIREF's text with its ``\u`` / ``\U`` escapes applied, without the brackets.

    >>> unescape_iri("<http:\\u002F/h/>")
    'http://h/'
    """
    return _UCHAR_RE.sub(lambda m: chr(int(m.group()[2:], 16)), iri[1:-1])


# ---------------------------------------------------------------- what a query says

@dataclass(frozen=True)
class ServiceCall:
    """One SERVICE clause: its target as written, the IRI when it is a literal IRI, SILENT or not."""

    target: str
    iri: str | None
    silent: bool


@dataclass(frozen=True)
class QueryText:
    """What the server reads from a query's text (see :func:`read_query`)."""

    tokens: list[Token]
    form: str | None
    prefixes: dict[str, str]
    services: list[ServiceCall] = field(default_factory=list)
    has_dataset_clause: bool = False

    @property
    def depth(self) -> int:
        """How deeply brackets nest: ``(``, ``{``, ``[`` and ``<<`` (the engine's parser recurses on each).

        >>> read_query("SELECT * { { ?s ?p (1 (2)) } }").depth
        4
        """
        depth = deepest = 0
        for token in self.tokens:
            if token.text in _OPENERS:
                depth += 1
                deepest = max(deepest, depth)
            elif token.text in _CLOSERS:
                depth -= 1
        return deepest


def read_query(query: str, *, prefixes: Mapping[str, str] | None = None,
               max_tokens: int | None = None) -> QueryText:
    """The form, declared prefixes, SERVICE calls and dataset clauses of a query.

    ``prefixes`` are those the engine is given besides the query's own (they
    decide whether ``service:x`` is a name or the keyword, point 2). Reading
    stops with :class:`TooManyTokens` past ``max_tokens``.

    >>> q = read_query("PREFIX e: <http://e/> SELECT * FROM <http://g> { SERVICE SILENT e:x { } }")
    >>> q.form, q.prefixes, q.has_dataset_clause, q.services
    ('SELECT', {'e': 'http://e/'}, True, [ServiceCall(target='e:x', iri=None, silent=True)])
    >>> read_query("SELECT * { ?s ?p <http://e/SERVICE> }").services
    []
    """
    tokens = tokenize(query, max_tokens=max_tokens)
    declared, body = _prologue(tokens)
    known = set(declared) | set(prefixes or {})
    form = _form(tokens[body]) if body < len(tokens) else None
    # A token's lower case is a piece of the query's (str.lower maps each character alone), so a query
    # whose lower case lacks the letters holds no token that could be the keyword: skip the search.
    services = _services(tokens, known) if "service" in query.lower() else []
    return QueryText(tokens, form, declared, services, _has_dataset_clause(tokens, body, form, known))


def _prologue(tokens: list[Token]) -> tuple[dict[str, str], int]:
    """The PREFIX declarations (engine reading: ``PREFIXex:`` declares ``ex``) and where the body starts."""
    declared: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        word = tokens[i].text.lower()
        if word == "base" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            i += 2
        elif word == "prefix" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname" \
                and tokens[i + 1].text.endswith(":") and tokens[i + 2].kind == "iri":
            declared[tokens[i + 1].text[:-1]] = unescape_iri(tokens[i + 2].text)
            i += 3
        elif tokens[i].kind == "pname" and word.startswith("prefix") and word.endswith(":") \
                and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            declared[tokens[i].text[6:-1]] = unescape_iri(tokens[i + 1].text)
            i += 2
        else:
            return declared, i
    return declared, i


_FORMS = ("select", "construct", "describe", "ask")


def _form(token: Token) -> str | None:
    text = token.text.lower()
    return next((form.upper() for form in _FORMS if token.kind == "word" and text.startswith(form)), None)


def _services(tokens: list[Token], declared: set[str]) -> list[ServiceCall]:
    calls = []
    for i, token in enumerate(tokens):
        rest = _service_rest(tokens, i, declared)
        if rest is not None:
            calls.append(_service_call(rest, tokens[i + 1:i + 3], declared))
    return calls


def _service_rest(tokens: list[Token], i: int, declared: set[str]) -> str | None:
    """What follows SERVICE when the engine may read token ``i`` as holding the keyword, else None.

    Besides :func:`keyword_split`: a word holding the letters after other
    letters it reads as a keyword or literal first (``trueSERVICE``), and a
    prefixed name holding them right before ``{`` that the engine, failing to
    read it as a triple or an IRI, reads again as the keyword (``p:SERVICE:x {``).
    """
    token = tokens[i]
    rest = keyword_split(token, "service", declared)
    if rest is not None or token.kind not in ("word", "pname"):
        return rest
    at = token.text.lower().find("service")
    if at < 0:
        return None
    before_group = i + 1 < len(tokens) and tokens[i + 1].text == "{" and tokens[i - 1].text.lower() != "graph"
    return token.text[at + len("service"):] if token.kind == "word" or before_group else None


def _service_call(rest: str, following: list[Token], declared: set[str]) -> ServiceCall:
    """The SERVICE clause whose keyword token left ``rest``, with the tokens after it."""
    upcoming = [t.text for t in following]
    silent = False
    if rest.lower().startswith("silent"):
        silent, rest = True, rest[len("silent"):]
    elif not rest and following and (after := keyword_split(following[0], "silent", declared)) is not None:
        silent, rest, upcoming = True, after, upcoming[1:]
    target = rest or (upcoming[0] if upcoming else "?")
    iri = unescape_iri(target) if target.startswith("<") and target.endswith(">") else None
    return ServiceCall(target, iri, silent)


def _has_dataset_clause(tokens: list[Token], body: int, form: str | None, declared: set[str]) -> bool:
    """Whether a FROM clause stands between the query form and its WHERE clause."""
    if form is None:
        return False
    depth = 0
    for i in range(body + 1, len(tokens)):
        token = tokens[i]
        if token.text == "{" and depth == 0:
            if form == "CONSTRUCT" and i == body + 1:  # CONSTRUCT's template, before any dataset clause
                depth += 1
                continue
            return False
        if token.text in ("(", "{", "["):
            depth += 1
        elif token.text in (")", "}", "]"):
            depth -= 1
        elif depth == 0 and keyword_split(token, "where", declared) == "":
            return False
        elif depth == 0 and keyword_split(token, "from", declared) is not None:
            return True
    return False


def line_col(query: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a str index, lines ending at LF as the engine counts them.

    >>> line_col("SELECT\\n  ?x", 9)
    (2, 3)
    """
    line = query.count("\n", 0, offset) + 1
    return line, offset - (query.rfind("\n", 0, offset) + 1) + 1
