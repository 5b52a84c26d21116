package main

import (
	"strings"

	"planmap/geo"
)

type layerSpec struct {
	id, zh, en, descZH, descEN, theme, geom, color string
	dashed                                         bool
	icon                                           string
	minzoom                                        int
	base                                           bool
}

// layerSpecs lists every layer in display order (order = position).
var layerSpecs = []layerSpec{
	// base
	{"districts", "行政区", "Districts", "武汉市13个行政区边界（OpenStreetMap）", "The 13 districts of Wuhan as OpenStreetMap maps them", "base", "Polygon", "#9e9e9e", false, "", 0, true},
	{"rivers", "长江与汉江", "Yangtze and Han rivers", "长江、汉江中心线（Natural Earth，仅适合小比例尺）", "Yangtze and Han centrelines (Natural Earth 1:10m; overview zooms only)", "base", "LineString", "#4a90d9", false, "", 0, true},
	{"base-roads", "道路", "Roads", "中心城区的快速路、主干路、次干路、支路及匝道（OpenStreetMap）", "Expressways, arterial, secondary and minor roads and their ramps in central Wuhan (OpenStreetMap)", "base", "LineString", "#b0aaa0", false, "", 11, true},
	{"base-rail-stations", "火车站与有轨电车站", "Rail stations and tram stops", "火车站与有轨电车站（OpenStreetMap）；地铁站见“地铁站”图层", "Railway stations and tram stops (OpenStreetMap); metro stations are in the Metro stations layer", "base", "Point", "#757575", false, "rail", 12, true},
	{"lakes", "湖泊", "Lakes", "主要湖泊标注点（Wikidata）", "Label points of the main lakes (Wikidata)", "base", "Point", "#4a90d9", false, "water", 9, true},
	// structure
	{"main-city", "主城与三镇", "Main city and the three towns", "主城（两江四岸为核心）与汉口、武昌、汉阳三镇", "The main city around the Two Rivers and Four Banks, and the three historic towns", "structure", "Polygon", "#e53935", false, "", 0, false},
	{"sub-centres", "副城", "Sub-centres", "光谷、车谷、临空经济区、长江新区四个副城", "The four sub-centres: Optics Valley, Auto Valley, Airport Economy Zone, Yangtze New Area", "structure", "Polygon", "#fb8c00", false, "", 0, false},
	{"functional-zones", "功能区", "Functional zones", "开发区、新区、产业园区等功能区", "Development zones, new areas, industrial parks", "structure", "Polygon", "#f4a261", true, "", 8, false},
	{"functional-zone-points", "功能区（点）", "Functional zones (points)", "以点表示的功能区", "Functional zones shown as points", "structure", "Point", "#f4a261", false, "marker", 9, false},
	{"district-areas", "区级重点片区", "District key areas", "各区规划的重点功能片区", "Key areas named in the district positioning boxes", "structure", "Polygon", "#ffb74d", true, "", 10, false},
	{"district-axes", "区级发展轴带", "District axes and belts", "各区发展轴、产业带", "Development axes and belts of the districts", "structure", "LineString", "#ffb74d", true, "", 9, false},
	{"district-area-points", "区级重点片区（点）", "District key areas (points)", "以点表示的区级片区", "District areas shown as points", "structure", "Point", "#ffb74d", false, "marker", 9, false},
	{"regional-cities", "城市圈与城市群城市", "Regional cities", "武汉城市圈及长江中游城市群城市", "Cities of the Wuhan metropolitan area and the Middle Yangtze cluster", "structure", "Point", "#8e24aa", false, "town", 0, false},
	{"regional-corridors", "区域发展走廊", "Regional corridors", "武鄂、武咸等区域走廊", "Regional development corridors", "structure", "LineString", "#8e24aa", true, "", 0, false},
	{"regional-areas", "区域范围", "Regional areas", "武汉都市圈、城市圈等区域范围", "Metropolitan area and city circle", "structure", "Polygon", "#ce93d8", true, "", 0, false},
	// transport
	{"airports", "机场", "Airports", "天河机场及花湖机场", "Tianhe and Huahu airports", "transport", "Point", "#1e88e5", false, "airport", 0, false},
	{"airport-runways", "机场跑道", "Airport runways", "天河机场第三、第四跑道", "Tianhe third and fourth runways", "transport", "LineString", "#1e88e5", true, "", 11, false},
	{"railway-stations", "铁路与客运站", "Railway and coach stations", "高铁站、客运中心", "Railway stations and coach terminals", "transport", "Point", "#3949ab", false, "rail", 0, false},
	{"railway-lines", "铁路", "Railways", "高铁、城际、市域（郊）铁路及货运支线", "High-speed, intercity, suburban and freight railways", "transport", "LineString", "#3949ab", true, "", 0, false},
	{"metro-lines", "城市轨道交通", "Metro lines", "现状13条线路（2025年1月）与规划建设线路", "The 13 lines open in January 2025 and the lines the plan builds", "transport", "LineString", "#c62828", false, "", 0, false},
	{"metro-stations", "地铁站", "Metro stations", "现状地铁站（MetroMan，2025年1月）", "Metro stations open in January 2025 (MetroMan)", "transport", "Point", "#c62828", false, "rail-metro", 11, false},
	{"ports", "港口", "Ports", "阳逻港及“1+3”港口群", "Yangluo port and the 1+3 container ports", "transport", "Point", "#00838f", false, "harbor", 0, false},
	{"port-areas", "港区", "Port areas", "港区范围", "Port areas", "transport", "Polygon", "#00838f", true, "", 0, false},
	{"transport-hubs", "综合交通枢纽", "Transport hubs", "空铁公多式联运枢纽", "Multimodal transport hubs", "transport", "Point", "#00897b", false, "marker", 0, false},
	{"transport-corridors", "多式联运通道", "Multimodal corridors", "港口与机场、铁路之间的通道", "Links between port, airport and rail", "transport", "LineString", "#00897b", true, "", 0, false},
	{"waterways", "航道", "Waterways", "长江、汉江航道", "Yangtze and Han waterways", "transport", "LineString", "#0277bd", true, "", 0, false},
	{"roads", "高快速路与主干路", "Expressways and arterials", "高速公路、国道、环线、快速路", "Expressways, national roads, ring roads and arterials", "transport", "LineString", "#6d4c41", false, "", 0, false},
	{"river-crossings", "过江通道", "River crossings", "长江、汉江桥梁与隧道", "Bridges and tunnels across the Yangtze and Han", "transport", "LineString", "#5d4037", false, "", 0, false},
	// water
	{"flood-control", "防洪江河治理", "Flood control on rivers", "长江、汉江及府澴河等河流治理", "Flood control and river works on the Yangtze, Han and tributaries", "water", "LineString", "#0d47a1", false, "", 0, false},
	{"flood-control-works", "防洪闸站", "Sluices", "涵闸除险加固", "Sluice reinforcement", "water", "Point", "#0d47a1", false, "dam", 10, false},
	{"flood-storage-basins", "蓄滞洪区与水库", "Flood-storage basins and reservoirs", "杜家台、武湖、涨渡湖蓄滞洪区，梅店水库", "Flood-detention basins and reservoirs", "water", "Polygon", "#5c6bc0", true, "", 0, false},
	{"pump-stations", "排涝泵站与渍水点", "Pump stations and waterlogging points", "30座排涝泵站、35处渍水点", "Drainage pump stations and waterlogging points", "water", "Point", "#1565c0", false, "water", 0, false},
	{"drainage-channels", "骨干港渠", "Drainage channels", "黄孝河、青菱河等骨干港渠综合治理", "Main drainage channels", "water", "LineString", "#1976d2", false, "", 0, false},
	{"wastewater-plants", "污水处理厂", "Wastewater plants", "新改扩建污水处理厂", "Wastewater treatment plants", "water", "Point", "#6a1b9a", false, "water", 0, false},
	{"water-plants", "供水水厂", "Waterworks", "新改扩建及应急供水水厂", "Waterworks and emergency plants", "water", "Point", "#0288d1", false, "water", 0, false},
	{"water-supply-lines", "引调水工程", "Water transfer", "鄂北引水等", "Water transfer schemes", "water", "LineString", "#0288d1", true, "", 0, false},
	{"water-sources", "水源与水质提升区", "Water sources and quality pilots", "一湖五库水源、高品质供水示范区", "Water sources and high-quality supply pilots", "water", "Polygon", "#4fc3f7", true, "", 0, false},
	{"river-lake-basins", "三河三湖流域治理", "River and lake basins", "南湖、汤逊湖、北湖等湖泊流域综合治理", "Lake basin clean-up", "water", "Polygon", "#29b6f6", true, "", 0, false},
	{"basin-rivers", "三河治理", "Basin rivers", "黄孝河、机场河、巡司河流域治理", "Huangxiao, Jichang and Xunsi river basins", "water", "LineString", "#29b6f6", false, "", 0, false},
	// ecology
	{"ecological-framework", "生态框架", "Ecological framework", "两轴两环、六楔多廊、北峰南泽", "Two axes, two rings, six wedges, northern peaks and southern marshes", "ecology", "Polygon", "#43a047", true, "", 0, false},
	{"ecological-axes", "生态轴与风道", "Ecological axes and wind corridors", "长江、汉江生态轴与通风廊道", "Yangtze and Han ecological axes and wind corridors", "ecology", "LineString", "#2e7d32", true, "", 0, false},
	{"ecological-corridors", "生态廊道", "Ecological corridors", "九真山—九峰山生态廊道等", "Ecological corridors", "ecology", "LineString", "#66bb6a", true, "", 0, false},
	{"park-clusters", "公园群", "Park clusters", "三环线公园群等", "Park clusters", "ecology", "Polygon", "#81c784", false, "", 0, false},
	{"wetlands", "湿地", "Wetlands", "沉湖、东湖、后官湖、安山、杜公湖湿地", "Wetlands", "ecology", "Polygon", "#26a69a", false, "", 0, false},
	{"yangtze-corridor", "百里长江生态廊道", "Yangtze ecological corridor", "安全、通达、生态、人文、活力五条廊道", "Safety, access, ecology, culture and vitality corridors along the Yangtze", "ecology", "LineString", "#00695c", false, "", 0, false},
	{"yangtze-eco-areas", "长江生态片区", "Yangtze ecological areas", "长江森林、湿地公园、花海、禁捕水域", "Yangtze forest, wetland park, flower sea, fishing-ban waters", "ecology", "Polygon", "#4db6ac", true, "", 0, false},
	{"east-lake-green-heart", "东湖生态绿心", "East Lake green heart", "一道两网四区一带", "One greenway, two networks, four zones, one belt", "ecology", "Polygon", "#388e3c", false, "", 0, false},
	{"east-lake-greenway", "东湖绿道", "East Lake greenway", "东湖绿道", "East Lake greenway", "ecology", "LineString", "#388e3c", false, "", 11, false},
	// energy
	{"power-plants", "电源与分布式能源", "Power plants", "燃机热电联产与天然气分布式能源", "Gas-fired CHP and distributed energy", "energy", "Point", "#f9a825", false, "fuel", 0, false},
	{"substations", "变电站与电网项目", "Substations and grid projects", "500千伏输变电工程等", "500 kV substations and grid programmes", "energy", "Point", "#fbc02d", false, "marker", 0, false},
	{"power-lines", "特高压与输电通道", "UHV and transmission lines", "特高压直流、交流工程武汉段", "UHV DC/AC lines, Wuhan sections", "energy", "LineString", "#f57f17", true, "", 0, false},
	{"oil-gas-facilities", "油气设施", "Oil and gas facilities", "液化天然气储备基地、加气站", "LNG storage and bunkering, fuel stations", "energy", "Point", "#ef6c00", false, "fuel", 0, false},
	{"pipelines", "油气管线", "Pipelines", "航煤、天然气管线", "Jet fuel and gas pipelines", "energy", "LineString", "#ef6c00", true, "", 0, false},
	{"renewable-energy", "风电", "Wind farms", "风电场", "Wind farms", "energy", "Polygon", "#9ccc65", true, "", 0, false},
	{"hydrogen-corridors", "氢能走廊", "Hydrogen corridors", "三环、四环氢能走廊", "Hydrogen corridors along the ring roads", "energy", "LineString", "#26c6da", true, "", 0, false},
	{"charging-network", "充换电与加氢", "Charging and hydrogen stations", "充换电站、充电桩、加氢站网络", "EV charging and hydrogen refuelling network", "energy", "Point", "#26c6da", false, "charging-station", 0, false},
	{"heating-plants", "供热制冷站", "Heating and cooling plants", "集中供热制冷", "District heating and cooling plants", "energy", "Point", "#d84315", false, "marker", 0, false},
	{"heating-networks", "供热管网", "Heating networks", "集中供热管网", "District heating networks", "energy", "LineString", "#d84315", true, "", 0, false},
	// utilities
	{"waste-facilities", "固废处理设施", "Waste facilities", "垃圾焚烧、医废与工业固废处置", "Waste incineration, medical and industrial waste", "utilities", "Point", "#795548", false, "waste-basket", 0, false},
	{"sponge-city", "海绵城市示范区", "Sponge city areas", "海绵城市建设示范片区", "Sponge city demonstration areas", "utilities", "Polygon", "#80deea", true, "", 0, false},
	{"utility-tunnels", "综合管廊", "Utility tunnels", "城市地下综合管廊", "Utility tunnels", "utilities", "LineString", "#8d6e63", true, "", 0, false},
	// innovation
	{"science-cities", "科学城与大学", "Science city and universities", "东湖科学城、高校、长江大学城", "East Lake Science City, universities", "innovation", "Polygon", "#5e35b1", false, "", 0, false},
	{"science-facilities", "实验室与大科学装置", "Labs and big-science facilities", "湖北实验室、重大科技基础设施", "Hubei laboratories and big-science facilities", "innovation", "Point", "#5e35b1", false, "marker", 0, false},
	{"innovation-platforms", "创新平台", "Innovation platforms", "国家级创新中心与服务平台", "National innovation centres and service platforms", "innovation", "Point", "#7e57c2", false, "marker", 0, false},
	{"innovation-corridors", "科技创新走廊", "Innovation corridors", "光谷科技创新大走廊、车谷走廊", "Optics Valley and Auto Valley innovation corridors", "innovation", "LineString", "#7e57c2", true, "", 0, false},
	{"innovation-areas", "创新片区", "Innovation areas", "临空经济区、环大学创新带", "Airport economy zone, university innovation belt", "innovation", "Polygon", "#b39ddb", true, "", 0, false},
	{"industrial-bases", "产业基地", "Industrial bases", "存储器、航天、新能源汽车等国家级产业基地", "National industrial bases", "innovation", "Polygon", "#3949ab", false, "", 0, false},
	{"industrial-base-points", "产业基地（点）", "Industrial bases (points)", "以点表示的产业基地", "Industrial bases shown as points", "innovation", "Point", "#3949ab", false, "industry", 0, false},
	{"digital-infrastructure", "新型基础设施", "Digital infrastructure", "数据中心、工业互联网、城市大脑", "Data centres, industrial internet, city brain", "innovation", "Point", "#00acc1", false, "marker", 0, false},
	// services
	{"hospitals", "医院", "Hospitals", "国家医学中心、区域医疗中心与新建医院", "Medical centres and new hospitals", "services", "Point", "#d32f2f", false, "hospital", 0, false},
	{"public-health", "公共卫生设施", "Public health facilities", "疾控、核酸检测、应急储备", "Disease control, testing and reserves", "services", "Point", "#e57373", false, "hospital", 0, false},
	{"sports-facilities", "体育设施", "Sports facilities", "国际体育中心", "International sports centres", "services", "Point", "#ad1457", false, "stadium", 0, false},
	{"fitness-belts", "健身带", "Fitness belts", "长江、汉江、三环健身带", "Fitness belts along the rivers and the third ring", "services", "LineString", "#ad1457", true, "", 0, false},
	{"cultural-facilities", "文化设施", "Cultural facilities", "剧院、图书馆、书城等", "Theatres, libraries, bookstores", "services", "Point", "#6d4c41", false, "theatre", 0, false},
	{"cultural-areas", "文化片区", "Cultural areas", "历史文化风貌区、文创园区", "Historic areas and creative clusters", "services", "Polygon", "#a1887f", true, "", 0, false},
	{"cultural-routes", "文化轴线与街区", "Cultural axes and streets", "长江文化轴、中山大道、万里茶道等", "Culture axis, historic streets and routes", "services", "LineString", "#a1887f", false, "", 0, false},
	{"civic-facilities", "公共机构", "Civic institutions", "法院、学院、应急救援", "Courts, colleges, emergency rescue", "services", "Point", "#546e7a", false, "town-hall", 0, false},
	{"civic-areas", "公共功能区", "Civic areas", "领事馆区、现代农业示范区", "Consular district, modern agriculture zone", "services", "Polygon", "#90a4ae", true, "", 0, false},
	// commerce
	{"markets", "商贸设施", "Trade venues", "会展中心、免税店、分拨中心", "Expo centres, duty-free, distribution centres", "commerce", "Point", "#c2185b", false, "shop", 0, false},
	{"commercial-districts", "商圈与市场", "Commercial districts and markets", "国际贸易城、汉正街、汉口北、白沙洲市场", "Trade city and wholesale markets", "commerce", "Polygon", "#f06292", true, "", 0, false},
	{"commercial-streets", "商业街", "Shopping streets", "江汉路、楚河汉街、光谷步行街", "Shopping streets", "commerce", "LineString", "#c2185b", false, "", 12, false},
	{"finance-institutions", "金融机构", "Financial institutions", "交易所基地、股权交易中心、碳排放权登记", "Exchanges and registries", "commerce", "Point", "#ff8f00", false, "bank", 0, false},
	{"finance-districts", "金融集聚区", "Financial districts", "华中金融城、光谷金融后台、科技保险区", "Finance city, back-office and insurance zones", "commerce", "Polygon", "#ffb300", true, "", 0, false},
	{"finance-streets", "金融街", "Financial streets", "武汉金融街", "Wuhan Financial Street", "commerce", "LineString", "#ff8f00", false, "", 12, false},
	{"logistics-hubs", "物流枢纽", "Logistics hubs", "铁路集装箱中心、中欧班列、冷链、航空货运", "Rail container centre, China–Europe trains, cold chain, air cargo", "commerce", "Point", "#5d4037", false, "warehouse", 0, false},
	{"logistics-corridors", "物流通道", "Logistics corridors", "多式联运走廊与铁路货运网", "Multimodal corridors and rail freight network", "commerce", "LineString", "#5d4037", true, "", 0, false},
}

