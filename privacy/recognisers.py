"""One recogniser per kind of secret or personal detail.

Each is a regular expression for the shape plus a check that rules out look-alikes an IT desk sees all day
(error codes, IP addresses, versions, ticket and KB numbers, GUIDs): a checksum for cards and IBANs, the
official letter rules for National Insurance numbers, and a stated context ("my password is", "the code
is") for passwords and one-time codes, which have no shape of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from privacy.checksums import iban_valid, known_iban_country, luhn_valid
from privacy.spans import Span

Recogniser = Callable[[str], Iterator[Span]]

# ---------------------------------------------------------------- cards
# 13-19 digits, optionally grouped by single spaces or dashes; not part of a longer number or word.
_CARD = re.compile(r"(?<![\w.-])(?:\d[ -]?){12,18}\d(?![\w]|[.-]\d)")


def cards(text: str) -> Iterator[Span]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if luhn_valid(digits):
            yield Span(match.start(), match.end(), "CARD")


# ---------------------------------------------------------------- IBANs
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")


_BANK_CONTEXT = re.compile(r"(?i)\b(iban|bank|account|acct|transfer|payment|pay|refund|salary|bic|swift)\b")


def ibans(text: str) -> Iterator[Span]:
    for match in _IBAN.finditer(text):
        candidate = match.group()
        if not known_iban_country(candidate) and not _BANK_CONTEXT.search(text):
            continue  # "KB00000 INC000002" passes mod 97 by chance (1 in 97); an unknown country needs context
        # A greedy match may run into the next word ("GB29 NWBK ... 26819 thanks"): try shorter ends.
        for end in range(len(candidate), 14, -1):
            if end < len(candidate) and candidate[end] not in " -":
                continue
            if iban_valid(candidate[:end]):
                yield Span(match.start(), match.start() + end, "IBAN")
                break


# ---------------------------------------------------------------- UK National Insurance numbers
# HMRC rules: first letter not D F I Q U V; second not D F I O Q U V; prefixes BG GB KN NK NT TN ZZ unused;
# suffix A-D.
_NINO = re.compile(
    r"(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ -]?(\d{2})[ -]?(\d{2})[ -]?(\d{2})[ -]?([A-D])"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_UNUSED_NINO_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def ninos(text: str) -> Iterator[Span]:
    for match in _NINO.finditer(text):
        if match.group(1).upper() not in _UNUSED_NINO_PREFIXES:
            yield Span(match.start(), match.end(), "NINO")


# ---------------------------------------------------------------- emails
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b"
)


_URL_USER = re.compile(r"://[^\s:/@]+:[^\s@/]*$")


def emails(text: str) -> Iterator[Span]:
    for match in _EMAIL.finditer(text):
        # "postgres://app:secret@db01.internal" is a password in a URL (key_shapes), not an address.
        if not _URL_USER.search(text[max(0, match.start() - 80) : match.start()]):
            yield Span(match.start(), match.end(), "EMAIL")


# ---------------------------------------------------------------- phone numbers
# UK: 0 + 9-10 digits, or +44 / 0044 (optionally "(0)") + 9-10 digits; separators single space, dash or
# brackets round the area code. Elsewhere: + and a country code, 8-14 more digits. Dots are not separators,
# so IP addresses and versions never match.
_SEP = r"[ -]?"
_UK_PHONE = re.compile(
    r"(?<![\w+/.:-])(?:(?:\+|00)44" + _SEP + r"(?:\(0\)" + _SEP + r")?|\(?0)"
    r"\d{2,4}\)?" + _SEP + r"\d{3,4}" + _SEP + r"\d{3,4}(?![\w/]|[.:-]\d)"
)
_INTL_PHONE = re.compile(r"(?<![\w+/.:-])\+[1-9]\d{0,2}(?:" + _SEP + r"\(?\d{1,5}\)?){2,5}(?![\w/]|[.:-]\d)")


def _national_digits(number: str) -> int:
    digits = re.sub(r"\D", "", number)
    for prefix in ("0044", "440", "44"):
        if number.lstrip("(").startswith(("+", "00")) and digits.startswith(prefix):
            return len(digits) - len(prefix)
    return len(digits) - 1  # the leading 0


def phones(text: str) -> Iterator[Span]:
    found: list[Span] = []
    for match in _UK_PHONE.finditer(text):
        if 9 <= _national_digits(match.group()) <= 10:
            found.append(Span(match.start(), match.end(), "PHONE"))
    for match in _INTL_PHONE.finditer(text):
        digits = len(re.sub(r"\D", "", match.group()))
        if 9 <= digits <= 15 and not any(s.start <= match.start() < s.end for s in found):
            found.append(Span(match.start(), match.end(), "PHONE"))
    yield from found


# ---------------------------------------------------------------- API keys and tokens with their own shape
_KEY_SHAPES = re.compile(
    r"(?<![\w-])(?:"
    r"AKIA[0-9A-Z]{16}"  # AWS access key id
    r"|(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}"  # GitHub
    r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"  # Stripe
    r"|sk-(?:proj-)?[A-Za-z0-9_-]{20,}"  # OpenAI-style
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API key
    r"|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"  # SendGrid
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWT
    r")"
)
_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S
)
_BEARER = re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)")
# BitLocker recovery keys: eight groups of six digits.
_RECOVERY_KEY = re.compile(r"(?<!\d)\d{6}(?:[- ]\d{6}){7}(?!\d)")
# user:password@host in a URL or connection string.
_URL_PASSWORD = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@]+:([^\s@/]+)@")


def key_shapes(text: str) -> Iterator[Span]:
    for pattern in (_KEY_SHAPES, _PRIVATE_KEY, _RECOVERY_KEY):
        for match in pattern.finditer(text):
            yield Span(match.start(), match.end(), "SECRET")
    for match in _BEARER.finditer(text):
        yield Span(match.start(1), match.end(1), "SECRET")
    for match in _URL_PASSWORD.finditer(text):
        yield Span(match.start(1), match.end(1), "PASSWORD")


# ---------------------------------------------------------------- stated passwords, codes and keys
# "my password is X", "pw: X", "reset my password to X", "the password for outlook was X", "PIN 4821".
_PASSWORD_WORDS = r"pass\s?words?|passwd|pwd|pw|pass\s?phrase|passcode|pass|pin(?:\s?(?:code|number))?"
_CODE_WORDS = (
    r"(?:(?:one[- ]time|verification|verify|otp|2fa|mfa|two[- ]factor|security|authentication|auth|login|"
    r"log[- ]in|sign[- ]in|sms|text|access|confirmation|backup|recovery|reset|authenticator|passcode)\s+)"
    r"(?:code|pin|number|passcode|password)s?|otp|totp|the\s+code|my\s+code|a\s+code|this\s+code|code"
)
_KEY_WORDS = (
    r"(?:api|access|secret|private|license|licence|product|recovery|bitlocker|wifi|wi-fi|wpa2?|network|"
    r"app|client|shared|ssh|encryption)[\s_-]?(?:key|secret|token)|api[\s_-]?token|auth[\s_-]?token|"
    r"access[\s_-]?token|refresh[\s_-]?token|client[\s_-]?secret|token|secret"
)
# Word verbs end at a word boundary: "password expires today" states no password ("to" + "day").
_STATED = (
    r"(?:\s*(?:(?:is|was|to|as|will\s+be|would\s+be|should\s+be|of|it's|it\s+is)\b|'s|’s|=|:|->|=>|-)\s*"
    r"|\s*[:=]\s*)"
)
# Up to six words between "password" and "is": "the pw for the shared printer account is X".
_GAP = r"(?:,?\s+(?!is\b|was\b)[\w'’-]+){0,6}?,?"
_VALUE = r"""("[^"\n]{1,80}"|'[^'\n]{1,80}'|“[^”\n]{1,80}”|[^\s"'“”]{1,80})"""

