"""Typed settings dataclasses from a Triton model's config `parameters` (all strings there)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TypeVar

T = TypeVar("T")
_CASTS = {"int": int, "float": float, "str": str, "bool": lambda text: text.strip().lower() in ("1", "true", "yes")}


def from_parameters(cls: type[T], params: Mapping[str, str], **fixed) -> T:
    """`cls(**fixed, **params)` with each parameter cast to its field's type; unknown keys are an error
    (a misspelt threshold must not silently fall back to its default)."""
    types = {field.name: field.type for field in fields(cls)}
    unknown = sorted(set(params) - set(types))
    if unknown:
        raise ValueError(f"unknown {cls.__name__} parameters: {', '.join(unknown)}")
    return cls(**fixed, **{name: _CASTS[str(types[name])](text) for name, text in params.items()})
