#!/usr/bin/env python3
"""Writes web/browser/testdata/plan/: a small, schematic Wuhan dataset in
planmap's format, so the web map can be developed and tested without the
real dataset. Positions are rough (a few km); this is a fixture, not data."""
import json, os

OUT = os.path.join(os.path.dirname(__file__), "plan")
SRC = "web map test fixture (hand-placed)"
SEC = "第二十八节 / 专栏18"

def rect(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}

def poly(*pts):
    pts = list(pts) + [pts[0]]
    return {"type": "Polygon", "coordinates": [[list(p) for p in pts]]}

def pt(x, y):
    return {"type": "Point", "coordinates": [x, y]}

def line(*pts):
    return {"type": "LineString", "coordinates": [list(p) for p in pts]}

def feat(fid, zh, en, kind, status, geom, acc="approximate", district=None, quote=None,
         section=SEC, line_no=None, targets=None, **extra):
    p = {"name_zh": zh, "name_en": en, "kind": kind, "status": status, "accuracy": acc,
         "source": SRC, "district": district, "plan_section": section, "plan_quote": quote,
         "plan_line": line_no, "targets": targets or []}
    p.update(extra)
    return {"type": "Feature", "id": fid, "geometry": geom, "properties": p}

# Licences and credits, so the browser tests can see the map's credits follow
# the layers on show: districts' credit has characters HTML must escape;
# green wedges (off at first) have one credit of their own; the metro layers
# share one. No layer credits OpenStreetMap.
MIT = {"id": "MIT", "title": "MIT License", "url": "https://opensource.org/license/mit"}
CC0 = {"id": "CC0-1.0", "title": "Creative Commons Zero 1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/"}
PLAN = "Plan elements: 武汉市“十四五”规划纲要 (fixture)"
CREDITS = {
    "districts": dict(license={"id": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                               "url": "https://creativecommons.org/licenses/by/4.0/"},
                      attribution=["Test boundaries © Survey <Wuhan> & Co"]),
    "water": dict(attribution=["Made with Natural Earth"]),
    "sub-centres": dict(attribution=[PLAN]),
    "green-wedges": dict(attribution=["Green wedges: Wuhan ecology fixture"]),
    "flood-storage": dict(attribution=[PLAN]),
    "metro-lines": dict(license=MIT, attribution=["MetroMan MetroMapOpenMiniProgram, © 2019 metromancn, MIT License"]),
    "metro-stations": dict(license=MIT, attribution=["MetroMan MetroMapOpenMiniProgram, © 2019 metromancn, MIT License"]),
    "ports": dict(license=CC0, attribution=["Wikidata (CC0)"]),
    "airports": dict(license=CC0, attribution=["Wikidata (CC0)"]),
    "rail-stations": dict(license=CC0, attribution=["Wikidata (CC0)"]),
    "pump-stations": dict(attribution=[PLAN]),
}

layers = [
    dict(id="districts", title_zh="行政区", title_en="Districts", theme="base", geometry_type="Polygon",
         order=1, base=True, style={"color": "#8c8c8c"}),
    dict(id="water", title_zh="水系", title_en="Rivers and lakes", theme="base", geometry_type="Polygon",
         order=2, base=True, style={"color": "#a6cbe3"}),
    dict(id="sub-centres", title_zh="副城", title_en="Sub-centres", theme="structure", geometry_type="Polygon",
         order=10, style={"color": "#e07b39"}, description_zh="“一主四副”中的四个副城",
         description_en="The four sub-centres of “one main city, four sub-centres”"),
    dict(id="green-wedges", title_zh="生态绿楔", title_en="Green wedges", theme="ecology",
         geometry_type="Polygon", order=20, style={"color": "#4caf50"}),
    dict(id="flood-storage", title_zh="蓄滞洪区", title_en="Flood-storage basins", theme="water",
         geometry_type="Polygon", order=30, style={"color": "#1f78b4"}),
    dict(id="metro-lines", title_zh="轨道交通线路", title_en="Metro lines", theme="transport",
         geometry_type="LineString", order=40, style={"color": "#3080b7"}),
    dict(id="metro-stations", title_zh="轨道交通站点", title_en="Metro stations", theme="transport",
         geometry_type="Point", order=41, style={"color": "#333333", "icon": "metro", "minzoom": 11}),
    dict(id="ports", title_zh="港口", title_en="Ports", theme="transport", geometry_type="Point",
         order=42, style={"color": "#0b5394", "icon": "port"}),
    dict(id="airports", title_zh="机场", title_en="Airports", theme="transport", geometry_type="Point",
         order=43, style={"color": "#6a3d9a", "icon": "airport"}),
    dict(id="rail-stations", title_zh="铁路客站", title_en="Railway stations", theme="transport",
         geometry_type="Point", order=44, style={"color": "#b15928", "icon": "rail"}),
    dict(id="pump-stations", title_zh="排涝泵站", title_en="Drainage pump stations", theme="water",
         geometry_type="Point", order=50, style={"color": "#1f78b4", "icon": "pump"}),
]

