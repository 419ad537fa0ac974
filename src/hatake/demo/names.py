"""Word lists for demo companies, people and the team, in Japanese and English.

Lists are written as whitespace-separated strings to keep them readable; each Japanese company
word carries a romanised form (``漢字:romaji``) so every company gets an ASCII e-mail domain.
"""

from __future__ import annotations

from typing import NamedTuple


class Word(NamedTuple):
    ja: str
    romaji: str


def words(text: str) -> tuple[Word, ...]:
    return tuple(Word(*item.split(":")) for item in text.split())


def word_list(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class Industry(NamedTuple):
    ja: str
    en: str
    weight: float
    words_ja: tuple[Word, ...]
    words_en: tuple[str, ...]


class Region(NamedTuple):
    ja: str
    en: str
    weight: float
    places: tuple[Word, ...]


# Construction leads because the product's home market (seed 004) is a construction app.
INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "建設業",
        "Construction",
        0.22,
        words(
            "建設:kensetsu 工務店:koumuten 建工:kenko 組:gumi 土木:doboku ハウス:house "
            "住建:juken 設備:setsubi"
        ),
        ("Builders", "Construction", "Contractors", "Homes", "Engineering"),
    ),
    Industry(
        "製造業",
        "Manufacturing",
        0.16,
        words(
            "精機:seiki 工業:kogyo 製作所:seisakusho 電機:denki 化学:kagaku 金属:kinzoku 技研:giken"
        ),
        ("Manufacturing", "Industries", "Precision", "Works", "Fabrication"),
    ),
    Industry(
        "不動産",
        "Real estate",
        0.10,
        words(
            "不動産:fudosan 地所:jisho ホーム:home エステート:estate 住宅:jutaku リアルティ:realty"
        ),
        ("Realty", "Properties", "Estates", "Land"),
    ),
    Industry(
        "IT・通信",
        "IT & telecom",
        0.12,
        words(
            "テック:tech システムズ:systems ソフト:soft ネットワークス:networks ラボ:lab "
            "データ:data ソリューションズ:solutions"
        ),
        ("Technologies", "Systems", "Software", "Networks", "Labs", "Data"),
    ),
    Industry(
        "小売",
        "Retail",
        0.09,
        words("商店:shoten ストア:store 商事:shoji マート:mart リテール:retail"),
        ("Stores", "Trading", "Market", "Outfitters", "Goods"),
    ),
    Industry(
        "医療・福祉",
        "Healthcare & welfare",
        0.08,
        words("メディカル:medical ケア:care ヘルスケア:healthcare 薬局:yakkyoku ライフ:life"),
        ("Medical", "Care", "Health", "Clinics", "Pharmacy"),
    ),
    Industry(
        "物流",
        "Logistics",
        0.09,
        words("運輸:unyu 物流:butsuryu ロジスティクス:logistics 運送:unso 倉庫:soko 急便:kyubin"),
        ("Logistics", "Freight", "Transport", "Shipping", "Warehousing"),
    ),
    Industry(
        "教育",
        "Education",
        0.06,
        words(
            "学院:gakuin ゼミナール:seminar エデュケーション:education スクール:school "
            "アカデミー:academy"
        ),
        ("Academy", "Learning", "Education", "Schools", "Tutoring"),
    ),
    Industry(
        "飲食",
        "Food service",
        0.05,
        words("フーズ:foods 食品:shokuhin ダイニング:dining キッチン:kitchen"),
        ("Foods", "Kitchens", "Dining", "Provisions"),
    ),
    Industry(
        "人材サービス",
        "Staffing",
        0.03,
        words("キャリア:career スタッフ:staff 人材:jinzai"),
        ("Staffing", "Careers", "Talent"),
    ),
)

REGIONS: tuple[Region, ...] = (
    Region(
        "北海道・東北",
        "Hokkaido & Tohoku",
        0.09,
        words("札幌:sapporo 北海:hokkai 仙台:sendai 東北:tohoku 盛岡:morioka"),
    ),
    Region(
        "関東",
        "Kanto",
        0.42,
        words("東京:tokyo 横浜:yokohama 湘南:shonan 千葉:chiba 埼玉:saitama 武蔵野:musashino"),
    ),
    Region(
        "中部",
        "Chubu",
        0.14,
        words("名古屋:nagoya 静岡:shizuoka 信州:shinshu 新潟:niigata 北陸:hokuriku"),
    ),
    Region(
        "関西", "Kansai", 0.18, words("大阪:osaka 京都:kyoto 神戸:kobe 阪神:hanshin 近畿:kinki")
    ),
    Region(
        "中国・四国",
        "Chugoku & Shikoku",
        0.07,
        words("広島:hiroshima 岡山:okayama 瀬戸内:setouchi 四国:shikoku 山陽:sanyo"),
    ),
    Region(
        "九州・沖縄",
        "Kyushu & Okinawa",
        0.10,
        words("福岡:fukuoka 博多:hakata 熊本:kumamoto 沖縄:okinawa 鹿児島:kagoshima"),
    ),
)

