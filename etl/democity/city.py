"""The fictional prefecture city 云溪市 (Yunxi) that the demo exports describe.

Every name here is invented so demo data can never be mistaken for, or leak, real citizens'
records: 云溪市 is not a real prefecture-level city (the unrelated 云溪区 is a district of Yueyang,
Hunan, and 郧西县 a county in Hubei), and its counties, townships, estates, roads and callers are
made up. Department names follow the generic pattern every Chinese city uses (市住房和城乡建设局 …),
prefixed with the fictional city where a real company name would otherwise appear.

Each unit carries a latent ``quality`` (0 = city average, negative = weak) and a ``trend`` (change
in quality from the first to the last demo month). They make rankings interesting and stable:
枫渚县 and 市住房和城乡建设局 / 市人力资源和社会保障局 / 云溪燃气公司 are consistently weak,
云岫区 / 云溪供电公司 / 市教育局 / 市医疗保障局 consistently strong, and 松屿县 / 市交通运输局
improve over the year, so a reviewer always finds something to explain.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY = "云溪市"
CITY_DIRECT = "市直部门"
PUBLIC_ENTERPRISE = "公共企业"


@dataclass(frozen=True)
class County:
    """A county or district (区县) with its townships; weight is its share of the city's calls."""

    name: str
    weight: float
    quality: float
    townships: tuple[str, ...]
    trend: float = 0.0


@dataclass(frozen=True)
class Department:
    """A handling unit (承办单位) and the ranking group it is assessed in (分档分类)."""

    name: str
    group: str
    quality: float
    trend: float = 0.0


COUNTIES: tuple[County, ...] = (
    County("云岫区", 0.21, 0.7, ("岫山街道", "望湖街道", "锦澜街道", "文澜街道", "湖滨街道", "翠屏街道")),
    County(
        "溪澜区",
        0.19,
        0.1,
        ("临溪街道", "澜桥街道", "新港街道", "柳岸街道", "金沙街道", "东湖街道", "长乐街道"),
    ),
    County("鹤汀区", 0.17, 0.3, ("鹤鸣街道", "汀洲街道", "青云街道", "白鹭街道", "长堤街道", "南屏街道")),
    County("青篁县", 0.12, 0.0, ("篁川镇", "竹溪镇", "青石镇", "石门乡", "桃源乡")),
    County("棠梨县", 0.11, -0.2, ("棠梨镇", "梨花镇", "双桥镇", "杏坞乡", "白沙乡")),
    County("枫渚县", 0.10, -1.0, ("枫渚镇", "渚头镇", "红枫镇", "芦湾乡", "葛岭乡")),
    County("松屿县", 0.10, -0.9, ("松屿镇", "屿南镇", "松岗镇", "海棠乡", "青松乡", "石坪乡"), trend=1.4),
)

DEPARTMENTS: tuple[Department, ...] = (
    Department("市住房和城乡建设局", CITY_DIRECT, -1.0),
    Department("市城市管理局", CITY_DIRECT, 0.0),
    Department("市生态环境局", CITY_DIRECT, 0.3),
    Department("市交通运输局", CITY_DIRECT, -1.0, trend=1.7),
    Department("市人力资源和社会保障局", CITY_DIRECT, -0.8),
    Department("市市场监督管理局", CITY_DIRECT, 0.1),
    Department("市教育局", CITY_DIRECT, 0.8),
    Department("市卫生健康委员会", CITY_DIRECT, 0.2),
    Department("市公安局交通警察支队", CITY_DIRECT, -0.1),
    Department("市自然资源和规划局", CITY_DIRECT, -0.3),
    Department("市水务局", CITY_DIRECT, 0.1),
    Department("市医疗保障局", CITY_DIRECT, 0.7),
    Department("市民政局", CITY_DIRECT, 0.4),
    Department("市农业农村局", CITY_DIRECT, 0.0),
    Department("市文化广电和旅游局", CITY_DIRECT, 0.3),
    Department("市商务局", CITY_DIRECT, 0.1),
    Department("市应急管理局", CITY_DIRECT, 0.2),
    Department("市发展和改革委员会", CITY_DIRECT, 0.0),
    Department("市税务局", CITY_DIRECT, 0.5),
    Department("市司法局", CITY_DIRECT, 0.2),
    Department("云溪供电公司", PUBLIC_ENTERPRISE, 0.9),
    Department("云溪水务集团", PUBLIC_ENTERPRISE, 0.2),
    Department("云溪燃气公司", PUBLIC_ENTERPRISE, -0.9),
    Department("云溪公交集团", PUBLIC_ENTERPRISE, 0.0),
    Department("云溪热力公司", PUBLIC_ENTERPRISE, -0.3),
)

DEPARTMENT_INDEX: dict[str, int] = {d.name: i for i, d in enumerate(DEPARTMENTS)}

# Estates and roads are per township: etl.democity.places.
SURNAMES: tuple[str, ...] = tuple("张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董")
CHANNELS: tuple[str, ...] = ("电话", "网络", "微信", "APP")
CHANNEL_WEIGHTS: tuple[float, ...] = (0.70, 0.12, 0.10, 0.08)
APPEAL_TYPES: tuple[str, ...] = ("咨询", "求助", "投诉", "举报", "建议", "表扬", "其他")
APPEAL_WEIGHTS: tuple[float, ...] = (0.40, 0.20, 0.28, 0.05, 0.05, 0.01, 0.01)
# Share of each appeal type the centre dispatches to a unit (the rest it answers directly):
# gives about 43% dispatched, like Beijing's 41%.
DISPATCH_SHARE: tuple[float, ...] = (0.15, 0.50, 0.75, 0.75, 0.50, 0.20, 0.30)
# Working days allowed per appeal type when a vendor computes 办理时限 (SPEC §3 defaults).
WORKING_DAYS: tuple[int, ...] = (3, 3, 7, 7, 7, 7, 7)
