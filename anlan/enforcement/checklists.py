"""The checklists as data (standards.md §12) and which items an enterprise is asked.

- 化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）, 安监总管三〔2017〕121号: all 20 items
  (§12.1, VERIFIED), each a 重大事故隐患 when not met.
- 工贸企业重大事故隐患判定标准, 应急管理部令第10号, in force 2023-05-15 (§12.2): only the texts found
  verbatim — Art. 3 (一)–(三), Art. 11 (一)–(八), Art. 12 (一)–(二), Art. 13 (一) and Art. 14. The
  industry articles 4–10, Art. 11 (九)(十) and Art. 13 (二) were not collected and are not invented: the
  county adds them on the checklist page when it has the official text.
- 通用检查项: the bureau's own items (not a standard's text, not 重大隐患 criteria), editable.

`install()` is idempotent (the migration and the demo loader both call it): a checklist is found by kind
and name, an item by its checklist and position, and an existing item is left as the county edited it.
"""

import datetime as dt

HAZCHEM_STANDARD = "安监总管三〔2017〕121号"
GONGMAO_STANDARD = "应急管理部令第10号"
GONGMAO_FROM = dt.date(2023, 5, 15)

HAZCHEM_NAME = "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）"
GONGMAO_NAME = "工贸企业重大事故隐患判定标准"
GENERAL_NAME = "通用检查项"

# Conditions on ChecklistItem.applies_to: which 工贸 enterprises an item concerns.
ALL, METAL_SMELTING, DUST, AMMONIA, CONFINED = "", "metal_smelting", "dust", "ammonia", "confined_space"

HAZCHEM_ITEMS = [
    "危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格。",
    "特种作业人员未持证上岗。",
    "涉及“两重点一重大”的生产装置、储存设施外部安全防护距离不符合国家标准要求。",
    "涉及重点监管危险化工工艺的装置未实现自动化控制，系统未实现紧急停车功能，装备的自动化控制系统、紧急停车系统未投入使用。",
    "构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的一级、二级重大危险源的危险化学品罐区未配备独立的安全仪表系统。",
    "全压力式液化烃储罐未按国家标准设置注水措施。",
    "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统。",
    "光气、氯气等剧毒气体及硫化氢气体管道穿越除厂区（包括化工园区、工业园区）外的公共区域。",
    "地区架空电力线路穿越生产区且不符合国家标准要求。",
    "在役化工装置未经正规设计且未进行安全设计诊断。",
    "使用淘汰落后安全技术工艺、设备目录列出的工艺、设备。",
    "涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置，爆炸危险场所未按国家标准安装使用防爆电气设备。",
    "控制室或机柜间面向具有火灾、爆炸危险性装置一侧不满足国家标准关于防火防爆的要求。",
    "化工生产装置未按国家标准要求设置双重电源供电，自动化控制系统未设置不间断电源。",
    "安全阀、爆破片等安全附件未正常投用。",
    "未建立与岗位相匹配的全员安全生产责任制或者未制定实施生产安全事故隐患排查治理制度。",
    "未制定操作规程和工艺控制指标。",
    "未按照国家标准制定动火、进入受限空间等特殊作业管理制度，或者制度未有效执行。",
    "新开发的危险化学品生产工艺未经小试、中试、工业化试验直接进行工业化生产；国内首次使用的化工工艺未经过省级人民政府有关部门组织的安全可靠性论证；新建装置未制定试生产方案投料开车；精细化工企业未按规范性文件要求开展反应安全风险评估。",
    "未按国家标准分区分类储存危险化学品，超量、超品种储存危险化学品，相互禁配物质混放混存。",
]

