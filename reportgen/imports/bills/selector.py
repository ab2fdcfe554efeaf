"""Which lines of a bill are Kafka's: the user's tags, resource ids and services, as one SQL condition."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.imports.bills.classify import service_names
from reportgen.imports.refusals import UsageError

# How providers prefix user-defined tag keys: the CUR 2.0 writes `user_team` for a tag `team`, the legacy CUR `user:team`.
TAG_PREFIXES = ("", "user_", "user:")


@dataclass(frozen=True)
class Selector:
    """A line is Kafka's when any tag, resource id or service given matches it."""
    tags: tuple[tuple[str, str], ...] = ()
    resource_ids: tuple[str, ...] = ()
    services: tuple[str, ...] = ()

    @classmethod
    def parse(cls, tags: list[str], resource_ids: list[str], services: list[str]) -> Selector:
        pairs = []
        for tag in tags:
            key, equals, value = tag.partition("=")
            if not equals or not key.strip():
                raise UsageError(f"--tag {tag!r} is not KEY=VALUE; write it as e.g. --tag kafka=true")
            pairs.append((key.strip(), value.strip()))
        blank = [r for r in (*resource_ids, *services) if not r.strip()]
        if blank:
            raise UsageError("--resource-id and --service need a value; leave the flag out instead of giving it empty")
        return cls(tuple(pairs), tuple(r.strip() for r in resource_ids), tuple(s.strip() for s in services))

    def __bool__(self) -> bool:
        return bool(self.tags or self.resource_ids or self.services)

    def __str__(self) -> str:
        said = [f"tag {k}={v}" for k, v in self.tags] + [f"resource id containing {r}" for r in self.resource_ids] \
            + [f"service {s}" for s in self.services]
        return " or ".join(said)

    def condition(self, tags_column: str | None, tags_are_map: bool) -> tuple[str, list]:
        """The SQL condition over the normalised lines (`service`, `resource`) and the source's tag column,
        with its parameters in order."""
        terms, parameters = [], []
        for key, value in self.tags:
            if tags_column is None:
                continue
            lookups = []
            for prefix in TAG_PREFIXES:
                if tags_are_map:
                    lookups.append(f"{tags_column}[?]")
                    parameters.append(prefix + key)
                else:
                    lookups.append(f"json_extract_string({tags_column}, ?)")
                    parameters.append('$."' + (prefix + key).replace('\\', '\\\\').replace('"', '\\"') + '"')
            terms.append(f"coalesce({', '.join(lookups)}) = ?")
            parameters.append(value)
        for resource in self.resource_ids:
            terms.append("contains(coalesce(resource, ''), ?)")
            parameters.append(resource)
        names = sorted({name.lower() for service in self.services for name in service_names(service)})
        if names:
            terms.append(f"lower(coalesce(service, '')) IN ({', '.join('?' for _ in names)})")
            parameters.extend(names)
        return (" OR ".join(f"({t})" for t in terms) or "false"), parameters
