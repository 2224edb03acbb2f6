"""The demo directory: departments, windows, staff, leaders and enterprises of a small city."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.actors import Actor, Role
from domain.application import Casetrail

ADMIN = Actor("admin", Role.ADMIN)

UNITS = (
    ("AMR", "市场监督管理局", "Market Regulation"),
    ("HRSS", "人力资源和社会保障局", "Human Resources and Social Security"),
    ("TAX", "税务局", "Taxation"),
    ("NRP", "自然资源和规划局", "Natural Resources and Planning"),
    ("HUD", "住房和城乡建设局", "Housing and Urban-Rural Development"),
    ("ECO", "生态环境局", "Ecology and Environment"),
    ("DRC", "发展和改革局", "Development and Reform"),
    ("GSC", "政务服务中心", "Government Service Centre"),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
)
ENTERPRISES = (
    "华创精密制造有限公司",
    "绿源生态农业有限公司",
    "海川物流股份有限公司",
    "智联软件科技有限公司",
    "金穗食品有限公司",
    "远航新能源有限公司",
    "博雅教育咨询有限公司",
    "恒泰建筑工程有限公司",
    "安康医疗器械有限公司",
    "星辰电子有限公司",
    "丰收农机合作社",
    "鑫达商贸有限公司",
    "瑞丰纺织有限公司",
    "天工模具有限公司",
    "云帆跨境电商有限公司",
    "蓝海水产养殖有限公司",
    "宏图广告传媒有限公司",
    "嘉禾酒店管理有限公司",
    "立信会计师事务所",
    "中诚汽车零部件有限公司",
    "青山茶业有限公司",
    "万家超市连锁有限公司",
    "优品家居有限公司",
    "启明生物科技有限公司",
)


@dataclass
class Directory:
    """Who is who in the demo, by unit, for the scenario generator to pick actors from."""

    clerks: dict[str, list[Actor]] = field(default_factory=dict)
    heads: dict[str, Actor] = field(default_factory=dict)
    windows: dict[str, str] = field(default_factory=dict)
    supervisors: list[Actor] = field(default_factory=list)
    inspectors: list[Actor] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    enterprises: list[str] = field(default_factory=list)
    key_enterprises: list[str] = field(default_factory=list)


def person(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def credit_code(index: int) -> str:
    return f"9144030{index:04d}DEMO{index % 10}X"


def seed_directory(app: Casetrail) -> Directory:
    directory, n = Directory(), 0
    for code, name, _english in UNITS:
        # A unit is registered under its official (Chinese) name, the one every page shows.
        app.register_unit(code, name, actor=ADMIN)
        window = f"{code}-W1"
        app.open_window(window, f"{name}综合窗口", code, actor=ADMIN)
        directory.windows[code] = window
        clerks = []
        for k in range(3):
            login = f"{code.lower()}.clerk{k + 1}"
            app.enrol_staff(
                login, person(n), Role.WINDOW_STAFF, unit_code=code, window_code=window, actor=ADMIN
            )
            clerks.append(Actor(login, Role.WINDOW_STAFF))
            n += 1
        head = f"{code.lower()}.head"
        app.enrol_staff(head, person(n), Role.UNIT_HEAD, unit_code=code, actor=ADMIN)
        directory.clerks[code], directory.heads[code] = clerks, Actor(head, Role.UNIT_HEAD)
        app.appoint_leader(
            f"L-{code}", person(n + 1), f"{name}局长", "department", unit_code=code, actor=ADMIN
        )
        directory.leaders.append(f"L-{code}")
        n += 2
    for k, title in enumerate(("县长", "常务副县长", "副县长")):
        app.appoint_leader(f"L-COUNTY{k + 1}", person(n + k), title, "county", actor=ADMIN)
        directory.leaders.append(f"L-COUNTY{k + 1}")
    for k in range(2):
        login = f"duchashi{k + 1}"
        app.enrol_staff(login, person(n + 5 + k), Role.SUPERVISOR, actor=ADMIN)
        directory.supervisors.append(Actor(login, Role.SUPERVISOR))
        login = f"jijian{k + 1}"
        app.enrol_staff(login, person(n + 8 + k), Role.INSPECTOR, actor=ADMIN)
        directory.inspectors.append(Actor(login, Role.INSPECTOR))
    for k, name in enumerate(ENTERPRISES):
        code = credit_code(k)
        key = k % 3 == 0
        app.register_enterprise(code, name, key_enterprise=key, actor=ADMIN)
        directory.enterprises.append(code)
        if key:
            directory.key_enterprises.append(code)
    return directory
