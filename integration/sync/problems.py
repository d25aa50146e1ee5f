"""The problems a sync reports: one per broken thing, with every document it holds back."""

from __future__ import annotations

from collections import defaultdict

from integration.domain import Problem, Severity, SourceRef

# Problems whose message says how many documents they block: one mapping or lock date holds back many.
AGGREGATED = ("mapping.", "xero.lock_date")


class ProblemBook:
    """Collects problems across a run: one per broken thing, with every document it holds back."""

    def __init__(self) -> None:
        self._first: dict[str, tuple[str, str, str, str]] = {}
        self._documents: dict[str, list[SourceRef]] = defaultdict(list)

    def add(self, code: str, subject: str, message: str, fix: str, document: SourceRef) -> None:
        self._first.setdefault(subject, (code, subject, message, fix))
        self._documents[subject].append(document)

    def problems(self) -> list[Problem]:
        out = []
        for subject, (code, _, message, fix) in self._first.items():
            documents = tuple(self._documents[subject])
            if code.startswith(AGGREGATED):
                count = len(documents)
                message = f"{message} It blocks {count} document{'s' if count != 1 else ''}."
            out.append(Problem(code, subject, message, fix, Severity.BLOCKING, documents))
        return sorted(out, key=lambda p: (-len(p.documents), p.subject))


def subject_of(code: str, ref: SourceRef) -> str:
    """What a problem is about: the lock date is one thing for every document; anything else is per document."""
    return "lock_date" if code == "xero.lock_date" else f"{code.split('.')[0]}:{ref}"
