"""Backtest metrics, hand-computed on tiny portfolios and checked against scikit-learn."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import precision_score, recall_score, roc_auc_score

from hatake.health.backtest import (
    METRIC_LABELS,
    BacktestReport,
    Observation,
    backtest,
    compare,
    metric_label,
    roc_auc,
    worst_share,
)

AS_OF = date(2026, 3, 31)
GRADES = ("healthy", "neutral", "at_risk")


def _grade(score: float) -> str:
    # The default definition's cut-offs: healthy from 70, neutral from 40.
    if score >= 70:
        return "healthy"
    return "neutral" if score >= 40 else "at_risk"


def _portfolio(rows: Sequence[tuple[str, float, bool]]) -> list[Observation]:
    return [
        Observation(
            account_id=account, as_of=AS_OF, score=score, grade=_grade(score), churned=churn
        )
        for account, score, churn in rows
    ]


# Ten accounts, one per decile; a, c, e and h churned (4 of 10, base rate 0.4).
TEN = _portfolio(
    [
        ("a", 10, True),
        ("b", 20, False),
        ("c", 30, True),
        ("d", 45, False),
        ("e", 50, True),
        ("f", 60, False),
        ("g", 70, False),
        ("h", 80, True),
        ("i", 90, False),
        ("j", 95, False),
    ]
)


@pytest.fixture
def report() -> BacktestReport:
    return backtest(TEN, GRADES)


def test_counts_and_base_rate(report: BacktestReport) -> None:
    assert (report.n, report.churned, report.base_rate) == (10, 4, 0.4)


def test_roc_auc_counts_pairs_where_the_churned_account_scored_lower(
    report: BacktestReport,
) -> None:
    # Retained scores above each churned one: 10 -> 6, 30 -> 5, 50 -> 4, 80 -> 2 (90, 95);
    # 17 of 4 * 6 = 24 pairs.
    assert report.roc_auc == pytest.approx(17 / 24)


def test_roc_auc_counts_ties_as_half() -> None:
    # Churned [10, 20], retained [20, 30]: 10 below both (2), 20 ties 20 (0.5) and is below
    # 30 (1): 3.5 of 4 pairs.
    assert roc_auc([10, 20, 20, 30], [True, True, False, False]) == pytest.approx(3.5 / 4)


def test_at_risk_grade_precision_recall_and_lift(report: BacktestReport) -> None:
    # At risk (< 40): a, b, c; a and c churned. Precision 2/3, recall 2/4,
    # lift (2/3) / 0.4 = 5/3.
    assert report.at_risk_grades == ("at_risk",)
    assert (report.at_risk.flagged, report.at_risk.true_positives) == (3, 2)
    assert report.at_risk.precision == pytest.approx(2 / 3)
    assert report.at_risk.recall == pytest.approx(0.5)
    assert report.at_risk.lift == pytest.approx(5 / 3)


def test_at_risk_grades_can_be_given() -> None:
    # Neutral and at risk (< 70): a..f, of which a, c, e churned. Precision 3/6, recall 3/4.
    report = backtest(TEN, GRADES, at_risk_grades={"at_risk", "neutral"})
    assert report.at_risk_grades == ("neutral", "at_risk")
    flagged = report.at_risk
    assert (flagged.flagged, flagged.true_positives) == (6, 3)
    assert (flagged.precision, flagged.recall) == (0.5, 0.75)
    assert flagged.lift == pytest.approx(0.5 / 0.4)


def test_worst_ten_and_twenty_percent(report: BacktestReport) -> None:
    # Worst 10% = ceil(1.0) = 1 account (a, churned): precision 1, recall 1/4, lift 1 / 0.4.
    worst_10 = report.worst_percent(10)
    assert (worst_10.flagged, worst_10.true_positives) == (1, 1)
    assert (worst_10.precision, worst_10.recall) == (1.0, 0.25)
    assert worst_10.lift == pytest.approx(2.5)
    # Worst 20% = a, b: precision 1/2, recall 1/4, lift 0.5 / 0.4.
    worst_20 = report.worst_percent(20)
    assert (worst_20.flagged, worst_20.precision, worst_20.recall) == (2, 0.5, 0.25)
    assert worst_20.lift == pytest.approx(1.25)


def test_worst_share_rounds_up_with_integer_arithmetic() -> None:
    # 10% of 30 is exactly 3 (a float ceil(0.1 * 30) would give 4); 10% of 11 rounds up to 2.
    thirty = _portfolio([(f"x{n:02}", n, False) for n in range(30)])
    assert worst_share(thirty, 10).flagged == 3
    assert worst_share(thirty[:11], 10).flagged == 2


def test_ties_at_the_cut_off_are_broken_by_account_id() -> None:
    # Worst 20% of 5 = 1 account; "b" and "z" share the lowest score and "b" sorts first.
    observations = _portfolio(
        [("z", 10, False), ("b", 10, True), ("c", 50, False), ("d", 60, False), ("e", 80, False)]
    )
    flagged = worst_share(observations, 20)
    assert (flagged.flagged, flagged.true_positives) == (1, 1)
    assert worst_share(list(reversed(observations)), 20) == flagged


def test_lift_by_decile(report: BacktestReport) -> None:
    # One account per decile in score order a..j; a churned -> rate 1, lift 1 / 0.4 = 2.5.
    assert [row.decile for row in report.deciles] == list(range(1, 11))
    assert [row.accounts for row in report.deciles] == [1] * 10
    assert [row.churned for row in report.deciles] == [1, 0, 1, 0, 1, 0, 0, 1, 0, 0]
    assert [row.lift for row in report.deciles] == pytest.approx(
        [2.5, 0, 2.5, 0, 2.5, 0, 0, 2.5, 0, 0]
    )


def test_deciles_split_unevenly_larger_first() -> None:
    # 12 accounts: array_split gives sizes 2, 2, then eight of 1. Scores 0..11, the two
    # lowest churned: decile 1 rate 2/2, lift 1 / (2/12) = 6.
    observations = _portfolio([(f"x{n:02}", n, n < 2) for n in range(12)])
    deciles = backtest(observations, GRADES).deciles
    assert [row.accounts for row in deciles] == [2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
    assert (deciles[0].churned, deciles[0].churn_rate, deciles[0].lift) == (2, 1.0, 6.0)
    assert deciles[1].churn_rate == 0.0


def test_fewer_than_ten_accounts_leave_the_last_deciles_empty() -> None:
    # 3 accounts: deciles 1-3 hold one each, 4-10 are empty and have no rate or lift.
    observations = _portfolio([("a", 10, True), ("b", 50, False), ("c", 90, False)])
    report = backtest(observations, GRADES)
    assert [row.accounts for row in report.deciles] == [1, 1, 1] + [0] * 7
    assert report.deciles[0].lift == pytest.approx(3.0)  # rate 1 / base rate 1/3
    assert all(row.churn_rate is None and row.lift is None for row in report.deciles[3:])
    assert report.roc_auc == 1.0


def test_calibration_is_the_churn_rate_per_grade_in_grade_order(report: BacktestReport) -> None:
    # healthy g, h, i, j (h churned); neutral d, e, f (e); at risk a, b, c (a, c).
    rows = [(row.grade, row.accounts, row.churned) for row in report.calibration]
    assert rows == [("healthy", 4, 1), ("neutral", 3, 1), ("at_risk", 3, 2)]
    assert [row.churn_rate for row in report.calibration] == pytest.approx([1 / 4, 1 / 3, 2 / 3])


def test_an_empty_grade_has_no_rate() -> None:
    report = backtest(_portfolio([("a", 10, True), ("b", 90, False)]), GRADES)
    assert report.calibration[1].accounts == 0
    assert report.calibration[1].churn_rate is None


def test_false_negatives_are_churned_healthy_accounts_highest_score_first() -> None:
    observations = _portfolio(
        [("a", 75, True), ("b", 95, True), ("c", 85, False), ("d", 50, True), ("e", 75, True)]
    )
    report = backtest(observations, GRADES)
    # d churned but was neutral, c was healthy but stayed; a and e tie, broken by id.
    assert [item.account_id for item in report.false_negatives] == ["b", "a", "e"]


def test_no_churn() -> None:
    report = backtest(_portfolio([("a", 10, False), ("b", 50, False), ("c", 90, False)]), GRADES)
    assert (report.churned, report.base_rate, report.roc_auc) == (0, 0.0, None)
    assert report.at_risk.precision == 0.0
    assert report.at_risk.recall is None
    assert report.at_risk.lift is None
    assert all(row.lift is None for row in report.deciles)
    assert report.false_negatives == ()


def test_all_churn() -> None:
    report = backtest(_portfolio([("a", 10, True), ("b", 50, True), ("c", 90, True)]), GRADES)
    assert (report.churned, report.base_rate, report.roc_auc) == (3, 1.0, None)
    assert (report.at_risk.precision, report.at_risk.recall, report.at_risk.lift) == (
        1.0,
        1 / 3,
        1.0,
    )
    assert [item.account_id for item in report.false_negatives] == ["c"]


def test_nothing_flagged_has_no_precision() -> None:
    report = backtest(_portfolio([("a", 80, True), ("b", 90, False)]), GRADES)
    assert report.at_risk.flagged == 0
    assert (report.at_risk.precision, report.at_risk.recall, report.at_risk.lift) == (
        None,
        0.0,
        None,
    )


def test_all_equal_scores_rank_nothing() -> None:
    observations = _portfolio([(f"x{n}", 50, n % 3 == 0) for n in range(9)])
    assert backtest(observations, GRADES).roc_auc == 0.5


@pytest.mark.parametrize(
    ("scores", "churned"),
    [
        ([10, 20, 30, 40, 50], [True, False, True, False, False]),
        ([10, 10, 20, 20, 30, 30], [True, False, True, True, False, False]),
        ([55.5, 12.25, 12.25, 80, 99, 0], [False, True, False, True, False, True]),
        ([50, 50, 50, 50], [True, False, False, True]),
        ([1, 2, 3], [False, False, True]),
    ],
)
def test_roc_auc_matches_scikit_learn(scores: list[float], churned: list[bool]) -> None:
    # A low score is the churn signal, so scikit-learn ranks the negated score.
    expected = roc_auc_score(churned, [-score for score in scores])
    assert roc_auc(scores, churned) == pytest.approx(expected)


@pytest.mark.parametrize(
    "rows",
    [
        [(f"x{n:02}", n * 7 % 100, n % 4 == 0) for n in range(23)],
        [(f"x{n:02}", (n // 3) * 10, n % 2 == 0) for n in range(17)],  # triples of tied scores
        [(f"x{n:02}", 35 if n < 8 else 75, n in {1, 2, 9}) for n in range(12)],
    ],
)
def test_precision_and_recall_match_scikit_learn(rows: list[tuple[str, float, bool]]) -> None:
    observations = _portfolio(rows)
    report = backtest(observations, GRADES)
    truth = [item.churned for item in observations]
    at_risk = [item.grade == "at_risk" for item in observations]
    assert report.at_risk.precision == pytest.approx(precision_score(truth, at_risk))
    assert report.at_risk.recall == pytest.approx(recall_score(truth, at_risk))
    for percent in (10, 20):
        flagged_ids = {
            item.account_id
            for item in sorted(observations, key=lambda item: (item.score, item.account_id))[
                : -(-percent * len(observations) // 100)
            ]
        }
        predicted = [item.account_id in flagged_ids for item in observations]
        worst = report.worst_percent(percent)
        assert worst.precision == pytest.approx(precision_score(truth, predicted))
        assert worst.recall == pytest.approx(recall_score(truth, predicted))


portfolios = st.lists(
    # Whole-number scores on a small range so that ties are common.
    st.tuples(st.integers(min_value=0, max_value=20), st.booleans()),
    min_size=1,
    max_size=60,
).map(
    lambda rows: _portfolio(
        [(f"x{n:03}", score * 5, churn) for n, (score, churn) in enumerate(rows)]
    )
)


@given(portfolios)
def test_auc_is_a_probability_and_flips_with_the_score(observations: list[Observation]) -> None:
    scores = [item.score for item in observations]
    churned = [item.churned for item in observations]
    auc = roc_auc(scores, churned)
    if all(churned) or not any(churned):
        assert auc is None
        return
    assert auc is not None
    assert 0.0 <= auc <= 1.0
    assert auc + roc_auc([-score for score in scores], churned) == pytest.approx(1.0)


@given(portfolios)
def test_deciles_account_for_every_account_and_every_churn(
    observations: list[Observation],
) -> None:
    report = backtest(observations, GRADES)
    assert sum(row.accounts for row in report.deciles) == report.n
    assert sum(row.churned for row in report.deciles) == report.churned
    # The account-weighted mean of decile churn rates is the base rate.
    weighted = sum(row.accounts * (row.churn_rate or 0.0) for row in report.deciles)
    assert weighted / report.n == pytest.approx(report.base_rate)
    assert sum(row.accounts for row in report.calibration) == report.n


@given(portfolios)
def test_flagging_everyone_recalls_every_churn(observations: list[Observation]) -> None:
    everyone = worst_share(observations, 100)
    assert everyone.flagged == len(observations)
    if any(item.churned for item in observations):
        assert everyone.recall == 1.0
        assert everyone.lift == pytest.approx(1.0)


def test_compare_lines_up_the_single_number_metrics(report: BacktestReport) -> None:
    # b moves h (churned, 80) to the worst score: at risk now holds a, b, c, h.
    moved = [
        Observation(item.account_id, AS_OF, 5.0, "at_risk", True)
        if item.account_id == "h"
        else item
        for item in TEN
    ]
    rows = {row.metric: row for row in compare(report, backtest(moved, GRADES))}
    assert list(rows) == list(METRIC_LABELS)
    auc = rows["roc_auc"]
    # b: churned 5 -> 6 retained above it, so 17 - 2 + 6 = 21 of 24.
    assert (auc.a, auc.b) == (pytest.approx(17 / 24), pytest.approx(21 / 24))
    assert auc.difference == pytest.approx(4 / 24)
    assert (rows["false_negatives"].a, rows["false_negatives"].b) == (1, 0)
    assert rows["false_negatives"].difference == -1
    assert rows["at_risk_recall"].difference == pytest.approx(0.75 - 0.5)


def test_compare_leaves_undefined_differences_empty(report: BacktestReport) -> None:
    no_churn = backtest(_portfolio([("a", 10, False), ("b", 90, False)]), GRADES)
    auc = next(row for row in compare(report, no_churn) if row.metric == "roc_auc")
    assert (auc.b, auc.difference) == (None, None)


def test_metric_labels_are_translated() -> None:
    assert metric_label("worst_10_recall", "en") == "Worst 10%: recall"
    assert metric_label("worst_10_recall", "ja") == "下位 10%：再現率"


def test_to_dict_is_json_ready(report: BacktestReport) -> None:
    data = json.loads(json.dumps(report.to_dict()))
    assert data["roc_auc"] == pytest.approx(17 / 24)
    assert data["worst"][0]["percent"] == 10
    assert data["worst"][0]["true_positives"] == 1
    assert data["deciles"][0] == {
        "decile": 1,
        "accounts": 1,
        "churned": 1,
        "churn_rate": 1.0,
        "lift": 2.5,
    }
    assert data["calibration"][0]["grade"] == "healthy"
    assert data["false_negatives"] == [
        {"account_id": "h", "as_of": "2026-03-31", "score": 80, "grade": "healthy"}
    ]


@pytest.mark.parametrize(
    ("observations", "message"),
    [
        ([], "no observations"),
        (_portfolio([("a", 10, True), ("a", 20, False)]), "once"),
        (_portfolio([("a", float("nan"), True)]), "finite"),
        ([Observation("a", AS_OF, 10, "unknown", True)], "not in the definition"),
    ],
)
def test_invalid_input_is_refused(observations: list[Observation], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        backtest(observations, GRADES)


def test_unknown_at_risk_grade_is_refused() -> None:
    with pytest.raises(ValueError, match="at-risk grades"):
        backtest(TEN, GRADES, at_risk_grades={"red"})
