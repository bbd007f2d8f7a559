"""People in text: roster lines ("副组长：林晓燕　副校长　陈志刚"), prose ("由副局长王某任组长"),
responsibility clauses ("（责任领导：X　责任人：A、B）"), and the roster gathered from them all."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .names import is_name, is_post, is_role, split_post_and_name, split_run_together


@dataclass(frozen=True)
class Ref:
    """A person (name, maybe a post) or a role standing for people."""

    name: str
    post: str = ""
    role: bool = False


@dataclass
class Parsed:
    refs: list[Ref]
    flaws: list[str] = field(default_factory=list)


_SEP = re.compile(r"([、，,；;]+|[\s　]+)")
_BRACKETED = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,4})[（(](?P<post>[^）)]+)[）)]$")
_PADDED_NAME = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[ 　]+([\u4e00-\u9fff])(?=[ 　、，,（(]|$)")


def unpad_names(text: str) -> str:
    """"王　丽" (a two-character name padded to align with three) -> "王丽"."""
    return _PADDED_NAME.sub(r"\1\2", text)


def parse_refs(text: str, known: set[str]) -> Parsed:
    """Names with their posts, written after ("王丽　办公室主任", "王丽（办公室主任）") or before
    ("副校长林晓燕"); roles ("各班班主任"); names typed together ("刘洋何静")."""
    out = Parsed([])
    parts = _SEP.split(unpad_names(text.strip().rstrip("。；;，,")))
    current: Ref | None = None
    sep = ""
    for index, token in enumerate(parts):
        if index % 2:  # separator
            sep = token
            continue
        token = token.strip().removesuffix("同志")
        if not token:
            continue
        ref, flaw = _read_token(token, known, current, sep)
        if flaw:
            out.flaws.append(flaw)
        if ref is None:  # continues the post of the person before
            joiner = "、" if re.search(r"[、，,]", sep) else ""
            current = Ref(current.name, current.post + joiner + token if current.post else token)
            out.refs[-1] = current
            continue
        for r in ref:
            out.refs.append(r)
            if not r.role:
                known.add(r.name)
        current = out.refs[-1]
    return out


def _read_token(token: str, known: set[str], current: Ref | None, sep: str
                ) -> tuple[list[Ref] | None, str]:
    """The refs a token makes, or None when it is more of the post of `current`."""
    bracketed = _BRACKETED.match(token)
    if bracketed and is_name(bracketed.group("name"), known):
        return [Ref(bracketed.group("name"), bracketed.group("post"))], ""
    if is_name(token, known):
        return [Ref(token)], ""
    if current is not None and not current.role and not is_role(token):
        spaced = sep.strip(" 　") == ""
        if spaced or is_post(token):  # "王丽　办公室主任", "党支部书记、副校长"
            return None, ""
    post_name = split_post_and_name(token, known)
    if post_name:
        return [Ref(post_name[1], post_name[0])], ""
    if 4 <= len(token) <= 12 and not is_role(token):
        names = split_run_together(token, known)
        if names and len(names) > 1:
            return [Ref(n) for n in names], f"人名“{token}”连写，未加分隔，已拆为“{'、'.join(names)}”"
    return [Ref(token, role=True)], ""


# -- responsibility clauses

_LEADER = r"(?:责任领导|牵头领导|分管领导|包保领导)"
_DOERS = r"(?:具体责任人|责任人员|责任人|责任单位|责任部门|牵头单位|牵头部门)"
_DEADLINE = r"(?:完成时限|完成时间|时限)"
_CLAUSE = re.compile(rf"[（(]?\s*(?:{_LEADER}|{_DOERS})\s*[：:]?")
_FIELD = re.compile(rf"({_LEADER}|{_DOERS}|{_DEADLINE})\s*[：:]?\s*")


@dataclass
class Clause:
    start: int  # where the clause begins in the paragraph
    leaders: list[Ref]
    doers: list[Ref]
    deadline: str
    flaws: list[tuple[str, str]]  # (check rule, message)


def find_clause(text: str, known: set[str]) -> Clause | None:
    """The "（责任领导：X　责任人：A、B　完成时限：…）" clause ending a paragraph, in its variants:
    spaces for separators, no colon, no closing bracket, names typed together."""
    match = _clause_start(text)
    if match is None:
        return None
    body = text[match.start():].strip()
    flaws = []
    opened = body[0] in "（("
    closed = body.rstrip("。").endswith(("）", ")"))
    if opened and not closed:
        flaws.append(("bracket-unbalanced", "责任分工的括号没有闭合"))
    elif closed and not opened:
        flaws.append(("bracket-unbalanced", "责任分工缺少左括号"))
    if "(" in body or ")" in body:
        flaws.append(("punct-half-width", "责任分工用了半角括号"))
    inner = body.lstrip("（(").rstrip("。").rstrip("）)")
    fields: dict[str, str] = {}
    marks = list(_FIELD.finditer(inner))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(inner)
        fields[_field_kind(m.group(1))] = inner[m.end():end].strip(" 　，,；;。")
    leaders = parse_refs(fields.get("leader", ""), known)
    doers = parse_refs(fields.get("doers", ""), known)
    return Clause(match.start(), leaders.refs, doers.refs, fields.get("deadline", ""),
                  flaws + [("clause-form", flaw) for flaw in leaders.flaws + doers.flaws])


def _clause_start(text: str) -> re.Match | None:
    """The last clause opening that is followed only by clause fields."""
    found = None
    for m in _CLAUSE.finditer(text):
        before = text[:m.start()].rstrip()
        if m.start() == 0 or before.endswith(("。", "；", "！", "）", ")")) or m.group().startswith(("（", "(")):
            found = m
            break
    return found


def _field_kind(label: str) -> str:
    if re.fullmatch(_LEADER, label):
        return "leader"
    if re.fullmatch(_DEADLINE, label):
        return "deadline"
    return "doers"


# -- the roster

@dataclass
class Roster:
    """Everyone found, once, in order of first mention, with the posts stated anywhere."""

    posts: dict[str, str] = field(default_factory=dict)
    flaws: list[str] = field(default_factory=list)

    @property
    def known(self) -> set[str]:
        return set(self.posts)

    def add(self, refs: list[Ref]) -> None:
        for ref in refs:
            if ref.role:
                continue
            had = self.posts.get(ref.name)
            if had is None or (not had and ref.post):
                self.posts[ref.name] = ref.post
            elif ref.post and ref.post != had and ref.post not in had and had not in ref.post:
                self.flaws.append(f"{ref.name}的职务前后不一：“{had}”与“{ref.post}”，取前者")
            elif ref.post and had in ref.post:
                self.posts[ref.name] = ref.post
