"""The one vocabulary: written values in Chinese, English or as synonyms map to codes."""

from pipelines import vocabulary as vocab


def test_lookup_accepts_labels_codes_and_synonyms():
    assert vocab.lookup(vocab.SERVICE, "饮水") == "water"
    assert vocab.lookup(vocab.SERVICE, "接水") == "water"
    assert vocab.lookup(vocab.SERVICE, " Meal_Heating ") == "meal_heating"
    assert vocab.lookup(vocab.WORKER_TYPE, "外卖小哥") == "food_delivery"
    assert vocab.lookup(vocab.PLATFORM, "饿了么") == "eleme"
    assert vocab.lookup(vocab.SERVICE, "按摩") is None


def test_status_has_no_fallback_and_others_fall_back_to_other():
    assert vocab.STATUS.fallback is None
    assert vocab.SERVICE.fallback == "other"
    assert "other" in vocab.SERVICE.codes


def test_labels_in_both_languages():
    assert vocab.CATEGORY.label("join_union") == "入会"
    assert vocab.CATEGORY.label("join_union", "en") == "Joining a union"
    assert len(vocab.SEVEN_AMENITIES.codes) == 7