_CODE_VALUE = r"(\d{3}[ -]\d{3}(?!\d)|" + _VALUE[1:]

_STATED_PASSWORD = re.compile(rf"(?i)\b(?:{_PASSWORD_WORDS})\b{_GAP}{_STATED}{_VALUE}")
# "picked his first password, Payroll#Start6, so ...": the value right after the word, or after a comma
_BARE_PASSWORD = re.compile(rf"(?i)\b(?:{_PASSWORD_WORDS})(?:\s+|,\s*){_VALUE}")
# "tried logging in with X as my password", "the new one is X" (after a password was mentioned).
_VALUE_AS_PASSWORD = re.compile(
    rf"(?i)\b(?:with|using|use|used|typed|entered|tried|put|set)\s+{_VALUE}\s+as\s+(?:my|the|a|our)\s+"
    rf"(?:new\s+|old\s+)?(?:{_PASSWORD_WORDS})\b"
)
_ANOTHER_ONE = re.compile(
    rf"(?i)\b(?:new|old|current|temporary|temp|correct|right|other|first|second)\s+one\s+"
    rf"(?:is|was|will\s+be|should\s+be|=|:)\s*{_VALUE}"
)
# "outlook keeps asking for my password, I type Marmalade!2024 and it pops back": after a password was mentioned,
# a password-shaped value the customer types or tries.
_TYPED_VALUE = re.compile(rf"(?i)\b(?:type|typed|typing|enter|entered|put\s+in|tried|try|trying)\s+{_VALUE}")
_RESET_IT_TO = re.compile(
    rf"(?i)\b(?:reset|resetting|changed|changing|change|set|setting)\s+it\s+to\s+{_VALUE}"
)
# "jane@example.com / Passw0rd!" or "jsmith : Passw0rd!": a login and a password side by side.
_LOGIN_PAIR = re.compile(
    r"(?i)(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[/|]|\buser(?:name)?\s*[:=]?\s*[\w.@-]+\s*[/|:,])\s*" + _VALUE
)
_MENTIONS_PASSWORD = re.compile(rf"(?i)\b(?:{_PASSWORD_WORDS})\b")
_CREDENTIALS_CUE = re.compile(r"(?i)\b(?:user(?:name)?|login|log-?in|email|account|id)\b|@")
_STATED_CODE = re.compile(rf"(?i)\b(?:{_CODE_WORDS})\b{_GAP}{_STATED}{_CODE_VALUE}")
_BARE_CODE = re.compile(rf"(?i)\b(?:{_CODE_WORDS})\s+(\d{{3}}[ -]?\d{{3}}|\d{{4,8}})(?!\d)")
# "the authenticator gave me 731 604", "the text said 482913": where the code came from, then the digits.
_SENT_CODE = re.compile(
    r"(?i)\b(?:authenticator|authenticator app|the app|text|sms|text message|email|phone)\s+"
    r"(?:gave|sent|shows|showed|show|says|said|displays|displayed|generated|(?:is\s+)?(?:showing|displaying))\s+"
    r"(?:me\s+)?(?:the\s+|a\s+)?"
    r"(?:code\s+)?(\d{3}[ -]?\d{3}|\d{4,8})(?!\d)"
)
# "a text with 482913 in it"; "asked for the code ... I gave them 551 208": a code received or passed on.
_CODE_IN_MESSAGE = re.compile(
    r"(?i)\b(?:text|sms|text message|email|message)\s+(?:with|containing|saying)\s+(?:the\s+|a\s+)?"
    r"(?:code\s+)?(\d{3}[ -]?\d{3}|\d{4,8})(?!\d)"
)
_PASSED_ON_CODE = re.compile(
    r"(?i)\b(?:gave|told|read out|read|sent|passed|typed)\s+(?:them|him|her|the caller|that person|the guy)\s+"
    r"(?:the\s+)?(?:code\s+)?(\d{3}[ -]?\d{3}|\d{4,8})(?!\d)"
)
_STATED_KEY = re.compile(rf"(?i)\b(?:{_KEY_WORDS})\b{_GAP}{_STATED}{_VALUE}")
_BARE_KEY = re.compile(rf"(?i)\b(?:{_KEY_WORDS})\s+([A-Za-z0-9_\-.+/=]{{16,}})")


