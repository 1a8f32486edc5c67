"""The one label catalogue: every user-facing word, in Simplified Chinese (default) and English."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("12345 热线绩效分析", "12345 Hotline Performance"),
    "language": ("语言", "Language"),
    # -- navigation (app.py): one title per page, also the page heading --
    "page_overview": ("总览", "Overview"),
    "page_rankings": ("排名", "Rankings"),
    "page_trends": ("趋势", "Trends"),
    "page_hot_topics": ("热点", "Hot topics"),
    "page_unit_profile": ("单位画像", "Unit profile"),
    "page_data": ("数据", "Data"),
    "page_report": ("通报", "Report"),
    # -- pages/report.py (monthly public report) --
    "report_month": ("通报月份", "Report month"),
    "report_intro": (
        "月度运行情况通报面向社会公开：总体情况、热点分析、办理情况、考核排名，不含任何个人信息。"
        "可下载 PDF（A4，用于印发）、HTML（网页发布）和 Excel（数据表）。",
        "The monthly public bulletin: overview, hot topics, handling, rankings — no personal data. "
        "Download it as PDF (A4, for print), HTML (for the web) and Excel (the tables).",
    ),
    "report_generating": ("正在生成通报（约数秒）…", "Building the report (a few seconds)…"),
    "report_download_pdf": ("下载 PDF", "Download PDF"),
    "report_download_html": ("下载 HTML", "Download HTML"),
    "report_download_xlsx": ("下载 Excel", "Download Excel"),
    "report_preview": ("预览", "Preview"),
    "report_failed": ("无法生成通报：{error}", "Could not build the report: {error}"),
    "report_partial": (
        "所选月份的数据尚不完整（数据截止 {as_of}），通报中已注明。",
        "The chosen month is not complete yet (data as of {as_of}); the report says so.",
    ),
    "report_cli_hint": (
        "命令行生成：`python -m reports monthly --month {month}`；城市名称等在 config/report.toml 中设置。",
        "From the command line: `python -m reports monthly --month {month}`; the city name is set in config/report.toml.",
    ),
    "page_about": ("说明", "About"),
    # -- layout.py / filters.py (shared page frame) --
    "as_of_caption": ("数据截止时间：{as_of}（{source}）", "Data as of {as_of} ({source})"),
    "as_of_source_data": ("取已导入工单中最晚的事件时间", "the latest event among the loaded orders"),
    "as_of_source_pinned": ("在设置中固定", "pinned in the settings"),
    "warehouse_unreadable": (
        "数据仓库文件存在，但无法读取（{error}）。可能是导入尚未完成或文件已损坏；请稍后刷新，或在命令行重新运行 `python -m etl load`。",
        "The warehouse file exists but cannot be read ({error}). A load may still be running or the file is damaged; "
        "refresh in a moment or run `python -m etl load` again.",
    ),
    "warehouse_empty": (
        "数据仓库中还没有任何月份的工单。请在命令行运行 `python -m etl load 文件...` 导入工单导出文件。",
        "The warehouse holds no month of orders yet. Run `python -m etl load FILE...` to load exports.",
    ),
    "filters": ("筛选条件", "Filters"),
    "period_kind": ("期间类型", "Period"),
    "kind_month": ("月度", "Month"),
    "kind_quarter": ("季度", "Quarter"),
    "kind_year": ("年度", "Year"),
    "kind_range": ("自定义区间", "Date range"),
    "period_month": ("月份", "Month"),
    "period_quarter": ("季度", "Quarter"),
    "period_year": ("年度", "Year"),
    "period_range": ("起止日期", "From – to"),
    "quarter_fmt": ("{year}年第{q}季度", "{year} Q{q}"),
    "year_fmt": ("{year}年", "{year}"),
    "month_fmt": ("{year}年{month}月", "{year}-{month:02d}"),
    "range_fmt": ("{start} 至 {end}", "{start} to {end}"),
    "incomplete_month": ("（未完整）", " (partial)"),
    "level": ("层级", "Level"),
    "group": ("分组", "Group"),
    "county_filter": ("所属区县", "County"),
    "range_incomplete": ("请选择结束日期（当前按单日计算）。", "Pick an end date (showing a single day for now)."),
    # -- charts.py --
    "unit_percent": ("（%）", " (%)"),
    "unit_points": ("（分）", " (points)"),
    "unit_orders": ("（件）", " (orders)"),
    "orders_unit": ("件", "orders"),
    "city_average": ("全市", "City"),
    "score_interval": ("综合得分及 95% 区间", "Score and 95% interval"),
    # -- overview.py --
    "compare_caption": (
        "{period}，与上期（{previous}）比较。",
        "{period}, compared with the previous period ({previous}).",
    ),
    "pp": ("个百分点", "pp"),
    "points_short": ("分", "pts"),
    "volume_title": ("受理量与派单量（按月）", "Orders received and dispatched per month"),
    "volume_note": (
        "受理量按受理时间、派单量按派单时间计入月份；所选期间内的月份以深色显示。",
        "Received counts by received date, dispatched by dispatch date; months in the selected period are solid.",
    ),
    "red_black_title": ("红黑榜", "Red and black lists"),
    "red_list": ("红榜（前列）", "Red list (top)"),
    "black_list": ("黑榜（末位）", "Black list (bottom)"),
    "red_black_note": (
        "每个排名组取综合得分前、后 {k} 名（不超过已排名单位数的一半），考核工单少于 {n} 件的单位不排名。",
        "Top and bottom {k} of each ranking group (at most half the ranked units); units with fewer than {n} "
        "assessed orders are not ranked.",
    ),
    "no_ranked_units": (
        "本期该组没有可排名的单位（没有派单，或考核工单均少于最小样本）。",
        "No unit of this group can be ranked for the period (no dispatched orders, or all below the minimum sample).",
    ),
    "no_orders_period": (
        "所选期间没有工单。请在左侧选择其他期间。",
        "There are no orders in the selected period. Pick another period on the left.",
    ),
    # -- rankings.py --
    "rank": ("名次", "Rank"),
    "rank_change": ("变化", "Change"),
    "previous_rank": ("上期名次", "Previous rank"),
    "unit": ("单位", "Unit"),
    "group_name": ("分组", "Group"),
    "county": ("区县", "County"),
    "flags": ("标记", "Flags"),
    "flag_insufficient": ("样本不足", "Small sample"),
    "flag_red": ("红榜", "Red list"),
    "flag_black": ("黑榜", "Black list"),
    "flag_indistinguishable": ("难区分", "Not distinguishable"),
    "flag_score_partial": ("得分缺项", "Score partial"),
    "change_new": ("新进", "new"),
    "interval_suffix": ("95%区间", "95% CI"),
    "rankings_caption": (
        "{level}{group} · {period} · 共 {n} 个单位，其中 {ranked} 个参与排名。",
        "{level}{group} · {period} · {n} units, {ranked} of them ranked.",
    ),
    "show_detail": ("显示分子、分母和 95% 置信区间", "Show numerators, denominators and 95% intervals"),
    "rankings_legend": (
        "名次变化：↑ 上升、↓ 下降、– 持平（与上期比较），空白表示上期未排名；样本不足：考核工单少于 {n} 件，列出但不排名；"
        "难区分：得分的 95% 区间与相邻名次单位重叠，名次先后可能只是偶然。",
        "Change against the previous period: ↑ up, ↓ down, – held, blank when not ranked then. Small sample: fewer "
        "than {n} assessed orders, listed but not ranked. Not distinguishable: the score's 95% interval overlaps a "
        "neighbour's, so the order may be chance.",
    ),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "score_chart_title": ("综合得分及 95% 区间", "Composite score with 95% interval"),
    "score_chart_note": (
        "横线为得分的 95% 区间；区间重叠的相邻单位难以区分先后。",
        "Whiskers show the score's 95% interval; neighbours whose intervals overlap cannot be told apart.",
    ),
    "drill_title": ("查看数字背后的工单", "Orders behind a figure"),
    "drill_unit": ("单位", "Unit"),
    "drill_metric": ("指标", "Figure"),
    "drill_part": ("工单范围", "Orders"),
    "part_numerator": ("分子：{label}", "Numerator: {label}"),
    "part_denominator": ("分母：{label}", "Denominator: {label}"),
    "part_excluded": ("不计入考核的工单（无效、豁免）", "Excluded orders (invalid, exempt)"),
    "drill_count": ("共 {n} 件工单。", "{n} orders."),
    "drill_empty": ("没有符合条件的工单。", "No order matches."),
    "drill_download": ("下载工单明细 CSV", "Download orders CSV"),
    "no_units_level": (
        "所选期间该层级没有派单工单，因此没有排名。",
        "No orders were dispatched to this level in the selected period, so there is no ranking.",
    ),
    # -- fields of fct_work_orders (drill-down lists; no personal data) --
    "field_order_id": ("工单编号", "Order ID"),
    "field_received_at": ("受理时间", "Received"),
    "field_dispatched_at": ("派单时间", "Dispatched"),
    "field_responded_at": ("首次联系时间", "First contact"),
    "field_effective_due_at": ("办理时限", "Due"),
    "field_closed_at": ("办结时间", "Closed"),
    "field_appeal_type": ("诉求类型", "Appeal type"),
    "field_category_l1": ("一级分类", "Category"),
    "field_category_l2": ("二级分类", "Subcategory"),
    "field_county": ("区县", "County"),
    "field_township": ("乡镇街道", "Township"),
    "field_department": ("承办单位", "Department"),
    "field_urgency_level": ("紧急程度", "Urgency"),
    "field_status": ("办理状态", "Status"),
    "field_return_count": ("退单次数", "Returns"),
    "field_resolution": ("解决情况", "Resolution"),
    "field_satisfaction": ("满意度", "Satisfaction"),
    "field_exclusion_reason": ("不计入考核原因", "Excluded because"),
    "exclusion_invalid": ("无效", "invalid"),
    "exclusion_exempt": ("豁免", "exempt"),
    # -- auth.py (login, roles) --
    "login_title": ("登录", "Sign in"),
    "login_sso": ("使用单位统一身份认证登录", "Sign in with single sign-on"),
    "login_no_users": (
        "此数据仓库含真实数据，需要登录。还没有账号：请管理员在服务器上运行 "
        "`python -m warehouse users add 用户名 --role admin` 创建账号。",
        "This warehouse holds real data and needs a login. No accounts exist yet: an administrator "
        "creates one with `python -m warehouse users add NAME --role admin` on the server.",
    ),
    "login_name": ("用户名", "User name"),
    "login_password": ("密码", "Password"),
    "login_submit": ("登录", "Sign in"),
    "login_failed": ("用户名或密码不正确。", "Wrong user name or password."),
    "logout": ("退出登录", "Sign out"),
    "demo_no_login": ("演示数据，无需登录（完整权限）", "Demo data: no login needed (full access)"),
    "no_permission": ("您的账号无权查看此页面。", "Your account may not open this page."),
    "page_admin": ("管理", "Admin"),
    "admin_users": ("账号", "Accounts"),
    "admin_users_hint": (
        "账号在服务器上用命令管理：python -m warehouse users add/remove/list（密码只保存加盐哈希）。",
        "Accounts are managed on the server: python -m warehouse users add/remove/list (salted hashes only).",
    ),
    "admin_lookup": ("查看单张工单的个人信息（留痕）", "Look up one order's personal data (audited)"),
    "admin_lookup_hint": (
        "仅管理员可见。每次查看都会记入审计日志。",
        "Administrators only. Every look-up is written to the audit log.",
    ),
    "admin_not_found": ("没有这张工单。", "No such order."),
    "admin_audit": ("审计日志（最近 200 条）", "Audit log (latest 200)"),
    "admin_audit_empty": ("还没有审计记录。", "No audit events yet."),
    "role_public": ("公众", "Public"),
    "role_leader": ("领导", "Leader"),
    "role_oversight": ("人大监督", "Oversight"),
    "role_analyst": ("热线分析员", "Analyst"),
    "role_admin": ("管理员", "Administrator"),
    # -- trends.py --
    "trend_metric": ("指标", "Metric"),
    "trend_units": ("单位（可多选）", "Units (choose several)"),
    "trend_caption": (
        "{start} 至 {end} 各月 · 虚线为全市整体水平（全市分子之和 ÷ 分母之和）。",
        "Months {start} to {end} · the dashed line is the city as a whole (sum of numerators ÷ sum of denominators).",
    ),
    "trend_pick_units": (
        "请在上方选择至少一个单位；图中先只显示全市。",
        "Pick at least one unit above; the chart shows the city only.",
    ),
    "trend_table": ("各月数据（含分子、分母）", "Monthly figures (with numerators and denominators)"),
    "numerator": ("分子", "Numerator"),
    "denominator": ("分母", "Denominator"),
    "value": ("数值", "Value"),
    # -- about.py --
    "about_metrics": ("指标定义", "Metric definitions"),
    "about_rules": ("规则说明", "Rules"),
    "about_levels": ("排名层级", "Ranked levels"),
    "about_settings": ("当前设置", "Settings in force"),
    "about_freshness": ("数据时效", "Data freshness"),
    "metric_name": ("指标", "Metric"),
    "definition": ("定义", "Definition"),
    "metric_unit": ("单位", "Unit"),
    "direction": ("方向", "Direction"),
    "formula": ("分子 ÷ 分母", "Numerator ÷ denominator"),
    "related_settings": ("相关设置", "Settings"),
    "higher_better": ("越高越好", "higher is better"),
    "lower_better": ("越低越好", "lower is better"),
    "unit_count": ("件", "orders"),
    "unit_weighted_count": ("件（加权）", "orders (weighted)"),
    "unit_ratio": ("比率（%）", "rate (%)"),
    "unit_points_name": ("分（0–100）", "points (0–100)"),
    "setting": ("设置项", "Setting"),
    "setting_value": ("取值", "Value"),
    "settings_source": ("设置文件：{path}", "Settings file: {path}"),
    "settings_changed": (
        "设置文件在最近一次导入之后有改动：各月指标表仍按导入时的设置计算，排名按当前设置计算。重新导入一次即可统一。",
        "The settings file changed after the last load: monthly tables still use the settings of that load, rankings "
        "use the current ones. Load again to make them agree.",
    ),
    "as_of_time": ("数据截止时间", "Data as of"),
    "as_of_source": ("截止时间来源", "As-of source"),
    "metrics_built_at": ("指标计算时间", "Metrics built at"),
    "calendar_fallback": (
        "以下年份不在法定节假日日历内，工作日按周一至周五推算：{years}。涉及这些年份的办理时限可能与实际不符。",
        "These years are outside the statutory holiday calendar; working days fall back to Monday–Friday: {years}. "
        "Derived due dates in those years may be off.",
    ),
    "setting_response_limit_hours": ("响应时限（小时，按紧急程度）", "Response limit (hours, by urgency)"),
    "setting_response_limit_default_hours": ("响应时限（小时，其他）", "Response limit (hours, otherwise)"),
    "setting_urgent_due_hours": ("紧急工单办理时限（小时）", "Due time of urgent orders (hours)"),
    "setting_due_workdays_by_type": ("办理时限（工作日，按诉求类型）", "Due time (working days, by appeal type)"),
    "setting_due_workdays_default": ("办理时限（工作日，其他类型）", "Due time (working days, other types)"),
    "setting_due_derivation": ("办理时限推算规则", "Due-time derivation"),
    "setting_partial_resolution_weight": ("部分解决的权重", "Weight of partly resolved"),
    "setting_basic_satisfaction_weight": ("基本满意的权重", "Weight of basically satisfied"),
    "setting_composite_weights": ("综合得分权重", "Composite score weights"),
    "setting_min_sample": ("最小样本（考核工单数）", "Minimum sample (assessed orders)"),
    "setting_red_black_size": ("红黑榜人数", "Red/black list size"),
    "setting_repeat_window_days": ("重复诉求窗口（天）", "Repeat window (days)"),
    "setting_units_file": ("单位分组文件", "Unit groups file"),
    "setting_default_group": ("未列入分组文件的单位归入", "Group of unlisted units"),
    "setting_as_of": ("固定的数据截止时间", "Pinned as-of time"),
    "about_rates": ("率与得分", "Rates and the score"),
    "about_counts": ("计数指标（各率的分子、分母）", "Counts (the numerators and denominators)"),
    "level_desc_county": ("各区县在全市范围内一起排名。", "All counties ranked together across the city."),
    "level_desc_department": (
        "承办单位按单位分组文件分组（如市直部门、公共企业），在组内排名（分档分类）。",
        "Departments are ranked within their group from the units file (e.g. city bureaus, public companies).",
    ),
    "level_desc_township": ("乡镇街道在所属区县内排名。", "Townships are ranked within their county."),
    "calendar_ok": (
        "工作日按国家法定节假日和调休安排计算。",
        "Working days follow the statutory holidays and make-up days.",
    ),
    "demo_banner": (
        "演示数据：本页显示的是虚构城市「云溪市」的生成数据，不代表任何真实地区。",
        "Demo data: this page shows generated data for the fictional city of Yunxi, not a real place.",
    ),
    "no_warehouse": (
        "还没有数据。请在命令行运行 `make run`（自动导入演示数据）或 `python -m etl load 文件...` 导入工单导出文件。",
        "No data yet. Run `make run` (loads the demo city) or `python -m etl load FILE...` to load exports.",
    ),
    "load_history": ("导入记录", "Load history"),
    "month": ("月份", "Month"),
    "received_count": ("受理量", "Received"),
    "dispatched_count": ("派单量", "Dispatched"),
    "closed_count": ("办结量", "Closed"),
    "orders_axis": ("工单数（件）", "Orders"),
    "kpi_orders": ("工单总数", "Orders"),
    "kpi_months": ("月份数", "Months"),
    "kpi_quarantined": ("隔离行数", "Quarantined rows"),
    "kpi_files": ("已导入文件", "Files loaded"),
    "load_id": ("批次", "Load"),
    "file_name": ("文件", "File"),
    "source_file": ("文件", "File"),
    "status": ("状态", "Status"),
    "rows_read": ("读取行数", "Rows read"),
    "loaded": ("新增", "New"),
    "updated": ("更新", "Updated"),
    "unchanged": ("未变", "Unchanged"),
    "quarantined": ("隔离", "Quarantined"),
    "duplicates": ("重复", "Duplicates"),
    "encoding": ("编码", "Encoding"),
    "sheet": ("工作表", "Sheet"),
    "profile": ("导入配置", "Profile"),
    "message": ("说明", "Message"),
    "started_at": ("导入时间", "Loaded at"),
    "seconds": ("耗时（秒）", "Seconds"),
    "reason_code": ("原因", "Reason"),
    "row_count": ("行数", "Rows"),
    # -- hot_topics.py, unit_profile.py, data.py (oversight and data pages) --
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "ht_scope": ("范围", "Area"),
    "ht_all_city": ("全市", "Whole city"),
    "ht_caption": (
        "{period} · 受理量按受理时间计入期间；环比与上期（{previous}）比较。",
        "{period} · orders counted by received date; change against the previous period ({previous}).",
    ),
    "ht_heatmap_title": (
        "各区县的热点问题（一级分类 × 区县，受理量）",
        "Hot topics by county (category × county, orders)",
    ),
    "ht_heatmap_note": (
        "颜色越深受理量越大；「未填区县」为导出中没有区县的工单（多为热线直接答复）。",
        "Darker means more orders; 'No county' are orders exported without a county (mostly answered directly).",
    ),
    "ht_no_county": ("未填区县", "No county"),
    "ht_no_category": ("未分类", "Uncategorised"),
    "ht_risers_title": ("环比上升最快的问题", "Fastest-rising problems"),
    "ht_risers_note": (
        "二级分类（括号内为一级分类），按较上期增加的件数排序。",
        "Subcategories (category in brackets), by increase.",
    ),
    "ht_no_risers": (
        "与上期相比，没有哪个分类的受理量上升。",
        "No category received more orders than in the previous period.",
    ),
    "ht_previous": ("上期", "Previous"),
    "ht_current": ("本期", "Now"),
    "ht_increase_axis": ("较上期增加（件）", "Increase on previous period (orders)"),
    "ht_words_title": ("热词", "Hot words"),
    "ht_words_axis": ("提到该词的工单（件）", "Orders using the word"),
    "ht_words_note": (
        "从 {total:,} 件工单中抽取 {n:,} 件的诉求内容分词统计，已去除停用词、数字、电话、人名和地名，"
        "少于 3 件的词不显示；不展示任何诉求原文。",
        "Words of the content of {n:,} sampled orders out of {total:,}; stop words, numbers, phone numbers, names and "
        "place names removed, words in fewer than 3 orders hidden. No content text is shown.",
    ),
    "ht_no_words": (
        "所选范围内没有可统计的诉求内容（导出中可能没有诉求内容列）。",
        "No content to count in this selection (the exports may have no content column).",
    ),
    "ht_issues_title": ("重复诉求与退单（推诿）", "Repeat complaints and bounced orders"),
    "ht_issues_note": (
        "按派单时间计入期间。重复诉求：同一来电号码、同一二级分类在 {days} 天内再次来电；退单：退回热线中心 1 次及以上。",
        "Counted by dispatch date. Repeat: the same caller and subcategory again within {days} days; bounced: returned "
        "to the hotline centre at least once.",
    ),
    "ht_by_category": ("按问题分类", "By category"),
    "ht_by_unit": ("按单位（{level}）", "By unit ({level})"),
    "ht_no_issues": ("所选期间没有重复诉求或退单。", "No repeat complaints or bounced orders in this period."),
    "up_no_units": (
        "所选层级和分组下没有单位。请在左侧换一个层级或分组。",
        "There is no unit at this level and group. Pick another on the left.",
    ),
    "up_no_orders": (
        "{period}没有派给「{unit}」的工单。请换一个期间或单位。",
        "No order was dispatched to {unit} in {period}. Pick another period or unit.",
    ),
    "up_caption": (
        "{period} · 卡片下方为与全市整体的差距；名次下方为较上期的名次变化（正数为上升）。",
        "{period} · below each card: the difference from the city as a whole; below the rank: its change "
        "(positive = up).",
    ),
    "up_rank_help": (
        "在「{group}」组 {n} 个已排名单位中的名次（综合得分从高到低）。",
        "Rank among the {n} ranked units of the group '{group}' (by composite score).",
    ),
    "up_rank_same": ("持平", "held"),
    "up_trend_title": ("各月表现与全市对比", "Month by month against the city"),
    "up_categories_title": ("拖累本单位的问题分类", "Categories that pull the unit down"),
    "up_categories_note": (
        "按二级分类。图中为满意率低于全市同类工单的分类（标签后为本单位有效评价数，黑色竖线为全市同类水平）；"
        "「较全市少满意」= 有效评价量 × (全市同类满意率 − 本单位满意率)，即按全市同类水平本应多得的满意评价数。",
        "By subcategory. The chart shows the categories where the unit is below the city (label: the unit's answers; "
        "black tick: the city). 'Short of city' = answers × (city rate − unit rate): the satisfied answers the unit "
        "would have had at the city's level.",
    ),
    "up_satisfaction_axis": ("满意率（%）", "Satisfaction rate (%)"),
    "up_no_gap": (
        "本期没有哪个分类的满意率低于全市同类工单。",
        "In no category is the unit's satisfaction below the city's for the same category this period.",
    ),
    "up_no_categories": (
        "期间内没有派给本单位的考核工单。",
        "No assessed order was dispatched to the unit in this period.",
    ),
    "up_lists_title": ("工单清单", "Order lists"),
    "up_list_unsatisfied": ("不满意", "Unsatisfied"),
    "up_list_overdue": ("超期未办结", "Overdue, open"),
    "up_list_bounced": ("退单", "Bounced"),
    "up_list_repeat": ("重复诉求", "Repeat"),
    "up_list_note": (
        "共 {n:,} 件，按受理时间从新到旧{shown}。清单不含来电人姓名、电话和诉求内容。",
        "{n:,} orders, newest first{shown}. No caller names, phone numbers or content.",
    ),
    "up_list_shown": ("，列出前 {k:,} 件（全部见证据材料）", ", the first {k:,} shown (all in the evidence pack)"),
    "up_list_empty": ("本期没有此类工单。", "No such order in this period."),
    "up_evidence": ("下载证据材料（Excel）", "Download evidence pack (Excel)"),
    "up_evidence_file": ("证据材料", "evidence_pack"),
    "up_evidence_help": (
        "供人大专项监督使用：封面（期间、数据截止时间、设置指纹）、各项率及分子分母和 95% 区间与全市对比、名次、"
        "近 13 个月趋势、拖累分类和四类工单清单；不含任何个人信息。",
        "For oversight hearings: cover (period, as-of time, settings fingerprint), rates with numerators, "
        "denominators and 95% intervals against the city, rank, 13-month trend, dragging categories and the four "
        "order lists; no personal data.",
    ),
    "dp_tab_upload": ("导入文件", "Upload"),
    "dp_tab_history": ("导入记录", "Load history"),
    "dp_tab_quarantine": ("隔离区", "Quarantine"),
    "dp_tab_quality": ("数据质量", "Data quality"),
    "dp_first_load": (
        "数据仓库还是空的：在下面上传第一份工单导出文件即可开始（或在命令行运行 `make run` 导入演示数据）。",
        "The warehouse is empty: upload a first export below (or run `make run` for the demo city).",
    ),
    "dp_uploader": ("选择工单导出文件（CSV 或 Excel）", "Choose an export (CSV or Excel)"),
    "dp_uploader_help": (
        "CSV 可为 UTF-8、带 BOM 的 UTF-8 或 GBK/GB18030 编码；Excel 可带标题行。表头按默认导入配置识别，"
        "与命令行 `python -m etl load` 完全相同。",
        "CSV in UTF-8, UTF-8 with BOM or GBK/GB18030; Excel may have a title row. Headers are matched by the default "
        "import profile, exactly as `python -m etl load` does.",
    ),
    "dp_upload_steps": (
        "选择文件后，这里先显示识别出的文件类型、编码、工作表、表头行、列对应关系和预检结果；确认无误再点「导入」。"
        "网页导入与命令行 `python -m etl load` 使用同一套程序：有问题的行进入隔离区并写明原因，同一文件重复导入不会改变数据。",
        "After you choose a file, this shows its type, encoding, sheet, header row, column mapping and a check of its "
        "rows; press Load when it looks right. It is the same loader as `python -m etl load`: bad rows go to the "
        "quarantine with a reason, and loading the same file twice changes nothing.",
    ),
    "dp_preview_title": ("识别结果（尚未导入）", "What the loader sees (nothing loaded yet)"),
    "dp_detected": (
        "文件类型：{kind} · 编码：{encoding} · 工作表：{sheet} · 表头在第 {row} 行",
        "File type: {kind} · encoding: {encoding} · sheet: {sheet} · header on row {row}",
    ),
    "dp_check": (
        "预检：读取 {rows:,} 行，可导入 {good:,} 行，将隔离 {bad:,} 行，完全重复 {dup:,} 行。",
        "Check: {rows:,} rows read, {good:,} can be loaded, {bad:,} would be quarantined, {dup:,} exact duplicates.",
    ),
    "dp_mapping": ("列对应关系（源表头 → 标准字段）", "Column mapping (source header → field)"),
    "dp_unmapped": ("未使用的列（不会导入）：{cols}", "Columns not used (not loaded): {cols}"),
    "dp_missing": ("文件中没有这些字段，导入后为空：{fields}", "Fields the file lacks (empty after loading): {fields}"),
    "dp_rejected": ("此文件无法导入。", "This file cannot be loaded."),
    "dp_load": ("导入", "Load"),
    "dp_load_help": (
        "导入在数据仓库副本上一次完成后整体替换；导入期间其他页面照常可用，完成后显示新数据。",
        "The load runs on a copy of the warehouse and swaps it in at the end; other pages keep working meanwhile.",
    ),
    "dp_loading": ("正在导入……", "Loading…"),
    "dp_loaded": (
        "导入完成：新增 {loaded:,}、更新 {updated:,}、未变 {unchanged:,}、隔离 {quarantined:,}、重复 {duplicates:,}、"
        "单元格提示 {cell_warnings:,}，用时 {seconds} 秒。各页面已显示最新数据。",
        "Loaded: {loaded:,} new, {updated:,} updated, {unchanged:,} unchanged, {quarantined:,} quarantined, "
        "{duplicates:,} duplicates, {cell_warnings:,} cell warnings in {seconds} s. Every page now shows the new data.",
    ),
    "dp_already": (
        "此文件以前已导入过，内容相同，未做改动。",
        "This file was loaded before with the same content; nothing changed.",
    ),
    "dp_load_failed": ("导入失败，数据仓库保持原样：{error}", "The load failed; the warehouse is unchanged: {error}"),
    "status_loaded": ("已导入", "loaded"),
    "status_already_loaded": ("已导入过（未改动）", "loaded before (unchanged)"),
    "status_rejected": ("已拒绝", "rejected"),
    "dp_all_files": ("全部文件", "All files"),
    "dp_all_reasons": ("全部原因", "All reasons"),
    "dp_q_count": (
        "共 {n:,} 行{shown}。行号从表头下一行数起（表头下第 1 行为 1，空行也计数）。原始行中的姓名、电话和长串数字已打码。",
        "{n:,} rows{shown}. Rows are numbered from the one under the header (1, blank rows counted). Names, phone "
        "numbers and long digit runs in the original rows are masked.",
    ),
    "dp_q_shown": ("，显示前 {k:,} 行（下载含全部）", ", the first {k:,} shown (downloads hold all)"),
    "dp_q_empty": ("没有隔离行：所有数据行都已导入。", "No quarantined rows: every data row was loaded."),
    "dp_w_title": ("单元格提示（已导入）", "Cell warnings (rows loaded)"),
    "dp_w_note": (
        "这些行已照常导入，但「是否有效」「考核豁免」或「退单次数」的值无法识别，该项按空值处理"
        "（视为有效、未豁免、未退单），或者行中有表头以外的单元格（常因内容里有未加引号的逗号）。"
        "共 {n:,} 行{shown}。请在源系统核对后重新导出。",
        "These rows were loaded, but a 是否有效 / 考核豁免 / 退单次数 value could not be read and counts as empty "
        "(valid, not exempt, not returned), or the row has cells past the header (often an unquoted comma in the "
        "content). {n:,} rows{shown}. Check them in the source system and export again.",
    ),
    "dp_w_empty": ("没有单元格提示。", "No cell warnings."),
    "dp_w_shown": ("，显示最近 {k:,} 行", ", the latest {k:,} shown"),
    "dp_check_warnings": (
        "其中 {n:,} 行有单元格提示（无法识别的「是否有效 / 考核豁免 / 退单次数」值按空值处理，或有表头以外的单元格）：照常导入。",
        "{n:,} of them have a cell warning (an unreadable 是否有效 / 考核豁免 / 退单次数 value, loaded empty, or cells "
        "past the header): loaded.",
    ),
    "reason_missing_order_id": ("缺少工单编号", "No order ID"),
    "reason_missing_received_at": ("缺少受理时间", "No received time"),
    "reason_bad_received_at": ("受理时间无法识别", "Unreadable received time"),
    "reason_bad_timestamp": ("其他时间无法识别", "Other unreadable time"),
    "reason_bad_value": ("取值不在范围内", "Value outside the vocabulary"),
    "reason_chronology": ("时间先后矛盾", "Chronology error"),
    "reason_superseded": ("被同文件中后出现的版本取代", "Superseded later in the file"),
    "dq_by_month": ("按受理月份", "By received month"),
    "dq_by_file": ("按文件（工单的当前版本来自该文件）", "By file (the file each order's current version came from)"),
    "dq_missing_county_rate": ("派单缺区县占比", "Dispatched without county"),
    "dq_missing_department_rate": ("派单缺承办单位占比", "Dispatched without department"),
    "dq_unevaluated_rate": ("办结未评价占比", "Closed, not evaluated"),
    "dq_quick_close_rate": ("5 分钟内办结占比", "Closed within 5 minutes"),
    "dq_share_axis": ("占比（%）", "Share (%)"),
    "dq_note": (
        "缺区县、缺承办单位：占派单工单（直接答复的工单不需要）；未评价：办结的派单工单中没有满意度评价的；5 分钟内办结：派单工单"
        "办结时间距受理不到 5 分钟（疑似补录或系统自动办结）。时间先后矛盾、无法识别的行已隔离，见「隔离区」。",
        "Missing county or department: of dispatched orders (direct answers need neither); not evaluated: closed dispatched "
        "orders without a satisfaction answer; within 5 minutes: dispatched orders closed less than 5 minutes after "
        "receipt (back-filled or auto-closed?). Chronology errors and unreadable rows are in the quarantine.",
    ),
    "col_load_status": ("状态", "Status"),
    "volume_note_all": (
        "受理量按受理时间、派单量按派单时间计入月份。",
        "Orders received are counted by received date, dispatched orders by dispatch date.",
    ),
    "col_source": ("源表头", "Source header"),
    "col_field": ("标准字段", "Field"),
    "col_priority": ("优先级", "Priority"),
    "col_category": ("分类", "Category"),
    "col_category_l3": ("三级分类", "Sub-subcategory"),
    "col_repeat_of_order_id": ("前次工单编号", "Earlier order"),
    "col_satisfaction_rate": ("本单位满意率", "Unit satisfaction"),
    "col_city_satisfaction_rate": ("全市同类满意率", "City, same category"),
    "col_satisfaction_shortfall": ("较全市少满意（件）", "Short of city (answers)"),
    "col_change_count": ("增加（件）", "Increase"),
    "col_change_rate": ("增幅", "Increase rate"),
    "col_previous_count": ("上期受理量", "Previous period"),
    "col_order_count": ("工单数", "Orders"),
    "col_missing_county_count": ("缺区县", "No county"),
    "col_missing_department_count": ("缺承办单位", "No department"),
    "col_unevaluated_count": ("未评价", "Not evaluated"),
    "col_quick_close_count": ("5 分钟内办结", "Closed < 5 min"),
    "col_quarantined_count": ("隔离行", "Quarantined"),
    "col_source_row": ("行号", "Row"),
    "col_reason": ("原因说明", "Reason in full"),
    "col_message": ("提示", "Warning"),
    "col_raw_record": ("原始行（已打码）", "Original row (masked)"),
    "col_missing_county_rate": ("缺区县占比", "No county, share"),
    "col_missing_department_rate": ("缺承办单位占比", "No department, share"),
    "col_unevaluated_rate": ("未评价占比", "Not evaluated, share"),
    "col_quick_close_rate": ("5 分钟内办结占比", "Closed < 5 min, share"),
    "field_category_l3": ("三级分类", "Sub-subcategory"),
}


def relabel(columns: list[str], lang: str = "zh") -> dict[str, str]:
    """Column renames for a table shown to people (unknown columns keep their names)."""
    return {c: t(c, lang) for c in columns if c in LABELS}


def t(key: str, lang: str = "zh") -> str:
    zh, en = LABELS[key]
    return en if lang == "en" else zh


def metric_label(key: str, lang: str = "zh") -> str:
    """A metric's name from warehouse.registry (never duplicated in this catalogue)."""
    from warehouse.registry import get_metric

    m = get_metric(key)
    return m.label_en if lang == "en" else m.label_zh


def level_label(name: str, lang: str = "zh") -> str:
    """A level's name from warehouse.registry ('city' included)."""
    from warehouse.registry import CITY, get_level

    lvl = CITY if name == "city" else get_level(name)
    return lvl.label_en if lang == "en" else lvl.label_zh
