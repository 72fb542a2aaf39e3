"""The numpy logistic regression and metrics behind every trust head."""

from __future__ import annotations

import numpy as np

from newsprism.trust.calibration import (
    LinearModel,
    balanced_accuracy,
    brier_score,
    calibration_error,
    fit_logistic,
    macro_f1,
    roc_auc,
)


def test_fit_separates_and_round_trips() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] - 0.5 * x[:, 1] > 0.3).astype(np.int64)
    model = fit_logistic(x, y, ["a", "b", "c"], l2=0.1)
    predicted = (model.predict(x) >= 0.5).astype(np.int64)
    assert balanced_accuracy(y, predicted) > 0.95
    assert model.weights[0] > 0 > model.weights[1]
    again = LinearModel.from_dict(model.to_dict())
    assert np.allclose(again.predict(x), model.predict(x), atol=1e-6)


def test_signs_hold_each_weight_to_its_direction() -> None:
    """A feature whose fitted weight goes against its sign is taken out and the rest refitted;
    features that agree keep weights close to the free fit's."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(600, 3))
    y = (x[:, 0] - 0.8 * x[:, 1] + 0.2 * rng.normal(size=600) > 0).astype(np.int64)
    free = fit_logistic(x, y, ["a", "b", "c"], l2=0.1)
    assert free.weights[1] < 0
    signed = fit_logistic(x, y, ["a", "b", "c"], l2=0.1, signs=[1, 1, 0])
    assert signed.weights[0] > 0 and signed.weights[1] == 0.0
    assert np.allclose(signed.mean, free.mean) and np.allclose(signed.scale, free.scale)
    agreeing = fit_logistic(x, y, ["a", "b", "c"], l2=0.1, signs=[1, -1, 0])
    assert np.allclose(agreeing.weights, free.weights)


def test_shipped_trust_head_follows_the_feature_signs() -> None:
    """Persuasion and unattributed claims never raise the trust score, corroboration never
    lowers it: the shipped head keeps every weight on its side of zero."""
    from newsprism.trust.features import FEATURE_NAMES, feature_signs
    from newsprism.trust.score import load_model

    model, _ = load_model()
    assert model.names == FEATURE_NAMES
    for name, sign, weight in zip(FEATURE_NAMES, feature_signs(), model.weights, strict=True):
        assert sign * weight >= 0, name


def test_constant_feature_gets_no_weight() -> None:
    x = np.c_[np.arange(10.0), np.zeros(10)]
    y = (np.arange(10) >= 5).astype(np.int64)
    model = fit_logistic(x, y, ["x", "const"])
    assert model.weights[1] == 0.0


def test_metrics() -> None:
    y = np.array([0, 0, 1, 1])
    assert balanced_accuracy(y, np.array([0, 1, 1, 1])) == 0.75
    assert macro_f1(y, y) == 1.0
    assert roc_auc(y, np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert roc_auc(np.array([1, 1]), np.array([0.1, 0.2])) is None


def test_missing_features_move_nothing() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    x[:20, 1] = np.nan  # missing in training: the column's mean stands in
    model = fit_logistic(x, y, ["a", "b"], l2=0.1)
    assert np.isfinite(model.weights).all() and model.weights[1] > 0
    row = np.array([1.5, np.nan])
    assert model.contributions(row)[1] == 0.0
    assert np.isclose(
        model.logits(row[None, :])[0], model.logits(np.array([[1.5, model.mean[1]]]))[0]
    )


def test_brier_and_calibration_error_reward_honest_probabilities() -> None:
    rng = np.random.default_rng(3)
    stated = rng.uniform(size=20000)
    honest = (rng.uniform(size=stated.size) < stated).astype(np.int64)  # 0.7 comes true 70%
    assert calibration_error(honest, stated) < 0.02
    # Overconfident: the same ranking pushed towards 0 and 1.
    sharp = np.clip(0.5 + 2 * (stated - 0.5), 0, 1)
    assert calibration_error(honest, sharp) > 0.1
    assert brier_score(honest, stated) < brier_score(honest, sharp)
    assert brier_score(honest, np.full(stated.size, 0.5)) == 0.25
    assert calibration_error(np.array([1, 0]), np.array([1.0, 0.0])) == 0.0
    assert brier_score(np.array([], np.int64), np.array([])) == 0.0
