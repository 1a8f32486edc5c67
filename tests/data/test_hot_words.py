"""Hot words worth reading (issue 16, item 4): no function word, no letter boilerplate and no place name
in the top 20 — on the demo city and on the real 泰迪杯 2020 附件4 message board (skipped when absent)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from etl.democity import city as demo_city
from etl.democity import places as demo_places
from etl.load import load_files
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.hotwords import fetch_hot_words, log_odds

BOILERPLATE = ("作为", "条件", "人民", "领导", "严重", "关于", "尊敬")
ANALYST = Viewer("analyst", "ana")
# Place names that occur in 附件4, read off the file by hand (the part before 路/街/镇/社区/…): no hot word
# may be or contain one of them.
TAIDI_PLACES = (
    "楚府", "泉塘", "小塘", "万家丽", "洞井", "星沙", "望仙", "香樟", "月亮岛", "盼盼", "特立", "新安", "漓楚",
    "安沙", "北山", "黄花", "黄兴", "青山铺", "福元", "红旗", "时代阳光", "楚龙", "榔梨", "滨湖", "方略",
    "向阳", "麓谷", "木莲", "佳园星城", "咸嘉", "仁爱", "玉潭", "含浦", "黄星", "团湖", "泉星", "汇金", "江源",
    "金城", "西地",
)  # fmt: skip
# a name with a place ending (two-character words such as 城市 or 社区 are ordinary nouns), or A5区-style codes
PLACE_ENDING = re.compile(r"^..+(省|市|县|区|镇|乡|村|路|街|巷|大道|街道|社区|小区)$|^[A-Za-z]+\d")


def _months(con: duckdb.DuckDBPyConnection, first: str, last: str) -> list[Period]:
    rows = con.sql(
        "SELECT DISTINCT strftime(received_date, '%Y-%m') AS m FROM fct_work_orders WHERE m BETWEEN ? AND ? ORDER BY m",
        params=[first, last],
    ).fetchall()
    return [Period.month(m) for (m,) in rows]


def _top(con: duckdb.DuckDBPyConnection, month: Period) -> list[str]:
    return fetch_hot_words(con, ANALYST, month, top=20).words["word"].to_list()


def test_log_odds_ranks_what_rose_not_what_is_common() -> None:
    before = Counter({"物业": 300, "停水": 5, "电梯": 40})
    now = Counter({"物业": 310, "停水": 60, "电梯": 38})
    scores = log_odds(now, before)
    assert max(scores, key=scores.get) == "停水"
    assert scores["物业"] < scores["停水"] and scores["电梯"] < 0


def test_demo_city_hot_words_are_topics_not_boilerplate_or_places(demo_con) -> None:
    places = set(demo_places.all_place_names()) | {c.name for c in demo_city.COUNTIES} | {"云溪市"}
    places |= {t for c in demo_city.COUNTIES for t in c.townships}
    months = _months(demo_con, "0000-00", "9999-99")[1:]  # the first has nothing before it
    assert len(months) >= 3
    for month in months:
        top = _top(demo_con, month)
        assert len(top) >= 10, month
        assert not set(top) & set(BOILERPLATE), (month, top)
        assert not [w for w in top if any(w in p for p in places)], (month, top)


@pytest.fixture(scope="module")
def taidi(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    from tests.conftest import EXTERNAL

    source = EXTERNAL / "taidi2020_zhihuizhengwu" / "attachment4_messages_with_replies.xlsx"
    if not source.exists():
        pytest.skip("../shared/data/external is not here")
    db = tmp_path_factory.mktemp("taidi") / "taidi.duckdb"
    profile = Path(__file__).resolve().parents[2] / "etl" / "profiles" / "taidi2020.toml"
    summary = load_files([source], db=db, profile=profile)
    assert summary.loaded == 2816
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_taidi_board_hot_words_carry_no_letter_boilerplate_or_place(taidi) -> None:
    """Every month of 2018 and 2019 (31 to 114 messages each) against the three before it; a month of 60
    messages or more lists at least five words (with so few, fewer words are used by three callers)."""
    months = _months(taidi, "2018-01", "2019-12")
    assert len(months) == 24
    seen = set()
    for month in months:
        top = _top(taidi, month)
        seen.update(top)
        sql = "SELECT count(*) FROM fct_work_orders WHERE received_date BETWEEN ? AND ?"
        (messages,) = taidi.execute(sql, [month.start, month.end]).fetchall()[0]
        assert len(top) >= (5 if messages >= 60 else 1), (month, top)
        assert not set(top) & set(BOILERPLATE), (month, top)
        assert not [w for w in top if PLACE_ENDING.search(w)], (month, top)
        assert not [w for w in top if any(p in w for p in TAIDI_PLACES)], (month, top)
    assert {"拆迁", "交房", "物业", "噪音"} & seen  # what the board is about does come through


def test_a_month_with_nothing_before_it_is_ranked_by_frequency(taidi) -> None:
    first = Period.month(dt.date(2011, 4, 1))
    words = fetch_hot_words(taidi, ANALYST, first, min_orders=1)
    assert words.reference is None and words.reference_sampled == 0
