from __future__ import annotations

from actions.app_names import annotate


def test_everyday_apps_are_named_as_apps() -> None:
    assert (
        annotate("can i put zoom on my work laptop myself")
        == "can i put the zoom app on my work laptop myself"
    )
    assert annotate("where do I get notepad++ from") == "where do I get the notepad++ app from"


def test_words_that_already_say_what_it_is_are_left_alone() -> None:
    for text in ("my zoom calls echo", "zoom app crashes", "my printer is offline", "zoomed in too far"):
        assert annotate(text) == text
