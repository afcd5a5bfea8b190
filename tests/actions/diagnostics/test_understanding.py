from __future__ import annotations

import pytest

from actions.diagnostics.schema import AnswerSpec, Choice
from actions.diagnostics.understanding import (
    accepts,
    denies,
    reports_working,
    shares_words,
    sounds_fixed,
    tried_everything,
    understand,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("yep it's on", "yes"),
        ("Yes", "yes"),
        ("nope", "no"),
        ("No", "no"),
        ("not sure how to check", "dont_know"),
        ("how do I check that?", "dont_know"),
        ("I don't know", "dont_know"),
        ("why?", "why"),
        ("why do I need to do that", "why"),
        ("I already tried that", "already_tried"),
        ("did that already", "already_tried"),
        ("I know how to check it, I've done that before", "will_check"),
        ("I can stop the car by braking", "yes"),
        ("go back", "back"),
        ("can we go back to the previous question", "back"),
        ("The temperature did not go back to normal.", "no"),
        ("Please tell me what and where an axle nut is so I can confirm it is loose.", "question"),
        ("I cannot figure out the correct method to measure the voltage.", "dont_know"),
        ("I don't understand, why does the car need a new radiator?", "question"),
        ("No, is that bad?", "no"),
        ("stop", "stop"),
        ("let's stop this", "stop"),
        ("explain more simply", "simpler"),
        ("that's too technical for me", "simpler"),
        ("can I talk to a real person", "human"),
        ("it still doesn't work", "no"),
        ("that fixed it, thanks", "fixed"),
        ("the light is not on", "no"),
        ("the light is on", "yes"),
        ("", "unclear"),
        ("hmm", "unclear"),
    ],
)
def test_free_text_answers(text: str, kind: str) -> None:
    assert understand(text).kind == kind


def test_confident_nlu_intent_is_used_when_the_words_are_unclear() -> None:
    assert understand("affirmative-ish", intent="affirm", confidence=0.95).kind == "yes"
    assert understand("hmm", intent="deny", confidence=0.95).kind == "no"
    assert understand("hmm", intent="deny", confidence=0.2).kind == "unclear"
    assert understand("whatever you say", intent="ask_why", confidence=0.9).kind == "why"


def test_negated_question_flips_the_polarity_of_a_statement() -> None:
    question = "Does the laptop not turn on?"
    assert understand("the laptop does not turn on at all", question=question).kind == "yes"
    assert understand("the laptop turns on fine when I press it", question=question).kind == "no"


@pytest.mark.parametrize(
    ("question", "answer", "kind"),
    [
        ("Is the steering hard when the car is stationary?", "The wheel is easy to turn.", "no"),
        ("Is the steering hard when the car is stationary?", "The steering is smooth.", "no"),
        ("Is the steering hard when the car is stationary?", "It is hard to turn.", "yes"),
        ("Is the LED on the charger blinking?", "The LED light is solid.", "no"),
        ("Is the battery more than a year old?", "The battery was made very recently.", "no"),
        ("Does the temperature return to normal?", "The temperature stays high.", "no"),
        ("Does the computer find the hard drive?", "It was easy, the computer finds the drive.", "yes"),
    ],
)
def test_a_statement_with_the_opposite_word_answers_no(question: str, answer: str, kind: str) -> None:
    assert understand(answer, question=question).kind == kind


def test_choices_match_labels_and_synonyms() -> None:
    spec = AnswerSpec(
        kind="choice",
        choices=(
            Choice(id="wired", label="Cable", synonyms=("ethernet",)),
            Choice(id="wireless", label="Wi-Fi", synonyms=("wireless",)),
        ),
    )
    assert understand("Cable", spec).value == "wired"
    assert understand("I'm on ethernet", spec).value == "wired"
    assert understand("wi-fi", spec).value == "wireless"
    assert understand("purple", spec).kind == "unclear"


def test_free_text_extraction() -> None:
    spec = AnswerSpec(kind="text", extract=r"error\s*(\d+)")
    reply = understand("it says Error 651 when I connect", spec)
    assert (reply.kind, reply.value) == ("text", "651")
    assert understand("nothing at all", spec).value is None


