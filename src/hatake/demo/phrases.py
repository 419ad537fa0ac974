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

TICKET_SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "functional": {
        "ja": (
            "ログインできない",
            "写真がアップロードできない",
            "帳票の出力でエラーが出る",
            "CSVの取り込みに失敗する",
            "アプリが強制終了する",
            "通知メールが届かない",
            "権限設定の方法を知りたい",
            "パスワードを再設定したい",
        ),
        "en": (
            "Cannot log in",
            "Photo upload fails",
            "Error when exporting a report",
            "CSV import fails",
            "The app crashes",
            "Notification e-mails do not arrive",
            "How do I set permissions?",
            "Password reset",
        ),
    },
    "operational": {
        "ja": (
            "現場への展開方法を相談したい",
            "社内の運用ルール作りについて",
            "KPIの設定方法を相談したい",
            "新しい拠点での導入を進めたい",
            "利用状況のレポートがほしい",
        ),
        "en": (
            "How should we roll out to our sites?",
            "Help with internal operating rules",
            "Advice on setting KPIs",
            "Rolling out to a new office",
            "Request for a usage report",
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
