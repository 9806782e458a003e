"""Japanese text analysis shared by indexing and querying.

Plain character bigrams find substrings but also false hits across word boundaries (「京都」 inside
「東京都」). So the text is cut into UniDic short-unit words by MeCab (through fugashi, about 20×
faster than the pure-Python Janome this module first used, which made a 30,000-document rebuild
take over ten minutes), and each word becomes a term: 東京都 is 東京/都, so 「京都」 has no term to
match, while 京都府 is 京都/府 and matches. Short units are small (補助/金, 小/規模, 持続/化), so a
partial word is usually a whole unit: 「補助」 finds 補助金.

A query word of several units matches only where those units are neighbours. For Whoosh's short
fields every two neighbouring words of a run also make a *pair* term ("補助"+"金" → 補助金), stored in
a separate field, and such a query is the AND of its pair terms (one posting list each, no
positions); long bodies keep positions instead (pairs there were most of the terms and most of the
indexing time) and are asked a phrase. PostgreSQL asks a phrase (`<->`) everywhere.

Before analysis: NFKC (ＩＴ＝IT, ｶﾀｶﾅ＝カタカナ); after it, each word is folded: lowercase, katakana
to hiragana, ヶ/ヵ to か, and the final ー of a long loanword dropped (コンピューター＝コンピュータ).
MeCab reads the original script, which it segments best; the folding is what makes ものづくり and
モノづくり, or サーバー and サーバ, the same term. Text is cut into runs at every character that is
not a letter or digit, so no term spans punctuation or spaces.

Positions leave a gap after every run, so a phrase (neighbouring words, as 「IT導入」 asks) never
spans punctuation or runs from one keyword into the next; both backends see the same positions.
A word longer than `MAX_WORD_LENGTH` (a stray hash or encoded blob, never something people type)
is not indexed: PostgreSQL caps lexemes at 2 KB.

Whoosh pickles the analyzers into the index schema: they are importable classes whose only state is
a version number, and the MeCab tagger is created lazily per process.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

from whoosh.analysis import Analyzer, Token

# Bump when the terms or their positions change: an index written with another version is rebuilt.
ANALYSIS_VERSION = 5
MAX_WORD_LENGTH = 100
RUN_CACHE_SIZE = 65536

_RUN = re.compile(r"[^\W_]+")
_LONG_VOWEL = "ー"
_SMALL_KA = {"ゕ": "か", "ゖ": "か"}

_lock = threading.Lock()
_tagger = None


def _is_katakana(ch: str) -> bool:
    return "ァ" <= ch <= "ヺ"


# Katakana ァ..ヶ to hiragana ぁ..ゖ, then the small ゕ/ゖ (from ヵ/ヶ) to か: one C-level translate.
_KANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}
_KANA.update({ord("ヵ"): "か", ord("ヶ"): "か", ord("ゕ"): "か", ord("ゖ"): "か"})


def _drop_final_long_vowels(text: str) -> str:
    """Remove a ー ending a katakana word of three or more characters (コンピューター→コンピュータ)."""
    out = []
    run = 0
    for i, ch in enumerate(text):
        if ch == _LONG_VOWEL and run >= 3:
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if not (_is_katakana(nxt) or nxt == _LONG_VOWEL):
                run = 0
                continue
        out.append(ch)
        run = run + 1 if _is_katakana(ch) or (ch == _LONG_VOWEL and run) else 0
    return "".join(out)


def fold(text: str) -> str:
    """Fold NFKC text: lowercase, katakana to hiragana, ヶ/ヵ to か, a long loanword's last ー."""
    if _LONG_VOWEL in text:
        text = _drop_final_long_vowels(text)
    return text.lower().translate(_KANA)


def normalize(text: str) -> str:
    """Exactly what index and query text go through before and after word segmentation."""
    return fold(unicodedata.normalize("NFKC", text))


def _mecab():
    global _tagger
    if _tagger is None:
        from fugashi import Tagger

        _tagger = Tagger()
    return _tagger


@lru_cache(maxsize=RUN_CACHE_SIZE)
def words_of_run(run: str) -> tuple[str, ...]:
    """The folded short-unit words of one NFKC run of letters and digits."""
    if run.isascii():
        return (run.lower(),) if len(run) <= MAX_WORD_LENGTH else ()
    with _lock:  # a fugashi Tagger is not safe to share between threads
        surfaces = [word.surface for word in _mecab()(run)]
    words = []
    for surface in surfaces:
        folded = fold(surface)
        if folded and len(folded) <= MAX_WORD_LENGTH:
            words.append(folded)
    return tuple(words)


def runs(text: str) -> list[tuple[str, ...]]:
    """The word sequences of every run of `text` (raw, un-normalized)."""
    found = (words_of_run(m.group()) for m in _RUN.finditer(unicodedata.normalize("NFKC", text or "")))
    return [words for words in found if words]


def pairs(words: tuple[str, ...]) -> list[str]:
    return [words[i] + words[i + 1] for i in range(len(words) - 1)]


class _TermAnalyzer(Analyzer):
    def __init__(self) -> None:
        self.version = ANALYSIS_VERSION

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.version == getattr(other, "version", None)

    def terms(self, words: tuple[str, ...]) -> list[str]:
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        position = start_pos
        for words in runs(value):
            for term in self.terms(words):
                token.text = term
                token.pos = position
                position += 1
                yield token
            position += 1  # the gap that ends a run (see the module docstring)


class WordAnalyzer(_TermAnalyzer):
    """One term per short-unit word."""

    def terms(self, words: tuple[str, ...]) -> list[str]:
        return list(words)


class PairAnalyzer(_TermAnalyzer):
    """One term per two neighbouring words of a run."""

    def terms(self, words: tuple[str, ...]) -> list[str]:
        return pairs(words)
