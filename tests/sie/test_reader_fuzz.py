"""Hostile input: whatever the bytes, the reader either reads them or raises SieError.

Also checks that the regex fast path for #TRANS/#VER lines gives exactly what the general
tokenizer gives: lower-case labels never take the fast path, so the same line read as `#trans`
is the slow path's answer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.sie.errors import SieError
from core.sie.reader import SieLimits, SieReader, read_sie
from core.sie.tokenizer import TokenError, split_fields

SAMPLE_FILES = Path(__file__).resolve().parents[2].parent / "shared" / "sie" / "files"
HEAD = b"#FLAGGA 0\r\n#PROGRAM fuzz 1\r\n#SIETYP 4\r\n"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Characters that matter to the grammar, plus letters in all three charsets and controls.
INTERESTING = ' \t"\\{}#-.,+0123456789AZaz\u00e5\u00e4\u00f6\u00c5\u00a0\x00\x0b\x1f\x7f\r\n'


def _real_lines() -> list[str]:
    lines: list[str] = []
    for name in ("byrokrat__accounting/BL0001_typ4.SE", "byrokrat__accounting/SIE3.se", "blinfo__Sie4j/Quotes_test.si",
                 "idstam__jsisie/Sie4.se", "byrokrat__accounting/MAMUT_SIE4_EXPORT.SE"):
        path = SAMPLE_FILES / name
        if path.exists():
            text = path.read_bytes().decode("cp437")
            lines.extend(line for line in text.splitlines()[:400] if line.strip())
    return lines or ['#TRANS 1930 {1 "A"} -100.00 20250101 "text"', '#VER A 1 20250101 "x"', "#IB 0 1930 5"]


REAL_LINES = _real_lines()


def read_or_reject(path: Path) -> None:
    """The property: SieError is the only way the reader may fail."""
    try:
        for _ in SieReader(path, SieLimits(max_objects_per_dimension=50)):
            pass
    except SieError:
        pass


@pytest.fixture(scope="module")
def fuzz_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzz.se"


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(fuzz_file, data):
    fuzz_file.write_bytes(data)
    read_or_reject(fuzz_file)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_after_a_valid_start(fuzz_file, data):
    fuzz_file.write_bytes(HEAD + data)
    read_or_reject(fuzz_file)


@st.composite
def mutated_line(draw) -> str:
    line = draw(st.sampled_from(REAL_LINES))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(line)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(st.sampled_from(INTERESTING))
        if action == "insert":
            line = line[:position] + char + line[position:]
        elif action == "delete":
            line = line[:position] + line[position + 1 :]
        else:
            line = line[:position] + char + line[position + 1 :]
    return line


@FUZZ
@given(lines=st.lists(mutated_line(), min_size=1, max_size=6), encoding=st.sampled_from(["cp437", "utf-8", "latin-1"]),
       in_voucher=st.booleans())
def test_mutated_real_lines(fuzz_file, lines, encoding, in_voucher):
    body = "\r\n".join(lines)
    if in_voucher:
        body = '#VER A 1 20250101 "x"\r\n{\r\n' + body + "\r\n}\r\n"
    fuzz_file.write_bytes(HEAD + body.encode(encoding, "replace"))
    read_or_reject(fuzz_file)


@FUZZ
@given(line=st.text(alphabet=INTERESTING.replace("\r", "").replace("\n", ""), max_size=60))
def test_tokenizer_splits_or_raises_token_error(line):
    try:
        fields = split_fields("#X " + line)
    except TokenError:
        return
    assert fields[0] == "#X"


# ---- fast path == slow path -----------------------------------------------------------------

word = st.text(alphabet="AZaz019\u00e5#-.:/", min_size=1, max_size=8)
quoted = st.text(alphabet="AZaz019 \u00e5#-.{}:/'", max_size=12).map(lambda text: f'"{text}"')
text_field = st.one_of(word, quoted, st.just('""'))
amount = st.from_regex(r"-?[0-9]{1,7}(\.[0-9]{1,3})?", fullmatch=True)
valid_date = st.dates(min_value=dt.date(1900, 1, 1)).map(lambda day: f"{day:%Y%m%d}")
date = st.one_of(st.just('""'), st.just("00000000"), valid_date)
blank = st.sampled_from([" ", "  ", "\t", " \t "])
objects = st.lists(st.tuples(st.sampled_from(["1", "6", '"1"']), st.one_of(word, quoted)), max_size=2).map(
    lambda pairs: "{" + " ".join(f"{dim} {obj}" for dim, obj in pairs) + "}"
)


@st.composite
def trans_line(draw) -> str:
    fields = [draw(st.sampled_from(["1930", "3010", "12", "123456"])), draw(objects), draw(amount)]
    optional = [draw(date), draw(text_field), draw(st.one_of(st.just('""'), amount)), draw(text_field)]
    fields += optional[: draw(st.integers(0, 4))]
    label = draw(st.sampled_from(["TRANS", "RTRANS", "BTRANS"]))
    return "#" + label + "".join(draw(blank) + field for field in fields)


@st.composite
def ver_line(draw) -> str:
    fields = [draw(text_field), draw(text_field), draw(valid_date)]
    fields += [draw(text_field), draw(date), draw(text_field)][: draw(st.integers(0, 3))]
    return "#VER" + "".join(draw(blank) + field for field in fields)


def _lower_label(line: str) -> str:
    label = line.split(None, 1)[0]
    return label.lower() + line[len(label):]


def _outcome(path: Path):
    try:
        document, warnings = read_sie(path)
    except SieError as error:
        return ("error", error.line, error.problem, error.field)
    rows = [(row.account, str(row.amount), row.objects, row.date, row.text, str(row.quantity), row.signature, row.kind)
            for voucher in document.vouchers for row in voucher.rows]  # str: the scale and sign of Decimal count
    vouchers = [(v.series, v.number, v.date, v.text, v.registered, v.signature) for v in document.vouchers]
    return (rows, vouchers, [str(warning) for warning in warnings])


@settings(FUZZ, max_examples=300)
@given(rows=st.lists(trans_line(), min_size=1, max_size=2), ver=ver_line())
def test_fast_path_reads_exactly_like_the_tokenizer(fuzz_file, rows, ver):
    # The first #VER always takes the slow path (it checks the SIE type), so a dummy one goes first.
    def file_text(label_case) -> str:
        lines = ["#VER A 0 20250101", "{", "}", label_case(ver), "{", *map(label_case, rows), "}"]
        return "\r\n".join(lines) + "\r\n"

    fuzz_file.write_bytes(HEAD + file_text(str).encode("utf-8"))
    fast = _outcome(fuzz_file)
    fuzz_file.write_bytes(HEAD + file_text(_lower_label).encode("utf-8"))
    slow = _outcome(fuzz_file)
    assert fast == slow
