"""The cause rules and the automation ranking on small hand-made histories."""

from __future__ import annotations

import datetime as dt

import numpy as np

from analytics import automation, patterns
from analytics.topics import Topic
from handoff.settings import BusinessHours
from tests.analytics.test_metrics import at, conv, ticket


def topic(topic_id: int, *terms: str) -> Topic:
    return Topic(topic_id, list(terms), terms[0], 0, np.zeros(384, dtype=np.float32))


def test_same_how_to_three_times_is_user_skills() -> None:
    convs = [
        conv(f"r{i}", "robin", at(2 + 3 * i, 10), texts=["how do I set an out of office reply"])
        for i in range(3)
    ]
    convs.append(conv("x", "other", at(3, 10)))
    [finding] = patterns.recurring_customers(convs, [topic(0, "out of office")])
    assert (finding.subject, finding.cause, finding.count) == ("robin", "user skills", 3)
    assert "coaching handout" in finding.recommendation
    # the same three spread over more than 30 days are not recurring
    spread = [conv(f"r{i}", "robin", at(2 + 20 * i, 10), texts=["how do I print"]) for i in range(3)]
    assert patterns.recurring_customers(spread, [topic(0, "print")]) == []


def fixed_then_back(customer: str, day: int, topic_id: int) -> list:
    first = conv(
        f"{customer}{day}",
        customer,
        at(day, 10),
        topic=topic_id,
        texts=["printer jammed again"],
        tickets=[ticket(customer, at(day, 10.1), resolution_time=at(day, 11))],
    )
    back = conv(f"{customer}{day}b", customer, at(day + 2, 10), topic=topic_id, texts=["printer jammed"])
    return [first, back]


def test_fault_back_after_resolved_more_than_usual_is_intermittent() -> None:
    convs = fixed_then_back("ann", 2, 0) + fixed_then_back("bob", 2, 0) + fixed_then_back("ann", 12, 0)
    convs += [conv(f"q{i}", f"c{i}", at(2 + i % 5, 9), topic=1) for i in range(12)]  # a quiet topic
    findings = patterns.recurring_problems(convs, [topic(0, "printer"), topic(1, "password")])
    assert [(f.subject, f.cause) for f in findings] == [("printer", "intermittent fault")]
    assert "3 times (2 customers)" in findings[0].evidence


def test_one_site_is_environment() -> None:
    convs = [
        conv(f"w{i}", f"c{i}", at(2 + i % 5, 9), topic=0, site="Leeds office" if i < 5 else "Home")
        for i in range(7)
    ]
    [finding] = patterns.recurring_problems(convs, [topic(0, "wifi")])
    assert finding.cause == "environment" and "5 of 7 conversations from Leeds office" in finding.evidence
    convs[0].site = convs[1].site = "Home"  # 3 of 7 is not one site's problem
    assert patterns.recurring_problems(convs, [topic(0, "wifi")]) == []


def test_automation_ranked_by_volume_times_handling_time() -> None:
    slow = [
        conv(f"s{i}", f"c{i}", at(2, 9), topic=0, tickets=[ticket("s", at(2, 9), resolution_time=at(2, 11))])
        for i in range(2)
    ]  # 2 x 120 min
    quick = [conv(f"p{i}", f"d{i}", at(2, 9), minutes=4, topic=1) for i in range(10)]  # 10 x 4 min
    rows = automation.candidates(
        slow + quick, [topic(0, "access", "folder"), topic(1, "password", "reset")], BusinessHours()
    )
    assert [(r["topic"], r["score"]) for r in rows] == [("access, folder", 240.0), ("password, reset", 40.0)]
    assert "Access request form" in rows[0]["procedure"] and "password reset" in rows[1]["procedure"]


def test_product_comes_from_script_then_category_then_named_product() -> None:
    c = conv("a", "ann", at(2, 9), texts=["Outlook will not open"])
    assert patterns.product_of(c) == "outlook"
    c.tickets = [ticket("a", at(2, 9), category="email")]
    assert patterns.product_of(c) == "email"
    c.diagnostic_id = "email_sync"
    assert patterns.product_of(c) == "email_sync"
    assert dt.timedelta(days=30) == patterns.WINDOW


def test_diagnostics_name_the_step_where_customers_drop_off() -> None:
    def run(cid: str, outcome: str | None, node: str) -> object:
        c = conv(cid, cid, at(2, 9))
        c.diagnostic_id, c.diagnostic_outcome, c.diagnostic_node = "printer_offline", outcome, node
        return c

    convs = [
        run("r1", "resolved", "done"),
        run("e1", "escalated", "check_cable"),
        run("d1", None, "restart_spooler"),  # left without an outcome
        run("d2", "stopped", "restart_spooler"),  # said stop
        run("d3", None, "check_cable"),
        conv("x", "x", at(2, 9)),  # no script
    ]
    [row] = patterns.diagnostics(convs)
    assert row == {
        "script": "printer_offline",
        "runs": 5,
        "resolved": 1,
        "escalated": 1,
        "dropped": 3,
        "drop_step": "restart_spooler",
    }
