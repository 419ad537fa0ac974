"""Short texts the simulated CS team and customers write: touchpoint summaries, ticket subjects
and NPS comments, by situation, in Japanese and English (same order in both lists)."""

from __future__ import annotations

# Touchpoint summaries by the situation the CSM is in when making contact.
TOUCH_SUMMARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "onboarding": {
        "ja": (
            "キックオフ: 導入目的と利用開始までのスケジュールを確認",
            "初期設定の支援: ユーザー登録と権限設定を案内",
            "現場向け操作説明会を実施",
            "オンボーディング進捗の確認: 初回プロジェクト作成まで完了",
        ),
        "en": (
            "Kick-off: confirmed goals and the rollout schedule",
            "Setup help: walked through user registration and permissions",
            "Ran a hands-on training session for field staff",
            "Onboarding check-in: first project created",
        ),
    },
    "regular": {
        "ja": (
            "定例ミーティングで活用状況を共有",
            "新機能(帳票テンプレート)の紹介",
            "利用状況レポートを送付し、活用のポイントを案内",
            "他社の活用事例を紹介",
            "ウェビナーの案内と参加フォロー",
            "運用ルールの見直しについて相談を受けた",
        ),
        "en": (
            "Regular meeting: reviewed usage together",
            "Introduced the new report templates",
            "Sent the usage report with tips",
            "Shared a customer success story",
            "Invited to the webinar and followed up",
            "Discussed revising their internal operating rules",
        ),
    },
    "risk": {
        "ja": (
            "利用が低下しているためフォローの連絡",
            "未解決の問い合わせについて状況を説明",
            "担当者交代に伴い新しい窓口の方と面談",
            "定着に向けた再トレーニングを提案",
        ),
        "en": (
            "Usage is falling: follow-up call",
            "Explained the status of their open support issue",
            "Met the new contact after their project lead left",
            "Proposed a re-training to get adoption back on track",
        ),
    },
    "renewal": {
        "ja": (
            "契約更新に向けた打ち合わせ",
            "更新前の活用振り返りと次年度の目標設定",
        ),
        "en": (
            "Renewal meeting",
            "Pre-renewal review of results and next year's goals",
        ),
    },
    "expansion": {
        "ja": (
            "他部署への展開について相談",
            "ID追加の見積もりを提示",
        ),
        "en": (
            "Discussed rolling out to another department",
            "Sent a quote for additional seats",
        ),
    },
}

# What a touch that did not reach anyone looks like, per channel.
NO_REACH: dict[str, dict[str, str]] = {
    "phone": {
        "ja": "不在のため留守番電話にメッセージを残した",
        "en": "No answer; left a voicemail",
    },
    "visit": {
        "ja": "訪問したが担当者不在のため資料を置いてきた",
        "en": "Visited, but the contact was out; left material",
    },
    "email": {"ja": "メールを送ったが返信なし", "en": "Sent an e-mail; no reply yet"},
    "chat": {"ja": "チャットで連絡したが返信なし", "en": "Messaged on chat; no reply yet"},
    "in_app": {"ja": "アプリ内メッセージを送ったが未読", "en": "In-app message sent; not read yet"},
    "webinar": {"ja": "ウェビナーに招待したが欠席", "en": "Invited to the webinar; did not attend"},
    "web_meeting": {
        "ja": "Web会議を設定したが先方の都合でキャンセル",
        "en": "Web meeting set up, then cancelled by the customer",
    },
}

# (category, subject): the support team files each ticket under a category that fits its
# issue type; how-to questions about the product are technical support's (seed 002), billing
# and roll-out questions are CS's.
TICKET_SUBJECTS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "functional": {
        "ja": (
            ("ログイン・認証", "ログインできない"),
            ("不具合", "写真がアップロードできない"),
            ("不具合", "帳票の出力でエラーが出る"),
            ("データ連携", "CSVの取り込みに失敗する"),
            ("不具合", "アプリが強制終了する"),
            ("不具合", "通知メールが届かない"),
            ("操作方法", "権限設定の方法を知りたい"),
            ("ログイン・認証", "パスワードを再設定したい"),
            ("データ連携", "会計システムとのAPI連携が止まった"),
            ("操作方法", "帳票のレイアウトを変更したい"),
            ("機能要望", "一覧画面で一括編集できるようにしてほしい"),
        ),
        "en": (
            ("Login and authentication", "Cannot log in"),
            ("Bug", "Photo upload fails"),
            ("Bug", "Error when exporting a report"),
            ("Data integration", "CSV import fails"),
            ("Bug", "The app crashes"),
            ("Bug", "Notification e-mails do not arrive"),
            ("How-to", "How do I set permissions?"),
            ("Login and authentication", "Password reset"),
            ("Data integration", "The API link to our accounting system stopped"),
            ("How-to", "How do I change the report layout?"),
            ("Feature request", "Please allow bulk editing in the list"),
        ),
    },
    "operational": {
        "ja": (
            ("導入・展開", "現場への展開方法を相談したい"),
            ("運用設計", "社内の運用ルール作りについて"),
            ("活用促進", "KPIの設定方法を相談したい"),
            ("導入・展開", "新しい拠点での導入を進めたい"),
            ("活用促進", "利用状況のレポートがほしい"),
            ("請求", "請求書の宛先を変更したい"),
            ("請求", "ライセンス数を追加したい"),
        ),
        "en": (
            ("Rollout", "How should we roll out to our sites?"),
            ("Operating rules", "Help with internal operating rules"),
            ("Adoption", "Advice on setting KPIs"),
            ("Rollout", "Rolling out to a new office"),
            ("Adoption", "Request for a usage report"),
            ("Billing", "Please change the invoice address"),
            ("Billing", "We want to add licences"),
        ),
    },
}