// catalogueLayer maps a catalogue layer and geometry type to a dataset layer.
var catalogueLayer = map[string]string{
	"structure/core|Polygon":             "main-city",
	"structure/sub-city|Polygon":         "sub-centres",
	"structure/district|Polygon":         "districts",
	"structure/zone|Polygon":             "functional-zones",
	"structure/zone|Point":               "functional-zone-points",
	"structure/district-area|Polygon":    "district-areas",
	"structure/district-area|LineString": "district-axes",
	"structure/district-area|Point":      "district-area-points",
	"structure/regional|Point":           "regional-cities",
	"structure/regional|LineString":      "regional-corridors",
	"structure/regional|Polygon":         "regional-areas",
	"transport/airport|Point":            "airports",
	"transport/airport|LineString":       "airport-runways",
	"transport/rail-station|Point":       "railway-stations",
	"transport/rail-line|LineString":     "railway-lines",
	"transport/corridor|LineString":      "transport-corridors",
	"transport/corridor|Point":           "transport-hubs",
	"transport/port|Point":               "ports",
	"transport/port|Polygon":             "port-areas",
	"transport/metro|LineString":         "metro-lines",
	"transport/waterway|LineString":      "waterways",
	"transport/road|LineString":          "roads",
	"transport/crossing|LineString":      "river-crossings",
	"water/flood|LineString":             "flood-control",
	"water/flood|Point":                  "flood-control-works",
	"water/flood|Polygon":                "flood-storage-basins",
	"water/drainage|Point":               "pump-stations",
	"water/drainage|LineString":          "drainage-channels",
	"water/sewage|Point":                 "wastewater-plants",
	"water/basin|Polygon":                "river-lake-basins",
	"water/basin|LineString":             "basin-rivers",
	"water/supply|Point":                 "water-plants",
	"water/supply|LineString":            "water-supply-lines",
	"water/supply|Polygon":               "water-sources",
	"urban/sponge|Polygon":               "sponge-city",
	"urban/utility-tunnel|LineString":    "utility-tunnels",
	"energy/power|Point":                 "power-plants",
	"energy/grid|Point":                  "substations",
	"energy/grid|LineString":             "power-lines",
	"energy/oil-gas|Point":               "oil-gas-facilities",
	"energy/oil-gas|LineString":          "pipelines",
	"energy/renewable|Polygon":           "renewable-energy",
	"energy/waste|Point":                 "waste-facilities",
	"energy/hydrogen|LineString":         "hydrogen-corridors",
	"energy/hydrogen|Point":              "charging-network",
	"energy/heating|Point":               "heating-plants",
	"energy/heating|LineString":          "heating-networks",
	"ecology/framework|Polygon":          "ecological-framework",
	"ecology/framework|LineString":       "ecological-axes",
	"ecology/corridor|LineString":        "ecological-corridors",
	"ecology/corridor|Polygon":           "park-clusters",
	"ecology/wetland|Polygon":            "wetlands",
	"ecology/yangtze|LineString":         "yangtze-corridor",
	"ecology/yangtze|Polygon":            "yangtze-eco-areas",
	"ecology/donghu|Polygon":             "east-lake-green-heart",
	"ecology/donghu|LineString":          "east-lake-greenway",
	"innovation/science|Point":           "science-facilities",
	"innovation/science|Polygon":         "science-cities",
	"innovation/corridor|LineString":     "innovation-corridors",
	"innovation/corridor|Polygon":        "innovation-areas",
	"innovation/platform|Point":          "innovation-platforms",
	"industry/base|Polygon":              "industrial-bases",
	"industry/base|Point":                "industrial-base-points",
	"digital/infrastructure|Point":       "digital-infrastructure",
	"commerce/market|Point":              "markets",
	"commerce/market|Polygon":            "commercial-districts",
	"commerce/market|LineString":         "commercial-streets",
	"commerce/finance|Point":             "finance-institutions",
	"commerce/finance|Polygon":           "finance-districts",
	"commerce/finance|LineString":        "finance-streets",
	"logistics/hub|Point":                "logistics-hubs",
	"logistics/hub|LineString":           "logistics-corridors",
	"culture/facility|Point":             "cultural-facilities",
	"culture/layout|Point":               "cultural-facilities",
	"culture/facility|Polygon":           "cultural-areas",
	"culture/heritage|Polygon":           "cultural-areas",
	"culture/cluster|Polygon":            "cultural-areas",
	"culture/layout|Polygon":             "cultural-areas",
	"culture/facility|LineString":        "cultural-routes",
	"culture/heritage|LineString":        "cultural-routes",
	"culture/cluster|LineString":         "cultural-routes",
	"culture/layout|LineString":          "cultural-routes",
	"health/hospital|Point":              "hospitals",
	"health/public-health|Point":         "public-health",
	"health/sport|Point":                 "sports-facilities",
	"health/sport|LineString":            "fitness-belts",
	"civic/other|Point":                  "civic-facilities",
	"civic/emergency|Point":              "civic-facilities",
	"civic/other|Polygon":                "civic-areas",
}

