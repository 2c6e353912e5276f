"""bagel-data: builds the bagel SFT and DPO training mixes as Dagster assets."""

__version__ = "0.1.0"