# Words that follow "password is" / "the code was" in a sentence about the problem, not the secret.
def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


_NOT_A_SECRET = _words(
    """
    a about accepted actually again all also always an and any are as asking at bad because been being
    blank blocked both broken but by can cannot cant case changed changing complex correct definitely
    did didnt different does doesnt done empty ending every expired expiring expires failing fails fine
    for forgotten from gone good had has hashed having here how i if im in incorrect invalid is it its
    just known last locked long longer lost me meant missing more my needed new no not now of ok okay old
    on one only or our out over please probably rejected refused required reset right same saved secure
    set short should showing so some still stored strong supposed that the their them then there these
    they this those to too under unknown up us used very was wasnt we weak were what when where which
    while who why will with within without wont working wrong yes yet you your same sent
    on-screen below above attached here needed correct fine working ok valid worn faded damaged scratched
    hidden visible printed displayed greyed disabled enabled written stuck usual always
    """
)
# "vpn wants the code from my authenticator, i type 906 412 and it says invalid": digits typed after a code was
# mentioned ("the code", "authenticator", "otp"), checked against that mention in `stated_codes`.
_TYPED_CODE = re.compile(
    r"(?i)\b(?:type|typed|typing|enter|entered|entering|put\s+in|tried|try|trying|use|used|using)\s+(?:in\s+)?"
    r"(\d{3}[ -]?\d{3}|\d{4,8})(?!\d)"
)
_MENTIONS_CODE = re.compile(rf"(?i)\b(?:{_CODE_WORDS}|authenticator)\b")
# Codes an IT desk talks about that are not secrets: "error code 0x80070005", "exit code 1".
_CODE_CONTEXT_NOT_SECRET = re.compile(
    r"(?i)\b(?:error|exit|status|return|response|http|stop|bug|fault|event|product|area|post|zip|source|"
    r"country|dialling|dialing|sort|reason|result|device|qr|bar|country|discount|promo|voucher|"
    r"tracking|reference|ref|shortcode|short|colour|color|dress|hex|key)\s+$"
)