D = lambda fid, zh, en, g: feat(fid, zh, en, "district", "existing", g, acc="approximate", section=None)
districts = [
    D("jiangan", "江岸区", "Jiang'an", poly((114.27, 30.60), (114.33, 30.60), (114.38, 30.66), (114.30, 30.70), (114.25, 30.64))),
    D("jianghan", "江汉区", "Jianghan", poly((114.22, 30.57), (114.28, 30.57), (114.27, 30.60), (114.25, 30.64), (114.22, 30.62))),
    D("hanyang", "汉阳区", "Hanyang", poly((114.10, 30.50), (114.22, 30.50), (114.28, 30.55), (114.22, 30.57), (114.10, 30.57))),
    D("wuchang", "武昌区", "Wuchang", poly((114.28, 30.50), (114.36, 30.52), (114.37, 30.58), (114.33, 30.60), (114.28, 30.55))),
    D("qingshan", "青山区", "Qingshan", poly((114.37, 30.58), (114.50, 30.60), (114.50, 30.66), (114.38, 30.66), (114.33, 30.60))),
    D("hongshan", "洪山区", "Hongshan", poly((114.28, 30.40), (114.45, 30.40), (114.50, 30.60), (114.37, 30.58), (114.36, 30.52), (114.28, 30.50))),
    D("donghu-hitech", "东湖新技术开发区", "East Lake High-tech Zone", poly((114.45, 30.40), (114.65, 30.40), (114.65, 30.55), (114.50, 30.60))),
    D("xinzhou", "新洲区", "Xinzhou", poly((114.50, 30.60), (114.90, 30.60), (114.90, 31.00), (114.50, 31.00), (114.38, 30.66), (114.50, 30.66))),
    D("huangpi", "黄陂区", "Huangpi", poly((114.10, 30.70), (114.30, 30.70), (114.38, 30.66), (114.50, 31.00), (114.10, 31.00))),
    D("caidian", "蔡甸区", "Caidian", rect(113.80, 30.35, 114.10, 30.65)),
    D("jiangxia", "江夏区", "Jiangxia", rect(114.10, 30.10, 114.45, 30.40)),
]
for d in districts:
    d["properties"]["kind"] = "district"

water = [
    feat("yangtze", "长江", "Yangtze River", "river", "existing",
         poly((114.00, 30.33), (114.20, 30.49), (114.28, 30.55), (114.33, 30.60), (114.42, 30.645),
              (114.56, 30.655), (114.75, 30.60), (114.76, 30.62), (114.56, 30.675), (114.41, 30.665),
              (114.31, 30.615), (114.26, 30.565), (114.18, 30.505), (113.99, 30.35)), section=None),
    feat("han-river", "汉江", "Han River", "river", "existing",
         poly((113.90, 30.60), (114.15, 30.57), (114.26, 30.563), (114.265, 30.57), (114.15, 30.578), (113.90, 30.607)),
         section=None),
    feat("east-lake", "东湖", "East Lake", "lake", "existing",
         poly((114.37, 30.54), (114.42, 30.53), (114.45, 30.56), (114.42, 30.59), (114.38, 30.58)), section=None),
]

