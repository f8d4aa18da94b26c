"""Claims: the domain pack, typed value normalisers, and extraction of claims from sources."""
from claims.errors import PackError, TableError
from claims.pack import CatalogueEntry, DomainPack, EntitySpec, FieldSpec, KindSpec, expand_alias, load_pack
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
)

__all__ = [
    "CatalogueEntry",
    "Claim",
    "DateValue",
    "DomainPack",
    "EntitySpec",
    "Evidence",
    "FieldSpec",
    "KindSpec",
    "PackError",
    "QuantityValue",
    "RefValue",
    "TableError",
    "TypedValue",
    "content_id",
    "expand_alias",
    "load_pack",
    "make_claim",
    "value_key",
]