def test_questions_back_and_i_will_check_keep_the_step() -> None:
    assert understand("Can you tell me how to get to the BIOS screen?").kind == "question"
    assert understand("I know how to check that, one moment").kind == "will_check"
    assert (
        understand("The lug nuts are all tight", question="Do any wheels have loose lug nuts?").kind == "no"
    )


class _StepReader:
    """A reader that reads every statement as "yes" and knows the step (or not)."""

    def __init__(self, probability: float = 0.99, known: bool = True) -> None:
        self.probability, self.known = probability, known

    def read(self, question: str, answer: str, node: str | None = None) -> object:
        from actions.diagnostics.answers import Reading

        return Reading("yes", self.probability)

    def knows(self, node: str | None) -> bool:
        return self.known


def test_a_leading_yes_or_no_word_beats_the_step_memory() -> None:
    question, reader = "Does the laptop power up without the charger?", _StepReader()
    assert (
        understand("No, it doesn't start without the charger", question=question, reader=reader).kind == "no"
    )
    assert understand("it doesn't start without the charger", question=question, reader=reader).kind == "yes"


def test_a_step_with_its_own_answers_trusts_the_reader_sooner() -> None:
    question, text = "Does the laptop power up without the charger?", "it doesn't need the charger to start"
    assert understand(text, question=question, reader=_StepReader(0.65, known=True)).kind == "yes"
    assert understand(text, question=question, reader=_StepReader(0.65, known=False)).kind == "no"


CHARGER = "Plug the charger into a wall socket you know works, not a power strip. Is the charging light on?"
BATTERY_ICON = 'Hover over the battery icon near the clock. Does it say "Plugged in, not charging"?'


@pytest.mark.parametrize(
    ("question", "answer", "kind"),
    [
        # The "not" in the instruction before the question does not flip the customer's statement.
        (CHARGER, "ok it's in the wall socket now and the little light is orange", "yes"),
        (CHARGER, "no light at all", "no"),
        (CHARGER, "it stays dark", "no"),
        # Repeating the quoted words is a yes, even though they contain "not"; denying them is a no.
        (BATTERY_ICON, "it says plugged in, not charging", "yes"),
        (BATTERY_ICON, "it doesn't say plugged in, not charging", "no"),
        (BATTERY_ICON, "it just says 45% available", "no"),
    ],
)
def test_statements_are_read_against_what_was_asked(question: str, answer: str, kind: str) -> None:
    assert understand(answer, question=question).kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("oh caps lock was on, all good now thanks!", "fixed"),
        ("works now, thanks", "fixed"),
        ("is it all good now?", "question"),
        ("it works now but it's slow", "yes"),
    ],
)
def test_the_customer_saying_it_is_good_now_is_believed(text: str, kind: str) -> None:
    assert understand(text).kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("swapped the batteries and it's typing normally now, ta", "fixed"),
        ("switched it back to ENG, typed it again and i'm in!", "fixed"),
        ("everything's back to normal", "fixed"),
        ("it's printing normally now but only in black", "yes"),  # a hedge: not a confirmed fix
        ("going for lunch, i'll have another go after. ta", "leave"),
        ("off to a meeting, bye", "leave"),
        ("i'll give it another try later", "leave"),
    ],
)
def test_working_again_and_taking_a_break_are_read_for_what_they_are(text: str, kind: str) -> None:
    assert understand(text).kind == kind


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("webmail takes the new password no problem", "yes"),
        ("it connects no problems at all", "yes"),
        ("there's no problem with webmail either, it just fails", "no"),
    ],
)
def test_no_problem_is_an_idiom_for_fine_not_a_negation(answer: str, kind: str) -> None:
    question = "Sign in to webmail with your new password. Does it work there?"
    assert understand(answer, question=question).kind == kind


@pytest.mark.parametrize(
    ("text", "working"),
    [
        ("did the ctrl shift delete thing and restarted chrome, new rota's showing now 👍", True),
        ("swapped the batteries and it's typing normally now, ta", True),
        ("picked the usb mic in zoom settings and they can hear me now", True),
        ("they can hear me now but it cuts out", False),
        ("ok i did that now, what next?", False),
        ("did it, still showing the old one", False),
        ("it's showing now but only sometimes", False),
    ],
)
def test_a_report_that_it_works_now_answers_did_this_solve_it(text: str, working: bool) -> None:
    assert reports_working(text) is working