sub = [
    feat("subcity-guanggu", "光谷副城", "Optics Valley Sub-centre", "sub_centre", "planned",
         poly((114.38, 30.45), (114.52, 30.45), (114.55, 30.52), (114.45, 30.54), (114.38, 30.51)),
         acc="indicative", district="东湖新技术开发区",
         quote="光谷副城：建设具有全球影响力的科技创新中心核心承载区。", line_no=812,
         targets=[{"metric": "地区生产总值", "value": 1, "unit": "万亿元", "year": 2035, "text": "万亿级"}]),
    feat("subcity-chegu", "车谷副城", "Auto Valley Sub-centre", "sub_centre", "planned",
         poly((114.05, 30.42), (114.18, 30.42), (114.18, 30.52), (114.05, 30.52)), acc="indicative",
         district="汉阳区", quote="车谷副城：打造世界级汽车产业基地。", line_no=818),
    feat("subcity-linkonggang", "临空港副城", "Airport Sub-centre", "sub_centre", "planned",
         poly((114.05, 30.66), (114.22, 30.70), (114.24, 30.80), (114.08, 30.80)), acc="indicative",
         district="黄陂区", quote="临空港副城：建设国家网络安全人才与创新基地。", line_no=822),
    feat("changjiang-new-area", "长江新区", "Yangtze New Area", "sub_centre", "planned",
         poly((114.38, 30.68), (114.55, 30.68), (114.58, 30.80), (114.40, 30.80)), acc="district",
         district="新洲区", quote="长江新区：建设宜居宜业、生态绿色的新城。", line_no=826),
]
green = [
    feat("east-lake-wedge", "大东湖生态绿楔", "East Lake green wedge", "green_wedge", "existing",
         poly((114.40, 30.52), (114.60, 30.52), (114.70, 30.60), (114.47, 30.62)), acc="indicative",
         quote="保护六大生态绿楔。", line_no=901),
    feat("fuhe-wedge", "府河生态绿楔", "Fu River green wedge", "green_wedge", "existing",
         poly((114.15, 30.70), (114.25, 30.70), (114.30, 30.85), (114.20, 30.88)), acc="indicative",
         quote="保护六大生态绿楔。", line_no=901),
]
flood = [
    feat("dujiatai", "杜家台蓄滞洪区", "Dujiatai flood-storage basin", "flood_storage", "upgrade",
         poly((113.80, 30.38), (113.95, 30.36), (114.00, 30.45), (113.85, 30.48)), acc="approximate",
         district="蔡甸区", quote="推进杜家台蓄滞洪区建设。", line_no=1002),
    feat("wuhu-basin", "武湖蓄滞洪区", "Wuhu flood-storage basin", "flood_storage", "planned",
         poly((114.42, 30.72), (114.55, 30.72), (114.55, 30.80), (114.42, 30.80)), acc="district",
         district="黄陂区", quote="实施武湖蓄滞洪区安全建设。", line_no=1004),
]
L = [
    feat("line-1", "轨道交通1号线", "Metro Line 1", "metro_line", "existing",
         line((114.15, 30.68), (114.22, 30.63), (114.27, 30.61), (114.32, 30.63), (114.36, 30.66)), acc="surveyed",
         color="#3080b7", section=None),
    feat("line-2", "轨道交通2号线", "Metro Line 2", "metro_line", "existing",
         line((114.21, 30.77), (114.26, 30.64), (114.29, 30.58), (114.33, 30.54), (114.40, 30.505), (114.50, 30.47)),
         acc="surveyed", color="#ef88b8", section=None),
    feat("line-11", "轨道交通11号线", "Metro Line 11", "metro_line", "under_construction",
         line((114.12, 30.53), (114.24, 30.52), (114.40, 30.49), (114.55, 30.48)), acc="approximate",
         color="#ffd500", quote="加快建设轨道交通11号线。", line_no=700),
    feat("line-20-plan", "轨道交通新港线", "Xingang metro line (planned)", "metro_line", "planned",
         line((114.36, 30.66), (114.45, 30.67), (114.56, 30.67)), acc="indicative",
         color="#a6c8e8", quote="规划建设新港线，连通阳逻港。", line_no=702),
]
S = [
    feat("guanggu-square-station", "光谷广场站", "Guanggu Square", "metro_station", "existing", pt(114.398, 30.505),
         acc="surveyed", district="洪山区", section=None),
    feat("jiedaokou-station", "街道口站", "Jiedaokou", "metro_station", "existing", pt(114.347, 30.527),
         acc="surveyed", district="洪山区", section=None),
    feat("hankou-station-metro", "汉口火车站站", "Hankou Railway Station", "metro_station", "existing",
         pt(114.262, 30.619), acc="surveyed", district="江汉区", section=None),
    feat("xunlimen-station", "循礼门站", "Xunlimen", "metro_station", "existing", pt(114.28, 30.594),
         acc="surveyed", district="江汉区", section=None),
]
ports = [
    feat("yangluo-port", "阳逻港", "Yangluo Port", "port", "expansion", pt(114.56, 30.665), acc="approximate",
         district="新洲区", quote="推进阳逻港集装箱水铁联运二期建设，集装箱吞吐量约300万标箱。", line_no=731,
         targets=[{"metric": "集装箱吞吐量", "comparator": "约", "value": 300, "unit": "万标箱", "year": 2025,
                   "text": "约300万标箱"}]),
    feat("hannan-port", "汉南港", "Hannan Port", "port", "planned", pt(114.08, 30.31), acc="district",
         district="汉南区", quote="建设汉南港区。", line_no=733),
]
airports = [
    feat("tianhe-airport", "天河国际机场", "Tianhe International Airport", "airport", "expansion",
         pt(114.208, 30.784), acc="surveyed", district="黄陂区", quote="推进天河机场第三跑道建设。", line_no=740),
]
rail = [
    feat("wuhan-station", "武汉站", "Wuhan Railway Station", "rail_station", "existing", pt(114.424, 30.607),
         acc="surveyed", district="洪山区", section=None),
    feat("hankou-station", "汉口站", "Hankou Railway Station", "rail_station", "existing", pt(114.257, 30.617),
         acc="surveyed", district="江汉区", section=None),
    feat("tianhe-station", "天河站", "Tianhe Railway Station", "rail_station", "planned", pt(114.215, 30.772),
         acc="approximate", district="黄陂区", quote="规划建设天河站。", line_no=745),
]
pumps = [
    feat("guanggu-pump", "光谷排涝泵站", "Guanggu drainage pump station", "pump_station", "planned",
         pt(114.41, 30.49), acc="approximate", district="东湖新技术开发区",
         quote="新建光谷排涝泵站。", line_no=1010,
         targets=[{"metric": "排涝能力", "value": 50, "unit": "立方米/秒", "year": 2025, "text": "50立方米/秒"}]),
    feat("houhu-pump", "后湖泵站", "Houhu pump station", "pump_station", "upgrade", pt(114.33, 30.66),
         acc="approximate", district="江岸区", quote="改造后湖泵站。", line_no=1011),
    feat("qingshan-pump", "青山港泵站", "Qingshan Port pump station", "pump_station", "expansion",
         pt(114.42, 30.64), acc="approximate", district="青山区", quote="扩建青山港泵站。", line_no=1012),
    feat("nanhu-pump", "南湖泵站", "Nanhu pump station", "pump_station", "existing", pt(114.34, 30.49),
         acc="district", district="洪山区", section=None),
]

