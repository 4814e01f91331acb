"""The layer modules, one file per kind; ``nn`` re-exports them."""