# (article, item, applies_to, text) — verbatim (standards.md §12.2; Art. 14 from L2, 国务院公报 2023 No. 19).
GONGMAO_ITEMS = [
    ("第三条", "（一）", ALL, "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的；"),
    ("第三条", "（二）", ALL, "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的；"),
    ("第三条", "（三）", METAL_SMELTING, "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的。"),
    (
        "第十一条",
        "（一）",
        DUST,
        "粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、会议室、办公室、休息室等人员聚集场所的；",
    ),
    (
        "第十一条",
        "（二）",
        DUST,
        "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，或者不同建（构）筑物、不同防火分区共用一套除尘系统、除尘系统互联互通的；",
    ),
    ("第十一条", "（三）", DUST, "干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施的；"),
    (
        "第十一条",
        "（四）",
        DUST,
        "铝镁等金属粉尘除尘系统采用正压除尘方式，或者其他可燃性粉尘除尘系统采用正压吹送粉尘时，未采取火花探测消除等防范点燃源措施的；",
    ),
    ("第十一条", "（五）", DUST, "除尘系统采用重力沉降室除尘，或者采用干式巷道式构筑物作为除尘风道的；"),
    ("第十一条", "（六）", DUST, "铝镁等金属粉尘、木质粉尘的干式除尘系统未设置锁气卸灰装置的；"),
    ("第十一条", "（七）", DUST, "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备不符合防爆要求的；"),
    (
        "第十一条",
        "（八）",
        DUST,
        "粉碎、研磨、造粒等易产生机械点燃源的工艺设备前，未设置铁、石等杂物去除装置，或者木制品加工企业与砂光机连接的风管未设置火花探测消除装置的；",
    ),
    ("第十二条", "（一）", AMMONIA, "包装、分割、产品整理场所的空调系统采用氨直接蒸发制冷的；"),
    (
        "第十二条",
        "（二）",
        AMMONIA,
        "快速冻结装置未设置在单独的作业间内，或者快速冻结装置作业间内作业人员数量超过9人的。",
    ),
    ("第十三条", "（一）", CONFINED, "未对有限空间进行辨识、建立安全管理台账，并且未设置明显的安全警示标志的；"),
    (
        "第十四条",
        "",
        ALL,
        "本标准所列情形中直接关系生产安全的监控、报警、防护等设施、设备、装置，应当保证正常运行、使用，失效或者无效均判定为重大事故隐患。",
    ),
]

# The bureau's own general items (our wording, not a standard's; 重大隐患 is judged by the standards above).
GENERAL_ITEMS = [
    "建立并落实全员安全生产责任制，责任明确到岗位和人员",
    "按规定设置安全生产管理机构或者配备专（兼）职安全生产管理人员",
    "主要负责人、安全生产管理人员具备与本单位相适应的安全生产知识和管理能力",
    "从业人员经安全生产教育和培训合格后上岗，培训有记录",
    "特种作业人员持有效证件上岗",
    "制定生产安全事故应急救援预案，按规定备案并定期组织演练",
    "建立事故隐患排查治理制度，隐患排查、整改、验收有台账",
    "开展安全风险辨识评估，落实风险分级管控措施",
    "按规定提取和使用安全生产费用",
    "为从业人员提供符合标准的劳动防护用品，并监督正确佩戴、使用",
    "动火、有限空间、高处、吊装等危险作业履行审批手续并有专人现场监护",
    "安全设备、消防设施和安全警示标志设置齐全，定期维护、检测，保证正常使用",
]


def checklist_rows():
    """(kind, name, standard_id, [(position, fields)]) for each built-in checklist."""
    hazchem = [
        (
            n,
            {
                "text": text,
                "standard_id": HAZCHEM_STANDARD,
                "article": "",
                "item": str(n),
                "major": True,
                "valid_from": None,  # its date of effect is not in standards.md: left blank
                "applies_to": ALL,
            },
        )
        for n, text in enumerate(HAZCHEM_ITEMS, start=1)
    ]
    gongmao = [
        (
            n,
            {
                "text": text,
                "standard_id": GONGMAO_STANDARD,
                "article": article,
                "item": item,
                "major": True,
                "valid_from": GONGMAO_FROM,
                "applies_to": applies_to,
            },
        )
        for n, (article, item, applies_to, text) in enumerate(GONGMAO_ITEMS, start=1)
    ]
    general = [
        (n, {"text": text, "standard_id": "", "article": "", "item": "", "major": False, "applies_to": ALL})
        for n, text in enumerate(GENERAL_ITEMS, start=1)
    ]
    return [
        ("hazchem", HAZCHEM_NAME, HAZCHEM_STANDARD, hazchem),
        ("gongmao", GONGMAO_NAME, GONGMAO_STANDARD, gongmao),
        ("general", GENERAL_NAME, "", general),
    ]


