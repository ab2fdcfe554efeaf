"""Bills: a cost export read with DuckDB (streamed, never loaded whole), Kafka's lines chosen and classified."""
