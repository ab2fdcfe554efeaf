"""Builds: the pipeline a task runs, one report assembled, batches, change logs and atomic output."""