def install(checklist_model, item_model) -> int:
    """Create the built-in checklists and their items where missing; returns how many items were added.
    Takes the models as arguments so a migration can pass its historical ones."""
    added = 0
    for kind, name, standard_id, items in checklist_rows():
        checklist, _ = checklist_model.objects.get_or_create(
            kind=kind, name=name, defaults={"standard_id": standard_id, "active": True}
        )
        have = set(item_model.objects.filter(checklist=checklist).values_list("position", flat=True))
        fresh = [item_model(checklist=checklist, position=p, **f) for p, f in items if p not in have]
        item_model.objects.bulk_create(fresh)
        added += len(fresh)
    return added


# GB/T 4754 大类 of the 工贸 industries (Art. 2: 冶金、有色、建材、机械、轻工、纺织、烟草、商贸): manufacturing
# 13–43 and wholesale/retail 51–52; metal smelting is 31 (黑色) and 32 (有色).
GONGMAO_DIVISIONS = frozenset(range(13, 44)) | {51, 52}
SMELTING_DIVISIONS = frozenset({31, 32})


def _division(enterprise) -> int | None:
    code = enterprise.industry or ""
    return int(code) if code.isdigit() else None


def is_gongmao(enterprise) -> bool:
    flags = enterprise.is_dust_explosive or enterprise.has_ammonia_refrigeration or enterprise.has_confined_space
    return not enterprise.is_hazchem and (_division(enterprise) in GONGMAO_DIVISIONS or flags)


def conditions_for(enterprise) -> set[str]:
    """The applies_to values of the 工贸 items this enterprise is asked."""
    wanted = {ALL}
    if _division(enterprise) in SMELTING_DIVISIONS:
        wanted.add(METAL_SMELTING)
    if enterprise.is_dust_explosive:
        wanted.add(DUST)
    if enterprise.has_ammonia_refrigeration:
        wanted.add(AMMONIA)
    if enterprise.has_confined_space:
        wanted.add(CONFINED)
    return wanted


def kinds_for(enterprise) -> list[str]:
    """The checklist kinds asked of this enterprise: its sector's criteria, then the general items."""
    kinds = []
    if enterprise.is_hazchem:
        kinds.append("hazchem")
    elif is_gongmao(enterprise):
        kinds.append("gongmao")
    kinds.append("general")
    return kinds


def items_for(enterprise, *, on: dt.date, item_model, extra_checklist=None):
    """The active checklist items this enterprise is asked on date `on` (valid then), in order: the
    sector's criteria, the general items, and a campaign's checklist if given."""
    kinds = kinds_for(enterprise)
    qs = (
        item_model.objects.filter(checklist__active=True)
        .exclude(valid_from__gt=on)
        .exclude(valid_to__lt=on)
        .select_related("checklist")
    )
    items = list(qs.filter(checklist__kind__in=kinds))
    if extra_checklist is not None:
        items += [i for i in qs.filter(checklist=extra_checklist) if i.checklist.kind not in kinds]
    conditions = conditions_for(enterprise)
    order = {k: n for n, k in enumerate(kinds)}
    items = [i for i in items if i.checklist.kind != "gongmao" or i.applies_to in conditions]
    return sorted(items, key=lambda i: (order.get(i.checklist.kind, 9), i.checklist_id, i.position))
