"""The incident kinds installed with the platform: the four categories of the 突发事件应对法 (Art. 2) with the
sub-types the national master plan lists (reference §3.1). Production-safety accidents (including traffic
and fire accidents) are graded by 国务院令第493号 and reported upward within an hour; forest fires by 森林防火条例
Art. 40 and geological hazards by 地质灾害防治条例 Art. 4 and the national plan (incidents.grading_forest and
grading_geo); natural disasters report their 初报 within 2 hours (自然灾害情况统计调查制度, reference §4.3).
Environmental pollution is outside 493 (its Art. 2) and graded by people. Every limit is editable per kind.

Installed by migration plans 0003 and again by `anlan load-demo` after a flush (demo.loader)."""

KINDS = [
    # (category, name, grading, first report minutes, follow-up hours)
    ("natural", "水旱灾害", "manual", 120, 24),
    ("natural", "气象灾害", "manual", 120, 24),
    ("natural", "地震灾害", "manual", 120, 24),
    ("natural", "地质灾害", "geological", 120, 24),
    ("natural", "海洋灾害", "manual", 120, 24),
    ("natural", "生物灾害", "manual", 120, 24),
    ("natural", "森林草原火灾", "forest_fire", 120, 24),
    ("accident", "工矿商贸等企业安全事故", "production_safety", 60, 24),
    ("accident", "交通运输事故", "production_safety", 60, 24),
    ("accident", "火灾事故", "production_safety", 60, 24),
    ("accident", "公共设施和设备事故", "production_safety", 60, 24),
    ("accident", "环境污染和生态破坏事件", "manual", 60, 24),
    ("health", "传染病疫情", "manual", 120, 24),
    ("health", "群体性不明原因疾病", "manual", 120, 24),
    ("health", "食品安全和职业危害", "manual", 120, 24),
    ("health", "动物疫情", "manual", 120, 24),
    ("social", "恐怖袭击事件", "manual", 60, 24),
    ("social", "经济安全事件", "manual", 120, 24),
    ("social", "涉外突发事件", "manual", 120, 24),
    ("social", "群体性事件", "manual", 60, 24),
]


def install(model) -> int:
    """Add the kinds that are missing (by name); edited ones are left alone."""
    existing = set(model.objects.values_list("name", flat=True))
    new = [
        model(
            category=category, name=name, grading=grading, first_report_minutes=minutes, follow_up_hours=hours, order=i
        )
        for i, (category, name, grading, minutes, hours) in enumerate(KINDS, start=1)
        if name not in existing
    ]
    model.objects.bulk_create(new)
    return len(new)