CAPS_AND_LAYOUT = (
    "First, check the Caps Lock key. Is its light off, and is the keyboard set to your normal language?"
)


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("caps light is off but the thing by the clock says FRA instead of ENG", "no"),
        ("light's off and it's english", "yes"),
        ("yes, both", "yes"),
    ],
)
def test_one_part_of_a_two_part_question_failing_is_a_no(answer: str, kind: str) -> None:
    assert understand(answer, question=CAPS_AND_LAYOUT).kind == kind


def test_a_step_done_before_the_checks_began_is_already_tried() -> None:
    restart = "Please save your work, then click Start, the power button, and Restart. Is it faster now?"
    assert understand("rebooted it about an hour ago", question=restart).kind == "already_tried"
    assert understand("restarted it yesterday", question=restart).kind == "already_tried"
    assert understand("restarted this morning and it's fine now", question=restart).kind != "already_tried"


@pytest.mark.parametrize(
    "text",
    [
        "cleared cookies and cache and restarted edge, still old. same in chrome too",
        "its not in the recycle bin or version history anywhere",
        "did all that, page is still out of date",
    ],
)
def test_still_the_old_page_or_not_there_answers_did_this_solve_it_with_no(text: str) -> None:
    assert denies(text)


@pytest.mark.parametrize(
    ("answer", "question", "kind"),
    [
        (
            "turned it off and typed it really carefully, still says incorrect",
            "Press Caps Lock once to turn it off, then type your password again slowly. Can you sign in now?",
            "no",
        ),
        (
            "restarted it, still just as slow",
            "Click Start, the power button, and Restart. Is it faster now?",
            "no",
        ),
        (
            "quit it from the tray and started it again, same failure",
            "Quit the VPN app. Does it connect now?",
            "no",
        ),
        (
            "clicked the realtek speakers and there it is, sound's back",
            "Pick your speakers. Can you hear it?",
            "fixed",
        ),
        ("cancelled everything in the queue and the whole office is printing again, lovely", "", "fixed"),
        ("how do i update it?", "Check for updates in the app. Does it still crash?", "dont_know"),
    ],
)
def test_still_failing_after_a_fix_is_never_taken_for_a_fix(answer: str, question: str, kind: str) -> None:
    assert understand(answer, question=question).kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("stop", "stop"),
        ("cancel please", "stop"),
        ("stop the checks", "stop"),
        ("actually scrap that, turns out our team already has a shared licence i can use. ignore me", "stop"),
        ("quit outlook and opened it again", "yes"),  # what they did, not a stop
    ],
)
def test_a_stop_is_a_command_not_an_action_the_customer_took(text: str, kind: str) -> None:
    assert understand(text).kind == kind


@pytest.mark.parametrize(
    ("text", "tried_all"),
    [
        (
            "did all of it - emptied the bin, cleared downloads, ran disk cleanup. today its back down to 2 GB",
            True,
        ),
        ("did everything it said and it works now", False),
        ("i did all the steps, thanks", False),  # thanks: more likely a fix; not read as a failure
    ],
)
def test_having_done_the_whole_article_without_success_is_a_no(text: str, tried_all: bool) -> None:
    assert tried_everything(text) is tried_all


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("quit it from the tray and started it again, same failure", False),
        ("typed it again, no luck", False),
        ("clicked it, emails are flooding in now, thank you!", True),
        ("it's working again", True),
    ],
)
def test_doing_a_step_again_is_not_it_working_again(text: str, fixed: bool) -> None:
    assert sounds_fixed(text) is fixed


def test_already_doing_the_step_is_already_tried_not_a_fix() -> None:
    question = "Quit Outlook fully and open it again. Does new mail come in now?"
    assert understand("already quit it and reopened it twice this morning", question=question).kind == (
        "already_tried"
    )