# Words that follow a bare "password" when the message is about passwords in general.
_PASSWORD_TOPICS = _words(
    """reset resets change changes changed manager policy policies field box prompt prompts screen expiry
    expired expires expiring page link email emails rules requirement requirements history hint hints
    protected protection strength sync vault form option settings setting dialog dialogue window
    complexity length recovery portal request requests issue issues problem problems keeps isn't doesn't
    won't didn't"""
)


def _value_span(match: re.Match[str], group: int = 1) -> tuple[int, int, str]:
    start, end = match.span(group)
    value = match.group(group)
    if value[:1] in "\"'“" and len(value) > 2:
        return start + 1, end - 1, value[1:-1]
    # Trailing sentence punctuation is not part of the secret ("is hunter2." / "is hunter2,").
    stripped = value.rstrip(".,;:)")
    if len(stripped) >= 3:
        value = stripped
    return start, start + len(value), value


def _looks_like_a_word(value: str) -> bool:
    return value.lower().strip(".,;!?") in _NOT_A_SECRET


def _has_mixed_shape(value: str) -> bool:
    """Bare "password Summer2024!" without a verb: only a value no English word looks like."""
    has_digit = any(c.isdigit() for c in value)
    has_symbol = any(not c.isalnum() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return len(value) >= 4 and ((has_digit and has_alpha) or (has_symbol and (has_digit or has_alpha)))


# Cheap first looks: most messages mention none of the trigger words, and the full patterns are slow.
_PASSWORD_HINT = re.compile(
    r"(?i)pass|pw|pin|with|using|use|typed|entered|tried|put|set|one\b|reset|chang|user|@"
)
_CODE_HINT = re.compile(r"(?i)code|otp|pin|pass|authenticator|gave|sent|said|says|show|text|sms|message")
_KEY_HINT = re.compile(r"(?i)key|token|secret")


_IP_OR_VERSION = re.compile(r"v?\d+(?:\.\d+)+[.,!?]?")
_NEW_CLAUSE_TO = re.compile(r"(?i)(?:\b(?:and|but|so|then|asking|saying|told)\b|,).*\bto\s*$")


def stated_passwords(text: str) -> Iterator[Span]:
    if not _PASSWORD_HINT.search(text):
        return
    for match in _STATED_PASSWORD.finditer(text):
        start, end, value = _value_span(match)
        if _NEW_CLAUSE_TO.search(text[match.start() : match.start(1)]) and not _has_mixed_shape(value):
            continue  # "my password expires today and to click here": "to" starts another clause
        if not _looks_like_a_word(value) and len(value) >= 3:
            yield Span(start, end, "PASSWORD")
    for match in _BARE_PASSWORD.finditer(text):
        start, end, value = _value_span(match)
        if _looks_like_a_word(value) or value.lower() in _PASSWORD_TOPICS:
            continue
        # "password Summer2024!" has a shape no word has; "user jsmith password sunshine" lists credentials.
        if _has_mixed_shape(value) or _CREDENTIALS_CUE.search(text[: match.start()]):
            yield Span(start, end, "PASSWORD")
    for match in _VALUE_AS_PASSWORD.finditer(text):
        start, end, value = _value_span(match)
        if not _looks_like_a_word(value):
            yield Span(start, end, "PASSWORD")
    for pattern in (_RESET_IT_TO, _LOGIN_PAIR):
        for match in pattern.finditer(text):
            start, end, value = _value_span(match)
            if _has_mixed_shape(value) and not _looks_like_a_word(value):
                yield Span(start, end, "PASSWORD")
    mention = _MENTIONS_PASSWORD.search(text)
    for match in _ANOTHER_ONE.finditer(text):
        start, end, value = _value_span(match)
        if mention and mention.start() < match.start() and not _looks_like_a_word(value):
            yield Span(start, end, "PASSWORD")
    for match in _TYPED_VALUE.finditer(text):
        start, end, value = _value_span(match)
        if (
            mention
            and mention.start() < match.start()
            and _has_mixed_shape(value)
            and not _looks_like_a_word(value)
            and not _IP_OR_VERSION.fullmatch(value)
        ):
            yield Span(start, end, "PASSWORD")


def stated_codes(text: str) -> Iterator[Span]:
    if not _CODE_HINT.search(text):
        return
    for pattern in (_STATED_CODE, _BARE_CODE, _SENT_CODE, _CODE_IN_MESSAGE, _PASSED_ON_CODE):
        for match in pattern.finditer(text):
            if _CODE_CONTEXT_NOT_SECRET.search(text[max(0, match.start() - 30) : match.start()]):
                continue
            start, end, value = _value_span(match)
            compact = value.replace(" ", "").replace("-", "")
            # A one-time code is digits (sometimes letters and digits); "the code is 0x8007..." is an
            # error code and "the code was wrong" a sentence.
            if (compact.isdigit() and 4 <= len(compact) <= 10) or (
                pattern is _STATED_CODE and _is_code(value)
            ):
                yield Span(start, end, "SECRET")
    mention = next(
        (
            m.start()
            for m in _MENTIONS_CODE.finditer(text)
            if not _CODE_CONTEXT_NOT_SECRET.search(text[max(0, m.start() - 30) : m.start()])
        ),
        None,
    )
    for match in _TYPED_CODE.finditer(text) if mention is not None else ():
        if mention < match.start():
            yield Span(match.start(1), match.end(1), "SECRET")


def _is_code(value: str) -> bool:
    if _looks_like_a_word(value) or value.lower().startswith("0x"):
        return False
    return 4 <= len(value) <= 12 and any(c.isdigit() for c in value) and value.replace("-", "").isalnum()


def stated_keys(text: str) -> Iterator[Span]:
    if not _KEY_HINT.search(text):
        return
    for match in _STATED_KEY.finditer(text):
        start, end, value = _value_span(match)
        if not _looks_like_a_word(value) and len(value) >= 8 and not value.lower().startswith("0x"):
            yield Span(start, end, "SECRET")
    for match in _BARE_KEY.finditer(text):
        value = match.group(1).rstrip(".,;:")
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            yield Span(match.start(1), match.start(1) + len(value), "SECRET")


RECOGNISERS: tuple[Recogniser, ...] = (
    key_shapes,
    cards,
    ibans,
    ninos,
    emails,
    phones,
    stated_passwords,
    stated_codes,
    stated_keys,
)