files = {"districts": districts, "water": water, "sub-centres": sub, "green-wedges": green,
         "flood-storage": flood, "metro-lines": L, "metro-stations": S, "ports": ports,
         "airports": airports, "rail-stations": rail, "pump-stations": pumps}
targets = [
    {"id": "metro-lines-2025", "group": "综合交通", "metric": "轨道交通运营线路", "value": 14, "unit": "条", "text": "14条", "year": 2025,
     "plan_section": "第二十八节", "plan_line": 698, "plan_quote": "轨道交通运营线路达到14条、总里程达到600公里。"},
    {"id": "metro-km-2025", "group": "综合交通", "metric": "轨道交通运营里程", "value": 600, "unit": "公里", "text": "600公里", "year": 2025,
     "plan_section": "第二十八节", "plan_line": 698, "plan_quote": "轨道交通运营线路达到14条、总里程达到600公里。"},
    {"id": "yangluo-teu-2025", "group": "综合交通", "metric": "阳逻港集装箱吞吐量", "comparator": "约", "value": 300,
     "unit": "万标箱", "text": "约300万标箱", "year": 2025, "plan_section": SEC, "plan_line": 731,
     "plan_quote": "集装箱吞吐量约300万标箱。",
     "feature": "yangluo-port", "layer": "ports"},
    {"id": "drainage-2025", "group": "水安全", "metric": "新增排涝能力", "value": 1135, "unit": "立方米/秒", "text": "1135立方米/秒", "year": 2025,
     "plan_section": "第三十节", "plan_line": 1008, "plan_quote": "新增排涝能力1135立方米/秒。"},
]

for l in layers:
    l.update(CREDITS[l["id"]])
os.makedirs(os.path.join(OUT, "layers"), exist_ok=True)
with open(os.path.join(OUT, "layers.json"), "w") as f:
    json.dump(layers, f, ensure_ascii=False, indent=1)
for lid, fs in files.items():
    for x in fs:  # drop empty optional properties, as the real dataset does
        x["properties"] = {k: v for k, v in x["properties"].items() if v is not None}
    with open(os.path.join(OUT, "layers", lid + ".geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": fs}, f, ensure_ascii=False, indent=None)
        f.write("\n")
with open(os.path.join(OUT, "targets.json"), "w") as f:
    json.dump(targets, f, ensure_ascii=False, indent=1)
