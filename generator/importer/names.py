"""Is this token a person's name, a post, or a role? Rules for Chinese names in official text.

A name is two to four Han characters starting with a surname; a post ends in a title word
(校长, 主任 ...); a role is a group of people written where a name would be (各班班主任).
"""
from __future__ import annotations

import re

# Common single-character surnames (the most frequent few hundred in mainland registers).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
    "邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉"
    "冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
# Rarer single surnames of the 百家姓 and of registers (characters that are common words,
# such as 水 山 东 家 有 年, are left out: they would turn ordinary words into names).
_SURNAMES |= set(
    "郗禚訾仉逄蓟冮暴酆昌凤贲邴糜羿汲隗宓蓬仰钭韶鄂籍赖苍莘贡扶堵宰郦卻璩濮郏庾暨殳沃蔚夔"
    "厍乜蒯缑郈佴笪谯墨钦汝琴督竺巢毋弘禄阎宦滑钮荀晏覃靖郇郄郯蔺芈禤阚敬谌逮麦揭佀蹇"
)
_COMPOUND_SURNAMES = ("钟离", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "仲孙", "鲜于",
                      "闾丘", "司空", "亓官", "司寇", "巫马", "公西", "颛孙", "壤驷", "公良",
                      "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "段干", "东郭", "呼延",
                      "羊舌", "微生", "梁丘", "左丘", "公羊", "万俟", "赫连", "澹台",
                      "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
                      "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫")
# Words a post ends with; a token ending in one is a post, not a name.
POST_ENDINGS = (
    "长", "主任", "书记", "主席", "委员", "员", "师", "医", "干事", "代表", "会计", "助理",
    "经理", "秘书", "专干", "所长", "站长", "队长", "组长", "科长", "负责人", "指导", "司机",
    "督学", "调研员", "巡视员", "馆员", "护士", "馆长", "园长", "校长", "主管", "主办",
)
# A token starting or ending like this stands for a group of people.
_ROLE_STARTS = ("各", "全体", "所有", "相关", "有关", "当日", "当班", "值班", "各级", "本单位",
                "本校", "驻")
_ROLE_ENDS = ("人员", "们", "班子", "成员", "负责人", "干部", "职工", "教师", "部门", "单位",
              "处室", "科室", "社区", "学校", "网格员", "志愿者")
# Frequent two- and three-character words that begin with a surname character.
_NOT_NAMES = {
    "全体", "全面", "高度", "严格", "及时", "加强", "关于", "工作", "成员", "方案", "安全", "经费",
    "万元", "明确", "时间", "常态", "常规", "文明", "卫生", "宣传", "应急", "和谐", "平安", "于是",
    "任务", "任何", "任务组", "公安", "公共", "公司", "公开", "公众", "马上", "高校", "高中", "石油",
    "金融", "齐抓", "向上", "江西", "湖南", "江苏", "黄金", "白天", "管理", "管控", "时段", "程序",
    "包括", "包保", "包片", "成立", "成效", "党委", "党组", "党支部", "党员", "党建", "杨柳",
    "东门", "西门", "南门", "北门", "社会", "单位", "季度", "康复", "华东", "卫健",
    "卫健委", "上级", "师生", "文件", "文化", "史料", "车辆", "农村", "农业", "宁可", "司法",
}
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def has_surname(token: str) -> bool:
    return token[:2] in _COMPOUND_SURNAMES or token[:1] in _SURNAMES


def is_post(token: str) -> bool:
    return token.endswith(POST_ENDINGS)


def is_role(token: str) -> bool:
    """"各班班主任", "全体行政人员", "当日值班人员": people named by what they do."""
    token = token.strip()
    return bool(token) and (token.startswith(_ROLE_STARTS) or token.endswith(_ROLE_ENDS))


def is_name(token: str, known: frozenset[str] | set[str] = frozenset()) -> bool:
    """Two to four Han characters, a surname first, and neither a post nor a common word."""
    token = token.strip()
    if token in known:
        return True
    if not (2 <= len(token) <= 4 and _HAN.match(token) and has_surname(token)):
        return False
    if token in _NOT_NAMES or token[:2] in _NOT_NAMES or is_post(token) or is_role(token):
        return False
    return len(token) <= 3 or token[:2] in _COMPOUND_SURNAMES


def split_post_and_name(token: str, known: frozenset[str] | set[str] = frozenset()
                        ) -> tuple[str, str] | None:
    """"副校长林晓燕" -> ("副校长", "林晓燕"): a post written before the name, as prose does."""
    token = token.strip().removesuffix("同志")
    for name in sorted(known, key=len, reverse=True):
        if token.endswith(name) and len(token) > len(name) and is_post(token[:-len(name)]):
            return token[:-len(name)], name
    for size in (3, 2, 4):
        post, name = token[:-size], token[-size:]
        if post and is_post(post) and is_name(name):
            return post, name
    return None


def split_run_together(text: str, known: frozenset[str] | set[str] = frozenset()
                       ) -> list[str] | None:
    """"刘洋何静" -> ["刘洋", "何静"] when names were typed with nothing between them.

    Known names are taken first; otherwise the text is cut where every piece is a name,
    trying two-character pieces before three. None when no cut works.
    """
    if not text:
        return []
    for name in sorted(known, key=len, reverse=True):
        if text.startswith(name):
            rest = split_run_together(text[len(name):], known)
            if rest is not None:
                return [name, *rest]
    for size in (2, 3):
        head = text[:size]
        if len(text) >= size and is_name(head) and (len(text) == size or has_surname(text[size])):
            rest = split_run_together(text[size:], known)
            if rest is not None:
                return [head, *rest]
    return None
