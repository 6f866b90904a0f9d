"""The headline sentences from hand-written attention_monthly rows: order, grouping of
the scopes one level down, a missed target joined with its peer standing, the
provisional mark, English, the limit, and a month without findings."""

from pipelines.report.attention import headline

DISTRICT, SUB_A, SUB_B, SUB_C = "110111000000", "110111001000", "110111002000", "110111003000"


def finding(code: str, kind: str, metric: str, value: float, **figures) -> dict:
    level = "district" if code == DISTRICT else "subdistrict"
    priority = {"missed_target": 1, "backlog_growing": 3, "lagging_peer": 4,
                "station_gone_quiet": 5}.get(kind)  # fmt: skip
    if kind == "large_move":
        priority = 2 if value < figures["previous"] else 6
    row = dict(scope_code=code, scope_level=level, scope_name=f"名{code[6:9]}", kind=kind,
               metric=metric, value=value, previous=None, reference=None, peer_rank=None,
               peers=None, subject=None, adverse=priority != 6, priority=priority,
               magnitude=1.0, page="/x", provisional=False)  # fmt: skip
    return row | figures


ROWS = [
    # the district's own: coverage misses its target and lags its peers; a backlog grows
    finding(DISTRICT, "missed_target", "coverage_rate", 0.652, reference=0.9, magnitude=0.248),
    finding(DISTRICT, "lagging_peer", "coverage_rate", 0.652, reference=0.781, peer_rank=11,
            peers=16, magnitude=1.29),
    finding(DISTRICT, "backlog_growing", "backlog", 24, previous=10, magnitude=1.4,
            provisional=True),
    finding(DISTRICT, "station_gone_quiet", "active_stations", 2, previous=70,
            subject="一号站", magnitude=2),
    finding(DISTRICT, "large_move", "visits", 1300, previous=1000, magnitude=1.5),
    # its subdistricts: two miss the coverage target (B is worse), one loses visits,
    # one has a quiet station (already counted in the district's own)
    finding(SUB_A, "missed_target", "coverage_rate", 0.30, reference=0.9, magnitude=0.6),
    finding(SUB_B, "missed_target", "coverage_rate", 0.10, reference=0.9, magnitude=0.8),
    finding(SUB_C, "large_move", "visits", 150, previous=200, magnitude=1.25),
    finding(SUB_A, "station_gone_quiet", "active_stations", 2, previous=70,
            subject="一号站", magnitude=2),
]  # fmt: skip


def test_own_findings_first_then_one_sentence_per_kind_below():
    sentences = headline(ROWS, DISTRICT, "zh")
    assert [s.text for s in sentences] == [
        # own, by priority: the missed target carries the peer standing (no separate
        # lagging sentence), the backlog (provisional), the quiet stations …
        "覆盖率 65.2%，低于目标 90.0%；在 16 个区中排第 11，比中位数（78.1%）低 12.9 个百分点。",
        "积压工单连续两个月上升，月末 24 件（两个月前 10 件，暂定）。",
        "2 个驿站本月没有服务记录（上月共 70 人次），如一号站。",
        # … then the subdistricts: 2 below target, the worst B (magnitude 0.8); C's drop
        "2 个街道（乡镇）的覆盖率低于目标 90.0%，最低的是名002（10.0%）。",
        "1 个街道（乡镇）的服务人次环比大幅下降，幅度最大的是名003（下降 25.0%）。",
        # the district's favourable visits move would be sixth: over the limit of 5
    ]
    assert [s.adverse for s in sentences] == [True] * 5
    assert sentences[0].page == "/x" and sentences[0].kind == "missed_target"


def test_english_and_a_larger_limit():
    sentences = headline(ROWS, DISTRICT, "en", limit=6)
    assert [s.text for s in sentences] == [
        "Coverage rate 65.2%, below the 90.0% target; 11 of 16 districts, 12.9 points below "
        "their median (78.1%).",
        "The backlog rose two months running, to 24 open calls (10 two months ago, provisional).",
        "2 stations recorded no visit this month after 70 last month, e.g. 一号站.",
        "2 subdistricts below the 90.0% coverage rate target; lowest: 名002 (10.0%).",
        "Visits fell sharply in 1 subdistrict; most in 名003 (down 25.0%).",
        "Visits up 30.0% on last month (1,000 → 1,300).",
    ]
    assert sentences[-1].adverse is False


def test_a_rate_move_reads_in_points_and_a_lagging_peer_alone():
    rows = [
        finding(SUB_A, "large_move", "resolution_rate_7d", 0.90, previous=0.97,
                provisional=True),
        finding(SUB_A, "lagging_peer", "standard_rate", 0.5, reference=0.75, peer_rank=4,
                peers=4),
    ]  # fmt: skip
    assert [s.text for s in headline(rows, SUB_A)] == [
        "按期办结率环比下降 7.0 个百分点（97.0% → 90.0%，暂定）。",
        "七有达标率 50.0%，在 4 个街道（乡镇）中排第 4，比中位数（75.0%）低 25.0 个百分点。",
    ]


def test_a_month_without_findings_says_so():
    (sentence,) = headline([], DISTRICT, "zh")
    assert sentence.text == "本月各项指标均达到目标，没有需要特别关注的变化。"
    assert headline([], DISTRICT, "en")[0].text == "All targets met and no large moves this month."
