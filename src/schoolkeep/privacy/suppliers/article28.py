"""The terms UK GDPR Article 28(3) requires in a contract with a processor, as a checklist.

Sources: UK GDPR Article 28(3) (the details of the processing, then points (a) to (h), and the
paragraph after them on instructions that would break the law); the ICO's guidance
"Contracts and liabilities between controllers and processors: what needs to be included
in the contract" (ico.org.uk). The wording below is ours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    key: str
    reference: str  # where the law says it
    text: str  # what the contract must say, in plain words


TERMS: tuple[Term, ...] = (
    Term("details", "Article 28(3)",
         "It describes the processing: what it is about and for how long, what the supplier "
         "does with the data and why, the kinds of personal data and of people, and the "
         "school's obligations and rights."),
    Term("instructions", "Article 28(3)(a)",
         "The supplier uses the data only on the school's written instructions, including "
         "before sending it abroad, unless the law makes it do otherwise (and then tells the "
         "school first, where the law allows)."),
    Term("confidentiality", "Article 28(3)(b)",
         "Everyone the supplier lets handle the data is bound to keep it confidential."),
    Term("security", "Article 28(3)(c)",
         "The supplier keeps the data secure as Article 32 requires."),
    Term("sub_processors", "Article 28(3)(d)",
         "The supplier uses another processor only with the school's written permission, "
         "passes the same terms on to it, and stays answerable for it."),
    Term("rights", "Article 28(3)(e)",
         "The supplier helps the school answer people who use their rights (access, "
         "correction, erasure and the others)."),
    Term("assistance", "Article 28(3)(f)",
         "The supplier helps the school with security, reporting breaches, DPIAs and "
         "consulting the ICO."),
    Term("end_of_contract", "Article 28(3)(g)",
         "When the service ends, the supplier deletes or returns all the data, as the school "
         "chooses, and deletes its copies unless the law requires it to keep them."),
    Term("audits", "Article 28(3)(h)",
         "The supplier gives the school the information that shows it keeps these terms, "
         "and allows audits and inspections."),
    Term("unlawful_instructions", "Article 28(3), after point (h)",
         "The supplier tells the school at once if it thinks an instruction breaks data "
         "protection law."),
)

TERM_KEYS: tuple[str, ...] = tuple(term.key for term in TERMS)


def missing_terms(answers: dict[str, bool]) -> list[Term]:
    """The terms not ticked as in the contract."""
    return [term for term in TERMS if not answers.get(term.key)]
