"""Invented but realistic Chinese names, places and posts for the demo county. Nothing here names
a real person; the generator is seeded so every run gives the same county."""

from __future__ import annotations

import random

# Common surnames, roughly by frequency (the first ones come up more often).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤易文谷"
)
MALE_CHARS = "伟强军勇杰涛斌明华磊波辉刚平鹏峰建国文志宏俊林海东亮超健振兵龙飞成荣新德胜祥忠良正永庆"
FEMALE_CHARS = "丽娟敏静芳霞燕玲红梅婷雪琴慧颖洁莉兰萍艳倩佳欣怡悦瑶琳晶蓉秀英凤兰桂珍春菊"
NEUTRAL_CHARS = "晓春秋玉云金立小子家嘉思雨安宇浩博晨文明清远青海阳光"

MINORITIES = ("土家族", "苗族", "瑶族", "侗族", "回族")
DEMOCRATIC_PARTIES = (
    "民革党员",
    "民盟盟员",
    "民建会员",
    "民进会员",
    "农工党党员",
    "致公党党员",
    "九三学社社员",
)

# 16 towns and townships, 4 sub-districts (invented names).
TOWNS = (
    ("青山镇", 1),
    ("绿水乡", 2),
    ("桃源镇", 1),
    ("石门镇", 2),
    ("龙潭镇", 1),
    ("柏树乡", 3),
    ("枫林镇", 2),
    ("白沙镇", 1),
    ("黄土岭镇", 3),
    ("莲塘乡", 3),
    ("金鸡镇", 2),
    ("槐花乡", 3),
    ("新市镇", 1),
    ("大同镇", 2),
    ("平阳镇", 2),
    ("梅溪乡", 3),
)  # (name, class): class-1 and class-2 townships have a full-time vice-chair (seed opinions)
SUBDISTRICTS = ("城南街道", "城北街道", "凤岭街道", "江桥街道")

VILLAGES = ("新塘", "枫树", "高桥", "花园", "杨柳", "水口", "竹山", "荷叶", "团结", "东风", "石塘", "长岭")

DEPARTMENTS = (
    "县人民政府办公室",
    "县发展和改革局",
    "县教育局",
    "县科学技术局",
    "县工业和信息化局",
    "县公安局",
    "县民政局",
    "县司法局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县生态环境分局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县商务局",
    "县文化旅游广电体育局",
    "县卫生健康局",
    "县退役军人事务局",
    "县应急管理局",
    "县审计局",
    "县市场监督管理局",
    "县统计局",
    "县医疗保障局",
    "县林业局",
    "县城市管理和综合执法局",
    "县信访局",
    "县数据资源局",
    "县行政审批服务局",
    "县乡村振兴局",
    "县民族宗教事务局",
    "县机关事务服务中心",
    "县供销合作联社",
    "县粮食和物资储备中心",
    "县畜牧水产事务中心",
    "县住房公积金管理部",
    "县税务局",
    "县气象局",
    "县消防救援大队",
    "县供电公司",
    "县自来水公司",
    "县融媒体中心",
    "县公路建设养护中心",
    "县国有资产事务中心",
    "县金融工作服务中心",
    "县投资促进事务中心",
    "县政务服务中心",
    "县不动产登记中心",
    "县人民防空办公室",
    "县烟草专卖局",
    "县邮政分公司",
    "县电信分公司",
    "县移动分公司",
    "县经济开发区管理委员会",
    "县残疾人联合会",
    "县妇女联合会",
    "县总工会",
    "县团委",
    "县工商业联合会",
)

SPECIAL_COMMITTEES = (
    "监察和司法委员会",
    "财政经济委员会",
    "教育科学文化卫生委员会",
    "环境与资源保护委员会",
    "农业与农村委员会",
    "社会建设委员会",
)
WORKING_BODIES = ("办公室", "选举任免联络工作委员会")


class NameMaker:
    """Unique person names from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        # Frequent surnames first: weight falls with the position in the list.
        self.weights = [1 / (i + 8) for i in range(len(SURNAMES))]

    def make(self, female: bool) -> str:
        own = FEMALE_CHARS if female else MALE_CHARS
        for _attempt in range(200):
            surname = self.rng.choices(SURNAMES, self.weights)[0]
            if self.rng.random() < 0.3:
                given = self.rng.choice(own)
            else:
                given = self.rng.choice(NEUTRAL_CHARS + own) + self.rng.choice(own)
            name = surname + given
            if name in self.used or (len(given) == 2 and given[0] == given[1]):
                continue
            self.used.add(name)
            return name
        raise RuntimeError("could not invent a new name")
