"""The outline's nodes -> 正文 items: sections and measures here, groups in groups.py.

Each recogniser looks at the nodes from a position and either takes some (returning the
item it made) or leaves them; anything no recogniser takes stays as a section or text.
"""
from __future__ import annotations

import re
from collections import deque

from .findings import Finding, Level
from .groups import leading_group, working_group
from .markers import Form
from .outline import Node
from .paragraphs import Paragraph
from .people import Clause, find_clause
from .reading import SECTION_FORMS, Context, TextNode, node_lines, ref_value, split_title


def items_of(nodes: list[Node], ctx: Context, in_article: bool = False) -> list:
    """YAML items for a list of sibling nodes. Inside an article (第一条) numbered items are
    enumerations and stay text with their numbers."""
    out: list = []
    queue = deque(nodes)
    while queue:
        node = queue[0]
        group = leading_group(queue, ctx)
        if group is not None:
            out.append({"领导小组": group})
            continue
        queue.popleft()
        if node.marker and in_article:
            out += _texts([node], ctx)
        elif node.marker and node.marker.form in SECTION_FORMS:
            made = working_group(node, ctx)
            if made is not None:
                _add_to_run(out, "工作组", made)
                continue
            made = measure(node, ctx)
            if made is not None:
                _add_to_run(out, "工作措施", made)
                continue
            out.append(section(node, ctx))
        elif node.marker:  # 第一条, 一是: text that keeps its own number
            ctx.said = ctx.text(f"{node.marker.raw}{_gap(node.marker.form)}{node.text}", node.para)
            out.append(ctx.said)
            out += items_of(node.children, ctx, in_article=True)
        else:
            made = working_group(node, ctx)
            if made is not None:
                _add_to_run(out, "工作组", made)
                continue
            made = unnumbered_measure(node, ctx, queue)
            if made is not None:
                _add_to_run(out, "工作措施", made)
                continue
            ctx.said = ctx.text(node.text, node.para)
            out.append(ctx.said)
    return out


def _gap(form: Form) -> str:
    return "　" if form in (Form.ARTICLE, Form.CHAPTER, Form.SECTION) else ""


def _add_to_run(out: list, key: str, item: dict) -> None:
    """Consecutive groups (or measures) form one block, numbered on with the sections."""
    if out and isinstance(out[-1], dict) and key in out[-1]:
        out[-1][key].append(item)
    else:
        out.append({key: [item]})


# -- sections

def section(node: Node, ctx: Context) -> dict:
    title, rest = split_title(node.text)
    title = ctx.text(title, node.para)
    outer, ctx.heading = ctx.heading, title
    content = items_of(node_lines(node), ctx)
    ctx.heading = outer
    if node.marker and node.marker.form in (Form.CHAPTER, Form.SECTION) and not ctx.chapters:
        ctx.chapters = True
        ctx.findings.append(Finding(Level.CHANGED, f"“{node.marker.raw}”等章、节导入为标题，"
                                    "生成时按“一、（一）”编号", node.para))
    if not content:
        return {"标题": title}
    if rest and len(content) == 1 and isinstance(content[0], str):
        return {"标题": title, "内容": content[0]}
    return {"标题": title, "内容": content}


def _texts(nodes: list[Node], ctx: Context) -> list[str]:
    """Nodes as plain paragraphs, numbered ones keeping their number."""
    out = []
    for node in nodes:
        for sub in node.walk():
            if sub.para is None:
                continue
            prefix = sub.marker.form.show(sub.marker.number) if sub.marker else ""
            out.append(ctx.text(prefix + sub.text, sub.para))
    return out


# -- measures

def measure(node: Node, ctx: Context) -> dict | None:
    """A numbered item ending in "（责任领导：… 责任人：…）"."""
    lines = node_lines(node)
    if not lines:
        return None
    last = lines[-1]
    clause, after = _clause_and_after(last.text, ctx) if last.marker is None else (None, "")
    if clause is None or not (clause.leaders or clause.doers):
        return None
    title, _ = split_title(node.text)
    before = last.text[:clause.start].strip()
    body = lines[:-1] + [TextNode(last.para, text) for text in (before, after) if text]
    return _measure_item(title, _texts(body, ctx), clause, last.para, node.para, ctx)


def _clause_and_after(text: str, ctx: Context) -> tuple[Clause | None, str]:
    """The responsibility clause of a paragraph and the text after its closing bracket
    ("（责任领导：X　责任人：Y）。记录每周上报。"), which stays part of the measure."""
    clause = find_clause(text, ctx.roster.known)
    if clause is None:
        return None, ""
    close = re.search(r"[）)]", text[clause.start:])
    if close is None:
        return clause, ""
    end = clause.start + close.end()
    after = text[end:].lstrip("。；; 　")
    if not after:
        return clause, ""
    return find_clause(text[:end], ctx.roster.known), after


def unnumbered_measure(node: Node, ctx: Context, queue: deque) -> dict | None:
    """A "标题。正文" paragraph ending in such a clause, or followed by one (taken from `queue`)."""
    title, rest = split_title(node.text)
    if not rest or len(title) > 20:
        return None
    clause, after = _clause_and_after(rest, ctx)
    if clause is not None and clause.start > 0:
        content = [t for t in (rest[:clause.start].strip(), after) if t]
        return _measure_item(title, [ctx.text(t, node.para) for t in content], clause,
                             node.para, node.para, ctx)
    if queue and queue[0].marker is None and not queue[0].children:
        clause, after = _clause_and_after(queue[0].text, ctx)
        if clause is not None and clause.start == 0:
            at = queue[0].para
            content = [ctx.text(rest, node.para)] + ([ctx.text(after, at)] if after else [])
            made = _measure_item(title, content, clause, at, node.para, ctx)
            if made is not None:
                queue.popleft()
            return made
    return None


def _measure_item(title: str, content: list[str], clause, clause_at: Paragraph | None,
                  at: Paragraph | None, ctx: Context) -> dict | None:
    for rule, flaw in clause.flaws:
        ctx.defect(flaw, clause_at, rule)
    ctx.roster.add(clause.leaders + clause.doers)
    if not clause.leaders:
        ctx.defect(f"措施“{title}”写了责任人，没有写责任领导", clause_at, "measure-owner")
    if not clause.doers:
        ctx.defect(f"措施“{title}”写了责任领导，没有写责任人", clause_at, "measure-owner")
    if not clause.leaders or not clause.doers or not content:
        return None
    if len(clause.leaders) > 1:
        ctx.defect(f"措施“{title}”有{len(clause.leaders)}名责任领导，导入第一名，其余列为责任人",
                   clause_at)
    item = {"标题": ctx.text(title, at), "内容": content[0] if len(content) == 1 else content,
            "责任领导": ref_value(clause.leaders[0]),
            "责任人": [ref_value(r) for r in clause.doers + clause.leaders[1:]]}
    if clause.deadline:
        item["完成时限"] = clause.deadline
    doers = "、".join(r.name for r in clause.doers)
    ctx.saw("工作措施", f"{item['标题']}（责任领导{clause.leaders[0].name}；责任人{doers}）", at)
    return item


