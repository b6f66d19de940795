"""A Triton model config's `parameters` (all strings there), read strictly.

Every model reads its parameters through `read_strictly` (or `from_parameters` for a settings
dataclass): a key that no reader asks for fails the model load, so a misspelt `score_threshold`
cannot silently fall back to its default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields
from typing import Any, TypeVar

from python_backends.errors import BackendError

T = TypeVar("T")
_CASTS = {"int": int, "float": float, "str": str, "bool": lambda text: text.strip().lower() in ("1", "true", "yes")}


class ParameterError(BackendError, ValueError):
    """A model's config parameters name a key its model does not read, or give a value it cannot use."""


RELOAD_GENERATION = "reload_generation"
"""A parameter no model reads: the launcher changes it in a config override to make Triton reload an
unchanged model (a load of an identical config does nothing), to give back its shared memory."""


def model_parameters(config: Mapping[str, Any]) -> dict[str, str]:
    """The `parameters { key: ..., value: { string_value: ... } }` of a parsed model config."""
    return {key: value["string_value"] for key, value in config.get("parameters", {}).items()
            if key != RELOAD_GENERATION}


def from_parameters(cls: type[T], params: Mapping[str, str], **fixed) -> T:
    """`cls(**fixed, **params)` with each parameter cast to its field's type; unknown keys are an error."""
    types = {field.name: field.type for field in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(params) - set(types))
    if unknown:
        raise ParameterError(f"unknown {cls.__name__} parameters: {', '.join(unknown)}")
    return cls(**fixed, **{name: _CASTS[str(types[name])](text) for name, text in params.items()})


class TrackedParameters(Mapping[str, str]):
    """Parameters that remember which keys were asked for (looked up, `in`, `get`)."""

    def __init__(self, values: Mapping[str, str]):
        self._values = dict(values)
        self._asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self._asked.add(key)
        return self._values[key]

    def __contains__(self, key: object) -> bool:
        self._asked.add(str(key))
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def unread(self) -> list[str]:
        return sorted(set(self._values) - self._asked)

    def asked(self) -> list[str]:
        return sorted(self._asked)


def read_strictly(config: Mapping[str, Any], read: Callable[[Mapping[str, str]], T]) -> T:
    """`read(parameters)` of a parsed model config; raises `ParameterError` naming the keys `read` never asked for."""
    params = TrackedParameters(model_parameters(config))
    result = read(params)
    unknown = params.unread()
    if unknown:
        raise ParameterError(f"model '{config.get('name', '?')}': unknown parameters {', '.join(unknown)} "
                             f"(it reads {', '.join(params.asked()) or 'none'})")
    return result
