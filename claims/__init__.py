"""Claims: the domain pack, typed value normalisers, and extraction of claims from sources."""
from claims.copies import Signature, cluster_copies, detect_copies, signature_of
from claims.dates import DateMatch, find_dates, normalise_date
from claims.errors import PackError, TableError
from claims.extract import extract_claims
from claims.pack import CatalogueEntry, DomainPack, EntitySpec, FieldSpec, KindSpec, expand_alias, load_pack
from claims.quantities import QuantityMatch, find_quantities, normalise_quantity
from claims.store import ClaimOrder, ClaimStore, Coded, EncodedClaims, LabelClash, claim_order, label_code, merge_labels
from claims.tables import TableClaims, TableMapping, load_mapping, load_table, table_pack
from claims.values import (
    Claim,
    DateValue,
    Evidence,
    QuantityValue,
    RefValue,
    TypedValue,
    content_id,
    make_claim,
    value_key,
    value_label,
)

__all__ = [
    "CatalogueEntry",
    "Claim",
    "ClaimOrder",
    "ClaimStore",
    "Coded",
    "DateMatch",
    "DateValue",
    "DomainPack",
    "EncodedClaims",
    "EntitySpec",
    "Evidence",
    "FieldSpec",
    "KindSpec",
    "LabelClash",
    "PackError",
    "QuantityMatch",
    "QuantityValue",
    "RefValue",
    "Signature",
    "TableClaims",
    "TableError",
    "TableMapping",
    "TypedValue",
    "claim_order",
    "cluster_copies",
    "content_id",
    "detect_copies",
    "expand_alias",
    "extract_claims",
    "find_dates",
    "find_quantities",
    "label_code",
    "load_mapping",
    "load_pack",
    "load_table",
    "make_claim",
    "merge_labels",
    "normalise_date",
    "normalise_quantity",
    "signature_of",
    "table_pack",
    "value_key",
    "value_label",
]