def test_an_article_follow_up_that_says_it_still_fails_or_now_works_is_read() -> None:
    assert denies(
        "signed out and back in, and my manager says i should definitely still have it. still denied"
    )
    assert reports_working(
        "moved the dongle to the usb port on the laptop itself and it's smooth as anything now, ta"
    )
    assert not reports_working("it's fine now but the other screen is broken, thanks")


def test_taking_an_offered_person_is_a_plain_yes_without_a_question() -> None:
    assert accepts("yes please, and make sure they actually phone this time")
    assert not accepts("yes, but how do I reset it?")
    assert not accepts("no thanks")
    assert not accepts("yes but not now")
    assert accepts("yes please, i just want to know when it's coming")  # wants the person, asks nothing back
    assert not accepts("yes, where do i go for that")
    assert not accepts("yeah what happens next")


def test_a_question_about_a_step_names_what_the_step_is_about() -> None:
    step = "Force detection / projection mode (Win+P, Extend; or Display settings, Detect)."
    assert shares_words("theres no windows key on a mac, so where's the detect thing?", step)
    assert not shares_words("how do I set up an out of office reply", step)


PRINTER_ALL_CLEAR = (
    "Go to the printer. Is it turned on, with paper in the tray and no error light or message on its screen?"
)
VOLUME_ALL_CLEAR = (
    "Look at the speaker icon near the clock. Is the volume up, with no red X or line through the icon?"
)


@pytest.mark.parametrize(
    ("answer", "question", "kind"),
    [
        # "no error" is part of the all-clear asked about, not a negation of the question
        ("went and looked, its on, the tray is full and the screen says Ready", PRINTER_ALL_CLEAR, "yes"),
        ("its on but theres no paper in the tray", PRINTER_ALL_CLEAR, "no"),
        ("it's on with paper but the screen shows an error", PRINTER_ALL_CLEAR, "no"),
        ("volume's at 60, no mute symbol", VOLUME_ALL_CLEAR, "yes"),
        ("volume is up but there's a red x on the icon", VOLUME_ALL_CLEAR, "no"),
        # where the question asks about the error itself, "no error" is still a no
        ("no error message at all", "Does the screen show an error message?", "no"),
    ],
)
def test_an_all_clear_check_is_read_by_what_the_answer_reports(answer: str, question: str, kind: str) -> None:
    assert understand(answer, question=question).kind == kind


def test_the_same_fault_again_is_a_no_to_does_it_work() -> None:
    question = "Does it work with other files (file-specific corruption)?"
    assert (
        understand("made a brand new document, added a photo, crashed again", question=question).kind == "no"
    )
    assert understand("opened a new file and it froze again", question="Does it still freeze?").kind == "yes"


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("ah that one. no light on it, and it's english like always", "yes"),
        ("no little light, keyboard is normal", "yes"),
        ("no light, but the thing by the clock says FRA", "no"),  # one part fails
    ],
)
def test_no_light_answers_is_its_light_off_with_yes(answer: str, kind: str) -> None:
    assert understand(answer, question=CAPS_AND_LAYOUT).kind == kind


def test_naming_the_wrong_one_selected_is_a_no_however_it_opens() -> None:
    question = (
        "Click the speaker icon, then the arrow. Is the right one ticked, like your headphones or speakers?"
    )
    assert (
        understand("ok, it has 'Speakers (Realtek)' ticked, not the headset", question=question).kind == "no"
    )
    assert understand("yes the headset is ticked, not the speakers", question=question).kind == "yes"


MONITOR_POWER = "Is the monitor turned on? Its power light should be on, often white or blue."


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("there's a small light on the front, it's amber and flashing, not white", "yes"),
        ("the little light is green", "yes"),
        ("no light at all", "no"),
        ("the light is off", "no"),
    ],
)
def test_a_light_that_shows_in_any_colour_is_on(answer: str, kind: str) -> None:
    assert understand(answer, question=MONITOR_POWER).kind == kind


def test_a_choice_is_named_without_its_apostrophe() -> None:
    spec = AnswerSpec(
        kind="choice",
        choices=(
            Choice(id="not_charging", label="It will not charge", synonyms=("won't charge",)),
            Choice(id="drains", label="It runs down fast", synonyms=("drains",)),
        ),
    )
    assert understand("laptop wont charge", spec).value == "not_charging"
