"""click's own messages reach users in Chinese, like gongwen's."""
from __future__ import annotations

import pytest

from .clirun import gongwen

CASES = [
    (("search", "--bogus"), "没有这个选项：--bogus"),
    (("validate",), "缺少参数"),
    (("archive", "verify", "--witness"), "需要一个值"),
    (("archive", "add", "--period", "五年", "x.txt"), "不是可选的值之一"),
    (("archive", "show", "三"), "不是有效的"),
    (("nosuch",), "没有子命令"),
]


@pytest.mark.parametrize("args, chinese", CASES)
def test_a_usage_error_is_explained_in_chinese(args, chinese):
    ran = gongwen(*args, expect=2)
    assert chinese in ran.err and "错误：" in ran.err and "Error" not in ran.err, ran.err


def test_help_headings_are_chinese():
    ran = gongwen("--help", expect=0)
    assert "选项" in ran.out and "显示本帮助并退出" in ran.out and "Show this" not in ran.out
