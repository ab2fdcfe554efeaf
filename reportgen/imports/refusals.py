"""Why an import stops: each names the file, what is wrong with it and what to do; nothing is written."""

from __future__ import annotations

from reportgen.problems import ReportgenError


class ImportRefused(ReportgenError):
    """An export that cannot be imported as given."""


class UnreadableFile(ImportRefused):
    """A file that is missing, cut off (a truncated gzip or Parquet file) or not text where text is needed."""


class WrongFormat(ImportRefused):
    """A file in none of the formats reportgen reads, or missing columns its format needs."""


class MixedCurrencies(ImportRefused):
    """A bill whose lines are in more than one currency, or in another currency than the assessment's."""


class NothingSelected(ImportRefused):
    """No line of a bill is Kafka's by the selector given, or no selector was given."""


class UnknownCluster(ImportRefused):
    """A metrics file whose cluster cannot be told, or a cluster name the assessment does not have."""


class NothingMeasured(ImportRefused):
    """A metrics file from which no figure can be derived (for example one snapshot of counters)."""


class UsageError(ImportRefused):
    """Flags that do not make sense together, such as --prefer with an unknown value."""
