"""The model: the scenario a run computes, its costs, the ranges of outcomes, and the results contract."""
