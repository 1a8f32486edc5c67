"""Places in the callers' words: estates, roads, villages and sites found, nothing else, never a number."""

from __future__ import annotations

import pytest

from warehouse.places import Place, admin_pattern, extract_places, main_place

ADMIN = admin_pattern(["溪澜区", "东湖街道", "云岫区", "翠屏街道", "鹤汀区", "长堤街道"])


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("来电人投诉：溪澜区东湖街道幸福公寓小区22栋门口车辆乱停", [("幸福公寓", "residential")]),
        ("来电人求助：云岫区翠屏街道民主巷人行道地砖破损多时", [("民主巷", "road")]),
        ("鹤汀区长堤街道长堤路理发店办卡后拒绝退款", [("长堤路", "road")]),  # the township is not 长堤街
        ("我家住在锦绣花园小区，电梯坏了", [("锦绣花园", "residential")]),
        ("澜庭小区停水", [("澜庭", "residential")]),
        ("滨江一号小区3栋1单元漏水", [("滨江一号", "residential")]),
        ("溪澜大道路面坑洼积水", [("溪澜大道", "road")]),
        ("泉星社区小塘路东西两侧空地怎么规划", [("泉星社区", "village"), ("小塘路", "road")]),
        ("我这次是请求领导重视一下江源大桥噪声污染问题", [("江源大桥", "site")]),
        ("柳林巷培训机构跑路，学费无法退还", [("柳林巷", "road")]),
        ("网约车绕路多收费", []),
        ("村级公路都没修", []),
        ("村里土地流转费用未兑现", []),
        ("在县城买的房子", []),
        ("幼儿园门口交通混乱", []),
        ("离这里几公里", []),
    ],
)  # fmt: skip
def test_places_found_in_the_words_of_callers(text: str, places: list[tuple[str, str]]) -> None:
    assert [(p.name, p.kind) for p in extract_places(text, ADMIN)] == places


def test_a_place_never_holds_a_number() -> None:
    for text in ("幸福公寓3号楼2单元501室", "人民路88号门口", "第3小区", "12栋楼下"):
        assert all(not any(ch.isdigit() for ch in p.name) for p in extract_places(text))


def test_the_order_is_about_the_estate_before_the_road() -> None:
    found = extract_places("长堤路锦绣花园小区门口垃圾无人清运")
    assert main_place(found) == Place("锦绣花园", "residential")
    assert main_place([]) is None
