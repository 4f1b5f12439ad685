"""From a spreadsheet row or a vCard to a contact: which column means what, and what a row yields.

The import surface the importers, the LDAP sync and the Import window use; each part lives in
the module that owns it: import_headers.py (the header tables, ColumnPlan), import_rows.py (a
row's cells to a ContactDraft), import_cards.py (a vCard or directory entry to one) and
import_names.py (whether two names can be one person).
"""

from desktop.core.import_cards import (
    CardData,
    card_number_columns,
    draft_from_card,
    label_from_types,
    with_corrected_tels,
)
from desktop.core.import_headers import (
    FIELD_TITLES,
    HEADER_ALIASES,
    PHONE_LABELS,
    WEAK_ALIASES,
    ColumnPlan,
    Field,
    field_for_header,
    header_key,
    header_score,
    map_headers,
    normalise_header,
)
from desktop.core.import_names import name_words, names_agree, words_agree
from desktop.core.import_rows import (
    MAX_FIELD_CHARS,
    MAX_NOTES_CHARS,
    ContactDraft,
    NumberParser,
    RowProblem,
    Skipped,
    draft_from_cells,
    draft_from_row,
    footer_or_blank,
    number_columns,
    phone_label,
    split_numbers,
)

__all__ = [
    "FIELD_TITLES",
    "HEADER_ALIASES",
    "MAX_FIELD_CHARS",
    "MAX_NOTES_CHARS",
    "PHONE_LABELS",
    "WEAK_ALIASES",
    "CardData",
    "ColumnPlan",
    "ContactDraft",
    "Field",
    "NumberParser",
    "RowProblem",
    "Skipped",
    "card_number_columns",
    "draft_from_card",
    "draft_from_cells",
    "draft_from_row",
    "field_for_header",
    "footer_or_blank",
    "header_key",
    "header_score",
    "label_from_types",
    "map_headers",
    "name_words",
    "names_agree",
    "normalise_header",
    "number_columns",
    "phone_label",
    "split_numbers",
    "with_corrected_tels",
    "words_agree",
]