// kindRules give a feature's kind from its id prefix; first match wins.
var kindRules = []struct{ prefix, kind string }{
	{"main-city", "main_city"}, {"liangjiang-sian", "riverfront"}, {"town-", "historic_town"},
	{"subcity-", "sub_centre"}, {"district-", "district"},
	{"zone-cbz-", "comprehensive_bonded_zone"}, {"zone-intl-park-", "international_industrial_park"},
	{"zone-ftz-", "free_trade_zone"}, {"zone-inland-free-trade-port", "free_trade_port"},
	{"zone-sino-french-culture-center", "cultural_centre"}, {"zone-french-style-street", "historic_street"},
	{"zone-", "functional_zone"},
	{"area-", "key_area"}, {"belt-", "development_belt"}, {"caidian-six-towns", "town_cluster"},
	{"region-city-", "city"}, {"region-corridor-", "regional_corridor"}, {"region-", "region"},
	{"airport-tianhe-runway", "runway"}, {"airport-tianhe-t2", "terminal"}, {"airport-", "airport"},
	{"rail-tianhe-hsr-station", "railway_station"}, {"rail-hanyang-hsr-station", "railway_station"},
	{"rail-wuhan-station", "railway_station"}, {"rail-wuhan-east-station", "railway_station"},
	{"coach-", "coach_station"}, {"rail-suburban-", "suburban_railway"}, {"rail-hsr-", "high_speed_railway"},
	{"rail-yanjiang-hsr", "high_speed_railway"}, {"rail-wuhan-guiyang-hsr", "high_speed_railway"},
	{"rail-super-mi-network", "railway_network"}, {"rail-grain-base-siding", "freight_siding"},
	{"rail-jinkou-port-siding", "freight_siding"}, {"rail-hannan-port-siding", "freight_siding"},
	{"rail-", "railway"},
	{"hub-", "transport_hub"}, {"corridor-", "multimodal_corridor"},
	{"port-yangluo-phase3", "port_terminal"}, {"port-yangluo-rail-water", "rail_water_terminal"}, {"port-", "port"},
	{"metro-network", "metro_network"}, {"metro-", "metro_line"},
	{"waterway-", "waterway"},
	{"road-hanzhengjie-tunnel", "tunnel"}, {"road-longyanghu-south", "urban_road"},
	{"road-guanggu-river-crossing", "bridge"},
	{"road-g", "national_road"}, {"road-national-highway", "national_road"},
	{"road-3rd-ring", "ring_road"}, {"road-4th-ring", "ring_road"}, {"road-outer-ring", "ring_road"},
	{"road-new-2nd-ring", "ring_road"}, {"road-metro-ring", "ring_expressway"}, {"road-ring-expressway", "ring_expressway"},
	{"road-expressway-network", "road_network"}, {"road-youan", "urban_expressway"}, {"road-heping", "urban_expressway"},
	{"road-youyi", "urban_expressway"}, {"road-nanniwan", "urban_expressway"}, {"road-", "expressway"},
	{"crossing-lianghu-tunnel", "tunnel"}, {"crossing-nanhu-passage", "tunnel"}, {"crossing-erqi-road", "tunnel"},
	{"crossing-dijiao", "tunnel"}, {"crossing-", "bridge"},
	{"flood-three-gorges", "river_regulation"}, {"flood-", "river_flood_control"}, {"river-", "river_regulation"},
	{"sluice-", "sluice"}, {"reservoir-", "reservoir"}, {"detention-", "flood_storage_basin"},
	{"pump-", "pump_station"}, {"waterlogging-", "waterlogging_point"}, {"channel-", "drainage_channel"},
	{"wwtp-", "wastewater_plant"}, {"wtp-", "water_plant"}, {"water-ebei", "water_transfer"},
	{"water-source", "water_source"}, {"water-hq-pilot", "water_quality_pilot"},
	{"basin-", "lake_basin"},
	{"sponge-", "sponge_city_area"}, {"utility-tunnel-", "utility_tunnel"},
	{"energy-hankou-west-gas-chp", "chp_plant"}, {"energy-", "distributed_energy"},
	{"uhv-", "uhv_line"}, {"grid-world-class", "grid_programme"}, {"grid-jiangbei", "substation"},
	{"grid-dongxin", "substation"}, {"grid-", "transmission_line"},
	{"pipeline-", "pipeline"}, {"lng-baihushan-bunkering", "lng_bunkering_station"}, {"lng-yangtze-receiving", "lng_terminal"},
	{"lng-", "lng_storage"}, {"fuel-stations", "fuel_station"}, {"wind-", "wind_farm"},
	{"waste-", "waste_facility"}, {"h2-corridor", "hydrogen_corridor"}, {"ev-charging", "charging_network"},
	{"heat-hankou-riverside-river-water", "heat_pump_station"}, {"heat-yangluo-plant", "heating_plant"}, {"heat-", "heating_network"},
	{"eco-framework", "ecological_framework"}, {"eco-axis-", "ecological_axis"}, {"eco-ring-", "green_ring"},
	{"eco-wedge-", "green_wedge"}, {"eco-north-peaks", "mountain_area"}, {"eco-south-marshes", "wetland_area"},
	{"eco-near-zero-carbon", "low_carbon_zone"}, {"eco-wind-corridors", "wind_corridor"},
	{"eco-jiuzhen-jiufeng", "ecological_corridor"}, {"eco-third-ring-park", "park_cluster"},
	{"eco-wetland-", "wetland"}, {"eco-yangtze-corridor-", "riverside_corridor"}, {"eco-bali-yangtze", "riverside_corridor"},
	{"eco-fishing-ban", "fishing_ban_waters"}, {"eco-yangtze-forest", "forest"}, {"eco-yangtze-wetland-park", "wetland_park"},
	{"eco-yangtze-flower-sea", "flower_park"}, {"eco-donghu-greenway", "greenway"}, {"eco-donghu-zone-", "scenic_zone"},
	{"eco-donghu-", "green_heart"},
	{"lab-", "laboratory"}, {"facility-", "science_facility"}, {"innov-donghu-science-city", "science_city"},
	{"innov-whu", "university"}, {"innov-hust", "university"}, {"innov-yangtze-university-city", "university_town"},
	{"innov-optics-valley-corridor", "innovation_corridor"}, {"innov-chegu-corridor", "innovation_corridor"},
	{"innov-airport-economy", "innovation_zone"}, {"innov-university-innovation-belt", "innovation_zone"},
	{"innov-", "research_institute"}, {"platform-", "innovation_platform"},
	{"base-", "industrial_base"}, {"digital-", "digital_infrastructure"},
	{"commerce-jianghan-road", "shopping_street"}, {"commerce-chuhe-hanjie", "shopping_street"},
	{"commerce-guanggu-walking-street", "shopping_street"}, {"commerce-intl-expo", "exhibition_centre"},
	{"commerce-tianhe-convention", "exhibition_centre"}, {"commerce-duty-free", "duty_free_shop"},
	{"commerce-import-distribution", "distribution_centre"}, {"commerce-intl-trade-city", "trade_city"}, {"commerce-", "wholesale_market"},
	{"finance-wuhan-financial-street", "financial_street"}, {"finance-consular-district", "consular_district"},
	{"finance-exchange", "exchange"}, {"finance-equity", "exchange"}, {"finance-carbon", "registry"}, {"finance-", "financial_district"},
	{"logistics-north", "logistics_corridor"}, {"logistics-south", "logistics_corridor"}, {"logistics-rail-freight", "rail_freight_network"},
	{"logistics-", "logistics_hub"},
	{"culture-yangtze-culture-axis", "culture_axis"}, {"culture-tea-road", "heritage_route"}, {"culture-zhongshan-avenue", "historic_street"},
	{"culture-yangtze-light-show", "light_show"}, {"culture-panlongcheng", "heritage_site"}, {"culture-hankou-historic-area", "historic_area"},
	{"culture-wuchang-old-city", "historic_area"}, {"culture-hanyang-old-city", "historic_area"},
	{"culture-yangtze-national-cultural-park", "cultural_park"}, {"culture-guishan", "scenic_hill"}, {"culture-sheshan", "scenic_hill"},
	{"culture-qintai", "cultural_landmark"}, {"culture-library", "library"}, {"culture-central-bookstore", "bookstore"},
	{"culture-opera", "theatre"}, {"culture-zhiyinhao", "cultural_landmark"}, {"culture-broadcast", "media_centre"},
	{"culture-", "cultural_area"},
	{"health-nucleic-acid", "testing_base"}, {"health-cdc", "laboratory"}, {"health-occupational", "laboratory"},
	{"health-national-emergency", "emergency_centre"}, {"health-national-epidemic", "reserve_centre"}, {"health-", "hospital"},
	{"sport-fitness-belt", "fitness_belt"}, {"sport-", "sports_centre"},
	{"civic-yangtze-eco-court", "court"}, {"civic-community-cadre", "college"}, {"agri-", "agricultural_zone"},
}

func kindFor(id string) string {
	for _, r := range kindRules {
		if strings.HasPrefix(id, r.prefix) {
			return r.kind
		}
	}
	return ""
}

// layersJSON describes every layer, with the licence it is offered under and
// the credits of the datasets its features came from. A layer whose features
// include a Multi* geometry declares the Multi* type, and its single
// geometries are promoted (see promote), so GIS clients get one exact type.
func layersJSON(multi map[string]bool, used map[string]map[string]bool) []geo.Layer {
	var out []geo.Layer
	for i, s := range layerSpecs {
		gt := s.geom
		if multi[s.id] {
			gt = "Multi" + gt
		}
		lic := odbl
		out = append(out, geo.Layer{ID: s.id, TitleZH: s.zh, TitleEN: s.en, DescriptionZH: s.descZH,
			DescriptionEN: s.descEN, Theme: s.theme, GeometryType: gt, Order: (i + 1) * 10, Base: s.base,
			Style:   geo.Style{Color: s.color, Dashed: s.dashed, Icon: s.icon, MinZoom: s.minzoom},
			License: &lic, Attribution: credits(used[s.id])})
	}
	return out
}