COMPANY_STEMS: tuple[Word, ...] = words(
    """
    山田:yamada 大和:yamato 東海:tokai 北斗:hokuto 青葉:aoba 朝日:asahi 富士:fuji 三和:sanwa
    日進:nisshin 昭和:showa 中央:chuo 新星:shinsei 大成:taisei 光:hikari 丸栄:maruei
    協和:kyowa 共立:kyoritsu 日興:nikko 三協:sankyo 太平:taihei 平和:heiwa 東洋:toyo
    双葉:futaba 若葉:wakaba 明和:meiwa 旭:kyokujitsu 宝:takara 千代田:chiyoda 瑞穂:mizuho
    泉:izumi 白山:hakusan 高砂:takasago 栄光:eiko 誠和:seiwa 信和:shinwa 和光:wako 豊和:howa
    金剛:kongo 一心:isshin 清和:kiyowa 桜井:sakurai 森本:morimoto 藤村:fujimura 小松:komatsu
    丸山:maruyama 岩田:iwata 野村:nomura 大空:ozora 常盤:tokiwa 弥生:yayoi
    ミライ:mirai アーク:arc ネクスト:next サクラ:sakura エール:yell ソラ:sora アオイ:aoi
    ライト:light グリーン:green ブルー:blue アルファ:alpha ユニオン:union フロンティア:frontier
    クレスト:crest ハーモニー:harmony パシフィック:pacific リンク:link ノース:north
    サンライズ:sunrise スマイル:smile オーシャン:ocean トラスト:trust アクシス:axis
    プライム:prime ステラ:stella ルミナ:lumina コスモ:cosmo アース:earth リーフ:leaf ウィズ:with
    """
)

COMPANY_STEMS_EN: tuple[str, ...] = word_list(
    """
    Northwind Bluepeak Silverline Redwood Evergreen Harbor Summit Granite Maple Cedar Ironbridge
    Brightwater Oakridge Pinecrest Stonegate Westfield Lakeside Riverbend Clearview Highland
    Sunrise Keystone Frontier Pioneer Atlas Beacon Crescent Horizon Meridian Vertex Orchard Falcon
    Aurora Cobalt Juniper Sterling Willow Coastal Union Liberty Bayside Copper Elmwood Foxglove
    Greystone Hillcrest Ivory Kestrel Lighthouse Moonstone
    """
)

# (format, weight): most Japanese companies are 株式会社, placed before or after the name.
LEGAL_FORMS_JA: tuple[tuple[str, float], ...] = (
    ("株式会社{}", 0.60),
    ("{}株式会社", 0.32),
    ("合同会社{}", 0.04),
    ("有限会社{}", 0.04),
)
LEGAL_FORMS_EN: tuple[tuple[str, float], ...] = (
    ("{} Inc.", 0.4),
    ("{} Co., Ltd.", 0.3),
    ("{} LLC", 0.15),
    ("{} Corp.", 0.15),
)

SURNAMES_JA: tuple[str, ...] = word_list(
    """
    佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林
    斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤
    村上 遠藤 青木 坂本 福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野
    田村 中山 和田 石田 森田 上田 原 内田 柴田 酒井 宮崎 横山 高木 安藤 宮本 大野 小島 谷口
    今井 工藤 高田 増田 丸山 杉山 村田 大塚 新井 小山 平野 藤本 河野 上野 野口 武田 松井 千葉
    岩崎 菅原 木下 久保 佐野 野村 松尾
    """
)
GIVEN_NAMES_JA: tuple[str, ...] = word_list(
    """
    翔太 大輔 健太 拓也 直樹 達也 和也 大樹 亮 誠 隆 浩二 健一 修 聡 剛 陽介 悠斗 蓮 湊 大翔
    颯太 優斗 智也 雄一 正樹 美咲 陽子 由美 恵子 真由美 愛 彩 結衣 陽菜 葵 さくら 美穂 麻衣
    沙織 裕子 直美 明美 千尋 香織 舞 奈々 優子 智子 恵 遥
    """
)
SURNAMES_EN: tuple[str, ...] = word_list(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Wilson Anderson Taylor Thomas Moore
    Martin Jackson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill
    Green Adams Baker Nelson Mitchell Campbell Roberts Turner Phillips Evans Collins Stewart
    Morris Murphy Cook Rogers Reed Bailey Cooper Howard Ward Cox Foster
    """
)
GIVEN_NAMES_EN: tuple[str, ...] = word_list(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Daniel Karen Matthew Lisa Anthony Nancy Mark Betty
    Steven Sandra Paul Ashley Andrew Emily Joshua Michelle Kevin Amanda Brian Melissa George
    Rebecca Kenji Yuki Hiro Aiko Ryo Mei
    """
)

CONTACT_ROLES: dict[str, tuple[str, ...]] = {
    "ja": (
        "現場担当",
        "事務担当",
        "マネージャー",
        "部長",
        "経営者",
        "営業担当",
        "情報システム担当",
    ),
    "en": (
        "Field staff",
        "Office staff",
        "Manager",
        "Department head",
        "Executive",
        "Sales",
        "IT admin",
    ),
}
CHAMPION_ROLE = {"ja": "推進担当者", "en": "Project lead"}


class TeamMember(NamedTuple):
    email: str
    role: str
    name_ja: str
    name_en: str


DEMO_EMAIL = "demo@hatake.example"
DEMO_PASSWORD = "hatake-demo"

# The admin and the manager come first; the six CSMs after them own the accounts.
TEAM: tuple[TeamMember, ...] = (
    TeamMember(DEMO_EMAIL, "admin", "デモ管理者", "Demo Admin"),
    TeamMember("manager@hatake.example", "manager", "高橋 美咲", "Olivia Bennett"),
    TeamMember("csm1@hatake.example", "csm", "佐藤 健太", "Liam Carter"),
    TeamMember("csm2@hatake.example", "csm", "鈴木 愛", "Sophia Nguyen"),
    TeamMember("csm3@hatake.example", "csm", "田中 翔太", "Noah Patel"),
    TeamMember("csm4@hatake.example", "csm", "伊藤 彩", "Emma Brooks"),
    TeamMember("csm5@hatake.example", "csm", "渡辺 大輔", "Ethan Rivera"),
    TeamMember("csm6@hatake.example", "csm", "山本 結衣", "Ava Thompson"),
)
MANAGER_INDEX = 1
FIRST_CSM_INDEX = 2
CSM_COUNT = len(TEAM) - FIRST_CSM_INDEX