NPS_COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "promoter": {
        "ja": (
            "現場の写真管理がとても楽になりました。",
            "サポートの対応が早くて助かっています。",
            "事務作業の時間が大幅に減りました。",
            "他の会社にも勧めたいです。",
        ),
        "en": (
            "Managing site photos is so much easier now.",
            "Support answers quickly, which really helps.",
            "We spend far less time on paperwork.",
            "I would recommend it to other companies.",
        ),
    },
    "passive": {
        "ja": (
            "概ね満足ですが、動作がもう少し速いと嬉しいです。",
            "便利ですが、使いこなせていない機能があります。",
            "スマホ版の使い勝手を改善してほしいです。",
        ),
        "en": (
            "Mostly happy, but it could be faster.",
            "Useful, though we do not use many features yet.",
            "The mobile app could be easier to use.",
        ),
    },
    "detractor": {
        "ja": (
            "機能が多すぎて現場に定着しませんでした。",
            "問い合わせの回答が遅いです。",
            "価格に見合う効果が見えません。",
            "担当者が変わってから使われなくなりました。",
        ),
        "en": (
            "Too many features; our field staff never took to it.",
            "Support takes too long to answer.",
            "We do not see value for the price.",
            "Nobody uses it since our project lead left.",
        ),
    },
}

# Follow-ups a CSM notes after a touch (task titles).
FOLLOW_UP_TITLES: dict[str, tuple[str, ...]] = {
    "ja": (
        "議事録と資料を送付",
        "次回定例の日程を調整",
        "利用状況レポートを作成して共有",
        "操作マニュアルを送付",
        "質問への回答を確認して連絡",
        "追加ID数の見積もりを作成",
        "社内担当者への引き継ぎ事項を整理",
    ),
    "en": (
        "Send the minutes and material",
        "Schedule the next regular meeting",
        "Prepare and share the usage report",
        "Send the user manual",
        "Check the answers to their questions and reply",
        "Prepare a quote for additional seats",
        "Write up the handover notes for their team",
    ),
}
RENEWAL_PREP_TITLE = {
    "ja": "契約更新の準備: 活用振り返りの打ち合わせ",
    "en": "Renewal preparation: review the year with the customer",
}
RENEWAL_PREP_DESCRIPTION = {"ja": "更新日: {date}", "en": "Renewal on {date}"}
ESCALATION_TITLE = {"ja": "エスカレーション: {subject}", "en": "Escalation: {subject}"}
# Notes on tasks: (who writes it, text). "csm" is the owner, "manager" the team's manager.
ESCALATION_COMMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "ja": (
        ("csm", "開発チームに再現手順を共有しました。"),
        ("manager", "お客様への状況説明は私から行います。"),
        ("csm", "回避策をご案内し、了承いただきました。"),
    ),
    "en": (
        ("csm", "Shared the steps to reproduce with engineering."),
        ("manager", "I will explain the status to the customer myself."),
        ("csm", "Offered a workaround; the customer accepted it."),
    ),
}
LATE_COMMENT = {
    "ja": "先方の都合で日程を再調整しています。",
    "en": "Rescheduling: the customer asked for a later date.",
}
WAITING_COMMENT = {"ja": "先方からの返信待ちです。", "en": "Waiting for the customer's reply."}

# Automated tech-touch sends (e-mail): the monthly newsletter and the onboarding series, as
# (days after the start, subject).
NEWSLETTER = {
    "ja": "月次ニュースレター（{year}年{month}月号）",
    "en": "Monthly newsletter ({month_name} {year})",
}
ONBOARDING_SERIES: dict[str, tuple[tuple[int, str], ...]] = {
    "ja": (
        (1, "オンボーディングメール1: ようこそ、はじめの3ステップ"),
        (7, "オンボーディングメール2: 写真と帳票の基本操作"),
        (30, "オンボーディングメール3: 現場への展開のコツ"),
        (60, "オンボーディングメール4: 活用度チェックリスト"),
    ),
    "en": (
        (1, "Onboarding e-mail 1: welcome, your first three steps"),
        (7, "Onboarding e-mail 2: photos and reports basics"),
        (30, "Onboarding e-mail 3: rolling out to your sites"),
        (60, "Onboarding e-mail 4: adoption checklist"),
    ),
}

HANDOVER_REASON = {
    "ja": "四半期の担当替え（担当社数の平準化）",
    "en": "Quarterly rebalancing of the CSMs' books",
}

# Saved segments of the demo: (name, description) per locale, same order as demo.segments.
SEGMENT_TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    "ja": (
        (
            "更新90日以内・ヘルス低下",
            "更新まで90日以内で、ヘルス評価が「注意」か「危険」の顧客。更新前に手を打つ対象。",
        ),
        ("高単価・利用率低下", "MRR 10万円以上で利用率が40%未満の顧客。解約時の影響が大きい。"),
        (
            "テックタッチ・利用低迷",
            "テックタッチ区分で利用率が20%未満の顧客。自動配信だけでは届いていないので個別に連絡する。",
        ),
    ),
    "en": (
        (
            "Renewal within 90 days, health slipping",
            "Renewing within 90 days with a Neutral or At risk grade: act before the renewal.",
        ),
        (
            "High value, low usage",
            "MRR of ¥100,000 or more and a usage rate under 40%: costly to lose.",
        ),
        (
            "Tech touch, little use",
            "Tech-touch accounts with a usage rate under 20%: the automated sends are not "
            "reaching them, so contact them in person.",
        ),
    ),
}
